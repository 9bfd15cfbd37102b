//! Installation error: decided once, at install, with the installer's probability; a faulty
//! install shows itself after an exponential delay.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::rng::Stream;
use crate::scenario::FaultKind;
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, Occurrence, incident};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// Whether an install is faulty, and when it shows.
pub const INSTALLATION_ERROR: Stream = Stream::named("installation_error");

/// The installation error's part of a replication: each install decided at the start, faulty
/// ones turned into incidents in the yearly step they show in.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[("installation_error", INSTALLATION_ERROR)],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.start(Start::Clocks, decide_installations);
    r.step(manifest_installation_errors);
}

/// The day a faulty installation shows itself (infinity: the install was sound).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct InstallationDue(pub f64);

impl Default for InstallationDue {
    fn default() -> Self {
        Self(f64::INFINITY)
    }
}

/// Decides each install and, for a faulty one, the day it shows.
pub fn decide_installations(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut InstallationDue)>,
) {
    for (device, life, mut clock) in &mut devices {
        *clock = InstallationDue::default();
        let Some(err) = &scenario.0.classes[usize::from(device.class)].installation_error else {
            continue;
        };
        let mut rng = run.streams.rng(INSTALLATION_ERROR, device.id, 0);
        if rng.random::<f64>() < err.probability_by_installer[usize::from(device.installer)] {
            let day = life.placed() + err.manifest_delay.sample(&mut rng);
            // An error that showed before the horizon belongs to the past.
            if day >= 0.0 {
                clock.0 = day;
            }
        }
    }
}

/// Turns installation errors that show in this step into incidents.
pub fn manifest_installation_errors(
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut InstallationDue)>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, life, mut clock) in &mut devices {
        let day = clock.0;
        if day >= step.end {
            continue;
        }
        let c = &scenario.0.classes[usize::from(device.class)];
        if c.retires() && !life.in_service_on(day) {
            continue;
        }
        if let Some(err) = &c.installation_error {
            incidents.write(incident(
                Occurrence {
                    day,
                    device: *device,
                    class: c,
                    fault: FaultKind::InstallationError,
                    model: 0,
                    counter: 0,
                },
                &err.consequence,
            ));
        }
        clock.0 = f64::INFINITY;
    }
}
