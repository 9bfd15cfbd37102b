//! A firmware bug: a latent defect firing as a Poisson process per device until its fix
//! reaches the device, `[device_class.firmware_bug]`; simulated by `sim/mechanisms/firmware.rs`.

use rand_distr::Exp;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, exp};
use crate::scenario::kinds::{DAYS_PER_YEAR, Role};
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{Consequence, RawHarm, consequence};

/// `[device_class.firmware_bug]`: a latent defect firing as a Poisson process until fixed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFirmwareBug {
    /// Firing rate per device-year.
    pub rate_per_device_year: f64,
    /// The fix, if one is released.
    #[serde(default)]
    pub fix: Option<RawFix>,
    /// Who caused it (default: software_vendor).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Consequence of a firing.
    pub harm: RawHarm,
}

/// A firmware fix: released after a delay, then adopted device by device.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFix {
    /// Days from day 0 until the fix is released.
    pub release_after_days: f64,
    /// Probability per day that a device not yet updated installs the fix, in (0, 1].
    pub adoption_per_day: f64,
}

/// Firmware defect: a Poisson process per device until the fix reaches it.
#[derive(Debug, Clone)]
pub struct FirmwareBug {
    pub rate_per_day: f64,
    /// Days between firings; `None` when the rate is zero.
    pub between_firings: Option<Exp<f64>>,
    pub fix: Option<Fix>,
    pub consequence: Consequence,
}

/// Fix release and adoption.
#[derive(Debug, Clone, Copy)]
pub struct Fix {
    pub release_day: f64,
    /// Continuous adoption hazard per day, −ln(1 − adoption per day).
    pub adoption_rate: f64,
    /// Delay from release to a device's update; `None` when every device updates at once.
    pub adoption_delay: Option<Exp<f64>>,
}

impl FirmwareBug {
    /// Expected firings on one device over `days` days: until the fix has reached the device
    /// on average (its release plus the mean adoption delay), or the whole time. For the
    /// memory estimate.
    pub fn expected_incidents(&self, days: f64) -> f64 {
        let exposed = self
            .fix
            .map_or(days, |f| (f.release_day + 1.0 / f.adoption_rate).min(days));
        self.rate_per_day * exposed
    }
}

/// Checks `[device_class.firmware_bug]`.
pub fn check(
    ck: &mut Checker,
    class: &Resolver,
    fp: &FieldPath,
    f: &RawFirmwareBug,
) -> FirmwareBug {
    ck.rate_per_year(
        &fp.key("rate_per_device_year"),
        f.rate_per_device_year,
        "firings per device-year",
    );
    let fix = f.fix.as_ref().map(|x| fix(ck, &fp.key("fix"), x));
    let who = class.culprit(
        ck,
        &fp.key("root_cause"),
        f.root_cause.as_deref(),
        Role::SoftwareVendor,
        None,
    );
    let rate_per_day = f.rate_per_device_year / DAYS_PER_YEAR;
    FirmwareBug {
        between_firings: exp(rate_per_day),
        rate_per_day,
        fix,
        consequence: consequence(ck, &fp.key("harm"), &f.harm, who),
    }
}

/// Checks a bug's fix.
fn fix(ck: &mut Checker, xp: &FieldPath, x: &RawFix) -> Fix {
    ck.non_negative(&xp.key("release_after_days"), x.release_after_days, "days");
    let adoption_rate = ck.adoption(&xp.key("adoption_per_day"), x.adoption_per_day);
    Fix {
        release_day: x.release_after_days,
        adoption_rate,
        adoption_delay: exp(adoption_rate),
    }
}
