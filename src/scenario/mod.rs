//! Scenario files: the only module that reads input. Raw TOML → typed, validated [`Scenario`].
//!
//! Loading runs in three stages, each collecting all of its problems: TOML syntax (with
//! recovery), shape (serde into [`raw::RawScenario`], with every unknown key collected rather
//! than refused at the first), and meaning ([`validate::validate`]). Every problem is located
//! as `file:line:col: field.path: message`.

pub mod check;
pub mod class;
pub mod events;
pub mod fleet;
pub mod kinds;
pub mod mechanisms;
pub mod overlay;
pub mod param;
pub mod parties;
pub mod path;
pub mod raw;
pub mod severity;
pub mod shape;
pub mod simulation;
pub mod targets;
pub mod terms;
pub mod types;
pub mod validate;
pub mod warnings;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

pub use class::DeviceClass;
pub use fleet::{Cohort, Fleet, ServiceLife};
pub use kinds::*;
pub use mechanisms::{
    Botnet, DataTheft, Ddos, DriftModel, FaultyUpdate, FirmwareBug, Fix, InstallationError,
    MassExploitation, Outage, RecordSize, Security, SensorDrift, Vulnerabilities, WearOut,
};
pub use param::Param;
pub use parties::Party;
pub use raw::schema;
pub use severity::{Consequence, Severity};
pub use terms::{
    ComparativeFault, Contract, FineRule, FineTarget, INSURANCE_KINDS, Layer, LiabilityTerms, Line,
    Occurrence, Policy, RecallRule, Regime, RegimeKind, Switch, Terms, default_lines, usual_lines,
};
pub use types::Scenario;
pub use validate::{parse, parse_with_warnings};

use crate::error::{Diagnostic, Diagnostics, Error, Result};
use shape::read_shape;

/// A scenario as loaded from a file, with what identifies its source.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// What the file says that cannot happen, located as `file:line:col: field: message`
    /// (see [`warnings`]); the scenario runs all the same.
    pub warnings: Vec<String>,
}

/// Reads and validates one scenario file.
pub fn load(path: &Path) -> Result<Loaded> {
    load_text(path).map(|(loaded, _)| loaded)
}

/// The largest scenario or policy file read, in bytes (4 MiB); the bundled ones are a few KiB.
pub const FILE_BOUND: u64 = 4 << 20;

/// A file's bytes and its text, which must be UTF-8 (as TOML is): every invalid sequence is
/// a located error, rather than a replacement character that might pass unnoticed. At most
/// [`FILE_BOUND`] bytes are read, so that a huge file (or `/dev/zero`) is refused at once.
fn read_text(path: &Path) -> Result<(Vec<u8>, String)> {
    use std::io::Read;
    let read_err = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(FILE_BOUND + 1).read_to_end(&mut bytes))
        .map_err(read_err)?;
    if bytes.len() as u64 > FILE_BOUND {
        return Err(read_err(std::io::Error::other(format!(
            "the file is larger than {FILE_BOUND} bytes (4 MiB), the bound for a scenario or policy file"
        ))));
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let text = text.to_owned();
            Ok((bytes, text))
        }
        Err(_) => Err(Error::Invalid(not_utf8(&bytes, path))),
    }
}

/// Most invalid UTF-8 sequences listed one by one; a binary file has thousands.
const MAX_ENCODING_ERRORS: usize = 10;

/// Each invalid UTF-8 sequence of `bytes`, at its line and column (counted in the characters
/// before it on its line, the invalid ones as one each).
fn not_utf8(bytes: &[u8], file: &Path) -> Diagnostics {
    let mut items = Vec::new();
    let (mut line, mut column, mut more) = (1, 1, 0);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        let bad = chunk.invalid();
        if bad.is_empty() {
            continue;
        }
        if items.len() == MAX_ENCODING_ERRORS {
            more += 1;
        } else {
            let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
            items.push(Diagnostic {
                file: file.to_owned(),
                line,
                column,
                field: "(encoding)".to_owned(),
                message: format!(
                    "found bytes that are not UTF-8 ({}), expected a UTF-8 text file",
                    hex.join(" ")
                ),
            });
        }
        column += 1;
    }
    if more > 0
        && let Some(last) = items.last().cloned()
    {
        items.push(Diagnostic {
            message: format!("found {more} more sequences that are not UTF-8 after this one"),
            ..last
        });
    }
    Diagnostics::sorted(file, items)
}

/// Reads and validates one scenario file, keeping its text.
fn load_text(path: &Path) -> Result<(Loaded, String)> {
    let (bytes, text) = read_text(path)?;
    let (scenario, warnings) = parse_with_warnings(&text, path).map_err(Error::Invalid)?;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let loaded = Loaded {
        scenario,
        path: path.to_owned(),
        sha256,
        warnings: warnings.iter().map(Diagnostic::to_string).collect(),
    };
    Ok((loaded, text))
}

/// A scenario bundled with its policies: the baseline, the text that policies change, and the
/// file's policies and sensitivity parameters (those of `--policies` files added), from which
/// a study builds its variants.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub loaded: Loaded,
    text: String,
    pub policies: Vec<overlay::Policy>,
    pub params: Vec<overlay::Param>,
}

