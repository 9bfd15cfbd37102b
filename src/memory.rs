//! The memory a run, a study or a report needs, estimated part by part before anything starts,
//! so that what this machine cannot hold is refused at once, with its breakdown, rather than
//! swapping, aborting or being killed half way.
//!
//! Every part that grows with the scenario or the command line is counted: the worlds (one per
//! worker thread) with their devices, vulnerabilities and outbreak steps, the buffers of one
//! replication's harms, and what each replication keeps until the end (its year loss table,
//! counts, event loss table rows, outbreak samples, vulnerability and recall records), then
//! what the statistics, the report or a study add on top. Sizes come from `size_of` of the
//! real types where a type is kept, so the estimate follows the types as they change.

use std::mem::size_of;
use std::path::Path;

use crate::error::{Error, Result};
use crate::outcome::{
    BotnetSample, EltRow, HarmRecord, Layout, RecallRecord, ReplicationResult, VulnerabilityRecord,
};
use crate::output::read::{self, BotnetRow, SeriesData};
use crate::scenario::events::Timing;
use crate::scenario::{FaultKind, Scenario};
use crate::sim::mechanisms::vulnerabilities::Vulnerability;
use crate::sim::messages::Incident;

/// Bytes per device in a world: its components, the entity's bookkeeping and its share of the
/// agenda. Measured on the benchmark fleet (see README), rounded up.
const BYTES_PER_DEVICE: f64 = 130.0;
/// Extra bytes per device that can be breached: posture, infection, group slot, next attack.
const BYTES_PER_BREACHABLE: f64 = 64.0;
/// Rows of the event loss table per harm and regime when its root-cause party is identified:
/// the total's ground-up and paid or uncompensated rows, and, when it is paid, each paying
/// party's gross, net and retained rows (measured on the bundled scenarios: 2.5 to 6.4).
const ELT_ROWS_IDENTIFIED: f64 = 5.0;
/// Rows when nobody is identified: ground-up and uncompensated.
const ELT_ROWS_UNIDENTIFIED: f64 = 2.0;
/// What the allocator adds to each heap block (glibc: one 16-byte header), for the small
/// vectors every replication keeps.
const BLOCK_OVERHEAD: f64 = 16.0;
/// Heap blocks each replication's result keeps: year_loss, year_max, insolvent years, three
/// tally vectors, event rows, recalls, outbreak samples, vulnerabilities.
const BLOCKS_PER_RESULT: f64 = 10.0;
/// Bytes of one slot of the outbreak's recovery agenda: a `Vec` header per step.
const BYTES_PER_STEP: f64 = size_of::<Vec<(u64, u8)>>() as f64;
/// Bytes of one recovery waiting in that agenda: an entity and how it ends.
const BYTES_PER_RECOVERY: f64 = 16.0;
/// Bytes of one member of an outbreak group: an entity.
const BYTES_PER_MEMBER: f64 = 8.0;

/// The bytes of the element type of a vector field of `T`, read from the field itself so that
/// the estimate follows a change of type (money from f64 to i128 cents, say).
fn elem<T, E>(_field: fn(&T) -> &Vec<E>) -> f64 {
    size_of::<E>() as f64
}

/// When a part of the estimate is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Until the end: the results every replication keeps, a study's kept series.
    Kept,
    /// While the replications run: the worlds and their buffers, freed after.
    Simulation,
    /// After the replications: statistics, the report's tables read back, comparisons.
    After,
}

/// One counted part.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub phase: Phase,
    pub bytes: f64,
}

/// An estimate of the memory a command needs, part by part. The peak is what is kept plus the
/// larger of the two phases, which do not overlap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryEstimate {
    pub parts: Vec<Part>,
}

impl MemoryEstimate {
    fn add(&mut self, phase: Phase, name: impl Into<String>, bytes: f64) {
        self.parts.push(Part {
            name: name.into(),
            phase,
            bytes: bytes.max(0.0),
        });
    }

    fn phase(&self, phase: Phase) -> f64 {
        self.parts
            .iter()
            .filter(|p| p.phase == phase)
            .map(|p| p.bytes)
            .sum()
    }

    /// The peak, in bytes (saturating: an absurd scenario gives `u64::MAX`, not a wrap).
    pub fn bytes(&self) -> u64 {
        let peak =
            self.phase(Phase::Kept) + self.phase(Phase::Simulation).max(self.phase(Phase::After));
        if peak.is_finite() {
            peak as u64
        } else {
            u64::MAX
        }
    }

