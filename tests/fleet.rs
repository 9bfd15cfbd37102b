//! Fleets in calendar time against what is known: Little's law for the devices in service, the
//! conditional Weibull life of a warm-started device, a stationary fleet's loss per 1,000
//! device-years across horizons, and calibration phases spread over the interval.

mod common;

use std::sync::Arc;

use common::{header, run, scenario, share_tolerance};
use fleetsim::experiment::{self, RunConfig};
use fleetsim::outcome::{Layout, Perspective, ReplicationResult};
use fleetsim::scenario::{FaultKind, Scenario};
use fleetsim::sim::Replicator;
use fleetsim::stats;

/// A class of `Maker`'s (with `Code` and `Fitter`) with the given fleet and mechanisms.
fn fleet_class(fleet: &str, mechanisms: &str) -> String {
    format!(
        r#"
[[device_class]]
name = "c"
lineage = {{ manufacturer = "Maker", software_vendor = "Code", installer = "Fitter" }}
component = [{{ name = "part", supplier = "Parts" }}]

[device_class.fleet]
{fleet}
{mechanisms}
"#
    )
}

/// A firmware bug rare enough to cost nothing: the tests of exposure need a mechanism only
/// because a class is run through its mechanisms.
const QUIET: &str = r#"
[device_class.firmware_bug]
rate_per_device_year = 0.0001
harm = { probability = 0.0, kind = "property_damage", severity = { median = 1, p99 = 2 } }
"#;

fn results(s: &Arc<Scenario>) -> Vec<ReplicationResult> {
    let layout = Layout::new(s);
    let config = RunConfig {
        threads: 2,
        keep_elt: false,
    };
    experiment::run(s, &config, &layout, &|| ()).unwrap_or_else(|e| panic!("{e}"))
}

/// ∫₀ᵀ S(u) du for a Weibull survival (numerically, midpoint rule on 100,000 points).
fn integral_of_survival(shape: f64, scale: f64, t: f64) -> f64 {
    let n = 100_000;
    let h = t / f64::from(n);
    (0..n)
        .map(|i| (-((f64::from(i) + 0.5) * h / scale).powf(shape)).exp() * h)
        .sum()
}

/// Little's law: with constant sales of s a year spread over each year, the devices in service
/// at time T number s·∫₀ᵀ S(u) du on average, which is s·E[life] once T is past the lives (the
/// integral's form keeps the test exact before the steady state too). Checked for an
/// exponential life (E = m) and a Weibull one (E = λΓ(1 + 1/k)), within 4 standard errors
/// across replications.
#[test]
fn devices_in_service_follow_littles_law() {
    let (s, years) = (2000.0, 30usize);
    // E[life]: m = 3 for the exponential; λΓ(1.5) = 4·√π/2 for the Weibull.
    let half_root_pi = std::f64::consts::PI.sqrt() / 2.0;
    for (life, shape, scale, mean_life) in [
        ("{ mean_years = 3 }", 1.0, 3.0, 3.0),
        (
            "{ shape = 2.0, scale_years = 4.0 }",
            2.0,
            4.0,
            4.0 * half_root_pi,
        ),
    ] {
        let fleet = format!(
            "sales = [{}]\nservice_life = {life}",
            vec!["2000"; years].join(", ")
        );
        let sc = scenario(&format!(
            "{}{}",
            header("little", years as u32, 40, 11),
            fleet_class(&fleet, QUIET)
        ));
        let res = results(&sc);
        let end: Vec<f64> = res
            .iter()
            .map(|r| r.exposure.in_service[years - 1] as f64)
            .collect();
        let (mean, _, se) = stats::mean_sd_se(&end);
        let want = s * integral_of_survival(shape, scale, years as f64);
        assert!(
            (want - s * mean_life).abs() < 1.0,
            "{life}: the horizon is past the lives"
        );
        eprintln!("{life}: {mean:.1} ± {se:.1} in service, s·∫S = {want:.1}");
        assert!(
            (mean - want).abs() < 4.0 * se,
            "{life}: {mean} in service vs s·E[life] = {want} ± {}",
            4.0 * se
        );
    }
}

