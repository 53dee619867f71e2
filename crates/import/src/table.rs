//! Tables from CSV text or spreadsheets: decoded, split into cells, with a position per cell.
//!
//! This is the raw layer: cells are text or numbers. The statistics and institutions importers turn
//! them into domain values.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader};
use domain::Value;
use serde::Deserialize;

use crate::error::{Errors, ImportError, ImportErrors, Position};
use crate::number::{Decimal, NumberError, parse_number};

/// The character encoding of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without byte-order mark.
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252 (the usual "ANSI" of German Excel exports).
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// The physical lines (1-based, both inclusive; the header is line 1) that hold data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lines {
    /// First data line.
    pub from: u64,
    /// Last data line.
    pub to: u64,
}

impl Lines {
    fn contains(self, line: u64) -> bool {
        (self.from..=self.to).contains(&line)
    }
}

/// Where a byte sits: 1-based line and byte column.
fn line_and_column(bytes: &[u8], offset: usize) -> (u64, usize) {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, offset - start + 1)
}

/// Decodes a whole text file; a byte sequence that is not valid in `encoding` is an error naming
/// its line and byte column and suggesting the other encoding.
pub fn decode(bytes: &[u8], encoding: Encoding, file: &str) -> Result<String, ImportError> {
    let at = |offset: usize| {
        let (line, column) = line_and_column(bytes, offset);
        Position::file(file).at_line(line).at_column(column.to_string())
    };
    match encoding {
        Encoding::Utf8 => {
            let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
            match std::str::from_utf8(&bytes[bom..]) {
                Ok(text) => Ok(text.to_owned()),
                Err(e) => {
                    let offset = bom + e.valid_up_to();
                    Err(ImportError::new(
                        at(offset),
                        format!(
                            "invalid utf-8 byte 0x{:02x}; the file may be windows-1252 (set encoding = \"windows-1252\")",
                            bytes[offset]
                        ),
                    ))
                }
            }
        }
        Encoding::Windows1252 => {
            let first_non_ascii = bytes.iter().position(|b| !b.is_ascii());
            if let (Some(offset), Ok(_)) = (first_non_ascii, std::str::from_utf8(bytes)) {
                return Err(ImportError::new(
                    at(offset),
                    "the file is utf-8, not windows-1252 (set encoding = \"utf-8\")",
                ));
            }
            if let Some(offset) = bytes.iter().position(|b| [0x81, 0x8d, 0x8f, 0x90, 0x9d].contains(b)) {
                return Err(ImportError::new(
                    at(offset),
                    format!("byte 0x{:02x} is not defined in windows-1252", bytes[offset]),
                ));
            }
            Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned())
        }
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing, or only whitespace.
    Empty,
    /// Text as found (CSV cells, text cells of spreadsheets).
    Text(String),
    /// A numeric spreadsheet cell.
    Number(f64),
}

impl Cell {
    fn from_text(text: &str) -> Cell {
        if text.trim().is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) }
    }

    /// The trimmed text of the cell; whole numbers print without decimals.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => Cow::Owned(format!("{x:.0}")),
            Cell::Number(x) => Cow::Owned(x.to_string()),
        }
    }

    /// The cell as a number or official symbol.
    pub(crate) fn value(&self, decimal: Decimal) -> Result<Value, NumberError> {
        match self {
            Cell::Empty => Err(NumberError::Empty),
            Cell::Text(t) => parse_number(t, decimal),
            Cell::Number(x) => Ok(Value::Number(*x)),
        }
    }
}

/// A data row with its physical line (or sheet row).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) cells: Vec<Cell>,
}

/// A table read from a file: header names, positions and data rows.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// The file (and sheet) the table comes from.
    pub(crate) file: Position,
    /// The header names, trimmed.
    pub(crate) header: Vec<String>,
    /// How each column is named in positions: the header, for spreadsheets with the letter.
    labels: Vec<String>,
    pub(crate) rows: Vec<Row>,
}

impl Table {
    /// The index of the column named `name`.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name.trim())
    }

    /// The index of the column named `name`, or an error naming the missing column.
    pub(crate) fn require(&self, name: &str, errors: &mut Errors) -> Option<usize> {
        let index = self.column(name);
        if index.is_none() {
            errors.push(self.file.at_line(1).at_column(name), format!("column {name:?} is missing from the header"));
        }
        index
    }

    /// The position of a cell.
    pub(crate) fn at(&self, line: u64, column: usize) -> Position {
        self.file.at_line(line).at_column(self.labels[column].clone())
    }
}

/// How to read a table from bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TableOptions<'a> {
    pub(crate) encoding: Encoding,
    pub(crate) lines: Option<Lines>,
    pub(crate) sheet: Option<&'a str>,
    pub(crate) header: Option<&'a [u64]>,
}

fn is_spreadsheet(file: &str) -> bool {
    let lower = file.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".ods"].iter().any(|e| lower.ends_with(e))
}

