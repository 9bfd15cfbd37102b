//! From incidents to harm: whether an incident hurts someone and how much it costs.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::outcome::HarmRecord;

use super::messages::{Harmed, Incident, incident_key};
use super::resources::{Counts, HarmLog, Replication, ScenarioRes};
use crate::rng::Stream;

/// Whether an incident does harm.
pub const HARM: Stream = Stream::named("harm");
/// The loss of a harmful incident.
pub const SEVERITY: Stream = Stream::named("severity");

/// This file's streams, for the full list.
pub const STREAMS: &[(&str, Stream)] = &[("harm", HARM), ("severity", SEVERITY)];

/// Decides whether each incident causes harm and draws its loss; counts every incident.
pub fn assess_harm(
    mut incidents: MessageReader<Incident>,
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut counts: ResMut<Counts>,
    mut harmed: MessageWriter<Harmed>,
) {
    for incident in incidents.read() {
        if let Some((harm, loss)) = incident.settled {
            counts
                .0
                .count(incident.fault, incident.cause_party, true, incident.day);
            harmed.write(Harmed {
                incident: *incident,
                harm,
                loss,
            });
            continue;
        }
        let class = &scenario.0.classes[usize::from(incident.class)];
        let Some(c) = class.consequence(incident.fault, incident.model) else {
            continue;
        };
        let key = incident_key(incident.fault, incident.model, incident.counter);
        let u: f64 = run.streams.rng(HARM, incident.device, key).random();
        let harmful = u < c.harm_probability;
        counts
            .0
            .count(incident.fault, incident.cause_party, harmful, incident.day);
        if harmful {
            let loss = c
                .loss
                .sample(&mut run.streams.rng(SEVERITY, incident.device, key));
            harmed.write(Harmed {
                incident: *incident,
                harm: c.harm,
                loss,
            });
        }
    }
}

/// Appends each harm to the step's log, as plain data, with the day its device was placed on
/// the market (redrawn from its keyed stream: harms are few, devices many).
pub fn record_harm(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut harmed: MessageReader<Harmed>,
    mut log: ResMut<HarmLog>,
) {
    let s = &scenario.0;
    log.0.extend(harmed.read().map(|h| HarmRecord {
        day: h.incident.day,
        device: h.incident.device,
        placed: crate::fleet::placed(s, &run.streams, h.incident.class, h.incident.device),
        class: h.incident.class,
        fault: h.incident.fault,
        harm: h.harm,
        cause_role: h.incident.cause_role,
        cause_party: h.incident.cause_party,
        loss: h.loss,
        vulnerability: h.incident.vulnerability,
        key: incident_key(h.incident.fault, h.incident.model, h.incident.counter)
            | u64::from(h.incident.class) << 32,
        facts: h.incident.facts,
        event: h.incident.event,
    }));
}
