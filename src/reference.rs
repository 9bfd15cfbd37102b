//! A hand-written loop of the wear-out and firmware-bug model, without the ECS.
//!
//! It is the benchmark's baseline (how fast can this model go in plain Rust?) and a check on
//! the engine: it draws from the same named streams, so for a scenario with only these two
//! mechanisms it must produce the same incidents and the same yearly losses.

use rand::RngExt;
use rand_distr::Distribution;

use crate::rng::Streams;
use crate::scenario::{DAYS_PER_YEAR, FaultKind, OnFailure, Scenario};
use crate::sim::harm::{HARM, SEVERITY};
use crate::sim::mechanisms::{firmware, wear_out};
use crate::sim::messages::incident_key;

/// What the loop produces for one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopResult {
    /// Total ground-up loss per year.
    pub year_loss: Vec<f64>,
    /// Incidents, harmful or not.
    pub incidents: u64,
    pub harmful: u64,
}

/// Simulates replication `replication` of `scenario`'s wear-out and firmware bugs, device by
/// device. Other mechanisms are ignored.
pub fn run(scenario: &Scenario, replication: u32) -> LoopResult {
    let s = Streams::new(scenario.seed, replication);
    let h = scenario.horizon_days();
    let mut out = LoopResult {
        year_loss: vec![0.0; scenario.horizon_years as usize],
        incidents: 0,
        harmful: 0,
    };
    let mut events: Vec<(f64, FaultKind, u8, u32)> = Vec::new();
    let mut device = 0u32;
    for class in &scenario.classes {
        for _ in 0..class.count {
            events.clear();
            let mut retired = f64::INFINITY;
            for (m, w) in class.wear_out.iter().enumerate() {
                let mut t = wear_out::life(&s, device, m, 0, w);
                let mut n = 0;
                while t < h {
                    events.push((t, FaultKind::WearOut, m as u8, n));
                    if w.on_failure == OnFailure::Retire {
                        retired = retired.min(t);
                        break;
                    }
                    n += 1;
                    t += wear_out::life(&s, device, m, n, w);
                }
            }
            if let Some(bug) = &class.firmware_bug {
                let fixed = firmware::fix_day(&s, device, bug);
                let mut t = firmware::gap(&s, device, 0, bug);
                let mut k = 0;
                while t < h && t < fixed && t < retired {
                    events.push((t, FaultKind::FirmwareBug, 0, k));
                    k += 1;
                    t += firmware::gap(&s, device, k, bug);
                }
            }
            for &(t, fault, model, counter) in &events {
                // A retiring failure is itself an incident; nothing after it is.
                if t > retired {
                    continue;
                }
                let c = match fault {
                    FaultKind::WearOut => &class.wear_out[usize::from(model)].consequence,
                    _ => match &class.firmware_bug {
                        Some(b) => &b.consequence,
                        None => continue,
                    },
                };
                out.incidents += 1;
                let key = incident_key(fault, model, counter);
                let u: f64 = s.rng(HARM, device, key).random();
                if u < c.harm_probability {
                    out.harmful += 1;
                    let loss = c.loss.sample(&mut s.rng(SEVERITY, device, key));
                    let year = ((t / DAYS_PER_YEAR) as usize).min(out.year_loss.len() - 1);
                    out.year_loss[year] += loss;
                }
            }
            device += 1;
        }
    }
    out
}
