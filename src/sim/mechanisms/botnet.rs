//! A Mirai-like random-scanning botnet outbreak.
//!
//! Bots (in the fleet and outside it) scan random addresses of an address space A at a given
//! rate. In a step of length dt each address receives Poisson(λ) scans with
//! λ = bots × scans per day × dt / A, so a susceptible device whose login falls to one attempt
//! with probability p is recruited with probability 1 − e^{−λp}. Devices are grouped by p
//! (universal default: 1, weak password: the guess probability, an unpatched exploit: 1), and
//! each step draws the number recruited from each group (binomial) and picks them at random,
//! so a step costs in proportion to the state changes, not to the fleet. Recruited devices
//! schedule their recovery: a reboot (back to susceptible: a still-vulnerable device is
//! reinfected) or an owner's clean-up after an ISP notice (which may change the password).
//! Hosts outside the fleet are counted, not simulated one by one.
//!
//! The outbreak runs in short steps only over its own days, after the replication's yearly
//! fault steps (they do not interact, so the order does not change a result).

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::{Binomial, Distribution, Exp, Poisson};

use crate::outcome::{BotnetSample, Facts, NO_DEVICE};
use crate::rng::Stream;
use crate::scenario::{Botnet, Credentials, FaultKind, HarmKind, Scenario};
use crate::sim::components::{
    Campaign, Device, Infection, Lifecycle, Login, Recruitments, Susceptibility,
};
use crate::sim::messages::{Breached, Incident, resolve};
use crate::sim::resources::{Replication, ScenarioRes};
use crate::sim::schedule::{Mechanism, Registrar, ShortSteps};
use crate::sim::systemic::Events;

use super::vulnerabilities::{self, Vulns, exploitable, exploitable_through};

/// Recruitment in each group, and the hosts outside the fleet, step by step.
pub const BOTNET: Stream = Stream::named("botnet");
/// When and how each infection ends, and whether a clean-up changes the password.
pub const RECOVERY: Stream = Stream::named("recovery");
/// The DDoS attacks of each step.
pub const DDOS: Stream = Stream::named("ddos");

/// The botnet's part of a replication: the outbreak, seeded after the yearly steps and run in
/// short steps while it lasts, and its time series handed over at the end.
pub const MECHANISM: Mechanism = Mechanism {
    streams: &[("botnet", BOTNET), ("recovery", RECOVERY), ("ddos", DDOS)],
    register,
};

fn register(r: &mut Registrar<'_>) {
    r.resource(Outbreak::default());
    r.outbreak(
        ShortSteps {
            applies: has_outbreaks,
            pending: |w| {
                next_outbreak(
                    &w.resource::<ScenarioRes>().0,
                    w.resource::<Events>(),
                    w.resource::<Outbreak>().next,
                )
                .is_some()
            },
            running: |w| w.resource::<Outbreak>().running(),
        },
        seed_outbreak,
        (
            regroup_exploitable,
            clear_infections,
            recruit_bots,
            spread_outside_fleet,
            launch_ddos_attacks,
            advance_outbreak,
        )
            .chain(),
    );
    // Hands the series over, and rewinds to the first outbreak for the next replication.
    r.collect(|w, _, out| {
        let mut o = w.resource_mut::<Outbreak>();
        o.next = 0;
        out.botnet = std::mem::take(&mut o.series);
    });
}

/// Whether the scenario has a source of outbreaks.
fn has_outbreaks(s: &Scenario) -> bool {
    s.events.iter().any(|e| e.botnet().is_some())
}

/// The index (in the replication's events) of the first outbreak at or after `from`.
fn next_outbreak(s: &Scenario, events: &Events, from: usize) -> Option<usize> {
    (from..events.drawn.len()).find(|&i| {
        s.events[usize::from(events.drawn[i].source)]
            .botnet()
            .is_some()
    })
}

/// The parameters of the outbreak being run.
fn params<'a>(s: &'a Scenario, o: &Outbreak) -> Option<&'a Botnet> {
    s.events.get(usize::from(o.source))?.botnet()
}

/// Groups per class: universal default, weak password, exploit.
const GROUPS_PER_CLASS: usize = 3;

/// Susceptible devices that fall to one attempt with the same probability.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub class: u16,
    pub success: f64,
    pub members: Vec<Entity>,
}

/// How an infection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recovery {
    Reboot,
    Cleanup,
}

