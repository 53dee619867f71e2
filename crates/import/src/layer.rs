//! Layers of areas from shapefiles and GeoJSON, reprojected to WGS84 and checked for valid
//! polygons.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;

use domain::{Area, AreaKey, Layer};
use geo::{
    Area as _, BoundingRect, Coord, Geometry, LineString, MultiPolygon, Polygon, RemoveRepeatedPoints, Validation,
    unary_union,
};
use shapefile::dbase::{self, FieldValue};

use crate::crs::Crs;
use crate::error::{Errors, ImportErrors, Position};
use crate::spec::LayerSpec;
use crate::statistics::read_file;
use crate::table::Encoding;

/// A layer read from a file: the layer, its areas in WGS84, and whether parents were given.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerData {
    /// The layer.
    pub layer: Layer,
    /// The areas, each with a valid WGS84 longitude/latitude multipolygon.
    pub areas: Vec<Area>,
    /// Whether parent keys came from the file (`parent_field`) or from the key
    /// (`parent_key_prefix`); otherwise the caller assigns parents by containment.
    pub parent_field_given: bool,
}

/// A feature as read, before checks: attributes as text, geometry in the source CRS.
#[derive(Debug, Clone)]
pub struct RawFeature {
    /// 1-based number of the feature in the file.
    pub number: usize,
    /// The key attribute.
    pub key: String,
    /// The name attribute.
    pub name: String,
    /// The parent attribute, if the spec names one.
    pub parent: Option<String>,
    /// The geometry in the file's coordinates.
    pub geometry: MultiPolygon<f64>,
}

/// Reads the layer a spec names: a `.shp` (with `.dbf`, and `.prj` unless the spec gives `crs`)
/// or a GeoJSON file.
pub fn read_layer(spec: &LayerSpec) -> Result<LayerData, ImportErrors> {
    let is_shapefile = spec.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp"));
    let (features, crs, file) = if is_shapefile {
        read_shapefile(spec)?
    } else {
        let (bytes, file) = read_file(&spec.file)?;
        let (features, crs) = parse_geojson(&bytes, &file, spec)?;
        (features, crs, file)
    };
    build_layer(features, &crs, &Position::file(file), spec)
}

fn field_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Character(s) => s.as_deref().unwrap_or("").trim().to_owned(),
        FieldValue::Memo(s) => s.trim().to_owned(),
        FieldValue::Numeric(Some(x)) | FieldValue::Currency(x) | FieldValue::Double(x) => number_text(*x),
        FieldValue::Float(Some(x)) => number_text(f64::from(*x)),
        FieldValue::Integer(i) => i.to_string(),
        FieldValue::Logical(Some(b)) => b.to_string(),
        FieldValue::Date(Some(d)) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        _ => String::new(),
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { x.to_string() }
}

/// The encoding named by a `.cpg` file, such as `UTF-8`, `1252` or `ISO-8859-1`.
fn cpg_encoding(label: &str) -> Option<&'static encoding_rs::Encoding> {
    let label = label.trim().trim_start_matches('\u{feff}');
    if label.bytes().all(|b| b.is_ascii_digit()) {
        encoding_rs::Encoding::for_label(format!("windows-{label}").as_bytes())
    } else {
        encoding_rs::Encoding::for_label(label.as_bytes())
    }
}

