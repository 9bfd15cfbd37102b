//! The report of a run: which charts to draw and from what figures, the self-contained HTML page
//! that shows them with the headline tables, and the index of a batch. Everything here reads a
//! [`RunFolder`], the run's own CSV files, so a saved folder rebuilds the same report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::charts::{
    Axis, Band, BarValue, Bars, Chart, Histogram, Line, Panel, Plot, Scale, Step, StepKind,
    Waterfall, grid_rows,
};
use super::format::{self, html};
use super::read::{RunFolder, SeriesData};
use crate::outcome::Perspective;
use crate::stats::convergence::{
    self, ConvergencePoint, aal_convergence, ep_curve, loss_histogram, quantile_convergence,
};

/// What the report shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportOptions {
    /// The parties' perspective of the EP curves, loss distributions and headline table:
    /// gross, net or retained.
    pub perspective: Perspective,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            perspective: Perspective::Retained,
        }
    }
}

/// Parties shown in the small multiples, largest first.
const TOP_PARTIES: usize = 6;
/// Return periods of the headline table.
const HEADLINE_RP: [f64; 2] = [100.0, 250.0];

/// The first regime: the one the charts follow (the regimes chart compares them all).
fn primary(f: &RunFolder) -> &str {
    f.manifest
        .liability_regimes
        .first()
        .map_or("", String::as_str)
}

fn currency(f: &RunFolder) -> &str {
    if f.manifest.currency.is_empty() {
        "money"
    } else {
        &f.manifest.currency
    }
}

/// The parties' series of `perspective` under `regime` (insurers' own series when the
/// perspective is `insurer`), in the scenario's order.
fn parties<'a>(f: &'a RunFolder, regime: &str, perspective: &str) -> Vec<&'a SeriesData> {
    f.series
        .iter()
        .filter(|s| s.regime == regime && s.party != "total" && s.perspective == perspective)
        .collect()
}

/// The parties with a loss in `perspective`, largest AAL first, at most `n`.
fn top<'a>(f: &'a RunFolder, regime: &str, perspective: &str, n: usize) -> Vec<&'a SeriesData> {
    let mut v: Vec<_> = parties(f, regime, perspective)
        .into_iter()
        .filter(|s| s.aal() > 0.0)
        .collect();
    // A stable sort keeps the scenario's order among equals.
    v.sort_by(|a, b| b.aal().total_cmp(&a.aal()));
    v.truncate(n);
    v
}

fn money_axis(f: &RunFolder, what: &str) -> Axis {
    Axis {
        desc: format!("{what} ({})", currency(f)),
        scale: Scale::Money,
    }
}

fn panels_height(n: usize) -> u32 {
    60 + 320 * grid_rows(n) as u32
}

/// The EP curves of the parties with the largest losses in the report's perspective.
fn ep_chart(f: &RunFolder, o: &ReportOptions) -> Option<Chart> {
    let regime = primary(f);
    let persp = o.perspective.name();
    let mut shown = top(f, regime, persp, TOP_PARTIES);
    let mut what = format!("{persp} loss per party");
    if shown.is_empty() {
        shown = f.find(regime, "total", "ground_up").into_iter().collect();
        what = "ground-up loss".to_owned();
    }
    let panels: Vec<Panel> = shown
        .iter()
        .map(|s| Panel {
            title: if s.party == "total" {
                "All parties and victims".to_owned()
            } else {
                s.party.clone()
            },
            x: Axis {
                desc: "return period (years)".to_owned(),
                scale: Scale::Log10,
            },
            y: money_axis(f, "annual loss"),
            bands: Vec::new(),
            lines: vec![
                Line {
                    name: "AEP (year's total)".to_owned(),
                    colour: 0,
                    dashed: false,
                    points: ep_curve(&s.annual, false),
                },
                Line {
                    name: "OEP (year's largest claim)".to_owned(),
                    colour: 1,
                    dashed: true,
                    points: ep_curve(&s.largest, false),
                },
                Line {
                    name: "AEP TVaR".to_owned(),
                    colour: 3,
                    dashed: false,
                    points: ep_curve(&s.annual, true),
                },
            ],
        })
        .collect();
    let n = panels.len();
    Some(Chart {
        file: "ep_curves",
        title: format!("Exceedance probability: {what} ({regime})"),
        caption: format!(
            "The loss that a year exceeds once in T years, for the parties with the largest {persp} losses under {regime}: the year's total (AEP), its largest single claim (OEP), and the mean loss beyond the AEP (TVaR), from all {} simulated years.",
            format::count(f.years() as u64)
        ),
        width: 1000,
        height: panels_height(n),
        plot: Plot::Panels(panels),
    })
}

