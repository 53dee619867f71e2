//! Institutions such as schools: points from a CSV file with coordinate columns or from GeoJSON.

use std::collections::HashMap;

use domain::{Institution, Value};
use geo::{Coord, Geometry, Point};

use crate::crs::Crs;
use crate::error::{Errors, ImportErrors, Position};
use crate::layer::feature_collection;
use crate::number::parse_number;
use crate::spec::InstitutionsSpec;
use crate::statistics::read_file;
use crate::table::{Table, TableOptions, read_table};

/// Reads the institutions file a spec names; see [`parse_institutions`].
pub fn read_institutions(spec: &InstitutionsSpec) -> Result<Vec<Institution>, ImportErrors> {
    let (bytes, file) = read_file(&spec.file)?;
    parse_institutions(&bytes, &file, spec)
}

/// Parses institutions from bytes; `file` names the file in positions and decides by its extension
/// between GeoJSON (`.geojson`, `.json`) and CSV.
pub fn parse_institutions(bytes: &[u8], file: &str, spec: &InstitutionsSpec) -> Result<Vec<Institution>, ImportErrors> {
    let crs = Crs::parse(&spec.crs).map_err(|e| ImportErrors::one(Position::file(file), e))?;
    let lower = file.to_lowercase();
    let (raw, mut errors) = if lower.ends_with(".geojson") || lower.ends_with(".json") {
        from_geojson(bytes, file, spec)?
    } else {
        let (table, errors) =
            read_table(bytes, file, TableOptions { encoding: spec.encoding, ..TableOptions::default() })?;
        from_table(&table, errors, spec)?
    };
    let mut seen = HashMap::new();
    let mut institutions = Vec::with_capacity(raw.len());
    for (position, institution, coord) in raw {
        if let Some(first) = seen.insert(institution.key.clone(), position.clone()) {
            errors.push(position, format!("duplicate key {:?} (first at {first})", institution.key));
            continue;
        }
        match crs.to_wgs84(coord) {
            Ok(c) if c.x.abs() <= 180.0 && c.y.abs() <= 90.0 => {
                institutions.push(Institution { location: Point(c), ..institution });
            }
            Ok(_) => {
                errors.push(position, "coordinates outside wgs84 after reprojection; check the crs and the x/y columns")
            }
            Err(e) => errors.push(position, e),
        }
    }
    errors.finish(institutions)
}

/// An institution before reprojection: its position, the record with a placeholder location, and
/// its source coordinate.
type Raw = (Position, Institution, Coord<f64>);

/// An attribute value as text; numbers are normalised (`5.0` → `5`).
fn attribute_text(text: &str, spec: &InstitutionsSpec) -> String {
    match parse_number(text, spec.decimal) {
        Ok(Value::Number(x)) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Ok(Value::Number(x)) => x.to_string(),
        _ => text.trim().to_owned(),
    }
}

fn from_table(table: &Table, mut errors: Errors, spec: &InstitutionsSpec) -> Result<(Vec<Raw>, Errors), ImportErrors> {
    let key = table.require(&spec.key, &mut errors);
    let names: Option<Vec<usize>> = spec.name.iter().map(|n| table.require(n, &mut errors)).collect();
    let kind = table.require(&spec.kind, &mut errors);
    let mut coordinate = |name: &Option<String>, axis: &str| match name {
        Some(n) => table.require(n, &mut errors),
        None => {
            errors.push(table.file.clone(), format!("a csv file needs the {axis} column in the manifest"));
            None
        }
    };
    let (x, y) = (coordinate(&spec.x, "x"), coordinate(&spec.y, "y"));
    let filter: Option<Vec<(usize, &String)>> =
        spec.filter.iter().map(|(c, v)| table.require(c, &mut errors).map(|i| (i, v))).collect();
    let attributes: Option<Vec<(usize, &String)>> =
        spec.attributes.iter().map(|a| table.require(&a.column, &mut errors).map(|i| (i, &a.label))).collect();
    let (Some(key), Some(names), Some(kind), Some(x), Some(y), Some(filter), Some(attributes)) =
        (key, names, kind, x, y, filter, attributes)
    else {
        return Err(errors.into_errors());
    };
    let mut raw = Vec::new();
    for row in &table.rows {
        let cells = &row.cells;
        if !filter.iter().all(|(i, v)| cells[*i].text() == v.trim()) {
            continue;
        }
        let mut number = |column: usize| match cells[column].value(spec.decimal) {
            Ok(Value::Number(v)) => Some(v),
            Ok(Value::Symbol(s)) => {
                errors.push(table.at(row.line, column), format!("coordinate is the symbol {:?}", s.as_str()));
                None
            }
            Err(e) => {
                errors.push(table.at(row.line, column), format!("coordinate: {e}"));
                None
            }
        };
        let (cx, cy) = (number(x), number(y));
        let key_text = cells[key].text().into_owned();
        if key_text.is_empty() {
            errors.push(table.at(row.line, key), "empty key");
            continue;
        }
        let (Some(cx), Some(cy)) = (cx, cy) else {
            continue;
        };
        let name = names.iter().map(|&i| cells[i].text()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(", ");
        let attributes = attributes
            .iter()
            .filter(|(i, _)| !cells[*i].text().is_empty())
            .map(|(i, label)| ((*label).clone(), attribute_text(&cells[*i].text(), spec)))
            .collect();
        let institution = Institution {
            key: key_text,
            name,
            kind: cells[kind].text().into_owned(),
            location: Point::new(cx, cy),
            attributes,
        };
        raw.push((table.at(row.line, key), institution, Coord { x: cx, y: cy }));
    }
    Ok((raw, errors))
}

fn property(feature: &geojson::Feature, name: &str) -> String {
    match feature.property(name) {
        Some(serde_json::Value::String(s)) => s.trim().to_owned(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn from_geojson(bytes: &[u8], file: &str, spec: &InstitutionsSpec) -> Result<(Vec<Raw>, Errors), ImportErrors> {
    let position = Position::file(file);
    let collection = feature_collection(bytes, file)?;
    let mut errors = Errors::default();
    let mut raw = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let at = position.at_feature(i + 1);
        let point =
            match feature.geometry.as_ref().map(|g| Geometry::<f64>::try_from(&g.value).map_err(|e| e.to_string())) {
                Some(Ok(Geometry::Point(p))) => p,
                _ => {
                    errors.push(at, "expected a point geometry");
                    continue;
                }
            };
        let key = property(feature, &spec.key);
        if key.is_empty() {
            errors.push(at.at_column(spec.key.clone()), "empty or missing key");
            continue;
        }
        let name =
            spec.name.iter().map(|n| property(feature, n)).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(", ");
        let attributes = spec
            .attributes
            .iter()
            .map(|a| (a.label.clone(), property(feature, &a.column)))
            .filter(|(_, v)| !v.is_empty())
            .map(|(label, v)| (label, attribute_text(&v, spec)))
            .collect();
        let institution = Institution { key, name, kind: property(feature, &spec.kind), location: point, attributes };
        raw.push((at, institution, point.0));
    }
    Ok((raw, errors))
}

#[cfg(test)]
mod tests;
