//! Helpers shared by the integration tests: scenarios from TOML text, and runs that keep every
//! harmful incident.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

pub mod ledger;

use fleetsim::outcome::{HarmRecord, Tally};
use fleetsim::scenario::{self, Scenario};
use fleetsim::sim::Replicator;

/// A validated scenario from TOML text; panics with the diagnostics if it is invalid.
pub fn scenario(text: &str) -> Arc<Scenario> {
    match scenario::parse(text, Path::new("test.toml")) {
        Ok(s) => Arc::new(s),
        Err(d) => panic!("test scenario is invalid:\n{d}"),
    }
}

/// Runs replication `rep` and returns its harmful incidents and its counts.
pub fn run(world: &mut Replicator, rep: u32) -> (Vec<HarmRecord>, Tally) {
    let mut harms = Vec::new();
    let tally = world.run(rep, &mut |h| harms.extend_from_slice(h)).tally;
    (harms, tally)
}

/// A scenario header with one manufacturer, one supplier, one software vendor and one installer.
pub fn header(name: &str, years: u32, reps: u32, seed: u64) -> String {
    format!(
        r#"
[simulation]
name = "{name}"
horizon_years = {years}
replications = {reps}
seed = {seed}
return_periods = [2, 10]

[[party]]
name = "Maker"
role = "manufacturer"

[[party]]
name = "Parts"
role = "component_supplier"

[[party]]
name = "Code"
role = "software_vendor"

[[party]]
name = "Fitter"
role = "installer"
"#
    )
}

/// A class header with the full lineage and one component, `part`.
pub fn class(name: &str, count: u32) -> String {
    format!(
        r#"
[[device_class]]
name = "{name}"
count = {count}
lineage = {{ manufacturer = "Maker", software_vendor = "Code", installer = "Fitter" }}
component = [{{ name = "part", supplier = "Parts" }}]
"#
    )
}

/// Four binomial standard errors of a share `p` estimated from `n` trials: the tolerance of
/// every share test here (a false alarm about once in 16,000 runs).
pub fn share_tolerance(n: f64, p: f64) -> f64 {
    4.0 * (p * (1.0 - p) / n).sqrt()
}
