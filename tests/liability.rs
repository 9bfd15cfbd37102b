//! The liability engine against hand-computed allocations (each expected amount's arithmetic
//! is written next to its assertion), then property tests of conservation on random money
//! terms and random harms. The spec is the engine's allocation rules: regimes, victim fault,
//! contracts, insurance, capacity, recalls, fines and time bars.
//!
//! Scenarios come from TOML (parties and classes only); every money term is set in Rust.

mod common;

use std::sync::{Arc, OnceLock};

use common::{class, header, scenario};
use fleetsim::liability::claims::{Claim, Claimant};
use fleetsim::liability::engine::Split;
use fleetsim::liability::{self, Allocator, Books};
use fleetsim::money::Money;
use fleetsim::outcome::NO_DEVICE;
use fleetsim::outcome::{EltRow, Facts, HarmRecord, Layout, Perspective, VulnerabilityRecord};
use fleetsim::rng::{Streams, streams};
use fleetsim::scenario::{
    ComparativeFault, Contract, FaultKind, FaultSet, FineRule, FineTarget, HarmKind, HarmSet,
    Layer, Line, Occurrence, PartyId, Policy, RecallRule, Regime, RegimeKind, Role, Scenario,
    Switch,
};
use rand_distr::{Distribution, Exp};

// ---------------------------------------------------------------------------------------------
// The test world
// ---------------------------------------------------------------------------------------------

const MAKER: PartyId = 0;
const PARTS: PartyId = 1;
const CODE: PartyId = 2;
const FITTER: PartyId = 3;
const IMPORTER: PartyId = 4;
const DISTRIBUTOR: PartyId = 5;
const ASSEMBLER: PartyId = 6;
/// Six insurers, 7..=12: one per layer in the property tests.
const INS_A: PartyId = 7;
const INS_B: PartyId = 8;
const INSURERS: std::ops::Range<PartyId> = 7..13;
/// Parties that are not insurers.
const OPERATORS: PartyId = 7;

/// Roles of the parties, by id.
const ROLES: [Role; 13] = [
    Role::Manufacturer,
    Role::ComponentSupplier,
    Role::SoftwareVendor,
    Role::Installer,
    Role::Importer,
    Role::Distributor,
    Role::Assembler,
    Role::Insurer,
    Role::Insurer,
    Role::Insurer,
    Role::Insurer,
    Role::Insurer,
    Role::Insurer,
];

/// Class 0 "Cam": devices 0..10; class 1 "Hub": devices 10..15.
const CAM_DEVICES: u32 = 10;
const HUB_DEVICES: u32 = 5;
const YEARS: u32 = 3;

/// Parties (Maker, Parts, Code, Fitter from the common header; then an importer, a distributor,
/// an assembler and six insurers) and two classes: "Cam" (maker, software vendor, installer, a
/// part by Parts) and "Hub" (the same plus an importer and a distributor). No money terms.
fn base() -> Scenario {
    static BASE: OnceLock<Arc<Scenario>> = OnceLock::new();
    let s = BASE.get_or_init(|| {
        let mut text = header("liability", YEARS, 1, 7);
        for (name, role) in [
            ("Importer", "importer"),
            ("Distributor", "distributor"),
            ("Assembler", "assembler"),
            ("InsA", "insurer"),
            ("InsB", "insurer"),
            ("InsC", "insurer"),
            ("InsD", "insurer"),
            ("InsE", "insurer"),
            ("InsF", "insurer"),
        ] {
            text.push_str(&format!("\n[[party]]\nname = \"{name}\"\nrole = \"{role}\"\n"));
        }
        text.push_str(&class("Cam", CAM_DEVICES));
        text.push_str(&format!(
            r#"
[[device_class]]
name = "Hub"
count = {HUB_DEVICES}
lineage = {{ manufacturer = "Maker", importer = "Importer", distributor = "Distributor", software_vendor = "Code", installer = "Fitter" }}
component = [{{ name = "part", supplier = "Parts" }}]
"#
        ));
        scenario(&text)
    });
    let s = (**s).clone();
    for (p, party) in s.parties.iter().enumerate() {
        assert_eq!(party.roles, [ROLES[p]], "party {p} of the test world");
    }
    s
}

/// The base world under one regime, with recourse to the root cause at 70 %.
fn world(regime: RegimeKind) -> Scenario {
    let mut s = base();
    s.terms.liability.regimes = vec![regime.into()];
    s.terms.liability.cause_contribution = 0.7;
    s
}

/// A harmful incident: injury on `device` (class from the device number), caused by `cause`
/// in its own role; `key` must be unique.
fn harm(
    key: u64,
    day: f64,
    device: u32,
    fault: FaultKind,
    cause: Option<PartyId>,
    loss: f64,
) -> HarmRecord {
    HarmRecord {
        day,
        device,
        placed: 0.0,
        class: u16::from(device >= CAM_DEVICES),
        fault,
        harm: HarmKind::Injury,
        cause_role: cause.map_or(Role::Manufacturer, |p| ROLES[usize::from(p)]),
        cause_party: cause,
        loss,
        vulnerability: None,
        key,
        facts: Facts::default(),
        event: 0,
    }
}

/// A damages claim of `h`, filed in time and proven.
fn damages(h: HarmRecord) -> Claim {
    Claim {
        incident: h,
        line: Line::Damages,
        amount: Money::from_units(h.loss),
        barred: false,
        proven: true,
        on: None,
    }
}

/// Allocates one claim under `regime` with fresh yearly state.
fn allocate(s: &Scenario, regime: RegimeKind, claim: &Claim) -> Split {
    let mut a = Allocator::new(s, regime);
    a.allocate(claim).unwrap_or_else(|v| panic!("{v:?}"));
    a.split.clone()
}

/// An amount in the books against its hand-computed value: equal to the cent, or, where the
/// hand value is a fraction of a cent (a third of a claim), within the one cent that
/// apportioning the claim exactly may add.
#[track_caller]
fn money(got: impl Amount, expected: impl Amount) {
    let (got, expected) = (got.units(), expected.units());
    let diff = (got - expected).abs();
    assert!(
        Money::from_units(got) == Money::from_units(expected)
            || diff <= 0.01 + 1e-9 * expected.abs(),
        "got {got}, expected {expected}"
    );
}

/// An amount written by hand (f64) or taken from the books (whole cents).
trait Amount: Copy {
    fn units(self) -> f64;
}
impl Amount for f64 {
    fn units(self) -> f64 {
        self
    }
}
impl Amount for Money {
    fn units(self) -> f64 {
        self.to_f64()
    }
}

/// One replication settled, with accessors by year, regime, party and perspective.
struct Settled {
    layout: Layout,
    books: Books,
    regimes: Vec<Regime>,
}

fn settle(s: &Scenario, harms: &[HarmRecord]) -> Settled {
    let layout = Layout::new(s);
    let mut harms = harms.to_vec();
    let books =
        liability::settle(s, &layout, 0, &mut harms, &[], true).unwrap_or_else(|b| panic!("{b:?}"));
    Settled {
        layout,
        books,
        regimes: s.terms.liability.regimes.clone(),
    }
}

impl Settled {
    fn years(&self) -> usize {
        self.books.year_loss.len() / self.layout.len()
    }
    fn total(&self, year: usize, r: usize, p: Perspective) -> Money {
        self.books.year_loss[year * self.layout.len() + self.layout.total(r, p)]
    }
    fn party(&self, year: usize, r: usize, party: PartyId, p: Perspective) -> Money {
        self.books.year_loss[year * self.layout.len() + self.layout.party(r, party, p)]
    }
    fn total_all(&self, r: usize, p: Perspective) -> Money {
        (0..self.years()).map(|y| self.total(y, r, p)).sum()
    }
    /// The event-loss amounts of one series and line, in claim order.
    fn elt(&self, r: usize, line: Line, party: Option<PartyId>, p: Perspective) -> Vec<f64> {
        self.books
            .elt
            .iter()
            .filter(|e| {
                e.regime == self.regimes[r]
                    && e.line == line
                    && e.party == party
                    && e.perspective == p
            })
            .map(|e| e.amount.to_f64())
            .collect()
    }
    fn insolvent_years(&self, r: usize, party: PartyId) -> u32 {
        self.books.insolvent_years[r * ROLES.len() + usize::from(party)]
    }
}

// ---------------------------------------------------------------------------------------------
// Regimes
// ---------------------------------------------------------------------------------------------

#[test]
fn root_cause_charges_the_root_cause_alone_and_ignores_conduct() {
    let mut s = world(RegimeKind::RootCause);
    // The victim's own fault would halve the award under any other regime.
    s.terms.liability.victim_fault_share = 0.5;
    let mut fixable = harm(3, 30.0, 2, FaultKind::SensorDrift, Some(MAKER), 600.0);
    fixable.facts.fix_available = true;
    let b = settle(
        &s,
        &[
            harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0),
            harm(2, 20.0, 1, FaultKind::FirmwareBug, None, 400.0),
            fixable,
        ],
    );
    // Ground-up 1,000 + 400 + 600 = 2,000; the unidentified cause's 400 stays with the victim.
    money(b.total(0, 0, Perspective::GroundUp), 2000.0);
    money(b.total(0, 0, Perspective::Paid), 1600.0); // 1,000 + 600
    money(b.total(0, 0, Perspective::Uncompensated), 400.0);
    for p in [Perspective::Gross, Perspective::Net, Perspective::Retained] {
        money(b.party(0, 0, PARTS, p), 1000.0); // the wear-out, all on its root cause
        money(b.party(0, 0, MAKER, p), 600.0); // the drift, in full despite the victim's fault
    }
    money(b.party(0, 0, CODE, Perspective::Net), 0.0);
}

