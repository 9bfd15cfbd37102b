//! Device components: small plain data, one concern each. A mechanism's clock holds the day of
//! the device's next event of that mechanism, drawn when the previous one happened.

use bevy_ecs::prelude::*;

use crate::scenario::MAX_WEAR_MODELS;

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

/// The next failure among the device's wearing components: when, which, and which copy of
/// it. Each step's scan of the fleet reads only these 16 bytes a device and touches the rest
/// of the device only when it is due, which keeps a step over a million devices cheap.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearDue {
    pub day: f64,
    pub model: u8,
    pub renewal: u16,
}

impl Default for WearDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            model: 0,
            renewal: 0,
        }
    }
}

/// Next failure day and replacements of every wearing component, for classes with more than
/// one; a class with one has [`WearDue`] alone.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearParts {
    pub next: [f64; MAX_WEAR_MODELS],
    pub renewals: [u16; MAX_WEAR_MODELS],
}

impl Default for WearParts {
    fn default() -> Self {
        Self {
            next: [f64::INFINITY; MAX_WEAR_MODELS],
            renewals: [0; MAX_WEAR_MODELS],
        }
    }
}

impl WearParts {
    /// The part that fails first, as a [`WearDue`].
    pub fn soonest(&self) -> WearDue {
        let mut m = 0;
        for k in 1..MAX_WEAR_MODELS {
            if self.next[k] < self.next[m] {
                m = k;
            }
        }
        WearDue {
            day: self.next[m],
            model: m as u8,
            renewal: self.renewals[m],
        }
    }
}

/// The firmware bug's next firing before the fix reaches the device (infinity: none), and the
/// firings so far. The fix day itself is redrawn from its stream when needed, not stored.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FirmwareDue {
    pub day: f64,
    pub firings: u32,
}

impl Default for FirmwareDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            firings: 0,
        }
    }
}

/// The sensor's next excursion out of tolerance (infinity: none), in which calibration
/// interval, and the excursions so far.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct DriftDue {
    pub day: f64,
    pub interval: u32,
    pub excursions: u32,
}

impl Default for DriftDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            interval: 0,
            excursions: 0,
        }
    }
}

/// The device's own drift rate, in units per day (linear drift model).
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct DriftRate(pub f64);

/// The day a faulty installation shows itself (infinity: the install was sound).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct InstallationDue(pub f64);

impl Default for InstallationDue {
    fn default() -> Self {
        Self(f64::INFINITY)
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

/// The next targeted attack through one of the class's vulnerabilities (infinity: none).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct ExploitDue {
    pub day: f64,
    pub vulnerability: u32,
}

impl Default for ExploitDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            vulnerability: 0,
        }
    }
}
