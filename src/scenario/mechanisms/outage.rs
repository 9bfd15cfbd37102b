//! A back-end or cloud outage, `[event_source.outage]`: every device in service of the classes
//! that depend on the back end loses service for a duration drawn per event, at a downtime
//! loss per device-hour, charged to the back end's operator in each class's lineage. Simulated
//! by `sim/mechanisms/outage.rs`.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::Checker;
use crate::scenario::kinds::Role;
use crate::scenario::param::{self, Bounds, Param, RawParam};
use crate::scenario::path::FieldPath;
use crate::scenario::targets::{self, Targets};

/// `[event_source.outage]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawOutage {
    /// The classes that depend on the back end.
    pub classes: Vec<String>,
    /// Hours the service is down: a number, `{ low, high }` or `{ median, sigma }`, drawn per
    /// event.
    pub duration_hours: RawParam,
    /// Downtime loss per device and hour.
    pub loss_per_device_hour: f64,
    /// Role, in each class's lineage, that runs the back end (default: network_operator).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
}

/// A checked outage.
#[derive(Debug, Clone)]
pub struct Outage {
    pub targets: Targets,
    pub duration_hours: Param,
    pub loss_per_device_hour: f64,
}

/// Checks `[event_source.outage]`; its classes are resolved with [`targets::resolve`].
pub fn check(ck: &mut Checker, p: &FieldPath, r: &RawOutage) -> Outage {
    let targets = targets::read(
        ck,
        p,
        Some(&r.classes),
        r.root_cause.as_deref(),
        Role::NetworkOperator,
    );
    let duration_hours = param::check(
        ck,
        &p.key("duration_hours"),
        &r.duration_hours,
        Bounds::NonNegative("hours"),
    );
    let loss_per_device_hour = ck.non_negative(
        &p.key("loss_per_device_hour"),
        r.loss_per_device_hour,
        "money per device-hour",
    );
    Outage {
        targets,
        duration_hours,
        loss_per_device_hour,
    }
}