/// Reads a scenario file with its `[[policy]]` and `[[sensitivity]]` entries.
pub fn load_bundle(path: &Path) -> Result<Bundle> {
    let (loaded, text) = load_text(path)?;
    let (policies, params) = overlay::read_study(&text, path).map_err(Error::Invalid)?;
    Ok(Bundle {
        loaded,
        text,
        policies,
        params,
    })
}

/// Reads a file of policies: `[[policy]]` and `[[sensitivity]]` entries only, checked for
/// syntax and shape like a scenario file, every problem located.
pub fn load_policy_file(path: &Path) -> Result<(Vec<overlay::Policy>, Vec<overlay::Param>)> {
    let (_, text) = read_text(path)?;
    let schema =
        serde_json::to_value(schemars::schema_for!(raw::RawPolicyFile)).unwrap_or(Json::Null);
    let (_, _, items) =
        read_shape::<raw::RawPolicyFile>(&text, path, &schema).map_err(Error::Invalid)?;
    if !items.is_empty() {
        return Err(Error::Invalid(Diagnostics::sorted(path, items)));
    }
    overlay::read_study(&text, path).map_err(Error::Invalid)
}

impl Bundle {
    /// Adds the policies and parameters of a policy file; a policy named as one already there
    /// is an error.
    pub fn add(
        &mut self,
        policies: Vec<overlay::Policy>,
        params: Vec<overlay::Param>,
    ) -> Result<()> {
        let clash: Vec<String> = policies
            .iter()
            .filter(|p| self.policies.iter().any(|q| q.name == p.name))
            .map(|p| {
                format!(
                    "policy {} is defined twice, in the policy file and in {}",
                    p.name,
                    self.loaded.path.display()
                )
            })
            .collect();
        if !clash.is_empty() {
            return Err(Error::Policy(clash));
        }
        self.policies.extend(policies);
        self.params.extend(params);
        Ok(())
    }

    /// The policy named `name`: the file's own, else a built-in one.
    pub fn policy(&self, name: &str) -> Option<overlay::Policy> {
        self.policies
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .or_else(|| overlay::builtin().into_iter().find(|p| p.name == name))
    }

    /// Applies every policy and sensitivity value of the file, collecting every problem.
    pub fn check(&self) -> Result<()> {
        let params = self
            .params
            .iter()
            .flat_map(|p| [p.policy(&p.low), p.policy(&p.high)]);
        let all: Vec<overlay::Policy> = self.policies.iter().cloned().chain(params).collect();
        self.variants(&all).map(|_| ())
    }

    /// Every policy's scenario, or every problem of every policy at once.
    pub fn variants(&self, policies: &[overlay::Policy]) -> Result<Vec<Scenario>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for p in policies {
            match self.variant(p) {
                Ok(s) => out.push(s),
                Err(Error::Policy(v)) => problems.extend(v),
                Err(e) => problems.push(e.to_string()),
            }
        }
        // A sensitivity parameter's low and high values often share their problem.
        problems.dedup();
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(Error::Policy(problems))
        }
    }

    /// The scenario with `policy` applied, validated.
    pub fn variant(&self, policy: &overlay::Policy) -> Result<Scenario> {
        overlay::apply(&self.text, &self.loaded.path, policy)
    }
}

/// The scenario files a command-line argument names: the file itself, or the `*.toml` files of
/// a folder in name order; with them, every `*.toml` entry of the folder that cannot be read as
/// a file (a broken or looping symbolic link, a folder), each as an error message, so that no
/// scenario is left out of a batch without a word.
pub fn discover(arg: &Path) -> Result<(Vec<PathBuf>, Vec<String>)> {
    if !arg.is_dir() {
        return Ok((vec![arg.to_owned()], Vec::new()));
    }
    let entries = std::fs::read_dir(arg).map_err(|source| Error::Read {
        path: arg.to_owned(),
        source,
    })?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(e) => e.path(),
            Err(e) => {
                problems.push(format!("cannot list {}: {e}", arg.display()));
                continue;
            }
        };
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => files.push(path),
            Ok(_) => problems.push(format!(
                "{}: not a file, expected a scenario file (*.toml)",
                path.display()
            )),
            Err(e) => {
                let target = std::fs::read_link(&path)
                    .map(|t| format!(", a symbolic link to {}", t.display()))
                    .unwrap_or_default();
                problems.push(format!("{}{target}: cannot be read: {e}", path.display()));
            }
        }
    }
    files.sort();
    problems.sort();
    if files.is_empty() && problems.is_empty() {
        return Err(Error::NoScenarios(arg.to_owned()));
    }
    Ok((files, problems))
}

/// Scenario names used by more than one file of a batch, whose results would overwrite each
/// other in `OUT/<name>`: one message per clash, naming every file. `named` pairs each file
/// with its scenario's name.
pub fn name_clashes(named: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (_, name)) in named.iter().enumerate() {
        if named[..i].iter().any(|(_, n)| n == name) {
            continue;
        }
        let files: Vec<String> = named
            .iter()
            .filter(|(_, n)| n == name)
            .map(|(f, _)| f.display().to_string())
            .collect();
        if files.len() > 1 {
            out.push(format!(
                "{} all have simulation.name = \"{name}\", so their results would overwrite each other in the folder {name}; expected each scenario of a batch to have a name of its own",
                files.join(" and ")
            ));
        }
    }
    out
}
