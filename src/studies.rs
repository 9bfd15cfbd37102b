//! The study pipelines behind `fleetsim compare`, `sweep` and `sensitivity`: read a scenario
//! with its policies, run every variant on the scenario's seed (so on common random numbers),
//! compare the runs ([`paired`]) and write the study's folder ([`output::study`]).
//!
//! Each pipeline first turns its arguments into policies (the named ones, a grid's points, each
//! parameter's low and high value), then hands them to a [`Plan`], which applies the command
//! line's overrides once, refuses a study too large for memory before its first run, runs each
//! variant through [`run::simulate`] and writes the result.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::experiment::RunConfig;
use crate::output;
use crate::output::manifest::{StudyInfo, VariantInfo};
use crate::run::{self, Progress, RunOptions};
use crate::scenario::overlay::{self, Change, Op, Origin, Policy};
use crate::scenario::{self, Bundle, Scenario};
use crate::stats::paired::{self, Findings, Row, SeriesYears, SweepPoint, Swing};

/// What a study produced.
#[derive(Debug, Clone)]
pub struct StudyOutcome {
    pub folder: PathBuf,
    pub info: StudyInfo,
    pub findings: Findings,
}

/// Options of a study beyond those of a run.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    pub run: RunOptions,
    /// The return period whose loss is compared besides the AAL.
    pub return_period: f64,
    /// Files of policies and sensitivity parameters, besides the scenario file's own.
    pub policy_files: Vec<PathBuf>,
}

/// Runs the baseline and each named policy (all the file's policies when `names` is empty)
/// and compares each policy with the baseline.
pub fn compare_file(
    path: &Path,
    names: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    given_twice("--policy", names.iter().map(String::as_str))?;
    let bundle = load(path, options)?;
    let policies = chosen_policies(&bundle, names, path)?;
    let (plan, variants) = Plan::new(&bundle, &policies, 1, options, progress)?;
    let base = plan.baseline()?;
    let mut rows = Vec::new();
    let mut infos = vec![baseline_info()];
    for (policy, sc) in policies.iter().zip(variants) {
        let v = plan.run(sc, &policy.name)?;
        rows.extend(plan.compare(&policy.name, &base, &v));
        infos.push(policy_info(policy));
    }
    plan.finish("compare", &base, infos, Findings::Compare(rows))
}

/// Runs every point of the grid of `params` (`FIELD=V1,V2,…` or `FIELD=START..END:STEP`)
/// and compares each with the first.
pub fn sweep_file(
    path: &Path,
    params: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    let bundle = load(path, options)?;
    let axes = sweep_axes(params)?;
    let grid = grid(&axes)?;
    let policies: Vec<Policy> = grid.iter().map(|g| grid_policy(&axes, g)).collect();
    let (plan, variants) = Plan::new(&bundle, &policies, 1, options, progress)?;
    let mut first: Option<Vec<SeriesYears>> = None;
    let mut points = Vec::new();
    let mut infos = Vec::new();
    for ((policy, sc), g) in policies.iter().zip(variants).zip(&grid) {
        let v = plan.run(sc, &policy.name)?;
        let base = first.get_or_insert_with(|| v.clone());
        points.push(SweepPoint {
            values: axes
                .iter()
                .zip(g)
                .map(|(a, &i)| plain(&a.values[i]))
                .collect(),
            x: axes.first().and_then(|a| number(&a.values[g[0]])),
            rows: plan.compare(&policy.name, base, &v),
        });
        infos.push(policy_info(policy));
    }
    let base = first.unwrap_or_default();
    let fields = axes.into_iter().map(|a| a.field).collect();
    plan.finish("sweep", &base, infos, Findings::Sweep { fields, points })
}

