//! Wear-out: a component's Weibull time to failure, `[[device_class.wear_out]]`; simulated by
//! `sim/mechanisms/wear_out.rs`.

use rand_distr::Weibull;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, unit_weibull};
use crate::scenario::kinds::{MAX_WEAR_MODELS, OnFailure, Role};
use crate::scenario::path::FieldPath;
use crate::scenario::severity::{Consequence, RawHarm, consequence};

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

impl WearOut {
    /// Expected failures of one device over `days` days: at most one when a failure retires
    /// the device, else at least one per scale (the renewal rate's long-run bound). For the
    /// memory estimate.
    pub fn expected_incidents(&self, days: f64) -> f64 {
        let once = 1.0 - (-(days / self.scale_days).powf(self.shape)).exp();
        match self.on_failure {
            OnFailure::Retire => once,
            OnFailure::Replace => once.max(days / self.scale_days),
        }
    }
}

/// Checks a class's wear-out models: at most [`MAX_WEAR_MODELS`], each with [`check`].
pub fn check_all(
    ck: &mut Checker,
    class: &Resolver,
    path: &FieldPath,
    list: &[RawWearOut],
) -> Vec<WearOut> {
    let most = MAX_WEAR_MODELS;
    if list.len() > most {
        ck.report(
            path,
            format!(
                "found {} wear-out models, expected at most {most} per class",
                list.len()
            ),
        );
    }
    list.iter()
        .enumerate()
        .map(|(i, w)| check(ck, class, &path.index(i), w))
        .collect()
}

/// Checks one wear-out model.
pub fn check(ck: &mut Checker, class: &Resolver, wp: &FieldPath, w: &RawWearOut) -> WearOut {
    let component = class.component(ck, &wp.key("component"), &w.component);
    ck.positive(&wp.key("shape"), w.shape, "Weibull shape");
    ck.positive(&wp.key("scale_days"), w.scale_days, "Weibull scale in days");
    let on_failure = ck
        .parse(
            &wp.key("on_failure"),
            &w.on_failure,
            OnFailure::parse,
            OnFailure::expected,
        )
        .unwrap_or(OnFailure::Retire);
    let who = class.culprit(
        ck,
        &wp.key("root_cause"),
        w.root_cause.as_deref(),
        Role::ComponentSupplier,
        component,
    );
    let consequence = consequence(ck, &wp.key("harm"), &w.harm, who);
    let time_to_failure = Weibull::new(w.scale_days, w.shape).unwrap_or_else(|_| unit_weibull());
    WearOut {
        time_to_failure,
        component: component.unwrap_or(0),
        shape: w.shape,
        scale_days: w.scale_days,
        on_failure,
        consequence,
    }
}
