//! Messages between systems: incidents, and the harm they do.

use bevy_ecs::prelude::*;

use crate::outcome::Facts;
use crate::scenario::{FaultKind, HarmKind, PartyId, Role};

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
}
