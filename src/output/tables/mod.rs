//! The CSV tables of a run, one file each behind [`Artefact`](super::Artefact): `summary.csv`,
//! `ylt.csv`, `ep.csv`, `incidents.csv`, `years.csv`, and when the run has them `elt.csv`, `events.csv`,
//! `botnet.csv` and `vulnerabilities.csv`. A table says its file name, its header and its rows; opening the
//! writer, writing the header and flushing are done once, for all of them, in `table.rs`.

mod botnet;
mod elt;
mod ep;
mod events;
mod incidents;
mod summary;
mod table;
mod vulnerabilities;
mod years;
mod ylt;

pub use botnet::BotnetCsv;
pub use elt::EltCsv;
pub use ep::EpCsv;
pub use events::EventsCsv;
pub use incidents::IncidentsCsv;
pub use summary::SummaryCsv;
pub use table::{CsvTable, Table};
pub use vulnerabilities::VulnerabilitiesCsv;
pub use years::YearsCsv;
pub use ylt::YltCsv;
