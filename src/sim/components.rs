//! Device components: small plain data, one concern each. A mechanism's clock holds the day of
//! the device's next event of that mechanism, drawn when the previous one happened.

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

/// Most wearing components a class may model.
pub const MAX_WEAR_MODELS: usize = 4;

/// The day of the device's next event of one mechanism (infinity: none). Each mechanism's scan
/// of the fleet reads only this, 8 bytes a device, and touches the rest of the device only when
/// it is due; that keeps a step over a million devices within the cache's reach.
macro_rules! due {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Component, Debug, Clone, Copy, PartialEq)]
        pub struct $name(pub f64);

        impl Default for $name {
            fn default() -> Self {
                Self(f64::INFINITY)
            }
        }
    )*};
}

due!(
    /// The day the device's first wearing component fails.
    WearDue,
    /// The day the device's firmware bug next fires before the fix reaches it.
    FirmwareDue,
    /// The day the device's sensor next leaves tolerance.
    DriftDue,
    /// The day a faulty installation shows itself.
    InstallationDue
);

/// Next failure day of each wearing component, and how many times each was replaced.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearState {
    pub next: [f64; MAX_WEAR_MODELS],
    pub renewals: [u16; MAX_WEAR_MODELS],
}

impl Default for WearState {
    fn default() -> Self {
        Self {
            next: [f64::INFINITY; MAX_WEAR_MODELS],
            renewals: [0; MAX_WEAR_MODELS],
        }
    }
}

impl WearState {
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

/// The day the fix reaches the device (infinity: never) and the firings so far.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct FirmwareState {
    pub fixed_on_day: f64,
    pub firings: u32,
}

impl Default for FirmwareState {
    fn default() -> Self {
        Self {
            fixed_on_day: f64::INFINITY,
            firings: 0,
        }
    }
}

/// The calibration interval of the next excursion, the excursions so far, and the device's
/// own drift rate (linear model).
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct DriftState {
    pub interval: u32,
    pub excursions: u32,
    pub rate: f64,
}
