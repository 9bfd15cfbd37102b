//! Reads a run folder's money tables back as exact cents and checks, to the cent, the
//! identities the books keep: per (replication, year, regime) in `ylt.csv`, per claim in
//! `elt.csv` (its rows add up to the year loss table), and between the AALs of `summary.csv`.

use std::collections::BTreeMap;
use std::path::Path;

/// An amount written as `-?D+.DD`, in cents; anything else (`-0.00`, `1e5`, `inf`, one decimal)
/// is an error.
pub fn cents(text: &str) -> Result<i128, String> {
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let (units, frac) = body
        .split_once('.')
        .ok_or_else(|| format!("{text:?} is not an amount with two decimals"))?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(units) || frac.len() != 2 || !digits(frac) {
        return Err(format!("{text:?} is not an amount with two decimals"));
    }
    let v: i128 = units.parse::<i128>().map_err(|e| e.to_string())? * 100
        + frac.parse::<i128>().map_err(|e| e.to_string())?;
    if sign < 0 && v == 0 {
        return Err(format!("{text:?}: a negative zero"));
    }
    Ok(sign * v)
}

fn rows(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut r = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = r
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(rec.iter().map(str::to_owned).collect());
    }
    Ok((header, out))
}

fn col(header: &[String], name: &str) -> Result<usize, String> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| format!("no column {name}"))
}

/// (party, perspective) → cents of one (replication, year, regime) or of one regime's AALs.
type Cells = BTreeMap<(String, String), i128>;

/// The identities of one set of cells: ground-up = paid + uncompensated; Σ gross = Σ net =
/// paid + recall + fines; Σ insurer = Σ (net − retained); 0 ≤ retained ≤ net.
fn identities(cells: &Cells, what: &str) -> Result<(), String> {
    let at = |p: &str| {
        cells
            .get(&("total".to_owned(), p.to_owned()))
            .copied()
            .unwrap_or(0)
    };
    let sum = |p: &str| -> i128 {
        cells
            .iter()
            .filter(|((party, q), _)| party != "total" && q == p)
            .map(|(_, v)| v)
            .sum()
    };
    let (gu, paid, unc) = (at("ground_up"), at("paid"), at("uncompensated"));
    if gu != paid + unc {
        return Err(format!(
            "{what}: ground-up {gu} ≠ paid {paid} + uncompensated {unc} (cents)"
        ));
    }
    let spent = paid + at("recall") + at("fines");
    for p in ["gross", "net"] {
        if sum(p) != spent {
            return Err(format!("{what}: Σ {p} {} ≠ {spent} (cents)", sum(p)));
        }
    }
    if sum("insurer") != sum("net") - sum("retained") {
        return Err(format!(
            "{what}: Σ insurer {} ≠ Σ net − retained {} (cents)",
            sum("insurer"),
            sum("net") - sum("retained")
        ));
    }
    Ok(())
}

/// Checks every money identity of the folder's `ylt.csv`, `elt.csv` (when present) and
/// `summary.csv` exactly; returns the number of year rows checked.
pub fn check_folder(dir: &Path) -> Result<usize, String> {
    let ylt = dir.join("ylt.csv");
    let (h, rows) = rows(&ylt)?;
    let [rep, year, regime, party, persp, loss, largest] = [
        "replication",
        "year",
        "regime",
        "party",
        "perspective",
        "loss",
        "largest",
    ]
    .map(|n| col(&h, n));
    let (rep, year, regime, party, persp, loss, largest) =
        (rep?, year?, regime?, party?, persp?, loss?, largest?);
    let mut years: BTreeMap<(String, String, String), Cells> = BTreeMap::new();
    let mut series: BTreeMap<(String, String, String), i128> = BTreeMap::new();
    let mut largests: BTreeMap<Key, i128> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let at = |c: usize| cents(&r[c]).map_err(|e| format!("ylt.csv row {}: {e}", i + 2));
        let (l, m) = (at(loss)?, at(largest)?);
        if l < 0 || m < 0 || m > l {
            return Err(format!("ylt.csv row {}: loss {l}, largest {m}", i + 2));
        }
        years
            .entry((r[rep].clone(), r[year].clone(), r[regime].clone()))
            .or_default()
            .insert((r[party].clone(), r[persp].clone()), l);
        *series
            .entry((r[regime].clone(), r[party].clone(), r[persp].clone()))
            .or_default() += l;
        let key = [rep, year, regime, party, persp].map(|c| r[c].clone());
        largests.insert(key.into(), m);
    }
    for ((r, y, g), cells) in &years {
        identities(cells, &format!("ylt.csv replication {r} year {y} {g}"))?;
    }
    check_elt(dir, &years, &largests)?;
    let n_years = years
        .keys()
        .map(|(r, y, _)| (r.clone(), y.clone()))
        .collect::<std::collections::BTreeSet<_>>()
        .len() as i128;
    check_summary(dir, &series, n_years)?;
    Ok(years.len())
}