#[test]
fn negligence_needs_an_identified_proven_breach_of_duty() {
    let s = world(RegimeKind::Negligence);
    let neg = RegimeKind::Negligence;
    // Installation errors are negligent by default: the installer pays all 1,000.
    let fit = allocate(
        &s,
        neg,
        &damages(harm(
            1,
            10.0,
            0,
            FaultKind::InstallationError,
            Some(FITTER),
            1000.0,
        )),
    );
    money(fit.paid, 1000.0);
    money(fit.gross[usize::from(FITTER)], 1000.0);
    money(fit.net[usize::from(FITTER)], 1000.0);
    // A wear-out is no breach of duty: nobody pays, 1,000 uncompensated.
    let wear = allocate(
        &s,
        neg,
        &damages(harm(2, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(wear.paid, 0.0);
    money(wear.uncompensated, 1000.0);
    // A breach the victim does not prove: 1,000 uncompensated.
    let mut unproven = damages(harm(
        3,
        10.0,
        0,
        FaultKind::InstallationError,
        Some(FITTER),
        1000.0,
    ));
    unproven.proven = false;
    money(allocate(&s, neg, &unproven).uncompensated, 1000.0);
    // A breach by nobody identified: 1,000 uncompensated.
    let nobody = allocate(
        &s,
        neg,
        &damages(harm(4, 10.0, 0, FaultKind::InstallationError, None, 1000.0)),
    );
    money(nobody.uncompensated, 1000.0);
}

#[test]
fn negligence_proof_probability_zero_and_one() {
    let harms: Vec<HarmRecord> = (0..20)
        .map(|k| {
            harm(
                k,
                10.0 + k as f64,
                (k % 10) as u32,
                FaultKind::InstallationError,
                Some(FITTER),
                100.0,
            )
        })
        .collect();
    let mut s = world(RegimeKind::Negligence);
    s.terms.liability.proof_probability = 0.0;
    let b = settle(&s, &harms);
    // u < 0 never holds: all 20 × 100 = 2,000 uncompensated.
    money(b.total(0, 0, Perspective::Uncompensated), 2000.0);
    money(b.party(0, 0, FITTER, Perspective::Net), 0.0);
    s.terms.liability.proof_probability = 1.0;
    let b = settle(&s, &harms);
    // u < 1 always holds: the installer pays 20 × 100 = 2,000.
    money(b.total(0, 0, Perspective::Paid), 2000.0);
    money(b.party(0, 0, FITTER, Perspective::Net), 2000.0);
}

#[test]
fn negligence_default_password_breach_is_a_breach_of_duty() {
    let mut s = world(RegimeKind::Negligence);
    let mut h = harm(1, 10.0, 0, FaultKind::Exploit, Some(MAKER), 1000.0);
    // Without the fact, an exploit is not negligent: 1,000 uncompensated.
    money(
        allocate(&s, RegimeKind::Negligence, &damages(h)).uncompensated,
        1000.0,
    );
    h.facts.default_password = true;
    // Broken into through a universal default password: the maker pays 1,000.
    let got = allocate(&s, RegimeKind::Negligence, &damages(h));
    money(got.net[usize::from(MAKER)], 1000.0);
    money(got.uncompensated, 0.0);
    // Unless the rule is off.
    s.terms.liability.default_password_negligent = false;
    money(
        allocate(&s, RegimeKind::Negligence, &damages(h)).uncompensated,
        1000.0,
    );
}

#[test]
fn negligence_unpatched_flaw_within_support_is_a_breach_of_duty() {
    let mut s = world(RegimeKind::Negligence);
    let mut h = harm(1, 10.0, 0, FaultKind::Exploit, Some(CODE), 1000.0);
    money(
        allocate(&s, RegimeKind::Negligence, &damages(h)).uncompensated,
        1000.0,
    );
    h.facts.unpatched_in_support = true;
    // Exploited through a flaw disclosed within support and unpatched: the vendor pays 1,000.
    let got = allocate(&s, RegimeKind::Negligence, &damages(h));
    money(got.net[usize::from(CODE)], 1000.0);
    money(got.gross[usize::from(CODE)], 1000.0);
    s.terms.liability.unpatched_negligent = false;
    money(
        allocate(&s, RegimeKind::Negligence, &damages(h)).uncompensated,
        1000.0,
    );
}

#[test]
fn strict_manufacturer_pays_and_recovers_from_the_supplier() {
    let s = world(RegimeKind::Strict);
    let st = RegimeKind::Strict;
    let got = allocate(
        &s,
        st,
        &damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.paid, 1000.0);
    money(got.gross[usize::from(MAKER)], 1000.0); // the victim collects all from the maker
    money(got.gross[usize::from(PARTS)], 0.0);
    money(got.net[usize::from(PARTS)], 700.0); // recourse: 0.7 × 1,000
    money(got.net[usize::from(MAKER)], 300.0); // (1 − 0.7) × 1,000
    // Unidentified root cause: the maker bears it all.
    let got = allocate(
        &s,
        st,
        &damages(harm(2, 10.0, 0, FaultKind::WearOut, None, 1000.0)),
    );
    money(got.net[usize::from(MAKER)], 1000.0);
    // The maker as root cause: 1,000 on the maker.
    let got = allocate(
        &s,
        st,
        &damages(harm(
            3,
            10.0,
            0,
            FaultKind::SensorDrift,
            Some(MAKER),
            1000.0,
        )),
    );
    money(got.net[usize::from(MAKER)], 1000.0);
    // Not a defect: the negligence rule, so the installer pays 1,000.
    let got = allocate(
        &s,
        st,
        &damages(harm(
            4,
            10.0,
            0,
            FaultKind::InstallationError,
            Some(FITTER),
            1000.0,
        )),
    );
    money(got.net[usize::from(FITTER)], 1000.0);
    money(got.gross[usize::from(FITTER)], 1000.0);
    money(got.net[usize::from(MAKER)], 0.0);
}

#[test]
fn strict_falls_on_the_importer_then_the_distributor() {
    let mut s = world(RegimeKind::Strict);
    let st = RegimeKind::Strict;
    // A Hub (class 1, with an importer and a distributor) with a defective part.
    let claim = damages(harm(1, 10.0, 10, FaultKind::WearOut, Some(PARTS), 1000.0));
    s.parties[usize::from(MAKER)].outside_jurisdiction = true;
    let got = allocate(&s, st, &claim);
    money(got.gross[usize::from(IMPORTER)], 1000.0); // the importer answers the victim
    money(got.gross[usize::from(MAKER)], 0.0);
    money(got.net[usize::from(IMPORTER)], 300.0); // (1 − 0.7) × 1,000
    money(got.net[usize::from(PARTS)], 700.0); // 0.7 × 1,000
    money(got.net[usize::from(MAKER)], 0.0);
    s.parties[usize::from(IMPORTER)].outside_jurisdiction = true;
    let got = allocate(&s, st, &claim);
    money(got.gross[usize::from(DISTRIBUTOR)], 1000.0);
    money(got.net[usize::from(DISTRIBUTOR)], 300.0);
    money(got.net[usize::from(PARTS)], 700.0);
    money(got.net[usize::from(IMPORTER)], 0.0);
    // Nobody reachable: the victim keeps all 1,000.
    s.parties[usize::from(DISTRIBUTOR)].outside_jurisdiction = true;
    let got = allocate(&s, st, &claim);
    money(got.paid, 0.0);
    money(got.uncompensated, 1000.0);
}

#[test]
fn joint_and_several_order_and_contribution() {
    let mut s = world(RegimeKind::JointAndSeveral);
    let js = RegimeKind::JointAndSeveral;
    // Operators {Maker, Parts}: Parts (root cause) 0.7, Maker the other 0.3.
    let got = allocate(
        &s,
        js,
        &damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.gross[usize::from(MAKER)], 1000.0);
    money(got.net[usize::from(MAKER)], 300.0);
    money(got.net[usize::from(PARTS)], 700.0);
    // Software: operators {Maker, Code}: 300 / 700.
    let got = allocate(
        &s,
        js,
        &damages(harm(2, 10.0, 0, FaultKind::FirmwareBug, Some(CODE), 1000.0)),
    );
    money(got.gross[usize::from(MAKER)], 1000.0);
    money(got.net[usize::from(MAKER)], 300.0);
    money(got.net[usize::from(CODE)], 700.0);
    // A root cause that is no operator (the installer, for a defect): the maker alone.
    let got = allocate(
        &s,
        js,
        &damages(harm(3, 10.0, 0, FaultKind::WearOut, Some(FITTER), 1000.0)),
    );
    money(got.net[usize::from(MAKER)], 1000.0);
    money(got.net[usize::from(FITTER)], 0.0);
    // With an assembler: {Maker, Assembler, Parts}: Parts 0.7, the others (1 − 0.7) / 2 = 0.15.
    s.classes[0]
        .lineage
        .roles
        .push((Role::Assembler, ASSEMBLER));
    let got = allocate(
        &s,
        js,
        &damages(harm(4, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.gross[usize::from(MAKER)], 1000.0);
    money(got.net[usize::from(MAKER)], 150.0);
    money(got.net[usize::from(ASSEMBLER)], 150.0);
    money(got.net[usize::from(PARTS)], 700.0);
    // Hub with the maker outside: operators {Maker (outside), Parts, Importer}; the victim turns
    // first to Parts; the maker still owes its 0.15 in recourse.
    s.parties[usize::from(MAKER)].outside_jurisdiction = true;
    let got = allocate(
        &s,
        js,
        &damages(harm(5, 10.0, 10, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.gross[usize::from(PARTS)], 1000.0);
    money(got.gross[usize::from(MAKER)], 0.0);
    money(got.net[usize::from(PARTS)], 700.0);
    money(got.net[usize::from(MAKER)], 150.0);
    money(got.net[usize::from(IMPORTER)], 150.0);
    money(got.net[usize::from(DISTRIBUTOR)], 0.0);
    // Maker and supplier both outside: the importer is the only operator within; the
    // distributor is not needed. Contribution still over {Maker, Parts, Importer}.
    s.parties[usize::from(PARTS)].outside_jurisdiction = true;
    let got = allocate(
        &s,
        js,
        &damages(harm(6, 10.0, 10, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.gross[usize::from(IMPORTER)], 1000.0);
    money(got.net[usize::from(IMPORTER)], 150.0);
    money(got.net[usize::from(DISTRIBUTOR)], 0.0);
    // Everyone outside but the distributor: the distributor answers, sharing equally with the
    // other operators: {Maker, Parts, Importer, Distributor}: Parts 0.7, others 0.1 each.
    s.parties[usize::from(IMPORTER)].outside_jurisdiction = true;
    let got = allocate(
        &s,
        js,
        &damages(harm(7, 10.0, 10, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.gross[usize::from(DISTRIBUTOR)], 1000.0);
    money(got.net[usize::from(DISTRIBUTOR)], 100.0); // (1 − 0.7) / 3 × 1,000
    money(got.net[usize::from(PARTS)], 700.0);
    money(got.net[usize::from(IMPORTER)], 100.0);
    money(got.net[usize::from(MAKER)], 100.0);
}

#[test]
fn strict_and_joint_need_no_proof_for_defects_but_fall_back_on_negligence_otherwise() {
    for regime in [RegimeKind::Strict, RegimeKind::JointAndSeveral] {
        let s = world(regime);
        // A defect the victim could not prove negligent: still 1,000 paid, the maker first.
        let mut claim = damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0));
        claim.proven = false;
        let got = allocate(&s, regime, &claim);
        money(got.paid, 1000.0);
        money(got.gross[usize::from(MAKER)], 1000.0);
        // Not a defect: the installer pays 1,000 when the breach is proven, nobody otherwise.
        let mut claim = damages(harm(
            2,
            10.0,
            0,
            FaultKind::InstallationError,
            Some(FITTER),
            1000.0,
        ));
        let got = allocate(&s, regime, &claim);
        money(got.net[usize::from(FITTER)], 1000.0);
        money(got.net[usize::from(MAKER)], 0.0);
        claim.proven = false;
        money(allocate(&s, regime, &claim).uncompensated, 1000.0);
    }
}

#[test]
fn uncovered_faults_and_harms_stay_with_the_victim_under_every_regime() {
    let mut s = base();
    s.terms.liability.regimes = RegimeKind::ALL.map(Regime::from).to_vec();
    s.terms.liability.covered_faults = FaultSet::of(&[FaultKind::InstallationError]);
    s.terms.liability.covered_harms = HarmSet::of(&[HarmKind::Injury]);
    let mut data_loss = harm(
        2,
        20.0,
        1,
        FaultKind::InstallationError,
        Some(FITTER),
        300.0,
    );
    data_loss.harm = HarmKind::DataLoss;
    let b = settle(
        &s,
        &[
            harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0),
            data_loss,
            harm(3, 30.0, 2, FaultKind::InstallationError, Some(FITTER), 50.0),
        ],
    );
    for r in 0..RegimeKind::ALL.len() {
        // The wear-out (fault not covered) and the data loss (harm not covered) stay with the
        // victims: 1,000 + 300; the covered installation injury of 50 is the installer's.
        money(b.total(0, r, Perspective::GroundUp), 1350.0);
        money(b.total(0, r, Perspective::Uncompensated), 1300.0);
        money(b.party(0, r, FITTER, Perspective::Net), 50.0);
    }
}

#[test]
fn joint_and_several_victim_collects_everything_from_the_manufacturer_then_recourse() {
    let s = world(RegimeKind::JointAndSeveral);
    let b = settle(
        &s,
        &[
            harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0),
            harm(2, 20.0, 1, FaultKind::FirmwareBug, Some(CODE), 2000.0),
        ],
    );
    // The maker pays both victims in full: gross 1,000 then 2,000.
    assert_eq!(
        b.elt(0, Line::Damages, Some(MAKER), Perspective::Gross),
        vec![1000.0, 2000.0]
    );
    money(b.party(0, 0, MAKER, Perspective::Gross), 3000.0);
    money(b.party(0, 0, PARTS, Perspective::Gross), 0.0);
    money(b.party(0, 0, CODE, Perspective::Gross), 0.0);
    // After recourse: maker 0.3 × 1,000 + 0.3 × 2,000 = 900; Parts 700; Code 1,400.
    money(b.party(0, 0, MAKER, Perspective::Net), 900.0);
    money(b.party(0, 0, PARTS, Perspective::Net), 700.0);
    money(b.party(0, 0, CODE, Perspective::Net), 1400.0);
    money(b.total(0, 0, Perspective::Paid), 3000.0);
    money(b.total(0, 0, Perspective::Uncompensated), 0.0);
}

// ---------------------------------------------------------------------------------------------
// The victim's own fault
// ---------------------------------------------------------------------------------------------

/// A defect with no identified cause under strict liability (the maker pays), where the victim
/// had not installed an available fix, given `v` and `rule`; returns (paid, uncompensated).
fn with_victim_fault(rule: ComparativeFault, v: f64, fix_available: bool) -> (f64, f64) {
    let mut s = world(RegimeKind::Strict);
    s.terms.liability.comparative_fault = rule;
    s.terms.liability.victim_fault_share = v;
    let mut h = harm(1, 10.0, 0, FaultKind::FirmwareBug, None, 1000.0);
    h.facts.fix_available = fix_available;
    let got = allocate(&s, RegimeKind::Strict, &damages(h));
    money(got.net[usize::from(MAKER)], got.paid);
    (got.paid.to_f64(), got.uncompensated.to_f64())
}

#[test]
fn victim_fault_pure_reduces_the_award_by_the_share() {
    let (paid, unc) = with_victim_fault(ComparativeFault::Pure, 0.3, true);
    money(paid, 700.0); // (1 − 0.3) × 1,000
    money(unc, 300.0);
    let (paid, _) = with_victim_fault(ComparativeFault::Pure, 0.8, true);
    money(paid, 200.0); // (1 − 0.8) × 1,000: pure never bars
    // No fix was available: no fault of the victim, the whole 1,000.
    let (paid, unc) = with_victim_fault(ComparativeFault::Pure, 0.3, false);
    money(paid, 1000.0);
    money(unc, 0.0);
}

#[test]
fn victim_fault_modified_50_bars_at_one_half() {
    let (paid, unc) = with_victim_fault(ComparativeFault::Modified50, 0.5, true);
    money(paid, 0.0); // v = 0.5 ≥ 0.5: barred
    money(unc, 1000.0);
    let (paid, unc) = with_victim_fault(ComparativeFault::Modified50, 0.49, true);
    money(paid, 510.0); // (1 − 0.49) × 1,000
    money(unc, 490.0);
    // Modified 51 bars only above one half: 0.5 recovers (1 − 0.5) × 1,000 = 500.
    let (paid, _) = with_victim_fault(ComparativeFault::Modified51, 0.5, true);
    money(paid, 500.0);
    let (paid, _) = with_victim_fault(ComparativeFault::Modified51, 0.51, true);
    money(paid, 0.0);
}

#[test]
fn victim_fault_contributory_bars_any_fault() {
    let (paid, unc) = with_victim_fault(ComparativeFault::Contributory, 0.1, true);
    money(paid, 0.0); // v = 0.1 > 0: barred
    money(unc, 1000.0);
    let (paid, _) = with_victim_fault(ComparativeFault::Contributory, 0.0, true);
    money(paid, 1000.0); // v = 0: the whole 1,000
}

// ---------------------------------------------------------------------------------------------
// Contracts
// ---------------------------------------------------------------------------------------------

/// Parts owes the maker.
fn supply_contract(indemnity: &[FaultKind], cap: Option<f64>, carve: &[FaultKind]) -> Contract {
    Contract {
        party: PARTS,
        counterparty: MAKER,
        indemnity: FaultSet::of(indemnity),
        indemnity_any_cause: false,
        cap,
        carve_outs: FaultSet::of(carve),
    }
}

#[test]
fn contract_indemnity_takes_over_the_whole_share() {
    let mut s = world(RegimeKind::Strict);
    s.terms.contracts = vec![supply_contract(&[FaultKind::WearOut], None, &[])];
    let got = allocate(
        &s,
        RegimeKind::Strict,
        &damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    // Recourse 700 plus the maker's 300 taken over: Parts 1,000, maker 0; the maker still
    // paid the victim first.
    money(got.net[usize::from(PARTS)], 1000.0);
    money(got.net[usize::from(MAKER)], 0.0);
    money(got.gross[usize::from(MAKER)], 1000.0);
    // A firmware bug by Code is not Parts's cause: no indemnity (maker 300, Code 700) …
    s.terms.contracts[0].indemnity = FaultSet::of(&[FaultKind::FirmwareBug]);
    let bug = damages(harm(2, 10.0, 0, FaultKind::FirmwareBug, Some(CODE), 1000.0));
    let got = allocate(&s, RegimeKind::Strict, &bug);
    money(got.net[usize::from(MAKER)], 300.0);
    money(got.net[usize::from(CODE)], 700.0);
    money(got.net[usize::from(PARTS)], 0.0);
    // … unless the indemnity covers any cause: Parts takes the maker's 300.
    s.terms.contracts[0].indemnity_any_cause = true;
    let got = allocate(&s, RegimeKind::Strict, &bug);
    money(got.net[usize::from(MAKER)], 0.0);
    money(got.net[usize::from(PARTS)], 300.0);
    money(got.net[usize::from(CODE)], 700.0);
}

#[test]
fn contract_cap_moves_exactly_the_excess_back_and_resets_each_year() {
    let mut s = world(RegimeKind::Strict);
    s.terms.contracts = vec![supply_contract(&[], Some(1000.0), &[])];
    let b = settle(
        &s,
        &[
            harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0),
            harm(2, 20.0, 1, FaultKind::WearOut, Some(PARTS), 1000.0),
            harm(3, 400.0, 2, FaultKind::WearOut, Some(PARTS), 1000.0),
        ],
    );
    // Claim 1: recourse 0.7 × 1,000 = 700 ≤ cap 1,000 → Parts 700, maker 300; cap left 300.
    // Claim 2: recourse 700, cap left 300 → Parts 300, the excess 400 back: maker 300 + 400.
    // Claim 3, next year: the cap is 1,000 again → Parts 700, maker 300.
    assert_eq!(
        b.elt(0, Line::Damages, Some(PARTS), Perspective::Net).len(),
        3
    );
    let parts = b.elt(0, Line::Damages, Some(PARTS), Perspective::Net);
    let maker = b.elt(0, Line::Damages, Some(MAKER), Perspective::Net);
    for (got, expected) in parts.iter().zip([700.0, 300.0, 700.0]) {
        money(*got, expected);
    }
    for (got, expected) in maker.iter().zip([300.0, 700.0, 300.0]) {
        money(*got, expected);
    }
    money(b.party(0, 0, PARTS, Perspective::Net), 1000.0); // 700 + 300: exactly the cap
    money(b.party(0, 0, MAKER, Perspective::Net), 1000.0); // 300 + 700
    money(b.party(1, 0, PARTS, Perspective::Net), 700.0);
    money(b.party(1, 0, MAKER, Perspective::Net), 300.0);
}

#[test]
fn contract_fee_multiple_cap() {
    // A cap of 2.5 × the annual fee of 200 = 500.
    let mut s = world(RegimeKind::Strict);
    s.terms.contracts = vec![supply_contract(&[], Some(2.5 * 200.0), &[])];
    let got = allocate(
        &s,
        RegimeKind::Strict,
        &damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)),
    );
    money(got.net[usize::from(PARTS)], 500.0); // min(700, 500)
    money(got.net[usize::from(MAKER)], 500.0); // 300 + the excess 200
}

#[test]
fn contract_carve_out_is_paid_outside_the_cap() {
    let mut s = world(RegimeKind::Strict);
    s.terms.contracts = vec![supply_contract(&[], Some(100.0), &[FaultKind::WearOut])];
    let mut a = Allocator::new(&s, RegimeKind::Strict);
    let wear = damages(harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0));
    a.allocate(&wear).unwrap();
    // Carved out: the whole recourse 700, and the cap of 100 is untouched.
    money(a.split.net[usize::from(PARTS)], 700.0);
    money(a.split.net[usize::from(MAKER)], 300.0);
    let drift = damages(harm(
        2,
        20.0,
        1,
        FaultKind::SensorDrift,
        Some(PARTS),
        1000.0,
    ));
    a.allocate(&drift).unwrap();
    // Not carved out: recourse 700 capped at the full 100 left; 600 back to the maker.
    money(a.split.net[usize::from(PARTS)], 100.0);
    money(a.split.net[usize::from(MAKER)], 900.0); // 300 + 600
}

// ---------------------------------------------------------------------------------------------
// Insurance
// ---------------------------------------------------------------------------------------------

fn layer(insurer: PartyId, attachment: f64, limit: f64, aggregate: f64, share: f64) -> Layer {
    Layer {
        insurer,
        attachment,
        limit,
        aggregate,
        share,
    }
}

/// The maker's damages policy with `layers`; claims in these tests are defects with no
/// identified cause under strict liability, so the maker bears each in full.
fn insured_world(layers: Vec<Layer>) -> Scenario {
    let mut s = world(RegimeKind::Strict);
    s.terms.policies = vec![Policy {
        insured: MAKER,
        kind: "product_liability".into(),
        covers: FaultSet::all(),
        lines: vec![Line::Damages],
        deductible: layers[0].attachment,
        occurrence: Occurrence::Claim,
        layers,
    }];
    s
}

fn defect(key: u64, day: f64, loss: f64) -> HarmRecord {
    harm(key, day, (key % 10) as u32, FaultKind::WearOut, None, loss)
}

#[test]
fn insurance_deductible_stays_with_the_insured() {
    let s = insured_world(vec![layer(INS_A, 100.0, 900.0, f64::INFINITY, 1.0)]);
    let got = allocate(&s, RegimeKind::Strict, &damages(defect(1, 10.0, 80.0)));
    // Below the deductible of 100: the maker keeps all 80.
    money(got.insurer[usize::from(INS_A)], 0.0);
    money(got.retained[usize::from(MAKER)], 80.0);
    let got = allocate(&s, RegimeKind::Strict, &damages(defect(2, 10.0, 600.0)));
    money(got.insurer[usize::from(INS_A)], 500.0); // 600 − 100
    money(got.retained[usize::from(MAKER)], 100.0); // the deductible
    money(got.net[usize::from(MAKER)], 600.0);
}

#[test]
fn insurance_per_occurrence_limit() {
    let s = insured_world(vec![layer(INS_A, 100.0, 900.0, f64::INFINITY, 1.0)]);
    let got = allocate(&s, RegimeKind::Strict, &damages(defect(1, 10.0, 5000.0)));
    money(got.insurer[usize::from(INS_A)], 900.0); // min(5,000 − 100, 900)
    money(got.retained[usize::from(MAKER)], 4100.0); // 100 below + 4,000 above the layer
    money(got.net[usize::from(MAKER)], 5000.0);
}

#[test]
fn insurance_annual_aggregate_exhausts_and_resets_next_year() {
    let s = insured_world(vec![layer(INS_A, 100.0, 900.0, 1500.0, 1.0)]);
    let b = settle(
        &s,
        &[
            defect(1, 10.0, 1000.0),
            defect(2, 20.0, 1000.0),
            defect(3, 30.0, 1000.0),
            defect(4, 400.0, 1000.0),
        ],
    );
    // Year 0: 900 (limit), then min(900, 1,500 − 900 = 600) = 600, then 0: 1,500.
    assert_eq!(
        b.elt(0, Line::Damages, Some(INS_A), Perspective::Insurer),
        vec![900.0, 600.0, 900.0]
    );
    money(b.party(0, 0, INS_A, Perspective::Insurer), 1500.0);
    money(b.party(0, 0, MAKER, Perspective::Retained), 1500.0); // 100 + 400 + 1,000
    money(b.party(0, 0, MAKER, Perspective::Net), 3000.0);
    // Year 1: a fresh aggregate: 900 again; the maker keeps the 100 deductible.
    money(b.party(1, 0, INS_A, Perspective::Insurer), 900.0);
    money(b.party(1, 0, MAKER, Perspective::Retained), 100.0);
}

#[test]
fn insurance_layers_attach_and_exhaust_in_order_with_a_half_share() {
    // Layer A: 900 xs 100, aggregate 1,500, 100 %; layer B: 4,000 xs 1,000, 50 % placed.
    let s = insured_world(vec![
        layer(INS_A, 100.0, 900.0, 1500.0, 1.0),
        layer(INS_B, 1000.0, 4000.0, f64::INFINITY, 0.5),
    ]);
    let b = settle(
        &s,
        &[
            defect(1, 10.0, 3000.0),
            defect(2, 20.0, 700.0),
            defect(3, 30.0, 10_000.0),
        ],
    );
    // 3,000: A pays 900; B 0.5 × min(3,000 − 1,000, 4,000) = 1,000; the maker keeps 1,100.
    // 700: A min(600, 1,500 − 900 = 600) = 600; B does not attach; the maker keeps 100.
    // 10,000: A is exhausted; B 0.5 × 4,000 = 2,000; the maker keeps 8,000.
    assert_eq!(
        b.elt(0, Line::Damages, Some(INS_A), Perspective::Insurer),
        vec![900.0, 600.0]
    );
    assert_eq!(
        b.elt(0, Line::Damages, Some(INS_B), Perspective::Insurer),
        vec![1000.0, 2000.0]
    );
    assert_eq!(
        b.elt(0, Line::Damages, Some(MAKER), Perspective::Retained),
        vec![1100.0, 100.0, 8000.0]
    );
    money(b.party(0, 0, INS_A, Perspective::Insurer), 1500.0); // 900 + 600
    money(b.party(0, 0, INS_B, Perspective::Insurer), 3000.0); // 1,000 + 2,000
    money(b.party(0, 0, MAKER, Perspective::Net), 13_700.0); // 3,000 + 700 + 10,000
    money(b.party(0, 0, MAKER, Perspective::Retained), 9200.0); // 13,700 − 4,500
    // Insurers appear in their own series, and only in it.
    for ins in [INS_A, INS_B] {
        let col = b.layout.party(0, ins, Perspective::Insurer);
        assert_eq!(b.layout.series[col].party, Some(ins));
        assert_eq!(b.layout.series[col].perspective, Perspective::Insurer);
        assert!(
            !b.layout
                .series
                .iter()
                .any(|x| x.party == Some(ins) && x.perspective != Perspective::Insurer)
        );
    }
    assert!(
        b.books
            .elt
            .iter()
            .all(|e| e.perspective != Perspective::Insurer
                || e.party.is_some_and(|p| INSURERS.contains(&p)))
    );
}

#[test]
fn insurance_responds_only_to_its_lines_and_causes() {
    let mut s = world(RegimeKind::Strict);
    // A recall policy of the maker for firmware bugs: 100 xs 0.
    s.terms.policies = vec![Policy {
        insured: MAKER,
        kind: "recall".into(),
        covers: FaultSet::of(&[FaultKind::FirmwareBug]),
        lines: vec![Line::Recall],
        deductible: 0.0,
        occurrence: Occurrence::Claim,
        layers: vec![layer(INS_A, 0.0, 100.0, f64::INFINITY, 1.0)],
    }];
    let bug = harm(1, 10.0, 0, FaultKind::FirmwareBug, Some(CODE), 1000.0);
    let recall = Claim {
        incident: bug,
        line: Line::Recall,
        amount: Money::from_units(500.0),
        barred: false,
        proven: true,
        on: Some(MAKER),
    };
    let got = allocate(&s, RegimeKind::Strict, &recall);
    // Recall 500: the maker pays first, Code 0.7 × 500 = 350 in recourse; the maker's 150
    // recovers 100 from the policy and keeps 50.
    money(got.gross[usize::from(MAKER)], 500.0);
    money(got.net[usize::from(CODE)], 350.0);
    money(got.net[usize::from(MAKER)], 150.0);
    money(got.insurer[usize::from(INS_A)], 100.0);
    money(got.retained[usize::from(MAKER)], 50.0);
    // The damages of the same bug: not the policy's line.
    let got = allocate(&s, RegimeKind::Strict, &damages(bug));
    money(got.insurer[usize::from(INS_A)], 0.0);
    money(got.retained[usize::from(MAKER)], 300.0); // (1 − 0.7) × 1,000
    // A recall after a wear-out: not the policy's cause.
    let mut wear = recall;
    wear.incident.fault = FaultKind::WearOut;
    let got = allocate(&s, RegimeKind::Strict, &wear);
    money(got.insurer[usize::from(INS_A)], 0.0);
}

// ---------------------------------------------------------------------------------------------
// Capacity and insolvency
// ---------------------------------------------------------------------------------------------

#[test]
fn joint_and_several_shifts_an_insolvent_share_to_the_next_liable_party() {
    let mut s = world(RegimeKind::JointAndSeveral);
    s.parties[usize::from(MAKER)].capacity = Some(100.0);
    let b = settle(
        &s,
        &[harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)],
    );
    // Maker owes 300 but has 100: short 200, which falls on Parts: 700 + 200 = 900.
    money(b.party(0, 0, MAKER, Perspective::Net), 100.0);
    money(b.party(0, 0, MAKER, Perspective::Retained), 100.0);
    money(b.party(0, 0, PARTS, Perspective::Net), 900.0);
    money(b.party(0, 0, PARTS, Perspective::Retained), 900.0);
    money(b.total(0, 0, Perspective::Paid), 1000.0);
    money(b.total(0, 0, Perspective::Uncompensated), 0.0);
    // The victim is paid by the first party in order with no shortfall: Parts, 1,000.
    money(b.party(0, 0, PARTS, Perspective::Gross), 1000.0);
    money(b.party(0, 0, MAKER, Perspective::Gross), 0.0);
    assert_eq!(b.insolvent_years(0, MAKER), 1);
    assert_eq!(b.insolvent_years(0, PARTS), 0);

    // The other way round: Parts has 500 of its 700; the maker takes the 200.
    let mut s = world(RegimeKind::JointAndSeveral);
    s.parties[usize::from(PARTS)].capacity = Some(500.0);
    let b = settle(
        &s,
        &[harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)],
    );
    money(b.party(0, 0, PARTS, Perspective::Net), 500.0);
    money(b.party(0, 0, MAKER, Perspective::Net), 500.0); // 300 + 200
    money(b.party(0, 0, MAKER, Perspective::Gross), 1000.0);
    money(b.total(0, 0, Perspective::Uncompensated), 0.0);
    assert_eq!(b.insolvent_years(0, PARTS), 1);

    // Both short: maker 100 of 300, Parts 500 of 700: 400 short, nobody left → uncompensated.
    s.parties[usize::from(MAKER)].capacity = Some(100.0);
    let b = settle(
        &s,
        &[harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)],
    );
    money(b.total(0, 0, Perspective::Paid), 600.0);
    money(b.total(0, 0, Perspective::Uncompensated), 400.0);
}

#[test]
fn strict_defendant_carries_an_insolvent_recourse_debtor() {
    let mut s = world(RegimeKind::Strict);
    s.parties[usize::from(PARTS)].capacity = Some(500.0);
    let b = settle(
        &s,
        &[harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)],
    );
    // Parts owes 700 in recourse but has 500: the Maker, liable to the victim for the whole,
    // carries the 200 it cannot recover (300 + 200 = 500); the victim is paid in full.
    money(b.party(0, 0, PARTS, Perspective::Net), 500.0);
    money(b.party(0, 0, MAKER, Perspective::Net), 500.0);
    money(b.party(0, 0, MAKER, Perspective::Gross), 1000.0);
    money(b.total(0, 0, Perspective::Paid), 1000.0);
    money(b.total(0, 0, Perspective::Uncompensated), 0.0);
    assert_eq!(b.insolvent_years(0, PARTS), 1);
    assert_eq!(b.insolvent_years(0, MAKER), 0);
}

