//! `elt.csv`: the event loss table, one row per claim, regime, party and perspective, each
//! keyed by its occurrence (`event`: the systemic event, or a number of the independent claim's
//! own).

use super::table::{CsvTable, Table};
use crate::outcome::NO_DEVICE;
use crate::output::artefact::RunData;
use crate::scenario::DAYS_PER_YEAR;

/// `elt.csv`: one row per claim (damages, recall, fine), regime, party and perspective, for
/// every amount that is not zero.
pub struct EltCsv;
impl CsvTable for EltCsv {
    const FILE: &'static str = "elt.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "event",
        "year",
        "day",
        "device",
        "device_class",
        "fault_kind",
        "harm_kind",
        "root_cause",
        "root_cause_party",
        "regime",
        "line",
        "party",
        "perspective",
        "amount",
        "vulnerability",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for r in d.results {
            for e in &r.elt {
                let i = &e.incident;
                let party: &str = e.party.map_or("total", |p| {
                    d.scenario.parties[usize::from(p)].name.as_str()
                });
                w.write_record([
                    &e.replication.to_string(),
                    &e.event.to_string(),
                    &d.scenario.year_label(e.year as usize).to_string(),
                    &format!("{:.3}", i.day - f64::from(e.year) * DAYS_PER_YEAR),
                    // Class-level incidents (DDoS, back-end breaches) have no device.
                    &if i.device == NO_DEVICE {
                        String::new()
                    } else {
                        i.device.to_string()
                    },
                    &d.scenario.classes[usize::from(i.class)].name,
                    i.fault.name(),
                    i.harm.name(),
                    i.cause_role.name(),
                    d.party_name(i.cause_party),
                    e.regime.name(),
                    e.line.name(),
                    party,
                    e.perspective.name(),
                    &e.amount.to_string(),
                    &i.vulnerability.map_or(String::new(), |v| v.to_string()),
                ])?;
            }
        }
        Ok(())
    }
}
