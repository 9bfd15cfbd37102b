//! Statistics of year loss tables, pure functions on plain numbers, following Oasis LMF's
//! conventions: AAL with its standard error, EP curves by rank with linear interpolation in
//! return period, TVaR interpolated the same way, VaR ([`ep`]); the year loss table read by
//! column ([`columns`]); the AALs to the cent that keep the money identities ([`aal`]); the
//! estimators the report draws ([`convergence`]); and the paired comparisons of policy studies
//! ([`paired`]). Nothing here imports the simulation, the ECS or the writers.

mod aal;
pub mod calendar;
mod columns;
pub mod convergence;
mod ep;
mod moments;
pub mod paired;
pub mod systemic;

pub use aal::reconciled_aal;
pub use columns::{column, column_sum};
pub use ep::{
    Curve, at_return_period, curve_at, descending, loss_at, loss_at_unsorted, tvar_at, tvar_curve,
};
pub use moments::{mean_sd_se, mean_se_by_replication};

use crate::money::Money;
use crate::outcome::{Layout, ReplicationResult};
use crate::scenario::{FaultKind, Regime, Scenario};

/// z for a two-sided 95 % normal interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// VaR levels reported.
pub const VAR_LEVELS: [f64; 3] = [0.95, 0.99, 0.995];

/// Everything reported for one party (or the total).
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub aal: f64,
    pub aal_se: f64,
    pub aal_ci95: (f64, f64),
    pub sd: f64,
    /// `(level, value)`; VaR at p is the AEP loss at return period 1/(1 − p).
    pub var: Vec<(f64, Option<f64>)>,
    pub aep: Curve,
    pub oep: Curve,
    pub aep_tvar: Curve,
    pub oep_tvar: Curve,
}

/// Computes the metrics of yearly sums (`annual`) and yearly largest losses (`largest`), each
/// holding `per_rep` consecutive years of every replication. The AAL's standard error and
/// interval come from the replications' means ([`mean_se_by_replication`]); `sd` is the spread
/// of the yearly losses themselves.
pub fn metrics(annual: &[f64], largest: &[f64], return_periods: &[f64], per_rep: usize) -> Metrics {
    let (aal, sd, _) = mean_sd_se(annual);
    let (_, se) = mean_se_by_replication(annual, per_rep);
    let a = descending(annual);
    let o = descending(largest);
    let (at, ot) = (tvar_curve(&a), tvar_curve(&o));
    Metrics {
        aal,
        aal_se: se,
        aal_ci95: (aal - Z95 * se, aal + Z95 * se),
        sd,
        var: VAR_LEVELS
            .iter()
            .map(|&p| (p, loss_at(&a, 1.0 / (1.0 - p))))
            .collect(),
        aep: curve_at(&a, return_periods),
        oep: curve_at(&o, return_periods),
        aep_tvar: curve_at(&at, return_periods),
        oep_tvar: curve_at(&ot, return_periods),
    }
}

/// Mean yearly incident counts of one (fault kind, root-cause party) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct CountRow {
    pub fault: FaultKind,
    /// The root-cause party; `None`: unidentified.
    pub party: Option<u16>,
    pub incidents_per_year: f64,
    pub harmful_per_year: f64,
}

/// The botnet outbreak, averaged over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct BotnetSummary {
    /// Mean over replications of the largest number of fleet devices in the botnet at once.
    pub peak_fleet_infected: f64,
    /// Mean of the largest botnet size, fleet and outside together.
    pub peak_total_infected: f64,
    /// Mean recruitments of fleet devices per outbreak (reinfections included).
    pub recruited: f64,
    /// Mean reinfections per outbreak.
    pub reinfected: f64,
}

