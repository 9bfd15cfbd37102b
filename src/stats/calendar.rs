//! Figures by calendar year: each year's exposure (devices in service, device-years), each
//! series' mean loss with its standard error, and the loss and incidents per 1,000 device-years,
//! which compare across fleets and horizons; and the same over the pooled years (those after
//! the warm-up). Replications are the independent unit: every standard error is taken across
//! them, the rates' by the delta method for a ratio of means.

use std::ops::Range;

use crate::outcome::{Layout, ReplicationResult};

use super::moments::mean_sd_se;

/// One series in one year (or over the pooled years).
#[derive(Debug, Clone, PartialEq)]
pub struct YearRow {
    /// Year of the horizon from 0; `None`: the pooled years.
    pub year: Option<usize>,
    /// The series' column in the layout.
    pub series: usize,
    /// Mean devices in service at the year's end (at the last pooled year's end when pooled).
    pub in_service: f64,
    /// Mean device-years per replication.
    pub device_years: f64,
    /// Mean loss per replication, and its standard error.
    pub loss: f64,
    pub loss_se: f64,
    /// Loss per 1,000 device-years (ratio of the means), and its standard error.
    pub loss_rate: f64,
    pub loss_rate_se: f64,
    /// Incidents per 1,000 device-years: every incident for the total, those a party caused
    /// for a party's series.
    pub incident_rate: f64,
}

/// A ratio of means `Σx / Σe` over replications, times 1,000, with its delta-method standard
/// error: √(Σ(xᵢ − R·eᵢ)² / (n(n − 1))) / ē.
pub fn rate_per_1000(x: &[f64], e: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (sx, se): (f64, f64) = (x.iter().sum(), e.iter().sum());
    if se <= 0.0 {
        return (0.0, 0.0);
    }
    let r = sx / se;
    let sd = if x.len() > 1 {
        let ss: f64 = x.iter().zip(e).map(|(x, e)| (x - r * e).powi(2)).sum();
        (ss / (n * (n - 1.0))).sqrt() / (se / n)
    } else {
        0.0
    };
    (1000.0 * r, 1000.0 * sd)
}

/// Every series by year, then over `pooled`.
pub fn by_year(
    layout: &Layout,
    results: &[ReplicationResult],
    pooled: &Range<usize>,
) -> Vec<YearRow> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    let horizon = first.exposure.device_years.len();
    let spans = (0..horizon)
        .map(|y| (Some(y), y..y + 1))
        .chain([(None, pooled.clone())]);
    let mut rows = Vec::new();
    for (year, span) in spans {
        let exposure: Vec<f64> = results
            .iter()
            .map(|r| r.exposure.device_years[span.clone()].iter().sum())
            .collect();
        let last = span.end.saturating_sub(1).min(horizon.saturating_sub(1));
        let in_service = results
            .iter()
            .map(|r| r.exposure.in_service.get(last).copied().unwrap_or(0) as f64)
            .sum::<f64>()
            / results.len() as f64;
        for (c, s) in layout.series.iter().enumerate() {
            let cols = layout.len();
            let loss: Vec<f64> = results
                .iter()
                .map(|r| {
                    span.clone()
                        .map(|y| r.year_loss[y * cols + c].to_f64())
                        .sum()
                })
                .collect();
            let incidents: Vec<f64> = results
                .iter()
                .map(|r| {
                    let t = &r.tally;
                    span.clone()
                        .map(|y| match s.party {
                            Some(p) => t.in_year(y, Some(p)),
                            None => (0..=t.parties()).map(|p| t.in_year_slot(y, p)).sum(),
                        })
                        .sum::<u64>() as f64
                })
                .collect();
            let (mean, _, se) = mean_sd_se(&loss);
            let (loss_rate, loss_rate_se) = rate_per_1000(&loss, &exposure);
            rows.push(YearRow {
                year,
                series: c,
                in_service,
                device_years: exposure.iter().sum::<f64>() / results.len() as f64,
                loss: mean,
                loss_se: se,
                loss_rate,
                loss_rate_se,
                incident_rate: rate_per_1000(&incidents, &exposure).0,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_is_a_ratio_of_means_with_a_delta_method_error() {
        // Losses 10, 30, 20 on 100, 200, 100 device-years: R = 60/400 = 0.15 → 150 per 1,000.
        // Residuals 10 − 15 = −5, 30 − 30 = 0, 20 − 15 = 5: Σ² = 50; √(50/6)/(400/3) × 1,000.
        let (r, se) = rate_per_1000(&[10.0, 30.0, 20.0], &[100.0, 200.0, 100.0]);
        assert!((r - 150.0).abs() < 1e-12);
        let want = (50.0f64 / 6.0).sqrt() / (400.0 / 3.0) * 1000.0;
        assert!((se - want).abs() < 1e-12, "{se} vs {want}");
        assert_eq!(rate_per_1000(&[1.0], &[0.0]), (0.0, 0.0));
    }
}