#[test]
fn strict_leaves_an_insolvent_defendants_share_with_the_victim() {
    let mut s = world(RegimeKind::Strict);
    s.parties[usize::from(MAKER)].capacity = Some(100.0);
    let b = settle(
        &s,
        &[harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 1000.0)],
    );
    // The Maker owes 300 after recourse but has 100; under several liability nobody else
    // answers the victim for it: 200 stays uncompensated. Parts pays its 700.
    money(b.party(0, 0, PARTS, Perspective::Net), 700.0);
    money(b.party(0, 0, MAKER, Perspective::Net), 100.0);
    money(b.total(0, 0, Perspective::Paid), 800.0);
    money(b.total(0, 0, Perspective::Uncompensated), 200.0);
    assert_eq!(b.insolvent_years(0, MAKER), 1);
}

#[test]
fn insolvent_years_count_the_years_with_a_shortfall() {
    let mut s = base();
    // Under root cause Parts pays its wear-outs; under negligence nobody does.
    s.terms.liability.regimes = vec![RegimeKind::RootCause.into(), RegimeKind::Negligence.into()];
    s.parties[usize::from(PARTS)].capacity = Some(500.0);
    let b = settle(
        &s,
        &[
            harm(1, 10.0, 0, FaultKind::WearOut, Some(PARTS), 400.0),
            harm(2, 20.0, 1, FaultKind::WearOut, Some(PARTS), 400.0),
            harm(3, 400.0, 2, FaultKind::WearOut, Some(PARTS), 400.0),
            harm(4, 800.0, 3, FaultKind::WearOut, Some(PARTS), 600.0),
        ],
    );
    // Year 0: 400, then 100 of 400 (short 300). Year 1: 400 ≤ 500. Year 2: 500 of 600.
    money(b.total(0, 0, Perspective::Uncompensated), 300.0);
    money(b.total(1, 0, Perspective::Uncompensated), 0.0);
    money(b.total(2, 0, Perspective::Uncompensated), 100.0);
    money(b.party(0, 0, PARTS, Perspective::Net), 500.0);
    money(b.party(2, 0, PARTS, Perspective::Net), 500.0);
    assert_eq!(b.insolvent_years(0, PARTS), 2); // years 0 and 2
    assert_eq!(b.insolvent_years(1, PARTS), 0); // negligence: Parts owes nothing
    money(b.total_all(1, Perspective::Uncompensated), 1800.0); // 400 + 400 + 400 + 600
}

