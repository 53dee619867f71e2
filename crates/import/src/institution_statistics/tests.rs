use super::*;
use crate::spec::{ContentSpec, parse_manifest};

fn spec(block: &str) -> InstitutionStatisticsSpec {
    let text = format!(
        "[release]\nkommune = \"k\"\nkommune_name = \"K\"\ntitle = \"t\"\nsource = \"s\"\nlicence = \"l\"\nattribution = \"a\"\n{block}"
    );
    match parse_manifest(&text, "m.toml").unwrap().content {
        ContentSpec::InstitutionStatistics(s) => s,
        other => panic!("not institution statistics: {other:?}"),
    }
}

const PUPILS: &str = r#"
[institution_statistics]
collection = "schulen"
file = "schueler.csv"
institution = "schulnummer"
period = "schuljahr"
value = "anzahl"
variable_const = "schueler"
breakdown = ["klasse"]
[[institution_statistics.variable_def]]
key = "schueler"
label = "Schülerinnen und Schüler"
"#;

const CSV: &str = "schulnummer;schuljahr;klasse;anzahl\n\
                   100001;2024/25;1;56\n\
                   100001;2024/25;2;1.054\n\
                   100001;2025/26;1;57,5\n\
                   100002;2024/25;5;.\n\
                   100002;2024/25;;240\n";

fn cells(data: &InstitutionStatisticsData) -> Vec<(String, String, String, Value, String)> {
    data.observations
        .iter()
        .map(|o| {
            let i = &o.value;
            (i.institution.clone(), i.period.to_string(), i.breakdown.to_string(), i.value, o.position.to_string())
        })
        .collect()
}

#[test]
fn pupils_per_school_grade_and_school_year() {
    let data = parse_institution_statistics(CSV.as_bytes(), "schueler.csv", &spec(PUPILS)).unwrap();
    assert_eq!(
        data.variables,
        [Variable {
            key: "schueler".parse().unwrap(),
            label: "Schülerinnen und Schüler".into(),
            unit: Unit::Count,
            share_of: None
        }]
    );
    assert_eq!(data.institution_column, "schulnummer");
    assert_eq!(data.observations[0].value.period, Period::SchoolYear(2024));
    let dot = Value::Symbol(domain::Symbol::parse(".").unwrap());
    let row = |s: &str, p: &str, b: &str, v: Value, at: &str| (s.into(), p.into(), b.into(), v, at.into());
    assert_eq!(
        cells(&data),
        [
            row("100001", "2024/25", "klasse=1", Value::Number(56.0), "schueler.csv:2:anzahl"),
            row("100001", "2024/25", "klasse=2", Value::Number(1054.0), "schueler.csv:3:anzahl"),
            row("100001", "2025/26", "klasse=1", Value::Number(57.5), "schueler.csv:4:anzahl"),
            row("100002", "2024/25", "klasse=5", dot, "schueler.csv:5:anzahl"),
            row("100002", "2024/25", "", Value::Number(240.0), "schueler.csv:6:anzahl"),
        ]
    );
}

#[test]
fn a_variable_column_is_mapped_and_rows_skipped() {
    let block = r#"
[institution_statistics]
collection = "schulen"
file = "s.csv"
institution = "Schulnummer"
period = "Schuljahr"
value = "Wert"
variable = "Merkmal"
breakdown = ["klasse", "geschlecht"]
skip_variables = ["Klassen"]
[institution_statistics.variables]
"Schüler" = { key = "schueler", label = "Schüler", unit = "count" }
"Anteil Ganztag" = { key = "ganztag_anteil", label = "Anteil im Ganztag", unit = "percent" }
"#;
    let csv = "Schulnummer,Schuljahr,Merkmal,klasse,geschlecht,Wert\n\
               7,2024/25,Schüler,5,w,30\n\
               7,2024/25,Klassen,5,,3\n\
               7,2024/25,Anteil Ganztag,,,\"45,5\"\n";
    let data = parse_institution_statistics(csv.as_bytes(), "s.csv", &spec(block)).unwrap();
    let keys: Vec<&str> = data.variables.iter().map(|v| v.key.as_str()).collect();
    assert_eq!(keys, ["ganztag_anteil", "schueler"]);
    let got: Vec<(&str, String, Option<f64>)> = data
        .observations
        .iter()
        .map(|o| (o.value.variable.as_str(), o.value.breakdown.to_string(), o.value.value.number()))
        .collect();
    assert_eq!(
        got,
        [("schueler", "geschlecht=w;klasse=5".to_owned(), Some(30.0)), ("ganztag_anteil", String::new(), Some(45.5))]
    );
}

