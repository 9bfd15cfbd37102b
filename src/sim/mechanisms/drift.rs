//! Sensor drift: the bias of a reading grows from zero after each calibration; the first time
//! its size passes the tolerance in a calibration interval is an excursion (one incident), and
//! the next calibration resets it.
//!
//! Under the random-walk model the bias is σ·W(t), so the time to leave (−τ, τ) is (τ/σ)²·T₁,
//! with T₁ the exit time of standard Brownian motion from (−1, 1). T₁'s distribution is known
//! exactly (a series, in `scenario::mechanisms::drift`), so each device draws the interval of its next excursion
//! (geometric) and the time within it (inverse transform) instead of walking day by day.
//! Under the linear model each device drifts at its own rate |N(rate, sd)| and leaves
//! tolerance τ/rate days after every calibration, if that is before the next one.

use std::sync::OnceLock;

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Distribution, Geometric, Normal};

use crate::rng::{Stream, Streams};
use crate::scenario::{DriftModel, FaultKind, SensorDrift, mechanisms::drift::exit_time_cdf};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, Occurrence, incident};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// Grid of the exit-time CDF, computed once, for fast inversion.
struct ExitTable {
    step: f64,
    cdf: Vec<f64>,
}

const TABLE_END: f64 = 16.0;
const TABLE_POINTS: usize = 16_385;

fn table() -> &'static ExitTable {
    static TABLE: OnceLock<ExitTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let step = TABLE_END / (TABLE_POINTS - 1) as f64;
        let cdf = (0..TABLE_POINTS)
            .map(|i| exit_time_cdf(i as f64 * step))
            .collect();
        ExitTable { step, cdf }
    })
}

/// P(T₁ ≤ t), interpolated in the table (exact series beyond it).
fn exit_time_cdf_fast(t: f64) -> f64 {
    let tab = table();
    let x = t / tab.step;
    if x >= (TABLE_POINTS - 1) as f64 {
        return exit_time_cdf(t);
    }
    let i = x.max(0.0) as usize;
    let w = x - i as f64;
    tab.cdf[i] * (1.0 - w) + tab.cdf[i + 1] * w
}

/// The q-quantile of T₁, by inverse interpolation in the table and the one-term tail beyond.
pub fn exit_time_quantile(q: f64) -> f64 {
    use std::f64::consts::PI;
    let tab = table();
    let last = tab.cdf[TABLE_POINTS - 1];
    if q >= last {
        return -(8.0 / (PI * PI)) * (PI * (1.0 - q).max(f64::MIN_POSITIVE) / 4.0).ln();
    }
    let i = tab.cdf.partition_point(|&f| f < q).max(1);
    let (f0, f1) = (tab.cdf[i - 1], tab.cdf[i]);
    let w = if f1 > f0 { (q - f0) / (f1 - f0) } else { 0.0 };
    ((i - 1) as f64 + w) * tab.step
}

/// A device's own drift rate (linear model).
pub const DRIFT_RATE: Stream = Stream::named("drift_rate");
/// The interval and time of each excursion (random-walk model).
pub const DRIFT_CROSSING: Stream = Stream::named("drift_crossing");

/// Sensor drift's part of a replication: each device's rate and first excursion drawn at the
/// start, excursions turned into incidents each yearly step.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[
        ("drift_rate", DRIFT_RATE),
        ("drift_crossing", DRIFT_CROSSING),
    ],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.start(Start::Clocks, start_drift);
    r.step(detect_drift_excursions);
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

/// The day of the device's next excursion, searching from calibration interval `from`, with
/// its interval; `None` if it never leaves tolerance.
fn next_excursion(
    streams: &Streams,
    device: u32,
    excursion: u32,
    from: u32,
    rate: f64,
    drift: &SensorDrift,
) -> Option<(f64, u32)> {
    let c = drift.calibration_interval_days;
    let (skip, within) = match drift.model {
        DriftModel::RandomWalk { sd_per_day } => {
            let scale = (drift.tolerance / sd_per_day).powi(2);
            let p = exit_time_cdf_fast(c / scale);
            if p <= 0.0 {
                return None;
            }
            let geometric = Geometric::new(p).ok()?;
            let mut rng = streams.rng(DRIFT_CROSSING, device, u64::from(excursion));
            let skip = geometric.sample(&mut rng);
            // Given an excursion in the interval, its time has CDF F(t)/F(C): invert at v·F(C).
            let within = scale * exit_time_quantile(rng.random::<f64>() * p);
            (skip, within.min(c))
        }
        DriftModel::Linear { .. } => {
            let within = drift.tolerance / rate;
            // A zero rate gives an infinite or NaN time: never out of tolerance.
            if within.is_nan() || within >= c {
                return None;
            }
            (0, within)
        }
    };
    let interval = u32::try_from(u64::from(from) + skip).ok()?;
    Some((f64::from(interval) * c + within, interval))
}

/// Draws each device's drift rate and its first excursion. Calibrations run from the device's
/// placing on the market, so a fleet's phases spread as its placings do; a device placed before
/// day 0 starts its search in the interval that holds day 0 and skips an excursion before it.
pub fn start_drift(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut DriftDue, &mut DriftRate)>,
) {
    for (device, life, mut due, mut rate) in &mut devices {
        *due = DriftDue::default();
        let Some(drift) = &scenario.0.classes[usize::from(device.class)].sensor_drift else {
            continue;
        };
        if let DriftModel::Linear {
            rate_per_day,
            rate_sd,
        } = drift.model
        {
            let mut rng = run.streams.rng(DRIFT_RATE, device.id, 0);
            rate.0 = Normal::new(rate_per_day, rate_sd)
                .map_or(rate_per_day, |n| n.sample(&mut rng))
                .abs();
        }
        let placed = life.placed();
        let c = drift.calibration_interval_days;
        let mut from = ((-placed).max(0.0) / c).floor() as u32;
        while let Some((day, interval)) =
            next_excursion(&run.streams, device.id, due.excursions, from, rate.0, drift)
        {
            if placed + day >= 0.0 {
                due.day = placed + day;
                due.interval = interval;
                break;
            }
            due.excursions += 1;
            from = interval + 1;
        }
    }
}

/// Turns due excursions into incidents and draws the next one from the next interval on.
pub fn detect_drift_excursions(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &DriftRate, &mut DriftDue)>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, life, rate, mut due) in &mut devices {
        if due.day >= step.end {
            continue;
        }
        // Nothing reads change ticks; skipping them saves a write to another column per event.
        let due = due.bypass_change_detection();
        let c = &scenario.0.classes[usize::from(device.class)];
        let Some(drift) = &c.sensor_drift else {
            continue;
        };
        while due.day < step.end && (!c.retires() || life.in_service_on(due.day)) {
            incidents.write(incident(
                Occurrence {
                    day: due.day,
                    device: *device,
                    class: c,
                    fault: FaultKind::SensorDrift,
                    model: 0,
                    counter: due.excursions,
                },
                &drift.consequence,
            ));
            due.excursions += 1;
            let next = next_excursion(
                &run.streams,
                device.id,
                due.excursions,
                due.interval + 1,
                rate.0,
                drift,
            );
            (due.day, due.interval) = next.map_or((f64::INFINITY, due.interval), |(day, i)| {
                (life.placed() + day, i)
            });
        }
    }
}