fn read_shapefile(spec: &LayerSpec) -> Result<(Vec<RawFeature>, Crs, String), ImportErrors> {
    let path = &spec.file;
    let file = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let position = Position::file(&file);
    let fail = |what: &str, e: &dyn std::fmt::Display| ImportErrors::one(position.clone(), format!("{what}: {e}"));
    let crs = match &spec.crs {
        Some(crs) => crs.clone(),
        None => std::fs::read_to_string(path.with_extension("prj")).map_err(|_| {
            ImportErrors::one(
                position.clone(),
                "missing crs: no .prj file beside the shapefile and no crs in the manifest",
            )
        })?,
    };
    let crs = Crs::parse(&crs).map_err(|e| ImportErrors::one(position.clone(), e))?;
    let encoding = match spec.encoding {
        Some(Encoding::Utf8) => encoding_rs::UTF_8,
        Some(Encoding::Windows1252) => encoding_rs::WINDOWS_1252,
        None => std::fs::read_to_string(path.with_extension("cpg"))
            .ok()
            .and_then(|label| cpg_encoding(&label))
            .unwrap_or(encoding_rs::WINDOWS_1252),
    };
    let shapes = shapefile::ShapeReader::from_path(path).map_err(|e| fail("unreadable shapefile", &e))?;
    let dbf = File::open(path.with_extension("dbf")).map_err(|e| fail("cannot open the .dbf file", &e))?;
    let records = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(BufReader::new(dbf))
        .map_err(|e| fail("unreadable .dbf file", &e))?;
    let fields: Vec<String> = records.fields().iter().map(|f| f.name().to_owned()).collect();
    for wanted in [Some(&spec.key_field), Some(&spec.name_field), spec.parent_field.as_ref()].into_iter().flatten() {
        if !fields.contains(wanted) {
            return Err(ImportErrors::one(
                position.at_column(wanted.clone()),
                format!("no such attribute; the .dbf has {}", fields.join(", ")),
            ));
        }
    }
    let mut reader = shapefile::Reader::new(shapes, records);
    let mut errors = Errors::default();
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let at = position.at_feature(i + 1);
        let (shape, record) = match item {
            Ok(pair) => pair,
            Err(e) => {
                errors.push(at, format!("unreadable feature: {e}"));
                continue;
            }
        };
        let text = |name: &str| record.get(name).map(field_text).unwrap_or_default();
        let geometry = match shape {
            shapefile::Shape::Polygon(p) => MultiPolygon::try_from(p).map_err(|e| e.to_string()),
            shapefile::Shape::PolygonZ(p) => MultiPolygon::try_from(p).map_err(|e| e.to_string()),
            shapefile::Shape::PolygonM(p) => MultiPolygon::try_from(p).map_err(|e| e.to_string()),
            other => Err(format!("expected a polygon, found {}", other.shapetype())),
        };
        match geometry {
            Ok(geometry) => features.push(RawFeature {
                number: i + 1,
                key: text(&spec.key_field),
                name: text(&spec.name_field),
                parent: spec.parent_field.as_deref().map(text),
                geometry,
            }),
            Err(e) => errors.push(at, e),
        }
    }
    errors.finish((features, crs, file))
}

fn property_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The CRS of a GeoJSON file: the spec's, else the (pre-RFC 7946) `crs` member, else WGS84.
fn geojson_crs(collection: &geojson::FeatureCollection, spec_crs: Option<&str>) -> Result<Crs, String> {
    if let Some(crs) = spec_crs {
        return Crs::parse(crs);
    }
    match collection.foreign_members.as_ref().and_then(|m| m.get("crs")) {
        Some(member) => {
            let name = member.pointer("/properties/name").and_then(|n| n.as_str());
            Crs::parse(name.ok_or_else(|| format!("unknown crs member {member}"))?)
        }
        None => Ok(Crs::WGS84),
    }
}

/// Parses a GeoJSON feature collection of polygons; the pure core of [`read_layer`] for GeoJSON.
pub fn parse_geojson_features(bytes: &[u8], file: &str, spec: &LayerSpec) -> Result<Vec<RawFeature>, ImportErrors> {
    parse_geojson(bytes, file, spec).map(|(features, _)| features)
}

/// Reads a GeoJSON FeatureCollection; an empty file or malformed JSON is an error with its position.
pub(crate) fn feature_collection(bytes: &[u8], file: &str) -> Result<geojson::FeatureCollection, ImportErrors> {
    let position = Position::file(file);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportErrors::one(position, "the file is empty"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ImportErrors::one(
            position.at_line(e.line() as u64).at_column(e.column().to_string()),
            format!("not a geojson feature collection: {e}"),
        )
    })
}