/// The state of the outbreak being run, and where the replication's outbreaks have got to.
#[derive(Resource, Debug, Default)]
pub struct Outbreak {
    /// The index, in the replication's events, after the last outbreak started.
    next: usize,
    /// The event being run: its number, its source and the salt of its draws.
    pub event: u32,
    source: u16,
    salt: u64,
    /// Fleet devices recruited at least once in this outbreak.
    pub reached: u64,
    pub start: f64,
    pub end: f64,
    pub step_days: f64,
    /// Scans per day per bot, drawn for this outbreak.
    pub scans_per_day: f64,
    pub step: u64,
    pub groups: Vec<Group>,
    pub class_infected: Vec<u64>,
    pub fleet_infected: u64,
    pub external_infected: u64,
    pub external_vulnerable: u64,
    pub recruited: u64,
    pub reinfected: u64,
    pub rebooted: u64,
    pub cleaned: u64,
    /// Recoveries by the step they fall in.
    recoveries: Vec<Vec<(Entity, Recovery)>>,
    /// The outbreak day the exploit groups were built for.
    exploit_day: Option<u64>,
    /// The time they were built at: every member was exploitable then.
    exploit_built: f64,
    next_record: f64,
    pub series: Vec<BotnetSample>,
}

impl Outbreak {
    /// The time at the start of the current step.
    pub fn day(&self) -> f64 {
        self.start + self.step as f64 * self.step_days
    }

    /// Steps the outbreak lasts within the horizon.
    pub fn steps(&self) -> u64 {
        ((self.end - self.start) / self.step_days).ceil().max(0.0) as u64
    }

    /// Whether the outbreak still has steps to run.
    pub fn running(&self) -> bool {
        self.step < self.steps()
    }

    /// Expected scans per address in this step: bots × scans per day × step / address space.
    fn scans_per_address(&self, b: &crate::scenario::Botnet) -> f64 {
        (self.fleet_infected + self.external_infected) as f64 * self.scans_per_day * self.step_days
            / b.address_space
    }

    fn susceptible(&self) -> u64 {
        self.groups.iter().map(|g| g.members.len() as u64).sum()
    }
}

/// The group a device's login puts it in, if any.
fn credential_group(class: u16, login: Credentials, scenario: &Scenario) -> Option<usize> {
    let security = scenario.classes[usize::from(class)].security.as_ref()?;
    if !security.exposed {
        return None;
    }
    let base = usize::from(class) * GROUPS_PER_CLASS;
    match login {
        Credentials::UniversalDefault => Some(base),
        Credentials::Weak if security.weak_guess > 0.0 => Some(base + 1),
        _ => None,
    }
}

/// The chance one attempt succeeds on a member of group `g`: 1 for a universal default or an
/// exploit, the guess probability for a weak password.
fn group_success(g: usize, scenario: &Scenario) -> f64 {
    let security = scenario.classes[g / GROUPS_PER_CLASS].security.as_ref();
    match (g % GROUPS_PER_CLASS, security) {
        (1, Some(x)) => x.weak_guess,
        _ => 1.0,
    }
}

fn join(groups: &mut [Group], g: usize, entity: Entity, slot: &mut Susceptibility) {
    slot.group = g as u32;
    slot.slot = groups[g].members.len() as u32;
    groups[g].members.push(entity);
}

