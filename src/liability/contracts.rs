//! Contracts between parties: indemnities that move one party's share of a claim to another,
//! and caps that limit what a party pays its counterparty in a year, with carve-outs.

use crate::money::Money;
use crate::scenario::{Contract, FaultKind, PartyId};

/// What a claim looks like to the contracts.
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts {
    pub fault: FaultKind,
    pub cause: Option<PartyId>,
    /// The party that paid the claim first; recourse flows to it.
    pub payer: PartyId,
}

/// Applies every contract, in the scenario's order, to the parties' shares of one claim.
///
/// `net[p]` is party p's share after recourse: each party other than the payer has paid its
/// share to the payer. A contract in which `party` owes `counterparty`:
/// 1. indemnity: for the listed faults (and, unless `indemnity_any_cause`, only when `party`
///    is the root cause), `party` takes over `counterparty`'s whole share;
/// 2. cap: what `party` pays `counterparty` in the year (its recourse payment when
///    `counterparty` is the payer, plus the indemnity) may not pass what is left of the cap,
///    unless the fault is carved out; the excess goes back to `counterparty`.
///
/// `cap_left[k]` is what is left of contract k's cap this year; it shrinks by what the capped
/// payments use. Money only moves between two parties, so the sum of `net` never changes.
pub fn apply(contracts: &[Contract], cap_left: &mut [Money], claim: ClaimFacts, net: &mut [Money]) {
    for (k, c) in contracts.iter().enumerate() {
        let (a, b) = (usize::from(c.party), usize::from(c.counterparty));
        let recourse = if c.counterparty == claim.payer && c.party != claim.payer {
            net[a]
        } else {
            Money::ZERO
        };
        let indemnified = c.indemnity.contains(claim.fault)
            && (c.indemnity_any_cause || claim.cause == Some(c.party));
        let indemnity = if indemnified { net[b] } else { Money::ZERO };
        net[a] += indemnity;
        net[b] -= indemnity;
        if c.cap.is_none() || c.carve_outs.contains(claim.fault) {
            continue;
        }
        let owed = recourse + indemnity;
        let allowed = owed.min(cap_left[k].max(Money::ZERO));
        cap_left[k] -= allowed;
        let excess = owed - allowed;
        net[a] -= excess;
        net[b] += excess;
    }
}

/// Each contract's cap for a new year ([`Money::UNLIMITED`] when uncapped).
pub fn fresh_caps(contracts: &[Contract], caps: &mut Vec<Money>) {
    caps.clear();
    caps.extend(contracts.iter().map(|c| Money::limit(c.cap)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::FaultSet;

    fn m<const N: usize>(x: [f64; N]) -> [Money; N] {
        x.map(Money::from_units)
    }

    fn contract(indemnity: &[FaultKind], cap: Option<f64>, carve: &[FaultKind]) -> Contract {
        // Party 1 (a supplier) owes party 0 (the manufacturer).
        Contract {
            party: 1,
            counterparty: 0,
            indemnity: FaultSet::of(indemnity),
            indemnity_any_cause: false,
            cap,
            carve_outs: FaultSet::of(carve),
        }
    }

    fn claim(fault: FaultKind, cause: Option<PartyId>) -> ClaimFacts {
        ClaimFacts {
            fault,
            cause,
            payer: 0,
        }
    }

    #[test]
    fn a_cap_moves_exactly_the_excess_back() {
        let cs = [contract(&[], Some(1000.0), &[])];
        let mut caps = vec![];
        fresh_caps(&cs, &mut caps);
        // The supplier's recourse share is 800 of a 1,000 claim: within the cap.
        let mut net = m([200.0, 800.0]);
        apply(&cs, &mut caps, claim(FaultKind::WearOut, Some(1)), &mut net);
        assert_eq!(net, m([200.0, 800.0]));
        assert_eq!(caps, m([200.0]));
        // A second claim: recourse 800, only 200 of cap left; 600 goes back to the maker.
        let mut net = m([200.0, 800.0]);
        apply(&cs, &mut caps, claim(FaultKind::WearOut, Some(1)), &mut net);
        assert_eq!(net, m([800.0, 200.0]));
        assert_eq!(caps, m([0.0]));
    }

    #[test]
    fn indemnity_takes_over_the_whole_share_within_the_cap() {
        let cs = [contract(&[FaultKind::SensorDrift], Some(900.0), &[])];
        let mut caps = vec![];
        fresh_caps(&cs, &mut caps);
        let mut net = m([300.0, 700.0]);
        apply(
            &cs,
            &mut caps,
            claim(FaultKind::SensorDrift, Some(1)),
            &mut net,
        );
        // Owed 700 + 300 = 1,000; the cap allows 900; 100 goes back.
        assert_eq!(net, m([100.0, 900.0]));
        // Not the supplier's cause: no indemnity, and recourse is whatever the share was.
        let mut caps = vec![Money::UNLIMITED];
        let mut net = m([300.0, 700.0]);
        apply(
            &cs,
            &mut caps,
            claim(FaultKind::SensorDrift, Some(2)),
            &mut net,
        );
        assert_eq!(net, m([300.0, 700.0]));
    }

    #[test]
    fn carve_outs_are_uncapped() {
        let cs = [contract(
            &[FaultKind::DataTheft],
            Some(10.0),
            &[FaultKind::DataTheft],
        )];
        let mut caps = vec![];
        fresh_caps(&cs, &mut caps);
        let mut net = m([500.0, 0.0]);
        apply(
            &cs,
            &mut caps,
            claim(FaultKind::DataTheft, Some(1)),
            &mut net,
        );
        assert_eq!(net, m([0.0, 500.0]));
        assert_eq!(caps, m([10.0]));
    }
}
