//! What every part of validation shares: the [`Checker`] that collects [`Problem`]s instead of
//! stopping at the first, its checks of numbers and names, and the [`Resolver`] that turns the
//! names a file writes (parties, roles, components) into indices, reporting the ones that do
//! not resolve.
//!
//! Each part of a scenario (a mechanism, a contract, the simulation settings) checks its own
//! raw shape with these, so the wording of a message ("found X, expected Y") is written once.

use std::collections::HashMap;

use rand_distr::{Exp, LogNormal, Weibull};

use super::kinds::{
    Component, Culprit, FaultKind, FaultSet, HarmKind, HarmSet, Lineage, PartyId, Role,
};
use super::path::FieldPath;
use super::shape::did_you_mean;

/// Largest rate per year (or per device-year) of a counted event: vulnerabilities, firmware
/// firings, targeted attacks, back-end breaches. Over the longest horizon (1,000 years) that is
/// about a million events per device or class, far within the 32-bit counters that key them.
pub const MAX_RATE_PER_YEAR: f64 = 1_000.0;

/// z such that Φ(z) = 0.99, to turn a median and a 99th percentile into σ.
pub const Z99: f64 = 2.326_347_874_040_840_8;

/// A problem found, before it is located in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: FieldPath,
    pub message: String,
}

/// Collects the problems of a scenario; every check reports and goes on, returning the value
/// (or a stand-in) so that the checks after it still run.
#[derive(Default)]
pub struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    pub fn report(&mut self, path: &FieldPath, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.clone(),
            message: message.into(),
        });
    }

    /// A finite number strictly greater than zero.
    pub fn positive(&mut self, path: &FieldPath, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.report(
                path,
                format!("found {v}, expected a positive number ({what})"),
            );
        } else {
            self.within_money_bound(path, v, what);
        }
        v
    }

    /// A finite number at least zero.
    pub fn non_negative(&mut self, path: &FieldPath, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && v >= 0.0) {
            self.report(path, format!("found {v}, expected a number ≥ 0 ({what})"));
        } else {
            self.within_money_bound(path, v, what);
        }
        v
    }

    /// An amount of money ("money …" in `what`) no larger than the books' largest single
    /// amount, so that every amount the terms name is booked as written.
    fn within_money_bound(&mut self, path: &FieldPath, v: f64, what: &str) {
        if what.starts_with("money") && v > crate::money::MAX_UNITS {
            self.report(
                path,
                format!(
                    "found {v}, expected at most 1e15 ({what}; the largest single amount the books take)"
                ),
            );
        }
    }

    /// A probability in [0, 1].
    pub fn probability(&mut self, path: &FieldPath, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.report(path, format!("found {v}, expected a probability in [0, 1]"));
        }
        v
    }

    /// A share in [0, 1].
    pub fn share(&mut self, path: &FieldPath, v: f64) -> f64 {
        if !(0.0..=1.0).contains(&v) {
            self.report(path, format!("found {v}, expected a share in [0, 1]"));
        }
        v
    }

    /// A rate of counted events per year (or per device-year): ≥ 0 and at most
    /// [`MAX_RATE_PER_YEAR`].
    pub fn rate_per_year(&mut self, path: &FieldPath, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && (0.0..=MAX_RATE_PER_YEAR).contains(&v)) {
            self.report(
                path,
                format!("found {v}, expected a number from 0 to {MAX_RATE_PER_YEAR} ({what})"),
            );
        }
        v
    }

    /// A count written as a number: a whole number from `min` to `max`.
    pub fn whole(&mut self, path: &FieldPath, v: f64, min: f64, max: f64, what: &str) -> f64 {
        if !(v.is_finite() && v.fract() == 0.0 && v >= min && v <= max) {
            self.report(
                path,
                format!("found {v}, expected a whole number of {what} from {min} to {max}"),
            );
        }
        v
    }

    /// A probability per day that a device not yet updated installs an update (a fix, a
    /// patch), in (0, 1], as the continuous adoption hazard per day, −ln(1 − p): infinite
    /// when every device updates at once.
    pub fn adoption(&mut self, path: &FieldPath, per_day: f64) -> f64 {
        if !(per_day > 0.0 && per_day <= 1.0) {
            self.report(
                path,
                format!("found {per_day}, expected a probability per day in (0, 1]"),
            );
        }
        if per_day >= 1.0 {
            f64::INFINITY
        } else {
            -(1.0 - per_day).ln()
        }
    }

    /// A name parsed into its kind, or reported with the names `expected` lists.
    pub fn parse<T>(
        &mut self,
        path: &FieldPath,
        s: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let v = parse(s);
        if v.is_none() {
            self.report(path, format!("found \"{s}\", expected {}", expected()));
        }
        v
    }

    /// A list of names, each parsed and none twice.
    pub fn names<T>(
        &mut self,
        path: &FieldPath,
        list: &[String],
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let at = path.index(i);
            if list[..i].contains(s) {
                self.report(&at, format!("found \"{s}\" again, expected each name once"));
            } else if let Some(v) = self.parse(&at, s, parse, expected) {
                out.push(v);
            }
        }
        out
    }

    /// A list of fault kinds.
    pub fn faults(&mut self, path: &FieldPath, list: &[String]) -> FaultSet {
        FaultSet::of(&self.names(path, list, FaultKind::parse, FaultKind::expected))
    }

    /// A list of harm kinds.
    pub fn harms(&mut self, path: &FieldPath, list: &[String]) -> HarmSet {
        HarmSet::of(&self.names(path, list, HarmKind::parse, HarmKind::expected))
    }
}

