//! Rounding to a base (METHODS.md §5.5 d): sample-based results are published as multiples of 5
//! or 10, as the Zensus 2022 does with its sample results.
//!
//! Rounding is applied to published values after suppression; the attacker audit is computed on
//! the exact values, which is conservative: rounded values tell an attacker less.

/// A rounding base of 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the rounding base must be at least 1")]
pub struct RoundingError;

/// `value` rounded to the nearest multiple of `base`, halves away from zero (12.5 → 15 with
/// base 5, 25 → 30 with base 10).
pub fn round(value: f64, base: u64) -> Result<f64, RoundingError> {
    if base == 0 {
        return Err(RoundingError);
    }
    let base = base as f64;
    Ok((value / base).round() * base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_the_nearest_multiple_with_halves_up() {
        let r = |v, b| round(v, b).unwrap();
        assert_eq!(
            [r(12.0, 5), r(12.5, 5), r(13.0, 5), r(2.0, 5), r(25.0, 10), r(24.9, 10)],
            [10.0, 15.0, 15.0, 0.0, 30.0, 20.0]
        );
        assert_eq!(r(0.0, 10), 0.0);
        assert_eq!(round(7.0, 0), Err(RoundingError));
    }
}
