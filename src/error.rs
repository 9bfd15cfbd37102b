//! Library errors: what can go wrong loading a scenario, running it, or writing its results.

use std::fmt;
use std::path::PathBuf;

/// One located problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Dotted field path, e.g. `device_class[0].sensor_drift.tolerance`.
    pub field: String,
    /// What was found and what is allowed.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.field,
            self.message
        )
    }
}

/// Every problem found in one scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub file: PathBuf,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Every problem of `file`, in the order of the file.
    pub fn sorted(file: &std::path::Path, mut items: Vec<Diagnostic>) -> Self {
        items.sort_by_key(|d| (d.line, d.column));
        Self {
            file: file.to_owned(),
            items,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        let n = self.items.len();
        write!(
            f,
            "{n} error{} in {}",
            if n == 1 { "" } else { "s" },
            self.file.display()
        )
    }
}

/// Errors of the fleetsim library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error(
        "{scenario} needs about {needed_mib} MiB of memory ({detail}), more than the {available_mib} MiB available; lower what its largest parts grow with (devices, rates, replications, threads, step length) or drop the event loss table (--no-elt)"
    )]
    TooLarge {
        scenario: String,
        needed_mib: u64,
        available_mib: u64,
        detail: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write CSV {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error(
        "money is not conserved in scenario {scenario}, replication {replication}, regime {regime}, day {day:.3}: {what}. This is a bug in fleetsim; please report it with the scenario file"
    )]
    Invariant {
        scenario: String,
        replication: u32,
        regime: String,
        day: f64,
        what: String,
    },
    #[error("{option} {value}: {message}")]
    Argument {
        option: String,
        value: String,
        message: String,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("{}", .0.join("\n"))]
    Policy(Vec<String>),
    #[error("cannot build the report from {path}: {message}")]
    Report { path: PathBuf, message: String },
    /// Every problem found in a result folder's file, one line each, located by file, line and
    /// column (or field), then a line counting them.
    #[error("{}", .0.join("\n"))]
    Tables(Vec<String>),
    #[error("{0} is not a scenario file or a folder of them (*.toml)")]
    NoScenarios(PathBuf),
}

/// Result with the library error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