    /// The parts, phase by phase, in MiB; parts under 0.05 MiB are left out.
    pub fn detail(&self) -> String {
        let mut out = Vec::new();
        for (phase, title) in [
            (Phase::Kept, "kept to the end"),
            (Phase::Simulation, "while simulating"),
            (Phase::After, "after the replications"),
        ] {
            let parts: Vec<String> = self
                .parts
                .iter()
                .filter(|p| p.phase == phase && p.bytes >= 0.05 * MIB)
                .map(|p| format!("{} {}", p.name, mib(p.bytes)))
                .collect();
            if !parts.is_empty() {
                out.push(format!("{title}: {}", parts.join(", ")));
            }
        }
        if out.is_empty() {
            "every part under 0.1 MiB".to_owned()
        } else {
            out.join("; ")
        }
    }

    /// Refuses `what` (a scenario's or a folder's name) when the peak exceeds `available`
    /// bytes.
    pub fn check(&self, what: &str, available: u64) -> Result<()> {
        let needed = self.bytes();
        if needed > available {
            return Err(Error::TooLarge {
                scenario: what.to_owned(),
                needed_mib: needed / (1 << 20),
                available_mib: available / (1 << 20),
                detail: self.detail(),
            });
        }
        Ok(())
    }
}

const MIB: f64 = 1_048_576.0;

/// Bytes as MiB with one decimal, or in scientific notation when too large to read.
pub fn mib(bytes: f64) -> String {
    let m = bytes / MIB;
    if m < 1e7 {
        format!("{m:.1} MiB")
    } else {
        format!("{m:.2e} MiB")
    }
}

/// What one replication of a scenario is expected to produce, roughly: the counts that size
/// its buffers and records.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Load {
    /// Incidents over the horizon, harmful or not (they pass through the step's messages).
    pub incidents: f64,
    /// Harmful incidents over the horizon: the harms a worker gathers and settles.
    pub harms: f64,
    /// Of those, the data thefts whose root-cause party is not identified.
    pub unidentified: f64,
    /// Vulnerabilities disclosed over the horizon, every class.
    pub vulnerabilities: f64,
    /// Steps of the outbreak (its duration cut at the horizon, over the step length).
    pub outbreak_steps: f64,
    /// Rows of the outbreak's time series.
    pub outbreak_samples: f64,
    /// Fleet devices an outbreak can recruit: exposed, with a guessable login or an exploit.
    pub susceptible: f64,
    /// Recruitments of fleet devices, first or not.
    pub recruitments: f64,
}

/// Each source of outbreaks with the outbreaks it is expected to have in a replication (a
/// fixed day: one, or none after the horizon; a frequency: its mean count over the horizon)
/// and the days each runs within the horizon. Like every figure here, an expectation: a
/// replication with more outbreaks than the mean holds more for a while.
pub fn outbreaks(scenario: &Scenario) -> Vec<(&crate::scenario::Botnet, f64, f64)> {
    let h = scenario.horizon_days();
    scenario
        .events
        .iter()
        .filter_map(|e| {
            let b = e.botnet()?;
            let days = match e.timing {
                Timing::Fixed { .. } => b.days_within(h),
                Timing::Frequency { .. } => b.duration_days.min(h),
            };
            let n = e.timing.expected(h);
            (n > 0.0 && days > 0.0).then_some((b, n, days))
        })
        .collect()
}

/// Expected incidents of the fault mechanisms of one class over `h` days, per device;
/// `harmful` weights each by its probability of harm. Each mechanism gives its own expectation
/// (in `scenario/mechanisms/`).
fn fault_incidents(c: &crate::scenario::DeviceClass, h: f64, harmful: bool) -> f64 {
    let p = |x: f64| if harmful { x } else { 1.0 };
    let wear: f64 = c
        .wear_out
        .iter()
        .map(|w| w.expected_incidents(h) * p(w.consequence.harm_probability))
        .sum();
    let firmware = c.firmware_bug.as_ref().map_or(0.0, |b| {
        b.expected_incidents(h) * p(b.consequence.harm_probability)
    });
    let drift = c.sensor_drift.as_ref().map_or(0.0, |d| {
        d.expected_incidents(h) * p(d.consequence.harm_probability)
    });
    let install = c.installation_error.as_ref().map_or(0.0, |e| {
        e.expected_incidents() * p(e.consequence.harm_probability)
    });
    let exploit = c.vulnerabilities.as_ref().map_or(0.0, |v| {
        v.expected_incidents(h) * p(v.consequence.map_or(0.0, |k| k.harm_probability))
    });
    wear + firmware + drift + install + exploit
}

