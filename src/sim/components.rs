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
    /// In service from day 0 (a class without a fleet), for good so far.
    #[default]
    InService,
    /// In service from day 0, left the fleet on this day; events from then on are void.
    Retired { day: f64 },
    /// A device of a fleet: in service from its placing on the market (negative: before the
    /// horizon) until it is decommissioned or retired by a failure, whichever comes first.
    Placed { placed: f64, until: f64 },
}

impl Lifecycle {
    /// Whether the device is in service on `day`.
    pub fn in_service_on(self, day: f64) -> bool {
        match self {
            Lifecycle::InService => true,
            Lifecycle::Retired { day: gone } => day < gone,
            Lifecycle::Placed { placed, until } => placed <= day && day < until,
        }
    }

    /// The day the device was placed on the market; its clocks run from it.
    pub fn placed(self) -> f64 {
        match self {
            Lifecycle::Placed { placed, .. } => placed,
            _ => 0.0,
        }
    }

    /// The day the device leaves service (infinity: not within its clocks so far).
    pub fn end(self) -> f64 {
        match self {
            Lifecycle::InService => f64::INFINITY,
            Lifecycle::Retired { day } => day,
            Lifecycle::Placed { until, .. } => until,
        }
    }

    /// Takes the device out of service on `day` (a failure that retires it).
    pub fn retire(&mut self, day: f64) {
        *self = match *self {
            Lifecycle::Placed { placed, until } => Lifecycle::Placed {
                placed,
                until: until.min(day),
            },
            _ => Lifecycle::Retired { day },
        };
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

/// The systemic event (outbreak) the device was last recruited in, 0 for none: a device counts
/// once among the devices an outbreak reached.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Campaign(pub u32);

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
