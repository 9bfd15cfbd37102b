//! Installing the fleet: devices enter service on day 0, each with an installer drawn by share.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::components::{ClassId, DeviceId, InstallerSlot, Lifecycle};
use super::resources::{Replication, ScenarioRes};
use super::rng::streams;

/// Puts every device back in service and draws its installer.
pub fn install_devices(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&DeviceId, &ClassId, &mut InstallerSlot, &mut Lifecycle)>,
) {
    for (id, class, mut installer, mut life) in &mut devices {
        *life = Lifecycle::InService;
        let lineage = &scenario.0.classes[usize::from(class.0)].lineage;
        installer.0 = if lineage.installers.len() > 1 {
            let u: f64 = run.streams.rng(streams::INSTALLER, id.0, 0).random();
            lineage.installer_for(u) as u16
        } else {
            0
        };
    }
}
