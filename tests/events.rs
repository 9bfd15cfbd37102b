//! The event model end to end: a `[botnet]` is exactly a fixed-day event source; a source with
//! a frequency runs several outbreaks in a replication, each numbered, each reaching devices,
//! each leaking a device's data at most once; and with every kind of event on, results are the
//! same on one thread and two.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use common::{class, header, run, scenario};
use fleetsim::experiment::{self, RunConfig};
use fleetsim::outcome::{Layout, NO_DEVICE};
use fleetsim::scenario::{EventKind, FaultKind, Scenario};
use fleetsim::sim::Replicator;

/// A camera class with universal default passwords, reboots, data theft and vulnerabilities.
const CAMERAS: &str = "[device_class.security]\ncredentials = \"universal_default\"\nreboot_per_day = 0.5\n[device_class.vulnerabilities]\nper_year = 2\nexploit_delay_days = 5\npatch_delay_days = 30\nadoption_per_day = 0.05\nsupport_years = 3\nharm = { probability = 0.1, kind = \"property_damage\", severity = { median = 100, p99 = 1000 } }\n[device_class.data_theft]\nprobability_per_breach = 0.5\nrecords = { median = 10, p99 = 100 }\ncost_per_record = 100\nidentified_probability = 1.0\ndetection_days = 2\ncontainment_days = 2\n";

/// An outbreak's parameters, without its day.
const OUTBREAK: &str = "duration_days = 6\nstep_minutes = 30\nscans_per_second = 20\ninitial_bots = 100\nexternal_vulnerable = 10000\n";
const DDOS: &str = "attacks_per_day = 3\ncost_curve = [[0, 0], [10000, 1000000]]\n";

fn cameras(name: &str, years: u32, reps: u32, tail: &str) -> Arc<Scenario> {
    scenario(&format!(
        "{}{}{CAMERAS}{tail}",
        header(name, years, reps, 41),
        class("c", 3_000)
    ))
}

/// The same outbreak written as `[botnet]` and as a fixed-day `[[event_source]]` draws the same
/// numbers: the same harms, the same time series, the same event.
#[test]
fn a_botnet_table_is_a_fixed_day_event_source() {
    let old = cameras(
        "fixed",
        1,
        1,
        &format!("[botnet]\nstart_day = 40\n{OUTBREAK}[botnet.ddos]\n{DDOS}"),
    );
    let new = cameras(
        "fixed",
        1,
        1,
        &format!(
            "[[event_source]]\nname = \"botnet\"\nstart_day = 40\n[event_source.botnet]\n{OUTBREAK}[event_source.botnet.ddos]\n{DDOS}"
        ),
    );
    for rep in 0..3 {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let oa = Replicator::new(Arc::clone(&old)).run(rep, &mut |h| a.extend_from_slice(h));
        let ob = Replicator::new(Arc::clone(&new)).run(rep, &mut |h| b.extend_from_slice(h));
        assert!(
            a.iter().any(|h| h.fault == FaultKind::Ddos),
            "DDoS in {rep}"
        );
        assert_eq!(a, b, "harms of replication {rep}");
        assert_eq!(oa.botnet, ob.botnet);
        assert_eq!(oa.events, ob.events);
        assert_eq!(oa.events.len(), 1);
        assert_eq!(oa.events[0].start, 40.0);
    }
}

/// Outbreaks from a source with a frequency: each replication runs every drawn outbreak, each
/// numbered, each reaching devices and ending after it starts; every outbreak harm carries the
/// number of an outbreak of the replication; a device's data leaks at most once per outbreak;
/// and the number of outbreaks over the replications matches the frequency.
#[test]
fn a_frequency_runs_several_numbered_outbreaks() {
    let (years, reps, lambda) = (2u32, 40u32, 1.5);
    let s = cameras(
        "several",
        years,
        reps,
        &format!(
            "[[event_source]]\nname = \"worms\"\nfrequency = {lambda}\n[event_source.botnet]\n{OUTBREAK}[event_source.botnet.ddos]\n{DDOS}"
        ),
    );
    let mut world = Replicator::new(Arc::clone(&s));
    let mut outbreaks = 0usize;
    let mut several = 0;
    for rep in 0..reps {
        let mut harms = Vec::new();
        let out = world.run(rep, &mut |h| harms.extend_from_slice(h));
        let ids: BTreeSet<u32> = out.events.iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=out.events.len() as u32).collect());
        for e in &out.events {
            assert_eq!(e.kind, EventKind::Botnet);
            assert!(e.devices > 0 && e.end > e.start, "{e:?}");
        }
        outbreaks += out.events.len();
        several += usize::from(out.events.len() > 1);
        let mut leaked = HashSet::new();
        for h in &harms {
            if matches!(h.fault, FaultKind::Ddos) {
                assert!(ids.contains(&h.event), "{h:?}");
            }
            if h.fault == FaultKind::DataTheft && h.event != 0 && h.device != NO_DEVICE {
                assert!(ids.contains(&h.event), "{h:?}");
                assert!(
                    leaked.insert((h.device, h.event)),
                    "device {} leaked twice in outbreak {}",
                    h.device,
                    h.event
                );
            }
        }
    }
    // Poisson: mean and variance λ per year.
    let n = f64::from(reps * years);
    let mean = outbreaks as f64 / n;
    let se = (lambda / n).sqrt();
    assert!((mean - lambda).abs() < 4.0 * se, "{mean} outbreaks a year");
    assert!(
        several > 10,
        "{several} replications with several outbreaks"
    );
}

