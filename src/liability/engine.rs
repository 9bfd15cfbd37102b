//! Allocates claims under one regime, in time order, keeping each party's state for the year
//! (capacity left, insurance aggregates spent, contract caps used), booking every perspective
//! and checking, claim by claim, that money is conserved.

use crate::money::{self, Money};
use crate::outcome::{EltRow, Layout, Perspective};
use crate::scenario::{Line, PartyId, Regime, RegimeKind, Role, Scenario};

use super::claims::Claim;
use super::contracts::{self, ClaimFacts};
use super::insurance;
use super::regime::{self, Liable};

/// A broken conservation rule, found while allocating.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub day: f64,
    pub what: String,
}

/// How one claim was split: every perspective's amount, per party.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Split {
    pub ground_up: Money,
    pub paid: Money,
    pub uncompensated: Money,
    /// `[party]`
    pub gross: Vec<Money>,
    pub net: Vec<Money>,
    pub retained: Vec<Money>,
    /// `[party]`: what each insurer pays.
    pub insurer: Vec<Money>,
    /// `[party]`: what the party could not pay.
    pub short: Vec<Money>,
}

impl Split {
    fn reset(&mut self, parties: usize) {
        self.ground_up = Money::ZERO;
        self.paid = Money::ZERO;
        self.uncompensated = Money::ZERO;
        for v in [
            &mut self.gross,
            &mut self.net,
            &mut self.retained,
            &mut self.insurer,
            &mut self.short,
        ] {
            if v.len() == parties {
                v.fill(Money::ZERO);
            } else {
                v.clear();
                v.resize(parties, Money::ZERO);
            }
        }
    }
}

/// Where a claim's amounts go for the occurrence exceedance (OEP): a claim of an independent
/// incident is an occurrence of its own, so it raises the year's largest amount per series
/// directly; a claim of a systemic event adds to the event's sums for the year, which join the
/// largest when the year closes.
pub enum Largest<'a> {
    /// The year's row of largest occurrences.
    Claim(&'a mut [Money]),
    /// The event's row of sums this year.
    Event(&'a mut [Money]),
}

/// One regime block's allocator with its state for the current year. With a switch, each
/// claim is judged under the regime of its device's placing date, but both regimes share one
/// state: the same parties pay from the same funds, insurance and contracts in the same year.
pub struct Allocator<'a> {
    scenario: &'a Scenario,
    pub regime: Regime,
    /// The regime that governs the claim being allocated.
    governing: RegimeKind,
    /// `[party]`: own funds left this year.
    capacity_left: Vec<Money>,
    /// `[party]`: whether the party fell short this year.
    pub insolvent: Vec<bool>,
    /// `[contract]`: cap left this year.
    cap_left: Vec<Money>,
    /// `[policy][layer]`: aggregate spent this year.
    layer_used: Vec<Vec<Money>>,
    /// `[policy]`: the policy's open occurrences this year (none under a per-claim clause).
    occurrences: Vec<insurance::Occurrences>,
    /// `[party]`: the party's policies, in the scenario's order.
    policies_of: Vec<Vec<usize>>,
    liable: Liable,
    scratch: Vec<PartyId>,
    /// The contribution's weights, for apportioning an award.
    weights: Vec<f64>,
    pub split: Split,
}

impl<'a> Allocator<'a> {
    pub fn new(scenario: &'a Scenario, regime: impl Into<Regime>) -> Self {
        let regime = regime.into();
        let n = scenario.parties.len();
        let mut policies_of = vec![Vec::new(); n];
        for (i, p) in scenario.terms.policies.iter().enumerate() {
            policies_of[usize::from(p.insured)].push(i);
        }
        let mut a = Self {
            scenario,
            regime,
            governing: regime.before,
            capacity_left: Vec::new(),
            insolvent: Vec::new(),
            cap_left: Vec::new(),
            layer_used: scenario
                .terms
                .policies
                .iter()
                .map(|p| vec![Money::ZERO; p.layers.len()])
                .collect(),
            occurrences: vec![Default::default(); scenario.terms.policies.len()],
            policies_of,
            liable: Liable::default(),
            scratch: Vec::new(),
            weights: Vec::new(),
            split: Split::default(),
        };
        a.new_year();
        a
    }

