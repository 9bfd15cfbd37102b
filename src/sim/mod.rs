//! The simulation: a bevy_ecs world of devices driven from event to event. It does no I/O and
//! never sees TOML; it takes a validated [`Scenario`](crate::scenario::Scenario) and returns
//! plain data ([`SimOutput`](crate::outcome::SimOutput)).

pub mod components;
pub mod harm;
pub mod lifecycle;
pub mod mechanisms;
pub mod messages;
pub mod resources;
pub mod schedule;
pub mod world;

pub use world::Replicator;
