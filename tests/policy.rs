//! Policy studies end to end: a policy that changes nothing differs by exactly zero, common
//! random numbers narrow the interval of a difference, the bundled mitigations cut exposure
//! significantly, sweeps and sensitivity write their documented columns, results do not depend
//! on threads, and bad overlays are reported where they were written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

const BP: &str = "scenarios/bp_monitors.toml";

/// Regime, party, perspective and metric of a row.
type SeriesKey = (String, String, String, String);

fn fleetsim() -> Command {
    let mut cmd = Command::cargo_bin("fleetsim").expect("the fleetsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// bp_monitors with `extra` appended, in a temporary folder.
fn bp_with(dir: &Path, extra: &str) -> PathBuf {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(BP))
        .expect("the bundled scenario");
    let path = dir.join("bp_monitors.toml");
    fs::write(&path, format!("{text}\n{extra}")).expect("write the scenario");
    path
}

/// A study's CSV as rows keyed by column name.
fn rows(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.expect("a row").iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

fn num(row: &BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?} is not a number", row[col]))
}

/// The compare.csv row of `policy`, `party`, `perspective` and `metric`.
fn find<'a>(
    rows: &'a [BTreeMap<String, String>],
    policy: &str,
    party: &str,
    perspective: &str,
    metric: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| {
            r["policy"] == policy
                && r["party"] == party
                && r["perspective"] == perspective
                && r["metric"] == metric
        })
        .unwrap_or_else(|| panic!("no row {policy} {party} {perspective} {metric}"))
}

fn compare(scenario: &Path, out: &Path, args: &[&str]) -> Vec<BTreeMap<String, String>> {
    fleetsim()
        .arg("compare")
        .arg(scenario)
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let stem = scenario.file_stem().expect("name").to_string_lossy();
    rows(&out.join(format!("{stem}.compare/compare.csv"))).1
}

/// A policy whose changes leave every value as it was runs on the same random numbers as the
/// baseline, so every series of every party differs by exactly nothing, interval included.
#[test]
fn a_policy_that_changes_nothing_differs_by_exactly_zero() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = bp_with(
        tmp.path(),
        r#"[[policy]]
name = "no_change"
set = { "liability.regime" = "joint_and_several", "device_class.bp_monitor_v2.fleet.sales_growth.first_year" = 3150 }
scale = { "device_class.*.firmware_bug.rate_per_device_year" = 1.0 }
"#,
    );
    let rows = compare(
        &file,
        tmp.path(),
        &["--policy", "no_change", "--replications", "6"],
    );
    // Every series: 5 totals, 7 parties × 3 perspectives and 3 insurers; the AAL only, since
    // 30 simulated years hold no 1-in-100 year.
    assert_eq!(rows.len(), 29);
    for r in &rows {
        assert_eq!(r["baseline"], r["policy_value"], "{r:?}");
        for col in ["difference", "ci95_low", "ci95_high"] {
            assert_eq!(r[col], "0.00", "{col}: {r:?}");
        }
    }
    // The unpaired interval of the same runs is not zero: the runs are noisy, the pairing is not.
    let total = find(&rows, "no_change", "total", "ground_up", "aal");
    assert!(num(total, "unpaired_ci95_high") > 10_000.0, "{total:?}");
}

/// ClinicSouth's training changes only its installation errors, about 2 % of the patients'
/// damages; drift and wear-out (the rest, and nearly all of the noise) are the same draws in
/// both runs. So the paired interval of the change in ground-up AAL carries only the
/// installation errors' own spread and must be a small fraction of the unpaired one (0.045
/// at 400 replications; the test allows up to 0.25). The parties that the policy cannot
/// touch see no change at all.
#[test]
fn common_random_numbers_narrow_the_interval() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let rows = compare(
        Path::new(BP),
        tmp.path(),
        &["--policy", "clinic_south_training", "--replications", "40"],
    );
    let total = find(&rows, "clinic_south_training", "total", "ground_up", "aal");
    let paired = num(total, "ci95_high") - num(total, "ci95_low");
    let unpaired = num(total, "unpaired_ci95_high") - num(total, "unpaired_ci95_low");
    eprintln!(
        "ground-up AAL change {}: paired width {paired:.0}, unpaired {unpaired:.0}, ratio {:.3}",
        total["difference"],
        paired / unpaired
    );
    assert!(
        paired > 0.0 && paired < 0.25 * unpaired,
        "paired {paired}, unpaired {unpaired}"
    );
    assert!(
        num(total, "ci95_high") < 0.0,
        "fewer errors, less damage: {total:?}"
    );
    let south = find(
        &rows,
        "clinic_south_training",
        "ClinicSouth",
        "retained",
        "aal",
    );
    assert!(num(south, "ci95_high") < 0.0, "{south:?}");
    let rel = num(south, "relative_change");
    // Its error rate falls to a quarter; a quarter of its AAL remains, within the noise.
    assert!((-0.9..-0.6).contains(&rel), "{south:?}");
    for party in [
        "PumpWorks",
        "CareCode",
        "ClinicNorth",
        "MediSense",
        "PressureTech",
    ] {
        let r = find(&rows, "clinic_south_training", party, "retained", "aal");
        assert_eq!(r["difference"], "0.00", "{party} is untouched: {r:?}");
    }
}

