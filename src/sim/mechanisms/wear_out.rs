//! Hardware wear-out: each wearing component fails once, at a Weibull time; then it is replaced
//! (a new life starts at the failure) or the device retires.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, OnFailure, WearOut};
use crate::sim::components::{Device, Lifecycle, WearDue, WearState};
use crate::sim::messages::Incident;
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::rng::{Streams, streams};

use super::{Occurrence, incident};

/// Life in days of the `renewal`-th copy of wear-out model `model` on `device`.
pub fn life(streams: &Streams, device: u32, model: usize, renewal: u32, w: &WearOut) -> f64 {
    let counter = (model as u64) << 32 | u64::from(renewal);
    w.time_to_failure
        .sample(&mut streams.rng(streams::WEAR_OUT, device, counter))
}

/// Draws the first failure day of every wearing component.
pub fn start_wear_out(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &mut WearDue, &mut WearState)>,
) {
    for (device, mut due, mut state) in &mut devices {
        *state = WearState::default();
        for (m, w) in scenario.0.classes[usize::from(device.class)]
            .wear_out
            .iter()
            .enumerate()
        {
            state.next[m] = life(&run.streams, device.id, m, 0, w);
        }
        due.0 = state.soonest().1;
    }
}

/// Turns due failures into incidents, then replaces the component or retires the device.
pub fn fail_components(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &mut Lifecycle, &mut WearDue, &mut WearState)>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, mut life_state, mut due, mut state) in &mut devices {
        if due.0 >= step.end {
            continue;
        }
        // Nothing reads change ticks; skipping them saves a write to another column per event.
        let (due, state) = (
            due.bypass_change_detection(),
            state.bypass_change_detection(),
        );
        let c = &scenario.0.classes[usize::from(device.class)];
        loop {
            let (m, day) = state.soonest();
            if day >= step.end {
                due.0 = day;
                break;
            }
            let w = &c.wear_out[m];
            let renewal = state.renewals[m];
            incidents.write(incident(
                Occurrence {
                    day,
                    device: device.id,
                    class_id: device.class,
                    class: c,
                    installer: device.installer,
                    fault: FaultKind::WearOut,
                    model: m as u8,
                    counter: u32::from(renewal),
                },
                &w.consequence,
            ));
            match w.on_failure {
                OnFailure::Retire => {
                    *life_state = Lifecycle::Retired { day };
                    due.0 = f64::INFINITY;
                    break;
                }
                OnFailure::Replace => {
                    let next = renewal.saturating_add(1);
                    state.renewals[m] = next;
                    state.next[m] = day + life(&run.streams, device.id, m, u32::from(next), w);
                }
            }
        }
    }
}
