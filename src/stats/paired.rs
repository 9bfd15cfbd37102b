//! Policy studies on common random numbers, as pure functions on run results: each series'
//! yearly losses, the paired difference between two runs of the same seed (AAL and a return
//! period's loss, with 95 % intervals), and the unpaired interval the same runs would give
//! if they had been drawn independently.
//!
//! Runs of one scenario and its policies share every named random stream, so a device that a
//! policy does not touch sees the same draws in both, and the difference of the two runs'
//! yearly losses carries only the policy's effect. The intervals treat replications, not years,
//! as the independent units: the years of one replication share its fleet and can be
//! correlated, and pairing is by replication.

use rand::RngExt;

use super::{Z95, column, loss_at_unsorted, mean_sd_se, quantile};
use crate::outcome::{Layout, ReplicationResult};
use crate::rng::{Streams, streams};
use crate::scenario::Scenario;

/// Bootstrap resamples for the intervals of a return period's loss.
pub const RESAMPLES: usize = 400;

/// One series' yearly losses: replication-major, `years` per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesYears {
    /// The regime's position in the scenario's list, and its name.
    pub regime_index: usize,
    pub regime: String,
    /// `None`: the total.
    pub party: Option<usize>,
    /// The party's name, or `total`.
    pub party_name: String,
    pub perspective: String,
    pub annual: Vec<f64>,
}

/// Every series of a run's results, in the order of the year loss table.
pub fn series_years(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<SeriesYears> {
    let layout = Layout::new(scenario);
    let cols = layout.len();
    let regimes = &scenario.terms.liability.regimes;
    layout
        .series
        .iter()
        .enumerate()
        .map(|(c, s)| SeriesYears {
            regime_index: regimes.iter().position(|&r| r == s.regime).unwrap_or(0),
            regime: s.regime.name().to_owned(),
            party: s.party.map(usize::from),
            party_name: s.party.map_or_else(
                || "total".to_owned(),
                |p| scenario.parties[usize::from(p)].name.clone(),
            ),
            perspective: s.perspective.name().to_owned(),
            annual: column(results, cols, c, false, &scenario.pooled_years()),
        })
        .collect()
}

/// The series of `variant` that matches `base`: the same regime position, party (by position:
/// a policy cannot add or remove parties) and perspective.
pub fn matching<'a>(base: &SeriesYears, variant: &'a [SeriesYears]) -> Option<&'a SeriesYears> {
    variant.iter().find(|s| {
        s.regime_index == base.regime_index
            && s.party == base.party
            && s.perspective == base.perspective
    })
}

/// A metric in two runs and their difference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delta {
    pub baseline: f64,
    pub variant: f64,
    /// `variant − baseline`.
    pub difference: f64,
    /// The 95 % interval of the difference from the paired runs.
    pub paired: (f64, f64),
    /// The 95 % interval the same runs would give if they had been independent.
    pub unpaired: (f64, f64),
}

impl Delta {
    /// The difference relative to the baseline; `None` when the baseline is zero.
    pub fn relative(&self) -> Option<f64> {
        (self.baseline.abs() > 1e-9).then(|| self.difference / self.baseline)
    }
}

/// Means of each replication's years.
fn replication_means(annual: &[f64], years: usize) -> Vec<f64> {
    annual
        .chunks(years.max(1))
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}

/// The paired difference of two runs' AALs: the mean difference, with its interval from the
/// spread of the replications' mean differences (± 1.96 SE); and the unpaired interval from
/// the two runs' own spreads, √(SE₁² + SE₂²).
pub fn compare_aal(base: &[f64], variant: &[f64], years: usize) -> Delta {
    let (b, v) = (
        replication_means(base, years),
        replication_means(variant, years),
    );
    let d: Vec<f64> = v.iter().zip(&b).map(|(v, b)| v - b).collect();
    let (mb, _, seb) = mean_sd_se(&b);
    let (mv, _, sev) = mean_sd_se(&v);
    let (md, _, sed) = mean_sd_se(&d);
    let unpaired = (seb * seb + sev * sev).sqrt();
    Delta {
        baseline: mb,
        variant: mv,
        difference: md,
        paired: (md - Z95 * sed, md + Z95 * sed),
        unpaired: (md - Z95 * unpaired, md + Z95 * unpaired),
    }
}

