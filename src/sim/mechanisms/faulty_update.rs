//! A faulty update pushed to a fleet: at the push each device in service of the classes it
//! reaches takes it with the event's install share, at a time uniform in the rollout window,
//! unless the release is pulled before; of those that install it, the event's harm share is
//! harmed, each an incident on its install day with its loss settled here.
//!
//! Each event is handled in the yearly step its push falls in, visiting every device once. A
//! device's draws are keyed by the device and the event's salt, the event's shares by the
//! event alone, so results depend neither on the visiting order nor on the thread count.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::outcome::Facts;
use crate::rng::Stream;
use crate::scenario::{FaultKind, FaultyUpdate, Scenario};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, resolve};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar};
use crate::sim::systemic::{Events, salt};

/// Each event's install and harm shares.
pub const UPDATE_SHARES: Stream = Stream::named("update_shares");
/// Each device's install, install time, harm and loss for one event.
pub const UPDATE_INSTALL: Stream = Stream::named("update_install");

/// The faulty update's part of a replication: each push handled in the yearly step it falls in.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[
        ("update_shares", UPDATE_SHARES),
        ("update_install", UPDATE_INSTALL),
    ],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.step(push_faulty_updates);
}

/// Whether the scenario has a source of faulty updates.
fn has_updates(s: &Scenario) -> bool {
    s.events.iter().any(|e| e.faulty_update().is_some())
}

/// What one device does with one event's release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Take {
    /// It does not install it (not taken, or pulled first).
    None,
    /// It installs it on this day, unharmed.
    Installed(f64),
    /// It installs it on this day and is harmed, with this loss.
    Harmed(f64, f64),
}

/// One event's shares: (install, harm), each drawn from its own parameter.
pub fn shares(u: &FaultyUpdate, streams: &crate::rng::Streams, salt: u64) -> (f64, f64) {
    let mut rng = streams.rng(UPDATE_SHARES, 0, salt);
    let install = u.install_share.sample(&mut rng).clamp(0.0, 1.0);
    let harm = u.harm_share.sample(&mut rng).clamp(0.0, 1.0);
    (install, harm)
}

/// What `device` does with the release pushed on `start` (whether it takes it, when, whether
/// it is harmed and its loss), from its own keyed draws.
pub fn take(
    u: &FaultyUpdate,
    streams: &crate::rng::Streams,
    (device, salt): (u32, u64),
    start: f64,
    (install, harm): (f64, f64),
) -> Take {
    let mut rng = streams.rng(UPDATE_INSTALL, device, salt);
    let (taken, at, harmed): (f64, f64, f64) = (rng.random(), rng.random(), rng.random());
    let day = start + at * u.rollout_days;
    if taken >= install || day >= start + u.pulled_after_days {
        return Take::None;
    }
    if harmed < harm {
        Take::Harmed(day, u.loss.sample(&mut rng))
    } else {
        Take::Installed(day)
    }
}

/// Handles each faulty update pushed in this step: every device in service at the push of a
/// class it reaches may install it, and some of those are harmed. Installs past the horizon,
/// or after the device left service, do not happen.
pub fn push_faulty_updates(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut events: ResMut<Events>,
    devices: Query<(&Device, &Lifecycle)>,
    mut incidents: MessageWriter<Incident>,
) {
    let s = &scenario.0;
    if !has_updates(s) {
        return;
    }
    let horizon = s.horizon_days();
    for (e, u) in events.starting_in((step.start, step.end), &s.events, |x| x.faulty_update()) {
        let key = salt(&e);
        let drawn = shares(u, &run.streams, key);
        // The culprit of each class, looked up by index while visiting the devices.
        let mut culprits = vec![None; s.classes.len()];
        for &(c, k) in &u.targets.classes {
            culprits[usize::from(c)] = Some(k);
        }
        let mut installed = 0u64;
        for (device, life) in &devices {
            let Some(culprit) = culprits[usize::from(device.class)] else {
                continue;
            };
            if !life.in_service_on(e.start) {
                continue;
            }
            let (day, loss) = match take(u, &run.streams, (device.id, key), e.start, drawn) {
                Take::None => continue,
                Take::Installed(day) => (day, None),
                Take::Harmed(day, loss) => (day, Some(loss)),
            };
            if day >= horizon || !life.in_service_on(day) {
                continue;
            }
            installed += 1;
            let Some(loss) = loss else { continue };
            let class = &s.classes[usize::from(device.class)];
            let (cause_role, party) = resolve(culprit, class, device.installer);
            incidents.write(Incident {
                day,
                device: device.id,
                class: device.class,
                fault: FaultKind::FaultyUpdate,
                model: 0,
                // The event's number keys the device's harm apart from its other updates'.
                counter: e.id,
                cause_role,
                cause_party: Some(party),
                settled: Some((u.harm, loss)),
                vulnerability: None,
                facts: Facts::default(),
                event: e.id,
            });
        }
        if let Some(r) = events.record_mut(e.id) {
            r.end = (e.start + u.days()).min(horizon);
            r.devices = installed;
        }
    }
}
