//! `[device_class.fleet]`: a class's fleet in calendar time: the installed base at the start
//! (by age or by install year), the units sold in each year of the horizon, and the service life
//! after which a device is decommissioned. Without it, a class is one cohort of `count` new
//! devices placed on day 0 that never retires for age.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::Checker;
use super::kinds::{DAYS_PER_YEAR, MAX_COUNT};
use super::path::FieldPath;

/// Oldest installed-base age accepted, in years.
const MAX_AGE_YEARS: i64 = 200;

/// An age whose survival is below this is one the service life does not allow: practically no
/// device of the class lives that long.
const MIN_SURVIVAL: f64 = 1e-6;

/// `[device_class.fleet]`: installed base, sales and service life. Every field is optional.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFleet {
    /// Devices in service on the first day, each row by `age_years` or by `install_year`.
    #[serde(default)]
    pub installed_base: Vec<RawBaseRow>,
    /// Units placed on the market in each year of the horizon, from the first (missing years
    /// sell none).
    #[serde(default)]
    pub sales: Option<Vec<i64>>,
    /// Sales as a rule: `first_year` units in the first year, growing by `annual_growth` a year.
    #[serde(default)]
    pub sales_growth: Option<RawSalesGrowth>,
    /// Time in service after which a device is decommissioned.
    #[serde(default)]
    pub service_life: Option<RawServiceLife>,
}

/// One row of the installed base.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawBaseRow {
    /// Age in whole years on the first day (age last birthday: the devices' ages spread
    /// uniformly over `age_years` to `age_years + 1`).
    #[serde(default)]
    pub age_years: Option<i64>,
    /// Calendar year the devices were installed in (needs `[simulation] start_year`); their
    /// install days spread uniformly over that year.
    #[serde(default)]
    pub install_year: Option<i64>,
    /// Devices in the row.
    pub count: i64,
}

/// `sales_growth`: a growth rule for sales.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSalesGrowth {
    /// Units sold in the first year of the horizon.
    pub first_year: i64,
    /// Yearly growth as a fraction (0.05: 5 % more each year; negative: a decline).
    #[serde(default)]
    pub annual_growth: f64,
}

/// `service_life`: exponential (`mean_years`) or Weibull (`shape`, `scale_years`), optionally
/// cut at `max_years`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawServiceLife {
    /// Mean service life in years (an exponential life).
    #[serde(default)]
    pub mean_years: Option<f64>,
    /// Weibull shape of the service life.
    #[serde(default)]
    pub shape: Option<f64>,
    /// Weibull scale of the service life, in years.
    #[serde(default)]
    pub scale_years: Option<f64>,
    /// Hard end of life in years: no device serves longer (e.g. the end of support).
    #[serde(default)]
    pub max_years: Option<f64>,
}

/// Devices whose placing days spread uniformly over `[from, to)` (days from the start of the
/// horizon; negative: before it). Cohorts are numbered in device order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cohort {
    pub from: f64,
    pub to: f64,
    pub count: u32,
}

/// A service life: Weibull (shape 1 is exponential) in days, cut at `max_days`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLife {
    pub shape: f64,
    pub scale_days: f64,
    /// Infinity: no hard end.
    pub max_days: f64,
}

impl ServiceLife {
    /// Probability of serving past `age` days.
    pub fn survival(&self, age: f64) -> f64 {
        if age >= self.max_days {
            return 0.0;
        }
        (-(age.max(0.0) / self.scale_days).powf(self.shape)).exp()
    }

    /// Mean service life in days (a Weibull's mean, ignoring the cut, or the cut's effect by
    /// numeric integration of the survival when there is one).
    pub fn mean_days(&self) -> f64 {
        if self.max_days.is_infinite() {
            return self.scale_days * libm::tgamma(1.0 + 1.0 / self.shape);
        }
        let n = 4096;
        let h = self.max_days / f64::from(n);
        (0..n)
            .map(|i| self.survival((f64::from(i) + 0.5) * h) * h)
            .sum()
    }

    /// The life of a device that has served `age` days, given `e`, a draw of Exp(1): the
    /// Weibull conditioned on passing `age` (S(t)/S(age) = exp(−e) inverted), then cut.
    pub fn life_given(&self, age: f64, e: f64) -> f64 {
        let a = age.max(0.0) / self.scale_days;
        let t = self.scale_days * (a.powf(self.shape) + e).powf(1.0 / self.shape);
        t.min(self.max_days)
    }
}

/// A class's fleet: its cohorts in device order and its service life.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    pub cohorts: Vec<Cohort>,
    pub service_life: Option<ServiceLife>,
}

impl Fleet {
    /// Devices ever in service.
    pub fn count(&self) -> u64 {
        self.cohorts.iter().map(|c| u64::from(c.count)).sum()
    }

