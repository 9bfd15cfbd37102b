//! Scenario loading from files: valid fixtures load, and every invalid or malformed fixture is
//! refused with all of its problems, each located as `file:line:col: field: message`, pinned by
//! an insta snapshot so that a change in wording or location shows up in review.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use fleetsim::Error;
use fleetsim::error::Diagnostics;
use fleetsim::scenario;

/// How many diagnostics each refused fixture yields. Every fixture in `invalid/` and
/// `malformed/` must be listed, so that a new fixture cannot go unchecked.
const EXPECTED: &[(&str, usize)] = &[
    // invalid/: well-formed TOML, wrong meaning.
    ("duplicate_names", 4),
    ("installer_shares", 4),
    ("out_of_range", 9),
    ("root_cause_role", 4),
    ("severity_pairs", 4),
    ("too_many_wear_out", 1),
    // No cascade: the unresolved lineage.manufacturer is reported once, not again by the
    // root cause that names it.
    ("undeclared_party", 3),
    // No cascade: the misspelt role "maker" is reported once, not again by the lineage.
    ("unknown_enums", 5),
    // descripton, capacty, tolerence, and the missing tolerance: unknown keys are found by
    // walking the document, so the missing field does not hide them.
    ("unknown_keys", 4),
    ("unknown_keys_optional", 3),
    ("wrong_role", 4),
    // malformed/: TOML syntax or type errors.
    ("duplicate_key", 3),
    ("missing_equals", 1),
    ("missing_section", 1),
    ("several_syntax_errors", 4),
    ("unclosed_string", 1),
    ("wrong_type", 1),
    ("wrong_type_inline", 1),
];

/// The `*.toml` files of a fixture folder, by relative path in name order. Relative paths keep
/// the messages, and so the snapshots, the same on every machine; cargo runs integration tests
/// from the crate root.
fn fixtures(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new("tests/fixtures").join(folder);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("fixture has a name")
        .to_string_lossy()
        .into_owned()
}

fn expected_count(path: &Path) -> usize {
    let name = stem(path);
    EXPECTED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .unwrap_or_else(|| panic!("{} is missing from EXPECTED", path.display()))
}

/// Loads a fixture that must be refused and returns its diagnostics.
fn refused(path: &Path) -> Diagnostics {
    match scenario::load(path) {
        Err(Error::Invalid(d)) => d,
        Err(other) => panic!("{}: expected Error::Invalid, got {other:?}", path.display()),
        Ok(_) => panic!("{}: expected Error::Invalid, but it loaded", path.display()),
    }
}

/// Checks one printed diagnostic line against `<file>:<line>:<col>: <field>: <message>`, by
/// splitting rather than with a regex, and checks that it points into the file.
fn check_line(printed: &str, file: &Path, source: &str) -> (usize, usize, String) {
    let prefix = format!("{}:", file.display());
    let rest = printed
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{printed:?} does not start with {prefix:?}"));
    let (line, rest) = rest
        .split_once(':')
        .unwrap_or_else(|| panic!("{printed:?}: no line number"));
    let (col, rest) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("{printed:?}: no column"));
    let (field, message) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("{printed:?}: no field or message"));
    let line: usize = line
        .parse()
        .unwrap_or_else(|_| panic!("{printed:?}: line {line:?} is not a number"));
    let col: usize = col
        .parse()
        .unwrap_or_else(|_| panic!("{printed:?}: column {col:?} is not a number"));
    assert!(
        !field.is_empty() && !field.contains(char::is_whitespace),
        "{printed:?}: field {field:?} is not a path"
    );
    assert!(!message.trim().is_empty(), "{printed:?}: empty message");

    // Line and column are 1-based and inside the file: a message pointing past the end would
    // send the user to nothing.
    let lines: Vec<&str> = source.lines().collect();
    assert!(
        (1..=lines.len()).contains(&line),
        "{printed:?}: line {line} outside 1..={}",
        lines.len()
    );
    let width = lines[line - 1].chars().count();
    assert!(
        (1..=width + 1).contains(&col),
        "{printed:?}: column {col} outside line {line} of {width} characters"
    );
    (line, col, field.to_owned())
}

/// Every check that applies to one refused fixture, returning the printed diagnostics.
fn check_refused(path: &Path) -> String {
    let source = fs::read_to_string(path).expect("fixture is readable");
    let d = refused(path);
    let text = d.to_string();

    assert_eq!(d.file, path, "diagnostics name the file as given");
    assert_eq!(
        d.items.len(),
        expected_count(path),
        "{}: wrong number of diagnostics:\n{text}",
        path.display()
    );

    // One line per diagnostic, then the count.
    let printed: Vec<&str> = text.lines().collect();
    assert_eq!(printed.len(), d.items.len() + 1, "{text}");
    let n = d.items.len();
    let plural = if n == 1 { "" } else { "s" };
    assert_eq!(
        printed[n],
        format!("{n} error{plural} in {}", path.display())
    );
    for (line, item) in printed[..n].iter().zip(&d.items) {
        let (l, c, field) = check_line(line, path, &source);
        assert_eq!(
            (l, c, field.as_str()),
            (item.line, item.column, &*item.field)
        );
        assert_eq!(item.file, path);
    }
    text
}

