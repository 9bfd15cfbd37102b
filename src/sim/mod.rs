//! The simulation: a bevy_ecs world of devices driven from event to event. It does no I/O and
//! never sees TOML; it takes a validated [`Scenario`](crate::scenario::Scenario) and returns
//! plain data ([`HarmRecord`](crate::outcome::HarmRecord)s as each step ends, a
//! [`RunOutput`](crate::outcome::RunOutput) at the end of a replication).

pub mod components;
pub mod exposure;
pub mod harm;
pub mod lifecycle;
pub mod mechanisms;
pub mod messages;
pub mod resources;
pub mod schedule;
pub mod systemic;
pub mod world;

pub use world::Replicator;

use crate::rng::Stream;

/// Every stream the simulation draws from, with its name: the shared ones (the installer, an
/// incident's harm and severity) and each mechanism's, in the order of the mechanisms' list.
pub fn streams() -> impl Iterator<Item = (&'static str, Stream)> {
    lifecycle::STREAMS
        .iter()
        .chain(harm::STREAMS)
        .chain(mechanisms::MECHANISMS.iter().flat_map(|m| m.streams))
        .copied()
}
