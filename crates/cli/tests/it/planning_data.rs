//! The data of the school planning: pupils per school, grade and school year
//! (`[institution_statistics]`) and population by single age and sex (`[statistics]`, long).

use std::path::Path;

use bimo::{ImportFailure, Imported, import_manifest};
use domain::Audience;
use store::Store;

use super::demo_dir;

const RELEASE: &str = r#"[release]
kommune = "koeln"
kommune_name = "Köln"
title = "Test"
source = "Test"
licence = "CC0"
attribution = "Test"
"#;

/// Imports a list of two schools as the collection `schulen`.
fn import_schools(store: &Store, dir: &Path) {
    std::fs::write(
        dir.join("schulen.csv"),
        "nr;name;form;x;y\n100001;GS Eins;Grundschule;6,95;50,94\n100002;Gym Zwei;Gymnasium;6,96;50,93\n",
    )
    .unwrap();
    let manifest = format!(
        "{RELEASE}\n[institutions]\ncollection = \"schulen\"\nfile = \"schulen.csv\"\nkey = \"nr\"\nname = \"name\"\nkind = \"form\"\nx = \"x\"\ny = \"y\"\ndecimal = \",\"\n"
    );
    std::fs::write(dir.join("schulen.toml"), manifest).unwrap();
    import_manifest(store, &dir.join("schulen.toml"), "t").unwrap();
}

/// Writes `csv` as `schueler.csv` with an `[institution_statistics]` manifest and imports it.
fn import_pupils(store: &Store, dir: &Path, csv: &str) -> Result<Imported, ImportFailure> {
    std::fs::write(dir.join("schueler.csv"), csv).unwrap();
    let manifest = format!(
        r#"{RELEASE}
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
"#
    );
    std::fs::write(dir.join("schueler.toml"), manifest).unwrap();
    import_manifest(store, &dir.join("schueler.toml"), "2026-11-26T00:00:00Z")
}

const PUPILS: &str =
    "schulnummer;schuljahr;klasse;anzahl\n100001;2024/25;1;56\n100001;2024/25;2;54\n100002;2025/26;5;1.054\n";

#[test]
fn pupils_per_school_grade_and_school_year_import_and_read_back() {
    let store = Store::open_in_memory().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let err = import_pupils(&store, tmp.path(), PUPILS).unwrap_err().to_string();
    assert!(
        err.ends_with("collection schulen of Kommune koeln is not in the store; import its institutions first"),
        "{err}"
    );
    import_schools(&store, tmp.path());
    let Imported::New(id) = import_pupils(&store, tmp.path(), PUPILS).unwrap() else { panic!() };
    let snap = store.snapshot(Audience::Public).unwrap();
    let koeln = snap.kommune("koeln").unwrap();
    assert_eq!(koeln.release(id).unwrap().kind, "institution_statistics");
    assert_eq!(koeln.variable("schueler").unwrap().variable.label, "Schülerinnen und Schüler");
    let got: Vec<(&str, &str, String, String, Option<f64>)> = koeln
        .institution_observations
        .iter()
        .map(|o| {
            let i = &o.observation;
            (
                o.collection.as_str(),
                i.institution.as_str(),
                i.period.to_string(),
                i.breakdown.to_string(),
                i.value.number(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("schulen", "100001", "2024/25".to_owned(), "klasse=1".to_owned(), Some(56.0)),
            ("schulen", "100001", "2024/25".to_owned(), "klasse=2".to_owned(), Some(54.0)),
            ("schulen", "100002", "2025/26".to_owned(), "klasse=5".to_owned(), Some(1054.0)),
        ]
    );
    assert_eq!(import_pupils(&store, tmp.path(), PUPILS).unwrap(), Imported::AlreadyThere(id));
}

#[test]
fn bad_pupil_rows_are_reported_with_position_and_leave_the_store_unchanged() {
    let store = Store::open_in_memory().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    import_schools(&store, tmp.path());
    let before = store.data_version().unwrap();
    let head = "schulnummer;schuljahr;klasse;anzahl\n100001;2024/25;1;56\n";
    let cases = [
        (
            "999999;2024/25;1;5\n",
            "schueler.csv:3:schulnummer: unknown institution key \"999999\": not in the newest list of collection schulen",
        ),
        (
            "100001;2024/25;1;57\n",
            "schueler.csv:3:anzahl: duplicate value for variable schueler, institution 100001, period 2024/25, breakdown klasse=1 (first on line 2)",
        ),
        ("100001;2024/25;2;-1\n", "schueler.csv:3:anzahl: negative count -1 for variable schueler"),
        (
            "100001;2024/26;2;5\n",
            "schueler.csv:3:schuljahr: invalid period \"2024/26\": expected a year such as 2012 or a school year such as 2024/25",
        ),
    ];
    for (row, message) in cases {
        let err = import_pupils(&store, tmp.path(), &format!("{head}{row}")).unwrap_err().to_string();
        assert_eq!(err, message);
        assert_eq!(store.data_version().unwrap(), before, "{row:?}");
    }
    assert!(store.snapshot(Audience::Internal).unwrap().kommune("koeln").unwrap().institution_observations.is_empty());
}

#[test]
fn population_by_single_age_and_sex_fits_the_long_statistics_format() {
    let store = Store::open_in_memory().unwrap();
    let koeln = demo_dir().join("koeln");
    for m in ["stadt.toml", "stadtbezirk.toml"] {
        import_manifest(&store, &koeln.join(m), "t").unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("gebiet;jahr;alter;geschlecht;anzahl\n");
    for alter in 0..=3 {
        for (geschlecht, base) in [("m", 100), ("w", 90)] {
            csv.push_str(&format!("001;2024;{alter};{geschlecht};{}\n", base + alter));
        }
    }
    std::fs::write(tmp.path().join("bevoelkerung.csv"), csv).unwrap();
    let manifest = format!(
        r#"{RELEASE}
[statistics]
format = "long"
file = "bevoelkerung.csv"
layers = ["stadtbezirk"]

[statistics.long]
area = "gebiet"
period = "jahr"
value = "anzahl"
variable_const = "einwohner_alter"
breakdown = ["alter", "geschlecht"]

[[statistics.variable]]
key = "einwohner_alter"
label = "Einwohner nach Einzelalter und Geschlecht"
"#
    );
    std::fs::write(tmp.path().join("bevoelkerung.toml"), manifest).unwrap();
    import_manifest(&store, &tmp.path().join("bevoelkerung.toml"), "t").unwrap();
    let snap = store.snapshot(Audience::Public).unwrap();
    let mut got: Vec<(String, String, f64)> = snap
        .kommune("koeln")
        .unwrap()
        .observations
        .iter()
        .filter(|o| o.observation.variable.as_str() == "einwohner_alter")
        .map(|o| {
            let o = &o.observation;
            (o.area.to_string(), o.breakdown.to_string(), o.value.number().unwrap())
        })
        .collect();
    got.sort_by(|a, b| a.1.cmp(&b.1));
    let cell = |b: &str, x: f64| ("001".to_owned(), b.to_owned(), x);
    assert_eq!(
        got,
        [
            cell("alter=0;geschlecht=m", 100.0),
            cell("alter=0;geschlecht=w", 90.0),
            cell("alter=1;geschlecht=m", 101.0),
            cell("alter=1;geschlecht=w", 91.0),
            cell("alter=2;geschlecht=m", 102.0),
            cell("alter=2;geschlecht=w", 92.0),
            cell("alter=3;geschlecht=m", 103.0),
            cell("alter=3;geschlecht=w", 93.0),
        ]
    );
}
