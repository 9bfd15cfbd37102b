//! Plain data that flows out of a replication: harmful incidents, counts, and the per-year
//! record that statistics and output use. No ECS types here, by design.

use crate::scenario::{FaultKind, HarmKind, PartyId, Role};

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

/// One harmful incident with its ground-up loss and its root-cause party.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HarmRecord {
    /// Day since the start of the replication.
    pub day: f64,
    /// Device number, stable across replications.
    pub device: u32,
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
}

/// Incident counts of one replication, by fault kind and root-cause party.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    parties: usize,
    /// `[fault kind × party]`: every incident.
    pub incidents: Vec<u64>,
    /// `[fault kind × party]`: incidents that caused harm.
    pub harmful: Vec<u64>,
}

impl Tally {
    /// An empty tally for `parties` parties.
    pub fn new(parties: usize) -> Self {
        let n = FaultKind::ALL.len() * (parties + 1);
        Self {
            parties,
            incidents: vec![0; n],
            harmful: vec![0; n],
        }
    }

    /// The slot of a (kind, party) pair; the last slot of each kind is "unidentified".
    pub fn slot(&self, fault: FaultKind, party: Option<PartyId>) -> usize {
        fault as usize * (self.parties + 1) + party.map_or(self.parties, usize::from)
    }

    /// Counts one incident.
    pub fn count(&mut self, fault: FaultKind, party: Option<PartyId>, harmful: bool) {
        let s = self.slot(fault, party);
        self.incidents[s] += 1;
        if harmful {
            self.harmful[s] += 1;
        }
    }

    /// Sets every count to zero.
    pub fn clear(&mut self) {
        self.incidents.fill(0);
        self.harmful.fill(0);
    }
}

/// One row of the event loss table: a loss borne by one party from one incident.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EltRow {
    pub replication: u32,
    /// Year within the replication, from 0.
    pub year: u32,
    pub incident: HarmRecord,
    /// The party that bears this share; `None`: nobody identified, the victim bears it.
    pub party: Option<PartyId>,
    pub loss: f64,
}

/// The compact per-year record of one replication.
#[derive(Debug, Clone)]
pub struct ReplicationResult {
    pub replication: u32,
    /// `[year × (1 + parties)]`: column 0 is the total ground-up loss, column 1 + p party p's.
    pub year_loss: Vec<f64>,
    /// Same layout: the largest single incident loss in the year (for OEP).
    pub year_max: Vec<f64>,
    pub tally: Tally,
    /// The event loss table rows, when asked for.
    pub elt: Vec<EltRow>,
    /// The botnet's time series (empty without an outbreak).
    pub botnet: Vec<BotnetSample>,
    /// Every vulnerability disclosed in the replication, with its delays.
    pub vulnerabilities: Vec<VulnerabilityRecord>,
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

/// What a replicator hands back after a replication, besides the harms it streamed.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    pub tally: Tally,
    pub botnet: Vec<BotnetSample>,
    pub vulnerabilities: Vec<VulnerabilityRecord>,
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
