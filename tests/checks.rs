//! What `check` accepts, `run` can do, and the other way round: input refused with located
//! errors (invalid UTF-8, name clashes in a batch, unreadable `*.toml` entries, bad entries of
//! a policy file, arguments given twice, out-of-range command-line values), and warnings for
//! what a valid scenario says that cannot happen, printed by `check` and `run` and kept in the
//! manifest and the report. The fixtures with their snapshots are in `scenario_errors.rs`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use fleetsim::Error;
use fleetsim::scenario;

const BP: &str = "scenarios/bp_monitors.toml";
const MINIMAL: &str = "tests/fixtures/valid/minimal.toml";
const MONEY: &str = "tests/fixtures/valid/money_terms.toml";

/// The binary, run from the crate root so that relative scenario paths resolve.
fn fleetsim() -> Command {
    let mut cmd = Command::cargo_bin("fleetsim").expect("the fleetsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A file that is not UTF-8 is refused at each invalid sequence, not decoded with replacement
/// characters that would pass unnoticed into a name.
#[test]
fn invalid_utf8_is_refused_where_it_is() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("latin1.toml");
    let mut bytes = fs::read(MINIMAL).expect("minimal fixture");
    // "Maker" as "Mäker" in Latin-1 (0xE4), and a stray 0xFF 0xFE on the class's line.
    let text = String::from_utf8(bytes.clone()).expect("the fixture is UTF-8");
    let at = text.find("name = \"Maker\"").expect("the party") + "name = \"M".len();
    bytes.splice(at..at + 1, [0xE4]);
    let at = text.find("name = \"gadget\"").expect("the class") + "name = \"".len();
    bytes.splice(at..at, [0xFF, 0xFE]);
    fs::write(&file, &bytes).expect("write");
    let d = match scenario::load(&file) {
        Err(Error::Invalid(d)) => d,
        other => panic!("expected Error::Invalid, got {other:?}"),
    };
    let lines: Vec<String> = d.items.iter().map(|i| i.to_string()).collect();
    let f = file.display();
    assert_eq!(
        lines,
        [
            format!(
                "{f}:12:10: (encoding): found bytes that are not UTF-8 (0xE4), expected a UTF-8 text file"
            ),
            format!(
                "{f}:16:9: (encoding): found bytes that are not UTF-8 (0xFF), expected a UTF-8 text file"
            ),
            format!(
                "{f}:16:10: (encoding): found bytes that are not UTF-8 (0xFE), expected a UTF-8 text file"
            ),
        ]
    );
}

/// The bundled scenarios say nothing that cannot happen: their contracts' caps can bind and
/// their insurance lines fit their kinds.
#[test]
fn bundled_scenarios_have_no_warnings() {
    for entry in fs::read_dir(root("scenarios")).expect("scenarios folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "toml") {
            let loaded = scenario::load(&path).expect("a bundled scenario loads");
            assert_eq!(loaded.warnings, Vec::<String>::new(), "{}", path.display());
        }
    }
}

/// connected_cars as it was: under joint and several liability victims sue the software
/// vendor and the ECU supplier first, so a cap on their recourse to the importer never binds.
#[test]
fn a_cap_that_can_never_bind_is_warned_about() {
    let text = fs::read_to_string(root("scenarios/connected_cars.toml")).expect("bundled");
    let old = text
        .replace(
            "counterparty = \"Autowerk\"\ncap_fee_multiple = 1.0",
            "counterparty = \"EuroImport\"\ncap_fee_multiple = 1.0",
        )
        .replace(
            "counterparty = \"Autowerk\"\nindemnity = [\"wear_out\"]\ncap_fee_multiple = 2.0",
            "counterparty = \"EuroImport\"\ncap_fee_multiple = 2.0",
        );
    assert_ne!(old, text, "the contracts were rewritten");
    let file = Path::new("connected_cars.toml");
    let (_, warnings) = scenario::parse_with_warnings(&old, file).expect("valid");
    let at: Vec<(String, usize)> = warnings.iter().map(|w| (w.field.clone(), w.line)).collect();
    let line = |needle: &str| old.lines().position(|l| l == needle).expect("the contract") + 1;
    assert_eq!(
        at,
        [
            (
                "contract[1].cap_fee_multiple".to_owned(),
                line("cap_fee_multiple = 1.0")
            ),
            (
                "contract[2].cap_fee_multiple".to_owned(),
                line("cap_fee_multiple = 2.0")
            ),
        ]
    );
    assert!(
        warnings[0].message.starts_with(
            "this cap can never bind under this scenario's regimes (joint_and_several): the cap limits only what DriveSoft pays EuroImport"
        ),
        "{}",
        warnings[0].message
    );
    // The same caps owed to the manufacturer bind: DriveSoft's on the recall's recourse,
    // ECUnit's on its indemnity.
    let (_, none) = scenario::parse_with_warnings(&text, file).expect("valid");
    assert!(none.is_empty(), "{none:?}");
}

