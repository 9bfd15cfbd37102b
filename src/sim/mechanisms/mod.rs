//! One module per fault mechanism. Each owns a clock component and two systems: one that sets
//! every device's clock at the start of a replication, and one that, each step, turns the due
//! events of its clock into incidents and winds the clock on.

pub mod botnet;
pub mod credentials;
pub mod data_theft;
pub mod drift;
pub mod firmware;
pub mod installation;
pub mod vulnerabilities;
pub mod wear_out;

use crate::scenario::{Consequence, Culprit, DeviceClass, FaultKind, PartyId, Role};

use super::components::Device;
use super::messages::Incident;

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
    }
}
