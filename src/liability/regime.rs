//! Who answers to the victim under each regime, in what order, and how the liable parties
//! share the loss among themselves (their contribution, which recourse settles).

use crate::outcome::HarmRecord;
use crate::scenario::{DeviceClass, LiabilityTerms, PartyId, RegimeKind, Role, Scenario};

/// The parties liable for one claim.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Liable {
    /// Parties the victim can collect from, in the order it turns to them; empty: nobody.
    pub order: Vec<PartyId>,
    /// Whether each party in `order` answers for the whole (so that what one cannot pay falls
    /// on the next), or only for its own share.
    pub joint: bool,
    /// `(party, share)`: how the liable parties bear the loss after recourse; shares sum to 1.
    pub contribution: Vec<(PartyId, f64)>,
}

impl Liable {
    fn clear(&mut self) {
        self.order.clear();
        self.joint = false;
        self.contribution.clear();
    }

    /// One party answers alone and bears everything.
    fn alone(&mut self, party: PartyId) {
        self.order.push(party);
        self.contribution.push((party, 1.0));
    }
}

/// Splits the loss among `set` (distinct parties): the root cause, when it is one of them,
/// bears `cause_share` and the others the rest equally; otherwise all bear equal shares.
pub fn contribution(
    set: &[PartyId],
    cause: Option<PartyId>,
    cause_share: f64,
    out: &mut Vec<(PartyId, f64)>,
) {
    out.clear();
    let k = set.len();
    if k == 0 {
        return;
    }
    match cause.filter(|c| set.contains(c)) {
        Some(c) if k > 1 => {
            let other = (1.0 - cause_share) / (k - 1) as f64;
            out.extend(
                set.iter()
                    .map(|&p| (p, if p == c { cause_share } else { other })),
            );
        }
        _ => out.extend(set.iter().map(|&p| (p, 1.0 / k as f64))),
    }
}

/// The contribution when `payer` answers alone and recovers from the root cause (if another
/// party): the root cause bears `cause_share`, the payer the rest.
fn recovers_from_cause(
    payer: PartyId,
    cause: Option<PartyId>,
    cause_share: f64,
    scratch: &mut Vec<PartyId>,
    out: &mut Liable,
) {
    scratch.clear();
    scratch.push(payer);
    if let Some(c) = cause
        && c != payer
    {
        scratch.push(c);
    }
    contribution(scratch, cause, cause_share, &mut out.contribution);
}

/// Whether a harm is one the law compensates at all.
pub fn covered(terms: &LiabilityTerms, harm: &HarmRecord) -> bool {
    terms.covered_faults.contains(harm.fault) && terms.covered_harms.contains(harm.harm)
}

/// Whether the root cause's conduct breached a duty of care.
pub fn duty_breached(terms: &LiabilityTerms, harm: &HarmRecord) -> bool {
    terms.negligent.contains(harm.fault)
        || (terms.default_password_negligent && harm.facts.default_password)
        || (terms.unpatched_negligent && harm.facts.unpatched_in_support)
}

/// The party in `role` in the class's lineage, when it is within the jurisdiction.
fn reachable(scenario: &Scenario, class: &DeviceClass, role: Role) -> Option<PartyId> {
    class
        .lineage
        .party(role)
        .filter(|&p| !scenario.parties[usize::from(p)].outside_jurisdiction)
}

/// Under strict liability, who answers for a defect: the manufacturer; the importer when the
/// manufacturer is outside the jurisdiction; the distributor when neither can be reached.
pub fn strict_defendant(scenario: &Scenario, class: &DeviceClass) -> Option<PartyId> {
    reachable(scenario, class, Role::Manufacturer)
        .or_else(|| reachable(scenario, class, Role::Assembler))
        .or_else(|| reachable(scenario, class, Role::Importer))
        .or_else(|| reachable(scenario, class, Role::Distributor))
}

