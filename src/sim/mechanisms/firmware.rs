//! Firmware bug: a latent defect in the shipped version fires as a Poisson process on each
//! device until the fix reaches it (release day plus an exponential adoption delay).

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, FirmwareBug};
use crate::sim::components::{Device, FirmwareDue, FirmwareState, Lifecycle};
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
    mut devices: Query<(&Device, &mut FirmwareDue, &mut FirmwareState)>,
) {
    for (device, mut due, mut state) in &mut devices {
        *state = FirmwareState::default();
        *due = FirmwareDue::default();
        if let Some(bug) = &scenario.0.classes[usize::from(device.class)].firmware_bug {
            state.fixed_on_day = fix_day(&run.streams, device.id, bug);
            due.0 = before(gap(&run.streams, device.id, 0, bug), state.fixed_on_day);
        }
    }
}

/// A firing day, or infinity if the fix comes first.
fn before(day: f64, fixed_on_day: f64) -> f64 {
    if day < fixed_on_day {
        day
    } else {
        f64::INFINITY
    }
}

/// Turns due firings before the fix into incidents and draws the next firing.
pub fn trigger_firmware_bugs(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut FirmwareDue, &mut FirmwareState)>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, life, mut due, mut state) in &mut devices {
        // Nothing reads change ticks; skipping them saves a write to another column per event.
        let (due, state) = (
            due.bypass_change_detection(),
            state.bypass_change_detection(),
        );
        while due.0 < step.end && life.in_service_on(due.0) {
            let c = &scenario.0.classes[usize::from(device.class)];
            let Some(bug) = &c.firmware_bug else { break };
            incidents.write(incident(
                Occurrence {
                    day: due.0,
                    device: device.id,
                    class_id: device.class,
                    class: c,
                    installer: device.installer,
                    fault: FaultKind::FirmwareBug,
                    model: 0,
                    counter: state.firings,
                },
                &bug.consequence,
            ));
            state.firings += 1;
            let next = due.0 + gap(&run.streams, device.id, state.firings, bug);
            due.0 = before(next, state.fixed_on_day);
        }
    }
}
