//! German number formatting and "nice" axis ticks.

/// Formats `x` the German way with exactly `decimals` decimals: `.` groups thousands, `,` separates
/// the decimals, e.g. `1234.5` → `"1.234,5"`.
///
/// Halves are rounded away from zero ("kaufmännisch", DIN 1333), as official statistics do:
/// `12.25` with one decimal is `"12,3"`. A value that rounds to zero is written without a sign (`-0.04` with one decimal is `"0,0"`, never
/// `"-0,0"`), so a table never shows a negative zero. Non-finite numbers are written as `"–"`.
///
/// ```
/// use render::format_de;
/// assert_eq!(format_de(1_044_555.0, 0), "1.044.555");
/// assert_eq!(format_de(-23.0, 0), "-23");
/// assert_eq!(format_de(-0.04, 1), "0,0");
/// ```
pub fn format_de(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let factor = 10f64.powi(decimals.min(15) as i32);
    let plain = format!("{:.*}", decimals, (x.abs() * factor).round() / factor);
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let is_zero = plain.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 1);
    if x < 0.0 && !is_zero {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// The number of decimals [`format_auto`] uses for `x`: none for whole numbers, one or two below
/// 10 in magnitude (two only when the second is not zero), one otherwise.
pub fn auto_decimals(x: f64) -> usize {
    if !x.is_finite() || is_whole(x, 0) {
        0
    } else if x.abs() < 10.0 {
        let hundredths = (x.abs() * 100.0).round() as i64;
        if hundredths % 10 == 0 { 1 } else { 2 }
    } else {
        1
    }
}

/// Formats `x` in German with [`auto_decimals`] decimals: `12.0` → `"12"`, `12.34` → `"12,3"`,
/// `1.25` → `"1,25"`, `1.2` → `"1,2"`.
pub fn format_auto(x: f64) -> String {
    format_de(x, auto_decimals(x))
}

/// The fewest decimals (at most 6) that write every value of `xs` exactly; used so that all labels
/// of one axis or legend share the same number of decimals.
pub fn common_decimals(xs: &[f64]) -> usize {
    (0..6).find(|&d| xs.iter().all(|&x| !x.is_finite() || is_whole(x, d))).unwrap_or(6)
}

/// Whether `x` has no non-zero digit after `decimals` decimals (up to floating-point noise).
fn is_whole(x: f64, decimals: usize) -> bool {
    let scaled = x * 10f64.powi(decimals as i32);
    (scaled - scaled.round()).abs() <= 1e-9 * scaled.abs().max(1.0)
}

/// Round axis ticks covering `[min, max]` with at most `max_intervals` intervals.
///
/// The step is 1, 2, 2.5 or 5 times a power of ten: the smallest such step that needs no more than
/// `max_intervals` intervals (at least one is always allowed). The first tick is at or below `min`,
/// the last at or above `max`; there are always at least two. Ticks are computed from integers, so
/// `0.1 + 0.2`-style noise does not appear. A single value gets an interval around it; non-finite
/// input, or a range too wide for `f64`, gives no ticks.
///
/// ```
/// use render::nice_ticks;
/// assert_eq!(nice_ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
/// ```
pub fn nice_ticks(min: f64, max: f64, max_intervals: usize) -> Vec<f64> {
    if !(max - min).is_finite() {
        return Vec::new();
    }
    let (mut lo, mut hi) = if min <= max { (min, max) } else { (max, min) };
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        (lo, hi) = (lo - pad, hi + pad);
        if min >= 0.0 && lo < 0.0 {
            lo = 0.0;
        }
    }
    let intervals = max_intervals.max(1);
    let raw = (hi - lo) / intervals as f64;
    let mut exp = raw.log10().floor() as i32 - 1;
    // The step is m · 10^exp with m ∈ {10, 20, 25, 50}: 1, 2, 2.5 or 5 times a power of ten.
    loop {
        for m in [10_i64, 20, 25, 50] {
            let value = |i: i64| scaled(i * m, exp);
            let step = value(1);
            let first = (lo / step + 1e-9).floor() as i64;
            let last = ((hi / step - 1e-9).ceil() as i64).max(first + 1);
            if (last - first) as usize <= intervals {
                return (first..=last).map(value).collect();
            }
        }
        exp += 1;
    }
}

/// `n · 10^exp`, correctly rounded for the exponents axes need.
fn scaled(n: i64, exp: i32) -> f64 {
    if exp >= 0 { n as f64 * 10f64.powi(exp) } else { n as f64 / 10f64.powi(-exp) }
}

#[cfg(test)]
mod tests;
