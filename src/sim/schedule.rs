//! The schedules of a replication, and the [`Registrar`] through which each mechanism adds its
//! systems, resources and outputs to them (its `register` function, in the habit of bevy's
//! `Plugin::build` and ixa's `init`).
//!
//! `start` runs once per replication: install the fleet, then the breach exposure (logins, the
//! vulnerabilities disclosed and the targeted attacks they draw), then each fault mechanism sets
//! its clocks. `step` runs once per yearly step: each mechanism turns its due events into
//! incidents and winds its clocks on, breaches become data theft, incidents become harm, harm is
//! recorded, and message buffers are emptied. `outbreak_start` and `outbreak_step` run an
//! outbreak in short steps after the yearly ones, feeding the same shared phases.
//!
//! The shared systems are added here; the mechanisms' are added by their `register` functions,
//! called in the order of [`crate::sim::mechanisms::MECHANISMS`]. Within a phase, each
//! registration is a set of its own placed after the previous registration's, so the list's
//! order is the systems' order and the single-threaded executor runs them in exactly that order.

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{InternedSystemSet, SingleThreadedExecutor};
use bevy_ecs::system::ScheduleSystem;

use crate::outcome::RunOutput;
use crate::rng::Stream;
use crate::scenario::Scenario;

use super::harm::{assess_harm, record_harm};
use super::lifecycle::install_devices;
use super::messages::{Breached, Harmed, Incident};
use super::systemic::{Events, draw_events};

/// Phases of the start of a replication, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Start {
    /// Devices enter service and draw their installers.
    Install,
    /// What the fleet is exposed to: logins, and the vulnerabilities disclosed with the targeted
    /// attacks through them. It reads only the installers.
    Exposure,
    /// The fault mechanisms' clocks. No clock reads another mechanism's state (every draw is
    /// keyed), so this order changes no draw; it is the order the world has always run in.
    Clocks,
}

/// Phases of a step (yearly or short), in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Mechanisms turn due events into incidents. Wear-out registers first, because a
    /// retirement voids the device's later events of every kind.
    Mechanisms,
    /// Breaches become data theft.
    Breach,
    Harm,
    Record,
    Flush,
}

/// One registration's place in its phase: registrations are numbered as they come, and each
/// is ordered after the one before it in the same phase.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Slot(u32);

/// A mechanism as the simulation sees it: the random streams it draws from (each declared in
/// the mechanism's file, listed here with its name) and the function that adds its systems and
/// resources to a world's schedules.
#[derive(Clone, Copy)]
pub struct Mechanism {
    pub streams: &'static [(&'static str, Stream)],
    pub register: fn(&mut Registrar<'_>),
}

/// A process run in short steps after the yearly ones (the botnet's outbreak): whether it runs
/// at all in a scenario, and whether it has steps left.
#[derive(Clone, Copy)]
pub struct ShortSteps {
    pub applies: fn(&Scenario) -> bool,
    /// Whether another run of short steps (the next outbreak) is waiting to start.
    pub pending: fn(&World) -> bool,
    pub running: fn(&World) -> bool,
}

/// Hands a mechanism's part of a replication's output over at its end.
pub type Collect = fn(&mut World, &Scenario, &mut RunOutput);

/// A schedule whose registrations are ordered within each phase.
struct Ordered {
    schedule: Schedule,
    /// The last registration of each phase so far.
    last: Vec<(InternedSystemSet, Slot)>,
}

impl Ordered {
    fn new() -> Self {
        let mut schedule = Schedule::default();
        schedule.set_executor(SingleThreadedExecutor::new());
        Self {
            schedule,
            last: Vec::new(),
        }
    }

    /// Adds `systems` to `phase` in `slot`, after the phase's earlier registrations.
    fn add<M>(
        &mut self,
        slot: Slot,
        phase: impl SystemSet + Copy,
        systems: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) {
        self.schedule.add_systems(systems.in_set(slot));
        self.schedule.configure_sets(slot.in_set(phase));
        let key = phase.intern();
        match self.last.iter_mut().find(|(p, _)| *p == key) {
            Some((_, previous)) => {
                self.schedule.configure_sets(previous.before(slot));
                *previous = slot;
            }
            None => self.last.push((key, slot)),
        }
    }
}

/// A replication's schedules, with what the mechanisms registered besides their systems.
pub struct Schedules {
    pub start: Schedule,
    pub step: Schedule,
    pub outbreak_start: Schedule,
    pub outbreak_step: Schedule,
    /// The processes that run the outbreak schedules.
    pub outbreaks: Vec<ShortSteps>,
    /// Each mechanism's part of the output, in registration order.
    pub collect: Vec<Collect>,
}

impl Schedules {
    /// Whether the outbreak schedules run in `scenario`.
    pub fn outbreak_applies(&self, scenario: &Scenario) -> bool {
        self.outbreaks.iter().any(|o| (o.applies)(scenario))
    }

    /// Whether the outbreak has short steps left.
    pub fn outbreak_running(&self, world: &World) -> bool {
        self.outbreaks.iter().any(|o| (o.running)(world))
    }