    /// The cohort of the `index`-th device of the class.
    pub fn cohort_of(&self, index: u32) -> &Cohort {
        let mut left = index;
        for c in &self.cohorts {
            if left < c.count {
                return c;
            }
            left -= c.count;
        }
        // Past the end only by a caller's mistake; the last cohort is the safe answer.
        &self.cohorts[self.cohorts.len() - 1]
    }
}

/// What the fleet's check needs to know about the calendar.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    pub start_year: Option<i64>,
    pub horizon_years: i64,
}

/// Checks a class's fleet; `None` when it has problems (each reported).
pub fn check(ck: &mut Checker, fp: &FieldPath, raw: &RawFleet, cal: Calendar) -> Option<Fleet> {
    let before = ck.problems.len();
    let service_life = raw
        .service_life
        .as_ref()
        .and_then(|s| service_life(ck, &fp.key("service_life"), s));
    let mut cohorts = Vec::new();
    for (i, row) in raw.installed_base.iter().enumerate() {
        let rp = fp.key("installed_base").index(i);
        cohorts.extend(base_row(ck, &rp, row, cal, service_life.as_ref()));
    }
    for (year, count) in sales(ck, fp, raw, cal).into_iter().enumerate() {
        let from = year as f64 * DAYS_PER_YEAR;
        cohorts.push(Cohort {
            from,
            to: from + DAYS_PER_YEAR,
            count,
        });
    }
    cohorts.retain(|c| c.count > 0);
    let total: u64 = cohorts.iter().map(|c| u64::from(c.count)).sum();
    if ck.problems.len() == before && !(1..=MAX_COUNT as u64).contains(&total) {
        ck.report(
            fp,
            format!(
                "found {total} devices in the installed base and sales together, expected from 1 to {}",
                MAX_COUNT
            ),
        );
    }
    (ck.problems.len() == before).then_some(Fleet {
        cohorts,
        service_life,
    })
}

/// A count of devices: a whole number from 0 up.
fn count(ck: &mut Checker, path: &FieldPath, n: i64, what: &str) -> u32 {
    if !(0..=MAX_COUNT).contains(&n) {
        ck.report(
            path,
            format!(
                "found {n}, expected a number of {what} from 0 to {}",
                MAX_COUNT
            ),
        );
    }
    n.clamp(0, MAX_COUNT) as u32
}

/// One installed-base row as a cohort.
fn base_row(
    ck: &mut Checker,
    rp: &FieldPath,
    row: &RawBaseRow,
    cal: Calendar,
    life: Option<&ServiceLife>,
) -> Option<Cohort> {
    let n = count(ck, &rp.key("count"), row.count, "devices");
    let age = match (row.age_years, row.install_year) {
        (Some(a), None) => {
            if !(0..=MAX_AGE_YEARS).contains(&a) {
                ck.report(
                    &rp.key("age_years"),
                    format!("found {a}, expected an age in whole years from 0 to {MAX_AGE_YEARS}"),
                );
                return None;
            }
            a
        }
        (None, Some(y)) => {
            let Some(start) = cal.start_year else {
                ck.report(
                    &rp.key("install_year"),
                    "found an install year without [simulation] start_year, expected start_year to be set (or age_years instead)",
                );
                return None;
            };
            if !(start - MAX_AGE_YEARS..start).contains(&y) {
                ck.report(
                    &rp.key("install_year"),
                    format!(
                        "found {y}, expected a year before the start year {start} (from {})",
                        start - MAX_AGE_YEARS
                    ),
                );
                return None;
            }
            start - 1 - y
        }
        _ => {
            ck.report(
                rp,
                "found a row with neither or both of age_years and install_year, expected exactly one",
            );
            return None;
        }
    };
    if let Some(life) = life
        && life.survival(age as f64 * DAYS_PER_YEAR) < MIN_SURVIVAL
    {
        let allowed = (0..=MAX_AGE_YEARS)
            .take_while(|&a| life.survival(a as f64 * DAYS_PER_YEAR) >= MIN_SURVIVAL)
            .last()
            .unwrap_or(0);
        let field = if row.age_years.is_some() {
            "age_years"
        } else {
            "install_year"
        };
        ck.report(
            &rp.key(field),
            format!(
                "found devices {age} years old, which the service life does not allow (fewer than one in a million serve so long), expected an age of at most {allowed} years"
            ),
        );
        return None;
    }
    // Age last birthday: ages spread over [age, age + 1) years, so placing days over the year
    // before.
    let to = -(age as f64) * DAYS_PER_YEAR;
    Some(Cohort {
        from: to - DAYS_PER_YEAR,
        to,
        count: n,
    })
}

