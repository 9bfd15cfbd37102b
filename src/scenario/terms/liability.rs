//! `[liability]`: the regime (or several, each allocating the same incidents) and the rules of
//! the law: what it covers, which faults are defects or negligent, proof, the victim's own
//! fault, contribution, delays and time bars.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::Checker;
use crate::scenario::kinds::{DAYS_PER_YEAR, FaultKind, FaultSet, HarmKind, HarmSet, names_schema};
use crate::scenario::path::FieldPath;
use crate::scenario::simulation::RawSimulation;

use super::regime::{self, RawSwitch, Regime, RegimeKind};

/// How the victim's own fault changes the award.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparativeFault {
    /// The award shrinks by the victim's share.
    Pure,
    /// Barred when the victim's share is 50 % or more; otherwise shrinks by it.
    Modified50,
    /// Barred when the victim's share is more than 50 %; otherwise shrinks by it.
    Modified51,
    /// Barred by any fault of the victim.
    Contributory,
}

impl ComparativeFault {
    pub const ALL: [ComparativeFault; 4] = [
        ComparativeFault::Pure,
        ComparativeFault::Modified50,
        ComparativeFault::Modified51,
        ComparativeFault::Contributory,
    ];
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            ComparativeFault::Pure => "pure",
            ComparativeFault::Modified50 => "modified_50",
            ComparativeFault::Modified51 => "modified_51",
            ComparativeFault::Contributory => "contributory",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == s)
    }
    /// The allowed names, for error messages.
    pub fn expected() -> String {
        "one of \"pure\", \"modified_50\", \"modified_51\", \"contributory\"".to_owned()
    }
    /// The share of the damages the victim recovers when its own share of fault is `v`.
    pub fn recovered(self, v: f64) -> f64 {
        let barred = match self {
            ComparativeFault::Pure => false,
            ComparativeFault::Modified50 => v >= 0.5,
            ComparativeFault::Modified51 => v > 0.5,
            ComparativeFault::Contributory => v > 0.0,
        };
        if barred { 0.0 } else { 1.0 - v }
    }
}

names_schema!(
    ComparativeFault,
    "How the victim's own fault changes the award: pure (shrinks by its share), modified_50 \
     (barred at 50 % or more), modified_51 (barred above 50 %), contributory (barred by any)."
);

/// The legal rules of a scenario. The defaults reproduce the root-cause baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct LiabilityTerms {
    /// The regimes to allocate under; the same incidents are allocated under each, in order.
    /// Each may switch to another regime for devices placed on the market from a date on.
    pub regimes: Vec<Regime>,
    /// Harms the law compensates; other harms stay with the victim.
    pub covered_harms: HarmSet,
    /// Faults the law compensates; other faults' harms stay with the victim.
    pub covered_faults: FaultSet,
    /// Strict and joint-and-several: faults that are product defects. Other faults fall back
    /// on the negligence rule.
    pub defects: FaultSet,
    /// Negligence: faults whose occurrence is itself a breach of duty by the root cause.
    pub negligent: FaultSet,
    /// Negligence: a breach through a universal default password is a breach of duty.
    pub default_password_negligent: bool,
    /// Negligence: an exploit of a flaw disclosed within the support period and still unpatched
    /// is a breach of duty.
    pub unpatched_negligent: bool,
    /// Probability that the victim proves a breach of duty (negligence rule only).
    pub proof_probability: f64,
    /// The victim's share of fault when it had not installed an available fix.
    pub victim_fault_share: f64,
    pub comparative_fault: ComparativeFault,
    /// Recourse: the root-cause party's share of the contribution; the rest is split equally
    /// among the other liable parties.
    pub cause_contribution: f64,
    /// Mean days from the incident to the victim's awareness (exponential); 0: at once.
    pub awareness_delay_days: f64,
    /// Mean days from awareness to the claim (exponential); 0: at once.
    pub claim_delay_days: f64,
    /// A claim filed more than this many days after awareness is barred.
    pub limitation_days: Option<f64>,
    /// A claim filed more than this many days after its device was placed on the market is
    /// barred.
    pub longstop_days: Option<f64>,
}