#[test]
fn every_bad_row_is_reported_at_its_cell() {
    let csv = "schulnummer;schuljahr;klasse;anzahl\n\
               100001;2024/25;1;56\n\
               100001;2024/26;1;5\n\
               100001;2024/25;1;57\n\
               100001;2024/25;2;-3\n\
               ;2024/25;3;10\n\
               100002;2024/25;4;viele\n";
    let err = parse_institution_statistics(csv.as_bytes(), "schueler.csv", &spec(PUPILS)).unwrap_err();
    let lines: Vec<String> = err.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "schueler.csv:3:schuljahr: invalid period \"2024/26\": expected a year such as 2012 or a school year such as 2024/25",
            "schueler.csv:4:anzahl: duplicate value for variable schueler, institution 100001, period 2024/25, breakdown klasse=1 (first on line 2)",
            "schueler.csv:5:anzahl: negative count -3 for variable schueler",
            "schueler.csv:6:schulnummer: empty institution key",
            &format!("schueler.csv:7:anzahl: {}", crate::parse_number("viele", crate::Decimal::Comma).unwrap_err()),
        ]
    );
}

#[test]
fn missing_columns_and_undeclared_variables_are_reported() {
    let block = PUPILS.replace("variable_const = \"schueler\"", "variable_const = \"klassen\"");
    let err = parse_institution_statistics(b"schulnummer;jahr;anzahl\n1;2024;3\n", "s.csv", &spec(&block)).unwrap_err();
    let lines: Vec<String> = err.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "s.csv: variable_const klassen is not declared in [[institution_statistics.variable_def]]",
            "s.csv:1:schuljahr: column \"schuljahr\" is missing from the header",
            "s.csv:1:klasse: column \"klasse\" is missing from the header",
        ]
    );
}

#[test]
fn unknown_institution_keys_are_reported_at_the_key_cell() {
    let data = parse_institution_statistics(CSV.as_bytes(), "schueler.csv", &spec(PUPILS)).unwrap();
    let known: HashSet<String> = ["100001".to_owned()].into();
    let err = check_institution_keys(&data, "schulen", &known).unwrap_err();
    let lines: Vec<String> = err.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "schueler.csv:5:schulnummer: unknown institution key \"100002\": not in the newest list of collection schulen",
            "schueler.csv:6:schulnummer: unknown institution key \"100002\": not in the newest list of collection schulen",
        ]
    );
    let known: HashSet<String> = ["100001".to_owned(), "100002".to_owned()].into();
    assert_eq!(check_institution_keys(&data, "schulen", &known).unwrap().len(), 5);
}

#[test]
fn a_bad_block_is_refused_when_the_manifest_is_read() {
    let text = |block: &str| {
        format!(
            "[release]\nkommune = \"k\"\nkommune_name = \"K\"\ntitle = \"t\"\nsource = \"s\"\nlicence = \"l\"\nattribution = \"a\"\n{block}"
        )
    };
    let both = PUPILS.replace("breakdown", "variable = \"merkmal\"\nbreakdown");
    let err = parse_manifest(&text(&both), "m.toml").unwrap_err();
    assert!(err.to_string().contains("give exactly one of variable (a column) and variable_const"), "{err}");
    let err =
        parse_manifest(&text(&PUPILS.replace("collection = \"schulen\"", "collection = \"\"")), "m.toml").unwrap_err();
    assert!(err.to_string().contains("collection must not be empty"), "{err}");
}

#[test]
fn a_spreadsheet_is_read_like_a_csv_file() {
    let bytes = include_bytes!("../../tests/fixtures/schueler.xlsx");
    let xlsx = InstitutionStatisticsSpec { file: "schueler.xlsx".into(), ..spec(PUPILS) };
    let data = parse_institution_statistics(bytes, "schueler.xlsx", &xlsx).unwrap();
    let row = |s: &str, p: &str, b: &str, x: f64, at: &str| (s.into(), p.into(), b.into(), Value::Number(x), at.into());
    assert_eq!(
        cells(&data),
        [
            row("100001", "2024/25", "klasse=1", 56.0, "schueler.xlsx[Schueler]:2:D (anzahl)"),
            row("100001", "2024/25", "klasse=2", 54.0, "schueler.xlsx[Schueler]:3:D (anzahl)"),
            row("100002", "2025/26", "klasse=5", 1054.0, "schueler.xlsx[Schueler]:4:D (anzahl)"),
        ]
    );
}
