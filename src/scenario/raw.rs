//! The serde mirror of a scenario file: what the TOML says, before any check.
//!
//! Fields hold what a user wrote, so the validator can report every problem at once with its
//! location. Enumerated values (roles, harm kinds, …) are read as strings here and parsed by the
//! validator, so that a misspelt role is one error among many rather than the first and only
//! one; the JSON Schema still lists the allowed values through `schemars(with = …)`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use super::kinds::{Credentials, FaultKind, HarmKind, OnFailure, Role};
use super::terms::{ComparativeFault, Line, RegimeKind};

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

/// `[simulation]`: what to run and how often.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSimulation {
    /// Scenario name; names the output folder, so letters, digits, `_` and `-` only.
    pub name: String,
    /// One or two sentences on what the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Simulated years per replication (whole years of 365 days).
    pub horizon_years: i64,
    /// Number of Monte Carlo replications.
    pub replications: i64,
    /// Master seed: results are a function of the scenario and this seed only.
    pub seed: u64,
    /// Return periods (years) at which EP curves and TVaR are reported.
    #[serde(default)]
    pub return_periods: Option<Vec<f64>>,
    /// Currency of every money amount in the file (a label only).
    #[serde(default)]
    pub currency: Option<String>,
}

/// `[[party]]`: one legal person of the chain.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawParty {
    /// Unique name, used by lineages.
    pub name: String,
    /// Role in the supply chain.
    #[schemars(with = "Role")]
    pub role: String,
    /// Capacity to pay per year, in the scenario currency (used by the liability issue).
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    #[serde(default)]
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly (default
    /// false).
    #[serde(default)]
    pub outside_jurisdiction: Option<bool>,
}

/// `[[device_class]]`: one model line.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDeviceClass {
    /// Unique name of the model line.
    pub name: String,
    /// Number of devices in the field from day 0.
    pub count: i64,
    /// Which party fills each role for this class.
    pub lineage: RawLineage,
    /// Components with their suppliers.
    #[serde(default)]
    pub component: Vec<RawComponent>,
    /// Hardware wear-out of components (one entry per wearing component).
    #[serde(default)]
    pub wear_out: Vec<RawWearOut>,
    /// A latent firmware defect in the shipped version.
    #[serde(default)]
    pub firmware_bug: Option<RawFirmwareBug>,
    /// Sensor drift between calibrations.
    #[serde(default)]
    pub sensor_drift: Option<RawSensorDrift>,
    /// Errors made when the device is installed.
    #[serde(default)]
    pub installation_error: Option<RawInstallationError>,
    /// Security posture: credentials, exposure, reboots and clean-up.
    #[serde(default)]
    pub security: Option<RawSecurity>,
    /// Vulnerabilities of the shipped software, exploits and patches.
    #[serde(default)]
    pub vulnerabilities: Option<RawVulnerabilities>,
    /// Data exposed when a device (or its back end) is breached.
    #[serde(default)]
    pub data_theft: Option<RawDataTheft>,
}

/// `[device_class.lineage]`: party names by role. Roles left out are simply absent.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawLineage {
    /// Brand owner that places the device on the market.
    pub manufacturer: Option<String>,
    /// Contract assembler.
    pub assembler: Option<String>,
    /// Importer into the jurisdiction.
    pub importer: Option<String>,
    /// Wholesaler or vendor.
    pub distributor: Option<String>,
    /// Author of the device software.
    pub software_vendor: Option<String>,
    /// Network operator that connects the device.
    pub network_operator: Option<String>,
    /// Operator or user of the device.
    pub operator: Option<String>,
    /// The one installer of every device (shorthand for `installers` with one entry).
    pub installer: Option<String>,
    /// Installers sharing the installs; shares must add up to 1.
    pub installers: Option<Vec<RawInstallerShare>>,
}

/// One installer and its share of the installs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawInstallerShare {
    /// Party name (role `installer`).
    pub party: String,
    /// Share of the class's devices it installs, in (0, 1].
    pub share: f64,
}

/// `[[device_class.component]]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawComponent {
    /// Component name, unique within the class.
    pub name: String,
    /// Supplier party (role `component_supplier`).
    pub supplier: String,
}

/// What an incident does: whether it harms, which harm, how much, and whose fault it is.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawHarm {
    /// Probability that an incident causes harm, in [0, 1].
    pub probability: f64,
    /// The kind of harm.
    #[schemars(with = "HarmKind")]
    pub kind: String,
    /// Money lost per harmful incident.
    pub severity: RawSeverity,
}

