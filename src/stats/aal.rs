//! The AAL of every series to the cent, rounded so that the written summary keeps the money
//! identities the books keep claim by claim (ground-up = paid + uncompensated, Σ gross = Σ net,
//! Σ insurer = Σ (net − retained)); rounding each mean on its own would break them by a cent.

use crate::money::Money;
use crate::outcome::{Layout, Perspective, ReplicationResult};

use super::columns::column_sum;

/// Each series' exact sum over the pooled `years`, with its place in the layout.
pub(super) fn layout_sums(
    layout: &Layout,
    results: &[ReplicationResult],
    years: &std::ops::Range<usize>,
) -> (Layout, Vec<Money>) {
    let cols = layout.len();
    let sums = (0..cols)
        .map(|c| column_sum(results, cols, c, years))
        .collect();
    (layout.clone(), sums)
}

/// `sum / n` rounded to the nearest cent, halves away from zero, in integers.
fn round_div(sum: Money, n: i128) -> Money {
    let (q, r) = (sum.0 / n, sum.0 % n);
    Money(if 2 * r.abs() >= n {
        q + sum.0.signum()
    } else {
        q
    })
}

/// Rounds the means `sums[i] / n` of `cols` (sums of amounts that are never negative) to whole
/// cents that add up to `target` exactly: each is rounded down, then cents are added to the ones
/// with the largest remainders, or taken from the ones with the smallest that are above zero, so
/// that no mean becomes negative. Each result is within a cent or two of its exact mean.
fn round_to_target(sums: &[Money], cols: &[usize], n: i128, target: Money, out: &mut [Money]) {
    if cols.is_empty() {
        return;
    }
    let mut floor_sum = Money::ZERO;
    let mut order: Vec<(i128, usize)> = cols
        .iter()
        .map(|&c| {
            let f = sums[c].0.div_euclid(n);
            out[c] = Money(f);
            floor_sum += Money(f);
            (sums[c].0.rem_euclid(n), c)
        })
        .collect();
    // Largest remainder first; the earlier column first on a tie.
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = (target - floor_sum).0;
    if left >= 0 {
        // At most a few cents: one each to the largest remainders, again from the top if
        // there are more cents than columns.
        for &(_, c) in order.iter().cycle().take(left as usize) {
            out[c].0 += 1;
        }
        return;
    }
    // Taken one cent at a time from the smallest remainders among the means above zero.
    while left < 0 {
        let Some(&(_, c)) = order.iter().rev().find(|&&(_, c)| out[c].0 > 0) else {
            return;
        };
        out[c].0 -= 1;
        left += 1;
        // The column that gave a cent goes to the front, so the next cent comes from another.
        if let Some(p) = order.iter().position(|&(_, x)| x == c) {
            let item = order.remove(p);
            order.insert(0, item);
        }
    }
}

/// The AAL of every series to the cent, such that the written table keeps the identities the
/// books keep claim by claim, under each regime: ground-up = paid + uncompensated;
/// Σ gross = Σ net = paid + recall + fines; Σ insurer = Σ (net − retained). Rounding each mean
/// on its own would break them by a cent or two. The totals, the retained amounts and paid,
/// recall and fines are rounded on their own; uncompensated is ground-up minus paid; the
/// parties' gross and net, and the insurers, are rounded to add up to their identity's total.
pub fn reconciled_aal((layout, sums): &(Layout, Vec<Money>), years: usize) -> Vec<Money> {
    let n = years.max(1) as i128;
    let mut out: Vec<Money> = sums.iter().map(|&s| round_div(s, n)).collect();
    let regimes = layout
        .series
        .iter()
        .map(|s| s.regime)
        .fold(Vec::new(), |mut v, r| {
            if !v.contains(&r) {
                v.push(r);
            }
            v
        });
    for (r, regime) in regimes.iter().enumerate() {
        let of = |p: Perspective| -> Vec<usize> {
            (0..layout.len())
                .filter(|&c| {
                    let s = layout.series[c];
                    s.regime == *regime && s.party.is_some() && s.perspective == p
                })
                .collect()
        };
        let t = |p| layout.total(r, p);
        out[t(Perspective::Uncompensated)] =
            out[t(Perspective::GroundUp)] - out[t(Perspective::Paid)];
        let paid_out =
            out[t(Perspective::Paid)] + out[t(Perspective::Recall)] + out[t(Perspective::Fines)];
        round_to_target(sums, &of(Perspective::Gross), n, paid_out, &mut out);
        round_to_target(sums, &of(Perspective::Net), n, paid_out, &mut out);
        // What a party keeps is never more than its net, in the written table as in the books.
        for (net, ret) in of(Perspective::Net)
            .into_iter()
            .zip(of(Perspective::Retained))
        {
            out[ret] = out[ret].min(out[net]);
        }
        let ceded: Money = of(Perspective::Net)
            .iter()
            .zip(of(Perspective::Retained))
            .map(|(&net, ret)| out[net] - out[ret])
            .sum();
        round_to_target(sums, &of(Perspective::Insurer), n, ceded, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_to_a_target_keeps_the_sum_and_never_goes_negative() {
        // Means 10/3 and 10/3 cents: floors 3 and 3, the total 20/3 rounds to 7: one cent up.
        let mut out = vec![Money::ZERO; 2];
        round_to_target(&[Money(10), Money(10)], &[0, 1], 3, Money(7), &mut out);
        assert_eq!(out, [Money(4), Money(3)]);
        // A target below the floors takes from a mean above zero, never from one at zero.
        let mut out = vec![Money::ZERO; 3];
        round_to_target(
            &[Money(0), Money(3), Money(0)],
            &[0, 1, 2],
            3,
            Money(0),
            &mut out,
        );
        assert_eq!(out, [Money(0), Money(0), Money(0)]);
        let mut out = vec![Money::ZERO; 2];
        round_to_target(&[Money(7), Money(1)], &[0, 1], 3, Money(1), &mut out);
        assert_eq!(out.iter().sum::<Money>(), Money(1));
        assert!(out.iter().all(|m| m.0 >= 0), "{out:?}");
    }
}