/// Resamples of replication indices, drawn with replacement from the named stream
/// [`streams::BOOTSTRAP`]: pick `j` of resample `k` is keyed by (seed, `k`, the stream, `j`), as
/// a simulation draw is keyed by (seed, replication, stream, device, counter), so the resamples
/// are a function of the seed alone and share no draw with the simulation.
pub fn resamples(seed: u64, replications: usize, n: usize) -> Vec<Vec<usize>> {
    (0..n)
        .map(|k| {
            let keyed = Streams::new(seed, k as u32);
            (0..replications)
                .map(|j| {
                    keyed
                        .rng(streams::BOOTSTRAP, 0, j as u64)
                        .random_range(0..replications.max(1))
                })
                .collect()
        })
        .collect()
}

/// The years of the replications `picks`, in that order.
fn gather(annual: &[f64], years: usize, picks: &[usize], out: &mut Vec<f64>) {
    out.clear();
    for &r in picks {
        out.extend_from_slice(&annual[r * years..(r + 1) * years]);
    }
}

/// The paired difference of two runs' loss at return period `t`, with percentile bootstrap
/// intervals: paired resamples draw the same replications from both runs, unpaired ones
/// draw each run's replications independently. `None` when the runs hold fewer than `t`
/// years.
pub fn compare_loss_at(
    base: &[f64],
    variant: &[f64],
    years: usize,
    t: f64,
    resamples: &[Vec<usize>],
) -> Option<Delta> {
    let b0 = loss_at_unsorted(&mut base.to_vec(), t)?;
    let v0 = loss_at_unsorted(&mut variant.to_vec(), t)?;
    let (mut bs, mut vs) = (Vec::new(), Vec::new());
    let mut paired = Vec::with_capacity(resamples.len());
    let mut unpaired = Vec::with_capacity(resamples.len());
    for (k, picks) in resamples.iter().enumerate() {
        gather(base, years, picks, &mut bs);
        gather(variant, years, picks, &mut vs);
        let b = loss_at_unsorted(&mut bs, t)?;
        paired.push(loss_at_unsorted(&mut vs, t)? - b);
        // The next resample's picks stand in for an independent draw of the variant's runs.
        let other = &resamples[(k + 1) % resamples.len()];
        gather(variant, years, other, &mut vs);
        unpaired.push(loss_at_unsorted(&mut vs, t)? - b);
    }
    let interval = |mut d: Vec<f64>| {
        d.sort_by(f64::total_cmp);
        (quantile(&d, 0.025), quantile(&d, 0.975))
    };
    Some(Delta {
        baseline: b0,
        variant: v0,
        difference: v0 - b0,
        paired: interval(paired),
        unpaired: interval(unpaired),
    })
}

/// One row of a comparison: a series, a metric and its delta.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The variant's label (a policy's name, or a sweep or sensitivity point).
    pub variant: String,
    pub regime: String,
    /// The variant's regime, when a policy changed it.
    pub variant_regime: String,
    pub party: String,
    pub perspective: String,
    /// `aal` or `aep_rp_T`.
    pub metric: String,
    pub delta: Delta,
}

impl Row {
    /// Whether the row is one a reader sees first: under `regime`, the victims' ground-up
    /// damages, and each party in `perspective` (insurers in theirs).
    pub fn is_headline(&self, regime: &str, perspective: &str) -> bool {
        self.regime == regime
            && if self.party == "total" {
                self.perspective == "ground_up"
            } else {
                self.perspective == perspective || self.perspective == "insurer"
            }
    }
}

/// Compares every series of `variant` with the baseline's: AAL and the loss at return period
/// `t` (when the runs are long enough).
pub fn compare(
    label: &str,
    base: &[SeriesYears],
    variant: &[SeriesYears],
    years: usize,
    t: f64,
    resamples: &[Vec<usize>],
) -> Vec<Row> {
    let mut rows = Vec::new();
    for b in base {
        let Some(v) = matching(b, variant) else {
            continue;
        };
        let row = |metric: String, delta: Delta| Row {
            variant: label.to_owned(),
            regime: b.regime.clone(),
            variant_regime: v.regime.clone(),
            party: b.party_name.clone(),
            perspective: b.perspective.clone(),
            metric,
            delta,
        };
        rows.push(row(
            "aal".to_owned(),
            compare_aal(&b.annual, &v.annual, years),
        ));
        if let Some(d) = compare_loss_at(&b.annual, &v.annual, years, t, resamples) {
            rows.push(row(format!("aep_rp_{t}"), d));
        }
    }
    rows
}

