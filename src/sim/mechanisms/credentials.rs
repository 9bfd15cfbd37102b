//! Security posture at install: each device gets its class's credential scheme, unless its
//! installer leaves the universal default password on.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::rng::Stream;
use crate::scenario::Credentials;
use crate::sim::components::{Campaign, Device, Infection, Login, Recruitments, Susceptibility};
use crate::sim::mechanisms::data_theft::Leak;
use crate::sim::resources::{Replication, ScenarioRes};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// Whether the installer leaves the universal default password on.
pub const SECURITY: Stream = Stream::named("security");

/// The credentials' part of a replication: each device's login set at the start, with the
/// breach exposure.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[("security", SECURITY)],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.start(Start::Exposure, set_security_posture);
}

/// A device's breach state, reset at the start of each replication.
type Posture = (
    &'static Device,
    &'static mut Login,
    &'static mut Infection,
    (
        &'static mut Recruitments,
        &'static mut Campaign,
        &'static mut Leak,
    ),
    &'static mut Susceptibility,
);

/// Sets each device's login and clears its infection history.
pub fn set_security_posture(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<Posture>,
) {
    for (device, mut login, mut infection, (mut recruited, mut campaign, mut leak), mut slot) in
        &mut devices
    {
        *infection = Infection::Clean;
        *recruited = Recruitments(0);
        *campaign = Campaign(0);
        *leak = Leak::default();
        *slot = Susceptibility::default();
        let Some(security) = &scenario.0.classes[usize::from(device.class)].security else {
            continue;
        };
        let leaves = security
            .leaves_default
            .get(usize::from(device.installer))
            .copied()
            .unwrap_or(0.0);
        let u: f64 = run.streams.rng(SECURITY, device.id, 0).random();
        login.0 = if u < leaves {
            Credentials::UniversalDefault
        } else {
            security.credentials
        };
    }
}