#[test]
fn recalls_and_fines_are_paid_in_full_whatever_the_capacity() {
    let mut s = world(RegimeKind::JointAndSeveral);
    s.parties[usize::from(MAKER)].capacity = Some(10.0);
    s.parties[usize::from(CODE)].capacity = Some(0.0);
    let bug = harm(1, 10.0, 0, FaultKind::FirmwareBug, Some(CODE), 1000.0);
    let mut a = Allocator::new(&s, RegimeKind::JointAndSeveral);
    a.allocate(&Claim {
        incident: bug,
        line: Line::Recall,
        amount: Money::from_units(500.0),
        barred: false,
        proven: true,
        on: Some(MAKER),
    })
    .unwrap();
    // Maker 0.3 × 500 = 150 > its capacity of 10, Code 350 > 0: both paid in full.
    money(a.split.retained[usize::from(MAKER)], 150.0);
    money(a.split.retained[usize::from(CODE)], 350.0);
    money(a.split.short.iter().sum::<Money>(), 0.0);
    a.allocate(&Claim {
        incident: bug,
        line: Line::Fines,
        amount: Money::from_units(800.0),
        barred: false,
        proven: true,
        on: Some(CODE),
    })
    .unwrap();
    money(a.split.retained[usize::from(CODE)], 800.0);
    assert!(!a.insolvent.iter().any(|&x| x));
    // Damages are limited: Code's 700 share finds 0 of capacity, the maker's 300 finds 10,
    // and neither can take the other's: 1,000 − 10 = 990 uncompensated.
    a.allocate(&damages(bug)).unwrap();
    money(a.split.paid, 10.0);
    money(a.split.uncompensated, 990.0);
    assert!(a.insolvent[usize::from(MAKER)] && a.insolvent[usize::from(CODE)]);
}

