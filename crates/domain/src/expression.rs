//! The small language in which indicator numerators and denominators are written.
//!
//! An expression is a sum of terms:
//!
//! - a number: `1000`;
//! - a series: a variable with an optional breakdown, `einwohner` or
//!   `einwohner[geschlecht=Weiblich]`; a selector `alter=6..10` takes the age range from 6 to
//!   under 10 and sums whatever age bands of the data make up exactly that range (so the same
//!   definition works for any city's banding, or says why it cannot), `alter=65..` is open upwards;
//! - institutions located in the area: `einrichtungen` counts them, `einrichtungen(art=Grundschule)`
//!   counts those of one kind, `einrichtungen.Schülerzahl(art=Gymnasium)` sums a numeric attribute.
//!
//! Terms are joined with `+` and `-`.
//!
//! ```
//! use domain::expression::Expr;
//! let e: Expr = "einwohner[alter=0..18] - einwohner[alter=0..6]".parse().unwrap();
//! assert_eq!(e.to_string(), "einwohner[alter=0..18] - einwohner[alter=0..6]");
//! assert!("einwohner[alter=".parse::<Expr>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use crate::{Breakdown, Symbol, Value, VariableKey};

/// A parsed expression: signed terms to be added.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    terms: Vec<(Sign, Term)>,
}

/// Whether a term is added or subtracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// `+`
    Plus,
    /// `-`
    Minus,
}

/// One term of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A constant.
    Number(f64),
    /// A variable, optionally broken down.
    Series {
        /// The variable.
        variable: VariableKey,
        /// Its breakdown selectors.
        selectors: Vec<Selector>,
    },
    /// Institutions located in the area.
    Institutions {
        /// `None` counts them; `Some(attribute)` sums that numeric attribute.
        attribute: Option<String>,
        /// `art=…` selects by kind, any other name by an attribute's value.
        filters: Vec<(String, String)>,
    },
}

/// A condition on one breakdown dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// One category, e.g. `geschlecht=Weiblich`.
    Category {
        /// Dimension.
        dimension: String,
        /// Category label as in the data.
        category: String,
    },
    /// An age range in years, from `from` to under `to` (`None`: open upwards).
    Range {
        /// Dimension, usually `alter`.
        dimension: String,
        /// Lower limit, inclusive.
        from: u32,
        /// Upper limit, exclusive.
        to: Option<u32>,
    },
}

/// An expression that could not be read; `at` is the character position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {at}: {message}")]
pub struct ParseError {
    /// 1-based character position of the problem.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn new(text: &str) -> Self {
        Parser { chars: text.chars().collect(), pos: 0 }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { at: self.pos + 1, message: message.into() })
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        if self.eat(c) { Ok(()) } else { self.error(format!("expected {c:?}")) }
    }

    /// Letters (including umlauts), digits and `_`.
    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    /// Raw text up to (not including) one of `stops`, trimmed.
    fn until(&mut self, stops: &[char]) -> String {
        let start = self.pos;
        while self.peek().is_some_and(|c| !stops.contains(&c)) {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect::<String>().trim().to_owned()
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut terms = Vec::new();
        self.skip_space();
        let mut sign = if self.eat('-') { Sign::Minus } else { Sign::Plus };
        loop {
            self.skip_space();
            terms.push((sign, self.term()?));
            self.skip_space();
            sign = match self.peek() {
                None => break,
                Some('+') => Sign::Plus,
                Some('-') => Sign::Minus,
                Some(c) => return self.error(format!("expected + or - but found {c:?}")),
            };
            self.pos += 1;
        }
        Ok(Expr { terms })
    }

    fn term(&mut self) -> Result<Term, ParseError> {
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let text = self.until(&['+', '-', ' ']);
            return match text.parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(Term::Number(x)),
                _ => self.error(format!("invalid number {text:?}")),
            };
        }
        let start = self.pos;
        let name = self.word();
        if name.is_empty() {
            return self.error("expected a number, a variable or einrichtungen");
        }
        if name == "einrichtungen" {
            let attribute = if self.eat('.') {
                let a = self.until(&['(', '+', '-']);
                if a.is_empty() {
                    return self.error("expected an attribute name after einrichtungen.");
                }
                Some(a)
            } else {
                None
            };
            let mut filters = Vec::new();
            if self.eat('(') {
                loop {
                    let key = self.until(&['=', ')']);
                    self.expect('=')?;
                    let value = self.until(&[';', ')']);
                    if key.is_empty() || value.is_empty() {
                        return self.error("expected name=value");
                    }
                    filters.push((key, value));
                    if !self.eat(';') {
                        break;
                    }
                }
                self.expect(')')?;
            }
            return Ok(Term::Institutions { attribute, filters });
        }
        let variable = VariableKey::new(name).map_err(|e| ParseError { at: start + 1, message: e.to_string() })?;
        let mut selectors = Vec::new();
        if self.eat('[') {
            loop {
                let dimension = self.until(&['=', ']']);
                self.expect('=')?;
                self.skip_space();
                let value_at = self.pos + 1;
                let value = self.until(&[';', ']']);
                if dimension.is_empty() || value.is_empty() {
                    return self.error("expected dimension=category");
                }
                selectors.push(selector(dimension, value).map_err(|message| ParseError { at: value_at, message })?);
                if !self.eat(';') {
                    break;
                }
            }
            self.expect(']')?;
        }
        Ok(Term::Series { variable, selectors })
    }
}

