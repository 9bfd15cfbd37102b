//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use fleetsim::outcome::Perspective;
use fleetsim::output::report::ReportOptions;

/// fleetsim: simulate a fleet of connected devices and who pays when they fail.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None, after_help = "Examples:\n  fleetsim run scenarios/\n  fleetsim run scenarios/bp_monitors.toml --replications 5000 --threads 2 --out results\n  fleetsim compare scenarios/smart_cameras.toml --policy authorisation\n  fleetsim sensitivity scenarios/bp_monitors.toml\n  fleetsim check scenarios/*.toml\n  fleetsim report output/\n  fleetsim schema > fleetsim.schema.json")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate scenario files (or every *.toml in a folder) and write results under --out.
    #[command(
        after_help = "Example:\n  fleetsim run scenarios/ --threads 2\n\nEach scenario's results go to OUT/<scenario name>/: summary.csv, ylt.csv, elt.csv, ep.csv, incidents.csv, manifest.json, charts/ and report.html; OUT/index.html links every report."
    )]
    Run(RunArgs),
    /// Rebuild the charts and HTML report of run folders from their CSV files, without
    /// simulating. DIR is one scenario's folder, or a folder of them (then the index too).
    #[command(
        after_help = "Examples:\n  fleetsim report output/\n  fleetsim report output/bp_monitors --perspective net"
    )]
    Report {
        /// A run folder (OUT/<scenario>) or the folder of a batch (OUT).
        dir: PathBuf,
        /// The parties' perspective of the EP curves, loss distributions and headline.
        #[arg(long, value_enum, default_value_t = PerspectiveArg::Retained)]
        perspective: PerspectiveArg,
    },
    /// Run a scenario and its policies on common random numbers and compare each policy with
    /// the baseline: AAL and the 1-in-T loss per party, the paired difference and its interval.
    #[command(
        after_help = "Examples:\n  fleetsim compare scenarios/smart_cameras.toml --policy authorisation\n  fleetsim compare scenarios/bp_monitors.toml            # every [[policy]] in the file\n\nA policy is a [[policy]] of the scenario file or a built-in one: secure_by_design, risk_assessment, authorisation, fast_patching, longer_support, early_recall, double_indemnity_caps, double_insurance_limits, strict_liability. Results go to OUT/<scenario>.compare/: compare.csv, charts/compare.svg and .png, report.html, study.json."
    )]
    Compare {
        /// The scenario file.
        scenario: PathBuf,
        /// A policy to compare (repeatable); default: every [[policy]] of the file and of the
        /// policy files.
        #[arg(long = "policy")]
        policies: Vec<String>,
        /// A file of [[policy]] tables to add to the scenario's own (repeatable).
        #[arg(long = "policies", value_name = "FILE")]
        policy_files: Vec<PathBuf>,
        #[command(flatten)]
        study: StudyArgs,
    },
    /// Run a grid of values of one or more fields on common random numbers, each point
    /// compared with the first.
    #[command(
        after_help = "Examples:\n  fleetsim sweep scenarios/bp_monitors.toml --param 'device_class.bp_monitor_v2.sensor_drift.calibration_interval_days=90,180,365,730'\n  fleetsim sweep scenarios/smart_cameras.toml --param 'device_class[0].security.reboot_per_day=0..0.2:0.05'\n\nResults go to OUT/<scenario>.sweep/: sweep.csv, charts/sweep.svg and .png, report.html, study.json."
    )]
    Sweep {
        /// The scenario file.
        scenario: PathBuf,
        /// FIELD=V1,V2,… or FIELD=START..END:STEP (repeatable: a grid).
        #[arg(long = "param", required = true)]
        params: Vec<String>,
        #[command(flatten)]
        study: StudyArgs,
    },
    /// Run each parameter at its low and high value (the others at the baseline) and rank the
    /// swings in each party's exposure: a tornado.
    #[command(
        after_help = "Examples:\n  fleetsim sensitivity scenarios/bp_monitors.toml            # the file's [[sensitivity]] parameters\n  fleetsim sensitivity scenarios/bp_monitors.toml --param 'liability.proof_probability=0.3,0.9'\n\nResults go to OUT/<scenario>.sensitivity/: sensitivity.csv, charts/tornado.svg and .png, report.html, study.json."
    )]
    Sensitivity {
        /// The scenario file.
        scenario: PathBuf,
        /// FIELD=LOW,HIGH (repeatable); default: the [[sensitivity]] entries of the file and
        /// of the policy files.
        #[arg(long = "param")]
        params: Vec<String>,
        /// A file of [[sensitivity]] (and [[policy]]) tables to add to the scenario's own
        /// (repeatable).
        #[arg(long = "policies", value_name = "FILE")]
        policy_files: Vec<PathBuf>,
        #[command(flatten)]
        study: StudyArgs,
    },
    /// Validate scenario files without running them; every problem is reported.
    #[command(after_help = "Example:\n  fleetsim check scenarios/*.toml")]
    Check {
        /// Scenario files or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format, for editors.
    Schema,
}