impl Default for LiabilityTerms {
    fn default() -> Self {
        Self {
            regimes: vec![RegimeKind::RootCause.into()],
            covered_harms: HarmSet::all(),
            covered_faults: FaultSet::all(),
            defects: FaultSet::of(&[
                FaultKind::WearOut,
                FaultKind::FirmwareBug,
                FaultKind::SensorDrift,
                FaultKind::Exploit,
                FaultKind::DataTheft,
            ]),
            negligent: FaultSet::of(&[FaultKind::InstallationError]),
            default_password_negligent: true,
            unpatched_negligent: true,
            proof_probability: 1.0,
            victim_fault_share: 0.0,
            comparative_fault: ComparativeFault::Pure,
            cause_contribution: 1.0,
            awareness_delay_days: 0.0,
            claim_delay_days: 0.0,
            limitation_days: None,
            longstop_days: None,
        }
    }
}

/// `[liability]`: the regime and the rules of the law. Every field is optional; the defaults are
/// the root-cause baseline.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLiability {
    /// The regime, or a list of distinct regimes to allocate the same incidents under, in
    /// order (default root_cause).
    #[serde(default)]
    pub regime: Option<RawRegimes>,
    /// Harm kinds the law compensates (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<HarmKind>>")]
    pub covered_harms: Option<Vec<String>>,
    /// Fault kinds the law compensates (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<FaultKind>>")]
    pub covered_faults: Option<Vec<String>>,
    /// Strict and joint-and-several: faults that are product defects (default wear_out,
    /// firmware_bug, sensor_drift, exploit, data_theft).
    #[serde(default)]
    #[schemars(with = "Option<Vec<FaultKind>>")]
    pub defects: Option<Vec<String>>,
    /// Negligence: faults whose occurrence is itself a breach of duty (default
    /// installation_error).
    #[serde(default)]
    #[schemars(with = "Option<Vec<FaultKind>>")]
    pub negligent: Option<Vec<String>>,
    /// Negligence: a breach through a universal default password is a breach of duty (default
    /// true).
    #[serde(default)]
    pub default_password_negligent: Option<bool>,
    /// Negligence: exploiting a flaw disclosed within the support period and still unpatched is
    /// a breach of duty (default true).
    #[serde(default)]
    pub unpatched_negligent: Option<bool>,
    /// Probability that the victim proves a breach of duty, in [0, 1] (default 1).
    #[serde(default)]
    pub proof_probability: Option<f64>,
    /// The victim's share of fault when it had not installed an available fix, in [0, 1]
    /// (default 0).
    #[serde(default)]
    pub victim_fault_share: Option<f64>,
    /// How the victim's own fault changes the award (default pure).
    #[serde(default)]
    #[schemars(with = "Option<ComparativeFault>")]
    pub comparative_fault: Option<String>,
    /// Recourse: the root-cause party's share of the contribution, in [0, 1] (default 1).
    #[serde(default)]
    pub cause_contribution: Option<f64>,
    /// Mean days from the incident to the victim's awareness (exponential; default 0: at once).
    #[serde(default)]
    pub awareness_delay_days: Option<f64>,
    /// Mean days from awareness to the claim (exponential; default 0: at once).
    #[serde(default)]
    pub claim_delay_days: Option<f64>,
    /// Years after awareness within which a claim must be filed (default: no limit).
    #[serde(default)]
    pub limitation_years: Option<f64>,
    /// Years after a device is placed on the market after which every claim on it is barred
    /// (default: no long-stop).
    #[serde(default)]
    pub longstop_years: Option<f64>,
    /// A change of regime for devices placed on the market from a date on (default: none).
    #[serde(default)]
    pub switch: Option<RawSwitch>,
}

