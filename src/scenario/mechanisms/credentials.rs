//! Security posture: how a device's login is protected, whether it is exposed, and how an
//! infected device recovers, `[device_class.security]`; simulated by
//! `sim/mechanisms/credentials.rs` (each device's login at install) and read by the botnet.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver};
use crate::scenario::kinds::Credentials;
use crate::scenario::path::FieldPath;

/// `[device_class.security]`: how the device can be broken into, and how it recovers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSecurity {
    /// `universal_default`, `unique_default`, `weak` or `strong`.
    #[schemars(with = "Credentials")]
    pub credentials: String,
    /// For `weak`: probability that one dictionary attack guesses the password.
    #[serde(default)]
    pub weak_guess_probability: Option<f64>,
    /// Whether its login service (telnet/ssh) is reachable from the internet (default true).
    #[serde(default)]
    pub exposed: Option<bool>,
    /// Share of each installer's devices left on the universal default password, by name.
    #[serde(default)]
    pub installer_leaves_default: std::collections::BTreeMap<String, f64>,
    /// Rate per day at which an infected device is rebooted (clearing an in-memory bot).
    #[serde(default)]
    pub reboot_per_day: Option<f64>,
    /// Rate per day at which notified owners clean an infected device up.
    #[serde(default)]
    pub cleanup_per_day: Option<f64>,
    /// Probability that a clean-up also changes the password to a strong one.
    #[serde(default)]
    pub change_password_on_cleanup: Option<f64>,
}

/// Security posture of a class.
#[derive(Debug, Clone)]
pub struct Security {
    pub credentials: Credentials,
    /// For weak passwords: probability that one dictionary attack succeeds.
    pub weak_guess: f64,
    pub exposed: bool,
    /// By installer slot: share of devices left on the universal default.
    pub leaves_default: Vec<f64>,
    pub reboot_per_day: f64,
    pub cleanup_per_day: f64,
    pub change_password: f64,
}

impl Security {
    /// Whether an outbreak can recruit a device of this posture: exposed, and with a login
    /// that can be guessed, or an exploit (`exploitable`: the class has vulnerabilities).
    pub fn recruitable(&self, exploitable: bool) -> bool {
        self.exposed && (self.credentials != Credentials::Strong || exploitable)
    }

    /// Expected recruitments of a recruitable device over an outbreak of `days` days: once,
    /// and again after each reboot or clean-up. For the memory estimate.
    pub fn recruitments(&self, days: f64) -> f64 {
        1.0 + days * (self.reboot_per_day + self.cleanup_per_day)
    }
}

/// Checks `[device_class.security]`: its shares of default passwords by installer, which must
/// be the class's installers.
pub fn check(ck: &mut Checker, class: &Resolver, sp: &FieldPath, x: &RawSecurity) -> Security {
    let credentials = ck
        .parse(
            &sp.key("credentials"),
            &x.credentials,
            Credentials::parse,
            Credentials::expected,
        )
        .unwrap_or(Credentials::Strong);
    let weak_guess = match (credentials, x.weak_guess_probability) {
        (Credentials::Weak, None) => {
            ck.report(
                &sp.key("weak_guess_probability"),
                "found nothing, expected weak_guess_probability for credentials \"weak\"",
            );
            0.0
        }
        (_, Some(p)) => ck.probability(&sp.key("weak_guess_probability"), p),
        (_, None) => 0.0,
    };
    let mut leaves_default = vec![0.0; class.installers()];
    for (name, &p) in &x.installer_leaves_default {
        let kp = sp.key("installer_leaves_default").key(name);
        ck.probability(&kp, p);
        match class.installer_slot(name) {
            Some(slot) => leaves_default[slot] = p,
            None => ck.report(
                &kp,
                format!(
                    "found installer \"{name}\", expected an installer of this class's lineage"
                ),
            ),
        }
    }
    Security {
        credentials,
        weak_guess,
        exposed: x.exposed.unwrap_or(true),
        leaves_default,
        reboot_per_day: ck.non_negative(
            &sp.key("reboot_per_day"),
            x.reboot_per_day.unwrap_or(0.0),
            "reboots per day",
        ),
        cleanup_per_day: ck.non_negative(
            &sp.key("cleanup_per_day"),
            x.cleanup_per_day.unwrap_or(0.0),
            "clean-ups per day",
        ),
        change_password: ck.probability(
            &sp.key("change_password_on_cleanup"),
            x.change_password_on_cleanup.unwrap_or(0.0),
        ),
    }
}
