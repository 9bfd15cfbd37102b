//! A policy study's folder: its table (`compare.csv`, `sweep.csv` or `sensitivity.csv`), its
//! chart, a self-contained page and `study.json`, written into a temporary folder that is
//! renamed into place only when all are complete.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::charts::{self, Axis, Band, BarValue, Bars, Chart, Line, Panel, Plot, Scale, Tornado};
use super::format::{self, html};
use super::io;
use super::manifest::StudyInfo;
use super::report::{figure, page_head};
use crate::error::{Error, Result};
use crate::stats::paired::{self, Delta, Findings, Row, SeriesYears};

/// A table as a file name, a header and rows.
pub struct TableData {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

use super::format::cents as money;

fn ratio(x: Option<f64>) -> String {
    x.map_or(String::new(), |r| format!("{r:.4}"))
}

/// The study's table.
pub fn table(info: &StudyInfo, findings: &Findings, base: &[SeriesYears]) -> TableData {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match findings {
        Findings::Compare(rows) => TableData {
            file: "compare.csv".to_owned(),
            header: strings(&[
                "policy",
                "regime",
                "policy_regime",
                "party",
                "perspective",
                "metric",
                "baseline",
                "policy_value",
                "difference",
                "ci95_low",
                "ci95_high",
                "unpaired_ci95_low",
                "unpaired_ci95_high",
                "relative_change",
            ]),
            rows: rows
                .iter()
                .map(|r| {
                    let d = &r.delta;
                    vec![
                        r.variant.clone(),
                        r.regime.clone(),
                        r.variant_regime.clone(),
                        r.party.clone(),
                        r.perspective.clone(),
                        r.metric.clone(),
                        money(d.baseline),
                        money(d.variant),
                        money(d.difference),
                        money(d.paired.0),
                        money(d.paired.1),
                        money(d.unpaired.0),
                        money(d.unpaired.1),
                        ratio(d.relative()),
                    ]
                })
                .collect(),
        },
        Findings::Sweep { fields, points } => {
            let mut header = vec!["point".to_owned()];
            header.extend(fields.iter().cloned());
            header.extend(strings(&[
                "regime",
                "party",
                "perspective",
                "metric",
                "value",
                "difference",
                "ci95_low",
                "ci95_high",
                "relative_change",
            ]));
            let mut rows = Vec::new();
            for (i, p) in points.iter().enumerate() {
                for r in &p.rows {
                    let d = &r.delta;
                    let mut row = vec![i.to_string()];
                    row.extend(p.values.iter().cloned());
                    row.extend([
                        r.variant_regime.clone(),
                        r.party.clone(),
                        r.perspective.clone(),
                        r.metric.clone(),
                        money(d.variant),
                        money(d.difference),
                        money(d.paired.0),
                        money(d.paired.1),
                        ratio(d.relative()),
                    ]);
                    rows.push(row);
                }
            }
            TableData {
                file: "sweep.csv".to_owned(),
                header,
                rows,
            }
        }
        Findings::Sensitivity(swings) => {
            let mut rows = Vec::new();
            for (s, r) in sorted_swings(swings) {
                {
                    let d = &r.delta;
                    let baseline = baseline_metric(base, r, info.return_period);
                    rows.push(vec![
                        s.field.clone(),
                        s.low.clone(),
                        s.high.clone(),
                        r.regime.clone(),
                        r.party.clone(),
                        r.perspective.clone(),
                        r.metric.clone(),
                        baseline.map_or(String::new(), money),
                        money(d.baseline),
                        money(d.variant),
                        money(d.difference),
                        money(d.paired.0),
                        money(d.paired.1),
                    ]);
                }
            }
            TableData {
                file: "sensitivity.csv".to_owned(),
                header: strings(&[
                    "field",
                    "low",
                    "high",
                    "regime",
                    "party",
                    "perspective",
                    "metric",
                    "baseline",
                    "at_low",
                    "at_high",
                    "swing",
                    "ci95_low",
                    "ci95_high",
                ]),
                rows,
            }
        }
    }
}

/// Every swing's rows, grouped by series and metric (in the order of the year loss table),
/// largest swing first within each group.
fn sorted_swings(swings: &[paired::Swing]) -> Vec<(&paired::Swing, &Row)> {
    let key = |r: &Row| {
        (
            r.regime.clone(),
            r.party.clone(),
            r.perspective.clone(),
            r.metric.clone(),
        )
    };
    let order: Vec<_> = swings
        .first()
        .map(|s| s.rows.iter().map(key).collect())
        .unwrap_or_default();
    let mut all: Vec<(&paired::Swing, &Row)> = swings
        .iter()
        .flat_map(|s| s.rows.iter().map(move |r| (s, r)))
        .collect();
    all.sort_by(|a, b| {
        let pos = |r: &Row| {
            order
                .iter()
                .position(|k| *k == key(r))
                .unwrap_or(usize::MAX)
        };
        pos(a.1).cmp(&pos(b.1)).then(
            b.1.delta
                .difference
                .abs()
                .total_cmp(&a.1.delta.difference.abs()),
        )
    });
    all
}

/// The baseline run's value of a row's metric.
fn baseline_metric(base: &[SeriesYears], r: &Row, t: f64) -> Option<f64> {
    let s = base.iter().find(|s| {
        s.regime == r.regime && s.party_name == r.party && s.perspective == r.perspective
    })?;
    if r.metric == "aal" {
        Some(paired::aal(s))
    } else {
        crate::stats::loss_at_unsorted(&mut s.annual.clone(), t)
    }
}

/// What the victims' ground-up damages are called in charts and tables.
const VICTIMS: &str = "victims' damages (ground-up)";

/// A row's category in a chart of one perspective: the victims, or the party's name.
fn label(r: &Row) -> String {
    if r.party == "total" {
        VICTIMS.to_owned()
    } else {
        r.party.clone()
    }
}

/// A series' name with its perspective: the victims, or `party (perspective)`.
fn series_label(party: &str, perspective: &str) -> String {
    if party == "total" {
        VICTIMS.to_owned()
    } else {
        format!("{party} ({perspective})")
    }
}

/// The row of `rows` for a regime, series and metric.
fn find<'a>(
    rows: &'a [Row],
    regime: &str,
    party: &str,
    perspective: &str,
    metric: &str,
) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r.regime == regime && r.party == party && r.perspective == perspective && r.metric == metric
    })
}

