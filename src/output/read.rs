//! Reads a run folder back: the tables and manifest that [`super::write_run`] wrote, as plain
//! data for the report. The report is built from these files alone, so that `fleetsim report`
//! on a saved folder gives what `fleetsim run` gave.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Manifest;
use crate::error::{Error, Result};
use crate::output::tables::{CsvTable, IncidentsCsv, SummaryCsv, YltCsv};

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
    /// Every simulated year's largest occurrence, in the same order.
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

/// A row of `years.csv`: one series in one calendar year (or `pooled`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CalendarRow {
    pub year: String,
    pub regime: String,
    pub party: String,
    pub perspective: String,
    pub in_service: f64,
    pub device_years: f64,
    pub loss: f64,
    pub loss_se: f64,
    pub loss_per_1000_device_years: f64,
    pub loss_per_1000_device_years_se: f64,
    pub incidents_per_1000_device_years: f64,
}

/// A row of `events.csv`: one systemic event of one replication.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventRow {
    pub replication: u32,
    pub event: u32,
    pub source: String,
    pub kind: String,
    pub year: String,
    pub day: f64,
    pub duration_days: f64,
    pub devices: u64,
    pub ground_up: f64,
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
    /// `years.csv`'s rows (empty for a folder written before it existed).
    pub calendar: Vec<CalendarRow>,
    /// `None` when the scenario has no botnet.
    pub botnet: Option<Vec<BotnetRow>>,
    /// The largest systemic events of the run (from `events.csv`), largest first; empty without
    /// event sources.
    pub events: Vec<EventRow>,
}

impl RunFolder {
    /// The series of `party` (`total` or a name) in `perspective` under `regime`.
    pub fn find(&self, regime: &str, party: &str, perspective: &str) -> Option<&SeriesData> {
        self.series
            .iter()
            .find(|s| s.regime == regime && s.party == party && s.perspective == perspective)
    }

    /// A figure of `summary.csv`'s rows outside the series (the run's, with party `total`).
    pub fn figure(&self, metric: &str) -> Option<f64> {
        self.other
            .iter()
            .find(|r| r.party == "total" && r.metric == metric)
            .map(|r| r.value)
    }

    /// Simulated years per series: replications × horizon.
    pub fn years(&self) -> usize {
        self.series.first().map_or(0, |s| s.annual.len())
    }
}

/// The largest `manifest.json` read, in bytes (1 MiB).
pub const MANIFEST_BOUND: u64 = 1 << 20;
/// The longest line of a table read, in bytes (64 KiB); fleetsim writes lines of a few hundred.
pub const LINE_BOUND: u64 = 64 << 10;
/// The largest `summary.csv`, `incidents.csv` or `botnet.csv` read, in bytes (4 GiB).
pub const TABLE_BOUND: u64 = 4 << 30;
/// The bytes allowed per row of `ylt.csv`: its bound is this times the rows that the manifest
/// and `summary.csv` imply (replications × horizon years × series), plus its header.
pub const YLT_ROW_BOUND: u64 = 1 << 10;
/// Problems listed per file; the rest are only counted.
const SHOWN: usize = 20;

/// A reader that refuses to go past `limit` bytes in all or [`LINE_BOUND`] in one line, so
/// that a huge file, or `/dev/zero`, is refused early and in bounded memory.
struct Bounded<R> {
    inner: R,
    limit: u64,
    read: u64,
    /// The longest line allowed.
    line_limit: u64,
    line: u64,
    line_len: u64,
}

impl<R: Read> Bounded<R> {
    fn new(inner: R, limit: u64, line_limit: u64) -> Self {
        Self {
            inner,
            limit,
            read: 0,
            line_limit,
            line: 1,
            line_len: 0,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // One byte more than the limit may be read, to tell a file of exactly `limit` bytes
        // from a longer one.
        let room = usize::try_from(self.limit + 1 - self.read).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(format!(
                "the file is larger than {} bytes, the bound for this file",
                self.limit
            )));
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.line_len = 0;
            } else {
                self.line_len += 1;
                if self.line_len > self.line_limit {
                    return Err(std::io::Error::other(format!(
                        "line {} is longer than {} bytes, the bound for a line of a table",
                        self.line, self.line_limit
                    )));
                }
            }
        }
        Ok(n)
    }
}

