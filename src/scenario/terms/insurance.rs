//! `[[insurance]]`: one party's policy, a deductible and a tower of layers, each written by an
//! insurer; the kinds of policy and the loss lines (damages, recall, fines) they answer for;
//! and the occurrence clause, how a policy's claims aggregate into occurrences.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, chain_roles};
use crate::scenario::kinds::{FaultKind, FaultSet, PartyId, Role, names_schema};
use crate::scenario::path::FieldPath;
use crate::scenario::shape::did_you_mean;

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

names_schema!(
    Line,
    "What a loss is: damages to a victim, a recall's cost, or a regulator's fine."
);

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

/// How a policy's claims aggregate into occurrences, to which the deductible and each layer's
/// per-occurrence attachment and limit apply. Occurrences never outlive the policy year.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Occurrence {
    /// Each claim is an occurrence of its own.
    #[default]
    Claim,
    /// The claims of one systemic event whose incidents fall within `hours` of the
    /// occurrence's first are one occurrence; a later one opens another. An independent
    /// incident's claims are each an occurrence of their own.
    Event { hours: f64 },
    /// All claims from one defect in a policy year: a systemic event's claims, or the
    /// independent claims of one device class, fault kind, root-cause party and vulnerability.
    Series,
}

/// The occurrence clauses a scenario may name.
const OCCURRENCES: [&str; 3] = ["claim", "event", "series"];

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
    /// How claims aggregate into occurrences.
    pub occurrence: Occurrence,
}

/// `[[insurance]]`: one party's policy, a deductible and a tower of layers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawInsurance {
    /// The insured party; not an insurer.
    pub insured: String,
    /// A label such as product_liability, cyber or recall (default liability).
    #[serde(default)]
    pub kind: Option<String>,
    /// Fault kinds whose losses the policy answers for (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<FaultKind>>")]
    pub covers: Option<Vec<String>>,
    /// Loss lines the policy answers for (default recall for kind "recall", else damages).
    #[serde(default)]
    #[schemars(with = "Option<Vec<Line>>")]
    pub lines: Option<Vec<String>>,
    /// Per-occurrence deductible, the first layer's attachment (default 0).
    #[serde(default)]
    pub deductible: Option<f64>,
    /// How claims aggregate into occurrences: "claim" (default: each claim is one), "event"
    /// (a systemic event's claims within `hours` of the occurrence's first are one) or
    /// "series" (all claims from one defect in a policy year).
    #[serde(default)]
    pub occurrence: Option<String>,
    /// With occurrence "event": the window of an occurrence in hours from its first claim
    /// (> 0).
    #[serde(default)]
    pub hours: Option<f64>,
    /// The layers, from the lowest up; at least one.
    #[serde(default)]
    pub layer: Vec<RawLayer>,
}

/// `[[insurance.layer]]`: one layer of the tower, attaching where the one below ends.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLayer {
    /// The party that writes the layer (role `insurer`).
    pub insurer: String,
    /// Per-occurrence limit of the layer (100 %).
    pub limit: f64,
    /// Annual aggregate of the layer (100 %; default unlimited).
    #[serde(default)]
    pub aggregate: Option<f64>,
    /// The insurer's share of the layer, in (0, 1] (default 1); the rest stays with the insured.
    #[serde(default)]
    pub share: Option<f64>,
}

/// Checks one `[[insurance]]`: its kind, covers and lines, and its tower.
pub fn check(ck: &mut Checker, resolver: &Resolver, ip: &FieldPath, x: &RawInsurance) -> Policy {
    let insured = resolver.party(ck, &ip.key("insured"), &x.insured, &chain_roles());
    let kind = x.kind.clone().unwrap_or_else(|| "liability".to_owned());
    let default_lines = insurance_kind(ck, &ip.key("kind"), &kind);
    let covers = x
        .covers
        .as_ref()
        .map_or_else(FaultSet::all, |l| ck.faults(&ip.key("covers"), l));
    let lines = match &x.lines {
        Some(l) => ck.names(&ip.key("lines"), l, Line::parse, Line::expected),
        None => default_lines.to_vec(),
    };
    let deductible = ck.non_negative(
        &ip.key("deductible"),
        x.deductible.unwrap_or(0.0),
        "money per occurrence",
    );
    if x.layer.is_empty() {
        ck.report(
            &ip.key("layer"),
            "found no [[insurance.layer]], expected at least one layer",
        );
    }
    // Each layer attaches where the one below it ends; the first at the deductible.
    let mut attachment = deductible;
    let mut layers = Vec::new();
    for (j, l) in x.layer.iter().enumerate() {
        let layer = layer(ck, resolver, &ip.key("layer").index(j), l, attachment);
        attachment += layer.limit;
        layers.push(layer);
    }
    Policy {
        insured: insured.unwrap_or(0),
        kind,
        covers,
        lines,
        deductible,
        layers,
        occurrence: occurrence(ck, ip, x),
    }
}