    /// Resets capacities, caps and aggregates for a new year.
    pub fn new_year(&mut self) {
        let parties = &self.scenario.parties;
        self.capacity_left.clear();
        self.capacity_left
            .extend(parties.iter().map(|p| Money::limit(p.capacity)));
        self.insolvent.clear();
        self.insolvent.resize(parties.len(), false);
        contracts::fresh_caps(&self.scenario.terms.contracts, &mut self.cap_left);
        for used in &mut self.layer_used {
            used.fill(Money::ZERO);
        }
        // Occurrences close with the policy year, as the aggregates do.
        self.occurrences
            .iter_mut()
            .for_each(insurance::Occurrences::clear);
    }

    /// Allocates one claim into `self.split`, and checks it: who is liable, the award, its
    /// shares after the contracts, what insurance and own funds pay of them, who carries what a
    /// party cannot pay, and who pays the victim.
    pub fn allocate(&mut self, claim: &Claim) -> Result<(), Violation> {
        self.split.reset(self.scenario.parties.len());
        // The law of the device's placing date governs every line of the claim. For a recall
        // that is the triggering incident's device: the campaign is the manufacturer's answer
        // to harms from products placed under that law, and the regime only decides how much
        // of it the manufacturer recovers from the root cause. Fines are the same under every
        // regime.
        self.governing = self.regime.for_placed(claim.incident.placed);
        self.find_liable(claim);
        let Some(&payer) = self.liable.order.first() else {
            self.split.uncompensated = self.split.ground_up;
            return self.check(claim);
        };
        let award = self.award(claim);
        self.share_out(claim, award, payer);
        self.pay_shares(claim);
        self.carry_shortfall();
        self.book_payment(claim, payer);
        self.check(claim)
    }

    /// Sets `self.liable` to who answers for `claim` under this regime (nobody for a barred
    /// damages claim), and a damages claim's ground-up amount.
    fn find_liable(&mut self, claim: &Claim) {
        let sc = self.scenario;
        let h = &claim.incident;
        match (claim.line, claim.on) {
            (Line::Damages, _) => {
                self.split.ground_up = claim.amount;
                if claim.barred {
                    self.liable = Liable::default();
                } else {
                    regime::liable_for_damages(
                        sc,
                        self.governing,
                        h,
                        claim.proven,
                        &mut self.scratch,
                        &mut self.liable,
                    );
                }
            }
            (Line::Recall, Some(maker)) => regime::liable_for_recall(
                sc,
                self.governing,
                maker,
                h.cause_party,
                &mut self.scratch,
                &mut self.liable,
            ),
            (Line::Fines, Some(target)) => regime::liable_for_fine(target, &mut self.liable),
            (_, None) => self.liable = Liable::default(),
        }
    }

    /// What the liable parties owe for `claim`: its amount, less the victim's own fault when
    /// the victim did not install a fix that was there (not under the root-cause baseline,
    /// which ignores conduct altogether).
    fn award(&self, claim: &Claim) -> Money {
        let lt = &self.scenario.terms.liability;
        if claim.line == Line::Damages
            && self.governing != RegimeKind::RootCause
            && claim.incident.facts.fix_available
        {
            claim
                .amount
                .times(lt.comparative_fault.recovered(lt.victim_fault_share))
        } else {
            claim.amount
        }
    }

    /// Apportions `award` among the liable parties by their contributions into each party's
    /// net share, then lets the contracts move shares between parties (not for fines).
    fn share_out(&mut self, claim: &Claim, award: Money, payer: PartyId) {
        let (sc, h) = (self.scenario, &claim.incident);
        let s = &mut self.split;
        // The award is apportioned to the cent, so that the shares add up to it exactly.
        self.weights.clear();
        self.weights
            .extend(self.liable.contribution.iter().map(|&(_, w)| w));
        let contribution = &self.liable.contribution;
        money::apportion(award, &self.weights, |i, m| {
            s.net[usize::from(contribution[i].0)] += m
        });
        if claim.line != Line::Fines {
            contracts::apply(
                &sc.terms.contracts,
                &mut self.cap_left,
                ClaimFacts {
                    fault: h.fault,
                    cause: h.cause_party,
                    payer,
                },
                &mut s.net,
            );
        }
    }

