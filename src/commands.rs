//! The binary's subcommands, one function each: the command line's arguments become the
//! library's options, the library does the work and [`console`] shows what came of it. Each
//! returns `Ok(false)` when some scenario or folder failed but the others went on, and `Err`
//! when the command could not go on at all; `main` turns either into the exit code.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::{PerspectiveArg, RunArgs, StudyArgs};
use crate::console::{self, Bar, say};
use fleetsim::studies::{StudyOptions, StudyOutcome};
use fleetsim::{RunOptions, memory, output, scenario};

/// `fleetsim schema`: the JSON Schema of the scenario format, on stdout.
pub fn schema() -> Result<bool> {
    output::write_schema(&mut std::io::stdout().lock())?;
    Ok(true)
}

/// `fleetsim check`: each file loaded with its policies, as `run` and the studies load it.
pub fn check(paths: &[PathBuf]) -> bool {
    let mut ok = true;
    let mut named = Vec::new();
    for file in expand(paths, &mut ok) {
        match scenario::load_bundle(&file).and_then(|s| s.check().map(|()| s)) {
            Ok(s) => {
                for w in &s.loaded.warnings {
                    eprintln!("warning: {w}");
                }
                say!("ok: {} ({})", file.display(), s.loaded.scenario.name);
                named.push((file, s.loaded.scenario.name));
            }
            Err(e) => {
                ok = false;
                eprintln!("{}", console::error_text(&e));
            }
        }
    }
    // `run` refuses such a batch, so `check` does too.
    for clash in scenario::name_clashes(&named) {
        ok = false;
        eprintln!("error: {clash}");
    }
    ok
}

/// `fleetsim run`: every scenario of the batch in turn (or, with `--estimate`, only the memory
/// each would need), then the batch's index.
pub fn run(args: RunArgs) -> Result<bool> {
    let options = RunOptions {
        out_root: args.out,
        replications: args.replications,
        seed: args.seed,
        threads: args.threads.unwrap_or_else(default_threads),
        keep_elt: !args.no_elt,
        memory_limit: available_memory(),
        report: (!args.no_report).then(|| args.perspective.report_options()),
    };
    let mut ok = true;
    let files = expand(&args.paths, &mut ok);
    if clash(&files) {
        return Ok(false);
    }
    if args.estimate {
        for file in &files {
            match fleetsim::prepare(file, &options) {
                Ok(p) => console::estimate(&p.scenario.name, &p.estimate, options.memory_limit),
                Err(e) => {
                    ok = false;
                    eprintln!("{}", console::error_text(&e));
                }
            }
        }
        return Ok(ok);
    }
    for file in files {
        ok &= run_one(&file, &options);
    }
    if !args.no_report
        && let Some(index) = output::write_index(&options.out_root)?
    {
        say!("reports: {}", index.display());
    }
    Ok(ok)
}

/// Two scenarios of one name would write the same folder, the second silently replacing the
/// first: such a batch is refused, saying so, before anything runs. A file that does not load
/// is left to its own run, which reports it.
fn clash(files: &[PathBuf]) -> bool {
    let named: Vec<(PathBuf, String)> = files
        .iter()
        .filter_map(|f| scenario::load(f).ok().map(|l| (f.clone(), l.scenario.name)))
        .collect();
    let clashes = scenario::name_clashes(&named);
    if clashes.is_empty() {
        return false;
    }
    for clash in clashes {
        eprintln!("error: {clash}");
    }
    eprintln!("error: no scenario was run");
    true
}

/// Runs one scenario file with a progress bar and prints its summary; `false` when it failed.
fn run_one(file: &Path, options: &RunOptions) -> bool {
    let bar = Bar::new();
    let result = fleetsim::run_file(file, options, &bar);
    bar.finish();
    match result {
        Ok(run) => {
            console::run_summary(&run);
            if run.summary.at_ceiling > 0 {
                eprintln!(
                    "warning: {}: {} claims were drawn above 1e15 {} and booked at that ceiling",
                    file.display(),
                    run.summary.at_ceiling,
                    run.scenario.currency
                );
            }
            true
        }
        Err(e) => {
            eprintln!("{}", console::error_text(&e));
            eprintln!("{}: no results written", file.display());
            false
        }
    }
}

