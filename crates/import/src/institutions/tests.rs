use super::*;
use crate::spec::{ContentSpec, parse_manifest};

fn spec(extra: &str) -> InstitutionsSpec {
    let text = format!(
        "[release]\nkommune = \"k\"\nkommune_name = \"K\"\ntitle = \"t\"\nsource = \"s\"\nlicence = \"l\"\nattribution = \"a\"\n[institutions]\nfile = \"s.csv\"\nkey = \"nr\"\nname = [\"n1\", \"n2\"]\nkind = \"art\"\n{extra}"
    );
    match parse_manifest(&text, "m.toml").unwrap().content {
        ContentSpec::Institutions(i) => i,
        other => panic!("not institutions: {other:?}"),
    }
}

#[test]
fn csv_with_filter_attributes_and_utm() {
    let s = spec(
        "x = \"x\"\ny = \"y\"\ncrs = \"EPSG:25832\"\nfilter = { ort = \"K\" }\n[[institutions.attribute]]\ncolumn = \"idx\"\nlabel = \"Sozialindex\"\n",
    );
    let csv = "nr;n1;n2;art;ort;x;y;idx\n1;GS A;;Grundschule;K;356000;5645000;5,0\n2;GS B;Teil 2;Grundschule;K;356000;5645100;\n3;GS C;;Grundschule;B;1;1;1\n";
    let list = parse_institutions(csv.as_bytes(), "s.csv", &s).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].attributes, [("Sozialindex".to_owned(), "5".to_owned())]);
    assert_eq!(list[1].name, "GS B, Teil 2");
    assert!(list[1].attributes.is_empty());
    assert!((list[0].location.x() - 6.96).abs() < 0.01 && (list[0].location.y() - 50.94).abs() < 0.01);
}

#[test]
fn geojson_points() {
    let s = InstitutionsSpec { file: "s.geojson".into(), ..spec("") };
    let json = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nr":7,"n1":"Kita","art":"Kita"},"geometry":{"type":"Point","coordinates":[6.9,50.9]}}]}"#;
    let list = parse_institutions(json.as_bytes(), "s.geojson", &s).unwrap();
    assert_eq!(list[0].key, "7");
    assert_eq!(list[0].location, Point::new(6.9, 50.9));
}

#[test]
fn missing_coordinates_and_duplicates_are_reported() {
    let s = spec("x = \"x\"\ny = \"y\"\n");
    let csv = "nr;n1;n2;art;x;y\n1;A;;GS;6,9;\n2;B;;GS;6,9;50,9\n2;C;;GS;6,9;50,9\n";
    let e = parse_institutions(csv.as_bytes(), "s.csv", &s).unwrap_err().to_string();
    assert_eq!(
        e,
        "s.csv:2:y: coordinate: empty value (use an official symbol such as \".\" for unknown values)\ns.csv:4:nr: duplicate key \"2\" (first at s.csv:3:nr)"
    );
}
