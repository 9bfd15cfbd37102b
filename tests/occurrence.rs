//! Occurrences as insurance defines them: the occurrence clause of `[[insurance]]` (per
//! claim, per systemic event within an hours window, per series of one defect in a policy
//! year) against hand-computed recoveries and against the limited expected value of an event's
//! compound loss; OEP on occurrences (a systemic event's claims in a year are one) below AEP on
//! the smart cameras' outbreak, and equal to the largest-claim OEP when there are no events;
//! the event loss table's `event` column; and bad clauses refused where they are written.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use common::{class, header, scenario};
use fleetsim::experiment::{self, RunConfig};
use fleetsim::liability::{self, Books};
use fleetsim::money::Money;
use fleetsim::outcome::{Facts, HarmRecord, Layout, Perspective};
use fleetsim::scenario::{FaultKind, HarmKind, Occurrence, PartyId, RegimeKind, Role, Scenario};
use fleetsim::sim::Replicator;
use fleetsim::stats;
use rand::SeedableRng;
use rand_distr::{Distribution, LogNormal, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

const MAKER: PartyId = 0;
/// The insurer, after the common header's four parties.
const INS: PartyId = 4;

/// The maker insured by INS with `deductible` and one layer of `limit` (unlimited aggregate)
/// under `clause` (TOML lines), under strict liability: the claims here are defects with no
/// identified cause, so the maker answers for each in full.
fn insured(clause: &str, deductible: f64, limit: f64, years: u32) -> Scenario {
    let mut text = header("occurrence", years, 1, 7);
    text.push_str("\n[[party]]\nname = \"InsA\"\nrole = \"insurer\"\n");
    text.push_str(&class("Cam", 10));
    text.push_str(&format!(
        r#"
[[insurance]]
insured = "Maker"
kind = "product_liability"
deductible = {deductible}
{clause}
layer = [{{ insurer = "InsA", limit = {limit} }}]
"#
    ));
    let mut s = (*scenario(&text)).clone();
    assert_eq!(s.parties[usize::from(INS)].roles, [Role::Insurer]);
    s.terms.liability.regimes = vec![RegimeKind::Strict.into()];
    s
}

/// A harmful incident of class Cam with no identified cause; `key` must be unique.
fn harm(key: u64, day: f64, event: u32, fault: FaultKind, loss: f64) -> HarmRecord {
    HarmRecord {
        day,
        device: (key % 10) as u32,
        placed: 0.0,
        class: 0,
        fault,
        harm: HarmKind::Injury,
        cause_role: Role::Manufacturer,
        cause_party: None,
        loss,
        vulnerability: None,
        key,
        facts: Facts::default(),
        event,
    }
}

fn settle(s: &Scenario, harms: &[HarmRecord]) -> (Layout, Books) {
    let layout = Layout::new(s);
    let mut harms = harms.to_vec();
    let books =
        liability::settle(s, &layout, 0, &mut harms, &[], true).unwrap_or_else(|b| panic!("{b:?}"));
    (layout, books)
}

/// Each claim's amount (by incident key) in one party's perspective; 0 where the table has no
/// row (zero amounts are not written).
fn by_claim(books: &Books, party: PartyId, p: Perspective, keys: &[u64]) -> Vec<f64> {
    let amounts: HashMap<u64, f64> = books
        .elt
        .iter()
        .filter(|e| e.party == Some(party) && e.perspective == p)
        .map(|e| (e.incident.key, e.amount.to_f64()))
        .collect();
    keys.iter()
        .map(|k| amounts.get(k).copied().unwrap_or(0.0))
        .collect()
}

/// A layer's part of an occurrence's ground-up loss `x`: min(max(x − attachment, 0), limit).
fn part(x: f64, attachment: f64, limit: f64) -> f64 {
    (x - attachment).max(0.0).min(limit)
}

const D: f64 = 100.0;
const L: f64 = 1000.0;

/// Three claims of event 1 within 168 hours (7 days) of the first, on day 10, and a fourth
/// 7.5 days after it, which opens a new occurrence.
fn outbreak() -> Vec<HarmRecord> {
    vec![
        harm(1, 10.0, 1, FaultKind::FirmwareBug, 300.0),
        harm(2, 12.0, 1, FaultKind::FirmwareBug, 500.0),
        harm(3, 16.5, 1, FaultKind::FirmwareBug, 400.0),
        harm(4, 17.5, 1, FaultKind::FirmwareBug, 600.0),
    ]
}

#[test]
fn an_event_clause_applies_the_deductible_once_per_occurrence() {
    let keys = [1, 2, 3, 4];
    let s = insured("occurrence = \"event\"\nhours = 168", D, L, 2);
    assert_eq!(
        s.terms.policies[0].occurrence,
        Occurrence::Event { hours: 168.0 }
    );
    let (_, b) = settle(&s, &outbreak());
    // Occurrence 1: 300, 800, 1,200 presented so far; each claim adds its layer's part.
    // Occurrence 2 (day 17.5 > 10 + 7): 600 alone.
    let expected = [
        part(300.0, D, L),                      // 200
        part(800.0, D, L) - part(300.0, D, L),  // 700 − 200 = 500
        part(1200.0, D, L) - part(800.0, D, L), // 1,000 − 700 = 300
        part(600.0, D, L),                      // 500
    ];
    assert_eq!(expected, [200.0, 500.0, 300.0, 500.0]);
    assert_eq!(by_claim(&b, INS, Perspective::Insurer, &keys), expected);
    // The maker keeps one deductible per occurrence (100 + 100), and 100 above the limit of
    // the first occurrence (1,200 − 100 − 1,000).
    assert_eq!(
        by_claim(&b, MAKER, Perspective::Retained, &keys),
        [100.0, 0.0, 100.0, 100.0]
    );

    // Per claim, every claim carries its own deductible.
    let s = insured("occurrence = \"claim\"", D, L, 2);
    let (_, b) = settle(&s, &outbreak());
    let expected = [300.0, 500.0, 400.0, 600.0].map(|x| part(x, D, L));
    assert_eq!(expected, [200.0, 400.0, 300.0, 500.0]);
    assert_eq!(by_claim(&b, INS, Perspective::Insurer, &keys), expected);
    assert_eq!(by_claim(&b, MAKER, Perspective::Retained, &keys), [D; 4]);
}

#[test]
fn a_series_clause_groups_a_defect_in_a_policy_year() {
    let s = insured("occurrence = \"series\"", D, L, 2);
    assert_eq!(s.terms.policies[0].occurrence, Occurrence::Series);
    let mut harms = outbreak();
    // Independent wear-out claims of one class and cause in year 0 (one series), a firmware
    // claim (another series), and the wear-out defect again in year 1 (a new policy year).
    harms.extend([
        harm(11, 20.0, 0, FaultKind::WearOut, 300.0),
        harm(12, 100.0, 0, FaultKind::WearOut, 500.0),
        harm(13, 50.0, 0, FaultKind::SensorDrift, 600.0),
        harm(14, 300.0, 0, FaultKind::WearOut, 400.0),
        harm(15, 400.0, 0, FaultKind::WearOut, 300.0),
    ]);
    let (_, b) = settle(&s, &harms);
    // The event is one series whatever the hours: 300, 800, 1,200, 1,800 presented.
    assert_eq!(
        by_claim(&b, INS, Perspective::Insurer, &[1, 2, 3, 4]),
        [
            part(300.0, D, L),
            part(800.0, D, L) - part(300.0, D, L),
            part(1200.0, D, L) - part(800.0, D, L),
            part(1800.0, D, L) - part(1200.0, D, L), // 1,000 − 1,000 = 0: the limit is spent
        ]
    );
    assert_eq!(
        by_claim(&b, INS, Perspective::Insurer, &[11, 12, 14, 13, 15]),
        [
            part(300.0, D, L),                      // 200
            part(800.0, D, L) - part(300.0, D, L),  // 500
            part(1200.0, D, L) - part(800.0, D, L), // 300
            part(600.0, D, L),                      // drift: its own series, 500
            part(300.0, D, L),                      // year 1: a new series, 200
        ]
    );

    // Under an event clause, the same independent claims are each their own occurrence.
    let s = insured("occurrence = \"event\"\nhours = 168", D, L, 2);
    let (_, b) = settle(&s, &harms);
    assert_eq!(
        by_claim(&b, INS, Perspective::Insurer, &[11, 12, 14, 13, 15]),
        [300.0, 500.0, 400.0, 600.0, 300.0].map(|x| part(x, D, L))
    );
}

#[test]
fn the_oep_takes_an_event_as_one_occurrence_and_the_elt_numbers_occurrences() {
    let s = insured("occurrence = \"claim\"", D, L, 2);
    let mut harms = outbreak();
    harms.extend([
        harm(11, 5.0, 0, FaultKind::WearOut, 700.0),
        harm(12, 100.0, 0, FaultKind::WearOut, 900.0),
        harm(13, 400.0, 3, FaultKind::FirmwareBug, 250.0),
        harm(14, 410.0, 0, FaultKind::WearOut, 200.0),
    ]);
    let (layout, b) = settle(&s, &harms);
    let at = |year: usize, col: usize| b.year_max[year * layout.len() + col].to_f64();
    let ground_up = layout.total(0, Perspective::GroundUp);
    // Year 0: event 1 (300 + 500 + 400 + 600 = 1,800) against independent 700 and 900.
    assert_eq!(at(0, ground_up), 1800.0);
    // Year 1: event 3 (250) against the independent 200.
    assert_eq!(at(1, ground_up), 250.0);
    // The insurer's occurrences: event 1 pays 200 + 400 + 300 + 500 = 1,400 per claim.
    let insurer = layout.party(0, INS, Perspective::Insurer);
    assert_eq!(at(0, insurer), 1400.0);
    assert_eq!(
        b.event_loss,
        [
            (1, Money::from_units(1800.0)),
            (3, Money::from_units(250.0))
        ]
    );
    // Every occurrence has its number: events keep theirs, independent claims follow the
    // largest event number (3) in settlement order: 4 (day 5), 5 (day 100), 6 (day 410).
    let numbers: BTreeMap<u64, u32> = b.elt.iter().map(|e| (e.incident.key, e.event)).collect();
    let expected = [
        (1, 1),
        (2, 1),
        (3, 1),
        (4, 1),
        (11, 4),
        (12, 5),
        (13, 3),
        (14, 6),
    ];
    assert_eq!(numbers, BTreeMap::from(expected));
}

/// SplitMix64: the reference's own generator, unrelated to the xoshiro draws of the simulated
/// replications and to the engine's keyed streams.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform on (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    /// Standard normal by Box–Muller.
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    /// Poisson by multiplying uniforms (Knuth), fine for a small mean.
    fn poisson(&mut self, mean: f64) -> u32 {
        let (limit, mut p, mut n) = ((-mean).exp(), 1.0, 0);
        loop {
            p *= self.uniform();
            if p <= limit {
                return n;
            }
            n += 1;
        }
    }
}

fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn an_events_recovery_is_the_limited_value_of_its_compound_loss() {
    // One systemic event a year with a Poisson(λ) number of claims, lognormal each, all within
    // its 168-hour window; deductible D and one layer L xs D.
    let (lambda, mu, sigma, d, l) = (5.0, 6.5, 1.0, 2000.0, 5000.0);
    let event = insured("occurrence = \"event\"\nhours = 168", d, l, 1);
    let claim = insured("occurrence = \"claim\"", d, l, 1);
    let layout = Layout::new(&event);
    let col = layout.party(0, INS, Perspective::Insurer);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2027);
    let count = Poisson::new(lambda).unwrap_or_else(|e| panic!("{e}"));
    let size = LogNormal::new(mu, sigma).unwrap_or_else(|e| panic!("{e}"));
    let replications = 20_000;
    let (mut per_event, mut per_claim) = (Vec::new(), Vec::new());
    for rep in 0..replications {
        let n = count.sample(&mut rng) as u64;
        let harms: Vec<HarmRecord> = (0..n)
            .map(|i| {
                let day = 10.0 + 6.0 * i as f64 / n as f64;
                harm(i + 1, day, 1, FaultKind::FirmwareBug, size.sample(&mut rng))
            })
            .collect();
        for (s, out) in [(&event, &mut per_event), (&claim, &mut per_claim)] {
            let mut harms = harms.clone();
            let b = liability::settle(s, &layout, rep, &mut harms, &[], false)
                .unwrap_or_else(|b| panic!("{b:?}"));
            out.push(b.year_loss[col].to_f64());
        }
    }
    // The reference: E[min(max(S − D, 0), L)] for the event's sum S, and λ·E[min(max(X − D,
    // 0), L)] per claim, by an independent Monte Carlo of 2,000,000 events.
    let mut g = SplitMix(0x5eed);
    let (mut ref_event, mut ref_claim) = (Vec::new(), Vec::new());
    for _ in 0..2_000_000 {
        let n = g.poisson(lambda);
        let xs: Vec<f64> = (0..n).map(|_| (mu + sigma * g.normal()).exp()).collect();
        ref_event.push(part(xs.iter().sum(), d, l));
        ref_claim.push(xs.iter().map(|&x| part(x, d, l)).sum());
    }
    for (name, sim, reference) in [
        ("per event", &per_event, &ref_event),
        ("per claim", &per_claim, &ref_claim),
    ] {
        let ((m, se), (r, rse)) = (mean_se(sim), mean_se(reference));
        let tolerance = 4.0 * (se * se + rse * rse).sqrt();
        println!("{name}: insurer AAL {m:.2} (SE {se:.2}) vs {r:.2} (SE {rse:.2})");
        assert!(
            (m - r).abs() <= tolerance,
            "{name}: {m} vs {r} ± {tolerance}"
        );
    }
    // The clauses differ: here many claims each under the deductible add up past it in one
    // occurrence, so the event clause pays more than the per-claim one.
    let (e, c) = (mean_se(&per_event), mean_se(&per_claim));
    assert!(e.0 - 4.0 * e.1 > c.0 + 4.0 * c.1, "{e:?} vs {c:?}");
}