// The arguments of `fleetsim run` (a plain comment: a doc comment here would become the
// subcommand's help text, which the variant's own gives).
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario files or folders of them.
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// Folder for the results.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replications, overriding each scenario's own (1 to 10000000, as in a file).
    #[arg(long, value_parser = run_replications)]
    pub replications: Option<u32>,
    /// Seed, overriding each scenario's own: 0 to 2^63 − 1, as in a file.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// Print the memory each scenario's run would need, part by part, and run nothing.
    #[arg(long)]
    pub estimate: bool,
    /// Do not keep or write the event loss table (elt.csv), for very large runs.
    #[arg(long)]
    pub no_elt: bool,
    /// Write the tables only: no charts, report or index.
    #[arg(long)]
    pub no_report: bool,
    /// The parties' perspective of the report's EP curves, loss distributions and headline.
    #[arg(long, value_enum, default_value_t = PerspectiveArg::Retained)]
    pub perspective: PerspectiveArg,
}

/// Options every study takes.
#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// Folder for the results.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replications of every run, overriding the scenario's own (2 to 10000000).
    #[arg(long, value_parser = study_replications)]
    pub replications: Option<u32>,
    /// Seed of every run, overriding the scenario's own: 0 to 2^63 − 1, as in a file.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// The parties' perspective of the chart, the page and the printed table.
    #[arg(long, value_enum, default_value_t = PerspectiveArg::Retained)]
    pub perspective: PerspectiveArg,
    /// The return period (years) whose annual loss is compared besides the AAL.
    #[arg(long, default_value_t = 100.0)]
    pub return_period: f64,
}

/// A whole number from `min` to `max`, or what was wrong with it.
fn count(s: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("expected {what} from {min} to {max}")),
    }
}

/// `--replications` of a run: the limits of a scenario file's `replications`.
fn run_replications(s: &str) -> Result<u32, String> {
    let max = u64::from(fleetsim::scenario::validate::MAX_REPLICATIONS);
    count(s, 1, max, "a count of replications").map(|n| n as u32)
}

/// `--replications` of a study: at least two, to give intervals.
fn study_replications(s: &str) -> Result<u32, String> {
    let max = u64::from(fleetsim::scenario::validate::MAX_REPLICATIONS);
    count(
        s,
        2,
        max,
        "a count of replications (a study needs 2 for its intervals)",
    )
    .map(|n| n as u32)
}

/// `--threads`: each worker holds a world, so there is a ceiling as well as a floor.
fn threads(s: &str) -> Result<usize, String> {
    let max = fleetsim::experiment::MAX_THREADS as u64;
    count(s, 1, max, "a number of worker threads").map(|n| n as usize)
}

/// The parties' perspectives a report can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PerspectiveArg {
    /// What each party pays first, before recourse, contracts and insurance.
    Gross,
    /// After recourse and contracts, before insurance.
    Net,
    /// After insurance: what the party keeps.
    Retained,
}

impl PerspectiveArg {
    /// The report's options with this perspective.
    pub fn report_options(self) -> ReportOptions {
        ReportOptions {
            perspective: match self {
                PerspectiveArg::Gross => Perspective::Gross,
                PerspectiveArg::Net => Perspective::Net,
                PerspectiveArg::Retained => Perspective::Retained,
            },
        }
    }
}
