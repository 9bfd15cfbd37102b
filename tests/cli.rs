//! The `fleetsim` binary end to end: `run` writes complete, consistent result folders (and
//! nothing for a scenario it refuses), `check` reports located errors, `schema` prints JSON,
//! and the help shows examples. Runs are kept to ≤ 20 replications so the file takes seconds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value as Json;

mod common;

const BP: &str = "scenarios/bp_monitors.toml";
/// bp_monitors runs 5 years under the joint-and-several regime.
const BP_REGIME: &str = "joint_and_several";
const BP_YEARS: usize = 5;
/// bp_monitors' first calendar year (`start_year`): ylt.csv and elt.csv write calendar years.
const BP_START: usize = 2027;

/// The binary, run from the crate root so that relative scenario paths resolve.
fn fleetsim() -> Command {
    let mut cmd = Command::cargo_bin("fleetsim").expect("the fleetsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Names in a folder, hidden ones included (a leftover `.x.partial-*` must show up).
fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// A CSV file as its header and rows of strings.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let header = r
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            rec.unwrap_or_else(|e| panic!("{}: bad row: {e}", path.display()))
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

fn num(path: &Path, s: &str) -> f64 {
    let v: f64 = s
        .parse()
        .unwrap_or_else(|_| panic!("{}: {s:?} is not a number", path.display()));
    assert!(v.is_finite(), "{}: {s} is not finite", path.display());
    v
}

fn run_bp(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    fleetsim()
        .args(["run", BP, "--replications", "20", "--threads", "2", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

#[test]
fn run_writes_complete_consistent_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let assert = run_bp(tmp.path(), &[]).success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("bp_monitors: 20 replications"), "{stdout}");

    // Only the finished folder: the temporary `.bp_monitors.partial-*` was renamed into place.
    assert_eq!(entries(tmp.path()), names(&["bp_monitors", "index.html"]));
    let dir = tmp.path().join("bp_monitors");
    assert_eq!(
        entries(&dir),
        names(&[
            "summary.csv",
            "ylt.csv",
            "years.csv",
            "elt.csv",
            "ep.csv",
            "incidents.csv",
            "years.csv",
            "manifest.json",
            "charts",
            "report.html"
        ])
    );

    // ylt.csv: every year of every replication for every series, zeros included; within each
    // (replication, year, regime) money is conserved from every perspective.
    let ylt = dir.join("ylt.csv");
    let (header, rows) = read_csv(&ylt);
    assert_eq!(
        header,
        [
            "replication",
            "year",
            "regime",
            "party",
            "perspective",
            "loss",
            "largest"
        ]
    );
    // (replication, year, regime) → (party, perspective) → loss.
    type Cells = BTreeMap<(String, String), f64>;
    type Triple = (String, String, String);
    let mut years: BTreeMap<Triple, Cells> = BTreeMap::new();
    let mut series: BTreeSet<Triple> = BTreeSet::new();
    let mut ylt_sum: BTreeMap<Triple, f64> = BTreeMap::new();
    for r in &rows {
        let (loss, largest) = (num(&ylt, &r[5]), num(&ylt, &r[6]));
        assert!(loss >= 0.0, "{r:?}");
        // The year's largest single amount is part of its total.
        assert!((0.0..=loss + 0.01).contains(&largest), "{r:?}");
        let (rep, year) = (num(&ylt, &r[0]), num(&ylt, &r[1]));
        let calendar = BP_START as f64..(BP_START + BP_YEARS) as f64;
        assert!(
            (0.0..20.0).contains(&rep) && calendar.contains(&year),
            "{r:?}"
        );
        let key = (r[2].clone(), r[3].clone(), r[4].clone());
        series.insert(key.clone());
        *ylt_sum.entry(key).or_default() += loss;
        let cell = years
            .entry((r[0].clone(), r[1].clone(), r[2].clone()))
            .or_default()
            .insert((r[3].clone(), r[4].clone()), loss);
        assert!(cell.is_none(), "duplicate row {r:?}");
    }
    assert_eq!(rows.len(), 20 * BP_YEARS * series.len());
    for ((rep, year, regime), cells) in &years {
        let at = |party: &str, p: &str| cells[&(party.to_owned(), p.to_owned())];
        let sum = |p: &str| -> f64 {
            cells
                .iter()
                .filter(|((party, q), _)| party != "total" && q == p)
                .map(|(_, v)| v)
                .sum()
        };
        let tol = 0.01 * cells.len() as f64;
        let what = format!("replication {rep}, year {year}, {regime}");
        let (ground, paid) = (at("total", "ground_up"), at("total", "paid"));
        assert!(
            (ground - paid - at("total", "uncompensated")).abs() <= tol,
            "{what}: ground-up ≠ paid + uncompensated"
        );
        let spent = paid + at("total", "recall") + at("total", "fines");
        assert!((sum("gross") - spent).abs() <= tol, "{what}: gross");
        assert!((sum("net") - spent).abs() <= tol, "{what}: net");
        assert!(
            (sum("insurer") - (sum("net") - sum("retained"))).abs() <= tol,
            "{what}: insurers"
        );
    }

    // The same identities, and the summary's AALs, to the cent: amounts are whole cents.
    common::ledger::check_folder(&dir).unwrap_or_else(|e| panic!("{e}"));

    // elt.csv: one row per claim, regime, party and perspective, adding up to the ylt.
    let elt = dir.join("elt.csv");
    let (header, rows) = read_csv(&elt);
    assert_eq!(
        header,
        [
            "replication",
            "event",
            "year",
            "day",
            "device",
            "device_class",
            "fault_kind",
            "harm_kind",
            "root_cause",
            "root_cause_party",
            "regime",
            "line",
            "party",
            "perspective",
            "amount",
            "vulnerability"
        ]
    );
    assert!(
        !rows.is_empty(),
        "20 runs of the monitors' fleet have incidents"
    );
    let mut elt_sum: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &rows {
        for i in [0, 1, 2, 3, 4, 14] {
            num(&elt, &r[i]);
        }
        let day = num(&elt, &r[3]);
        assert!((0.0..=365.0).contains(&day), "day within its year: {r:?}");
        assert_eq!(r[5], "bp_monitor_v2");
        assert!(
            ["damages", "recall", "fines"].contains(&r[11].as_str()),
            "{r:?}"
        );
        *elt_sum
            .entry((r[10].clone(), r[12].clone(), r[13].clone()))
            .or_default() += num(&elt, &r[14]);
    }
    for (key, total) in &ylt_sum {
        let e = elt_sum.get(key).copied().unwrap_or(0.0);
        assert!(
            (e - total).abs() <= 1e-6 * total.max(1.0) + 0.01 * rows.len() as f64,
            "{key:?}: elt {e} vs ylt {total}"
        );
    }

    // summary.csv: tidy regime, party, perspective, metric, value rows for every series.
    let summary = dir.join("summary.csv");
    let (header, rows) = read_csv(&summary);
    assert_eq!(
        header,
        ["regime", "party", "perspective", "metric", "value"]
    );
    let mut metrics: BTreeMap<(String, String, String, String), f64> = BTreeMap::new();
    for r in &rows {
        let v = num(&summary, &r[4]);
        let key = (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone());
        assert!(metrics.insert(key, v).is_none(), "duplicate row {r:?}");
    }
    let get = |(regime, party, p): &(String, String, String), metric: &str| -> f64 {
        *metrics
            .get(&(regime.clone(), party.clone(), p.clone(), metric.to_owned()))
            .unwrap_or_else(|| panic!("summary.csv has no {regime} {party} {p} {metric}"))
    };
    for s in &series {
        for metric in ["aal", "aal_se", "aal_ci95_low", "aal_ci95_high", "sd"] {
            get(s, metric);
        }
        let (low, aal, high) = (
            get(s, "aal_ci95_low"),
            get(s, "aal"),
            get(s, "aal_ci95_high"),
        );
        assert!(low <= aal && aal <= high, "{s:?}: {low} ≤ {aal} ≤ {high}");
        assert!(get(s, "aal_se") >= 0.0 && get(s, "sd") >= 0.0);
        // The AAL is the mean of the year loss table's column.
        let mean = ylt_sum[s] / (20 * BP_YEARS) as f64;
        assert!((get(s, "aal") - mean).abs() <= 0.01, "{s:?}: {mean}");
    }
    let total = (
        BP_REGIME.to_owned(),
        "total".to_owned(),
        "ground_up".to_owned(),
    );
    assert!(get(&total, "aal") > 0.0);
    // Every party of the scenario has its gross, net and retained series.
    for party in [
        "MediSense",
        "PressureTech",
        "PumpWorks",
        "CareCode",
        "ClinicNorth",
        "ClinicSouth",
        "MedSupply",
    ] {
        for p in ["gross", "net", "retained"] {
            assert!(
                series.contains(&(BP_REGIME.to_owned(), party.to_owned(), p.to_owned())),
                "no {party} {p}"
            );
        }
    }

    // ep.csv: four curves, only at return periods the 100 simulated years can support.
    let ep = dir.join("ep.csv");
    let (header, rows) = read_csv(&ep);
    assert_eq!(
        header,
        [
            "regime",
            "party",
            "perspective",
            "curve",
            "return_period",
            "loss"
        ]
    );
    type Key = (String, String, String, String);
    let mut curves: BTreeMap<Key, Vec<(f64, f64)>> = BTreeMap::new();
    for r in &rows {
        let (t, loss) = (num(&ep, &r[4]), num(&ep, &r[5]));
        assert!(
            (1.0..=(20 * BP_YEARS) as f64).contains(&t),
            "return period {t} beyond the run: {r:?}"
        );
        curves
            .entry((r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
            .or_default()
            .push((t, loss));
    }
    let kinds: BTreeSet<&str> = curves.keys().map(|k| k.3.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["AEP", "OEP", "AEP-TVaR", "OEP-TVaR"])
    );
    for (regime, party, p) in &series {
        let curve =
            |name: &str| &curves[&(regime.clone(), party.clone(), p.clone(), name.to_owned())];
        let aep = curve("AEP");
        // The scenario's return periods up to the 100 simulated years, and no others.
        let periods: Vec<f64> = aep.iter().map(|p| p.0).collect();
        assert_eq!(periods, [2.0, 5.0, 10.0, 50.0, 100.0], "{party} {p}");
        for w in aep.windows(2) {
            assert!(
                w[0].0 < w[1].0 && w[0].1 <= w[1].1,
                "{party} {p}: AEP decreases {w:?}"
            );
        }
        // A year's largest loss is at most its sum, and TVaR, a mean of the worst years, is never below the loss.
        for (i, &(t, a)) in aep.iter().enumerate() {
            let (o, at) = (curve("OEP")[i], curve("AEP-TVaR")[i]);
            assert_eq!((o.0, at.0), (t, t));
            assert!(o.1 <= a, "{party} {p} RP {t}: OEP {} > AEP {a}", o.1);
            assert!(at.1 >= a, "{party} {p} RP {t}: AEP-TVaR {} < AEP {a}", at.1);
            assert!(curve("OEP-TVaR")[i].1 >= o.1, "{party} {p} RP {t}");
        }
    }

    // manifest.json: what was run.
    let manifest: Json = serde_json::from_str(
        &fs::read_to_string(dir.join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest.json is JSON");
    let loaded = fleetsim::scenario::load(Path::new(BP)).expect("bundled scenario loads");
    assert_eq!(manifest["scenario"], "bp_monitors");
    assert_eq!(manifest["replications"], 20);
    assert_eq!(manifest["threads"], 2);
    assert_eq!(manifest["horizon_years"], BP_YEARS);
    assert_eq!(manifest["seed"], loaded.scenario.seed);
    assert_eq!(manifest["event_loss_table"], true);
    let sha = manifest["scenario_sha256"]
        .as_str()
        .expect("scenario_sha256 is a string");
    assert_eq!(sha.len(), 64, "{sha}");
    assert!(sha.chars().all(|c| c.is_ascii_hexdigit()), "{sha}");
    assert_eq!(sha, loaded.sha256);
}

#[test]
fn no_elt_writes_no_event_loss_table() {
    let tmp = tempfile::tempdir().expect("temp dir");
    run_bp(tmp.path(), &["--no-elt"]).success();
    let dir = tmp.path().join("bp_monitors");
    assert_eq!(
        entries(&dir),
        names(&[
            "summary.csv",
            "ylt.csv",
            "years.csv",
            "ep.csv",
            "incidents.csv",
            "years.csv",
            "manifest.json",
            "charts",
            "report.html"
        ])
    );
    let manifest: Json =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(manifest["event_loss_table"], false);
}

/// `--threads` only changes speed: the same seed gives byte-identical tables.
#[test]
fn results_do_not_depend_on_threads() {
    assert_same_tables(BP, "10", ["1", "3"]);
}

/// The money terms (recalls, contracts, insurance, several regimes) settle the same whatever the
/// thread count: byte-identical tables for 1 and 2 threads.
#[test]
fn money_terms_do_not_depend_on_threads() {
    for scenario in [
        "scenarios/pacemakers.toml",
        "scenarios/bp_monitors_regimes.toml",
    ] {
        assert_same_tables(scenario, "4", ["1", "2"]);
    }
}

/// Runs `scenario` with `replications` on each of two thread counts and asserts that every
/// table is byte-identical.
fn assert_same_tables(scenario: &str, replications: &str, threads: [&str; 2]) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let outs = threads.map(|t| tmp.path().join(format!("threads-{t}")));
    for (out, t) in outs.iter().zip(threads) {
        fleetsim()
            .args([
                "run",
                scenario,
                "--replications",
                replications,
                "--threads",
                t,
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    }
    let name = Path::new(scenario).file_stem().expect("a file name");
    for file in ["summary.csv", "ylt.csv", "elt.csv", "ep.csv"] {
        let [a, b] = outs
            .each_ref()
            .map(|o| fs::read(o.join(name).join(file)).expect("a run's table"));
        assert!(
            a == b,
            "{scenario}: {file} differs between {} and {} threads",
            threads[0],
            threads[1]
        );
    }
}

/// A second run into the same folder replaces the first's results and leaves nothing behind.
#[test]
fn rerun_replaces_earlier_results() {
    let tmp = tempfile::tempdir().expect("temp dir");
    run_bp(tmp.path(), &[]).success();
    run_bp(tmp.path(), &["--seed", "99", "--no-elt"]).success();
    assert_eq!(entries(tmp.path()), names(&["bp_monitors", "index.html"]));
    let dir = tmp.path().join("bp_monitors");
    assert!(!dir.join("elt.csv").exists(), "the old elt.csv is gone");
    let manifest: Json =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(manifest["seed"], 99);
}

/// One bad file in a batch fails the batch but does not stop the good ones.
#[test]
fn run_on_a_folder_with_an_invalid_scenario() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir(&input).expect("input folder");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let good = input.join("minimal.toml");
    let bad = input.join("out_of_range.toml");
    fs::copy(root.join("valid/minimal.toml"), &good).expect("copy valid");
    fs::copy(root.join("invalid/out_of_range.toml"), &bad).expect("copy invalid");

    let assert = fleetsim()
        .args(["run", "--replications", "5", "--threads", "1", "--out"])
        .arg(&out)
        .arg(&input)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();

    // The valid scenario's results are complete; the invalid one (which would be named
    // "out_of_range") has no folder, finished or partial.
    assert_eq!(entries(&out), names(&["minimal", "index.html"]));
    assert_eq!(
        entries(&out.join("minimal")),
        names(&[
            "summary.csv",
            "ylt.csv",
            "years.csv",
            "elt.csv",
            "ep.csv",
            "incidents.csv",
            "years.csv",
            "manifest.json",
            "charts",
            "report.html"
        ])
    );

    // Every problem of the invalid file is on stderr, located.
    let bad_name = bad.display().to_string();
    assert!(
        stderr.contains(&format!(
            "error: {bad_name}:5:17: simulation.horizon_years: found 0"
        )),
        "{stderr}"
    );
    let located = stderr
        .lines()
        .filter(|l| l.starts_with(&format!("error: {bad_name}:")))
        .count();
    assert_eq!(located, 9, "{stderr}");
    assert!(
        stderr.contains(&format!("{bad_name}: no results written")),
        "{stderr}"
    );
    assert!(!stderr.contains("minimal.toml"), "{stderr}");
}

#[test]
fn check_accepts_a_valid_file() {
    fleetsim()
        .args(["check", "tests/fixtures/valid/minimal.toml"])
        .assert()
        .success()
        .stdout("ok: tests/fixtures/valid/minimal.toml (minimal)\n");
}

#[test]
fn check_accepts_every_bundled_and_valid_scenario() {
    let assert = fleetsim()
        .args(["check", "scenarios", "tests/fixtures/valid"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let oks = stdout.lines().filter(|l| l.starts_with("ok: ")).count();
    let expected = ["scenarios", "tests/fixtures/valid"]
        .iter()
        .map(|d| {
            fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(d))
                .expect("folder")
                .filter(|e| {
                    let p: PathBuf = e.as_ref().expect("entry").path();
                    p.extension().is_some_and(|x| x == "toml")
                })
                .count()
        })
        .sum::<usize>();
    assert_eq!(oks, expected, "{stdout}");
}

#[test]
fn check_reports_located_errors() {
    let file = "tests/fixtures/invalid/severity_pairs.toml";
    let assert = fleetsim()
        .args(["check", "tests/fixtures/valid/minimal.toml", file])
        .assert()
        .failure();
    let out = assert.get_output();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The valid file is still confirmed: one bad file does not hide the verdict on others.
    assert!(
        stdout.contains("ok: tests/fixtures/valid/minimal.toml"),
        "{stdout}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&format!("error: 4 errors in {file}").as_str())
    );
    for line in &lines[..lines.len() - 1] {
        // error: <file>:<line>:<col>: <field>: <message>
        let rest = line
            .strip_prefix(&format!("error: {file}:"))
            .unwrap_or_else(|| panic!("{line:?} is not located in {file}"));
        let mut parts = rest.splitn(3, ':');
        let (l, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        assert!(
            l.parse::<usize>().is_ok() && c.parse::<usize>().is_ok(),
            "{line:?}"
        );
        let rest = parts.next().unwrap_or("");
        let (field, message) = rest
            .strip_prefix(' ')
            .and_then(|r| r.split_once(": "))
            .unwrap_or_else(|| panic!("{line:?} has no field and message"));
        assert!(field.starts_with("device_class[0]."), "{line:?}");
        assert!(!message.is_empty(), "{line:?}");
    }
}

#[test]
fn check_reports_a_missing_file() {
    let assert = fleetsim()
        .args(["check", "tests/fixtures/no_such_file.toml"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with("error: cannot read tests/fixtures/no_such_file.toml: "),
        "{stderr}"
    );
}

#[test]
fn schema_is_json_describing_the_format() {
    let assert = fleetsim().arg("schema").assert().success();
    let schema: Json = serde_json::from_slice(&assert.get_output().stdout).expect("schema is JSON");
    let props = &schema["properties"];
    assert!(props["simulation"].is_object(), "{schema}");
    assert!(props["device_class"].is_object(), "{schema}");
    assert!(props["party"].is_object(), "{schema}");
}

#[test]
fn help_shows_examples() {
    let help = |args: &[&str]| -> String {
        let assert = fleetsim().args(args).assert().success();
        String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
    };
    let top = help(&["--help"]);
    assert!(top.contains("Examples:"), "{top}");
    assert!(top.contains("fleetsim run scenarios/"), "{top}");
    let run = help(&["run", "--help"]);
    assert!(run.contains("Example:"), "{run}");
    assert!(run.contains("fleetsim run "), "{run}");
    let check = help(&["check", "--help"]);
    assert!(check.contains("fleetsim check "), "{check}");
}

/// A scenario whose claims reach 10¹⁵ and beyond (Pareto record counts with no finite mean,
/// the README's own tail of 0.4 and a far wilder 0.05) runs, keeps every identity to the cent
/// in every written table, and counts the claims held to the ceiling of a single amount.
#[test]
fn huge_claims_keep_money_exact_to_the_cent() {
    let text = fs::read_to_string("scenarios/smart_cameras.toml").expect("bundled scenario");
    for (alpha, name) in [("0.4", "cams_alpha_0_4"), ("0.05", "cams_alpha_0_05")] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mutated = text
            .replace(
                "records = { median = 5, p99 = 100 }",
                &format!("records = {{ minimum = 1, alpha = {alpha} }}"),
            )
            .replace(
                "backend_records = { median = 20_000, p99 = 2_000_000 }",
                &format!("backend_records = {{ minimum = 1000, alpha = {alpha} }}"),
            )
            .replace("name = \"smart_cameras\"", &format!("name = \"{name}\""));
        assert_ne!(mutated, text);
        let file = tmp.path().join(format!("{name}.toml"));
        fs::write(&file, mutated).expect("write scenario");
        let out = tmp.path().join("out");
        let assert = fleetsim()
            .args(["run", "--replications", "4", "--no-report", "--out"])
            .arg(&out)
            .arg(&file)
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        let dir = out.join(name);
        let years = common::ledger::check_folder(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(years > 0);
        // With a tail of 0.05 a record count beyond 10¹³ is common: claims pass the ceiling.
        let (_, rows) = read_csv(&dir.join("summary.csv"));
        let ceiling = rows.iter().find(|r| r[3] == "claims_at_ceiling");
        if alpha == "0.05" {
            let n: u64 = ceiling.map_or(0, |r| r[4].parse().expect("a count"));
            assert!(n > 0, "no claim reached the ceiling: {stderr}");
            assert!(stderr.contains("booked at that ceiling"), "{stderr}");
            // The report says so among its warnings.
            fleetsim().arg("report").arg(&dir).assert().success();
            let page = fs::read_to_string(dir.join("report.html")).expect("report page");
            assert!(
                page.contains("booked at that ceiling"),
                "no warning on the page"
            );
        }
    }
}

/// The bundled four-regime scenario at its own 400 replications: every identity exact and no
/// AAL below zero in every written table (rounding the parties' AALs to their totals once took a
/// cent from a party whose AAL was zero).
#[test]
fn the_regimes_scenario_keeps_money_exact_at_its_own_size() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fleetsim()
        .args([
            "run",
            "scenarios/bp_monitors_regimes.toml",
            "--no-report",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("bp_monitors_regimes");
    common::ledger::check_folder(&dir).unwrap_or_else(|e| panic!("{e}"));
}