    /// Pays each party's net share from its insurance first, then from its own funds; only
    /// damages are limited by capacity (recalls and fines are always paid). What a party cannot
    /// pay is its shortfall, and marks it insolvent this year.
    fn pay_shares(&mut self, claim: &Claim) {
        let (sc, h) = (self.scenario, &claim.incident);
        let s = &mut self.split;
        for p in 0..sc.parties.len() {
            let due = s.net[p];
            if !due.is_positive() {
                continue;
            }
            let mut left = due;
            for &i in &self.policies_of[p] {
                let policy = &sc.terms.policies[i];
                if !left.is_positive() || !insurance::responds(policy, claim.line, h.fault) {
                    continue;
                }
                let insurer = &mut s.insurer;
                let presented = left;
                let occurrence = self.occurrences[i].of(policy.occurrence, h);
                let cumulative = occurrence.as_deref().copied().unwrap_or(Money::ZERO);
                left -= insurance::recover(
                    policy,
                    &mut self.layer_used[i],
                    cumulative,
                    presented,
                    &mut |q, x| insurer[usize::from(q)] += x,
                );
                if let Some(c) = occurrence {
                    *c += presented;
                }
            }
            let own = if claim.line == Line::Damages {
                let own = left.min(self.capacity_left[p]);
                self.capacity_left[p] -= own;
                own
            } else {
                left
            };
            s.short[p] = left - own;
            if s.short[p].is_positive() {
                self.insolvent[p] = true;
            }
            s.retained[p] = own;
            s.net[p] = due - s.short[p];
        }
    }

    /// Who carries what an insolvent party cannot pay. A party that owed only recourse or a
    /// contract payment (not liable to the victim) leaves its shortfall with the parties that
    /// answered the victim: the victim was owed the whole by them. The shortfall of a party
    /// liable to the victim falls on the others only when liability is joint; otherwise it
    /// stays with the victim. Either way the others pay from their own funds, in order, as far
    /// as those go.
    fn carry_shortfall(&mut self) {
        let s = &mut self.split;
        let liable_to_victim = |p: usize| self.liable.order.iter().any(|&q| usize::from(q) == p);
        let mut shortfall: Money = s
            .short
            .iter()
            .enumerate()
            .filter(|&(p, _)| self.liable.joint || !liable_to_victim(p))
            .map(|(_, x)| x)
            .sum();
        if shortfall.is_positive() {
            for &q in &self.liable.order {
                let q = usize::from(q);
                if !shortfall.is_positive() {
                    break;
                }
                let take = shortfall.min(self.capacity_left[q]);
                if take.is_positive() {
                    self.capacity_left[q] -= take;
                    s.net[q] += take;
                    s.retained[q] += take;
                    shortfall -= take;
                }
            }
        }
    }

    /// Books the payment to the victim: all that was paid, as the gross of the first party in
    /// order that could pay its share (else `payer`), and for damages what the victim was paid
    /// and was not.
    fn book_payment(&mut self, claim: &Claim, payer: PartyId) {
        let s = &mut self.split;
        let paid: Money = s.net.iter().sum();
        // The victim is paid by the first party in order that could pay its share.
        let first = self
            .liable
            .order
            .iter()
            .copied()
            .find(|&q| !s.short[usize::from(q)].is_positive())
            .unwrap_or(payer);
        s.gross[usize::from(first)] = paid;
        if claim.line == Line::Damages {
            s.paid = paid;
            s.uncompensated = claim.amount - paid;
        }
    }