/// A lognormal severity, given by exactly one of three parameter pairs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSeverity {
    /// Median loss (with `p99`).
    pub median: Option<f64>,
    /// 99th percentile of the loss (with `median`).
    pub p99: Option<f64>,
    /// Mean loss (with `sd`).
    pub mean: Option<f64>,
    /// Standard deviation of the loss (with `mean`).
    pub sd: Option<f64>,
    /// Mean of the log of the loss (with `sigma`).
    pub mu: Option<f64>,
    /// Standard deviation of the log of the loss (with `mu`).
    pub sigma: Option<f64>,
}

/// `[[device_class.wear_out]]`: Weibull time to failure of one component.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawWearOut {
    /// The wearing component (a name from `[[device_class.component]]`).
    pub component: String,
    /// Weibull shape k (> 1 wear-out, < 1 infant mortality).
    pub shape: f64,
    /// Weibull scale λ in days.
    pub scale_days: f64,
    /// What happens at failure.
    #[schemars(with = "OnFailure")]
    pub on_failure: String,
    /// The role of the party that caused it, in this class's lineage; `component_supplier` means
    /// the supplier of `component` (default).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Consequence of a failure.
    pub harm: RawHarm,
}

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

/// `[device_class.sensor_drift]`: bias growing until calibration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSensorDrift {
    /// The drifting component, if it is named (needed when the root cause is its supplier).
    #[serde(default)]
    pub component: Option<String>,
    /// `random_walk` (needs `sd_per_day`) or `linear` (needs `rate_per_day`, optional `rate_sd`).
    pub model: String,
    /// Random walk: standard deviation of the bias change per day (units of the reading).
    #[serde(default)]
    pub sd_per_day: Option<f64>,
    /// Linear: mean absolute drift per day.
    #[serde(default)]
    pub rate_per_day: Option<f64>,
    /// Linear: spread of the drift rate between devices (normal, folded at zero).
    #[serde(default)]
    pub rate_sd: Option<f64>,
    /// Largest acceptable absolute bias (units of the reading), e.g. 5 mmHg.
    pub tolerance: f64,
    /// Days between calibrations, each of which resets the bias to zero.
    pub calibration_interval_days: f64,
    /// Who caused it (default: component_supplier if a component is named, else manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
    /// Consequence of an out-of-tolerance excursion.
    pub harm: RawHarm,
}

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

/// `[device_class.vulnerabilities]`: flaws found in the shipped software.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawVulnerabilities {
    /// Vulnerabilities disclosed per year (Poisson).
    pub per_year: f64,
    /// Mean days from disclosure to a working exploit (exponential).
    pub exploit_delay_days: f64,
    /// Mean days from disclosure to the vendor's patch (exponential).
    pub patch_delay_days: f64,
    /// Probability per day that a device not yet patched installs an available patch.
    pub adoption_per_day: f64,
    /// Years from day 0 during which the vendor patches; later flaws are never patched.
    #[serde(default)]
    pub support_years: Option<f64>,
    /// Whether the botnet recruits through an available exploit (default true).
    #[serde(default)]
    pub botnet_uses_exploit: Option<bool>,
    /// Targeted attacks per exploitable device-year.
    #[serde(default)]
    pub targeted_attacks_per_device_year: Option<f64>,
    /// Consequence of a targeted attack (e.g. injury for a car or a medical device).
    #[serde(default)]
    pub harm: Option<RawHarm>,
    /// Role of the responsible party (default software_vendor).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
}

/// `[device_class.data_theft]`: records exposed by a breach.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDataTheft {
    /// Probability that a breached device (recruited or exploited) leaks its data.
    pub probability_per_breach: f64,
    /// Back-end breaches per year (Poisson), each exposing many devices' records.
    #[serde(default)]
    pub backend_breaches_per_year: Option<f64>,
    /// Records exposed by a device breach.
    pub records: RawRecords,
    /// Records exposed by a back-end breach (default: as `records`).
    #[serde(default)]
    pub backend_records: Option<RawRecords>,
    /// Cost per record exposed.
    pub cost_per_record: f64,
    /// Probability that the responsible party is identified at all.
    pub identified_probability: f64,
    /// Mean days from breach to detection (exponential; IBM 2023: 204).
    #[serde(default)]
    pub detection_days: Option<f64>,
    /// Mean days from detection to containment (exponential; IBM 2023: 73).
    #[serde(default)]
    pub containment_days: Option<f64>,
    /// Role of the responsible party when identified (default manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
}

/// A heavy-tailed count of records: lognormal (`median` and `p99`) or Pareto (`minimum` and
/// `alpha`, the tail exponent).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawRecords {
    pub median: Option<f64>,
    pub p99: Option<f64>,
    pub minimum: Option<f64>,
    pub alpha: Option<f64>,
}

