//! Ways of showing a count on a map: as it is, as a share of a total, or per km².

/// How a value is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// The value as published.
    Absolute,
    /// Per cent of the area's total of the same variable (or of the variable it is a share of).
    ShareOfTotal,
    /// Per square kilometre of the area's surface.
    PerKm2,
}

impl Measure {
    /// URL code.
    pub fn code(self) -> &'static str {
        match self {
            Measure::Absolute => "abs",
            Measure::ShareOfTotal => "share",
            Measure::PerKm2 => "density",
        }
    }

    /// Inverse of [`Measure::code`].
    pub fn from_code(code: &str) -> Option<Measure> {
        [Measure::Absolute, Measure::ShareOfTotal, Measure::PerKm2].into_iter().find(|m| m.code() == code)
    }

    /// German label.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Absolute => "Anzahl",
            Measure::ShareOfTotal => "Anteil in %",
            Measure::PerKm2 => "je km²",
        }
    }
}

/// `part` as per cent of `total`; `None` when the total is not positive.
pub fn share_percent(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| 100.0 * part / total)
}

/// `count` per km² of `area_m2`; `None` for an area without surface.
pub fn per_km2(count: f64, area_m2: f64) -> Option<f64> {
    (area_m2 > 0.0).then(|| count / (area_m2 / 1_000_000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_densities() {
        assert_eq!(share_percent(25.0, 200.0), Some(12.5));
        assert_eq!(share_percent(1.0, 0.0), None);
        assert_eq!(per_km2(1_500.0, 3_000_000.0), Some(500.0));
        assert_eq!(per_km2(1.0, 0.0), None);
        assert_eq!(Measure::from_code("share"), Some(Measure::ShareOfTotal));
    }
}