/// The seed article's mitigations, built in, move exposure the right way, significantly:
/// unique strong credentials end the camera botnet's losses (the victims' and VisionCam's),
/// halving shipped vulnerabilities cuts the pacemakers' exploit damage, halving firmware
/// bugs cuts the monitors' damage.
#[test]
fn bundled_mitigations_cut_exposure_significantly() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cams = compare(
        Path::new("scenarios/smart_cameras.toml"),
        tmp.path(),
        // A camera's data leaks at most once per outbreak, so VisionCam's share of the thefts
        // is rarer and noisier than the victims': 20 replications resolve it.
        &["--policy", "authorisation", "--replications", "20"],
    );
    for (party, p) in [("total", "ground_up"), ("VisionCam", "retained")] {
        let r = find(&cams, "authorisation", party, p, "aal");
        assert!(num(r, "ci95_high") < 0.0, "{party}: {r:?}");
    }
    // The victims lose far less: what is left is the power supplies' and installers' harm.
    let total = find(&cams, "authorisation", "total", "ground_up", "aal");
    assert!(num(total, "relative_change") < -0.5, "{total:?}");

    let pace = compare(
        Path::new("scenarios/pacemakers.toml"),
        tmp.path(),
        &["--policy", "secure_by_design", "--replications", "12"],
    );
    let r = find(&pace, "secure_by_design", "total", "ground_up", "aal");
    assert!(num(r, "ci95_high") < 0.0, "{r:?}");

    let bp = compare(
        Path::new(BP),
        tmp.path(),
        &["--policy", "risk_assessment", "--replications", "200"],
    );
    let r = find(&bp, "risk_assessment", "total", "ground_up", "aal");
    assert!(num(r, "ci95_high") < 0.0, "{r:?}");
}

