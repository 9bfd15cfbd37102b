//! Results are a function of the scenario and its seed only: the same bytes whatever the
//! thread count, again for the same seed, different for another seed; and a mechanism's draws
//! do not move when another mechanism is added.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{class, header, run, scenario};
use fleetsim::scenario::FaultKind;
use fleetsim::sim::Replicator;
use fleetsim::{Error, RunOptions};

fn run_to(dir: &Path, file: &str, threads: usize, seed: Option<u64>) -> PathBuf {
    let options = RunOptions {
        out_root: dir.to_owned(),
        replications: Some(24),
        seed,
        threads,
        keep_elt: true,
        memory_limit: u64::MAX,
        report: Some(fleetsim::output::report::ReportOptions::default()),
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    match fleetsim::run_file(&path, &options, &fleetsim::Quiet) {
        Ok(outcome) => outcome.folder,
        Err(e) => panic!("{e}"),
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

/// The tables, and charts drawn from them: none may depend on the thread count.
const TABLES: [&str; 9] = [
    "summary.csv",
    "ylt.csv",
    "elt.csv",
    "ep.csv",
    "incidents.csv",
    "charts/ep_curves.svg",
    "charts/ep_curves.png",
    "charts/waterfall.svg",
    "charts/convergence.png",
];

#[test]
fn output_bytes_do_not_depend_on_threads_and_follow_the_seed() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let one = run_to(
        &tmp.path().join("t1"),
        "scenarios/bp_monitors.toml",
        1,
        None,
    );
    let two = run_to(
        &tmp.path().join("t2"),
        "scenarios/bp_monitors.toml",
        2,
        None,
    );
    let again = run_to(
        &tmp.path().join("again"),
        "scenarios/bp_monitors.toml",
        2,
        None,
    );
    let other = run_to(
        &tmp.path().join("other"),
        "scenarios/bp_monitors.toml",
        2,
        Some(99),
    );
    for name in TABLES {
        assert_eq!(read(&one, name), read(&two, name), "{name}: threads 1 vs 2");
        assert_eq!(
            read(&two, name),
            read(&again, name),
            "{name}: same seed twice"
        );
    }
    assert_ne!(
        read(&two, "ylt.csv"),
        read(&other, "ylt.csv"),
        "a different seed must change the results"
    );
}

#[test]
fn breaches_keep_output_bytes_independent_of_threads() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let one = run_to(
        &tmp.path().join("t1"),
        "scenarios/smart_cameras.toml",
        1,
        None,
    );
    let two = run_to(
        &tmp.path().join("t2"),
        "scenarios/smart_cameras.toml",
        2,
        None,
    );
    for name in TABLES.iter().chain(["botnet.csv"].iter()) {
        assert_eq!(read(&one, name), read(&two, name), "{name}: threads 1 vs 2");
    }
    let botnet = String::from_utf8_lossy(&read(&two, "botnet.csv")).into_owned();
    assert!(
        botnet.lines().count() > 24 * 30,
        "an hourly series over 30 days per replication"
    );
    let elt = String::from_utf8_lossy(&read(&two, "elt.csv")).into_owned();
    for kind in ["ddos", "data_theft"] {
        assert!(elt.contains(kind), "elt.csv has no {kind} incident");
    }
}

#[test]
fn adding_a_mechanism_leaves_the_others_draws_alone() {
    let firmware = "[device_class.firmware_bug]\nrate_per_device_year = 0.3\nharm = { probability = 0.5, kind = \"downtime\", severity = { mu = 5.0, sigma = 1.0 } }\n";
    let install = "[device_class.installation_error]\nprobability = 0.2\nmean_days_to_manifest = 30\nharm = { probability = 0.5, kind = \"property_damage\", severity = { mu = 5.0, sigma = 1.0 } }\n";
    let drift = "[device_class.sensor_drift]\nmodel = \"random_walk\"\nsd_per_day = 0.5\ntolerance = 5.0\ncalibration_interval_days = 200\nharm = { probability = 0.5, kind = \"wrong_treatment\", severity = { mu = 5.0, sigma = 1.0 } }\n";
    let base = format!("{}{}", header("crn", 3, 1, 4), class("c", 2_000));
    let alone = scenario(&format!("{base}{firmware}"));
    let with_more = scenario(&format!("{base}{firmware}{install}{drift}"));
    let firmware_harms = |s: &Arc<fleetsim::scenario::Scenario>| {
        let (h, _) = run(&mut Replicator::new(Arc::clone(s)), 0);
        let mut v: Vec<_> = h
            .into_iter()
            .filter(|h| h.fault == FaultKind::FirmwareBug)
            .map(|h| (h.device, h.day.to_bits(), h.loss.to_bits()))
            .collect();
        v.sort_unstable();
        v
    };
    let a = firmware_harms(&alone);
    assert!(a.len() > 100);
    assert_eq!(a, firmware_harms(&with_more));
}

#[test]
fn reused_world_gives_the_same_replication_as_a_fresh_one() {
    // Workers reset their world between replications; a reset must leave nothing behind.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bp_monitors.toml");
    let s = Arc::new(
        fleetsim::scenario::load(&path)
            .map(|l| l.scenario)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let mut reused = Replicator::new(Arc::clone(&s));
    let _ = run(&mut reused, 0);
    let _ = run(&mut reused, 1);
    let (h_reused, t_reused) = run(&mut reused, 2);
    let (h_fresh, t_fresh) = run(&mut Replicator::new(Arc::clone(&s)), 2);
    assert_eq!(t_reused, t_fresh);
    assert_eq!(h_reused, h_fresh);
}

#[test]
fn a_run_too_large_for_memory_is_refused_with_its_estimate() {
    let s = scenario(&format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = 1.0\nharm = {{ probability = 1.0, kind = \"downtime\", severity = {{ mu = 1.0, sigma = 1.0 }} }}\n",
        header("huge", 10, 1000, 1),
        class("c", 50_000_000)
    ));
    let shape = fleetsim::memory::Shape {
        threads: 2,
        keep_elt: true,
        report: false,
    };
    let estimate = fleetsim::memory::estimate_run(&s, &shape);
    // Two worlds of 50 M devices alone are over 10 GB.
    assert!(estimate.bytes() > 10 << 30, "{}", estimate.bytes());
    match estimate.check("scenario huge", 8 << 30) {
        Err(e @ Error::TooLarge { .. }) => {
            let text = e.to_string();
            assert!(text.contains("MiB") && text.contains("huge"), "{text}");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(estimate.check("scenario huge", u64::MAX).is_ok());
}

#[test]
fn results_replace_earlier_ones_whole_and_leave_no_partial_folder() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let stale = tmp.path().join("bp_monitors");
    std::fs::create_dir_all(&stale).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(stale.join("stale.txt"), "old").unwrap_or_else(|e| panic!("{e}"));
    let folder = run_to(tmp.path(), "scenarios/bp_monitors.toml", 2, None);
    assert_eq!(folder, stale);
    assert!(!folder.join("stale.txt").exists());
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(names, vec!["bp_monitors".to_owned()]);
}

#[test]
fn a_failed_write_leaves_no_result_folder() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The output root is a file, so nothing can be written under it.
    let root = tmp.path().join("not_a_folder");
    std::fs::write(&root, "x").unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        out_root: root.clone(),
        replications: Some(2),
        seed: None,
        threads: 1,
        keep_elt: true,
        memory_limit: u64::MAX,
        report: None,
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bp_monitors.toml");
    let err = fleetsim::run_file(&path, &options, &fleetsim::Quiet);
    assert!(matches!(err, Err(Error::Write { .. })), "{err:?}");
    assert!(root.is_file());
}