/// The problems found in one file, each located; at most [`SHOWN`] kept, the rest counted.
struct Problems {
    path: PathBuf,
    list: Vec<String>,
    count: usize,
}

impl Problems {
    fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            list: Vec::new(),
            count: 0,
        }
    }

    /// A problem at `place` (`line 5, column `loss``, `field `replications``, …).
    fn add(&mut self, place: &str, what: impl std::fmt::Display) {
        self.count += 1;
        if self.list.len() < SHOWN {
            self.list
                .push(format!("{}: {place}: {what}", self.path.display()));
        }
    }

    /// A problem in a cell of a table.
    fn cell(&mut self, line: u64, column: &str, what: impl std::fmt::Display) {
        self.add(&format!("line {line}, column `{column}`"), what);
    }

    /// `Err` listing every problem, if there was one.
    fn result(mut self) -> Result<()> {
        if self.count == 0 {
            return Ok(());
        }
        if self.count > self.list.len() {
            self.list
                .push(format!("… and {} more", self.count - self.list.len()));
        }
        self.list.push(format!(
            "{} problem{} in {}; nothing was written",
            self.count,
            if self.count == 1 { "" } else { "s" },
            self.path.display()
        ));
        Err(Error::Tables(self.list))
    }
}

/// A row of a table as the report reads it: its columns, and what its values may be.
trait TableRow: DeserializeOwned {
    /// The columns it needs, in the order fleetsim writes them.
    const COLUMNS: &'static [&'static str];
    /// Adds a problem for each value that is out of range.
    fn check(&self, _line: u64, _p: &mut Problems) {}
}

/// A problem unless `x` is finite and not negative.
fn non_negative(p: &mut Problems, line: u64, column: &str, what: &str, x: f64) {
    if !x.is_finite() || x < 0.0 {
        p.cell(
            line,
            column,
            format!("{x} is not allowed; {what} is a finite number ≥ 0"),
        );
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

impl TableRow for SummaryRow {
    const COLUMNS: &'static [&'static str] = SummaryCsv::HEADER;
    fn check(&self, line: u64, p: &mut Problems) {
        let what = format!("`{}`", self.metric);
        // The lower end of the AAL's interval is the only figure that may be negative.
        if self.metric == "aal_ci95_low" {
            if !self.value.is_finite() {
                p.cell(
                    line,
                    "value",
                    format!("{} is not allowed; {what} is a finite number", self.value),
                );
            }
        } else {
            non_negative(p, line, "value", &what, self.value);
        }
    }
}

#[derive(Deserialize)]
struct YltRow {
    replication: u32,
    /// A calendar year when the manifest has a start year, else the year from 0.
    year: i64,
    regime: String,
    party: String,
    perspective: String,
    loss: f64,
    largest: f64,
}

impl TableRow for YltRow {
    const COLUMNS: &'static [&'static str] = YltCsv::HEADER;
    fn check(&self, line: u64, p: &mut Problems) {
        non_negative(p, line, "loss", "a loss", self.loss);
        non_negative(p, line, "largest", "a loss", self.largest);
    }
}

impl TableRow for MonthRow {
    const COLUMNS: &'static [&'static str] = IncidentsCsv::HEADER;
    fn check(&self, line: u64, p: &mut Problems) {
        for (column, x) in [("mean", self.mean), ("p05", self.p05), ("p95", self.p95)] {
            non_negative(p, line, column, "an incident count", x);
        }
    }
}

