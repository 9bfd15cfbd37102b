//! From harms to claims, before any regime looks at them: the time bars, the proof draw,
//! recalls (which trigger on harm counts and stop later harms on recalled devices) and fines.
//! Everything here is the same whatever the regime, so regimes are compared on the same claims.

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use crate::money::Money;
use crate::outcome::NO_DEVICE;
use crate::outcome::{HarmRecord, RecallRecord, VulnerabilityRecord};
use crate::rng::{Stream, Streams, streams};
use crate::scenario::{FaultKind, FineTarget, Line, PartyId, Role, Scenario};

/// One claim on somebody's money.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// The incident behind the claim (for a recall, the incident that triggered it).
    pub incident: HarmRecord,
    pub line: Line,
    pub amount: Money,
    /// Damages: filed after the limitation period (from awareness) or the longstop (from the
    /// device's placing on the market).
    pub barred: bool,
    /// Damages: the victim would prove a breach of duty.
    pub proven: bool,
    /// Recall: the manufacturer; fine: the party fined.
    pub on: Option<PartyId>,
}

/// An offset stream, one per rule.
fn nth(stream: Stream, n: usize) -> Stream {
    Stream(stream.0.wrapping_add(n as u64))
}

/// When a recall fixes `device`, if it reaches it.
fn fix_day(
    streams: &Streams,
    rule: usize,
    reach: f64,
    mean_days: f64,
    trigger: f64,
    device: u32,
) -> Option<f64> {
    let mut rng = streams.rng(nth(streams::RECALL, rule), device, 0);
    if rng.random::<f64>() >= reach {
        return None;
    }
    let delay = Exp::new(1.0 / mean_days).map_or(0.0, |d| d.sample(&mut rng));
    Some(trigger + delay)
}

/// First device number of each class (devices are numbered class by class).
fn first_devices(scenario: &Scenario) -> Vec<u32> {
    let mut first = 0;
    scenario
        .classes
        .iter()
        .map(|c| {
            let f = first;
            first += c.count;
            f
        })
        .collect()
}

/// Turns a replication's harms, taken in time order, into claims: each harm's damages claim
/// (unless a recall prevented it), the fines it draws, and the recalls it triggers. It keeps the
/// state that depends on the order (recall windows, fines already imposed this year), and the
/// recalls that happened.
///
/// A recall fixes its cause on the devices it reaches, from each device's fix day on. For
/// exploits the cause is a flaw: the recall patches the flaws disclosed by its trigger day
/// (found in `vulnerabilities`), not those found later.
pub struct Claimant<'a> {
    scenario: &'a Scenario,
    streams: &'a Streams,
    vulnerabilities: &'a [VulnerabilityRecord],
    /// First device number of each class.
    first: Vec<u32>,
    /// `[rule]`: days of recent harms that count towards the trigger.
    window: Vec<std::collections::VecDeque<f64>>,
    /// `[rule]`: the recall's day and record index, once triggered.
    triggered: Vec<Option<(f64, usize)>>,
    /// `[fine rule]`: (party, year) pairs already fined, for once-per-year rules.
    fined: Vec<Vec<(PartyId, u32)>>,
    awareness: Option<Exp<f64>>,
    filing: Option<Exp<f64>>,
    /// Recalls triggered so far.
    pub recalls: Vec<RecallRecord>,
    /// Claims whose drawn amount was held to the ceiling of a single amount.
    pub at_ceiling: u64,
}

/// Sorts harms into the order claims are settled in: day, then device, fault and incident.
pub fn sort(harms: &mut [HarmRecord]) {
    // Days are never negative, so their bit patterns order as the days do.
    harms.sort_unstable_by_key(|h| (h.day.to_bits(), h.device, h.fault, h.key));
}

