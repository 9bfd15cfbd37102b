//! The year loss table read by column: one series' years across every replication, as numbers
//! for the curves or as an exact sum for the AALs to the cent. Both the summary and the paired
//! comparisons read the table this way.

use crate::money::Money;
use crate::outcome::ReplicationResult;

/// The yearly series of column `col` across all replications, in replication order.
pub fn column(results: &[ReplicationResult], cols: usize, col: usize, max: bool) -> Vec<f64> {
    results
        .iter()
        .flat_map(|r| {
            let table = if max { &r.year_max } else { &r.year_loss };
            table.chunks(cols).map(move |row| row[col].to_f64())
        })
        .collect()
}

/// The exact sum of column `col` of the year loss table over all replications and years.
pub fn column_sum(results: &[ReplicationResult], cols: usize, col: usize) -> Money {
    results
        .iter()
        .flat_map(|r| r.year_loss.chunks(cols).map(move |row| row[col]))
        .sum()
}