/// Averages the outbreaks of a run; `None` when no replication had one.
pub fn botnet_summary(results: &[ReplicationResult]) -> Option<BotnetSummary> {
    let runs: Vec<_> = results.iter().filter(|r| !r.botnet.is_empty()).collect();
    if runs.is_empty() {
        return None;
    }
    let n = runs.len() as f64;
    let mean = |f: &dyn Fn(&ReplicationResult) -> f64| runs.iter().map(|r| f(r)).sum::<f64>() / n;
    let peak = |r: &ReplicationResult, total: bool| {
        r.botnet
            .iter()
            .map(|b| b.fleet_infected + if total { b.external_infected } else { 0 })
            .max()
            .unwrap_or(0) as f64
    };
    let last = |r: &ReplicationResult| r.botnet.last().copied().unwrap_or_default();
    Some(BotnetSummary {
        peak_fleet_infected: mean(&|r| peak(r, false)),
        peak_total_infected: mean(&|r| peak(r, true)),
        recruited: mean(&|r| last(r).recruited as f64),
        reinfected: mean(&|r| last(r).reinfected as f64),
    })
}

/// How often a party could not pay what it owed, under one regime.
#[derive(Debug, Clone, PartialEq)]
pub struct InsolvencyRow {
    pub regime: Regime,
    pub party: u16,
    /// Share of simulated years in which the party fell short.
    pub probability: f64,
}

/// Recalls of one rule, averaged over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct RecallSummary {
    pub rule: usize,
    /// Share of replications in which the recall was triggered.
    pub probability: f64,
    /// Mean day of the trigger, over replications that had one.
    pub mean_day: Option<f64>,
    /// Mean cost per replication (zero when not triggered).
    pub mean_cost: f64,
    /// Mean harmful incidents prevented per replication.
    pub mean_prevented: f64,
}

/// The statistics of a whole run.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The series, in the order of the year loss table.
    pub layout: Layout,
    /// One per series of `layout`.
    pub columns: Vec<Metrics>,
    pub counts: Vec<CountRow>,
    pub insolvency: Vec<InsolvencyRow>,
    pub recalls: Vec<RecallSummary>,
    /// The outbreak's size, when the scenario has one.
    pub botnet: Option<BotnetSummary>,
    /// Simulated years (replications × horizon), the N of the EP curves.
    pub years: usize,
    /// Incidents per month by kind across replications, for the kinds that occurred.
    pub timeline: Vec<MonthRow>,
    /// One per series: the AAL to the cent as written, rounded so that the identities between
    /// series hold exactly in the written table (see [`reconciled_aal`]).
    pub aal_cents: Vec<Money>,
    /// Claims booked at the ceiling of a single amount, over all replications.
    pub at_ceiling: u64,
    /// The years of the horizon (from 0) pooled in the figures above: those after the warm-up.
    pub pooled: std::ops::Range<usize>,
    /// Every series by year and over the pooled years, with exposure and rates.
    pub by_year: Vec<calendar::YearRow>,
    /// The ground-up AAL split into systemic events and independent incidents, when the
    /// scenario has event sources.
    pub systemic: Option<systemic::SystemicSummary>,
}

/// Incidents of one kind in one month of the horizon, across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    /// 0 is the first month of the horizon.
    pub month: usize,
    pub fault: FaultKind,
    pub mean: f64,
    /// The 5th and 95th percentiles across replications.
    pub p05: f64,
    pub p95: f64,
}

/// The `p`-quantile of sorted values, interpolating linearly between order statistics (Hyndman
/// and Fan's type 7, the default of R and NumPy).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Monthly incident counts by kind: mean and 90 % band across replications.
fn timeline(results: &[ReplicationResult]) -> Vec<MonthRow> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    let kinds = FaultKind::ALL.len();
    let mut rows = Vec::new();
    for (k, fault) in FaultKind::ALL.iter().enumerate() {
        let occurred = results.iter().any(|r| {
            r.tally
                .monthly
                .iter()
                .skip(k)
                .step_by(kinds)
                .any(|&n| n > 0)
        });
        if !occurred {
            continue;
        }
        for month in 0..first.tally.months() {
            let mut v: Vec<f64> = results
                .iter()
                .map(|r| f64::from(r.tally.monthly[month * kinds + k]))
                .collect();
            v.sort_by(f64::total_cmp);
            rows.push(MonthRow {
                month,
                fault: *fault,
                mean: v.iter().sum::<f64>() / v.len() as f64,
                p05: quantile(&v, 0.05),
                p95: quantile(&v, 0.95),
            });
        }
    }
    rows
}

