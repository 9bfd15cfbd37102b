//! Insurance: what a policy's tower of layers pays for a claim, within each layer's
//! per-occurrence limit and what is left of its annual aggregate, and which occurrence a claim
//! belongs to under the policy's occurrence clause.

use std::collections::HashMap;

use crate::money::Money;
use crate::outcome::HarmRecord;
use crate::scenario::{FaultKind, Line, Occurrence, PartyId, Policy};

/// What an occurrence is keyed by within a policy year: a systemic event, or (under a series
/// clause) the defect behind independent incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Event(u32),
    Defect {
        class: u16,
        fault: FaultKind,
        party: Option<PartyId>,
        vulnerability: Option<u32>,
    },
}

/// An open occurrence: the day of its first incident and the ground-up loss already recovered
/// against the policy.
#[derive(Debug, Clone, Copy)]
struct Open {
    first: f64,
    cumulative: Money,
}

/// One policy's open occurrences in the current policy year. Empty under a per-claim clause.
#[derive(Debug, Clone, Default)]
pub struct Occurrences {
    open: HashMap<Key, Open>,
}

impl Occurrences {
    /// Closes every occurrence: a new policy year.
    pub fn clear(&mut self) {
        self.open.clear();
    }

    /// The occurrence that a claim of incident `h` belongs to under `clause`, as the
    /// cumulative loss already recovered against in it (to be increased by the caller by what
    /// the claim presents); `None` when the claim is an occurrence of its own. Claims come in
    /// time order, so an event's window runs from its occurrence's first incident.
    pub fn of(&mut self, clause: Occurrence, h: &HarmRecord) -> Option<&mut Money> {
        let key = match (clause, h.event) {
            (Occurrence::Claim, _) | (Occurrence::Event { .. }, 0) => return None,
            (_, k) if k > 0 => Key::Event(k),
            _ => Key::Defect {
                class: h.class,
                fault: h.fault,
                party: h.cause_party,
                vulnerability: h.vulnerability,
            },
        };
        let open = self.open.entry(key).or_insert(Open {
            first: h.day,
            cumulative: Money::ZERO,
        });
        if let Occurrence::Event { hours } = clause
            && h.day - open.first > hours / 24.0
        {
            // Past the window: a new occurrence opens at this incident.
            *open = Open {
                first: h.day,
                cumulative: Money::ZERO,
            };
        }
        Some(&mut open.cumulative)
    }
}

/// Whether `policy` answers for a loss of `line` caused by `fault`.
pub fn responds(policy: &Policy, line: Line, fault: FaultKind) -> bool {
    policy.lines.contains(&line) && policy.covers.contains(fault)
}