/// The message for an insurer named where a lineage role is expected.
pub fn not_in_lineage() -> String {
    format!(
        "found \"insurer\", expected a role of the supply chain (an insurer writes insurance layers and is in no lineage): {}",
        chain_expected()
    )
}

/// The roles of the supply chain: every role but insurer.
pub fn chain_roles() -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|&r| r != Role::Insurer)
        .collect()
}

/// The roles of the supply chain, for error messages.
pub fn chain_expected() -> String {
    let names: Vec<String> = chain_roles().iter().map(|r| format!("\"{r}\"")).collect();
    format!("one of {}", names.join(", "))
}

/// An exponential with this rate, if the rate is positive and finite.
pub fn exp(rate: f64) -> Option<Exp<f64>> {
    (rate > 0.0 && rate.is_finite())
        .then(|| Exp::new(rate).ok())
        .flatten()
}

// Stand-ins used only after a problem has been reported, so that validation can go on and
// collect the rest; a scenario with any problem is never run.
pub fn unit_exp() -> Exp<f64> {
    Exp::new(1.0).unwrap_or_else(|_| unreachable!("rate 1 is valid"))
}

pub fn unit_weibull() -> Weibull<f64> {
    Weibull::new(1.0, 1.0).unwrap_or_else(|_| unreachable!("scale and shape 1 are valid"))
}

pub fn unit_lognormal() -> LogNormal<f64> {
    LogNormal::new(0.0, 1.0).unwrap_or_else(|_| unreachable!("mu 0, sigma 1 are valid"))
}

/// The declared parties as names resolve against them, read from `[[party]]`.
#[derive(Debug, Default)]
pub struct Parties<'a> {
    /// Each party's index by name; a repeated name keeps its first.
    pub index: HashMap<&'a str, PartyId>,
    /// Every party's name as written, in file order (an index of a [`PartyId`]).
    pub names: Vec<&'a str>,
    /// Every party's roles (one or several); `None` where they were wrong (reported once,
    /// where they stand, and not again at their uses).
    pub roles: Vec<Option<Vec<Role>>>,
}

/// Resolves the names a scenario writes: parties with the roles they must have, and, inside a
/// device class, its components, the culprit of a fault (its root-cause role in the class's
/// lineage) and its installers. Every name that does not resolve is reported, with a hint.
#[derive(Debug, Clone, Copy)]
pub struct Resolver<'a> {
    parties: &'a Parties<'a>,
    class: Option<ClassScope<'a>>,
}

/// A device class as its faults see it.
#[derive(Debug, Clone, Copy)]
struct ClassScope<'a> {
    lineage: &'a Lineage,
    components: &'a [Component],
    /// Roles the lineage names, even where the name did not resolve (already reported).
    named: &'a [Role],
}

impl<'a> Resolver<'a> {
    pub fn new(parties: &'a Parties<'a>) -> Self {
        Self {
            parties,
            class: None,
        }
    }

    /// The resolver inside a device class with this lineage and these components.
    pub fn in_class(
        self,
        lineage: &'a Lineage,
        components: &'a [Component],
        named: &'a [Role],
    ) -> Self {
        Self {
            class: Some(ClassScope {
                lineage,
                components,
                named,
            }),
            ..self
        }
    }