fn bar(s: &SeriesData) -> Option<BarValue> {
    let value = s.aal();
    let interval = match (s.metric("aal_ci95_low"), s.metric("aal_ci95_high")) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Some(BarValue { value, interval })
}

/// Expected loss by party: gross, net and retained AAL with 95 % intervals, and insurers'.
fn aal_chart(f: &RunFolder) -> Option<Chart> {
    let regime = primary(f);
    let mut groups: Vec<String> = ["gross", "net", "retained"].map(str::to_owned).to_vec();
    let insurers = parties(f, regime, "insurer");
    if insurers.iter().any(|s| s.aal() > 0.0) {
        groups.push("insurer".to_owned());
    }
    let mut categories = Vec::new();
    let mut values = Vec::new();
    let mut names: Vec<&str> = f
        .series
        .iter()
        .filter(|s| s.regime == regime && s.party != "total")
        .map(|s| s.party.as_str())
        .collect();
    names.dedup();
    for name in names {
        let row: Vec<Option<BarValue>> = groups
            .iter()
            .map(|g| f.find(regime, name, g).and_then(bar))
            .collect();
        if row.iter().flatten().any(|v| v.value > 0.0) {
            categories.push(name.to_owned());
            values.push(row);
        }
    }
    if categories.is_empty() {
        return None;
    }
    let rows = categories.len() * groups.len();
    Some(Chart {
        file: "aal_by_party",
        title: format!("Expected annual loss by party ({regime})"),
        caption: format!(
            "Each party's average annual loss under {regime}: what it pays first (gross), after recourse and contracts (net), and after insurance (retained), and what each insurer pays; whiskers are 95 % intervals."
        ),
        width: 1000,
        height: (120 + 22 * rows as u32).max(360),
        plot: Plot::Bars(Bars {
            categories,
            groups,
            values,
            x: money_axis(f, "average annual loss"),
        }),
    })
}

/// From ground-up damages to what each party keeps, in AAL.
fn waterfall_chart(f: &RunFolder) -> Option<Chart> {
    let regime = primary(f);
    let total = |p: &str| f.find(regime, "total", p).map_or(0.0, SeriesData::aal);
    let sum = |p: &str| parties(f, regime, p).iter().map(|s| s.aal()).sum::<f64>();
    let ground_up = total("ground_up");
    let uncompensated = total("uncompensated");
    let recall_fines = total("recall") + total("fines");
    let gross = sum("gross");
    if ground_up + recall_fines <= 0.0 {
        return None;
    }
    let mut steps = vec![Step {
        label: "Ground-up damages".to_owned(),
        from: 0.0,
        to: ground_up,
        kind: StepKind::Total,
    }];
    let mut run = ground_up;
    // A rise or fall of the running total.
    let push = |label: String, delta: f64, steps: &mut Vec<Step>, run: &mut f64| {
        let kind = if delta >= 0.0 {
            StepKind::Up
        } else {
            StepKind::Down
        };
        steps.push(Step {
            label,
            from: *run,
            to: *run + delta,
            kind,
        });
        *run += delta;
    };
    push(
        "Left with the victims".to_owned(),
        -uncompensated,
        &mut steps,
        &mut run,
    );
    if recall_fines > 0.0 {
        push(
            "Recalls and fines".to_owned(),
            recall_fines,
            &mut steps,
            &mut run,
        );
    }
    steps.push(Step {
        label: "Paid first by the parties".to_owned(),
        from: 0.0,
        to: gross,
        kind: StepKind::Total,
    });
    run = gross;
    let threshold = gross * 0.002;
    for g in parties(f, regime, "gross") {
        let net = f.find(regime, &g.party, "net").map_or(0.0, SeriesData::aal);
        let delta = net - g.aal();
        if delta.abs() > threshold {
            push(
                format!("{}: recourse, contracts", g.party),
                delta,
                &mut steps,
                &mut run,
            );
        }
    }
    let insured = sum("insurer");
    if insured > 0.0 {
        push(
            "Paid by insurers".to_owned(),
            -insured,
            &mut steps,
            &mut run,
        );
    }
    let retained = parties(f, regime, "retained");
    steps.push(Step {
        label: "Retained by the parties".to_owned(),
        from: 0.0,
        to: retained.iter().map(|s| s.aal()).sum(),
        kind: StepKind::Total,
    });
    let mut at = 0.0;
    for (i, s) in retained.iter().enumerate() {
        if s.aal() > threshold {
            steps.push(Step {
                label: format!("  {}", s.party),
                from: at,
                to: at + s.aal(),
                kind: StepKind::Part(i),
            });
        }
        at += s.aal();
    }
    let n = steps.len();
    Some(Chart {
        file: "waterfall",
        title: format!("Where the money goes ({regime}, average per year)"),
        caption: format!(
            "From the victims' ground-up damages, less what they are left with, plus recalls and fines, to what the parties pay first, how recourse and contracts move it between them, what insurers take over, and what each party retains (AAL under {regime})."
        ),
        width: 1000,
        height: (110 + 36 * n as u32).max(360),
        plot: Plot::Waterfall(Waterfall {
            steps,
            x: money_axis(f, "average annual loss"),
        }),
    })
}