    /// Whether another outbreak waits to start.
    pub fn outbreak_pending(&self, world: &World) -> bool {
        self.outbreaks.iter().any(|o| (o.pending)(world))
    }
}

/// What a mechanism's `register` function adds to: the world (for its resources) and the
/// schedules being built.
pub struct Registrar<'w> {
    world: &'w mut World,
    next: u32,
    start: Ordered,
    step: Ordered,
    outbreak_start: Ordered,
    outbreak_step: Ordered,
    outbreaks: Vec<ShortSteps>,
    collect: Vec<Collect>,
}

impl<'w> Registrar<'w> {
    /// Schedules holding the shared systems only: installing the fleet at the start, and the
    /// phases every step shares.
    pub fn new(world: &'w mut World) -> Self {
        let mut r = Self {
            world,
            next: 0,
            start: Ordered::new(),
            step: phased(),
            outbreak_start: Ordered::new(),
            outbreak_step: phased(),
            outbreaks: Vec::new(),
            collect: Vec::new(),
        };
        r.start
            .schedule
            .configure_sets((Start::Install, Start::Exposure, Start::Clocks).chain());
        let slot = r.slot();
        r.start.add(slot, Start::Install, install_devices);
        // The replication's systemic events, drawn once, for the mechanisms of their kinds.
        r.world.insert_resource(Events::default());
        let slot = r.slot();
        r.start.add(slot, Start::Install, draw_events);
        r.collect
            .push(|w, _, out| out.events = std::mem::take(&mut w.resource_mut::<Events>().records));
        r
    }

    fn slot(&mut self) -> Slot {
        self.next += 1;
        Slot(self.next)
    }

    /// Adds a resource of the mechanism's to the world.
    pub fn resource<R: Resource>(&mut self, resource: R) {
        self.world.insert_resource(resource);
    }

    /// Adds systems to the start of every replication, in `phase`.
    pub fn start<M>(&mut self, phase: Start, systems: impl IntoScheduleConfigs<ScheduleSystem, M>) {
        let slot = self.slot();
        self.start.add(slot, phase, systems);
    }

    /// Adds systems to every yearly step, among the mechanisms.
    pub fn step<M>(&mut self, systems: impl IntoScheduleConfigs<ScheduleSystem, M>) {
        let slot = self.slot();
        self.step.add(slot, Phase::Mechanisms, systems);
    }

    /// Adds systems to a shared phase of every step, yearly and short alike.
    pub fn every_step<M>(
        &mut self,
        phase: Phase,
        systems: impl IntoScheduleConfigs<ScheduleSystem, M> + Copy,
    ) {
        let slot = self.slot();
        self.step.add(slot, phase, systems);
        let slot = self.slot();
        self.outbreak_step.add(slot, phase, systems);
    }

    /// Adds an outbreak: the systems that start it, those of each short step (among the
    /// mechanisms), and when it runs.
    pub fn outbreak<M, N>(
        &mut self,
        process: ShortSteps,
        start: impl IntoScheduleConfigs<ScheduleSystem, M>,
        step: impl IntoScheduleConfigs<ScheduleSystem, N>,
    ) {
        let slot = self.slot();
        self.outbreak_start.add(slot, Phase::Mechanisms, start);
        let slot = self.slot();
        self.outbreak_step.add(slot, Phase::Mechanisms, step);
        self.outbreaks.push(process);
    }

    /// Adds the mechanism's part of the output, handed over at the end of each replication.
    pub fn collect(&mut self, collect: Collect) {
        self.collect.push(collect);
    }

    /// The schedules, complete.
    pub fn finish(self) -> Schedules {
        Schedules {
            start: self.start.schedule,
            step: self.step.schedule,
            outbreak_start: self.outbreak_start.schedule,
            outbreak_step: self.outbreak_step.schedule,
            outbreaks: self.outbreaks,
            collect: self.collect,
        }
    }
}

/// A step schedule with its shared phases: after the mechanisms (and the breaches registered
/// with [`Registrar::every_step`]), incidents become harm, harm is recorded, buffers empty.
fn phased() -> Ordered {
    let mut s = Ordered::new();
    s.schedule.configure_sets(
        (
            Phase::Mechanisms,
            Phase::Breach,
            Phase::Harm,
            Phase::Record,
            Phase::Flush,
        )
            .chain(),
    );
    s.schedule.add_systems((
        assess_harm.in_set(Phase::Harm),
        record_harm.in_set(Phase::Record),
        clear_messages.in_set(Phase::Flush),
    ));
    s
}

/// Empties every message buffer at the end of a step. A step consumes all the messages it
/// writes, and the other schedule's systems have readers of their own: bevy's double buffer
/// would otherwise hand them a step's messages a second time.
pub fn clear_messages(
    mut incidents: ResMut<Messages<Incident>>,
    mut harmed: ResMut<Messages<Harmed>>,
    mut breached: ResMut<Messages<Breached>>,
) {
    incidents.clear();
    harmed.clear();
    breached.clear();
}
