//! `ylt.csv`: the year loss table, every year of every replication and every series.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;

/// `ylt.csv`: replication, year, regime, party, perspective, loss, largest — every year of
/// every replication and every series, zeros included. `largest` is the year's largest
/// occurrence (a systemic event's claims in the year summed; an independent incident's claim
/// alone), from which the OEP curve is drawn.
pub struct YltCsv;
impl CsvTable for YltCsv {
    const FILE: &'static str = "ylt.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "year",
        "regime",
        "party",
        "perspective",
        "loss",
        "largest",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        let cols = d.summary.layout.len();
        for r in d.results {
            let years = r.year_loss.chunks(cols).zip(r.year_max.chunks(cols));
            for (year, (row, max)) in years.enumerate() {
                for (col, (&loss, &largest)) in row.iter().zip(max).enumerate() {
                    let [regime, party, perspective] = d.series_names(col);
                    w.write_record([
                        &r.replication.to_string(),
                        &d.scenario.year_label(year).to_string(),
                        regime,
                        party,
                        perspective,
                        &loss.to_string(),
                        &largest.to_string(),
                    ])?;
                }
            }
        }
        Ok(())
    }
}
