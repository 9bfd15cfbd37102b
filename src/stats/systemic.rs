//! The split of the ground-up loss into systemic events and independent incidents: how often
//! each source's events happen, what they cost a year, and how much of the tail years they
//! make. Every standard error is across replications, the independent unit.

use crate::money::Money;
use crate::outcome::{Layout, Perspective, ReplicationResult};
use crate::scenario::Scenario;

use super::moments::mean_sd_se;

/// One source's events, over the pooled years.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub source: usize,
    /// Mean events per year, and its standard error.
    pub events_per_year: (f64, f64),
    /// Mean ground-up damages of its events per year (AAL), and its standard error.
    pub aal: (f64, f64),
}

/// The systemic and independent parts of the ground-up AAL.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemicSummary {
    /// Ground-up damages of harms from systemic events, per year: mean and standard error.
    pub systemic: (f64, f64),
    /// The rest of the ground-up total (independent incidents, and the fines and recalls of
    /// every incident): mean and standard error.
    pub independent: (f64, f64),
    pub sources: Vec<SourceRow>,
    /// For each return period T of the scenario: the share of the loss of the years at or
    /// beyond the 1-in-T ground-up loss that came from systemic events.
    pub tail_share: Vec<(f64, f64)>,
}

/// Each replication-year's systemic loss (the damages of systemic events' claims booked in
/// the year) and ground-up total, over the pooled years, replication by replication.
fn year_pairs(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<(f64, f64)> {
    let layout = Layout::new(scenario);
    let cols = layout.len();
    let gu = layout.total(0, Perspective::GroundUp);
    let pooled = scenario.pooled_years();
    let mut out = Vec::with_capacity(results.len() * pooled.len());
    for r in results {
        for y in pooled.clone() {
            let total = r
                .year_loss
                .get(y * cols + gu)
                .copied()
                .unwrap_or(Money::ZERO);
            let systemic = r.year_systemic.get(y).copied().unwrap_or(Money::ZERO);
            out.push((systemic.to_f64(), total.to_f64()));
        }
    }
    out
}

/// The split, or `None` for a scenario without event sources.
pub fn summarise(scenario: &Scenario, results: &[ReplicationResult]) -> Option<SystemicSummary> {
    if scenario.events.is_empty() || results.is_empty() {
        return None;
    }
    let pooled = scenario.pooled_years();
    let n = pooled.len().max(1);
    let pairs = year_pairs(scenario, results);
    // Per replication: the mean over its pooled years, the independent unit.
    let per_rep = |f: &dyn Fn(&(f64, f64)) -> f64| -> Vec<f64> {
        pairs
            .chunks(n)
            .map(|c| c.iter().map(f).sum::<f64>() / n as f64)
            .collect()
    };
    let (s, _, s_se) = mean_sd_se(&per_rep(&|p| p.0));
    let (i, _, i_se) = mean_sd_se(&per_rep(&|p| p.1 - p.0));
    let sources = (0..scenario.events.len())
        .map(|source| source_row(scenario, results, source))
        .collect();
    Some(SystemicSummary {
        systemic: (s, s_se),
        independent: (i, i_se),
        sources,
        tail_share: scenario
            .return_periods
            .iter()
            .map(|&t| (t, tail_share(&pairs, t)))
            .collect(),
    })
}

/// One source's frequency and AAL, from its events that start in the pooled years (each
/// event's whole loss, by the year it started).
fn source_row(scenario: &Scenario, results: &[ReplicationResult], source: usize) -> SourceRow {
    let pooled = scenario.pooled_years();
    let n = pooled.len().max(1) as f64;
    let (mut counts, mut losses) = (Vec::new(), Vec::new());
    for r in results {
        let mine = r.events.iter().filter(|e| {
            usize::from(e.source) == source && pooled.contains(&scenario.year_of(e.start))
        });
        let (mut k, mut loss) = (0.0, 0.0);
        for e in mine {
            k += 1.0;
            loss += r.event_loss_of(e.id).to_f64();
        }
        counts.push(k / n);
        losses.push(loss / n);
    }
    let (c, _, c_se) = mean_sd_se(&counts);
    let (a, _, a_se) = mean_sd_se(&losses);
    SourceRow {
        source,
        events_per_year: (c, c_se),
        aal: (a, a_se),
    }
}

/// The share of systemic loss in the years whose ground-up total is at or beyond the 1-in-`t`
/// year (the largest N/t years); 0 when those years lost nothing.
fn tail_share(pairs: &[(f64, f64)], t: f64) -> f64 {
    let k = ((pairs.len() as f64 / t).floor() as usize)
        .max(1)
        .min(pairs.len());
    let mut sorted: Vec<&(f64, f64)> = pairs.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (s, total) = sorted[..k]
        .iter()
        .fold((0.0, 0.0), |(s, t), p| (s + p.0, t + p.1));
    if total > 0.0 { s / total } else { 0.0 }
}