/// The distribution of yearly loss: ground-up and the parties with the largest losses.
fn histogram_chart(f: &RunFolder, o: &ReportOptions) -> Option<Chart> {
    let regime = primary(f);
    let persp = o.perspective.name();
    let mut shown: Vec<(&SeriesData, String)> = f
        .find(regime, "total", "ground_up")
        .map(|s| (s, "Ground-up (all victims)".to_owned()))
        .into_iter()
        .collect();
    shown.extend(
        top(f, regime, persp, 3)
            .into_iter()
            .map(|s| (s, format!("{} ({persp})", s.party))),
    );
    let hists: Vec<Histogram> = shown
        .iter()
        .enumerate()
        .map(|(i, (s, title))| {
            let (bins, log, zero) = loss_histogram(&s.annual);
            Histogram {
                title: title.clone(),
                x: Axis {
                    desc: format!(
                        "annual loss ({}{})",
                        currency(f),
                        if log { ", log scale" } else { "" }
                    ),
                    scale: if log { Scale::Log10Money } else { Scale::Money },
                },
                bins,
                colour: i,
                note: format!("{} of years without loss", format::percent(zero)),
            }
        })
        .collect();
    if hists.is_empty() {
        return None;
    }
    let n = hists.len();
    Some(Chart {
        file: "loss_distribution",
        title: format!("Distribution of yearly loss ({regime})"),
        caption: format!(
            "How the yearly loss is spread over the {} simulated years, ground-up and for the parties with the largest {persp} losses; heavy-tailed losses are binned on a log scale, and years without loss are counted apart.",
            format::count(f.years() as u64)
        ),
        width: 1000,
        height: panels_height(n),
        plot: Plot::Histograms(hists),
    })
}

/// Monthly incident counts by kind: mean and 90 % band across replications.
fn incidents_chart(f: &RunFolder) -> Option<Chart> {
    let mut kinds: Vec<&str> = Vec::new();
    for r in &f.timeline {
        if !kinds.contains(&r.fault_kind.as_str()) {
            kinds.push(&r.fault_kind);
        }
    }
    if kinds.is_empty() {
        return None;
    }
    let panels: Vec<Panel> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let rows: Vec<_> = f
                .timeline
                .iter()
                .filter(|r| r.fault_kind == *kind)
                .collect();
            let x = |m: usize| (m as f64 + 0.5) / 12.0;
            Panel {
                title: kind.replace('_', " "),
                x: Axis {
                    desc: "year".to_owned(),
                    scale: Scale::Plain,
                },
                y: Axis {
                    desc: "incidents per month".to_owned(),
                    scale: Scale::Plain,
                },
                bands: vec![Band {
                    name: "90 % of replications".to_owned(),
                    colour: i,
                    points: rows.iter().map(|r| (x(r.month), r.p05, r.p95)).collect(),
                }],
                lines: vec![Line {
                    name: "mean".to_owned(),
                    colour: i,
                    dashed: false,
                    points: rows.iter().map(|r| (x(r.month), r.mean)).collect(),
                }],
            }
        })
        .collect();
    let n = panels.len();
    Some(Chart {
        file: "incidents",
        title: "Incidents over time, by kind".to_owned(),
        caption: "Incidents per month of each kind, harmful or not: the mean over replications and the band that holds 90 % of them.".to_owned(),
        width: 1000,
        height: panels_height(n),
        plot: Plot::Panels(panels),
    })
}

