//! Installing the fleet: devices enter service on day 0, each with an installer drawn by share.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::components::{Device, Lifecycle};
use super::resources::{Replication, ScenarioRes};
use crate::rng::Stream;

/// Which installer installs each device.
pub const INSTALLER: Stream = Stream::named("installer");

/// This file's stream, for the full list.
pub const STREAMS: &[(&str, Stream)] = &[("installer", INSTALLER)];

/// Puts every device back in service and draws its installer.
pub fn install_devices(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&mut Device, &mut Lifecycle)>,
) {
    for (mut device, mut life) in &mut devices {
        *life = Lifecycle::InService;
        let lineage = &scenario.0.classes[usize::from(device.class)].lineage;
        device.installer = if lineage.installers.len() > 1 {
            let u: f64 = run.streams.rng(INSTALLER, device.id, 0).random();
            lineage.installer_for(u) as u16
        } else {
            0
        };
    }
}
