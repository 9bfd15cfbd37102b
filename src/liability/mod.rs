//! Who pays. A replication's harms become claims ([`claims`]: time bars, proof, recalls,
//! fines), and each claim is allocated under every regime of the scenario ([`engine`]): the
//! parties liable to the victim in order ([`regime`]), recourse between them by contribution,
//! contracts ([`contracts`]), insurance ([`insurance`]) and each party's capacity to pay.
//!
//! Pure functions on plain data, free of ECS types and I/O; every draw comes from a named
//! stream keyed by the incident, so the allocation is the same whatever the thread count.

pub mod claims;
pub mod contracts;
pub mod engine;
pub mod insurance;
pub mod regime;

use std::collections::{BTreeMap, HashMap};

use crate::money::Money;
use crate::outcome::{EltRow, HarmRecord, Layout, Perspective, RecallRecord, VulnerabilityRecord};
use crate::rng::Streams;
use crate::scenario::{Line, Scenario};

pub use engine::{Allocator, Largest, Violation};

/// One replication's money, per year and series.
#[derive(Debug, Clone, Default)]
pub struct Books {
    /// `[year × series]`, as in [`Layout`].
    pub year_loss: Vec<Money>,
    /// `[year × series]`: the year's largest occurrence, for the OEP. All claims of one
    /// systemic event in the year are one occurrence (their sum in the series); each claim of an
    /// independent incident is its own.
    pub year_max: Vec<Money>,
    /// Each systemic event's ground-up loss (its damages claims) over the replication, by
    /// event number.
    pub event_loss: Vec<(u32, Money)>,
    /// `[year]`: the ground-up damages of every systemic event's claims booked in the year.
    pub year_systemic: Vec<Money>,
    /// `[regime × party]`: years in which the party fell short.
    pub insolvent_years: Vec<u32>,
    pub elt: Vec<EltRow>,
    pub recalls: Vec<RecallRecord>,
    /// Claims whose drawn amount passed [`crate::money::MAX_UNITS`] and were booked at it.
    pub at_ceiling: u64,
}

/// A violation together with the regime it happened under.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub regime: &'static str,
    pub violation: Violation,
}

/// Settles one replication's harms (in any order) under every regime of the scenario.
/// `vulnerabilities` are those disclosed in the replication: a recall of exploits fixes only
/// the flaws disclosed by the time it is triggered.
pub fn settle(
    scenario: &Scenario,
    layout: &Layout,
    replication: u32,
    harms: &mut [HarmRecord],
    vulnerabilities: &[VulnerabilityRecord],
    keep_elt: bool,
) -> Result<Books, Broken> {
    let streams = Streams::new(scenario.seed, replication);
    claims::sort(harms);
    let mut claimant = claims::Claimant::new(scenario, &streams, vulnerabilities);
    let years = scenario.horizon_years as usize;
    let cols = layout.len();
    let parties = scenario.parties.len();
    let regimes = &scenario.terms.liability.regimes;
    let mut books = Books {
        year_loss: vec![Money::ZERO; years * cols],
        year_max: vec![Money::ZERO; years * cols],
        insolvent_years: vec![0; regimes.len() * parties],
        event_loss: Vec::new(),
        year_systemic: vec![Money::ZERO; years],
        elt: Vec::new(),
        recalls: Vec::new(),
        at_ceiling: 0,
    };
    let mut events = Events::new(harms, cols);
    let mut allocators: Vec<Allocator<'_>> = regimes
        .iter()
        .map(|&regime| Allocator::new(scenario, regime))
        .collect();
    // Counts the parties that fell short in the year just closed, under every regime, in the
    // years the statistics pool (after the warm-up).
    let warm_up = scenario.warm_up_years as usize;
    let close_year = |allocators: &[Allocator<'_>], books: &mut Books, year: usize| {
        if year < warm_up {
            return;
        }
        for (r, alloc) in allocators.iter().enumerate() {
            for (p, &short) in alloc.insolvent.iter().enumerate() {
                books.insolvent_years[r * parties + p] += u32::from(short);
            }
        }
    };
    let mut year = 0usize;
    let mut batch = Vec::new();
    for harm in harms.iter() {
        let y = scenario.year_of(harm.day);
        while year < y {
            close_year(&allocators, &mut books, year);
            events.close(&mut books.year_max[year * cols..(year + 1) * cols]);
            allocators.iter_mut().for_each(Allocator::new_year);
            year += 1;
        }
        claimant.claims(harm, &mut batch);
        let row = y * cols..(y + 1) * cols;
        for claim in &batch {
            let event = claim.incident.event;
            let number = events.number(event);
            if claim.line == Line::Damages {
                events.ground_up(event, claim.amount);
                if event > 0 {
                    books.year_systemic[y] += claim.amount;
                }
            }
            for (r, alloc) in allocators.iter_mut().enumerate() {
                alloc.allocate(claim).map_err(|violation| Broken {
                    regime: alloc.regime.name(),
                    violation,
                })?;
                // The event table's row for this claim, filled in per perspective; built only
                // when the table is kept.
                let regime = alloc.regime;
                let template = || EltRow {
                    replication,
                    event: number,
                    year: y as u32,
                    incident: claim.incident,
                    regime,
                    line: claim.line,
                    party: None,
                    perspective: Perspective::GroundUp,
                    amount: Money::ZERO,
                };
                alloc.book(
                    claim.line,
                    layout,
                    r,
                    &mut books.year_loss[row.clone()],
                    if event == 0 {
                        Largest::Claim(&mut books.year_max[row.clone()])
                    } else {
                        Largest::Event(events.sums(event))
                    },
                    keep_elt.then_some((&mut books.elt, &template as &dyn Fn() -> EltRow)),
                );
            }
        }
    }
    close_year(&allocators, &mut books, year);
    events.close(&mut books.year_max[year * cols..(year + 1) * cols]);
    books.event_loss = events.loss.into_iter().collect();
    books.recalls = claimant.recalls;
    books.at_ceiling = claimant.at_ceiling;
    if keep_elt {
        // Regime by regime, each in time order, as a reader filters them.
        books
            .elt
            .sort_by_key(|e| regimes.iter().position(|&r| r == e.regime));
    }
    Ok(books)
}

