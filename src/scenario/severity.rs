//! What an incident does: whether it harms, which harm, how much (a lognormal severity given
//! by one of three parameter pairs) and who caused it. Shared by every fault mechanism.

use rand_distr::LogNormal;
use schemars::JsonSchema;
use serde::Deserialize;

use super::check::{Checker, Z99, unit_lognormal};
use super::kinds::{Culprit, HarmKind};
use super::path::FieldPath;

/// What an incident does: whether it harms, which harm, how much, and whose fault it is.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawHarm {
    /// Probability that an incident causes harm, in [0, 1].
    pub probability: f64,
    /// The kind of harm.
    #[schemars(with = "HarmKind")]
    pub kind: String,
    /// Money lost per harmful incident.
    pub severity: RawSeverity,
}

/// A lognormal severity, given by exactly one of three parameter pairs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSeverity {
    /// Median loss (with `p99`).
    pub median: Option<f64>,
    /// 99th percentile of the loss (with `median`).
    pub p99: Option<f64>,
    /// Mean loss (with `sd`).
    pub mean: Option<f64>,
    /// Standard deviation of the loss (with `mean`).
    pub sd: Option<f64>,
    /// Mean of the log of the loss (with `sigma`).
    pub mu: Option<f64>,
    /// Standard deviation of the log of the loss (with `mu`).
    pub sigma: Option<f64>,
}

/// Lognormal severity in log space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Severity {
    pub mu: f64,
    pub sigma: f64,
}

impl Severity {
    /// The mean loss, exp(μ + σ²/2).
    pub fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }
}

/// What an incident does and who caused it.
#[derive(Debug, Clone, Copy)]
pub struct Consequence {
    pub harm_probability: f64,
    pub harm: HarmKind,
    pub severity: Severity,
    /// The severity as a sampler, built once.
    pub loss: LogNormal<f64>,
    pub culprit: Culprit,
}

/// Checks a fault's `harm`, whose culprit is already resolved.
pub fn consequence(
    ck: &mut Checker,
    path: &FieldPath,
    h: &RawHarm,
    culprit: Culprit,
) -> Consequence {
    let harm_probability = ck.probability(&path.key("probability"), h.probability);
    let (harm, severity, loss) = loss(ck, path, &h.kind, &h.severity);
    Consequence {
        harm_probability,
        harm,
        severity,
        loss,
        culprit,
    }
}

/// Checks a harm's `kind` and `severity` (at `path`): the kind, the severity in log space, and
/// its sampler.
pub fn loss(
    ck: &mut Checker,
    path: &FieldPath,
    kind: &str,
    raw: &RawSeverity,
) -> (HarmKind, Severity, LogNormal<f64>) {
    let harm = ck
        .parse(&path.key("kind"), kind, HarmKind::parse, HarmKind::expected)
        .unwrap_or(HarmKind::Injury);
    let severity = severity(ck, &path.key("severity"), raw);
    let loss = LogNormal::new(severity.mu, severity.sigma).unwrap_or_else(|_| {
        ck.report(
            &path.key("severity"),
            format!(
                "found mu {} and sigma {}, expected a valid lognormal",
                severity.mu, severity.sigma
            ),
        );
        unit_lognormal()
    });
    (harm, severity, loss)
}

/// Reads one of the three lognormal parameterisations.
fn severity(ck: &mut Checker, path: &FieldPath, s: &RawSeverity) -> Severity {
    let given = [
        ("median and p99", s.median.is_some() || s.p99.is_some()),
        ("mean and sd", s.mean.is_some() || s.sd.is_some()),
        ("mu and sigma", s.mu.is_some() || s.sigma.is_some()),
    ];
    let n = given.iter().filter(|g| g.1).count();
    let fallback = Severity {
        mu: 0.0,
        sigma: 1.0,
    };
    if n != 1 {
        ck.report(
            path,
            format!(
                "found {}, expected exactly one pair: median and p99, mean and sd, or mu and sigma",
                if n == 0 {
                    "no parameters".to_owned()
                } else {
                    format!("{n} parameter pairs")
                }
            ),
        );
        return fallback;
    }
    let both =
        |ck: &mut Checker, a: (&str, Option<f64>), b: (&str, Option<f64>)| -> Option<(f64, f64)> {
            for (k, v) in [a, b] {
                if v.is_none() {
                    ck.report(
                        &path.key(k),
                        format!(
                            "found nothing, expected {k} alongside {}",
                            if k == a.0 { b.0 } else { a.0 }
                        ),
                    );
                }
            }
            Some((a.1?, b.1?))
        };
    if let Some((median, p99)) = given[0]
        .1
        .then(|| both(ck, ("median", s.median), ("p99", s.p99)))
        .flatten()
    {
        ck.positive(&path.key("median"), median, "money");
        if !(p99.is_finite() && p99 > median) {
            ck.report(
                &path.key("p99"),
                format!("found {p99}, expected a 99th percentile above the median {median}"),
            );
            return fallback;
        }
        if median > 0.0 {
            return Severity {
                mu: median.ln(),
                sigma: (p99 / median).ln() / Z99,
            };
        }
    } else if let Some((mean, sd)) = given[1]
        .1
        .then(|| both(ck, ("mean", s.mean), ("sd", s.sd)))
        .flatten()
    {
        ck.positive(&path.key("mean"), mean, "money");
        ck.positive(&path.key("sd"), sd, "money");
        if mean > 0.0 && sd > 0.0 {
            let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
            return Severity {
                mu: mean.ln() - sigma2 / 2.0,
                sigma: sigma2.sqrt(),
            };
        }
    } else if let Some((mu, sigma)) = given[2]
        .1
        .then(|| both(ck, ("mu", s.mu), ("sigma", s.sigma)))
        .flatten()
    {
        if !mu.is_finite() {
            ck.report(
                &path.key("mu"),
                format!("found {mu}, expected a finite number"),
            );
        }
        ck.positive(&path.key("sigma"), sigma, "log-space sd");
        return Severity { mu, sigma };
    }
    fallback
}
