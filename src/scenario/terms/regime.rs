//! The regimes: how the law decides who answers to the victim ([`RegimeKind`]), and a regime
//! block, the regime one allocation runs under, which may change on a date for the
//! devices placed on the market from then on (`[liability.switch]`, e.g. the new EU Product
//! Liability Directive for products placed on the market from 9 December 2026), and the check
//! of that switch.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::value::Datetime;

use crate::scenario::check::Checker;
use crate::scenario::kinds::{DAYS_PER_YEAR, names_schema};
use crate::scenario::path::FieldPath;
use crate::scenario::simulation::RawSimulation;

/// How the law decides who answers to the victim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegimeKind {
    /// The root-cause party pays everything (the first version's rule, kept as a baseline).
    RootCause,
    /// A party pays only when its conduct breached a duty and the victim proves it.
    Negligence,
    /// The manufacturer (or importer, or distributor) pays for defects regardless of fault.
    Strict,
    /// Every liable economic operator answers for the whole (EU PLD 2024/2853 style).
    JointAndSeveral,
}

impl RegimeKind {
    pub const ALL: [RegimeKind; 4] = [
        RegimeKind::RootCause,
        RegimeKind::Negligence,
        RegimeKind::Strict,
        RegimeKind::JointAndSeveral,
    ];
    /// The name used in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            RegimeKind::RootCause => "root_cause",
            RegimeKind::Negligence => "negligence",
            RegimeKind::Strict => "strict",
            RegimeKind::JointAndSeveral => "joint_and_several",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == s)
    }
    /// The allowed names, for error messages.
    pub fn expected() -> String {
        "one of \"root_cause\", \"negligence\", \"strict\", \"joint_and_several\"".to_owned()
    }
}

names_schema!(RegimeKind, "How the law decides who answers to the victim.");

/// A change of regime for the devices placed on the market on or after a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Switch {
    /// The first day (from the start of the horizon) whose placings fall under `regime`. A
    /// whole day, kept as an integer so that regimes can be compared and hashed exactly.
    pub day: i32,
    /// The regime for devices placed on or after `day`.
    pub regime: RegimeKind,
}

/// The regime of one allocation (a block of the outputs' series): one regime for every claim,
/// or one for devices placed before a switch day and another for those placed from it on.
/// The rules of `liability::regime` take the [`RegimeKind`] that [`Regime::for_placed`] picks
/// claim by claim.
///
/// Every row of the event loss table carries one, so it is kept to 8 bytes: the switch's
/// fields side by side rather than an `Option<Switch>` (12 bytes), which would make each row
/// 16 bytes longer. Without a switch, `day` is 0, so that equal regimes compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Regime {
    /// The regime of devices placed before the switch, or of every device without one.
    pub before: RegimeKind,
    /// The regime from the switch day on; `None`: no switch.
    after: Option<RegimeKind>,
    /// The switch day (0 without a switch).
    day: i32,
}

impl From<RegimeKind> for Regime {
    fn from(before: RegimeKind) -> Self {
        Self::new(before, None)
    }
}

/// The outputs' labels of the switched regimes, `[before][after]` in the order of
/// [`RegimeKind::ALL`]: the two names joined by `_then_`, so that a label is plain ASCII, safe
/// in CSV, and cannot be mistaken for a single regime. The diagonal is never used (a switch to
/// the same regime is refused); it holds the single names so that the table is total.
const SWITCHED: [[&str; 4]; 4] = [
    [
        "root_cause",
        "root_cause_then_negligence",
        "root_cause_then_strict",
        "root_cause_then_joint_and_several",
    ],
    [
        "negligence_then_root_cause",
        "negligence",
        "negligence_then_strict",
        "negligence_then_joint_and_several",
    ],
    [
        "strict_then_root_cause",
        "strict_then_negligence",
        "strict",
        "strict_then_joint_and_several",
    ],
    [
        "joint_and_several_then_root_cause",
        "joint_and_several_then_negligence",
        "joint_and_several_then_strict",
        "joint_and_several",
    ],
];

impl Regime {
    /// `before` for every device, or until `switch`'s day.
    pub fn new(before: RegimeKind, switch: Option<Switch>) -> Self {
        Self {
            before,
            after: switch.map(|s| s.regime),
            day: switch.map_or(0, |s| s.day),
        }
    }

    /// The switch, if any.
    pub fn switch(self) -> Option<Switch> {
        self.after.map(|regime| Switch {
            day: self.day,
            regime,
        })
    }

    /// The regime that governs a claim on a device placed on the market on day `placed`.
    pub fn for_placed(self, placed: f64) -> RegimeKind {
        match self.after {
            Some(after) if placed >= f64::from(self.day) => after,
            _ => self.before,
        }
    }

    /// The label in every output: the single regime's name without a switch (as before
    /// switches existed, so that such outputs do not change), else `<before>_then_<after>`.
    /// Static, so that a violation can carry it without allocating.
    pub fn name(self) -> &'static str {
        match self.after {
            None => self.before.name(),
            Some(after) => SWITCHED[self.before as usize][after as usize],
        }
    }

    /// The regimes a claim of this block may fall under: the one before, then the switch's.
    pub fn kinds(self) -> impl Iterator<Item = RegimeKind> {
        std::iter::once(self.before).chain(self.after)
    }
}

/// The calendar date, as ISO 8601 `YYYY-MM-DD`, of `day` (from 1 January of `start_year`) in
/// the simulation's calendar of 365-day years.
pub fn date_label(start_year: i32, day: i32) -> String {
    let (years, within) = (day.div_euclid(365), day.rem_euclid(365) as u32);
    let month = MONTH_START.iter().rposition(|&m| m <= within).unwrap_or(0);
    let mday = within - MONTH_START[month] + 1;
    format!("{:04}-{:02}-{mday:02}", start_year + years, month + 1)
}

