//! World-wide resources of a replication: the scenario, the streams, and what is recorded.

use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::outcome::{HarmRecord, Tally};
use crate::scenario::Scenario;

use super::rng::Streams;

/// The scenario being simulated, shared read-only by every world.
#[derive(Resource, Debug, Clone)]
pub struct ScenarioRes(pub Arc<Scenario>);

/// The replication being run and its random streams.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Replication {
    pub index: u32,
    pub streams: Streams,
    pub horizon_days: f64,
}

/// Harmful incidents recorded so far in this replication.
#[derive(Resource, Debug, Default)]
pub struct HarmLog(pub Vec<HarmRecord>);

/// Incident counts of this replication.
#[derive(Resource, Debug, Default)]
pub struct Counts(pub Tally);
