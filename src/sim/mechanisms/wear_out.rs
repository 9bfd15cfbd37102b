//! Hardware wear-out: each wearing component fails once, at a Weibull time; then it is replaced
//! (a new life starts at the failure) or the device retires.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::scenario::{FaultKind, OnFailure, WearOut};
use crate::sim::agenda::{Agenda, Event, EventKind};
use crate::sim::components::{ClassId, DeviceId, InstallerSlot, Lifecycle};
use crate::sim::messages::{Incident, WearOutDue};
use crate::sim::resources::{Replication, ScenarioRes};
use crate::sim::rng::{Streams, streams};

/// Life of the `renewal`-th copy of wear-out model `model` on `device`, in days.
fn life(streams: &Streams, device: u32, model: usize, renewal: u32, w: &WearOut) -> f64 {
    let counter = (model as u64) << 32 | u64::from(renewal);
    w.time_to_failure
        .sample(&mut streams.rng(streams::WEAR_OUT, device, counter))
}

/// Files every device's first failure of each wearing component.
pub fn schedule_wear_out(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut agenda: ResMut<Agenda>,
    devices: Query<(Entity, &DeviceId, &ClassId)>,
) {
    for (entity, id, class) in &devices {
        for (m, w) in scenario.0.classes[usize::from(class.0)]
            .wear_out
            .iter()
            .enumerate()
        {
            agenda.schedule(Event {
                day: life(&run.streams, id.0, m, 0, w),
                device: id.0,
                entity,
                kind: EventKind::WearOut(m as u8),
                counter: 0,
                aux: 0,
            });
        }
    }
}

/// Turns due failures into incidents, then replaces the component or retires the device.
pub fn fail_components(
    mut due: MessageReader<WearOutDue>,
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut agenda: ResMut<Agenda>,
    mut devices: Query<(&ClassId, &InstallerSlot, &mut Lifecycle)>,
    mut incidents: MessageWriter<Incident>,
) {
    for WearOutDue(event) in due.read() {
        let (EventKind::WearOut(m), Ok((class, installer, mut life_state))) =
            (event.kind, devices.get_mut(event.entity))
        else {
            continue;
        };
        if !life_state.in_service_on(event.day) {
            continue;
        }
        let c = &scenario.0.classes[usize::from(class.0)];
        let w = &c.wear_out[usize::from(m)];
        incidents.write(super::incident(
            event,
            class.0,
            c,
            installer.0,
            FaultKind::WearOut,
            m,
            &w.consequence,
        ));
        match w.on_failure {
            OnFailure::Retire => *life_state = Lifecycle::Retired { day: event.day },
            OnFailure::Replace => {
                let renewal = event.counter + 1;
                agenda.schedule(Event {
                    day: event.day + life(&run.streams, event.device, usize::from(m), renewal, w),
                    counter: renewal,
                    ..*event
                });
            }
        }
    }
}
