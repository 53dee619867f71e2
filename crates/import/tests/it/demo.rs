//! The real demo files in `data/demo` import without error and give the expected counts.

use std::path::{Path, PathBuf};

use domain::{Breakdown, Period, Value, VariableKey};
use geo::{BoundingRect, Centroid, GeodesicArea, Validation};
use import::{ContentSpec, LayerData, Manifest, StatisticsSpec, read_layer, read_manifest, read_statistics};

pub(crate) fn demo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo").join(path)
}

pub(crate) fn manifest(path: &str) -> Manifest {
    read_manifest(&demo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn statistics_spec(path: &str) -> StatisticsSpec {
    match manifest(path).content {
        ContentSpec::Statistics(s) => s,
        other => panic!("{path} is not statistics: {other:?}"),
    }
}

#[test]
fn koeln_population_long_with_breakdowns() {
    let data = read_statistics(&statistics_spec("koeln/bevoelkerung.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(data.observations.len(), 29_135);
    assert_eq!(data.variables.len(), 1);
    let einwohner = VariableKey::new("einwohner").unwrap();
    let total_2012 = data
        .observations
        .iter()
        .map(|o| &o.value)
        .find(|o| o.variable == einwohner && o.area.as_str() == "000" && o.period == Period::Year(2012) && o.breakdown.is_total())
        .unwrap();
    assert_eq!(total_2012.value, Value::Number(1_044_555.0));
    let women = Breakdown::parse("geschlecht=Weiblich").unwrap();
    assert!(data.observations.iter().any(|o| o.value.breakdown == women));
    let totals = data.observations.iter().filter(|o| o.value.breakdown.is_total()).count();
    assert_eq!(totals, 768);
}

fn layer(path: &str) -> LayerData {
    match manifest(path).content {
        ContentSpec::Layer(spec) => read_layer(&spec).unwrap_or_else(|e| panic!("{path}: {e}")),
        other => panic!("{path} is not a layer: {other:?}"),
    }
}

fn assert_in_koeln(data: &LayerData) {
    for area in &data.areas {
        let bounds = area.geometry.as_ref().unwrap().bounding_rect().unwrap();
        for c in [bounds.min(), bounds.max()] {
            assert!((6.77..=7.17).contains(&c.x) && (50.83..=51.09).contains(&c.y), "{} at {c:?}", area.key);
        }
    }
}

#[test]
fn koeln_layers_import_with_valid_polygons() {
    let bezirke = layer("koeln/stadtbezirk.toml");
    assert_eq!(bezirke.areas.len(), 9);
    assert_eq!(bezirke.areas.iter().filter(|a| a.key.as_str() == "001").count(), 1);
    let teile = layer("koeln/stadtteil.toml");
    assert_eq!(teile.areas.len(), 86);
    assert!(!teile.parent_field_given);
    let viertel = layer("koeln/stadtviertel.toml");
    assert_eq!(viertel.areas.len(), 371);
    assert!(viertel.parent_field_given);
    assert!(viertel.areas.iter().all(|a| a.parent.as_ref().is_some_and(|p| p.as_str().len() == 3)));
    for data in [&bezirke, &teile, &viertel] {
        assert_in_koeln(data);
        assert!(data.areas.iter().all(|a| a.geometry.as_ref().unwrap().is_valid()));
    }
    let altstadt_sued = teile.areas.iter().find(|a| a.key.as_str() == "101").unwrap();
    assert_eq!(altstadt_sued.name, "Altstadt/Süd");
    let c = altstadt_sued.geometry.as_ref().unwrap().centroid().unwrap();
    assert!((c.x() - 6.95).abs() < 0.02 && (c.y() - 50.93).abs() < 0.02, "{c:?}");
}

#[test]
fn koeln_city_is_the_dissolved_bezirke() {
    let stadt = layer("koeln/stadt.toml");
    assert_eq!(stadt.areas.len(), 1);
    assert_eq!(stadt.areas[0].key.as_str(), "000");
    assert_eq!(stadt.areas[0].name, "Stadt Köln");
    assert_in_koeln(&stadt);
    let area_km2 = stadt.areas[0].geometry.as_ref().unwrap().geodesic_area_unsigned() / 1e6;
    assert!((400.0..410.0).contains(&area_km2), "{area_km2}");
}