/// Starts the replication's next outbreak: external bots, and every exposed device with a
/// guessable login joins its group. Each outbreak is a botnet of its own: the devices a
/// previous one left infected are clean to it.
pub fn seed_outbreak(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    events: Res<Events>,
    mut outbreak: ResMut<Outbreak>,
    mut devices: Query<(
        Entity,
        &Device,
        &Lifecycle,
        &Login,
        &mut Infection,
        &mut Susceptibility,
    )>,
) {
    let s = &scenario.0;
    let Some(i) = next_outbreak(s, &events, outbreak.next) else {
        return;
    };
    let e = events.drawn[i];
    let Some(b) = s.events[usize::from(e.source)].botnet() else {
        return;
    };
    let end = (e.start + b.duration_days).min(s.horizon_days());
    // This outbreak's parameters, drawn (or fixed) once; no draw for a number.
    let salt = crate::sim::systemic::salt(&e);
    let mut rng = run.streams.rng(BOTNET, u32::MAX - 1, salt);
    let scans_per_day = b.scans_per_day.sample(&mut rng);
    let initial = b
        .initial_bots
        .sample(&mut rng)
        .round()
        .clamp(1.0, b.address_space) as u64;
    let external = b
        .external_vulnerable
        .sample(&mut rng)
        .round()
        .clamp(0.0, b.address_space) as u64;
    let mut o = Outbreak {
        next: i + 1,
        event: e.id,
        source: e.source,
        salt,
        scans_per_day,
        start: e.start,
        end,
        step_days: b.step_days,
        groups: (0..s.classes.len() * GROUPS_PER_CLASS)
            .map(|g| Group {
                class: (g / GROUPS_PER_CLASS) as u16,
                success: group_success(g, s),
                members: Vec::new(),
            })
            .collect(),
        class_infected: vec![0; s.classes.len()],
        external_infected: initial,
        external_vulnerable: external.max(initial),
        next_record: e.start,
        ..Outbreak::default()
    };
    // The series runs on across the replication's outbreaks; the recoveries' lists are reused.
    o.series = std::mem::take(&mut outbreak.series);
    o.recoveries = std::mem::take(&mut outbreak.recoveries);
    o.recoveries.iter_mut().for_each(Vec::clear);
    o.recoveries.resize(o.steps() as usize + 1, Vec::new());
    for (entity, device, life, login, mut infection, mut slot) in &mut devices {
        *slot = Susceptibility::default();
        if matches!(*infection, Infection::Infected { .. }) {
            *infection = Infection::Clean;
        }
        if !life.in_service_on(e.start) {
            continue;
        }
        if let Some(g) = credential_group(device.class, login.0, s) {
            join(&mut o.groups, g, entity, &mut slot);
        }
    }
    *outbreak = o;
}

/// Once per outbreak day, rebuilds each class's group of devices exploitable that day (and not
/// already susceptible through their login).
pub fn regroup_exploitable(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    vulns: Res<Vulns>,
    mut outbreak: ResMut<Outbreak>,
    mut devices: Query<(Entity, &Device, &Lifecycle, &Infection, &mut Susceptibility)>,
) {
    let s = &scenario.0;
    let o = &mut *outbreak;
    let day_number = (o.step as f64 * o.step_days).floor() as u64;
    if o.exploit_day == Some(day_number) {
        return;
    }
    o.exploit_day = Some(day_number);
    let uses_exploit = |c: usize| {
        let class = &s.classes[c];
        class
            .vulnerabilities
            .as_ref()
            .is_some_and(|v| v.botnet_uses_exploit)
            && class.security.as_ref().is_none_or(|x| x.exposed)
            && !vulns.0[c].is_empty()
    };
    if !(0..s.classes.len()).any(uses_exploit) {
        return;
    }
    let day = o.day();
    o.exploit_built = day;
    for (c, _) in s
        .classes
        .iter()
        .enumerate()
        .filter(|(c, _)| uses_exploit(*c))
    {
        o.groups[c * GROUPS_PER_CLASS + 2].members.clear();
    }
    for (entity, device, life, infection, mut slot) in &mut devices {
        let c = usize::from(device.class);
        if !uses_exploit(c) {
            continue;
        }
        let g = c * GROUPS_PER_CLASS + 2;
        if slot.group == g as u32 {
            *slot = Susceptibility::default();
        }
        // A retired device has left the fleet: it cannot be recruited.
        let free = slot.group == Susceptibility::NONE
            && life.in_service_on(day)
            && !matches!(infection, Infection::Infected { .. });
        if let Some(v) = &s.classes[c].vulnerabilities
            && free
            && exploitable(&run.streams, device.id, life.placed(), &vulns.0[c], v, day)
        {
            join(&mut o.groups, g, entity, &mut slot);
        }
    }
}

/// Ends the infections whose recovery falls in this step.
pub fn clear_infections(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut outbreak: ResMut<Outbreak>,
    mut devices: Query<(
        &Device,
        &mut Infection,
        &Recruitments,
        &mut Login,
        &mut Susceptibility,
    )>,
) {
    let o = &mut *outbreak;
    let due = std::mem::take(&mut o.recoveries[o.step as usize]);
    for &(entity, how) in &due {
        let Ok((device, mut infection, recruited, mut login, mut slot)) = devices.get_mut(entity)
        else {
            continue;
        };
        let class = &scenario.0.classes[usize::from(device.class)];
        o.fleet_infected -= 1;
        o.class_infected[usize::from(device.class)] -= 1;
        match how {
            Recovery::Reboot => {
                *infection = Infection::Rebooted;
                o.rebooted += 1;
            }
            Recovery::Cleanup => {
                *infection = Infection::CleanedUp;
                o.cleaned += 1;
                let change = class.security.as_ref().map_or(0.0, |x| x.change_password);
                let u: f64 = run
                    .streams
                    .rng(RECOVERY, device.id, u64::from(recruited.0) << 2 | 2)
                    .random();
                if u < change {
                    login.0 = Credentials::Strong;
                }
            }
        }
        if let Some(g) = credential_group(device.class, login.0, &scenario.0) {
            join(&mut o.groups, g, entity, &mut slot);
        }
    }
    // Give the allocation back so the next replication reuses it.
    let mut due = due;
    due.clear();
    o.recoveries[o.step as usize] = due;
}

