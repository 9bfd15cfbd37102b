//! The fleetsim binary: parses the command line, calls the library, reports errors.

mod cli;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cli::{Cli, Command, PerspectiveArg, StudyArgs};
use fleetsim::outcome::Perspective;
use fleetsim::output::report::ReportOptions;
use fleetsim::scenario::Role;
use fleetsim::studies::{StudyOptions, StudyOutcome};
use fleetsim::{RunOptions, output, scenario};

/// Prints a line to stdout, ignoring a closed pipe (`fleetsim … | head` must not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // SIGINT and SIGTERM remove the temporary folders of a run in progress before exiting.
    if let Err(e) = output::staging::remove_on_termination() {
        eprintln!(
            "warning: cannot handle SIGINT and SIGTERM ({e}); an interrupted run leaves its temporary folder until the next run into the same folder"
        );
    }
    match dispatch(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {}", chain_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, leaving out a cause whose text the message already
/// carries (the library's errors name their I/O source in their own message).
fn chain_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// Runs a command; `Ok(false)` when some scenario failed but the others went on.
fn dispatch(cli: Cli) -> Result<bool> {
    match cli.command {
        Command::Schema => {
            output::write_schema(&mut std::io::stdout().lock())?;
            Ok(true)
        }
        Command::Check { paths } => {
            let mut ok = true;
            let mut named = Vec::new();
            for file in expand(&paths, &mut ok) {
                match scenario::load_study(&file).and_then(|s| s.check().map(|()| s)) {
                    Ok(s) => {
                        for w in &s.loaded.warnings {
                            eprintln!("warning: {w}");
                        }
                        say!("ok: {} ({})", file.display(), s.loaded.scenario.name);
                        named.push((file, s.loaded.scenario.name));
                    }
                    Err(e) => {
                        ok = false;
                        eprintln!("{}", error_text(&e));
                    }
                }
            }
            // `run` refuses such a batch, so `check` does too.
            for clash in scenario::name_clashes(&named) {
                ok = false;
                eprintln!("error: {clash}");
            }
            Ok(ok)
        }
        Command::Run {
            paths,
            out,
            replications,
            seed,
            threads,
            estimate,
            no_elt,
            no_report,
            perspective,
        } => {
            let threads = threads.unwrap_or_else(default_threads);
            let options = RunOptions {
                out_root: out,
                replications,
                seed,
                threads,
                keep_elt: !no_elt,
                memory_limit: available_memory(),
                report: (!no_report).then(|| report_options(perspective)),
            };
            let mut ok = true;
            let files = expand(&paths, &mut ok);
            // Two scenarios of one name would write the same folder, the second silently
            // replacing the first: refuse the batch before anything runs. A file that does not
            // load is left to its own run, which reports it.
            let named: Vec<(PathBuf, String)> = files
                .iter()
                .filter_map(|f| scenario::load(f).ok().map(|l| (f.clone(), l.scenario.name)))
                .collect();
            let clashes = scenario::name_clashes(&named);
            if !clashes.is_empty() {
                for clash in clashes {
                    eprintln!("error: {clash}");
                }
                eprintln!("error: no scenario was run");
                return Ok(false);
            }
            if estimate {
                for file in &files {
                    match fleetsim::prepare(file, &options) {
                        Ok(p) => {
                            print_estimate(&p.scenario.name, &p.estimate, options.memory_limit)
                        }
                        Err(e) => {
                            ok = false;
                            eprintln!("{}", error_text(&e));
                        }
                    }
                }
                return Ok(ok);
            }
            for file in files {
                let bar = Bar(progress_bar());
                let result = fleetsim::run_file(&file, &options, &bar);
                bar.0.finish_and_clear();
                match result {
                    Ok(run) => {
                        report(&run);
                        if run.summary.at_ceiling > 0 {
                            eprintln!(
                                "warning: {}: {} claims were drawn above 1e15 {} and booked at that ceiling",
                                file.display(),
                                run.summary.at_ceiling,
                                run.scenario.currency
                            );
                        }
                    }
                    Err(e) => {
                        ok = false;
                        eprintln!("{}", error_text(&e));
                        eprintln!("{}: no results written", file.display());
                    }
                }
            }
            if !no_report && let Some(index) = output::write_index(&options.out_root)? {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "reports: {}", index.display());
            }
            Ok(ok)
        }
        Command::Compare {
            scenario,
            policies,
            policy_files,
            study,
        } => run_study(&study, policy_files, |o, bar| {
            fleetsim::studies::compare_file(&scenario, &policies, o, bar)
        }),
        Command::Sweep {
            scenario,
            params,
            study,
        } => run_study(&study, Vec::new(), |o, bar| {
            fleetsim::studies::sweep_file(&scenario, &params, o, bar)
        }),
        Command::Sensitivity {
            scenario,
            params,
            policy_files,
            study,
        } => run_study(&study, policy_files, |o, bar| {
            fleetsim::studies::sensitivity_file(&scenario, &params, o, bar)
        }),
        Command::Report { dir, perspective } => {
            let options = report_options(perspective);
            let folders = if dir.join("manifest.json").exists() {
                vec![dir.clone()]
            } else {
                output::report_folders(&dir)?
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
                let refused = output::read::report_memory(f)
                    .and_then(|e| e.check(&format!("the report of {}", f.display()), available));
                match refused.and_then(|()| output::rebuild_report(f, &options)) {
                    Ok(()) => say!("report: {}", f.join("report.html").display()),
                    Err(e) => {
                        ok = false;
                        eprintln!("{}", error_text(&e));
                    }
                }
            }
            if !dir.join("manifest.json").exists()
                && let Some(index) = output::write_index(&dir)?
            {
                say!("index: {}", index.display());
            }
            Ok(ok)
        }
    }
}

