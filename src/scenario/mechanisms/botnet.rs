//! A botnet outbreak: Mirai-like random scanning of the fleet and the rest of the internet, in
//! short steps, with DDoS attacks on third parties, `[botnet]`; simulated by
//! `sim/mechanisms/botnet.rs`.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, chain_expected, not_in_lineage};
use crate::scenario::kinds::Role;
use crate::scenario::param::{self, Bounds, Param, RawParam};
use crate::scenario::path::FieldPath;

/// Shortest outbreak step, in minutes.
pub const MIN_STEP_MINUTES: f64 = 0.1;

/// Most outbreak steps: the outbreak keeps a list per step, and a DDoS attack is keyed by its
/// step in 24 bits.
pub const MAX_OUTBREAK_STEPS: f64 = 2_000_000.0;

/// Most DDoS attacks in one outbreak step on average; each attack of a step is keyed by its
/// number below 256, so the mean must stay far below that.
pub const MAX_ATTACKS_PER_STEP: f64 = 25.0;

/// `[botnet]`: one Mirai-like random-scanning outbreak.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawBotnet {
    /// Day the outbreak starts (in `[botnet]`; in an `[[event_source]]`, the source's timing).
    #[serde(default)]
    pub start_day: Option<f64>,
    /// Days it lasts (the simulation steps finely only over these days).
    pub duration_days: f64,
    /// Length of a spread step in minutes (default 5; keep it well under the doubling time).
    #[serde(default)]
    pub step_minutes: Option<f64>,
    /// Scans per second per bot.
    /// (A number, or a distribution drawn per outbreak: `{ low, high }`, `{ median, sigma }`.)
    pub scans_per_second: RawParam,
    /// Size of the scanned address space (default 2^32, IPv4).
    #[serde(default)]
    pub address_space: Option<f64>,
    /// Vulnerable hosts outside the fleet (the rest of the internet).
    #[serde(default)]
    pub external_vulnerable: Option<RawParam>,
    /// Bots outside the fleet when the outbreak starts (at least 1).
    pub initial_bots: RawParam,
    /// Reboot rate per day of bots outside the fleet.
    #[serde(default)]
    pub external_reboot_per_day: Option<f64>,
    /// Minutes between rows of botnet.csv (default 60).
    #[serde(default)]
    pub record_every_minutes: Option<f64>,
    /// DDoS attacks launched with the botnet.
    #[serde(default)]
    pub ddos: Option<RawDdos>,
}

/// `[botnet.ddos]`: attacks on third parties.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawDdos {
    /// Attacks per day while the outbreak lasts (Poisson).
    pub attacks_per_day: f64,
    /// Downtime cost of an attack by its size: `[[bots, cost], …]`, interpolated linearly.
    pub cost_curve: Vec<[f64; 2]>,
    /// Role, in each class's lineage, charged with that class's share (default manufacturer).
    #[serde(default)]
    #[schemars(with = "Option<Role>")]
    pub root_cause: Option<String>,
}

/// One random-scanning botnet outbreak.
#[derive(Debug, Clone)]
pub struct Botnet {
    pub start_day: f64,
    pub duration_days: f64,
    pub step_days: f64,
    /// Each a number or a distribution, drawn once per outbreak.
    pub scans_per_day: Param,
    pub address_space: f64,
    pub external_vulnerable: Param,
    pub initial_bots: Param,
    pub external_reboot_per_day: f64,
    pub record_every_days: f64,
    pub ddos: Option<Ddos>,
}

/// DDoS attacks launched with the botnet.
#[derive(Debug, Clone)]
pub struct Ddos {
    pub attacks_per_day: f64,
    /// `(bots, cost)`, sorted by bots.
    pub cost_curve: Vec<(f64, f64)>,
}