/// A replication's systemic events as the books see them: each event's sums per series in the
/// year being settled (one occurrence per event and year, folded into the year's largest
/// occurrences when the year closes), each event's ground-up loss, and the numbers of the event
/// table's occurrences.
struct Events {
    cols: usize,
    /// Event number → its row of sums in `year`.
    index: HashMap<u32, usize>,
    /// `[event seen this year][series]`: the event's sums this year.
    year: Vec<Vec<Money>>,
    /// Event number → ground-up loss over the replication.
    loss: BTreeMap<u32, Money>,
    /// The largest event number among the replication's harms: independent claims are
    /// numbered after it.
    systemic: u32,
    /// Claims of independent incidents so far, in settlement order.
    independent: u32,
}

impl Events {
    fn new(harms: &[HarmRecord], cols: usize) -> Self {
        Self {
            cols,
            index: HashMap::new(),
            year: Vec::new(),
            loss: BTreeMap::new(),
            systemic: harms.iter().map(|h| h.event).max().unwrap_or(0),
            independent: 0,
        }
    }

    /// The event table's number of the next claim's occurrence: the event's own number, or
    /// for an independent claim one past the systemic events and the independent claims
    /// before it, so every occurrence of the replication has its own number.
    fn number(&mut self, event: u32) -> u32 {
        if event > 0 {
            return event;
        }
        self.independent += 1;
        self.systemic.saturating_add(self.independent)
    }

    /// Adds a damages claim's ground-up amount to its systemic event's loss.
    fn ground_up(&mut self, event: u32, amount: Money) {
        if event > 0 {
            *self.loss.entry(event).or_insert(Money::ZERO) += amount;
        }
    }

    /// The row of systemic event `event`'s sums this year.
    fn sums(&mut self, event: u32) -> &mut [Money] {
        let next = self.year.len();
        let i = *self.index.entry(event).or_insert(next);
        if i == next {
            self.year.push(vec![Money::ZERO; self.cols]);
        }
        &mut self.year[i]
    }

    /// Closes the year: each event's sums are occurrences that join the year's largest `max`.
    fn close(&mut self, max: &mut [Money]) {
        for sums in self.year.drain(..) {
            for (m, s) in max.iter_mut().zip(sums) {
                *m = (*m).max(s);
            }
        }
        self.index.clear();
    }
}
