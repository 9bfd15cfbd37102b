//! The agenda: a calendar queue of due events, one bucket per day.
//!
//! Devices are never ticked. A mechanism draws the time of a device's next event and files it
//! here; the driver jumps from one non-empty day to the next and the step schedule handles only
//! what is due. Events past the horizon are never filed, so a quiet device costs nothing after
//! its first draws.

use bevy_ecs::prelude::*;

/// What a due event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// Failure of the class's wear-out model with this index.
    WearOut(u8),
    FirmwareBug,
    /// Sensor bias leaving tolerance.
    Drift,
    /// An installation error showing itself.
    InstallationError,
}

/// A device event at a given time.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub day: f64,
    pub device: u32,
    pub entity: Entity,
    pub kind: EventKind,
    /// The event's number within its mechanism for this device (renewal, firing, excursion).
    pub counter: u32,
    /// Mechanism data: the calibration interval of a drift excursion.
    pub aux: u32,
}

/// Due events by day.
#[derive(Resource, Debug, Default)]
pub struct Agenda {
    buckets: Vec<Vec<Event>>,
    horizon_days: f64,
    /// The bucket being handled; events filed for earlier days land here.
    cursor: usize,
    /// The events of the current step, in order.
    pub due: Vec<Event>,
}

impl Agenda {
    /// An empty agenda for a horizon in days.
    pub fn new(horizon_days: f64) -> Self {
        let n = horizon_days.ceil() as usize + 1;
        Self {
            buckets: (0..n).map(|_| Vec::new()).collect(),
            horizon_days,
            cursor: 0,
            due: Vec::new(),
        }
    }

    /// Forgets every event and rewinds to day 0, keeping allocations.
    pub fn reset(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.due.clear();
        self.cursor = 0;
    }

    /// Files an event; one at or past the horizon is dropped.
    pub fn schedule(&mut self, event: Event) {
        if event.day < self.horizon_days {
            let bucket = (event.day as usize).max(self.cursor);
            self.buckets[bucket].push(event);
        }
    }

    /// Moves to the next non-empty day and takes its events into `due`, sorted by time, device
    /// and kind so that the order never depends on the order they were filed in. Returns false
    /// when nothing is left before the horizon.
    pub fn advance(&mut self) -> bool {
        while self.cursor < self.buckets.len() && self.buckets[self.cursor].is_empty() {
            self.cursor += 1;
        }
        let Some(bucket) = self.buckets.get_mut(self.cursor) else {
            return false;
        };
        std::mem::swap(bucket, &mut self.due);
        self.due.sort_unstable_by(|a, b| {
            a.day
                .total_cmp(&b.day)
                .then(a.device.cmp(&b.device))
                .then(a.kind.cmp(&b.kind))
                .then(a.counter.cmp(&b.counter))
        });
        true
    }
}
