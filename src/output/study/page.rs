//! A study's page: what was run and how the intervals are made, the runs, the chart, the
//! headline rows of the results and the study's facts, in the same skeleton and style as a
//! run's report.

use std::fmt::Write as _;

use super::series::{series_label, sorted_swings};
use crate::output::charts::Chart;
use crate::output::format::{self, html};
use crate::output::manifest::StudyInfo;
use crate::output::page::{document, figure, intro, title};
use crate::stats::paired::{self, Findings, Row};

/// The study's page.
pub fn page(info: &StudyInfo, findings: &Findings, chart: Option<(&Chart, &str)>) -> String {
    let kind = match findings {
        Findings::Compare(_) => "policy comparison",
        Findings::Sweep { .. } => "parameter sweep",
        Findings::Sensitivity(_) => "sensitivity",
    };
    let kind = format!("fleetsim {kind}");
    let mut out = intro(&kind, &info.scenario, &info.description);
    let _ = write!(
        out,
        "<p>{} replications × {} years on seed {}, every run on the same random numbers: a device that a change does not touch meets the same events in every run, so differences carry the change's effect and little noise. Intervals are 95 %, from the spread across replications of the paired differences (AAL) or from {} paired bootstrap resamples of the replications (1-in-{} loss); the unpaired interval is what two independent runs of this length would give. Money in {}.</p>",
        info.replications,
        info.horizon_years,
        info.seed,
        paired::RESAMPLES,
        format::significant(info.return_period, 6),
        html(&info.currency)
    );
    runs(info, &mut out);
    if let Some((c, svg)) = chart {
        let _ = write!(out, "<h2>Chart</h2>{}", figure(c, svg));
    }
    results(info, findings, &mut out);
    let _ = write!(
        out,
        "<h2>The study</h2><table><tbody><tr><th>fleetsim</th><td>{}</td></tr><tr><th>scenario</th><td>{} (SHA-256 {})</td></tr><tr><th>threads, wall time</th><td>{}, {:.1} s</td></tr></tbody></table>",
        html(&info.fleetsim_version),
        html(&info.scenario_path),
        html(&info.scenario_sha256),
        info.threads,
        info.wall_time_seconds
    );
    document(&title(&kind, &info.scenario), &out)
}

/// The runs of the study, baseline first, with what each changes.
fn runs(info: &StudyInfo, out: &mut String) {
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
}

/// The headline rows of the results: the parties in the chart's perspective, insurers in
/// theirs, and the victims.
fn results(info: &StudyInfo, findings: &Findings, out: &mut String) {
    let persp = info.perspective.as_str();
    let _ = write!(
        out,
        "<h2>Results</h2><p class=muted>The parties in the {persp} perspective, insurers in theirs, and the victims' damages; every series is in the CSV file.</p>"
    );
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
            head(out, "policy");
            for r in rows.iter().filter(|r| r.is_headline(&first_regime, persp)) {
                line(out, &r.variant, r);
            }
        }
        Findings::Sweep { points, .. } => {
            head(out, "point");
            for p in points {
                for r in p
                    .rows
                    .iter()
                    .filter(|r| r.is_headline(&first_regime, persp))
                {
                    line(out, &p.values.join(", "), r);
                }
            }
        }
        Findings::Sensitivity(swings) => {
            head(out, "parameter (low → high)");
            for (s, r) in sorted_swings(swings)
                .into_iter()
                .filter(|(_, r)| r.metric == "aal" && r.is_headline(&first_regime, persp))
            {
                line(out, &format!("{}: {} → {}", s.field, s.low, s.high), r);
            }
        }
    }
    let _ = write!(out, "</tbody></table>");
}

/// The head of the results table; `first` names its first column.
fn head(out: &mut String, first: &str) {
    let _ = write!(
        out,
        "<table><thead><tr><th>{first}</th><th>series</th><th>metric</th><th class=n>from</th><th class=n>to</th><th class=n>change</th><th class=n>95 % interval (paired)</th><th class=n>unpaired</th><th class=n>relative</th></tr></thead><tbody>"
    );
}

/// One row of the results table, labelled `first`.
fn line(out: &mut String, first: &str, r: &Row) {
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
}
