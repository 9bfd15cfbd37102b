//! Firmware bug: a latent defect in the shipped version fires as a Poisson process on each
//! device until the fix reaches it (release day plus an exponential adoption delay).

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, FirmwareBug};
use crate::sim::components::{ClassId, DeviceId, FirmwareClock, InstallerSlot, Lifecycle};
use crate::sim::messages::Incident;
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::rng::{Streams, streams};

use super::{Occurrence, incident};

/// Days from firing `firing - 1` to firing `firing`; infinite when the bug never fires.
pub fn gap(streams: &Streams, device: u32, firing: u32, bug: &FirmwareBug) -> f64 {
    bug.between_firings.map_or(f64::INFINITY, |d| {
        d.sample(&mut streams.rng(streams::FIRMWARE_BUG, device, u64::from(firing)))
    })
}

/// The day the fix reaches `device` (infinity when there is no fix).
pub fn fix_day(streams: &Streams, device: u32, bug: &FirmwareBug) -> f64 {
    bug.fix.map_or(f64::INFINITY, |fix| {
        fix.release_day
            + fix.adoption_delay.map_or(0.0, |d| {
                d.sample(&mut streams.rng(streams::FIRMWARE_FIX, device, 0))
            })
    })
}

/// Draws each device's update day and first firing.
pub fn start_firmware(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&DeviceId, &ClassId, &mut FirmwareClock)>,
) {
    for (id, class, mut clock) in &mut devices {
        *clock = FirmwareClock::default();
        if let Some(bug) = &scenario.0.classes[usize::from(class.0)].firmware_bug {
            clock.fixed_on_day = fix_day(&run.streams, id.0, bug);
            clock.next = gap(&run.streams, id.0, 0, bug);
        }
    }
}

/// Turns due firings before the fix into incidents and draws the next firing.
pub fn trigger_firmware_bugs(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(
        &DeviceId,
        &ClassId,
        &InstallerSlot,
        &Lifecycle,
        &mut FirmwareClock,
    )>,
    mut incidents: MessageWriter<Incident>,
) {
    for (id, class, installer, life, mut clock) in &mut devices {
        while clock.next < step.end
            && clock.next < clock.fixed_on_day
            && life.in_service_on(clock.next)
        {
            let c = &scenario.0.classes[usize::from(class.0)];
            let Some(bug) = &c.firmware_bug else { break };
            incidents.write(incident(
                Occurrence {
                    day: clock.next,
                    device: id.0,
                    class_id: class.0,
                    class: c,
                    installer: installer.0,
                    fault: FaultKind::FirmwareBug,
                    model: 0,
                    counter: clock.firings,
                },
                &bug.consequence,
            ));
            clock.firings += 1;
            clock.next += gap(&run.streams, id.0, clock.firings, bug);
        }
    }
}
