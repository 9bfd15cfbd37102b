//! `[[fine]]`: a regulatory fine that harmful incidents of some faults and harms may draw, on
//! the root-cause party or a role of the chain, fixed or linked to turnover.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::json;

use crate::scenario::check::{Checker, chain_expected, not_in_lineage};
use crate::scenario::kinds::{FaultKind, FaultSet, HarmKind, HarmSet, Role, object};
use crate::scenario::path::FieldPath;

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

/// `[[fine]]`: a regulatory fine that harmful incidents may draw.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawFine {
    /// Unique name of the rule (e.g. gdpr).
    pub name: String,
    /// Fault kinds whose incidents may draw it; at least one.
    #[schemars(with = "Vec<FaultKind>")]
    pub faults: Vec<String>,
    /// Harm kinds that may draw it (default: all).
    #[serde(default)]
    #[schemars(with = "Option<Vec<HarmKind>>")]
    pub harms: Option<Vec<String>>,
    /// Probability per harmful incident of those kinds, in [0, 1].
    pub probability: f64,
    /// Who is fined: `root_cause`, or a role, meaning the class's party in that role.
    #[schemars(schema_with = "fine_target")]
    pub on: String,
    /// Fixed amount (default 0); the fine is max(fixed, turnover_share × turnover).
    #[serde(default)]
    pub fixed: Option<f64>,
    /// Share of the fined party's turnover, in [0, 1] (default 0).
    #[serde(default)]
    pub turnover_share: Option<f64>,
    /// Largest fine (default: none).
    #[serde(default)]
    pub maximum: Option<f64>,
    /// At most one fine of this rule per party and year (default true).
    #[serde(default)]
    pub once_per_year: Option<bool>,
}

/// The schema of a fine's `on`: `root_cause` or a role.
fn fine_target(generator: &mut SchemaGenerator) -> Schema {
    let role = generator.subschema_for::<Role>();
    object(json!({
        "anyOf": [
            { "description": "The incident's root-cause party.", "const": "root_cause" },
            role,
        ]
    }))
}

/// Checks one `[[fine]]`; `before` are the fines written before it, whose names it must not
/// repeat.
pub fn check(ck: &mut Checker, fp: &FieldPath, f: &RawFine, before: &[RawFine]) -> FineRule {
    if f.name.trim().is_empty() {
        ck.report(&fp.key("name"), "found an empty name, expected a fine name");
    } else if before.iter().any(|g| g.name == f.name) {
        ck.report(
            &fp.key("name"),
            format!(
                "found \"{}\" again, expected fine names to be unique",
                f.name
            ),
        );
    }
    if f.faults.is_empty() {
        ck.report(
            &fp.key("faults"),
            "found an empty list, expected at least one fault kind",
        );
    }
    let on = target(ck, &fp.key("on"), &f.on);
    FineRule {
        name: f.name.clone(),
        faults: ck.faults(&fp.key("faults"), &f.faults),
        harms: f
            .harms
            .as_ref()
            .map_or_else(HarmSet::all, |l| ck.harms(&fp.key("harms"), l)),
        probability: ck.probability(&fp.key("probability"), f.probability),
        on,
        fixed: ck.non_negative(&fp.key("fixed"), f.fixed.unwrap_or(0.0), "money"),
        turnover_share: ck.share(&fp.key("turnover_share"), f.turnover_share.unwrap_or(0.0)),
        maximum: f
            .maximum
            .map(|m| ck.positive(&fp.key("maximum"), m, "money")),
        once_per_year: f.once_per_year.unwrap_or(true),
    }
}

/// Who the fine falls on: `root_cause`, or a role of the chain.
fn target(ck: &mut Checker, path: &FieldPath, on: &str) -> FineTarget {
    if on == "root_cause" {
        return FineTarget::RootCause;
    }
    match Role::parse(on) {
        Some(Role::Insurer) => {
            ck.report(path, not_in_lineage());
            FineTarget::RootCause
        }
        Some(role) => FineTarget::Role(role),
        None => {
            ck.report(
                path,
                format!(
                    "found \"{on}\", expected \"root_cause\" or a role: {}",
                    chain_expected()
                ),
            );
            FineTarget::RootCause
        }
    }
}
