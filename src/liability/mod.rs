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

use crate::money::Money;
use crate::outcome::{EltRow, HarmRecord, Layout, Perspective, RecallRecord, VulnerabilityRecord};
use crate::rng::Streams;
use crate::scenario::{DAYS_PER_YEAR, Scenario};

pub use engine::{Allocator, Violation};

/// One replication's money, per year and series.
#[derive(Debug, Clone, Default)]
pub struct Books {
    /// `[year × series]`, as in [`Layout`].
    pub year_loss: Vec<Money>,
    pub year_max: Vec<Money>,
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
        elt: Vec::new(),
        recalls: Vec::new(),
        at_ceiling: 0,
    };
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
        let y = ((harm.day / DAYS_PER_YEAR) as usize).min(years - 1);
        while year < y {
            close_year(&allocators, &mut books, year);
            allocators.iter_mut().for_each(Allocator::new_year);
            year += 1;
        }
        claimant.claims(harm, &mut batch);
        let row = y * cols..(y + 1) * cols;
        for claim in &batch {
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
                    &mut books.year_max[row.clone()],
                    keep_elt.then_some((&mut books.elt, &template as &dyn Fn() -> EltRow)),
                );
            }
        }
    }
    close_year(&allocators, &mut books, year);
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