/// What kind of study, and its results.
#[derive(Debug, Clone, PartialEq)]
pub enum Findings {
    /// Each policy against the baseline.
    Compare(Vec<Row>),
    /// Each point of a grid against the first point.
    Sweep {
        /// The fields swept, in the order of each point's values.
        fields: Vec<String>,
        points: Vec<SweepPoint>,
    },
    /// Each parameter's high value against its low value.
    Sensitivity(Vec<Swing>),
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// The value of each swept field, as TOML.
    pub values: Vec<String>,
    /// The first field's value as a number, when it is one (the chart's x).
    pub x: Option<f64>,
    /// This point against the first (the first against itself: zero).
    pub rows: Vec<Row>,
}

/// One parameter of a sensitivity study.
#[derive(Debug, Clone, PartialEq)]
pub struct Swing {
    pub field: String,
    pub low: String,
    pub high: String,
    /// The high run against the low run: `difference` is the swing.
    pub rows: Vec<Row>,
}

/// The AAL of a series, the mean of its years.
pub fn aal(s: &SeriesYears) -> f64 {
    s.annual.iter().sum::<f64>() / s.annual.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// The resamples come from the keyed stream: a function of the seed alone, each resample
    /// the same however many are drawn, and each pick uniform over the replications (the mean
    /// of 400 × 100 picks of 0..100 is 49.5 within 4 SE, SE = √((100² − 1)/12 / 40,000)).
    #[test]
    fn resamples_are_keyed_and_uniform() {
        let r = resamples(7, 100, RESAMPLES);
        assert_eq!(r, resamples(7, 100, RESAMPLES));
        assert_ne!(r, resamples(8, 100, RESAMPLES));
        assert_eq!(r[..10], resamples(7, 100, 10)[..]);
        assert!(
            r.iter()
                .all(|p| p.len() == 100 && p.iter().all(|&i| i < 100))
        );
        let picks = r.iter().flatten().map(|&i| i as f64);
        let mean = picks.sum::<f64>() / 40_000.0;
        let se = ((100.0f64 * 100.0 - 1.0) / 12.0 / 40_000.0).sqrt();
        assert!((mean - 49.5).abs() < 4.0 * se, "mean pick {mean}");
    }

    /// Identical runs differ by exactly zero, with a zero-width paired interval.
    #[test]
    fn identical_runs_differ_by_nothing() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let d = Exp::new(1.0).expect("rate");
        let years: Vec<f64> = (0..1000).map(|_| d.sample(&mut rng)).collect();
        let aal = compare_aal(&years, &years, 10);
        assert_eq!((aal.difference, aal.paired), (0.0, (0.0, 0.0)));
        assert!(aal.unpaired.1 > 0.0);
        let r = resamples(1, 100, RESAMPLES);
        let q = compare_loss_at(&years, &years, 10, 100.0, &r).expect("1000 years");
        assert_eq!((q.difference, q.paired), (0.0, (0.0, 0.0)));
        assert!(q.unpaired.1 > q.unpaired.0);
    }

    /// A variant that adds an independent loss of mean 0.1 to every year of a baseline of
    /// Exp(1) years: the paired difference estimates 0.1 with the SE of the added part alone
    /// (0.1/√N by replication means), while the unpaired interval carries the baseline's spread
    /// too; the ratio of widths is about 0.1/√(1 + 1.01 + ...) and must be well below a half.
    /// Over 200 repetitions the paired interval holds 0.1 in 91–99 % of them.
    #[test]
    fn paired_intervals_are_narrow_and_cover() {
        let base_d = Exp::new(1.0).expect("rate");
        let add_d = Exp::new(10.0).expect("rate");
        let (reps, years) = (200usize, 5usize);
        let mut hits = 0;
        let mut ratio = 0.0;
        for k in 0..200u64 {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(100 + k);
            let base: Vec<f64> = (0..reps * years).map(|_| base_d.sample(&mut rng)).collect();
            let variant: Vec<f64> = base.iter().map(|b| b + add_d.sample(&mut rng)).collect();
            let d = compare_aal(&base, &variant, years);
            if (d.paired.0..=d.paired.1).contains(&0.1) {
                hits += 1;
            }
            ratio += (d.paired.1 - d.paired.0) / (d.unpaired.1 - d.unpaired.0) / 200.0;
        }
        let coverage = f64::from(hits) / 200.0;
        eprintln!(
            "paired AAL interval: coverage {coverage:.3} (expected 0.95), width ratio {ratio:.3} (expected 0.07)"
        );
        assert!((0.91..=0.99).contains(&coverage), "coverage {coverage}");
        // Expected ratio: SE of the added mean over √(Var X + Var(X + Y)) = 0.1/√2.01 ≈ 0.07.
        assert!((0.05..0.1).contains(&ratio), "ratio {ratio}");
    }
}
