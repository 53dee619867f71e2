//! Integration tests of the reports on a small hand-made Kommune. This file: the Quartiersprofil: snapshots of the typst
//! source and the HTML, identical PDF bytes on rebuild, and the errors of unbound key indicators and
//! placeholders.
//!
//! The snapshots live in `tests/snapshots/`; after an intended change of the output, rewrite them
//! with `UPDATE_SNAPSHOTS=1 cargo test -p report` and review the diff.

mod atlas;
mod document;

use std::path::PathBuf;
use std::sync::Arc;

use domain::{
    Area, AreaKey, Audience, Breakdown, Institution, Kommune, Layer, Observation, Period, Provenance, Unit, Validity,
    Value, Variable,
};
use geo::{MultiPolygon, polygon};
use report::{BuildError, Narrative, ProfileConfig, Style};
use store::{Content, NewRelease, Store};
use web::atlas::Atlas;

fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        polygon![(x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)],
    ])
}

pub(crate) fn release(title: &str, day: u8, content: Content) -> NewRelease {
    NewRelease {
        kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: Some("05999000".into()) },
        title: title.into(),
        provenance: Provenance {
            source: "Statistikstelle Testdorf".into(),
            licence: "dl-de/by-2-0".into(),
            attribution: "Stadt Testdorf".into(),
            url: None,
        },
        audience: Audience::Public,
        owner: None,
        imported_at: format!("2026-11-{day:02}T08:00:00Z"),
        file: format!("{title}.csv"),
        sha256: "ab".repeat(32),
        content,
    }
}

fn area(key: &str, name: &str, parent: Option<&str>, geometry: MultiPolygon<f64>) -> Area {
    Area {
        key: key.parse().unwrap(),
        name: name.into(),
        parent: parent.map(|p| p.parse().unwrap()),
        validity: Validity::ALWAYS,
        geometry: Some(geometry),
    }
}

fn layer(key: &str, name: &str, parent: Option<&str>, areas: Vec<Area>) -> Content {
    Content::Layer {
        layer: Layer { key: key.parse().unwrap(), name: name.into(), parent: parent.map(|p| p.parse().unwrap()) },
        validity: Validity::ALWAYS,
        areas,
    }
}

