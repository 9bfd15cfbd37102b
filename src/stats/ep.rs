//! Exceedance-probability curves by rank: the return-period rule, read off a sorted table or,
//! for one return period, off unsorted values by selection; TVaR interpolated the same way.
//!
//! Of N simulated years sorted from the largest, the year at rank i has return period N/i; a
//! return period between two ranks is read by linear interpolation in return period (the
//! convention of Oasis LMF). The rule is written once, in [`at_return_period`], and every reader
//! of a return period (the tables, the charts, the paired comparisons) goes through it.

/// Yearly losses sorted from largest to smallest: L₁ ≥ L₂ ≥ … ≥ L_N.
pub fn descending(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    v
}

/// The return-period rule: the value at return period `t` of `n` values ranked from the
/// largest, where `kth(i)` is the value at rank `i` (1-based, return period n/i), interpolating
/// linearly in return period between the two ranks around `t`. `None` beyond `n` years or
/// below 1.
pub fn at_return_period(n: usize, t: f64, mut kth: impl FnMut(usize) -> f64) -> Option<f64> {
    let nf = n as f64;
    if n == 0 || !(1.0..=nf).contains(&t) {
        return None;
    }
    let r = nf / t; // the real rank; 1 ≤ r ≤ N
    let i = r.floor() as usize; // rank with return period N/i ≥ t
    if (r - r.floor()).abs() < 1e-12 || i >= n {
        return Some(kth(i));
    }
    let (upper, lower) = (kth(i), kth(i + 1));
    let (rp_i, rp_j) = (nf / i as f64, nf / (i + 1) as f64);
    let w = (t - rp_j) / (rp_i - rp_j);
    Some(lower + w * (upper - lower))
}

/// Reads a rank-indexed curve (`curve[i-1]` at rank i) at return period `t`.
fn on_curve(curve: &[f64], t: f64) -> Option<f64> {
    at_return_period(curve.len(), t, |i| curve[i - 1])
}

/// The loss at return period `t` of descending values.
pub fn loss_at(sorted_desc: &[f64], t: f64) -> Option<f64> {
    on_curve(sorted_desc, t)
}

/// The loss at return period `t` of unsorted yearly losses, read as [`loss_at`] reads a sorted
/// table, by selection rather than a full sort (the bootstrap reads hundreds of resamples).
/// The values are reordered.
pub fn loss_at_unsorted(values: &mut [f64], t: f64) -> Option<f64> {
    let n = values.len();
    // The k-th largest (1-based) is at ascending position n − k.
    at_return_period(n, t, |k| {
        let (_, x, _) = values.select_nth_unstable_by(n - k, f64::total_cmp);
        *x
    })
}

/// TVaR at rank i (mean of the top i), for every rank.
pub fn tvar_curve(sorted_desc: &[f64]) -> Vec<f64> {
    let mut sum = 0.0;
    sorted_desc
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            sum += x;
            sum / (i + 1) as f64
        })
        .collect()
}

/// TVaR at return period `t`, interpolated between ranks as the loss is.
pub fn tvar_at(tvar: &[f64], t: f64) -> Option<f64> {
    on_curve(tvar, t)
}

/// One curve's values at the requested return periods (`None`: longer than the run).
pub type Curve = Vec<(f64, Option<f64>)>;

/// A rank-indexed curve read at each of `return_periods`.
pub fn curve_at(curve: &[f64], return_periods: &[f64]) -> Curve {
    return_periods
        .iter()
        .map(|&t| (t, on_curve(curve, t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use crate::stats::tests::YLT;

    #[test]
    fn ep_by_rank_and_interpolation() {
        let d = descending(&YLT);
        // Exact ranks: RP 10 → rank 1, RP 5 → rank 2, RP 2 → rank 5, RP 1 → rank 10.
        assert_eq!(loss_at(&d, 10.0), Some(100.0));
        assert_eq!(loss_at(&d, 5.0), Some(50.0));
        assert_eq!(loss_at(&d, 2.0), Some(20.0));
        assert_eq!(loss_at(&d, 1.0), Some(0.0));
        // RP 4 lies between rank 2 (RP 5, 50) and rank 3 (RP 3.333…, 40):
        // 40 + (4 − 10/3)/(5 − 10/3)·(50 − 40) = 40 + 0.4·10 = 44.
        let v = loss_at(&d, 4.0).unwrap();
        assert!((v - 44.0).abs() < 1e-12, "{v}");
        // Longer than the run: not reported.
        assert_eq!(loss_at(&d, 20.0), None);
    }

    #[test]
    fn tvar_by_rank_and_interpolation() {
        let t = tvar_curve(&descending(&YLT));
        assert_eq!(tvar_at(&t, 10.0), Some(100.0));
        assert_eq!(tvar_at(&t, 5.0), Some(75.0));
        // Rank 3: (100 + 50 + 40)/3 = 63.333…; RP 4: 63.333… + 0.4·(75 − 63.333…) = 68.
        let v = tvar_at(&t, 4.0).unwrap();
        assert!((v - 68.0).abs() < 1e-12, "{v}");
        assert_eq!(tvar_at(&t, 1.0), Some(25.5));
    }

    #[test]
    fn selection_reads_the_return_period_as_the_sorted_table() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let values: Vec<f64> = (0..997).map(|_| rng.random::<f64>()).collect();
        let desc = descending(&values);
        for t in [1.0, 1.5, 2.0, 10.0, 33.3, 100.0, 500.0, 997.0] {
            let mut v = values.clone();
            assert_eq!(loss_at_unsorted(&mut v, t), loss_at(&desc, t), "t = {t}");
        }
        assert_eq!(loss_at_unsorted(&mut values.clone(), 998.0), None);
    }
}
