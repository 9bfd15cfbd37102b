//! Data theft: a breached device leaks records with some probability; back ends are breached
//! as a Poisson process per class. Record counts are heavy-tailed (lognormal or Pareto), the
//! loss is records × cost per record, and it is booked when the breach is contained (the
//! breach day plus detection and containment delays), or not at all if that falls after the
//! horizon. The
//! responsible party is identified only with a probability; otherwise the loss stays with the
//! victims.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Distribution;

use crate::outcome::NO_DEVICE;
use crate::rng::{Stream, Streams};
use crate::scenario::{DataTheft, FaultKind, HarmKind, RecordSize};
use crate::sim::messages::{Breached, Incident, resolve};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Phase, Registrar};

/// Whether a breach leaks records, how many, and when the theft is booked.
pub const DATA_THEFT: Stream = Stream::named("data_theft");
/// Each class's back-end breaches and their thefts.
pub const BACKEND_BREACH: Stream = Stream::named("backend_breach");

/// Data theft's part of a replication: back ends breached each yearly step, and every breach,
/// in yearly and short steps alike, turned into a theft with its probability.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[
        ("data_theft", DATA_THEFT),
        ("backend_breach", BACKEND_BREACH),
    ],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.step(breach_backends);
    r.every_step(Phase::Breach, steal_data);
}

/// The outbreak in which the device was last breached, and when: a breach in the same outbreak
/// finds only the data replenished since (`event` 0: not breached in an outbreak yet).
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct Leak {
    pub event: u32,
    pub day: f64,
}

/// Draws a number of records.
pub fn records<R: rand::Rng + ?Sized>(size: &RecordSize, rng: &mut R) -> f64 {
    match size {
        RecordSize::LogNormal(d) => d.sample(rng).round().max(1.0),
        RecordSize::Pareto(d) => d.sample(rng).round().max(1.0),
    }
}

/// The data-theft incident of a breach on `day`, drawn from `rng`, if it is booked before
/// `horizon`.
#[allow(clippy::too_many_arguments)]
fn theft(
    rng: &mut impl rand::Rng,
    d: &DataTheft,
    size: &RecordSize,
    day: f64,
    device: u32,
    class_id: u16,
    class: &crate::scenario::DeviceClass,
    installer: u16,
    counter: u32,
    horizon: f64,
) -> Option<Incident> {
    let loss = records(size, rng) * d.cost_per_record;
    let booked = day + d.detection.sample(rng) + d.containment.sample(rng);
    if booked >= horizon {
        return None;
    }
    let identified = rng.random::<f64>() < d.identified_probability;
    let (cause_role, party) = resolve(d.culprit, class, installer);
    Some(Incident {
        day: booked,
        device,
        class: class_id,
        fault: FaultKind::DataTheft,
        model: 0,
        counter,
        cause_role,
        cause_party: identified.then_some(party),
        settled: Some((HarmKind::RecordsExposed, loss)),
        vulnerability: None,
        facts: Default::default(),
        event: 0,
    })
}

/// Turns breaches into data-theft incidents, each with its probability.
pub fn steal_data(
    mut breaches: MessageReader<Breached>,
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut leaks: Query<&mut Leak>,
    mut incidents: MessageWriter<Incident>,
) {
    let horizon = scenario.0.horizon_days();
    for b in breaches.read() {
        let class = &scenario.0.classes[usize::from(b.class)];
        let Some(d) = &class.data_theft else { continue };
        let mut rng = run.streams.rng(DATA_THEFT, b.device, b.key);
        // Data stolen once: the attacker of an outbreak takes a device's data, or not, at its
        // first breach in that outbreak; a later breach in the same outbreak finds only what
        // was replenished since.
        let share = match leaks.get_mut(b.entity) {
            Ok(mut leak) if b.event != 0 => {
                let share = if leak.event == b.event {
                    d.replenished(b.day - leak.day)
                } else {
                    1.0
                };
                *leak = Leak {
                    event: b.event,
                    day: b.day,
                };
                share
            }
            _ => 1.0,
        };
        if share <= 0.0 || rng.random::<f64>() >= d.probability_per_breach {
            continue;
        }
        let counter = (b.key & 0xffff_ffff) as u32;
        if let Some(mut i) = theft(
            &mut rng,
            d,
            &d.records,
            b.day,
            b.device,
            b.class,
            class,
            b.installer,
            counter,
            horizon,
        ) {
            i.vulnerability = b.vulnerability;
            i.facts = b.facts;
            i.event = b.event;
            if let Some((_, loss)) = &mut i.settled {
                *loss *= share;
            }
            incidents.write(i);
        }
    }
}

/// Back-end breaches of one class in `[from, to)`, numbered: a Poisson process keyed by the
/// class.
pub fn backend_breach_days(
    streams: &Streams,
    class: u32,
    d: &DataTheft,
    from: f64,
    to: f64,
) -> Vec<(u64, f64)> {
    let mut out = Vec::new();
    let Ok(gap) = rand_distr::Exp::new(d.backend_rate_per_day) else {
        return out;
    };
    let mut day = 0.0;
    for k in 0u64.. {
        day += gap.sample(&mut streams.rng(BACKEND_BREACH, class, k));
        if day >= to {
            break;
        }
        if day >= from {
            out.push((k, day));
        }
    }
    out
}

/// Breaches each class's back end as a Poisson process, within this step.
pub fn breach_backends(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    mut incidents: MessageWriter<Incident>,
) {
    let horizon = scenario.0.horizon_days();
    for (c, class) in scenario.0.classes.iter().enumerate() {
        let Some(d) = &class.data_theft else { continue };
        // A back end has no installer, so a breach blamed on "the device's installer" goes to
        // the class's first installer.
        if d.backend_rate_per_day <= 0.0 {
            continue;
        }
        for (k, day) in backend_breach_days(&run.streams, c as u32, d, step.start, step.end) {
            // The breach's own draws: the same stream, past the numbers the arrivals use.
            let mut rng = run.streams.rng(BACKEND_BREACH, c as u32, 1 << 40 | k);
            if let Some(i) = theft(
                &mut rng,
                d,
                &d.backend_records,
                day,
                NO_DEVICE,
                c as u16,
                class,
                0,
                k as u32,
                horizon,
            ) {
                incidents.write(i);
            }
        }
    }
}
