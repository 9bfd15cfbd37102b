//! Breach mechanisms against known results (domain.md §4, §7): the logistic solution of
//! well-mixed random scanning, the SIS equilibrium with reboots, immunity of unique
//! credentials, full reach of a universal default, patch adoption, exploit windows, and the
//! data-theft size distributions. Tolerances are four standard errors plus, where a step is
//! involved, a stated discretisation allowance.

mod common;

use std::sync::Arc;

use common::{class, header, run, scenario, share_tolerance};
use fleetsim::outcome::{BotnetSample, Facts, HarmRecord};
use fleetsim::rng::Streams;
use fleetsim::scenario::{FaultKind, RecordSize, Scenario};
use fleetsim::sim::Replicator;
use fleetsim::sim::mechanisms::credentials::SECURITY;
use fleetsim::sim::mechanisms::data_theft::records;
use fleetsim::sim::mechanisms::vulnerabilities::{Vulnerability, disclose, exploitable, patch_day};

/// A fleet of `n` exposed devices with `credentials`, reboots at `reboot` per day, and a botnet
/// table of its own; horizon one year.
fn botnet_scenario(
    n: u32,
    credentials: &str,
    reboot: f64,
    botnet: &str,
    extra: &str,
) -> Arc<Scenario> {
    scenario(&format!(
        "{}{}[device_class.security]\ncredentials = \"{credentials}\"\nreboot_per_day = {reboot}\n{extra}\n[botnet]\n{botnet}\n",
        header("botnet", 1, 1, 31),
        class("c", n)
    ))
}

fn series(s: &Arc<Scenario>, rep: u32) -> Vec<BotnetSample> {
    let mut world = Replicator::new(Arc::clone(s));
    world.run(rep, &mut |_| {}).botnet
}

#[test]
fn well_mixed_scanning_follows_the_logistic_curve() {
    // Fleet only: N devices with a universal default, B0 bots outside it that never recover
    // and no other vulnerable host. Infected share a = (I + B0)/(N + B0) then solves
    // da/dt = K a (1 − a) with K = scans/day × (N + B0)/A.
    let (n, b0) = (50_000u32, 500.0);
    let space = 4_294_967_296.0f64;
    // A doubling every 100 one-minute steps: K = ln 2 / 100 per minute.
    let k_per_day = std::f64::consts::LN_2 / 100.0 * 1440.0;
    let scans_per_second = k_per_day * space / (f64::from(n) + b0) / 86_400.0;
    let s = botnet_scenario(
        n,
        "universal_default",
        0.0,
        &format!(
            "start_day = 10\nduration_days = 1\nstep_minutes = 1\nscans_per_second = {scans_per_second}\ninitial_bots = {b0}\nrecord_every_minutes = 10\n"
        ),
        "",
    );
    let reps = 12;
    let runs: Vec<Vec<BotnetSample>> = (0..reps).map(|r| series(&s, r)).collect();
    let total = f64::from(n) + b0;
    let a0 = b0 / total;
    for (i, sample) in runs[0].iter().enumerate() {
        let t = sample.day - 10.0;
        let shares: Vec<f64> = runs
            .iter()
            .map(|r| (r[i].fleet_infected as f64 + b0) / total)
            .collect();
        let (mean, sd, _) = fleetsim::stats::mean_sd_se(&shares);
        let e = (k_per_day * t).exp();
        let logistic = a0 * e / (1.0 - a0 + a0 * e);
        if !(0.01..=0.95).contains(&logistic) {
            continue;
        }
        // Four SEs of the mean across replications, plus 0.01 for the per-step growth factor
        // 1 + Kh instead of e^{Kh} (h = 1 minute, Kh = 0.0069), accumulated over ~10 doublings.
        let tol = 4.0 * sd / f64::from(reps).sqrt() + 0.01;
        eprintln!("logistic: t = {t:.3} d, simulated {mean:.4}, logistic {logistic:.4} ± {tol:.4}");
        assert!(
            (mean - logistic).abs() < tol,
            "t={t}: {mean} vs {logistic} ± {tol}"
        );
    }
}

