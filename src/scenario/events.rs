//! Systemic event sources, `[[event_source]]`: causes that hit many devices at once (a botnet
//! outbreak, a faulty update, a mass exploitation, a back-end outage), each with an annual
//! frequency (Poisson, or negative binomial for clustering) or a fixed day, a start day drawn
//! in its year (uniformly or by a seasonal profile), and its parameters drawn per event. The
//! top-level `[botnet]` is a fixed-day source of one outbreak. Drawn by `sim/events.rs`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::Checker;
use super::class::{DeviceClass, RawDeviceClass};
use super::kinds::{DAYS_PER_YEAR, EventKind, Role};
use super::mechanisms::botnet::{self, Botnet, RawBotnet};
use super::mechanisms::faulty_update::{self, FaultyUpdate, RawFaultyUpdate};
use super::mechanisms::mass_exploitation::{self, MassExploitation, RawMassExploitation};
use super::mechanisms::outage::{self, Outage, RawOutage};
use super::path::FieldPath;
use super::targets::{self, Targets};

/// Most events a source may expect over a horizon: each event of a replication is numbered in
/// 32 bits and keys its draws with its number, and a few thousand short outbreaks are already
/// hours of simulation.
pub const MAX_EXPECTED_EVENTS: f64 = 10_000.0;

/// `[[event_source]]`: one source of systemic events.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawEventSource {
    /// A name for outputs (`events.csv`, the report).
    pub name: String,
    /// Expected events per year: the mean of a Poisson count each year (or of a negative
    /// binomial one with `dispersion`). Not with `start_day`.
    #[serde(default)]
    pub frequency: Option<f64>,
    /// The negative binomial's size r: a year's count has variance mean + mean²/r, so years
    /// with events cluster (smaller r, more clustering). Needs `frequency`.
    #[serde(default)]
    pub dispersion: Option<f64>,
    /// A fixed day instead of a frequency: exactly one event, on this day of the horizon, in
    /// every replication.
    #[serde(default)]
    pub start_day: Option<f64>,
    /// Twelve relative weights of the months an event starts in (default: uniform in the year).
    #[serde(default)]
    pub season: Option<Vec<f64>>,
    /// A botnet outbreak (its `start_day` is the source's).
    #[serde(default)]
    pub botnet: Option<RawBotnet>,
    /// A faulty update pushed to the fleet over a rollout window.
    #[serde(default)]
    pub faulty_update: Option<RawFaultyUpdate>,
    /// A back-end or cloud outage cutting off the classes that depend on it.
    #[serde(default)]
    pub outage: Option<RawOutage>,
    /// A flaw exploited across every exposed unpatched device of the classes that share it.
    #[serde(default)]
    pub mass_exploitation: Option<RawMassExploitation>,
}

/// When a source's events happen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timing {
    /// One event per replication, on this day.
    Fixed { day: f64 },
    /// A count each year: Poisson with mean `per_year`, or negative binomial of size
    /// `dispersion` with that mean.
    Frequency {
        per_year: f64,
        dispersion: Option<f64>,
    },
}

impl Timing {
    /// The expected number of events over a horizon of `horizon_days`.
    pub fn expected(&self, horizon_days: f64) -> f64 {
        match *self {
            Timing::Fixed { day } => f64::from(u8::from(day < horizon_days)),
            Timing::Frequency { per_year, .. } => per_year * horizon_days / DAYS_PER_YEAR,
        }
    }
}

/// What a source's events are, with their parameters.
#[derive(Debug, Clone)]
pub enum EventSpec {
    Botnet(Botnet),
    FaultyUpdate(FaultyUpdate),
    Outage(Outage),
    MassExploitation(MassExploitation),
}

impl EventSpec {
    pub fn kind(&self) -> EventKind {
        match self {
            EventSpec::Botnet(_) => EventKind::Botnet,
            EventSpec::FaultyUpdate(_) => EventKind::FaultyUpdate,
            EventSpec::Outage(_) => EventKind::Outage,
            EventSpec::MassExploitation(_) => EventKind::MassExploitation,
        }
    }

    /// The classes the events reach, for the kinds that name them.
    fn targets_mut(&mut self) -> Option<&mut Targets> {
        match self {
            EventSpec::Botnet(_) | EventSpec::MassExploitation(_) => None,
            EventSpec::FaultyUpdate(u) => Some(&mut u.targets),
            EventSpec::Outage(o) => Some(&mut o.targets),
        }
    }
}