/// Testdorf: a city with two Stadtbezirke and four Stadtteile, population 2021–2023 by three age
/// bands, and two schools.
pub(crate) fn testdorf() -> Store {
    let store = Store::open_in_memory().unwrap();
    store
        .import(release(
            "Stadt",
            1,
            layer("stadt", "Stadt", None, vec![area("0", "Testdorf", None, square(8.0, 50.0, 0.2))]),
        ))
        .unwrap();
    store
        .import(release(
            "Stadtbezirke",
            2,
            layer(
                "bezirk",
                "Stadtbezirk",
                Some("stadt"),
                vec![
                    area(
                        "1",
                        "Innenstadt",
                        Some("0"),
                        square(8.0, 50.0, 0.1).0.into_iter().chain(square(8.0, 50.1, 0.1)).collect(),
                    ),
                    area(
                        "2",
                        "Rheinufer",
                        Some("0"),
                        square(8.1, 50.0, 0.1).0.into_iter().chain(square(8.1, 50.1, 0.1)).collect(),
                    ),
                ],
            ),
        ))
        .unwrap();
    store
        .import(release(
            "Stadtteile",
            3,
            layer(
                "stadtteil",
                "Stadtteil",
                Some("bezirk"),
                vec![
                    area("101", "Altstadt & Hafen", Some("1"), square(8.0, 50.0, 0.1)),
                    area("102", "Neustadt-Nord", Some("1"), square(8.0, 50.1, 0.1)),
                    area("201", "Deutz", Some("2"), square(8.1, 50.0, 0.1)),
                    area("202", "Mülheim", Some("2"), square(8.1, 50.1, 0.1)),
                ],
            ),
        ))
        .unwrap();
    // Young, middle, old per Stadtteil and year; Bezirke and city are the sums.
    let people: [(&str, [f64; 3]); 4] = [
        ("101", [900.0, 4200.0, 1100.0]),
        ("102", [1500.0, 5200.0, 900.0]),
        ("201", [700.0, 2600.0, 1400.0]),
        ("202", [1800.0, 4100.0, 800.0]),
    ];
    let mut observations = Vec::new();
    let bands = ["00 - < 18", "18 - < 65", "65 und älter"];
    for year in 2021..=2023 {
        let grow = 1.0 + 0.02 * f64::from(year - 2021);
        let mut add = |layer: &str, key: &str, counts: [f64; 3]| {
            let mut push = |breakdown: &str, value: f64| {
                observations.push((
                    layer.parse().unwrap(),
                    Observation {
                        variable: "einwohner".parse().unwrap(),
                        area: AreaKey::new(key).unwrap(),
                        period: Period::Year(year),
                        breakdown: Breakdown::parse(breakdown).unwrap(),
                        value: Value::Number(value),
                    },
                ));
            };
            push("", counts.iter().sum());
            for (band, count) in bands.iter().zip(counts) {
                push(&format!("alter={band}"), count);
            }
        };
        let scaled = |c: [f64; 3], young: f64| [(c[0] * young).round(), c[1], c[2]];
        let mut bezirk = [[0.0; 3]; 2];
        for (i, (key, counts)) in people.iter().enumerate() {
            let c = scaled(*counts, if i % 2 == 0 { grow } else { 1.0 / grow });
            add("stadtteil", key, c);
            for j in 0..3 {
                bezirk[i / 2][j] += c[j];
            }
        }
        add("bezirk", "1", bezirk[0]);
        add("bezirk", "2", bezirk[1]);
        add("stadt", "0", [0, 1, 2].map(|j| bezirk[0][j] + bezirk[1][j]));
    }
    let variables = vec![Variable {
        key: "einwohner".parse().unwrap(),
        label: "Einwohner".into(),
        unit: Unit::Count,
        share_of: None,
    }];
    store.import(release("Einwohner nach Alter", 20, Content::Statistics { variables, observations })).unwrap();
    let school = |key: &str, name: &str, kind: &str, x: f64, y: f64| Institution {
        key: key.into(),
        name: name.into(),
        kind: kind.into(),
        location: geo::Point::new(x, y),
        attributes: vec![],
    };
    store
        .import(release(
            "Schulen",
            21,
            Content::Institutions {
                collection: "schulen".into(),
                institutions: vec![
                    school("100001", "Grundschule am Hafen", "Grundschule", 8.05, 50.05),
                    school("100002", "Gymnasium \"Altstadt\" #1", "Gymnasium", 8.02, 50.03),
                    school("200001", "Grundschule Deutz", "Grundschule", 8.15, 50.05),
                ],
            },
        ))
        .unwrap();
    store
}

pub(crate) fn catalogue() -> Vec<domain::indicator::Definition> {
    import::read_catalogue(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/indikatoren/katalog.toml"))
        .unwrap()
}

fn atlas() -> Atlas {
    Atlas::new(testdorf().snapshot(Audience::Public).unwrap(), Arc::new(catalogue()), Arc::new(Vec::new()))
}

fn narrative(text: &str) -> Narrative {
    Narrative { origin: "text.md".into(), text: text.into() }
}

fn config() -> ProfileConfig {
    ProfileConfig {
        indicators: ["einwohner", "jugendquote", "anteil_unter18", "anteil_ab65", "grundschulen"]
            .map(String::from)
            .to_vec(),
        text: Some(narrative(
            "Jugendquote in {{ indikator:jugendquote }}, Anteil unter 18: {{indikator:anteil_unter18}}.",
        )),
        indices: Vec::new(),
        forecasts: Vec::new(),
    }
}

pub(crate) fn style() -> Style {
    Style { accent: "#7a1f5c".into(), logo: None }
}

/// Compares `actual` with the snapshot `name`, or writes it when `UPDATE_SNAPSHOTS` is set.
pub(crate) fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {}; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(expected == actual, "{name} differs from its snapshot; run with UPDATE_SNAPSHOTS=1 and review the diff");
}

#[test]
fn typst_source_and_html_match_their_snapshots() {
    let profile = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &config()).unwrap();
    snapshot("testdorf-101.typ", &report::typst_source(&profile, &style()));
    snapshot("testdorf-101.html", &report::html(&profile, &style()));
}

