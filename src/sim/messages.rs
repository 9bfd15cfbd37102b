//! Messages between systems: due events by mechanism, incidents, and harms.

use bevy_ecs::prelude::*;

use crate::scenario::{Consequence, FaultKind, HarmKind, PartyId, Role};

use super::agenda::Event;

/// A wear-out failure is due.
#[derive(Message, Debug, Clone, Copy)]
pub struct WearOutDue(pub Event);

/// A firmware bug fires.
#[derive(Message, Debug, Clone, Copy)]
pub struct FirmwareBugDue(pub Event);

/// A sensor's bias leaves tolerance.
#[derive(Message, Debug, Clone, Copy)]
pub struct DriftDue(pub Event);

/// An installation error shows itself.
#[derive(Message, Debug, Clone, Copy)]
pub struct InstallationErrorDue(pub Event);

/// Something went wrong on a device and reached the world.
#[derive(Message, Debug, Clone, Copy)]
pub struct Incident {
    pub day: f64,
    pub device: u32,
    pub class: u16,
    pub fault: FaultKind,
    /// Keys the harm and severity draws of this incident.
    pub key: u64,
    pub consequence: Consequence,
    pub cause_role: Role,
    pub cause_party: PartyId,
}

/// An incident that did harm, with its ground-up loss.
#[derive(Message, Debug, Clone, Copy)]
pub struct Harmed {
    pub incident: Incident,
    pub harm: HarmKind,
    pub loss: f64,
}
