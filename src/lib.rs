//! fleetsim: a digital-twin fleet simulator for IoT liability risk.
//!
//! A scenario file is read and validated by [`scenario`]; [`experiment`] runs its replications
//! in parallel, each in a bevy_ecs world ([`sim`]); [`liability`] decides who pays for each
//! harmful incident; [`stats`] turns the year loss tables into AAL, EP curves and TVaR;
//! [`output`] writes CSV and a manifest. Only `scenario` reads and only `output` writes.

pub mod error;
pub mod outcome;
pub mod scenario;
pub mod sim;

pub use error::{Error, Result};
