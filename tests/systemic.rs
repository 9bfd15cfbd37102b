//! Systemic event sources against closed forms: a frequency's yearly counts (Poisson mean,
//! variance and chance of none; a negative binomial's variance λ + λ²/r), a faulty update's
//! harmed devices per event (devices × install share × chance before the pull × harm share),
//! an outage's loss (devices in service × hours × rate, exactly), and the same results on one
//! thread and two. Tolerances are four standard errors, estimated from the samples.

mod common;

use std::sync::Arc;

use common::{class, header, run, scenario};
use fleetsim::events::draw;
use fleetsim::experiment::{self, RunConfig};
use fleetsim::outcome::{Layout, NO_DEVICE};
use fleetsim::rng::Streams;
use fleetsim::scenario::{EventKind, FaultKind, HarmKind, Scenario};
use fleetsim::sim::Replicator;
use fleetsim::stats::mean_sd_se;

/// A cheap event source for the counting tests: an outage of class `c`.
const OUTAGE: &str = "[event_source.outage]\nclasses = [\"c\"]\nduration_hours = 8\nloss_per_device_hour = 1\nroot_cause = \"software_vendor\"\n";

/// Each year's event count, over every year of `reps` replications.
fn yearly_counts(s: &Scenario, reps: u32) -> Vec<f64> {
    let years = s.horizon_years as usize;
    let mut out = Vec::new();
    for rep in 0..reps {
        let mut counts = vec![0.0; years];
        for e in draw(s, &Streams::new(s.seed, rep)) {
            counts[(e.start / 365.0) as usize] += 1.0;
        }
        out.extend(counts);
    }
    out
}

/// The sample mean and variance with their standard errors (the variance's from the sample's
/// fourth central moment: Var(s²) ≈ (m₄ − s⁴)/n).
fn moments(x: &[f64]) -> (f64, f64, f64, f64) {
    let n = x.len() as f64;
    let (mean, sd, se) = mean_sd_se(x);
    let var = sd * sd;
    let m4 = x.iter().map(|v| (v - mean).powi(4)).sum::<f64>() / n;
    (mean, se, var, ((m4 - var * var) / n).sqrt())
}

fn source(timing: &str) -> Arc<Scenario> {
    scenario(&format!(
        "{}{}[[event_source]]\nname = \"s\"\n{timing}\n{OUTAGE}",
        header("counts", 50, 1, 7),
        class("c", 10)
    ))
}

#[test]
fn a_frequency_gives_poisson_counts_each_year() {
    let lambda: f64 = 1.3;
    let s = source(&format!("frequency = {lambda}"));
    let x = yearly_counts(&s, 400);
    let n = x.len() as f64;
    let (mean, mean_se, var, var_se) = moments(&x);
    let none = x.iter().filter(|&&v| v == 0.0).count() as f64 / n;
    let p0 = (-lambda).exp();
    let p0_se = (p0 * (1.0 - p0) / n).sqrt();
    eprintln!(
        "poisson λ = {lambda}: mean {mean:.4} ± {mean_se:.4}, variance {var:.4} ± {var_se:.4}, P(0) {none:.4} vs {p0:.4} ± {p0_se:.4}"
    );
    assert!((mean - lambda).abs() < 4.0 * mean_se, "mean {mean}");
    assert!((var - lambda).abs() < 4.0 * var_se, "variance {var}");
    assert!((none - p0).abs() < 4.0 * p0_se, "P(0) {none}");
}

#[test]
fn a_dispersion_gives_negative_binomial_variance() {
    let (lambda, r) = (2.0, 1.5);
    let s = source(&format!("frequency = {lambda}\ndispersion = {r}"));
    let x = yearly_counts(&s, 400);
    let (mean, mean_se, var, var_se) = moments(&x);
    let want = lambda + lambda * lambda / r;
    eprintln!(
        "negative binomial λ = {lambda}, r = {r}: mean {mean:.4} ± {mean_se:.4}, variance {var:.4} vs {want:.4} ± {var_se:.4}"
    );
    assert!((mean - lambda).abs() < 4.0 * mean_se, "mean {mean}");
    assert!((var - want).abs() < 4.0 * var_se, "variance {var}");
}

/// `n` devices of class `c`, one faulty update pushed on day 100 with these shares.
fn update_scenario(n: u32, install: &str, harm: &str, extra: &str) -> Arc<Scenario> {
    scenario(&format!(
        r#"{}{}{extra}
[[event_source]]
name = "bad release"
start_day = 100

[event_source.faulty_update]
rollout_days = 20
pulled_after_days = 8
install_share = {install}
harm_share = {harm}
harm = {{ kind = "downtime", severity = {{ median = 50, p99 = 400 }} }}
"#,
        header("update", 1, 1, 11),
        class("c", n)
    ))
}

/// Harmed devices per replication, checking each harm on the way, and devices that installed.
fn harmed_per_replication(s: &Arc<Scenario>, reps: u32) -> (Vec<f64>, Vec<f64>) {
    let mut world = Replicator::new(Arc::clone(s));
    let (mut harmed, mut installed) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        let mut harms = Vec::new();
        let out = world.run(rep, &mut |h| harms.extend_from_slice(h));
        for h in &harms {
            assert_eq!(h.fault, FaultKind::FaultyUpdate);
            assert_eq!(h.event, 1);
            assert_eq!(h.harm, HarmKind::Downtime);
            assert_eq!(h.cause_party, Some(2), "the software vendor, Code");
            assert!((100.0..108.0).contains(&h.day), "installed before the pull");
        }
        let record = out.events[0];
        assert_eq!(record.kind, EventKind::FaultyUpdate);
        assert_eq!(record.end, 108.0);
        harmed.push(harms.len() as f64);
        installed.push(record.devices as f64);
    }
    (harmed, installed)
}