impl<'a> Claimant<'a> {
    pub fn new(
        scenario: &'a Scenario,
        streams: &'a Streams,
        vulnerabilities: &'a [VulnerabilityRecord],
    ) -> Self {
        let terms = &scenario.terms;
        let lt = &terms.liability;
        // A zero mean is no delay at all: no draw.
        let delay = |mean: f64| (mean > 0.0).then(|| Exp::new(1.0 / mean).ok()).flatten();
        Self {
            scenario,
            streams,
            vulnerabilities,
            first: first_devices(scenario),
            window: vec![Default::default(); terms.recalls.len()],
            triggered: vec![None; terms.recalls.len()],
            fined: vec![Vec::new(); terms.fines.len()],
            awareness: delay(lt.awareness_delay_days),
            filing: delay(lt.claim_delay_days),
            recalls: Vec::new(),
            at_ceiling: 0,
        }
    }

    /// The day the vulnerability behind an exploit was disclosed.
    fn disclosed(&self, class: u16, index: Option<u32>) -> Option<f64> {
        index.and_then(|k| {
            self.vulnerabilities
                .iter()
                .find(|v| v.class == class && v.index == k)
                .map(|v| v.disclosed)
        })
    }

    /// Replaces `out` with the claims of harm `h`, the next in time order: none when a recall
    /// prevented the harm, else its damages claim, the fines it draws and the recalls it
    /// triggers.
    pub fn claims(&mut self, h: &HarmRecord, out: &mut Vec<Claim>) {
        out.clear();
        if self.prevented_by_recall(h) {
            return;
        }
        let damages = self.damages(h);
        out.push(damages);
        self.fines(h, out);
        self.triggered_recalls(h, out);
    }

    /// Whether a recall fixed `h`'s device before the harm (for an exploit: a recall of a flaw
    /// disclosed by its trigger day), counting the harm as prevented if so.
    fn prevented_by_recall(&mut self, h: &HarmRecord) -> bool {
        let (scenario, streams) = (self.scenario, self.streams);
        for (r, rule) in scenario.terms.recalls.iter().enumerate() {
            if let Some((day, record)) = self.triggered[r]
                && rule.class == h.class
                && rule.fault == h.fault
                && h.device != NO_DEVICE
                && (h.fault != FaultKind::Exploit
                    || self
                        .disclosed(h.class, h.vulnerability)
                        .is_some_and(|d| d <= day))
                && fix_day(streams, r, rule.reach, rule.mean_days_to_fix, day, h.device)
                    .is_some_and(|fixed| fixed <= h.day)
            {
                self.recalls[record].prevented += 1;
                return true;
            }
        }
        false
    }

    /// The damages claim of `h`: whether a time bar stops it (drawing when the victim became
    /// aware and filed), whether the victim would prove a breach, and its amount, held to the
    /// ceiling of a single amount.
    ///
    /// The two bars run from different days (PLD Arts 16 and 17): the limitation from the
    /// victim's awareness, so it bars a claim whose filing delay alone exceeds it; the longstop
    /// from the day the device was placed on the market, so it bars a claim filed (incident,
    /// then awareness, then filing) more than the longstop after that day, however recent the
    /// harm. The longstop ends the producer's exposure for each device on its own schedule.
    fn damages(&mut self, h: &HarmRecord) -> Claim {
        let (lt, streams) = (&self.scenario.terms.liability, self.streams);
        let barred = if self.awareness.is_some() || self.filing.is_some() {
            let mut rng = streams.rng(streams::CLAIM, h.device, h.key);
            let aware = self.awareness.map_or(0.0, |d| d.sample(&mut rng));
            let filed = self.filing.map_or(0.0, |d| d.sample(&mut rng));
            lt.limitation_days.is_some_and(|l| filed > l)
                || lt
                    .longstop_days
                    .is_some_and(|l| h.day + aware + filed - h.placed > l)
        } else {
            lt.longstop_days.is_some_and(|l| h.day - h.placed > l)
        };
        // Certain proof needs no draw.
        let proven = lt.proof_probability >= 1.0
            || streams.rng(streams::PROOF, h.device, h.key).random::<f64>() < lt.proof_probability;
        let (amount, capped) = Money::from_units_checked(h.loss);
        self.at_ceiling += u64::from(capped);
        Claim {
            incident: *h,
            line: Line::Damages,
            amount,
            barred,
            proven,
            on: None,
        }
    }