/// Runs a study with a progress bar and prints its table; `Ok(false)` when it failed.
fn run_study(
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
            report: Some(report_options(args.perspective)),
        },
        return_period: args.return_period,
        policy_files,
    };
    let bar = Bar(progress_bar());
    let result = study(&options, &bar);
    bar.0.finish_and_clear();
    match result {
        Ok(outcome) => {
            print_study(&outcome);
            if let Some(index) = output::write_index(&options.run.out_root)? {
                say!("reports: {}", index.display());
            }
            Ok(true)
        }
        Err(e) => {
            eprintln!("{}", error_text(&e));
            Ok(false)
        }
    }
}

/// The study's rows for the victims and each party in the chosen perspective, as a table.
fn print_study(o: &StudyOutcome) {
    use fleetsim::stats::paired::{Findings, Row};
    let info = &o.info;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: {}, {} runs ({} replications × {} years, seed {}) in {:.2} s → {}",
        info.scenario,
        info.kind,
        info.variants.len(),
        info.replications,
        info.horizon_years,
        info.seed,
        info.wall_time_seconds,
        o.folder.display()
    );
    let persp = info.perspective.as_str();
    let mut print = |title: &str, rows: &[Row]| {
        let _ = writeln!(out, "  {title}");
        let _ = writeln!(
            out,
            "    {:<26} {:>12} {:>12} {:>12} {:>27} {:>27}",
            "AAL", "from", "to", "change", "95 % interval (paired)", "unpaired"
        );
        for r in rows
            .iter()
            .filter(|r| r.metric == "aal" && r.is_headline(&rows[0].regime, persp))
        {
            let d = &r.delta;
            let name = if r.party == "total" {
                "victims' damages".to_owned()
            } else {
                r.party.clone()
            };
            let _ = writeln!(
                out,
                "    {:<26} {:>12.0} {:>12.0} {:>12.0} {:>27} {:>27}",
                name,
                d.baseline,
                d.variant,
                d.difference,
                format!("{:.0} … {:.0}", d.paired.0, d.paired.1),
                format!("{:.0} … {:.0}", d.unpaired.0, d.unpaired.1)
            );
        }
    };
    match &o.findings {
        Findings::Compare(rows) => {
            for v in info.variants.iter().skip(1) {
                let mine: Vec<Row> = rows
                    .iter()
                    .filter(|r| r.variant == v.label)
                    .cloned()
                    .collect();
                if !mine.is_empty() {
                    print(
                        &format!(
                            "policy {} vs baseline ({}, {persp})",
                            v.label, mine[0].regime
                        ),
                        &mine,
                    );
                }
            }
        }
        Findings::Sweep { points, .. } => {
            for p in points.iter().skip(1) {
                if let Some(first) = p.rows.first() {
                    print(&format!("{} vs the first point", first.variant), &p.rows);
                }
            }
        }
        Findings::Sensitivity(swings) => {
            for s in swings {
                print(&format!("{}: {} → {}", s.field, s.low, s.high), &s.rows);
            }
        }
    }
}

