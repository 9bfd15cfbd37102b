//! Warnings: things a valid scenario says that cannot happen, found after validation.
//!
//! A warning does not stop a run: the file means something, just not what its author most
//! likely meant. Two are looked for. A contract cap that can never bind: the liability engine
//! applies a cap only to what `party` pays `counterparty` (recourse when `counterparty` paid
//! the victim first, and indemnities), so when `counterparty` is never the first payer of a
//! claim that `party` shares, and the contract has no indemnity, the cap limits nothing. And
//! an insurance policy whose lines are not those its kind usually answers for.

use super::check::Problem;
use super::class::DeviceClass;
use super::kinds::{Culprit, FaultKind, HarmKind, PartyId, Role};
use super::path::FieldPath;
use super::raw::RawScenario;
use super::terms::{Line, RegimeKind, usual_lines};
use super::types::Scenario;

/// Every warning of a validated scenario, with the field it is about.
pub fn warnings(raw: &RawScenario, sc: &Scenario) -> Vec<Problem> {
    let mut out = Vec::new();
    caps_that_never_bind(raw, sc, &mut out);
    unusual_lines(raw, sc, &mut out);
    out
}

/// One claim's shape, as the engine sees it for contracts: who pays the victim first, and who
/// shares the loss after recourse.
struct Flow {
    payer: PartyId,
    sharers: Vec<PartyId>,
}