    /// Pushes onto `out` the fines `h` draws: each rule that covers its fault and harm fines
    /// its target with the rule's probability, at most once a year under a once-per-year rule.
    fn fines(&mut self, h: &HarmRecord, out: &mut Vec<Claim>) {
        let (scenario, streams) = (self.scenario, self.streams);
        let class = &scenario.classes[usize::from(h.class)];
        let year = (h.day / crate::scenario::DAYS_PER_YEAR) as u32;
        for (f, rule) in scenario.terms.fines.iter().enumerate() {
            if !rule.faults.contains(h.fault) || !rule.harms.contains(h.harm) {
                continue;
            }
            let target = match rule.on {
                FineTarget::RootCause => h.cause_party,
                FineTarget::Role(role) if role == h.cause_role => h.cause_party,
                FineTarget::Role(role) => class.lineage.party(role),
            };
            let Some(target) = target else { continue };
            if rule.once_per_year && self.fined[f].contains(&(target, year)) {
                continue;
            }
            let u: f64 = streams.rng(nth(streams::FINE, f), h.device, h.key).random();
            if u >= rule.probability {
                continue;
            }
            let turnover = scenario.parties[usize::from(target)]
                .turnover
                .unwrap_or(0.0);
            let mut amount = rule.fixed.max(rule.turnover_share * turnover);
            if let Some(max) = rule.maximum {
                amount = amount.min(max);
            }
            self.fined[f].push((target, year));
            out.push(Claim {
                incident: *h,
                line: Line::Fines,
                amount: Money::from_units(amount),
                barred: false,
                proven: true,
                on: Some(target),
            });
        }
    }

    /// Pushes onto `out` the recalls `h` triggers: a rule not yet triggered whose window now
    /// holds its threshold of harms recalls the class, at the cost of the devices it reaches,
    /// charged to the manufacturer; each recall is recorded.
    fn triggered_recalls(&mut self, h: &HarmRecord, out: &mut Vec<Claim>) {
        let (scenario, streams) = (self.scenario, self.streams);
        let class = &scenario.classes[usize::from(h.class)];
        for (r, rule) in scenario.terms.recalls.iter().enumerate() {
            if self.triggered[r].is_some() || rule.class != h.class || rule.fault != h.fault {
                continue;
            }
            let window = &mut self.window[r];
            window.push_back(h.day);
            while window
                .front()
                .is_some_and(|&d| d < h.day - rule.window_days)
            {
                window.pop_front();
            }
            if window.len() < rule.threshold as usize {
                continue;
            }
            let Some(maker) = class.lineage.party(Role::Manufacturer) else {
                continue;
            };
            let from = self.first[usize::from(h.class)];
            // A campaign reaches the devices on the market on its day: in a fleet, those placed
            // by then and not yet decommissioned (the same windows the simulation drew).
            let in_service = |d: u32| {
                class.fleet.is_none() || {
                    let w = crate::fleet::window(class, streams, d, d - from);
                    w.placed <= h.day && h.day < w.until
                }
            };
            let devices = (from..from + class.count)
                .filter(|&d| {
                    in_service(d)
                        && fix_day(streams, r, rule.reach, rule.mean_days_to_fix, h.day, d)
                            .is_some()
                })
                .count() as u64;
            // Whole cents per device, so the campaign's cost is exact.
            let cost = Money(Money::from_units(rule.cost_per_device).0 * i128::from(devices));
            self.triggered[r] = Some((h.day, self.recalls.len()));
            self.recalls.push(RecallRecord {
                rule: r,
                day: h.day,
                devices,
                cost,
                prevented: 0,
            });
            out.push(Claim {
                incident: *h,
                line: Line::Recall,
                amount: cost,
                barred: false,
                proven: true,
                on: Some(maker),
            });
        }
    }
}
