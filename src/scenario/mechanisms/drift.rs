//! Sensor drift: a reading's bias grows from each calibration until it passes the tolerance,
//! `[device_class.sensor_drift]`; simulated by `sim/mechanisms/drift.rs`. The exit-time
//! distribution of the random walk lives here, below both, since the memory estimate needs it
//! too.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver};
use crate::scenario::kinds::Role;
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{Consequence, RawHarm, consequence};

/// `[device_class.sensor_drift]`: bias growing until calibration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSensorDrift {
    /// The drifting component, if it is named (needed when the root cause is its supplier).
    #[serde(default)]
    pub component: Option<String>,
    /// `random_walk` (needs `sd_per_day`) or `linear` (needs `rate_per_day`, optional `rate_sd`).
    pub model: String,
    /// Random walk: standard deviation of the bias change per day (units of the reading).
    #[serde(default)]
    pub sd_per_day: Option<f64>,
    /// Linear: mean absolute drift per day.
    #[serde(default)]
    pub rate_per_day: Option<f64>,
    /// Linear: spread of the drift rate between devices (normal, folded at zero).
    #[serde(default)]
    pub rate_sd: Option<f64>,
    /// Largest acceptable absolute bias (units of the reading), e.g. 5 mmHg.
    pub tolerance: f64,
    /// Days between calibrations, each of which resets the bias to zero.
    pub calibration_interval_days: f64,
    /// Who caused it (default: component_supplier if a component is named, else manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Consequence of an out-of-tolerance excursion.
    pub harm: RawHarm,
}

/// How the sensor bias moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DriftModel {
    /// Brownian bias with this sd per √day; out of tolerance when |bias| > tolerance.
    RandomWalk { sd_per_day: f64 },
    /// Each device drifts at its own constant rate |N(rate, rate_sd)| per day.
    Linear { rate_per_day: f64, rate_sd: f64 },
}

/// Sensor drift until calibration.
#[derive(Debug, Clone)]
pub struct SensorDrift {
    pub model: DriftModel,
    pub tolerance: f64,
    pub calibration_interval_days: f64,
    pub consequence: Consequence,
}

impl SensorDrift {
    /// Expected excursions of one device over `days` days: the chance of leaving tolerance
    /// within a calibration interval (certain under the linear model, taken as its bound) in
    /// each interval. For the memory estimate.
    pub fn expected_incidents(&self, days: f64) -> f64 {
        let intervals = days / self.calibration_interval_days;
        let q = match self.model {
            DriftModel::RandomWalk { sd_per_day } => exit_time_cdf(
                self.calibration_interval_days / (self.tolerance / sd_per_day).powi(2),
            ),
            DriftModel::Linear { .. } => 1.0,
        };
        intervals.max(1.0) * q
    }
}

/// P(T₁ ≤ t) for the exit time T₁ of standard Brownian motion from (−1, 1):
/// 1 − (4/π) Σₙ (−1)ⁿ/(2n+1) · exp(−(2n+1)² π² t / 8).
pub fn exit_time_cdf(t: f64) -> f64 {
    use std::f64::consts::PI;
    if t <= 0.0 {
        return 0.0;
    }
    if t < 0.02 {
        // Below 0.02 the probability is under 1e-11 (4·Φ̄(1/√t)); the series would only add noise.
        return 0.0;
    }
    let mut survival = 0.0;
    for n in 0..200 {
        let k = f64::from(2 * n + 1);
        let term = (-(k * k) * PI * PI * t / 8.0).exp() / k;
        survival += if n % 2 == 0 { term } else { -term };
        if term < 1e-18 {
            break;
        }
    }
    (1.0 - 4.0 / PI * survival).clamp(0.0, 1.0)
}

/// Checks `[device_class.sensor_drift]`.
pub fn check(
    ck: &mut Checker,
    class: &Resolver,
    dp: &FieldPath,
    d: &RawSensorDrift,
) -> SensorDrift {
    let component = d
        .component
        .as_ref()
        .and_then(|n| class.component(ck, &dp.key("component"), n));
    let model = model(ck, dp, d);
    ck.positive(&dp.key("tolerance"), d.tolerance, "largest acceptable bias");
    ck.positive(
        &dp.key("calibration_interval_days"),
        d.calibration_interval_days,
        "days",
    );
    let default = if component.is_some() {
        Role::ComponentSupplier
    } else {
        Role::Manufacturer
    };
    let who = class.culprit(
        ck,
        &dp.key("root_cause"),
        d.root_cause.as_deref(),
        default,
        component,
    );
    SensorDrift {
        model,
        tolerance: d.tolerance,
        calibration_interval_days: d.calibration_interval_days,
        consequence: consequence(ck, &dp.key("harm"), &d.harm, who),
    }
}

/// The drift model with its parameters.
fn model(ck: &mut Checker, dp: &FieldPath, d: &RawSensorDrift) -> DriftModel {
    match d.model.as_str() {
        "random_walk" => match d.sd_per_day {
            Some(sd) => DriftModel::RandomWalk {
                sd_per_day: ck.positive(&dp.key("sd_per_day"), sd, "bias sd per √day"),
            },
            None => {
                ck.report(
                    &dp.key("sd_per_day"),
                    "found nothing, expected sd_per_day for model \"random_walk\"",
                );
                DriftModel::RandomWalk { sd_per_day: 1.0 }
            }
        },
        "linear" => {
            let rate = match d.rate_per_day {
                Some(r) => ck.positive(&dp.key("rate_per_day"), r, "bias change per day"),
                None => {
                    ck.report(
                        &dp.key("rate_per_day"),
                        "found nothing, expected rate_per_day for model \"linear\"",
                    );
                    1.0
                }
            };
            let sd = ck.non_negative(
                &dp.key("rate_sd"),
                d.rate_sd.unwrap_or(0.0),
                "spread of the rate",
            );
            DriftModel::Linear {
                rate_per_day: rate,
                rate_sd: sd,
            }
        }
        other => {
            ck.report(
                &dp.key("model"),
                format!("found \"{other}\", expected one of \"random_walk\", \"linear\""),
            );
            DriftModel::RandomWalk { sd_per_day: 1.0 }
        }
    }
}