/// The botnet's size over the outbreak.
fn botnet_chart(f: &RunFolder) -> Option<Chart> {
    let rows = f.botnet.as_ref().filter(|r| !r.is_empty())?;
    let start = rows.iter().map(|r| r.day).fold(f64::INFINITY, f64::min);
    let panel = |external: bool, title: &str| {
        let band = convergence::band_over_time(rows, |r| {
            let v = r.fleet_infected as f64
                + if external {
                    r.external_infected as f64
                } else {
                    0.0
                };
            (r.replication, r.day, v)
        });
        Panel {
            title: title.to_owned(),
            x: Axis {
                desc: format!(
                    "days since day {} of the horizon",
                    format::significant(start, 6)
                ),
                scale: Scale::Plain,
            },
            y: Axis {
                desc: "bots".to_owned(),
                scale: Scale::Money,
            },
            bands: vec![Band {
                name: "90 % of replications".to_owned(),
                colour: if external { 1 } else { 3 },
                points: band
                    .iter()
                    .map(|&(d, _, lo, hi)| (d - start, lo, hi))
                    .collect(),
            }],
            lines: vec![Line {
                name: "mean".to_owned(),
                colour: if external { 1 } else { 3 },
                dashed: false,
                points: band.iter().map(|&(d, m, _, _)| (d - start, m)).collect(),
            }],
        }
    };
    Some(Chart {
        file: "botnet",
        title: "Botnet size during the outbreak".to_owned(),
        caption: "Bots among the fleet's devices, and in all (with hosts outside the fleet), over the outbreak: the mean over replications and the band that holds 90 % of them.".to_owned(),
        width: 1000,
        height: panels_height(2),
        plot: Plot::Panels(vec![
            panel(false, "Fleet devices in the botnet"),
            panel(true, "All bots (fleet and outside)"),
        ]),
    })
}

/// AAL and the 1-in-100 AEP of the ground-up loss as the replications accumulate.
fn convergence_chart(f: &RunFolder) -> Option<Chart> {
    let s = f.find(primary(f), "total", "ground_up")?;
    let years = f.manifest.horizon_years as usize;
    let as_panel = |title: &str, pts: Vec<ConvergencePoint>| Panel {
        title: title.to_owned(),
        x: Axis {
            desc: "replications".to_owned(),
            scale: Scale::Plain,
        },
        y: money_axis(f, "ground-up loss"),
        bands: vec![Band {
            name: "95 % interval".to_owned(),
            colour: 0,
            points: pts
                .iter()
                .map(|p| (p.replications as f64, p.low, p.high))
                .collect(),
        }],
        lines: vec![Line {
            name: "estimate".to_owned(),
            colour: 0,
            dashed: false,
            points: pts
                .iter()
                .map(|p| (p.replications as f64, p.estimate))
                .collect(),
        }],
    };
    let mut panels = vec![as_panel(
        "Average annual loss",
        aal_convergence(&s.annual, years),
    )];
    let q = quantile_convergence(&s.annual, years, 100.0);
    if !q.is_empty() {
        panels.push(as_panel("1-in-100 AEP", q));
    }
    Some(Chart {
        file: "convergence",
        title: "Convergence of the estimates".to_owned(),
        caption: "The ground-up AAL (± 1.96 standard errors) and the 1-in-100 AEP (with a distribution-free 95 % interval from order statistics) as replications accumulate: flat curves inside narrow bands mean the run is long enough.".to_owned(),
        width: 1000,
        height: panels_height(panels.len()),
        plot: Plot::Panels(panels),
    })
}

/// Each party's AAL in the report's perspective, and the victims' uncompensated loss, under
/// every regime of the run.
fn regimes_chart(f: &RunFolder, o: &ReportOptions) -> Option<Chart> {
    let regimes = &f.manifest.liability_regimes;
    if regimes.len() < 2 {
        return None;
    }
    let persp = o.perspective.name();
    let mut categories = vec!["Victims (uncompensated)".to_owned()];
    let mut values = vec![
        regimes
            .iter()
            .map(|r| f.find(r, "total", "uncompensated").and_then(bar))
            .collect::<Vec<_>>(),
    ];
    for s in parties(f, &regimes[0], persp) {
        let row: Vec<_> = regimes
            .iter()
            .map(|r| f.find(r, &s.party, persp).and_then(bar))
            .collect();
        if row.iter().flatten().any(|v| v.value > 0.0) {
            categories.push(s.party.clone());
            values.push(row);
        }
    }
    let rows = categories.len() * regimes.len();
    Some(Chart {
        file: "regimes",
        title: format!("The regimes side by side ({persp} AAL)"),
        caption: format!(
            "The same incidents allocated under each regime: every party's {persp} average annual loss and what the victims are left with, with 95 % intervals."
        ),
        width: 1000,
        height: (120 + 18 * rows as u32).max(360),
        plot: Plot::Bars(Bars {
            categories,
            groups: regimes.clone(),
            values,
            x: money_axis(f, "average annual loss"),
        }),
    })
}

