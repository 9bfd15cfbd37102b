//! The estimators behind the report's charts, pure functions of yearly losses: the EP curve
//! drawn from every simulated year, the AAL and a return period's loss as replications
//! accumulate (with their 95 % intervals), a histogram of yearly losses, and the mean and band of
//! the botnet's size over time.

use std::collections::BTreeMap;

use super::{Z95, descending, loss_at, mean_se_by_replication, quantile, tvar_at, tvar_curve};

/// Points of a drawn EP curve, evenly spaced in log return period.
const EP_POINTS: usize = 160;
/// Points of a convergence curve at most.
const CONVERGENCE_POINTS: usize = 150;
/// Bins of a loss histogram.
const BINS: usize = 30;

/// An EP curve drawn from every simulated year: `(log10 return period, loss)` at return
/// periods spaced evenly in log from 1 to N years, read as `stats` reads the tables.
pub fn ep_curve(values: &[f64], tvar: bool) -> Vec<(f64, f64)> {
    let desc = descending(values);
    let curve = if tvar { tvar_curve(&desc) } else { desc };
    let n = curve.len() as f64;
    if n < 1.0 {
        return Vec::new();
    }
    let top = n.log10();
    (0..=EP_POINTS)
        .filter_map(|k| {
            let lt = top * k as f64 / EP_POINTS as f64;
            // The last point is exactly N: no rounding past the data.
            let t = if k == EP_POINTS { n } else { 10f64.powf(lt) };
            tvar_at(&curve, t).map(|v| (lt, v))
        })
        .collect()
}

/// One point of a convergence curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConvergencePoint {
    pub replications: usize,
    pub estimate: f64,
    /// The 95 % interval.
    pub low: f64,
    pub high: f64,
}

/// The AAL after the first k replications, with its 95 % interval (± 1.96 standard errors
/// across those replications' means), for up to [`CONVERGENCE_POINTS`] values of k.
pub fn aal_convergence(annual: &[f64], years: usize) -> Vec<ConvergencePoint> {
    checkpoints(annual.len() / years.max(1))
        .into_iter()
        .map(|k| {
            let (mean, se) = mean_se_by_replication(&annual[..k * years], years);
            ConvergencePoint {
                replications: k,
                estimate: mean,
                low: mean - Z95 * se,
                high: mean + Z95 * se,
            }
        })
        .collect()
}

/// The loss at return period `t` after the first k replications, once they hold at least t
/// years, with a distribution-free 95 % interval from order statistics: the number of years
/// above the true quantile is Binomial(N, 1/t), so the interval runs between the ranks
/// N/t ∓ 1.96·√(N/t·(1 − 1/t)).
pub fn quantile_convergence(annual: &[f64], years: usize, t: f64) -> Vec<ConvergencePoint> {
    checkpoints(annual.len() / years.max(1))
        .into_iter()
        .filter(|&k| (k * years) as f64 >= t)
        .filter_map(|k| {
            let desc = descending(&annual[..k * years]);
            let n = desc.len() as f64;
            let (m, sd) = (n / t, (n / t * (1.0 - 1.0 / t)).sqrt());
            let rank = |r: f64| desc[(r as usize).clamp(1, desc.len()) - 1];
            Some(ConvergencePoint {
                replications: k,
                estimate: loss_at(&desc, t)?,
                low: rank((m + Z95 * sd).ceil()),
                high: rank((m - Z95 * sd).floor().max(1.0)),
            })
        })
        .collect()
}

/// The replication counts at which convergence is shown: all of them, or evenly spaced ones
/// ending at the last.
fn checkpoints(replications: usize) -> Vec<usize> {
    if replications <= CONVERGENCE_POINTS {
        return (1..=replications).collect();
    }
    let mut v: Vec<usize> = (1..=CONVERGENCE_POINTS)
        .map(|i| (i * replications).div_ceil(CONVERGENCE_POINTS))
        .collect();
    v.dedup();
    v
}

