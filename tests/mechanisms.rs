//! Each fault mechanism against a known result (domain.md §7), with tolerances of four
//! standard errors derived from the sampling distribution, and the engine against the
//! hand-written reference loop.

mod common;

use std::sync::Arc;

use common::{class, header, run, scenario, share_tolerance};
use fleetsim::experiment::{self, RunConfig};
use fleetsim::outcome::{Layout, Perspective};
use fleetsim::scenario::FaultKind;
use fleetsim::scenario::mechanisms::drift::exit_time_cdf;
use fleetsim::sim::Replicator;
use fleetsim::sim::mechanisms::drift::exit_time_quantile;
use fleetsim::{reference, stats};

#[test]
fn weibull_share_failed_matches_the_cdf() {
    // One-shot failures (retire): the share of devices failed by t is F(t) = 1 − exp(−(t/λ)^k).
    let n = 40_000;
    let (k, lambda) = (1.5, 3650.0);
    let s = scenario(&format!(
        "{}{}[[device_class.wear_out]]\ncomponent = \"part\"\nshape = {k}\nscale_days = {lambda}\non_failure = \"retire\"\nharm = {{ probability = 1.0, kind = \"injury\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("weibull", 10, 1, 11),
        class("c", n)
    ));
    let (harms, tally) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    assert_eq!(
        harms.len() as u64,
        tally.incidents.iter().map(|&n| u64::from(n)).sum::<u64>()
    );
    for t in [365.0, 1000.0, 2000.0, 3650.0] {
        let failed = harms.iter().filter(|h| h.day < t).count() as f64 / f64::from(n);
        let expected = 1.0 - (-(t / lambda).powf(k)).exp();
        let tol = share_tolerance(f64::from(n), expected);
        eprintln!("weibull: failed by day {t}: {failed:.5}, F(t) = {expected:.5} ± {tol:.5}");
        assert!(
            (failed - expected).abs() < tol,
            "t={t}: {failed} vs {expected} ± {tol}"
        );
    }
    // Each device fails at most once.
    let mut devices: Vec<u32> = harms.iter().map(|h| h.device).collect();
    devices.sort_unstable();
    devices.dedup();
    assert_eq!(devices.len(), harms.len());
}

/// The renewal function M(t) = F(t) + ∫₀ᵗ M(t − s) f(s) ds of a Weibull, on a grid of `h` days.
fn renewal_function(k: f64, lambda: f64, t: f64, h: f64) -> f64 {
    let n = (t / h).round() as usize;
    let cdf = |x: f64| 1.0 - (-(x / lambda).powf(k)).exp();
    // dF over each grid cell, so the convolution is a Stieltjes sum.
    let df: Vec<f64> = (0..n)
        .map(|i| cdf((i + 1) as f64 * h) - cdf(i as f64 * h))
        .collect();
    // Trapezoid rule in M; the one term holding the unknown M(t_j) is moved to the left.
    let mut m = vec![0.0f64; n + 1];
    for j in 1..=n {
        let known: f64 = (2..=j)
            .map(|i| df[i - 1] * 0.5 * (m[j - i] + m[j - i + 1]))
            .sum();
        m[j] = (cdf(j as f64 * h) + known + 0.5 * df[0] * m[j - 1]) / (1.0 - 0.5 * df[0]);
    }
    m[n]
}

#[test]
fn benchmark_fleet_expected_incidents() {
    // The issue's benchmark model: Weibull(1.5, 3650 d) replaced on failure plus a firmware bug
    // at 1e-4 per device-day. Year one: 1 − exp(−0.1^1.5) + 0.0365 = 0.067628, plus the
    // renewal term (a replaced part failing again within the year), from the renewal equation.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bench_faults.toml");
    let mut s = fleetsim::scenario::load(&path)
        .map(|l| l.scenario)
        .unwrap_or_else(|e| panic!("{e}"));
    s.classes[0].count = 400_000;
    for years in [1u32, 10] {
        s.horizon_years = years;
        let sc = Arc::new(s.clone());
        let (harms, _) = run(&mut Replicator::new(Arc::clone(&sc)), 3);
        let t = f64::from(years) * 365.0;
        let expected = renewal_function(1.5, 3650.0, t, 0.25) + 1e-4 * t;
        if years == 1 {
            let first = 1.0 - (-(0.1f64).powf(1.5)).exp() + 0.0365;
            assert!((first - 0.067628).abs() < 1e-6, "{first}");
            assert!(
                expected > first && expected - first < 5e-4,
                "renewal term {}",
                expected - first
            );
        }
        let n = f64::from(sc.classes[0].count);
        let per_device = harms.len() as f64 / n;
        // Counts per device are close to Poisson, so their variance is close to their mean.
        let tol = 4.0 * (expected / n).sqrt();
        eprintln!(
            "benchmark fleet, {years} y: {per_device:.6} incidents per device, expected {expected:.6} ± {tol:.6}"
        );
        assert!(
            (per_device - expected).abs() < tol,
            "{years}y: {per_device} vs {expected} ± {tol}"
        );
    }
}

