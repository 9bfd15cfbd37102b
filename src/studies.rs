//! The study pipelines behind `fleetsim compare`, `sweep` and `sensitivity`: read a scenario
//! with its policies, run every variant on the scenario's seed (so on common random numbers),
//! compare the runs ([`paired`]) and write the study's folder ([`output::study`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::output::manifest::{StudyInfo, VariantInfo};
use crate::scenario::overlay::{self, Change, Op, Origin, Policy};
use crate::scenario::{self, Scenario, Study};
use crate::stats::paired::{self, Findings, Row, SeriesYears, SweepPoint, Swing};
use crate::{Progress, RunOptions, experiment, output};

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

/// The scenario with its own policies and those of the policy files.
///
/// Every policy and sensitivity value, of the scenario file and of the policy files, is applied
/// and validated, whether the command uses it or not, as `fleetsim check` does: a file with a
/// broken entry is refused whole rather than found out on the day that entry is used.
fn load(path: &Path, options: &StudyOptions) -> Result<Study> {
    crate::check_options(&options.run, 2)?;
    let mut study = scenario::load_study(path)?;
    for f in &options.policy_files {
        let (policies, params) = scenario::load_policy_file(f)?;
        study.add(policies, params)?;
    }
    study.check()?;
    Ok(study)
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

/// Runs the baseline and each named policy (all the file's policies when `names` is empty)
/// and compares each policy with the baseline.
pub fn compare_file(
    path: &Path,
    names: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    given_twice("--policy", names.iter().map(String::as_str))?;
    let study = load(path, options)?;
    let policies: Vec<Policy> = if names.is_empty() {
        if study.policies.is_empty() {
            return Err(Error::Policy(vec![format!(
                "{} has no [[policy]], nor has any --policies file: name one with --policy (built in: {})",
                path.display(),
                builtin_names()
            )]));
        }
        study.policies.clone()
    } else {
        let mut found = Vec::new();
        let mut unknown = Vec::new();
        for n in names {
            match study.policy(n) {
                Some(p) => found.push(p),
                None => unknown.push(n.clone()),
            }
        }
        if !unknown.is_empty() {
            let own: Vec<&str> = study.policies.iter().map(|p| p.name.as_str()).collect();
            return Err(Error::Policy(vec![format!(
                "--policy {}: no such policy in {} ({}) or built in ({})",
                unknown.join(", "),
                path.display(),
                if own.is_empty() {
                    "none".to_owned()
                } else {
                    own.join(", ")
                },
                builtin_names()
            )]));
        }
        found
    };
    let scenarios = prepare(&study, study.variants(&policies)?, 1, options)?;
    let ctx = Ctx::new(&study, options);
    let started = Instant::now();
    let base = run(overridden(&study, options)?, "baseline", options, progress)?;
    let mut rows = Vec::new();
    let mut infos = vec![baseline_info()];
    for (policy, sc) in policies.iter().zip(scenarios) {
        let v = run(sc, &policy.name, options, progress)?;
        rows.extend(compare(&policy.name, &base, &v, &ctx));
        infos.push(policy_info(policy));
    }
    finish(
        "compare",
        &study,
        &base,
        infos,
        Findings::Compare(rows),
        options,
        started,
    )
}

/// Runs every point of the grid of `params` (`FIELD=V1,V2,…` or `FIELD=START..END:STEP`)
/// and compares each with the first.
pub fn sweep_file(
    path: &Path,
    params: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    let study = load(path, options)?;
    let mut axes = Vec::new();
    let mut problems = Vec::new();
    for p in params {
        match overlay::parse_values(p) {
            Ok((field, values)) if !values.is_empty() => axes.push((p.clone(), field, values)),
            Ok(_) => problems.push(format!("--param {p:?}: no values")),
            Err(e) => problems.push(format!("--param {e}")),
        }
    }
    if axes.is_empty() && problems.is_empty() {
        problems.push("sweep needs at least one --param FIELD=V1,V2,…".to_owned());
    }
    if problems.is_empty() {
        given_twice("--param for", axes.iter().map(|(_, f, _)| f.as_str()))?;
    }
    if !problems.is_empty() {
        return Err(Error::Policy(problems));
    }
    // The grid, the last field varying fastest.
    let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
    for (_, _, values) in &axes {
        grid = grid
            .into_iter()
            .flat_map(|g| {
                (0..values.len()).map(move |i| {
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
    let policies: Vec<Policy> = grid
        .iter()
        .map(|g| {
            Policy::of(
                axes.iter()
                    .zip(g)
                    .map(|((arg, field, values), &i)| Change {
                        field: field.clone(),
                        op: Op::Set(values[i].clone()),
                        origin: Origin::CommandLine(format!("--param {arg}")),
                    })
                    .collect(),
            )
        })
        .collect();
    let scenarios = prepare(&study, study.variants(&policies)?, 1, options)?;
    let ctx = Ctx::new(&study, options);
    let started = Instant::now();
    let mut first: Option<Vec<SeriesYears>> = None;
    let mut points = Vec::new();
    let mut infos = Vec::new();
    for ((policy, sc), g) in policies.iter().zip(scenarios).zip(&grid) {
        let v = run(sc, &policy.name, options, progress)?;
        let base = first.get_or_insert_with(|| v.clone());
        let values: Vec<String> = axes
            .iter()
            .zip(g)
            .map(|((_, _, vals), &i)| plain(&vals[i]))
            .collect();
        let x = axes.first().and_then(|(_, _, vals)| {
            let v = &vals[g[0]];
            v.as_float().or(v.as_integer().map(|i| i as f64))
        });
        points.push(SweepPoint {
            values,
            x,
            rows: compare(&policy.name, base, &v, &ctx),
        });
        infos.push(policy_info(policy));
    }
    let base = first.unwrap_or_default();
    let fields = axes.into_iter().map(|(_, f, _)| f).collect();
    finish(
        "sweep",
        &study,
        &base,
        infos,
        Findings::Sweep { fields, points },
        options,
        started,
    )
}

/// Runs each parameter's low and high value (from `params`, `FIELD=LOW,HIGH`, else the file's
/// `[[sensitivity]]`) and the baseline, and measures each parameter's swing.
pub fn sensitivity_file(
    path: &Path,
    params: &[String],
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<StudyOutcome> {
    let study = load(path, options)?;
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
        list = study.params.clone();
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
    let policies: Vec<(Policy, Policy)> = list
        .iter()
        .map(|p| (p.policy(&p.low), p.policy(&p.high)))
        .collect();
    let flat: Vec<Policy> = policies
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let scenarios = prepare(&study, study.variants(&flat)?, 2, options)?;
    let ctx = Ctx::new(&study, options);
    let started = Instant::now();
    let base = run(overridden(&study, options)?, "baseline", options, progress)?;
    let mut swings = Vec::new();
    let mut infos = vec![baseline_info()];
    let mut it = scenarios.into_iter();
    for (p, (low, high)) in list.iter().zip(&policies) {
        let (Some(sl), Some(sh)) = (it.next(), it.next()) else {
            break;
        };
        let l = run(sl, &low.name, options, progress)?;
        let h = run(sh, &high.name, options, progress)?;
        swings.push(Swing {
            field: p.field.clone(),
            low: plain(&p.low),
            high: plain(&p.high),
            rows: compare(&p.field, &l, &h, &ctx),
        });
        infos.push(policy_info(low));
        infos.push(policy_info(high));
    }
    finish(
        "sensitivity",
        &study,
        &base,
        infos,
        Findings::Sensitivity(swings),
        options,
        started,
    )
}

fn builtin_names() -> String {
    overlay::builtin()
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A scenario with the study's replications and seed from the command line.
fn with_options(mut sc: Scenario, options: &StudyOptions) -> Result<Scenario> {
    let o = &options.run;
    if let Some(n) = o.replications {
        sc.replications = n;
    }
    if let Some(s) = o.seed {
        sc.seed = s;
    }
    if sc.replications < 2 {
        return Err(Error::Policy(vec![format!(
            "{}: a study needs at least 2 replications to give intervals, found {}",
            sc.name, sc.replications
        )]));
    }
    Ok(sc)
}

/// The study's own scenario, with the command line's replications and seed.
fn overridden(study: &Study, options: &StudyOptions) -> Result<Scenario> {
    with_options(study.loaded.scenario.clone(), options)
}

/// The variants with the command line's replications and seed; refuses the study, before its
/// first run, when its largest run with the `kept` runs' series it holds would not fit.
fn prepare(
    study: &Study,
    variants: Vec<Scenario>,
    kept: usize,
    options: &StudyOptions,
) -> Result<Vec<Scenario>> {
    let base = overridden(study, options)?;
    let variants = variants
        .into_iter()
        .map(|v| with_options(v, options))
        .collect::<Result<Vec<_>>>()?;
    let all: Vec<&Scenario> = std::iter::once(&base).chain(&variants).collect();
    crate::memory::estimate_study(&all, options.run.threads, kept).check(
        &format!("the study of scenario {}", base.name),
        options.run.memory_limit,
    )?;
    Ok(variants)
}

/// Runs one variant (already with the study's replications and seed); its series' yearly
/// losses.
fn run(
    sc: Scenario,
    label: &str,
    options: &StudyOptions,
    progress: &dyn Progress,
) -> Result<Vec<SeriesYears>> {
    let sc = Arc::new(sc);
    let config = experiment::RunConfig {
        threads: options.run.threads.max(1),
        keep_elt: false,
    };
    let layout = crate::outcome::Layout::new(&sc);
    progress.start(label, u64::from(sc.replications));
    let results = experiment::run(&sc, &config, &layout, &|| progress.advance())?;
    Ok(paired::series_years(&sc, &results))
}

/// What the comparisons of one study share: the horizon and replications (no policy changes
/// them), the bootstrap's resamples of the replications (drawn once, from the seed), and the
/// return period compared.
struct Ctx {
    horizon: usize,
    resamples: Vec<Vec<usize>>,
    return_period: f64,
}

impl Ctx {
    fn new(study: &Study, options: &StudyOptions) -> Self {
        let sc = &study.loaded.scenario;
        let replications = options.run.replications.unwrap_or(sc.replications) as usize;
        let seed = options.run.seed.unwrap_or(sc.seed);
        Ctx {
            horizon: sc.horizon_years as usize,
            resamples: paired::resamples(seed, replications, paired::BOOTSTRAP),
            return_period: options.return_period,
        }
    }
}

fn compare(label: &str, base: &[SeriesYears], variant: &[SeriesYears], ctx: &Ctx) -> Vec<Row> {
    paired::compare(
        label,
        base,
        variant,
        ctx.horizon,
        ctx.return_period,
        &ctx.resamples,
    )
}

/// A value as a table cell: a string without its TOML quotes, anything else as TOML writes it.
fn plain(v: &toml::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
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

fn finish(
    kind: &str,
    study: &Study,
    base: &[SeriesYears],
    variants: Vec<VariantInfo>,
    findings: Findings,
    options: &StudyOptions,
    started: Instant,
) -> Result<StudyOutcome> {
    let sc = &study.loaded.scenario;
    let o = &options.run;
    let info = StudyInfo {
        kind: kind.to_owned(),
        fleetsim_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: sc.name.clone(),
        scenario_path: study.loaded.path.display().to_string(),
        scenario_sha256: study.loaded.sha256.clone(),
        description: sc.description.clone(),
        currency: sc.currency.clone(),
        seed: o.seed.unwrap_or(sc.seed),
        replications: o.replications.unwrap_or(sc.replications),
        horizon_years: sc.horizon_years,
        threads: o.threads.max(1),
        wall_time_seconds: started.elapsed().as_secs_f64(),
        return_period: options.return_period,
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