/// A histogram of yearly losses: bins over the years with a loss, as shares of all years, on
/// a log scale when the losses span more than [`LOG_SPAN`] times their median; and the share
/// of years without loss.
pub fn loss_histogram(values: &[f64]) -> (Vec<(f64, f64, f64)>, bool, f64) {
    let n = values.len().max(1) as f64;
    let mut pos: Vec<f64> = values.iter().copied().filter(|&v| v >= 0.005).collect();
    let zero_share = 1.0 - pos.len() as f64 / n;
    if pos.is_empty() {
        return (Vec::new(), false, zero_share);
    }
    pos.sort_by(f64::total_cmp);
    let (min, max) = (pos[0], pos[pos.len() - 1]);
    let median = quantile(&pos, 0.5);
    let log = max / median > LOG_SPAN;
    let tr = |v: f64| if log { v.log10() } else { v };
    let (lo, hi) = if log { (tr(min), tr(max)) } else { (0.0, max) };
    let width = ((hi - lo) / BINS as f64).max(1e-9);
    let mut counts = [0usize; BINS];
    for &v in &pos {
        let b = (((tr(v) - lo) / width) as usize).min(BINS - 1);
        counts[b] += 1;
    }
    let bins = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let a = lo + i as f64 * width;
            (a, a + width, c as f64 / n)
        })
        .collect();
    (bins, log, zero_share)
}

/// Losses spanning more than this multiple of their median are shown on a log scale.
pub const LOG_SPAN: f64 = 30.0;

