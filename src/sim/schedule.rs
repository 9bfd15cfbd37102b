//! The two schedules of a replication, each one chained set of phases.
//!
//! `start` runs once per replication: install the fleet, then let each mechanism set its
//! clocks. `step` runs once per step: each mechanism turns its due events into incidents and
//! winds its clocks on, incidents become harm, harm is recorded, and message buffers roll.

use bevy_ecs::message::Messages;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

use super::harm::{assess_harm, record_harm};
use super::lifecycle::install_devices;
use super::mechanisms::{
    botnet, credentials, data_theft, drift, firmware, installation, vulnerabilities, wear_out,
};
use super::messages::{Breached, Harmed, Incident};

/// Phases of a step, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Mechanisms turn due events into incidents. Wear-out runs first, because a retirement
    /// voids the device's later events of every kind.
    Mechanisms,
    /// Breaches become data theft.
    Breach,
    Harm,
    Record,
    Flush,
}

/// The start-of-replication schedule.
pub fn start_schedule() -> Schedule {
    let mut s = Schedule::default();
    s.set_executor(SingleThreadedExecutor::new());
    s.add_systems(
        (
            install_devices,
            credentials::set_security_posture,
            vulnerabilities::disclose_vulnerabilities,
            vulnerabilities::schedule_targeted_attacks,
            wear_out::start_wear_out,
            firmware::start_firmware,
            drift::start_drift,
            installation::decide_installations,
        )
            .chain(),
    );
    s
}

/// A schedule whose mechanisms (added by the caller in `Phase::Mechanisms`) feed the shared
/// phases: breaches become data theft, incidents become harm, harm is recorded, buffers empty.
fn phased() -> Schedule {
    let mut s = Schedule::default();
    s.set_executor(SingleThreadedExecutor::new());
    s.configure_sets(
        (
            Phase::Mechanisms,
            Phase::Breach,
            Phase::Harm,
            Phase::Record,
            Phase::Flush,
        )
            .chain(),
    );
    s.add_systems((
        data_theft::steal_data.in_set(Phase::Breach),
        assess_harm.in_set(Phase::Harm),
        record_harm.in_set(Phase::Record),
        clear_messages.in_set(Phase::Flush),
    ));
    s
}

/// The per-step schedule of the faults and targeted attacks.
pub fn step_schedule() -> Schedule {
    let mut s = phased();
    s.add_systems(
        (
            wear_out::fail_components,
            firmware::trigger_firmware_bugs,
            drift::detect_drift_excursions,
            installation::manifest_installation_errors,
            vulnerabilities::attack_exploitable_devices,
            data_theft::breach_backends,
        )
            .chain()
            .in_set(Phase::Mechanisms),
    );
    s
}

/// The schedule that starts a botnet outbreak.
pub fn outbreak_start_schedule() -> Schedule {
    let mut s = Schedule::default();
    s.set_executor(SingleThreadedExecutor::new());
    s.add_systems(botnet::seed_outbreak);
    s
}

/// One short step of a botnet outbreak: recover, spread, attack, then the shared phases.
pub fn outbreak_step_schedule() -> Schedule {
    let mut s = phased();
    s.add_systems(
        (
            botnet::regroup_exploitable,
            botnet::clear_infections,
            botnet::recruit_bots,
            botnet::spread_outside_fleet,
            botnet::launch_ddos_attacks,
            botnet::advance_outbreak,
        )
            .chain()
            .in_set(Phase::Mechanisms),
    );
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