#[test]
fn unique_credentials_and_no_exploit_give_no_infections_and_a_universal_default_reaches_all() {
    let outbreak = "start_day = 1\nduration_days = 3\nscans_per_second = 50\ninitial_bots = 100\n";
    // No exploit ever arrives within the year, so only credentials could let the botnet in.
    let vulns = "[device_class.vulnerabilities]\nper_year = 5\nexploit_delay_days = 1e9\npatch_delay_days = 1\nadoption_per_day = 1.0\n";
    let immune = botnet_scenario(20_000, "unique_default", 0.0, outbreak, vulns);
    let last = *series(&immune, 0)
        .last()
        .unwrap_or_else(|| panic!("no series"));
    assert_eq!(last.recruited, 0);
    // The same fleet with a universal default and no reboots ends wholly infected.
    let open = botnet_scenario(20_000, "universal_default", 0.0, outbreak, vulns);
    let last = *series(&open, 0)
        .last()
        .unwrap_or_else(|| panic!("no series"));
    eprintln!(
        "universal default: {} of 20000 infected at the end",
        last.fleet_infected
    );
    assert_eq!(last.fleet_infected, 20_000);
    assert_eq!(last.fleet_susceptible, 0);
}

#[test]
fn reboots_and_reinfection_settle_at_the_sis_equilibrium() {
    // β = scans/day × N / A per day and reboots at γ per day: the infected share tends to
    // 1 − γ/β in the mean-field limit.
    let n = 40_000u32;
    let (beta, gamma) = (2.0, 0.5);
    let space = 4_294_967_296.0f64;
    let scans_per_second = beta * space / f64::from(n) / 86_400.0;
    let s = botnet_scenario(
        n,
        "universal_default",
        gamma,
        &format!(
            "start_day = 1\nduration_days = 40\nstep_minutes = 10\nscans_per_second = {scans_per_second}\ninitial_bots = 20\nexternal_reboot_per_day = 100\nrecord_every_minutes = 60\n"
        ),
        "",
    );
    let series = series(&s, 0);
    // Average over the last 20 days, well after the approach (time scale 1/(β − γ) < 1 day).
    let tail: Vec<f64> = series
        .iter()
        .filter(|x| x.day >= 21.0)
        .map(|x| x.fleet_infected as f64 / f64::from(n))
        .collect();
    let (mean, _, _) = fleetsim::stats::mean_sd_se(&tail);
    let expected = 1.0 - gamma / beta;
    // Hourly samples are correlated over about 1/(β − γ) days; the prevalence's own sd is
    // about √(γ/β / N) ≈ 0.0025, so 0.01 is four of them; reinfections must occur.
    eprintln!("SIS: infected share {mean:.4}, equilibrium {expected:.4}");
    assert!((mean - expected).abs() < 0.01, "{mean} vs {expected}");
    let last = series.last().unwrap_or_else(|| panic!("no series"));
    assert!(
        last.reinfected > u64::from(n),
        "reinfections {}",
        last.reinfected
    );
}

#[test]
fn patch_adoption_follows_its_curve_and_no_device_is_attacked_once_patched() {
    let s = scenario(&format!(
        "{}{}[device_class.vulnerabilities]\nper_year = 3\nexploit_delay_days = 20\npatch_delay_days = 40\nadoption_per_day = 0.02\ntargeted_attacks_per_device_year = 2\nharm = {{ probability = 1.0, kind = \"injury\", severity = {{ mu = 5.0, sigma = 1.0 }} }}\n",
        header("patch", 2, 1, 77),
        class("c", 20_000)
    ));
    let streams = Streams::new(s.seed, 0);
    let v = s.classes[0]
        .vulnerabilities
        .as_ref()
        .unwrap_or_else(|| panic!("no vulnerabilities"));
    let vulns = disclose(&streams, 0, v, s.horizon_days());
    assert!(!vulns.is_empty());
    // Share patched t days after release: 1 − e^{−κt}, κ = −ln(1 − 0.02).
    let kappa = -(1.0f64 - 0.02).ln();
    let n = 20_000u32;
    for t in [10.0, 50.0, 150.0] {
        let patched = (0..n)
            .filter(|&d| patch_day(&streams, d, 0.0, 0, &vulns[0], v) <= vulns[0].patch_release + t)
            .count() as f64
            / f64::from(n);
        let expected = 1.0 - (-kappa * t).exp();
        eprintln!("patch adoption: {t} days after release {patched:.4}, curve {expected:.4}");
        assert!((patched - expected).abs() < share_tolerance(f64::from(n), expected));
    }
    // Every targeted attack names its vulnerability and falls in that vulnerability's window
    // on that device: after the exploit, before the device's own patch.
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let attacks: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::Exploit)
        .collect();
    assert!(attacks.len() > 100, "{} attacks", attacks.len());
    for h in attacks {
        let k = h
            .vulnerability
            .unwrap_or_else(|| panic!("an exploit without its vulnerability"))
            as usize;
        let window = vulns[k].exploit_day..patch_day(&streams, h.device, 0.0, k, &vulns[k], v);
        assert!(
            window.contains(&h.day),
            "device {} attacked through {k} on day {} outside {window:?}",
            h.device,
            h.day
        );
        assert!(exploitable(&streams, h.device, 0.0, &vulns, v, h.day));
    }
}