/// Summarises a run's results.
pub fn summarise(scenario: &Scenario, results: &[ReplicationResult]) -> Summary {
    let layout = Layout::new(scenario);
    let cols = layout.len();
    let pooled = scenario.pooled_years();
    let columns = (0..cols)
        .map(|c| {
            metrics(
                &column(results, cols, c, false, &pooled),
                &column(results, cols, c, true, &pooled),
                &scenario.return_periods,
                pooled.len(),
            )
        })
        .collect();
    let years = results.len() * pooled.len();
    let mut counts = Vec::new();
    if let Some(first) = results.first() {
        for fault in FaultKind::ALL {
            let parties = (0..scenario.parties.len() as u16).map(Some).chain([None]);
            for party in parties {
                let slot = first.tally.slot(*fault, party);
                let sum = |harmful| -> u64 {
                    results
                        .iter()
                        .map(|r| r.tally.over(slot, pooled.clone(), harmful))
                        .sum()
                };
                let (inc, harm) = (sum(false), sum(true));
                if inc > 0 {
                    counts.push(CountRow {
                        fault: *fault,
                        party,
                        incidents_per_year: inc as f64 / years as f64,
                        harmful_per_year: harm as f64 / years as f64,
                    });
                }
            }
        }
    }
    let parties = scenario.parties.len();
    let mut insolvency = Vec::new();
    for (r, &regime) in scenario.terms.liability.regimes.iter().enumerate() {
        for p in 0..parties {
            let n: u32 = results
                .iter()
                .map(|x| x.insolvent_years.get(r * parties + p).copied().unwrap_or(0))
                .sum();
            if scenario.parties[p].capacity.is_some() {
                insolvency.push(InsolvencyRow {
                    regime,
                    party: p as u16,
                    probability: f64::from(n) / years.max(1) as f64,
                });
            }
        }
    }
    let reps = results.len().max(1) as f64;
    let recalls = (0..scenario.terms.recalls.len())
        .map(|rule| {
            let hits: Vec<_> = results
                .iter()
                .flat_map(|r| r.recalls.iter().filter(move |x| x.rule == rule))
                .collect();
            RecallSummary {
                rule,
                probability: hits.len() as f64 / reps,
                mean_day: (!hits.is_empty())
                    .then(|| hits.iter().map(|x| x.day).sum::<f64>() / hits.len() as f64),
                mean_cost: hits.iter().map(|x| x.cost).sum::<Money>().to_f64() / reps,
                mean_prevented: hits.iter().map(|x| x.prevented as f64).sum::<f64>() / reps,
            }
        })
        .collect();
    Summary {
        columns,
        counts,
        insolvency,
        recalls,
        years,
        botnet: botnet_summary(results),
        timeline: timeline(results),
        aal_cents: reconciled_aal(&aal::layout_sums(&layout, results, &pooled), years),
        at_ceiling: results.iter().map(|r| r.at_ceiling).sum(),
        by_year: calendar::by_year(&layout, results, &pooled),
        systemic: systemic::summarise(scenario, results),
        pooled,
        layout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{BotnetSample, Tally};

    #[test]
    fn botnet_summary_averages_peaks_and_totals() {
        let sample = |fleet, external, recruited| BotnetSample {
            fleet_infected: fleet,
            external_infected: external,
            recruited,
            ..BotnetSample::default()
        };
        let result = |botnet: Vec<BotnetSample>| ReplicationResult {
            replication: 0,
            year_loss: vec![],
            year_max: vec![],
            event_loss: vec![],
            year_systemic: vec![],
            events: vec![],
            at_ceiling: 0,
            insolvent_years: vec![],
            tally: Tally::new(1, 0),
            exposure: Default::default(),
            elt: vec![],
            recalls: vec![],
            botnet,
            vulnerabilities: vec![],
        };
        // Peaks 10 and 30 (fleet), 110 and 60 (all); last recruitments 12 and 40.
        let runs = [
            result(vec![
                sample(4, 50, 4),
                sample(10, 100, 10),
                sample(8, 90, 12),
            ]),
            result(vec![sample(30, 30, 30), sample(20, 20, 40)]),
            result(vec![]),
        ];
        let b = botnet_summary(&runs).unwrap_or_else(|| panic!("no summary"));
        assert_eq!(b.peak_fleet_infected, 20.0);
        assert_eq!(b.peak_total_infected, 85.0);
        assert_eq!(b.recruited, 26.0);
        assert_eq!(botnet_summary(&runs[2..]), None);
    }

    /// A ten-year table computed by hand: sorted 100, 50, 40, 30, 20, 10, 5, 0, 0, 0.
    pub(super) const YLT: [f64; 10] = [0.0, 50.0, 10.0, 100.0, 0.0, 30.0, 5.0, 20.0, 40.0, 0.0];

    #[test]
    fn aal_sd_se() {
        let (m, sd, se) = mean_sd_se(&YLT);
        assert_eq!(m, 25.5);
        // Σ(x − 25.5)² = 3·650.25 + 600.25 + 240.25 + 5550.25 + 20.25 + 420.25 + 30.25 + 210.25 = 9022.5; sd = √(8722.5/9).
        let expect_sd = (9022.5f64 / 9.0).sqrt();
        assert!((sd - expect_sd).abs() < 1e-12);
        assert!((se - expect_sd / 10f64.sqrt()).abs() < 1e-12);
        let m = metrics(&YLT, &YLT, &[2.0, 10.0, 20.0], 1);
        assert_eq!(m.aep[2], (20.0, None));
        assert_eq!(m.var[0], (0.95, None)); // RP 20 needs 20 years
        assert!((m.aal_ci95.1 - (25.5 + Z95 * expect_sd / 10f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        let v = [1.0, 2.0, 4.0, 8.0, 16.0];
        // numpy.quantile([1, 2, 4, 8, 16], [0, .05, .5, .95, 1]) = 1, 1.2, 4, 14.4, 16.
        for (p, want) in [
            (0.0, 1.0),
            (0.05, 1.2),
            (0.5, 4.0),
            (0.95, 14.4),
            (1.0, 16.0),
        ] {
            assert!((quantile(&v, p) - want).abs() < 1e-12, "{p}");
        }
    }

    #[test]
    fn timeline_bands_monthly_counts_across_replications() {
        let kinds = FaultKind::ALL.len();
        let with_counts = |n: &[u32]| {
            let mut tally = Tally::new(1, 2);
            for (month, &c) in n.iter().enumerate() {
                for _ in 0..c {
                    let day = (month as f64 + 0.5) * crate::outcome::DAYS_PER_MONTH;
                    tally.count(FaultKind::FirmwareBug, Some(0), false, day);
                }
            }
            assert_eq!(tally.monthly.len(), 2 * kinds);
            ReplicationResult {
                replication: 0,
                year_loss: vec![],
                year_max: vec![],
                event_loss: vec![],
                year_systemic: vec![],
                events: vec![],
                at_ceiling: 0,
                insolvent_years: vec![],
                tally,
                exposure: Default::default(),
                elt: vec![],
                recalls: vec![],
                botnet: vec![],
                vulnerabilities: vec![],
            }
        };
        let rows = timeline(&[with_counts(&[0, 3]), with_counts(&[2, 5])]);
        // Only the kind that occurred; month 1: mean 4, 5 % point 3 + 0.05·2.
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.fault == FaultKind::FirmwareBug));
        assert_eq!((rows[1].month, rows[1].mean), (1, 4.0));
        assert!((rows[1].p05 - 3.1).abs() < 1e-12 && (rows[1].p95 - 4.9).abs() < 1e-12);
    }
}
