//! The vocabulary every part of a scenario shares, at the bottom of the scenario layer: party
//! indices and roles, fault and harm kinds, what a failure does, credentials, sets of kinds, the
//! supply chain as a fault sees it (lineage, components, culprit), and the limits that the
//! simulation sizes itself by. It imports nothing of fleetsim, so every other scenario file,
//! and the layers above, can use it without a loop.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Days in a simulated year. Rates "per device-year" are per 365 days.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Largest fleet a class may declare (devices ever in service); the memory check refuses what
/// this machine cannot hold.
pub const MAX_COUNT: i64 = 100_000_000;

/// Index of a party in [`Scenario::parties`](super::Scenario::parties).
pub type PartyId = u16;

/// A party's role in the supply chain.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ComponentSupplier,
    Assembler,
    Manufacturer,
    Importer,
    Distributor,
    Installer,
    SoftwareVendor,
    NetworkOperator,
    Operator,
    /// Writes insurance layers; appears in the outputs with what it pays.
    Insurer,
}

/// What happens to a device when a wearing component fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// The component is replaced by a new one whose life starts at the failure.
    Replace,
    /// The device leaves the fleet: it has no further incidents of any kind.
    Retire,
}

/// The kind of harm an incident does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HarmKind {
    Death,
    Injury,
    WrongTreatment,
    PropertyDamage,
    DataLoss,
    RecordsExposed,
    PrivacyBreach,
    Downtime,
    FinancialLoss,
}

/// The mechanism behind an incident.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    WearOut,
    FirmwareBug,
    SensorDrift,
    InstallationError,
    /// A targeted attack through an unpatched vulnerability.
    Exploit,
    /// Records exposed by a breached device or back end.
    DataTheft,
    /// A DDoS attack on a third party by the botnet.
    Ddos,
    /// A device harmed by a faulty update it installed.
    FaultyUpdate,
    /// A class's devices cut off by a back-end or cloud outage.
    Outage,
}

/// The kinds of systemic event: one cause that hits many devices at once.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A random-scanning botnet outbreak, with its DDoS attacks.
    Botnet,
    /// A faulty update pushed over a rollout window and pulled.
    FaultyUpdate,
    /// A flaw exploited across every exposed unpatched device of the classes that share it.
    MassExploitation,
    /// A back end or cloud service down for every device that depends on it.
    Outage,
}

/// How a device's login is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Credentials {
    /// One password for every unit, in every attacker's dictionary.
    UniversalDefault,
    /// A different default per unit: immune to dictionary attacks.
    UniqueDefault,
    /// Set by the user, guessable with some probability.
    Weak,
    /// Set by the user and not guessable.
    Strong,
}

macro_rules! names {
    ($ty:ty { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),*];
            /// The name used in scenario files and outputs.
            pub fn name(self) -> &'static str {
                match self { $(<$ty>::$variant => $name),* }
            }
            /// Parses a name as written in a scenario file.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == s)
            }
            /// The allowed names, for error messages.
            pub fn expected() -> String {
                let names: Vec<String> = Self::ALL.iter().map(|v| format!("\"{}\"", v.name())).collect();
                format!("one of {}", names.join(", "))
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

names!(EventKind {
    Botnet => "botnet", FaultyUpdate => "faulty_update",
    MassExploitation => "mass_exploitation", Outage => "outage",
});

names!(Role {
    ComponentSupplier => "component_supplier", Assembler => "assembler",
    Manufacturer => "manufacturer", Importer => "importer", Distributor => "distributor",
    Installer => "installer", SoftwareVendor => "software_vendor",
    NetworkOperator => "network_operator", Operator => "operator", Insurer => "insurer",
});

names!(OnFailure { Replace => "replace", Retire => "retire" });

names!(HarmKind {
    Death => "death", Injury => "injury", WrongTreatment => "wrong_treatment",
    PropertyDamage => "property_damage", DataLoss => "data_loss",
    RecordsExposed => "records_exposed", PrivacyBreach => "privacy_breach",
    Downtime => "downtime", FinancialLoss => "financial_loss",
});

names!(FaultKind {
    WearOut => "wear_out", FirmwareBug => "firmware_bug", SensorDrift => "sensor_drift",
    InstallationError => "installation_error", Exploit => "exploit", DataTheft => "data_theft",
    Ddos => "ddos", FaultyUpdate => "faulty_update", Outage => "outage",
});

names!(Credentials {
    UniversalDefault => "universal_default", UniqueDefault => "unique_default", Weak => "weak",
    Strong => "strong",
});

/// A set of kinds (fault kinds, harm kinds) as a bit mask over their declaration order.
macro_rules! kind_set {
    ($(#[$doc:meta])* $set:ident of $kind:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $set(pub u16);

        impl $set {
            /// Every kind.
            pub fn all() -> Self {
                Self::of(<$kind>::ALL)
            }
            /// The set of `kinds`.
            pub fn of(kinds: &[$kind]) -> Self {
                Self(kinds.iter().fold(0, |m, k| m | 1 << *k as u16))
            }
            pub fn contains(self, k: $kind) -> bool {
                self.0 & 1 << k as u16 != 0
            }
        }
    };
}

kind_set!(
    /// A set of fault kinds.
    FaultSet of FaultKind
);

kind_set!(
    /// A set of harm kinds.
    HarmSet of HarmKind
);

/// Most wearing components a class may model. Validation enforces it and the simulation sizes a
/// device's wear clocks by it, so it lives here, below both.
pub const MAX_WEAR_MODELS: usize = 4;

/// Parties by role for one class. Installers vary by device, drawn by share.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    /// `(role, party)` for every single-party role present.
    pub roles: Vec<(Role, PartyId)>,
    /// Installers with cumulative shares (the last is exactly 1).
    pub installers: Vec<(PartyId, f64)>,
}

impl Lineage {
    /// The party filling `role`, if any.
    pub fn party(&self, role: Role) -> Option<PartyId> {
        self.roles.iter().find(|(r, _)| *r == role).map(|&(_, p)| p)
    }

    /// The installer index for a uniform draw `u` in [0, 1).
    pub fn installer_for(&self, u: f64) -> usize {
        self.installers
            .iter()
            .position(|&(_, cum)| u < cum)
            .unwrap_or(self.installers.len().saturating_sub(1))
    }
}

/// A component and its supplier.
#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub supplier: PartyId,
}

/// Who pays for a fault: a fixed party, or the device's own installer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culprit {
    Party { role: Role, party: PartyId },
    DeviceInstaller,
}

/// A schema from a JSON object.
pub(crate) fn object(value: Json) -> Schema {
    match value {
        Json::Object(map) => Schema::from(map),
        _ => Schema::default(),
    }
}

/// JSON Schemas for the name enums of the money terms, listing the names they parse, so the
/// schema cannot drift from the validator.
macro_rules! names_schema {
    ($ty:ident, $description:literal) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let names: Vec<&str> = $ty::ALL.iter().map(|v| v.name()).collect();
                $crate::scenario::kinds::object(serde_json::json!({
                    "description": $description, "type": "string", "enum": names
                }))
            }
        }
    };
}
pub(crate) use names_schema;
