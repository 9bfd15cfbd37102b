//! Hardware wear-out: each wearing component fails once, at a Weibull time; then it is replaced
//! (a new life starts at the failure) or the device retires.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::rng::{Stream, Streams};
use crate::scenario::{FaultKind, MAX_WEAR_MODELS, OnFailure, WearOut};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Incident, Occurrence, incident};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// Each wearing part's lives, keyed by part and copy.
pub const WEAR_OUT: Stream = Stream::named("wear_out");

/// Wear-out's part of a replication: each part's first failure drawn at the start, failures
/// turned into incidents each yearly step.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[("wear_out", WEAR_OUT)],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.start(Start::Clocks, start_wear_out);
    r.step(fail_components);
}

/// The next failure among the device's wearing components: when, which, and which copy of
/// it. Each step's scan of the fleet reads only these 16 bytes a device and touches the rest
/// of the device only when it is due, which keeps a step over a million devices cheap.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearDue {
    pub day: f64,
    pub model: u8,
    pub renewal: u16,
}

impl Default for WearDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            model: 0,
            renewal: 0,
        }
    }
}

/// Next failure day and replacements of every wearing component, for classes with more than
/// one; a class with one has [`WearDue`] alone.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct WearParts {
    pub next: [f64; MAX_WEAR_MODELS],
    pub renewals: [u16; MAX_WEAR_MODELS],
}

impl Default for WearParts {
    fn default() -> Self {
        Self {
            next: [f64::INFINITY; MAX_WEAR_MODELS],
            renewals: [0; MAX_WEAR_MODELS],
        }
    }
}

impl WearParts {
    /// The part that fails first, as a [`WearDue`].
    pub fn soonest(&self) -> WearDue {
        let mut m = 0;
        for k in 1..MAX_WEAR_MODELS {
            if self.next[k] < self.next[m] {
                m = k;
            }
        }
        WearDue {
            day: self.next[m],
            model: m as u8,
            renewal: self.renewals[m],
        }
    }
}

/// Life in days of the `renewal`-th copy of wear-out model `model` on `device`.
pub fn life(streams: &Streams, device: u32, model: usize, renewal: u32, w: &WearOut) -> f64 {
    let counter = (model as u64) << 32 | u64::from(renewal);
    w.time_to_failure
        .sample(&mut streams.rng(WEAR_OUT, device, counter))
}

/// The first failure day of wear-out model `model` on a device placed on day `placed`. A
/// device already `-placed` days old on day 0 is a survivor: its part's life is drawn given
/// that age (Weibull survival S(t)/S(age), inverted on the same uniform draw).
pub fn first_failure(
    streams: &Streams,
    device: u32,
    model: usize,
    placed: f64,
    w: &WearOut,
) -> f64 {
    if placed >= 0.0 {
        return placed + life(streams, device, model, 0, w);
    }
    let counter = (model as u64) << 32;
    let u: f64 = rand::RngExt::random(&mut streams.rng(WEAR_OUT, device, counter));
    let age = -placed / w.scale_days;
    let t = w.scale_days * (age.powf(w.shape) - (1.0 - u).ln()).powf(1.0 / w.shape);
    placed + t
}

/// Draws the first failure day of every wearing component, from the device's placing.
pub fn start_wear_out(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(&Device, &Lifecycle, &mut WearDue, Option<&mut WearParts>)>,
) {
    for (device, state, mut due, parts) in &mut devices {
        let models = &scenario.0.classes[usize::from(device.class)].wear_out;
        let placed = state.placed();
        match parts {
            Some(mut parts) => {
                *parts = WearParts::default();
                for (m, w) in models.iter().enumerate() {
                    parts.next[m] = first_failure(&run.streams, device.id, m, placed, w);
                }
                *due = parts.soonest();
            }
            None => {
                *due = WearDue::default();
                if let Some(w) = models.first() {
                    due.day = first_failure(&run.streams, device.id, 0, placed, w);
                }
            }
        }
    }
}

/// Turns due failures into incidents, then replaces the component or retires the device.
pub fn fail_components(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut devices: Query<(
        &Device,
        &mut Lifecycle,
        &mut WearDue,
        Option<&mut WearParts>,
    )>,
    mut incidents: MessageWriter<Incident>,
) {
    for (device, mut life_state, mut due, mut parts) in &mut devices {
        // The class is looked up before the due check on purpose: reading every device's
        // `Device` in storage order streams it from memory, where reading only the few due ones
        // would miss the cache each time.
        let c = &scenario.0.classes[usize::from(device.class)];
        if c.wear_out.is_empty() || due.day >= step.end {
            continue;
        }
        // Nothing reads change ticks; skipping them saves a write to another column per event.
        let due = due.bypass_change_detection();
        while due.day < step.end {
            // A device decommissioned before the failure never has it.
            if !life_state.in_service_on(due.day) {
                due.day = f64::INFINITY;
                break;
            }
            let (m, day, renewal) = (usize::from(due.model), due.day, due.renewal);
            let w = &c.wear_out[m];
            incidents.write(incident(
                Occurrence {
                    day,
                    device: *device,
                    class: c,
                    fault: FaultKind::WearOut,
                    model: due.model,
                    counter: u32::from(renewal),
                },
                &w.consequence,
            ));
            if w.on_failure == OnFailure::Retire {
                life_state.retire(day);
                due.day = f64::INFINITY;
                break;
            }
            let renewal = renewal.saturating_add(1);
            let next = day + life(&run.streams, device.id, m, u32::from(renewal), w);
            match parts.as_mut() {
                Some(parts) => {
                    let parts = parts.bypass_change_detection();
                    parts.next[m] = next;
                    parts.renewals[m] = renewal;
                    *due = parts.soonest();
                }
                None => {
                    due.day = next;
                    due.renewal = renewal;
                }
            }
        }
    }
}
