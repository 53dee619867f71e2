//! Variables, observations and their values.

use std::fmt;

use crate::{AreaKey, Period, key_type};

key_type!(
    /// The key of a variable within a Kommune, such as `einwohner`.
    VariableKey
);

/// What kind of quantity a variable measures; decides which values are admissible and how they
/// may be combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A number of persons or things: never negative; may be summed.
    Count,
    /// A signed balance of counts, such as Wanderungssaldo: may be negative; may be summed.
    Balance,
    /// A percentage in [0, 100]; never summed.
    Percent,
    /// Any other measured quantity with its unit (e.g. "EUR", "m²", "Personen je Haushalt").
    Measure(String),
}

impl Unit {
    /// Short text used in files and the store: `count`, `balance`, `percent` or the measure's unit.
    pub fn code(&self) -> &str {
        match self {
            Unit::Count => "count",
            Unit::Balance => "balance",
            Unit::Percent => "percent",
            Unit::Measure(u) => u,
        }
    }

    /// Inverse of [`Unit::code`]; anything unknown is a measure.
    pub fn from_code(code: &str) -> Unit {
        match code {
            "count" => Unit::Count,
            "balance" => Unit::Balance,
            "percent" | "%" => Unit::Percent,
            other => Unit::Measure(other.to_owned()),
        }
    }

    /// Reads a unit written by a person: `count`, `balance`, `percent` (or `%`), or the unit of a
    /// measure such as `EUR` or `m²`. A code that looks like a misspelt keyword (`Count`,
    /// `Prozent`, `Anzahl`, `Saldo`) is refused rather than taken for a measure, because a measure
    /// admits any number and the typo would disable the checks for counts and shares.
    pub fn parse(code: &str) -> Result<Unit, UnitError> {
        let trimmed = code.trim();
        let folded = trimmed.to_lowercase();
        let meant = match folded.as_str() {
            "count" | "anzahl" => Some("count"),
            "balance" | "saldo" => Some("balance"),
            "percent" | "prozent" | "anteil" => Some("percent"),
            _ => None,
        };
        match meant {
            Some(keyword) if trimmed != keyword => Err(UnitError { code: code.to_owned(), meant: keyword }),
            _ if trimmed.is_empty() => Err(UnitError { code: code.to_owned(), meant: "count" }),
            _ => Ok(Unit::from_code(trimmed)),
        }
    }

    /// Whether values of this unit may be added across areas or categories.
    pub fn is_additive(&self) -> bool {
        matches!(self, Unit::Count | Unit::Balance)
    }

    /// Checks that `x` is admissible for this unit.
    pub fn admits(&self, x: f64) -> Result<(), ValueError> {
        if !x.is_finite() {
            return Err(ValueError::NotFinite);
        }
        match self {
            Unit::Count if x < 0.0 => Err(ValueError::NegativeCount(x)),
            Unit::Percent if !(0.0..=100.0).contains(&x) => Err(ValueError::ShareOutOfRange(x)),
            _ => Ok(()),
        }
    }
}

/// A unit code that is probably a misspelt keyword.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown unit {code:?}: did you mean {meant:?}? (units are count, balance, percent or the unit of a measure such as EUR)"
)]
pub struct UnitError {
    code: String,
    meant: &'static str,
}

/// A number that its variable's unit does not admit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A count below zero.
    #[error("negative count {0}")]
    NegativeCount(f64),
    /// A percentage outside [0, 100].
    #[error("share {0} % outside [0, 100] %")]
    ShareOutOfRange(f64),
    /// NaN or infinite.
    #[error("value is not a finite number")]
    NotFinite,
}

/// A statistical variable: what is counted or measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Key within the Kommune.
    pub key: VariableKey,
    /// Display label, e.g. "Einwohner".
    pub label: String,
    /// Unit of the values.
    pub unit: Unit,
    /// The variable of which this one is a part, for shares (e.g. "Unter 18-Jährige" of
    /// "Bevölkerung"); breakdown categories are shares of their variable's total anyway.
    pub share_of: Option<VariableKey>,
}

/// The German official-statistics symbols that stand in a table cell instead of a number
/// (Zeichenerklärung of Destatis). They are kept as flags and never turned into numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// `-`: nothing there (genau null).
    Nothing,
    /// `.`: number unknown or to be kept secret.
    UnknownOrSecret,
    /// `x`: cell blocked because a value would not make sense.
    NotApplicable,
    /// `/`: no value because it is not reliable enough.
    Unreliable,
    /// `…`: value will be available later.
    Later,
}

impl Symbol {
    /// The symbol as printed in tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Symbol::Nothing => "-",
            Symbol::UnknownOrSecret => ".",
            Symbol::NotApplicable => "x",
            Symbol::Unreliable => "/",
            Symbol::Later => "…",
        }
    }

    /// Reads a symbol from a trimmed cell; `...` is accepted for `…`.
    pub fn parse(cell: &str) -> Option<Symbol> {
        Some(match cell {
            "-" | "–" => Symbol::Nothing,
            "." => Symbol::UnknownOrSecret,
            "x" | "X" => Symbol::NotApplicable,
            "/" => Symbol::Unreliable,
            "…" | "..." => Symbol::Later,
            _ => return None,
        })
    }

    /// German explanation for legends and tooltips.
    pub fn meaning(self) -> &'static str {
        match self {
            Symbol::Nothing => "nichts vorhanden",
            Symbol::UnknownOrSecret => "unbekannt oder geheim zu halten",
            Symbol::NotApplicable => "Aussage nicht sinnvoll",
            Symbol::Unreliable => "Zahlenwert nicht sicher genug",
            Symbol::Later => "Angabe fällt später an",
        }
    }
}