fn smart_cameras(replications: u32) -> Arc<Scenario> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/smart_cameras.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut s = (*scenario(&text)).clone();
    s.replications = replications;
    Arc::new(s)
}

#[test]
fn oep_stays_below_aep_on_the_outbreak_at_every_return_period() {
    let s = smart_cameras(16);
    let layout = Layout::new(&s);
    let config = RunConfig {
        threads: 4,
        keep_elt: false,
    };
    let results = experiment::run(&s, &config, &layout, &|| ()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        results.iter().any(|r| !r.event_loss.is_empty()),
        "no outbreak"
    );
    let summary = stats::summarise(&s, &results);
    for (series, m) in layout.series.iter().zip(&summary.columns) {
        for (curves, name) in [
            ((&m.oep, &m.aep), "EP"),
            ((&m.oep_tvar, &m.aep_tvar), "TVaR"),
        ] {
            for (&(t, o), &(_, a)) in curves.0.iter().zip(curves.1) {
                let (o, a) = (o.unwrap_or(0.0), a.unwrap_or(0.0));
                assert!(o <= a, "{series:?}: OEP {name} {o} > AEP {a} at {t}");
            }
        }
    }
    // Rank by rank, too: every year's largest occurrence is part of its total.
    for r in &results {
        for (m, y) in r.year_max.iter().zip(&r.year_loss) {
            assert!(m <= y);
        }
    }
}

