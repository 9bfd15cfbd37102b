//! Vulnerabilities of the shipped software: disclosed as a Poisson process per class, each
//! with an exploit after a delay and a vendor patch after another (none for flaws disclosed
//! after the support period). A device is exploitable from the exploit's day until its own
//! patch, which it installs after an exponential adoption delay. While exploitable it may be
//! hit by a targeted attack (at most one per vulnerability), and the botnet may recruit
//! through the exploit.
//!
//! A device's patch days are drawn from its own stream when needed rather than stored: they are
//! a pure function of (device, vulnerability), so every mechanism that asks gets the same day.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::outcome::{Facts, RunOutput, VulnerabilityRecord};
use crate::rng::{Stream, Streams};
use crate::scenario::{FaultKind, Scenario, Vulnerabilities};
use crate::sim::components::{Device, Lifecycle};
use crate::sim::messages::{Breached, Incident, Occurrence, incident};
use crate::sim::resources::{Replication, ScenarioRes, Step};
use crate::sim::schedule::{Mechanism, Registrar, Start};

/// Each class's disclosures, with their exploit and patch delays.
pub const VULNERABILITY: Stream = Stream::named("vulnerability");
/// The delay before a device installs a patch.
pub const PATCH: Stream = Stream::named("patch");
/// The wait for a targeted attack through each vulnerability.
pub const ATTACK: Stream = Stream::named("attack");

/// The vulnerabilities' part of a replication: each class's vulnerabilities disclosed and each
/// device's first targeted attack filed at the start, attacks turned into incidents and
/// breaches each yearly step, and the vulnerabilities handed over at the end.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[
        ("vulnerability", VULNERABILITY),
        ("patch", PATCH),
        ("attack", ATTACK),
    ],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.resource(Vulns::default());
    r.start(
        Start::Exposure,
        (disclose_vulnerabilities, schedule_targeted_attacks).chain(),
    );
    r.step(attack_exploitable_devices);
    r.collect(collect);
}

/// One vulnerability of a class's software.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vulnerability {
    pub disclosed: f64,
    /// When a working exploit is available.
    pub exploit_day: f64,
    /// When the vendor releases the patch (infinity: never, out of support).
    pub patch_release: f64,
}

/// Each class's vulnerabilities in this replication, drawn at its start.
#[derive(Resource, Debug, Default)]
pub struct Vulns(pub Vec<Vec<Vulnerability>>);

/// The next targeted attack through one of the class's vulnerabilities (infinity: none).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct ExploitDue {
    pub day: f64,
    pub vulnerability: u32,
}

impl Default for ExploitDue {
    fn default() -> Self {
        Self {
            day: f64::INFINITY,
            vulnerability: 0,
        }
    }
}

/// The vulnerabilities of class `class` disclosed before `horizon` days.
pub fn disclose(
    streams: &Streams,
    class: u32,
    v: &Vulnerabilities,
    horizon: f64,
) -> Vec<Vulnerability> {
    let mut out = Vec::new();
    if v.rate_per_day <= 0.0 {
        return out;
    }
    let Ok(gap) = rand_distr::Exp::new(v.rate_per_day) else {
        return out;
    };
    let mut day = 0.0;
    for k in 0u64.. {
        let mut rng = streams.rng(VULNERABILITY, class, k);
        day += gap.sample(&mut rng);
        if day >= horizon {
            break;
        }
        let exploit_day = day + v.exploit_delay.sample(&mut rng);
        let patch_release = if day < v.support_end_day {
            day + v.patch_delay.sample(&mut rng)
        } else {
            f64::INFINITY
        };
        out.push(Vulnerability {
            disclosed: day,
            exploit_day,
            patch_release,
        });
    }
    out
}

/// The day `device`, placed on the market on day `placed`, installs the patch of vulnerability
/// `k` (infinity: never). A device placed after the patch's release ships with it.
pub fn patch_day(
    streams: &Streams,
    device: u32,
    placed: f64,
    k: usize,
    vuln: &Vulnerability,
    v: &Vulnerabilities,
) -> f64 {
    if vuln.patch_release.is_infinite() {
        return f64::INFINITY;
    }
    if placed > vuln.patch_release {
        return placed;
    }
    vuln.patch_release
        + v.adoption_delay
            .map_or(0.0, |d| d.sample(&mut streams.rng(PATCH, device, k as u64)))
}

/// Whether `device` (placed on day `placed`) is exploitable through any vulnerability on `day`.
pub fn exploitable(
    streams: &Streams,
    device: u32,
    placed: f64,
    vulns: &[Vulnerability],
    v: &Vulnerabilities,
    day: f64,
) -> bool {
    exploitable_through(streams, device, placed, vulns, v, day).is_some()
}

/// The first vulnerability (by index) through which `device` (placed on day `placed`) is
/// exploitable on `day`.
pub fn exploitable_through(
    streams: &Streams,
    device: u32,
    placed: f64,
    vulns: &[Vulnerability],
    v: &Vulnerabilities,
    day: f64,
) -> Option<usize> {
    vulns.iter().enumerate().position(|(k, x)| {
        x.exploit_day <= day && day < patch_day(streams, device, placed, k, x, v)
    })
}

