//! Parties with several roles: a manufacturer that installs its own devices is one party in
//! both lineage slots. The spec is that a party's roles change who it is, not what happens:
//! the simulation draws are keyed by device, so one MakerCo in place of a Maker and a Fitter
//! sees the same harms, and under every regime pays what the two paid together, as long as
//! nothing ties money to the legal person itself (its capacity, a contract between the two).
//! Where it does, one legal person has one purse and no recourse against itself, and the
//! hand-computed claims below say what that changes.

mod common;

use std::sync::Arc;

use common::{header, run, scenario};
use fleetsim::liability::claims::Claim;
use fleetsim::liability::engine::Split;
use fleetsim::liability::{self, Allocator};
use fleetsim::money::Money;
use fleetsim::outcome::{Facts, HarmRecord, Layout, Perspective, Tally};
use fleetsim::output::manifest::PartyInfo;
use fleetsim::scenario::{FaultKind, HarmKind, Line, PartyId, RegimeKind, Role, Scenario};
use fleetsim::sim::Replicator;

const YEARS: u32 = 5;
const REPS: u32 = 12;
const SEED: u64 = 1414;

/// Party ids shared by both versions: Maker (or MakerCo), Parts and Code in the same places;
/// Fitter, the two-party version's installer, comes last.
const MAKER: PartyId = 0;
const PARTS: PartyId = 1;
const CODE: PartyId = 2;
const FITTER: PartyId = 3;

/// The fault models and money terms both versions share: a fault for each lineage slot (the
/// wear of a supplier's part and of the maker's own casing, a firmware bug, an installation
/// error), and a drift that is a defect but whose root cause is the installer, so that under
/// strict liability the manufacturer pays the victim and recovers from the installer. Every
/// regime, unlimited capacity, no contracts.
const FAULTS: &str = r#"
[[device_class.wear_out]]
component = "part"
shape = 1.5
scale_days = 4000
on_failure = "replace"
harm = { probability = 0.3, kind = "property_damage", severity = { median = 2_000, p99 = 60_000 } }

[[device_class.wear_out]]
component = "casing"
shape = 2.0
scale_days = 5000
on_failure = "replace"
harm = { probability = 0.3, kind = "injury", severity = { median = 4_000, p99 = 100_000 } }

[device_class.firmware_bug]
rate_per_device_year = 0.05
fix = { release_after_days = 90, adoption_per_day = 0.02 }
harm = { probability = 0.2, kind = "injury", severity = { median = 8_000, p99 = 300_000 } }

[device_class.installation_error]
probability = 0.02
mean_days_to_manifest = 30
harm = { probability = 0.5, kind = "property_damage", severity = { median = 3_000, p99 = 90_000 } }

[device_class.sensor_drift]
model = "random_walk"
sd_per_day = 0.1
tolerance = 5.0
calibration_interval_days = 365
root_cause = "installer"
harm = { probability = 0.2, kind = "injury", severity = { median = 5_000, p99 = 200_000 } }

[liability]
regime = ["root_cause", "negligence", "strict", "joint_and_several"]
victim_fault_share = 0.25
cause_contribution = 0.7
proof_probability = 0.6
"#;

/// The four regimes, in the order `FAULTS` lists them.
const REGIMES: usize = 4;

/// Maker, Parts, Code and Fitter (the common header), one class that Fitter installs.
fn two_parties() -> Arc<Scenario> {
    let mut text = header("roles_two", YEARS, REPS, SEED);
    text.push_str(
        r#"
[[device_class]]
name = "Cam"
count = 2_000
lineage = { manufacturer = "Maker", software_vendor = "Code", installer = "Fitter" }
component = [{ name = "part", supplier = "Parts" }, { name = "casing", supplier = "Maker" }]
"#,
    );
    text.push_str(FAULTS);
    scenario(&text)
}

/// MakerCo, manufacturer and installer, in both slots; Parts and Code as in the other version.
fn one_party() -> Arc<Scenario> {
    let two = header("roles_one", YEARS, REPS, SEED);
    // The same header with the maker given both roles and the fitter left out, so that every
    // other line (and so the seed and the simulation settings) is the other version's.
    let (head, _) = two
        .split_once("[[party]]\nname = \"Fitter\"")
        .expect("the common header ends with Fitter");
    let mut text = head.replace(
        "name = \"Maker\"\nrole = \"manufacturer\"",
        "name = \"MakerCo\"\nrole = [\"manufacturer\", \"installer\"]",
    );
    text.push_str(
        r#"
[[device_class]]
name = "Cam"
count = 2_000
lineage = { manufacturer = "MakerCo", software_vendor = "Code", installer = "MakerCo" }
component = [{ name = "part", supplier = "Parts" }, { name = "casing", supplier = "MakerCo" }]
"#,
    );
    text.push_str(FAULTS);
    scenario(&text)
}