/// The charts of a run folder, in the report's order.
pub fn charts(f: &RunFolder, o: &ReportOptions) -> Vec<Chart> {
    [
        ep_chart(f, o),
        aal_chart(f),
        waterfall_chart(f),
        regimes_chart(f, o),
        histogram_chart(f, o),
        incidents_chart(f),
        botnet_chart(f),
        convergence_chart(f),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Things a reader should know before trusting the figures.
pub fn warnings(f: &RunFolder, o: &ReportOptions) -> Vec<String> {
    // The scenario's own warnings first: they question the model, the rest its precision.
    let mut w: Vec<String> = f
        .manifest
        .warnings
        .iter()
        .map(|x| format!("The scenario: {x}"))
        .collect();
    if let Some(c) = f.other.iter().find(|r| r.metric == "claims_at_ceiling") {
        w.push(format!(
            "{} claims were drawn above 10¹⁵ {} and booked at that ceiling, the largest single amount the books take: the tail above it is cut.",
            format::count(c.value as u64),
            f.manifest.currency
        ));
    }
    let n = f.years();
    let longer: Vec<String> = f
        .manifest
        .return_periods
        .iter()
        .filter(|&&t| t > n as f64)
        .map(|&t| format::return_period(t))
        .collect();
    if !longer.is_empty() {
        w.push(format!(
            "Return periods longer than the run are not reported: {} (the run has {} simulated years; add replications to reach them).",
            longer.join(", "),
            format::count(n as u64)
        ));
    }
    for &t in &HEADLINE_RP {
        let beyond = n as f64 / t;
        if (1.0..10.0).contains(&beyond) {
            w.push(format!(
                "The {} loss rests on the largest {} of {} simulated years; its interval is wide.",
                format::return_period(t),
                format::significant(beyond.floor(), 3),
                format::count(n as u64)
            ));
        }
    }
    let regime = primary(f);
    for s in parties(f, regime, o.perspective.name()) {
        if let (true, Some(se)) = (s.aal() > 0.0, s.metric("aal_se"))
            && se / s.aal() > 0.1
        {
            w.push(format!(
                "{}'s {} AAL is uncertain: its standard error is {} of it; run more replications.",
                s.party,
                s.perspective,
                format::percent(se / s.aal())
            ));
        }
    }
    if !f.manifest.event_loss_table {
        w.push("The event loss table was not kept (--no-elt).".to_owned());
    }
    w
}

/// The HTML page's style: plain, printable, no external resources.
const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#1d2733;margin:0;background:#f4f6f8}\
main{max-width:1060px;margin:0 auto;padding:24px 28px 48px;background:#fff}\
h1{font-size:28px;margin:8px 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #d8dee6;padding-bottom:4px}\
h3{font-size:16px;margin:18px 0 6px}p{line-height:1.45}\
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d8dee6;padding:4px 8px;text-align:left;vertical-align:top}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eef2f6}\
figure{margin:18px 0;padding:0}figure svg{width:100%;height:auto;display:block}\
figcaption{font-size:13px;color:#44515f;margin-top:4px}\
.warn{background:#fff6e0;border-left:4px solid #e0a000;padding:8px 12px;margin:6px 0;font-size:14px}\
.muted{color:#5d6b7a;font-size:13px}nav a{margin-right:12px}";

/// The start of a page, up to its name and description: `title` prefixes the name in the
/// window's title, `kicker` stands above the heading.
pub(crate) fn page_head(title: &str, kicker: &str, name: &str, desc: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}: {name}</title><style>{STYLE}</style></head>\n<body><main>\n<p class=muted>{kicker}</p><h1>{name}</h1><p>{desc}</p>\n",
        title = html(title),
        kicker = html(kicker),
        name = html(name),
        desc = html(desc)
    )
}

/// A chart inlined as a figure, with its caption and the names of its files.
pub(crate) fn figure(chart: &Chart, svg: &str) -> String {
    format!(
        "<figure id=\"{id}\">{svg}<figcaption>{cap} <span class=muted>(charts/{id}.svg, charts/{id}.png)</span></figcaption></figure>",
        id = chart.file,
        svg = inline_svg(svg),
        cap = html(&chart.caption)
    )
}

/// An SVG document as an element to inline: no XML declaration and no namespace attribute,
/// which HTML does not need and which would be the page's only address.
fn inline_svg(svg: &str) -> String {
    let s = svg.trim_start();
    let s = match s.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |x| x.1).trim_start(),
        None => s,
    };
    s.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

fn cell(v: Option<f64>) -> String {
    v.map_or("n/a".to_owned(), format::money)
}

/// The headline table of one regime: totals, then each party's AAL ± CI, 1-in-100 and
/// 1-in-250 AEP and the 1-in-100 TVaR in the chosen perspective.
fn headline_table(f: &RunFolder, regime: &str, persp: &str, out: &mut String) {
    let insolvency: BTreeMap<&str, f64> = f
        .other
        .iter()
        .filter(|r| r.regime == regime && r.metric == "insolvency_probability")
        .map(|r| (r.party.as_str(), r.value))
        .collect();
    let _ = write!(
        out,
        "<table><thead><tr><th>series</th><th class=n>AAL</th><th class=n>95 % interval</th>"
    );
    for t in HEADLINE_RP {
        let _ = write!(out, "<th class=n>{} AEP</th>", format::return_period(t));
    }
    let _ = write!(out, "<th class=n>1-in-100 TVaR</th>");
    if !insolvency.is_empty() {
        let _ = write!(out, "<th class=n>years short of funds</th>");
    }
    let _ = write!(out, "</tr></thead><tbody>");
    let mut row = |label: String, s: &SeriesData, party: Option<&str>| {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{} – {}</td>",
            html(&label),
            format::money(s.aal()),
            cell(s.metric("aal_ci95_low")),
            cell(s.metric("aal_ci95_high"))
        );
        for t in HEADLINE_RP {
            let _ = write!(
                out,
                "<td class=n>{}</td>",
                cell(s.metric(&format!("aep_rp_{t}")))
            );
        }
        let _ = write!(
            out,
            "<td class=n>{}</td>",
            cell(s.metric("aep_tvar_rp_100"))
        );
        if !insolvency.is_empty() {
            let p = party.and_then(|p| insolvency.get(p));
            let _ = write!(
                out,
                "<td class=n>{}</td>",
                p.map_or(String::new(), |&p| format::percent(p))
            );
        }
        let _ = write!(out, "</tr>");
    };
    for (p, label) in [
        ("ground_up", "Victims' damages (ground-up)"),
        ("paid", "Paid to victims"),
        ("uncompensated", "Left with the victims"),
        ("recall", "Recalls"),
        ("fines", "Fines"),
    ] {
        if let Some(s) = f.find(regime, "total", p)
            && (s.aal() > 0.0 || p == "ground_up")
        {
            row(label.to_owned(), s, None);
        }
    }
    for s in parties(f, regime, persp) {
        if s.aal() > 0.0 {
            row(format!("{} ({persp})", s.party), s, Some(&s.party));
        }
    }
    for s in parties(f, regime, "insurer") {
        if s.aal() > 0.0 {
            row(format!("{} (insurer)", s.party), s, None);
        }
    }
    let _ = write!(out, "</tbody></table>");
}

/// The rendered charts: file name, caption and inline SVG.
pub struct Rendered<'a> {
    pub chart: &'a Chart,
    pub svg: &'a str,
}

