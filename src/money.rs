//! Money as whole cents in an `i128`, so that the liability engine's identities (ground-up =
//! paid + uncompensated; Σ gross = Σ net = paid; Σ insurer = Σ (net − retained)) hold exactly
//! for any amount a scenario can produce, and every written table adds up to the cent.
//!
//! Floating point is kept for what is drawn (a loss, a share) and for statistics; an amount
//! becomes [`Money`] once, rounded to the nearest cent, when it enters the books. Fractions of
//! an amount (shares, recovered fractions) are rounded at the point they are taken, and a split
//! into several shares is apportioned so that the parts add up to the whole.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in whole cents of the scenario's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i128);

/// The largest single amount the books take, in currency units: 10¹⁵, about ten times the
/// world's yearly product. A drawn loss above it is booked at this ceiling (and counted), so
/// sums of any number of claims a run can hold stay exact within an `i128`.
pub const MAX_UNITS: f64 = 1e15;

impl Money {
    pub const ZERO: Money = Money(0);
    /// The ceiling of a single amount, [`MAX_UNITS`] in cents.
    pub const CEILING: Money = Money(100_000_000_000_000_000);
    /// Stands for "no limit" (an uncapped contract, an unlimited aggregate, unlimited funds):
    /// far above any sum of amounts, far below the `i128` range, so it can be compared and
    /// reduced without overflow.
    pub const UNLIMITED: Money = Money(1 << 120);

    /// An amount in currency units rounded to the nearest cent (half away from zero), and
    /// whether it had to be held to the ceiling (magnitudes above [`MAX_UNITS`], infinities).
    /// NaN is zero.
    pub fn from_units_checked(units: f64) -> (Money, bool) {
        if units.is_nan() {
            return (Money::ZERO, false);
        }
        if units.abs() > MAX_UNITS {
            let c = Money::CEILING;
            return (if units < 0.0 { -c } else { c }, true);
        }
        // The whole units and the fraction are converted apart: both are exact in f64, so
        // the result is the drawn value rounded to the cent, even where the value times 100
        // would no longer be exact (beyond 2⁵³ cents).
        let whole = units.trunc();
        let cents = (units - whole) * 100.0;
        (Money(whole as i128 * 100 + cents.round() as i128), false)
    }

    /// [`Money::from_units_checked`] without the flag.
    pub fn from_units(units: f64) -> Money {
        Money::from_units_checked(units).0
    }

    /// A limit from the terms: `None` is unlimited.
    pub fn limit(units: Option<f64>) -> Money {
        units.map_or(Money::UNLIMITED, |u| {
            if u.is_infinite() && u > 0.0 {
                Money::UNLIMITED
            } else {
                Money::from_units(u)
            }
        })
    }

    /// The amount in currency units, for statistics and charts.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// This amount times `fraction` (in [0, 1]), rounded to the nearest cent.
    pub fn times(self, fraction: f64) -> Money {
        if fraction >= 1.0 {
            return self;
        }
        if fraction <= 0.0 {
            return Money::ZERO;
        }
        // The product of two f64 is exact to about 16 digits; beyond 2⁵³ cents the
        // fraction's own rounding already dominates, and the result is still whole cents.
        Money((self.0 as f64 * fraction).round() as i128)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// Splits `whole` into parts proportional to `weights` (non-negative, summing to about 1)
/// that add up to `whole` exactly: each part is rounded down, and the cents left over go to
/// the parts with the largest remainders, the earlier part first on a tie (Hamilton's
/// method). `out(i, part)` receives the i-th part.
pub fn apportion(whole: Money, weights: &[f64], mut out: impl FnMut(usize, Money)) {
    // Splits are among a handful of liable parties: fixed arrays, no allocation per claim.
    const MAX: usize = 16;
    let n = weights.len();
    if n <= 1 || n > MAX {
        // One part takes the whole; more than MAX parties never happen (the scenario has at
        // most a few liable roles), but would still add up: the first takes the rest.
        let mut left = whole;
        for (i, &w) in weights.iter().enumerate().skip(1) {
            let part = whole.times(w);
            out(i, part);
            left -= part;
        }
        if n > 0 {
            out(0, left);
        }
        return;
    }
    let total: f64 = weights.iter().sum();
    let (sign, abs) = (whole.0.signum(), whole.0.abs());
    let mut floors = [0i128; MAX];
    let mut rems = [0f64; MAX];
    let mut given = 0i128;
    for ((w, f), r) in weights.iter().zip(&mut floors).zip(&mut rems) {
        let exact = abs as f64 * (w / total);
        *f = (exact.floor() as i128).clamp(0, abs - given);
        *r = exact - *f as f64;
        given += *f;
    }
    // At most n cents are left: one each to the largest remainders. A part that took one
    // drops out of the running.
    for _ in 0..(abs - given).min(n as i128) {
        let best = (0..n).fold(0, |b, i| if rems[i] > rems[b] { i } else { b });
        floors[best] += 1;
        rems[best] = f64::NEG_INFINITY;
    }
    // Whatever float rounding left over (never more than a cent or two) goes to the first.
    floors[0] += abs - floors[..n].iter().sum::<i128>();
    for (i, f) in floors[..n].iter().enumerate() {
        out(i, Money(sign * f));
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// Exactly, with two decimals: `-1234.05`, `0.00` (never `-0.00`).
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_the_cent_and_prints_exactly() {
        assert_eq!(Money::from_units(1.005).0, 100); // 1.005 is 1.00499… in binary
        assert_eq!(Money::from_units(2.675).to_string(), "2.67"); // 2.67499… in binary
        assert_eq!(Money::from_units(-0.001).to_string(), "0.00");
        assert_eq!(Money::from_units(-12.3).to_string(), "-12.30");
        assert_eq!(
            Money::from_units(1e14 + 0.25).to_string(),
            "100000000000000.25"
        );
        assert_eq!(
            Money::from_units_checked(f64::INFINITY),
            (Money::CEILING, true)
        );
        assert_eq!(Money::from_units_checked(1e300), (Money::CEILING, true));
        assert_eq!(Money::from_units(f64::NAN), Money::ZERO);
        assert_eq!(Money::CEILING.to_string(), "1000000000000000.00");
    }

    #[test]
    fn apportion_adds_up_to_the_whole() {
        let mut parts = [Money::ZERO; 3];
        apportion(Money(100), &[1.0 / 3.0; 3], |i, m| parts[i] += m);
        assert_eq!(parts, [Money(34), Money(33), Money(33)]);
        let mut parts = [Money::ZERO; 2];
        apportion(Money(-7), &[0.5, 0.5], |i, m| parts[i] += m);
        assert_eq!(parts.iter().sum::<Money>(), Money(-7));
        // Huge amounts split exactly too.
        let whole = Money::CEILING + Money(1);
        let w = [0.6, 0.25, 0.15];
        let mut parts = [Money::ZERO; 3];
        apportion(whole, &w, |i, m| parts[i] += m);
        assert_eq!(parts.iter().sum::<Money>(), whole);
        let mut parts = [Money::ZERO; 11];
        apportion(Money(1_000_003), &[1.0 / 11.0; 11], |i, m| parts[i] += m);
        assert_eq!(parts.iter().sum::<Money>(), Money(1_000_003));
    }

    #[test]
    fn times_rounds_a_fraction() {
        assert_eq!(Money(1001).times(0.5), Money(501)); // 500.5 rounds away from zero
        assert_eq!(Money(1000).times(1.2), Money(1000));
        assert_eq!(Money(1000).times(-1.0), Money::ZERO);
    }
}