/// Runs each parameter's low and high value (from `params`, `FIELD=LOW,HIGH`, else the file's
/// `[[sensitivity]]`) and the baseline, and measures each parameter's swing.
pub fn sensitivity_file(
    path: &Path,
    params: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    let bundle = load(path, options)?;
    let list = sensitivity_params(&bundle, params, path)?;
    let pairs: Vec<(Policy, Policy)> = list
        .iter()
        .map(|p| (p.policy(&p.low), p.policy(&p.high)))
        .collect();
    let flat: Vec<Policy> = pairs
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let (plan, variants) = Plan::new(&bundle, &flat, 2, options, progress)?;
    let base = plan.baseline()?;
    let mut swings = Vec::new();
    let mut infos = vec![baseline_info()];
    let mut it = variants.into_iter();
    for (p, (low, high)) in list.iter().zip(&pairs) {
        let (Some(sl), Some(sh)) = (it.next(), it.next()) else {
            break;
        };
        let l = plan.run(sl, &low.name)?;
        let h = plan.run(sh, &high.name)?;
        swings.push(Swing {
            field: p.field.clone(),
            low: plain(&p.low),
            high: plain(&p.high),
            rows: plan.compare(&p.field, &l, &h),
        });
        infos.push(policy_info(low));
        infos.push(policy_info(high));
    }
    plan.finish("sensitivity", &base, infos, Findings::Sensitivity(swings))
}

/// The scenario with its own policies and those of the policy files.
///
/// Every policy and sensitivity value, of the scenario file and of the policy files, is applied
/// and validated, whether the command uses it or not, as `fleetsim check` does: a file with a
/// broken entry is refused whole rather than found out on the day that entry is used.
fn load(path: &Path, options: &StudyOptions) -> Result<Bundle> {
    run::check_options(&options.run, 2)?;
    let mut bundle = scenario::load_bundle(path)?;
    for f in &options.policy_files {
        let (policies, params) = scenario::load_policy_file(f)?;
        bundle.add(policies, params)?;
    }
    bundle.check()?;
    Ok(bundle)
}

/// Arguments given twice (`--policy a --policy a`, or two `--param` for one field): each would
/// run or vary the same thing twice, which is a slip, not a study.
fn given_twice<'a>(flag: &str, keys: impl Iterator<Item = &'a str>) -> Result<()> {
    let keys: Vec<&str> = keys.collect();
    let twice: Vec<String> = keys
        .iter()
        .enumerate()
        // Reported at its second appearance only, however often it is repeated.
        .filter(|&(i, k)| keys[..i].iter().filter(|x| *x == k).count() == 1)
        .map(|(_, k)| format!("{flag} {k} is given twice, expected each once"))
        .collect();
    if twice.is_empty() {
        Ok(())
    } else {
        Err(Error::Policy(twice))
    }
}

/// The policies `compare` runs: those named (the file's own or built in), else every policy
/// of the file and of the policy files; an unknown name is refused with the names there are.
fn chosen_policies(bundle: &Bundle, names: &[String], path: &Path) -> Result<Vec<Policy>> {
    if names.is_empty() {
        if bundle.policies.is_empty() {
            return Err(Error::Policy(vec![format!(
                "{} has no [[policy]], nor has any --policies file: name one with --policy (built in: {})",
                path.display(),
                builtin_names()
            )]));
        }
        return Ok(bundle.policies.clone());
    }
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for n in names {
        match bundle.policy(n) {
            Some(p) => found.push(p),
            None => unknown.push(n.clone()),
        }
    }
    if unknown.is_empty() {
        return Ok(found);
    }
    let own: Vec<&str> = bundle.policies.iter().map(|p| p.name.as_str()).collect();
    Err(Error::Policy(vec![format!(
        "--policy {}: no such policy in {} ({}) or built in ({})",
        unknown.join(", "),
        path.display(),
        if own.is_empty() {
            "none".to_owned()
        } else {
            own.join(", ")
        },
        builtin_names()
    )]))
}