/// A checked event source.
#[derive(Debug, Clone)]
pub struct EventSource {
    pub name: String,
    pub timing: Timing,
    /// Cumulative monthly weights, normalised to end at 1; `None`: uniform in the year.
    pub season: Option<[f64; 12]>,
    pub spec: EventSpec,
}

impl EventSource {
    pub fn kind(&self) -> EventKind {
        self.spec.kind()
    }

    /// The source's botnet parameters, if its events are outbreaks.
    pub fn botnet(&self) -> Option<&Botnet> {
        match &self.spec {
            EventSpec::Botnet(b) => Some(b),
            _ => None,
        }
    }

    /// The source's flaw, if its events are mass exploitations.
    pub fn mass_exploitation(&self) -> Option<&MassExploitation> {
        match &self.spec {
            EventSpec::MassExploitation(m) => Some(m),
            _ => None,
        }
    }

    /// The source's faulty update, if its events are updates.
    pub fn faulty_update(&self) -> Option<&FaultyUpdate> {
        match &self.spec {
            EventSpec::FaultyUpdate(u) => Some(u),
            _ => None,
        }
    }

    /// The source's outage, if its events are outages.
    pub fn outage(&self) -> Option<&Outage> {
        match &self.spec {
            EventSpec::Outage(o) => Some(o),
            _ => None,
        }
    }
}

/// Resolves, once the classes are checked, the classes each faulty update and outage reaches
/// and the party in each that caused it.
pub fn resolve_targets(ck: &mut Checker, sources: &mut [EventSource], classes: &[DeviceClass]) {
    for source in sources {
        if let Some(t) = source.spec.targets_mut() {
            targets::resolve(ck, t, classes);
        }
    }
}

/// The `[botnet]` of a scenario as a fixed-day source named "botnet".
pub fn from_botnet(
    ck: &mut Checker,
    bp: &FieldPath,
    b: &RawBotnet,
    horizon_days: f64,
) -> EventSource {
    let start = b.start_day.unwrap_or(f64::NAN);
    if b.start_day.is_none() {
        ck.report(
            &bp.key("start_day"),
            "missing, expected the day the outbreak starts",
        );
    }
    EventSource {
        name: "botnet".to_owned(),
        timing: Timing::Fixed { day: start },
        season: None,
        spec: EventSpec::Botnet(botnet::check(ck, bp, b, start, horizon_days)),
    }
}

/// Checks the `[botnet]` and every `[[event_source]]`, and the one role charged with the DDoS
/// attacks of every outbreak (each class answers for its share through that role).
pub fn check_sources(
    ck: &mut Checker,
    root: &FieldPath,
    (botnet, event_source): (Option<&RawBotnet>, &[RawEventSource]),
    horizon_days: f64,
    classes: &[RawDeviceClass],
) -> (Vec<EventSource>, Option<Role>) {
    let bp = root.key("botnet");
    let mut sources: Vec<EventSource> = botnet
        .iter()
        .map(|b| from_botnet(ck, &bp, b, horizon_days))
        .collect();
    let sp = root.key("event_source");
    sources.extend(check_all(ck, &sp, event_source, horizon_days, classes));
    let mut roles = botnet.into_iter().map(|b| (bp.clone(), b)).chain(
        event_source
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((sp.index(i).key("botnet"), r.botnet.as_ref()?))),
    );
    let mut role = None;
    for (path, b) in roles.by_ref() {
        let Some(r) = botnet::ddos_role(ck, &path, b) else {
            continue;
        };
        match role {
            None => role = Some(r),
            Some(first) if first != r => ck.report(
                &path.key("ddos").key("root_cause"),
                format!("found {r}, expected the role every outbreak's DDoS names ({first}): each class answers for its share of the bots through one role"),
            ),
            Some(_) => {}
        }
    }
    (sources, role)
}

/// Checks every `[[event_source]]`.
pub fn check_all(
    ck: &mut Checker,
    path: &FieldPath,
    raw: &[RawEventSource],
    horizon_days: f64,
    classes: &[RawDeviceClass],
) -> Vec<EventSource> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, r)| check(ck, &path.index(i), r, horizon_days, classes))
        .collect()
}