fn parse_geojson(bytes: &[u8], file: &str, spec: &LayerSpec) -> Result<(Vec<RawFeature>, Crs), ImportErrors> {
    let position = Position::file(file);
    let collection = feature_collection(bytes, file)?;
    let crs = geojson_crs(&collection, spec.crs.as_deref()).map_err(|e| ImportErrors::one(position.clone(), e))?;
    let mut errors = Errors::default();
    let mut features = Vec::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let at = position.at_feature(i + 1);
        let property = |name: &str, errors: &mut Errors| match feature.property(name) {
            Some(v) => Some(property_text(v)),
            None => {
                errors.push(at.at_column(name), "no such property");
                None
            }
        };
        let key = property(&spec.key_field, &mut errors);
        let name = property(&spec.name_field, &mut errors);
        let parent = spec.parent_field.as_deref().map(|p| property(p, &mut errors));
        let geometry =
            match feature.geometry.as_ref().map(|g| Geometry::<f64>::try_from(&g.value).map_err(|e| e.to_string())) {
                Some(Ok(Geometry::Polygon(p))) => Some(MultiPolygon::new(vec![p])),
                Some(Ok(Geometry::MultiPolygon(m))) => Some(m),
                Some(Ok(_)) => {
                    errors.push(at.clone(), "expected a polygon or multipolygon");
                    None
                }
                Some(Err(e)) => {
                    errors.push(at.clone(), format!("invalid geometry: {e}"));
                    None
                }
                None => {
                    errors.push(at.clone(), "the feature has no geometry");
                    None
                }
            };
        if let (Some(key), Some(name), Some(geometry)) = (key, name, geometry) {
            let parent = match parent {
                Some(Some(p)) => Some(p),
                Some(None) => continue,
                None => None,
            };
            features.push(RawFeature { number: i + 1, key, name, parent, geometry });
        }
    }
    errors.finish((features, crs))
}

/// Left-pads numeric keys with zeros.
fn pad(key: &str, width: Option<usize>) -> String {
    match width {
        Some(w) if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{key:0>w$}")
        }
        _ => key.to_owned(),
    }
}

/// Relative size below which a self-touching loop of a ring, or a hole left between united
/// features, is a digitising artefact: one millionth of the polygon's area.
const SLIVER: f64 = 1e-6;

/// Cuts out loops where a ring returns to one of its earlier vertices (a "pinch", valid for ESRI but
/// not for OGC) when the loop is a sliver; larger loops are kept for validation to report.
fn remove_sliver_loops(ring: &LineString<f64>, polygon_area: f64) -> LineString<f64> {
    let mut kept: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        match kept.iter().rposition(|&k| k == c) {
            Some(start) => {
                let mut looped: Vec<Coord<f64>> = kept[start..].to_vec();
                looped.push(c);
                if Polygon::new(LineString(looped), vec![]).unsigned_area() < SLIVER * polygon_area {
                    kept.truncate(start + 1);
                } else {
                    kept.push(c);
                }
            }
            None => kept.push(c),
        }
    }
    LineString::from(kept)
}

/// Removes consecutive duplicate points and sliver loops, then checks validity (rings are closed by
/// construction).
fn repair_and_check(feature: &mut RawFeature, position: &Position, errors: &mut Errors) -> bool {
    feature.geometry.remove_repeated_points_mut();
    for polygon in &mut feature.geometry.0 {
        let area = polygon.unsigned_area();
        let exterior = remove_sliver_loops(polygon.exterior(), area);
        let interiors = polygon.interiors().iter().map(|r| remove_sliver_loops(r, area)).collect();
        *polygon = Polygon::new(exterior, interiors);
    }
    match feature.geometry.check_validation() {
        Ok(()) => true,
        Err(e) => {
            errors.push(position.at_feature(feature.number), format!("invalid polygon (key {}): {e}", feature.key));
            false
        }
    }
}

/// Unites geometries and drops the sliver holes left where their shared boundaries do not match
/// exactly.
fn union(geometries: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let united = unary_union(geometries.iter().copied());
    united
        .into_iter()
        .map(|p| {
            let area = p.unsigned_area();
            let (exterior, interiors) = p.into_inner();
            let interiors = interiors
                .into_iter()
                .filter(|r| Polygon::new(r.clone(), vec![]).unsigned_area() >= SLIVER * area)
                .collect();
            Polygon::new(exterior, interiors)
        })
        .collect()
}