/// Units sold in each year of the horizon, from the list or the growth rule.
fn sales(ck: &mut Checker, fp: &FieldPath, raw: &RawFleet, cal: Calendar) -> Vec<u32> {
    let horizon = cal.horizon_years.clamp(1, 1000) as usize;
    match (&raw.sales, &raw.sales_growth) {
        (Some(_), Some(_)) => {
            ck.report(
                &fp.key("sales_growth"),
                "found both sales and sales_growth, expected one of them",
            );
            Vec::new()
        }
        (Some(list), None) => {
            let sp = fp.key("sales");
            if list.len() > horizon {
                ck.report(
                    &sp,
                    format!(
                        "found {} years of sales, expected at most horizon_years = {horizon}",
                        list.len()
                    ),
                );
            }
            list.iter()
                .enumerate()
                .map(|(i, &n)| count(ck, &sp.index(i), n, "units sold in the year"))
                .collect()
        }
        (None, Some(g)) => {
            let gp = fp.key("sales_growth");
            let first = count(ck, &gp.key("first_year"), g.first_year, "units sold");
            if !(g.annual_growth.is_finite() && g.annual_growth > -1.0 && g.annual_growth <= 10.0) {
                ck.report(
                    &gp.key("annual_growth"),
                    format!(
                        "found {}, expected a yearly growth fraction above -1 and at most 10",
                        g.annual_growth
                    ),
                );
                return Vec::new();
            }
            (0..horizon)
                .map(|y| {
                    let n = f64::from(first) * (1.0 + g.annual_growth).powi(y as i32);
                    n.round().min(MAX_COUNT as f64) as u32
                })
                .collect()
        }
        (None, None) => Vec::new(),
    }
}

/// Checks the service life.
fn service_life(ck: &mut Checker, lp: &FieldPath, s: &RawServiceLife) -> Option<ServiceLife> {
    let positive = |x: Option<f64>| x.is_some_and(|v| v.is_finite() && v > 0.0);
    let (shape, scale) = match (s.mean_years, s.shape, s.scale_years) {
        (Some(m), None, None) if positive(Some(m)) => (1.0, m),
        (Some(m), None, None) => {
            ck.report(
                &lp.key("mean_years"),
                format!("found {m}, expected a mean service life in years above 0"),
            );
            return None;
        }
        (None, Some(k), Some(l)) if positive(Some(k)) && positive(Some(l)) => {
            if !(0.1..=20.0).contains(&k) {
                ck.report(
                    &lp.key("shape"),
                    format!("found {k}, expected a Weibull shape from 0.1 to 20"),
                );
                return None;
            }
            (k, l)
        }
        (None, Some(_), Some(_)) => {
            ck.report(
                lp,
                "found a shape or scale_years that is not a positive number, expected both above 0",
            );
            return None;
        }
        _ => {
            ck.report(
                lp,
                "expected either mean_years (an exponential life) or shape and scale_years (a Weibull life)",
            );
            return None;
        }
    };
    let max_days = match s.max_years {
        None => f64::INFINITY,
        Some(m) if m.is_finite() && m > 0.0 => m * DAYS_PER_YEAR,
        Some(m) => {
            ck.report(
                &lp.key("max_years"),
                format!("found {m}, expected a longest service life in years above 0"),
            );
            return None;
        }
    };
    Some(ServiceLife {
        shape,
        scale_days: scale * DAYS_PER_YEAR,
        max_days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_life_inverts_the_conditional_survival() {
        let life = ServiceLife {
            shape: 2.0,
            scale_days: 3650.0,
            max_days: f64::INFINITY,
        };
        // P(T > t | T > a) = S(t)/S(a) = exp(−e) at the returned t.
        for (age, e) in [(0.0, 0.7), (1000.0, 0.1), (5000.0, 2.5)] {
            let t = life.life_given(age, e);
            assert!(t >= age);
            let ratio = life.survival(t) / life.survival(age);
            assert!((ratio - (-e).exp()).abs() < 1e-12, "{age} {e}");
        }
        // The exponential's mean is its scale; the cut one's is the integral of S to the cut.
        let exp = ServiceLife {
            shape: 1.0,
            scale_days: 100.0,
            max_days: f64::INFINITY,
        };
        assert!((exp.mean_days() - 100.0).abs() < 1e-9);
        let cut = ServiceLife {
            max_days: 100.0,
            ..exp
        };
        // A Weibull of shape 3 and scale 3 has mean 3·Γ(4/3) = 3 × 0.892979511569249.
        let weibull = ServiceLife {
            shape: 3.0,
            scale_days: 3.0,
            max_days: f64::INFINITY,
        };
        assert!((weibull.mean_days() - 3.0 * 0.892_979_511_569_249).abs() < 1e-12);
        assert!((cut.mean_days() - 100.0 * (1.0 - (-1f64).exp())).abs() < 1e-3);
    }
}
