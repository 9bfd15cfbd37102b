//! The money terms of a scenario: the liability regime and the rules of the law, contracts
//! between parties, insurance policies, recall rules and regulatory fines, one file each with
//! its raw shape, its typed terms (plain data, read by the liability engine) and its check.

pub mod contracts;
pub mod fines;
pub mod insurance;
pub mod liability;
pub mod recall;
pub mod regime;

pub use contracts::{Contract, RawContract};
pub use fines::{FineRule, FineTarget, RawFine};
pub use insurance::{
    INSURANCE_KINDS, Layer, Line, Occurrence, Policy, RawInsurance, RawLayer, default_lines,
    usual_lines,
};
pub use liability::{ComparativeFault, LiabilityTerms, RawLiability, RawRegimes};
pub use recall::{RawRecall, RecallRule};
pub use regime::{RawSwitch, Regime, RegimeKind, Switch};

use super::check::{Checker, Resolver};
use super::class::DeviceClass;
use super::path::FieldPath;
use super::raw::RawScenario;

/// Every money term of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    pub liability: LiabilityTerms,
    pub contracts: Vec<Contract>,
    pub policies: Vec<Policy>,
    pub recalls: Vec<RecallRule>,
    pub fines: Vec<FineRule>,
}

/// Reads the money terms: `[liability]`, `[[contract]]`, `[[insurance]]`, `[[recall]]` and
/// `[[fine]]`.
pub fn check(
    ck: &mut Checker,
    raw: &RawScenario,
    resolver: &Resolver<'_>,
    classes: &[DeviceClass],
) -> Terms {
    let root = FieldPath::root();
    let liability = raw
        .liability
        .as_ref()
        .map_or_else(LiabilityTerms::default, |l| {
            liability::check(ck, &root.key("liability"), l, &raw.simulation)
        });
    let contracts = raw
        .contract
        .iter()
        .enumerate()
        .filter_map(|(i, c)| contracts::check(ck, resolver, &root.key("contract").index(i), c))
        .collect();
    let policies = raw
        .insurance
        .iter()
        .enumerate()
        .map(|(i, x)| insurance::check(ck, resolver, &root.key("insurance").index(i), x))
        .collect();
    let recalls = raw
        .recall
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            recall::check(
                ck,
                &root.key("recall").index(i),
                r,
                &raw.device_class,
                classes,
            )
        })
        .collect();
    let fines = raw
        .fine
        .iter()
        .enumerate()
        .map(|(i, f)| fines::check(ck, &root.key("fine").index(i), f, &raw.fine[..i]))
        .collect();
    Terms {
        liability,
        contracts,
        policies,
        recalls,
        fines,
    }
}
