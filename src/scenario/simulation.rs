//! `[simulation]`: what to run and how often: the scenario's name (which names its output
//! folder), horizon, replications, seed, return periods and currency.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::Checker;
use super::path::FieldPath;

/// Return periods reported when a scenario names none.
pub const DEFAULT_RETURN_PERIODS: &[f64] = &[
    2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0,
];

/// Most replications a scenario may ask for, in its file or on the command line.
pub const MAX_REPLICATIONS: u32 = 10_000_000;

/// Longest scenario name, in bytes. The name becomes folder names (`OUT/<name>`,
/// `OUT/<name>.sensitivity`, and a hidden temporary folder with a suffix), which file systems
/// limit to 255 bytes each; 100 leaves room for every suffix.
pub const MAX_NAME_BYTES: usize = 100;

/// Largest seed a file may give. TOML integers are signed 64-bit, so a larger one is not a
/// TOML integer at all, and the policy overlay, which rereads the file, would refuse it.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// `[simulation]`: what to run and how often.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSimulation {
    /// Scenario name; names the output folder, so letters, digits, `_` and `-` only.
    pub name: String,
    /// One or two sentences on what the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Simulated years per replication (whole years of 365 days).
    pub horizon_years: i64,
    /// Number of Monte Carlo replications.
    pub replications: i64,
    /// Master seed: results are a function of the scenario and this seed only.
    pub seed: u64,
    /// Calendar year the simulation starts in, on 1 January (1900 to 2200). Without it, years
    /// are numbered from 0.
    #[serde(default)]
    pub start_year: Option<i64>,
    /// Years at the start left out of the statistics, so that a fleet can be studied at its
    /// steady state (default 0; fewer than the horizon).
    #[serde(default)]
    pub warm_up_years: Option<i64>,
    /// Return periods (years) at which EP curves and TVaR are reported.
    #[serde(default)]
    pub return_periods: Option<Vec<f64>>,
    /// Currency of every money amount in the file (a label only).
    #[serde(default)]
    pub currency: Option<String>,
}

/// Checks `[simulation]`; returns its return periods, sorted and without repeats (the
/// defaults when it names none).
pub fn check(ck: &mut Checker, sp: &FieldPath, sim: &RawSimulation) -> Vec<f64> {
    simulation_name(ck, &sp.key("name"), &sim.name);
    if sim.seed > MAX_SEED {
        ck.report(
            &sp.key("seed"),
            format!(
                "found {}, expected a whole number from 0 to {MAX_SEED} (2^63 − 1, the largest TOML integer)",
                sim.seed
            ),
        );
    }
    if !(1..=1000).contains(&sim.horizon_years) {
        ck.report(
            &sp.key("horizon_years"),
            format!(
                "found {}, expected a whole number of years from 1 to 1000",
                sim.horizon_years
            ),
        );
    }
    if !(1..=i64::from(MAX_REPLICATIONS)).contains(&sim.replications) {
        ck.report(
            &sp.key("replications"),
            format!(
                "found {}, expected a count from 1 to {MAX_REPLICATIONS}",
                sim.replications
            ),
        );
    }
    calendar(ck, sp, sim);
    return_periods(ck, &sp.key("return_periods"), sim.return_periods.as_deref())
}

/// Checks the start year and the warm-up.
fn calendar(ck: &mut Checker, sp: &FieldPath, sim: &RawSimulation) {
    if let Some(y) = sim.start_year
        && !(1900..=2200).contains(&y)
    {
        ck.report(
            &sp.key("start_year"),
            format!("found {y}, expected a calendar year from 1900 to 2200"),
        );
    }
    if let Some(w) = sim.warm_up_years
        && !(0..sim.horizon_years.max(1)).contains(&w)
    {
        ck.report(
            &sp.key("warm_up_years"),
            format!(
                "found {w}, expected a whole number of years from 0 to {} (fewer than horizon_years, so that some years are pooled)",
                sim.horizon_years.max(1) - 1
            ),
        );
    }
}

/// The return periods, each at least a year, sorted and without repeats.
fn return_periods(ck: &mut Checker, path: &FieldPath, given: Option<&[f64]>) -> Vec<f64> {
    let mut return_periods = given.unwrap_or(DEFAULT_RETURN_PERIODS).to_vec();
    for (i, &t) in return_periods.iter().enumerate() {
        if !(t.is_finite() && t >= 1.0) {
            ck.report(
                &path.index(i),
                format!("found {t}, expected a return period of at least 1 year"),
            );
        }
    }
    if return_periods.is_empty() {
        ck.report(
            path,
            "found an empty list, expected at least one return period",
        );
    }
    return_periods.sort_by(f64::total_cmp);
    return_periods.dedup();
    return_periods
}

/// A scenario name: it names the output folder, so ASCII letters, digits, `_` and `-`, at most
/// [`MAX_NAME_BYTES`] bytes.
fn simulation_name(ck: &mut Checker, path: &FieldPath, name: &str) {
    let safe = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if name.is_empty() || !safe {
        ck.report(
            path,
            format!(
                "found \"{name}\", expected a non-empty name of ASCII letters, digits, '_' and '-' (it names the output folder)"
            ),
        );
    } else if name.len() > MAX_NAME_BYTES {
        ck.report(
            path,
            format!(
                "found a name of {} characters, expected at most {MAX_NAME_BYTES} (it names the output folder)",
                name.len()
            ),
        );
    }
}
