//! The pipeline of `fleetsim run`: one scenario file loaded, given the command line's overrides,
//! its memory checked, simulated, summarised and written; and the two steps every pipeline
//! shares with the studies ([`crate::studies`]): [`overridden`] and [`simulate`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::experiment::{self, RunConfig};
use crate::outcome::{Layout, ReplicationResult};
use crate::scenario::{self, Scenario};
use crate::{memory, output, stats};

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

impl RunOptions {
    /// How [`simulate`] runs a scenario under these options: on the command line's worker
    /// threads, keeping the event loss table unless told not to.
    pub fn config(&self) -> RunConfig {
        RunConfig {
            threads: self.threads,
            keep_elt: self.keep_elt,
        }
    }
}

/// What a finished scenario run produced.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub folder: PathBuf,
    pub scenario: Arc<Scenario>,
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

/// A scenario with the command line's replications and seed in place of its own.
///
/// This is the one place where `--replications` and `--seed` reach a scenario: a run and every
/// run of a study pass through it once, before their memory is estimated, and everything after
/// (the simulation, the bootstrap, the manifest, `study.json`) reads the scenario's own fields.
pub fn overridden(mut sc: Scenario, options: &RunOptions) -> Scenario {
    if let Some(n) = options.replications {
        sc.replications = n;
    }
    if let Some(s) = options.seed {
        sc.seed = s;
    }
    sc
}

/// The simulate step of every pipeline: the replications of `sc` (already [`overridden`]) in
/// parallel under `config`, in replication order, with `progress` told under `label`.
pub fn simulate(
    sc: &Arc<Scenario>,
    config: &RunConfig,
    label: &str,
    progress: &dyn Progress,
) -> Result<Vec<ReplicationResult>> {
    let layout = Layout::new(sc);
    progress.start(label, u64::from(sc.replications));
    experiment::run(sc, config, &layout, &|| progress.advance())
}

/// A scenario file loaded with the command line's overrides, and the memory its run needs.
pub struct Prepared {
    pub path: PathBuf,
    pub sha256: String,
    pub scenario: Arc<Scenario>,
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
    let bundle = scenario::load_bundle(path)?;
    bundle.check()?;
    let scenario::Loaded {
        scenario: sc,
        path,
        sha256,
        warnings,
    } = bundle.loaded;
    let sc = Arc::new(overridden(sc, options));
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
    let config = options.config();
    let started = Instant::now();
    let results = simulate(&sc, &config, &sc.name, progress)?;
    let summary = stats::summarise(&sc, &results);
    let source = Source {
        path: scenario_path,
        sha256,
        warnings,
    };
    let mut manifest = output::Manifest::new(
        &sc,
        &source.path,
        source.sha256,
        config.threads,
        config.keep_elt,
        started.elapsed().as_secs_f64(),
        source.warnings,
    );
    manifest.device_years = results
        .iter()
        .map(|r| r.exposure.device_years.iter().sum::<f64>())
        .sum::<f64>()
        .round() as u64;
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

/// Where a run's scenario came from, as its manifest records it.
struct Source {
    path: PathBuf,
    sha256: String,
    warnings: Vec<String>,
}