impl TableRow for CalendarRow {
    const COLUMNS: &'static [&'static str] = crate::output::tables::YearsCsv::HEADER;
    fn check(&self, line: u64, p: &mut Problems) {
        non_negative(p, line, "in_service", "a device count", self.in_service);
        non_negative(p, line, "device_years", "device-years", self.device_years);
    }
}

impl TableRow for EventRow {
    const COLUMNS: &'static [&'static str] = crate::output::tables::EventsCsv::HEADER;
    fn check(&self, line: u64, p: &mut Problems) {
        non_negative(p, line, "day", "a day", self.day);
        non_negative(p, line, "duration_days", "days", self.duration_days);
        non_negative(p, line, "ground_up", "money", self.ground_up);
    }
}

impl TableRow for BotnetRow {
    const COLUMNS: &'static [&'static str] =
        &["replication", "day", "fleet_infected", "external_infected"];
    fn check(&self, line: u64, p: &mut Problems) {
        non_negative(p, line, "day", "a day", self.day);
    }
}

/// An error about one file of the folder.
fn bad(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Report {
        path: path.to_owned(),
        message: what.to_string(),
    }
}

/// Opens a file of the folder, read at most `limit` bytes, each line at most `line_limit`.
fn open(path: &Path, limit: u64, line_limit: u64) -> Result<Bounded<BufReader<File>>> {
    let file = File::open(path).map_err(|e| {
        bad(
            path,
            format!("{e} (is this a fleetsim run folder, written by this version?)"),
        )
    })?;
    Ok(Bounded::new(BufReader::new(file), limit, line_limit))
}

/// Reads the table at `path` (at most `limit` bytes) row by row, handing each row that parses
/// and its line to `each`. Every problem is collected (a missing column, a value that does not
/// parse or is out of range, whatever `each` finds) and located by line and column; reading
/// stops only where it cannot go on (a file too large, a line too long, an I/O error).
fn read_table<T: TableRow>(
    path: &Path,
    limit: u64,
    mut each: impl FnMut(u64, T, &mut Problems),
) -> Result<()> {
    let mut p = Problems::new(path);
    let mut r = csv::Reader::from_reader(open(path, limit, LINE_BOUND)?);
    let headers = match r.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            p.add(&stop_place(&e, 1), csv_text(&e));
            return p.result();
        }
    };
    let missing: Vec<&str> = T::COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .collect();
    for c in &missing {
        p.add(
            &format!("line 1 (header), column `{c}`"),
            format!(
                "the column is missing; the table needs the columns {}",
                T::COLUMNS.join(", ")
            ),
        );
    }
    if !missing.is_empty() {
        return p.result();
    }
    let mut record = csv::StringRecord::new();
    loop {
        match r.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |pos| pos.line());
                p.add(&stop_place(&e, line), csv_text(&e));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |pos| pos.line());
        match record.deserialize::<T>(Some(&headers)) {
            Ok(row) => {
                row.check(line, &mut p);
                each(line, row, &mut p);
            }
            Err(e) => {
                let (field, what) = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        (err.field(), err.kind().to_string())
                    }
                    _ => (None, csv_text(&e)),
                };
                let at = |i: u64, r: &csv::StringRecord| {
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| r.get(i).map(str::to_owned))
                };
                let column = field.and_then(|i| at(i, &headers)).unwrap_or_default();
                let value = field.and_then(|i| at(i, &record)).unwrap_or_default();
                p.cell(line, &column, format!("`{value}` cannot be read: {what}"));
            }
        }
    }
    p.result()
}

/// Where a reading error is: an I/O error (a bound exceeded) says where itself, and stops the
/// reading.
fn stop_place(e: &csv::Error, line: u64) -> String {
    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
        "reading stopped".to_owned()
    } else {
        format!("line {line}")
    }
}

/// A CSV reading error's text without the crate's own position prefix.
fn csv_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8".to_owned(),
        _ => e.to_string(),
    }
}

