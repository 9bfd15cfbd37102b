//! The systemic events of a replication as the world holds them: drawn at its start (by
//! [`crate::events::draw`]), read by the mechanism of each kind, which records what each event
//! reached, and handed over at the end.

use bevy_ecs::prelude::*;

use crate::events::Event;
use crate::outcome::EventRecord;

use super::resources::{Replication, ScenarioRes};

/// This replication's events, in the order of their numbers, with what each has reached.
#[derive(Resource, Debug, Default)]
pub struct Events {
    pub drawn: Vec<Event>,
    pub records: Vec<EventRecord>,
}

impl Events {
    /// The events that start within `[from, to)` and whose source `pick` accepts, with the
    /// source's parameters: what a mechanism handled in the yearly steps visits in a step.
    pub fn starting_in<'s, T>(
        &self,
        (from, to): (f64, f64),
        sources: &'s [crate::scenario::events::EventSource],
        pick: impl Fn(&'s crate::scenario::events::EventSource) -> Option<&'s T>,
    ) -> Vec<(Event, &'s T)> {
        self.drawn
            .iter()
            .filter(|e| from <= e.start && e.start < to)
            .filter_map(|e| Some((*e, pick(&sources[usize::from(e.source)])?)))
            .collect()
    }

    /// The record of event `id` (from 1).
    pub fn record_mut(&mut self, id: u32) -> Option<&mut EventRecord> {
        self.records.get_mut((id as usize).checked_sub(1)?)
    }
}

/// Draws the replication's events; each starts as reaching nothing until its mechanism runs.
pub fn draw_events(run: Res<Replication>, scenario: Res<ScenarioRes>, mut events: ResMut<Events>) {
    let s = &scenario.0;
    events.drawn = crate::events::draw(s, &run.streams);
    events.records = events
        .drawn
        .iter()
        .map(|e| EventRecord {
            id: e.id,
            source: e.source,
            kind: s.events[usize::from(e.source)].kind(),
            start: e.start,
            end: e.start,
            devices: 0,
            exposed: 0,
        })
        .collect();
}

/// The salt that keys an event's draws apart from every other event's: its source and its key
/// (year and number in the year). Zero for the first source's fixed-day event, so that a
/// scenario's one `[botnet]` draws the same numbers as before sources had frequencies.
pub fn salt(e: &Event) -> u64 {
    u64::from(e.source) << 56 | (e.key >> 32) << 44 | (e.key & 0xf_ffff) << 24
}