/// Per (year, series): the largest sum of the event table's rows of one occurrence number.
fn largest_from_elt(s: &Scenario, layout: &Layout, books: &Books, per_claim: bool) -> Vec<Money> {
    let regimes = &s.terms.liability.regimes;
    let mut sums: HashMap<(usize, u32), Money> = HashMap::new();
    for (i, e) in books.elt.iter().enumerate() {
        let r = regimes.iter().position(|&g| g == e.regime).unwrap_or(0);
        let col = match e.party {
            None => layout.total(r, e.perspective),
            Some(p) => layout.party(r, p, e.perspective),
        };
        let key = if per_claim { i as u32 } else { e.event };
        *sums
            .entry((e.year as usize * layout.len() + col, key))
            .or_default() += e.amount;
    }
    let mut max = vec![Money::ZERO; books.year_max.len()];
    for ((cell, _), sum) in sums {
        max[cell] = max[cell].max(sum);
    }
    max
}

#[test]
fn without_events_the_oep_is_the_largest_claims() {
    let s = smart_cameras(6);
    let layout = Layout::new(&s);
    let mut world = Replicator::new(Arc::clone(&s));
    let mut systemic = 0;
    for rep in 0..s.replications {
        let (harms, _) = common::run(&mut world, rep);
        systemic += harms.iter().filter(|h| h.event > 0).count();
        let mut with = harms.clone();
        let books = liability::settle(&s, &layout, rep, &mut with, &[], true)
            .unwrap_or_else(|b| panic!("{b:?}"));
        // With events: each year's largest is its largest occurrence in the event table.
        assert_eq!(books.year_max, largest_from_elt(&s, &layout, &books, false));
        // Without: the same claims, and the largest is the largest single claim, as before.
        let mut without: Vec<HarmRecord> = harms
            .iter()
            .map(|h| HarmRecord { event: 0, ..*h })
            .collect();
        let plain = liability::settle(&s, &layout, rep, &mut without, &[], true)
            .unwrap_or_else(|b| panic!("{b:?}"));
        assert_eq!(plain.year_loss, books.year_loss);
        assert!(plain.event_loss.is_empty());
        assert_eq!(plain.year_max, largest_from_elt(&s, &layout, &books, true));
        assert!(
            plain
                .year_max
                .iter()
                .zip(&books.year_max)
                .all(|(p, e)| p <= e)
        );
    }
    assert!(systemic > 0, "the outbreak made no harm");
}

#[test]
fn bad_occurrence_clauses_are_refused_with_nothing_written() {
    let fixture = "tests/fixtures/invalid/insurance_occurrence.toml";
    let tmp = std::env::temp_dir().join(format!("fleetsim-occurrence-{}", std::process::id()));
    let out = tmp.join("out");
    let run = Command::cargo_bin("fleetsim")
        .unwrap_or_else(|e| panic!("{e}"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--replications", "2", "--threads", "1", "--out"])
        .arg(&out)
        .arg(fixture)
        .assert()
        .failure();
    let text = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    for located in [
        ":31:9: insurance[0].hours: found 0, expected a positive number of hours",
        ":37:9: insurance[1].hours: found hours = 168 with occurrence = \"claim\"",
        ":42:14: insurance[2].occurrence: found \"evnt\"",
        "did you mean \"event\"?",
        ":47:14: insurance[3].occurrence: found occurrence = \"event\" without hours",
    ] {
        assert!(text.contains(located), "{located} not in:\n{text}");
    }
    assert!(!out.exists(), "nothing written");
    let _ = std::fs::remove_dir_all(&tmp);
}