/// The mean and 90 % band across replications of a quantity recorded over time (the botnet's
/// size): at each day recorded, every replication's latest value at or before it. `sample`
/// reads a row as (replication, day, value).
pub fn band_over_time<T>(
    rows: &[T],
    sample: impl Fn(&T) -> (u32, f64, f64),
) -> Vec<(f64, f64, f64, f64)> {
    let mut by_rep: BTreeMap<u32, Vec<(f64, f64)>> = BTreeMap::new();
    for r in rows {
        let (replication, day, v) = sample(r);
        by_rep.entry(replication).or_default().push((day, v));
    }
    let mut days: Vec<f64> = rows.iter().map(|r| sample(r).1).collect();
    days.sort_by(f64::total_cmp);
    days.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    // At most 400 points: every k-th day, and the last.
    let step = days.len().div_ceil(400).max(1);
    let last = days.last().copied();
    let mut grid: Vec<f64> = days.into_iter().step_by(step).collect();
    if let Some(l) = last
        && grid.last() != Some(&l)
    {
        grid.push(l);
    }
    for v in by_rep.values_mut() {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    grid.iter()
        .map(|&d| {
            let mut at: Vec<f64> = by_rep
                .values()
                .map(|v| {
                    let i = v.partition_point(|p| p.0 <= d + 1e-9);
                    if i == 0 { 0.0 } else { v[i - 1].1 }
                })
                .collect();
            at.sort_by(f64::total_cmp);
            let mean = at.iter().sum::<f64>() / at.len().max(1) as f64;
            (d, mean, quantile(&at, 0.05), quantile(&at, 0.95))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Exp, LogNormal};
    use rand_xoshiro::SplitMix64;

    /// `n` draws of Exp(1) from a fixed seed.
    fn exponential(seed: u64, n: usize) -> Vec<f64> {
        let mut rng = SplitMix64::seed_from_u64(seed);
        let d = Exp::new(1.0).expect("rate 1");
        (0..n).map(|_| d.sample(&mut rng)).collect()
    }

    /// The EP curve of Exp(1) years is ln t at return period t, and its TVaR ln t + 1 (the
    /// exponential forgets its past). The sample quantile's standard error at t = 100 is
    /// √(p(1 − p)/N)/f(q) with p = f(q) = 1/100: 0.031 for N = 100,000; tolerances are 4 SE.
    #[test]
    fn ep_curve_matches_the_exponential() {
        let n = 100_000;
        let years = exponential(1, n);
        let curve = ep_curve(&years, false);
        let tvar = ep_curve(&years, true);
        assert_eq!(curve.len(), EP_POINTS + 1);
        assert_eq!(curve.first().map(|p| p.0), Some(0.0));
        let last = curve.last().expect("a point at N");
        assert!((last.0 - (n as f64).log10()).abs() < 1e-12);
        let max = years.iter().copied().fold(0.0, f64::max);
        assert_eq!(last.1, max, "the 1-in-N year is the largest");
        let se = (0.01f64 * 0.99 / n as f64).sqrt() / 0.01;
        for (what, c, expected) in [
            ("loss", &curve, 100f64.ln()),
            ("TVaR", &tvar, 100f64.ln() + 1.0),
        ] {
            // log10 100 = 2 falls on the grid: k = 2·EP_POINTS/5.
            let at = c
                .iter()
                .find(|p| (p.0 - 2.0).abs() < 1e-9)
                .expect("a point at 1-in-100");
            eprintln!(
                "1-in-100 {what} of Exp(1): measured {:.4}, expected {expected:.4}, 4 SE {:.4}",
                at.1,
                4.0 * se
            );
            assert!((at.1 - expected).abs() < 4.0 * se, "{} vs {expected}", at.1);
        }
        for w in curve.windows(2) {
            assert!(w[0].1 <= w[1].1, "EP rises with the return period");
        }
        for (a, t) in curve.iter().zip(&tvar) {
            assert!(t.1 >= a.1 - 1e-9, "TVaR is never below the loss");
        }
    }

    /// Over 400 independent runs of 2,000 Exp(1) years, the 95 % intervals for the mean (1)
    /// and for the 1-in-100 loss (ln 100) each hold the true value in 95 % of runs; with 400
    /// runs the coverage's standard error is 1.1 %, so the test allows 91 %–99 %.
    #[test]
    fn convergence_intervals_cover_at_their_level() {
        let (runs, years) = (400, 2_000);
        let (mut aal_hits, mut q_hits) = (0, 0);
        for run in 0..runs {
            let annual = exponential(1_000 + run, years);
            // One year per "replication", so every checkpoint is a whole number of years.
            let aal = aal_convergence(&annual, 1);
            let last = aal.last().expect("a final point");
            assert_eq!(last.replications, years);
            if (last.low..=last.high).contains(&1.0) {
                aal_hits += 1;
            }
            let q = quantile_convergence(&annual, 1, 100.0);
            assert!(
                q.iter().all(|p| p.replications >= 100),
                "only once 100 years are in"
            );
            let last = q.last().expect("a final point");
            assert!(last.low <= last.estimate && last.estimate <= last.high);
            if (last.low..=last.high).contains(&100f64.ln()) {
                q_hits += 1;
            }
        }
        for (what, hits) in [("AAL", aal_hits), ("1-in-100", q_hits)] {
            let coverage = f64::from(hits) / f64::from(runs as u32);
            eprintln!("{what} interval coverage: {coverage:.3} (expected 0.95)");
            assert!(
                (0.91..=0.99).contains(&coverage),
                "{what}: coverage {coverage}"
            );
        }
    }

    #[test]
    fn checkpoints_end_at_the_last_replication() {
        assert_eq!(checkpoints(3), [1, 2, 3]);
        let c = checkpoints(10_000);
        assert_eq!(c.len(), CONVERGENCE_POINTS);
        assert_eq!(c.last(), Some(&10_000));
        assert!(c.windows(2).all(|w| w[0] < w[1]));
    }

    /// Shares of all years, zero years apart; a log scale only for a heavy tail.
    #[test]
    fn loss_histogram_shares_and_scale() {
        let mut years = exponential(5, 10_000);
        years.extend(std::iter::repeat_n(0.0, 2_500));
        let (bins, log, zero) = loss_histogram(&years);
        assert!(!log, "Exp(1) spans less than 30 medians");
        assert_eq!(bins.len(), BINS);
        // Losses under half a cent count as none: P(X < 0.005) = 0.5 % of the 80 % drawn.
        let expected_zero = 0.2 + 0.8 * (1.0 - (-0.005f64).exp());
        assert!(
            (zero - expected_zero).abs() < 4.0 * (0.004 / 12_500f64).sqrt(),
            "{zero}"
        );
        let share: f64 = bins.iter().map(|b| b.2).sum();
        assert!((share - (1.0 - zero)).abs() < 1e-9, "{share}");
        // The first bin holds P(0.005 ≤ X < w) of the years, within 4 SE.
        let w = bins[0].1 - bins[0].0;
        assert_eq!(bins[0].0, 0.0);
        let p = 0.8 * ((-0.005f64).exp() - (-w).exp());
        let se = (p * (1.0 - p) / 12_500.0).sqrt();
        assert!((bins[0].2 - p).abs() < 4.0 * se, "{} vs {p}", bins[0].2);

        let mut rng = SplitMix64::seed_from_u64(9);
        let heavy = LogNormal::new(10.0, 2.5).expect("a log-normal");
        let years: Vec<f64> = (0..10_000).map(|_| heavy.sample(&mut rng)).collect();
        let (bins, log, zero) = loss_histogram(&years);
        assert!(log, "σ = 2.5 spans thousands of medians");
        assert_eq!(zero, 0.0);
        // On the log scale the bins are log10 of money: a median of e^10 sits near 4.34.
        let median_bin = bins
            .iter()
            .scan(0.0, |acc, b| {
                *acc += b.2;
                Some((b, *acc))
            })
            .find(|(_, acc)| *acc >= 0.5)
            .expect("a median bin")
            .0;
        let m = 10f64 / std::f64::consts::LN_10;
        assert!(
            median_bin.0 - 0.01 <= m && m <= median_bin.1 + 0.01,
            "{median_bin:?}"
        );
    }
}
