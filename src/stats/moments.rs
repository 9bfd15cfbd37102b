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
