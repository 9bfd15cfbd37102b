//! A policy study's folder: its table (`compare.csv`, `sweep.csv` or `sensitivity.csv`), its
//! chart, a self-contained page and `study.json`, written as a run's folder is: into a
//! temporary folder renamed into place only when all are complete
//! ([`super::staging::write_folder`]), the chart drawn by the same helper
//! ([`super::charts::draw_charts`]).

mod chart;
mod page;
mod series;
mod table;

pub use chart::chart;
pub use page::page;
pub use table::{TableData, table};

use std::path::{Path, PathBuf};

use super::charts::draw_charts;
use super::manifest::StudyInfo;
use super::staging::{self, io, write_file};
use crate::error::{Error, Result};
use crate::stats::paired::{Findings, SeriesYears};

/// Writes the study's folder, `OUT/<scenario>.<kind>/`, atomically; returns its path.
pub fn write_study(
    out_root: &Path,
    info: &StudyInfo,
    findings: &Findings,
    base: &[SeriesYears],
) -> Result<PathBuf> {
    let name = format!("{}.{}", info.scenario, info.kind);
    staging::write_folder(out_root, &name, |dir| {
        write_table(dir, &table(info, findings, base))?;
        let json = dir.join("study.json");
        let text = serde_json::to_string_pretty(info).map_err(|e| Error::Write {
            path: json.clone(),
            source: std::io::Error::other(e),
        })?;
        write_file(&json, (text + "\n").as_bytes())?;
        // A study without a chart has no `charts/` folder.
        let chart = chart(info, findings, base);
        let svg = match &chart {
            Some(c) => draw_charts(dir, std::slice::from_ref(c))?.pop(),
            None => None,
        };
        let rendered = chart.as_ref().zip(svg.as_deref());
        write_file(
            &dir.join("report.html"),
            page(info, findings, rendered).as_bytes(),
        )
    })
}

/// Writes the study's table as CSV into `dir`.
fn write_table(dir: &Path, t: &TableData) -> Result<()> {
    let path = dir.join(&t.file);
    let mut w = csv::Writer::from_path(&path).map_err(|e| Error::Csv {
        path: path.clone(),
        source: e,
    })?;
    let csv_err = |e: csv::Error| Error::Csv {
        path: path.clone(),
        source: e,
    };
    w.write_record(&t.header).map_err(csv_err)?;
    for r in &t.rows {
        w.write_record(r).map_err(csv_err)?;
    }
    w.flush().map_err(io(&path))
}
