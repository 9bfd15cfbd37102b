//! Runs a scenario's replications in parallel and gathers their per-year records in
//! replication order, so results never depend on the thread count.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::liability;
use crate::outcome::{HarmRecord, Layout, ReplicationResult, RunOutput};
use crate::scenario::{DriftModel, OnFailure, Scenario};
use crate::sim::Replicator;
use crate::sim::mechanisms::drift::exit_time_cdf;

/// How to run a scenario.
#[derive(Debug, Clone, Copy)]
pub struct RunConfig {
    /// Worker threads (each holds one world).
    pub threads: usize,
    /// Keep the event loss table (one row per harmful incident and party).
    pub keep_elt: bool,
}

/// Runs every replication of `scenario`; `progress` is called once per finished replication.
pub fn run(
    scenario: &Arc<Scenario>,
    config: &RunConfig,
    layout: &Layout,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicationResult>> {
    let threads = config.threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Threads {
            threads,
            message: e.to_string(),
        })?;
    // One world per worker thread, built on first use and reset between replications, with
    // the buffer its replications' harms are gathered in (reused, so its pages stay mapped).
    type Slot = Option<(Replicator, Vec<HarmRecord>)>;
    let worlds: Vec<Mutex<Slot>> = (0..threads).map(|_| Mutex::new(None)).collect();
    pool.install(|| {
        (0..scenario.replications)
            .into_par_iter()
            .map(|rep| {
                let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                let mut guard = worlds[slot].lock().unwrap_or_else(|p| p.into_inner());
                let (world, buffer) = guard.get_or_insert_with(|| {
                    (
                        Replicator::new(Arc::clone(scenario)),
                        Ledger::buffer(scenario),
                    )
                });
                let mut ledger = Ledger::new(scenario, layout, rep, config.keep_elt, buffer);
                let output = world.run(rep, &mut |harms| ledger.add(harms));
                let result = ledger.finish(output);
                drop(guard);
                progress();
                result
            })
            .collect()
    })
}

/// Gathers one replication's harms, then settles them under the scenario's regimes.
pub struct Ledger<'a> {
    scenario: &'a Scenario,
    layout: &'a Layout,
    replication: u32,
    keep_elt: bool,
    harms: &'a mut Vec<HarmRecord>,
}

impl<'a> Ledger<'a> {
    /// A buffer with room for a replication's expected harms, so that it is not copied as it
    /// grows.
    pub fn buffer(scenario: &Scenario) -> Vec<HarmRecord> {
        let expected = expected_harms_per_device(scenario) * scenario.device_count() as f64;
        Vec::with_capacity((expected * 1.1).min(1e8) as usize)
    }

    /// An empty ledger for replication `replication` of `scenario`, gathering into `harms`
    /// (cleared first).
    pub fn new(
        scenario: &'a Scenario,
        layout: &'a Layout,
        replication: u32,
        keep_elt: bool,
        harms: &'a mut Vec<HarmRecord>,
    ) -> Self {
        harms.clear();
        Self {
            scenario,
            layout,
            replication,
            keep_elt,
            harms,
        }
    }

    /// Keeps a step's harmful incidents. They are settled at the end, in time order, because
    /// a step's harms arrive grouped by mechanism and a data theft may be booked after a later
    /// step's incidents, while aggregates and caps depend on the order of claims in a year.
    pub fn add(&mut self, harms: &[HarmRecord]) {
        self.harms.extend_from_slice(harms);
    }

    /// Settles the replication and returns its record, with the event table in time order.
    pub fn finish(self, output: RunOutput) -> Result<ReplicationResult> {
        let books = liability::settle(
            self.scenario,
            self.layout,
            self.replication,
            self.harms,
            &output.vulnerabilities,
            self.keep_elt,
        )
        .map_err(|b| Error::Invariant {
            scenario: self.scenario.name.clone(),
            replication: self.replication,
            regime: b.regime.to_owned(),
            day: b.violation.day,
            what: b.violation.what,
        })?;
        Ok(ReplicationResult {
            replication: self.replication,
            year_loss: books.year_loss,
            year_max: books.year_max,
            insolvent_years: books.insolvent_years,
            tally: output.tally,
            elt: books.elt,
            recalls: books.recalls,
            at_ceiling: books.at_ceiling,
            botnet: output.botnet,
            vulnerabilities: output.vulnerabilities,
        })
    }
}

/// A rough estimate of the memory a run needs, and what it is made of.
#[derive(Debug, Clone)]
pub struct MemoryEstimate {
    pub bytes: u64,
    pub detail: String,
}

/// Bytes per device in a world: its components, the entity's bookkeeping and its share of the
/// agenda. Measured on the benchmark fleet (see README), rounded up.
const BYTES_PER_DEVICE: f64 = 130.0;
/// Extra bytes per device that can be breached: posture, infection, group slot, next attack.
const BYTES_PER_BREACHABLE: f64 = 64.0;
/// Bytes per kept event-loss-table row, in memory.
const BYTES_PER_ELT_ROW: f64 = 112.0;

