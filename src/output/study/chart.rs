//! A study's chart: grouped bars of the change in AAL by policy (`compare`), each party's AAL
//! and 1-in-T loss along a sweep (lines with the paired band, or bars when the swept values are
//! not numbers), or a tornado of each parameter's swing (`sensitivity`).

use super::series::{VICTIMS, series_label};
use crate::output::charts::{
    Axis, Band, BarValue, Bars, Chart, Line, Panel, Plot, Scale, Tornado, grid_rows, panels_height,
};
use crate::output::format;
use crate::output::manifest::StudyInfo;
use crate::stats::paired::{self, Delta, Findings, Row, SeriesYears, SweepPoint, Swing};

/// A row's category in a chart of one perspective: the victims, or the party's name.
fn label(r: &Row) -> String {
    if r.party == "total" {
        VICTIMS.to_owned()
    } else {
        r.party.clone()
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
    match findings {
        Findings::Compare(rows) => compare(info, &first, rows),
        Findings::Sweep { fields, points } => sweep(info, &first, fields, points),
        Findings::Sensitivity(swings) => sensitivity(info, &first, swings, base),
    }
}

/// Grouped bars: each party's change in AAL under each policy, with its paired interval.
fn compare(info: &StudyInfo, first: &str, rows: &[Row]) -> Option<Chart> {
    let persp = info.perspective.as_str();
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| r.metric == "aal" && r.is_headline(first, persp))
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
            x: Axis::money("change in average annual loss", &info.currency),
        },
    ))
}

/// Each party's AAL and 1-in-T loss along the sweep, one panel per party; bars instead when a
/// swept value is not a number.
fn sweep(info: &StudyInfo, first: &str, fields: &[String], points: &[SweepPoint]) -> Option<Chart> {
    let persp = info.perspective.as_str();
    let xs: Vec<f64> = points
        .iter()
        .enumerate()
        .map(|(i, p)| p.x.unwrap_or(i as f64))
        .collect();
    let first_point = points.first()?;
    let series: Vec<(String, String, f64)> = first_point
        .rows
        .iter()
        .filter(|r| r.metric == "aal" && r.is_headline(first, persp))
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
        return Some(categorical_sweep(info, first, fields, points, &series));
    }
    let panels = series
        .iter()
        .map(|(party, perspective, _)| {
            sweep_panel(info, first, fields, &xs, points, party, perspective)
        })
        .collect::<Vec<_>>();
    let n = panels.len();
    Some(Chart {
        file: "sweep",
        title: format!("Exposure against {}", fields.join(", ")),
        caption: "Each party's AAL and 1-in-T annual loss at each point of the sweep; the band is the 95 % interval of the change from the first point, from the paired runs.".to_owned(),
        width: 1000,
        height: panels_height(n),
        plot: Plot::Panels(panels),
    })
}

/// One party's panel of a numeric sweep: its AAL and 1-in-T loss at each point `xs`, with the
/// band of the AAL's change from the first point.
fn sweep_panel(
    info: &StudyInfo,
    first: &str,
    fields: &[String],
    xs: &[f64],
    points: &[SweepPoint],
    party: &str,
    perspective: &str,
) -> Panel {
    let tail = format!("aep_rp_{}", info.return_period);
    let pick = |p: &SweepPoint, metric: &str| -> Option<Delta> {
        find(&p.rows, first, party, perspective, metric).map(|r| r.delta)
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
            name: format!("1-in-{} AEP", format::significant(info.return_period, 6)),
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
        y: Axis::money("annual loss", &info.currency),
        bands: vec![Band {
            name: "AAL: 95 % interval of the change from the first point".to_owned(),
            colour: 0,
            points: aal
                .iter()
                .map(|(x, d)| (*x, d.baseline + d.paired.0, d.baseline + d.paired.1))
                .collect(),
        }],
        lines,
    }
}

/// A tornado per party: its AAL with each parameter at its low and its high value.
fn sensitivity(
    info: &StudyInfo,
    first: &str,
    swings: &[Swing],
    base: &[SeriesYears],
) -> Option<Chart> {
    let persp = info.perspective.as_str();
    let first_rows: Vec<&Row> = swings
        .first()?
        .rows
        .iter()
        .filter(|r| r.metric == "aal" && r.is_headline(first, persp))
        .collect();
    let series: Vec<(String, String, f64)> = first_rows
        .iter()
        .filter_map(|r| {
            let b = base.iter().find(|s| {
                s.regime == r.regime && s.party_name == r.party && s.perspective == r.perspective
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
                    let r = find(&s.rows, first, party, perspective, "aal")?;
                    Some((short_field(&s.field), r.delta.baseline, r.delta.variant))
                })
                .collect();
            rows.sort_by(|a, b| (b.2 - b.1).abs().total_cmp(&(a.2 - a.1).abs()));
            Tornado {
                title: series_label(party, perspective),
                x: Axis::money("AAL", &info.currency),
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
        height: 60 + (120 + 28 * rows as u32).max(300) * grid_rows(n) as u32,
        plot: Plot::Tornadoes(tornadoes),
    })
}

/// A sweep over values that are not numbers (a regime, a credential policy): grouped bars of
/// each party's AAL at each point, with the paired interval of its change from the first.
fn categorical_sweep(
    info: &StudyInfo,
    regime: &str,
    fields: &[String],
    points: &[SweepPoint],
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
            x: Axis::money("average annual loss", &info.currency),
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
