//! The only writer: a run's CSV tables and manifest, then its charts and HTML report, written
//! into a temporary folder that is renamed into place only when every file is complete; and the
//! batch index. The report is built by reading the run's own files back ([`read`]), so a saved
//! folder rebuilds it ([`rebuild_report`]).
//!
//! Each file of a run is one [`Artefact`] (the CSV tables in [`tables`], `manifest.json` beside
//! the trait in `artefact.rs`, the facts it holds in [`manifest`]); each chart one
//! [`charts::Chart`], described in [`report`], drawn by [`charts::draw_charts`] and laid out on
//! the page by [`page`]; a study's folder is written by [`study`] with the same helpers. This
//! file is the frame: it lists the artefacts and writes the folders, and no file below imports
//! it.

mod artefact;
pub mod charts;
mod events_section;
pub mod format;
mod index;
pub mod manifest;
pub mod page;
pub mod read;
pub mod report;
pub mod staging;
pub mod study;
pub mod tables;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
pub use artefact::{Artefact, ManifestJson, RunData};
use charts::draw_charts;
pub use index::{report_folders, write_index};
pub use manifest::{ClassInfo, Manifest, PartyInfo};
use report::ReportOptions;
use staging::{io, write_file};
use tables::{
    BotnetCsv, EltCsv, EpCsv, EventsCsv, IncidentsCsv, SummaryCsv, VulnerabilitiesCsv, YearsCsv,
    YltCsv,
};

/// The artefacts of a run, in writing order.
pub fn artefacts(
    with_elt: bool,
    with_events: bool,
    with_botnet: bool,
    with_vulnerabilities: bool,
) -> Vec<Box<dyn Artefact>> {
    let mut v: Vec<Box<dyn Artefact>> = vec![
        Box::new(SummaryCsv),
        Box::new(YltCsv),
        Box::new(EpCsv),
        Box::new(IncidentsCsv),
        Box::new(YearsCsv),
    ];
    if with_elt {
        v.push(Box::new(EltCsv));
    }
    if with_events {
        v.push(Box::new(EventsCsv));
    }
    if with_botnet {
        v.push(Box::new(BotnetCsv));
    }
    if with_vulnerabilities {
        v.push(Box::new(VulnerabilitiesCsv));
    }
    v.push(Box::new(ManifestJson));
    v
}

/// Draws the charts of the run folder `f` and its report page into `target`:
/// `charts/<name>.svg`, `charts/<name>.png` and `report.html`.
pub fn write_report(f: &read::RunFolder, target: &Path, options: &ReportOptions) -> Result<()> {
    let charts = report::charts(f, options);
    let svgs = draw_charts(target, &charts)?;
    let rendered: Vec<page::Rendered<'_>> = charts
        .iter()
        .zip(&svgs)
        .map(|(chart, svg)| page::Rendered { chart, svg })
        .collect();
    let page = page::page(f, options, &rendered);
    write_file(&target.join("report.html"), page.as_bytes())
}

/// Rebuilds the report of the run folder `dir` from its files, without simulating. The new
/// charts and page are drawn into a temporary folder first; each is then exchanged with the
/// old one (never missing), and the old ones removed. Leftovers of earlier interrupted rebuilds
/// are removed first.
pub fn rebuild_report(dir: &Path, options: &ReportOptions) -> Result<()> {
    let f = read::read_folder(dir)?;
    for name in ["report", "charts", "report.html"] {
        staging::sweep(dir, name)?;
    }
    let tmp = staging::Staging::dir(dir, "report")?;
    write_report(&f, tmp.path(), options)?;
    // What was replaced lands in `tmp`, which is removed when it goes out of scope.
    staging::publish(&tmp.path().join("charts"), &dir.join("charts"))?;
    staging::publish(&tmp.path().join("report.html"), &dir.join("report.html"))?;
    Ok(())
}

/// Writes every artefact into `out_root/<scenario name>/`, atomically
/// ([`staging::write_folder`]). With `report`, the charts and report page are drawn from the
/// written tables before the folder is put in place.
pub fn write_run(
    out_root: &Path,
    data: &RunData<'_>,
    report: Option<&ReportOptions>,
) -> Result<PathBuf> {
    let with_vulnerabilities = data
        .scenario
        .classes
        .iter()
        .any(|c| c.vulnerabilities.is_some());
    let artefacts = artefacts(
        data.manifest.event_loss_table,
        !data.scenario.events.is_empty(),
        data.scenario.events.iter().any(|e| e.botnet().is_some()),
        with_vulnerabilities,
    );
    staging::write_folder(out_root, &data.scenario.name, |dir| {
        for a in artefacts {
            let path = dir.join(a.file_name());
            let file = File::create(&path).map_err(io(&path))?;
            let mut buf = BufWriter::new(file);
            a.write(data, &mut buf).map_err(|e| Error::Write {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
            buf.flush().map_err(io(&path))?;
        }
        if let Some(options) = report {
            let written = read::read_folder(dir)?;
            write_report(&written, dir, options)?;
        }
        Ok(())
    })
}

/// Prints the JSON Schema of scenario files to `out`.
pub fn write_schema(out: &mut dyn Write) -> Result<()> {
    let schema = crate::scenario::schema();
    serde_json::to_writer_pretty(&mut *out, &schema).map_err(|e| Error::Write {
        path: PathBuf::from("<stdout>"),
        source: std::io::Error::other(e),
    })?;
    writeln!(out).map_err(|source| Error::Write {
        path: PathBuf::from("<stdout>"),
        source,
    })
}