/// The content of one cell: a number or an official symbol.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number admissible for the variable's unit.
    Number(f64),
    /// A symbol standing in for a number.
    Symbol(Symbol),
}

impl Value {
    /// The number, if there is one.
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(x),
            Value::Symbol(_) => None,
        }
    }
}

/// A disaggregation of a variable: a sorted list of (dimension, category) pairs; empty for the
/// total. Its canonical text form is `dimension=category;…`, e.g. `alter=06 - < 10`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Breakdown(Vec<(String, String)>);

/// A breakdown that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid breakdown {0:?}: expected dimension=category pairs separated by ';'")]
pub struct BreakdownError(String);

impl Breakdown {
    /// The total (no breakdown).
    pub const TOTAL: Breakdown = Breakdown(Vec::new());

    /// Builds a breakdown from pairs; dimensions are sorted so that equal breakdowns compare equal.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self, BreakdownError> {
        let mut pairs: Vec<(String, String)> =
            pairs.into_iter().map(|(d, c)| (d.trim().to_owned(), c.trim().to_owned())).collect();
        pairs.sort();
        let bad =
            pairs.iter().any(|(d, c)| d.is_empty() || c.is_empty() || d.contains(['=', ';']) || c.contains(['=', ';']))
                || pairs.windows(2).any(|w| w[0].0 == w[1].0);
        if bad {
            let text = pairs.iter().map(|(d, c)| format!("{d}={c}")).collect::<Vec<_>>().join(";");
            return Err(BreakdownError(text));
        }
        Ok(Breakdown(pairs))
    }

    /// Parses the canonical text form; the empty string is the total.
    pub fn parse(text: &str) -> Result<Self, BreakdownError> {
        if text.trim().is_empty() {
            return Ok(Breakdown::TOTAL);
        }
        let pairs = text
            .split(';')
            .map(|p| p.split_once('=').map(|(d, c)| (d.to_owned(), c.to_owned())))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| BreakdownError(text.to_owned()))?;
        Breakdown::new(pairs)
    }

    /// Whether this is the total.
    pub fn is_total(&self) -> bool {
        self.0.is_empty()
    }

    /// The (dimension, category) pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

impl fmt::Display for Breakdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (d, c)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{d}={c}")?;
        }
        Ok(())
    }
}

/// One cell of the long table: variable × area × period × breakdown → value.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// What is measured.
    pub variable: VariableKey,
    /// Where.
    pub area: AreaKey,
    /// When.
    pub period: Period,
    /// Which part.
    pub breakdown: Breakdown,
    /// The value.
    pub value: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_admit_only_sensible_values() {
        assert_eq!(Unit::Count.admits(-1.0), Err(ValueError::NegativeCount(-1.0)));
        assert!(Unit::Count.admits(0.0).is_ok());
        assert!(Unit::Balance.admits(-23.0).is_ok());
        assert_eq!(Unit::Percent.admits(100.5), Err(ValueError::ShareOutOfRange(100.5)));
        assert!(Unit::Percent.admits(100.0).is_ok());
        assert_eq!(Unit::Measure("EUR".into()).admits(f64::NAN), Err(ValueError::NotFinite));
    }

    #[test]
    fn units_written_by_people_are_read_strictly() {
        assert_eq!(Unit::parse("count"), Ok(Unit::Count));
        assert_eq!(Unit::parse("%"), Ok(Unit::Percent));
        assert_eq!(Unit::parse("EUR/m²"), Ok(Unit::Measure("EUR/m²".into())));
        assert_eq!(
            Unit::parse("Count").unwrap_err().to_string(),
            "unknown unit \"Count\": did you mean \"count\"? (units are count, balance, percent or the unit of a measure such as EUR)"
        );
        assert!(Unit::parse("Prozent").is_err());
        assert!(Unit::parse("anzahl").is_err());
        assert!(Unit::parse(" ").is_err());
    }

    #[test]
    fn destatis_symbols_round_trip() {
        for s in ["-", ".", "x", "/", "…"] {
            assert_eq!(Symbol::parse(s).unwrap().as_str(), s);
        }
        assert_eq!(Symbol::parse("..."), Some(Symbol::Later));
        assert_eq!(Symbol::parse("0"), None);
    }

    #[test]
    fn breakdowns_are_canonical() {
        let a = Breakdown::parse("sex=w;alter=0-3").unwrap();
        assert_eq!(a.to_string(), "alter=0-3;sex=w");
        assert_eq!(Breakdown::parse("").unwrap(), Breakdown::TOTAL);
        assert!(Breakdown::parse("alter").is_err());
        assert!(Breakdown::parse("a=1;a=2").is_err());
    }
}