/// Turns raw features into the layer: pads keys, repairs and checks polygons, merges and
/// dissolves features, derives parents, and reprojects to WGS84.
pub(crate) fn build_layer(
    features: Vec<RawFeature>,
    crs: &Crs,
    position: &Position,
    spec: &LayerSpec,
) -> Result<LayerData, ImportErrors> {
    let mut errors = Errors::default();
    let mut features = features;
    for fix in &spec.rekey {
        match features.iter_mut().find(|f| f.number == fix.feature) {
            Some(f) if f.key == fix.from => f.key.clone_from(&fix.to),
            Some(f) => errors.push(
                position.at_feature(fix.feature).at_column(spec.key_field.clone()),
                format!("rekey: feature {} has key {:?}, not {:?}", fix.feature, f.key, fix.from),
            ),
            None => errors.push(position.clone(), format!("rekey: the file has no feature {}", fix.feature)),
        }
    }
    let mut features: Vec<RawFeature> = features
        .into_iter()
        .map(|f| RawFeature {
            key: pad(&f.key, spec.key_width),
            parent: f.parent.map(|p| pad(&p, spec.key_width)),
            ..f
        })
        .filter_map(|mut f| repair_and_check(&mut f, position, &mut errors).then_some(f))
        .collect();
    let mut merged = Vec::new();
    for (new_key, members) in &spec.merge {
        let parts: Vec<RawFeature> = members
            .iter()
            .filter_map(|m| {
                let found = features.iter().position(|f| &f.key == m).map(|i| features.remove(i));
                if found.is_none() {
                    errors.push(position.clone(), format!("merge {new_key:?}: no feature with key {m:?}"));
                }
                found
            })
            .collect();
        if let Some(first) = parts.first() {
            let geometry = union(&parts.iter().map(|p| &p.geometry).collect::<Vec<_>>());
            merged.push(RawFeature { key: new_key.clone(), name: new_key.clone(), geometry, ..first.clone() });
        }
    }
    features.extend(merged);
    if let Some(dissolve) = &spec.dissolve {
        let geometry = union(&features.iter().map(|f| &f.geometry).collect::<Vec<_>>());
        features = vec![RawFeature {
            number: 1,
            key: dissolve.key.as_str().to_owned(),
            name: dissolve.name.clone(),
            parent: None,
            geometry,
        }];
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut areas = Vec::with_capacity(features.len());
    for f in features {
        let at = position.at_feature(f.number);
        if let Some(first) = seen.insert(f.key.clone(), f.number) {
            errors.push(
                at.at_column(spec.key_field.clone()),
                format!("duplicate key {:?} (first in feature {first})", f.key),
            );
            continue;
        }
        let key =
            AreaKey::new(f.key.as_str()).map_err(|e| errors.push(at.at_column(spec.key_field.clone()), e.to_string()));
        let parent_text = match spec.parent_key_prefix {
            Some(n) => f.key.get(..n).map(str::to_owned),
            None => f.parent.clone().filter(|p| !p.is_empty()),
        };
        let parent = parent_text.map(AreaKey::new).transpose().map_err(|e| {
            errors
                .push(at.at_column(spec.parent_field.clone().unwrap_or_else(|| spec.key_field.clone())), e.to_string())
        });
        let geometry = crs.multipolygon_to_wgs84(&f.geometry).and_then(|g| {
            let bounds = g.bounding_rect().ok_or("empty geometry")?;
            let plausible = [bounds.min(), bounds.max()].iter().all(|c| c.x.abs() <= 180.0 && c.y.abs() <= 90.0);
            if plausible { Ok(g) } else { Err("coordinates outside wgs84 after reprojection; check the crs".into()) }
        });
        let geometry = geometry.map_err(|e| errors.push(at.clone(), e));
        if let (Ok(key), Ok(parent), Ok(geometry)) = (key, parent, geometry) {
            areas.push(Area { key, name: f.name, parent, validity: spec.validity(), geometry: Some(geometry) });
        }
    }
    let layer = Layer { key: spec.key.clone(), name: spec.name.clone(), parent: spec.parent.clone() };
    let parent_field_given = spec.parent_field.is_some() || spec.parent_key_prefix.is_some();
    errors.finish(LayerData { layer, areas, parent_field_given })
}

#[cfg(test)]
mod tests;
