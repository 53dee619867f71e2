//! Indicators on Testdorf: computation, intervals, comparison with the city, catalogue and grid.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use domain::indicator::{Bereich, Definition, IndicatorKey, Kind, Stage, Tier};
use domain::uncertainty::Polarity;
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::testdorf;

fn definition(
    key: &str,
    kind: Kind,
    numerator: &str,
    denominator: Option<&str>,
    factor: f64,
    unit: &str,
) -> Definition {
    Definition {
        key: IndicatorKey::new(key).unwrap(),
        label: format!("Indikator {key}"),
        bereich: Bereich::A,
        tier: Tier::Kern,
        stage: Stage::Kontext,
        kind,
        numerator: numerator.parse().unwrap(),
        denominator: denominator.map(|d| d.parse().unwrap()),
        factor,
        unit: unit.into(),
        polarity: Polarity::NoJudgement,
        min_denominator: 0.0,
        source: "Testquelle".into(),
        reference_date: "31.12.".into(),
        interpretation: "Zum Testen.".into(),
    }
}

pub(crate) fn catalogue() -> Vec<Definition> {
    vec![
        definition("anteil_u18", Kind::Proportion, "einwohner[alter=0..18]", Some("einwohner"), 100.0, "%"),
        definition("grundschulen", Kind::Count, "einrichtungen(art=Grundschule)", None, 1.0, "Schulen"),
        definition("kitaquote", Kind::Proportion, "kita_kinder", Some("einwohner[alter=0..6]"), 100.0, "%"),
        definition("kinder", Kind::Rate, "kinder", Some("einwohner"), 1000.0, "je 1000 Einwohner"),
        definition("falsch", Kind::Proportion, "quote", Some("einwohner"), 100.0, "%"),
    ]
}

async fn get(uri: &str) -> (u16, String) {
    get_on(testdorf(), uri).await
}