/// `[botnet]`: one Mirai-like random-scanning outbreak.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawBotnet {
    /// Day the outbreak starts.
    pub start_day: f64,
    /// Days it lasts (the simulation steps finely only over these days).
    pub duration_days: f64,
    /// Length of a spread step in minutes (default 5; keep it well under the doubling time).
    #[serde(default)]
    pub step_minutes: Option<f64>,
    /// Scans per second per bot.
    pub scans_per_second: f64,
    /// Size of the scanned address space (default 2^32, IPv4).
    #[serde(default)]
    pub address_space: Option<f64>,
    /// Vulnerable hosts outside the fleet (the rest of the internet).
    #[serde(default)]
    pub external_vulnerable: Option<f64>,
    /// Bots outside the fleet when the outbreak starts (at least 1).
    pub initial_bots: f64,
    /// Reboot rate per day of bots outside the fleet.
    #[serde(default)]
    pub external_reboot_per_day: Option<f64>,
    /// Minutes between rows of botnet.csv (default 60).
    #[serde(default)]
    pub record_every_minutes: Option<f64>,
    /// DDoS attacks launched with the botnet.
    #[serde(default)]
    pub ddos: Option<RawDdos>,
}

/// `[botnet.ddos]`: attacks on third parties.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDdos {
    /// Attacks per day while the outbreak lasts (Poisson).
    pub attacks_per_day: f64,
    /// Downtime cost of an attack by its size: `[[bots, cost], …]`, interpolated linearly.
    pub cost_curve: Vec<[f64; 2]>,
    /// Role, in each class's lineage, charged with that class's share (default manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
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
    /// Years after the product is placed on the market (day 0) after which every claim is
    /// barred (default: no long-stop).
    #[serde(default)]
    pub longstop_years: Option<f64>,
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

/// `[[contract]]`: `party` owes `counterparty` an indemnity and pays it up to a cap.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawContract {
    /// The party that owes (the indemnitor, whose payments the cap limits); not an insurer.
    pub party: String,
    /// The party it owes, another party than `party`; not an insurer.
    pub counterparty: String,
    /// Fault kinds for which `party` holds `counterparty` harmless (default: none).
    #[serde(default)]
    #[schemars(with = "Vec<FaultKind>")]
    pub indemnity: Vec<String>,
    /// Whether the indemnity covers every cause; default false: only claims where `party` is
    /// the root cause.
    #[serde(default)]
    pub indemnity_any_cause: Option<bool>,
    /// The most `party` pays `counterparty` in a year, recourse and indemnity together (not
    /// with `cap_fee_multiple`).
    #[serde(default)]
    pub cap: Option<f64>,
    /// The cap as a multiple of `annual_fee` (not with `cap`).
    #[serde(default)]
    pub cap_fee_multiple: Option<f64>,
    /// What `counterparty` pays `party` a year under the contract.
    #[serde(default)]
    pub annual_fee: Option<f64>,
    /// Fault kinds whose payments are outside the cap (default: none).
    #[serde(default)]
    #[schemars(with = "Vec<FaultKind>")]
    pub carve_outs: Vec<String>,
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

/// `[[recall]]`: a recall campaign, triggered by harmful incidents of one fault in one class.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawRecall {
    /// The device class recalled (a `[[device_class]]` name; its lineage needs a manufacturer,
    /// who bears the cost).
    pub class: String,
    /// The device-level fault that triggers it (wear_out, firmware_bug, sensor_drift,
    /// installation_error or exploit); the class must have that mechanism.
    #[schemars(with = "FaultKind")]
    pub fault: String,
    /// Harmful incidents within `window_days` that trigger the recall (at least 1).
    pub threshold: i64,
    /// Days over which incidents are counted.
    pub window_days: f64,
    /// Cost per device of the class.
    pub cost_per_device: f64,
    /// Share of devices the campaign fixes, in [0, 1].
    pub reach: f64,
    /// Mean days from the trigger to a reached device's fix (exponential).
    pub mean_days_to_fix: f64,
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

/// A schema from a JSON object.
fn object(value: Json) -> Schema {
    match value {
        Json::Object(map) => Schema::from(map),
        _ => Schema::default(),
    }
}

/// JSON Schemas for the name enums of the money terms, listing the names they parse, so the
/// schema cannot drift from the validator.
macro_rules! names_schema {
    ($ty:ident, $description:literal) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let names: Vec<&str> = $ty::ALL.iter().map(|v| v.name()).collect();
                object(json!({ "description": $description, "type": "string", "enum": names }))
            }
        }
    };
}

names_schema!(RegimeKind, "How the law decides who answers to the victim.");
names_schema!(
    ComparativeFault,
    "How the victim's own fault changes the award: pure (shrinks by its share), modified_50 \
     (barred at 50 % or more), modified_51 (barred above 50 %), contributory (barred by any)."
);
names_schema!(
    Line,
    "What a loss is: damages to a victim, a recall's cost, or a regulator's fine."
);
