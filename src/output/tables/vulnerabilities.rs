//! `vulnerabilities.csv`: every vulnerability disclosed, with its delays.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;

/// `vulnerabilities.csv`: every vulnerability disclosed, with its delays, per replication.
pub struct VulnerabilitiesCsv;
impl CsvTable for VulnerabilitiesCsv {
    const FILE: &'static str = "vulnerabilities.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "device_class",
        "vulnerability",
        "disclosed_day",
        "exploit_day",
        "patch_release_day",
        "within_support",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        let day = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                String::new()
            }
        };
        for r in d.results {
            for v in &r.vulnerabilities {
                w.write_record([
                    &r.replication.to_string(),
                    &d.scenario.classes[usize::from(v.class)].name,
                    &v.index.to_string(),
                    &day(v.disclosed),
                    &day(v.exploit_day),
                    &day(v.patch_release),
                    &v.within_support.to_string(),
                ])?;
            }
        }
        Ok(())
    }
}
