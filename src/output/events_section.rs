//! The report's section on systemic events: the ground-up AAL split into systemic events and
//! independent incidents, each source's frequency and AAL, how much of the tail years the
//! events make, and the largest events of the run. Read from `summary.csv` and `events.csv`.

use std::fmt::Write as _;

use super::format::{self, html};
use super::read::RunFolder;

/// Writes the section; nothing for a run without event sources.
pub fn events(f: &RunFolder, out: &mut String) {
    let (Some(systemic), Some(independent)) =
        (f.figure("aal_systemic"), f.figure("aal_independent"))
    else {
        return;
    };
    let se = |m: &str| f.figure(m).map_or(String::new(), format::money);
    let _ = write!(
        out,
        "<h2 id=\"events\">Systemic events</h2><p>Causes that hit many devices at once (an outbreak, a faulty update, a mass exploitation, an outage), each from a source with a frequency. Ground-up AAL from systemic events: <b>{}</b> ± {}; from independent incidents (and every fine and recall): <b>{}</b> ± {} (standard errors across replications).</p>",
        format::money(systemic),
        se("aal_systemic_se"),
        format::money(independent),
        se("aal_independent_se"),
    );
    sources(f, out);
    tail(f, out);
    largest(f, out);
}

/// Each source's events per year and AAL.
fn sources(f: &RunFolder, out: &mut String) {
    let _ = write!(
        out,
        "<table><thead><tr><th>source</th><th class=n>events a year</th><th class=n>AAL</th><th class=n>± SE</th></tr></thead><tbody>"
    );
    for r in &f.other {
        let Some(name) = r.metric.strip_prefix("events_per_year.") else {
            continue;
        };
        let aal = f.figure(&format!("aal_systemic.{name}")).unwrap_or(0.0);
        let se = f.figure(&format!("aal_systemic_se.{name}")).unwrap_or(0.0);
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            html(name),
            format::significant(r.value, 3),
            format::money(aal),
            format::money(se)
        );
    }
    let _ = write!(out, "</tbody></table>");
}

/// The systemic share of the years at or beyond the 1-in-100 and 1-in-200 ground-up loss.
fn tail(f: &RunFolder, out: &mut String) {
    let shares: Vec<String> = [100, 200]
        .iter()
        .filter_map(|t| {
            let v = f.figure(&format!("systemic_share_rp_{t}"))?;
            Some(format!("1-in-{t}: {}", format::percent(v)))
        })
        .collect();
    if !shares.is_empty() {
        let _ = write!(
            out,
            "<p>Share of the loss of the tail years (those at or beyond the 1-in-T ground-up year) that came from systemic events: {}.</p>",
            shares.join("; ")
        );
    }
}

/// The largest events of the run.
fn largest(f: &RunFolder, out: &mut String) {
    if f.events.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<p>The largest events of the run, by ground-up damages:</p><table><thead><tr><th class=n>replication</th><th class=n>event</th><th>source</th><th>kind</th><th>year</th><th class=n>day</th><th class=n>days</th><th class=n>devices</th><th class=n>ground-up</th></tr></thead><tbody>"
    );
    for e in &f.events {
        let _ = write!(
            out,
            "<tr><td class=n>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{:.0}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            e.replication,
            e.event,
            html(&e.source),
            html(&e.kind.replace('_', " ")),
            html(&e.year),
            e.day,
            format::significant(e.duration_days, 3),
            e.devices,
            format::money(e.ground_up)
        );
    }
    let _ = write!(out, "</tbody></table>");
}