/// The documented columns of sweep.csv and sensitivity.csv, their charts and pages.
#[test]
fn sweep_and_sensitivity_write_their_documented_columns() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let calib = "device_class.bp_monitor_v2.sensor_drift.calibration_interval_days";
    fleetsim()
        .args(["sweep", BP, "--replications", "4", "--param"])
        .arg(format!("{calib}=182..365:183"))
        .args(["--param", "liability.cause_contribution=0.5,1.0", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("bp_monitors.sweep");
    let (header, sweep) = rows(&dir.join("sweep.csv"));
    assert_eq!(
        header,
        [
            "point",
            calib,
            "liability.cause_contribution",
            "regime",
            "party",
            "perspective",
            "metric",
            "value",
            "difference",
            "ci95_low",
            "ci95_high",
            "relative_change"
        ]
    );
    // A 2 × 2 grid, the last field fastest.
    let points: Vec<(String, String, String)> = {
        let mut v: Vec<_> = sweep
            .iter()
            .map(|r| {
                (
                    r["point"].clone(),
                    r[calib].clone(),
                    r["liability.cause_contribution"].clone(),
                )
            })
            .collect();
        v.dedup();
        v
    };
    let expected = [
        ("0", "182", "0.5"),
        ("1", "182", "1.0"),
        ("2", "365", "0.5"),
        ("3", "365", "1.0"),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(points, expected);
    for r in sweep.iter().filter(|r| r["point"] == "0") {
        assert_eq!(
            r["difference"], "0.00",
            "the first point against itself: {r:?}"
        );
    }
    // Longer calibration, more drift harm: point 2 against point 0.
    let gu = sweep
        .iter()
        .find(|r| {
            r["point"] == "2"
                && r["party"] == "total"
                && r["perspective"] == "ground_up"
                && r["metric"] == "aal"
        })
        .expect("a ground-up row");
    assert!(num(gu, "ci95_low") > 0.0, "{gu:?}");
    assert!(dir.join("charts/sweep.svg").is_file() && dir.join("charts/sweep.png").is_file());

    fleetsim()
        .args(["sensitivity", BP, "--replications", "4", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("bp_monitors.sensitivity");
    let (header, sens) = rows(&dir.join("sensitivity.csv"));
    assert_eq!(
        header,
        [
            "field",
            "low",
            "high",
            "regime",
            "party",
            "perspective",
            "metric",
            "baseline",
            "at_low",
            "at_high",
            "swing",
            "ci95_low",
            "ci95_high"
        ]
    );
    // Per series and metric, the four [[sensitivity]] entries of the bundled file, largest
    // swing first.
    let mut groups: BTreeMap<SeriesKey, Vec<(String, f64)>> = BTreeMap::new();
    for r in &sens {
        let swing = num(r, "at_high") - num(r, "at_low");
        assert!((swing - num(r, "swing")).abs() <= 0.011, "{r:?}");
        groups
            .entry((
                r["regime"].clone(),
                r["party"].clone(),
                r["perspective"].clone(),
                r["metric"].clone(),
            ))
            .or_default()
            .push((r["field"].clone(), num(r, "swing")));
    }
    for (series, swings) in &groups {
        let mut fields: Vec<&str> = swings.iter().map(|s| s.0.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "device_class.bp_monitor_v2.firmware_bug.rate_per_device_year",
                calib,
                "liability.cause_contribution",
                "liability.victim_fault_share",
            ],
            "{series:?}"
        );
        assert!(
            swings.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()),
            "{series:?}: not sorted by size: {swings:?}"
        );
    }
    // The calibration interval moves the patients' damages most.
    let gu = &groups[&(
        "joint_and_several".to_owned(),
        "total".to_owned(),
        "ground_up".to_owned(),
        "aal".to_owned(),
    )];
    assert_eq!(gu[0].0, calib);
    let svg = fs::read_to_string(dir.join("charts/tornado.svg")).expect("tornado.svg");
    assert!(svg.contains("Sensitivity of the AAL"));
    let page = fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(!page.contains("http:") && !page.contains("https:"));
    assert!(page.contains("<svg"));
    // The batch index links both studies.
    let index = fs::read_to_string(tmp.path().join("index.html")).expect("index.html");
    assert!(
        index.contains("href=\"bp_monitors.sweep/report.html\""),
        "{index}"
    );
    assert!(
        index.contains("href=\"bp_monitors.sensitivity/report.html\""),
        "{index}"
    );
}

/// Threads change only the speed: compare.csv is byte-identical on 1 and 2 threads.
#[test]
fn compare_does_not_depend_on_threads() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut files = Vec::new();
    for t in ["1", "2"] {
        let out = tmp.path().join(t);
        fleetsim()
            .args([
                "compare",
                BP,
                "--policy",
                "clinic_south_training",
                "--policy",
                "strict_liability",
                "--replications",
                "4",
                "--threads",
                t,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        files.push(fs::read(out.join("bp_monitors.compare/compare.csv")).expect("compare.csv"));
    }
    assert!(
        files[0] == files[1],
        "compare.csv differs between 1 and 2 threads"
    );
}

/// Every bad overlay is reported at once, at the line and column where it was written, by
/// `check` as by `compare`; and a study writes nothing when it fails.
#[test]
fn bad_overlays_are_located() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = bp_with(
        tmp.path(),
        r#"[[policy]]
name = "typo"
set = { "device_class.*.securty.credentials" = "strong" }

[[policy]]
name = "out_of_range"
set = { "device_class.bp_monitor_v2.installation_error.probability" = 2.0 }

[[policy]]
name = "no_such_class"
scale = { "device_class.fridge.firmware_bug.rate_per_device_year" = 0.5 }
"#,
    );
    let base_lines = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(BP))
        .expect("scenario")
        .lines()
        .count();
    let f = file.display().to_string();
    let assert = fleetsim().arg("check").arg(&file).assert().failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let typo_line = base_lines + 4;
    assert!(
        stderr.contains(&format!(
            "error: {f}:{typo_line}:9: policy typo: device_class.*.securty.credentials: found unknown field securty in device_class[0], expected one of"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: {f}:{}:9: policy out_of_range: device_class.bp_monitor_v2.installation_error.probability: device_class[0].installation_error.probability:",
            base_lines + 8
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "found no element of device_class named fridge, expected one of bp_monitor_v2"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error: ").count(), 3, "{stderr}");

    let assert = fleetsim()
        .arg("compare")
        .arg(&file)
        .args(["--replications", "2", "--out"])
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.matches("error: ").count(), 3, "{stderr}");
    assert!(!tmp.path().join("out").exists(), "nothing written");

    // An unknown policy name lists what there is.
    let assert = fleetsim()
        .args(["compare", BP, "--policy", "magic", "--out"])
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--policy magic: no such policy"),
        "{stderr}"
    );
    assert!(
        stderr.contains("clinic_south_training") && stderr.contains("authorisation"),
        "{stderr}"
    );

    // Bad sweep arguments and a field a policy may not change.
    let assert = fleetsim()
        .args([
            "sweep",
            BP,
            "--param",
            "nonsense",
            "--param",
            "simulation.seed=1,2",
            "--out",
        ])
        .arg(tmp.path().join("out"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("expected FIELD=VALUE,VALUE"), "{stderr}");
    assert!(!tmp.path().join("out").exists(), "nothing written");
}

/// Policies may live in a file of their own (`--policies`), read and located like a scenario's.
#[test]
fn policy_files_add_policies_and_locate_their_errors() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("policies.toml");
    fs::write(
        &file,
        r#"# Policies kept apart from the scenario.
[[policy]]
name = "quarterly_calibration"
set = { "device_class.bp_monitor_v2.sensor_drift.calibration_interval_days" = 91 }

[[sensitivity]]
field = "device_class.bp_monitor_v2.installation_error.probability"
low = 0.001
high = 0.01
"#,
    )
    .expect("write");
    let out = tmp.path().join("out");
    fleetsim()
        .args([
            "compare",
            BP,
            "--policy",
            "quarterly_calibration",
            "--replications",
            "4",
            "--policies",
        ])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let (_, compared) = rows(&out.join("bp_monitors.compare/compare.csv"));
    let r = find(
        &compared,
        "quarterly_calibration",
        "total",
        "ground_up",
        "aal",
    );
    assert!(num(r, "ci95_high") < 0.0, "less drift harm: {r:?}");
    fleetsim()
        .args(["sensitivity", BP, "--replications", "2", "--policies"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let (_, sens) = rows(&out.join("bp_monitors.sensitivity/sensitivity.csv"));
    // The scenario's four parameters and the file's one.
    let mut fields: Vec<&str> = sens.iter().map(|r| r["field"].as_str()).collect();
    fields.sort_unstable();
    fields.dedup();
    assert_eq!(fields.len(), 5, "{fields:?}");

    let bad = tmp.path().join("bad.toml");
    fs::write(
        &bad,
        "[[policy]]\nname = \"x\"\nsett = { \"a\" = 1 }\n\n[[polcy]]\nname = \"y\"\n",
    )
    .expect("write");
    let assert = fleetsim()
        .args(["compare", BP, "--policies"])
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let b = bad.display().to_string();
    let first = format!(
        "error: {b}:3:1: policy[0].sett: found unknown key \"sett\", expected one of description, name, scale, set; did you mean \"set\"?"
    );
    let second = format!(
        "error: {b}:5:3: polcy: found unknown key \"polcy\", expected one of policy, sensitivity; did you mean \"policy\"?"
    );
    let (i, j) = (stderr.find(&first), stderr.find(&second));
    assert!(i.is_some() && j.is_some() && i < j, "{stderr}");
}

/// A sweep over words (the liability regime) writes them plainly and draws grouped bars.
#[test]
fn sweep_over_regimes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    fleetsim()
        .args([
            "sweep",
            BP,
            "--replications",
            "4",
            "--param",
            "liability.regime=joint_and_several,negligence",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("bp_monitors.sweep");
    let (_, sweep) = rows(&dir.join("sweep.csv"));
    let values: Vec<&str> = sweep
        .iter()
        .map(|r| r["liability.regime"].as_str())
        .collect();
    assert!(
        values
            .iter()
            .all(|v| ["joint_and_several", "negligence"].contains(v)),
        "{values:?}"
    );
    // The regime column follows the point: series are matched by the regime's position.
    assert!(sweep.iter().all(|r| r["regime"] == r["liability.regime"]));
    // Under negligence nobody answers for a defect without fault: the patients keep more.
    let kept = |point: &str| {
        sweep
            .iter()
            .find(|r| {
                r["point"] == point
                    && r["party"] == "total"
                    && r["perspective"] == "uncompensated"
                    && r["metric"] == "aal"
            })
            .map(|r| num(r, "value"))
            .expect("an uncompensated row")
    };
    assert!(kept("1") > kept("0"), "{} vs {}", kept("1"), kept("0"));
    let svg = fs::read_to_string(dir.join("charts/sweep.svg")).expect("sweep.svg");
    assert!(svg.contains("Exposure for each value of liability.regime"));
}

/// A remediation lowers the victims' loss, as it should: with daily reboots a camera is
/// reinfected more often, but an outbreak takes its data (or not) only once, and fewer bots
/// launch smaller DDoS attacks. The paired interval of the change lies wholly below zero.
#[test]
fn more_reboots_lower_the_victims_loss() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cams = compare(
        Path::new("scenarios/smart_cameras.toml"),
        tmp.path(),
        &["--policy", "more_reboots", "--replications", "40"],
    );
    let total = find(&cams, "more_reboots", "total", "ground_up", "aal");
    assert!(num(total, "ci95_high") < 0.0, "{total:?}");
}
