//! The only writer: a run's CSV tables and manifest, then its charts and HTML report, written
//! into a temporary folder that is renamed into place only when every file is complete; and the
//! batch index. The report is built by reading the run's own files back ([`read`]), so a saved
//! folder rebuilds it ([`rebuild_report`]).
//!
//! Each table is one [`Artefact`]; each chart one [`charts::Chart`].

pub mod charts;
pub mod format;
pub mod manifest;
pub mod read;
pub mod report;
pub mod staging;
pub mod study;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::outcome::ReplicationResult;
use crate::scenario::{DAYS_PER_YEAR, Scenario};
use crate::stats::{Curve, Metrics, Summary};
pub use manifest::{ClassInfo, Manifest, ManifestJson, PartyInfo};
use report::ReportOptions;

/// Everything an artefact may draw on.
pub struct RunData<'a> {
    pub scenario: &'a Scenario,
    pub results: &'a [ReplicationResult],
    pub summary: &'a Summary,
    pub manifest: &'a Manifest,
}

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

/// One output file.
pub trait Artefact {
    /// The file's name inside the run folder.
    fn file_name(&self) -> &'static str;
    /// Writes the file's content.
    fn write(
        &self,
        data: &RunData<'_>,
        out: &mut dyn Write,
    ) -> Result<(), Box<dyn std::error::Error>>;
}

use format::cents as money;

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

/// `summary.csv`: regime, party, perspective, metric, value. Rows that do not depend on the
/// regime or perspective (incident counts, the outbreak, recalls) leave those cells empty.
pub struct SummaryCsv;
impl CsvTable for SummaryCsv {
    const FILE: &'static str = "summary.csv";
    const HEADER: &'static [&'static str] = &["regime", "party", "perspective", "metric", "value"];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for (col, m) in d.summary.columns.iter().enumerate() {
            let [regime, party, perspective] = d.series_names(col);
            for (metric, value) in metric_rows(m, d.summary.aal_cents[col]) {
                w.write_record([regime, party, perspective, &metric, &value])?;
            }
        }
        if d.summary.at_ceiling > 0 {
            let n = d.summary.at_ceiling.to_string();
            w.write_record(["", "total", "", "claims_at_ceiling", &n])?;
        }
        for i in &d.summary.insolvency {
            w.write_record([
                i.regime.name(),
                d.party_name(Some(i.party)),
                "",
                "insolvency_probability",
                &i.probability.to_string(),
            ])?;
        }
        for r in &d.summary.recalls {
            let rule = &d.scenario.terms.recalls[r.rule];
            let name = format!(
                "recall.{}.{}",
                d.scenario.classes[usize::from(rule.class)].name,
                rule.fault.name()
            );
            let mut rows = vec![
                ("probability", r.probability.to_string()),
                ("mean_cost", money(r.mean_cost)),
                ("mean_prevented", r.mean_prevented.to_string()),
            ];
            if let Some(day) = r.mean_day {
                rows.push(("mean_day", format!("{day:.1}")));
            }
            for (metric, value) in rows {
                w.write_record(["", "total", "", &format!("{name}.{metric}"), &value])?;
            }
        }
        if let Some(b) = &d.summary.botnet {
            for (metric, value) in [
                ("botnet.peak_fleet_infected", b.peak_fleet_infected),
                ("botnet.peak_total_infected", b.peak_total_infected),
                ("botnet.recruited", b.recruited),
                ("botnet.reinfected", b.reinfected),
            ] {
                w.write_record(["", "total", "", metric, &value.to_string()])?;
            }
        }
        for c in &d.summary.counts {
            let party = d.party_name(c.party);
            let kind = c.fault.name();
            w.write_record([
                "",
                party,
                "",
                &format!("incidents_per_year.{kind}"),
                &c.incidents_per_year.to_string(),
            ])?;
            w.write_record([
                "",
                party,
                "",
                &format!("harmful_incidents_per_year.{kind}"),
                &c.harmful_per_year.to_string(),
            ])?;
        }
        Ok(())
    }
}

/// The tidy rows of one party's metrics; return periods longer than the run are left out.
fn metric_rows(m: &Metrics, aal: crate::money::Money) -> Vec<(String, String)> {
    let mut rows = vec![
        ("aal".to_owned(), aal.to_string()),
        ("aal_se".to_owned(), money(m.aal_se)),
        ("aal_ci95_low".to_owned(), money(m.aal_ci95.0)),
        ("aal_ci95_high".to_owned(), money(m.aal_ci95.1)),
        ("sd".to_owned(), money(m.sd)),
    ];
    for (p, v) in &m.var {
        if let Some(v) = v {
            rows.push((format!("var_{}", p * 100.0), money(*v)));
        }
    }
    for (name, curve) in [
        ("aep", &m.aep),
        ("oep", &m.oep),
        ("aep_tvar", &m.aep_tvar),
        ("oep_tvar", &m.oep_tvar),
    ] {
        for (t, v) in curve {
            if let Some(v) = v {
                rows.push((format!("{name}_rp_{t}"), money(*v)));
            }
        }
    }
    rows
}

