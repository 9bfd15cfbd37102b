//! The validated money terms of a scenario: the liability regime, contracts between parties,
//! insurance policies, recall rules and regulatory fines. Plain data, read by the liability
//! engine; parsed and checked in `validate`.

use super::kinds::{FaultKind, FaultSet, HarmSet, PartyId, Role};

/// How the law decides who answers to the victim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegimeKind {
    /// The root-cause party pays everything (the first version's rule, kept as a baseline).
    RootCause,
    /// A party pays only when its conduct breached a duty and the victim proves it.
    Negligence,
    /// The manufacturer (or importer, or distributor) pays for defects regardless of fault.
    Strict,
    /// Every liable economic operator answers for the whole (EU PLD 2024/2853 style).
    JointAndSeveral,
}

impl RegimeKind {
    pub const ALL: [RegimeKind; 4] = [
        RegimeKind::RootCause,
        RegimeKind::Negligence,
        RegimeKind::Strict,
        RegimeKind::JointAndSeveral,
    ];
    /// The name used in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            RegimeKind::RootCause => "root_cause",
            RegimeKind::Negligence => "negligence",
            RegimeKind::Strict => "strict",
            RegimeKind::JointAndSeveral => "joint_and_several",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == s)
    }
    /// The allowed names, for error messages.
    pub fn expected() -> String {
        "one of \"root_cause\", \"negligence\", \"strict\", \"joint_and_several\"".to_owned()
    }
}

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
/// The legal rules of a scenario. The defaults reproduce the root-cause baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct LiabilityTerms {
    /// The regimes to allocate under; the same incidents are allocated under each, in order.
    pub regimes: Vec<RegimeKind>,
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
    /// A claim filed more than this many days after the product was placed on the market (the
    /// start of the simulation) is barred.
    pub longstop_days: Option<f64>,
}

impl Default for LiabilityTerms {
    fn default() -> Self {
        Self {
            regimes: vec![RegimeKind::RootCause],
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

/// A contract between two parties: `party` owes `counterparty`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// The indemnitor, whose payments to `counterparty` the cap limits.
    pub party: PartyId,
    pub counterparty: PartyId,
    /// Faults for which `party` holds `counterparty` harmless (takes over its net share).
    pub indemnity: FaultSet,
    /// Whether the indemnity covers every cause, or only claims where `party` is the root cause.
    pub indemnity_any_cause: bool,
    /// The most `party` pays `counterparty` in a year, in recourse and indemnity together.
    pub cap: Option<f64>,
    /// Faults whose payments are outside the cap (uncapped).
    pub carve_outs: FaultSet,
}

/// What a loss is: damages to a victim, a recall's cost, or a regulator's fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Line {
    Damages,
    Recall,
    Fines,
}

impl Line {
    pub const ALL: [Line; 3] = [Line::Damages, Line::Recall, Line::Fines];
    pub fn name(self) -> &'static str {
        match self {
            Line::Damages => "damages",
            Line::Recall => "recall",
            Line::Fines => "fines",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == s)
    }
    /// The allowed names, for error messages.
    pub fn expected() -> String {
        "one of \"damages\", \"recall\", \"fines\"".to_owned()
    }
}

/// The kinds of insurance policy a scenario may name: each with the lines a policy of that
/// kind answers for when it lists none, and the lines such policies usually answer for (a
/// policy listing others is warned about). Matched exactly, so that a misspelt `"Recall"`
/// cannot silently become a damages policy.
pub const INSURANCE_KINDS: [(&str, &[Line], &[Line]); 7] = [
    ("liability", &[Line::Damages], &[Line::Damages]),
    ("product_liability", &[Line::Damages], &[Line::Damages]),
    ("general_liability", &[Line::Damages], &[Line::Damages]),
    ("professional_liability", &[Line::Damages], &[Line::Damages]),
    (
        "technology_errors_and_omissions",
        &[Line::Damages],
        &[Line::Damages],
    ),
    ("cyber", &[Line::Damages], &[Line::Damages, Line::Fines]),
    ("recall", &[Line::Recall], &[Line::Recall]),
];

/// The lines a policy of `kind` answers for when it lists none.
pub fn default_lines(kind: &str) -> Option<&'static [Line]> {
    INSURANCE_KINDS.iter().find(|k| k.0 == kind).map(|k| k.1)
}

/// The lines policies of `kind` usually answer for.
pub fn usual_lines(kind: &str) -> Option<&'static [Line]> {
    INSURANCE_KINDS.iter().find(|k| k.0 == kind).map(|k| k.2)
}

/// One layer of an insurance tower.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub insurer: PartyId,
    /// Per-occurrence attachment: the layer pays the part of a loss above this.
    pub attachment: f64,
    /// Per-occurrence limit of the layer (100 %).
    pub limit: f64,
    /// Annual aggregate of the layer (100 %); infinity when unlimited.
    pub aggregate: f64,
    /// The insurer's share of the layer; the rest stays with the insured.
    pub share: f64,
}

/// An insurance policy of one party: a deductible and a tower of layers.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub insured: PartyId,
    /// One of [`INSURANCE_KINDS`]: product_liability, cyber, recall, ….
    pub kind: String,
    /// Faults whose losses the policy answers for.
    pub covers: FaultSet,
    /// Loss lines the policy answers for.
    pub lines: Vec<Line>,
    /// Per-occurrence deductible (the first layer's attachment).
    pub deductible: f64,
    /// Layers in order of attachment.
    pub layers: Vec<Layer>,
}

/// A recall campaign's trigger and terms.
#[derive(Debug, Clone, PartialEq)]
pub struct RecallRule {
    pub class: u16,
    pub fault: FaultKind,
    /// Harmful incidents of `fault` in `class` within `window_days` that trigger the recall.
    pub threshold: u32,
    pub window_days: f64,
    /// Cost per device of the class, borne first by the class's manufacturer.
    pub cost_per_device: f64,
    /// Share of devices the campaign fixes.
    pub reach: f64,
    /// Mean days from the trigger to a reached device's fix (exponential).
    pub mean_days_to_fix: f64,
}

/// Who a fine falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FineTarget {
    RootCause,
    Role(Role),
}

/// A regulatory fine that incidents may draw.
#[derive(Debug, Clone, PartialEq)]
pub struct FineRule {
    pub name: String,
    pub faults: FaultSet,
    pub harms: HarmSet,
    /// Probability per harmful incident of those kinds.
    pub probability: f64,
    pub on: FineTarget,
    /// The amount is max(fixed, turnover_share × turnover), at most `maximum`.
    pub fixed: f64,
    pub turnover_share: f64,
    pub maximum: Option<f64>,
    /// At most one fine of this rule per party and year.
    pub once_per_year: bool,
}

/// Every money term of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    pub liability: LiabilityTerms,
    pub contracts: Vec<Contract>,
    pub policies: Vec<Policy>,
    pub recalls: Vec<RecallRule>,
    pub fines: Vec<FineRule>,
}
