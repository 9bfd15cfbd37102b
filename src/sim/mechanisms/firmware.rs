//! Firmware bug: a latent defect in the shipped version fires as a Poisson process on each
//! device until the fix reaches it (release day plus an exponential adoption delay).

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, FirmwareBug};
use crate::sim::agenda::{Agenda, Event, EventKind};
use crate::sim::components::{ClassId, DeviceId, Firmware, InstallerSlot, Lifecycle};
use crate::sim::messages::{FirmwareBugDue, Incident};
use crate::sim::resources::{Replication, ScenarioRes};
use crate::sim::rng::{Streams, streams};

/// Days from firing `firing - 1` to firing `firing`; infinite when the bug never fires.
fn gap(streams: &Streams, device: u32, firing: u32, bug: &FirmwareBug) -> f64 {
    bug.between_firings.map_or(f64::INFINITY, |d| {
        d.sample(&mut streams.rng(streams::FIRMWARE_BUG, device, u64::from(firing)))
    })
}

/// Draws each device's update day and files its first firing before it.
pub fn schedule_firmware_bugs(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut agenda: ResMut<Agenda>,
    mut devices: Query<(Entity, &DeviceId, &ClassId, &mut Firmware)>,
) {
    for (entity, id, class, mut firmware) in &mut devices {
        let Some(bug) = &scenario.0.classes[usize::from(class.0)].firmware_bug else {
            continue;
        };
        firmware.fixed_on_day = bug.fix.map_or(f64::INFINITY, |fix| {
            fix.release_day
                + fix.adoption_delay.map_or(0.0, |d| {
                    d.sample(&mut run.streams.rng(streams::FIRMWARE_FIX, id.0, 0))
                })
        });
        let day = gap(&run.streams, id.0, 0, bug);
        if day < firmware.fixed_on_day {
            agenda.schedule(Event {
                day,
                device: id.0,
                entity,
                kind: EventKind::FirmwareBug,
                counter: 0,
                aux: 0,
            });
        }
    }
}

/// Turns due firings into incidents and files the next firing if it comes before the fix.
pub fn trigger_firmware_bugs(
    mut due: MessageReader<FirmwareBugDue>,
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut agenda: ResMut<Agenda>,
    devices: Query<(&ClassId, &InstallerSlot, &Lifecycle, &Firmware)>,
    mut incidents: MessageWriter<Incident>,
) {
    for FirmwareBugDue(event) in due.read() {
        let Ok((class, installer, life, firmware)) = devices.get(event.entity) else {
            continue;
        };
        let c = &scenario.0.classes[usize::from(class.0)];
        let Some(bug) = &c.firmware_bug else { continue };
        if !life.in_service_on(event.day) {
            continue;
        }
        incidents.write(super::incident(
            event,
            class.0,
            c,
            installer.0,
            FaultKind::FirmwareBug,
            0,
            &bug.consequence,
        ));
        let firing = event.counter + 1;
        let day = event.day + gap(&run.streams, event.device, firing, bug);
        if day < firmware.fixed_on_day {
            agenda.schedule(Event {
                day,
                counter: firing,
                ..*event
            });
        }
    }
}