#[test]
fn breach_sizes_reproduce_the_configured_quantiles() {
    use rand::SeedableRng;
    let mut rng = rand_xoshiro::SplitMix64::seed_from_u64(9);
    let n = 100_000usize;
    let check = |size: RecordSize, quantiles: &[(f64, f64)], rng: &mut rand_xoshiro::SplitMix64| {
        let draws: Vec<f64> = (0..n).map(|_| records(&size, rng)).collect();
        for &(q, x) in quantiles {
            // Records are whole numbers; count draws strictly below and at most the quantile and
            // require q to lie between the two shares (each within four binomial SEs).
            let below = draws.iter().filter(|&&d| d < x.floor()).count() as f64 / n as f64;
            let upto = draws.iter().filter(|&&d| d <= x.ceil()).count() as f64 / n as f64;
            let tol = share_tolerance(n as f64, q);
            eprintln!("records: quantile {q}: {below:.4}–{upto:.4} of draws at {x:.1}");
            assert!(
                below - tol < q && q < upto + tol,
                "q={q}: {below}..{upto} at {x}"
            );
        }
    };
    let lognormal =
        rand_distr::LogNormal::new(1000f64.ln(), (100.0f64).ln() / 2.326_347_874_040_840_8)
            .unwrap_or_else(|e| panic!("{e}"));
    check(
        RecordSize::LogNormal(lognormal),
        &[(0.5, 1000.0), (0.99, 100_000.0)],
        &mut rng,
    );
    // Pareto: x_q = x_min · (1 − q)^{−1/α}.
    let (xmin, alpha) = (500.0f64, 0.6f64);
    let pareto = rand_distr::Pareto::new(xmin, alpha).unwrap_or_else(|e| panic!("{e}"));
    let q = |p: f64| xmin * (1.0 - p).powf(-1.0 / alpha);
    check(
        RecordSize::Pareto(pareto),
        &[(0.5, q(0.5)), (0.9, q(0.9)), (0.99, q(0.99))],
        &mut rng,
    );
}

#[test]
fn ddos_and_data_theft_reach_the_loss_tables() {
    let s = scenario(&format!(
        "{}{}[device_class.security]\ncredentials = \"universal_default\"\nreboot_per_day = 0.2\n[device_class.data_theft]\nprobability_per_breach = 0.5\nrecords = {{ median = 10, p99 = 100 }}\ncost_per_record = 100\nidentified_probability = 0.5\ndetection_days = 10\ncontainment_days = 5\n[botnet]\nstart_day = 5\nduration_days = 5\nscans_per_second = 20\ninitial_bots = 100\nexternal_vulnerable = 10000\n[botnet.ddos]\nattacks_per_day = 4\ncost_curve = [[0, 0], [10000, 1000000]]\n",
        header("breach", 1, 1, 3),
        class("c", 5_000)
    ));
    let (harms, tally) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let kinds = |k| harms.iter().filter(|h| h.fault == k).count();
    assert!(kinds(FaultKind::Ddos) > 0 && kinds(FaultKind::DataTheft) > 0);
    // About half the thefts are traced to the manufacturer, the rest to nobody.
    let thefts: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::DataTheft)
        .collect();
    let identified =
        thefts.iter().filter(|h| h.cause_party.is_some()).count() as f64 / thefts.len() as f64;
    assert!(
        (identified - 0.5).abs() < share_tolerance(thefts.len() as f64, 0.5),
        "{identified}"
    );
    // Every theft is booked after its breach, inside the horizon, and the tally counts it.
    assert!(thefts.iter().all(|h| h.day > 5.0 && h.day < 365.0));
    assert_eq!(
        tally.harmful.iter().map(|&n| u64::from(n)).sum::<u64>(),
        harms.len() as u64
    );
}