/// Reads a CSV or spreadsheet table from bytes; `file` names it in positions and decides the
/// format by its extension. Rows with the wrong number of fields are collected as errors.
pub(crate) fn read_table(bytes: &[u8], file: &str, options: TableOptions<'_>) -> Result<(Table, Errors), ImportErrors> {
    let (table, errors) = if is_spreadsheet(file) {
        read_sheet(bytes, file, options)?
    } else if options.header.is_some() {
        return Err(ImportErrors::one(Position::file(file), "header rows can only be given for spreadsheets"));
    } else {
        let text = decode(bytes, options.encoding, file)?;
        read_csv(&text, file, options.lines)?
    };
    if table.rows.is_empty() {
        let mut errors = errors;
        errors.push(table.file.clone(), "the file has a header but no data rows");
        return Err(errors.into_errors());
    }
    Ok((table, errors))
}

/// The separator of a header line: the most frequent of `;`, `,` and tab outside quotes.
fn sniff_separator(header: &str) -> u8 {
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(s, _)| *s == b) {
            c.1 += 1;
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b';', |(s, _)| *s)
}

fn read_csv(text: &str, file: &str, lines: Option<Lines>) -> Result<(Table, Errors), ImportErrors> {
    let position = Position::file(file);
    let first = text.lines().next().unwrap_or("");
    let (text, separator, skipped) = match first.trim().strip_prefix("sep=") {
        Some(sep) if sep.len() == 1 => {
            let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
            (rest, sep.as_bytes()[0], 1)
        }
        _ => (text, sniff_separator(first), 0),
    };
    if text.trim().is_empty() {
        return Err(ImportErrors::one(position, "the file is empty"));
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(separator).from_reader(text.as_bytes());
    let mut errors = Errors::default();
    let mut header = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line()) + skipped;
                errors.push(position.at_line(line), format!("unreadable csv record: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line()) + skipped;
        let Some(names) = &header else {
            header = Some(record.iter().map(|h| h.trim().to_owned()).collect::<Vec<_>>());
            continue;
        };
        if lines.is_some_and(|l| !l.contains(line)) || record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != names.len() {
            let column = names.get(record.len()).cloned().unwrap_or_else(|| format!("field {}", names.len() + 1));
            errors.push(
                position.at_line(line).at_column(column),
                format!("expected {} fields, found {}", names.len(), record.len()),
            );
            continue;
        }
        rows.push(Row { line, cells: record.iter().map(Cell::from_text).collect() });
    }
    let header = header.ok_or_else(|| ImportErrors::one(position.clone(), "the file is empty"))?;
    Ok((Table { file: position, labels: header.clone(), header, rows }, errors))
}

/// The spreadsheet letter of a 0-based column: A, B, …, Z, AA, ….
fn column_letter(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn sheet_cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(x) => Cell::Number(*x),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::from_text(s),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(d) => Cell::Number(d.as_f64()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}

fn read_sheet(bytes: &[u8], file: &str, options: TableOptions<'_>) -> Result<(Table, Errors), ImportErrors> {
    let position = Position::file(file);
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportErrors::one(position.clone(), format!("unreadable spreadsheet: {e}")))?;
    let names = workbook.sheet_names();
    let sheet = match options.sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_owned(),
        Some(s) => {
            return Err(ImportErrors::one(position, format!("no sheet {s:?}; the workbook has {}", names.join(", "))));
        }
        None => {
            names.first().cloned().ok_or_else(|| ImportErrors::one(position.clone(), "the workbook has no sheets"))?
        }
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| ImportErrors::one(position.clone(), format!("unreadable sheet {sheet:?}: {e}")))?;
    let position = Position::file(format!("{file}[{sheet}]"));
    let (top, left) = range.start().unwrap_or((0, 0));
    let first_row = u64::from(top) + 1;
    let header_rows = options.header.map_or_else(|| vec![first_row], <[u64]>::to_vec);
    let last_header = header_rows.iter().copied().max().unwrap_or(first_row);
    let sheet_rows: Vec<(u64, &[Data])> = range.rows().enumerate().map(|(i, r)| (first_row + i as u64, r)).collect();
    if sheet_rows.is_empty() {
        return Err(ImportErrors::one(position, "the sheet is empty"));
    }
    // Each column is named by its last non-empty cell in the header rows.
    let header: Vec<String> = (0..range.width())
        .map(|c| {
            sheet_rows
                .iter()
                .filter(|(line, _)| header_rows.contains(line))
                .map(|(_, r)| sheet_cell(&r[c]).text().into_owned())
                .rfind(|t| !t.is_empty())
                .unwrap_or_default()
        })
        .collect();
    let labels = header.iter().enumerate().map(|(i, h)| format!("{} ({h})", column_letter(left + i as u32))).collect();
    let rows = sheet_rows
        .into_iter()
        .filter(|(line, _)| *line > last_header && options.lines.is_none_or(|l| l.contains(*line)))
        .map(|(line, cells)| Row { line, cells: cells.iter().map(sheet_cell).collect() })
        .filter(|r| r.cells.iter().any(|c| *c != Cell::Empty))
        .collect();
    Ok((Table { file: position, header, labels, rows }, Errors::default()))
}

#[cfg(test)]
mod tests;
