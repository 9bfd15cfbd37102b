//! When each device of a class is placed on the market and when it leaves service for age.
//!
//! These are pure functions of the class, the replication's streams and the device's number, so
//! the simulation (which installs each device and runs its clocks from its placing) and the
//! liability (whose longstop runs from the placing) agree without handing anything over. They
//! sit below both.

use rand::RngExt;

use crate::rng::{Stream, Streams};
use crate::scenario::{DeviceClass, Scenario};

/// Where within its cohort's span a device is placed.
pub const PLACING: Stream = Stream::named("placing");
/// How long a device serves.
pub const SERVICE_LIFE: Stream = Stream::named("service_life");

/// This file's streams, for the full list.
pub const STREAMS: &[(&str, Stream)] = &[("placing", PLACING), ("service_life", SERVICE_LIFE)];

/// A device's time in service: from its placing on the market (negative: before the horizon)
/// until it is decommissioned (infinity: never, for age).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub placed: f64,
    pub until: f64,
}

impl Window {
    /// A device placed on day 0 that serves for good: every device of a class without a fleet.
    pub const ALWAYS: Window = Window {
        placed: 0.0,
        until: f64::INFINITY,
    };
}

/// The window of device `device`, the `index`-th of `class`. A device of the installed base is
/// a survivor: its service life is drawn given the age it has reached on day 0.
pub fn window(class: &DeviceClass, streams: &Streams, device: u32, index: u32) -> Window {
    let Some(fleet) = &class.fleet else {
        return Window::ALWAYS;
    };
    let cohort = fleet.cohort_of(index);
    let u: f64 = streams.rng(PLACING, device, 0).random();
    let placed = cohort.from + u * (cohort.to - cohort.from);
    let until = fleet.service_life.map_or(f64::INFINITY, |life| {
        let v: f64 = streams.rng(SERVICE_LIFE, device, 0).random();
        let age = (-placed).max(0.0);
        placed + life.life_given(age, -(1.0 - v).ln())
    });
    Window { placed, until }
}

/// The day device `device` of class `class` was placed on the market (0 for an incident of a
/// class rather than a device, and for every device of a class without a fleet).
pub fn placed(scenario: &Scenario, streams: &Streams, class: u16, device: u32) -> f64 {
    let c = &scenario.classes[usize::from(class)];
    if c.fleet.is_none() || device == crate::outcome::NO_DEVICE {
        return 0.0;
    }
    let first = scenario.first_device(class);
    window(c, streams, device, device - first).placed
}