/// The report page.
pub fn page(f: &RunFolder, o: &ReportOptions, rendered: &[Rendered<'_>]) -> String {
    let m = &f.manifest;
    let persp = o.perspective.name();
    let mut out = String::new();
    out.push_str(&page_head(
        "fleetsim report",
        "fleetsim risk report",
        &m.scenario,
        &m.description,
    ));
    let _ = writeln!(
        out,
        "<nav class=muted><a href=\"#parameters\">Parameters</a><a href=\"#headline\">Headline</a><a href=\"#charts\">Charts</a><a href=\"#incidents\">Incidents</a><a href=\"#manifest\">Run</a></nav>"
    );

    // Key parameters.
    let _ = write!(
        out,
        "<h2 id=\"parameters\">Key parameters</h2><table><tbody>"
    );
    let kv = |out: &mut String, k: &str, v: String| {
        let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", html(k), v);
    };
    kv(&mut out, "devices", format::count(m.devices));
    kv(&mut out, "horizon", format!("{} years", m.horizon_years));
    kv(
        &mut out,
        "replications",
        format!(
            "{} ({} simulated years, {} device-years)",
            format::count(u64::from(m.replications)),
            format::count(f.years() as u64),
            format::count(m.device_years)
        ),
    );
    kv(
        &mut out,
        "liability regimes",
        html(&m.liability_regimes.join(", ")),
    );
    kv(&mut out, "currency", html(currency(f)));
    kv(
        &mut out,
        "parties' perspective shown",
        format!(
            "{} (charts and headline; <code>--perspective</code> changes it)",
            html(persp)
        ),
    );
    let _ = write!(out, "</tbody></table>");
    let _ = write!(
        out,
        "<h3>Device classes</h3><table><thead><tr><th>class</th><th class=n>devices</th><th>fault and breach kinds</th></tr></thead><tbody>"
    );
    for c in &m.classes {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
            html(&c.name),
            format::count(u64::from(c.devices)),
            html(&c.faults.join(", ").replace('_', " "))
        );
    }
    let _ = write!(
        out,
        "</tbody></table><h3>Parties</h3><table><thead><tr><th>party</th><th>role</th><th class=n>own funds a year</th></tr></thead><tbody>"
    );
    for p in &m.parties {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td></tr>",
            html(&p.name),
            html(&p.role.replace('_', " ")),
            p.capacity.map_or("unlimited".to_owned(), format::money)
        );
    }
    let _ = writeln!(out, "</tbody></table>");

    let warnings = warnings(f, o);
    if !warnings.is_empty() {
        let _ = write!(out, "<h2 id=\"warnings\">Warnings</h2>");
        for w in &warnings {
            let _ = write!(out, "<p class=warn>{}</p>", html(w));
        }
    }

    // Headline.
    let _ = write!(
        out,
        "<h2 id=\"headline\">Headline</h2><p>Average annual loss (AAL) with its 95 % interval, the annual loss exceeded once in 100 and 250 years (AEP), and the mean loss in the worst 1 % of years (TVaR), in {cur}. Parties are shown {persp}{ins}.</p>",
        cur = html(currency(f)),
        ins = if persp == "retained" {
            ", after insurance"
        } else {
            ""
        }
    );
    for regime in &m.liability_regimes {
        let _ = write!(out, "<h3>Under {}</h3>", html(regime));
        headline_table(f, regime, persp, &mut out);
    }

    // Charts.
    let _ = write!(out, "\n<h2 id=\"charts\">Charts</h2>\n");
    for r in rendered {
        let _ = writeln!(out, "{}", figure(r.chart, r.svg));
    }

    // Incidents.
    let _ = write!(
        out,
        "<h2 id=\"incidents\">Incidents</h2><p>Mean incidents per year by kind and root-cause party, and how many caused harm.</p><table><thead><tr><th>kind</th><th>root-cause party</th><th class=n>incidents a year</th><th class=n>harmful a year</th></tr></thead><tbody>"
    );
    let mut counts: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for r in &f.other {
        if let Some(kind) = r.metric.strip_prefix("incidents_per_year.") {
            counts
                .entry((kind.to_owned(), r.party.clone()))
                .or_default()
                .0 = r.value;
        } else if let Some(kind) = r.metric.strip_prefix("harmful_incidents_per_year.") {
            counts
                .entry((kind.to_owned(), r.party.clone()))
                .or_default()
                .1 = r.value;
        }
    }
    for ((kind, party), (n, h)) in &counts {
        if *n > 0.0 {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                html(&kind.replace('_', " ")),
                html(party),
                format::significant(*n, 4),
                format::significant(*h, 4)
            );
        }
    }
    let _ = write!(out, "</tbody></table>");
    let extra: Vec<_> = f
        .other
        .iter()
        .filter(|r| r.metric.starts_with("botnet.") || r.metric.starts_with("recall."))
        .collect();
    if !extra.is_empty() {
        let _ = write!(out, "<h3>Outbreak and recalls</h3><table><tbody>");
        for r in extra {
            let _ = write!(
                out,
                "<tr><th>{}</th><td class=n>{}</td></tr>",
                html(&r.metric),
                format::significant(r.value, 4)
            );
        }
        let _ = write!(out, "</tbody></table>");
    }

    // Manifest.
    let _ = write!(out, "\n<h2 id=\"manifest\">The run</h2><table><tbody>");
    kv(&mut out, "fleetsim version", html(&m.fleetsim_version));
    kv(&mut out, "scenario file", html(&m.scenario_path));
    kv(
        &mut out,
        "scenario SHA-256",
        format!("<code>{}</code>", html(&m.scenario_sha256)),
    );
    kv(&mut out, "seed", m.seed.to_string());
    kv(&mut out, "replications", m.replications.to_string());
    kv(&mut out, "threads", m.threads.to_string());
    kv(
        &mut out,
        "wall time",
        format!("{:.2} s", m.wall_time_seconds),
    );
    kv(
        &mut out,
        "devices simulated",
        format::count(m.devices_simulated),
    );
    kv(
        &mut out,
        "event loss table kept",
        m.event_loss_table.to_string(),
    );
    let _ = write!(
        out,
        "</tbody></table><p class=muted>Built by fleetsim {} from this folder's CSV files and manifest; <code>fleetsim report</code> rebuilds it from them. Results depend only on the scenario and its seed, not on the thread count.</p>\n</main></body></html>\n",
        html(&m.fleetsim_version)
    );
    out
}