fn builtin_names() -> String {
    overlay::builtin()
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One field a sweep varies: the `--param` argument, the field and its values in order.
struct Axis {
    arg: String,
    field: String,
    values: Vec<toml::Value>,
}

/// The sweep's axes from its `--param` arguments, every problem of every argument at once.
fn sweep_axes(params: &[String]) -> Result<Vec<Axis>> {
    let mut axes = Vec::new();
    let mut problems = Vec::new();
    for p in params {
        match overlay::parse_values(p) {
            Ok((field, values)) if !values.is_empty() => axes.push(Axis {
                arg: p.clone(),
                field,
                values,
            }),
            Ok(_) => problems.push(format!("--param {p:?}: no values")),
            Err(e) => problems.push(format!("--param {e}")),
        }
    }
    if axes.is_empty() && problems.is_empty() {
        problems.push("sweep needs at least one --param FIELD=V1,V2,…".to_owned());
    }
    if problems.is_empty() {
        given_twice("--param for", axes.iter().map(|a| a.field.as_str()))?;
    }
    if !problems.is_empty() {
        return Err(Error::Policy(problems));
    }
    Ok(axes)
}

/// The grid's points, each as one value's index per axis, the last axis varying fastest; at
/// most 200 of them.
fn grid(axes: &[Axis]) -> Result<Vec<Vec<usize>>> {
    let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
    for axis in axes {
        grid = grid
            .into_iter()
            .flat_map(|g| {
                (0..axis.values.len()).map(move |i| {
                    let mut g = g.clone();
                    g.push(i);
                    g
                })
            })
            .collect();
    }
    if grid.len() > 200 {
        return Err(Error::Policy(vec![format!(
            "the sweep has {} points; at most 200",
            grid.len()
        )]));
    }
    Ok(grid)
}

/// The policy that sets every axis to its value at one point of the grid.
fn grid_policy(axes: &[Axis], point: &[usize]) -> Policy {
    Policy::of(
        axes.iter()
            .zip(point)
            .map(|(axis, &i)| Change {
                field: axis.field.clone(),
                op: Op::Set(axis.values[i].clone()),
                origin: Origin::CommandLine(format!("--param {}", axis.arg)),
            })
            .collect(),
    )
}

/// The parameters `sensitivity` varies: those of `params` (`FIELD=LOW,HIGH`), else the file's
/// and the policy files' `[[sensitivity]]`; every problem of every argument at once.
fn sensitivity_params(
    bundle: &Bundle,
    params: &[String],
    path: &Path,
) -> Result<Vec<overlay::Param>> {
    let mut list: Vec<overlay::Param> = Vec::new();
    let mut problems = Vec::new();
    for p in params {
        match overlay::parse_values(p) {
            Ok((field, values)) if values.len() == 2 => list.push(overlay::Param {
                field,
                low: values[0].clone(),
                high: values[1].clone(),
                origin: Origin::CommandLine(format!("--param {p}")),
            }),
            Ok(_) => problems.push(format!(
                "--param {p:?}: expected FIELD=LOW,HIGH, two values"
            )),
            Err(e) => problems.push(format!("--param {e}")),
        }
    }
    if params.is_empty() {
        list = bundle.params.clone();
    }
    if problems.is_empty() && !params.is_empty() {
        given_twice("--param for", list.iter().map(|p| p.field.as_str()))?;
    }
    if list.is_empty() && problems.is_empty() {
        problems.push(format!(
            "{} has no [[sensitivity]]: give parameters with --param FIELD=LOW,HIGH",
            path.display()
        ));
    }
    if !problems.is_empty() {
        return Err(Error::Policy(problems));
    }
    Ok(list)
}

/// A scenario of the study with the command line's replications and seed, as a run takes
/// them ([`run::overridden`]); refused when it has too few replications for an interval.
fn with_options(sc: Scenario, options: &StudyOptions) -> Result<Scenario> {
    let sc = run::overridden(sc, &options.run);
    if sc.replications < 2 {
        return Err(Error::Policy(vec![format!(
            "{}: a study needs at least 2 replications to give intervals, found {}",
            sc.name, sc.replications
        )]));
    }
    Ok(sc)
}

/// A study ready to run, and what its runs and comparisons share: the scenario with its
/// policies, the baseline with the command line's overrides (its horizon and replications are
/// every variant's: no policy changes them), the bootstrap's resamples of the replications
/// (drawn once, from its seed), the options and when the study started.
struct Plan<'a> {
    bundle: &'a Bundle,
    base: Scenario,
    resamples: Vec<Vec<usize>>,
    options: &'a StudyOptions,
    progress: &'a dyn Progress,
    started: Instant,
}

