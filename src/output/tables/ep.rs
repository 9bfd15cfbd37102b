//! `ep.csv`: the EP and TVaR curves of every series at the scenario's return periods.

use super::table::{CsvTable, Table};
use crate::output::artefact::RunData;
use crate::output::format::cents;
use crate::stats::Curve;

/// `ep.csv`: party, curve, return period, loss.
pub struct EpCsv;
impl CsvTable for EpCsv {
    const FILE: &'static str = "ep.csv";
    const HEADER: &'static [&'static str] = &[
        "regime",
        "party",
        "perspective",
        "curve",
        "return_period",
        "loss",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for (col, m) in d.summary.columns.iter().enumerate() {
            let curves: [(&str, &Curve); 4] = [
                ("AEP", &m.aep),
                ("OEP", &m.oep),
                ("AEP-TVaR", &m.aep_tvar),
                ("OEP-TVaR", &m.oep_tvar),
            ];
            for (name, curve) in curves {
                for (t, v) in curve {
                    if let Some(v) = v {
                        let [regime, party, perspective] = d.series_names(col);
                        w.write_record([
                            regime,
                            party,
                            perspective,
                            name,
                            &t.to_string(),
                            &cents(*v),
                        ])?;
                    }
                }
            }
        }
        Ok(())
    }
}