fn selector(dimension: String, value: String) -> Result<Selector, String> {
    let Some((from, to)) = value.split_once("..") else {
        return Ok(Selector::Category { dimension, category: value });
    };
    let from: u32 = from.trim().parse().map_err(|_| format!("invalid range start {from:?}"))?;
    let to = match to.trim() {
        "" => None,
        t => Some(t.parse::<u32>().map_err(|_| format!("invalid range end {t:?}"))?),
    };
    if to.is_some_and(|t| t <= from) {
        return Err(format!("empty range {value:?}"));
    }
    Ok(Selector::Range { dimension, from, to })
}

impl FromStr for Expr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Expr, ParseError> {
        Parser::new(s).expr()
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (sign, term)) in self.terms.iter().enumerate() {
            match (i, sign) {
                (0, Sign::Plus) => {}
                (0, Sign::Minus) => f.write_str("-")?,
                (_, Sign::Plus) => f.write_str(" + ")?,
                (_, Sign::Minus) => f.write_str(" - ")?,
            }
            write!(f, "{term}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Number(x) => write!(f, "{x}"),
            Term::Series { variable, selectors } => {
                write!(f, "{variable}")?;
                if !selectors.is_empty() {
                    let parts: Vec<String> = selectors
                        .iter()
                        .map(|s| match s {
                            Selector::Category { dimension, category } => format!("{dimension}={category}"),
                            Selector::Range { dimension, from, to: Some(to) } => format!("{dimension}={from}..{to}"),
                            Selector::Range { dimension, from, to: None } => format!("{dimension}={from}.."),
                        })
                        .collect();
                    write!(f, "[{}]", parts.join(";"))?;
                }
                Ok(())
            }
            Term::Institutions { attribute, filters } => {
                f.write_str("einrichtungen")?;
                if let Some(a) = attribute {
                    write!(f, ".{a}")?;
                }
                if !filters.is_empty() {
                    let parts: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    write!(f, "({})", parts.join(";"))?;
                }
                Ok(())
            }
        }
    }
}

/// An age band read from a category label: `00 - < 03`, `3 bis unter 6`, `unter 3`,
/// `75 und älter`, `65 und mehr`, `65+`.
pub fn age_band(label: &str) -> Option<(u32, Option<u32>)> {
    let t = label.trim();
    let num = |s: &str| s.trim().parse::<u32>().ok();
    if let Some(rest) = t.strip_prefix("unter ") {
        return Some((0, Some(num(rest)?)));
    }
    for open in [" und älter", " und mehr", "+", " Jahre und älter"] {
        if let Some(from) = t.strip_suffix(open) {
            return Some((num(from)?, None));
        }
    }
    for sep in [" bis unter ", "-<", "- <", " - < ", "bis unter"] {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (num(a)?, num(b.trim_start_matches('<'))?);
            return (b > a).then_some((a, Some(b)));
        }
    }
    None
}