/// A field path's last two steps, short enough for a chart's row label.
fn short_field(field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    parts[parts.len().saturating_sub(2)..].join(".")
}

fn money_axis(info: &StudyInfo, what: &str) -> Axis {
    Axis {
        desc: format!("{what} ({})", info.currency),
        scale: Scale::Money,
    }
}

/// The series a chart shows, as `(party, perspective, size)`: the total first, then the `k`
/// parties of the largest size.
fn leading(mut series: Vec<(String, String, f64)>, k: usize) -> Vec<(String, String, f64)> {
    let total = series
        .iter()
        .position(|s| s.0 == "total")
        .map(|i| series.remove(i));
    series.sort_by(|a, b| b.2.total_cmp(&a.2));
    series.truncate(k);
    series.splice(0..0, total);
    series
}

/// The study's chart, if it has anything to show.
pub fn chart(info: &StudyInfo, findings: &Findings, base: &[SeriesYears]) -> Option<Chart> {
    let first = base.first()?.regime.clone();
    let persp = info.perspective.as_str();
    match findings {
        Findings::Compare(rows) => {
            let rows: Vec<&Row> = rows
                .iter()
                .filter(|r| r.metric == "aal" && r.is_headline(&first, persp))
                .collect();
            let mut categories: Vec<String> = Vec::new();
            let mut groups: Vec<String> = Vec::new();
            for r in &rows {
                if !categories.contains(&label(r)) {
                    categories.push(label(r));
                }
                if !groups.contains(&r.variant) {
                    groups.push(r.variant.clone());
                }
            }
            // Parties no policy moves and that lose nothing are left out.
            categories.retain(|c| {
                rows.iter()
                    .any(|r| &label(r) == c && (r.delta.baseline != 0.0 || r.delta.variant != 0.0))
            });
            if categories.is_empty() {
                return None;
            }
            let values = categories
                .iter()
                .map(|c| {
                    groups
                        .iter()
                        .map(|g| {
                            rows.iter()
                                .find(|r| &label(r) == c && &r.variant == g)
                                .map(|r| BarValue {
                                    value: r.delta.difference,
                                    interval: Some(r.delta.paired),
                                })
                        })
                        .collect()
                })
                .collect();
            Some(bars_chart(
                "compare",
                format!("Change in AAL by party, policy − baseline ({first}, {persp})"),
                "The change in each party's average annual loss under each policy, with its 95 % interval from the paired runs (common random numbers): a bar left of zero is a saving.",
                Bars {
                    categories,
                    groups,
                    values,
                    x: money_axis(info, "change in average annual loss"),
                },
            ))
        }
        Findings::Sweep { fields, points } => {
            let xs: Vec<f64> = points
                .iter()
                .enumerate()
                .map(|(i, p)| p.x.unwrap_or(i as f64))
                .collect();
            let first_point = points.first()?;
            let series: Vec<(String, String, f64)> = first_point
                .rows
                .iter()
                .filter(|r| r.metric == "aal" && r.is_headline(&first, persp))
                .map(|r| {
                    let peak = points
                        .iter()
                        .flat_map(|p| p.rows.iter())
                        .filter(|q| {
                            q.metric == "aal"
                                && q.party == r.party
                                && q.perspective == r.perspective
                                && q.regime == r.regime
                        })
                        .map(|q| q.delta.variant.abs())
                        .fold(0.0, f64::max);
                    (r.party.clone(), r.perspective.clone(), peak)
                })
                .filter(|s| s.2 > 0.0)
                .collect();
            // The total first, then the parties with the largest losses.
            let series = leading(series, 5);
            if series.is_empty() {
                return None;
            }
            if points.iter().any(|p| p.x.is_none()) {
                return Some(categorical_sweep(info, &first, fields, points, &series));
            }
            let tail = format!("aep_rp_{}", info.return_period);
            let panels = series
                .iter()
                .map(|(party, perspective, _)| {
                    let pick = |p: &paired::SweepPoint, metric: &str| -> Option<Delta> {
                        find(&p.rows, &first, party, perspective, metric).map(|r| r.delta)
                    };
                    let aal: Vec<(f64, Delta)> = xs
                        .iter()
                        .zip(points)
                        .filter_map(|(&x, p)| pick(p, "aal").map(|d| (x, d)))
                        .collect();
                    let q: Vec<(f64, f64)> = xs
                        .iter()
                        .zip(points)
                        .filter_map(|(&x, p)| pick(p, &tail).map(|d| (x, d.variant)))
                        .collect();
                    let mut lines = vec![Line {
                        name: "AAL".to_owned(),
                        colour: 0,
                        dashed: false,
                        points: aal.iter().map(|(x, d)| (*x, d.variant)).collect(),
                    }];
                    if !q.is_empty() {
                        lines.push(Line {
                            name: format!(
                                "1-in-{} AEP",
                                format::significant(info.return_period, 6)
                            ),
                            colour: 3,
                            dashed: true,
                            points: q,
                        });
                    }
                    Panel {
                        title: series_label(party, perspective),
                        x: Axis {
                            desc: fields.first().cloned().unwrap_or_default(),
                            scale: Scale::Plain,
                        },
                        y: money_axis(info, "annual loss"),
                        bands: vec![Band {
                            name: "AAL: 95 % interval of the change from the first point"
                                .to_owned(),
                            colour: 0,
                            points: aal
                                .iter()
                                .map(|(x, d)| {
                                    (*x, d.baseline + d.paired.0, d.baseline + d.paired.1)
                                })
                                .collect(),
                        }],
                        lines,
                    }
                })
                .collect::<Vec<_>>();
            let n = panels.len();
            Some(Chart {
                file: "sweep",
                title: format!("Exposure against {}", fields.join(", ")),
                caption: "Each party's AAL and 1-in-T annual loss at each point of the sweep; the band is the 95 % interval of the change from the first point, from the paired runs.".to_owned(),
                width: 1000,
                height: 60 + 320 * charts::grid_rows(n) as u32,
                plot: Plot::Panels(panels),
            })
        }
        Findings::Sensitivity(swings) => {
            let first_rows: Vec<&Row> = swings
                .first()?
                .rows
                .iter()
                .filter(|r| r.metric == "aal" && r.is_headline(&first, persp))
                .collect();
            let series: Vec<(String, String, f64)> = first_rows
                .iter()
                .filter_map(|r| {
                    let b = base.iter().find(|s| {
                        s.regime == r.regime
                            && s.party_name == r.party
                            && s.perspective == r.perspective
                    })?;
                    Some((r.party.clone(), r.perspective.clone(), paired::aal(b)))
                })
                .filter(|s| s.2 > 0.0)
                .collect();
            let series = leading(series, 3);
            if series.is_empty() {
                return None;
            }
            let tornadoes: Vec<Tornado> = series
                .iter()
                .map(|(party, perspective, aal)| {
                    let mut rows: Vec<(String, f64, f64)> = swings
                        .iter()
                        .filter_map(|s| {
                            let r = find(&s.rows, &first, party, perspective, "aal")?;
                            Some((short_field(&s.field), r.delta.baseline, r.delta.variant))
                        })
                        .collect();
                    rows.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
                    Tornado {
                        title: series_label(party, perspective),
                        x: money_axis(info, "AAL"),
                        base: *aal,
                        rows,
                    }
                })
                .collect();
            let n = tornadoes.len();
            let rows = swings.len();
            Some(Chart {
                file: "tornado",
                title: format!("Sensitivity of the AAL ({first}, {persp})"),
                caption: "Each party's AAL with each parameter at its low and at its high value, the others at the baseline; the largest swing is at the top.".to_owned(),
                width: 1000,
                height: 60 + (120 + 28 * rows as u32).max(300) * charts::grid_rows(n) as u32,
                plot: Plot::Tornadoes(tornadoes),
            })
        }
    }
}

