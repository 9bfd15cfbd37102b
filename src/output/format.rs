//! Numbers as a reader wants them in charts and the report: abbreviated money (1.2M, 350k),
//! shares, counts, and text made safe for HTML.

/// A statistic in money to the cent, as the CSV tables write it (a mean, a quantile, a
/// difference); a value that rounds to zero is `0.00`, never `-0.00`. Amounts in the books are
/// [`crate::money::Money`] and print exactly through their `Display`.
pub fn cents(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" { "0.00".to_owned() } else { s }
}

/// Money abbreviated to three significant digits: `1.23M`, `350k`, `12.5k`, `980`, `0`.
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let a = x.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (x / 1e12, "T")
    } else if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    format!("{}{suffix}", significant(scaled, 3))
}

/// `x` to `digits` significant digits, without trailing zeros: 1.50 → `1.5`, 350.0 → `350`.
pub fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

/// A count with thousands separators: 1234567 → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage: 0.1234 → `12.3 %`.
pub fn percent(x: f64) -> String {
    format!("{} %", significant(x * 100.0, 3))
}

/// A return period's label: 100 → `1-in-100`.
pub fn return_period(t: f64) -> String {
    format!("1-in-{}", significant(t, 6))
}

/// Text escaped for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_never_writes_a_negative_zero() {
        assert_eq!(cents(-0.004), "0.00");
        assert_eq!(cents(-0.0), "0.00");
        assert_eq!(cents(-0.005001), "-0.01");
        assert_eq!(cents(1234.567), "1234.57");
    }

    #[test]
    fn money_is_abbreviated_to_three_significant_digits() {
        for (x, want) in [
            (0.0, "0"),
            (0.5, "0.5"),
            (980.0, "980"),
            (1_000.0, "1k"),
            (12_499.0, "12.5k"),
            (350_000.0, "350k"),
            (1_234_567.0, "1.23M"),
            (1_500_000.0, "1.5M"),
            (42_000_000_000.0, "42B"),
            (-2_500_000.0, "-2.5M"),
        ] {
            assert_eq!(money(x), want, "{x}");
        }
    }

    #[test]
    fn counts_percent_and_html() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(100), "100");
        assert_eq!(percent(0.1234), "12.3 %");
        assert_eq!(return_period(250.0), "1-in-250");
        assert_eq!(html("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
