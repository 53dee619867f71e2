//! The Sozialmonitoring pages: an index over Testdorf's two Quartiere, its CSV with exact values,
//! the per-area explanation, and clear errors.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::composite::{Aggregation, Cutter, IndexSpec, Normalisation, Sd};
use domain::monitoring::{MonitoringSpec, Part};
use http_body_util::BodyExt;
use tower::ServiceExt;
use web::monitoring::IndexDefinition;

use crate::testdorf;

fn part(key: &str) -> Part {
    Part {
        key: key.into(),
        indicators: vec!["einwohner".into()],
        spec: IndexSpec {
            weights: vec![1.0],
            normalisation: Normalisation::ZScore(Sd::Population),
            aggregation: Aggregation::Sum,
            restandardise: true,
            cutter: Cutter::Cuts(vec![-1.0, 1.0, 1.5]),
        },
        codes: ["1", "2", "3", "4"].map(String::from).to_vec(),
        names: ["hoch", "mittel", "niedrig", "sehr niedrig"].map(String::from).to_vec(),
    }
}

/// A status index over the inhabitants, and optionally a dynamics part over their change in one
/// year (which needs 2011, where Neustadt's count is secret).
fn definition(dynamics: bool) -> IndexDefinition {
    let mut parts = vec![part("status")];
    let mut windows = vec![0];
    if dynamics {
        parts.push(part("dynamik"));
        windows.push(1);
    }
    IndexDefinition {
        key: "test-index".into(),
        title: "Testindex".into(),
        description: "Ein Index zum Testen.".into(),
        kommune: "testdorf".into(),
        layer: "quartier".into(),
        population: vec!["einwohner".into()],
        windows,
        spec: MonitoringSpec { min_population: Some(300.0), exclusions: vec![], parts, combined: None },
        attention: vec!["3".into(), "4".into()],
        sensitivity: vec![None; if dynamics { 2 } else { 1 }],
    }
}

async fn get(definition: IndexDefinition, uri: &str) -> (StatusCode, String) {
    let state = web::AppState::new(Arc::new(testdorf())).with_indices(vec![definition]);
    let response = web::app(state).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_index_page_maps_classes_and_lists_every_intermediate_value() {
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Testindex – Testdorf, Ausgabe 2012"), "{html}");
    // 500 and 600 inhabitants: z = −1 and +1, re-standardised the same; both "mittel".
    assert!(html.contains("Altstadt &amp; Hafen: 2 mittel (Index -1,00)"), "{html}");
    assert!(html.contains("Neustadt: 2 mittel (Index 1,00)"));
    assert!(html.contains("2 mittel: 2"));
    // 2011 has only one Quartier with data, so it is no edition and there is nothing to compare.
    assert!(html.contains("Keine frühere Ausgabe zum Vergleich."), "{html}");
    assert!(html.contains("/atlas/testdorf/sozialmonitoring/test-index/gebiet/1?ausgabe=2012"));
}

#[tokio::test]
async fn the_csv_holds_raw_values_z_scores_index_and_class() {
    let (status, csv) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index/tabelle.csv").await;
    assert_eq!(status, 200, "{csv}");
    let expected = "schluessel;name;ausgeschlossen;status_wert_einwohner;status_z_einwohner;status_summe;status_index;status_klasse;code\n\
                    1;Altstadt & Hafen;;500;-1;-1;-1;2;2\n\
                    2;Neustadt;;600;1;1;1;2;2\n";
    assert_eq!(csv, expected);
}

#[tokio::test]
async fn the_area_page_explains_the_class() {
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index/gebiet/2").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Teil status: 2 mittel"), "{html}");
    // 1,00 lies on the cut at 1, which belongs to "mittel" (−1 ≤ I ≤ 1).
    assert!(html.contains("Der Index liegt 2,00 über der Grenze -1 und 0,00 unter der Grenze 1."), "{html}");
    assert!(html.contains("Vor allem Einwohner (+1,00) bestimmen den Index"));
    assert!(html.contains("nicht als Aufmerksamkeitsgebiet vorgeschlagen"));
}

#[tokio::test]
async fn bad_requests_get_clear_pages() {
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring/anderer-index").await;
    assert_eq!(status, 404);
    assert!(html.contains("kein Index &quot;anderer-index&quot;"), "{html}");
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index?ausgabe=2010").await;
    assert_eq!(status, 404);
    assert!(html.contains("keine Ausgabe 2010 von Testindex"), "{html}");
    let (status, _) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index?ausgabe=zwanzig").await;
    assert_eq!(status, 400);
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring/test-index/gebiet/9").await;
    assert_eq!(status, 404);
    assert!(html.contains("kein Gebiet &quot;9&quot;"), "{html}");
    // The dynamics window reaches back to 2011, where Neustadt's count is secret: Neustadt lacks
    // its change, so no year has two complete areas.
    let (status, html) = get(definition(true), "/atlas/testdorf/sozialmonitoring/test-index").await;
    assert_eq!(status, 404);
    assert!(html.contains("Testindex: keine Ausgabe, in der mindestens zwei Gebiete alle Werte haben"), "{html}");
}

#[tokio::test]
async fn a_kommune_without_an_index_says_how_to_set_one_up() {
    let (status, html) = get(definition(false), "/atlas/testdorf/sozialmonitoring").await;
    assert_eq!(status, 200);
    assert!(html.contains("/atlas/testdorf/sozialmonitoring/test-index"));
    let state = web::AppState::new(Arc::new(testdorf()));
    let response = web::app(state)
        .oneshot(Request::get("/atlas/testdorf/sozialmonitoring").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("ist kein Index eingerichtet"));
}
