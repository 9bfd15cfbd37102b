//! Plain data that flows out of a replication: harmful incidents, counts, and the per-year
//! record that statistics and output use. No ECS types here, by design.

use crate::money::Money;
use crate::scenario::{FaultKind, HarmKind, Line, PartyId, Regime, Role, Scenario};

/// Facts about the conduct behind an incident, which negligence and victim-fault rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// A fix or patch for the cause had been released but the device had not installed it.
    pub fix_available: bool,
    /// The device was broken into through a universal default password.
    pub default_password: bool,
    /// The device was exploited through a flaw disclosed within its support period that had no
    /// patch yet.
    pub unpatched_in_support: bool,
}

/// Device number used for incidents that belong to a class rather than one device (a back-end
/// breach, a DDoS share). It lives here, below the simulation that makes such incidents and the
/// liability pass and writers that read them.
pub const NO_DEVICE: u32 = u32::MAX;

/// One harmful incident with its ground-up loss and its root-cause party.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmRecord {
    /// Day since the start of the replication.
    pub day: f64,
    /// Device number, stable across replications.
    pub device: u32,
    /// Day the device was placed on the market (negative: before the horizon's start; 0 for
    /// an incident of a class rather than a device). The longstop runs from it and it selects
    /// the regime when the law changes on a date.
    pub placed: f64,
    pub class: u16,
    pub fault: FaultKind,
    pub harm: HarmKind,
    /// Role of the root-cause party in the device's lineage.
    pub cause_role: Role,
    /// The root-cause party; `None` when nobody can be identified (the loss stays with the
    /// victim).
    pub cause_party: Option<PartyId>,
    /// Ground-up loss in the scenario currency.
    pub loss: f64,
    /// The vulnerability (index in its class) behind an exploit or the data theft it led to.
    pub vulnerability: Option<u32>,
    /// Keys the liability draws of this incident (with its device): unique per incident.
    pub key: u64,
    pub facts: Facts,
    /// The systemic event behind the harm (its number in the replication, from 1); 0 for an
    /// independent incident, which is an occurrence of its own.
    pub event: u32,
}

/// Incident counts of one replication, by year, fault kind and root-cause party.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    parties: usize,
    /// `[year × fault kind × party]`: every incident. By year, so that the statistics can pool
    /// the years after a warm-up and report rates per year.
    pub incidents: Vec<u32>,
    /// `[year × fault kind × party]`: incidents that caused harm.
    pub harmful: Vec<u32>,
    /// `[month × fault kind]`: every incident, by the month it happened in, for the timeline.
    pub monthly: Vec<u32>,
}

/// Days in a month of the timeline: a twelfth of a simulated year.
pub const DAYS_PER_MONTH: f64 = crate::scenario::DAYS_PER_YEAR / 12.0;

impl Tally {
    /// An empty tally for `parties` parties over `months` months.
    pub fn new(parties: usize, months: usize) -> Self {
        let n = FaultKind::ALL.len() * (parties + 1) * months.div_ceil(12).max(1);
        Self {
            parties,
            incidents: vec![0; n],
            harmful: vec![0; n],
            monthly: vec![0; FaultKind::ALL.len() * months],
        }
    }

    /// Slots in a year's block.
    fn slots(&self) -> usize {
        FaultKind::ALL.len() * (self.parties + 1)
    }

    /// Years counted.
    pub fn years(&self) -> usize {
        self.incidents.len() / self.slots()
    }

    /// Incidents (or, with `harmful`, harmful ones) in `slot` over `years`.
    pub fn over(&self, slot: usize, years: std::ops::Range<usize>, harmful: bool) -> u64 {
        let table = if harmful {
            &self.harmful
        } else {
            &self.incidents
        };
        let n = self.slots();
        years
            .filter_map(|y| table.get(y * n + slot))
            .map(|&c| u64::from(c))
            .sum()
    }

    /// Parties counted (the slot after the last is "unidentified").
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Incidents in year `year` caused by `party` (`None`: unidentified), every kind.
    pub fn in_year(&self, year: usize, party: Option<PartyId>) -> u64 {
        self.in_year_slot(year, party.map_or(self.parties, usize::from))
    }

    /// Incidents in year `year` in party slot `p` (`parties()`: unidentified), every kind.
    pub fn in_year_slot(&self, year: usize, p: usize) -> u64 {
        FaultKind::ALL
            .iter()
            .map(|&f| self.over(f as usize * (self.parties + 1) + p, year..year + 1, false))
            .sum()
    }

    /// Months of the timeline.
    pub fn months(&self) -> usize {
        self.monthly.len() / FaultKind::ALL.len()
    }

    /// The slot of a (kind, party) pair; the last slot of each kind is "unidentified".
    pub fn slot(&self, fault: FaultKind, party: Option<PartyId>) -> usize {
        fault as usize * (self.parties + 1) + party.map_or(self.parties, usize::from)
    }