/// `[liability.switch]`: the regime for devices placed on the market from a date on.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RawSwitch {
    /// The first placing date under the new regime, a TOML local date such as 2026-12-09
    /// (needs [simulation] start_year); devices placed earlier keep the regimes of
    /// [liability] regime.
    #[schemars(with = "String", extend("format" = "date"))]
    pub placed_from: Datetime,
    /// The regime for devices placed on or after `placed_from`.
    #[schemars(with = "RegimeKind")]
    pub regime: String,
}

/// Days before the first of each month in a 365-day year.
const MONTH_START: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Checks `[liability.switch]` against the regimes it changes (`before`) and the simulation's
/// calendar; `None` when it does not read (every problem is reported).
pub fn check(
    ck: &mut Checker,
    path: &FieldPath,
    raw: &RawSwitch,
    before: &[RegimeKind],
    sim: &RawSimulation,
) -> Option<Switch> {
    let rp = path.key("regime");
    let regime = ck.parse(&rp, &raw.regime, RegimeKind::parse, RegimeKind::expected);
    if let Some(r) = regime
        && before.contains(&r)
    {
        let message = if before.len() == 1 {
            format!(
                "found \"{}\", the regime before the switch too: the switch would change nothing; expected another regime",
                r.name()
            )
        } else {
            format!(
                "found \"{}\", which `regime` lists too: for that allocation the switch would change nothing; expected a regime not in the list",
                r.name()
            )
        };
        ck.report(&rp, message);
    }
    let dp = path.key("placed_from");
    let day = placed_from(ck, &dp, &raw.placed_from, sim);
    let (regime, day) = (regime?, day?);
    before
        .iter()
        .all(|&b| b != regime)
        .then_some(Switch { day, regime })
}

/// The day (from the start of the horizon) of `placed_from`, which must be a local date within
/// the horizon's calendar years.
fn placed_from(
    ck: &mut Checker,
    path: &FieldPath,
    at: &Datetime,
    sim: &RawSimulation,
) -> Option<i32> {
    let date = match (at.date, at.time, at.offset) {
        (Some(d), None, None) => d,
        _ => {
            ck.report(
                path,
                format!(
                    "found {at}, expected a local date such as 2026-12-09 (no time of day, no offset)"
                ),
            );
            return None;
        }
    };
    let Some(start) = sim.start_year else {
        ck.report(
            path,
            format!(
                "found {at} but no [simulation] start_year, expected a start_year to place the date in the simulation's calendar"
            ),
        );
        return None;
    };
    // A bad start year or horizon is reported where it is written; a range built on it would
    // only mislead.
    if !(1900..=2200).contains(&start) || !(1..=1000).contains(&sim.horizon_years) {
        return None;
    }
    let last = start + sim.horizon_years - 1;
    let year = i64::from(date.year);
    if !(start..=last).contains(&year) {
        ck.report(
            path,
            format!(
                "found {at}, expected a date from {start:04}-01-01 to {last:04}-12-31 (1 January of [simulation] start_year to the last day of the horizon's last year)"
            ),
        );
        return None;
    }
    // The simulation's years have 365 days: 29 February counts as 28 February.
    let (month, mday) = (u32::from(date.month), u32::from(date.day));
    let within = (mday.min(if month == 2 { 28 } else { 31 })).max(1) - 1;
    let day_of_year = MONTH_START[(month.clamp(1, 12) - 1) as usize] + within;
    let day = (year - start) as f64 * DAYS_PER_YEAR + f64::from(day_of_year);
    Some(day as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_switched_label_joins_the_two_names() {
        for before in RegimeKind::ALL {
            for after in RegimeKind::ALL {
                let r = Regime::new(
                    before,
                    Some(Switch {
                        day: 0,
                        regime: after,
                    }),
                );
                let want = if before == after {
                    before.name().to_owned()
                } else {
                    format!("{}_then_{}", before.name(), after.name())
                };
                assert_eq!(r.name(), want);
            }
            assert_eq!(Regime::from(before).name(), before.name());
        }
    }

    #[test]
    fn the_switch_day_itself_falls_under_the_new_regime() {
        let switch = Switch {
            day: 342,
            regime: RegimeKind::JointAndSeveral,
        };
        let r = Regime::new(RegimeKind::Negligence, Some(switch));
        assert_eq!(r.for_placed(341.0), RegimeKind::Negligence);
        assert_eq!(r.for_placed(341.999), RegimeKind::Negligence);
        assert_eq!(r.for_placed(342.0), RegimeKind::JointAndSeveral);
        assert_eq!(r.for_placed(-400.0), RegimeKind::Negligence);
        assert_eq!(r.switch(), Some(switch));
        assert_eq!(Regime::from(RegimeKind::Strict).switch(), None);
        assert_eq!(std::mem::size_of::<Regime>(), 8);
    }

    #[test]
    fn a_day_reads_back_as_its_date() {
        assert_eq!(date_label(2026, 342), "2026-12-09");
        assert_eq!(date_label(2026, 0), "2026-01-01");
        assert_eq!(date_label(2025, 729), "2026-12-31");
        assert_eq!(date_label(2026, 730 + 58), "2028-02-28");
        assert_eq!(date_label(2026, 730 + 59), "2028-03-01");
        assert_eq!(date_label(2026, -1), "2025-12-31");
    }
}
