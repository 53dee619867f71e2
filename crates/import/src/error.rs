//! Positions in source files and the errors that name them.

use std::fmt;

/// Where in a source file something was found.
///
/// Displayed as `file:line:column` for tables and `file: feature 12` for geometries; parts that are
/// unknown are left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Position {
    /// The file name (for spreadsheets with the sheet in brackets, e.g. `daten.xlsx[Tabelle1]`).
    pub file: String,
    /// The 1-based physical line of a text file or row of a sheet.
    pub line: Option<u64>,
    /// The column header name; for spreadsheets the letter and the header, e.g. `C (Bevölkerung)`;
    /// for encoding errors the 1-based byte column.
    pub column: Option<String>,
    /// The 1-based number of a feature in a shapefile or GeoJSON file.
    pub feature: Option<usize>,
}

impl Position {
    /// A position naming only the file.
    pub fn file(file: impl Into<String>) -> Position {
        Position { file: file.into(), line: None, column: None, feature: None }
    }

    /// The same position on `line`.
    pub fn at_line(&self, line: u64) -> Position {
        Position { line: Some(line), ..self.clone() }
    }

    /// The same position in `column`.
    pub fn at_column(&self, column: impl Into<String>) -> Position {
        Position { column: Some(column.into()), ..self.clone() }
    }

    /// The same position at the 1-based `feature`.
    pub fn at_feature(&self, feature: usize) -> Position {
        Position { feature: Some(feature), ..self.clone() }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(feature) = self.feature {
            write!(f, ": feature {feature}")?;
        }
        if let Some(column) = &self.column {
            if self.line.is_some() && self.feature.is_none() {
                write!(f, ":{column}")?;
            } else {
                write!(f, ": field {column}")?;
            }
        }
        Ok(())
    }
}

/// One problem found while importing, at its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {message}")]
pub struct ImportError {
    /// Where the problem is.
    pub position: Position,
    /// What is wrong, lower-case without trailing period.
    pub message: String,
}

impl ImportError {
    /// An error at `position`.
    pub fn new(position: Position, message: impl Into<String>) -> ImportError {
        ImportError { position, message: message.into() }
    }
}

/// All problems found in one import; an import fails with the full list rather than the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl ImportErrors {
    /// At most this many errors are displayed; the rest are counted.
    pub const DISPLAY_LIMIT: usize = 50;

    /// A list holding one error.
    pub fn one(position: Position, message: impl Into<String>) -> ImportErrors {
        ImportErrors(vec![ImportError::new(position, message)])
    }
}

impl From<ImportError> for ImportErrors {
    fn from(error: ImportError) -> ImportErrors {
        ImportErrors(vec![error])
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().take(Self::DISPLAY_LIMIT).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if self.0.len() > Self::DISPLAY_LIMIT {
            write!(f, "\nand {} more", self.0.len() - Self::DISPLAY_LIMIT)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// Collects errors while an importer keeps going.
#[derive(Debug, Default)]
pub(crate) struct Errors(Vec<ImportError>);

impl Errors {
    pub(crate) fn push(&mut self, position: Position, message: impl Into<String>) {
        self.0.push(ImportError::new(position, message));
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn into_errors(self) -> ImportErrors {
        ImportErrors(self.0)
    }

    /// `Ok(value)` when nothing was collected, otherwise all errors.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, ImportErrors> {
        if self.0.is_empty() { Ok(value) } else { Err(ImportErrors(self.0)) }
    }
}

#[cfg(test)]
mod tests;

/// The position of a byte offset in a text file: 1-based line and column (in characters).
pub(crate) fn text_position(text: &str, file: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.chars().rev().take_while(|&c| c != '\n').count() + 1;
    Position::file(file).at_line(line).at_column(column.to_string())
}

/// A TOML error of `text` as an import error at its line and column.
pub(crate) fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> ImportErrors {
    let at = e.span().map_or_else(|| Position::file(file), |s| text_position(text, file, s.start));
    ImportErrors::one(at, e.message().trim_end_matches('\n').to_owned())
}
