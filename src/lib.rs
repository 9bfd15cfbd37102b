//! fleetsim: a digital-twin fleet simulator for IoT liability risk.
//!
//! A scenario file is read and validated by [`scenario`]; [`experiment`] runs its replications
//! in parallel, each in a bevy_ecs world ([`sim`]); [`liability`] settles each replication's
//! harms: who pays, after recourse, contracts and insurance, under each regime; [`stats`] turns the year loss tables into AAL, EP curves and TVaR;
//! [`output`] writes CSV, a manifest, charts and an HTML report (drawn from the written tables,
//! which it alone reads back). Only `scenario` reads input and only `output` writes. The
//! pipelines that tie them together are [`run`] (one scenario file) and [`studies`] (a scenario
//! and its policies); both simulate through [`run::simulate`].

pub mod error;
pub mod events;
pub mod experiment;
pub mod fleet;
pub mod liability;
pub mod memory;
pub mod money;
pub mod outcome;
pub mod output;
pub mod reference;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod studies;

pub use error::{Error, Result};
pub use run::{
    Prepared, Progress, Quiet, RunOptions, RunOutcome, check_options, prepare, run_file,
};
