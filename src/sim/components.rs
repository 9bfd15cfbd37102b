//! Device components shared by several systems: who a device is, where it is in its life, and
//! its breach state (set at install, read and changed by the botnet). Each mechanism's own clock,
//! the day of the device's next event of that mechanism, lives in the mechanism's file.

use bevy_ecs::prelude::*;

/// Who a device is: its number (stable across replications; it keys the device's random
/// streams), its class, and which of the class's installers installed it. Every handler reads
/// the three together, so they share one component and one cache line.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    pub id: u32,
    pub class: u16,
    pub installer: u16,
}

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

/// How the device's login is protected now; an owner's clean-up may strengthen it.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Login(pub crate::scenario::Credentials);

/// Whether the device is in the botnet, and how it last left it.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub enum Infection {
    #[default]
    Clean,
    Infected {
        since: f64,
    },
    /// A reboot cleared the bot; the device is as exposed as before.
    Rebooted,
    /// The owner cleaned it up after an ISP notice (and may have changed the password).
    CleanedUp,
}

/// How many times the device was recruited; keys the draws of each recruitment.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recruitments(pub u32);

/// Where the device sits among the outbreak's susceptible devices (`group == NONE`: it is
/// not susceptible now).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Susceptibility {
    pub group: u32,
    pub slot: u32,
}

impl Susceptibility {
    pub const NONE: u32 = u32::MAX;
}

impl Default for Susceptibility {
    fn default() -> Self {
        Self {
            group: Self::NONE,
            slot: 0,
        }
    }
}
