//! fleetsim: a digital-twin fleet simulator for IoT liability risk.
//!
//! A scenario file is read and validated by [`scenario`]; [`experiment`] runs its replications
//! in parallel, each in a bevy_ecs world ([`sim`]); [`liability`] settles each replication's
//! harms: who pays, after recourse, contracts and insurance, under each regime; [`stats`] turns the year loss tables into AAL, EP curves and TVaR;
//! [`output`] writes CSV, a manifest, charts and an HTML report (drawn from the written tables,
//! which it alone reads back). Only `scenario` reads input and only `output` writes.

pub mod error;
pub mod experiment;
pub mod liability;
pub mod memory;
pub mod money;
pub mod outcome;
pub mod output;
pub mod reference;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod studies;

pub use error::{Error, Result};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Options of a batch run that apply to every scenario.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub out_root: PathBuf,
    pub replications: Option<u32>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub keep_elt: bool,
    /// Memory the run may use, in bytes; larger scenarios are refused before they start.
    pub memory_limit: u64,
    /// Draw the charts and the HTML report, from these options; `None`: tables only.
    pub report: Option<output::report::ReportOptions>,
}

/// What a finished scenario run produced.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub folder: PathBuf,
    pub scenario: Arc<scenario::Scenario>,
    pub summary: stats::Summary,
    pub manifest: output::Manifest,
    /// The memory the run was estimated to need before it started.
    pub estimate: memory::MemoryEstimate,
}

/// Hears how a run is going, e.g. to draw a progress bar. Called from worker threads.
pub trait Progress: Sync {
    /// The run of `scenario` starts and will take `replications` replications.
    fn start(&self, scenario: &str, replications: u64);
    /// One more replication is done.
    fn advance(&self);
    /// The scenario says something that cannot happen (`file:line:col: field: message`); the
    /// run goes on. Said before the run starts.
    fn warning(&self, _text: &str) {}
}

/// Progress that nobody watches.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self) {}
}

/// Refuses command-line values beyond what a scenario file may say: replications from
/// `min_replications` (1 for a run, 2 for a study) to the file's limit, and threads from 1 to
/// [`experiment::MAX_THREADS`].
pub fn check_options(options: &RunOptions, min_replications: u32) -> Result<()> {
    let max = scenario::validate::MAX_REPLICATIONS;
    if let Some(n) = options.replications
        && !(min_replications..=max).contains(&n)
    {
        return Err(Error::Argument {
            option: "--replications".to_owned(),
            value: n.to_string(),
            message: format!(
                "expected a count from {min_replications} to {max}, as in a scenario file"
            ),
        });
    }
    if !(1..=experiment::MAX_THREADS).contains(&options.threads) {
        return Err(Error::Argument {
            option: "--threads".to_owned(),
            value: options.threads.to_string(),
            message: format!(
                "expected from 1 to {} worker threads",
                experiment::MAX_THREADS
            ),
        });
    }
    Ok(())
}

/// A scenario file loaded with the command line's overrides, and the memory its run needs.
pub struct Prepared {
    pub path: PathBuf,
    pub sha256: String,
    pub scenario: Arc<scenario::Scenario>,
    pub estimate: memory::MemoryEstimate,
    /// What the scenario says that cannot happen, located; printed and kept in the manifest.
    pub warnings: Vec<String>,
}

/// Loads a scenario file, applies the options and estimates the run's memory, without
/// running it (nor refusing it: see [`memory::MemoryEstimate::check`]).
pub fn prepare(path: &Path, options: &RunOptions) -> Result<Prepared> {
    check_options(options, 1)?;
    // The file's policies and sensitivity parameters are checked too: `run` refuses what
    // `check` refuses, though it does not use them.
    let study = scenario::load_study(path)?;
    study.check()?;
    let scenario::Loaded {
        scenario: mut sc,
        path,
        sha256,
        warnings,
    } = study.loaded;
    if let Some(n) = options.replications {
        sc.replications = n;
    }
    if let Some(s) = options.seed {
        sc.seed = s;
    }
    let sc = Arc::new(sc);
    let estimate = memory::estimate_run(
        &sc,
        &memory::Shape {
            threads: options.threads,
            keep_elt: options.keep_elt,
            report: options.report.is_some(),
        },
    );
    Ok(Prepared {
        path,
        sha256,
        scenario: sc,
        estimate,
        warnings,
    })
}

/// Runs one scenario file end to end: load, check memory, simulate, summarise, write.
pub fn run_file(path: &Path, options: &RunOptions, progress: &dyn Progress) -> Result<RunOutcome> {
    let Prepared {
        path: scenario_path,
        sha256,
        scenario: sc,
        estimate,
        warnings,
    } = prepare(path, options)?;
    for w in &warnings {
        progress.warning(w);
    }
    estimate.check(&format!("scenario {}", sc.name), options.memory_limit)?;
    let config = experiment::RunConfig {
        threads: options.threads,
        keep_elt: options.keep_elt,
    };
    let started = Instant::now();
    let layout = outcome::Layout::new(&sc);
    progress.start(&sc.name, u64::from(sc.replications));
    let results = experiment::run(&sc, &config, &layout, &|| progress.advance())?;
    let summary = stats::summarise(&sc, &results);
    let manifest = output::Manifest::new(
        &sc,
        &scenario_path,
        sha256,
        config.threads,
        config.keep_elt,
        started.elapsed().as_secs_f64(),
        warnings,
    );
    let data = output::RunData {
        scenario: &sc,
        results: &results,
        summary: &summary,
        manifest: &manifest,
    };
    let folder = output::write_run(&options.out_root, &data, options.report.as_ref())?;
    Ok(RunOutcome {
        folder,
        scenario: sc,
        summary,
        manifest,
        estimate,
    })
}