/// Contracts with a cap (or a cap as a fee multiple), no indemnity, and no claim in which the
/// counterparty pays first and the party shares the loss.
fn caps_that_never_bind(raw: &RawScenario, sc: &Scenario, out: &mut Vec<Problem>) {
    let flows = flows(sc);
    for (i, c) in sc.terms.contracts.iter().enumerate() {
        if c.cap.is_none() || c.indemnity.0 != 0 {
            continue;
        }
        let binds = flows
            .iter()
            .any(|f| f.payer == c.counterparty && f.sharers.contains(&c.party));
        if binds {
            continue;
        }
        // Warnings are looked for in valid scenarios only, where every contract resolved, so
        // the typed contracts are the file's, in its order.
        let key = if raw.contract.get(i).is_some_and(|r| r.cap.is_some()) {
            "cap"
        } else {
            "cap_fee_multiple"
        };
        out.push(Problem {
            path: FieldPath::root().key("contract").index(i).key(key),
            message: format!(
                "this cap can never bind under this scenario's regimes ({regimes}): the cap limits only what {party} pays {counterparty} in recourse (when {counterparty} paid the victim first) and in indemnities, and this contract has no indemnity, while no claim here is paid first by {counterparty} and shared by {party} ({party} is sued directly, bears its claims alone, or causes none the law covers). Name the party that pays first as counterparty, or add an indemnity",
                party = name(sc, c.party),
                counterparty = name(sc, c.counterparty),
                regimes = sc
                    .terms
                    .liability
                    .regimes
                    .iter()
                    .map(|r| r.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        });
    }
}

fn name(sc: &Scenario, p: PartyId) -> &str {
    &sc.parties[usize::from(p)].name
}

/// Every claim shape the scenario can produce, under each of its regimes: damages for each
/// modelled fault of each class, and each recall rule's cost. Fines move no money between
/// parties. This mirrors `liability::regime`, which decides the same from a harm.
fn flows(sc: &Scenario) -> Vec<Flow> {
    let terms = &sc.terms.liability;
    let mut out = Vec::new();
    for class in &sc.classes {
        for (fault, harm, causes) in causes(class) {
            let covered =
                terms.covered_faults.contains(fault) && terms.covered_harms.contains(harm);
            if !covered {
                continue;
            }
            for regime in terms.regimes.iter().flat_map(|r| r.kinds()) {
                let defect = terms.defects.contains(fault);
                for &cause in &causes {
                    match regime {
                        RegimeKind::Strict if defect => {
                            if let Some(d) = strict_defendant(sc, class) {
                                out.push(Flow {
                                    payer: d,
                                    sharers: vec![d, cause],
                                });
                            }
                        }
                        RegimeKind::JointAndSeveral if defect => {
                            let ops = operators(sc, class, fault, cause);
                            let first = ops
                                .iter()
                                .copied()
                                .find(|&p| !sc.parties[usize::from(p)].outside_jurisdiction);
                            if let Some(payer) = first {
                                out.push(Flow {
                                    payer,
                                    sharers: ops,
                                });
                            }
                        }
                        // The root cause answers alone: nothing flows between parties.
                        _ => {}
                    }
                }
            }
        }
    }
    // A recall is paid first by the class's manufacturer, who recovers from the root cause.
    for rule in &sc.terms.recalls {
        let class = &sc.classes[usize::from(rule.class)];
        let Some(maker) = class.lineage.party(Role::Manufacturer) else {
            continue;
        };
        for (fault, _, causes) in causes(class) {
            if fault == rule.fault {
                out.extend(causes.into_iter().map(|c| Flow {
                    payer: maker,
                    sharers: vec![maker, c],
                }));
            }
        }
    }
    out
}

/// Under strict liability, who answers for a defect, as `regime::strict_defendant` decides:
/// the first of the manufacturer, assembler, importer and distributor within the jurisdiction.
fn strict_defendant(sc: &Scenario, class: &DeviceClass) -> Option<PartyId> {
    [
        Role::Manufacturer,
        Role::Assembler,
        Role::Importer,
        Role::Distributor,
    ]
    .into_iter()
    .filter_map(|r| class.lineage.party(r))
    .find(|&p| !sc.parties[usize::from(p)].outside_jurisdiction)
}

/// The liable economic operators of a joint-and-several claim, as `regime::operators` lists
/// them for a harm of `fault` caused by `cause`.
fn operators(sc: &Scenario, class: &DeviceClass, fault: FaultKind, cause: PartyId) -> Vec<PartyId> {
    let outside = |p: PartyId| sc.parties[usize::from(p)].outside_jurisdiction;
    let mut ops: Vec<PartyId> = Vec::new();
    let push = |ops: &mut Vec<PartyId>, p: Option<PartyId>| {
        if let Some(p) = p
            && !ops.contains(&p)
        {
            ops.push(p);
        }
    };
    let maker = class.lineage.party(Role::Manufacturer);
    push(&mut ops, maker);
    push(&mut ops, class.lineage.party(Role::Assembler));
    let role = cause_role(class, fault, cause);
    if matches!(role, Some(Role::ComponentSupplier | Role::SoftwareVendor)) {
        push(&mut ops, Some(cause));
    }
    if maker.is_none_or(outside) {
        push(&mut ops, class.lineage.party(Role::Importer));
    }
    if ops.iter().all(|&p| outside(p)) {
        push(&mut ops, class.lineage.party(Role::Distributor));
    }
    ops
}

/// The role in which `cause` caused `fault` in `class`.
fn cause_role(class: &DeviceClass, fault: FaultKind, cause: PartyId) -> Option<Role> {
    culprits(class)
        .into_iter()
        .find(|(f, _, c)| {
            *f == fault && matches!(c, Culprit::Party { party, .. } if *party == cause)
        })
        .map(|(_, _, c)| match c {
            Culprit::Party { role, .. } => role,
            Culprit::DeviceInstaller => Role::Installer,
        })
}

/// Each modelled fault of a class with its harm kind and its culprit.
fn culprits(class: &DeviceClass) -> Vec<(FaultKind, HarmKind, Culprit)> {
    let mut v: Vec<(FaultKind, HarmKind, Culprit)> = class
        .wear_out
        .iter()
        .map(|w| {
            (
                FaultKind::WearOut,
                w.consequence.harm,
                w.consequence.culprit,
            )
        })
        .collect();
    for fault in [
        FaultKind::FirmwareBug,
        FaultKind::SensorDrift,
        FaultKind::InstallationError,
        FaultKind::Exploit,
    ] {
        if let Some(c) = class.consequence(fault, 0) {
            v.push((fault, c.harm, c.culprit));
        }
    }
    if let Some(d) = &class.data_theft {
        v.push((FaultKind::DataTheft, HarmKind::RecordsExposed, d.culprit));
    }
    if let Some(c) = class.ddos_culprit {
        v.push((FaultKind::Ddos, HarmKind::Downtime, c));
    }
    v
}

/// Each modelled fault of a class with its harm kind and the parties that can cause it (a
/// fault caused by "the device's installer" has each of the class's installers).
fn causes(class: &DeviceClass) -> Vec<(FaultKind, HarmKind, Vec<PartyId>)> {
    culprits(class)
        .into_iter()
        .map(|(f, h, c)| {
            let parties = match c {
                Culprit::Party { party, .. } => vec![party],
                Culprit::DeviceInstaller => {
                    class.lineage.installers.iter().map(|&(p, _)| p).collect()
                }
            };
            (f, h, parties)
        })
        .collect()
}

/// Insurance policies whose `lines` are not among those their `kind` usually answers for: a
/// product liability policy paying fines, a recall policy paying damages.
fn unusual_lines(raw: &RawScenario, sc: &Scenario, out: &mut Vec<Problem>) {
    // In a valid scenario the typed policies are the file's, in its order.
    for (i, (x, policy)) in raw.insurance.iter().zip(&sc.terms.policies).enumerate() {
        if x.lines.is_none() {
            continue;
        }
        let Some(usual) = usual_lines(&policy.kind) else {
            continue;
        };
        let odd: Vec<&str> = policy
            .lines
            .iter()
            .filter(|l| !usual.contains(l))
            .map(|l| l.name())
            .collect();
        if odd.is_empty() {
            continue;
        }
        let usual: Vec<&str> = usual.iter().map(|l: &Line| l.name()).collect();
        out.push(Problem {
            path: FieldPath::root().key("insurance").index(i).key("lines"),
            message: format!(
                "a {} policy usually answers for {} only, but these lines add {}: check the kind, or the lines",
                policy.kind,
                usual.join(" and "),
                odd.join(" and ")
            ),
        });
    }
}