/// `ylt.csv`: replication, year, regime, party, perspective, loss, largest — every year of
/// every replication and every series, zeros included. `largest` is the year's largest single
/// amount, from which the OEP curve is drawn.
pub struct YltCsv;
impl CsvTable for YltCsv {
    const FILE: &'static str = "ylt.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "year",
        "regime",
        "party",
        "perspective",
        "loss",
        "largest",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        let cols = d.summary.layout.len();
        for r in d.results {
            let years = r.year_loss.chunks(cols).zip(r.year_max.chunks(cols));
            for (year, (row, max)) in years.enumerate() {
                for (col, (&loss, &largest)) in row.iter().zip(max).enumerate() {
                    let [regime, party, perspective] = d.series_names(col);
                    w.write_record([
                        &r.replication.to_string(),
                        &year.to_string(),
                        regime,
                        party,
                        perspective,
                        &loss.to_string(),
                        &largest.to_string(),
                    ])?;
                }
            }
        }
        Ok(())
    }
}

/// `elt.csv`: one row per claim (damages, recall, fine), regime, party and perspective, for
/// every amount that is not zero.
pub struct EltCsv;
impl CsvTable for EltCsv {
    const FILE: &'static str = "elt.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "year",
        "day",
        "device",
        "device_class",
        "fault_kind",
        "harm_kind",
        "root_cause",
        "root_cause_party",
        "regime",
        "line",
        "party",
        "perspective",
        "amount",
        "vulnerability",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for r in d.results {
            for e in &r.elt {
                let i = &e.incident;
                let party: &str = e.party.map_or("total", |p| {
                    d.scenario.parties[usize::from(p)].name.as_str()
                });
                w.write_record([
                    &e.replication.to_string(),
                    &e.year.to_string(),
                    &format!("{:.3}", i.day - f64::from(e.year) * DAYS_PER_YEAR),
                    // Class-level incidents (DDoS, back-end breaches) have no device.
                    &if i.device == crate::outcome::NO_DEVICE {
                        String::new()
                    } else {
                        i.device.to_string()
                    },
                    &d.scenario.classes[usize::from(i.class)].name,
                    i.fault.name(),
                    i.harm.name(),
                    i.cause_role.name(),
                    d.party_name(i.cause_party),
                    e.regime.name(),
                    e.line.name(),
                    party,
                    e.perspective.name(),
                    &e.amount.to_string(),
                    &i.vulnerability.map_or(String::new(), |v| v.to_string()),
                ])?;
            }
        }
        Ok(())
    }
}

/// `vulnerabilities.csv`: every vulnerability disclosed, with its delays, per replication.
pub struct VulnerabilitiesCsv;
impl CsvTable for VulnerabilitiesCsv {
    const FILE: &'static str = "vulnerabilities.csv";
    const HEADER: &'static [&'static str] = &[
        "replication",
        "device_class",
        "vulnerability",
        "disclosed_day",
        "exploit_day",
        "patch_release_day",
        "within_support",
    ];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        let day = |x: f64| {
            if x.is_finite() {
                format!("{x:.3}")
            } else {
                String::new()
            }
        };
        for r in d.results {
            for v in &r.vulnerabilities {
                w.write_record([
                    &r.replication.to_string(),
                    &d.scenario.classes[usize::from(v.class)].name,
                    &v.index.to_string(),
                    &day(v.disclosed),
                    &day(v.exploit_day),
                    &day(v.patch_release),
                    &v.within_support.to_string(),
                ])?;
            }
        }
        Ok(())
    }
}

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
                            &money(*v),
                        ])?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `incidents.csv`: incidents per month by kind, mean and 90 % band across replications.
pub struct IncidentsCsv;
impl CsvTable for IncidentsCsv {
    const FILE: &'static str = "incidents.csv";
    const HEADER: &'static [&'static str] = &["month", "fault_kind", "mean", "p05", "p95"];
    fn rows(&self, d: &RunData<'_>, w: &mut Table<'_>) -> Result<(), csv::Error> {
        for m in &d.summary.timeline {
            w.write_record([
                &m.month.to_string(),
                m.fault.name(),
                &format!("{:.4}", m.mean),
                &format!("{:.4}", m.p05),
                &format!("{:.4}", m.p95),
            ])?;
        }
        Ok(())
    }
}

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

/// The artefacts of a run, in writing order.
pub fn artefacts(
    with_elt: bool,
    with_botnet: bool,
    with_vulnerabilities: bool,
) -> Vec<Box<dyn Artefact>> {
    let mut v: Vec<Box<dyn Artefact>> = vec![
        Box::new(SummaryCsv),
        Box::new(YltCsv),
        Box::new(EpCsv),
        Box::new(IncidentsCsv),
    ];
    if with_elt {
        v.push(Box::new(EltCsv));
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

/// An I/O error's mapper that names `path`.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_owned();
    move |source| Error::Write { path, source }
}

/// Writes `bytes` to `path`.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(io(path))
}

