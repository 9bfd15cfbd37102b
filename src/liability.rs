//! Who pays for a harmful incident. First version: the root-cause party pays the whole loss.
//!
//! Kept behind the [`Regime`] trait and free of ECS types so that the liability issue can swap
//! in regimes, recourse, contracts and insurance without touching the simulation.

use crate::outcome::HarmRecord;
use crate::scenario::PartyId;

/// A rule that splits an incident's loss between parties.
pub trait Regime: Sync {
    /// Appends `(party, amount)` shares of `harm.loss` to `shares`.
    fn allocate(&self, harm: &HarmRecord, shares: &mut Vec<(PartyId, f64)>);
}

/// The root-cause party pays everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootCause;

impl Regime for RootCause {
    fn allocate(&self, harm: &HarmRecord, shares: &mut Vec<(PartyId, f64)>) {
        // An unidentified cause leaves the loss with the victim: no party pays.
        if let Some(party) = harm.cause_party {
            shares.push((party, harm.loss));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{FaultKind, HarmKind, Role};

    #[test]
    fn root_cause_pays_the_whole_loss() {
        let harm = HarmRecord {
            day: 1.0,
            device: 0,
            class: 0,
            fault: FaultKind::WearOut,
            harm: HarmKind::Injury,
            cause_role: Role::ComponentSupplier,
            cause_party: Some(3),
            loss: 1234.5,
            vulnerability: None,
            key: 0,
            facts: Default::default(),
        };
        let mut shares = Vec::new();
        RootCause.allocate(&harm, &mut shares);
        assert_eq!(shares, vec![(3, 1234.5)]);
    }
}