/// A year loss table cell: replication, year, regime, party, perspective.
type Key = (String, String, String, String, String);

/// The event loss table, when kept, adds up to the year loss table cell by cell, and each
/// cell's `largest` is its largest occurrence: the largest sum of the cell's rows of one
/// `event` (a systemic event's claims together, an independent claim alone).
fn check_elt(
    dir: &Path,
    years: &BTreeMap<(String, String, String), Cells>,
    largests: &BTreeMap<Key, i128>,
) -> Result<(), String> {
    let elt = dir.join("elt.csv");
    if !elt.exists() {
        return Ok(());
    }
    let (h, rows) = rows(&elt)?;
    let c = |n| col(&h, n);
    let (rep, event, year, regime, party, persp, amount) = (
        c("replication")?,
        c("event")?,
        c("year")?,
        c("regime")?,
        c("party")?,
        c("perspective")?,
        c("amount")?,
    );
    let mut sums: BTreeMap<Key, i128> = BTreeMap::new();
    let mut occurrences: BTreeMap<(Key, String), i128> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        let a = cents(&r[amount]).map_err(|e| format!("elt.csv row {}: {e}", i + 2))?;
        let key = [rep, year, regime, party, persp].map(|c| r[c].clone());
        *occurrences
            .entry((key.into(), r[event].clone()))
            .or_default() += a;
        *sums
            .entry((
                r[rep].clone(),
                r[year].clone(),
                r[regime].clone(),
                r[party].clone(),
                r[persp].clone(),
            ))
            .or_default() += a;
    }
    for ((r, y, g), cells) in years {
        for ((p, q), &v) in cells {
            let key = (r.clone(), y.clone(), g.clone(), p.clone(), q.clone());
            let e = sums.get(&key).copied().unwrap_or(0);
            if e != v {
                return Err(format!("elt.csv sums to {e} for {key:?}, ylt.csv has {v}"));
            }
        }
    }
    let mut largest: BTreeMap<&Key, i128> = BTreeMap::new();
    for ((key, _), &sum) in &occurrences {
        let m = largest.entry(key).or_default();
        *m = (*m).max(sum);
    }
    for (key, &m) in largests {
        let e = largest.get(key).copied().unwrap_or(0);
        if e != m {
            return Err(format!(
                "elt.csv's largest occurrence is {e} for {key:?}, ylt.csv's largest {m}"
            ));
        }
    }
    Ok(())
}

/// The summary's AALs keep the identities exactly, and each is within two cents of the mean
/// of its year loss table column.
fn check_summary(
    dir: &Path,
    series: &BTreeMap<(String, String, String), i128>,
    n_years: i128,
) -> Result<(), String> {
    let summary = dir.join("summary.csv");
    let (_, rows) = rows(&summary)?;
    let mut aal: BTreeMap<String, Cells> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r[4] == "-0.00" {
            return Err(format!("summary.csv row {}: {}", i + 2, r[4]));
        }
        if r[3] != "aal" {
            continue;
        }
        let v = cents(&r[4]).map_err(|e| format!("summary.csv row {}: {e}", i + 2))?;
        if v < 0 {
            return Err(format!(
                "summary.csv row {}: a negative AAL {}",
                i + 2,
                r[4]
            ));
        }
        // In whole cents, not f64: beyond 2^53 cents an f64 cannot hold the mean to the cent.
        let sum = series[&(r[0].clone(), r[1].clone(), r[2].clone())];
        if (v * n_years - sum).abs() > 2 * n_years {
            let exact = sum / n_years;
            return Err(format!(
                "summary.csv row {}: AAL {v} cents, mean of ylt.csv {exact}",
                i + 2
            ));
        }
        aal.entry(r[0].clone())
            .or_default()
            .insert((r[1].clone(), r[2].clone()), v);
    }
    for (regime, cells) in &aal {
        identities(cells, &format!("summary.csv AALs under {regime}"))?;
    }
    Ok(())
}
