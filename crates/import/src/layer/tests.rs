use super::*;
use crate::spec::{ContentSpec, parse_manifest};

fn spec(extra: &str) -> LayerSpec {
    let text = format!(
        "[release]\nkommune = \"k\"\nkommune_name = \"K\"\ntitle = \"t\"\nsource = \"s\"\nlicence = \"l\"\nattribution = \"a\"\n[layer]\nkey = \"teil\"\nname = \"Teile\"\nfile = \"t.geojson\"\nkey_field = \"nr\"\nname_field = \"name\"\n{extra}"
    );
    match parse_manifest(&text, "m.toml").unwrap().content {
        ContentSpec::Layer(l) => l,
        other => panic!("not a layer: {other:?}"),
    }
}

fn square(x: f64, y: f64, size: f64) -> String {
    format!("[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]", x + size, x + size, y + size, y + size)
}

fn collection(features: &[(&str, &str, String)]) -> String {
    let features: Vec<String> = features
        .iter()
        .map(|(nr, name, rings)| {
            format!(r#"{{"type":"Feature","properties":{{"nr":{nr},"name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":{rings}}}}}"#)
        })
        .collect();
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

fn layer(json: &str, spec: &LayerSpec) -> Result<LayerData, ImportErrors> {
    let (features, crs) = parse_geojson(json.as_bytes(), "t.geojson", spec)?;
    build_layer(features, &crs, &Position::file("t.geojson"), spec)
}

#[test]
fn pads_keys_and_derives_parents_from_prefixes() {
    let json = collection(&[("1", "A", square(6.9, 50.9, 0.01)), ("\"10102\"", "B", square(7.0, 50.9, 0.01))]);
    let data = layer(&json, &spec("key_width = 3\nparent_key_prefix = 1\n")).unwrap();
    assert_eq!(data.areas[0].key.as_str(), "001");
    assert_eq!(data.areas[1].key.as_str(), "10102");
    assert_eq!(data.areas[1].parent.as_ref().map(AreaKey::as_str), Some("1"));
    assert!(data.parent_field_given);
}

#[test]
fn merges_and_dissolves_by_union() {
    let json = collection(&[
        ("1", "A", square(6.9, 50.9, 0.01)),
        ("2", "B", square(6.91, 50.9, 0.01)),
        ("3", "C", square(7.1, 50.9, 0.01)),
    ]);
    let data = layer(&json, &spec("[layer.merge]\n\"A und B\" = [\"1\", \"2\"]\n")).unwrap();
    assert_eq!(data.areas.len(), 2);
    let merged = data.areas.iter().find(|a| a.key.as_str() == "A und B").unwrap();
    assert_eq!(merged.name, "A und B");
    assert_eq!(merged.geometry.as_ref().unwrap().0.len(), 1);
    let data = layer(&json, &spec("dissolve = { key = \"000\", name = \"Stadt\" }\n")).unwrap();
    assert_eq!(data.areas.len(), 1);
    assert_eq!(data.areas[0].geometry.as_ref().unwrap().0.len(), 2);
}

#[test]
fn rekey_corrects_a_wrong_key_and_fails_when_the_file_changed() {
    let json = collection(&[("1", "A", square(6.9, 50.9, 0.01)), ("1", "B", square(7.0, 50.9, 0.01))]);
    let e = layer(&json, &spec("")).unwrap_err().to_string();
    assert!(e.contains("duplicate key \"1\""), "{e}");
    let data = layer(&json, &spec("rekey = [{ feature = 2, from = \"1\", to = \"2\" }]\n")).unwrap();
    let keys: Vec<&str> = data.areas.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["1", "2"]);
    let e = layer(&json, &spec("rekey = [{ feature = 2, from = \"7\", to = \"2\" }]\n")).unwrap_err().to_string();
    assert!(e.contains("t.geojson: feature 2: field nr: rekey: feature 2 has key \"1\", not \"7\""), "{e}");
    let e = layer(&json, &spec("rekey = [{ feature = 9, from = \"1\", to = \"2\" }]\n")).unwrap_err().to_string();
    assert!(e.contains("the file has no feature 9"), "{e}");
}

#[test]
fn repeated_points_are_repaired() {
    let rings = "[[[6.9,50.9],[7.0,50.9],[7.0,50.9],[7.0,51.0],[6.9,51.0],[6.9,50.9]]]".to_owned();
    let data = layer(&collection(&[("1", "A", rings)]), &spec("")).unwrap();
    assert_eq!(data.areas[0].geometry.as_ref().unwrap().0[0].exterior().0.len(), 5);
}

#[test]
fn projected_geojson_without_crs_is_implausible() {
    let json = collection(&[("1", "A", square(356_000.0, 5_645_000.0, 100.0))]);
    let e = layer(&json, &spec("")).unwrap_err().to_string();
    assert_eq!(e, "t.geojson: feature 1: coordinates outside wgs84 after reprojection; check the crs");
    let data = layer(&json, &spec("crs = \"EPSG:25832\"\n")).unwrap();
    assert!(data.areas[0].geometry.is_some());
}

#[test]
fn sliver_loops_at_a_pinch_vertex_are_cut_out() {
    // The ring returns to (7.0, 50.9) after a tiny detour, as Köln's Stadtteil 202 does.
    let rings =
        "[[[6.9,50.9],[7.0,50.9],[7.0000001,50.8999999],[7.0000002,50.9],[7.0,50.9],[7.0,51.0],[6.9,51.0],[6.9,50.9]]]";
    let data = layer(&collection(&[("1", "A", rings.to_owned())]), &spec("")).unwrap();
    assert_eq!(data.areas[0].geometry.as_ref().unwrap().0[0].exterior().0.len(), 5);
}
