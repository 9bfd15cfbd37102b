//! Installation error: decided once, at install, with the installer's probability; a faulty
//! install shows itself after an exponential delay.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::scenario::FaultKind;
use crate::sim::components::{ClassId, DeviceId, InstallationClock, InstallerSlot, Lifecycle};
use crate::sim::messages::Incident;
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::rng::streams;

use super::{Occurrence, incident};

/// Decides each install and, for a faulty one, the day it shows.
pub fn decide_installations(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&DeviceId, &ClassId, &InstallerSlot, &mut InstallationClock)>,
) {
    for (id, class, installer, mut clock) in &mut devices {
        *clock = InstallationClock::default();
        let Some(err) = &scenario.0.classes[usize::from(class.0)].installation_error else {
            continue;
        };
        let mut rng = run.streams.rng(streams::INSTALLATION_ERROR, id.0, 0);
        if rng.random::<f64>() < err.probability_by_installer[usize::from(installer.0)] {
            clock.shows_on = err.manifest_delay.sample(&mut rng);
        }
    }
}

/// Turns installation errors that show in this step into incidents.
pub fn manifest_installation_errors(
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(
        &DeviceId,
        &ClassId,
        &InstallerSlot,
        &Lifecycle,
        &mut InstallationClock,
    )>,
    mut incidents: MessageWriter<Incident>,
) {
    for (id, class, installer, life, mut clock) in &mut devices {
        let day = clock.shows_on;
        if day >= step.end || !life.in_service_on(day) {
            continue;
        }
        let c = &scenario.0.classes[usize::from(class.0)];
        if let Some(err) = &c.installation_error {
            incidents.write(incident(
                Occurrence {
                    day,
                    device: id.0,
                    class_id: class.0,
                    class: c,
                    installer: installer.0,
                    fault: FaultKind::InstallationError,
                    model: 0,
                    counter: 0,
                },
                &err.consequence,
            ));
        }
        clock.shows_on = f64::INFINITY;
    }
}
