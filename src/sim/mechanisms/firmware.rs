//! Firmware bug: a latent defect in the shipped version fires as a Poisson process on each
//! device until the fix reaches it (release day plus an exponential adoption delay).

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::outcome::Facts;
use crate::rng::{Stream, Streams};
use crate::scenario::{FaultKind, FirmwareBug};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, Occurrence, incident};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// The gaps between a device's firings.
pub const FIRMWARE_BUG: Stream = Stream::named("firmware_bug");
/// The delay before the fix reaches a device.
pub const FIRMWARE_FIX: Stream = Stream::named("firmware_fix");

/// The firmware bug's part of a replication: each device's first firing drawn at the start,
/// firings turned into incidents each yearly step.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[
        ("firmware_bug", FIRMWARE_BUG),
        ("firmware_fix", FIRMWARE_FIX),
    ],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.start(Start::Clocks, start_firmware);
    r.step(trigger_firmware_bugs);
}

/// The firmware bug's next firing before the fix reaches the device (infinity: none), and the
/// firings so far. The fix day itself is redrawn from its stream when needed, not stored.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FirmwareDue {
    pub day: f64,
    pub firings: u32,
}

impl Default for FirmwareDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            firings: 0,
        }
    }
}

/// Days from firing `firing - 1` to firing `firing`; infinite when the bug never fires.
pub fn gap(streams: &Streams, device: u32, firing: u32, bug: &FirmwareBug) -> f64 {
    bug.between_firings.map_or(f64::INFINITY, |d| {
        d.sample(&mut streams.rng(FIRMWARE_BUG, device, u64::from(firing)))
    })
}

/// The day the fix reaches `device` (infinity when there is no fix).
pub fn fix_day(streams: &Streams, device: u32, bug: &FirmwareBug) -> f64 {
    bug.fix.map_or(f64::INFINITY, |fix| {
        fix.release_day
            + fix
                .adoption_delay
                .map_or(0.0, |d| d.sample(&mut streams.rng(FIRMWARE_FIX, device, 0)))
    })
}

/// What a firing on `day` tells about its cause: whether the fix had been released by then. A
/// device fires only before its own fix day, so a released fix is one it had not installed.
pub fn facts(bug: &FirmwareBug, day: f64) -> Facts {
    Facts {
        fix_available: bug.fix.is_some_and(|fix| fix.release_day <= day),
        ..Facts::default()
    }
}

/// Draws each device's first firing before its fix, from its placing on the market. A device
/// placed after the fix's release ships with it and never fires; one placed before day 0 has
/// its firings before the horizon skipped (counted, so that later firings keep their keys).
pub fn start_firmware(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut FirmwareDue)>,
) {
    for (device, life, mut due) in &mut devices {
        *due = FirmwareDue::default();
        let Some(bug) = &scenario.0.classes[usize::from(device.class)].firmware_bug else {
            continue;
        };
        let placed = life.placed();
        if bug.fix.is_some_and(|f| placed > f.release_day) {
            continue;
        }
        let mut day = placed + gap(&run.streams, device.id, 0, bug);
        while day < 0.0 {
            due.firings += 1;
            day += gap(&run.streams, device.id, due.firings, bug);
        }
        due.day = before_fix(&run.streams, device.id, day, bug);
    }
}

/// A firing day, or infinity if the fix reaches the device first.
fn before_fix(streams: &Streams, device: u32, day: f64, bug: &FirmwareBug) -> f64 {
    if bug.fix.is_none() || day < fix_day(streams, device, bug) {
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
    mut devices: Query<(&Device, &Lifecycle, &mut FirmwareDue)>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, life, mut due) in &mut devices {
        // The class is looked up before the due check on purpose: reading every device's
        // `Device` in storage order streams it from memory, where reading only the few due ones
        // would miss the cache each time.
        let c = &scenario.0.classes[usize::from(device.class)];
        let Some(bug) = &c.firmware_bug else { continue };
        if due.day >= step.end {
            continue;
        }
        // Nothing reads change ticks; skipping them saves a write to another column per event.
        let due = due.bypass_change_detection();
        while due.day < step.end && (!c.retires() || life.in_service_on(due.day)) {
            let mut firing = incident(
                Occurrence {
                    day: due.day,
                    device: *device,
                    class: c,
                    fault: FaultKind::FirmwareBug,
                    model: 0,
                    counter: due.firings,
                },
                &bug.consequence,
            );
            firing.facts = facts(bug, due.day);
            incidents.write(firing);
            due.firings += 1;
            let next = due.day + gap(&run.streams, device.id, due.firings, bug);
            due.day = before_fix(&run.streams, device.id, next, bug);
        }
    }
}