/// What an exploit of `vuln` on `day` tells about its cause, on a device that had not installed
/// its patch (which holds whenever the device is exploitable): the patch had been released
/// (`fix_available`), or the flaw was disclosed within the support period and its patch was
/// still to come (`unpatched_in_support`).
pub fn facts(vuln: &Vulnerability, v: &Vulnerabilities, day: f64) -> Facts {
    let released = vuln.patch_release <= day;
    Facts {
        fix_available: released,
        unpatched_in_support: !released && vuln.disclosed < v.support_end_day,
        ..Facts::default()
    }
}

/// The first targeted attack on `device` through vulnerability `k`, once both the exploit and
/// the device are out, if it comes before the device's patch (infinity otherwise).
fn attack_day(
    streams: &Streams,
    device: u32,
    placed: f64,
    k: usize,
    vuln: &Vulnerability,
    v: &Vulnerabilities,
) -> f64 {
    if v.attack_rate_per_day <= 0.0 {
        return f64::INFINITY;
    }
    let Ok(wait) = rand_distr::Exp::new(v.attack_rate_per_day) else {
        return f64::INFINITY;
    };
    let day =
        vuln.exploit_day.max(placed) + wait.sample(&mut streams.rng(ATTACK, device, k as u64));
    if day < patch_day(streams, device, placed, k, vuln, v) {
        day
    } else {
        f64::INFINITY
    }
}

/// The device's next targeted attack after `after`.
fn next_attack(
    streams: &Streams,
    device: u32,
    placed: f64,
    vulns: &[Vulnerability],
    v: &Vulnerabilities,
    after: f64,
) -> ExploitDue {
    let mut due = ExploitDue::default();
    for (k, x) in vulns.iter().enumerate() {
        let day = attack_day(streams, device, placed, k, x, v);
        if day > after && day < due.day {
            due = ExploitDue {
                day,
                vulnerability: k as u32,
            };
        }
    }
    due
}

/// Draws each class's vulnerabilities for this replication.
pub fn disclose_vulnerabilities(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut vulns: ResMut<Vulns>,
) {
    let horizon = scenario.0.horizon_days();
    vulns.0 = scenario
        .0
        .classes
        .iter()
        .enumerate()
        .map(|(c, class)| {
            class
                .vulnerabilities
                .as_ref()
                .map_or_else(Vec::new, |v| disclose(&run.streams, c as u32, v, horizon))
        })
        .collect();
}

/// Files each device's first targeted attack.
pub fn schedule_targeted_attacks(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    vulns: Res<Vulns>,
    mut devices: Query<(&Device, &Lifecycle, &mut ExploitDue)>,
) {
    for (device, life, mut due) in &mut devices {
        let class = usize::from(device.class);
        *due = match &scenario.0.classes[class].vulnerabilities {
            Some(v) => next_attack(
                &run.streams,
                device.id,
                life.placed(),
                &vulns.0[class],
                v,
                f64::NEG_INFINITY,
            ),
            None => ExploitDue::default(),
        };
    }
}

/// Turns due targeted attacks into incidents and breaches, and files the next.
pub fn attack_exploitable_devices(
    run: Res<Replication>,
    step: Res<Step>,
    scenario: Res<ScenarioRes>,
    vulns: Res<Vulns>,
    mut devices: Query<(Entity, &Device, &Lifecycle, &mut ExploitDue)>,
    mut incidents: MessageWriter<Incident>,
    mut breaches: MessageWriter<Breached>,
) {
    for (entity, device, life, mut due) in &mut devices {
        if due.day >= step.end {
            continue;
        }
        let class = usize::from(device.class);
        let c = &scenario.0.classes[class];
        let Some(v) = &c.vulnerabilities else {
            continue;
        };
        while due.day < step.end && (!c.retires() || life.in_service_on(due.day)) {
            let cause = facts(&vulns.0[class][due.vulnerability as usize], v, due.day);
            if let Some(consequence) = &v.consequence {
                let mut exploit = incident(
                    Occurrence {
                        day: due.day,
                        device: *device,
                        class: c,
                        fault: FaultKind::Exploit,
                        model: 0,
                        counter: due.vulnerability,
                    },
                    consequence,
                );
                exploit.vulnerability = Some(due.vulnerability);
                exploit.facts = cause;
                incidents.write(exploit);
            }
            breaches.write(Breached {
                day: due.day,
                device: device.id,
                class: device.class,
                installer: device.installer,
                key: 1 << 32 | u64::from(due.vulnerability),
                vulnerability: Some(due.vulnerability),
                facts: cause,
                event: 0,
                entity,
            });
            *due = next_attack(
                &run.streams,
                device.id,
                life.placed(),
                &vulns.0[class],
                v,
                due.day,
            );
        }
    }
}

/// Hands the replication's vulnerabilities over as plain records, class by class.
fn collect(world: &mut World, scenario: &Scenario, out: &mut RunOutput) {
    out.vulnerabilities = world
        .resource::<Vulns>()
        .0
        .iter()
        .enumerate()
        .flat_map(|(c, list)| {
            let support_end = scenario.classes[c]
                .vulnerabilities
                .as_ref()
                .map_or(f64::INFINITY, |v| v.support_end_day);
            list.iter()
                .enumerate()
                .map(move |(k, v)| VulnerabilityRecord {
                    class: c as u16,
                    index: k as u32,
                    disclosed: v.disclosed,
                    exploit_day: v.exploit_day,
                    patch_release: v.patch_release,
                    within_support: v.disclosed < support_end,
                })
        })
        .collect();
}