    /// The party named `name`, which must have one of `roles` (a party with several roles
    /// needs only one of them to fill the slot); an unknown name or a wrong role is reported,
    /// with the roles the party has.
    pub fn party(
        &self,
        ck: &mut Checker,
        path: &FieldPath,
        name: &str,
        roles: &[Role],
    ) -> Option<PartyId> {
        let wanted = if roles == chain_roles().as_slice() {
            "any role but insurer".to_owned()
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            format!("role {}", names.join(" or "))
        };
        match self.parties.index.get(name) {
            None => {
                ck.report(
                    path,
                    format!(
                        "no party named \"{name}\", expected a declared [[party]] with {wanted}{}",
                        did_you_mean(name, self.parties.names.iter().copied())
                    ),
                );
                None
            }
            Some(&id) => {
                if let Some(has) = &self.parties.roles[usize::from(id)]
                    && !has.iter().any(|r| roles.contains(r))
                {
                    let names: Vec<&str> = has.iter().map(|r| r.name()).collect();
                    let plural = if has.len() > 1 { "s" } else { "" };
                    ck.report(
                        path,
                        format!(
                            "found party \"{name}\" with role{plural} {}, expected a party with {wanted}",
                            names.join(" and ")
                        ),
                    );
                }
                Some(id)
            }
        }
    }

    /// The class's components.
    fn components(&self) -> &'a [Component] {
        self.class.map_or(&[], |c| c.components)
    }

    /// The index of the class's component named `name`.
    pub fn component(&self, ck: &mut Checker, path: &FieldPath, name: &str) -> Option<usize> {
        let components = self.components();
        let found = components.iter().position(|k| k.name == name);
        if found.is_none() {
            ck.report(
                path,
                format!(
                    "no component named \"{name}\", expected a name from [[device_class.component]]{}",
                    did_you_mean(name, components.iter().map(|k| k.name.as_str()))
                ),
            );
        }
        found
    }

    /// The slot, in the class's installers, of the installer named `name`.
    pub fn installer_slot(&self, name: &str) -> Option<usize> {
        let installers = self.class.map_or(&[][..], |c| &c.lineage.installers);
        installers
            .iter()
            .position(|&(id, _)| self.parties.names[usize::from(id)] == name)
    }

    /// The number of the class's installers.
    pub fn installers(&self) -> usize {
        self.class.map_or(0, |c| c.lineage.installers.len())
    }

    /// The culprit of a fault: its root-cause role (`cause` as written, else `default`)
    /// resolved in the class's lineage; `component` names the supplier when the cause is
    /// `component_supplier`.
    pub fn culprit(
        &self,
        ck: &mut Checker,
        path: &FieldPath,
        cause: Option<&str>,
        default: Role,
        component: Option<usize>,
    ) -> Culprit {
        // The wording says whether the user wrote the cause or it is the fault's default.
        let (cause, what) = match cause {
            None => (
                default,
                format!("{default} (the default root cause of this fault)"),
            ),
            Some(s) => match ck.parse(path, s, Role::parse, chain_expected) {
                Some(c) => (c, c.to_string()),
                None => return Culprit::DeviceInstaller,
            },
        };
        let named = self.class.map_or(&[][..], |c| c.named);
        match cause {
            Role::ComponentSupplier => match component {
                Some(k) => Culprit::Party {
                    role: Role::ComponentSupplier,
                    party: self.components()[k].supplier,
                },
                None => {
                    ck.report(
                        path,
                        format!(
                            "found {what}, expected a cause with a named component (set `component`) or another role"
                        ),
                    );
                    Culprit::DeviceInstaller
                }
            },
            Role::Insurer => {
                ck.report(path, not_in_lineage());
                Culprit::DeviceInstaller
            }
            Role::Installer => {
                if !named.contains(&Role::Installer) {
                    ck.report(
                        path,
                        format!(
                            "found {what}, expected lineage.installer or lineage.installers to name one"
                        ),
                    );
                }
                Culprit::DeviceInstaller
            }
            other => match self.class.and_then(|c| c.lineage.party(other)) {
                Some(party) => Culprit::Party { role: other, party },
                None => {
                    // A named but unresolved lineage entry was reported where it stands.
                    if !named.contains(&other) {
                        ck.report(
                            path,
                            format!(
                                "found {what}, expected a role this class's lineage names (add lineage.{other})"
                            ),
                        );
                    }
                    Culprit::DeviceInstaller
                }
            },
        }
    }
}