/// `fleetsim compare`, `sweep` and `sensitivity`: runs `study` with a progress bar and prints
/// its table, then the index; `Ok(false)` when it failed.
pub fn study(
    args: &StudyArgs,
    policy_files: Vec<PathBuf>,
    study: impl FnOnce(&StudyOptions, &Bar) -> fleetsim::Result<StudyOutcome>,
) -> Result<bool> {
    if args.return_period.is_nan() || args.return_period < 1.0 || args.return_period.is_infinite() {
        anyhow::bail!(
            "--return-period {}: expected a number of years ≥ 1",
            args.return_period
        );
    }
    let options = StudyOptions {
        run: RunOptions {
            out_root: args.out.clone(),
            replications: args.replications,
            seed: args.seed,
            threads: args.threads.unwrap_or_else(default_threads),
            keep_elt: false,
            memory_limit: available_memory(),
            report: Some(args.perspective.report_options()),
        },
        return_period: args.return_period,
        policy_files,
    };
    let bar = Bar::new();
    let result = study(&options, &bar);
    bar.finish();
    match result {
        Ok(outcome) => {
            console::study_table(&outcome);
            if let Some(index) = output::write_index(&options.run.out_root)? {
                say!("reports: {}", index.display());
            }
            Ok(true)
        }
        Err(e) => {
            eprintln!("{}", console::error_text(&e));
            Ok(false)
        }
    }
}

/// `fleetsim report`: the charts and page of one run folder, or of every run folder of a batch
/// and then its index, each refused when its tables would not fit in memory.
pub fn report(dir: &Path, perspective: PerspectiveArg) -> Result<bool> {
    let options = perspective.report_options();
    let single = dir.join("manifest.json").exists();
    let folders = if single {
        vec![dir.to_owned()]
    } else {
        output::report_folders(dir)?
    };
    if folders.is_empty() {
        anyhow::bail!(
            "{} has no run folder (a folder with manifest.json, written by fleetsim run)",
            dir.display()
        );
    }
    let mut ok = true;
    let available = available_memory();
    for f in &folders {
        let refused = memory::report_memory(f)
            .and_then(|e| e.check(&format!("the report of {}", f.display()), available));
        match refused.and_then(|()| output::rebuild_report(f, &options)) {
            Ok(()) => say!("report: {}", f.join("report.html").display()),
            Err(e) => {
                ok = false;
                eprintln!("{}", console::error_text(&e));
            }
        }
    }
    if !single && let Some(index) = output::write_index(dir)? {
        say!("index: {}", index.display());
    }
    Ok(ok)
}

/// Expands folders into their scenario files; a bad path is reported and marks the batch failed.
fn expand(paths: &[PathBuf], ok: &mut bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for p in paths {
        match scenario::discover(p) {
            Ok((mut f, problems)) => {
                files.append(&mut f);
                for problem in problems {
                    *ok = false;
                    eprintln!("error: {problem}");
                }
            }
            Err(e) => {
                *ok = false;
                eprintln!("error: {e}");
            }
        }
    }
    files
}

/// Worker threads when none are asked for: every core, within the ceiling.
fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(fleetsim::experiment::MAX_THREADS)
}

/// Memory available to this run, from the operating system; unlimited if it cannot tell.
fn available_memory() -> u64 {
    // FLEETSIM_MEMORY_LIMIT_MIB caps what the guard allows below what the machine has free:
    // for a shared node, or a test that wants large scenarios refused rather than run.
    let cap = std::env::var("FLEETSIM_MEMORY_LIMIT_MIB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(u64::MAX, |mib| mib.saturating_mul(1 << 20));
    let Ok(mut sys) = sysinfo::System::new() else {
        return cap;
    };
    sys.refresh_memory();
    match sys.available_memory() {
        0 => cap,
        n => n.min(cap),
    }
}
