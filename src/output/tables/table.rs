//! What a CSV table is ([`CsvTable`]: a file name, a header and its rows) and the one
//! [`Artefact`] impl that writes any of them; with the names a row gives a party or a series.
//! The tables import this leaf, never the folder's frame.

use std::io::Write;

use crate::output::artefact::{Artefact, RunData};

impl RunData<'_> {
    /// A party's name, or "unidentified".
    pub(super) fn party_name(&self, party: Option<u16>) -> &str {
        party.map_or("unidentified", |p| {
            &self.scenario.parties[usize::from(p)].name
        })
    }

    /// A series' regime, column ("total" or a party) and perspective names.
    pub(super) fn series_names(&self, col: usize) -> [&str; 3] {
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
