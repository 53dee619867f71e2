//! German and English number cells, with the official-statistics symbols.

use domain::{Symbol, Value};
use serde::Deserialize;

/// The decimal separator of a file; the other of `,` and `.` may then group thousands, as may
/// spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Decimal {
    /// German: `1.675,5`, `1 675,5`.
    #[default]
    #[serde(rename = ",")]
    Comma,
    /// English: `1,675.5`, `1044555.0`.
    #[serde(rename = ".")]
    Point,
}

impl Decimal {
    fn separator(self) -> char {
        match self {
            Decimal::Comma => ',',
            Decimal::Point => '.',
        }
    }

    fn thousands(self) -> char {
        match self {
            Decimal::Comma => '.',
            Decimal::Point => ',',
        }
    }
}

/// A cell that is neither a number nor an official symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NumberError {
    /// The cell is empty.
    #[error("empty value (use an official symbol such as \".\" for unknown values)")]
    Empty,
    /// The cell does not read as a number with the declared decimal separator.
    #[error("invalid number {text:?}{hint}")]
    Invalid {
        /// The cell as found.
        text: String,
        /// A hint about the decimal setting, or empty.
        hint: &'static str,
    },
}

impl NumberError {
    fn invalid(text: &str, decimal: Decimal) -> NumberError {
        let hint = match decimal {
            Decimal::Comma if text.contains('.') => {
                " (the decimal separator is \",\"; set decimal = \".\" for English numbers)"
            }
            Decimal::Point if text.contains(',') => {
                " (the decimal separator is \".\"; set decimal = \",\" for German numbers)"
            }
            _ => "",
        };
        NumberError::Invalid { text: text.to_owned(), hint }
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{202f}'
}

/// Reads a number cell: an official symbol (`-`, `.`, `x`, `/`, `…`) becomes [`Value::Symbol`];
/// otherwise an optional sign (`-`, `−`, possibly followed by spaces, as in `-  23`), digits grouped
/// by spaces or the thousands separator in groups of three, and an optional decimal part.
///
/// ```
/// use import::{parse_number, Decimal};
/// use domain::{Symbol, Value};
/// assert_eq!(parse_number(" 1 675 ", Decimal::Comma), Ok(Value::Number(1675.0)));
/// assert_eq!(parse_number("-  23", Decimal::Comma), Ok(Value::Number(-23.0)));
/// assert_eq!(parse_number("9,7", Decimal::Comma), Ok(Value::Number(9.7)));
/// assert_eq!(parse_number("1044555.0", Decimal::Point), Ok(Value::Number(1044555.0)));
/// assert_eq!(parse_number(".", Decimal::Comma), Ok(Value::Symbol(Symbol::UnknownOrSecret)));
/// ```
pub fn parse_number(cell: &str, decimal: Decimal) -> Result<Value, NumberError> {
    let text = cell.trim_matches(is_space);
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(symbol) = Symbol::parse(text) {
        return Ok(Value::Symbol(symbol));
    }
    let invalid = || NumberError::invalid(text, decimal);
    let (negative, unsigned) = match text.strip_prefix(['-', '−', '–']) {
        Some(rest) => (true, rest.trim_start_matches(is_space)),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (integer, fraction) = match unsigned.split_once(decimal.separator()) {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let groups: Vec<&str> = integer.split(|c| is_space(c) || c == decimal.thousands()).collect();
    let grouped = groups.len() > 1;
    let groups_ok = groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && (!grouped || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    let fraction_ok = fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !groups_ok || !fraction_ok {
        return Err(invalid());
    }
    let mut plain = groups.concat();
    if let Some(f) = fraction {
        plain.push('.');
        plain.push_str(f);
    }
    let x: f64 = plain.parse().map_err(|_| invalid())?;
    Ok(Value::Number(if negative { -x } else { x }))
}

#[cfg(test)]
mod tests;
