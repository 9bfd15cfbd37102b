//! `[[device_class]]`: a model line with its lineage, components and mechanisms. Its check is
//! the frame that calls each part's own, in the order of the file's fields.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::{Checker, Resolver};
use super::fleet::{self, Calendar, Fleet, RawFleet};
use super::kinds::{Component, Culprit, FaultKind, Lineage, OnFailure, Role};
use super::mechanisms::{
    DataTheft, FirmwareBug, InstallationError, RawDataTheft, RawFirmwareBug, RawInstallationError,
    RawSecurity, RawSensorDrift, RawVulnerabilities, RawWearOut, Security, SensorDrift,
    Vulnerabilities, WearOut, credentials, data_theft, drift, firmware, installation,
    vulnerabilities, wear_out,
};
use super::parties::{self, RawComponent, RawLineage};
use super::path::FieldPath;
use super::severity::Consequence;

pub use super::kinds::MAX_COUNT;

/// `[[device_class]]`: one model line.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDeviceClass {
    /// Unique name of the model line.
    pub name: String,
    /// Number of devices in the field from day 0, all new (a class without `fleet`).
    #[serde(default)]
    pub count: Option<i64>,
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
    /// The fleet in calendar time: installed base, sales and service life (instead of `count`).
    #[serde(default)]
    pub fleet: Option<RawFleet>,
}

/// A model line with its lineage and fault models.
#[derive(Debug, Clone)]
pub struct DeviceClass {
    pub name: String,
    /// Devices ever in service: `count`, or the fleet's installed base and sales together.
    pub count: u32,
    /// When each device is placed on the market and how long it serves; `None`: every device
    /// from day 0, for good.
    pub fleet: Option<Fleet>,
    pub lineage: Lineage,
    pub components: Vec<Component>,
    pub wear_out: Vec<WearOut>,
    pub firmware_bug: Option<FirmwareBug>,
    pub sensor_drift: Option<SensorDrift>,
    pub installation_error: Option<InstallationError>,
    pub security: Option<Security>,
    pub vulnerabilities: Option<Vulnerabilities>,
    pub data_theft: Option<DataTheft>,
    /// Who answers for this class's share of DDoS harm, when the scenario has DDoS.
    pub ddos_culprit: Option<Culprit>,
}

impl DeviceClass {
    /// Whether a device of this class can be out of service while the horizon runs: a wear-out
    /// that retires it, or a fleet (devices placed later, or decommissioned).
    pub fn retires(&self) -> bool {
        self.fleet.is_some()
            || self
                .wear_out
                .iter()
                .any(|w| w.on_failure == OnFailure::Retire)
    }

    /// The fault kinds this class can have (DDoS needs the scenario's botnet as well).
    pub fn fault_kinds(&self) -> Vec<FaultKind> {
        let has = [
            !self.wear_out.is_empty(),
            self.firmware_bug.is_some(),
            self.sensor_drift.is_some(),
            self.installation_error.is_some(),
            self.vulnerabilities.is_some(),
            self.data_theft.is_some(),
            self.ddos_culprit.is_some(),
        ];
        FaultKind::ALL
            .iter()
            .zip(has)
            .filter_map(|(&f, h)| h.then_some(f))
            .collect()
    }

    /// The consequence of an incident of `fault` (wear-out model `model`), if the class has it.
    pub fn consequence(&self, fault: FaultKind, model: u8) -> Option<&Consequence> {
        match fault {
            FaultKind::WearOut => self
                .wear_out
                .get(usize::from(model))
                .map(|w| &w.consequence),
            FaultKind::FirmwareBug => self.firmware_bug.as_ref().map(|b| &b.consequence),
            FaultKind::SensorDrift => self.sensor_drift.as_ref().map(|d| &d.consequence),
            FaultKind::InstallationError => {
                self.installation_error.as_ref().map(|e| &e.consequence)
            }
            FaultKind::Exploit => self
                .vulnerabilities
                .as_ref()
                .and_then(|v| v.consequence.as_ref()),
            // Their losses are computed by their mechanisms, not drawn from a severity.
            FaultKind::DataTheft
            | FaultKind::Ddos
            | FaultKind::FaultyUpdate
            | FaultKind::Outage => None,
        }
    }
}

