//! A replicator: one world with the fleet spawned once, reset and rerun for each replication.
//!
//! Spawning a device costs about as much as all of its draws in a year, so a worker builds its
//! world once and each replication only resets the devices' clocks. Time advances in steps of
//! [`STEP_DAYS`]: within a step each device's events are handled in its own time order, and
//! devices do not interact, so the step length changes nothing in the results; it bounds how
//! many incidents are held in memory at once.
//!
//! The world names no mechanism's systems or resources: each mechanism registers them (see
//! `mechanisms::MECHANISMS`), and hands its part of the output over through the registrar. The
//! one exception is the spawn chain below, which names each mechanism's clock components: a
//! class's devices are spawned once, straight into the table of exactly the components its
//! mechanisms need, as one static bundle, which needs the types at compile time. Inserting them
//! mechanism by mechanism after the spawn would move the table each time (a measured
//! optimisation: see the README's performance notes on memory).

use std::ops::Range;
use std::sync::Arc;

use bevy_ecs::bundle::NoBundleEffect;
use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::*;

use crate::outcome::{HarmRecord, RunOutput, Tally};
use crate::scenario::{DAYS_PER_YEAR, DeviceClass, Scenario};

use super::components::{
    Campaign, Device, Infection, Lifecycle, Login, Recruitments, Susceptibility,
};
use super::mechanisms::MECHANISMS;
use super::mechanisms::data_theft::Leak;
use super::mechanisms::drift::{DriftDue, DriftRate};
use super::mechanisms::firmware::FirmwareDue;
use super::mechanisms::installation::InstallationDue;
use super::mechanisms::vulnerabilities::ExploitDue;
use super::mechanisms::wear_out::{WearDue, WearParts};
use super::messages::{Breached, Harmed, Incident};
use super::resources::{Counts, HarmLog, Replication, ScenarioRes, Step};
use super::schedule::{Registrar, Schedules};
use crate::rng::Streams;

/// Length of a step, in days: one year.
pub const STEP_DAYS: f64 = DAYS_PER_YEAR;

/// Spawns a class's devices in one batch, each with the components of the mechanisms the
/// class has and no others, so that the class lives in one dense table from the start and idle
/// clocks cost nothing. Each `with_*` step adds one mechanism's components to the bundle (or
/// not) and hands it on; generics keep every combination a static bundle type.
fn spawn_class(world: &mut World, ids: Range<u32>, class_id: u16, class: &DeviceClass) {
    let c = Spawn {
        world,
        ids,
        class_id,
        class,
    };
    // A class with one wearing part keeps its whole wear state in `WearDue`.
    match class.wear_out.len() {
        0 => c.with_firmware(()),
        1 => c.with_firmware(WearDue::default()),
        _ => c.with_firmware((WearDue::default(), WearParts::default())),
    }
}

/// What `spawn_class` threads through its steps.
struct Spawn<'a> {
    world: &'a mut World,
    ids: Range<u32>,
    class_id: u16,
    class: &'a DeviceClass,
}

/// A bundle that can be copied onto every device of a batch.
trait Clocks: Bundle<Effect: NoBundleEffect> + Clone {}
impl<B: Bundle<Effect: NoBundleEffect> + Clone> Clocks for B {}

