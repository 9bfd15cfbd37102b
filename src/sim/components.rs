//! Device components: small plain data, one concern each.

use bevy_ecs::prelude::*;

/// The device's number, stable across replications; keys its random streams.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceId(pub u32);

/// Index of the device's class in the scenario.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassId(pub u16);

/// Which of its class's installers installed this device.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InstallerSlot(pub u16);

/// Where the device is in its life.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub enum Lifecycle {
    #[default]
    InService,
    /// Left the fleet on this day; events from then on are void.
    Retired { day: f64 },
}

impl Lifecycle {
    /// Whether the device is still in service on `day`.
    pub fn in_service_on(self, day: f64) -> bool {
        match self {
            Lifecycle::InService => true,
            Lifecycle::Retired { day: gone } => day < gone,
        }
    }
}

/// The device's firmware: from which day it runs the fixed version (infinity: never).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Firmware {
    pub fixed_on_day: f64,
}

impl Default for Firmware {
    fn default() -> Self {
        Self {
            fixed_on_day: f64::INFINITY,
        }
    }
}

/// The device's sensor drift rate (units per day) under the linear drift model.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct DriftRate(pub f64);