#[test]
fn the_profile_compares_the_area_with_its_parent_and_the_city() {
    let profile = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &config()).unwrap();
    assert_eq!(profile.compared, ["Altstadt & Hafen", "Innenstadt", "Testdorf"]);
    assert_eq!(profile.parent, Some(("Innenstadt".to_owned(), "Stadtbezirk".to_owned())));
    let keys: Vec<&str> = profile.indicators.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, ["einwohner", "jugendquote", "anteil_unter18", "anteil_ab65", "grundschulen"]);
    // 2023: 101 has round(900 × 1.04) = 936 young people of 936 + 4200 + 1100 = 6236.
    assert_eq!(profile.indicators[0].values[0], "6.236 Personen");
    assert_eq!(profile.indicators[0].period, "2023");
    assert_eq!(profile.text.as_deref(), Some("Jugendquote in 22,3, Anteil unter 18: 15,0 %."));
    let schools: Vec<&str> = profile.schools.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(schools, ["100001", "100002"]);
    assert!(profile.time_series.is_some() && profile.age.is_some());
    assert_eq!(profile.group_charts.len(), 1, "A Rahmenbedingungen; the school count of D is no rate");
    let releases: Vec<i64> = profile.releases.iter().map(|r| r.id).collect();
    assert_eq!(releases, [1, 2, 3, 4, 5]);
    assert_eq!(profile.date, (2026, 11, 21), "the newest release used");
    for f in
        std::iter::once(&profile.locator).chain(&profile.group_charts).chain(&profile.time_series).chain(&profile.age)
    {
        assert!(!f.alt.is_empty() && f.svg.starts_with("<svg"), "{}", f.caption);
    }
}

#[test]
fn the_pdf_is_identical_when_rebuilt_from_the_same_store() {
    let first = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &config()).unwrap();
    let pdf = report::pdf(&first, &style()).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!((2..=4).contains(&pdf.pages), "{} pages", pdf.pages);
    let again = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &config()).unwrap();
    assert_eq!(first, again);
    assert!(report::pdf(&again, &style()).unwrap().bytes == pdf.bytes, "the rebuilt PDF differs");
}

#[test]
fn a_key_indicator_that_cannot_be_computed_names_the_missing_variable() {
    let config = ProfileConfig { indicators: vec!["jugendquote".into(), "arbeitslosenquote".into()], ..config() };
    let err = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &config).unwrap_err();
    assert_eq!(
        err,
        BuildError::NotComputable {
            indicator: "arbeitslosenquote".into(),
            layer: "Stadtteil".into(),
            missing: vec!["arbeitslose".into()]
        }
    );
    assert_eq!(
        err.to_string(),
        "Indikator arbeitslosenquote ist auf der Ebene Stadtteil nicht berechenbar: es fehlt arbeitslose"
    );
}

#[test]
fn a_placeholder_bound_to_missing_data_fails_with_its_name_and_the_variable() {
    let missing =
        ProfileConfig { text: Some(narrative("Arbeitslos:\n  {{ indikator:arbeitslosenquote }}.")), ..config() };
    let err = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        "text.md:2:3: Platzhalter {{ indikator:arbeitslosenquote }}: es fehlt die Variable arbeitslose"
    );
    let unknown = ProfileConfig { text: Some(narrative("{{ indikator:gibtsnicht }}")), ..config() };
    let err = report::build_profile(&atlas(), "testdorf", "stadtteil", "101", &unknown).unwrap_err();
    assert_eq!(
        err.to_string(),
        "text.md:1:1: Platzhalter {{ indikator:gibtsnicht }}: kein Indikator gibtsnicht im Katalog"
    );
}

#[test]
fn unknown_areas_and_layers_are_errors() {
    let atlas = atlas();
    let err = report::build_profile(&atlas, "testdorf", "stadtteil", "999", &config()).unwrap_err();
    assert_eq!(err.to_string(), "kein Gebiet \"999\" in der Ebene stadtteil");
    let err = report::build_profile(&atlas, "testdorf", "block", "1", &config()).unwrap_err();
    assert_eq!(err.to_string(), "keine Ebene \"block\" in testdorf");
}
