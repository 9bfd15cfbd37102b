//! The HTML pages, built from the chart descriptions and the data read back: a run's report
//! (key parameters, warnings, headline tables, charts, incidents, the run's facts), the frame
//! of a study's page, and the batch index. The skeleton of every page and its style sheet are
//! asset files (`assets/page.html`, `assets/report.css`); each page is self-contained.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::charts::Chart;
use super::format::{self, html};
use super::manifest::Manifest;
use super::read::{RunFolder, SeriesData};
use super::report::{HEADLINE_RP, ReportOptions, currency, parties, primary, top, warnings};

/// The skeleton of every page, with the places of its `{title}`, `{style}` and `{body}`.
const SKELETON: &str = include_str!("assets/page.html");
/// The style sheet, one rule a line, with comment lines of its own.
const STYLE: &str = include_str!("assets/report.css");

/// The style sheet as a page inlines it: on one line, without the file's comment lines.
fn style() -> String {
    STYLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("/*"))
        .collect()
}

/// A whole page: the skeleton with `title` (HTML text, escaped by the caller), the style sheet
/// and `body`. The places are found in the skeleton only, so a `{…}` in a scenario's name or
/// description stays text.
pub(crate) fn document(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(SKELETON.len() + STYLE.len() + body.len());
    let mut rest = SKELETON;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        match &rest[start + 1..start + len] {
            "title" => out.push_str(title),
            "style" => out.push_str(&style()),
            "body" => out.push_str(body),
            other => {
                out.push('{');
                out.push_str(other);
                out.push('}');
            }
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// The window title of a result's page: `title: name`.
pub(crate) fn title(title: &str, name: &str) -> String {
    format!("{}: {}", html(title), html(name))
}

/// The opening of a result's page: `kicker` above its name, then its description.
pub(crate) fn intro(kicker: &str, name: &str, desc: &str) -> String {
    format!(
        "\n<p class=muted>{}</p><h1>{}</h1><p>{}</p>\n",
        html(kicker),
        html(name),
        html(desc)
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
    let mut out = intro("fleetsim risk report", &m.scenario, &m.description);
    let _ = writeln!(
        out,
        "<nav class=muted><a href=\"#parameters\">Parameters</a><a href=\"#headline\">Headline</a><a href=\"#charts\">Charts</a><a href=\"#calendar\">By year</a>{}<a href=\"#incidents\">Incidents</a><a href=\"#manifest\">Run</a></nav>",
        if f.figure("aal_systemic").is_some() {
            "<a href=\"#events\">Events</a>"
        } else {
            ""
        }
    );
    parameters(f, persp, &mut out);
    warnings_section(f, o, &mut out);
    headline(f, persp, &mut out);
    let _ = write!(out, "\n<h2 id=\"charts\">Charts</h2>\n");
    for r in rendered {
        let _ = writeln!(out, "{}", figure(r.chart, r.svg));
    }
    calendar(f, &mut out);
    super::events_section::events(f, &mut out);
    incidents(f, &mut out);
    run_facts(m, &mut out);
    document(&title("fleetsim report", &m.scenario), &out)
}

/// A row of a two-column table: a name and its value (HTML).
fn kv(out: &mut String, k: &str, v: String) {
    let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", html(k), v);
}

/// The key parameters: the run's size, the regimes, the perspective shown, the device classes
/// and the parties.
fn parameters(f: &RunFolder, persp: &str, out: &mut String) {
    let m = &f.manifest;
    let _ = write!(
        out,
        "<h2 id=\"parameters\">Key parameters</h2><table><tbody>"
    );
    kv(out, "devices", format::count(m.devices));
    kv(out, "horizon", format!("{} years", m.horizon_years));
    if let Some(y) = m.start_year {
        let last = i64::from(y) + i64::from(m.horizon_years) - 1;
        kv(out, "calendar years", format!("{y}–{last}"));
    }
    if m.warm_up_years > 0 {
        let first = i64::from(m.start_year.unwrap_or(0)) + i64::from(m.warm_up_years);
        let last = i64::from(m.start_year.unwrap_or(0)) + i64::from(m.horizon_years) - 1;
        kv(
            out,
            "years pooled",
            format!(
                "{first}–{last} (the first {} left out as warm-up; years.csv has every year)",
                m.warm_up_years
            ),
        );
    }
    kv(
        out,
        "replications",
        format!(
            "{} ({} simulated years, {} device-years)",
            format::count(u64::from(m.replications)),
            format::count(f.years() as u64),
            format::count(m.device_years)
        ),
    );
    kv(
        out,
        "liability regimes",
        html(&m.liability_regimes.join(", ")),
    );
    if let Some(switch) = &m.regime_switch {
        kv(out, "regime switch", html(switch));
    }
    kv(out, "currency", html(currency(f)));
    kv(
        out,
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
            html(&p.role.replace('_', " ").replace('+', " + ")),
            p.capacity.map_or("unlimited".to_owned(), format::money)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
}

/// What a reader should know before trusting the figures, when there is anything.
fn warnings_section(f: &RunFolder, o: &ReportOptions, out: &mut String) {
    let warnings = warnings(f, o);
    if !warnings.is_empty() {
        let _ = write!(out, "<h2 id=\"warnings\">Warnings</h2>");
        for w in &warnings {
            let _ = write!(out, "<p class=warn>{}</p>", html(w));
        }
    }
}

/// The headline: what its figures are, then one table per regime.
fn headline(f: &RunFolder, persp: &str, out: &mut String) {
    let m = &f.manifest;
    let _ = write!(
        out,
        "<h2 id=\"headline\">Headline</h2><p>Average annual loss (AAL) with its 95 % interval (from the spread of the replications' means, the independent unit), the annual loss exceeded once in 100 and 250 years (AEP), and the mean loss in the worst 1 % of years (TVaR), in {cur}. Parties are shown {persp}{ins}.</p>",
        cur = html(currency(f)),
        ins = if persp == "retained" {
            ", after insurance"
        } else {
            ""
        }
    );
    for regime in &m.liability_regimes {
        let _ = write!(out, "<h3>Under {}</h3>", html(regime));
        headline_table(f, regime, persp, out);
    }
}

/// Mean incidents a year by kind and root-cause party, then the outbreak and recall figures.
/// Exposure and the ground-up loss by calendar year, under the first regime, with the rates
/// per 1,000 device-years that compare across fleets; then the pooled years.
fn calendar(f: &RunFolder, out: &mut String) {
    let Some(regime) = f.manifest.liability_regimes.first() else {
        return;
    };
    let rows: Vec<_> = f
        .calendar
        .iter()
        .filter(|r| &r.regime == regime && r.party == "total" && r.perspective == "ground_up")
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<h2 id=\"calendar\">By year</h2><p>Devices in service at each year's end, device-years in service, the ground-up loss (mean per replication ± its standard error) and the loss and incidents per 1,000 device-years, by year; the last row pools the years the figures above pool. Regime: {}.</p><table><thead><tr><th>year</th><th class=n>in service</th><th class=n>device-years</th><th class=n>ground-up loss</th><th class=n>± SE</th><th class=n>per 1,000 device-years</th><th class=n>± SE</th><th class=n>incidents per 1,000 device-years</th></tr></thead><tbody>",
        html(regime)
    );
    let warm_up = f.manifest.warm_up_years as usize;
    for (i, r) in rows.into_iter().enumerate() {
        let year = if i < warm_up {
            format!("{} (warm-up)", r.year)
        } else {
            r.year.clone()
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            html(&year),
            format::significant(r.in_service, 4),
            format::significant(r.device_years, 4),
            format::significant(r.loss, 4),
            format::significant(r.loss_se, 2),
            format::significant(r.loss_per_1000_device_years, 4),
            format::significant(r.loss_per_1000_device_years_se, 2),
            format::significant(r.incidents_per_1000_device_years, 4)
        );
    }
    let _ = write!(out, "</tbody></table>");
}

fn incidents(f: &RunFolder, out: &mut String) {
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
}

/// The facts of the run: version, scenario file and hash, seed, size, threads, wall time.
fn run_facts(m: &Manifest, out: &mut String) {
    let _ = write!(out, "\n<h2 id=\"manifest\">The run</h2><table><tbody>");
    kv(out, "fleetsim version", html(&m.fleetsim_version));
    kv(out, "scenario file", html(&m.scenario_path));
    kv(
        out,
        "scenario SHA-256",
        format!("<code>{}</code>", html(&m.scenario_sha256)),
    );
    kv(out, "seed", m.seed.to_string());
    kv(out, "replications", m.replications.to_string());
    kv(out, "threads", m.threads.to_string());
    kv(out, "wall time", format!("{:.2} s", m.wall_time_seconds));
    kv(out, "devices simulated", format::count(m.devices_simulated));
    kv(out, "event loss table kept", m.event_loss_table.to_string());
    let _ = writeln!(
        out,
        "</tbody></table><p class=muted>Built by fleetsim {} from this folder's CSV files and manifest; <code>fleetsim report</code> rebuilds it from them. Results depend only on the scenario and its seed, not on the thread count.</p>",
        html(&m.fleetsim_version)
    );
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
        "<h1>fleetsim reports</h1><p>One report per scenario run into this folder. Figures are average annual losses (AAL) and the 1-in-100 annual loss (AEP) under each scenario's first liability regime.</p>\n<table><thead><tr><th>scenario</th><th class=n>devices</th><th class=n>simulated years</th><th>regime</th><th class=n>ground-up AAL</th><th class=n>ground-up 1-in-100</th><th class=n>paid to victims AAL</th><th>largest retained AAL</th></tr></thead><tbody>\n"
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
    document("fleetsim reports", &out)
}
