//! Runs a scenario's replications in parallel and gathers their per-year records in
//! replication order, so results never depend on the thread count.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::liability;
use crate::outcome::{HarmRecord, Layout, ReplicationResult, RunOutput};
use crate::rng::{self, Stream};
use crate::scenario::Scenario;
use crate::sim::{self, Replicator};

/// Most worker threads a run may start (each holds a world); `--threads` is refused beyond.
pub const MAX_THREADS: usize = 1024;

/// Every named stream of a run, with its name: the simulation's (declared in the files of the
/// mechanisms that draw from them) and those declared in `rng` (the liability's). `rng` sits
/// below the simulation and cannot list its streams, so the full list is drawn up here, where
/// both meet; `tests/architecture.rs` checks that every `Stream::named` in `src/` is in it once
/// and that the keys lie far apart.
pub fn all_streams() -> Vec<(&'static str, Stream)> {
    sim::streams()
        .chain(crate::fleet::STREAMS.iter().copied())
        .chain(crate::events::STREAMS.iter().copied())
        .chain(rng::ALL_STREAMS.iter().copied())
        .collect()
}

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
        let expected = crate::memory::load(scenario).harms;
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
            event_loss: books.event_loss,
            year_systemic: books.year_systemic,
            events: output.events,
            insolvent_years: books.insolvent_years,
            tally: output.tally,
            exposure: output.exposure,
            elt: books.elt,
            recalls: books.recalls,
            at_ceiling: books.at_ceiling,
            botnet: output.botnet,
            vulnerabilities: output.vulnerabilities,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_list_holds_every_stream_once_with_its_key() {
        let all = all_streams();
        for (i, (a, ka)) in all.iter().enumerate() {
            assert_eq!(*ka, Stream::named(a), "{a}");
            for (b, kb) in &all[i + 1..] {
                assert_ne!(a, b);
                assert_ne!(ka, kb, "streams {a} and {b} share a key");
            }
        }
        // The simulation's 23 streams, the fleet's two, the events' one and those of `rng`
        // (counted in its own test). A key pinned (FNV-1a of the name): declaring a stream in another file must not
        // change it.
        assert_eq!(sim::streams().count(), 23);
        assert_eq!(crate::fleet::STREAMS.len(), 2);
        assert_eq!(crate::events::STREAMS.len(), 1);
        assert_eq!(all.len(), 23 + 2 + 1 + rng::ALL_STREAMS.len());
        let wear_out = all.iter().find(|(n, _)| *n == "wear_out").map(|(_, k)| k.0);
        assert_eq!(wear_out, Some(0xd3c6_9761_a745_e705));
    }
}