fn snapshot(path: &Path, text: &str) {
    insta::with_settings!({
        description => path.display().to_string(),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(stem(path), text);
    });
}

#[test]
fn valid_fixtures_load() {
    let files = fixtures("valid");
    assert!(files.len() >= 2, "expected at least two valid fixtures");
    for path in files {
        match scenario::load(&path) {
            Ok(loaded) => {
                assert_eq!(loaded.path, path);
                assert_eq!(loaded.sha256.len(), 64);
                assert!(!loaded.scenario.classes.is_empty());
            }
            Err(e) => panic!("{} should load:\n{e}", path.display()),
        }
    }
}

/// Between them the valid fixtures use every fault mechanism and both drift models, so that
/// "valid" covers the whole format rather than one corner of it.
#[test]
fn valid_fixtures_cover_every_mechanism() {
    let mut seen = BTreeSet::new();
    for path in fixtures("valid") {
        let s = scenario::load(&path).expect("valid fixture").scenario;
        for c in &s.classes {
            if !c.wear_out.is_empty() {
                seen.insert("wear_out");
            }
            if let Some(f) = &c.firmware_bug {
                seen.insert("firmware_bug");
                if f.fix.is_some() {
                    seen.insert("firmware_fix");
                }
            }
            if let Some(d) = &c.sensor_drift {
                seen.insert(match d.model {
                    scenario::DriftModel::RandomWalk { .. } => "drift_random_walk",
                    scenario::DriftModel::Linear { .. } => "drift_linear",
                });
            }
            if c.installation_error.is_some() {
                seen.insert("installation_error");
                if c.lineage.installers.len() > 1 {
                    seen.insert("several_installers");
                }
            }
        }
    }
    let all = [
        "wear_out",
        "firmware_bug",
        "firmware_fix",
        "drift_random_walk",
        "drift_linear",
        "installation_error",
        "several_installers",
    ];
    for m in all {
        assert!(seen.contains(m), "no valid fixture uses {m}");
    }
}

#[test]
fn invalid_fixtures_are_refused_with_located_diagnostics() {
    for path in fixtures("invalid") {
        let text = check_refused(&path);
        // These files are well-formed TOML: their problems are all about meaning.
        assert!(
            !text.contains("(syntax)"),
            "{}: unexpected syntax error:\n{text}",
            path.display()
        );
        snapshot(&path, &text);
    }
}

#[test]
fn malformed_fixtures_are_refused_with_located_diagnostics() {
    for path in fixtures("malformed") {
        let text = check_refused(&path);
        snapshot(&path, &text);
    }
}

/// Snapshots are named by stem alone, so a stem used in two folders would share one snapshot;
/// and every entry of EXPECTED must still have its fixture.
#[test]
fn expected_table_matches_the_fixtures() {
    let mut stems = BTreeSet::new();
    for path in fixtures("invalid").into_iter().chain(fixtures("malformed")) {
        assert!(
            stems.insert(stem(&path)),
            "{} reuses a fixture name",
            path.display()
        );
    }
    let listed: BTreeSet<String> = EXPECTED.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(stems, listed);
}

/// The point of collecting problems: one run of `check` shows a user everything to fix.
#[test]
fn every_problem_in_a_file_is_reported() {
    let fields = |name: &str| -> Vec<String> {
        refused(&Path::new("tests/fixtures/invalid").join(format!("{name}.toml")))
            .items
            .into_iter()
            .map(|d| d.field)
            .collect()
    };

    let got = fields("out_of_range");
    assert!(got.len() >= 3, "{got:?}");
    for want in [
        "simulation.horizon_years",
        "simulation.return_periods[0]",
        "party[1].capacity",
        "device_class[0].count",
        "device_class[0].wear_out[0].scale_days",
        "device_class[0].wear_out[0].harm.probability",
        "device_class[0].firmware_bug.rate_per_device_year",
        "device_class[0].firmware_bug.fix.adoption_per_day",
        "device_class[0].firmware_bug.harm.severity.mean",
    ] {
        assert!(got.iter().any(|f| f == want), "{want} not in {got:?}");
    }

    let got = fields("unknown_enums");
    for want in [
        "party[0].role",
        "device_class[0].wear_out[0].on_failure",
        "device_class[0].wear_out[0].harm.kind",
        "device_class[0].sensor_drift.model",
        "device_class[0].sensor_drift.root_cause",
    ] {
        assert!(got.iter().any(|f| f == want), "{want} not in {got:?}");
    }

    // Every file of invalid/ holding more than one problem reports more than one.
    for path in fixtures("invalid") {
        let n = refused(&path).items.len();
        assert!(n >= 1, "{}", path.display());
        if stem(&path) != "too_many_wear_out" {
            assert!(n >= 2, "{}: only {n} diagnostic(s)", path.display());
        }
    }
}