/// A harm of the two-party version as the one-party version names its parties: the fitter's
/// harms are MakerCo's.
fn merged(h: &HarmRecord) -> HarmRecord {
    HarmRecord {
        cause_party: h.cause_party.map(|p| if p == FITTER { MAKER } else { p }),
        ..*h
    }
}

#[test]
fn a_party_with_two_roles_reads_in_file_order_and_writes_them_joined() {
    let s = one_party();
    let maker = &s.parties[usize::from(MAKER)];
    assert_eq!(maker.name, "MakerCo");
    assert_eq!(maker.roles, [Role::Manufacturer, Role::Installer]);
    assert!(maker.has(Role::Installer) && !maker.has(Role::SoftwareVendor));
    assert_eq!(maker.primary(), Role::Manufacturer);
    assert_eq!(maker.roles_label(), "manufacturer+installer");
    // A single role writes its name alone, as before roles could be lists.
    assert_eq!(
        s.parties[usize::from(PARTS)].roles_label(),
        "component_supplier"
    );
    let lineage = &s.classes[0].lineage;
    assert_eq!(lineage.party(Role::Manufacturer), Some(MAKER));
    assert_eq!(lineage.installers, [(MAKER, 1.0)]);
    // The manifest's party entry is what the report's party table shows.
    let info = PartyInfo {
        name: maker.name.clone(),
        role: maker.roles_label(),
        capacity: maker.capacity,
    };
    let json = serde_json::to_string(&info).expect("serialises");
    assert!(
        json.contains("\"role\":\"manufacturer+installer\""),
        "{json}"
    );
}

/// The money of one replication: `[year × series]` in the scenario's layout.
fn books(s: &Scenario, harms: &[HarmRecord], rep: u32) -> Vec<Money> {
    let layout = Layout::new(s);
    let mut harms = harms.to_vec();
    let b = liability::settle(s, &layout, rep, &mut harms, &[], false)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        b.insolvent_years.iter().all(|&n| n == 0),
        "unlimited capacity"
    );
    b.year_loss
}

/// The incident counts of the one-party version against the two-party version's: the same
/// timeline, and by fault kind MakerCo's count is Maker's plus Fitter's.
fn counts_merge(one: &Tally, two: &Tally, rep: u32) {
    assert_eq!(one.monthly, two.monthly, "replication {rep}: the timeline");
    for f in FaultKind::ALL.iter().copied() {
        let at = |t: &Tally, p: Option<PartyId>| {
            let years = 0..t.years();
            (
                t.over(t.slot(f, p), years.clone(), false),
                t.over(t.slot(f, p), years, true),
            )
        };
        let add = |a: (u64, u64), b: (u64, u64)| (a.0 + b.0, a.1 + b.1);
        let maker = add(at(two, Some(MAKER)), at(two, Some(FITTER)));
        assert_eq!(
            at(one, Some(MAKER)),
            maker,
            "replication {rep}: {f} by MakerCo"
        );
        for p in [Some(PARTS), Some(CODE), None] {
            assert_eq!(at(one, p), at(two, p), "replication {rep}: {f} by {p:?}");
        }
    }
}

/// Same seed, same devices: the same harms, each with the same role, the one party standing
/// where the two stood; and, under every regime, to the cent, the same totals, the same money
/// for Parts and Code, and MakerCo's gross, net and retained equal to Maker's plus Fitter's.
#[test]
fn one_party_in_two_slots_pays_what_the_two_parties_paid_together() {
    let (two, one) = (two_parties(), one_party());
    let (l2, l1) = (Layout::new(&two), Layout::new(&one));
    let (mut w2, mut w1) = (
        Replicator::new(Arc::clone(&two)),
        Replicator::new(Arc::clone(&one)),
    );
    // Harms by the slot that caused them (a supplier, the maker as the casing's supplier,
    // the vendor, the installer), and the drifts.
    let mut seen = [0usize; 4];
    let mut drifts = 0;
    for rep in 0..REPS {
        let (h2, tally2) = run(&mut w2, rep);
        let (h1, tally1) = run(&mut w1, rep);
        counts_merge(&tally1, &tally2, rep);
        let renamed: Vec<HarmRecord> = h2.iter().map(merged).collect();
        assert_eq!(h1, renamed, "replication {rep}: the harms");
        for h in &h1 {
            let slot = match h.cause_role {
                Role::ComponentSupplier if h.cause_party == Some(PARTS) => 0,
                Role::ComponentSupplier => 1,
                Role::SoftwareVendor => 2,
                Role::Installer => 3,
                other => panic!("unexpected root-cause role {other}"),
            };
            seen[slot] += 1;
            if h.fault == FaultKind::SensorDrift {
                drifts += 1;
                // The role of a harm is its slot's, not the party's first role.
                assert_eq!(
                    (h.cause_role, h.cause_party),
                    (Role::Installer, Some(MAKER))
                );
            }
        }
        let (b2, b1) = (books(&two, &h2, rep), books(&one, &h1, rep));
        for year in 0..YEARS as usize {
            let row2 = &b2[year * l2.len()..][..l2.len()];
            let row1 = &b1[year * l1.len()..][..l1.len()];
            for r in 0..REGIMES {
                let at = format!("replication {rep}, year {year}, regime {r}");
                for p in Perspective::TOTAL {
                    assert_eq!(row1[l1.total(r, p)], row2[l2.total(r, p)], "{at}: {p:?}");
                }
                for p in Perspective::PARTY {
                    let cell2 = |party| row2[l2.party(r, party, p)];
                    let cell1 = |party| row1[l1.party(r, party, p)];
                    assert_eq!(cell1(MAKER), cell2(MAKER) + cell2(FITTER), "{at}: {p:?}");
                    assert_eq!(cell1(PARTS), cell2(PARTS), "{at}: Parts {p:?}");
                    assert_eq!(cell1(CODE), cell2(CODE), "{at}: Code {p:?}");
                }
            }
        }
    }
    // Each slot caused harm, and the drift's (the installer's defect) among them, so the sums
    // above cover recourse from the manufacturer to the installer.
    assert!(seen.iter().all(|&n| n > 0), "harms by slot: {seen:?}");
    assert!(drifts > 0, "no drift harm");
}