/// Devices of each class a replication's mass exploitations are expected to breach: expected
/// events × the class's devices, when the class is exposed (every device open, as a bound).
fn mass_breaches(scenario: &Scenario) -> Vec<f64> {
    let h = scenario.horizon_days();
    let mut out = vec![0.0; scenario.classes.len()];
    for source in &scenario.events {
        let Some(m) = source.mass_exploitation() else {
            continue;
        };
        for &c in &m.classes {
            let class = &scenario.classes[usize::from(c)];
            if class.security.as_ref().is_some_and(|x| x.exposed) {
                out[usize::from(c)] += source.timing.expected(h) * f64::from(class.count);
            }
        }
    }
    out
}

/// What one replication of `scenario` is expected to produce.
pub fn load(scenario: &Scenario) -> Load {
    let h = scenario.horizon_days();
    let outbreaks = outbreaks(scenario);
    let mut l = Load::default();
    for &(b, n, days) in &outbreaks {
        // One outbreak runs at a time; the series of all of them is kept.
        l.outbreak_steps = l.outbreak_steps.max(b.steps(days));
        l.outbreak_samples += n * b.samples(days);
    }
    for (c, mass) in scenario.classes.iter().zip(mass_breaches(scenario)) {
        let n = f64::from(c.count);
        l.incidents += n * fault_incidents(c, h, false);
        l.harms += n * fault_incidents(c, h, true);
        // Each mass breach is an exploit incident when the class's exploits do harm.
        if let Some(k) = c
            .vulnerabilities
            .as_ref()
            .and_then(|v| v.consequence.as_ref())
        {
            l.incidents += mass;
            l.harms += mass * k.harm_probability;
        }
        l.vulnerabilities += c
            .vulnerabilities
            .as_ref()
            .map_or(0.0, |v| v.expected_disclosed(h));
        // The outbreak recruits each susceptible device once, and again after each reboot or
        // clean-up during its days.
        let (susceptible, recruitments) = match c.security.as_ref() {
            Some(x) if x.exposed && !outbreaks.is_empty() => {
                let s = if x.recruitable(c.vulnerabilities.is_some()) {
                    n
                } else {
                    0.0
                };
                let each: f64 = outbreaks
                    .iter()
                    .map(|&(_, k, days)| k * x.recruitments(days))
                    .sum();
                (s, s * each)
            }
            _ => (0.0, 0.0),
        };
        l.susceptible += susceptible;
        l.recruitments += recruitments;
        let attacks = c
            .vulnerabilities
            .as_ref()
            .map_or(0.0, |v| v.expected_incidents(h));
        if let Some(d) = &c.data_theft {
            // An outbreak takes a device's data at its first breach only, unless the data is
            // replenished: then every recruitment may leak again.
            let outbreak_breaches = if d.replenish_per_day > 0.0 {
                recruitments
            } else {
                let n_outbreaks: f64 = outbreaks.iter().map(|&(_, k, _)| k).sum();
                recruitments.min(susceptible * n_outbreaks)
            };
            let thefts = d.expected_incidents(outbreak_breaches + n * attacks + mass, h);
            l.incidents += thefts;
            l.harms += thefts;
            l.unidentified += thefts * (1.0 - d.identified_probability);
        }
        // A DDoS attack makes one claim per class whose devices take part.
        if c.security.is_some() {
            let ddos: f64 = outbreaks
                .iter()
                .map(|&(b, k, days)| k * b.expected_attacks(days))
                .sum();
            l.incidents += ddos;
            l.harms += ddos;
        }
    }
    let systemic = systemic_incidents(scenario);
    l.incidents += systemic;
    l.harms += systemic;
    l
}

/// Expected incidents of the faulty updates and outages of one replication (every one
/// harmful): for an update, its expected events × the devices of the classes it reaches ×
/// the expected share harmed; for an outage, one per class reached per event.
fn systemic_incidents(scenario: &Scenario) -> f64 {
    let h = scenario.horizon_days();
    let devices = |classes: &[(u16, crate::scenario::Culprit)]| -> f64 {
        classes
            .iter()
            .map(|&(c, _)| f64::from(scenario.classes[usize::from(c)].count))
            .sum()
    };
    scenario
        .events
        .iter()
        .map(|e| {
            let n = e.timing.expected(h);
            if let Some(u) = e.faulty_update() {
                n * devices(&u.targets.classes) * u.expected_harmed()
            } else if let Some(o) = e.outage() {
                n * o.targets.classes.len() as f64
            } else {
                0.0
            }
        })
        .sum()
}

