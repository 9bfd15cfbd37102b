//! The memory guard: the estimate against the measured peak of real runs of the binary, the
//! refusal (quick, with its breakdown, nothing written) of each thing that used to slip past
//! it, and the command line's limits.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{class, header};
use fleetsim::memory::{self, MemoryEstimate};
use fleetsim::studies::StudyOptions;
use fleetsim::{Error, Quiet, RunOptions};

/// The memory the refusal tests pretend to have: far below what the cases need, far above
/// what the bundled scenarios need.
const LIMIT: u64 = 8 << 30;
const GIB: f64 = (1u64 << 30) as f64;

fn fleetsim() -> Command {
    let mut cmd = Command::cargo_bin("fleetsim").expect("the fleetsim binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn bundled(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Writes `text` as `name` in `dir`.
fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

fn options(out: &Path) -> RunOptions {
    RunOptions {
        out_root: out.to_owned(),
        replications: None,
        seed: None,
        threads: 2,
        keep_elt: true,
        memory_limit: LIMIT,
        report: None,
    }
}

/// A bundled scenario with one line replaced (the line that starts with `key`).
fn edited(name: &str, key: &str, line: &str) -> String {
    let text = std::fs::read_to_string(bundled(name)).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.lines().any(|l| l.starts_with(key)),
        "{name} has no {key}"
    );
    text.lines()
        .map(|l| if l.starts_with(key) { line } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// smart_cameras with its outbreaks as one fixed-day outbreak on day `day` (the scenario's
/// source has a frequency), edited as `edited` does.
fn fixed_outbreak(text: &str, day: u32) -> String {
    let source = "frequency = 0.2\ndispersion = 1.0\n";
    assert!(
        text.contains(source),
        "smart_cameras' outbreak source changed"
    );
    text.replace(source, &format!("start_day = {day}\n"))
}

/// A small fleet with a data theft mechanism and extra lines for its class.
fn small(years: u32, extra: &str) -> String {
    format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = 0.1\nharm = {{ probability = 0.5, kind = \"data_loss\", severity = {{ mean = 100, sd = 50 }} }}\n{extra}",
        header("small", years, 1, 1),
        class("c", 10)
    )
}

/// Runs `run_file` and expects a quick refusal for memory; returns its message.
fn refused(path: &Path, options: &RunOptions) -> String {
    let started = Instant::now();
    let result = fleetsim::run_file(path, options, &Quiet);
    let took = started.elapsed();
    let text = match result {
        Err(e @ Error::TooLarge { .. }) => e.to_string(),
        Err(other) => panic!("expected a refusal for memory, got {other}"),
        Ok(_) => panic!("{} ran, expected a refusal", path.display()),
    };
    assert!(took < Duration::from_secs(2), "refused only after {took:?}");
    assert!(
        !options.out_root.exists()
            || std::fs::read_dir(&options.out_root).map_or(0, |d| d.count()) == 0,
        "something was written for a refused run"
    );
    text
}

/// Runs `run_file` under a memory limit of `limit` bytes and expects a refusal for memory.
fn refused_at(path: &Path, out: &Path, limit: u64) -> String {
    let mut o = options(out);
    o.memory_limit = limit;
    refused(path, &o)
}

/// Expects `run_file` to refuse the file as invalid, with an error located at `field`.
fn invalid(path: &Path, field: &str) {
    match fleetsim::run_file(path, &options(&path.with_extension("out")), &Quiet) {
        Err(e @ Error::Invalid(_)) => {
            let text = e.to_string();
            assert!(text.contains(field), "{text}");
        }
        Err(other) => panic!("expected {field} to be refused as invalid, got {other}"),
        Ok(_) => panic!("{} ran, expected it refused", path.display()),
    }
}

/// The part of `e` whose name starts with `name`, in bytes.
fn part(e: &MemoryEstimate, name: &str) -> f64 {
    e.parts
        .iter()
        .filter(|p| p.name.starts_with(name))
        .map(|p| p.bytes)
        .sum()
}

#[test]
fn vulnerabilities_are_counted_and_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = file(
        tmp.path(),
        "v.toml",
        &small(
            1,
            "[device_class.vulnerabilities]\nper_year = 1e9\nexploit_delay_days = 5\npatch_delay_days = 60\nadoption_per_day = 0.1\nsupport_years = 1\n",
        ),
    );
    // 10⁹ a year is beyond the 1,000 that validation allows.
    invalid(&path, "vulnerabilities.per_year");
    // At the largest rate allowed, over ten years: 10,000 of them, 24 bytes in the world and
    // 32 in the replication's records, counted and refused under a small limit.
    let path = file(
        tmp.path(),
        "v.toml",
        &small(
            10,
            "[device_class.vulnerabilities]\nper_year = 1000\nexploit_delay_days = 5\npatch_delay_days = 60\nadoption_per_day = 0.1\nsupport_years = 1\n",
        ),
    );
    let text = refused_at(&path, &tmp.path().join("out"), 100 << 10);
    assert!(
        text.contains("10000 vulnerabilities per world 0.2 MiB"),
        "{text}"
    );
    assert!(
        text.contains("outbreak, vulnerability and recall records 0.3 MiB"),
        "{text}"
    );
}

#[test]
fn back_end_breaches_are_counted_and_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = file(
        tmp.path(),
        "b.toml",
        &small(
            10,
            "[device_class.data_theft]\nprobability_per_breach = 0.5\nrecords = { median = 10, p99 = 100 }\ncost_per_record = 100\nidentified_probability = 0.5\ndetection_days = 1\ncontainment_days = 1\nbackend_breaches_per_year = 1e7\n",
        ),
    );
    // 10⁷ a year is beyond the 1,000 that validation allows.
    invalid(&path, "data_theft.backend_breaches_per_year");
    // At the largest rate allowed: ten thousand harms in ten years (and five from the
    // firmware bug), each gathered as a `HarmRecord` and kept as about 3.5 `EltRow`s (both
    // grew when harms and rows came to carry their systemic event).
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let path = file(
        tmp.path(),
        "b.toml",
        &text.replace(
            "backend_breaches_per_year = 1e7",
            "backend_breaches_per_year = 1000",
        ),
    );
    let text = refused_at(&path, &tmp.path().join("out"), 1 << 20);
    assert!(
        text.contains("10005 harms per replication 0.8 MiB"),
        "{text}"
    );
    assert!(text.contains("event loss table 3.7 MiB"), "{text}");
}

#[test]
fn outbreak_steps_are_counted_and_refused() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = file(
        tmp.path(),
        "s.toml",
        &fixed_outbreak(
            &edited(
                "smart_cameras.toml",
                "step_minutes",
                "step_minutes = 0.00001",
            ),
            200,
        ),
    );
    // Steps of 0.6 ms are below the 0.1 minutes that validation allows.
    invalid(&path, "event_source[0].botnet.step_minutes");
    // At the shortest step allowed: 30 days in steps of 6 s, 432,000 steps of a 24-byte agenda
    // slot each in each of two worlds (with their groups and the members of the fleet's 121,238
    // devices), counted and refused under a small limit.
    let path = file(
        tmp.path(),
        "s.toml",
        &fixed_outbreak(
            &edited("smart_cameras.toml", "step_minutes", "step_minutes = 0.1"),
            200,
        ),
    );
    let text = refused_at(&path, &tmp.path().join("out"), 8 << 20);
    assert!(text.contains("outbreak of 432000 steps 32.0 MiB"), "{text}");
}

#[test]
fn an_outbreak_past_the_horizon_is_cut_there_in_the_estimate() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // smart_cameras runs 5 years (1825 days); its outbreak starts 25 days before the end.
    let text = fixed_outbreak(
        &std::fs::read_to_string(bundled("smart_cameras.toml")).unwrap_or_else(|e| panic!("{e}")),
        1800,
    );
    let with = |duration: &str| {
        text.lines()
            .map(|l| {
                if l.starts_with("duration_days") {
                    format!("duration_days = {duration}")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let long = file(tmp.path(), "long.toml", &with("1e12"));
    let cut = file(tmp.path(), "cut.toml", &with("25"));
    let o = options(&tmp.path().join("out"));
    let est = |p: &Path| {
        fleetsim::prepare(p, &o)
            .unwrap_or_else(|e| panic!("{e}"))
            .estimate
    };
    let (a, b) = (est(&long), est(&cut));
    assert_eq!(a, b);
    // 25 days of 5-minute steps.
    assert!(
        a.detail().contains("outbreak of 7200 steps"),
        "{}",
        a.detail()
    );
    assert!(a.check("scenario long", LIMIT).is_ok(), "{}", a.detail());
}

#[test]
fn the_year_loss_table_without_the_event_table_is_counted_whole() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut o = options(&tmp.path().join("out"));
    o.replications = Some(10_000_000);
    o.keep_elt = false;
    let e = fleetsim::prepare(&bundled("bp_monitors.toml"), &o)
        .unwrap_or_else(|e| panic!("{e}"))
        .estimate;
    // bp_monitors: 5 years × 8 series, two 8-byte cells (16 once money is in i128 cents)
    // plus the result's own 256 bytes; 5 × 12 months × 7 fault kinds of 4-byte counts.
    let cell = (std::mem::size_of_val(&0.0f64) * 2) as f64;
    let ylt = part(&e, "year loss table") / 1e7;
    assert!(
        ylt >= 5.0 * 8.0 * cell + 256.0,
        "{ylt} bytes per replication"
    );
    let counts = part(&e, "incident counts") / 1e7;
    assert!(
        counts >= 5.0 * 12.0 * 7.0 * 4.0,
        "{counts} bytes per replication"
    );
    assert!(e.bytes() as f64 > 50.0 * GIB, "{}", e.detail());
    let text = refused(&bundled("bp_monitors.toml"), &o);
    assert!(
        text.contains("year loss table") && text.contains("incident counts"),
        "{text}"
    );
}

#[test]
fn worlds_are_counted_per_thread() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut o = options(&tmp.path().join("out"));
    o.threads = 1024;
    o.replications = Some(1024);
    let text = refused(&bundled("smart_cameras.toml"), &o);
    assert!(text.contains("1024 world(s) of 121238 devices"), "{text}");
    o.threads = 2;
    let e = fleetsim::prepare(&bundled("smart_cameras.toml"), &o)
        .unwrap_or_else(|e| panic!("{e}"))
        .estimate;
    assert!(part(&e, "2 world(s)") > 0.0, "{}", e.detail());
}

#[test]
fn a_study_counts_its_resamples_and_kept_series_and_is_refused_before_its_first_run() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut run = options(&tmp.path().join("out"));
    run.replications = Some(10_000_000);
    run.keep_elt = false;
    let study = StudyOptions {
        run,
        return_period: 100.0,
        policy_files: Vec::new(),
    };
    let started = Instant::now();
    let result = fleetsim::studies::compare_file(
        &bundled("smart_cameras.toml"),
        &["authorisation".to_owned()],
        &study,
        &Quiet,
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    match result {
        // 400 resamples of 10 M replication indices: 29.8 GiB.
        Err(e @ Error::TooLarge { .. }) => {
            let text = e.to_string();
            assert!(text.contains("bootstrap resamples 30517"), "{text}");
            assert!(text.contains("series of 1 run(s) kept"), "{text}");
        }
        Err(other) => panic!("expected a refusal for memory, got {other}"),
        Ok(_) => panic!("the study ran"),
    }
    assert!(!tmp.path().join("out").exists());
    // Sensitivity keeps two runs' series while it runs a third.
    let sc = fleetsim::scenario::load(&bundled("bp_monitors.toml"))
        .unwrap_or_else(|e| panic!("{e}"))
        .scenario;
    let two = memory::estimate_study(&[&sc], 2, 2);
    let one = memory::estimate_study(&[&sc], 2, 1);
    let series = part(&one, "series of the run");
    assert!(series > 0.0);
    assert_eq!(two.bytes() - one.bytes(), series as u64);
}

#[test]
fn the_command_line_gets_the_file_s_limits() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["run", "scenarios/bp_monitors.toml", "--replications", "0"],
            "invalid value '0' for '--replications <REPLICATIONS>': expected a count of replications from 1 to 10000000",
        ),
        (
            &[
                "run",
                "scenarios/bp_monitors.toml",
                "--replications",
                "10000001",
            ],
            "expected a count of replications from 1 to 10000000",
        ),
        (
            &["run", "scenarios/bp_monitors.toml", "--threads", "0"],
            "invalid value '0' for '--threads <THREADS>': expected a number of worker threads from 1 to 1024",
        ),
        (
            &["run", "scenarios/bp_monitors.toml", "--threads", "1025"],
            "expected a number of worker threads from 1 to 1024",
        ),
        (
            &[
                "compare",
                "scenarios/bp_monitors.toml",
                "--replications",
                "1",
            ],
            "a study needs 2 for its intervals) from 2 to 10000000",
        ),
        (
            &[
                "sweep",
                "scenarios/bp_monitors.toml",
                "--param",
                "seed=1,2",
                "--threads",
                "5000",
            ],
            "from 1 to 1024",
        ),
    ];
    for (args, expected) in cases {
        let out = fleetsim()
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // The library refuses the same values from any caller.
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut o = options(tmp.path());
    o.replications = Some(0);
    match fleetsim::run_file(&bundled("bp_monitors.toml"), &o, &Quiet) {
        Err(e @ Error::Argument { .. }) => assert_eq!(
            e.to_string(),
            "--replications 0: expected a count from 1 to 10000000, as in a scenario file"
        ),
        other => panic!("expected a refused argument, got {other:?}"),
    }
}

