//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// fleetsim: simulate a fleet of connected devices and who pays when they fail.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None, after_help = "Examples:\n  fleetsim run scenarios/\n  fleetsim run scenarios/bp_monitors.toml --replications 5000 --threads 2 --out results\n  fleetsim check scenarios/*.toml\n  fleetsim report output/\n  fleetsim schema > fleetsim.schema.json")]
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
    Run {
        /// Scenario files or folders of them.
        #[arg(default_value = "scenarios")]
        paths: Vec<PathBuf>,
        /// Folder for the results.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Replications, overriding each scenario's own.
        #[arg(long)]
        replications: Option<u32>,
        /// Seed, overriding each scenario's own.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Do not keep or write the event loss table (elt.csv), for very large runs.
        #[arg(long)]
        no_elt: bool,
        /// Write the tables only: no charts, report or index.
        #[arg(long)]
        no_report: bool,
        /// The parties' perspective of the report's EP curves, loss distributions and headline.
        #[arg(long, value_enum, default_value_t = PerspectiveArg::Retained)]
        perspective: PerspectiveArg,
    },
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
