//! A faulty update pushed to a fleet, `[event_source.faulty_update]`: each device in service at
//! the push installs it with probability `install_share` at a time uniform in the rollout
//! window, unless the release was pulled first; a share `harm_share` of those that installed it
//! are harmed (bricked, mis-reading, stopped), each with a lognormal loss. Simulated by
//! `sim/mechanisms/faulty_update.rs`.

use rand_distr::LogNormal;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::Checker;
use crate::scenario::kinds::{HarmKind, Role};
use crate::scenario::param::{self, Bounds, Param, RawParam};
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{RawSeverity, Severity, loss};
use crate::scenario::targets::{self, Targets};

/// `[event_source.faulty_update]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFaultyUpdate {
    /// The classes the release is pushed to (default: every class).
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// Days over which devices install it (each at a uniform time in the window).
    pub rollout_days: f64,
    /// Days from the push until the release is pulled (default: never, within the rollout).
    #[serde(default)]
    pub pulled_after_days: Option<f64>,
    /// Share of the devices in service at the push that take it: a number, or
    /// `{ low, high }` drawn per event.
    pub install_share: RawParam,
    /// Share of the devices that installed it that are harmed: a number or `{ low, high }`.
    pub harm_share: RawParam,
    /// Role, in each class's lineage, that caused it (default: software_vendor).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// What a harmed device suffers.
    pub harm: RawUpdateHarm,
}

/// `[event_source.faulty_update.harm]`: the kind of harm and its lognormal severity (every
/// harmed device is harmed: the probability is `harm_share`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawUpdateHarm {
    /// The kind of harm.
    #[schemars(with = "HarmKind")]
    pub kind: String,
    /// Money lost per harmed device.
    pub severity: RawSeverity,
}

/// A checked faulty update.
#[derive(Debug, Clone)]
pub struct FaultyUpdate {
    pub targets: Targets,
    pub rollout_days: f64,
    /// Days from the push to the pull (infinity: never pulled).
    pub pulled_after_days: f64,
    pub install_share: Param,
    pub harm_share: Param,
    pub harm: HarmKind,
    pub severity: Severity,
    pub loss: LogNormal<f64>,
}

impl FaultyUpdate {
    /// The chance that a device taking the update installs it before the pull: the share of
    /// the uniform rollout window before it.
    pub fn before_pull(&self) -> f64 {
        if self.rollout_days <= 0.0 {
            f64::from(u8::from(self.pulled_after_days > 0.0))
        } else {
            (self.pulled_after_days / self.rollout_days).clamp(0.0, 1.0)
        }
    }

    /// Days from the push until the last install: the pull, or the end of the rollout.
    pub fn days(&self) -> f64 {
        self.pulled_after_days.min(self.rollout_days)
    }

    /// Expected harmed devices per device in service at the push, for the memory estimate
    /// and the tests: install share × chance before the pull × harm share.
    pub fn expected_harmed(&self) -> f64 {
        self.install_share.mean() * self.before_pull() * self.harm_share.mean()
    }
}

/// Checks `[event_source.faulty_update]`; its classes are resolved with [`targets::resolve`].
pub fn check(ck: &mut Checker, p: &FieldPath, r: &RawFaultyUpdate) -> FaultyUpdate {
    let targets = targets::read(
        ck,
        p,
        r.classes.as_deref(),
        r.root_cause.as_deref(),
        Role::SoftwareVendor,
    );
    let rollout_days = ck.non_negative(&p.key("rollout_days"), r.rollout_days, "days");
    let pulled_after_days = r.pulled_after_days.map_or(f64::INFINITY, |d| {
        ck.non_negative(&p.key("pulled_after_days"), d, "days")
    });
    let install_share = param::check(ck, &p.key("install_share"), &r.install_share, Bounds::Share);
    let harm_share = param::check(ck, &p.key("harm_share"), &r.harm_share, Bounds::Share);
    let hp = p.key("harm");
    let (harm, severity, loss) = loss(ck, &hp, &r.harm.kind, &r.harm.severity);
    FaultyUpdate {
        targets,
        rollout_days,
        pulled_after_days,
        install_share,
        harm_share,
        harm,
        severity,
        loss,
    }
}