/// Recovers a claim of `loss` from `policy`'s layers, in order of attachment, in an occurrence
/// that has already presented `cumulative` (zero for a claim that is its own occurrence).
///
/// Each layer pays what the claim adds to its part of the occurrence, part(cumulative + loss)
/// − part(cumulative) with part(x) = min(max(x − attachment, 0), limit), so the deductible and
/// the limits apply once per occurrence however its claims arrive. `used[i]` is how much of layer i's annual aggregate (at 100 %) is spent so far this year;
/// it grows by what the layer pays. Each insurer's payment (its share of the layer's part) is
/// handed to `pay`. Returns the insured total; the insured keeps `loss` minus that: the
/// deductible, the parts of layers placed with nobody, and anything above the tower or beyond
/// an exhausted aggregate. An insurer's share of a layer's part is rounded to the cent; the
/// insured keeps the rounding, so what the insurers pay and what the insured cedes agree
/// exactly.
pub fn recover(
    policy: &Policy,
    used: &mut [Money],
    cumulative: Money,
    loss: Money,
    pay: &mut dyn FnMut(PartyId, Money),
) -> Money {
    let mut insured = Money::ZERO;
    let total = cumulative + loss;
    let layers = &policy.layers;
    for (i, (layer, used)) in layers.iter().zip(used.iter_mut()).enumerate() {
        let attachment = Money::from_units(layer.attachment);
        if total <= attachment {
            break;
        }
        // A layer ends where the next attaches: attachment and limit are each rounded to the
        // cent, and their sum may pass the next attachment by a cent, which would pay a cent
        // twice.
        let mut limit = Money::limit(Some(layer.limit));
        if let Some(next) = layers.get(i + 1) {
            limit = limit.min((Money::from_units(next.attachment) - attachment).max(Money::ZERO));
        }
        let part_of = |x: Money| (x - attachment).max(Money::ZERO).min(limit);
        let aggregate = Money::limit(Some(layer.aggregate));
        let part = (part_of(total) - part_of(cumulative)).min((aggregate - *used).max(Money::ZERO));
        if !part.is_positive() {
            continue;
        }
        *used += part;
        let paid = part.times(layer.share);
        insured += paid;
        pay(layer.insurer, paid);
    }
    insured
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{FaultSet, Layer};

    /// Deductible 100; layer A 900 xs 100 (aggregate 1,500, 100 %); layer B 4,000 xs 1,000
    /// (no aggregate, 50 % placed).
    fn tower() -> Policy {
        Policy {
            insured: 0,
            kind: "product_liability".into(),
            covers: FaultSet::all(),
            lines: vec![Line::Damages],
            deductible: 100.0,
            layers: vec![
                Layer {
                    insurer: 1,
                    attachment: 100.0,
                    limit: 900.0,
                    aggregate: 1500.0,
                    share: 1.0,
                },
                Layer {
                    insurer: 2,
                    attachment: 1000.0,
                    limit: 4000.0,
                    aggregate: f64::INFINITY,
                    share: 0.5,
                },
            ],
            occurrence: Occurrence::Claim,
        }
    }

    fn run(policy: &Policy, used: &mut [Money], loss: f64) -> (f64, Vec<(PartyId, f64)>) {
        let mut paid = Vec::new();
        let insured = recover(
            policy,
            used,
            Money::ZERO,
            Money::from_units(loss),
            &mut |p, x| paid.push((p, x.to_f64())),
        );
        (insured.to_f64(), paid)
    }

    fn m<const N: usize>(x: [f64; N]) -> [Money; N] {
        x.map(Money::from_units)
    }

    #[test]
    fn below_the_deductible_nothing_is_paid() {
        let p = tower();
        let mut used = m([0.0, 0.0]);
        assert_eq!(run(&p, &mut used, 80.0), (0.0, vec![]));
        assert_eq!(used, m([0.0, 0.0]));
    }

    #[test]
    fn layers_attach_and_exhaust_in_order() {
        let p = tower();
        let mut used = m([0.0, 0.0]);
        // 600: layer A pays 500 (600 − 100); B does not attach.
        assert_eq!(run(&p, &mut used, 600.0), (500.0, vec![(1, 500.0)]));
        // 3,000: A pays its full limit 900, but only 1,000 of aggregate is left → 900;
        // B pays 50 % of 2,000 = 1,000.
        assert_eq!(
            run(&p, &mut used, 3000.0),
            (1900.0, vec![(1, 900.0), (2, 1000.0)])
        );
        assert_eq!(used, m([1400.0, 2000.0]));
        // 700: A has 100 of aggregate left and pays that; the insured keeps 600.
        assert_eq!(run(&p, &mut used, 700.0), (100.0, vec![(1, 100.0)]));
        // 700 again: A is exhausted for the year.
        assert_eq!(run(&p, &mut used, 700.0), (0.0, vec![]));
        // 10,000: B pays 50 % of its 4,000 limit; above 5,000 stays with the insured.
        assert_eq!(run(&p, &mut used, 10_000.0), (2000.0, vec![(2, 2000.0)]));
        assert_eq!(used[0], Money::from_units(1500.0));
    }

    #[test]
    fn lines_and_causes_filter_the_cover() {
        let mut p = tower();
        p.covers = FaultSet::of(&[FaultKind::DataTheft]);
        assert!(responds(&p, Line::Damages, FaultKind::DataTheft));
        assert!(!responds(&p, Line::Damages, FaultKind::WearOut));
        assert!(!responds(&p, Line::Recall, FaultKind::DataTheft));
    }
}
