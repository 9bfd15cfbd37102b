//! One module per fault mechanism. Each owns its systems: one that files every device's first
//! event at the start of a replication, and one that handles the mechanism's due events.

pub mod drift;
pub mod firmware;
pub mod installation;
pub mod wear_out;

use crate::scenario::{Consequence, Culprit, DeviceClass, FaultKind, PartyId, Role};

use super::agenda::Event;
use super::messages::Incident;

/// The party and role a consequence blames, for a device with the given installer slot.
pub fn culprit_of(
    consequence: &Consequence,
    class: &DeviceClass,
    installer: u16,
) -> (Role, PartyId) {
    match consequence.culprit {
        Culprit::Party { role, party } => (role, party),
        Culprit::DeviceInstaller => (
            Role::Installer,
            class.lineage.installers[usize::from(installer)].0,
        ),
    }
}

/// Builds the incident of a due event. The key packs the mechanism, its model index and the
/// event's counter, so each incident's harm draws are its own.
pub fn incident(
    event: &Event,
    class_id: u16,
    class: &DeviceClass,
    installer: u16,
    fault: FaultKind,
    model: u8,
    consequence: &Consequence,
) -> Incident {
    let (cause_role, cause_party) = culprit_of(consequence, class, installer);
    Incident {
        day: event.day,
        device: event.device,
        class: class_id,
        fault,
        key: (fault as u64) << 56 | u64::from(model) << 48 | u64::from(event.counter),
        consequence: *consequence,
        cause_role,
        cause_party,
    }
}
