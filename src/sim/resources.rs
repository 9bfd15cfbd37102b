//! World-wide resources shared by every mechanism: the scenario, the streams, the step, and what
//! is recorded. A mechanism's own resources (`Vulns`, `Outbreak`) live in its file.

use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::outcome::{HarmRecord, Tally};
use crate::scenario::Scenario;

use crate::rng::Streams;

/// The scenario being simulated, shared read-only by every world.
#[derive(Resource, Debug, Clone)]
pub struct ScenarioRes(pub Arc<Scenario>);

/// The random streams of the replication being run.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Replication {
    pub streams: Streams,
}

/// The step being run: every event before `end` (in days) is due.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct Step {
    pub start: f64,
    pub end: f64,
}

/// Harmful incidents recorded in this step, handed out by the driver after each step.
#[derive(Resource, Debug, Default)]
pub struct HarmLog(pub Vec<HarmRecord>);

/// Incident counts of this replication.
#[derive(Resource, Debug, Default)]
pub struct Counts(pub Tally);