/// Every row of the table at `path` (at most `limit` bytes), each checked.
fn rows<T: TableRow>(path: &Path, limit: u64) -> Result<Vec<T>> {
    let mut v = Vec::new();
    read_table(path, limit, |_, row, _| v.push(row))?;
    Ok(v)
}

/// Reads the run folder `dir`: everything the report draws.
pub fn read_folder(dir: &Path) -> Result<RunFolder> {
    let mut f = read_summary(dir)?;
    read_years(&mut f)?;
    f.timeline = rows::<MonthRow>(&dir.join("incidents.csv"), TABLE_BOUND)?;
    let years_path = dir.join("years.csv");
    if years_path.exists() {
        f.calendar = rows::<CalendarRow>(&years_path, TABLE_BOUND)?;
    }
    let botnet_path = dir.join("botnet.csv");
    if botnet_path.exists() {
        f.botnet = Some(rows::<BotnetRow>(&botnet_path, TABLE_BOUND)?);
    }
    let events_path = dir.join("events.csv");
    if events_path.exists() {
        f.events = largest_events(&events_path)?;
    }
    Ok(f)
}

/// Events the report lists.
pub const EVENTS_SHOWN: usize = 10;

/// The [`EVENTS_SHOWN`] largest events of `events.csv` by ground-up loss, largest first (ties
/// by replication and number), kept as the table streams by.
fn largest_events(path: &Path) -> Result<Vec<EventRow>> {
    let mut top: Vec<EventRow> = Vec::new();
    read_table(path, TABLE_BOUND, |_, row: EventRow, _| {
        top.push(row);
        if top.len() > 4 * EVENTS_SHOWN {
            sort_events(&mut top);
            top.truncate(EVENTS_SHOWN);
        }
    })?;
    sort_events(&mut top);
    top.truncate(EVENTS_SHOWN);
    Ok(top)
}

fn sort_events(v: &mut [EventRow]) {
    v.sort_by(|a, b| {
        b.ground_up
            .total_cmp(&a.ground_up)
            .then(a.replication.cmp(&b.replication))
            .then(a.event.cmp(&b.event))
    });
}

/// Reads `manifest.json` (at most [`MANIFEST_BOUND`] bytes) and checks the figures the report
/// relies on.
fn read_manifest(path: &Path) -> Result<Manifest> {
    let mut text = String::new();
    open(path, MANIFEST_BOUND, MANIFEST_BOUND)?
        .read_to_string(&mut text)
        .map_err(|e| bad(path, e))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| bad(path, e))?;
    let mut p = Problems::new(path);
    let mut field = |name: &str, ok: bool, what: String| {
        if !ok {
            p.add(&format!("field `{name}`"), what);
        }
    };
    field(
        "replications",
        manifest.replications >= 1,
        "0 is not allowed; a run has at least 1 replication".to_owned(),
    );
    field(
        "horizon_years",
        manifest.horizon_years >= 1,
        "0 is not allowed; a run has at least 1 year".to_owned(),
    );
    for (i, &t) in manifest.return_periods.iter().enumerate() {
        field(
            &format!("return_periods[{i}]"),
            t.is_finite() && t >= 1.0,
            format!("{t} is not allowed; a return period is a finite number of years ≥ 1"),
        );
    }
    for (i, party) in manifest.parties.iter().enumerate() {
        if let Some(c) = party.capacity {
            field(
                &format!("parties[{i}].capacity"),
                c.is_finite() && c >= 0.0,
                format!("{c} is not allowed; a capacity is a finite amount ≥ 0"),
            );
        }
    }
    p.result()?;
    Ok(manifest)
}

/// Reads the manifest and `summary.csv` of `dir` only: enough for the batch index.
pub fn read_summary(dir: &Path) -> Result<RunFolder> {
    let manifest = read_manifest(&dir.join("manifest.json"))?;
    let mut series: Vec<SeriesData> = Vec::new();
    let mut index: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    let mut other = Vec::new();
    for row in rows::<SummaryRow>(&dir.join("summary.csv"), TABLE_BOUND)? {
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
        calendar: Vec::new(),
        botnet: None,
        events: Vec::new(),
    })
}

