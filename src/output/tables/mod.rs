//! The CSV tables of a run, one file each behind [`Artefact`]: `summary.csv`, `ylt.csv`,
//! `ep.csv`, `incidents.csv`, and when the run has them `elt.csv`, `botnet.csv` and
//! `vulnerabilities.csv`. A table says its file name, its header and its rows; opening the
//! writer, writing the header and flushing are done once, for all of them, here.

mod botnet;
mod elt;
mod ep;
mod incidents;
mod summary;
mod vulnerabilities;
mod ylt;

pub use botnet::BotnetCsv;
pub use elt::EltCsv;
pub use ep::EpCsv;
pub use incidents::IncidentsCsv;
pub use summary::SummaryCsv;
pub use vulnerabilities::VulnerabilitiesCsv;
pub use ylt::YltCsv;

use std::io::Write;

use super::{Artefact, RunData};

impl RunData<'_> {
    /// A party's name, or "unidentified".
    fn party_name(&self, party: Option<u16>) -> &str {
        party.map_or("unidentified", |p| {
            &self.scenario.parties[usize::from(p)].name
        })
    }

    /// A series' regime, column ("total" or a party) and perspective names.
    fn series_names(&self, col: usize) -> [&str; 3] {
        let s = &self.summary.layout.series[col];
        let party = s.party.map_or("total", |p| {
            self.scenario.parties[usize::from(p)].name.as_str()
        });
        [s.regime.name(), party, s.perspective.name()]
    }
}

/// A CSV writer over an artefact's output.
pub type Table<'a> = csv::Writer<&'a mut dyn Write>;

/// A CSV artefact: a file name, a header, and the rows. Opening the writer, writing the header
/// and flushing are done once, for all of them, by the `Artefact` impl below.
pub trait CsvTable {
    const FILE: &'static str;
    const HEADER: &'static [&'static str];
    /// Writes the rows below the header.
    fn rows(&self, data: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error>;
}

impl<T: CsvTable> Artefact for T {
    fn file_name(&self) -> &'static str {
        T::FILE
    }
    fn write(
        &self,
        data: &RunData<'_>,
        out: &mut dyn Write,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(T::HEADER)?;
        self.rows(data, &mut w)?;
        w.flush()?;
        Ok(())
    }
}