impl Spawn<'_> {
    fn with_firmware<B: Clocks>(self, b: B) {
        if self.class.firmware_bug.is_some() {
            self.with_drift((b, FirmwareDue::default()));
        } else {
            self.with_drift(b);
        }
    }

    fn with_drift<B: Clocks>(self, b: B) {
        if self.class.sensor_drift.is_some() {
            self.with_installation((b, DriftDue::default(), DriftRate::default()));
        } else {
            self.with_installation(b);
        }
    }

    fn with_installation<B: Clocks>(self, b: B) {
        if self.class.installation_error.is_some() {
            self.with_posture((b, InstallationDue::default()));
        } else {
            self.with_posture(b);
        }
    }

    /// Breach state, only for classes that can be breached.
    fn with_posture<B: Clocks>(self, b: B) {
        let posture = (
            Login(crate::scenario::Credentials::Strong),
            Infection::default(),
            (
                Recruitments::default(),
                Campaign::default(),
                Leak::default(),
            ),
            Susceptibility::default(),
        );
        match (
            self.class.security.is_some(),
            self.class.vulnerabilities.is_some(),
        ) {
            (_, true) => self.spawn((b, posture, ExploitDue::default())),
            (true, false) => self.spawn((b, posture)),
            (false, false) => self.spawn(b),
        }
    }

    fn spawn<B: Clocks>(self, b: B) {
        let class = self.class_id;
        self.world
            .spawn_batch(self.ids.map(|id| {
                (
                    Device {
                        id,
                        class,
                        installer: 0,
                    },
                    Lifecycle::default(),
                    b.clone(),
                )
            }))
            .for_each(drop);
    }
}

/// A world holding one scenario's fleet, ready to run replications.
pub struct Replicator {
    world: World,
    schedules: Schedules,
    scenario: Arc<Scenario>,
}

impl Replicator {
    /// Builds the world, lets every mechanism register its resources and systems, and spawns
    /// every device of the scenario, each with the clocks of the mechanisms its class has.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let mut world = World::new();
        MessageRegistry::register_message::<Incident>(&mut world);
        MessageRegistry::register_message::<Harmed>(&mut world);
        MessageRegistry::register_message::<Breached>(&mut world);
        world.insert_resource(ScenarioRes(Arc::clone(&scenario)));
        world.insert_resource(Step::default());
        world.insert_resource(HarmLog::default());
        world.insert_resource(Counts(Tally::new(
            scenario.parties.len(),
            scenario.horizon_years as usize * 12,
        )));
        world.insert_resource(Replication {
            streams: Streams::new(scenario.seed, 0),
        });
        let mut registrar = Registrar::new(&mut world);
        for mechanism in MECHANISMS {
            (mechanism.register)(&mut registrar);
        }
        let schedules = registrar.finish();
        let mut first = 0u32;
        for (c, class) in scenario.classes.iter().enumerate() {
            spawn_class(&mut world, first..first + class.count, c as u16, class);
            first += class.count;
        }
        Self {
            world,
            schedules,
            scenario,
        }
    }

    /// Runs replication `index` from day 0 to the horizon, handing each step's harmful
    /// incidents to `sink`, and returns the replication's incident counts with what the
    /// mechanisms hand over (the botnet's time series, the vulnerabilities disclosed).
    pub fn run(&mut self, index: u32, sink: &mut dyn FnMut(&[HarmRecord])) -> RunOutput {
        let w = &mut self.world;
        let s = &mut self.schedules;
        w.insert_resource(Replication {
            streams: Streams::new(self.scenario.seed, index),
        });
        w.resource_mut::<Counts>().0.clear();
        s.start.run(w);
        let horizon = self.scenario.horizon_days();
        let mut end = 0.0;
        let mut drain = |w: &mut World| {
            let mut log = w.resource_mut::<HarmLog>();
            sink(&log.0);
            log.0.clear();
        };
        while end < horizon {
            let start = end;
            end = (end + STEP_DAYS).min(horizon);
            *w.resource_mut::<Step>() = Step { start, end };
            s.step.run(w);
            drain(w);
        }
        // The outbreaks run after the fault steps, one after another in order of their start:
        // they do not interact with the faults (a retirement is stamped with its day), so the
        // order changes no result.
        if s.outbreak_applies(&self.scenario) {
            while s.outbreak_pending(w) {
                s.outbreak_start.run(w);
                while s.outbreak_running(w) {
                    s.outbreak_step.run(w);
                    drain(w);
                }
            }
        }
        let mut output = RunOutput {
            tally: w.resource::<Counts>().0.clone(),
            exposure: super::exposure::measure(w, &self.scenario),
            ..RunOutput::default()
        };
        for collect in &s.collect {
            collect(w, &self.scenario, &mut output);
        }
        output
    }
}