/// The hints users rely on: a near-miss key or party name is answered with the right one.
#[test]
fn near_misses_get_a_did_you_mean_hint() {
    let text = refused(Path::new("tests/fixtures/invalid/unknown_keys.toml")).to_string();
    assert!(
        text.contains(
            "device_class[0].sensor_drift.tolerence: found unknown key \"tolerence\", expected one of"
        ),
        "{text}"
    );
    assert!(text.contains("did you mean \"tolerance\"?"), "{text}");

    let text = refused(Path::new("tests/fixtures/invalid/undeclared_party.toml")).to_string();
    assert!(text.contains("did you mean \"MediSense\"?"), "{text}");
    assert!(text.contains("did you mean \"PressureTech\"?"), "{text}");
    // A name close to nothing gets no guess.
    let nobody = text
        .lines()
        .find(|l| l.contains("\"Nobody\""))
        .expect("Nobody is reported");
    assert!(!nobody.contains("did you mean"), "{nobody}");
}

#[test]
fn a_missing_file_is_a_read_error() {
    let path = Path::new("tests/fixtures/no_such_file.toml");
    match scenario::load(path) {
        Err(Error::Read { path: p, source }) => {
            assert_eq!(p, path);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Error::Read, got {other:?}"),
    }
    let message = scenario::load(path).unwrap_err().to_string();
    assert!(
        message.starts_with("cannot read tests/fixtures/no_such_file.toml: "),
        "{message}"
    );
}

/// Odd input must come back as located diagnostics, never as a panic.
#[test]
fn odd_input_is_refused_without_panicking() {
    let cases: &[(&str, &str)] = &[
        ("empty", ""),
        ("only a comment", "# nothing here\n"),
        ("open header", "["),
        ("open array", "[simulation]\nreturn_periods = [1, 2\n"),
        ("binary", "\u{0}\u{1}\u{7f}\u{feff}=="),
        ("wrong top-level type", "simulation = 5\n"),
        ("party not an array", "party = \"x\"\n"),
        ("no newline at end", "[simulation]\nname = \"x\""),
        (
            "non-ASCII",
            "[simulation]\nname = \"Zürich ☂\"\nhorizon_years = 1\n",
        ),
        (
            "huge integer",
            "[simulation]\nhorizon_years = 99999999999999999999\n",
        ),
    ];
    for (what, text) in cases {
        let file = Path::new("odd.toml");
        let d = match scenario::parse(text, file) {
            Err(d) => d,
            Ok(_) => panic!("{what}: should be refused"),
        };
        assert!(!d.items.is_empty(), "{what}");
        let lines = text.lines().count().max(1);
        for item in &d.items {
            // A problem at the very end of a file without a final newline sits on its last line.
            assert!(
                (1..=lines + 1).contains(&item.line) && item.column >= 1,
                "{what}: {item}"
            );
        }
    }
}

// Known problems in src/, pinned as the behaviour a user would want; un-ignore when fixed.

/// A wrong type in a table written with a `[header]` is labelled `(document)` rather than its
/// field path, because `field_at` (src/scenario/mod.rs) only descends into values whose span
/// contains the error, which header tables' spans do not.
#[test]
fn type_errors_name_their_field() {
    let d = refused(Path::new("tests/fixtures/malformed/wrong_type.toml"));
    assert_eq!(d.items[0].field, "device_class[0].count");
    let d = refused(Path::new("tests/fixtures/malformed/wrong_type_inline.toml"));
    assert_eq!(
        d.items[0].field,
        "device_class[0].firmware_bug.harm.probability"
    );
}

/// When a missing field or wrong type stops the shape stage, unknown keys in tables not yet
/// read (here [simulation] and [[party]], read after [[device_class]]) are never reported.
#[test]
fn unknown_keys_before_a_shape_error_are_reported() {
    let d = refused(Path::new("tests/fixtures/invalid/unknown_keys.toml"));
    let fields: Vec<&str> = d.items.iter().map(|i| i.field.as_str()).collect();
    assert!(fields.contains(&"simulation.descripton"), "{fields:?}");
    assert!(fields.contains(&"party[0].capacty"), "{fields:?}");
}

/// Diagnostics are sorted by position only when the meaning stage finds problems; unknown
/// keys alone, or with a shape error, and syntax errors come out in another order.
#[test]
fn diagnostics_are_in_file_order() {
    for path in fixtures("invalid").into_iter().chain(fixtures("malformed")) {
        let d = refused(&path);
        let at: Vec<(usize, usize)> = d.items.iter().map(|i| (i.line, i.column)).collect();
        let mut sorted = at.clone();
        sorted.sort();
        assert_eq!(at, sorted, "{}", path.display());
    }
}

/// A problem already reported must not cause a second, misleading one: an unparsed role is
/// not "operator", and a lineage entry naming an unknown party is not "missing".
#[test]
fn no_follow_on_errors() {
    let text = refused(Path::new("tests/fixtures/invalid/unknown_enums.toml")).to_string();
    assert!(!text.contains("with role operator"), "{text}");
    let text = refused(Path::new("tests/fixtures/invalid/undeclared_party.toml")).to_string();
    assert!(!text.contains("add lineage.manufacturer"), "{text}");
}
