//! The validated, typed scenario that the simulation consumes: names resolved to indices,
//! every number checked, distributions in the form the samplers use.

use rand_distr::{Exp, LogNormal, Pareto, Weibull};

use super::kinds::*;

/// A checked, ready-to-run scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub horizon_years: u32,
    pub replications: u32,
    pub seed: u64,
    /// Sorted ascending, each ≥ 1.
    pub return_periods: Vec<f64>,
    pub currency: String,
    pub parties: Vec<Party>,
    pub classes: Vec<DeviceClass>,
    pub botnet: Option<Botnet>,
    /// Liability regime, contracts, insurance, recalls and fines.
    pub terms: super::terms::Terms,
}

impl Scenario {
    /// Simulated days per replication.
    pub fn horizon_days(&self) -> f64 {
        f64::from(self.horizon_years) * DAYS_PER_YEAR
    }

    /// Devices in one replication.
    pub fn device_count(&self) -> u64 {
        self.classes.iter().map(|c| u64::from(c.count)).sum()
    }
}

/// A legal person of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub name: String,
    pub role: Role,
    /// Money the party can pay from its own funds in a year; `None`: unlimited.
    pub capacity: Option<f64>,
    /// Annual worldwide turnover, the base of turnover-linked fines.
    pub turnover: Option<f64>,
    /// Established outside the jurisdiction: victims cannot collect from it directly.
    pub outside_jurisdiction: bool,
}
/// A model line with its lineage and fault models.
#[derive(Debug, Clone)]
pub struct DeviceClass {
    pub name: String,
    pub count: u32,
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
    /// Whether a device of this class can leave the fleet (a wear-out that retires it).
    pub fn retires(&self) -> bool {
        self.wear_out
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
            FaultKind::DataTheft | FaultKind::Ddos => None,
        }
    }
}
/// Lognormal severity in log space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Severity {
    pub mu: f64,
    pub sigma: f64,
}

impl Severity {
    /// The mean loss, exp(μ + σ²/2).
    pub fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }
}

/// What an incident does and who caused it.
#[derive(Debug, Clone, Copy)]
pub struct Consequence {
    pub harm_probability: f64,
    pub harm: HarmKind,
    pub severity: Severity,
    /// The severity as a sampler, built once.
    pub loss: LogNormal<f64>,
    pub culprit: Culprit,
}

/// Weibull wear-out of one component.
#[derive(Debug, Clone)]
pub struct WearOut {
    pub component: usize,
    pub shape: f64,
    pub scale_days: f64,
    pub on_failure: OnFailure,
    /// Time-to-failure sampler, built once.
    pub time_to_failure: Weibull<f64>,
    pub consequence: Consequence,
}

/// Firmware defect: a Poisson process per device until the fix reaches it.
#[derive(Debug, Clone)]
pub struct FirmwareBug {
    pub rate_per_day: f64,
    /// Days between firings; `None` when the rate is zero.
    pub between_firings: Option<Exp<f64>>,
    pub fix: Option<Fix>,
    pub consequence: Consequence,
}

/// Fix release and adoption.
#[derive(Debug, Clone, Copy)]
pub struct Fix {
    pub release_day: f64,
    /// Continuous adoption hazard per day, −ln(1 − adoption per day).
    pub adoption_rate: f64,
    /// Delay from release to a device's update; `None` when every device updates at once.
    pub adoption_delay: Option<Exp<f64>>,
}

/// How the sensor bias moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DriftModel {
    /// Brownian bias with this sd per √day; out of tolerance when |bias| > tolerance.
    RandomWalk { sd_per_day: f64 },
    /// Each device drifts at its own constant rate |N(rate, rate_sd)| per day.
    Linear { rate_per_day: f64, rate_sd: f64 },
}

/// Sensor drift until calibration.
#[derive(Debug, Clone)]
pub struct SensorDrift {
    pub model: DriftModel,
    pub tolerance: f64,
    pub calibration_interval_days: f64,
    pub consequence: Consequence,
}

/// Installation errors, by installer.
#[derive(Debug, Clone)]
pub struct InstallationError {
    /// Indexed like `Lineage::installers`.
    pub probability_by_installer: Vec<f64>,
    pub mean_days_to_manifest: f64,
    /// Delay from install to the error showing, built once.
    pub manifest_delay: Exp<f64>,
    pub consequence: Consequence,
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

/// Vulnerabilities of the shipped software.
#[derive(Debug, Clone)]
pub struct Vulnerabilities {
    pub rate_per_day: f64,
    pub exploit_delay: Exp<f64>,
    pub patch_delay: Exp<f64>,
    /// Continuous adoption hazard per day.
    pub adoption_rate: f64,
    /// Delay from patch release to a device's update; `None` when every device updates at once.
    pub adoption_delay: Option<Exp<f64>>,
    /// Flaws disclosed on or after this day are never patched.
    pub support_end_day: f64,
    pub botnet_uses_exploit: bool,
    pub attack_rate_per_day: f64,
    /// Consequence of a targeted attack; `None`: attacks do no harm of their own.
    pub consequence: Option<Consequence>,
}

/// A heavy-tailed number of records.
#[derive(Debug, Clone, Copy)]
pub enum RecordSize {
    LogNormal(LogNormal<f64>),
    Pareto(Pareto<f64>),
}

/// Data exposed by breaches.
#[derive(Debug, Clone)]
pub struct DataTheft {
    pub probability_per_breach: f64,
    pub backend_rate_per_day: f64,
    pub records: RecordSize,
    pub backend_records: RecordSize,
    pub cost_per_record: f64,
    pub identified_probability: f64,
    pub detection: Exp<f64>,
    pub containment: Exp<f64>,
    pub culprit: Culprit,
}

/// One random-scanning botnet outbreak.
#[derive(Debug, Clone)]
pub struct Botnet {
    pub start_day: f64,
    pub duration_days: f64,
    pub step_days: f64,
    pub scans_per_day: f64,
    pub address_space: f64,
    pub external_vulnerable: f64,
    pub initial_bots: f64,
    pub external_reboot_per_day: f64,
    pub record_every_days: f64,
    pub ddos: Option<Ddos>,
}

/// DDoS attacks launched with the botnet.
#[derive(Debug, Clone)]
pub struct Ddos {
    pub attacks_per_day: f64,
    /// `(bots, cost)`, sorted by bots.
    pub cost_curve: Vec<(f64, f64)>,
}

impl Ddos {
    /// Downtime cost of an attack by `bots` bots, by linear interpolation in the curve (flat
    /// beyond its ends).
    pub fn cost(&self, bots: f64) -> f64 {
        let c = &self.cost_curve;
        match c.iter().position(|&(b, _)| b >= bots) {
            None => c.last().map_or(0.0, |&(_, v)| v),
            Some(0) => c[0].1,
            Some(i) => {
                let ((b0, v0), (b1, v1)) = (c[i - 1], c[i]);
                if b1 > b0 {
                    v0 + (v1 - v0) * (bots - b0) / (b1 - b0)
                } else {
                    v1
                }
            }
        }
    }
}