/// Checks every `[[device_class]]`: at least one, unique names. `ddos_role` is the role
/// charged with each class's share of DDoS harm, when the scenario has DDoS attacks.
pub fn check_all(
    ck: &mut Checker,
    resolver: &Resolver,
    path: &FieldPath,
    list: &[RawDeviceClass],
    ddos_role: Option<Role>,
    cal: Calendar,
) -> Vec<DeviceClass> {
    let mut classes = Vec::new();
    let mut class_names: BTreeMap<&str, usize> = BTreeMap::new();
    if list.is_empty() {
        ck.report(path, "found no [[device_class]], expected at least one");
    }
    for (ci, c) in list.iter().enumerate() {
        let cp = path.index(ci);
        if c.name.trim().is_empty() {
            ck.report(
                &cp.key("name"),
                "found an empty name, expected a class name",
            );
        } else if class_names.insert(&c.name, ci).is_some() {
            ck.report(
                &cp.key("name"),
                format!(
                    "found \"{}\" again, expected class names to be unique",
                    c.name
                ),
            );
        }
        classes.push(check(ck, resolver, &cp, c, ddos_role, cal));
    }
    if list.len() > usize::from(u16::MAX) {
        ck.report(path, "found too many classes, expected at most 65535");
    }
    classes
}

/// Checks one class: its count, lineage and components, then each mechanism it has, with the
/// names resolved in this class.
pub fn check(
    ck: &mut Checker,
    resolver: &Resolver,
    cp: &FieldPath,
    c: &RawDeviceClass,
    ddos_role: Option<Role>,
    cal: Calendar,
) -> DeviceClass {
    let (count, fleet) = devices(ck, cp, c, cal);
    let (lineage, named) = parties::lineage(ck, resolver, &cp.key("lineage"), &c.lineage);
    let components = parties::components(ck, resolver, &cp.key("component"), &c.component);
    let class = resolver.in_class(&lineage, &components, &named);
    let wear_out = wear_out::check_all(ck, &class, &cp.key("wear_out"), &c.wear_out);
    let firmware_bug = c
        .firmware_bug
        .as_ref()
        .map(|f| firmware::check(ck, &class, &cp.key("firmware_bug"), f));
    let sensor_drift = c
        .sensor_drift
        .as_ref()
        .map(|d| drift::check(ck, &class, &cp.key("sensor_drift"), d));
    let installation_error = c
        .installation_error
        .as_ref()
        .map(|e| installation::check(ck, &class, &cp.key("installation_error"), e));
    let security = c
        .security
        .as_ref()
        .map(|x| credentials::check(ck, &class, &cp.key("security"), x));
    let vulnerabilities = c
        .vulnerabilities
        .as_ref()
        .map(|v| vulnerabilities::check(ck, &class, &cp.key("vulnerabilities"), v));
    let data_theft = c
        .data_theft
        .as_ref()
        .map(|d| data_theft::check(ck, &class, &cp.key("data_theft"), d));
    let ddos_culprit = ddos_role.map(|role| {
        let path = FieldPath::root()
            .key("botnet")
            .key("ddos")
            .key("root_cause");
        class.culprit(ck, &path, Some(role.name()), role, None)
    });
    DeviceClass {
        security,
        vulnerabilities,
        data_theft,
        ddos_culprit,
        name: c.name.clone(),
        count,
        fleet,
        lineage,
        components,
        wear_out,
        firmware_bug,
        sensor_drift,
        installation_error,
    }
}

/// The class's devices: `count` new devices on day 0, or its fleet (exactly one of the two).
fn devices(
    ck: &mut Checker,
    cp: &FieldPath,
    c: &RawDeviceClass,
    cal: Calendar,
) -> (u32, Option<Fleet>) {
    match (c.count, &c.fleet) {
        (Some(n), None) => {
            if !(1..=MAX_COUNT).contains(&n) {
                ck.report(
                    &cp.key("count"),
                    format!("found {n}, expected a device count from 1 to {MAX_COUNT}"),
                );
            }
            (n.clamp(1, MAX_COUNT) as u32, None)
        }
        (None, Some(raw)) => match fleet::check(ck, &cp.key("fleet"), raw, cal) {
            Some(f) => (f.count() as u32, Some(f)),
            None => (1, None),
        },
        (Some(_), Some(_)) => {
            ck.report(
                &cp.key("count"),
                "found both count and [device_class.fleet], expected one of them (the fleet's installed_base replaces count)",
            );
            (1, None)
        }
        (None, None) => {
            ck.report(
                cp,
                "found neither count nor [device_class.fleet], expected one of them",
            );
            (1, None)
        }
    }
}
