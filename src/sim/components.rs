//! Device components: small plain data, one concern each. A mechanism's clock holds the day of
//! the device's next event of that mechanism, drawn when the previous one happened.

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

/// Most wearing components a class may model.
pub const MAX_WEAR_MODELS: usize = 4;

/// Next failure day of each wearing component, and how many times each was replaced.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearClocks {
    pub next: [f64; MAX_WEAR_MODELS],
    pub renewals: [u16; MAX_WEAR_MODELS],
}

impl Default for WearClocks {
    fn default() -> Self {
        Self {
            next: [f64::INFINITY; MAX_WEAR_MODELS],
            renewals: [0; MAX_WEAR_MODELS],
        }
    }
}

impl WearClocks {
    /// The component that fails first, and when.
    pub fn soonest(&self) -> (usize, f64) {
        let mut best = (0, self.next[0]);
        for (m, &day) in self.next.iter().enumerate().skip(1) {
            if day < best.1 {
                best = (m, day);
            }
        }
        best
    }
}

/// The firmware bug's next firing, the day the fix reaches the device, and firings so far.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FirmwareClock {
    pub next: f64,
    pub fixed_on_day: f64,
    pub firings: u32,
}

impl Default for FirmwareClock {
    fn default() -> Self {
        Self {
            next: f64::INFINITY,
            fixed_on_day: f64::INFINITY,
            firings: 0,
        }
    }
}

/// The sensor's next excursion out of tolerance, in which calibration interval, the device's
/// own drift rate (linear model), and excursions so far.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct DriftClock {
    pub next: f64,
    pub interval: u32,
    pub excursions: u32,
    pub rate: f64,
}

impl Default for DriftClock {
    fn default() -> Self {
        Self {
            next: f64::INFINITY,
            interval: 0,
            excursions: 0,
            rate: 0.0,
        }
    }
}

/// The day a faulty installation shows itself (infinity: the install was sound).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct InstallationClock {
    pub shows_on: f64,
}

impl Default for InstallationClock {
    fn default() -> Self {
        Self {
            shows_on: f64::INFINITY,
        }
    }
}