/// Every kind of event at once (outbreaks, faulty updates, mass exploitation, outages): the
/// same results on one thread and on two.
#[test]
fn every_kind_of_event_gives_the_same_results_on_any_thread_count() {
    let s = cameras(
        "all",
        2,
        8,
        &format!(
            "[[event_source]]\nname = \"worms\"\nfrequency = 1\ndispersion = 2\n[event_source.botnet]\n{OUTBREAK}[event_source.botnet.ddos]\n{DDOS}\n[[event_source]]\nname = \"push\"\nfrequency = 1\n[event_source.faulty_update]\nrollout_days = 10\npulled_after_days = 4\ninstall_share = {{ low = 0.2, high = 0.8 }}\nharm_share = 0.1\nharm = {{ kind = \"data_loss\", severity = {{ median = 50, p99 = 500 }} }}\n\n[[event_source]]\nname = \"sdk\"\nfrequency = 1\n[event_source.mass_exploitation]\nclasses = [\"c\"]\npatch_days = 5\nspread_days = 2\n\n[[event_source]]\nname = \"cloud\"\nfrequency = 2\nseason = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]\n[event_source.outage]\nclasses = [\"c\"]\nduration_hours = {{ median = 6, sigma = 0.5 }}\nloss_per_device_hour = 0.2\nroot_cause = \"software_vendor\"\n"
        ),
    );
    let layout = Layout::new(&s);
    let go = |threads| {
        let config = RunConfig {
            threads,
            keep_elt: true,
        };
        experiment::run(&s, &config, &layout, &|| {}).unwrap_or_else(|e| panic!("{e}"))
    };
    let (one, two) = (go(1), go(2));
    let kinds: BTreeSet<_> = one
        .iter()
        .flat_map(|r| r.events.iter().map(|e| e.kind))
        .collect();
    assert_eq!(kinds.len(), 4, "every kind happened: {kinds:?}");
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.year_loss, b.year_loss);
        assert_eq!(a.year_max, b.year_max);
        assert_eq!(a.elt, b.elt);
        assert_eq!(a.events, b.events);
        assert_eq!(a.event_loss, b.event_loss);
        assert_eq!(a.tally, b.tally);
    }
    // The split of the ground-up AAL: the systemic part is the events' damages per simulated
    // year, and the two parts add up to the ground-up AAL.
    let summary = fleetsim::stats::summarise(&s, &one);
    let split = summary.systemic.as_ref().expect("a split");
    let years = f64::from(s.replications * s.horizon_years);
    let events: f64 = one
        .iter()
        .flat_map(|r| r.event_loss.iter().map(|(_, m)| m.to_f64()))
        .sum();
    assert!((split.systemic.0 - events / years).abs() < 1e-6 * events.max(1.0));
    let gu = summary.columns[layout.total(0, fleetsim::outcome::Perspective::GroundUp)].aal;
    assert!((split.systemic.0 + split.independent.0 - gu).abs() < 1e-6 * gu.max(1.0));
    assert!(split.systemic.0 > 0.0, "{split:?}");
    for &(t, share) in &split.tail_share {
        assert!((0.0..=1.0).contains(&share), "1-in-{t}: {share}");
    }
    // The harms of a reused world equal a fresh world's.
    let mut reused = Replicator::new(Arc::clone(&s));
    let _ = run(&mut reused, 0);
    let again = run(&mut reused, 3).0;
    let fresh = run(&mut Replicator::new(Arc::clone(&s)), 3).0;
    assert_eq!(again, fresh);
}

/// A seasonal profile: an event starts in a month with the month's share of the weights, and
/// uniformly within it.
#[test]
fn a_season_places_start_days_by_its_monthly_weights() {
    let s = scenario(&format!(
        "{}{}[[event_source]]\nname = \"winter\"\nfrequency = 4\nseason = [1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n[event_source.outage]\nclasses = [\"c\"]\nduration_hours = 1\nloss_per_device_hour = 1\nroot_cause = \"software_vendor\"\n",
        header("season", 3, 1, 8),
        class("c", 10)
    ));
    let month = 365.0 / 12.0;
    let (mut n, mut february) = (0.0, 0.0);
    for rep in 0..500 {
        for e in fleetsim::events::draw(&s, &fleetsim::rng::Streams::new(s.seed, rep)) {
            let within = e.start % 365.0;
            assert!(within < 2.0 * month, "an event on day {within} of its year");
            n += 1.0;
            february += f64::from(u8::from(within >= month));
        }
    }
    let share = february / n;
    let tolerance = common::share_tolerance(n, 0.75);
    assert!(
        (share - 0.75).abs() < tolerance,
        "{share} of {n} in February"
    );
}
