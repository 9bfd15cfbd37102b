//! `botnet.csv`: the outbreak's time series, per replication.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;

/// `botnet.csv`: the outbreak's time series, per replication.
pub struct BotnetCsv;
impl CsvTable for BotnetCsv {
    const FILE: &'static str = "botnet.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "day",
        "fleet_infected",
        "external_infected",
        "fleet_susceptible",
        "recruited",
        "reinfected",
        "rebooted",
        "cleaned",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for r in d.results {
            for b in &r.botnet {
                w.write_record([
                    r.replication.to_string(),
                    format!("{:.4}", b.day),
                    b.fleet_infected.to_string(),
                    b.external_infected.to_string(),
                    b.fleet_susceptible.to_string(),
                    b.recruited.to_string(),
                    b.reinfected.to_string(),
                    b.rebooted.to_string(),
                    b.cleaned.to_string(),
                ])?;
            }
        }
        Ok(())
    }
}
