//! How a study's table, chart and page name and order its series: the victims' label, a
//! series' label with its perspective, and the swings' rows grouped by series. Shared by the
//! three, in a leaf of its own so that none of them imports the folder's frame.

use crate::stats::paired::{Row, Swing};

/// Every swing's rows, grouped by series and metric (in the order of the year loss table),
/// largest swing first within each group.
pub(super) fn sorted_swings(swings: &[Swing]) -> Vec<(&Swing, &Row)> {
    let key = |r: &Row| {
        (
            r.regime.clone(),
            r.party.clone(),
            r.perspective.clone(),
            r.metric.clone(),
        )
    };
    let order: Vec<_> = swings
        .first()
        .map(|s| s.rows.iter().map(key).collect())
        .unwrap_or_default();
    let mut all: Vec<(&Swing, &Row)> = swings
        .iter()
        .flat_map(|s| s.rows.iter().map(move |r| (s, r)))
        .collect();
    all.sort_by(|a, b| {
        let pos = |r: &Row| {
            order
                .iter()
                .position(|k| *k == key(r))
                .unwrap_or(usize::MAX)
        };
        pos(a.1).cmp(&pos(b.1)).then(
            b.1.delta
                .difference
                .abs()
                .total_cmp(&a.1.delta.difference.abs()),
        )
    });
    all
}

/// What the victims' ground-up damages are called in charts and tables.
pub(super) const VICTIMS: &str = "victims' damages (ground-up)";

/// A series' name with its perspective: the victims, or `party (perspective)`.
pub(super) fn series_label(party: &str, perspective: &str) -> String {
    if party == "total" {
        VICTIMS.to_owned()
    } else {
        format!("{party} ({perspective})")
    }
}