/// A device of the installed base aged x on day 0 fails within the year with probability
/// 1 − S(x + 1)/S(x). Ages spread uniformly over [a, a + 1) (age last birthday), so the expected
/// share is that probability averaged over x; checked by count, within 4 binomial standard
/// errors, for a young and an old cohort.
#[test]
fn warm_started_devices_fail_by_their_conditional_weibull() {
    let (n, shape, scale) = (20_000u32, 2.0, 10.0);
    for age in [0i64, 6] {
        let fleet = format!("installed_base = [{{ age_years = {age}, count = {n} }}]");
        let wear = format!(
            "[[device_class.wear_out]]\ncomponent = \"part\"\nshape = {shape}\nscale_days = {}\non_failure = \"retire\"\nharm = {{ probability = 1.0, kind = \"property_damage\", severity = {{ median = 1, p99 = 2 }} }}\n",
            scale * 365.0
        );
        let sc = scenario(&format!(
            "{}{}",
            header("warm", 1, 1, 5),
            fleet_class(&fleet, &wear)
        ));
        let mut world = Replicator::new(Arc::clone(&sc));
        let (_, tally) = run(&mut world, 0);
        let slot = tally.slot(FaultKind::WearOut, Some(1));
        let failed = tally.over(slot, 0..1, false) as f64 / f64::from(n);
        let s = |x: f64| (-(x / scale).powf(shape)).exp();
        let m = 10_000;
        let p = (0..m)
            .map(|i| {
                let x = age as f64 + (f64::from(i) + 0.5) / f64::from(m);
                1.0 - s(x + 1.0) / s(x)
            })
            .sum::<f64>()
            / f64::from(m);
        eprintln!("age {age}: {failed:.5} failed in the year, expected {p:.5}");
        assert!(
            (failed - p).abs() < share_tolerance(f64::from(n), p),
            "age {age}: {failed} failed in the year vs {p}"
        );
    }
}

/// A stationary fleet: sales s a year, an exponential life of mean m, and an installed base at
/// the stationary age distribution (s·m·(e^{−a/m} − e^{−(a+1)/m}) devices aged a). Its loss per
/// 1,000 device-years is the same over 1, 3 and 10 years, within 4 standard errors of the
/// difference. Firmware bugs, drift between calibrations (phases from each device's placing)
/// and installation errors (showing after each device's install) all contribute, so a fleet
/// whose clocks ran from day 0, or whose pre-horizon events leaked in, would drift with the
/// horizon.
#[test]
fn a_stationary_fleet_loses_the_same_per_device_year_at_every_horizon() {
    let (s, m) = (1000.0, 4.0);
    let base: Vec<String> = (0..40)
        .map(|a| {
            let a = f64::from(a);
            let n = s * m * ((-a / m).exp() - (-(a + 1.0) / m).exp());
            format!("{{ age_years = {a}, count = {} }}", n.round())
        })
        .collect();
    let mechanisms = r#"
[device_class.firmware_bug]
rate_per_device_year = 0.05
harm = { probability = 1.0, kind = "property_damage", severity = { median = 1000, p99 = 5000 } }

[device_class.sensor_drift]
model = "random_walk"
sd_per_day = 0.25
tolerance = 5.0
calibration_interval_days = 365
harm = { probability = 1.0, kind = "property_damage", severity = { median = 1000, p99 = 5000 } }

[device_class.installation_error]
probability = 0.2
mean_days_to_manifest = 90
harm = { probability = 1.0, kind = "property_damage", severity = { median = 1000, p99 = 5000 } }
"#;
    let mut rates = Vec::new();
    for (years, reps) in [(1u32, 400u32), (3, 150), (10, 50)] {
        let fleet = format!(
            "installed_base = [{}]\nsales = [{}]\nservice_life = {{ mean_years = {m} }}",
            base.join(", "),
            vec!["1000"; years as usize].join(", ")
        );
        let sc = scenario(&format!(
            "{}{}",
            header("stationary", years, reps, 21),
            fleet_class(&fleet, mechanisms)
        ));
        let res = results(&sc);
        let summary = stats::summarise(&sc, &res);
        let col = summary.layout.total(0, Perspective::GroundUp);
        let pooled = summary
            .by_year
            .iter()
            .find(|r| r.year.is_none() && r.series == col)
            .unwrap_or_else(|| panic!("no pooled row"));
        eprintln!(
            "{years} years: {:.1} ± {:.1} per 1,000 device-years",
            pooled.loss_rate, pooled.loss_rate_se
        );
        rates.push((years, pooled.loss_rate, pooled.loss_rate_se));
    }
    for w in rates.windows(2) {
        let ((ya, a, sa), (yb, b, sb)) = (w[0], w[1]);
        let tolerance = 4.0 * (sa * sa + sb * sb).sqrt();
        assert!(
            (a - b).abs() < tolerance,
            "{ya} years: {a} per 1,000 device-years, {yb} years: {b} (± {tolerance})"
        );
    }
}

