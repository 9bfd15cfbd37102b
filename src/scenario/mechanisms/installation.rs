//! Installation errors: decided at install, by installer, showing after a delay,
//! `[device_class.installation_error]`; simulated by `sim/mechanisms/installation.rs`.

use rand_distr::Exp;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, exp, unit_exp};
use crate::scenario::kinds::Role;
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{Consequence, RawHarm, consequence};

/// `[device_class.installation_error]`: decided at install, shows after a delay.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawInstallationError {
    /// Probability that an install is faulty, for installers not listed in `by_installer`.
    pub probability: f64,
    /// Per-installer probabilities, by party name.
    #[serde(default)]
    pub by_installer: std::collections::BTreeMap<String, f64>,
    /// Mean days from install until the error shows (exponential).
    pub mean_days_to_manifest: f64,
    /// Who caused it (default: installer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Consequence of the error.
    pub harm: RawHarm,
}

/// Installation errors, by installer.
#[derive(Debug, Clone)]
pub struct InstallationError {
    /// Indexed like `Lineage::installers`.
    pub probability_by_installer: Vec<f64>,
    pub mean_days_to_manifest: f64,
    /// Delay from install to the error showing, built once.
    pub manifest_delay: Exp<f64>,
    pub consequence: Consequence,
}

impl InstallationError {
    /// Expected errors of one device: at most one, at the most error-prone installer's
    /// probability. For the memory estimate.
    pub fn expected_incidents(&self) -> f64 {
        self.probability_by_installer
            .iter()
            .copied()
            .fold(0.0, f64::max)
    }
}

/// Checks `[device_class.installation_error]`: its probabilities by installer, which must be
/// the class's installers.
pub fn check(
    ck: &mut Checker,
    class: &Resolver,
    ep: &FieldPath,
    e: &RawInstallationError,
) -> InstallationError {
    let default_p = ck.probability(&ep.key("probability"), e.probability);
    let mut by = vec![default_p; class.installers()];
    for (name, &p) in &e.by_installer {
        let kp = ep.key("by_installer").key(name);
        ck.probability(&kp, p);
        match class.installer_slot(name) {
            Some(s) => by[s] = p,
            None => ck.report(
                &kp,
                format!(
                    "found installer \"{name}\", expected an installer of this class's lineage"
                ),
            ),
        }
    }
    if class.installers() == 0 {
        ck.report(
            ep,
            "found an installation error on a class with no installer, expected lineage.installer or lineage.installers",
        );
    }
    ck.positive(
        &ep.key("mean_days_to_manifest"),
        e.mean_days_to_manifest,
        "days",
    );
    let who = class.culprit(
        ck,
        &ep.key("root_cause"),
        e.root_cause.as_deref(),
        Role::Installer,
        None,
    );
    InstallationError {
        probability_by_installer: by,
        mean_days_to_manifest: e.mean_days_to_manifest,
        manifest_delay: exp(1.0 / e.mean_days_to_manifest).unwrap_or_else(unit_exp),
        consequence: consequence(ck, &ep.key("harm"), &e.harm, who),
    }
}
