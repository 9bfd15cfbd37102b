//! Installation error: decided once, at install, with the installer's probability; a faulty
//! install shows itself after an exponential delay.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::scenario::FaultKind;
use crate::sim::agenda::{Agenda, Event, EventKind};
use crate::sim::components::{ClassId, DeviceId, InstallerSlot, Lifecycle};
use crate::sim::messages::{Incident, InstallationErrorDue};
use crate::sim::resources::{Replication, ScenarioRes};
use crate::sim::rng::streams;

/// Decides each install and files the day a faulty one shows.
pub fn schedule_installation_errors(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut agenda: ResMut<Agenda>,
    devices: Query<(Entity, &DeviceId, &ClassId, &InstallerSlot)>,
) {
    for (entity, id, class, installer) in &devices {
        let Some(err) = &scenario.0.classes[usize::from(class.0)].installation_error else {
            continue;
        };
        let mut rng = run.streams.rng(streams::INSTALLATION_ERROR, id.0, 0);
        let p = err.probability_by_installer[usize::from(installer.0)];
        if rng.random::<f64>() < p {
            agenda.schedule(Event {
                day: err.manifest_delay.sample(&mut rng),
                device: id.0,
                entity,
                kind: EventKind::InstallationError,
                counter: 0,
                aux: 0,
            });
        }
    }
}

/// Turns installation errors that show into incidents.
pub fn manifest_installation_errors(
    mut due: MessageReader<InstallationErrorDue>,
    scenario: Res<ScenarioRes>,
    devices: Query<(&ClassId, &InstallerSlot, &Lifecycle)>,
    mut incidents: MessageWriter<Incident>,
) {
    for InstallationErrorDue(event) in due.read() {
        let Ok((class, installer, life)) = devices.get(event.entity) else {
            continue;
        };
        let c = &scenario.0.classes[usize::from(class.0)];
        let Some(err) = &c.installation_error else {
            continue;
        };
        if life.in_service_on(event.day) {
            incidents.write(super::incident(
                event,
                class.0,
                c,
                installer.0,
                FaultKind::InstallationError,
                0,
                &err.consequence,
            ));
        }
    }
}
