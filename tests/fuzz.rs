//! A seeded mutation fuzz of the bundled scenarios through the binary: every mutant is either
//! refused by `check` with located errors (and by `run` alike, nothing written), or refused by
//! the memory guard before it starts, or run to the end with every money identity holding to the
//! cent in every written table. Never a panic, an abort or a false "bug".
//!
//! `FLEETSIM_FUZZ_CASES` sets the number of mutants (default 240, about a minute on two cores);
//! `FLEETSIM_FUZZ_SEED` the seed, so a failure can be replayed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use toml::Value;

const BUNDLED: [&str; 5] = [
    "bp_monitors",
    "bp_monitors_regimes",
    "connected_cars",
    "smart_cameras",
    "pacemakers",
];

/// The memory the guard may allow a mutant run: large fleets and event storms are refused
/// before they start instead of running for minutes.
const MEMORY_LIMIT_MIB: &str = "384";

/// One step into a TOML document.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path to a value in the document (tables, arrays and leaves), in document order.
fn paths(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match v {
        Value::Table(t) => {
            for (k, x) in t {
                at.push(Step::Key(k.clone()));
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Step::Index(i));
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match (s, v) {
        (Step::Key(k), Value::Table(t)) => t.get_mut(k),
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

/// Numbers a hostile or careless file might hold.
fn wild_number(rng: &mut Xoshiro256PlusPlus, old: f64) -> Value {
    // Half the time a plausible change, so that enough mutants run.
    if rng.random_range(0..2) == 0 {
        let factor = [0.5, 2.0, 0.9, 1.1, 3.0][rng.random_range(0..5)];
        return if old.fract() == 0.0 && old.abs() < 1e15 {
            Value::Integer((old * factor).round() as i64)
        } else {
            Value::Float(old * factor)
        };
    }
    let f = match rng.random_range(0..16) {
        0 => 0.0,
        1 => -1.0,
        2 => 1e-300,
        3 => old * 1e3,
        4 => old * 1e9,
        5 => 1e15,
        6 => 1e300,
        7 => f64::INFINITY,
        8 => f64::NEG_INFINITY,
        9 => f64::NAN,
        10 => old + 0.5,
        11 => -old,
        12 => old / 1e6,
        13 => return Value::Integer(i64::MAX),
        14 => return Value::Integer(rng.random_range(0..5)),
        _ => 9.3e18,
    };
    Value::Float(f)
}

/// Replaces, removes or duplicates one value of the document.
fn mutate(doc: &mut Value, rng: &mut Xoshiro256PlusPlus) -> String {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let strings: Vec<String> = all
        .iter()
        .filter_map(|p| match get_mut(doc, p) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let path = all[rng.random_range(1..all.len())].clone();
    let what = format!("{path:?}");
    let op = rng.random_range(0..10);
    if op == 0 {
        // Remove the value from its parent.
        if let Some((last, parent)) = path.split_last()
            && let Some(p) = get_mut(doc, parent)
        {
            match (last, p) {
                (Step::Key(k), Value::Table(t)) => drop(t.remove(k)),
                (Step::Index(i), Value::Array(a)) => drop(a.remove(*i)),
                _ => {}
            }
        }
        return format!("removed {what}");
    }
    let Some(v) = get_mut(doc, &path) else {
        return String::new();
    };
    match v {
        Value::Integer(i) => *v = wild_number(rng, *i as f64),
        Value::Float(f) => *v = wild_number(rng, *f),
        Value::Boolean(b) => *v = Value::Boolean(!*b),
        Value::String(_) => {
            *v = match rng.random_range(0..6) {
                0 => Value::String(String::new()),
                1 => Value::String("x".repeat(240)),
                2 => Value::String("Recall".into()),
                3 => Value::Float(1.0),
                4 => Value::String("é\u{0}".into()),
                _ => Value::String(strings[rng.random_range(0..strings.len())].clone()),
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = rng.random_range(0..a.len());
            let copy = a[i].clone();
            a.push(copy);
        }
        Value::Table(t) => {
            t.insert("unexpected_field".into(), Value::Integer(1));
        }
        _ => {}
    }
    format!("changed {what}")
}

fn fleetsim(args: &[&str], file: &Path, out: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fleetsim"));
    cmd.args(args)
        .arg(file)
        .env("FLEETSIM_MEMORY_LIMIT_MIB", MEMORY_LIMIT_MIB);
    if let Some(o) = out {
        cmd.arg("--out").arg(o);
    }
    cmd.output().expect("the fleetsim binary runs")
}

/// What became of one mutant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Refused,
    TooLarge,
    Ran,
}

/// A process that ended on its own, without a panic or a "bug".
fn sane(o: &Output, what: &str) -> Result<String, String> {
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    match o.status.code() {
        None => return Err(format!("{what}: killed by a signal (abort?): {stderr}")),
        Some(101) => return Err(format!("{what}: panicked: {stderr}")),
        _ => {}
    }
    if stderr.contains("panicked") || stderr.contains("This is a bug") {
        return Err(format!("{what}: {stderr}"));
    }
    Ok(stderr)
}

/// Every error line of a refusal names the file, a line and a column.
fn located(stderr: &str, file: &Path) -> Result<(), String> {
    let name = file.display().to_string();
    for line in stderr.lines().filter(|l| l.starts_with("error: ")) {
        let rest = &line["error: ".len()..];
        let summary = rest.contains(" in ") && rest.ends_with(&name);
        let at = rest
            .strip_prefix(&name)
            .and_then(|r| r.strip_prefix(':'))
            .map(|r| r.split(':').take(2).all(|n| n.parse::<u32>().is_ok()));
        if !summary && at != Some(true) {
            return Err(format!("unlocated error: {line}"));
        }
    }
    if !stderr.contains("error: ") {
        return Err(format!("refused without an error line: {stderr}"));
    }
    Ok(())
}

fn judge(file: &Path, out: &Path) -> Result<Fate, String> {
    let check = fleetsim(&["check"], file, None);
    let check_err = sane(&check, "check")?;
    let run = fleetsim(
        &[
            "run",
            "--replications",
            "2",
            "--threads",
            "1",
            "--no-report",
        ],
        file,
        Some(out),
    );
    let run_err = sane(&run, "run")?;
    let written = std::fs::read_dir(out).map_or(0, |d| d.count());
    if !check.status.success() {
        located(&check_err, file)?;
        if run.status.success() || written > 0 {
            return Err(format!("check refused but run wrote results: {check_err}"));
        }
        return Ok(Fate::Refused);
    }
    if !run.status.success() {
        if run_err.contains("MiB of memory") && written == 0 {
            return Ok(Fate::TooLarge);
        }
        return Err(format!("check accepted, run failed: {run_err}"));
    }
    let dir = std::fs::read_dir(out)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .ok_or("run succeeded without a result folder")?;
    common::ledger::check_folder(&dir)?;
    Ok(Fate::Ran)
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutants_are_refused_with_a_location_or_run_with_exact_money() {
    let cases = env_or("FLEETSIM_FUZZ_CASES", 240) as usize;
    let seed = env_or("FLEETSIM_FUZZ_SEED", 20261203);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs: Vec<Value> = BUNDLED
        .iter()
        .map(|s| {
            let text = std::fs::read_to_string(root.join(format!("scenarios/{s}.toml")))
                .expect("bundled scenario");
            toml::from_str(&text).expect("bundled scenario parses")
        })
        .collect();
    let tmp = tempfile::tempdir().expect("temp dir");
    let next = AtomicUsize::new(0);
    let fates = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= cases {
                        break;
                    }
                    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (i as u64) << 8);
                    let mut doc = docs[i % docs.len()].clone();
                    let changes: Vec<String> = (0..rng.random_range(1..=2))
                        .map(|_| mutate(&mut doc, &mut rng))
                        .collect();
                    let text = toml::to_string(&doc).unwrap_or_default();
                    let dir: PathBuf = tmp.path().join(format!("case{i}"));
                    std::fs::create_dir_all(&dir).expect("case folder");
                    let file = dir.join("scenario.toml");
                    std::fs::write(&file, &text).expect("write mutant");
                    match judge(&file, &dir.join("out")) {
                        Ok(f) => {
                            fates.lock().expect("lock").push(f);
                            let _ = std::fs::remove_dir_all(&dir);
                        }
                        Err(e) => failures.lock().expect("lock").push(format!(
                            "case {i} of {} ({}): {e}",
                            BUNDLED[i % docs.len()],
                            changes.join("; ")
                        )),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    let fates = fates.into_inner().expect("lock");
    let count = |f: Fate| fates.iter().filter(|&&x| x == f).count();
    println!(
        "fuzz: {cases} mutants (seed {seed}): {} refused by check, {} refused by the memory guard, {} ran with exact money",
        count(Fate::Refused),
        count(Fate::TooLarge),
        count(Fate::Ran)
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The mutations must exercise both sides, or the test proves nothing. About a fifth of
    // the mutants run (the scenarios' event sources made more fields whose change is refused),
    // so a tenth leaves room for the day's seed.
    assert!(count(Fate::Refused) * 10 >= cases, "too few refusals");
    assert!(count(Fate::Ran) * 10 >= cases, "too few mutants ran");
}