/// Under joint and several liability (EU PLD Art. 8), the liable economic operators in the
/// directive's order: the manufacturer (and an assembler, who counts as one), the maker of the
/// defective component or software, and the importer when the manufacturer is outside the
/// jurisdiction. The distributor answers only when none of them can be reached.
pub fn operators(
    scenario: &Scenario,
    class: &DeviceClass,
    harm: &HarmRecord,
    out: &mut Vec<PartyId>,
) {
    out.clear();
    let outside = |p: PartyId| scenario.parties[usize::from(p)].outside_jurisdiction;
    let push = |out: &mut Vec<PartyId>, p: Option<PartyId>| {
        if let Some(p) = p
            && !out.contains(&p)
        {
            out.push(p);
        }
    };
    let maker = class.lineage.party(Role::Manufacturer);
    push(out, maker);
    push(out, class.lineage.party(Role::Assembler));
    if matches!(
        harm.cause_role,
        Role::ComponentSupplier | Role::SoftwareVendor
    ) {
        push(out, harm.cause_party);
    }
    if maker.is_none_or(outside) {
        push(out, class.lineage.party(Role::Importer));
    }
    if out.iter().all(|&p| outside(p)) {
        push(out, class.lineage.party(Role::Distributor));
    }
}

/// Fills `out` with the parties liable for damages `harm` under `regime`. `proven` is whether
/// the victim would prove a breach of duty (drawn once per claim, so every regime sees the
/// same draw).
pub fn liable_for_damages(
    scenario: &Scenario,
    regime: RegimeKind,
    harm: &HarmRecord,
    proven: bool,
    scratch: &mut Vec<PartyId>,
    out: &mut Liable,
) {
    out.clear();
    let terms = &scenario.terms.liability;
    if !covered(terms, harm) {
        return;
    }
    let class = &scenario.classes[usize::from(harm.class)];
    let negligence = |out: &mut Liable| {
        if let Some(cause) = harm.cause_party
            && proven
            && duty_breached(terms, harm)
        {
            out.alone(cause);
        }
    };
    match regime {
        RegimeKind::RootCause => {
            if let Some(cause) = harm.cause_party {
                out.alone(cause);
            }
        }
        RegimeKind::Negligence => negligence(out),
        RegimeKind::Strict if terms.defects.contains(harm.fault) => {
            let Some(defendant) = strict_defendant(scenario, class) else {
                return;
            };
            out.order.push(defendant);
            recovers_from_cause(
                defendant,
                harm.cause_party,
                terms.cause_contribution,
                scratch,
                out,
            );
        }
        RegimeKind::JointAndSeveral if terms.defects.contains(harm.fault) => {
            operators(scenario, class, harm, scratch);
            out.order.extend(
                scratch
                    .iter()
                    .copied()
                    .filter(|&p| !scenario.parties[usize::from(p)].outside_jurisdiction),
            );
            if out.order.is_empty() {
                out.contribution.clear();
                return;
            }
            out.joint = true;
            contribution(
                scratch,
                harm.cause_party,
                terms.cause_contribution,
                &mut out.contribution,
            );
        }
        // Faults that are not product defects fall back on the negligence rule.
        RegimeKind::Strict | RegimeKind::JointAndSeveral => negligence(out),
    }
}

/// The parties who bear a recall's cost: the manufacturer pays first, and recovers from the
/// root cause by contribution (under the root-cause regime, the root cause bears it all).
pub fn liable_for_recall(
    scenario: &Scenario,
    regime: RegimeKind,
    manufacturer: PartyId,
    cause: Option<PartyId>,
    scratch: &mut Vec<PartyId>,
    out: &mut Liable,
) {
    out.clear();
    out.order.push(manufacturer);
    match (regime, cause) {
        (RegimeKind::RootCause, Some(c)) => out.contribution.push((c, 1.0)),
        _ => recovers_from_cause(
            manufacturer,
            cause,
            scenario.terms.liability.cause_contribution,
            scratch,
            out,
        ),
    }
}

/// A fine falls on its target alone.
pub fn liable_for_fine(target: PartyId, out: &mut Liable) {
    out.clear();
    out.alone(target);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contribution_gives_the_cause_its_share_and_splits_the_rest() {
        let mut out = Vec::new();
        contribution(&[0, 3, 5], Some(3), 0.7, &mut out);
        assert_eq!(
            out,
            vec![(0, 0.15000000000000002), (3, 0.7), (5, 0.15000000000000002)]
        );
        contribution(&[0, 5], Some(3), 0.7, &mut out);
        assert_eq!(out, vec![(0, 0.5), (5, 0.5)]);
        contribution(&[3], Some(3), 0.7, &mut out);
        assert_eq!(out, vec![(3, 1.0)]);
        contribution(&[], None, 0.7, &mut out);
        assert!(out.is_empty());
    }
}