/// The data-theft and DDoS harms of an outbreak on a fleet with `security`, with every breach
/// leaking (identified) data: thefts booked within the year.
fn outbreak_harms(security: &str, seed: u64) -> (Arc<Scenario>, Vec<HarmRecord>) {
    let s = scenario(&format!(
        "{}{}[device_class.security]\n{security}\nreboot_per_day = 0.2\n[device_class.data_theft]\nprobability_per_breach = 1.0\nrecords = {{ median = 10, p99 = 100 }}\ncost_per_record = 100\nidentified_probability = 1.0\ndetection_days = 5\ncontainment_days = 5\n[botnet]\nstart_day = 5\nduration_days = 5\nscans_per_second = 20\ninitial_bots = 100\nexternal_vulnerable = 10000\n[botnet.ddos]\nattacks_per_day = 4\ncost_curve = [[0, 0], [10000, 1000000]]\n",
        header("facts", 1, 1, seed),
        class("c", 5_000)
    ));
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    (s, harms)
}

#[test]
fn botnet_breaches_through_a_universal_default_carry_the_default_password_fact() {
    // A universal default: every recruitment goes through it, so every theft it leads to and
    // every DDoS the class answers for names it, and nothing else.
    let (_, harms) = outbreak_harms("credentials = \"universal_default\"", 3);
    let of = |k| harms.iter().filter(move |h| h.fault == k);
    let thefts = of(FaultKind::DataTheft).count();
    let ddos = of(FaultKind::Ddos).count();
    assert!(thefts > 100 && ddos > 0, "{thefts} thefts, {ddos} DDoS");
    let flagged = |k| of(k).filter(|h| h.facts.default_password).count();
    assert_eq!(
        flagged(FaultKind::DataTheft),
        thefts,
        "every theft after a recruitment through a universal default names it"
    );
    assert_eq!(
        flagged(FaultKind::Ddos),
        ddos,
        "every DDoS by a class shipping a universal default names it"
    );
    assert!(
        harms
            .iter()
            .all(|h| !h.facts.fix_available && !h.facts.unpatched_in_support),
        "no exploit is involved, so no patch fact may be set"
    );

    // Weak passwords, with the installer leaving the universal default on 30 % of the devices:
    // a theft names the default password exactly when its device was left on it, and the
    // class's DDoS never does (it does not ship a universal default).
    let (s, harms) = outbreak_harms(
        "credentials = \"weak\"\nweak_guess_probability = 0.5\ninstaller_leaves_default = { Fitter = 0.3 }",
        5,
    );
    let streams = Streams::new(s.seed, 0);
    let left_on_default = |device: u32| {
        use rand::RngExt;
        let u: f64 = streams.rng(SECURITY, device, 0).random();
        u < 0.3
    };
    let thefts: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::DataTheft)
        .collect();
    let by_default = thefts.iter().filter(|h| h.facts.default_password).count();
    eprintln!(
        "weak passwords, 30 % left on default: {by_default} of {} thefts through the default",
        thefts.len()
    );
    assert!(
        by_default > 20 && thefts.len() - by_default > 20,
        "both ways in must occur: {by_default} of {} through the default",
        thefts.len()
    );
    for h in &thefts {
        assert_eq!(
            h.facts.default_password,
            left_on_default(h.device),
            "device {}: the theft's default_password must say whether its login was the \
             universal default",
            h.device
        );
    }
    let ddos: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::Ddos)
        .collect();
    assert!(!ddos.is_empty(), "no DDoS");
    assert!(
        ddos.iter().all(|h| !h.facts.default_password),
        "a class with weak passwords does not ship a universal default"
    );
}