/// Expected harmful incidents per device over the horizon, roughly, to size the event table.
pub fn expected_harms_per_device(scenario: &Scenario) -> f64 {
    let h = scenario.horizon_days();
    let total: f64 = scenario
        .classes
        .iter()
        .map(|c| {
            let wear: f64 = c
                .wear_out
                .iter()
                .map(|w| {
                    let once = 1.0 - (-(h / w.scale_days).powf(w.shape)).exp();
                    let n = match w.on_failure {
                        OnFailure::Retire => once,
                        OnFailure::Replace => once.max(h / w.scale_days),
                    };
                    n * w.consequence.harm_probability
                })
                .sum();
            let firmware = c.firmware_bug.as_ref().map_or(0.0, |b| {
                let exposed = b
                    .fix
                    .map_or(h, |f| (f.release_day + 1.0 / f.adoption_rate).min(h));
                b.rate_per_day * exposed * b.consequence.harm_probability
            });
            let drift = c.sensor_drift.as_ref().map_or(0.0, |d| {
                let intervals = h / d.calibration_interval_days;
                let p = match d.model {
                    DriftModel::RandomWalk { sd_per_day } => exit_time_cdf(
                        d.calibration_interval_days / (d.tolerance / sd_per_day).powi(2),
                    ),
                    DriftModel::Linear { .. } => 1.0,
                };
                intervals.max(1.0) * p * d.consequence.harm_probability
            });
            let install = c.installation_error.as_ref().map_or(0.0, |e| {
                e.probability_by_installer
                    .iter()
                    .copied()
                    .fold(0.0, f64::max)
                    * e.consequence.harm_probability
            });
            // Breaches, roughly: every exposed guessable device recruited once plus once per
            // reboot or clean-up during the outbreak, and each targeted attack, each leaking with
            // its probability.
            let breach = c.data_theft.as_ref().map_or(0.0, |d| {
                let outbreak =
                    scenario
                        .botnet
                        .as_ref()
                        .zip(c.security.as_ref())
                        .map_or(0.0, |(b, x)| {
                            let guessable =
                                x.exposed && x.credentials != crate::scenario::Credentials::Strong;
                            if guessable {
                                1.0 + b.duration_days * (x.reboot_per_day + x.cleanup_per_day)
                            } else {
                                0.0
                            }
                        });
                let attacks = c
                    .vulnerabilities
                    .as_ref()
                    .map_or(0.0, |v| v.attack_rate_per_day * h);
                (outbreak + attacks) * d.probability_per_breach
            });
            let exploit = c.vulnerabilities.as_ref().map_or(0.0, |v| {
                v.attack_rate_per_day * h * v.consequence.map_or(0.0, |k| k.harm_probability)
            });
            f64::from(c.count) * (wear + firmware + drift + install + breach + exploit)
        })
        .sum();
    total / scenario.device_count().max(1) as f64
}

/// Estimates the memory of a run with `threads` workers.
pub fn estimate_memory(scenario: &Scenario, config: &RunConfig) -> MemoryEstimate {
    let devices = scenario.device_count() as f64;
    let workers = config.threads.min(scenario.replications as usize).max(1) as f64;
    // Devices that can be breached carry their posture, and a slot in the outbreak's groups.
    let breachable: f64 = scenario
        .classes
        .iter()
        .filter(|c| c.security.is_some() || c.vulnerabilities.is_some())
        .map(|c| f64::from(c.count))
        .sum();
    let worlds = (devices * BYTES_PER_DEVICE + breachable * BYTES_PER_BREACHABLE) * workers;
    let cols = Layout::new(scenario).len();
    let reps = f64::from(scenario.replications);
    let ylt = reps * f64::from(scenario.horizon_years) * cols as f64 * 16.0;
    let harms = expected_harms_per_device(scenario) * devices;
    // About eight rows (perspectives and parties) per harm and regime.
    let rows_per_harm = 8.0 * scenario.terms.liability.regimes.len() as f64;
    let elt = if config.keep_elt {
        harms * reps * BYTES_PER_ELT_ROW * rows_per_harm
    } else {
        0.0
    };
    // Each worker holds one replication's harms (and their claims) until it settles them.
    let logs = harms * workers * 160.0;
    let bytes = (worlds + ylt + elt + logs) as u64;
    MemoryEstimate {
        bytes,
        detail: format!(
            "{:.0} MiB for {} world(s) of {} devices, {:.0} MiB of event loss table for about {:.0} harmful incidents",
            worlds / 1048576.0,
            workers,
            devices,
            elt / 1048576.0,
            harms * reps
        ),
    }
}

/// Refuses a run whose estimate exceeds the memory available.
pub fn check_memory(scenario: &Scenario, config: &RunConfig, available_bytes: u64) -> Result<()> {
    let est = estimate_memory(scenario, config);
    if est.bytes > available_bytes {
        return Err(Error::TooLarge {
            scenario: scenario.name.clone(),
            needed_mib: est.bytes / 1048576,
            available_mib: available_bytes / 1048576,
            detail: est.detail,
        });
    }
    Ok(())
}
