//! What a result folder says about itself: a run's `manifest.json` (what was run, from what
//! file, how, and the key parameters the report shows) and a study's `study.json`. The report
//! reads the manifest back, so it is the one place a run's facts are assembled.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::scenario::terms::regime::date_label;

/// Facts about a run, for the manifest; the report reads its key parameters from here.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub fleetsim_version: String,
    pub scenario: String,
    pub scenario_path: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub replications: u32,
    pub horizon_years: u32,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub devices: u64,
    pub devices_simulated: u64,
    pub device_years: u64,
    pub event_loss_table: bool,
    pub liability_regimes: Vec<String>,
    // The fields below came with the report; folders written before it lack them.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub currency: String,
    /// The return periods the scenario asked for, reported or not.
    #[serde(default)]
    pub return_periods: Vec<f64>,
    #[serde(default)]
    pub parties: Vec<PartyInfo>,
    #[serde(default)]
    pub classes: Vec<ClassInfo>,
    /// What the scenario says that cannot happen, as `check` and `run` print it.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The calendar year the horizon starts in; the tables' years are calendar years then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    /// Years at the start left out of every figure but the yearly ones in `years.csv`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warm_up_years: u32,
    /// The regime switch, when the scenario has one: the date from which devices placed on the
    /// market fall under the new regime, which the labels `<before>_then_<after>` do not say.
    /// Absent otherwise, so that manifests without a switch are as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime_switch: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Manifest {
    /// The manifest of a finished run of `sc`, read from the file at `path` (whose SHA-256 is
    /// `sha256`) on `threads` threads in `wall_time_seconds`, with or without its event loss
    /// table, and the scenario's warnings.
    pub fn new(
        sc: &Scenario,
        path: &Path,
        sha256: String,
        threads: usize,
        event_loss_table: bool,
        wall_time_seconds: f64,
        warnings: Vec<String>,
    ) -> Self {
        let devices_simulated = sc.device_count() * u64::from(sc.replications);
        Self {
            fleetsim_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: sc.name.clone(),
            scenario_path: path.display().to_string(),
            scenario_sha256: sha256,
            seed: sc.seed,
            replications: sc.replications,
            horizon_years: sc.horizon_years,
            threads,
            wall_time_seconds,
            devices: sc.device_count(),
            devices_simulated,
            // Replaced by the device-years in service once the run has measured them.
            device_years: devices_simulated * u64::from(sc.horizon_years),
            event_loss_table,
            liability_regimes: sc
                .terms
                .liability
                .regimes
                .iter()
                .map(|r| r.name().to_owned())
                .collect(),
            description: sc.description.clone(),
            currency: sc.currency.clone(),
            return_periods: sc.return_periods.clone(),
            parties: sc
                .parties
                .iter()
                .map(|p| PartyInfo {
                    name: p.name.clone(),
                    role: p.roles_label(),
                    capacity: p.capacity,
                })
                .collect(),
            classes: sc
                .classes
                .iter()
                .map(|c| ClassInfo {
                    name: c.name.clone(),
                    devices: c.count,
                    faults: c
                        .fault_kinds()
                        .iter()
                        .map(|f| f.name().to_owned())
                        .collect(),
                })
                .collect(),
            warnings,
            start_year: sc.start_year,
            warm_up_years: sc.warm_up_years,
            regime_switch: sc.terms.liability.regimes.first().and_then(|r| {
                r.switch().map(|s| {
                    format!(
                        "devices placed on the market from {} (day {}) fall under {}; those placed before, under the regime before the switch",
                        date_label(sc.start_year.unwrap_or(0), s.day),
                        s.day,
                        s.regime.name()
                    )
                })
            }),
        }
    }
}

/// A party as the manifest lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartyInfo {
    pub name: String,
    /// Its roles joined with "+" (`manufacturer+installer`); one role reads as its name alone.
    pub role: String,
    /// Own funds a year; `None`: unlimited.
    pub capacity: Option<f64>,
}

/// A device class as the manifest lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClassInfo {
    pub name: String,
    pub devices: u32,
    /// The fault kinds it can have.
    pub faults: Vec<String>,
}

/// Facts about a study, for its page and `study.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StudyInfo {
    /// `compare`, `sweep` or `sensitivity`.
    pub kind: String,
    pub fleetsim_version: String,
    pub scenario: String,
    pub scenario_path: String,
    pub scenario_sha256: String,
    pub description: String,
    pub currency: String,
    pub seed: u64,
    pub replications: u32,
    pub horizon_years: u32,
    pub threads: usize,
    pub wall_time_seconds: f64,
    /// The return period of the tail metric compared.
    pub return_period: f64,
    /// The parties' perspective the chart shows.
    pub perspective: String,
    /// Every run of the study, baseline first, with what it changes.
    pub variants: Vec<VariantInfo>,
}

/// One run of a study.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VariantInfo {
    pub label: String,
    pub description: String,
    /// The changes, as `field = value` or `field × factor`.
    pub changes: Vec<String>,
}
