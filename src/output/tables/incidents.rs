//! `incidents.csv`: incidents per month by kind, mean and 90 % band across replications.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;

/// `incidents.csv`: incidents per month by kind, mean and 90 % band across replications.
pub struct IncidentsCsv;
impl CsvTable for IncidentsCsv {
    const FILE: &'static str = "incidents.csv";
    const HEADER: &'static [&'static str] = &["month", "fault_kind", "mean", "p05", "p95"];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for m in &d.summary.timeline {
            w.write_record([
                &m.month.to_string(),
                m.fault.name(),
                &format!("{:.4}", m.mean),
                &format!("{:.4}", m.p05),
                &format!("{:.4}", m.p95),
            ])?;
        }
        Ok(())
    }
}