#[test]
fn a_report_is_estimated_from_its_tables_and_a_longer_table_stops_at_the_manifest() {
    // A manifest that claims more years than the table holds is bounded by the table's bytes.
    let e = memory::estimate_report(10, 1_000_000_000, 14_000, 0);
    assert_eq!(part(&e, "report tables read back"), 1000.0 * 16.0);
    // An honest folder: every series-year of the table, each year's sum and largest amount.
    let honest = memory::estimate_report(8, 1000, 10_000_000, 0);
    assert_eq!(part(&honest, "report tables read back"), 8000.0 * 16.0);

    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tmp.path();
    let ok = fleetsim()
        .args([
            "run",
            "scenarios/bp_monitors.toml",
            "--replications",
            "4",
            "--no-report",
            "--out",
        ])
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dir = out.join("bp_monitors");
    let e = memory::report_memory(&dir).unwrap_or_else(|e| panic!("{e}"));
    // Every row of the year loss table: a series-year.
    let rows = std::fs::read_to_string(dir.join("ylt.csv"))
        .unwrap_or_else(|e| panic!("{e}"))
        .lines()
        .count()
        - 1;
    assert_eq!(part(&e, "report tables read back"), rows as f64 * 16.0);
    // A manifest that says fewer replications than the table holds: the reading stops at
    // the first row beyond it instead of reading on.
    let manifest = dir.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        &manifest,
        text.replace("\"replications\": 4", "\"replications\": 1"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let res = fleetsim()
        .arg("report")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(!res.status.success());
    assert!(
        err.contains("column `replication`: the manifest has 1 replications, from 0"),
        "{err}"
    );
}

/// Peak resident memory and the estimate, in MiB, from a run's own report line.
fn measured(args: &[&str], out: &Path) -> Option<(f64, f64)> {
    let o = fleetsim()
        .arg("run")
        .args(args)
        .args(["--threads", "2", "--no-report", "--out"])
        .arg(out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("memory: estimated"))
        .unwrap_or_else(|| panic!("no memory line in {text}"));
    let mut numbers = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.parse::<f64>().ok());
    let estimate = numbers.next()?;
    let peak = numbers.next()?;
    Some((estimate, peak))
}

