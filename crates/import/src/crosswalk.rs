//! Crosswalk tables: a CSV (or spreadsheet) of source area, target area and share becomes a typed
//! [`Crosswalk`] between two layers or boundary versions.

use std::path::PathBuf;

use domain::crosswalk::Crosswalk;
use domain::{AreaKey, LayerKey};
use serde::Deserialize;

use crate::error::ImportErrors;
use crate::number::Decimal;
use crate::statistics::read_file;
use crate::table::{Encoding, TableOptions, read_table};

fn von() -> String {
    "von".to_owned()
}
fn nach() -> String {
    "nach".to_owned()
}
fn anteil() -> String {
    "anteil".to_owned()
}

/// The `[crosswalk]` table of a manifest: which layers (and versions) the table links and where its
/// columns are.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkSpec {
    /// The table file (CSV or spreadsheet), e.g. as written by `bimo crosswalk`.
    pub file: PathBuf,
    /// The source layer.
    #[serde(deserialize_with = "crate::spec::parsed")]
    pub from_layer: LayerKey,
    /// A year in which the source version is valid; the newest version when absent.
    #[serde(default)]
    pub from_year: Option<i32>,
    /// The target layer.
    #[serde(deserialize_with = "crate::spec::parsed")]
    pub to_layer: LayerKey,
    /// A year in which the target version is valid; the newest version when absent.
    #[serde(default)]
    pub to_year: Option<i32>,
    /// Column of the source area keys (default `von`).
    #[serde(default = "von")]
    pub from_column: String,
    /// Column of the target area keys (default `nach`).
    #[serde(default = "nach")]
    pub to_column: String,
    /// Column of the shares in [0, 1] (default `anteil`).
    #[serde(default = "anteil")]
    pub share_column: String,
    /// Decimal separator of the shares; `.` as `bimo crosswalk` writes them unless given.
    #[serde(default = "point")]
    pub decimal: Decimal,
    /// Encoding of a CSV file.
    #[serde(default)]
    pub encoding: Encoding,
}

fn point() -> Decimal {
    Decimal::Point
}

/// Reads a crosswalk table; every row error (unknown column, bad key, share outside [0, 1]) and
/// every source area whose shares do not add up to 1 is reported with its position.
pub fn read_crosswalk(spec: &CrosswalkSpec) -> Result<Crosswalk, ImportErrors> {
    let (bytes, file) = read_file(&spec.file)?;
    let (table, mut errors) =
        read_table(&bytes, &file, TableOptions { encoding: spec.encoding, ..TableOptions::default() })?;
    let column = |name: &str| table.column(name);
    let (Some(from), Some(to), Some(share)) =
        (column(&spec.from_column), column(&spec.to_column), column(&spec.share_column))
    else {
        let missing: Vec<&str> = [&spec.from_column, &spec.to_column, &spec.share_column]
            .into_iter()
            .filter(|c| column(c).is_none())
            .map(String::as_str)
            .collect();
        return Err(ImportErrors::one(table.file.clone().at_line(1), format!("missing column {}", missing.join(", "))));
    };
    let mut rows = Vec::new();
    let mut lines: Vec<(AreaKey, u64)> = Vec::new();
    for row in &table.rows {
        let cell = |i: usize| row.cells.get(i).map(|c| c.text().into_owned()).unwrap_or_default();
        let (Ok(f), Ok(t)) = (AreaKey::new(cell(from)), AreaKey::new(cell(to))) else {
            errors.push(table.at(row.line, from), "invalid area key");
            continue;
        };
        let value = row.cells.get(share).map(|c| c.value(spec.decimal));
        match value.and_then(Result::ok).and_then(|v| v.number()) {
            Some(x) if (0.0..=1.0).contains(&x) => {
                lines.push((f.clone(), row.line));
                rows.push((f, t, x));
            }
            _ => errors.push(table.at(row.line, share), "share must be a number from 0 to 1"),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into_errors());
    }
    Crosswalk::from_shares(rows).map_err(|e| {
        let line = match &e {
            domain::crosswalk::CrosswalkError::SharesDoNotAddUp { from, .. } => {
                lines.iter().find(|(k, _)| k == from).map(|(_, l)| *l)
            }
            _ => None,
        };
        ImportErrors::one(line.map_or_else(|| table.file.clone(), |l| table.at(l, share)), e.to_string())
    })
}
