//! The validated, typed scenario that the simulation consumes: names resolved to indices,
//! every number checked, distributions in the form the samplers use. Its parts are typed in
//! their own files (a class in `class.rs`, its mechanisms in `mechanisms/`, the money terms in
//! `terms/`).

use super::class::DeviceClass;
use super::kinds::DAYS_PER_YEAR;
use super::mechanisms::Botnet;
use super::parties::Party;
use super::terms::Terms;

/// A checked, ready-to-run scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub horizon_years: u32,
    pub replications: u32,
    pub seed: u64,
    /// Sorted ascending, each ≥ 1.
    pub return_periods: Vec<f64>,
    pub currency: String,
    pub parties: Vec<Party>,
    pub classes: Vec<DeviceClass>,
    pub botnet: Option<Botnet>,
    /// Liability regime, contracts, insurance, recalls and fines.
    pub terms: Terms,
}

impl Scenario {
    /// Simulated days per replication.
    pub fn horizon_days(&self) -> f64 {
        f64::from(self.horizon_years) * DAYS_PER_YEAR
    }

    /// Devices in one replication.
    pub fn device_count(&self) -> u64 {
        self.classes.iter().map(|c| u64::from(c.count)).sum()
    }
}