/// The data an expression is evaluated on: one area and period.
pub trait Cells {
    /// The stored value of a variable with this exact breakdown.
    fn value(&self, variable: &VariableKey, breakdown: &Breakdown) -> Option<Value>;
    /// The categories of `dimension` that the data have for `variable` (other dimensions as in
    /// `fixed`).
    fn categories(&self, variable: &VariableKey, dimension: &str) -> Vec<String>;
    /// The number of institutions (or the sum of a numeric attribute) matching the filters.
    fn institutions(&self, attribute: Option<&str>, filters: &[(String, String)]) -> f64;
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Gap {
    /// A series has no value for the area and period.
    #[error("keine Daten für {0}")]
    NoData(String),
    /// A series holds an official symbol instead of a number.
    #[error("{series}: {symbol}", symbol = .symbol.meaning())]
    Symbol {
        /// The series.
        series: String,
        /// The symbol.
        symbol: Symbol,
    },
    /// The data's age bands do not add up to the asked range.
    #[error("die Altersgruppen der Daten ergeben nicht genau {0}")]
    RangeNotCovered(String),
}

impl Expr {
    /// The terms.
    pub fn terms(&self) -> &[(Sign, Term)] {
        &self.terms
    }

    /// The variables the expression reads.
    pub fn variables(&self) -> Vec<&VariableKey> {
        self.terms
            .iter()
            .filter_map(|(_, t)| match t {
                Term::Series { variable, .. } => Some(variable),
                _ => None,
            })
            .collect()
    }

    /// Whether the expression counts or sums institutions.
    pub fn uses_institutions(&self) -> bool {
        self.terms.iter().any(|(_, t)| matches!(t, Term::Institutions { .. }))
    }

    /// The value on `cells`, or why there is none.
    pub fn evaluate(&self, cells: &dyn Cells) -> Result<f64, Gap> {
        let mut total = 0.0;
        for (sign, term) in &self.terms {
            let x = match term {
                Term::Number(x) => *x,
                Term::Institutions { attribute, filters } => cells.institutions(attribute.as_deref(), filters),
                Term::Series { variable, selectors } => series_value(cells, variable, selectors, &term.to_string())?,
            };
            total += match sign {
                Sign::Plus => x,
                Sign::Minus => -x,
            };
        }
        Ok(total)
    }
}

fn series_value(cells: &dyn Cells, variable: &VariableKey, selectors: &[Selector], name: &str) -> Result<f64, Gap> {
    let mut fixed: Vec<(String, String)> = Vec::new();
    let mut range: Option<(&str, u32, Option<u32>)> = None;
    for s in selectors {
        match s {
            Selector::Category { dimension, category } => fixed.push((dimension.clone(), category.clone())),
            Selector::Range { dimension, from, to } => range = Some((dimension, *from, *to)),
        }
    }
    let read = |pairs: Vec<(String, String)>| -> Result<f64, Gap> {
        let breakdown = Breakdown::new(pairs).map_err(|_| Gap::NoData(name.to_owned()))?;
        match cells.value(variable, &breakdown) {
            None => Err(Gap::NoData(name.to_owned())),
            Some(Value::Symbol(symbol)) => Err(Gap::Symbol { series: name.to_owned(), symbol }),
            Some(Value::Number(x)) => Ok(x),
        }
    };
    let Some((dimension, from, to)) = range else { return read(fixed) };
    // Pick the bands inside the range and check that they tile it without gaps.
    let mut bands: Vec<(u32, Option<u32>, String)> = cells
        .categories(variable, dimension)
        .into_iter()
        .filter_map(|c| age_band(&c).map(|(a, b)| (a, b, c)))
        .filter(|(a, b, _)| *a >= from && (to.is_none() || b.is_some_and(|b| Some(b) <= to)))
        .collect();
    bands.sort_by_key(|(a, _, _)| *a);
    let mut reached = Some(from);
    for (a, b, _) in &bands {
        if reached != Some(*a) {
            return Err(Gap::RangeNotCovered(name.to_owned()));
        }
        reached = *b;
    }
    if bands.is_empty() || reached != to {
        return Err(Gap::RangeNotCovered(name.to_owned()));
    }
    let mut total = 0.0;
    for (_, _, label) in bands {
        let mut pairs = fixed.clone();
        pairs.push((dimension.to_owned(), label));
        total += read(pairs)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests;
