use super::*;
use crate::spec::{ContentSpec, parse_manifest};

fn spec(statistics: &str) -> StatisticsSpec {
    let text = format!(
        "[release]\nkommune = \"k\"\nkommune_name = \"K\"\ntitle = \"t\"\nsource = \"s\"\nlicence = \"l\"\nattribution = \"a\"\n{statistics}"
    );
    match parse_manifest(&text, "m.toml").unwrap().content {
        ContentSpec::Statistics(s) => s,
        other => panic!("not statistics: {other:?}"),
    }
}

const PLAIN: &str = r#"
[statistics]
format = "long"
file = "p.csv"
layers = ["stadtteil"]
[statistics.long]
area = "area"
period = "period"
value = "value"
variable = "variable"
[[statistics.variable]]
key = "einwohner"
label = "Einwohner"
[[statistics.variable]]
key = "quote"
label = "Quote"
unit = "percent"
"#;

#[test]
fn plain_long_format_with_breakdown_columns() {
    let csv = "area;period;variable;value;geschlecht\n101;2012;einwohner;1.675;\n101;2012;einwohner;800;w\n101;2012;quote;9,7;\n";
    let data = parse_statistics(csv.as_bytes(), "p.csv", &spec(PLAIN)).unwrap();
    assert_eq!(data.variables.len(), 2);
    assert_eq!(data.variables[0].unit, Unit::Count);
    let values: Vec<_> = data.observations.iter().map(|o| (o.value.breakdown.to_string(), o.value.value)).collect();
    assert_eq!(
        values,
        [
            (String::new(), Value::Number(1675.0)),
            ("geschlecht=w".to_owned(), Value::Number(800.0)),
            (String::new(), Value::Number(9.7)),
        ]
    );
    assert_eq!(data.observations[1].position.to_string(), "p.csv:3:value");
}

#[test]
fn unknown_variables_and_bad_periods_are_all_reported() {
    let csv = "area;period;variable;value\n101;2012;einwohner;1\n101;20x;einwohner;1\n101;2012;foo;1\n";
    let e = parse_statistics(csv.as_bytes(), "p.csv", &spec(PLAIN)).unwrap_err();
    assert_eq!(e.0.len(), 2);
    assert_eq!(e.0[0].position.to_string(), "p.csv:3:period");
    assert_eq!(e.0[1].to_string(), "p.csv:4:variable: unknown variable \"foo\": not in [[statistics.variable]]");
}

#[test]
fn aliases_and_ignored_areas() {
    let s = spec(&format!("{PLAIN}\n[statistics.aliases]\n\"A-Dorf\" = \"B-Dorf\"\n")).clone();
    let s = StatisticsSpec { ignore_areas: vec!["999".into()], ..s };
    let csv = "area;period;variable;value\nA-Dorf;2012;einwohner;1\n999;2012;einwohner;1\n";
    let data = parse_statistics(csv.as_bytes(), "p.csv", &s).unwrap();
    assert_eq!(data.observations.len(), 1);
    assert_eq!(data.observations[0].value.area.as_str(), "B-Dorf");
}

#[test]
fn area_keys_resolve_to_the_first_layer_that_has_them() {
    let csv = "area;period;variable;value\n000;2012;einwohner;1\n101;2012;einwohner;1\n";
    let data = parse_statistics(csv.as_bytes(), "p.csv", &spec(PLAIN)).unwrap();
    let key = |k: &str| AreaKey::new(k).unwrap();
    let layers = [
        KnownAreas::always(LayerKey::new("stadt").unwrap(), HashSet::from([key("000")])),
        KnownAreas::always(LayerKey::new("stadtteil").unwrap(), HashSet::from([key("101"), key("000")])),
    ];
    let resolved = check_area_keys(&data, &layers).unwrap();
    assert_eq!(resolved[0].0.as_str(), "stadt");
    assert_eq!(resolved[1].0.as_str(), "stadtteil");
}

#[test]
fn area_keys_are_checked_against_the_version_valid_in_their_period() {
    // Boundary reform in 2010: area 103 was split into 104 and 105.
    let csv = "area;period;variable;value\n103;2009;einwohner;1\n104;2011;einwohner;1\n103;2011;einwohner;1\n";
    let data = parse_statistics(csv.as_bytes(), "p.csv", &spec(PLAIN)).unwrap();
    let key = |k: &str| AreaKey::new(k).unwrap();
    let layers = [KnownAreas {
        layer: LayerKey::new("stadtteil").unwrap(),
        versions: vec![
            (Validity { from: Some(2010), to: None }, HashSet::from([key("104"), key("105")])),
            (Validity { from: None, to: Some(2009) }, HashSet::from([key("103")])),
        ],
    }];
    let e = check_area_keys(&data, &layers).unwrap_err().to_string();
    assert_eq!(e, "p.csv:4:area: unknown area key \"103\": not in layer stadtteil as valid in 2011");
}
