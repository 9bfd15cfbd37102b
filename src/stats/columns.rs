//! The year loss table read by column: one series' years across every replication, as numbers
//! for the curves or as an exact sum for the AALs to the cent. Both the summary and the paired
//! comparisons read the table this way.

use std::ops::Range;

use crate::money::Money;
use crate::outcome::ReplicationResult;

/// The yearly series of column `col` over the pooled `years` of every replication, in
/// replication order.
pub fn column(
    results: &[ReplicationResult],
    cols: usize,
    col: usize,
    max: bool,
    years: &Range<usize>,
) -> Vec<f64> {
    results
        .iter()
        .flat_map(|r| {
            let table = if max { &r.year_max } else { &r.year_loss };
            table
                .chunks(cols)
                .skip(years.start)
                .take(years.len())
                .map(move |row| row[col].to_f64())
        })
        .collect()
}

/// The exact sum of column `col` of the year loss table over every replication's pooled
/// `years`.
pub fn column_sum(
    results: &[ReplicationResult],
    cols: usize,
    col: usize,
    years: &Range<usize>,
) -> Money {
    results
        .iter()
        .flat_map(|r| {
            r.year_loss
                .chunks(cols)
                .skip(years.start)
                .take(years.len())
                .map(move |row| row[col])
        })
        .sum()
}