/// A damages claim of 1,000 for a sensor drift, a defect, whose root cause is the installer.
fn drift_claim(cause: PartyId) -> Claim {
    let incident = HarmRecord {
        day: 10.0,
        device: 0,
        placed: 0.0,
        class: 0,
        fault: FaultKind::SensorDrift,
        harm: HarmKind::Injury,
        cause_role: Role::Installer,
        cause_party: Some(cause),
        loss: 1000.0,
        vulnerability: None,
        key: 1,
        facts: Facts::default(),
        event: 0,
    };
    Claim {
        incident,
        line: Line::Damages,
        amount: Money::from_units(1000.0),
        barred: false,
        proven: true,
        on: None,
    }
}

fn allocate(s: &Scenario, regime: RegimeKind, claim: &Claim) -> Split {
    let mut a = Allocator::new(s, regime);
    a.allocate(claim).unwrap_or_else(|v| panic!("{v:?}"));
    a.split.clone()
}

fn units(m: Money) -> f64 {
    m.to_f64()
}

/// Recourse is between persons: under strict liability the manufacturer answers the victim
/// for a defect and recovers the root cause's share (PLD Art. 8 and 14, `cause_contribution`
/// 0.7) from the installer; when the installer is the manufacturer itself there is nobody to
/// recover from, and MakerCo keeps the whole. The sum is the same. With capacity it is not:
/// one legal person has one purse. Maker and Fitter with 500 each pay the victim in full (the
/// fitter's unpaid recourse falls back on the maker, who answered the victim, within its
/// capacity left); MakerCo with 500 alone answered the victim, so what it cannot pay stays
/// with the victim, as for any party that alone answers under the several regimes.
#[test]
fn no_recourse_against_oneself_and_one_purse_for_one_person() {
    let (mut two, mut one) = ((*two_parties()).clone(), (*one_party()).clone());
    let strict = RegimeKind::Strict;
    let got = allocate(&two, strict, &drift_claim(FITTER));
    let m = usize::from(MAKER);
    let f = usize::from(FITTER);
    assert_eq!(units(got.gross[m]), 1000.0);
    assert_eq!(units(got.net[m]), 300.0); // (1 − 0.7) × 1,000
    assert_eq!(units(got.net[f]), 700.0); // 0.7 × 1,000
    let got = allocate(&one, strict, &drift_claim(MAKER));
    assert_eq!(units(got.gross[m]), 1000.0);
    assert_eq!(units(got.net[m]), 1000.0); // 300 + 700, and nobody to recover from

    two.parties[m].capacity = Some(500.0);
    two.parties[f].capacity = Some(500.0);
    one.parties[m].capacity = Some(500.0);
    let got = allocate(&two, strict, &drift_claim(FITTER));
    assert_eq!(units(got.paid), 1000.0);
    assert_eq!(units(got.net[f]), 500.0); // its capacity; 200 of its 700 short
    assert_eq!(units(got.net[m]), 500.0); // 300 + the fitter's 200, within 500
    let got = allocate(&one, strict, &drift_claim(MAKER));
    assert_eq!(units(got.paid), 500.0);
    assert_eq!(units(got.uncompensated), 500.0);
    assert_eq!(units(got.net[m]), 500.0);
}