/// Checks the occurrence clause and its hours: `hours` only with "event", and there required
/// and positive.
fn occurrence(ck: &mut Checker, ip: &FieldPath, x: &RawInsurance) -> Occurrence {
    let clause = x.occurrence.as_deref().unwrap_or("claim");
    let hours_path = ip.key("hours");
    match (clause, x.hours) {
        ("event", Some(h)) => {
            if !(h.is_finite() && h > 0.0) {
                ck.report(
                    &hours_path,
                    format!("found {h}, expected a positive number of hours (an occurrence's window from its first claim)"),
                );
            }
            Occurrence::Event { hours: h }
        }
        ("event", None) => {
            ck.report(
                &ip.key("occurrence"),
                "found occurrence = \"event\" without hours, expected an hours clause: hours = H, H > 0 (e.g. 168)",
            );
            Occurrence::Event { hours: 0.0 }
        }
        ("claim" | "series", Some(h)) => {
            ck.report(
                &hours_path,
                format!("found hours = {h} with occurrence = \"{clause}\", expected hours only with occurrence = \"event\""),
            );
            Occurrence::Claim
        }
        ("claim", None) => Occurrence::Claim,
        ("series", None) => Occurrence::Series,
        (other, _) => {
            let quoted: Vec<String> = OCCURRENCES.iter().map(|k| format!("\"{k}\"")).collect();
            ck.report(
                &ip.key("occurrence"),
                format!(
                    "found \"{other}\", expected one of {}{}",
                    quoted.join(", "),
                    did_you_mean(other, OCCURRENCES.iter().copied())
                ),
            );
            Occurrence::Claim
        }
    }
}

/// Checks one layer of a tower, attaching at `attachment`.
fn layer(
    ck: &mut Checker,
    resolver: &Resolver,
    lp: &FieldPath,
    l: &RawLayer,
    attachment: f64,
) -> Layer {
    let insurer = resolver.party(ck, &lp.key("insurer"), &l.insurer, &[Role::Insurer]);
    let limit = ck.positive(&lp.key("limit"), l.limit, "money per occurrence");
    let aggregate = l.aggregate.map_or(f64::INFINITY, |a| {
        ck.positive(&lp.key("aggregate"), a, "money per year")
    });
    let share = l.share.unwrap_or(1.0);
    if !(share > 0.0 && share <= 1.0) {
        ck.report(
            &lp.key("share"),
            format!("found {share}, expected a share in (0, 1]"),
        );
    }
    Layer {
        insurer: insurer.unwrap_or(0),
        attachment,
        limit,
        aggregate,
        share,
    }
}

/// Checks an insurance kind against [`INSURANCE_KINDS`], exactly: the kind sets the lines a
/// policy answers for when it lists none, so a near miss must not pass as another kind.
/// Returns the kind's default lines (damages for an unknown kind, already reported).
fn insurance_kind(ck: &mut Checker, path: &FieldPath, kind: &str) -> &'static [Line] {
    if let Some(lines) = default_lines(kind) {
        return lines;
    }
    let names = || INSURANCE_KINDS.iter().map(|k| k.0);
    // A difference of case alone is the likeliest slip, so it is hinted even when the
    // similarity score would not.
    let hint = match names().find(|k| k.eq_ignore_ascii_case(kind.trim())) {
        Some(k) => format!("; did you mean \"{k}\"?"),
        None => did_you_mean(kind, names()),
    };
    let quoted: Vec<String> = names().map(|k| format!("\"{k}\"")).collect();
    ck.report(
        path,
        format!(
            "found \"{kind}\", expected one of {} (exactly: the kind decides the lines a policy answers for when it lists none){hint}",
            quoted.join(", ")
        ),
    );
    &[Line::Damages]
}
