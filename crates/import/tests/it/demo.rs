//! The real demo files in `data/demo` import without error and give the expected counts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use domain::{AreaKey, Breakdown, Period, Symbol, Value, VariableKey};
use geo::{BoundingRect, Centroid, GeodesicArea, Validation};
use import::{
    ContentSpec, KnownAreas, LayerData, Layout, Lines, Manifest, StatisticsSpec, check_area_keys, file_digest,
    read_institutions, read_layer, read_manifest, read_statistics,
};

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
        .find(|o| {
            o.variable == einwohner
                && o.area.as_str() == "000"
                && o.period == Period::Year(2012)
                && o.breakdown.is_total()
        })
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

fn value(data: &import::StatisticsData, variable: &str, area: &str) -> Value {
    data.observations
        .iter()
        .find(|o| o.value.variable.as_str() == variable && o.value.area.as_str() == area)
        .unwrap_or_else(|| panic!("no {variable} for {area}"))
        .value
        .value
}

#[test]
fn hamburg_profiles_wide_csv_match_the_osm_layer() {
    let spec = statistics_spec("hamburg/stadtteilprofile.toml");
    let Layout::Wide(wide) = &spec.layout else { panic!("not wide") };
    let columns = wide.columns.len();
    let data = read_statistics(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(data.observations.len(), 99 * columns);
    assert_eq!(value(&data, "bevoelkerung", "Hamburg-Altstadt"), Value::Number(1675.0));
    assert_eq!(value(&data, "anteil_unter18", "Hamburg-Altstadt"), Value::Number(9.7));
    assert_eq!(value(&data, "wanderungssaldo", "Hamburg-Altstadt"), Value::Number(-23.0));
    assert_eq!(value(&data, "einkommen", "Hamburg-Altstadt"), Value::Number(26_493.0));
    assert_eq!(value(&data, "anteil_stadtteilschule", "Hamburg-Altstadt"), Value::Number(60.0));
    assert_eq!(value(&data, "preis_eigentumswohnung", "Hamburg-Altstadt"), Value::Symbol(Symbol::UnknownOrSecret));
    let grundschulen = data.observations.iter().find(|o| o.value.variable.as_str() == "grundschulen").unwrap();
    assert_eq!(grundschulen.value.period, Period::SchoolYear(2013));

    let layer = layer("hamburg/stadtteil.toml");
    assert_eq!(layer.areas.len(), 99);
    let keys: HashSet<AreaKey> = layer.areas.iter().map(|a| a.key.clone()).collect();
    let resolved =
        check_area_keys(&data, &[KnownAreas::always(layer.layer.key.clone(), keys)]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resolved.len(), data.observations.len());
}

#[test]
fn hamburg_profiles_from_the_spreadsheet_agree_with_the_csv() {
    let csv = statistics_spec("hamburg/stadtteilprofile.toml");
    // The original workbook has a title row, group headers in row 2, names in row 3 and
    // descriptions in row 4; the Stadtteile are rows 5–103.
    let xlsx = StatisticsSpec {
        file: csv.file.with_extension("xlsx"),
        header: Some(vec![2, 3]),
        lines: Some(Lines { from: 5, to: 103 }),
        ..csv.clone()
    };
    let from_csv = read_statistics(&csv).unwrap_or_else(|e| panic!("{e}"));
    let from_xlsx = read_statistics(&xlsx).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_xlsx.observations.len(), from_csv.observations.len());
    assert_eq!(value(&from_xlsx, "bevoelkerung", "Hamburg-Altstadt"), Value::Number(1675.0));
    assert_eq!(value(&from_xlsx, "wanderungssaldo", "Hamburg-Altstadt"), Value::Number(-23.0));
    assert!(from_xlsx.observations[0].position.file.contains(".xlsx["), "{}", from_xlsx.observations[0].position);
}

#[test]
fn koeln_schools() {
    let ContentSpec::Institutions(spec) = manifest("koeln/schulen.toml").content else { panic!("not institutions") };
    let schools = read_institutions(&spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(schools.len(), 305);
    // One Nominatim geocode is a wrong match in Remscheid (160106 Elly-Heuss-Knapp-Realschule).
    let outside: Vec<&str> = schools
        .iter()
        .filter(|s| !((6.7..7.2).contains(&s.location.x()) && (50.8..51.1).contains(&s.location.y())))
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(outside, ["160106"]);
    let indexed = schools.iter().filter(|s| s.attributes.iter().any(|(l, _)| l == "Schulsozialindex")).count();
    assert!(indexed > 0 && indexed < 305);
    let first = schools.iter().find(|s| s.attributes.iter().any(|(l, v)| l == "Schulsozialindex" && v == "4")).unwrap();
    assert!(!first.name.is_empty() && !first.kind.is_empty());
}

#[test]
fn every_demo_manifest_reads_without_error() {
    let mut count = 0;
    for dir in ["koeln", "hamburg"] {
        for entry in std::fs::read_dir(demo(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let manifest = read_manifest(&path).unwrap_or_else(|e| panic!("{e}"));
                assert!(manifest.content.file().exists(), "{}", path.display());
                count += 1;
            }
        }
    }
    assert_eq!(count, 10);
}

#[test]
fn digests_cover_all_files() {
    let a = demo("koeln/Stadtteil.shp");
    let b = demo("koeln/Stadtteil.dbf");
    let one = file_digest(&[&a]).unwrap();
    let two = file_digest(&[&a, &b]).unwrap();
    assert_eq!(one.len(), 64);
    assert_ne!(one, two);
    assert_eq!(two, file_digest(&[&a, &b]).unwrap());
}