/// Draws the charts of the run folder `f` and its report page into `target`:
/// `charts/<name>.svg`, `charts/<name>.png` and `report.html`.
pub fn write_report(f: &read::RunFolder, target: &Path, options: &ReportOptions) -> Result<()> {
    let dir = target.join("charts");
    // Not `create_dir_all`: if a signal handler has removed `target` meanwhile, this must fail
    // rather than bring it back.
    std::fs::create_dir(&dir).map_err(io(&dir))?;
    let charts = report::charts(f, options);
    let chart_error = |path: &Path, e: String| Error::Report {
        path: path.to_owned(),
        message: format!("cannot draw the chart: {e}"),
    };
    let mut svgs = Vec::with_capacity(charts.len());
    for c in &charts {
        let svg_path = dir.join(format!("{}.svg", c.file));
        let svg = charts::svg(c).map_err(|e| chart_error(&svg_path, e))?;
        write_file(&svg_path, svg.as_bytes())?;
        let png_path = dir.join(format!("{}.png", c.file));
        charts::png(c, &png_path).map_err(|e| chart_error(&png_path, e))?;
        svgs.push(svg);
    }
    let rendered: Vec<report::Rendered<'_>> = charts
        .iter()
        .zip(&svgs)
        .map(|(chart, svg)| report::Rendered { chart, svg })
        .collect();
    let page = report::page(f, options, &rendered);
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

/// The run folders in `out_root` that have a report, in name order.
pub fn report_folders(out_root: &Path) -> Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(out_root).map_err(|source| Error::Read {
        path: out_root.to_owned(),
        source,
    })? {
        let path = e
            .map_err(|source| Error::Read {
                path: out_root.to_owned(),
                source,
            })?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden && path.join("manifest.json").exists() {
            v.push(path);
        }
    }
    v.sort();
    Ok(v)
}

/// The policy studies in `out_root` (folders with `study.json` and a page), in name order.
fn study_folders(out_root: &Path) -> Result<Vec<report::StudyEntry>> {
    let mut v = Vec::new();
    let read_err = |source| Error::Read {
        path: out_root.to_owned(),
        source,
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out_root)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.join("study.json").is_file()
                && p.join("report.html").is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let path = dir.join("study.json");
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Report {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let text = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
        v.push(report::StudyEntry {
            folder: dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            kind: text("kind"),
            scenario: text("scenario"),
            variants: json["variants"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["label"].as_str().map(str::to_owned))
                .collect(),
        });
    }
    Ok(v)
}

/// Writes `out_root/index.html`, linking the report of every run folder in `out_root` with its
/// headline figures. Returns its path, or `None` when no folder has a report.
pub fn write_index(out_root: &Path) -> Result<Option<PathBuf>> {
    // A batch whose every run failed before writing may not have made the folder.
    if !out_root.is_dir() {
        return Ok(None);
    }
    let mut runs = Vec::new();
    for dir in report_folders(out_root)? {
        if dir.join("report.html").is_file() {
            runs.push((dir.clone(), read::read_summary(&dir)?));
        }
    }
    let studies = study_folders(out_root)?;
    if runs.is_empty() && studies.is_empty() {
        return Ok(None);
    }
    let entries: Vec<report::IndexEntry<'_>> = runs
        .iter()
        .map(|(dir, run)| report::IndexEntry {
            folder: dir
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            run,
        })
        .collect();
    let page = report::index_page(&entries, &studies);
    // Written beside and renamed, so a reader never sees half a page; a failed write (a full
    // disk) removes its partial file as `tmp` goes out of scope.
    staging::sweep(out_root, "index.html")?;
    let tmp = staging::Staging::file(out_root, "index.html");
    write_file(tmp.path(), page.as_bytes())?;
    let path = out_root.join("index.html");
    staging::put_in_place(tmp, &path)?;
    Ok(Some(path))
}

/// Writes every artefact into `out_root/<scenario name>/`, atomically: files go to a temporary
/// folder beside it, which replaces any earlier result only once all are written and synced
/// ([`staging::put_in_place`]). With `report`, the charts and report page are drawn from the
/// written tables before the rename. Leftovers of earlier interrupted runs of the same name are
/// removed first ([`staging::sweep`]).
pub fn write_run(
    out_root: &Path,
    data: &RunData<'_>,
    report: Option<&ReportOptions>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(out_root).map_err(io(out_root))?;
    let final_dir = out_root.join(&data.scenario.name);
    staging::sweep(out_root, &data.scenario.name)?;
    let tmp = staging::Staging::dir(out_root, &data.scenario.name)?;
    let with_vulnerabilities = data
        .scenario
        .classes
        .iter()
        .any(|c| c.vulnerabilities.is_some());
    for a in artefacts(
        data.manifest.event_loss_table,
        data.scenario.botnet.is_some(),
        with_vulnerabilities,
    ) {
        let path = tmp.path().join(a.file_name());
        let file = File::create(&path).map_err(io(&path))?;
        let mut buf = BufWriter::new(file);
        a.write(data, &mut buf).map_err(|e| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        buf.flush().map_err(io(&path))?;
    }
    if let Some(options) = report {
        let written = read::read_folder(tmp.path())?;
        write_report(&written, tmp.path(), options)?;
    }
    staging::put_in_place(tmp, &final_dir)?;
    Ok(final_dir)
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