/// What `fleetsim report` would load from a run folder, as plain numbers for the memory
/// estimate: its series and simulated years (from the manifest and `summary.csv`) and the sizes
/// of the tables it reads, which bound what they can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderSize {
    pub series: usize,
    /// Replications × horizon, as the manifest says.
    pub years: u64,
    /// The bytes of `ylt.csv`, 0 when missing.
    pub ylt_bytes: u64,
    /// The bytes of `botnet.csv`, 0 when missing.
    pub botnet_bytes: u64,
}

/// Measures the run folder `dir` for the report's memory estimate, reading only its manifest
/// and `summary.csv`.
pub fn folder_size(dir: &Path) -> Result<FolderSize> {
    let f = read_summary(dir)?;
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    Ok(FolderSize {
        series: f.series.len(),
        years: u64::from(f.manifest.replications) * u64::from(f.manifest.horizon_years),
        ylt_bytes: size("ylt.csv"),
        botnet_bytes: size("botnet.csv"),
    })
}

/// Adds every simulated year's loss of every series, from `ylt.csv`: its rows must be the
/// manifest's replications and years, series by series as `summary.csv` lists them, in order.
fn read_years(f: &mut RunFolder) -> Result<()> {
    let ylt_path = f.dir.join("ylt.csv");
    let replications = f.manifest.replications;
    let years = f.manifest.horizon_years;
    let first = i64::from(f.manifest.start_year.unwrap_or(0));
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
    let rows = u64::from(replications) * u64::from(years) * f.series.len() as u64;
    let limit = rows
        .saturating_mul(YLT_ROW_BOUND)
        .saturating_add(LINE_BOUND);
    let series = &mut f.series;
    let mut out_of_step = std::collections::BTreeSet::new();
    read_table::<YltRow>(&ylt_path, limit, |line, row, p| {
        if row.replication >= replications {
            let what = format!("the manifest has {replications} replications, from 0");
            return p.cell(line, "replication", what);
        }
        let Some(year) = u32::try_from(row.year - first).ok().filter(|&y| y < years) else {
            let what = format!("the manifest has {years} years per replication, from {first}");
            return p.cell(line, "year", what);
        };
        let key = (row.regime, row.party, row.perspective);
        let Some(&i) = index.get(&key) else {
            let what = format!("series {}/{}/{} is not in summary.csv", key.0, key.1, key.2);
            return p.add(&format!("line {line}"), what);
        };
        let s = &mut series[i];
        // Rows come replication by replication, year by year; anything else is not this
        // version's table. Once a series is out of step (a row missing or refused above),
        // every later row of it would be too: that is said once.
        let expect = row.replication as usize * years as usize + year as usize;
        if s.annual.len() != expect {
            if out_of_step.insert(i) {
                let what = format!(
                    "replication {} year {} of {}/{}/{} is out of order (or a row of it before is missing or refused); its later rows are not checked for order",
                    row.replication, year, key.0, key.1, key.2
                );
                p.add(&format!("line {line}"), what);
            }
            return;
        }
        s.annual.push(row.loss);
        s.largest.push(row.largest);
    })?;
    let n = replications as usize * years as usize;
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
    // The figures pool the years after the warm-up; so do the report's.
    let warm_up = (f.manifest.warm_up_years as usize).min(years as usize);
    if warm_up > 0 {
        for s in series.iter_mut() {
            let pooled = |v: &[f64]| -> Vec<f64> {
                v.chunks(years as usize)
                    .flat_map(|c| c[warm_up..].iter().copied())
                    .collect()
            };
            s.annual = pooled(&s.annual);
            s.largest = pooled(&s.largest);
        }
    }

    Ok(())
}