#[test]
fn firmware_harms_name_a_released_fix_only_from_its_release_day() {
    let bug = |fix: &str| {
        scenario(&format!(
            "{}{}[device_class.firmware_bug]\nrate_per_device_year = 2\n{fix}harm = {{ probability = 1.0, kind = \"injury\", severity = {{ mu = 5.0, sigma = 1.0 }} }}\n",
            header("firmware", 1, 1, 11),
            class("c", 5_000)
        ))
    };
    // Released on day 180 and installed slowly, so firings continue after the release.
    let s = bug("fix = { release_after_days = 180, adoption_per_day = 0.01 }\n");
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let firings: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::FirmwareBug)
        .collect();
    let (before, after): (Vec<&HarmRecord>, Vec<&HarmRecord>) =
        firings.iter().partition(|h| h.day < 180.0);
    eprintln!(
        "firmware: {} harms before the fix release, {} after",
        before.len(),
        after.len()
    );
    assert!(before.len() > 100 && after.len() > 100);
    assert_eq!(
        before.iter().filter(|h| h.facts.fix_available).count(),
        0,
        "no harm before the fix release may name an available fix"
    );
    assert_eq!(
        after.iter().filter(|h| h.facts.fix_available).count(),
        after.len(),
        "every harm after the release happened on a device that had not installed the fix"
    );
    assert!(
        firings
            .iter()
            .all(|h| { !h.facts.default_password && !h.facts.unpatched_in_support })
    );
    // Without a fix there is nothing to have installed.
    let (harms, _) = run(&mut Replicator::new(bug("")), 0);
    assert!(harms.len() > 100);
    assert!(harms.iter().all(|h| h.facts == Facts::default()));
}

#[test]
fn targeted_exploits_and_their_thefts_say_whether_a_patch_was_out_within_support() {
    // Flaws disclosed in the first year are patched after 60 days on average, later ones never;
    // attacks come often enough to fall before, after and outside patch releases.
    let s = scenario(&format!(
        "{}{}[device_class.vulnerabilities]\nper_year = 6\nexploit_delay_days = 10\npatch_delay_days = 60\nadoption_per_day = 0.01\nsupport_years = 1\ntargeted_attacks_per_device_year = 2\nharm = {{ probability = 1.0, kind = \"injury\", severity = {{ mu = 5.0, sigma = 1.0 }} }}\n[device_class.data_theft]\nprobability_per_breach = 1.0\nrecords = {{ median = 10, p99 = 100 }}\ncost_per_record = 100\nidentified_probability = 1.0\ndetection_days = 5\ncontainment_days = 5\n",
        header("exploit", 2, 1, 21),
        class("c", 3_000)
    ));
    let streams = Streams::new(s.seed, 0);
    let v = s.classes[0]
        .vulnerabilities
        .as_ref()
        .unwrap_or_else(|| panic!("no vulnerabilities"));
    let vulns = disclose(&streams, 0, v, s.horizon_days());
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let mut by_attack = std::collections::HashMap::new();
    let (mut unpatched, mut released, mut unsupported) = (0, 0, 0);
    for h in harms.iter().filter(|h| h.fault == FaultKind::Exploit) {
        let k = h
            .vulnerability
            .unwrap_or_else(|| panic!("an exploit without its vulnerability"))
            as usize;
        let out = vulns[k].patch_release <= h.day;
        let supported = vulns[k].disclosed < v.support_end_day;
        assert_eq!(
            (h.facts.fix_available, h.facts.unpatched_in_support),
            (out, supported && !out),
            "device {} exploited through {k} on day {}: disclosed {}, patch released {}",
            h.device,
            h.day,
            vulns[k].disclosed,
            vulns[k].patch_release
        );
        assert!(!h.facts.default_password);
        match (out, supported) {
            (true, _) => released += 1,
            (false, true) => unpatched += 1,
            (false, false) => unsupported += 1,
        }
        // At most one attack per device and vulnerability.
        assert!(by_attack.insert((h.device, k), h.facts).is_none());
    }
    eprintln!(
        "exploits: {unpatched} unpatched within support, {released} after the patch release, \
         {unsupported} out of support"
    );
    assert!(
        unpatched > 50 && released > 50 && unsupported > 50,
        "every case must occur: {unpatched} unpatched in support, {released} patch released, \
         {unsupported} out of support"
    );
    // Each theft comes from one targeted attack and carries its facts.
    let thefts: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::DataTheft)
        .collect();
    assert!(thefts.len() > 100, "{} thefts", thefts.len());
    for h in thefts {
        let k = h
            .vulnerability
            .unwrap_or_else(|| panic!("a theft without its vulnerability"))
            as usize;
        assert_eq!(
            by_attack.get(&(h.device, k)),
            Some(&h.facts),
            "device {}: the theft through {k} must carry its attack's facts",
            h.device
        );
    }
}