fn report_options(p: PerspectiveArg) -> ReportOptions {
    ReportOptions {
        perspective: match p {
            PerspectiveArg::Gross => Perspective::Gross,
            PerspectiveArg::Net => Perspective::Net,
            PerspectiveArg::Retained => Perspective::Retained,
        },
    }
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

fn error_text(e: &fleetsim::Error) -> String {
    match e {
        fleetsim::Error::Invalid(d) => d
            .to_string()
            .lines()
            .map(|l| format!("error: {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        fleetsim::Error::Policy(lines) | fleetsim::Error::Tables(lines) => lines
            .iter()
            .map(|l| format!("error: {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("error: {other}"),
    }
}

/// A progress bar on stderr; indicatif keeps it hidden when stderr is not a terminal.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} replications, ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// The library's progress, shown on an indicatif bar.
struct Bar(ProgressBar);

impl fleetsim::Progress for Bar {
    fn start(&self, scenario: &str, replications: u64) {
        self.0.set_length(replications);
        self.0.set_position(0);
        self.0.set_message(scenario.to_owned());
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn warning(&self, text: &str) {
        self.0.suspend(|| eprintln!("warning: {text}"));
    }
}

/// One paragraph per finished scenario: where it went and its headline figures, then per
/// regime what victims were paid and each party's average annual loss from each perspective.
fn report(run: &fleetsim::RunOutcome) {
    // A reader that went away (`fleetsim run … | head`) is no error: stop writing quietly.
    let mut out = std::io::stdout().lock();
    macro_rules! say {
        ($($arg:tt)*) => {
            if writeln!(out, $($arg)*).is_err() {
                return;
            }
        };
    }
    let s = &run.scenario;
    let layout = &run.summary.layout;
    let metric = |col: usize| &run.summary.columns[col];
    let rp100 = |col: usize| {
        metric(col)
            .aep
            .iter()
            .find(|(t, _)| *t == 100.0)
            .and_then(|(_, v)| *v)
    };
    let total = metric(layout.total(0, Perspective::GroundUp));
    let money = |v: Option<f64>| v.map_or("n/a".to_owned(), |v| format!("{v:.0}"));
    say!(
        "{}: {} replications × {} years × {} devices in {:.2} s → {}",
        s.name,
        s.replications,
        s.horizon_years,
        s.device_count(),
        run.manifest.wall_time_seconds,
        run.folder.display()
    );
    say!(
        "  ground-up AAL {:.0} {} ± {:.0} (SE), 1-in-100 AEP {}",
        total.aal,
        s.currency,
        total.aal_se,
        rp100(layout.total(0, Perspective::GroundUp))
            .map_or("n/a (run shorter than 100 years)".to_owned(), |v| format!(
                "{v:.0}"
            ))
    );
    say!(
        "  memory: estimated {}, peak resident {}",
        fleetsim::memory::mib(run.estimate.bytes() as f64),
        peak_resident().map_or("unknown".to_owned(), |b| fleetsim::memory::mib(b as f64))
    );
    if let Some(b) = &run.summary.botnet {
        say!(
            "  botnet: peak {:.0} fleet devices ({:.0} bots in all), {:.0} recruitments of which {:.0} reinfections (means per outbreak)",
            b.peak_fleet_infected,
            b.peak_total_infected,
            b.recruited,
            b.reinfected
        );
    }
    for (r, regime) in s.terms.liability.regimes.iter().enumerate() {
        say!(
            "  {}: paid to victims {:.0}, uncompensated {:.0}, recalls {:.0}, fines {:.0} (AAL, {})",
            regime.name(),
            metric(layout.total(r, Perspective::Paid)).aal,
            metric(layout.total(r, Perspective::Uncompensated)).aal,
            metric(layout.total(r, Perspective::Recall)).aal,
            metric(layout.total(r, Perspective::Fines)).aal,
            s.currency
        );
        say!(
            "    {:<22} {:>13} {:>13} {:>13} {:>15}",
            "party (AAL)",
            "gross",
            "net",
            "retained",
            "1-in-100 net"
        );
        for (p, party) in s.parties.iter().enumerate() {
            let p = p as u16;
            if party.role == Role::Insurer {
                let col = layout.party(r, p, Perspective::Insurer);
                if metric(col).aal > 0.0 {
                    say!(
                        "    {:<22} {:>13} {:>13.0} {:>13} {:>15}",
                        party.name,
                        "",
                        metric(col).aal,
                        "",
                        money(rp100(col))
                    );
                }
                continue;
            }
            let [g, n, k] = [Perspective::Gross, Perspective::Net, Perspective::Retained]
                .map(|x| layout.party(r, p, x));
            if metric(g).aal > 0.0 || metric(n).aal > 0.0 {
                say!(
                    "    {:<22} {:>13.0} {:>13.0} {:>13.0} {:>15}",
                    party.name,
                    metric(g).aal,
                    metric(n).aal,
                    metric(k).aal,
                    money(rp100(n))
                );
            }
        }
    }
}

/// Worker threads when none are asked for: every core, within the ceiling.
fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(fleetsim::experiment::MAX_THREADS)
}

/// A run's memory estimate, its total first, then its parts phase by phase.
fn print_estimate(name: &str, e: &fleetsim::memory::MemoryEstimate, available: u64) {
    say!(
        "{name}: needs about {} of memory ({} available)",
        fleetsim::memory::mib(e.bytes() as f64),
        fleetsim::memory::mib(available as f64)
    );
    for line in e.detail().split("; ") {
        say!("  {line}");
    }
}

/// This process's peak resident memory so far, in bytes (Linux only).
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
