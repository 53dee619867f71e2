//! Reference periods of observations.

use std::fmt;
use std::str::FromStr;

/// The period an observation refers to.
///
/// Calendar years (`2012`) and school years (`2024/25`, which starts in August 2024) are kept apart:
/// they are different reference dates and must never be compared as if equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar year, usually with reference date 31 December.
    Year(i32),
    /// A school year named by the calendar year in which it starts.
    SchoolYear(i32),
}

impl Period {
    /// The calendar year in which the period starts; used to order and to pick area versions.
    pub fn start_year(self) -> i32 {
        match self {
            Period::Year(y) | Period::SchoolYear(y) => y,
        }
    }

    /// The period of the same kind `years` years earlier: the start of a window of change.
    pub fn years_before(self, years: i32) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - years),
            Period::SchoolYear(y) => Period::SchoolYear(y - years),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::SchoolYear(y) => write!(f, "{y}/{:02}", (y + 1).rem_euclid(100)),
        }
    }
}

/// A period that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid period {0:?}: expected a year such as 2012 or a school year such as 2024/25")]
pub struct PeriodError(String);

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, PeriodError> {
        let err = || PeriodError(s.to_owned());
        let t = s.trim();
        let year = |y: &str| -> Result<i32, PeriodError> {
            let y: i32 = y.parse().map_err(|_| err())?;
            if (1800..=2200).contains(&y) { Ok(y) } else { Err(err()) }
        };
        match t.split_once('/') {
            None => {
                // Spreadsheets often hand years over as "2012.0".
                let t = t.strip_suffix(".0").unwrap_or(t);
                Ok(Period::Year(year(t)?))
            }
            Some((a, b)) => {
                let start = year(a)?;
                let next = start + 1;
                let ok = match b.len() {
                    2 => b.parse::<i32>().ok() == Some(next.rem_euclid(100)),
                    4 => b.parse::<i32>().ok() == Some(next),
                    _ => false,
                };
                if ok { Ok(Period::SchoolYear(start)) } else { Err(err()) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_years_and_school_years() {
        assert_eq!("2012".parse::<Period>().unwrap(), Period::Year(2012));
        assert_eq!("2012.0".parse::<Period>().unwrap(), Period::Year(2012));
        assert_eq!("2024/25".parse::<Period>().unwrap(), Period::SchoolYear(2024));
        assert_eq!("1999/2000".parse::<Period>().unwrap(), Period::SchoolYear(1999));
        assert_eq!(Period::SchoolYear(2024).years_before(3), Period::SchoolYear(2021));
        assert_eq!(Period::Year(2018).years_before(2), Period::Year(2016));
        assert_eq!(Period::SchoolYear(1999).to_string(), "1999/00");
        assert_eq!(Period::SchoolYear(2024).to_string(), "2024/25");
    }

    #[test]
    fn rejects_inconsistent_school_years_and_nonsense() {
        for bad in ["2024/26", "24/25", "", "abc", "12345", "2024/2026"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