#[test]
fn botnet_recruitment_through_an_exploit_carries_the_exploit_facts() {
    // Strong passwords: the botnet gets in only through exploits. Flaws disclosed after half a
    // year are never patched. A device open through several flaws is recruited through the
    // first (oldest) of them, so patches are installed fast (a few days) to leave room for
    // recruitments through flaws not yet patched.
    let s = scenario(&format!(
        "{}{}[device_class.security]\ncredentials = \"strong\"\nreboot_per_day = 0.5\n[device_class.vulnerabilities]\nper_year = 12\nexploit_delay_days = 5\npatch_delay_days = 60\nadoption_per_day = 0.2\nsupport_years = 0.5\n[device_class.data_theft]\nprobability_per_breach = 1.0\nrecords = {{ median = 10, p99 = 100 }}\ncost_per_record = 100\nidentified_probability = 1.0\ndetection_days = 2\ncontainment_days = 2\nreplenish_per_day = 1e12\n[botnet]\nstart_day = 30\nduration_days = 320\nstep_minutes = 60\nscans_per_second = 20\ninitial_bots = 100\nexternal_vulnerable = 10000\n",
        header("recruit", 1, 1, 8),
        class("c", 3_000)
    ));
    let (harms, _) = run(&mut Replicator::new(Arc::clone(&s)), 0);
    let thefts: Vec<_> = harms
        .iter()
        .filter(|h| h.fault == FaultKind::DataTheft)
        .collect();
    let count = |f: fn(&Facts) -> bool| thefts.iter().filter(|h| f(&h.facts)).count();
    let released = count(|f| f.fix_available);
    let unpatched = count(|f| f.unpatched_in_support);
    let neither = count(|f| !f.fix_available && !f.unpatched_in_support);
    eprintln!(
        "recruitments through exploits: {} thefts, {unpatched} unpatched in support, \
         {released} patch released, {neither} out of support",
        thefts.len()
    );
    assert_eq!(count(|f| f.default_password), 0, "no default password here");
    assert_eq!(
        count(|f| f.fix_available && f.unpatched_in_support),
        0,
        "a patch cannot be both released and still to come"
    );
    assert!(
        unpatched > 20 && released > 20 && neither > 20,
        "every case must occur among {} thefts",
        thefts.len()
    );
    // A theft is booked after its breach, so the flaw it names was open before the booking day.
    let streams = Streams::new(s.seed, 0);
    let v = s.classes[0]
        .vulnerabilities
        .as_ref()
        .unwrap_or_else(|| panic!("no vulnerabilities"));
    let vulns = disclose(&streams, 0, v, s.horizon_days());
    for h in &thefts {
        let f = h.facts;
        let fits = |x: &Vulnerability| {
            x.exploit_day < h.day
                && match (f.fix_available, f.unpatched_in_support) {
                    (true, _) => x.patch_release < h.day,
                    (false, true) => x.disclosed < v.support_end_day,
                    (false, false) => x.disclosed >= v.support_end_day,
                }
        };
        assert!(
            vulns.iter().any(fits),
            "device {}: no flaw open before day {} fits {f:?}",
            h.device,
            h.day
        );
    }
}