    /// Counts one incident on `day`.
    pub fn count(&mut self, fault: FaultKind, party: Option<PartyId>, harmful: bool, day: f64) {
        // The last instant of the horizon belongs to its last month.
        let month = ((day / DAYS_PER_MONTH) as usize).min(self.months().saturating_sub(1));
        let s = (month / 12).min(self.years() - 1) * self.slots() + self.slot(fault, party);
        self.incidents[s] += 1;
        if harmful {
            self.harmful[s] += 1;
        }
        if let Some(m) = self
            .monthly
            .get_mut(month * FaultKind::ALL.len() + fault as usize)
        {
            *m += 1;
        }
    }

    /// Sets every count to zero.
    pub fn clear(&mut self) {
        self.incidents.fill(0);
        self.harmful.fill(0);
        self.monthly.fill(0);
    }
}

/// A way of looking at money: what the victims lost, what they were paid, what each party
/// paid first, kept after recourse and contracts, and kept after insurance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perspective {
    /// Total damages of the harmful incidents.
    GroundUp,
    /// Damages paid to victims.
    Paid,
    /// Damages left with victims: not covered, barred, unproven, their own fault, or unpaid
    /// because the liable party was insolvent.
    Uncompensated,
    /// Recall campaigns' costs.
    Recall,
    /// Regulatory fines.
    Fines,
    /// A party's payments as first made (to victims, for recalls, for fines).
    Gross,
    /// A party's share after recourse and contracts.
    Net,
    /// A party's share after insurance.
    Retained,
    /// What an insurer pays.
    Insurer,
}

impl Perspective {
    /// The perspectives of the total column.
    pub const TOTAL: [Perspective; 5] = [
        Perspective::GroundUp,
        Perspective::Paid,
        Perspective::Uncompensated,
        Perspective::Recall,
        Perspective::Fines,
    ];
    /// The perspectives of a party that is not an insurer.
    pub const PARTY: [Perspective; 3] =
        [Perspective::Gross, Perspective::Net, Perspective::Retained];

    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Perspective::GroundUp => "ground_up",
            Perspective::Paid => "paid",
            Perspective::Uncompensated => "uncompensated",
            Perspective::Recall => "recall",
            Perspective::Fines => "fines",
            Perspective::Gross => "gross",
            Perspective::Net => "net",
            Perspective::Retained => "retained",
            Perspective::Insurer => "insurer",
        }
    }
}

/// One reported series: a regime, the total or a party, and a perspective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// The regime block (its label shows a switch).
    pub regime: Regime,
    /// `None`: the total.
    pub party: Option<PartyId>,
    pub perspective: Perspective,
}

/// Where each series sits in a year's row of the year loss table.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub series: Vec<Series>,
    /// Series per regime.
    stride: usize,
    /// `[party]`: offset of the party's first series within a regime's block.
    party_offset: Vec<usize>,
}

impl Layout {
    /// The series of `scenario`: per regime, the total's perspectives, then each party's
    /// (gross, net, retained; an insurer's own line).
    pub fn new(scenario: &Scenario) -> Self {
        let mut party_offset = Vec::new();
        let mut block = Vec::new();
        for p in Perspective::TOTAL {
            block.push((None, p));
        }
        for (i, party) in scenario.parties.iter().enumerate() {
            party_offset.push(block.len());
            let id = Some(i as PartyId);
            if party.has(Role::Insurer) {
                block.push((id, Perspective::Insurer));
            } else {
                block.extend(Perspective::PARTY.iter().map(|&p| (id, p)));
            }
        }
        let series = scenario
            .terms
            .liability
            .regimes
            .iter()
            .flat_map(|&regime| {
                block.iter().map(move |&(party, perspective)| Series {
                    regime,
                    party,
                    perspective,
                })
            })
            .collect();
        Self {
            series,
            stride: block.len(),
            party_offset,
        }
    }

    /// Series in one year's row.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The column of the total's perspective `p` under the `r`-th regime.
    pub fn total(&self, r: usize, p: Perspective) -> usize {
        r * self.stride + Perspective::TOTAL.iter().position(|&x| x == p).unwrap_or(0)
    }

    /// The column of party `party`'s perspective `p` under the `r`-th regime (an insurer has
    /// only its own line, at offset 0).
    pub fn party(&self, r: usize, party: PartyId, p: Perspective) -> usize {
        let within = Perspective::PARTY.iter().position(|&x| x == p).unwrap_or(0);
        r * self.stride + self.party_offset[usize::from(party)] + within
    }
}

/// One row of the event loss table: one amount of one claim, seen from one perspective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EltRow {
    pub replication: u32,
    /// The claim's occurrence: its systemic event's number, or for an independent incident's
    /// claim a number of its own in the replication, after every systemic event's.
    pub event: u32,
    /// Year within the replication, from 0.
    pub year: u32,
    /// The incident behind the claim (for a recall, the incident that triggered it).
    pub incident: HarmRecord,
    /// The regime block the row was allocated under (with a switch, the block's label, not
    /// the regime that governed this claim: the incident's `placed` day tells which).
    pub regime: Regime,
    pub line: Line,
    /// `None`: the total.
    pub party: Option<PartyId>,
    pub perspective: Perspective,
    pub amount: Money,
}