/// A product liability policy that pays fines is not what the kind means: warned, and run.
#[test]
fn lines_unusual_for_the_kind_are_warned_about() {
    let loaded = scenario::load(Path::new(MONEY)).expect("valid");
    assert_eq!(
        loaded.warnings,
        [format!(
            "{MONEY}:111:9: insurance[0].lines: a product_liability policy usually answers for damages only, but these lines add fines: check the kind, or the lines"
        )]
    );
}

/// `check` and `run` print warnings on stderr as `warning: file:line:col: …`; the run keeps
/// them in manifest.json and shows them in the report's warnings.
#[test]
fn warnings_are_printed_and_kept_with_the_results() {
    let expected = format!(
        "warning: {MONEY}:111:9: insurance[0].lines: a product_liability policy usually answers for damages only"
    );
    let a = fleetsim().args(["check", MONEY]).assert().success();
    assert!(stderr(&a).contains(&expected), "{}", stderr(&a));
    assert!(stdout(&a).contains("ok: "), "{}", stdout(&a));

    let tmp = tempfile::tempdir().expect("temp dir");
    let a = fleetsim()
        .args([
            "run",
            MONEY,
            "--replications",
            "2",
            "--threads",
            "1",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    assert!(stderr(&a).contains(&expected), "{}", stderr(&a));
    let folder = tmp.path().join("money_terms");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    let kept: Vec<&str> = manifest["warnings"]
        .as_array()
        .expect("a warnings list")
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(expected.ends_with(&kept[0][..kept[0].find(" only").expect("text") + 5]));
    let page = fs::read_to_string(folder.join("report.html")).expect("report");
    let warnings = page.find("id=\"warnings\"").expect("a warnings section");
    let line = page
        .find("insurance[0].lines: a product_liability policy")
        .expect("shown");
    assert!(line > warnings, "in the warnings section");
}

/// Two files of one scenario name would write the same folder: the batch is refused before
/// anything runs, naming both files; `check` refuses it too.
#[test]
fn a_batch_with_one_name_twice_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    fs::create_dir(&input).expect("folder");
    let (a, b) = (input.join("a.toml"), input.join("b.toml"));
    fs::copy(MINIMAL, &a).expect("copy");
    fs::copy(MINIMAL, &b).expect("copy");
    let out = tmp.path().join("out");
    let run = fleetsim()
        .args(["run", "--replications", "2", "--threads", "1", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .failure();
    let text = stderr(&run);
    let clash = format!(
        "error: {} and {} all have simulation.name = \"minimal\", so their results would overwrite each other in the folder minimal",
        a.display(),
        b.display()
    );
    assert!(text.contains(&clash), "{text}");
    assert!(text.contains("error: no scenario was run"), "{text}");
    assert!(!out.exists(), "nothing written");
    let check = fleetsim().arg("check").arg(&input).assert().failure();
    assert!(stderr(&check).contains(&clash), "{}", stderr(&check));
}

/// A broken or looping `*.toml` link in a folder is an error, not a file quietly left out;
/// the folder's other files are still checked.
#[cfg(unix)]
#[test]
fn unreadable_toml_entries_of_a_folder_are_errors() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    fs::create_dir(&input).expect("folder");
    fs::copy(MINIMAL, input.join("minimal.toml")).expect("copy");
    let broken = input.join("broken.toml");
    let looping = input.join("loop.toml");
    std::os::unix::fs::symlink(input.join("gone.toml"), &broken).expect("link");
    std::os::unix::fs::symlink(&looping, &looping).expect("link");
    let a = fleetsim().arg("check").arg(&input).assert().failure();
    let text = stderr(&a);
    assert!(
        text.contains(&format!(
            "error: {}, a symbolic link to {}: cannot be read: No such file or directory",
            broken.display(),
            input.join("gone.toml").display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "error: {}, a symbolic link to {}: cannot be read: Too many levels of symbolic links",
            looping.display(),
            looping.display()
        )),
        "{text}"
    );
    assert!(
        stdout(&a).contains(&format!("ok: {}", input.join("minimal.toml").display())),
        "{}",
        stdout(&a)
    );
}

/// Command-line values have the file's bounds: no replications of 0 run as 1, no seed a file
/// could not hold.
#[test]
fn command_line_values_have_the_files_bounds() {
    for (flag, value, allowed) in [
        (
            "--replications",
            "0",
            "expected a count of replications from 1 to 10000000",
        ),
        (
            "--seed",
            "9223372036854775808",
            "9223372036854775808 is not in 0..=9223372036854775807",
        ),
    ] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let a = fleetsim()
            .args(["run", MINIMAL, flag, value, "--out"])
            .arg(tmp.path())
            .assert()
            .failure();
        assert!(stderr(&a).contains(allowed), "{}", stderr(&a));
        assert!(!tmp.path().join("minimal").exists());
    }
}

/// Every entry of a `--policies` file is validated, the ones the command does not use too.
#[test]
fn a_policy_file_is_validated_whole() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("policies.toml");
    fs::write(
        &file,
        r#"[[policy]]
name = "good"
set = { "liability.regime" = "strict" }

[[policy]]
name = "unused_and_broken"
set = { "device_class.bp_monitor_v2.fleet.sales_growth.first_year" = -5 }
"#,
    )
    .expect("write");
    let a = fleetsim()
        .args([
            "compare",
            BP,
            "--policy",
            "good",
            "--replications",
            "2",
            "--policies",
        ])
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    let text = stderr(&a);
    assert!(
        text.contains(&format!(
            "error: {}:7:9: policy unused_and_broken: device_class.bp_monitor_v2.fleet.sales_growth.first_year: device_class[0].fleet.sales_growth.first_year: found -5",
            file.display()
        )),
        "{text}"
    );
    assert!(!tmp.path().join("out").exists(), "nothing run or written");
}