#[test]
fn a_faulty_update_harms_the_closed_form_share_of_the_fleet() {
    let n = 20_000u32;
    let (install, before_pull, harm) = (0.6, 8.0 / 20.0, 0.05);
    for (label, install_share) in [("fixed", "0.6"), ("uniform", "{ low = 0.4, high = 0.8 }")] {
        let s = update_scenario(n, install_share, &harm.to_string(), "");
        let (harmed, installed) = harmed_per_replication(&s, 40);
        let (mean, _, se) = mean_sd_se(&harmed);
        let want = f64::from(n) * install * before_pull * harm;
        let (got_installed, _, installed_se) = mean_sd_se(&installed);
        let want_installed = f64::from(n) * install * before_pull;
        eprintln!(
            "faulty update ({label}): harmed {mean:.2} vs {want:.2} ± {se:.2}; installed {got_installed:.1} vs {want_installed:.1} ± {installed_se:.1}"
        );
        assert!((mean - want).abs() < 4.0 * se, "{label}: harmed {mean}");
        assert!(
            (got_installed - want_installed).abs() < 4.0 * installed_se,
            "{label}: installed {got_installed}"
        );
    }
}

#[test]
fn an_outage_costs_devices_in_service_times_hours_times_rate() {
    let text = format!(
        r#"{}
[[party]]
name = "Cloud"
role = "network_operator"

[[device_class]]
name = "c"
lineage = {{ manufacturer = "Maker", network_operator = "Cloud" }}

[device_class.fleet]
installed_base = [{{ age_years = 1, count = 3000 }}]
sales = [2000, 2000]
service_life = {{ mean_years = 2 }}

[[event_source]]
name = "cloud down"
start_day = 400

[event_source.outage]
classes = ["c"]
duration_hours = 7.5
loss_per_device_hour = 3.2
"#,
        header("outage", 2, 1, 5)
    );
    let s = scenario(&text);
    let mut world = Replicator::new(Arc::clone(&s));
    for rep in 0..5 {
        let mut harms = Vec::new();
        let out = world.run(rep, &mut |h| harms.extend_from_slice(h));
        let streams = Streams::new(s.seed, rep);
        let class = &s.classes[0];
        let in_service = (0..class.count)
            .map(|d| fleetsim::fleet::window(class, &streams, d, d))
            .filter(|w| w.placed <= 400.0 && 400.0 < w.until)
            .count() as u64;
        assert_eq!(harms.len(), 1);
        let h = harms[0];
        assert_eq!(
            (h.fault, h.device, h.day, h.event),
            (FaultKind::Outage, NO_DEVICE, 400.0, 1)
        );
        assert_eq!(h.cause_party, Some(4), "the back end's operator, Cloud");
        assert_eq!(h.loss, in_service as f64 * 7.5 * 3.2);
        assert_eq!(out.events[0].devices, in_service);
        assert_eq!(out.events[0].end, 400.0 + 7.5 / 24.0);
        eprintln!(
            "outage, replication {rep}: {in_service} devices in service, loss {}",
            h.loss
        );
    }
}

#[test]
fn systemic_events_do_not_depend_on_the_thread_count() {
    let s = scenario(&format!(
        r#"{}{}
[[party]]
name = "Cloud"
role = "network_operator"

[[device_class]]
name = "d"
count = 3000
lineage = {{ manufacturer = "Maker", software_vendor = "Code", network_operator = "Cloud" }}

[[event_source]]
name = "updates"
frequency = 2

[event_source.faulty_update]
rollout_days = 30
install_share = {{ low = 0.2, high = 0.9 }}
harm_share = {{ low = 0.01, high = 0.1 }}
harm = {{ kind = "property_damage", severity = {{ median = 100, p99 = 2000 }} }}

[[event_source]]
name = "cloud"
frequency = 3
dispersion = 2

[event_source.outage]
classes = ["d"]
duration_hours = {{ median = 8, sigma = 1 }}
loss_per_device_hour = 0.5
"#,
        header("threads", 3, 16, 3),
        class("c", 2000)
    ));
    let layout = Layout::new(&s);
    let results = |threads| {
        let config = RunConfig {
            threads,
            keep_elt: true,
        };
        let r = experiment::run(&s, &config, &layout, &|| ()).unwrap_or_else(|e| panic!("{e}"));
        format!(
            "{:?}",
            r.iter()
                .map(|x| (&x.year_loss, &x.elt, &x.tally))
                .collect::<Vec<_>>()
        )
    };
    let one = results(1);
    assert_eq!(one, results(2));
    // The kinds did run: their incidents are in the tally.
    let mut world = Replicator::new(Arc::clone(&s));
    let (harms, _) = run(&mut world, 0);
    for kind in [FaultKind::FaultyUpdate, FaultKind::Outage] {
        assert!(
            harms.iter().any(|h| h.fault == kind),
            "no {kind} in replication 0"
        );
    }
}
