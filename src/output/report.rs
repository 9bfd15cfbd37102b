//! The report of a run as chart descriptions: which charts to draw and from what figures (the
//! estimators are in [`crate::stats::convergence`]), and the warnings the page shows. Everything
//! here reads a [`RunFolder`], the run's own CSV files, so a saved folder rebuilds the same
//! report; [`super::page`] lays it out as HTML and [`super::charts`] draws it.

use super::charts::{
    Axis, Band, BarValue, Bars, Chart, Histogram, Line, Panel, Plot, Scale, Step, StepKind,
    Waterfall, panels_height,
};
use super::format;
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
pub(super) const HEADLINE_RP: [f64; 2] = [100.0, 250.0];

/// The first regime: the one the charts follow (the regimes chart compares them all).
pub(super) fn primary(f: &RunFolder) -> &str {
    f.manifest
        .liability_regimes
        .first()
        .map_or("", String::as_str)
}

/// The run's currency, or "money" when the scenario names none.
pub(super) fn currency(f: &RunFolder) -> &str {
    if f.manifest.currency.is_empty() {
        "money"
    } else {
        &f.manifest.currency
    }
}

/// The parties' series of `perspective` under `regime` (insurers' own series when the
/// perspective is `insurer`), in the scenario's order.
pub(super) fn parties<'a>(
    f: &'a RunFolder,
    regime: &str,
    perspective: &str,
) -> Vec<&'a SeriesData> {
    f.series
        .iter()
        .filter(|s| s.regime == regime && s.party != "total" && s.perspective == perspective)
        .collect()
}

/// The parties with a loss in `perspective`, largest AAL first, at most `n`.
pub(super) fn top<'a>(
    f: &'a RunFolder,
    regime: &str,
    perspective: &str,
    n: usize,
) -> Vec<&'a SeriesData> {
    let mut v: Vec<_> = parties(f, regime, perspective)
        .into_iter()
        .filter(|s| s.aal() > 0.0)
        .collect();
    // A stable sort keeps the scenario's order among equals.
    v.sort_by(|a, b| b.aal().total_cmp(&a.aal()));
    v.truncate(n);
    v
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
            y: Axis::money("annual loss", currency(f)),
            bands: Vec::new(),
            lines: vec![
                Line {
                    name: "AEP (year's total)".to_owned(),
                    colour: 0,
                    dashed: false,
                    points: ep_curve(&s.annual, false),
                },
                Line {
                    name: "OEP (year's largest occurrence)".to_owned(),
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
            "The loss that a year exceeds once in T years, for the parties with the largest {persp} losses under {regime}: the year's total (AEP), its largest occurrence (OEP: a systemic event's claims in the year together, an independent claim alone), and the mean loss beyond the AEP (TVaR), from all {} simulated years.",
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
            x: Axis::money("average annual loss", currency(f)),
        }),
    })
}

/// The steps of a waterfall, with the running total that rises and falls between totals.
struct Steps {
    steps: Vec<Step>,
    run: f64,
}

impl Steps {
    /// A total, drawn from zero; the running total restarts from it.
    fn total(&mut self, label: &str, to: f64) {
        self.steps.push(Step {
            label: label.to_owned(),
            from: 0.0,
            to,
            kind: StepKind::Total,
        });
        self.run = to;
    }

    /// A rise or fall of the running total.
    fn change(&mut self, label: String, delta: f64) {
        let kind = if delta >= 0.0 {
            StepKind::Up
        } else {
            StepKind::Down
        };
        self.steps.push(Step {
            label,
            from: self.run,
            to: self.run + delta,
            kind,
        });
        self.run += delta;
    }
}

/// From ground-up damages to what each party keeps, in AAL.
fn waterfall_chart(f: &RunFolder) -> Option<Chart> {
    let regime = primary(f);
    let total = |p: &str| f.find(regime, "total", p).map_or(0.0, SeriesData::aal);
    let sum = |p: &str| parties(f, regime, p).iter().map(|s| s.aal()).sum::<f64>();
    let ground_up = total("ground_up");
    let recall_fines = total("recall") + total("fines");
    if ground_up + recall_fines <= 0.0 {
        return None;
    }
    let mut w = Steps {
        steps: Vec::new(),
        run: 0.0,
    };
    w.total("Ground-up damages", ground_up);
    w.change("Left with the victims".to_owned(), -total("uncompensated"));
    if recall_fines > 0.0 {
        w.change("Recalls and fines".to_owned(), recall_fines);
    }
    let gross = sum("gross");
    w.total("Paid first by the parties", gross);
    let threshold = gross * 0.002;
    for g in parties(f, regime, "gross") {
        let net = f.find(regime, &g.party, "net").map_or(0.0, SeriesData::aal);
        let delta = net - g.aal();
        if delta.abs() > threshold {
            w.change(format!("{}: recourse, contracts", g.party), delta);
        }
    }
    let insured = sum("insurer");
    if insured > 0.0 {
        w.change("Paid by insurers".to_owned(), -insured);
    }
    let retained = parties(f, regime, "retained");
    w.total(
        "Retained by the parties",
        retained.iter().map(|s| s.aal()).sum(),
    );
    let mut at = 0.0;
    for (i, s) in retained.iter().enumerate() {
        if s.aal() > threshold {
            w.steps.push(Step {
                label: format!("  {}", s.party),
                from: at,
                to: at + s.aal(),
                kind: StepKind::Part(i),
            });
        }
        at += s.aal();
    }
    let n = w.steps.len();
    Some(Chart {
        file: "waterfall",
        title: format!("Where the money goes ({regime}, average per year)"),
        caption: format!(
            "From the victims' ground-up damages, less what they are left with, plus recalls and fines, to what the parties pay first, how recourse and contracts move it between them, what insurers take over, and what each party retains (AAL under {regime})."
        ),
        width: 1000,
        height: (110 + 36 * n as u32).max(360),
        plot: Plot::Waterfall(Waterfall {
            steps: w.steps,
            x: Axis::money("average annual loss", currency(f)),
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
            // With a start year the axis is in calendar years (the middle of each month).
            let start = f.manifest.start_year.map(f64::from);
            let x = |m: usize| start.unwrap_or(0.0) + (m as f64 + 0.5) / 12.0;
            Panel {
                title: kind.replace('_', " "),
                x: Axis {
                    desc: if start.is_some() {
                        "calendar year"
                    } else {
                        "year"
                    }
                    .to_owned(),
                    scale: if start.is_some() {
                        Scale::Year
                    } else {
                        Scale::Plain
                    },
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
        y: Axis::money("ground-up loss", currency(f)),
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
            x: Axis::money("average annual loss", currency(f)),
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
    if let Some(c) = f.figure("claims_at_ceiling") {
        w.push(format!(
            "{} claims were drawn above 10¹⁵ {} and booked at that ceiling, the largest single amount the books take: the tail above it is cut.",
            format::count(c as u64),
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
