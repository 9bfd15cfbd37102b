//! Interrupted runs: a child `fleetsim run` killed with SIGINT, SIGTERM and SIGKILL at seeded
//! random points in time, over an earlier result. SIGINT and SIGTERM leave no temporary path
//! and exit with 130 and 143; after every kill the earlier result is still there and whole; and
//! a re-run into the same folder removes what SIGKILL left and writes the same tables as an
//! uninterrupted run.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

const BP: &str = "scenarios/bp_monitors.toml";
const NAME: &str = "bp_monitors";

/// Starts `fleetsim run` of bp_monitors into `out`, with enough replications to take seconds.
fn start(out: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("fleetsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            BP,
            "--replications",
            "150",
            "--threads",
            "2",
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start fleetsim: {e}"))
}

/// The hidden entries of `dir`: temporary folders and files.
fn hidden(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// Whether a temporary folder of the run is there.
fn writing(dir: &Path) -> bool {
    hidden(dir)
        .iter()
        .any(|n| n.starts_with(&format!(".{NAME}.partial-")))
}

/// The tables of a result folder by name, and its manifest without the wall time.
fn tables(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            let name = p
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into());
            (name, fs::read(&p).unwrap_or_else(|e| panic!("{e}")))
        })
        .collect();
    let text = fs::read_to_string(folder.join("manifest.json")).unwrap_or_else(|e| panic!("{e}"));
    let manifest: String = text
        .lines()
        .filter(|l| !l.contains("wall_time_seconds"))
        .collect();
    v.push(("manifest.json".to_owned(), manifest.into_bytes()));
    v.sort();
    v
}

/// Copies the result folder `from` (files and `charts/`) to `to`.
fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for e in fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let p = e.unwrap_or_else(|e| panic!("{e}")).path();
        let target = to.join(p.file_name().unwrap_or_default());
        if p.is_dir() {
            copy_folder(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// SplitMix64: a seeded stream of numbers in [0, 1).
struct Uniform(u64);
impl Uniform {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as f64 / 2f64.powi(64)
    }
}

/// Waits for `child`, polling `dir`, until `deadline` (or, with `during_write`, until a
/// temporary folder has appeared and then `delay` more); then sends `signal` if it still runs.
/// Returns its exit status and whether it was writing when the signal went.
fn kill_at(
    child: &mut Child,
    dir: &Path,
    signal: Signal,
    during_write: bool,
    delay: Duration,
) -> (ExitStatus, bool) {
    let started = Instant::now();
    let mut deadline = (!during_write).then(|| started + delay);
    loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            return (status, false);
        }
        if deadline.is_none() && writing(dir) {
            deadline = Some(Instant::now() + delay);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let was_writing = writing(dir);
            let pid = Pid::from_child(child);
            kill_process(pid, signal).unwrap_or_else(|e| panic!("kill: {e}"));
            return (child.wait().unwrap_or_else(|e| panic!("{e}")), was_writing);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn interrupted_runs_leave_no_leftovers_and_never_hide_the_result() {
    use std::os::unix::process::ExitStatusExt;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let reference_root = tmp.path().join("reference");
    let root = tmp.path().join("out");
    fs::create_dir_all(&reference_root).unwrap_or_else(|e| panic!("{e}"));

    // The uninterrupted run, timed: how long it simulates and how long it writes.
    let started = Instant::now();
    let mut child = start(&reference_root);
    let mut write_start = None;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break s;
        }
        if write_start.is_none() && writing(&reference_root) {
            write_start = Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(status.success(), "{status}");
    let total = started.elapsed();
    let writing_time = total - write_start.unwrap_or(total);
    let reference = tables(&reference_root.join(NAME));
    eprintln!(
        "uninterrupted: {:.2} s, of which writing {:.2} s",
        total.as_secs_f64(),
        writing_time.as_secs_f64()
    );
    // An earlier result that each interrupted run would replace.
    copy_folder(&reference_root.join(NAME), &root.join(NAME));

    let mut rng = Uniform(12);
    let signals = [Signal::INT, Signal::TERM, Signal::KILL];
    let mut left_by_kill = 0;
    for round in 0..6 {
        let signal = signals[round % 3];
        // Half the kills land at a random time of the whole run, half while it writes.
        let during_write = round >= 3;
        let span = if during_write { writing_time } else { total };
        // Within the first 80 %, so that most kills find the run still going.
        let delay = span.mul_f64(0.8 * rng.next());
        let mut child = start(&root);
        let (status, was_writing) = kill_at(&mut child, &root, signal, during_write, delay);
        let left = hidden(&root);
        eprintln!(
            "round {round}: {signal:?} after {:.2} s{}: {status}, left {left:?}",
            delay.as_secs_f64(),
            if was_writing { " (while writing)" } else { "" }
        );
        if signal == Signal::KILL {
            assert!(
                status.success() || status.signal() == Some(9),
                "round {round}: {status}"
            );
            left_by_kill += left.len();
        } else {
            let code = if signal == Signal::INT { 130 } else { 143 };
            assert!(
                status.success() || status.code() == Some(code),
                "round {round}: {signal:?} gave {status}, expected exit code {code}"
            );
            // SIGINT and SIGTERM remove the run's own temporary paths; a SIGKILL's leftovers
            // are gone too once a later run began writing (rounds 3 and 4 are killed while
            // writing), and there are none before round 2.
            assert_eq!(left, Vec::<String>::new(), "round {round}: {signal:?}");
        }
        // The earlier result is visible and whole after every kill.
        assert_eq!(tables(&root.join(NAME)), reference, "round {round}");
    }
    eprintln!("SIGKILL left {left_by_kill} temporary paths in all");

    let status = start(&root).wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "{status}");
    assert_eq!(hidden(&root), Vec::<String>::new());
    assert_eq!(tables(&root.join(NAME)), reference);
}