/// How a member of group `g` recruited on `day` was broken into: through the universal default
/// password, a weak password (no fact to record), or an exploit, whose facts are those of the
/// first vulnerability open on the device that day (or, if its patch came in since the group
/// was built, when it joined). Pure: no draw but the device's own patch days.
fn recruitment_facts(
    streams: &crate::rng::Streams,
    scenario: &Scenario,
    vulns: &Vulns,
    g: usize,
    (device, placed): (&Device, f64),
    (day, built): (f64, f64),
) -> Facts {
    match g % GROUPS_PER_CLASS {
        0 => Facts {
            default_password: true,
            ..Facts::default()
        },
        2 => {
            let c = usize::from(device.class);
            let Some(v) = &scenario.classes[c].vulnerabilities else {
                return Facts::default();
            };
            let list = &vulns.0[c];
            exploitable_through(streams, device.id, placed, list, v, day)
                .or_else(|| exploitable_through(streams, device.id, placed, list, v, built))
                .map_or_else(Facts::default, |k| vulnerabilities::facts(&list[k], v, day))
        }
        _ => Facts::default(),
    }
}

/// What recruiting a device reads and changes.
type Recruitable = (
    &'static Device,
    &'static Lifecycle,
    &'static mut Infection,
    (&'static mut Recruitments, &'static mut Campaign),
    &'static mut Susceptibility,
);

/// Recruits fleet devices: per group, a binomial number of the susceptible, picked at random.
pub fn recruit_bots(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    vulns: Res<Vulns>,
    mut outbreak: ResMut<Outbreak>,
    mut devices: Query<Recruitable>,
    mut breaches: MessageWriter<Breached>,
) {
    let s = &scenario.0;
    let o = &mut *outbreak;
    let Some(b) = params(s, o) else { return };
    let lambda = o.scans_per_address(b);
    let day = o.day();
    let steps = o.steps();
    for g in 0..o.groups.len() {
        let n = o.groups[g].members.len() as u64;
        if n == 0 {
            continue;
        }
        let q = -(-lambda * o.groups[g].success).exp_m1();
        let mut rng = run.streams.rng(BOTNET, g as u32, o.step | o.salt);
        let k = Binomial::new(n, q.clamp(0.0, 1.0)).map_or(0, |d| d.sample(&mut rng));
        for _ in 0..k {
            let members = &mut o.groups[g].members;
            let i = rng.random_range(0..members.len());
            let entity = members.swap_remove(i);
            if let Some(&moved) = members.get(i)
                && let Ok((_, _, _, _, mut slot)) = devices.get_mut(moved)
            {
                slot.slot = i as u32;
            }
            let Ok((device, life, mut infection, (mut recruited, mut campaign), mut slot)) =
                devices.get_mut(entity)
            else {
                continue;
            };
            *slot = Susceptibility::default();
            *infection = Infection::Infected { since: day };
            if recruited.0 > 0 {
                o.reinfected += 1;
            }
            if campaign.0 != o.event {
                campaign.0 = o.event;
                o.reached += 1;
            }
            o.recruited += 1;
            o.fleet_infected += 1;
            o.class_infected[usize::from(device.class)] += 1;
            breaches.write(Breached {
                day,
                device: device.id,
                class: device.class,
                installer: device.installer,
                key: u64::from(recruited.0),
                vulnerability: None,
                facts: recruitment_facts(
                    &run.streams,
                    s,
                    &vulns,
                    g,
                    (device, life.placed()),
                    (day, o.exploit_built),
                ),
                event: o.event,
                entity,
            });
            // When and how this infection ends: the sooner of a reboot and a clean-up.
            let security = s.classes[usize::from(device.class)].security.as_ref();
            let (reboot, cleanup) =
                security.map_or((0.0, 0.0), |x| (x.reboot_per_day, x.cleanup_per_day));
            let mut r = run
                .streams
                .rng(RECOVERY, device.id, u64::from(recruited.0) << 2);
            let wait = |rate: f64, r: &mut rand_xoshiro::SplitMix64| {
                Exp::new(rate).map_or(f64::INFINITY, |d| {
                    if rate > 0.0 {
                        d.sample(r)
                    } else {
                        f64::INFINITY
                    }
                })
            };
            let (tr, tc) = (wait(reboot, &mut r), wait(cleanup, &mut r));
            recruited.0 += 1;
            let (t, how) = if tr <= tc {
                (tr, Recovery::Reboot)
            } else {
                (tc, Recovery::Cleanup)
            };
            let at = ((day + t - o.start) / o.step_days).floor();
            if at.is_finite() && (at as u64) < steps {
                let at = (at as u64).max(o.step + 1) as usize;
                o.recoveries[at].push((entity, how));
            }
        }
    }
}