/// The χ² statistic of `counts` against a uniform spread.
fn chi_square(counts: &[f64]) -> f64 {
    let expected = counts.iter().sum::<f64>() / counts.len() as f64;
    counts
        .iter()
        .map(|c| (c - expected).powi(2) / expected)
        .sum()
}

/// Calibrations run from each device's placing, so a fleet placed over the years has its
/// drift excursions spread over the calendar. An installed base with no sales keeps its size
/// within each year (sales would add devices through the year, a real ramp that is not a
/// sawtooth), so binned by day of the year (20 bins) its excursions'
/// pass a χ² test against uniform at the 0.1 % level (χ²₁₉ < 43.82). The same devices all
/// placed on day 0 (a class without a fleet) are calibrated together and fail it: the test can
/// tell a fleet-wide sawtooth.
#[test]
fn calibration_phases_spread_over_the_interval() {
    let drift = r#"
[device_class.sensor_drift]
model = "random_walk"
sd_per_day = 0.3
tolerance = 5.0
calibration_interval_days = 365
harm = { probability = 1.0, kind = "property_damage", severity = { median = 1, p99 = 2 } }
"#;
    let spread = fleet_class(
        "installed_base = [{ age_years = 0, count = 4000 }, { age_years = 1, count = 4000 }, { age_years = 2, count = 4000 }, { age_years = 3, count = 4000 }]",
        drift,
    );
    let together = format!(
        "\n[[device_class]]\nname = \"c\"\ncount = 16000\nlineage = {{ manufacturer = \"Maker\", software_vendor = \"Code\", installer = \"Fitter\" }}\ncomponent = [{{ name = \"part\", supplier = \"Parts\" }}]\n{drift}"
    );
    let statistic = |class: &str| {
        let sc = scenario(&format!("{}{class}", header("phases", 2, 1, 3)));
        let mut world = Replicator::new(Arc::clone(&sc));
        let (harms, _) = run(&mut world, 0);
        let mut bins = vec![0.0; 20];
        for h in &harms {
            let within = h.day.rem_euclid(365.0) / 365.0;
            bins[((within * 20.0) as usize).min(19)] += 1.0;
        }
        (harms.len(), chi_square(&bins))
    };
    let (n, spread) = statistic(&spread);
    assert!(n > 2000, "{n} excursions: too few to test");
    assert!(spread < 43.82, "χ² = {spread} over {n} excursions");
    let (_, together) = statistic(&together);
    eprintln!("χ²: spread {spread:.1} over {n} excursions, calibrated together {together:.1}");
    assert!(
        together > 43.82,
        "a fleet calibrated together: χ² = {together}"
    );
}

/// A recall reaches the devices on the market on its trigger day: in a fleet, those placed by
/// then and not yet decommissioned. With full reach and one harm as the trigger, its device
/// count is exactly the windows' count on that day, which grows with the sales before it.
#[test]
fn a_recall_reaches_the_devices_in_service_on_its_day() {
    let fleet = "installed_base = [{ age_years = 2, count = 1000 }]\nsales = [2000, 2000]\nservice_life = { mean_years = 3 }";
    let bug = r#"
[device_class.firmware_bug]
rate_per_device_year = 0.002
harm = { probability = 1.0, kind = "property_damage", severity = { median = 10, p99 = 20 } }

[[recall]]
class = "c"
fault = "firmware_bug"
threshold = 1
window_days = 365
cost_per_device = 1
reach = 1.0
mean_days_to_fix = 10
"#;
    let sc = scenario(&format!(
        "{}{}",
        header("recalled", 2, 8, 17),
        fleet_class(fleet, bug)
    ));
    let res = results(&sc);
    let class = &sc.classes[0];
    let mut checked = 0;
    for r in &res {
        let Some(recall) = r.recalls.first() else {
            continue;
        };
        let streams = fleetsim::rng::Streams::new(sc.seed, r.replication);
        let want = (0..class.count)
            .map(|d| fleetsim::fleet::window(class, &streams, d, d))
            .filter(|w| w.placed <= recall.day && recall.day < w.until)
            .count() as u64;
        assert_eq!(recall.devices, want, "replication {}", r.replication);
        assert!(
            want < u64::from(class.count),
            "some devices are not on the market"
        );
        checked += 1;
    }
    assert!(checked > 0, "no replication had a recall");
}