async fn get_on(store: store::Store, uri: &str) -> (u16, String) {
    let state = web::AppState::new(Arc::new(store)).with_catalogue(catalogue());
    let response = web::app(state).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_catalogue_says_what_can_be_computed_and_what_is_missing() {
    let (status, html) = get("/atlas/testdorf/indikatoren").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<a href="/atlas/testdorf/indikator/anteil_u18">Indikator anteil_u18</a>"#), "{html}");
    assert!(html.contains("es fehlen: kita_kinder"));
    assert!(
        html.contains("5 Indikatoren nach dem Anwendungsleitfaden") && html.contains("; 2 davon lassen sich"),
        "{html}"
    );
}

#[tokio::test]
async fn the_sheet_shows_values_intervals_and_the_comparison_with_the_city() {
    let (status, html) = get("/atlas/testdorf/indikator/anteil_u18?layer=quartier&year=2012").await;
    assert_eq!(status, 200, "{html}");
    // Quartier 1: 50 of 500 = 10,0 %, Wilson 95 % [7,7; 12,9]; the city: 220 of 1100 = 20,0 %.
    // statsmodels: proportion_confint(50, 500, 0.05, method='wilson') = (0.07668, 0.12942)
    assert!(html.contains(">10,0 %<") && html.contains("7,7 % – 12,9 %"), "{html}");
    assert!(html.contains("Gesamtstadt: <strong>20,0 %</strong>"));
    // Quartier 2: 170 of 600 = 28,3 %, interval (0.2487, 0.3207) lies above 20 %: higher.
    assert!(html.contains("△ höher") && html.contains("▽ niedriger"));
    assert!(html.contains("Wilson-Intervall"));
    assert!(html.contains("100 × (einwohner[alter=0..18]) / (einwohner)"));
}

#[tokio::test]
async fn institutions_are_counted_per_area() {
    let (status, html) = get("/atlas/testdorf/indikator/grundschulen?layer=quartier").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Altstadt &amp; Hafen: 1 Schulen"), "{html}");
    assert!(html.contains("Neustadt: 0 Schulen"));
    assert!(html.contains("aktueller Stand"));
    assert!(html.contains("Stadt Testdorf – Schulen (Lizenz"), "the school list is named as the source");
    assert!(!html.contains("Stadt Testdorf – Einwohner (Lizenz"), "population figures are not used here");
}

#[tokio::test]
async fn an_indicator_without_data_is_not_found_with_the_reason() {
    let (status, html) = get("/atlas/testdorf/indikator/kitaquote").await;
    assert_eq!(status, 404);
    assert!(html.contains("kita_kinder"), "{html}");
    assert_eq!(get("/atlas/testdorf/indikator/gibtsnicht").await.0, 404);
}

#[tokio::test]
async fn the_overview_grid_marks_each_area_against_the_city() {
    let (status, html) = get("/atlas/testdorf/indikatoren/uebersicht?layer=quartier").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"<td class="num j-lower" title="niedriger">▽ 10,0 %</td>"#), "{html}");
    assert!(html.contains(r#"<td class="num j-higher" title="höher">△ 28,3 %</td>"#));
    assert!(!html.contains("Indikator grundschulen"), "counts have no interval and stay out of the grid");
}

#[tokio::test]
async fn counts_known_only_for_the_quarters_are_summed_for_the_city() {
    use domain::{AreaKey, Breakdown, Observation, Period, Unit, Value, Variable};
    let store = testdorf();
    let kinder = |area: &str, x: f64| {
        (
            "quartier".parse().unwrap(),
            Observation {
                variable: "kinder".parse().unwrap(),
                area: AreaKey::new(area).unwrap(),
                period: Period::Year(2012),
                breakdown: Breakdown::TOTAL,
                value: Value::Number(x),
            },
        )
    };
    let variables =
        vec![Variable { key: "kinder".parse().unwrap(), label: "Kinder".into(), unit: Unit::Count, share_of: None }];
    let content = store::Content::Statistics { variables, observations: vec![kinder("1", 30.0), kinder("2", 45.0)] };
    store.import(crate::release("Kinder", domain::Audience::Public, content)).unwrap();
    // The city has no "kinder" of its own: 30 + 45 = 75 per 1100 inhabitants = 68,2 per 1000,
    // the ratio of the sums, not the mean of the quarters' rates (60,0 and 75,0).
    let (status, html) = get_on(store, "/atlas/testdorf/indikator/kinder?layer=quartier&year=2012").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Gesamtstadt: <strong>68,2</strong>"), "{html}");
}

#[tokio::test]
async fn the_area_profile_lists_its_indicators_against_the_city() {
    let (status, html) = get("/atlas/testdorf/gebiet/quartier/1?year=2012").await;
    assert_eq!(status, 200, "{html}");
    let section = &html[html.find(r#"id="indikatoren""#).expect("an indicator section")..];
    assert!(section.contains("Indikator anteil_u18"), "{section}");
    assert!(
        section.contains(r#"<td class="num">10,0 %</td><td class="num">20,0 %</td><td>niedriger</td>"#),
        "{section}"
    );
    assert!(section.contains(r#"<td class="num">1 Schulen</td>"#), "the school count of the quarter");
}

#[tokio::test]
async fn the_indicator_api_matches_the_openapi_document() {
    let (status, body) = get("/api/kommunen/testdorf/indicators").await;
    assert_eq!(status, 200);
    crate::api::check_against_openapi("/api/kommunen/{kommune}/indicators", &body);
    let list: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(list.iter().filter(|i| i["computable"] == true).count(), 2);
    let (status, body) = get("/api/kommunen/testdorf/indicators/anteil_u18/values?layer=quartier&period=2012").await;
    assert_eq!(status, 200, "{body}");
    crate::api::check_against_openapi("/api/kommunen/{kommune}/indicators/{indicator}/values", &body);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["city"]["value"], 20.0);
    assert_eq!(v["values"][0]["numerator"], 50.0);
    assert_eq!(v["values"][0]["judgement"], "lower");
    // statsmodels: proportion_confint(50, 500, 0.05, method='wilson') = (0.07667756273730171, 0.1294219096319401)
    assert!((v["values"][0]["lower"].as_f64().unwrap() - 7.667756273730171).abs() < 1e-9);
    assert_eq!(get("/api/kommunen/testdorf/indicators/kitaquote/values").await.0, 404);
}

#[tokio::test]
async fn a_definition_that_misuses_a_unit_is_refused_with_the_reason() {
    use domain::{AreaKey, Breakdown, Observation, Period, Unit, Value, Variable};
    let store = testdorf();
    let quote = Observation {
        variable: "quote".parse().unwrap(),
        area: AreaKey::new("1").unwrap(),
        period: Period::Year(2012),
        breakdown: Breakdown::TOTAL,
        value: Value::Number(12.5),
    };
    let variables =
        vec![Variable { key: "quote".parse().unwrap(), label: "Quote".into(), unit: Unit::Percent, share_of: None }];
    let content = store::Content::Statistics { variables, observations: vec![("quartier".parse().unwrap(), quote)] };
    store.import(crate::release("Quote", domain::Audience::Public, content)).unwrap();
    let (_, html) = get_on(store, "/atlas/testdorf/indikatoren").await;
    assert!(html.contains("Einheit passt nicht: quote ist keine Anzahl (Einheit percent)"), "{html}");
}

#[tokio::test]
async fn targets_show_their_progress_on_the_sheet_and_in_the_chart() {
    let targets = import::parse_targets(
        r#"
[[ziel]]
kommune = "testdorf"
indikator = "anteil_u18"
wert = 18
jahr = 2030
richtung = "hoechstens"
quelle = "Beispielziel"

[[ziel]]
kommune = "testdorf"
indikator = "anteil_u18"
wert = 12
jahr = 2030
richtung = "mindestens"
quelle = "Quartiersplan"
ebene = "quartier"
gebiet = "1"
"#,
        "ziele.toml",
    )
    .unwrap()
    .ziele;
    let state = web::AppState::new(Arc::new(testdorf())).with_catalogue(catalogue()).with_targets(targets);
    let request =
        Request::get("/atlas/testdorf/indikator/anteil_u18?layer=quartier&year=2012").body(Body::empty()).unwrap();
    let response = web::app(state).oneshot(request).await.unwrap();
    let html = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    // The city: 20,0 % against at most 18 % – 2,0 points to go; quarter 1: 10,0 % against at least 12 %.
    assert!(html.contains("höchstens 18,0 % bis 2030 (Beispielziel). Stand 2012: 20,0 % – es fehlen 2,0 %"), "{html}");
    assert!(html.contains("mindestens 12,0 % bis 2030: es fehlen 2,0 %"), "{html}");
    assert!(html.contains(r#"class="target""#) && html.contains(">Ziel 2030<"), "the chart draws the target line");
}

#[tokio::test]
async fn a_time_series_on_new_boundaries_reestimates_the_old_years_and_marks_the_break() {
    let store = testdorf_with_new_boundaries();
    let (status, html) = get_on(store, "/atlas/testdorf/indikator/anteil_u18?layer=quartier&year=2013&gebiet=N1").await;
    assert_eq!(status, 200, "{html}");
    // 2012 on the new boundaries: half of Quartier 1 (50 of 500 under 18) = 25 of 250 = 10 %;
    // 2013 as delivered: 60 of 300 = 20 %.
    assert!(html.contains("Neu 1, 2012: 10 %") && html.contains("Neu 1, 2013: 20 %"), "{html}");
    assert!(html.contains("Auf den aktuellen Gebietsstand umgeschätzt: 2011, 2012"), "{html}");
    assert!(html.contains(r#"class="break""#));
    assert!(html.contains("nach Flächenanteilen umgeschätzt"));
}

/// Testdorf with new Quartier boundaries from 2013 (N1: the west half of Quartier 1, N2: the rest).
fn testdorf_with_new_boundaries() -> store::Store {
    use domain::{Layer, Validity, Value};
    use geo::{MultiPolygon, polygon};
    let store = testdorf();
    // New boundaries from 2013: "Neu 1" is the west half of Quartier 1, "Neu 2" the rest.
    let rect = |x0: f64, x1: f64| {
        MultiPolygon::new(vec![polygon![(x: x0, y: 50.0), (x: x1, y: 50.0), (x: x1, y: 50.1), (x: x0, y: 50.1)]])
    };
    let layer = store::Content::Layer {
        layer: Layer {
            key: "quartier".parse().unwrap(),
            name: "Quartiere".into(),
            parent: Some("stadt".parse().unwrap()),
        },
        validity: Validity { from: Some(2013), to: None },
        areas: vec![
            crate::area("N1", "Neu 1", Some("0"), rect(8.0, 8.05)),
            crate::area("N2", "Neu 2", Some("0"), rect(8.05, 8.2)),
        ],
    };
    store.import(crate::release("Quartiere ab 2013", domain::Audience::Public, layer)).unwrap();
    let n = Value::Number;
    let observations = vec![
        crate::obs("quartier", "N1", 2013, "", n(300.0)),
        crate::obs("quartier", "N1", 2013, "alter=00 - < 18", n(60.0)),
        crate::obs("quartier", "N1", 2013, "alter=18 und älter", n(240.0)),
        crate::obs("stadt", "0", 2013, "", n(1150.0)),
    ];
    let variables = vec![domain::Variable {
        key: "einwohner".parse().unwrap(),
        label: "Einwohner".into(),
        unit: domain::Unit::Count,
        share_of: None,
    }];
    store
        .import(crate::release(
            "Einwohner 2013",
            domain::Audience::Public,
            store::Content::Statistics { variables, observations },
        ))
        .unwrap();
    store
}

#[tokio::test]
async fn an_imported_crosswalk_takes_precedence_over_surface_shares() {
    let store = testdorf_with_new_boundaries();
    let key = |k: &str| domain::AreaKey::new(k).unwrap();
    // The Statistikstelle knows from its address register that only 20 % of Quartier 1's people live in N1.
    let crosswalk = domain::crosswalk::Crosswalk::from_shares(vec![
        (key("1"), key("N1"), 0.2),
        (key("1"), key("N2"), 0.8),
        (key("2"), key("N2"), 1.0),
    ])
    .unwrap();
    let content = store::Content::Crosswalk {
        from: ("quartier".parse().unwrap(), Some(2012)),
        to: ("quartier".parse().unwrap(), Some(2013)),
        crosswalk,
    };
    store.import(crate::release("Umschlüsselung 2013", domain::Audience::Public, content)).unwrap();
    let (status, html) = get_on(store, "/atlas/testdorf/indikator/anteil_u18?layer=quartier&year=2013&gebiet=N2").await;
    assert_eq!(status, 200, "{html}");
    // 2012 on N2: (0,8 · 50 + 170) / (0,8 · 500 + 600) = 210 / 1000 = 21 %; by surface it would be
    // (0,5 · 50 + 170) / (0,5 · 500 + 600) = 22,9 %.
    assert!(html.contains("Neu 2, 2012: 21 %"), "{html}");
    assert!(html.contains("nach einer eingelesenen Umschlüsselungstabelle umgeschätzt"));
}

#[tokio::test]
async fn any_area_can_be_the_benchmark() {
    let (status, html) =
        get("/atlas/testdorf/indikator/anteil_u18?layer=quartier&year=2012&vergleich=quartier:2").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Alle Gebiete im Vergleich mit Neustadt"), "{html}");
    assert!(html.contains("Neustadt: <strong>28,3 %</strong>"));
    // Quartier 1 (10,0 %, interval 7,7–12,9) lies below Neustadt's 28,3 %; Neustadt is similar to itself.
    assert!(html.contains("▽ niedriger") && html.contains("● ähnlich"), "{html}");
    let (status, grid) = get("/atlas/testdorf/indikatoren/uebersicht?layer=quartier&vergleich=quartier:2").await;
    assert_eq!(status, 200);
    assert!(
        grid.contains("im Vergleich mit Neustadt")
            && grid.contains(r#"<td class="num j-similar" title="ähnlich">● 28,3 %</td>"#),
        "{grid}"
    );
    assert_eq!(get("/atlas/testdorf/indikator/anteil_u18?vergleich=quartier:9").await.0, 404);
    assert_eq!(get("/atlas/testdorf/indikator/anteil_u18?vergleich=9").await.0, 400);
}
