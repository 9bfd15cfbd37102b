//! The validated, typed scenario that the simulation consumes: names resolved to indices,
//! every number checked, distributions in the form the samplers use. Its parts are typed in
//! their own files (a class in `class.rs`, its mechanisms in `mechanisms/`, the money terms in
//! `terms/`).

use super::class::DeviceClass;
use super::events::EventSource;
use super::kinds::DAYS_PER_YEAR;
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
    /// The calendar year the simulation starts in (1 January); `None`: years are numbered from
    /// 0, as the horizon's years.
    pub start_year: Option<i32>,
    /// Years at the start excluded from the statistics (a fleet's warm-up to its steady state).
    pub warm_up_years: u32,
    /// Sorted ascending, each ≥ 1.
    pub return_periods: Vec<f64>,
    pub currency: String,
    pub parties: Vec<Party>,
    pub classes: Vec<DeviceClass>,
    /// Systemic event sources: the `[[event_source]]` tables, after a `[botnet]` as a source of
    /// one outbreak on its fixed day.
    pub events: Vec<EventSource>,
    /// Liability regime, contracts, insurance, recalls and fines.
    pub terms: Terms,
}

impl Scenario {
    /// Simulated days per replication.
    pub fn horizon_days(&self) -> f64 {
        f64::from(self.horizon_years) * DAYS_PER_YEAR
    }

    /// The label of year `index` of the horizon (from 0): its calendar year when the scenario
    /// has a start year, else the index itself.
    pub fn year_label(&self, index: usize) -> i64 {
        self.start_year
            .map_or(index as i64, |y| i64::from(y) + index as i64)
    }

    /// Day (from the start of the horizon) of a calendar date, in the simulation's calendar of
    /// 365-day years (29 February counts as 28 February); `None` without a start year.
    pub fn day_of(&self, year: i32, day_of_year: u32) -> Option<f64> {
        self.start_year
            .map(|s| f64::from(year - s) * DAYS_PER_YEAR + f64::from(day_of_year.min(364)))
    }

    /// The year of the horizon (from 0) that day `day` falls in; the last instant of the
    /// horizon belongs to its last year.
    pub fn year_of(&self, day: f64) -> usize {
        ((day / DAYS_PER_YEAR) as usize).min((self.horizon_years as usize).saturating_sub(1))
    }

    /// The years of the horizon (from 0) the statistics pool: those after the warm-up.
    pub fn pooled_years(&self) -> std::ops::Range<usize> {
        self.warm_up_years as usize..self.horizon_years as usize
    }

    /// The number of the first device of class `class` (devices are numbered class by class).
    pub fn first_device(&self, class: u16) -> u32 {
        self.classes[..usize::from(class)]
            .iter()
            .map(|c| c.count)
            .sum()
    }

    /// Devices in one replication.
    pub fn device_count(&self) -> u64 {
        self.classes.iter().map(|c| u64::from(c.count)).sum()
    }
}