/// A sweep over values that are not numbers (a regime, a credential policy): grouped bars of
/// each party's AAL at each point, with the paired interval of its change from the first.
fn categorical_sweep(
    info: &StudyInfo,
    regime: &str,
    fields: &[String],
    points: &[paired::SweepPoint],
    series: &[(String, String, f64)],
) -> Chart {
    let categories: Vec<String> = series
        .iter()
        .map(|(party, perspective, _)| series_label(party, perspective))
        .collect();
    let groups: Vec<String> = points.iter().map(|p| p.values.join(", ")).collect();
    let values = series
        .iter()
        .map(|(party, perspective, _)| {
            points
                .iter()
                .map(|p| {
                    find(&p.rows, regime, party, perspective, "aal").map(|r| BarValue {
                        value: r.delta.variant,
                        interval: Some((
                            r.delta.baseline + r.delta.paired.0,
                            r.delta.baseline + r.delta.paired.1,
                        )),
                    })
                })
                .collect()
        })
        .collect();
    bars_chart(
        "sweep",
        format!("Exposure for each value of {}", fields.join(", ")),
        "Each party's AAL at each point of the sweep, with the 95 % interval of its change from the first point, from the paired runs.",
        Bars {
            categories,
            groups,
            values,
            x: money_axis(info, "average annual loss"),
        },
    )
}

