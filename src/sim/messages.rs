//! Messages between systems: incidents, the harm they do, and breaches; and how a mechanism
//! makes an incident of one of its events, naming the party its consequence blames.

use bevy_ecs::prelude::*;

use crate::outcome::Facts;
use crate::scenario::{Consequence, Culprit, DeviceClass, FaultKind, HarmKind, PartyId, Role};

use super::components::Device;

/// Something went wrong on a device and reached the world.
#[derive(Message, Debug, Clone, Copy)]
pub struct Incident {
    pub day: f64,
    pub device: u32,
    pub class: u16,
    pub fault: FaultKind,
    /// Index of the fault model within its kind (the wear-out model), else 0.
    pub model: u8,
    /// The event's number within its mechanism for this device; keys its harm draws.
    pub counter: u32,
    pub cause_role: Role,
    /// `None`: the responsible party cannot be identified.
    pub cause_party: Option<PartyId>,
    /// Harm and loss already settled by the mechanism (data theft, DDoS); `None`: drawn from
    /// the consequence.
    pub settled: Option<(HarmKind, f64)>,
    /// The vulnerability behind an exploit, or behind the breach a data theft came from.
    pub vulnerability: Option<u32>,
    /// What the negligence and victim-fault rules need to know about the incident's cause.
    pub facts: Facts,
    /// The systemic event behind the incident (its number in the replication, from 1); 0 for
    /// an independent incident.
    pub event: u32,
}

/// An incident that did harm, with its ground-up loss.
#[derive(Message, Debug, Clone, Copy)]
pub struct Harmed {
    pub incident: Incident,
    pub harm: HarmKind,
    pub loss: f64,
}

/// A device was broken into (recruited into the botnet or hit by a targeted exploit).
#[derive(Message, Debug, Clone, Copy)]
pub struct Breached {
    pub day: f64,
    pub device: u32,
    pub class: u16,
    pub installer: u16,
    /// Keys the breach's own draws (which recruitment, or which vulnerability).
    pub key: u64,
    /// The vulnerability exploited, for a targeted attack.
    pub vulnerability: Option<u32>,
    /// How the device was broken into, passed on to the data theft it may lead to.
    pub facts: Facts,
    /// The systemic event behind the breach (from 1), 0 for none.
    pub event: u32,
    /// The device's entity, for the breach's consequences that keep state on it.
    pub entity: Entity,
}

/// The key of an incident's harm and severity draws: mechanism, model index and the event's
/// counter, so that each incident's draws are its own.
pub fn incident_key(fault: FaultKind, model: u8, counter: u32) -> u64 {
    (fault as u64) << 56 | u64::from(model) << 48 | u64::from(counter)
}

/// What a mechanism knows about an event, to make an incident of it.
pub struct Occurrence<'a> {
    pub day: f64,
    pub device: Device,
    pub class: &'a DeviceClass,
    pub fault: FaultKind,
    pub model: u8,
    pub counter: u32,
}

/// The role and party a culprit names, for a device of `class` installed by `installer`.
pub fn resolve(culprit: Culprit, class: &DeviceClass, installer: u16) -> (Role, PartyId) {
    match culprit {
        Culprit::Party { role, party } => (role, party),
        Culprit::DeviceInstaller => (
            Role::Installer,
            class.lineage.installers[usize::from(installer)].0,
        ),
    }
}

/// Builds the incident, naming the party its consequence blames.
pub fn incident(o: Occurrence<'_>, consequence: &Consequence) -> Incident {
    let (cause_role, cause_party) = resolve(consequence.culprit, o.class, o.device.installer);
    Incident {
        day: o.day,
        device: o.device.id,
        class: o.device.class,
        fault: o.fault,
        model: o.model,
        counter: o.counter,
        cause_role,
        cause_party: Some(cause_party),
        settled: None,
        vulnerability: None,
        facts: Default::default(),
        event: 0,
    }
}
