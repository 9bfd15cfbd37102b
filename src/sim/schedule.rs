//! The two schedules of a replication, each one chained set of phases.
//!
//! `start` runs once per replication: install the fleet, then let each mechanism file its first
//! events. `step` runs once per day that has events: dispatch what is due, let each mechanism
//! react (incidents out, next events in), turn incidents into harm, record it, and roll the
//! message buffers.

use bevy_ecs::message::message_update_system;
use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

use super::agenda::{Agenda, EventKind};
use super::harm::{assess_harm, record_harm};
use super::lifecycle::install_devices;
use super::mechanisms::{drift, firmware, installation, wear_out};
use super::messages::{DriftDue, FirmwareBugDue, InstallationErrorDue, WearOutDue};

/// Phases of a step, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Dispatch,
    Mechanisms,
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
            wear_out::schedule_wear_out,
            firmware::schedule_firmware_bugs,
            drift::schedule_drift_excursions,
            installation::schedule_installation_errors,
        )
            .chain(),
    );
    s
}

/// The per-day schedule.
pub fn step_schedule() -> Schedule {
    let mut s = Schedule::default();
    s.set_executor(SingleThreadedExecutor::new());
    s.configure_sets(
        (
            Phase::Dispatch,
            Phase::Mechanisms,
            Phase::Harm,
            Phase::Record,
            Phase::Flush,
        )
            .chain(),
    );
    s.add_systems((
        dispatch_due_events.in_set(Phase::Dispatch),
        (
            wear_out::fail_components,
            firmware::trigger_firmware_bugs,
            drift::detect_drift_excursions,
            installation::manifest_installation_errors,
        )
            .chain()
            .in_set(Phase::Mechanisms),
        assess_harm.in_set(Phase::Harm),
        record_harm.in_set(Phase::Record),
        message_update_system.in_set(Phase::Flush),
    ));
    s
}

/// Sends each of the day's due events to its mechanism.
#[allow(clippy::too_many_arguments)]
pub fn dispatch_due_events(
    mut agenda: ResMut<Agenda>,
    mut wear: MessageWriter<WearOutDue>,
    mut firmware: MessageWriter<FirmwareBugDue>,
    mut drift: MessageWriter<DriftDue>,
    mut installation: MessageWriter<InstallationErrorDue>,
) {
    for event in agenda.due.drain(..) {
        match event.kind {
            EventKind::WearOut(_) => {
                wear.write(WearOutDue(event));
            }
            EventKind::FirmwareBug => {
                firmware.write(FirmwareBugDue(event));
            }
            EventKind::Drift => {
                drift.write(DriftDue(event));
            }
            EventKind::InstallationError => {
                installation.write(InstallationErrorDue(event));
            }
        }
    }
}
