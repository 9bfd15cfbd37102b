//! `events.csv`: every systemic event of every replication, with what it reached and cost.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;
use crate::scenario::DAYS_PER_YEAR;

/// `events.csv`: one row per systemic event and replication: its number (as in `elt.csv`), its
/// source and kind, when it started (calendar year and day within it) and how long it lasted,
/// the fleet devices it reached, and its ground-up damages.
pub struct EventsCsv;
impl CsvTable for EventsCsv {
    const FILE: &'static str = "events.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "event",
        "source",
        "kind",
        "year",
        "day",
        "duration_days",
        "devices",
        "ground_up",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for r in d.results {
            for e in &r.events {
                let year = d.scenario.year_of(e.start);
                let loss = r.event_loss_of(e.id);
                w.write_record([
                    &r.replication.to_string(),
                    &e.id.to_string(),
                    &d.scenario.events[usize::from(e.source)].name,
                    e.kind.name(),
                    &d.scenario.year_label(year).to_string(),
                    &format!("{:.3}", e.start - year as f64 * DAYS_PER_YEAR),
                    &format!("{:.3}", (e.end - e.start).max(0.0)),
                    &e.devices.to_string(),
                    &loss.to_string(),
                ])?;
            }
        }
        Ok(())
    }
}
