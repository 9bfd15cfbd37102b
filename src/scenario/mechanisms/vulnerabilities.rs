//! Vulnerabilities of the shipped software: disclosed as a Poisson process, each with an
//! exploit and a patch, and targeted attacks on unpatched devices,
//! `[device_class.vulnerabilities]`; simulated by `sim/mechanisms/vulnerabilities.rs`.

use rand_distr::Exp;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, exp, unit_exp};
use crate::scenario::kinds::{DAYS_PER_YEAR, Role};
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{Consequence, RawHarm, consequence};

/// `[device_class.vulnerabilities]`: flaws found in the shipped software.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawVulnerabilities {
    /// Vulnerabilities disclosed per year (Poisson).
    pub per_year: f64,
    /// Mean days from disclosure to a working exploit (exponential).
    pub exploit_delay_days: f64,
    /// Mean days from disclosure to the vendor's patch (exponential).
    pub patch_delay_days: f64,
    /// Probability per day that a device not yet patched installs an available patch.
    pub adoption_per_day: f64,
    /// Years from day 0 during which the vendor patches; later flaws are never patched.
    #[serde(default)]
    pub support_years: Option<f64>,
    /// Whether the botnet recruits through an available exploit (default true).
    #[serde(default)]
    pub botnet_uses_exploit: Option<bool>,
    /// Targeted attacks per exploitable device-year.
    #[serde(default)]
    pub targeted_attacks_per_device_year: Option<f64>,
    /// Consequence of a targeted attack (e.g. injury for a car or a medical device).
    #[serde(default)]
    pub harm: Option<RawHarm>,
    /// Role of the responsible party (default software_vendor).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
}

/// Vulnerabilities of the shipped software.
#[derive(Debug, Clone)]
pub struct Vulnerabilities {
    pub rate_per_day: f64,
    pub exploit_delay: Exp<f64>,
    pub patch_delay: Exp<f64>,
    /// Continuous adoption hazard per day.
    pub adoption_rate: f64,
    /// Delay from patch release to a device's update; `None` when every device updates at once.
    pub adoption_delay: Option<Exp<f64>>,
    /// Flaws disclosed on or after this day are never patched.
    pub support_end_day: f64,
    pub botnet_uses_exploit: bool,
    pub attack_rate_per_day: f64,
    /// Consequence of a targeted attack; `None`: attacks do no harm of their own.
    pub consequence: Option<Consequence>,
}

impl Vulnerabilities {
    /// Expected vulnerabilities disclosed over `days` days (one list for the whole class).
    pub fn expected_disclosed(&self, days: f64) -> f64 {
        self.rate_per_day * days
    }

    /// Expected targeted attacks on one device over `days` days, the upper bound of an always
    /// exploitable device. For the memory estimate.
    pub fn expected_incidents(&self, days: f64) -> f64 {
        self.attack_rate_per_day * days
    }
}

/// Checks `[device_class.vulnerabilities]`.
pub fn check(
    ck: &mut Checker,
    class: &Resolver,
    vp: &FieldPath,
    v: &RawVulnerabilities,
) -> Vulnerabilities {
    ck.rate_per_year(&vp.key("per_year"), v.per_year, "vulnerabilities per year");
    ck.positive(
        &vp.key("exploit_delay_days"),
        v.exploit_delay_days,
        "mean days",
    );
    ck.positive(&vp.key("patch_delay_days"), v.patch_delay_days, "mean days");
    let adoption_rate = ck.adoption(&vp.key("adoption_per_day"), v.adoption_per_day);
    let support_end_day = v.support_years.map_or(f64::INFINITY, |y| {
        ck.non_negative(&vp.key("support_years"), y, "years") * DAYS_PER_YEAR
    });
    let attacks = ck.rate_per_year(
        &vp.key("targeted_attacks_per_device_year"),
        v.targeted_attacks_per_device_year.unwrap_or(0.0),
        "attacks per device-year",
    );
    let who = class.culprit(
        ck,
        &vp.key("root_cause"),
        v.root_cause.as_deref(),
        Role::SoftwareVendor,
        None,
    );
    let consequence = v
        .harm
        .as_ref()
        .map(|h| consequence(ck, &vp.key("harm"), h, who));
    if attacks > 0.0 && consequence.is_none() {
        ck.report(
            &vp.key("harm"),
            "found nothing, expected the harm of a targeted attack (targeted_attacks_per_device_year is set)",
        );
    }
    Vulnerabilities {
        rate_per_day: v.per_year / DAYS_PER_YEAR,
        exploit_delay: exp(1.0 / v.exploit_delay_days).unwrap_or_else(unit_exp),
        patch_delay: exp(1.0 / v.patch_delay_days).unwrap_or_else(unit_exp),
        adoption_rate,
        adoption_delay: exp(adoption_rate),
        support_end_day,
        botnet_uses_exploit: v.botnet_uses_exploit.unwrap_or(true),
        attack_rate_per_day: attacks / DAYS_PER_YEAR,
        consequence,
    }
}
