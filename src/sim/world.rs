//! A replicator: one world with the fleet spawned once, reset and rerun for each replication.
//!
//! Spawning a device costs about as much as all of its draws in a year, so a worker builds its
//! world once and each replication only resets the devices' state and the agenda.

use std::sync::Arc;

use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::*;

use crate::outcome::{SimOutput, Tally};
use crate::scenario::Scenario;

use super::agenda::Agenda;
use super::components::{ClassId, DeviceId, DriftRate, Firmware, InstallerSlot, Lifecycle};
use super::messages::{
    DriftDue, FirmwareBugDue, Harmed, Incident, InstallationErrorDue, WearOutDue,
};
use super::resources::{Counts, HarmLog, Replication, ScenarioRes};
use super::rng::Streams;
use super::schedule::{start_schedule, step_schedule};

/// A world holding one scenario's fleet, ready to run replications.
pub struct Replicator {
    world: World,
    start: Schedule,
    step: Schedule,
    scenario: Arc<Scenario>,
}

impl Replicator {
    /// Builds the world and spawns every device of the scenario.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let mut world = World::new();
        MessageRegistry::register_message::<WearOutDue>(&mut world);
        MessageRegistry::register_message::<FirmwareBugDue>(&mut world);
        MessageRegistry::register_message::<DriftDue>(&mut world);
        MessageRegistry::register_message::<InstallationErrorDue>(&mut world);
        MessageRegistry::register_message::<Incident>(&mut world);
        MessageRegistry::register_message::<Harmed>(&mut world);
        world.insert_resource(ScenarioRes(Arc::clone(&scenario)));
        world.insert_resource(Agenda::new(scenario.horizon_days()));
        world.insert_resource(HarmLog::default());
        world.insert_resource(Counts(Tally::new(scenario.parties.len())));
        world.insert_resource(Replication {
            index: 0,
            streams: Streams::new(scenario.seed, 0),
            horizon_days: scenario.horizon_days(),
        });
        let mut first = 0u32;
        for (c, class) in scenario.classes.iter().enumerate() {
            let class_id = ClassId(c as u16);
            world.spawn_batch((first..first + class.count).map(move |d| {
                (
                    DeviceId(d),
                    class_id,
                    InstallerSlot::default(),
                    Lifecycle::default(),
                    Firmware::default(),
                    DriftRate::default(),
                )
            }));
            first += class.count;
        }
        Self {
            world,
            start: start_schedule(),
            step: step_schedule(),
            scenario,
        }
    }

    /// Runs replication `index` from day 0 to the horizon and returns what it produced.
    pub fn run(&mut self, index: u32) -> SimOutput {
        let w = &mut self.world;
        w.insert_resource(Replication {
            index,
            streams: Streams::new(self.scenario.seed, index),
            horizon_days: self.scenario.horizon_days(),
        });
        w.resource_mut::<Agenda>().reset();
        w.resource_mut::<HarmLog>().0.clear();
        w.resource_mut::<Counts>().0.clear();
        self.start.run(w);
        while w.resource_mut::<Agenda>().advance() {
            self.step.run(w);
        }
        let mut harms = std::mem::take(&mut w.resource_mut::<HarmLog>().0);
        // Within a day, mechanisms report in system order; sort so the log reads in time order.
        harms.sort_by(|a, b| {
            a.day
                .total_cmp(&b.day)
                .then(a.device.cmp(&b.device))
                .then(a.fault.cmp(&b.fault))
        });
        SimOutput {
            harms,
            tally: w.resource::<Counts>().0.clone(),
        }
    }
}