#[test]
fn poisson_firings_have_equal_mean_and_variance() {
    let n = 200_000u32;
    let (rate, years) = (0.5, 4u32);
    let s = scenario(&format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = {rate}\nharm = {{ probability = 1.0, kind = \"downtime\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("poisson", years, 1, 6),
        class("c", n)
    ));
    let (harms, _) = run(&mut Replicator::new(s), 0);
    let mut counts = vec![0.0f64; n as usize];
    for h in &harms {
        counts[h.device as usize] += 1.0;
    }
    let lambda = rate * f64::from(years);
    let (mean, sd, _) = stats::mean_sd_se(&counts);
    let nf = f64::from(n);
    assert!(
        (mean - lambda).abs() < 4.0 * (lambda / nf).sqrt(),
        "mean {mean} vs {lambda}"
    );
    // Var(s²) ≈ (μ₄ − σ⁴)/n with μ₄ = λ(1 + 3λ) for a Poisson.
    let var_tol = 4.0 * ((lambda + 2.0 * lambda * lambda) / nf).sqrt();
    eprintln!(
        "poisson: mean {mean:.4}, variance {:.4}, λ = {lambda}",
        sd * sd
    );
    assert!(
        (sd * sd - lambda).abs() < var_tol,
        "variance {} vs {lambda}",
        sd * sd
    );
}

#[test]
fn firmware_fix_ends_firings_as_adoption_predicts() {
    // Firings per device = rate · E[min(R + D, H)], D ~ Exp(κ), κ = −ln(1 − a):
    // E[min(R + D, H)] = R + (1 − e^{−κ(H − R)})/κ.
    let n = 30_000u32;
    let (rate_year, release, adoption) = (2.0, 100.0, 0.02);
    let s = scenario(&format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = {rate_year}\nfix = {{ release_after_days = {release}, adoption_per_day = {adoption} }}\nharm = {{ probability = 1.0, kind = \"downtime\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("fix", 2, 1, 9),
        class("c", n)
    ));
    let (harms, _) = run(&mut Replicator::new(s), 0);
    let h = 730.0;
    let kappa = -(1.0f64 - adoption).ln();
    let exposure = release + (1.0 - (-kappa * (h - release)).exp()) / kappa;
    let expected = rate_year / 365.0 * exposure;
    let per_device = harms.len() as f64 / f64::from(n);
    eprintln!("firmware fix: {per_device:.5} firings per device, expected {expected:.5}");
    // A mixed Poisson: Var = E[N] + rate²·Var(exposure) ≤ E[N] + rate²/κ².
    let var = expected + (rate_year / 365.0 / kappa).powi(2);
    let tol = 4.0 * (var / f64::from(n)).sqrt();
    assert!(
        (per_device - expected).abs() < tol,
        "{per_device} vs {expected} ± {tol}"
    );
}

#[test]
fn exit_time_cdf_matches_a_simulated_brownian_motion() {
    // Independent reference: Euler paths of standard Brownian motion with the Broadie–
    // Glasserman–Kou continuity correction (barrier lowered by 0.5826·√dt), which makes a
    // discretely monitored exit match the continuous one to O(dt).
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = rand_xoshiro::SplitMix64::seed_from_u64(42);
    let (paths, dt, t_end): (u32, f64, f64) = (20_000, 1e-3, 1.0);
    let barrier = 1.0 - 0.5826 * dt.sqrt();
    let steps = (t_end / dt) as usize;
    let mut exited_by_half = 0;
    let mut exited = 0;
    for _ in 0..paths {
        let mut w = 0.0f64;
        for i in 1..=steps {
            let z: f64 = StandardNormal.sample(&mut rng);
            w += z * dt.sqrt();
            if w.abs() >= barrier {
                exited += 1;
                if (i as f64) * dt <= 0.5 {
                    exited_by_half += 1;
                }
                break;
            }
        }
    }
    for (count, t) in [(exited_by_half, 0.5), (exited, t_end)] {
        let p = f64::from(count) / f64::from(paths);
        let expected = exit_time_cdf(t);
        eprintln!("Brownian exit by {t}: simulated {p:.4}, series {expected:.4}");
        // Four binomial SEs plus 0.005 for the O(dt) remainder of the discretisation.
        let tol = share_tolerance(f64::from(paths), expected) + 0.005;
        assert!(
            (p - expected).abs() < tol,
            "t={t}: {p} vs {expected} ± {tol}"
        );
    }
    // The quantile function inverts the CDF.
    for q in [0.01, 0.1, 0.5, 0.9, 0.999, 0.999999] {
        let t = exit_time_quantile(q);
        assert!(
            (exit_time_cdf(t) - q).abs() < 1e-6,
            "q={q}: F({t}) = {}",
            exit_time_cdf(t)
        );
    }
}

#[test]
fn random_walk_drift_first_crossing_matches_its_distribution() {
    // Bias σW(t) leaves (−τ, τ) at (τ/σ)²·T₁: with σ = 0.5 and τ = 5, at 100·T₁ days.
    let n = 40_000u32;
    let s = scenario(&format!(
        "{}{}[device_class.sensor_drift]\nmodel = \"random_walk\"\nsd_per_day = 0.5\ntolerance = 5.0\ncalibration_interval_days = 365\nharm = {{ probability = 1.0, kind = \"wrong_treatment\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("drift", 1, 1, 21),
        class("c", n)
    ));
    let (harms, _) = run(&mut Replicator::new(s), 0);
    for t in [20.0, 50.0, 100.0, 200.0, 364.0] {
        let share = harms.iter().filter(|h| h.day < t).count() as f64 / f64::from(n);
        let expected = exit_time_cdf(t / 100.0);
        let tol = share_tolerance(f64::from(n), expected);
        eprintln!("drift: crossed by day {t}: {share:.5}, analytic {expected:.5} ± {tol:.5}");
        assert!(
            (share - expected).abs() < tol,
            "t={t}: {share} vs {expected} ± {tol}"
        );
    }
}

#[test]
fn linear_drift_crosses_at_tolerance_over_rate_after_each_calibration() {
    let s = scenario(&format!(
        "{}{}[device_class.sensor_drift]\nmodel = \"linear\"\nrate_per_day = 0.1\ntolerance = 5.0\ncalibration_interval_days = 100\nharm = {{ probability = 1.0, kind = \"wrong_treatment\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("linear", 1, 1, 3),
        class("c", 10)
    ));
    let (harms, _) = run(&mut Replicator::new(s), 0);
    let mut days: Vec<f64> = harms
        .iter()
        .filter(|h| h.device == 0)
        .map(|h| h.day)
        .collect();
    days.sort_by(f64::total_cmp);
    assert_eq!(days, vec![50.0, 150.0, 250.0, 350.0]);
    assert_eq!(harms.len(), 40);
}

#[test]
fn installation_errors_follow_each_installers_probability() {
    let n = 100_000u32;
    let text = format!(
        "{}\n[[party]]\nname = \"Sloppy\"\nrole = \"installer\"\n\n[[device_class]]\nname = \"c\"\ncount = {n}\nlineage = {{ manufacturer = \"Maker\", installers = [{{ party = \"Fitter\", share = 0.7 }}, {{ party = \"Sloppy\", share = 0.3 }}] }}\n[device_class.installation_error]\nprobability = 0.01\nby_installer = {{ Sloppy = 0.05 }}\nmean_days_to_manifest = 10\nharm = {{ probability = 1.0, kind = \"property_damage\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("install", 1, 1, 8)
    );
    let s = scenario(&text);
    let fitter = s
        .parties
        .iter()
        .position(|p| p.name == "Fitter")
        .unwrap_or(0) as u16;
    let sloppy = s
        .parties
        .iter()
        .position(|p| p.name == "Sloppy")
        .unwrap_or(0) as u16;
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let nf = f64::from(n);
    // Errors per device: share × probability, each manifesting within the year with
    // probability 1 − e^{−365/10}.
    let show = 1.0 - (-36.5f64).exp();
    for (party, p) in [(fitter, 0.7 * 0.01 * show), (sloppy, 0.3 * 0.05 * show)] {
        let share = harms
            .iter()
            .filter(|h| h.cause_party == Some(party))
            .count() as f64
            / nf;
        assert!(
            (share - p).abs() < share_tolerance(nf, p),
            "party {party}: {share} vs {p}"
        );
    }
    assert!(
        harms
            .iter()
            .all(|h| h.fault == FaultKind::InstallationError)
    );
}

#[test]
fn compound_poisson_yearly_loss_has_the_analytic_mean() {
    // Harmful firings per year: Poisson(λ = N·r·p); yearly loss mean λ·E[X] and variance λ·E[X²]
    // with E[X] = e^{μ+σ²/2}, E[X²] = e^{2μ+2σ²}.
    let (n, r, p, mu, sigma) = (5_000u32, 0.2, 0.3, 7.0, 1.0);
    let s = scenario(&format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = {r}\nharm = {{ probability = {p}, kind = \"downtime\", severity = {{ mu = {mu}, sigma = {sigma} }} }}\n",
        header("compound", 4, 100, 17),
        class("c", n)
    ));
    let results = run_all(&s);
    let summary = stats::summarise(&s, &results);
    let lambda = f64::from(n) * r * p;
    let mean = lambda * (mu + sigma * sigma / 2.0f64).exp();
    let sd = (lambda * (2.0 * mu + 2.0 * sigma * sigma).exp()).sqrt();
    let years = summary.years as f64;
    let aal = summary.columns[0].aal;
    eprintln!(
        "compound Poisson: AAL {aal:.0}, analytic {mean:.0} ± {:.0}",
        4.0 * sd / years.sqrt()
    );
    assert!(
        (aal - mean).abs() < 4.0 * sd / years.sqrt(),
        "AAL {aal} vs {mean}"
    );
    // The software vendor is the root cause of every firing and so bears the whole loss.
    let code = s.parties.iter().position(|p| p.name == "Code").unwrap_or(0) as u16;
    let code = summary.layout.party(0, code, Perspective::Net);
    assert!((summary.columns[code].aal - aal).abs() < 1e-6 * aal);
    // Harmful share of incidents: p, within four binomial SEs.
    let row = summary
        .counts
        .iter()
        .find(|c| c.fault == FaultKind::FirmwareBug)
        .map(|c| (c.incidents_per_year, c.harmful_per_year));
    let (inc, harm) = row.unwrap_or((0.0, 0.0));
    let trials = inc * years;
    assert!((harm / inc - p).abs() < share_tolerance(trials, p));
}

#[test]
fn engine_matches_the_hand_written_loop() {
    // The same named streams drive both, so incidents must agree exactly and yearly losses to
    // rounding (the two sum in different orders).
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/bench_faults.toml");
    let mut s = fleetsim::scenario::load(&path)
        .map(|l| l.scenario)
        .unwrap_or_else(|e| panic!("{e}"));
    s.classes[0].count = 30_000;
    s.horizon_years = 3;
    for retire in [false, true] {
        if retire {
            s.classes[0].wear_out[0].on_failure = fleetsim::scenario::OnFailure::Retire;
        }
        let sc = Arc::new(s.clone());
        let mut world = Replicator::new(Arc::clone(&sc));
        for rep in 0..2 {
            let (harms, tally) = run(&mut world, rep);
            let expected = reference::run(&sc, rep);
            assert_eq!(
                tally.incidents.iter().map(|&n| u64::from(n)).sum::<u64>(),
                expected.incidents
            );
            assert_eq!(harms.len() as u64, expected.harmful);
            let mut years = [0.0; 3];
            for h in &harms {
                years[(h.day / 365.0) as usize] += h.loss;
            }
            for (a, b) in years.iter().zip(&expected.year_loss) {
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs(),
                    "retire={retire} rep={rep}: {a} vs {b}"
                );
            }
        }
    }
}

/// Φ, the standard normal distribution function, by Abramowitz and Stegun 7.1.26 (absolute
/// error below 1.5e-7, far inside the tolerances below).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    0.5 * (1.0 + if x < 0.0 { -erf } else { erf })
}

/// E[min(X, u)] of a lognormal X(μ, σ): the limited expected value.
fn lognormal_lev(mu: f64, sigma: f64, u: f64) -> f64 {
    let l = u.ln();
    (mu + sigma * sigma / 2.0).exp() * normal_cdf((l - mu - sigma * sigma) / sigma)
        + u * (1.0 - normal_cdf((l - mu) / sigma))
}

#[test]
fn an_insurance_layer_pays_its_analytic_expected_loss() {
    // Compound Poisson firmware losses fall on the software vendor (root cause), insured with a
    // 1,000 deductible and a 3,000 xs 1,000 layer, half placed, no aggregate. Per claim the
    // layer's expected loss is E[min(X, 4,000)] − E[min(X, 1,000)]; the insurer pays half of
    // it on each of the λ = N·r·p claims a year, and the vendor retains the rest of its loss.
    let (n, r, p, mu, sigma) = (5_000u32, 0.2, 0.3, 7.0, 1.0);
    let s = scenario(&format!(
        "{}{}[device_class.firmware_bug]\nrate_per_device_year = {r}\nharm = {{ probability = {p}, kind = \"downtime\", severity = {{ mu = {mu}, sigma = {sigma} }} }}\n{}",
        header("layer", 4, 100, 23),
        class("c", n),
        r#"
[[party]]
name = "Insurer"
role = "insurer"

[[insurance]]
insured = "Code"
kind = "technology_errors_and_omissions"
deductible = 1_000

[[insurance.layer]]
insurer = "Insurer"
limit = 3_000
share = 0.5
"#
    ));
    let results = run_all(&s);
    let summary = stats::summarise(&s, &results);
    let lambda = f64::from(n) * r * p;
    let layer = lognormal_lev(mu, sigma, 4000.0) - lognormal_lev(mu, sigma, 1000.0);
    let expected = 0.5 * lambda * layer;
    let id = |name: &str| s.parties.iter().position(|q| q.name == name).unwrap_or(0) as u16;
    let insurer = &summary.columns[summary.layout.party(0, id("Insurer"), Perspective::Insurer)];
    eprintln!(
        "insurer AAL {:.0}, analytic {expected:.0} ± {:.0} (4 SE)",
        insurer.aal,
        4.0 * insurer.aal_se
    );
    assert!(
        (insurer.aal - expected).abs() < 4.0 * insurer.aal_se,
        "insurer AAL {} vs {expected} ± {}",
        insurer.aal,
        4.0 * insurer.aal_se
    );
    // What the insurer pays, the vendor does not keep: net = insurer + retained, year by year.
    let col = |party, persp| summary.layout.party(0, party, persp);
    let code = id("Code");
    let (net, kept) = (
        stats::column(
            &results,
            summary.layout.len(),
            col(code, Perspective::Net),
            false,
            &s.pooled_years(),
        ),
        stats::column(
            &results,
            summary.layout.len(),
            col(code, Perspective::Retained),
            false,
            &s.pooled_years(),
        ),
    );
    let paid = stats::column(
        &results,
        summary.layout.len(),
        col(id("Insurer"), Perspective::Insurer),
        false,
        &s.pooled_years(),
    );
    for ((n, k), i) in net.iter().zip(&kept).zip(&paid) {
        assert!(
            (n - k - i).abs() < 0.01,
            "net {n} ≠ retained {k} + insured {i}"
        );
    }
}

/// Every replication of `s` on two threads, without the event loss table.
fn run_all(s: &Arc<fleetsim::scenario::Scenario>) -> Vec<fleetsim::outcome::ReplicationResult> {
    experiment::run(
        s,
        &RunConfig {
            threads: 2,
            keep_elt: false,
        },
        &Layout::new(s),
        &|| {},
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