#[test]
fn the_estimate_is_within_half_again_of_the_measured_peak() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let vulns = file(
        tmp.path(),
        "vulns.toml",
        &format!(
            "{}{}[device_class.vulnerabilities]\nper_year = 1000\nexploit_delay_days = 5\npatch_delay_days = 60\nadoption_per_day = 0.1\nsupport_years = 0.5\n",
            header("vulns", 100, 20, 1),
            class("c", 10)
        ),
    );
    let out = tmp.path().join("out");
    // The fixed cost of the binary: a trivial run.
    let Some((_, base)) = measured(
        &["tests/fixtures/valid/minimal.toml", "--replications", "1"],
        &out,
    ) else {
        eprintln!("no peak memory on this system (it is read from /proc): skipped");
        return;
    };
    let vulns = vulns.to_string_lossy().into_owned();
    let cases: [&[&str]; 4] = [
        &["scenarios/bp_monitors.toml", "--replications", "100"],
        &["scenarios/smart_cameras.toml", "--replications", "6"],
        &[&vulns],
        &[
            "tests/fixtures/valid/minimal.toml",
            "--replications",
            "50000",
            "--no-elt",
        ],
    ];
    for args in cases {
        let (estimate, peak) = measured(args, &out).unwrap_or_else(|| panic!("{args:?}"));
        let growth = peak - base;
        let ratio = estimate / growth;
        eprintln!(
            "{args:?}: estimated {estimate:.1} MiB, grew {growth:.1} MiB (peak {peak:.1}, baseline {base:.1}): ratio {ratio:.2}"
        );
        assert!(
            (1.0 / 1.5..=1.5).contains(&ratio),
            "{args:?}: estimated {estimate:.1} MiB, measured growth {growth:.1} MiB"
        );
    }
}

#[test]
fn a_run_shows_its_estimate_part_by_part_without_running() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let o = fleetsim()
        .args([
            "run",
            "scenarios/smart_cameras.toml",
            "--estimate",
            "--threads",
            "2",
            "--out",
        ])
        .arg(tmp.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    let e = fleetsim::prepare(
        &bundled("smart_cameras.toml"),
        &RunOptions {
            memory_limit: u64::MAX,
            report: Some(fleetsim::output::report::ReportOptions {
                perspective: fleetsim::outcome::Perspective::Retained,
            }),
            ..options(tmp.path())
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .estimate;
    assert!(
        text.starts_with(&format!(
            "smart_cameras: needs about {} of memory",
            memory::mib(e.bytes() as f64)
        )),
        "{text}"
    );
    for name in [
        "event loss table",
        "2 world(s) of 121238 devices",
        "outbreak of 8640 steps",
        "report tables read back",
    ] {
        assert!(text.contains(name), "{name} missing from {text}");
    }
    assert!(!tmp.path().join("smart_cameras").exists());
}