// ---------------------------------------------------------------------------------------------
// Recalls
// ---------------------------------------------------------------------------------------------

/// Three firmware bugs in Cams within 30 days trigger a recall of every Cam (reach 1, fixed
/// at once) at 50 a device.
fn recall_world(regimes: Vec<RegimeKind>) -> Scenario {
    let mut s = base();
    s.terms.liability.regimes = regimes.into_iter().map(Regime::from).collect();
    s.terms.liability.cause_contribution = 0.7;
    // Damages compensate nothing here, so party series hold the recall alone.
    s.terms.liability.covered_faults = FaultSet::default();
    s.terms.recalls = vec![RecallRule {
        class: 0,
        fault: FaultKind::FirmwareBug,
        threshold: 3,
        window_days: 30.0,
        cost_per_device: 50.0,
        reach: 1.0,
        mean_days_to_fix: 0.0,
    }];
    s
}

#[test]
fn recall_triggers_prevents_later_harms_and_is_recovered_from_the_root_cause() {
    let s = recall_world(vec![RegimeKind::Strict, RegimeKind::RootCause]);
    let bug = FaultKind::FirmwareBug;
    let harms = [
        harm(1, 10.0, 0, bug, Some(CODE), 100.0),
        harm(2, 12.0, 1, bug, Some(CODE), 100.0),
        harm(3, 14.0, 2, bug, Some(CODE), 100.0), // the third within 30 days: recall on day 14
        harm(4, 14.0, 5, bug, Some(CODE), 100.0), // same day, fixed at once: prevented
        harm(5, 20.0, 3, bug, Some(CODE), 100.0), // prevented
        harm(6, 25.0, 4, FaultKind::WearOut, Some(PARTS), 100.0), // another fault: kept
        harm(7, 30.0, 0, bug, Some(CODE), 100.0), // prevented
        harm(8, 40.0, 10, bug, Some(CODE), 100.0), // a Hub, not recalled: kept
        HarmRecord {
            device: NO_DEVICE, // a class-level Cam incident: never suppressed
            ..harm(9, 50.0, 0, bug, Some(CODE), 100.0)
        },
    ];
    let b = settle(&s, &harms);
    assert_eq!(b.books.recalls.len(), 1);
    let r = b.books.recalls[0];
    assert_eq!(r.rule, 0);
    assert_eq!(r.day, 14.0);
    assert_eq!(r.devices, 10); // every Cam, reach 1
    money(r.cost, 500.0); // 10 devices × 50
    assert_eq!(r.prevented, 3); // keys 4, 5 and 7
    for reg in 0..2 {
        // Damages claims of keys 1, 2, 3, 6, 8 and 9: 6 × 100 of ground-up loss.
        money(b.total(0, reg, Perspective::GroundUp), 600.0);
        money(b.total(0, reg, Perspective::Recall), 500.0);
        // The maker pays the campaign first.
        money(b.party(0, reg, MAKER, Perspective::Gross), 500.0);
    }
    // Strict: recourse to Code by contribution: Code 0.7 × 500 = 350, the maker 150.
    money(b.party(0, 0, CODE, Perspective::Net), 350.0);
    money(b.party(0, 0, MAKER, Perspective::Net), 150.0);
    // Root cause: Code bears all 500.
    money(b.party(0, 1, CODE, Perspective::Net), 500.0);
    money(b.party(0, 1, MAKER, Perspective::Net), 0.0);
    assert_eq!(
        b.elt(1, Line::Recall, Some(CODE), Perspective::Net),
        vec![500.0]
    );
    assert!(
        b.books
            .elt
            .iter()
            .all(|e| e.line != Line::Recall || e.incident.key == 3)
    );
}

#[test]
fn an_exploit_recall_patches_only_the_flaws_disclosed_by_its_day() {
    let mut s = recall_world(vec![RegimeKind::Strict]);
    s.terms.recalls[0].fault = FaultKind::Exploit;
    let exploit = |key, day, device, flaw| HarmRecord {
        vulnerability: Some(flaw),
        ..harm(key, day, device, FaultKind::Exploit, Some(CODE), 100.0)
    };
    // Flaw 0 was disclosed on day 1 and flaw 1 on day 100, after the recall of day 14.
    let flaw = |index, disclosed| VulnerabilityRecord {
        class: 0,
        index,
        disclosed,
        exploit_day: disclosed,
        patch_release: f64::INFINITY,
        within_support: true,
    };
    let vulns = [flaw(0, 1.0), flaw(1, 100.0)];
    let mut harms = vec![
        exploit(1, 10.0, 0, 0),
        exploit(2, 12.0, 1, 0),
        exploit(3, 14.0, 2, 0),  // the third within 30 days: recall on day 14
        exploit(4, 20.0, 3, 0),  // flaw 0 on a recalled device: prevented
        exploit(5, 120.0, 4, 1), // flaw 1, found after the recall: not patched by it
    ];
    let layout = Layout::new(&s);
    let books = liability::settle(&s, &layout, 0, &mut harms, &vulns, true)
        .unwrap_or_else(|b| panic!("{b:?}"));
    assert_eq!(books.recalls.len(), 1);
    assert_eq!(books.recalls[0].prevented, 1);
    // Damages claims of keys 1, 2, 3 and 5 remain: 4 × 100 of ground-up loss.
    money(
        books.year_loss[layout.total(0, Perspective::GroundUp)],
        400.0,
    );
}

#[test]
fn recall_needs_its_threshold_within_the_window() {
    let s = recall_world(vec![RegimeKind::Strict]);
    let bug = FaultKind::FirmwareBug;
    // Days 10, 50, 90, 130: never three within 30 days.
    let harms: Vec<HarmRecord> = (0..4)
        .map(|k| harm(k, 10.0 + 40.0 * k as f64, k as u32, bug, Some(CODE), 100.0))
        .collect();
    let b = settle(&s, &harms);
    assert!(b.books.recalls.is_empty());
    money(b.total(0, 0, Perspective::Recall), 0.0);
    money(b.total(0, 0, Perspective::GroundUp), 400.0); // nothing prevented
}

// ---------------------------------------------------------------------------------------------
// Fines
// ---------------------------------------------------------------------------------------------

/// A data-protection fine: certain, on the root cause, max(1,000, 4 % of turnover) up to
/// 20,000. Damages compensate nothing, so party series hold the fines alone.
fn fine_world(once_per_year: bool) -> Scenario {
    let mut s = world(RegimeKind::Strict);
    s.terms.liability.covered_harms = HarmSet::default();
    s.terms.fines = vec![FineRule {
        name: "gdpr".into(),
        faults: FaultSet::of(&[FaultKind::DataTheft]),
        harms: HarmSet::of(&[HarmKind::RecordsExposed]),
        probability: 1.0,
        on: FineTarget::RootCause,
        fixed: 1000.0,
        turnover_share: 0.04,
        maximum: Some(20_000.0),
        once_per_year,
    }];
    s.parties[usize::from(MAKER)].turnover = Some(100_000.0);
    s.parties[usize::from(CODE)].turnover = Some(1_000_000.0);
    s.parties[usize::from(PARTS)].turnover = None;
    s
}

fn theft(key: u64, day: f64, cause: PartyId) -> HarmRecord {
    let mut h = harm(
        key,
        day,
        (key % 10) as u32,
        FaultKind::DataTheft,
        Some(cause),
        50.0,
    );
    h.harm = HarmKind::RecordsExposed;
    h
}

#[test]
fn fine_is_the_larger_of_fixed_and_turnover_share_capped_at_the_maximum() {
    let s = fine_world(false);
    let mut privacy = theft(4, 40.0, MAKER);
    privacy.harm = HarmKind::PrivacyBreach; // another harm kind: no fine
    let b = settle(
        &s,
        &[
            theft(1, 10.0, MAKER),
            theft(2, 20.0, CODE),
            theft(3, 30.0, PARTS),
            privacy,
        ],
    );
    money(b.party(0, 0, MAKER, Perspective::Net), 4000.0); // max(1,000, 0.04 × 100,000)
    money(b.party(0, 0, CODE, Perspective::Net), 20_000.0); // min(0.04 × 1,000,000, 20,000)
    money(b.party(0, 0, PARTS, Perspective::Net), 1000.0); // no turnover: the fixed 1,000
    for p in [MAKER, CODE, PARTS] {
        money(
            b.party(0, 0, p, Perspective::Gross),
            b.party(0, 0, p, Perspective::Net),
        );
    }
    money(b.total(0, 0, Perspective::Fines), 25_000.0); // 4,000 + 20,000 + 1,000
    money(b.total(0, 0, Perspective::Paid), 0.0);
    // Fines pass through no contract: an indemnity of Code to the maker for any data theft
    // leaves the maker's fine of 4,000 with the maker.
    let mut with_indemnity = s.clone();
    with_indemnity.terms.contracts = vec![Contract {
        party: CODE,
        counterparty: MAKER,
        indemnity: FaultSet::all(),
        indemnity_any_cause: true,
        cap: None,
        carve_outs: FaultSet::default(),
    }];
    let b = settle(&with_indemnity, &[theft(1, 10.0, MAKER)]);
    money(b.party(0, 0, MAKER, Perspective::Net), 4000.0);
    money(b.party(0, 0, CODE, Perspective::Net), 0.0);
    // Without once_per_year, each incident draws its own fine.
    let b = settle(&s, &[theft(1, 10.0, MAKER), theft(2, 20.0, MAKER)]);
    money(b.total(0, 0, Perspective::Fines), 8000.0); // 2 × 4,000
}