impl Load {
    /// Rows of the event loss table per regime.
    pub fn elt_rows(&self) -> f64 {
        (self.harms - self.unidentified) * ELT_ROWS_IDENTIFIED
            + self.unidentified * ELT_ROWS_UNIDENTIFIED
    }
}

/// Expected harmful incidents per device over the horizon, to size a worker's harm buffer.
pub fn expected_harms_per_device(scenario: &Scenario) -> f64 {
    load(scenario).harms / scenario.device_count().max(1) as f64
}

/// What a run is asked to keep and draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub threads: usize,
    pub keep_elt: bool,
    /// The report is drawn: its tables are read back while the results are still held.
    pub report: bool,
}

/// The bytes one replication's result keeps until the end.
fn result_bytes(
    scenario: &Scenario,
    l: &Load,
    cols: f64,
    keep_elt: bool,
) -> [(&'static str, f64); 4] {
    let years = f64::from(scenario.horizon_years);
    let parties = scenario.parties.len() as f64;
    let regimes = scenario.terms.liability.regimes.len() as f64;
    let kinds = FaultKind::ALL.len() as f64;
    let cell =
        elem(|r: &ReplicationResult| &r.year_loss) + elem(|r: &ReplicationResult| &r.year_max);
    let ylt = years * cols * cell
        + regimes * parties * elem(|r: &ReplicationResult| &r.insolvent_years)
        + size_of::<ReplicationResult>() as f64
        + BLOCKS_PER_RESULT * BLOCK_OVERHEAD;
    let tally =
        years * kinds * (parties + 1.0) * 2.0 * elem(|t: &crate::outcome::Tally| &t.incidents)
            + kinds * years * 12.0 * elem(|t: &crate::outcome::Tally| &t.monthly);
    let records = l.outbreak_samples * size_of::<BotnetSample>() as f64
        + l.vulnerabilities * size_of::<VulnerabilityRecord>() as f64
        + scenario.terms.recalls.len() as f64 * size_of::<RecallRecord>() as f64;
    let elt = if keep_elt {
        l.elt_rows() * regimes * size_of::<EltRow>() as f64
    } else {
        0.0
    };
    [
        ("year loss table", ylt),
        ("incident counts", tally),
        ("outbreak, vulnerability and recall records", records),
        ("event loss table", elt),
    ]
}

/// Estimates the memory of a run of `scenario` (with its replications as they will run).
pub fn estimate_run(scenario: &Scenario, shape: &Shape) -> MemoryEstimate {
    let mut e = MemoryEstimate::default();
    let l = load(scenario);
    let reps = f64::from(scenario.replications);
    let cols = Layout::new(scenario).len() as f64;
    for (name, bytes) in result_bytes(scenario, &l, cols, shape.keep_elt) {
        e.add(Phase::Kept, name, bytes * reps);
    }
    simulation(&mut e, scenario, &l, shape);
    // Statistics take each series in turn: its years and largest amounts, both sorted, and
    // their TVaR curves.
    let years = reps * f64::from(scenario.horizon_years);
    e.add(
        Phase::After,
        "statistics",
        6.0 * years * size_of::<f64>() as f64,
    );
    if shape.report {
        let botnet_rows = reps * l.outbreak_samples;
        e.add_report(cols * years, botnet_rows, years);
    }
    e
}

impl MemoryEstimate {
    /// The report's part: `cells` series-years read back (each year's sum and largest amount),
    /// `botnet_rows` outbreak rows, and the copies it sorts of a series of `years` years.
    fn add_report(&mut self, cells: f64, botnet_rows: f64, years: f64) {
        let cell = elem(|s: &SeriesData| &s.annual) + elem(|s: &SeriesData| &s.largest);
        self.add(
            Phase::After,
            "report tables read back",
            cells * cell + botnet_rows * size_of::<BotnetRow>() as f64,
        );
        self.add(
            Phase::After,
            "report charts",
            3.0 * years * size_of::<f64>() as f64,
        );
    }
}

/// The simulation phase: a world per worker with its buffers.
fn simulation(e: &mut MemoryEstimate, scenario: &Scenario, l: &Load, shape: &Shape) {
    let workers = shape
        .threads
        .clamp(1, scenario.replications.max(1) as usize) as f64;
    let devices = scenario.device_count() as f64;
    let breachable: f64 = scenario
        .classes
        .iter()
        .filter(|c| c.security.is_some() || c.vulnerabilities.is_some())
        .map(|c| f64::from(c.count))
        .sum();
    let years = f64::from(scenario.horizon_years).max(1.0);
    let regimes = scenario.terms.liability.regimes.len() as f64;
    let w = |x: f64| x * workers;
    e.add(
        Phase::Simulation,
        format!("{workers} world(s) of {devices} devices"),
        w(devices * BYTES_PER_DEVICE + breachable * BYTES_PER_BREACHABLE),
    );
    e.add(
        Phase::Simulation,
        format!("{:.0} vulnerabilities per world", l.vulnerabilities),
        w(l.vulnerabilities * size_of::<Vulnerability>() as f64),
    );
    // A worker gathers a replication's harms, and a year's incidents pass through the step's
    // messages (two buffers) and its harm log.
    let harm = size_of::<HarmRecord>() as f64;
    e.add(
        Phase::Simulation,
        format!("{:.0} harms per replication", l.harms),
        w(l.harms * harm
            + l.harms / years * harm
            + 2.0 * l.incidents / years * size_of::<Incident>() as f64),
    );
    e.add(
        Phase::Simulation,
        format!("outbreak of {:.0} steps", l.outbreak_steps),
        w((l.outbreak_steps + 1.0) * BYTES_PER_STEP
            + l.recruitments * BYTES_PER_RECOVERY
            + l.susceptible * BYTES_PER_MEMBER),
    );
    if shape.keep_elt {
        // The event rows of a replication are sorted by regime at its end, a stable sort
        // with a buffer of half their size.
        e.add(
            Phase::Simulation,
            "event rows being sorted",
            w(0.5 * l.elt_rows() * regimes * size_of::<EltRow>() as f64),
        );
    }
}

/// Estimates a study: every variant is run in turn (without event table or report), with the
/// bootstrap's resamples and `kept` runs' series held throughout.
pub fn estimate_study(variants: &[&Scenario], threads: usize, kept: usize) -> MemoryEstimate {
    let mut worst = MemoryEstimate::default();
    for sc in variants {
        let shape = Shape {
            threads,
            keep_elt: false,
            report: false,
        };
        let mut e = estimate_run(sc, &shape);
        // A study does not summarise a run: it turns its results into series (one f64 per
        // series-year), compares them two at a time and keeps some.
        e.parts.retain(|p| p.name != "statistics");
        let reps = f64::from(sc.replications);
        let years = reps * f64::from(sc.horizon_years);
        let series = Layout::new(sc).len() as f64
            * years
            * elem(|s: &crate::stats::paired::SeriesYears| &s.annual);
        e.add(Phase::After, "series of the run", series);
        e.add(
            Phase::After,
            "comparison",
            4.0 * years * size_of::<f64>() as f64,
        );
        e.add(
            Phase::Kept,
            format!("series of {kept} run(s) kept"),
            series * kept as f64,
        );
        e.add(
            Phase::Kept,
            "bootstrap resamples",
            crate::stats::paired::RESAMPLES as f64
                * (reps * size_of::<usize>() as f64 + BLOCK_OVERHEAD),
        );
        if e.bytes() >= worst.bytes() {
            worst = e;
        }
    }
    worst
}

/// Estimates `fleetsim report` on a folder: `series` series of `years` years each (from its
/// manifest and summary), read from a year loss table of `ylt_bytes` bytes, and a botnet
/// table of `botnet_bytes` bytes. A table cannot hold more rows than its bytes allow, so a
/// manifest that overstates is bounded by the files.
pub fn estimate_report(
    series: usize,
    years: u64,
    ylt_bytes: u64,
    botnet_bytes: u64,
) -> MemoryEstimate {
    // The shortest possible rows: "0,0,a,b,c,0,0\n" and nine one-digit fields.
    const MIN_YLT_ROW: f64 = 14.0;
    const MIN_BOTNET_ROW: f64 = 18.0;
    let cells = (series as f64 * years as f64).min(ylt_bytes as f64 / MIN_YLT_ROW);
    let mut e = MemoryEstimate::default();
    e.add_report(cells, botnet_bytes as f64 / MIN_BOTNET_ROW, years as f64);
    e
}

/// Estimates `fleetsim report` on the run folder `dir`, from its series and the sizes of its
/// tables ([`read::folder_size`]).
pub fn report_memory(dir: &Path) -> Result<MemoryEstimate> {
    let s = read::folder_size(dir)?;
    Ok(estimate_report(
        s.series,
        s.years,
        s.ylt_bytes,
        s.botnet_bytes,
    ))
}
