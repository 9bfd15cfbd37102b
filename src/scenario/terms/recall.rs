//! `[[recall]]`: a recall campaign of one class, triggered by harmful incidents of one of its
//! device faults, at a cost per device borne first by the class's manufacturer.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::Checker;
use crate::scenario::class::{DeviceClass, RawDeviceClass};
use crate::scenario::kinds::FaultKind;
use crate::scenario::path::FieldPath;
use crate::scenario::shape::did_you_mean;

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

/// The faults a recall can follow: those of a device.
const DEVICE_FAULTS: [FaultKind; 5] = [
    FaultKind::WearOut,
    FaultKind::FirmwareBug,
    FaultKind::SensorDrift,
    FaultKind::InstallationError,
    FaultKind::Exploit,
];

/// Reads one `[[recall]]`; `None` when its class or fault does not resolve (reported).
/// `raw_classes` are the classes as written, `classes` as checked.
pub fn check(
    ck: &mut Checker,
    rp: &FieldPath,
    r: &RawRecall,
    raw_classes: &[RawDeviceClass],
    classes: &[DeviceClass],
) -> Option<RecallRule> {
    let class = classes.iter().position(|c| c.name == r.class);
    if class.is_none() {
        ck.report(
            &rp.key("class"),
            format!(
                "no device class named \"{}\", expected a [[device_class]] name{}",
                r.class,
                did_you_mean(&r.class, classes.iter().map(|c| c.name.as_str()))
            ),
        );
    }
    let fault = fault(ck, &rp.key("fault"), &r.fault);
    if let Some(ci) = class {
        let c = &classes[ci];
        if let Some(f) = fault {
            modelled(ck, &rp.key("fault"), c, f);
        }
        // An unresolved manufacturer was reported in the lineage.
        if raw_classes[ci].lineage.manufacturer.is_none() {
            ck.report(
                &rp.key("class"),
                format!(
                    "found class \"{}\" with no manufacturer, expected a class whose lineage names one (it bears the recall's cost)",
                    c.name
                ),
            );
        }
    }
    if !(1..=i64::from(u32::MAX)).contains(&r.threshold) {
        ck.report(
            &rp.key("threshold"),
            format!(
                "found {}, expected a whole number of incidents ≥ 1",
                r.threshold
            ),
        );
    }
    ck.positive(&rp.key("window_days"), r.window_days, "days");
    ck.non_negative(
        &rp.key("cost_per_device"),
        r.cost_per_device,
        "money per device",
    );
    ck.share(&rp.key("reach"), r.reach);
    ck.non_negative(&rp.key("mean_days_to_fix"), r.mean_days_to_fix, "mean days");
    Some(RecallRule {
        class: u16::try_from(class?).unwrap_or(u16::MAX),
        fault: fault?,
        threshold: u32::try_from(r.threshold).unwrap_or(1),
        window_days: r.window_days,
        cost_per_device: r.cost_per_device,
        reach: r.reach,
        mean_days_to_fix: r.mean_days_to_fix,
    })
}

/// The faults, quoted and listed, for messages.
fn quoted(faults: impl Iterator<Item = FaultKind>) -> String {
    faults
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The recall's fault: a fault kind, and one of a device.
fn fault(ck: &mut Checker, path: &FieldPath, written: &str) -> Option<FaultKind> {
    let f = ck.parse(path, written, FaultKind::parse, FaultKind::expected)?;
    if DEVICE_FAULTS.contains(&f) {
        return Some(f);
    }
    ck.report(
        path,
        format!(
            "found \"{f}\", expected a fault of a device: one of {}",
            quoted(DEVICE_FAULTS.into_iter())
        ),
    );
    None
}

/// Reports a fault that class `c` does not model.
fn modelled(ck: &mut Checker, path: &FieldPath, c: &DeviceClass, f: FaultKind) {
    if c.consequence(f, 0).is_some() {
        return;
    }
    let modelled: Vec<FaultKind> = DEVICE_FAULTS
        .into_iter()
        .filter(|&g| c.consequence(g, 0).is_some())
        .collect();
    let expected = if modelled.is_empty() {
        "and it models none (exploit counts with a harm in [device_class.vulnerabilities])"
            .to_owned()
    } else {
        format!("one of {}", quoted(modelled.into_iter()))
    };
    ck.report(
        path,
        format!(
            "found \"{f}\", which class \"{}\" does not model, expected a fault it models: {expected}",
            c.name
        ),
    );
}
