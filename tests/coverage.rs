//! The AAL's 95 % interval holds the true AAL in about 95 % of runs when the years of a
//! replication are dependent or unalike, because its standard error comes from replications,
//! the independent unit. Each "run" is a block of replications of one world (replications are
//! keyed by their index, so disjoint blocks are independent runs, as separate seeds would be).

mod common;

use std::sync::Arc;

use common::{class, header, scenario};
use fleetsim::scenario::{DAYS_PER_YEAR, Scenario};
use fleetsim::sim::Replicator;
use fleetsim::stats::{mean_sd_se, mean_se_by_replication};

const YEARS: u32 = 3;
/// Replications per run, and runs. With 100 replications a run the normal interval (z = 1.96)
/// is within a percent of Student's t; 1,000 runs put the coverage's own standard error at
/// 0.7 %, so 93–97 % is about ±3 of them.
const PER_RUN: usize = 100;
const RUNS: usize = 1_000;

/// Every replication's yearly ground-up losses (the sum of its harms' losses by year).
fn yearly_losses(s: &Arc<Scenario>, reps: usize) -> Vec<f64> {
    let mut world = Replicator::new(Arc::clone(s));
    let mut out = Vec::with_capacity(reps * YEARS as usize);
    for rep in 0..reps as u32 {
        let mut year = vec![0.0; YEARS as usize];
        world.run(rep, &mut |harms| {
            for h in harms {
                year[((h.day / DAYS_PER_YEAR) as usize).min(YEARS as usize - 1)] += h.loss;
            }
        });
        out.extend(year);
    }
    out
}

/// The share of runs whose 95 % interval holds `truth`, with the standard error from
/// replication means and, for contrast, from the pooled years.
fn coverage(losses: &[f64], truth: f64) -> (f64, f64) {
    let per_run = PER_RUN * YEARS as usize;
    let (mut by_rep, mut by_year) = (0, 0);
    for run in losses.chunks(per_run) {
        let (mean, se) = mean_se_by_replication(run, YEARS as usize);
        by_rep += usize::from((mean - truth).abs() <= 1.959_964 * se);
        let (_, _, pooled) = mean_sd_se(run);
        by_year += usize::from((mean - truth).abs() <= 1.959_964 * pooled);
    }
    let n = (losses.len() / per_run) as f64;
    (by_rep as f64 / n, by_year as f64 / n)
}

/// A one-shot Weibull cohort: years differ (failures grow with age) and a device fails at most
/// once. The true AAL is a closed form: N × F(3 years) × mean loss / 3.
#[test]
fn the_interval_covers_the_aal_of_an_ageing_cohort() {
    let (n, shape, scale) = (400.0, 3.0, 3.0 * DAYS_PER_YEAR);
    let s = scenario(&format!(
        "{}{}[[device_class.wear_out]]\ncomponent = \"part\"\nshape = {shape}\nscale_days = {scale}\non_failure = \"retire\"\nharm = {{ probability = 1.0, kind = \"injury\", severity = {{ mu = 0.0, sigma = 1.0 }} }}\n",
        header("cohort", YEARS, 1, 5),
        class("c", n as u32)
    ));
    let horizon = f64::from(YEARS) * DAYS_PER_YEAR;
    let failed = 1.0 - (-(horizon / scale).powf(shape)).exp();
    let truth = n * failed * 0.5f64.exp() / f64::from(YEARS);
    let losses = yearly_losses(&s, PER_RUN * RUNS);
    let (by_rep, by_year) = coverage(&losses, truth);
    eprintln!("ageing cohort: covered {by_rep:.3} by replications, {by_year:.3} by pooled years");
    assert!((0.93..=0.97).contains(&by_rep), "{by_rep}");
}

/// Linear drift whose rate each device keeps: a replication with more fast devices has more
/// excursions every year, so its years are positively correlated and the pooled years' standard
/// error is too small. The true AAL is the grand mean of all runs (its own standard error is
/// √1000 times smaller than a run's).
#[test]
fn the_interval_covers_the_aal_of_dependent_years() {
    let s = scenario(&format!(
        "{}{}[device_class.sensor_drift]\nmodel = \"linear\"\nrate_per_day = 0.004\nrate_sd = 0.006\ntolerance = 5.0\ncalibration_interval_days = 365\nharm = {{ probability = 1.0, kind = \"wrong_treatment\", severity = {{ mu = 0.0, sigma = 0.5 }} }}\n",
        header("drift", YEARS, 1, 6),
        class("c", 60)
    ));
    let losses = yearly_losses(&s, PER_RUN * RUNS);
    let truth = losses.iter().sum::<f64>() / losses.len() as f64;
    let (by_rep, by_year) = coverage(&losses, truth);
    eprintln!("dependent years: covered {by_rep:.3} by replications, {by_year:.3} by pooled years");
    assert!((0.93..=0.97).contains(&by_rep), "{by_rep}");
    // The pooled years' interval is too narrow here: it covers visibly less.
    assert!(by_year < by_rep - 0.03, "{by_year} against {by_rep}");
}
