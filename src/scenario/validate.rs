//! Turns a raw scenario into a typed one, collecting every problem with its field path; and
//! [`parse`], which reads a scenario's text through every stage.
//!
//! [`validate`] is a frame, in the manner of ripgrep's `HiArgs::from_low_args`: it calls each
//! part's check (the simulation settings, the parties, the botnet, each device class with its
//! mechanisms, the money terms) in the order of the file, and assembles the [`Scenario`]. Each
//! check appends to one list instead of returning early, so a user fixing a file sees all of
//! its problems in one go. Messages read "found X, expected Y".

use std::path::Path;

use super::check::{Checker, Problem, Resolver};
use super::kinds::DAYS_PER_YEAR;
use super::path::{FieldPath, diagnostic};
use super::raw::{RawScenario, schema_value};
use super::shape::read_shape;
use super::types::Scenario;
use super::{class, events, parties, simulation, terms, warnings};
use crate::error::{Diagnostic, Diagnostics};

/// The limit the command line's `--replications` shares with the file's.
pub use super::simulation::MAX_REPLICATIONS;

/// Parses and validates scenario text; `file` is used only to label diagnostics.
pub fn parse(text: &str, file: &Path) -> std::result::Result<Scenario, Diagnostics> {
    parse_with_warnings(text, file).map(|(s, _)| s)
}

/// Parses and validates scenario text, with the warnings of a valid scenario, located.
pub fn parse_with_warnings(
    text: &str,
    file: &Path,
) -> std::result::Result<(Scenario, Vec<Diagnostic>), Diagnostics> {
    let schema = schema_value();
    let (raw, doc, mut items) = read_shape::<RawScenario>(text, file, &schema)?;
    // Stage 3: meaning. Problems and warnings are located the same way.
    let locate = |p: Problem| {
        diagnostic(
            text,
            file,
            p.path.span_in(&doc),
            p.path.to_string(),
            p.message,
        )
    };
    match validate(&raw) {
        Ok(s) if items.is_empty() => {
            let mut found: Vec<Diagnostic> = warnings::warnings(&raw, &s)
                .into_iter()
                .map(locate)
                .collect();
            found.sort_by_key(|d| (d.line, d.column));
            Ok((s, found))
        }
        Ok(_) => Err(Diagnostics::sorted(file, items)),
        Err(problems) => {
            items.extend(problems.into_iter().map(locate));
            Err(Diagnostics::sorted(file, items))
        }
    }
}

/// Validates a raw scenario. `Ok` holds the typed scenario; `Err` every problem found.
pub fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
    let mut ck = Checker::default();
    let root = FieldPath::root();
    let sim = &raw.simulation;
    let return_periods = simulation::check(&mut ck, &root.key("simulation"), sim);
    let (parties, known) = parties::check(&mut ck, &root.key("party"), &raw.party);
    let resolver = Resolver::new(&known);
    let horizon_days = sim.horizon_years.clamp(1, 1000) as f64 * DAYS_PER_YEAR;
    let (mut events, ddos_role) = events::check_sources(
        &mut ck,
        &root,
        (raw.botnet.as_ref(), &raw.event_source),
        horizon_days,
        &raw.device_class,
    );
    let classes = class::check_all(
        &mut ck,
        &resolver,
        &root.key("device_class"),
        &raw.device_class,
        ddos_role,
        super::fleet::Calendar {
            start_year: sim.start_year,
            horizon_years: sim.horizon_years,
        },
    );
    events::resolve_targets(&mut ck, &mut events, &classes);
    let terms = terms::check(&mut ck, raw, &resolver, &classes);
    if !ck.problems.is_empty() {
        return Err(ck.problems);
    }
    Ok(Scenario {
        name: sim.name.clone(),
        description: sim.description.clone(),
        horizon_years: sim.horizon_years as u32,
        replications: sim.replications as u32,
        seed: sim.seed,
        start_year: sim.start_year.map(|y| y.clamp(1900, 2200) as i32),
        warm_up_years: sim.warm_up_years.unwrap_or(0).max(0) as u32,
        return_periods,
        currency: sim.currency.clone().unwrap_or_else(|| "EUR".to_owned()),
        parties,
        classes,
        events,
        terms,
    })
}
