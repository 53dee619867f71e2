//! Each kind of bad input is an error naming file, line (or feature) and column (or field).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use domain::{AreaKey, LayerKey};
use import::{
    ContentSpec, Encoding, KnownAreas, LayerSpec, StatisticsSpec, check_area_keys, read_layer, read_manifest,
    read_statistics,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn statistics(file: &str) -> StatisticsSpec {
    match read_manifest(&fixture("einwohner.toml")).unwrap().content {
        ContentSpec::Statistics(spec) => StatisticsSpec { file: fixture(file), ..spec },
        other => panic!("not statistics: {other:?}"),
    }
}

fn layer_spec() -> LayerSpec {
    match read_manifest(&fixture("layer.toml")).unwrap().content {
        ContentSpec::Layer(spec) => spec,
        other => panic!("not a layer: {other:?}"),
    }
}

fn statistics_errors(file: &str) -> String {
    read_statistics(&statistics(file)).unwrap_err().to_string()
}

#[test]
fn the_fixture_itself_imports() {
    let data = read_statistics(&statistics("einwohner.csv")).unwrap();
    assert_eq!(data.observations.len(), 2);
}

#[test]
fn malformed_rows_are_all_reported() {
    assert_eq!(
        statistics_errors("malformed.csv"),
        "malformed.csv:3:wert: expected 4 fields, found 3\nmalformed.csv:4:wert: invalid number \"12a\""
    );
}

#[test]
fn unknown_area_keys() {
    let data = read_statistics(&statistics("einwohner.csv")).unwrap();
    let layers =
        [KnownAreas::always(LayerKey::new("stadtteil").unwrap(), HashSet::from([AreaKey::new("101").unwrap()]))];
    let e = check_area_keys(&data, &layers).unwrap_err().to_string();
    assert_eq!(e, "einwohner.csv:3:gebiet: unknown area key \"102\": not in layer stadtteil");
}

#[test]
fn duplicate_observations() {
    assert_eq!(
        statistics_errors("duplicate.csv"),
        "duplicate.csv:4:wert: duplicate value for variable einwohner, area 101, period 2012, breakdown total (first on line 2)"
    );
}

#[test]
fn negative_counts() {
    assert_eq!(statistics_errors("negative.csv"), "negative.csv:2:wert: negative count -5 for variable einwohner");
}

#[test]
fn shares_outside_0_to_100_percent() {
    assert_eq!(statistics_errors("share.csv"), "share.csv:2:wert: share 100.5 % outside [0, 100] % for variable quote");
}

#[test]
fn wrong_encoding() {
    assert_eq!(
        statistics_errors("windows1252.csv"),
        "windows1252.csv:3:2: invalid utf-8 byte 0xf6; the file may be windows-1252 (set encoding = \"windows-1252\")"
    );
    let spec = StatisticsSpec { encoding: Encoding::Windows1252, ..statistics("windows1252.csv") };
    let data = read_statistics(&spec).unwrap();
    assert_eq!(data.observations[1].value.area.as_str(), "Köln");
}

#[test]
fn empty_file() {
    assert_eq!(statistics_errors("empty.csv"), "empty.csv: the file is empty");
}

#[test]
fn self_intersecting_polygon() {
    let e = read_layer(&layer_spec()).unwrap_err().to_string();
    assert!(e.starts_with("bowtie.geojson: feature 2: invalid polygon (key 2): "), "{e}");
    assert!(e.contains("self-intersection"), "{e}");
}

fn shapefile_without_prj() -> (tempfile::TempDir, LayerSpec) {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/koeln");
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(demo.join(format!("Stadtbezirk.{ext}")), dir.path().join(format!("bezirk.{ext}"))).unwrap();
    }
    let spec = LayerSpec {
        file: dir.path().join("bezirk.shp"),
        key_field: "STB_NR".into(),
        name_field: "STB_NAME".into(),
        ..layer_spec()
    };
    (dir, spec)
}

#[test]
fn missing_crs() {
    let (_dir, spec) = shapefile_without_prj();
    assert_eq!(
        read_layer(&spec).unwrap_err().to_string(),
        "bezirk.shp: missing crs: no .prj file beside the shapefile and no crs in the manifest"
    );
}

#[test]
fn unknown_crs() {
    let (_dir, spec) = shapefile_without_prj();
    let spec = LayerSpec { crs: Some("EPSG:1".into()), ..spec };
    assert_eq!(read_layer(&spec).unwrap_err().to_string(), "bezirk.shp: unknown crs \"EPSG:1\"");
}

#[test]
fn missing_attribute_names_the_field() {
    let (_dir, spec) = shapefile_without_prj();
    let spec = LayerSpec { crs: Some("EPSG:25832".into()), key_field: "NR".into(), ..spec };
    let e = read_layer(&spec).unwrap_err().to_string();
    assert!(e.starts_with("bezirk.shp: field NR: no such attribute; the .dbf has STB_NR, STB_NAME"), "{e}");
}

#[test]
fn missing_wide_column() {
    let ContentSpec::Statistics(spec) = read_manifest(&fixture("wide.toml")).unwrap().content else {
        panic!("not statistics")
    };
    assert_eq!(
        read_statistics(&spec).unwrap_err().to_string(),
        "einwohner.csv:1:Bevölkerung: column \"Bevölkerung\" is missing from the header"
    );
}
