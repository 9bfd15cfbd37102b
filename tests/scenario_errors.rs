//! Scenario loading from files: valid fixtures load, and every invalid or malformed fixture is
//! refused with all of its problems, each located as `file:line:col: field: message`, pinned by
//! an insta snapshot so that a change in wording or location shows up in review.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use fleetsim::Error;
use fleetsim::error::Diagnostics;
use fleetsim::scenario::{self, *};

/// How many diagnostics each refused fixture yields. Every fixture in `invalid/` and
/// `malformed/` must be listed, so that a new fixture cannot go unchecked.
const EXPECTED: &[(&str, usize)] = &[
    // invalid/: well-formed TOML, wrong meaning.
    // A long name, a seed beyond TOML's integers, three rates over their bound, a step under
    // its floor, fractional hosts and bots.
    ("bounds", 8),
    // Too many outbreak steps for a step over the floor, and too many DDoS attacks per step.
    ("bounds_steps", 2),
    ("duplicate_names", 4),
    // A negative frequency, a uniform range with low above high, a negative share, and an
    // outage of a class with no network_operator in its lineage.
    ("event_sources", 4),
    // A start year before 1900, a warm-up as long as the horizon, count beside a fleet, an
    // installed-base age the service life does not allow, a negative count, more years of
    // sales than the horizon and a negative year of sales.
    ("fleet", 7),
    // "Recall" (case), a misspelling and an unknown kind, each refused.
    ("insurance_kinds", 3),
    // The occurrence clause: an hours clause of 0, hours with "claim", an unknown clause and
    // "event" without hours.
    ("insurance_occurrence", 4),
    // Every missing required field, in four tables, not only the first. A class's `count` is
    // not among them: a fleet may stand in for it, and validation reports a class with neither
    // once the file parses.
    ("missing_fields", 5),
    ("installer_shares", 4),
    // A mass exploitation's class without vulnerabilities, an unknown class and a negative
    // spread, each at its field.
    ("mass_exploitation", 3),
    // A lineage entry, a supplier, a root cause and the DDoS root cause naming an insurer
    // (the last reported once, not per class), and a layer's insurer misspelt.
    ("insurer_roles", 5),
    // Problems in every section of the money terms at once: [liability], [[contract]],
    // [[insurance]] with its layers, [[recall]] and [[fine]].
    ("money_terms_errors", 36),
    ("out_of_range", 9),
    // A party's roles: an empty list, a repeat, a misspelling and an insurer with another
    // role, each once (not again where a lineage names the party); and a party with two roles
    // in a slot that needs a third, the message naming both.
    ("party_roles", 5),
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
    ("unknown_keys_terms", 4),
    // A switch date before the horizon's first year, and a switch regime already listed.
    ("regime_switch", 2),
    ("wrong_role", 4),
    // malformed/: TOML syntax or type errors.
    ("duplicate_key", 3),
    ("missing_equals", 1),
    ("missing_section", 1),
    ("several_syntax_errors", 4),
    ("unclosed_string", 1),
    ("wrong_type", 1),
    ("wrong_type_inline", 1),
    ("wrong_type_regime", 1),
    ("wrong_type_role", 1),
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

    let got = fields("money_terms_errors");
    for want in [
        "party[0].turnover",
        "liability.regime[1]",
        "liability.regime[2]",
        "liability.comparative_fault",
        "liability.limitation_years",
        "contract[0].party",
        "contract[0].cap_fee_multiple",
        "contract[1].annual_fee",
        "contract[1].counterparty",
        "contract[2].counterparty",
        "insurance[0].insured",
        "insurance[0].layer[0].insurer",
        "insurance[0].layer[1].share",
        "insurance[1].layer",
        "recall[0].class",
        "recall[0].fault",
        "recall[1].fault",
        "recall[2].class",
        "fine[0].faults",
        "fine[0].on",
        "fine[1].name",
        "fine[1].on",
    ] {
        assert!(got.iter().any(|f| f == want), "{want} not in {got:?}");
    }

    let got = fields("party_roles");
    for want in [
        "party[1].role",
        "party[2].role[2]",
        "party[3].role[1]",
        "party[4].role[1]",
        "device_class[0].lineage.software_vendor",
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

/// Every money-terms section parses into the validated types, with the derived values: a
/// two-layer tower's attachments, a cap from a fee multiple, limitation periods in days, a list
/// of regimes, and each default left in place.
#[test]
fn money_terms_parse_to_their_values() {
    let s = scenario::load(Path::new("tests/fixtures/valid/money_terms.toml"))
        .unwrap_or_else(|e| panic!("should load:\n{e}"))
        .scenario;
    let id = |name: &str| -> PartyId {
        let i = s.parties.iter().position(|p| p.name == name);
        PartyId::try_from(i.unwrap_or_else(|| panic!("no party {name}"))).expect("small id")
    };
    let (maker, sensor, code, allianz, munich) = (
        id("Maker"),
        id("Sensor"),
        id("Code"),
        id("Allianz"),
        id("Munich"),
    );

    let party = |i: PartyId| &s.parties[usize::from(i)];
    assert_eq!(party(maker).turnover, Some(300_000_000.0));
    assert!(!party(maker).outside_jurisdiction);
    assert_eq!(party(sensor).turnover, Some(20_000_000.0));
    assert!(party(sensor).outside_jurisdiction);
    assert_eq!(party(code).turnover, None);
    assert!(!party(code).outside_jurisdiction, "default false");
    assert_eq!(party(allianz).roles, [Role::Insurer]);
    assert_eq!(party(munich).roles, [Role::Insurer]);
    assert_eq!(party(munich).capacity, Some(1_000_000_000.0));

    use FaultKind::*;
    let t = &s.terms;
    assert_eq!(
        t.liability,
        LiabilityTerms {
            regimes: vec![
                RegimeKind::Strict.into(),
                RegimeKind::JointAndSeveral.into()
            ],
            covered_harms: HarmSet::of(&[
                HarmKind::Death,
                HarmKind::Injury,
                HarmKind::WrongTreatment
            ]),
            covered_faults: FaultSet::of(&[SensorDrift, Exploit, DataTheft]),
            defects: FaultSet::of(&[SensorDrift, Exploit]),
            negligent: FaultSet::of(&[InstallationError, DataTheft]),
            default_password_negligent: false,
            unpatched_negligent: false,
            proof_probability: 0.7,
            victim_fault_share: 0.3,
            comparative_fault: ComparativeFault::Modified51,
            cause_contribution: 0.8,
            awareness_delay_days: 90.0,
            claim_delay_days: 365.0,
            // Years × 365.
            limitation_days: Some(1095.0),
            longstop_days: Some(3650.0),
        }
    );

    assert_eq!(
        t.contracts,
        vec![
            Contract {
                party: sensor,
                counterparty: maker,
                indemnity: FaultSet::of(&[SensorDrift]),
                indemnity_any_cause: true,
                // 1.5 × the annual fee of 400,000.
                cap: Some(600_000.0),
                carve_outs: FaultSet::of(&[DataTheft]),
            },
            Contract {
                party: code,
                counterparty: maker,
                indemnity: FaultSet::default(),
                indemnity_any_cause: false,
                cap: Some(2_000_000.0),
                carve_outs: FaultSet::default(),
            },
        ]
    );

    assert_eq!(
        t.policies,
        vec![
            Policy {
                insured: maker,
                kind: "product_liability".into(),
                covers: FaultSet::of(&[SensorDrift, Exploit]),
                lines: vec![Line::Damages, Line::Fines],
                deductible: 100_000.0,
                layers: vec![
                    // The first layer attaches at the deductible, the second where the first
                    // ends (100,000 + 5,000,000).
                    Layer {
                        insurer: allianz,
                        attachment: 100_000.0,
                        limit: 5_000_000.0,
                        aggregate: 10_000_000.0,
                        share: 1.0,
                    },
                    Layer {
                        insurer: munich,
                        attachment: 5_100_000.0,
                        limit: 20_000_000.0,
                        aggregate: f64::INFINITY,
                        share: 0.5,
                    },
                ],
                occurrence: Occurrence::Claim,
            },
            // Kind "recall" defaults to the recall line; the deductible to 0 and covers to
            // every fault.
            Policy {
                insured: maker,
                kind: "recall".into(),
                covers: FaultSet::all(),
                lines: vec![Line::Recall],
                deductible: 0.0,
                layers: vec![Layer {
                    insurer: allianz,
                    attachment: 0.0,
                    limit: 1_000_000.0,
                    aggregate: f64::INFINITY,
                    share: 1.0,
                }],
                occurrence: Occurrence::Claim,
            },
        ]
    );

    assert_eq!(
        t.recalls,
        vec![RecallRule {
            class: 0,
            fault: SensorDrift,
            threshold: 25,
            window_days: 365.0,
            cost_per_device: 120.0,
            reach: 0.85,
            mean_days_to_fix: 60.0,
        }]
    );

    assert_eq!(
        t.fines,
        vec![
            FineRule {
                name: "gdpr".into(),
                faults: FaultSet::of(&[DataTheft]),
                harms: HarmSet::of(&[HarmKind::RecordsExposed]),
                probability: 0.1,
                on: FineTarget::RootCause,
                fixed: 1_000_000.0,
                turnover_share: 0.02,
                maximum: Some(10_000_000.0),
                once_per_year: true,
            },
            FineRule {
                name: "device_safety".into(),
                faults: FaultSet::of(&[SensorDrift, Exploit]),
                harms: HarmSet::all(),
                probability: 0.05,
                on: FineTarget::Role(Role::Manufacturer),
                fixed: 50_000.0,
                turnover_share: 0.0,
                maximum: None,
                once_per_year: false,
            },
        ]
    );
}

/// A scenario without the money-terms sections keeps the root-cause baseline and no terms.
#[test]
fn without_money_terms_the_baseline_applies() {
    let s = scenario::load(Path::new("tests/fixtures/valid/minimal.toml"))
        .expect("minimal loads")
        .scenario;
    assert_eq!(s.terms, Terms::default());
    assert_eq!(
        s.terms.liability.regimes,
        vec![RegimeKind::RootCause.into()]
    );
    assert_eq!(s.parties[0].turnover, None);
    assert!(!s.parties[0].outside_jurisdiction);
}

/// `regime` may be one name rather than a list; an empty [liability] table changes nothing.
#[test]
fn a_single_regime_may_be_a_string() {
    let minimal = fs::read_to_string("tests/fixtures/valid/minimal.toml").expect("readable");
    let with = |extra: &str| -> Scenario {
        scenario::parse(&format!("{minimal}\n{extra}\n"), Path::new("inline.toml"))
            .unwrap_or_else(|d| panic!("{extra}:\n{d}"))
    };
    assert_eq!(
        with("[liability]\nregime = \"negligence\"")
            .terms
            .liability
            .regimes,
        vec![RegimeKind::Negligence.into()]
    );
    assert_eq!(
        with("[liability]").terms.liability,
        LiabilityTerms::default()
    );
    let d = scenario::parse(
        &format!("{minimal}\n[liability]\nregime = []\n"),
        Path::new("inline.toml"),
    )
    .expect_err("an empty list is refused");
    assert_eq!(d.items.len(), 1, "{d}");
    assert_eq!(d.items[0].field, "liability.regime");
    assert!(d.items[0].message.contains("\"joint_and_several\""), "{d}");
}

/// `[liability.switch]` reads its date into the simulation's calendar of 365-day years: the
/// day from 1 January of `start_year`, 29 February counting as 28 February.
#[test]
fn a_regime_switch_parses_to_its_day() {
    let minimal = fs::read_to_string("tests/fixtures/valid/minimal.toml").expect("readable");
    let with = |start: i32, years: u32, date: &str| -> Scenario {
        let sim = minimal.replace(
            "horizon_years = 1",
            &format!("horizon_years = {years}\nstart_year = {start}"),
        );
        let text = format!(
            "{sim}\n[liability]\nregime = [\"negligence\", \"strict\"]\n[liability.switch]\nplaced_from = {date}\nregime = \"joint_and_several\"\n"
        );
        scenario::parse(&text, Path::new("inline.toml")).unwrap_or_else(|d| panic!("{date}:\n{d}"))
    };
    let s = with(2026, 1, "2026-12-09");
    let switch = Some(Switch {
        day: 342,
        regime: RegimeKind::JointAndSeveral,
    });
    assert_eq!(
        s.terms.liability.regimes,
        vec![
            Regime::new(RegimeKind::Negligence, switch),
            Regime::new(RegimeKind::Strict, switch),
        ]
    );
    let names: Vec<&str> = s.terms.liability.regimes.iter().map(|r| r.name()).collect();
    assert_eq!(
        names,
        [
            "negligence_then_joint_and_several",
            "strict_then_joint_and_several"
        ]
    );
    let day = |s: &Scenario| s.terms.liability.regimes[0].switch().map(|w| w.day);
    assert_eq!(day(&with(2025, 2, "2026-12-09")), Some(365 + 342));
    assert_eq!(day(&with(2025, 2, "2025-01-01")), Some(0));
    assert_eq!(day(&with(2025, 2, "2026-12-31")), Some(729));
    assert_eq!(day(&with(2026, 3, "2028-02-29")), Some(730 + 58));
    assert_eq!(day(&with(2026, 3, "2028-03-01")), Some(730 + 59));
    // The day agrees with the scenario's own calendar.
    let s = with(2025, 2, "2026-12-09");
    assert_eq!(s.day_of(2026, 342), Some(707.0));
}

/// Every problem of a `[liability.switch]` is reported at once, on its line: a date outside the
/// horizon's years, a date with a time, no start year, an unknown regime, and a regime that
/// changes nothing; and nothing follows from a `[liability] regime` that does not read.
#[test]
fn regime_switch_errors_are_located() {
    let minimal = fs::read_to_string("tests/fixtures/valid/minimal.toml").expect("readable");
    let two_years = minimal.replace("horizon_years = 1", "horizon_years = 2\nstart_year = 2026");
    // (simulation, regime, placed_from, switch regime) → [(start of the line, field, message)]
    type Want<'a> = &'a [(&'a str, &'a str, &'a str)];
    let cases: &[(&str, &str, &str, &str, Want<'_>)] = &[
        (
            &two_years,
            "\"negligence\"",
            "2025-12-31",
            "joint_and_several",
            &[(
                "placed_from",
                "liability.switch.placed_from",
                "found 2025-12-31, expected a date from 2026-01-01 to 2027-12-31 (1 January of [simulation] start_year to the last day of the horizon's last year)",
            )],
        ),
        (
            &two_years,
            "\"negligence\"",
            "2028-01-01",
            "negligence",
            &[
                (
                    "placed_from",
                    "liability.switch.placed_from",
                    "found 2028-01-01, expected a date from 2026-01-01 to 2027-12-31",
                ),
                (
                    "regime = \"negligence\"",
                    "liability.switch.regime",
                    "found \"negligence\", the regime before the switch too: the switch would change nothing; expected another regime",
                ),
            ],
        ),
        (
            &two_years,
            "[\"negligence\", \"strict\"]",
            "2026-12-09T08:00:00",
            "strict",
            &[
                (
                    "placed_from",
                    "liability.switch.placed_from",
                    "found 2026-12-09T08:00:00, expected a local date such as 2026-12-09 (no time of day, no offset)",
                ),
                (
                    "regime = \"strict\"",
                    "liability.switch.regime",
                    "found \"strict\", which `regime` lists too: for that allocation the switch would change nothing",
                ),
            ],
        ),
        (
            &minimal,
            "\"negligence\"",
            "2026-12-09",
            "joint_and_severl",
            &[
                (
                    "placed_from",
                    "liability.switch.placed_from",
                    "found 2026-12-09 but no [simulation] start_year, expected a start_year to place the date in the simulation's calendar",
                ),
                (
                    "regime = \"joint_and_severl\"",
                    "liability.switch.regime",
                    "found \"joint_and_severl\", expected one of \"root_cause\", \"negligence\", \"strict\", \"joint_and_several\"",
                ),
            ],
        ),
        // No follow-on: an unread `regime` is not taken for the default root_cause.
        (
            &two_years,
            "\"bogus\"",
            "2026-12-09",
            "root_cause",
            &[(
                "regime = \"bogus\"",
                "liability.regime",
                "found \"bogus\", expected one of",
            )],
        ),
    ];
    for (sim, before, date, after, want) in cases {
        let text = format!(
            "{sim}\n[liability]\nregime = {before}\n\n[liability.switch]\nplaced_from = {date}\nregime = \"{after}\"\n"
        );
        let d = scenario::parse(&text, Path::new("switch.toml")).expect_err("refused");
        assert_eq!(d.items.len(), want.len(), "{d}");
        for (item, (line_start, field, message)) in d.items.iter().zip(*want) {
            // The last such line: the switch's `regime` comes after `[liability]`'s.
            let lines: Vec<&str> = text.lines().collect();
            let line = lines
                .iter()
                .rposition(|l| l.starts_with(line_start))
                .expect("the line is in the text")
                + 1;
            assert_eq!((item.line, item.field.as_str()), (line, *field), "{d}");
            assert!(item.message.starts_with(message), "{d}");
        }
    }
}

/// `fleetsim schema` describes the money terms too, with the names the validator accepts.
#[test]
fn schema_describes_the_money_terms() {
    let schema = serde_json::to_value(scenario::schema()).expect("schema serialises");
    let props = &schema["properties"];
    for section in ["liability", "contract", "insurance", "recall", "fine"] {
        assert!(props[section].is_object(), "no {section} in {schema}");
    }
    let defs = &schema["$defs"];
    for key in ["turnover", "outside_jurisdiction"] {
        assert!(defs["RawParty"]["properties"][key].is_object(), "{key}");
    }
    assert!(defs["RawInsurance"]["properties"]["layer"].is_object());
    // The names a schema node allows: an enum, a const, or the alternatives of a oneOf.
    fn allowed(node: &serde_json::Value, out: &mut Vec<String>) {
        for v in node["enum"].as_array().into_iter().flatten() {
            out.extend(v.as_str().map(str::to_owned));
        }
        out.extend(node["const"].as_str().map(str::to_owned));
        for alt in node["oneOf"].as_array().into_iter().flatten() {
            allowed(alt, out);
        }
    }
    let names = |def: &str| -> Vec<String> {
        let mut out = Vec::new();
        allowed(&defs[def], &mut out);
        out
    };
    let regimes: Vec<String> = RegimeKind::ALL.iter().map(|r| r.name().into()).collect();
    assert_eq!(names("RegimeKind"), regimes);
    let lines: Vec<String> = Line::ALL.iter().map(|l| l.name().into()).collect();
    assert_eq!(names("Line"), lines);
    let fault: Vec<String> = ComparativeFault::ALL
        .iter()
        .map(|c| c.name().into())
        .collect();
    assert_eq!(names("ComparativeFault"), fault);
    let faults: Vec<String> = FaultKind::ALL.iter().map(|f| f.name().into()).collect();
    assert_eq!(names("FaultKind"), faults);
    assert!(names("Role").contains(&"insurer".to_owned()));
}