/// Checks one source: its timing, its season and exactly one kind.
fn check(
    ck: &mut Checker,
    p: &FieldPath,
    r: &RawEventSource,
    horizon_days: f64,
    classes: &[RawDeviceClass],
) -> Option<EventSource> {
    if r.name.trim().is_empty() {
        ck.report(
            &p.key("name"),
            "found an empty name, expected a name for outputs",
        );
    }
    let timing = timing(ck, p, r, horizon_days);
    let season = r.season.as_ref().map(|w| season(ck, &p.key("season"), w));
    let day = match timing {
        Timing::Fixed { day } => day,
        Timing::Frequency { .. } => 0.0,
    };
    let kinds = [
        r.botnet.is_some(),
        r.faulty_update.is_some(),
        r.outage.is_some(),
        r.mass_exploitation.is_some(),
    ]
    .iter()
    .filter(|&&k| k)
    .count();
    if kinds != 1 {
        ck.report(
            p,
            format!(
                "found {kinds} kinds of event, expected exactly one table of {}",
                EventKind::expected()
            ),
        );
    }
    if let Some(b) = &r.botnet
        && b.start_day.is_some()
    {
        ck.report(
            &p.key("botnet").key("start_day"),
            "found a start day in the outbreak of an event source, expected it on the source (start_day) or a frequency",
        );
    }
    let spec = if let Some(b) = &r.botnet {
        EventSpec::Botnet(botnet::check(ck, &p.key("botnet"), b, day, horizon_days))
    } else if let Some(u) = &r.faulty_update {
        EventSpec::FaultyUpdate(faulty_update::check(ck, &p.key("faulty_update"), u))
    } else if let Some(m) = &r.mass_exploitation {
        EventSpec::MassExploitation(mass_exploitation::check(
            ck,
            &p.key("mass_exploitation"),
            m,
            classes,
        ))
    } else {
        EventSpec::Outage(outage::check(ck, &p.key("outage"), r.outage.as_ref()?))
    };
    Some(EventSource {
        name: r.name.clone(),
        timing,
        season: season.flatten(),
        spec,
    })
}

/// Exactly one of a frequency (with an optional dispersion) and a fixed day.
fn timing(ck: &mut Checker, p: &FieldPath, r: &RawEventSource, horizon_days: f64) -> Timing {
    match (r.frequency, r.start_day) {
        (Some(f), None) => {
            let per_year = ck.non_negative(&p.key("frequency"), f, "events per year");
            let expected = per_year * horizon_days / DAYS_PER_YEAR;
            if expected > MAX_EXPECTED_EVENTS {
                ck.report(
                    &p.key("frequency"),
                    format!("found {f} events a year, {expected:.0} over the horizon, expected at most {MAX_EXPECTED_EVENTS} over the horizon"),
                );
            }
            let dispersion = r
                .dispersion
                .map(|d| ck.positive(&p.key("dispersion"), d, "the negative binomial's size"));
            Timing::Frequency {
                per_year,
                dispersion,
            }
        }
        (None, Some(d)) => {
            if r.dispersion.is_some() {
                ck.report(
                    &p.key("dispersion"),
                    "found a dispersion with a fixed start_day, expected it only with a frequency",
                );
            }
            Timing::Fixed {
                day: ck.non_negative(&p.key("start_day"), d, "day"),
            }
        }
        (Some(_), Some(_)) => {
            ck.report(
                &p.key("start_day"),
                "found both a frequency and a start_day, expected one of them",
            );
            Timing::Fixed { day: 0.0 }
        }
        (None, None) => {
            ck.report(
                p,
                "missing its timing, expected a frequency (events per year) or a start_day",
            );
            Timing::Fixed { day: 0.0 }
        }
    }
}

/// Twelve non-negative weights, not all zero, as a cumulative profile ending at 1.
fn season(ck: &mut Checker, p: &FieldPath, w: &[f64]) -> Option<[f64; 12]> {
    let bad = w.len() != 12
        || w.iter().any(|x| !(x.is_finite() && *x >= 0.0))
        || w.iter().sum::<f64>() <= 0.0;
    if bad {
        ck.report(
            p,
            format!(
                "found {} weights, expected 12 non-negative weights of the months, not all zero",
                w.len()
            ),
        );
        return None;
    }
    let total: f64 = w.iter().sum();
    let mut out = [0.0; 12];
    let mut acc = 0.0;
    for (o, x) in out.iter_mut().zip(w) {
        acc += x / total;
        *o = acc;
    }
    out[11] = 1.0;
    Some(out)
}
