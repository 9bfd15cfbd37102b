//! Data theft: records exposed when a device or its back end is breached, with a heavy-tailed
//! number of records, `[device_class.data_theft]`; simulated by `sim/mechanisms/data_theft.rs`.

use rand_distr::{Exp, LogNormal, Pareto};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, Z99, exp, unit_exp, unit_lognormal};
use crate::scenario::kinds::{Culprit, DAYS_PER_YEAR, Role};
use crate::scenario::path::FieldPath;

/// `[device_class.data_theft]`: records exposed by a breach.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDataTheft {
    /// Probability that a breached device (recruited or exploited) leaks its data.
    pub probability_per_breach: f64,
    /// Back-end breaches per year (Poisson), each exposing many devices' records.
    #[serde(default)]
    pub backend_breaches_per_year: Option<f64>,
    /// Records exposed by a device breach.
    pub records: RawRecords,
    /// Records exposed by a back-end breach (default: as `records`).
    #[serde(default)]
    pub backend_records: Option<RawRecords>,
    /// Cost per record exposed.
    pub cost_per_record: f64,
    /// Probability that the responsible party is identified at all.
    pub identified_probability: f64,
    /// Mean days from breach to detection (exponential; IBM 2023: 204).
    #[serde(default)]
    pub detection_days: Option<f64>,
    /// Mean days from detection to containment (exponential; IBM 2023: 73).
    #[serde(default)]
    pub containment_days: Option<f64>,
    /// Role of the responsible party when identified (default manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Rate per day at which a device's data is replenished after it leaked (default 0): a
    /// reinfection in the same outbreak exposes the share 1 − e^{−rate × days since the leak},
    /// so with the default a device's data leaks once per outbreak.
    #[serde(default)]
    pub replenish_per_day: Option<f64>,
}

/// A heavy-tailed count of records: lognormal (`median` and `p99`) or Pareto (`minimum` and
/// `alpha`, the tail exponent).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawRecords {
    pub median: Option<f64>,
    pub p99: Option<f64>,
    pub minimum: Option<f64>,
    pub alpha: Option<f64>,
}

/// A heavy-tailed number of records.
#[derive(Debug, Clone, Copy)]
pub enum RecordSize {
    LogNormal(LogNormal<f64>),
    Pareto(Pareto<f64>),
}

/// Data exposed by breaches.
#[derive(Debug, Clone)]
pub struct DataTheft {
    pub probability_per_breach: f64,
    pub backend_rate_per_day: f64,
    pub records: RecordSize,
    pub backend_records: RecordSize,
    pub cost_per_record: f64,
    pub identified_probability: f64,
    pub detection: Exp<f64>,
    pub containment: Exp<f64>,
    pub culprit: Culprit,
    pub replenish_per_day: f64,
}

impl DataTheft {
    /// The share of a device's records a breach exposes `days` after its data leaked in the
    /// same outbreak: what was replenished since.
    pub fn replenished(&self, days: f64) -> f64 {
        -(-self.replenish_per_day * days.max(0.0)).exp_m1()
    }

    /// Expected thefts of a class over `days` days, given its expected device `breaches`
    /// (recruitments and targeted attacks): each breach leaks with its probability, each
    /// back-end breach always does. For the memory estimate.
    pub fn expected_incidents(&self, breaches: f64, days: f64) -> f64 {
        breaches * self.probability_per_breach + self.backend_rate_per_day * days
    }
}

/// Checks `[device_class.data_theft]`.
pub fn check(ck: &mut Checker, class: &Resolver, dp: &FieldPath, d: &RawDataTheft) -> DataTheft {
    let records = self::records(ck, &dp.key("records"), &d.records);
    let backend_records = d.backend_records.as_ref().map_or(records, |r| {
        self::records(ck, &dp.key("backend_records"), r)
    });
    let detection = d.detection_days.unwrap_or(204.0);
    let containment = d.containment_days.unwrap_or(73.0);
    ck.positive(&dp.key("detection_days"), detection, "mean days");
    ck.positive(&dp.key("containment_days"), containment, "mean days");
    DataTheft {
        probability_per_breach: ck
            .probability(&dp.key("probability_per_breach"), d.probability_per_breach),
        backend_rate_per_day: ck.rate_per_year(
            &dp.key("backend_breaches_per_year"),
            d.backend_breaches_per_year.unwrap_or(0.0),
            "breaches per year",
        ) / DAYS_PER_YEAR,
        records,
        backend_records,
        cost_per_record: ck.non_negative(
            &dp.key("cost_per_record"),
            d.cost_per_record,
            "money per record",
        ),
        identified_probability: ck
            .probability(&dp.key("identified_probability"), d.identified_probability),
        detection: exp(1.0 / detection).unwrap_or_else(unit_exp),
        containment: exp(1.0 / containment).unwrap_or_else(unit_exp),
        culprit: class.culprit(
            ck,
            &dp.key("root_cause"),
            d.root_cause.as_deref(),
            Role::Manufacturer,
            None,
        ),
        replenish_per_day: ck.non_negative(
            &dp.key("replenish_per_day"),
            d.replenish_per_day.unwrap_or(0.0),
            "rate per day",
        ),
    }
}

/// Reads a record-count distribution: lognormal (median, p99) or Pareto (minimum, alpha).
fn records(ck: &mut Checker, path: &FieldPath, r: &RawRecords) -> RecordSize {
    let fallback = RecordSize::LogNormal(unit_lognormal());
    match (r.median, r.p99, r.minimum, r.alpha) {
        (Some(median), Some(p99), None, None) => {
            if !(median > 0.0 && p99 > median && p99.is_finite()) {
                ck.report(
                    path,
                    format!("found median {median} and p99 {p99}, expected 0 < median < p99"),
                );
                return fallback;
            }
            LogNormal::new(median.ln(), (p99 / median).ln() / Z99)
                .map_or(fallback, RecordSize::LogNormal)
        }
        (None, None, Some(minimum), Some(alpha)) => {
            ck.positive(&path.key("minimum"), minimum, "records");
            ck.positive(&path.key("alpha"), alpha, "tail exponent");
            Pareto::new(minimum, alpha).map_or(fallback, RecordSize::Pareto)
        }
        _ => {
            ck.report(path, "found an incomplete or mixed set, expected median and p99 (lognormal) or minimum and alpha (Pareto)");
            fallback
        }
    }
}