impl Ddos {
    /// Downtime cost of an attack by `bots` bots, by linear interpolation in the curve (flat
    /// beyond its ends).
    pub fn cost(&self, bots: f64) -> f64 {
        let c = &self.cost_curve;
        match c.iter().position(|&(b, _)| b >= bots) {
            None => c.last().map_or(0.0, |&(_, v)| v),
            Some(0) => c[0].1,
            Some(i) => {
                let ((b0, v0), (b1, v1)) = (c[i - 1], c[i]);
                if b1 > b0 {
                    v0 + (v1 - v0) * (bots - b0) / (b1 - b0)
                } else {
                    v1
                }
            }
        }
    }
}

impl Botnet {
    /// The days the outbreak runs within a horizon of `horizon_days`: its duration cut at the
    /// horizon, zero when it starts after it.
    pub fn days_within(&self, horizon_days: f64) -> f64 {
        ((self.start_day + self.duration_days).min(horizon_days) - self.start_day).max(0.0)
    }

    /// Steps of an outbreak of `days` days.
    pub fn steps(&self, days: f64) -> f64 {
        (days / self.step_days).ceil()
    }

    /// Rows of the time series of an outbreak of `days` days.
    pub fn samples(&self, days: f64) -> f64 {
        self.steps(days).min((days / self.record_every_days).ceil()) + 1.0
    }

    /// Expected DDoS attacks over an outbreak of `days` days, each one claim per class whose
    /// devices take part. For the memory estimate.
    pub fn expected_attacks(&self, days: f64) -> f64 {
        self.ddos.as_ref().map_or(0.0, |d| d.attacks_per_day * days)
    }
}

/// Reads an outbreak's parameters; `start_day` is its fixed day (0 for a source with a
/// frequency), `horizon_days` cuts the outbreak, and so bounds its steps.
pub fn check(
    ck: &mut Checker,
    bp: &FieldPath,
    b: &RawBotnet,
    start_day: f64,
    horizon_days: f64,
) -> Botnet {
    if let Some(d) = b.start_day {
        ck.non_negative(&bp.key("start_day"), d, "day");
    }
    ck.positive(&bp.key("duration_days"), b.duration_days, "days");
    let step = outbreak_step(ck, bp, b, start_day, horizon_days);
    let scans = drawn(
        ck,
        &bp.key("scans_per_second"),
        &b.scans_per_second,
        |ck, p, v| {
            ck.positive(p, v, "scans per second per bot");
        },
    );
    let space = ck.whole(
        &bp.key("address_space"),
        b.address_space.unwrap_or(4_294_967_296.0),
        1.0,
        f64::MAX,
        "addresses",
    );
    // Hosts live in the address space; a bad space was reported above, so it bounds nothing.
    let most = if space.is_finite() && space >= 1.0 {
        space
    } else {
        f64::MAX
    };
    let none = RawParam::Fixed(0.0);
    let ev = b.external_vulnerable.as_ref().unwrap_or(&none);
    let external = drawn(ck, &bp.key("external_vulnerable"), ev, |ck, p, v| {
        ck.whole(p, v, 0.0, most, "hosts (at most address_space)");
    });
    let initial = drawn(ck, &bp.key("initial_bots"), &b.initial_bots, |ck, p, v| {
        ck.whole(p, v, 1.0, most, "bots (at most address_space)");
    });
    let record = ck.positive(
        &bp.key("record_every_minutes"),
        b.record_every_minutes.unwrap_or(60.0),
        "minutes",
    );
    let ddos = b.ddos.as_ref().map(|d| ddos(ck, &bp.key("ddos"), d, step));
    Botnet {
        start_day,
        duration_days: b.duration_days,
        step_days: step / 1440.0,
        scans_per_day: scans.scaled(86_400.0),
        address_space: space,
        external_vulnerable: external,
        initial_bots: initial,
        external_reboot_per_day: ck.non_negative(
            &bp.key("external_reboot_per_day"),
            b.external_reboot_per_day.unwrap_or(0.0),
            "reboots per day",
        ),
        record_every_days: record / 1440.0,
        ddos,
    }
}