impl<'a> Plan<'a> {
    /// The plan and the scenario of each policy, with the command line's replications and
    /// seed; refuses the study, before its first run, when its largest run with the `kept`
    /// runs' series it holds would not fit.
    fn new(
        bundle: &'a Bundle,
        policies: &[Policy],
        kept: usize,
        options: &'a StudyOptions,
        progress: &'a dyn Progress,
    ) -> Result<(Self, Vec<Scenario>)> {
        let variants = bundle.variants(policies)?;
        let base = with_options(bundle.loaded.scenario.clone(), options)?;
        let variants = variants
            .into_iter()
            .map(|v| with_options(v, options))
            .collect::<Result<Vec<_>>>()?;
        let all: Vec<&Scenario> = std::iter::once(&base).chain(&variants).collect();
        crate::memory::estimate_study(&all, options.run.threads, kept).check(
            &format!("the study of scenario {}", base.name),
            options.run.memory_limit,
        )?;
        let resamples = paired::resamples(base.seed, base.replications as usize, paired::RESAMPLES);
        let plan = Plan {
            bundle,
            base,
            resamples,
            options,
            progress,
            started: Instant::now(),
        };
        Ok((plan, variants))
    }

    /// Runs the baseline; its series' yearly losses.
    fn baseline(&self) -> Result<Vec<SeriesYears>> {
        self.run(self.base.clone(), "baseline")
    }

    /// Runs one variant (already with the study's replications and seed); its series' yearly
    /// losses.
    fn run(&self, sc: Scenario, label: &str) -> Result<Vec<SeriesYears>> {
        let sc = Arc::new(sc);
        // A study compares yearly losses only: it never keeps an event table.
        let config = RunConfig {
            keep_elt: false,
            ..self.options.run.config()
        };
        let results = run::simulate(&sc, &config, label, self.progress)?;
        Ok(paired::series_years(&sc, &results))
    }

    fn compare(&self, label: &str, base: &[SeriesYears], variant: &[SeriesYears]) -> Vec<Row> {
        paired::compare(
            label,
            base,
            variant,
            self.base.horizon_years as usize,
            self.options.return_period,
            &self.resamples,
        )
    }

    /// Writes the study's folder: its findings, and `base`, the series of the run the others
    /// were compared with.
    fn finish(
        self,
        kind: &str,
        base: &[SeriesYears],
        variants: Vec<VariantInfo>,
        findings: Findings,
    ) -> Result<StudyOutcome> {
        let sc = &self.base;
        let loaded = &self.bundle.loaded;
        let o = &self.options.run;
        let info = StudyInfo {
            kind: kind.to_owned(),
            fleetsim_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: sc.name.clone(),
            scenario_path: loaded.path.display().to_string(),
            scenario_sha256: loaded.sha256.clone(),
            description: sc.description.clone(),
            currency: sc.currency.clone(),
            seed: sc.seed,
            replications: sc.replications,
            horizon_years: sc.horizon_years,
            threads: o.threads,
            wall_time_seconds: self.started.elapsed().as_secs_f64(),
            return_period: self.options.return_period,
            perspective: o
                .report
                .as_ref()
                .map_or("retained", |r| r.perspective.name())
                .to_owned(),
            variants,
        };
        let folder = output::study::write_study(&o.out_root, &info, &findings, base)?;
        Ok(StudyOutcome {
            folder,
            info,
            findings,
        })
    }
}

/// A value as a table cell: a string without its TOML quotes, anything else as TOML writes it.
fn plain(v: &toml::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// A value as a point on the chart's x axis, when it is a number.
fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or(v.as_integer().map(|i| i as f64))
}

fn baseline_info() -> VariantInfo {
    VariantInfo {
        label: "baseline".to_owned(),
        description: "The scenario as written.".to_owned(),
        changes: Vec::new(),
    }
}

fn policy_info(p: &Policy) -> VariantInfo {
    VariantInfo {
        label: p.name.clone(),
        description: p.description.clone(),
        changes: p.changes.iter().map(Change::text).collect(),
    }
}
