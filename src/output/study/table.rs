//! A study's CSV table: `compare.csv` (each policy against the baseline), `sweep.csv` (each
//! point against the first) or `sensitivity.csv` (each parameter's swing), money to the cent.

use super::series::sorted_swings;
use crate::output::format::cents;
use crate::output::manifest::StudyInfo;
use crate::stats::loss_at_unsorted;
use crate::stats::paired::{self, Findings, Row, SeriesYears, SweepPoint, Swing};

/// A table as a file name, a header and rows.
pub struct TableData {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A relative change to four decimals, or nothing.
fn ratio(x: Option<f64>) -> String {
    x.map_or(String::new(), |r| format!("{r:.4}"))
}

/// Column names as owned strings.
fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// The study's table.
pub fn table(info: &StudyInfo, findings: &Findings, base: &[SeriesYears]) -> TableData {
    match findings {
        Findings::Compare(rows) => compare(rows),
        Findings::Sweep { fields, points } => sweep(fields, points),
        Findings::Sensitivity(swings) => sensitivity(info, swings, base),
    }
}

/// `compare.csv`: every policy's rows against the baseline, with both intervals.
fn compare(rows: &[Row]) -> TableData {
    TableData {
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
                    cents(d.baseline),
                    cents(d.variant),
                    cents(d.difference),
                    cents(d.paired.0),
                    cents(d.paired.1),
                    cents(d.unpaired.0),
                    cents(d.unpaired.1),
                    ratio(d.relative()),
                ]
            })
            .collect(),
    }
}

/// `sweep.csv`: every point's rows against the first point, with the swept fields' values.
fn sweep(fields: &[String], points: &[SweepPoint]) -> TableData {
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
                cents(d.variant),
                cents(d.difference),
                cents(d.paired.0),
                cents(d.paired.1),
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

/// `sensitivity.csv`: every parameter's swing, grouped by series and metric, largest first.
fn sensitivity(info: &StudyInfo, swings: &[Swing], base: &[SeriesYears]) -> TableData {
    let mut rows = Vec::new();
    for (s, r) in sorted_swings(swings) {
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
            baseline.map_or(String::new(), cents),
            cents(d.baseline),
            cents(d.variant),
            cents(d.difference),
            cents(d.paired.0),
            cents(d.paired.1),
        ]);
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

/// The baseline run's value of a row's metric.
fn baseline_metric(base: &[SeriesYears], r: &Row, t: f64) -> Option<f64> {
    let s = base.iter().find(|s| {
        s.regime == r.regime && s.party_name == r.party && s.perspective == r.perspective
    })?;
    if r.metric == "aal" {
        Some(paired::aal(s))
    } else {
        loss_at_unsorted(&mut s.annual.clone(), t)
    }
}
