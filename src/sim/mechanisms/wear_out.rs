//! Hardware wear-out: each wearing component fails once, at a Weibull time; then it is replaced
//! (a new life starts at the failure) or the device retires.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, OnFailure, WearOut};
use crate::sim::components::{ClassId, DeviceId, InstallerSlot, Lifecycle, WearClocks};
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
    mut devices: Query<(&DeviceId, &ClassId, &mut WearClocks)>,
) {
    for (id, class, mut clocks) in &mut devices {
        *clocks = WearClocks::default();
        for (m, w) in scenario.0.classes[usize::from(class.0)]
            .wear_out
            .iter()
            .enumerate()
        {
            clocks.next[m] = life(&run.streams, id.0, m, 0, w);
        }
    }
}

/// Turns due failures into incidents, then replaces the component or retires the device.
pub fn fail_components(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(
        &DeviceId,
        &ClassId,
        &InstallerSlot,
        &mut Lifecycle,
        &mut WearClocks,
    )>,
    mut incidents: MessageWriter<Incident>,
) {
    for (id, class, installer, mut life_state, mut clocks) in &mut devices {
        loop {
            let (m, day) = clocks.soonest();
            if day >= step.end || !life_state.in_service_on(day) {
                break;
            }
            let c = &scenario.0.classes[usize::from(class.0)];
            let w = &c.wear_out[m];
            let renewal = clocks.renewals[m];
            incidents.write(incident(
                Occurrence {
                    day,
                    device: id.0,
                    class_id: class.0,
                    class: c,
                    installer: installer.0,
                    fault: FaultKind::WearOut,
                    model: m as u8,
                    counter: u32::from(renewal),
                },
                &w.consequence,
            ));
            match w.on_failure {
                OnFailure::Retire => {
                    *life_state = Lifecycle::Retired { day };
                    break;
                }
                OnFailure::Replace => {
                    let next = renewal.saturating_add(1);
                    clocks.renewals[m] = next;
                    clocks.next[m] = day + life(&run.streams, id.0, m, u32::from(next), w);
                }
            }
        }
    }
}
