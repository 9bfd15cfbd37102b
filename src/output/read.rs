//! Reads a run folder back: the tables and manifest that [`super::write_run`] wrote, as plain
//! data for the report. The report is built from these files alone, so that `fleetsim report`
//! on a saved folder gives what `fleetsim run` gave.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Manifest;
use crate::error::{Error, Result};

/// One series of a run (a regime, `total` or a party, a perspective) with its metrics from
/// `summary.csv` and its yearly losses from `ylt.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub regime: String,
    /// `total` or a party's name.
    pub party: String,
    pub perspective: String,
    /// The metrics of `summary.csv` by name: `aal`, `aal_ci95_low`, `aep_rp_100`, …
    pub metrics: BTreeMap<String, f64>,
    /// Every simulated year's sum, replication by replication.
    pub annual: Vec<f64>,
    /// Every simulated year's largest single amount, in the same order.
    pub largest: Vec<f64>,
}

impl SeriesData {
    /// A metric of `summary.csv`, if the run reported it.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).copied()
    }

    /// The average annual loss.
    pub fn aal(&self) -> f64 {
        self.metric("aal").unwrap_or(0.0)
    }
}

/// A row of `summary.csv` that belongs to no series: incident counts, the outbreak, recalls,
/// insolvency.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OtherRow {
    pub regime: String,
    pub party: String,
    pub metric: String,
    pub value: f64,
}

/// A row of `incidents.csv`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MonthRow {
    pub month: usize,
    pub fault_kind: String,
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

/// The columns of `botnet.csv` that the report draws.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct BotnetRow {
    pub replication: u32,
    pub day: f64,
    pub fleet_infected: u64,
    pub external_infected: u64,
}

/// Everything the report reads from a run folder.
#[derive(Debug, Clone)]
pub struct RunFolder {
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// In the order of `ylt.csv`: regime by regime, the total's perspectives, then the parties'.
    pub series: Vec<SeriesData>,
    pub other: Vec<OtherRow>,
    pub timeline: Vec<MonthRow>,
    /// `None` when the scenario has no botnet.
    pub botnet: Option<Vec<BotnetRow>>,
}

impl RunFolder {
    /// The series of `party` (`total` or a name) in `perspective` under `regime`.
    pub fn find(&self, regime: &str, party: &str, perspective: &str) -> Option<&SeriesData> {
        self.series
            .iter()
            .find(|s| s.regime == regime && s.party == party && s.perspective == perspective)
    }

    /// Simulated years per series: replications × horizon.
    pub fn years(&self) -> usize {
        self.series.first().map_or(0, |s| s.annual.len())
    }
}

#[derive(Deserialize)]
struct SummaryRow {
    regime: String,
    party: String,
    perspective: String,
    metric: String,
    value: f64,
}

#[derive(Deserialize)]
struct YltRow {
    replication: u32,
    year: u32,
    regime: String,
    party: String,
    perspective: String,
    loss: f64,
    largest: f64,
}

/// An error about one file of the folder.
fn bad(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Report {
        path: path.to_owned(),
        message: what.to_string(),
    }
}

/// The rows of a CSV file of the folder, checked against its type; a missing file, a missing
/// column or a bad value names the file (and the line).
fn rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let file = File::open(path).map_err(|e| {
        bad(
            path,
            format!("{e} (is this a fleetsim run folder, written by this version?)"),
        )
    })?;
    let mut r = csv::Reader::from_reader(BufReader::new(file));
    r.deserialize()
        .map(|row| row.map_err(|e| bad(path, e)))
        .collect()
}

/// Reads the run folder `dir`: everything the report draws.
pub fn read_folder(dir: &Path) -> Result<RunFolder> {
    let mut f = read_summary(dir)?;
    read_years(&mut f)?;
    f.timeline = rows::<MonthRow>(&dir.join("incidents.csv"))?;
    let botnet_path = dir.join("botnet.csv");
    if botnet_path.exists() {
        f.botnet = Some(rows::<BotnetRow>(&botnet_path)?);
    }
    Ok(f)
}

