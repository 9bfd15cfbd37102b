//! The moments of a sample: mean, standard deviation and the standard error of the mean.

/// Mean, sample standard deviation (N − 1) and standard error of the mean.
pub fn mean_sd_se(values: &[f64]) -> (f64, f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0, 0.0);
    }
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt(), var.sqrt() / n.sqrt())
}

/// The mean of yearly values and its standard error across replications, the independent unit:
/// `values` hold `per_rep` consecutive years of each replication, and the standard error is
/// that of the replications' own means. A replication's years are neither independent (a
/// device keeps its drift rate, a flaw stays open) nor alike (a cohort ages), so the spread of
/// the years themselves would misstate it. With one year per replication the two agree.
pub fn mean_se_by_replication(values: &[f64], per_rep: usize) -> (f64, f64) {
    let per_rep = per_rep.max(1);
    let means: Vec<f64> = values
        .chunks(per_rep)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect();
    let (mean, _, se) = mean_sd_se(&means);
    (mean, se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_error_is_that_of_the_replication_means() {
        // Two replications of two years: means 1.5 and 3.5, SE = sd(1.5, 3.5)/√2 = 1.
        let (mean, se) = mean_se_by_replication(&[1.0, 2.0, 3.0, 4.0], 2);
        assert_eq!(mean, 2.5);
        assert!((se - 1.0).abs() < 1e-12);
        // One year per replication: the usual standard error of the mean.
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(mean_se_by_replication(&x, 1).1, mean_sd_se(&x).2);
    }
}