/// One scenario's line in the batch index.
pub struct IndexEntry<'a> {
    /// The folder's name, which is the scenario's.
    pub folder: String,
    pub run: &'a RunFolder,
}

/// A policy study in the batch folder, for the index.
pub struct StudyEntry {
    /// The folder's name, `<scenario>.<kind>`.
    pub folder: String,
    pub kind: String,
    pub scenario: String,
    /// The runs compared, baseline first.
    pub variants: Vec<String>,
}

/// The batch index: every scenario's report with its headline figures, then the policy
/// studies.
pub fn index_page(entries: &[IndexEntry<'_>], studies: &[StudyEntry]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>fleetsim reports</title><style>{STYLE}</style></head>\n<body><main><h1>fleetsim reports</h1><p>One report per scenario run into this folder. Figures are average annual losses (AAL) and the 1-in-100 annual loss (AEP) under each scenario's first liability regime.</p>\n<table><thead><tr><th>scenario</th><th class=n>devices</th><th class=n>simulated years</th><th>regime</th><th class=n>ground-up AAL</th><th class=n>ground-up 1-in-100</th><th class=n>paid to victims AAL</th><th>largest retained AAL</th></tr></thead><tbody>\n"
    );
    for e in entries {
        let f = e.run;
        let regime = primary(f);
        let total = |p: &str| f.find(regime, "total", p);
        let cur = currency(f);
        let top_party = top(f, regime, "retained", 1)
            .first()
            .map_or("none".to_owned(), |s| {
                format!("{}: {} {cur}", html(&s.party), format::money(s.aal()))
            });
        let _ = writeln!(
            out,
            "<tr><td><a href=\"{dir}/report.html\">{name}</a><div class=muted>{desc}</div></td><td class=n>{dev}</td><td class=n>{years}</td><td>{regime}</td><td class=n>{gu} {cur}</td><td class=n>{gu100}</td><td class=n>{paid} {cur}</td><td>{top_party}</td></tr>",
            dir = html(&e.folder),
            name = html(&f.manifest.scenario),
            desc = html(&f.manifest.description),
            dev = format::count(f.manifest.devices),
            years = format::count(
                u64::from(f.manifest.replications) * u64::from(f.manifest.horizon_years)
            ),
            regime = html(regime),
            gu = total("ground_up").map_or("n/a".to_owned(), |s| format::money(s.aal())),
            gu100 = cell(total("ground_up").and_then(|s| s.metric("aep_rp_100"))),
            paid = total("paid").map_or("n/a".to_owned(), |s| format::money(s.aal())),
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    if !studies.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Policy studies</h2><table><thead><tr><th>study</th><th>kind</th><th>scenario</th><th>runs</th></tr></thead><tbody>"
        );
        for s in studies {
            let _ = writeln!(
                out,
                "<tr><td><a href=\"{dir}/report.html\">{dir}</a></td><td>{kind}</td><td>{scenario}</td><td>{runs}</td></tr>",
                dir = html(&s.folder),
                kind = html(&s.kind),
                scenario = html(&s.scenario),
                runs = s
                    .variants
                    .iter()
                    .map(|v| html(v))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }
    let _ = writeln!(out, "</main></body></html>");
    out
}
