//! Exposure: each year's device-years in service and devices in service at its end, the
//! denominators that make losses and incident counts comparable across fleets and horizons.
//!
//! A class whose devices can never leave service contributes in closed form (its count times
//! each year); the others are read device by device from their lifecycles, each in O(1) with a
//! difference array over the years, so the pass costs one read per device per replication.

use bevy_ecs::prelude::*;

use crate::outcome::Exposure;
use crate::scenario::{DAYS_PER_YEAR, Scenario};

use super::components::{Device, Lifecycle};

/// Adds a device's service `[from, to)` (days, clipped to the horizon) to the per-year sums:
/// `years` gets its device-years, `full` (a difference array) the whole years it spans, and
/// `end` (another) the year ends it is in service at.
struct Sums {
    years: Vec<f64>,
    full: Vec<f64>,
    end: Vec<i64>,
}

impl Sums {
    fn new(n: usize) -> Self {
        Self {
            years: vec![0.0; n],
            full: vec![0.0; n + 1],
            end: vec![0; n + 1],
        }
    }

    fn add(&mut self, from: f64, to: f64) {
        let n = self.years.len();
        let a = from.max(0.0) / DAYS_PER_YEAR;
        let b = (to / DAYS_PER_YEAR).min(n as f64);
        if b <= a {
            return;
        }
        let (ia, ib) = (a.floor() as usize, (b.floor() as usize).min(n));
        if ia == ib {
            self.years[ia] += b - a;
        } else {
            self.years[ia] += (ia + 1) as f64 - a;
            if ib < n {
                self.years[ib] += b - ib as f64;
            }
            self.full[ia + 1] += 1.0;
            self.full[ib] -= 1.0;
        }
        // In service at the end of year y: placed before it and not gone by it.
        let first = ia;
        let last = ((to / DAYS_PER_YEAR).floor() as usize).min(n);
        if first < last {
            self.end[first] += 1;
            self.end[last] -= 1;
        }
    }

    fn finish(mut self) -> Exposure {
        let (mut run, mut count) = (0.0, 0i64);
        let mut in_service = Vec::with_capacity(self.years.len());
        for y in 0..self.years.len() {
            run += self.full[y];
            self.years[y] += run;
            count += self.end[y];
            in_service.push(count.max(0) as u64);
        }
        Exposure {
            device_years: self.years,
            in_service,
        }
    }
}

/// The replication's exposure, from the devices' lifecycles as the replication left them.
pub fn measure(world: &mut World, scenario: &Scenario) -> Exposure {
    let n = scenario.horizon_years as usize;
    let mut sums = Sums::new(n);
    let mut always = 0.0;
    for class in &scenario.classes {
        if !class.retires() {
            always += f64::from(class.count);
        }
    }
    if always > 0.0 {
        sums.full[0] += always;
        sums.full[n] -= always;
        sums.end[0] += always as i64;
        sums.end[n] -= always as i64;
    }
    if scenario.classes.iter().any(|c| c.retires()) {
        let mut q = world.query::<(&Device, &Lifecycle)>();
        for (device, life) in q.iter(world) {
            if scenario.classes[usize::from(device.class)].retires() {
                sums.add(life.placed(), life.end());
            }
        }
    }
    sums.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_split_service_over_years() {
        let y = DAYS_PER_YEAR;
        let mut s = Sums::new(3);
        // Before the start to mid year 1; mid year 0 for good; within year 2; never in the
        // horizon.
        s.add(-100.0, 1.5 * y);
        s.add(0.25 * y, f64::INFINITY);
        s.add(2.1 * y, 2.6 * y);
        s.add(-5.0 * y, -y);
        let e = s.finish();
        let want = [1.0 + 0.75, 0.5 + 1.0, 0.5 + 1.0];
        for (got, want) in e.device_years.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{:?}", e.device_years);
        }
        // Year ends: the first two at the end of year 0, the second alone at the others.
        assert_eq!(e.in_service, vec![2, 1, 1]);
    }
}