/// Reads a parameter of the outbreak: a number is checked by `fixed` (as it always was), a
/// distribution by the bounds of a non-negative number (a draw is rounded and clamped where
/// the simulation needs a whole number).
fn drawn(
    ck: &mut Checker,
    path: &FieldPath,
    raw: &RawParam,
    fixed: impl Fn(&mut Checker, &FieldPath, f64),
) -> Param {
    match raw {
        RawParam::Fixed(v) => {
            fixed(ck, path, *v);
            Param::Fixed(*v)
        }
        RawParam::Drawn(_) => param::check(ck, path, raw, Bounds::NonNegative("per outbreak")),
    }
}

/// Reads `[botnet.ddos]`, with the outbreak's `step` in minutes.
fn ddos(ck: &mut Checker, dp: &FieldPath, d: &RawDdos, step: f64) -> Ddos {
    ck.non_negative(
        &dp.key("attacks_per_day"),
        d.attacks_per_day,
        "attacks per day",
    );
    let per_step = d.attacks_per_day * step / 1440.0;
    if step > 0.0 && per_step > MAX_ATTACKS_PER_STEP {
        ck.report(
            &dp.key("attacks_per_day"),
            format!(
                "found {} attacks per day, {per_step:.1} in each {step}-minute step, expected at most {MAX_ATTACKS_PER_STEP} per step (at most {} a day with this step_minutes)",
                d.attacks_per_day,
                MAX_ATTACKS_PER_STEP * 1440.0 / step
            ),
        );
    }
    let mut curve: Vec<(f64, f64)> = d.cost_curve.iter().map(|&[x, y]| (x, y)).collect();
    for (i, &(x, y)) in curve.iter().enumerate() {
        if !(x >= 0.0 && y >= 0.0 && x.is_finite() && y.is_finite()) {
            ck.report(
                &dp.key("cost_curve").index(i),
                format!("found [{x}, {y}], expected [bots ≥ 0, cost ≥ 0]"),
            );
        }
    }
    if curve.is_empty() {
        ck.report(
            &dp.key("cost_curve"),
            "found an empty curve, expected at least one [bots, cost] point",
        );
    }
    curve.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ddos {
        attacks_per_day: d.attacks_per_day,
        cost_curve: curve,
    }
}

/// The role charged with each class's share of DDoS harm (`botnet.ddos.root_cause`, by default
/// the manufacturer), when the botnet has DDoS attacks and the role is one of the chain.
pub fn ddos_role(ck: &mut Checker, bp: &FieldPath, b: &RawBotnet) -> Option<Role> {
    let d = b.ddos.as_ref()?;
    let path = bp.key("ddos").key("root_cause");
    let role = d
        .root_cause
        .as_deref()
        .map_or(Some(Role::Manufacturer), |r| {
            ck.parse(&path, r, Role::parse, chain_expected)
        });
    // Reported once here, rather than once per class by its culprit.
    if role == Some(Role::Insurer) {
        ck.report(&path, not_in_lineage());
        return None;
    }
    role
}

/// The outbreak's step in minutes: at least [`MIN_STEP_MINUTES`], and long enough that the
/// outbreak, cut at the horizon, has at most [`MAX_OUTBREAK_STEPS`] steps.
fn outbreak_step(
    ck: &mut Checker,
    bp: &FieldPath,
    b: &RawBotnet,
    start_day: f64,
    horizon_days: f64,
) -> f64 {
    let path = bp.key("step_minutes");
    let step = b.step_minutes.unwrap_or(5.0);
    if !(step.is_finite() && step >= MIN_STEP_MINUTES) {
        ck.report(
            &path,
            format!("found {step}, expected at least {MIN_STEP_MINUTES} minutes"),
        );
        return step;
    }
    let start = if start_day.is_finite() {
        start_day
    } else {
        0.0
    };
    let days = (start + b.duration_days).min(horizon_days) - start;
    let steps = (days * 1440.0 / step).ceil();
    if steps > MAX_OUTBREAK_STEPS {
        ck.report(
            &path,
            format!(
                "found {step} minutes, {steps} steps over the outbreak's {days} days within the horizon, expected at most {MAX_OUTBREAK_STEPS} steps (a step of at least {} minutes)",
                (days * 1440.0 / MAX_OUTBREAK_STEPS * 1000.0).ceil() / 1000.0
            ),
        );
    }
    step
}