/// Reads the manifest and `summary.csv` of `dir` only: enough for the batch index.
pub fn read_summary(dir: &Path) -> Result<RunFolder> {
    let manifest_path = dir.join("manifest.json");
    let manifest: Manifest =
        serde_json::from_reader(BufReader::new(File::open(&manifest_path).map_err(|e| {
            bad(
                &manifest_path,
                format!("{e} (is this a fleetsim run folder?)"),
            )
        })?))
        .map_err(|e| bad(&manifest_path, e))?;

    let mut series: Vec<SeriesData> = Vec::new();
    let mut index: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut other = Vec::new();
    for row in rows::<SummaryRow>(&dir.join("summary.csv"))? {
        if row.perspective.is_empty() {
            other.push(OtherRow {
                regime: row.regime,
                party: row.party,
                metric: row.metric,
                value: row.value,
            });
            continue;
        }
        let key = (row.regime, row.party, row.perspective);
        let i = *index.entry(key.clone()).or_insert_with(|| {
            series.push(SeriesData {
                regime: key.0.clone(),
                party: key.1.clone(),
                perspective: key.2.clone(),
                metrics: BTreeMap::new(),
                annual: Vec::new(),
                largest: Vec::new(),
            });
            series.len() - 1
        });
        series[i].metrics.insert(row.metric, row.value);
    }

    Ok(RunFolder {
        dir: dir.to_owned(),
        manifest,
        series,
        other,
        timeline: Vec::new(),
        botnet: None,
    })
}

/// The memory `fleetsim report` needs to redraw the folder `dir`: its series (from the manifest
/// and `summary.csv`) and the sizes of the tables it loads, which bound what they can hold.
pub fn report_memory(dir: &Path) -> Result<crate::memory::MemoryEstimate> {
    let f = read_summary(dir)?;
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    let years = u64::from(f.manifest.replications) * u64::from(f.manifest.horizon_years);
    Ok(crate::memory::estimate_report(
        f.series.len(),
        years,
        size("ylt.csv"),
        size("botnet.csv"),
    ))
}

/// Adds every simulated year's loss of every series, from `ylt.csv`.
fn read_years(f: &mut RunFolder) -> Result<()> {
    let ylt_path = f.dir.join("ylt.csv");
    let years = f.manifest.horizon_years as usize;
    let index: BTreeMap<(String, String, String), usize> = f
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                (s.regime.clone(), s.party.clone(), s.perspective.clone()),
                i,
            )
        })
        .collect();
    let series = &mut f.series;
    for row in rows::<YltRow>(&ylt_path)? {
        let key = (row.regime, row.party, row.perspective);
        let Some(&i) = index.get(&key) else {
            return Err(bad(
                &ylt_path,
                format!("series {}/{}/{} is not in summary.csv", key.0, key.1, key.2),
            ));
        };
        // The estimate of the report's memory trusts the manifest's count of replications,
        // so a table holding more stops here rather than growing without bound.
        if row.replication >= f.manifest.replications || row.year as usize >= years {
            return Err(bad(
                &ylt_path,
                format!(
                    "replication {} year {} is beyond the manifest's {} replications of {years} years",
                    row.replication, row.year, f.manifest.replications
                ),
            ));
        }
        let s = &mut series[i];
        // Rows come replication by replication, year by year; anything else is not this
        // version's table.
        let expect = row.replication as usize * years + row.year as usize;
        if s.annual.len() != expect {
            return Err(bad(
                &ylt_path,
                format!(
                    "replication {} year {} of {}/{}/{} is out of order",
                    row.replication, row.year, key.0, key.1, key.2
                ),
            ));
        }
        s.annual.push(row.loss);
        s.largest.push(row.largest);
    }
    let n = f.manifest.replications as usize * years;
    if let Some(s) = series.iter().find(|s| s.annual.len() != n) {
        return Err(bad(
            &ylt_path,
            format!(
                "{}/{}/{} has {} years, the manifest says {n}",
                s.regime,
                s.party,
                s.perspective,
                s.annual.len()
            ),
        ));
    }

    Ok(())
}