/// A chart of grouped bars, as tall as its bars need.
fn bars_chart(file: &'static str, title: String, caption: &str, bars: Bars) -> Chart {
    let n = bars.categories.len() * bars.groups.len();
    Chart {
        file,
        title,
        caption: caption.to_owned(),
        width: 1000,
        height: (140 + 20 * n as u32).max(360),
        plot: Plot::Bars(bars),
    }
}

/// The study's page.
pub fn page(info: &StudyInfo, findings: &Findings, chart: Option<(&Chart, &str)>) -> String {
    let mut out = String::new();
    let kind = match findings {
        Findings::Compare(_) => "policy comparison",
        Findings::Sweep { .. } => "parameter sweep",
        Findings::Sensitivity(_) => "sensitivity",
    };
    let kind = format!("fleetsim {kind}");
    out.push_str(&page_head(&kind, &kind, &info.scenario, &info.description));
    let _ = write!(
        out,
        "<p>{} replications × {} years on seed {}, every run on the same random numbers: a device that a change does not touch meets the same events in every run, so differences carry the change's effect and little noise. Intervals are 95 %, from the spread across replications of the paired differences (AAL) or from {} paired bootstrap resamples of the replications (1-in-{} loss); the unpaired interval is what two independent runs of this length would give. Money in {}.</p>",
        info.replications,
        info.horizon_years,
        info.seed,
        paired::BOOTSTRAP,
        format::significant(info.return_period, 6),
        html(&info.currency)
    );
    let _ = write!(
        out,
        "<h2>Runs</h2><table><thead><tr><th>run</th><th>what it is</th><th>changes</th></tr></thead><tbody>"
    );
    for v in &info.variants {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&v.label),
            html(&v.description),
            v.changes
                .iter()
                .map(|c| html(c))
                .collect::<Vec<_>>()
                .join("<br>")
        );
    }
    let _ = write!(out, "</tbody></table>");
    if let Some((c, svg)) = chart {
        let _ = write!(out, "<h2>Chart</h2>{}", figure(c, svg));
    }
    let persp = info.perspective.as_str();
    let _ = write!(
        out,
        "<h2>Results</h2><p class=muted>The parties in the {persp} perspective, insurers in theirs, and the victims' damages; every series is in the CSV file.</p>"
    );
    let head = |out: &mut String, first: &str| {
        let _ = write!(
            out,
            "<table><thead><tr><th>{first}</th><th>series</th><th>metric</th><th class=n>from</th><th class=n>to</th><th class=n>change</th><th class=n>95 % interval (paired)</th><th class=n>unpaired</th><th class=n>relative</th></tr></thead><tbody>"
        );
    };
    let line = |out: &mut String, first: &str, r: &Row| {
        let d = &r.delta;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{} – {}</td><td class=n>{} – {}</td><td class=n>{}</td></tr>",
            html(first),
            html(&series_label(&r.party, &r.perspective)),
            html(&r.metric),
            format::money(d.baseline),
            format::money(d.variant),
            format::money(d.difference),
            format::money(d.paired.0),
            format::money(d.paired.1),
            format::money(d.unpaired.0),
            format::money(d.unpaired.1),
            d.relative().map_or("n/a".to_owned(), format::percent)
        );
    };
    let first_regime = match findings {
        Findings::Compare(rows) => rows.first().map(|r| r.regime.clone()),
        Findings::Sweep { points, .. } => points
            .first()
            .and_then(|p| p.rows.first())
            .map(|r| r.regime.clone()),
        Findings::Sensitivity(s) => s
            .first()
            .and_then(|s| s.rows.first())
            .map(|r| r.regime.clone()),
    }
    .unwrap_or_default();
    match findings {
        Findings::Compare(rows) => {
            head(&mut out, "policy");
            for r in rows.iter().filter(|r| r.is_headline(&first_regime, persp)) {
                line(&mut out, &r.variant, r);
            }
        }
        Findings::Sweep { points, .. } => {
            head(&mut out, "point");
            for p in points {
                for r in p
                    .rows
                    .iter()
                    .filter(|r| r.is_headline(&first_regime, persp))
                {
                    line(&mut out, &p.values.join(", "), r);
                }
            }
        }
        Findings::Sensitivity(swings) => {
            head(&mut out, "parameter (low → high)");
            for (s, r) in sorted_swings(swings)
                .into_iter()
                .filter(|(_, r)| r.metric == "aal" && r.is_headline(&first_regime, persp))
            {
                line(&mut out, &format!("{}: {} → {}", s.field, s.low, s.high), r);
            }
        }
    }
    let _ = write!(out, "</tbody></table>");
    let _ = write!(
        out,
        "<h2>The study</h2><table><tbody><tr><th>fleetsim</th><td>{}</td></tr><tr><th>scenario</th><td>{} (SHA-256 {})</td></tr><tr><th>threads, wall time</th><td>{}, {:.1} s</td></tr></tbody></table>",
        html(&info.fleetsim_version),
        html(&info.scenario_path),
        html(&info.scenario_sha256),
        info.threads,
        info.wall_time_seconds
    );
    let _ = writeln!(out, "</main></body></html>");
    out
}