/// A recall campaign that was triggered in a replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecallRecord {
    /// Index of the rule in the scenario's recalls.
    pub rule: usize,
    pub day: f64,
    /// Devices the campaign reached (and fixed, each after its own delay).
    pub devices: u64,
    pub cost: Money,
    /// Harmful incidents it prevented later in the replication.
    pub prevented: u64,
}

/// The compact per-year record of one replication.
#[derive(Debug, Clone)]
pub struct ReplicationResult {
    pub replication: u32,
    /// `[year × series]` in the order of [`Layout`]: each series' yearly total.
    pub year_loss: Vec<Money>,
    /// Same layout: the year's largest occurrence (for OEP): a systemic event's claims in the
    /// year summed, or an independent incident's single claim.
    pub year_max: Vec<Money>,
    /// Each systemic event's ground-up loss over the replication, by event number.
    pub event_loss: Vec<(u32, Money)>,
    /// `[year]`: the ground-up damages of systemic events' claims booked in each year.
    pub year_systemic: Vec<Money>,
    /// The replication's systemic events, numbered from 1.
    pub events: Vec<EventRecord>,
    /// `[regime × party]`: years in which the party could not pay what it owed.
    pub insolvent_years: Vec<u32>,
    pub tally: Tally,
    pub exposure: Exposure,
    /// The event loss table rows, when asked for.
    pub elt: Vec<EltRow>,
    pub recalls: Vec<RecallRecord>,
    /// Claims booked at the ceiling of a single amount ([`crate::money::MAX_UNITS`]).
    pub at_ceiling: u64,
    /// The botnet's time series (empty without an outbreak).
    pub botnet: Vec<BotnetSample>,
    /// Every vulnerability disclosed in the replication, with its delays.
    pub vulnerabilities: Vec<VulnerabilityRecord>,
}

impl ReplicationResult {
    /// The ground-up loss of systemic event `id` (zero for an event without claims).
    pub fn event_loss_of(&self, id: u32) -> Money {
        // Sorted by event number, as the books hand it over.
        self.event_loss
            .binary_search_by_key(&id, |&(e, _)| e)
            .map_or(Money::ZERO, |i| self.event_loss[i].1)
    }
}

/// A vulnerability of a class's software, as disclosed in one replication: enough to judge
/// later whether its vendor patched within the support period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VulnerabilityRecord {
    pub class: u16,
    /// Index within the class, as in `HarmRecord::vulnerability`.
    pub index: u32,
    pub disclosed: f64,
    /// When a working exploit became available.
    pub exploit_day: f64,
    /// When the vendor released its patch (infinity: never).
    pub patch_release: f64,
    /// Whether it was disclosed within the vendor's support period.
    pub within_support: bool,
}

/// A replication's exposure, by year of the horizon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exposure {
    /// Device-years in service in each year.
    pub device_years: Vec<f64>,
    /// Devices in service at the end of each year.
    pub in_service: Vec<u64>,
}

/// What a replicator hands back after a replication, besides the harms it streamed.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    pub tally: Tally,
    pub exposure: Exposure,
    pub botnet: Vec<BotnetSample>,
    pub vulnerabilities: Vec<VulnerabilityRecord>,
    /// The replication's systemic events, numbered from 1 in this order (harms carry the
    /// number).
    pub events: Vec<EventRecord>,
}

/// One systemic event of a replication, as the simulation saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRecord {
    /// Its number in the replication, from 1 (what [`HarmRecord::event`] holds).
    pub id: u32,
    /// The event source (index in the scenario's sources) it came from.
    pub source: u16,
    pub kind: crate::scenario::EventKind,
    /// Day it starts and day it ends (from the start of the horizon).
    pub start: f64,
    pub end: f64,
    /// Devices of the fleet it reached (recruited, installed the update, exploited, cut off).
    pub devices: u64,
    /// Devices open to it when it began: for a mass exploitation, the exposed devices of its
    /// classes in service and unpatched at the exploitation's start (0 for other kinds).
    pub exposed: u64,
}

/// One row of the botnet's time series.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BotnetSample {
    pub day: f64,
    /// Fleet devices in the botnet now.
    pub fleet_infected: u64,
    /// Bots outside the fleet now.
    pub external_infected: u64,
    /// Fleet devices susceptible now (by credentials or an exploit).
    pub fleet_susceptible: u64,
    /// Recruitments of fleet devices so far, first or not.
    pub recruited: u64,
    /// Recruitments of fleet devices that had been infected before.
    pub reinfected: u64,
    /// Infected fleet devices cleared by a reboot so far.
    pub rebooted: u64,
    /// Infected fleet devices cleaned up by their owners so far.
    pub cleaned: u64,
}