/// A regime name or a list of them, as written.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum RawRegimes {
    /// One regime.
    One(#[schemars(with = "RegimeKind")] String),
    /// Several distinct regimes, each allocating the same incidents.
    Many(#[schemars(with = "Vec<RegimeKind>")] Vec<String>),
}

impl<'de> Deserialize<'de> for RawRegimes {
    /// By hand rather than `untagged`, so that a wrong type is answered with what is expected
    /// instead of "data did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawRegimes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a regime name or a list of regime names")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawRegimes, E> {
                Ok(RawRegimes::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawRegimes, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(RawRegimes::Many(names))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Reads `[liability]`; what it leaves out keeps the root-cause baseline's value. `sim` gives
/// the calendar that places a regime switch's date.
pub fn check(
    ck: &mut Checker,
    lp: &FieldPath,
    l: &RawLiability,
    sim: &RawSimulation,
) -> LiabilityTerms {
    let mut t = LiabilityTerms::default();
    let read = regimes(ck, &lp.key("regime"), l.regime.as_ref());
    // A `regime` that does not read is reported already; the switch is then not compared
    // with the default in its place, which the user never wrote.
    let unread = l.regime.is_some() && read.is_none();
    let before = read.unwrap_or_else(|| t.regimes.iter().map(|r| r.before).collect());
    // The switch applies to every listed regime: each is the "before" of one allocation.
    let switch = l.switch.as_ref().and_then(|w| {
        let compared = if unread { &[][..] } else { &before[..] };
        regime::check(ck, &lp.key("switch"), w, compared, sim)
    });
    t.regimes = before
        .into_iter()
        .map(|before| Regime::new(before, switch))
        .collect();
    if let Some(list) = &l.covered_harms {
        t.covered_harms = ck.harms(&lp.key("covered_harms"), list);
    }
    if let Some(list) = &l.covered_faults {
        t.covered_faults = ck.faults(&lp.key("covered_faults"), list);
    }
    if let Some(list) = &l.defects {
        t.defects = ck.faults(&lp.key("defects"), list);
    }
    if let Some(list) = &l.negligent {
        t.negligent = ck.faults(&lp.key("negligent"), list);
    }
    if let Some(b) = l.default_password_negligent {
        t.default_password_negligent = b;
    }
    if let Some(b) = l.unpatched_negligent {
        t.unpatched_negligent = b;
    }
    if let Some(p) = l.proof_probability {
        t.proof_probability = ck.probability(&lp.key("proof_probability"), p);
    }
    if let Some(v) = l.victim_fault_share {
        t.victim_fault_share = ck.share(&lp.key("victim_fault_share"), v);
    }
    if let Some(c) = &l.comparative_fault
        && let Some(c) = ck.parse(
            &lp.key("comparative_fault"),
            c,
            ComparativeFault::parse,
            ComparativeFault::expected,
        )
    {
        t.comparative_fault = c;
    }
    if let Some(v) = l.cause_contribution {
        t.cause_contribution = ck.share(&lp.key("cause_contribution"), v);
    }
    if let Some(d) = l.awareness_delay_days {
        t.awareness_delay_days = ck.non_negative(&lp.key("awareness_delay_days"), d, "mean days");
    }
    if let Some(d) = l.claim_delay_days {
        t.claim_delay_days = ck.non_negative(&lp.key("claim_delay_days"), d, "mean days");
    }
    t.limitation_days = l
        .limitation_years
        .map(|y| ck.positive(&lp.key("limitation_years"), y, "years") * DAYS_PER_YEAR);
    t.longstop_days = l
        .longstop_years
        .map(|y| ck.positive(&lp.key("longstop_years"), y, "years") * DAYS_PER_YEAR);
    t
}

/// The regimes `regime` names, one or a list of distinct ones; `None` keeps the default (also
/// when none of them reads, which is reported).
fn regimes(
    ck: &mut Checker,
    path: &FieldPath,
    regime: Option<&RawRegimes>,
) -> Option<Vec<RegimeKind>> {
    match regime? {
        RawRegimes::One(s) => ck
            .parse(path, s, RegimeKind::parse, RegimeKind::expected)
            .map(|r| vec![r]),
        RawRegimes::Many(list) => {
            if list.is_empty() {
                ck.report(
                    path,
                    format!(
                        "found an empty list, expected at least one regime: {}",
                        RegimeKind::expected()
                    ),
                );
            }
            let regimes = ck.names(path, list, RegimeKind::parse, RegimeKind::expected);
            (!regimes.is_empty()).then_some(regimes)
        }
    }
}
