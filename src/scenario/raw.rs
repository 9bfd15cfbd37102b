//! The serde mirror of a scenario file's top level, and its JSON Schema: what the TOML says,
//! before any check. Each part's own shape (`RawWearOut`, `RawContract`, …) lives in the part's
//! file, beside its typed form and its check; this file gathers them into the document, with
//! the policy tables.
//!
//! Fields hold what a user wrote, so the validator can report every problem at once with its
//! location. Enumerated values (roles, harm kinds, …) are read as strings and parsed by the
//! checks, so that a misspelt role is one error among many rather than the first and only
//! one; the JSON Schema still lists the allowed values through `schemars(with = …)`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;

pub use super::class::RawDeviceClass;
use super::events::RawEventSource;
use super::mechanisms::botnet::RawBotnet;
use super::parties::RawParty;
use super::simulation::RawSimulation;
use super::terms::contracts::RawContract;
use super::terms::fines::RawFine;
use super::terms::insurance::RawInsurance;
use super::terms::liability::RawLiability;
use super::terms::recall::RawRecall;

/// The JSON Schema of the scenario format.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(RawScenario)
}

/// The schema as JSON, to walk a document against it.
pub(crate) fn schema_value() -> Json {
    serde_json::to_value(schema()).unwrap_or(Json::Null)
}

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawScenario {
    /// Run-wide settings.
    pub simulation: RawSimulation,
    /// The legal persons of the supply chain.
    #[serde(default)]
    pub party: Vec<RawParty>,
    /// The model lines of the fleet.
    #[serde(default)]
    pub device_class: Vec<RawDeviceClass>,
    /// A Mirai-like botnet outbreak scanning the fleet and the rest of the internet.
    #[serde(default)]
    pub botnet: Option<RawBotnet>,
    /// Sources of systemic events (outbreaks, faulty updates, mass exploitation, outages), each
    /// with a frequency or a fixed day.
    #[serde(default)]
    pub event_source: Vec<RawEventSource>,
    /// The liability regime and the rules of the law (default: the root-cause baseline).
    #[serde(default)]
    pub liability: Option<RawLiability>,
    /// Contracts between parties: indemnities and liability caps.
    #[serde(default)]
    pub contract: Vec<RawContract>,
    /// Insurance policies: a deductible and a tower of layers.
    #[serde(default)]
    pub insurance: Vec<RawInsurance>,
    /// Recall campaigns and what triggers them.
    #[serde(default)]
    pub recall: Vec<RawRecall>,
    /// Regulatory fines that incidents may draw.
    #[serde(default)]
    pub fine: Vec<RawFine>,
    /// Policies to stress-test: named overlays of changes to this file's fields, for
    /// `fleetsim compare` (not applied by `fleetsim run`).
    #[serde(default)]
    pub policy: Vec<RawPolicy>,
    /// Parameters for `fleetsim sensitivity`: each field's low and high value.
    #[serde(default)]
    pub sensitivity: Vec<RawSensitivity>,
}

/// A file of policies for `--policies`: the `[[policy]]` and `[[sensitivity]]` tables of a
/// scenario file, alone.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawPolicyFile {
    #[serde(default)]
    pub policy: Vec<RawPolicy>,
    #[serde(default)]
    pub sensitivity: Vec<RawSensitivity>,
}

/// `[[policy]]`: a named set of changes to the scenario's fields. Field paths are dotted, as
/// in error messages (`device_class[0].security.credentials`); a list element may also be
/// named by its `name` (`device_class.cameras.…`) or all of them by `*`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawPolicy {
    /// A short identifier, unique in the file (letters, digits, `_` and `-`).
    pub name: String,
    /// What the policy stands for, for the report.
    #[serde(default)]
    pub description: Option<String>,
    /// Fields set to new values: `"field.path" = value`.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, Json>")]
    pub set: toml::Table,
    /// Numeric fields multiplied by a factor ≥ 0: `"field.path" = factor`.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, f64>")]
    pub scale: toml::Table,
}

/// `[[sensitivity]]`: one parameter of a tornado, with its low and high value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSensitivity {
    /// The field's dotted path, as in `[[policy]]`.
    pub field: String,
    /// The low value.
    #[schemars(with = "Json")]
    pub low: toml::Value,
    /// The high value.
    #[schemars(with = "Json")]
    pub high: toml::Value,
}