/// Spreads the outbreak among hosts outside the fleet, and reboots their bots.
pub fn spread_outside_fleet(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    mut outbreak: ResMut<Outbreak>,
) {
    let o = &mut *outbreak;
    let Some(b) = params(&scenario.0, o) else {
        return;
    };
    let lambda = o.scans_per_address(b);
    let mut rng = run.streams.rng(BOTNET, u32::MAX, o.step | o.salt);
    let susceptible = o.external_vulnerable - o.external_infected;
    let recovered = Binomial::new(
        o.external_infected,
        -(-b.external_reboot_per_day * o.step_days).exp_m1(),
    )
    .map_or(0, |d| d.sample(&mut rng));
    let infected =
        Binomial::new(susceptible, -(-lambda).exp_m1()).map_or(0, |d| d.sample(&mut rng));
    o.external_infected = o.external_infected - recovered + infected;
}

/// Launches DDoS attacks on third parties; each class answers for its share of the bots.
pub fn launch_ddos_attacks(
    run: Res<Replication>,
    scenario: Res<ScenarioRes>,
    outbreak: Res<Outbreak>,
    mut incidents: MessageWriter<Incident>,
) {
    let s = &scenario.0;
    let o = &*outbreak;
    let Some(ddos) = params(s, o).and_then(|b| b.ddos.as_ref()) else {
        return;
    };
    let mut rng = run.streams.rng(DDOS, 0, o.step | o.salt);
    let attacks =
        Poisson::new(ddos.attacks_per_day * o.step_days).map_or(0.0, |d| d.sample(&mut rng));
    let bots = (o.fleet_infected + o.external_infected) as f64;
    if bots <= 0.0 {
        return;
    }
    for a in 0..attacks as u32 {
        let cost = ddos.cost(bots);
        for (c, class) in s.classes.iter().enumerate() {
            let (share, Some(culprit)) = (o.class_infected[c] as f64 / bots, class.ddos_culprit)
            else {
                continue;
            };
            if share <= 0.0 {
                continue;
            }
            let (cause_role, party) = resolve(culprit, class, 0);
            let default_password = class
                .security
                .as_ref()
                .is_some_and(|x| x.credentials == Credentials::UniversalDefault);
            incidents.write(Incident {
                day: o.day(),
                device: NO_DEVICE,
                class: c as u16,
                fault: FaultKind::Ddos,
                // The outbreak's number keys its attacks apart from another outbreak's.
                model: o.event.saturating_sub(1) as u8,
                counter: (o.step as u32) << 8 | a.min(255),
                cause_role,
                cause_party: Some(party),
                settled: Some((HarmKind::Downtime, cost * share)),
                vulnerability: None,
                facts: Facts {
                    default_password,
                    ..Facts::default()
                },
                event: o.event,
            });
        }
    }
}

/// Records a row of the time series at the set interval, then moves to the next step.
pub fn advance_outbreak(
    scenario: Res<ScenarioRes>,
    mut events: ResMut<Events>,
    mut outbreak: ResMut<Outbreak>,
) {
    let o = &mut *outbreak;
    let Some(b) = params(&scenario.0, o) else {
        return;
    };
    let day = o.day();
    if day + 1e-9 >= o.next_record {
        o.series.push(BotnetSample {
            day,
            fleet_infected: o.fleet_infected,
            external_infected: o.external_infected,
            fleet_susceptible: o.susceptible(),
            recruited: o.recruited,
            reinfected: o.reinfected,
            rebooted: o.rebooted,
            cleaned: o.cleaned,
        });
        o.next_record += b.record_every_days;
    }
    o.step += 1;
    if let Some(r) = events.record_mut(o.event) {
        r.end = o.day();
        r.devices = o.reached;
    }
}
