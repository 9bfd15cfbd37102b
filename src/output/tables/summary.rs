//! `summary.csv`: every series' metrics (AAL to the cent, its interval, VaR, EP and TVaR at the
//! scenario's return periods), then the rows that belong to no series: claims at the ceiling,
//! insolvency, recalls, the outbreak and incident counts.

use super::table::{CsvTable, Table};
use crate::money::Money;
use crate::output::artefact::RunData;
use crate::output::format::cents;
use crate::stats::Metrics;

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
                ("mean_cost", cents(r.mean_cost)),
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
        if let Some(x) = &d.summary.systemic {
            systemic_rows(d, x, w)?;
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

/// The ground-up AAL's systemic and independent parts, each source's frequency and AAL, and
/// the systemic share of the tail years: ground-up figures, in rows free of regime and
/// perspective like the outbreak's.
fn systemic_rows(
    d: &RunData<'_>,
    x: &crate::stats::systemic::SystemicSummary,
    w: &mut Table<'_>,
) -> Result<(), csv::Error> {
    let mut rows = vec![
        ("aal_systemic".to_owned(), cents(x.systemic.0)),
        ("aal_systemic_se".to_owned(), cents(x.systemic.1)),
        ("aal_independent".to_owned(), cents(x.independent.0)),
        ("aal_independent_se".to_owned(), cents(x.independent.1)),
    ];
    for s in &x.sources {
        let name = &d.scenario.events[s.source].name;
        rows.push((
            format!("events_per_year.{name}"),
            s.events_per_year.0.to_string(),
        ));
        rows.push((format!("aal_systemic.{name}"), cents(s.aal.0)));
        rows.push((format!("aal_systemic_se.{name}"), cents(s.aal.1)));
    }
    for (t, share) in &x.tail_share {
        rows.push((format!("systemic_share_rp_{t}"), share.to_string()));
    }
    for (metric, value) in rows {
        w.write_record(["", "total", "", &metric, &value])?;
    }
    Ok(())
}

/// The tidy rows of one party's metrics; return periods longer than the run are left out.
fn metric_rows(m: &Metrics, aal: Money) -> Vec<(String, String)> {
    let mut rows = vec![
        ("aal".to_owned(), aal.to_string()),
        ("aal_se".to_owned(), cents(m.aal_se)),
        ("aal_ci95_low".to_owned(), cents(m.aal_ci95.0)),
        ("aal_ci95_high".to_owned(), cents(m.aal_ci95.1)),
        ("sd".to_owned(), cents(m.sd)),
    ];
    for (p, v) in &m.var {
        if let Some(v) = v {
            rows.push((format!("var_{}", p * 100.0), cents(*v)));
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
                rows.push((format!("{name}_rp_{t}"), cents(*v)));
            }
        }
    }
    rows
}
