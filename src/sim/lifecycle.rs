//! Installing the fleet: each device enters service on its placing day (day 0 for a class
//! without a fleet) and leaves it at the end of its service life, with an installer drawn by
//! share.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::components::{Device, Lifecycle};
use super::resources::{Replication, ScenarioRes};
use crate::fleet;
use crate::rng::Stream;

/// Which installer installs each device.
pub const INSTALLER: Stream = Stream::named("installer");

/// This file's stream, for the full list.
pub const STREAMS: &[(&str, Stream)] = &[("installer", INSTALLER)];

/// Puts every device back in service, over its window when its class has a fleet, and draws its
/// installer.
pub fn install_devices(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&mut Device, &mut Lifecycle)>,
) {
    let first: Vec<u32> = (0..scenario.0.classes.len())
        .map(|c| scenario.0.first_device(c as u16))
        .collect();
    for (mut device, mut life) in &mut devices {
        let class = &scenario.0.classes[usize::from(device.class)];
        *life = match class.fleet {
            None => Lifecycle::InService,
            Some(_) => {
                let index = device.id - first[usize::from(device.class)];
                let w = fleet::window(class, &run.streams, device.id, index);
                Lifecycle::Placed {
                    placed: w.placed,
                    until: w.until,
                }
            }
        };
        let lineage = &class.lineage;
        device.installer = if lineage.installers.len() > 1 {
            let u: f64 = run.streams.rng(INSTALLER, device.id, 0).random();
            lineage.installer_for(u) as u16
        } else {
            0
        };
    }
}