/// Writes the study's folder, `OUT/<scenario>.<kind>/`, atomically; returns its path.
pub fn write_study(
    out_root: &Path,
    info: &StudyInfo,
    findings: &Findings,
    base: &[SeriesYears],
) -> Result<PathBuf> {
    std::fs::create_dir_all(out_root).map_err(io(out_root))?;
    let name = format!("{}.{}", info.scenario, info.kind);
    let final_dir = out_root.join(&name);
    super::staging::sweep(out_root, &name)?;
    let tmp = super::staging::Staging::dir(out_root, &name)?;
    let t = table(info, findings, base);
    let path = tmp.path().join(&t.file);
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
    w.flush().map_err(io(&path))?;
    let json = tmp.path().join("study.json");
    let text = serde_json::to_string_pretty(info).map_err(|e| Error::Write {
        path: json.clone(),
        source: std::io::Error::other(e),
    })?;
    std::fs::write(&json, text + "\n").map_err(io(&json))?;
    let chart = chart(info, findings, base);
    let mut svg = String::new();
    if let Some(c) = &chart {
        let dir = tmp.path().join("charts");
        // Not `create_dir_all`: a folder removed by a signal handler must stay removed.
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        let report_err = |message: String| Error::Report {
            path: dir.clone(),
            message,
        };
        svg = charts::svg(c).map_err(report_err)?;
        let p = dir.join(format!("{}.svg", c.file));
        std::fs::write(&p, &svg).map_err(io(&p))?;
        charts::png(c, &dir.join(format!("{}.png", c.file))).map_err(|message| Error::Report {
            path: dir.clone(),
            message,
        })?;
    }
    let html = page(info, findings, chart.as_ref().map(|c| (c, svg.as_str())));
    let p = tmp.path().join("report.html");
    std::fs::write(&p, html).map_err(io(&p))?;
    super::staging::put_in_place(tmp, &final_dir)?;
    Ok(final_dir)
}
