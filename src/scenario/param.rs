//! A parameter drawn once per systemic event: a number, a uniform range `{ low, high }` or a
//! lognormal `{ median, sigma }`, with its check (by the bounds of what it means: a share, a
//! duration) and its draw. Shared by the event kinds of `[[event_source]]`.

use rand::RngExt;
use rand_distr::{Distribution, LogNormal};
use schemars::JsonSchema;
use serde::Deserialize;

use super::check::Checker;
use super::path::FieldPath;

/// A parameter as written: a number, or a table of a distribution.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawParam {
    /// The same value for every event.
    Fixed(f64),
    /// A distribution the value is drawn from for each event.
    Drawn(RawDrawn),
}

/// `{ low, high }` (uniform) or `{ median, sigma }` (lognormal).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDrawn {
    /// Lower end of a uniform range (with `high`).
    pub low: Option<f64>,
    /// Upper end of a uniform range (with `low`).
    pub high: Option<f64>,
    /// Median of a lognormal (with `sigma`).
    pub median: Option<f64>,
    /// Standard deviation of the log of a lognormal (with `median`).
    pub sigma: Option<f64>,
}

impl<'de> Deserialize<'de> for RawParam {
    /// By hand rather than `untagged`, so that a wrong type is answered with what is expected
    /// instead of "data did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawParam;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, { low, high } or { median, sigma }")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawParam, E> {
                Ok(RawParam::Fixed(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawParam, A::Error> {
                RawDrawn::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawParam::Drawn)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A checked parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Param {
    Fixed(f64),
    Uniform { low: f64, high: f64 },
    LogNormal { median: f64, sigma: f64 },
}

/// What a parameter may be.
#[derive(Debug, Clone, Copy)]
pub enum Bounds {
    /// A share in [0, 1]: a number or a uniform range within it.
    Share,
    /// A number ≥ 0 (`what` says of what): a number, a uniform range or a lognormal.
    NonNegative(&'static str),
}

impl Param {
    /// The mean of the value, for the memory estimate.
    pub fn mean(&self) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Uniform { low, high } => (low + high) / 2.0,
            Param::LogNormal { median, sigma } => median * (sigma * sigma / 2.0).exp(),
        }
    }

    /// The parameter in other units: every value times `k` (a lognormal's median scales, its
    /// σ does not).
    pub fn scaled(self, k: f64) -> Param {
        match self {
            Param::Fixed(v) => Param::Fixed(v * k),
            Param::Uniform { low, high } => Param::Uniform {
                low: low * k,
                high: high * k,
            },
            Param::LogNormal { median, sigma } => Param::LogNormal {
                median: median * k,
                sigma,
            },
        }
    }

    /// One event's value.
    pub fn sample(&self, rng: &mut impl rand::Rng) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Uniform { low, high } => {
                let u: f64 = rng.random();
                low + u * (high - low)
            }
            Param::LogNormal { median, sigma } => {
                LogNormal::new(median.ln(), sigma).map_or(median, |d| d.sample(rng))
            }
        }
    }
}

/// Checks a parameter against its bounds; a problem is reported and a stand-in returned.
pub fn check(ck: &mut Checker, path: &FieldPath, raw: &RawParam, bounds: Bounds) -> Param {
    let within = |v: f64| match bounds {
        Bounds::Share => (0.0..=1.0).contains(&v),
        Bounds::NonNegative(_) => v.is_finite() && v >= 0.0,
    };
    let expected = match bounds {
        Bounds::Share => "a share in [0, 1]".to_owned(),
        Bounds::NonNegative(what) => format!("a number ≥ 0 ({what})"),
    };
    let d = match raw {
        RawParam::Fixed(v) => {
            if !within(*v) {
                ck.report(path, format!("found {v}, expected {expected}"));
            }
            return Param::Fixed(*v);
        }
        RawParam::Drawn(d) => d,
    };
    match (d.low, d.high, d.median, d.sigma) {
        (Some(low), Some(high), None, None) => {
            for (k, v) in [("low", low), ("high", high)] {
                if !within(v) {
                    ck.report(&path.key(k), format!("found {v}, expected {expected}"));
                }
            }
            if low > high {
                ck.report(
                    &path.key("low"),
                    format!("found low {low} above high {high}, expected low ≤ high"),
                );
            }
            Param::Uniform { low, high }
        }
        (None, None, Some(median), Some(sigma)) if matches!(bounds, Bounds::NonNegative(_)) => {
            ck.positive(&path.key("median"), median, "the lognormal's median");
            ck.non_negative(&path.key("sigma"), sigma, "log-space sd");
            Param::LogNormal { median, sigma }
        }
        _ => {
            let forms = match bounds {
                Bounds::Share => "a number or { low, high }",
                Bounds::NonNegative(_) => "a number, { low, high } or { median, sigma }",
            };
            ck.report(
                path,
                format!("found an incomplete or mixed table, expected {forms} ({expected})"),
            );
            Param::Fixed(0.0)
        }
    }
}
