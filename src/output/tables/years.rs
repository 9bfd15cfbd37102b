//! `years.csv`: every series by calendar year and over the pooled years, with the exposure
//! (devices in service, device-years) and the loss and incidents per 1,000 device-years.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;

/// `years.csv`: one row per year (its calendar year, or the horizon's year from 0 without a
/// start year; `pooled` for the years after the warm-up together) and series.
pub struct YearsCsv;
impl CsvTable for YearsCsv {
    const FILE: &'static str = "years.csv";
    const HEADER: &'static [&'static str] = &[
        "year",
        "regime",
        "party",
        "perspective",
        "in_service",
        "device_years",
        "loss",
        "loss_se",
        "loss_per_1000_device_years",
        "loss_per_1000_device_years_se",
        "incidents_per_1000_device_years",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for row in &d.summary.by_year {
            let [regime, party, perspective] = d.series_names(row.series);
            let year = row.year.map_or_else(
                || "pooled".to_owned(),
                |y| d.scenario.year_label(y).to_string(),
            );
            w.write_record([
                &year,
                regime,
                party,
                perspective,
                &format!("{:.1}", row.in_service),
                &format!("{:.3}", row.device_years),
                &format!("{:.2}", row.loss),
                &format!("{:.2}", row.loss_se),
                &format!("{:.4}", row.loss_rate),
                &format!("{:.4}", row.loss_rate_se),
                &format!("{:.4}", row.incident_rate),
            ])?;
        }
        Ok(())
    }
}
