//! The systemic events of a replication: how many each source has in each year, when each
//! starts, and their numbers. A pure function of the scenario and the replication's streams,
//! below the simulation (which runs each event's mechanism) and the outputs (which list them).
//!
//! A source with a frequency draws each year's count (Poisson with the frequency as mean, or
//! negative binomial as a gamma mixture of Poissons when it has a dispersion) and each event's
//! start uniformly within its year, or in a month picked by the source's seasonal weights and
//! uniformly within it. A fixed-day source has one event on its day. Every draw is keyed by the
//! source and the year, so adding a source changes no other source's events. The events are
//! then numbered from 1 in order of their start (ties by source and draw).

use rand::RngExt;
use rand_distr::{Distribution, Gamma, Poisson};

use crate::rng::{Stream, Streams};
use crate::scenario::events::Timing;
use crate::scenario::{DAYS_PER_YEAR, Scenario};

/// Each source's yearly counts and its events' start days.
pub const EVENTS: Stream = Stream::named("events");

/// This file's streams, for the full list.
pub const STREAMS: &[(&str, Stream)] = &[("events", EVENTS)];

/// One systemic event of a replication, before its mechanism runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Its number in the replication, from 1.
    pub id: u32,
    /// The source's index in the scenario.
    pub source: u16,
    /// The day it starts.
    pub start: f64,
    /// Keys the event's own draws (its parameters, its steps): the source's year and the
    /// event's number within that year, unique per source and independent of other sources.
    pub key: u64,
}

/// The number of events in one year of a source.
fn count(timing: Timing, rng: &mut rand_xoshiro::SplitMix64) -> u64 {
    let Timing::Frequency {
        per_year,
        dispersion,
    } = timing
    else {
        return 0;
    };
    if per_year <= 0.0 {
        return 0;
    }
    // A negative binomial of size r and mean m is a Poisson whose mean is Gamma(r, m / r).
    let mean = match dispersion {
        Some(r) => Gamma::new(r, per_year / r).map_or(per_year, |g| g.sample(rng)),
        None => per_year,
    };
    if mean <= 0.0 {
        return 0;
    }
    Poisson::new(mean).map_or(0.0, |p| p.sample(rng)) as u64
}

/// A start day within year `year`, uniform or by the cumulative monthly weights `season`.
fn start_in_year(year: u32, season: Option<&[f64; 12]>, rng: &mut rand_xoshiro::SplitMix64) -> f64 {
    let u: f64 = rng.random();
    let within = match season {
        None => u,
        Some(cum) => {
            let m = cum.iter().position(|&c| u < c).unwrap_or(11);
            let v: f64 = rng.random();
            (m as f64 + v) / 12.0
        }
    };
    (f64::from(year) + within) * DAYS_PER_YEAR
}

/// Every systemic event of one replication, numbered from 1 in order of start, within the
/// horizon.
pub fn draw(scenario: &Scenario, streams: &Streams) -> Vec<Event> {
    let horizon = scenario.horizon_days();
    let mut events = Vec::new();
    for (s, source) in scenario.events.iter().enumerate() {
        match source.timing {
            Timing::Fixed { day } if day < horizon => events.push(Event {
                id: 0,
                source: s as u16,
                start: day,
                key: 0,
            }),
            Timing::Fixed { .. } => {}
            timing @ Timing::Frequency { .. } => {
                for year in 0..scenario.horizon_years {
                    let mut rng = streams.rng(EVENTS, s as u32, u64::from(year));
                    let n = count(timing, &mut rng);
                    for j in 0..n {
                        events.push(Event {
                            id: 0,
                            source: s as u16,
                            start: start_in_year(year, source.season.as_ref(), &mut rng),
                            key: u64::from(year) << 32 | j,
                        });
                    }
                }
            }
        }
    }
    events.sort_by(|a, b| {
        a.start
            .total_cmp(&b.start)
            .then(a.source.cmp(&b.source))
            .then(a.key.cmp(&b.key))
    });
    for (i, e) in events.iter_mut().enumerate() {
        e.id = i as u32 + 1;
    }
    events
}
