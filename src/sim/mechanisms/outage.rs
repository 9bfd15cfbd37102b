//! A back-end or cloud outage: every device in service at its start, of the classes that
//! depend on the back end, loses service for the event's duration. One class-wide incident per
//! class (its loss settled: devices × hours × loss per device-hour), charged to the back end's
//! operator in the class's lineage.
//!
//! Each event is handled in the yearly step it starts in, counting the devices in service with
//! one pass over them. Its duration is drawn from a stream keyed by the event's salt alone.

use bevy_ecs::prelude::*;

use crate::outcome::{Facts, NO_DEVICE};
use crate::rng::{Stream, Streams};
use crate::scenario::{FaultKind, HarmKind, Outage, Scenario};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, resolve};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar};
use crate::sim::systemic::{Events, salt};

/// Each outage's duration.
pub const OUTAGE: Stream = Stream::named("outage");

/// The outage's part of a replication: each outage handled in the yearly step it starts in.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[("outage", OUTAGE)],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.step(cut_off_backends);
}

/// Whether the scenario has a source of outages.
fn has_outages(s: &Scenario) -> bool {
    s.events.iter().any(|e| e.outage().is_some())
}

/// One event's duration in hours.
pub fn hours(o: &Outage, streams: &Streams, salt: u64) -> f64 {
    o.duration_hours
        .sample(&mut streams.rng(OUTAGE, 0, salt))
        .max(0.0)
}

/// Handles each outage starting in this step: counts each reached class's devices in service
/// at its start and writes one incident per class with devices, its downtime loss settled.
pub fn cut_off_backends(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut events: ResMut<Events>,
    devices: Query<(&Device, &Lifecycle)>,
    mut incidents: MessageWriter<Incident>,
) {
    let s = &scenario.0;
    if !has_outages(s) {
        return;
    }
    for (e, o) in events.starting_in((step.start, step.end), &s.events, |x| x.outage()) {
        let mut reached = vec![false; s.classes.len()];
        for &(c, _) in &o.targets.classes {
            reached[usize::from(c)] = true;
        }
        let mut in_service = vec![0u64; s.classes.len()];
        for (device, life) in &devices {
            let c = usize::from(device.class);
            if reached[c] && life.in_service_on(e.start) {
                in_service[c] += 1;
            }
        }
        let h = hours(o, &run.streams, salt(&e));
        for &(c, culprit) in &o.targets.classes {
            let n = in_service[usize::from(c)];
            if n == 0 {
                continue;
            }
            let (cause_role, party) = resolve(culprit, &s.classes[usize::from(c)], 0);
            incidents.write(Incident {
                day: e.start,
                device: NO_DEVICE,
                class: c,
                fault: FaultKind::Outage,
                model: 0,
                // The event's number keys the class's claim apart from its other outages'.
                counter: e.id,
                cause_role,
                cause_party: Some(party),
                settled: Some((HarmKind::Downtime, n as f64 * h * o.loss_per_device_hour)),
                vulnerability: None,
                facts: Facts::default(),
                event: e.id,
            });
        }
        if let Some(r) = events.record_mut(e.id) {
            r.end = e.start + h / 24.0;
            r.devices = in_service.iter().sum();
        }
    }
}