/// The same policy or field twice on the command line is a slip, refused before any run.
#[test]
fn arguments_given_twice_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let a = fleetsim()
        .args(["compare", BP, "--replications", "2"])
        .args([
            "--policy",
            "risk_assessment",
            "--policy",
            "risk_assessment",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure();
    assert!(
        stderr(&a).contains("error: --policy risk_assessment is given twice, expected each once"),
        "{}",
        stderr(&a)
    );
    let field = "liability.proof_probability";
    for kind in ["sweep", "sensitivity"] {
        let a = fleetsim()
            .args([kind, BP, "--replications", "2"])
            .args(["--param", &format!("{field}=0.2,0.4")])
            .args(["--param", &format!("{field}=0.6,0.8")])
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        assert!(
            stderr(&a).contains(&format!(
                "error: --param for {field} is given twice, expected each once"
            )),
            "{kind}: {}",
            stderr(&a)
        );
    }
    assert!(!out.exists(), "nothing run or written");
}

/// A policy whose only change has a bad factor gets that error, not also "found no change".
#[test]
fn a_refused_change_is_not_also_no_change() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("p.toml");
    let text = fs::read_to_string(MINIMAL).expect("minimal");
    fs::write(
        &file,
        format!(
            "{text}\n[[policy]]\nname = \"neg\"\nscale = {{ \"device_class.*.count\" = -1 }}\n"
        ),
    )
    .expect("write");
    let a = fleetsim().arg("check").arg(&file).assert().failure();
    let text = stderr(&a);
    assert!(
        text.contains("policy[0].scale.device_class.*.count: found -1, expected a factor ≥ 0"),
        "{text}"
    );
    assert!(!text.contains("found no change"), "{text}");
    assert!(text.contains("error: 1 error in"), "{text}");
}
