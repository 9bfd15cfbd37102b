//! `[[contract]]`: one party owes another an indemnity for some faults and pays it up to a
//! yearly cap, with faults carved out of the cap.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::check::{Checker, Resolver, chain_roles};
use crate::scenario::kinds::{FaultKind, FaultSet, PartyId};
use crate::scenario::path::FieldPath;

/// `[[contract]]`: `party` owes `counterparty` an indemnity and pays it up to a cap.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawContract {
    /// The party that owes (the indemnitor, whose payments the cap limits); not an insurer.
    pub party: String,
    /// The party it owes, another party than `party`; not an insurer.
    pub counterparty: String,
    /// Fault kinds for which `party` holds `counterparty` harmless (default: none).
    #[serde(default)]
    #[schemars(with = "Vec<FaultKind>")]
    pub indemnity: Vec<String>,
    /// Whether the indemnity covers every cause; default false: only claims where `party` is
    /// the root cause.
    #[serde(default)]
    pub indemnity_any_cause: Option<bool>,
    /// The most `party` pays `counterparty` in a year, recourse and indemnity together (not
    /// with `cap_fee_multiple`).
    #[serde(default)]
    pub cap: Option<f64>,
    /// The cap as a multiple of `annual_fee` (not with `cap`).
    #[serde(default)]
    pub cap_fee_multiple: Option<f64>,
    /// What `counterparty` pays `party` a year under the contract.
    #[serde(default)]
    pub annual_fee: Option<f64>,
    /// Fault kinds whose payments are outside the cap (default: none).
    #[serde(default)]
    #[schemars(with = "Vec<FaultKind>")]
    pub carve_outs: Vec<String>,
}

/// A contract between two parties: `party` owes `counterparty`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    /// The indemnitor, whose payments to `counterparty` the cap limits.
    pub party: PartyId,
    pub counterparty: PartyId,
    /// Faults for which `party` holds `counterparty` harmless (takes over its net share).
    pub indemnity: FaultSet,
    /// Whether the indemnity covers every cause, or only claims where `party` is the root cause.
    pub indemnity_any_cause: bool,
    /// The most `party` pays `counterparty` in a year, in recourse and indemnity together.
    pub cap: Option<f64>,
    /// Faults whose payments are outside the cap (uncapped).
    pub carve_outs: FaultSet,
}

/// Checks one `[[contract]]`; `None` when either party does not resolve (reported).
pub fn check(
    ck: &mut Checker,
    resolver: &Resolver,
    cp: &FieldPath,
    c: &RawContract,
) -> Option<Contract> {
    let chain = chain_roles();
    let party = resolver.party(ck, &cp.key("party"), &c.party, &chain);
    let counterparty = resolver.party(ck, &cp.key("counterparty"), &c.counterparty, &chain);
    if c.party == c.counterparty {
        ck.report(
            &cp.key("counterparty"),
            format!(
                "found \"{}\", the contract's own party, expected another party",
                c.counterparty
            ),
        );
    }
    let indemnity = ck.faults(&cp.key("indemnity"), &c.indemnity);
    let carve_outs = ck.faults(&cp.key("carve_outs"), &c.carve_outs);
    let cap = cap(ck, cp, c);
    Some(Contract {
        party: party?,
        counterparty: counterparty?,
        indemnity,
        indemnity_any_cause: c.indemnity_any_cause.unwrap_or(false),
        cap,
        carve_outs,
    })
}

/// The contract's yearly cap: `cap`, or `cap_fee_multiple` × `annual_fee`, or none.
fn cap(ck: &mut Checker, cp: &FieldPath, c: &RawContract) -> Option<f64> {
    if let Some(cap) = c.cap {
        ck.positive(&cp.key("cap"), cap, "money per year");
    }
    if let Some(m) = c.cap_fee_multiple {
        ck.positive(&cp.key("cap_fee_multiple"), m, "multiple of the annual fee");
    }
    if let Some(fee) = c.annual_fee {
        ck.positive(&cp.key("annual_fee"), fee, "money per year");
    }
    match (c.cap, c.cap_fee_multiple, c.annual_fee) {
        (Some(_), Some(_), _) => {
            ck.report(
                &cp.key("cap_fee_multiple"),
                "found both cap and cap_fee_multiple, expected at most one of them",
            );
            None
        }
        (Some(cap), None, _) => Some(cap),
        (None, Some(m), Some(fee)) => Some(m * fee),
        (None, Some(_), None) => {
            ck.report(
                &cp.key("annual_fee"),
                "found nothing, expected annual_fee alongside cap_fee_multiple (the cap is the multiple × the fee)",
            );
            None
        }
        (None, None, _) => None,
    }
}