    /// The conservation rules, exactly: every amount is in whole cents.
    fn check(&self, claim: &Claim) -> Result<(), Violation> {
        let s = &self.split;
        let fail = |what: String| {
            Err(Violation {
                day: claim.incident.day,
                what,
            })
        };
        let (gross, net): (Money, Money) = (s.gross.iter().sum(), s.net.iter().sum());
        let total = if claim.line == Line::Damages {
            if s.ground_up != s.paid + s.uncompensated {
                return fail(format!(
                    "ground-up {} ≠ paid {} + uncompensated {}",
                    s.ground_up, s.paid, s.uncompensated
                ));
            }
            if s.uncompensated < Money::ZERO {
                return fail(format!("uncompensated {} < 0", s.uncompensated));
            }
            s.paid
        } else {
            claim.amount
        };
        if gross != total || net != total {
            return fail(format!(
                "{} {}: gross {}, net {} (recourse must sum to zero)",
                claim.line.name(),
                total,
                gross,
                net
            ));
        }
        let insured: Money = s.insurer.iter().sum();
        let kept: Money = s.net.iter().zip(&s.retained).map(|(&n, &r)| n - r).sum();
        if insured != kept {
            return fail(format!(
                "insurers pay {insured} but the insured cede {kept}"
            ));
        }
        for (p, party) in self.scenario.parties.iter().enumerate() {
            if s.net[p] < Money::ZERO || s.retained[p] < Money::ZERO || s.retained[p] > s.net[p] {
                return fail(format!(
                    "{}: net {}, retained {}",
                    party.name, s.net[p], s.retained[p]
                ));
            }
            if !party.has(Role::Insurer) && !s.insurer[p].is_zero() {
                return fail(format!("{} is paid as an insurer", party.name));
            }
        }
        for (i, policy) in self.scenario.terms.policies.iter().enumerate() {
            for (layer, used) in policy.layers.iter().zip(&self.layer_used[i]) {
                let aggregate = Money::limit(Some(layer.aggregate));
                if *used > aggregate {
                    return fail(format!(
                        "a layer of {}'s {} policy spent {used} of a {aggregate} aggregate",
                        self.scenario.parties[usize::from(policy.insured)].name,
                        policy.kind,
                    ));
                }
            }
        }
        if let Some(k) = self.cap_left.iter().position(|&c| c < Money::ZERO) {
            return fail(format!("contract {k}'s cap is overdrawn"));
        }
        Ok(())
    }

    /// Adds the split of a claim of `line` to one year's row of the year loss table (sums),
    /// to its occurrence (`largest`), under regime block `r`, and to the event loss table when
    /// asked.
    pub fn book(
        &self,
        line: Line,
        layout: &Layout,
        r: usize,
        row: &mut [Money],
        largest: Largest<'_>,
        elt: Option<(&mut Vec<EltRow>, &dyn Fn() -> EltRow)>,
    ) {
        let s = &self.split;
        let mut elt = elt;
        let mut largest = largest;
        let mut put = |party: Option<PartyId>, perspective: Perspective, amount: Money| {
            if amount.is_zero() {
                return;
            }
            let col = match party {
                None => layout.total(r, perspective),
                Some(p) => layout.party(r, p, perspective),
            };
            row[col] += amount;
            match &mut largest {
                Largest::Claim(max) => max[col] = max[col].max(amount),
                Largest::Event(sum) => sum[col] += amount,
            }
            if let Some((rows, template)) = elt.as_mut() {
                rows.push(EltRow {
                    line,
                    party,
                    perspective,
                    amount,
                    ..template()
                });
            }
        };
        match line {
            Line::Damages => {
                put(None, Perspective::GroundUp, s.ground_up);
                put(None, Perspective::Paid, s.paid);
                put(None, Perspective::Uncompensated, s.uncompensated);
            }
            Line::Recall => put(None, Perspective::Recall, s.net.iter().sum()),
            Line::Fines => put(None, Perspective::Fines, s.net.iter().sum()),
        }
        for (p, party) in self.scenario.parties.iter().enumerate() {
            let id = Some(p as PartyId);
            if party.has(Role::Insurer) {
                put(id, Perspective::Insurer, s.insurer[p]);
            } else {
                put(id, Perspective::Gross, s.gross[p]);
                put(id, Perspective::Net, s.net[p]);
                put(id, Perspective::Retained, s.retained[p]);
            }
        }
    }
}
