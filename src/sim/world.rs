//! A replicator: one world with the fleet spawned once, reset and rerun for each replication.
//!
//! Spawning a device costs about as much as all of its draws in a year, so a worker builds its
//! world once and each replication only resets the devices' clocks. Time advances in steps of
//! [`STEP_DAYS`]: within a step each device's events are handled in its own time order, and
//! devices do not interact, so the step length changes nothing in the results; it bounds how
//! many incidents are held in memory at once.

use std::ops::Range;
use std::sync::Arc;

use bevy_ecs::bundle::NoBundleEffect;
use bevy_ecs::message::MessageRegistry;
use bevy_ecs::prelude::*;

use crate::outcome::{HarmRecord, RunOutput, Tally, VulnerabilityRecord};
use crate::scenario::{DAYS_PER_YEAR, DeviceClass, Scenario};

use super::components::{Device, Infection, Lifecycle, Login, Recruitments, Susceptibility};
use super::mechanisms::botnet::Outbreak;
use super::mechanisms::drift::{DriftDue, DriftRate};
use super::mechanisms::firmware::FirmwareDue;
use super::mechanisms::installation::InstallationDue;
use super::mechanisms::vulnerabilities::{ExploitDue, Vulns};
use super::mechanisms::wear_out::{WearDue, WearParts};
use super::messages::{Breached, Harmed, Incident};
use super::resources::{Counts, HarmLog, Replication, ScenarioRes, Step};
use super::schedule::{
    outbreak_start_schedule, outbreak_step_schedule, start_schedule, step_schedule,
};
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
            Recruitments::default(),
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
    start: Schedule,
    step: Schedule,
    outbreak_start: Schedule,
    outbreak_step: Schedule,
    scenario: Arc<Scenario>,
}

impl Replicator {
    /// Builds the world and spawns every device of the scenario, each with the clocks of the
    /// mechanisms its class has.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let mut world = World::new();
        MessageRegistry::register_message::<Incident>(&mut world);
        MessageRegistry::register_message::<Harmed>(&mut world);
        MessageRegistry::register_message::<Breached>(&mut world);
        world.insert_resource(Vulns::default());
        world.insert_resource(Outbreak::default());
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
        let mut first = 0u32;
        for (c, class) in scenario.classes.iter().enumerate() {
            spawn_class(&mut world, first..first + class.count, c as u16, class);
            first += class.count;
        }
        Self {
            world,
            start: start_schedule(),
            step: step_schedule(),
            outbreak_start: outbreak_start_schedule(),
            outbreak_step: outbreak_step_schedule(),
            scenario,
        }
    }

    /// Runs replication `index` from day 0 to the horizon, handing each step's harmful
    /// incidents to `sink`, and returns the replication's incident counts, the botnet's time
    /// series (empty without an outbreak) and the vulnerabilities disclosed.
    pub fn run(&mut self, index: u32, sink: &mut dyn FnMut(&[HarmRecord])) -> RunOutput {
        let w = &mut self.world;
        w.insert_resource(Replication {
            streams: Streams::new(self.scenario.seed, index),
        });
        w.resource_mut::<Counts>().0.clear();
        self.start.run(w);
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
            self.step.run(w);
            drain(w);
        }
        // The outbreak runs after the fault steps: the two do not interact (a retirement is
        // stamped with its day), so the order changes no result.
        let mut series = Vec::new();
        if self
            .scenario
            .botnet
            .as_ref()
            .is_some_and(|b| b.start_day < horizon)
        {
            self.outbreak_start.run(w);
            while w.resource::<Outbreak>().running() {
                self.outbreak_step.run(w);
                drain(w);
            }
            series = std::mem::take(&mut w.resource_mut::<Outbreak>().series);
        }
        let vulnerabilities = w
            .resource::<Vulns>()
            .0
            .iter()
            .enumerate()
            .flat_map(|(c, list)| {
                let support_end = self.scenario.classes[c]
                    .vulnerabilities
                    .as_ref()
                    .map_or(f64::INFINITY, |v| v.support_end_day);
                list.iter()
                    .enumerate()
                    .map(move |(k, v)| VulnerabilityRecord {
                        class: c as u16,
                        index: k as u32,
                        disclosed: v.disclosed,
                        exploit_day: v.exploit_day,
                        patch_release: v.patch_release,
                        within_support: v.disclosed < support_end,
                    })
            })
            .collect();
        RunOutput {
            tally: w.resource::<Counts>().0.clone(),
            botnet: series,
            vulnerabilities,
        }
    }
}