#[test]
fn fine_once_per_year_per_party() {
    let s = fine_world(true);
    let b = settle(
        &s,
        &[
            theft(1, 10.0, MAKER),
            theft(2, 20.0, MAKER),
            theft(3, 30.0, CODE),
            theft(4, 400.0, MAKER),
        ],
    );
    // Year 0: the maker once (4,000), Code once (20,000); year 1: the maker again.
    money(b.party(0, 0, MAKER, Perspective::Net), 4000.0);
    money(b.party(0, 0, CODE, Perspective::Net), 20_000.0);
    money(b.total(0, 0, Perspective::Fines), 24_000.0);
    money(b.party(1, 0, MAKER, Perspective::Net), 4000.0);
    assert_eq!(
        b.elt(0, Line::Fines, Some(MAKER), Perspective::Net),
        vec![4000.0, 4000.0]
    );
}

#[test]
fn fine_on_a_role_falls_on_the_class_party_in_that_role() {
    let mut s = fine_world(false);
    s.terms.fines[0].on = FineTarget::Role(Role::Manufacturer);
    let b = settle(&s, &[theft(1, 10.0, CODE)]);
    // Code caused it, but the rule fines the Cam's manufacturer: 4,000.
    money(b.party(0, 0, MAKER, Perspective::Net), 4000.0);
    money(b.party(0, 0, CODE, Perspective::Net), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Time bars
// ---------------------------------------------------------------------------------------------

#[test]
fn limitation_bars_claims_filed_too_late() {
    let mut s = world(RegimeKind::Strict);
    let harms: Vec<HarmRecord> = (0..10).map(|k| defect(k, 10.0 + k as f64, 100.0)).collect();
    // Filing delays average a million days; the limitation period is a thousandth of a day
    // (P(F ≤ 0.001) = 1 − exp(−1e-9): never in ten claims).
    s.terms.liability.claim_delay_days = 1e6;
    s.terms.liability.limitation_days = Some(1e-3);
    let b = settle(&s, &harms);
    money(b.total(0, 0, Perspective::GroundUp), 1000.0); // 10 × 100
    money(b.total(0, 0, Perspective::Paid), 0.0);
    money(b.total(0, 0, Perspective::Uncompensated), 1000.0);
    // No limitation: all paid.
    s.terms.liability.limitation_days = None;
    let b = settle(&s, &harms);
    money(b.total(0, 0, Perspective::Paid), 1000.0);
}

#[test]
fn longstop_bars_claims_after_it() {
    let mut s = world(RegimeKind::Strict);
    s.terms.liability.longstop_days = Some(100.0);
    let b = settle(&s, &[defect(1, 50.0, 300.0), defect(2, 150.0, 700.0)]);
    // Filed at once: day 50 ≤ 100 is paid (300); day 150 > 100 is barred (700).
    money(b.total(0, 0, Perspective::Paid), 300.0);
    money(b.total(0, 0, Perspective::Uncompensated), 700.0);
    money(b.party(0, 0, MAKER, Perspective::Net), 300.0);
}

/// Whether the damages claim of `h` is time-barred, as the claimant decides it.
fn barred(s: &Scenario, h: HarmRecord) -> bool {
    let streams = Streams::new(s.seed, 0);
    let mut claimant = Claimant::new(s, &streams, &[]);
    let mut out = Vec::new();
    claimant.claims(&h, &mut out);
    out[0].barred
}

/// `h` on a device placed on the market on day `placed`.
fn placed(mut h: HarmRecord, placed: f64) -> HarmRecord {
    h.placed = placed;
    h
}

/// The longstop runs from each device's placing (PLD Art. 17): with 10 years and no delays, a
/// device placed in year 3 keeps its victims' claims until year 13, one placed in year 0 only
/// until year 10.
#[test]
fn longstop_runs_from_each_devices_placing() {
    let mut s = world(RegimeKind::Strict);
    s.terms.liability.longstop_days = Some(10.0 * 365.0);
    let year = 365.0;
    assert!(!barred(
        &s,
        placed(defect(1, 13.0 * year - 1.0, 100.0), 3.0 * year)
    ));
    assert!(barred(
        &s,
        placed(defect(2, 13.0 * year + 1.0, 100.0), 3.0 * year)
    ));
    assert!(!barred(
        &s,
        placed(defect(3, 10.0 * year - 1.0, 100.0), 0.0)
    ));
    assert!(barred(&s, placed(defect(4, 10.0 * year + 1.0, 100.0), 0.0)));
    // Exactly the longstop after placing is still in time ("more than" bars).
    assert!(!barred(
        &s,
        placed(defect(5, 13.0 * year, 100.0), 3.0 * year)
    ));
    // A device of an installed base, placed 4 years before the horizon: barred after year 6.
    assert!(!barred(
        &s,
        placed(defect(6, 6.0 * year - 1.0, 100.0), -4.0 * year)
    ));
    assert!(barred(
        &s,
        placed(defect(7, 6.0 * year + 1.0, 100.0), -4.0 * year)
    ));
    // In the books: the same harm on day 3,651 is paid for the device placed in year 3 and left
    // with the victim for the one placed on day 0.
    let b = settle(
        &s,
        &[
            placed(defect(8, 3651.0, 300.0), 3.0 * year),
            placed(defect(9, 3651.0, 700.0), 0.0),
        ],
    );
    money(b.total_all(0, Perspective::Paid), 300.0);
    money(b.total_all(0, Perspective::Uncompensated), 700.0);
}

/// With delays, the longstop counts the incident, the awareness and the filing delays from the
/// placing, and the limitation counts the filing delay alone, from awareness (PLD Art. 16). The
/// delays are drawn here as the claimant draws them, from the claim stream keyed by the
/// device and incident, so the cases sit a day either side of each bar.
#[test]
fn delays_count_towards_the_longstop_from_placing_and_the_limitation_from_awareness() {
    let mut s = world(RegimeKind::Strict);
    s.terms.liability.awareness_delay_days = 400.0;
    s.terms.liability.claim_delay_days = 200.0;
    let h = placed(defect(11, 0.0, 100.0), 500.0);
    let mut rng = Streams::new(s.seed, 0).rng(streams::CLAIM, h.device, h.key);
    let aware = Exp::new(1.0 / 400.0).expect("rate").sample(&mut rng);
    let filed = Exp::new(1.0 / 200.0).expect("rate").sample(&mut rng);
    assert!(aware > 0.0 && filed > 0.0, "{aware} {filed}");
    let longstop = 3650.0;
    s.terms.liability.longstop_days = Some(longstop);
    // Filed on day + aware + filed; the bar is placed + longstop = 4,150.
    let day_at_bar = 500.0 + longstop - aware - filed;
    let at = |day: f64| HarmRecord { day, ..h };
    assert!(!barred(&s, at(day_at_bar - 1.0)));
    assert!(barred(&s, at(day_at_bar + 1.0)));
    // The same harm on a device placed on day 0 is barred 500 days earlier.
    assert!(barred(&s, placed(at(day_at_bar - 1.0), 0.0)));
    // The limitation ignores the awareness delay, however long: it bars a filing delay longer
    // than it, and nothing else.
    s.terms.liability.longstop_days = None;
    s.terms.liability.limitation_days = Some(filed + 1.0);
    assert!(!barred(&s, at(day_at_bar + 1.0)));
    s.terms.liability.limitation_days = Some(filed - 1e-9 * filed);
    assert!(barred(&s, at(day_at_bar + 1.0)));
}

// ---------------------------------------------------------------------------------------------
// Regime switch by placing date
// ---------------------------------------------------------------------------------------------

/// A regime block that switches from `before` to `after` for devices placed from `day` on.
fn switched(before: RegimeKind, day: i32, after: RegimeKind) -> Regime {
    Regime::new(before, Some(Switch { day, regime: after }))
}

/// Allocates one claim under a regime block with fresh yearly state.
fn allocate_block(s: &Scenario, regime: Regime, claim: &Claim) -> Split {
    let mut a = Allocator::new(s, regime);
    a.allocate(claim).unwrap_or_else(|v| panic!("{v:?}"));
    a.split.clone()
}

/// The same harm on two devices, one placed the day before the switch and one on the switch
/// day: each claim goes to the regime of its device's placing date.
#[test]
fn each_claim_follows_the_regime_of_its_devices_placing_date() {
    // Negligence, then joint and several (the new PLD from day 342, 9 December 2026): a
    // wear-out is no breach of duty, so before the switch the victim keeps it; from the switch
    // on the maker answers and recovers 70 % from the part's supplier.
    let mut s = world(RegimeKind::Negligence);
    let pld = switched(RegimeKind::Negligence, 342, RegimeKind::JointAndSeveral);
    s.terms.liability.regimes = vec![pld];
    let wear = |key, placed_on| {
        placed(
            harm(key, 500.0, 1, FaultKind::WearOut, Some(PARTS), 1000.0),
            placed_on,
        )
    };
    let got = allocate_block(&s, pld, &damages(wear(1, 341.0)));
    money(got.paid, 0.0);
    money(got.uncompensated, 1000.0);
    let got = allocate_block(&s, pld, &damages(wear(2, 342.0)));
    money(got.paid, 1000.0);
    money(got.gross[usize::from(MAKER)], 1000.0);
    money(got.net[usize::from(MAKER)], 300.0);
    money(got.net[usize::from(PARTS)], 700.0);
    // In the books, both in one year, under one label.
    let b = settle(&s, &[wear(1, 341.0), wear(2, 342.0)]);
    money(b.total_all(0, Perspective::Paid), 1000.0);
    money(b.total_all(0, Perspective::Uncompensated), 1000.0);
    assert!(
        b.books
            .elt
            .iter()
            .all(|e| e.regime.name() == "negligence_then_joint_and_several")
    );

    // Root cause, then strict, with a fix the victim had not installed (victim's share 0.3):
    // the root-cause rule pays the supplier's victim in full; strict liability pays 700, the
    // maker first, who recovers 70 % of it (490) from the supplier.
    s.terms.liability.victim_fault_share = 0.3;
    let rc = switched(RegimeKind::RootCause, 342, RegimeKind::Strict);
    let unfixed = |key, placed_on| {
        let mut h = wear(key, placed_on);
        h.facts.fix_available = true;
        h
    };
    let got = allocate_block(&s, rc, &damages(unfixed(3, 341.0)));
    money(got.paid, 1000.0);
    money(got.gross[usize::from(PARTS)], 1000.0);
    money(got.net[usize::from(PARTS)], 1000.0);
    money(got.net[usize::from(MAKER)], 0.0);
    let got = allocate_block(&s, rc, &damages(unfixed(4, 342.0)));
    money(got.paid, 700.0);
    money(got.uncompensated, 300.0);
    money(got.gross[usize::from(MAKER)], 700.0);
    money(got.net[usize::from(MAKER)], 210.0);
    money(got.net[usize::from(PARTS)], 490.0);
}

/// `busy_harms` on devices placed from day −1,000 to day 961, a different day for each.
fn busy_placed_harms() -> Vec<HarmRecord> {
    let mut harms = busy_harms();
    for (k, h) in harms.iter_mut().enumerate() {
        h.placed = (k as f64 * 37.0) % 1990.0 - 1000.0;
    }
    harms
}

/// The same books, whatever the labels: every amount, year and row of the event table.
fn assert_same_books(a: &Settled, b: &Settled, what: &str) {
    assert_eq!(a.books.year_loss, b.books.year_loss, "{what}");
    assert_eq!(a.books.year_max, b.books.year_max, "{what}");
    assert_eq!(a.books.insolvent_years, b.books.insolvent_years, "{what}");
    assert_eq!(a.books.recalls, b.books.recalls, "{what}");
    let unlabelled = |s: &Settled| -> Vec<EltRow> {
        s.books
            .elt
            .iter()
            .map(|&e| EltRow {
                regime: RegimeKind::RootCause.into(),
                ..e
            })
            .collect()
    };
    assert_eq!(unlabelled(a), unlabelled(b), "{what}");
}

/// A switch on or before every placing is the new regime alone, and a switch after every
/// placing the old regime alone, to the cent, for every pair of regimes, with every money term
/// in play (contracts, insurance, capacity, a recall and fines).
#[test]
fn a_switch_outside_every_placing_is_one_regime_alone() {
    let harms = busy_placed_harms();
    let first = harms.iter().map(|h| h.placed).fold(f64::INFINITY, f64::min);
    let last = harms
        .iter()
        .map(|h| h.placed)
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!((first, last), (-1000.0, 961.0));
    let mut s = busy_world();
    let under = |s: &mut Scenario, regime: Regime| {
        s.terms.liability.regimes = vec![regime];
        settle(s, &harms)
    };
    for before in RegimeKind::ALL {
        for after in RegimeKind::ALL.into_iter().filter(|&a| a != before) {
            let alone_after = under(&mut s, after.into());
            let alone_before = under(&mut s, before.into());
            let what = format!("{} then {}", before.name(), after.name());
            // On the first placing day itself: that device is already under the new law.
            let early = under(&mut s, switched(before, first as i32, after));
            assert_same_books(&early, &alone_after, &what);
            let late = under(&mut s, switched(before, last as i32 + 1, after));
            assert_same_books(&late, &alone_before, &what);
        }
    }
    // And a switch in between differs from both (here, negligence then joint and several).
    let (neg, js) = (RegimeKind::Negligence, RegimeKind::JointAndSeveral);
    let mid = under(&mut s, switched(neg, 0, js));
    let paid = |b: &Settled| b.total_all(0, Perspective::Paid);
    let (p_neg, p_js) = (
        paid(&under(&mut s, neg.into())),
        paid(&under(&mut s, js.into())),
    );
    assert!(
        p_neg < paid(&mid) && paid(&mid) < p_js,
        "{p_neg} {mid:?} {p_js}",
        mid = paid(&mid)
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------------

/// Every term at once: all regimes, delays with a limitation, uncertain proof, a capped
/// contract, a two-layer policy, a short-funded supplier, a recall and a fine.
fn busy_world() -> Scenario {
    let mut s = base();
    let lt = &mut s.terms.liability;
    lt.regimes = RegimeKind::ALL.map(Regime::from).to_vec();
    lt.cause_contribution = 0.6;
    lt.proof_probability = 0.5;
    lt.awareness_delay_days = 30.0;
    lt.claim_delay_days = 200.0;
    lt.limitation_days = Some(365.0);
    lt.victim_fault_share = 0.2;
    s.parties[usize::from(PARTS)].capacity = Some(5000.0);
    s.parties[usize::from(CODE)].turnover = Some(50_000.0);
    s.terms.contracts = vec![supply_contract(&[FaultKind::WearOut], Some(4000.0), &[])];
    s.terms.policies = vec![Policy {
        insured: MAKER,
        kind: "product_liability".into(),
        covers: FaultSet::all(),
        lines: vec![Line::Damages, Line::Recall],
        deductible: 200.0,
        occurrence: Occurrence::Claim,
        layers: vec![
            layer(INS_A, 200.0, 2000.0, 6000.0, 1.0),
            layer(INS_B, 2200.0, 10_000.0, 20_000.0, 0.5),
        ],
    }];
    s.terms.recalls = vec![RecallRule {
        class: 0,
        fault: FaultKind::FirmwareBug,
        threshold: 4,
        window_days: 60.0,
        cost_per_device: 80.0,
        reach: 0.7,
        mean_days_to_fix: 20.0,
    }];
    s.terms.fines = vec![FineRule {
        name: "gdpr".into(),
        faults: FaultSet::all(),
        harms: HarmSet::of(&[HarmKind::RecordsExposed, HarmKind::Injury]),
        probability: 0.3,
        on: FineTarget::RootCause,
        fixed: 500.0,
        turnover_share: 0.02,
        maximum: None,
        once_per_year: true,
    }];
    s
}

fn busy_harms() -> Vec<HarmRecord> {
    let faults = FaultKind::ALL;
    let causes = [Some(MAKER), Some(PARTS), Some(CODE), Some(FITTER), None];
    (0..60u64)
        .map(|k| {
            let mut h = harm(
                k,
                (k * 17 % 1095) as f64 + 0.25,
                (k * 7 % 15) as u32,
                faults[(k % faults.len() as u64) as usize],
                causes[(k % 5) as usize],
                500.0 + (k * 937 % 9000) as f64,
            );
            h.facts.fix_available = k % 3 == 0;
            h.facts.default_password = k % 4 == 1;
            // Several harms on one day and device, told apart by fault and key.
            if k % 10 == 9 {
                h.day = 100.0;
                h.device = 0;
                h.class = 0;
            }
            h
        })
        .collect()
}

#[test]
fn settling_harms_in_any_order_gives_identical_books() {
    let s = busy_world();
    let harms = busy_harms();
    let a = settle(&s, &harms);
    let mut reversed = harms.clone();
    reversed.reverse();
    let mut rotated = harms.clone();
    rotated.rotate_left(23);
    for other in [reversed, rotated] {
        let b = settle(&s, &other);
        assert_eq!(a.books.year_loss, b.books.year_loss);
        assert_eq!(a.books.year_max, b.books.year_max);
        assert_eq!(a.books.insolvent_years, b.books.insolvent_years);
        assert_eq!(a.books.elt, b.books.elt);
        assert_eq!(a.books.recalls, b.books.recalls);
    }
    // The busy world exercises what it should.
    assert!(a.books.year_loss.iter().any(|&x| x.is_positive()));
    assert!(a.books.elt.iter().any(|e| e.line == Line::Fines));
    assert!(
        a.books
            .elt
            .iter()
            .any(|e| e.perspective == Perspective::Insurer)
    );
}

// ---------------------------------------------------------------------------------------------
// Properties: conservation on random terms and harms
// ---------------------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Money terms of one party.
    #[derive(Debug, Clone)]
    struct PartyTerms {
        capacity: Option<f64>,
        turnover: Option<f64>,
        outside: bool,
    }

    /// Everything random about one case.
    #[derive(Debug, Clone)]
    struct Case {
        parties: Vec<PartyTerms>,
        liability: fleetsim::scenario::LiabilityTerms,
        contracts: Vec<Contract>,
        policies: Vec<Policy>,
        recalls: Vec<RecallRule>,
        fines: Vec<FineRule>,
        harms: Vec<HarmRecord>,
    }

    fn money_amount(max: f64) -> impl Strategy<Value = f64> {
        prop_oneof![1 => Just(0.0), 6 => 0.0..max]
    }

    fn fault_set() -> impl Strategy<Value = FaultSet> {
        prop_oneof![
            2 => Just(FaultSet::all()),
            1 => Just(FaultSet::default()),
            3 => (0u16..1 << FaultKind::ALL.len()).prop_map(FaultSet),
        ]
    }

    fn harm_set() -> impl Strategy<Value = HarmSet> {
        prop_oneof![
            2 => Just(HarmSet::all()),
            1 => (0u16..1 << HarmKind::ALL.len()).prop_map(HarmSet),
        ]
    }

    fn fault() -> impl Strategy<Value = FaultKind> {
        select(FaultKind::ALL)
    }

    fn operator() -> impl Strategy<Value = PartyId> {
        0..OPERATORS
    }

    fn party_terms() -> impl Strategy<Value = PartyTerms> {
        (
            prop_oneof![
                1 => Just(None),
                1 => Just(Some(0.0)),
                3 => (1.0..5e6f64).prop_map(Some),
            ],
            proptest::option::of(1.0..1e9f64),
            proptest::bool::weighted(0.2),
        )
            .prop_map(|(capacity, turnover, outside)| PartyTerms {
                capacity,
                turnover,
                outside,
            })
    }

    fn liability_terms() -> impl Strategy<Value = fleetsim::scenario::LiabilityTerms> {
        (
            (
                (
                    1u8..16,
                    // Half the cases switch regime on a day within the harms' span of placings.
                    proptest::option::of((-1000i32..2000, select(RegimeKind::ALL.to_vec()))),
                )
                    .prop_map(|(bits, switch)| {
                        let switch = switch.map(|(day, regime)| Switch { day, regime });
                        RegimeKind::ALL
                            .into_iter()
                            .enumerate()
                            .filter(|(i, _)| bits & 1 << i != 0)
                            .map(|(_, before)| Regime::new(before, switch))
                            .collect::<Vec<_>>()
                    }),
                harm_set(),
                fault_set(),
                fault_set(),
                fault_set(),
                any::<bool>(),
                any::<bool>(),
            ),
            (
                0.0..=1.0f64,
                prop_oneof![Just(0.0), Just(0.5), 0.0..=1.0f64],
                select(ComparativeFault::ALL.to_vec()),
                0.0..=1.0f64,
                prop_oneof![Just(0.0), 0.0..100.0f64],
                prop_oneof![Just(0.0), 0.0..500.0f64],
                prop_oneof![2 => Just(None), 1 => (0.0..1000.0f64).prop_map(Some)],
                prop_oneof![2 => Just(None), 1 => (0.0..3000.0f64).prop_map(Some)],
            ),
        )
            .prop_map(
                |(
                    (regimes, covered_harms, covered_faults, defects, negligent, dp, up),
                    (proof, victim, rule, cause, aware, claim, limitation, longstop),
                )| fleetsim::scenario::LiabilityTerms {
                    regimes,
                    covered_harms,
                    covered_faults,
                    defects,
                    negligent,
                    default_password_negligent: dp,
                    unpatched_negligent: up,
                    proof_probability: proof,
                    victim_fault_share: victim,
                    comparative_fault: rule,
                    cause_contribution: cause,
                    awareness_delay_days: aware,
                    claim_delay_days: claim,
                    limitation_days: limitation,
                    longstop_days: longstop,
                },
            )
    }

    fn contract() -> impl Strategy<Value = Contract> {
        (
            operator(),
            1..OPERATORS,
            fault_set(),
            any::<bool>(),
            proptest::option::of(money_amount(2e6)),
            fault_set(),
        )
            .prop_map(
                |(a, offset, indemnity, any_cause, cap, carve_outs)| Contract {
                    party: a,
                    // Never the party itself.
                    counterparty: (a + offset) % OPERATORS,
                    indemnity,
                    indemnity_any_cause: any_cause,
                    cap,
                    carve_outs,
                },
            )
    }

    /// (gap below, limit, aggregate as a multiple of the limit or none, share).
    fn layer_terms() -> impl Strategy<Value = (f64, f64, Option<f64>, f64)> {
        (
            prop_oneof![Just(0.0), 0.0..1e6f64],
            1.0..5e6f64,
            proptest::option::of(1.0..4.0f64),
            prop_oneof![Just(1.0), 0.01..=1.0f64],
        )
    }

    /// Policy `i`'s layer `j` is written by insurer 7 + 3i + j, so each insurer's series is one
    /// layer's payments.
    fn policies() -> impl Strategy<Value = Vec<Policy>> {
        proptest::collection::vec(
            (
                prop_oneof![2 => Just(MAKER), 1 => operator()],
                fault_set(),
                prop_oneof![1 => Just(1u8), 2 => 1u8..8].prop_map(|bits| {
                    Line::ALL
                        .into_iter()
                        .enumerate()
                        .filter(|(i, _)| bits & 1 << i != 0)
                        .map(|(_, l)| l)
                        .collect::<Vec<_>>()
                }),
                proptest::collection::vec(layer_terms(), 1..=3),
            ),
            1..=2,
        )
        .prop_map(|ps| {
            ps.into_iter()
                .enumerate()
                .map(|(i, (insured, covers, lines, layers))| {
                    let mut attachment = 0.0;
                    let layers: Vec<Layer> = layers
                        .into_iter()
                        .enumerate()
                        .map(|(j, (gap, limit, aggregate, share))| {
                            attachment += gap;
                            let l = layer(
                                INS_A + (3 * i + j) as PartyId,
                                attachment,
                                limit,
                                aggregate.map_or(f64::INFINITY, |m| m * limit),
                                share,
                            );
                            attachment += limit;
                            l
                        })
                        .collect();
                    Policy {
                        insured,
                        kind: format!("policy{i}"),
                        covers,
                        lines,
                        deductible: layers[0].attachment,
                        occurrence: Occurrence::Claim,
                        layers,
                    }
                })
                .collect()
        })
    }

    fn recall_rule() -> impl Strategy<Value = RecallRule> {
        (
            0u16..2,
            fault(),
            1u32..5,
            1.0..365.0f64,
            money_amount(1e4),
            0.0..=1.0f64,
            prop_oneof![Just(0.0), 0.0..100.0f64],
        )
            .prop_map(
                |(class, fault, threshold, window_days, cost_per_device, reach, fix)| RecallRule {
                    class,
                    fault,
                    threshold,
                    window_days,
                    cost_per_device,
                    reach,
                    mean_days_to_fix: fix,
                },
            )
    }

    fn fine_rule() -> impl Strategy<Value = FineRule> {
        (
            fault_set(),
            harm_set(),
            prop_oneof![Just(1.0), 0.0..=1.0f64],
            prop_oneof![
                Just(FineTarget::RootCause),
                select(ROLES[..usize::from(OPERATORS)].to_vec()).prop_map(FineTarget::Role),
            ],
            money_amount(1e5),
            0.0..0.1f64,
            proptest::option::of(0.0..1e6f64),
            any::<bool>(),
        )
            .prop_map(
                |(faults, harms, probability, on, fixed, turnover_share, maximum, once)| FineRule {
                    name: "fine".into(),
                    faults,
                    harms,
                    probability,
                    on,
                    fixed,
                    turnover_share,
                    maximum,
                    once_per_year: once,
                },
            )
    }

    fn harm_record() -> impl Strategy<Value = HarmRecord> {
        let devices = CAM_DEVICES + HUB_DEVICES;
        (
            0.0..f64::from(YEARS) * 365.0,
            prop_oneof![10 => (0..devices).prop_map(Some), 1 => Just(None)],
            any::<bool>(),
            fault(),
            select(HarmKind::ALL),
            proptest::option::of(operator()),
            select(ROLES[..usize::from(OPERATORS)].to_vec()),
            money_amount(1e7),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            prop_oneof![2 => Just(0.0), 1 => -1500.0..1500.0f64],
        )
            .prop_map(
                |(day, device, hub, fault, harm, cause, role, loss, (fix, dp, up), placed)| {
                    HarmRecord {
                        day,
                        device: device.unwrap_or(NO_DEVICE),
                        placed,
                        class: match device {
                            Some(d) => u16::from(d >= CAM_DEVICES),
                            None => u16::from(hub),
                        },
                        fault,
                        harm,
                        cause_role: cause.map_or(role, |p| ROLES[usize::from(p)]),
                        cause_party: cause,
                        loss,
                        vulnerability: None,
                        key: 0,
                        facts: Facts {
                            fix_available: fix,
                            default_password: dp,
                            unpatched_in_support: up,
                        },
                        event: 0,
                    }
                },
            )
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            proptest::collection::vec(party_terms(), usize::from(OPERATORS)),
            liability_terms(),
            proptest::collection::vec(contract(), 0..=3),
            policies(),
            proptest::collection::vec(recall_rule(), 0..=1),
            proptest::collection::vec(fine_rule(), 0..=2),
            proptest::collection::vec(harm_record(), 1..40),
        )
            .prop_map(
                |(parties, liability, contracts, policies, recalls, fines, mut harms)| {
                    for (k, h) in harms.iter_mut().enumerate() {
                        h.key = k as u64;
                    }
                    Case {
                        parties,
                        liability,
                        contracts,
                        policies,
                        recalls,
                        fines,
                        harms,
                    }
                },
            )
    }

    fn scenario_of(case: &Case) -> Scenario {
        let mut s = base();
        for (party, terms) in s.parties.iter_mut().zip(&case.parties) {
            party.capacity = terms.capacity;
            party.turnover = terms.turnover;
            party.outside_jurisdiction = terms.outside;
        }
        s.terms.liability = case.liability.clone();
        s.terms.contracts = case.contracts.clone();
        s.terms.policies = case.policies.clone();
        s.terms.recalls = case.recalls.clone();
        s.terms.fines = case.fines.clone();
        s
    }

    /// Equal to the cent: the books keep whole cents, so the identities hold exactly.
    fn close(a: Money, b: Money) -> bool {
        a == b
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn money_is_conserved_in_every_year_and_regime(case in case()) {
            let s = scenario_of(&case);
            let layout = Layout::new(&s);
            let mut harms = case.harms.clone();
            let books = liability::settle(&s, &layout, 0, &mut harms, &[], true);
            prop_assert!(books.is_ok(), "settle failed: {:?}", books.err());
            let b = Settled {
                layout,
                books: books.unwrap_or_default(),
                regimes: s.terms.liability.regimes.clone(),
            };
            for y in 0..b.years() {
                for r in 0..b.regimes.len() {
                    let t = |p| b.total(y, r, p);
                    let (ground_up, paid, unc) = (
                        t(Perspective::GroundUp),
                        t(Perspective::Paid),
                        t(Perspective::Uncompensated),
                    );
                    prop_assert!(
                        close(ground_up, paid + unc),
                        "year {y} regime {r}: ground-up {ground_up} ≠ paid {paid} + uncompensated {unc}"
                    );
                    prop_assert!(paid >= Money::ZERO && unc >= Money::ZERO);
                    let outlay = paid + t(Perspective::Recall) + t(Perspective::Fines);
                    let sum = |p| (0..OPERATORS).map(|q| b.party(y, r, q, p)).sum::<Money>();
                    let (gross, net, retained) = (
                        sum(Perspective::Gross),
                        sum(Perspective::Net),
                        sum(Perspective::Retained),
                    );
                    prop_assert!(close(gross, outlay), "year {y} regime {r}: Σ gross {gross} ≠ {outlay}");
                    prop_assert!(close(net, outlay), "year {y} regime {r}: Σ net {net} ≠ {outlay}");
                    let insured: Money = INSURERS.map(|q| b.party(y, r, q, Perspective::Insurer)).sum();
                    prop_assert!(
                        close(insured, net - retained),
                        "year {y} regime {r}: Σ insurer {insured} ≠ Σ net − retained {}",
                        net - retained
                    );
                    for q in 0..OPERATORS {
                        let (n, k) = (
                            b.party(y, r, q, Perspective::Net),
                            b.party(y, r, q, Perspective::Retained),
                        );
                        prop_assert!(k >= Money::ZERO && k <= n, "party {q}: net {n}, retained {k}");
                    }
                    // Each insurer writes one layer: its year never passes share × aggregate.
                    for (i, policy) in s.terms.policies.iter().enumerate() {
                        for (j, l) in policy.layers.iter().enumerate() {
                            let ins = INS_A + (3 * i + j) as PartyId;
                            let got = b.party(y, r, ins, Perspective::Insurer);
                            // Each payment is the share of a part rounded to the cent.
                            let rounding = 0.005 * case.harms.len() as f64;
                            prop_assert!(
                                got.to_f64() <= l.share * l.aggregate * (1.0 + 1e-12) + rounding,
                                "insurer {ins} paid {got} > {} × {}",
                                l.share,
                                l.aggregate
                            );
                        }
                    }
                }
            }
            // The event loss table adds up to the year loss table, and its largest amounts
            // are the year's largest.
            let cols = b.layout.len();
            let mut sums = vec![Money::ZERO; b.books.year_loss.len()];
            let mut maxes = vec![Money::ZERO; b.books.year_loss.len()];
            for e in &b.books.elt {
                let r = b.regimes.iter().position(|&x| x == e.regime).unwrap_or(usize::MAX);
                prop_assert!(r < b.regimes.len());
                let col = match e.party {
                    None => b.layout.total(r, e.perspective),
                    Some(p) => b.layout.party(r, p, e.perspective),
                };
                let i = e.year as usize * cols + col;
                sums[i] += e.amount;
                maxes[i] = maxes[i].max(e.amount);
            }
            for (i, (&sum, &loss)) in sums.iter().zip(&b.books.year_loss).enumerate() {
                prop_assert!(close(sum, loss), "cell {i}: ELT {sum} ≠ YLT {loss}");
                prop_assert_eq!(maxes[i], b.books.year_max[i]);
            }
        }

        #[test]
        fn books_do_not_depend_on_the_order_of_harms(case in case(), turn in 0usize..40) {
            let s = scenario_of(&case);
            let layout = Layout::new(&s);
            let mut a = case.harms.clone();
            let mut b = case.harms.clone();
            b.reverse();
            if !b.is_empty() {
                let n = turn % b.len();
                b.rotate_left(n);
            }
            let x = liability::settle(&s, &layout, 0, &mut a, &[], true);
            let y = liability::settle(&s, &layout, 0, &mut b, &[], true);
            prop_assert!(x.is_ok() && y.is_ok());
            let (x, y) = (x.unwrap_or_default(), y.unwrap_or_default());
            prop_assert_eq!(x.year_loss, y.year_loss);
            prop_assert_eq!(x.year_max, y.year_max);
            prop_assert_eq!(x.insolvent_years, y.insolvent_years);
            prop_assert_eq!(x.elt, y.elt);
            prop_assert_eq!(x.recalls, y.recalls);
        }
    }
}
