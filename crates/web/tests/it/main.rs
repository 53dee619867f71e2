//! Integration tests of the web app through `app()`, on a small hand-made Kommune.

mod access;
mod angebote;
mod api;
mod flows;
mod indicators;
mod lenkungskreis;
mod massnahmen;
mod monitoring;
mod pages;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use domain::{
    Area, AreaKey, Audience, Breakdown, Institution, Kommune, Layer, LayerKey, Observation, Period, Provenance, Symbol,
    Unit, Validity, Value, Variable,
};
use geo::{MultiPolygon, polygon};
use http_body_util::BodyExt;
use store::{Content, NewRelease, Store};
use tower::ServiceExt;

fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![
        polygon![(x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size)],
    ])
}

pub(crate) fn release(title: &str, audience: Audience, content: Content) -> NewRelease {
    NewRelease {
        kommune: Kommune { key: "testdorf".parse().unwrap(), name: "Testdorf".into(), ags: Some("05999000".into()) },
        title: title.into(),
        provenance: Provenance {
            source: "Statistikstelle Testdorf".into(),
            licence: "dl-de/by-2-0".into(),
            attribution: "Stadt Testdorf".into(),
            url: None,
        },
        audience,
        owner: None,
        imported_at: "2026-11-26T00:00:00Z".into(),
        file: format!("{title}.csv"),
        sha256: "ab".repeat(32),
        content,
    }
}

pub(crate) fn area(key: &str, name: &str, parent: Option<&str>, geometry: MultiPolygon<f64>) -> Area {
    Area {
        key: key.parse().unwrap(),
        name: name.into(),
        parent: parent.map(|p| p.parse().unwrap()),
        validity: Validity::ALWAYS,
        geometry: Some(geometry),
    }
}

pub(crate) fn obs(layer: &str, area: &str, year: i32, breakdown: &str, value: Value) -> (LayerKey, Observation) {
    (
        layer.parse().unwrap(),
        Observation {
            variable: "einwohner".parse().unwrap(),
            area: AreaKey::new(area).unwrap(),
            period: Period::Year(year),
            breakdown: Breakdown::parse(breakdown).unwrap(),
            value,
        },
    )
}

/// Testdorf: a city (key 0) with two Quartiere, 1 (west) and 2 (east), population 2011 and 2012
/// with an age breakdown; quarter 2 has a secret cell in 2011; one school in quarter 1; and an
/// internal release that the public must not see.
pub(crate) fn testdorf() -> Store {
    let store = Store::open_in_memory().unwrap();
    let layer = |key: &str, name: &str, parent: Option<&str>, areas| Content::Layer {
        layer: Layer { key: key.parse().unwrap(), name: name.into(), parent: parent.map(|p| p.parse().unwrap()) },
        validity: Validity::ALWAYS,
        areas,
    };
    store
        .import(release(
            "Stadt",
            Audience::Public,
            layer("stadt", "Stadt", None, vec![area("0", "Testdorf", None, square(8.0, 50.0, 0.2))]),
        ))
        .unwrap();
    store
        .import(release(
            "Quartiere",
            Audience::Public,
            layer(
                "quartier",
                "Quartiere",
                Some("stadt"),
                vec![
                    area("1", "Altstadt & Hafen", Some("0"), square(8.0, 50.0, 0.1)),
                    area("2", "Neustadt", Some("0"), square(8.1, 50.0, 0.1)),
                ],
            ),
        ))
        .unwrap();
    let n = Value::Number;
    let observations = vec![
        obs("stadt", "0", 2011, "", n(1000.0)),
        obs("stadt", "0", 2012, "", n(1100.0)),
        obs("stadt", "0", 2012, "alter=00 - < 18", n(220.0)),
        obs("stadt", "0", 2012, "alter=18 und älter", n(880.0)),
        obs("quartier", "1", 2011, "", n(400.0)),
        obs("quartier", "1", 2012, "", n(500.0)),
        obs("quartier", "1", 2012, "alter=00 - < 18", n(50.0)),
        obs("quartier", "1", 2012, "alter=18 und älter", n(450.0)),
        obs("quartier", "2", 2011, "", Value::Symbol(Symbol::UnknownOrSecret)),
        obs("quartier", "2", 2012, "", n(600.0)),
        obs("quartier", "2", 2012, "alter=00 - < 18", n(170.0)),
        obs("quartier", "2", 2012, "alter=18 und älter", n(430.0)),
    ];
    let variables = vec![Variable {
        key: "einwohner".parse().unwrap(),
        label: "Einwohner".into(),
        unit: Unit::Count,
        share_of: None,
    }];
    store
        .import(release(
            "Einwohner",
            Audience::Public,
            Content::Statistics { variables: variables.clone(), observations },
        ))
        .unwrap();
    store
        .import(release(
            "Geheim",
            Audience::Internal,
            Content::Statistics { variables, observations: vec![obs("quartier", "1", 2013, "", n(9999.0))] },
        ))
        .unwrap();
    store
        .import(release(
            "Schulen",
            Audience::Public,
            Content::Institutions {
                collection: "schulen".into(),
                institutions: vec![Institution {
                    key: "100001".into(),
                    name: "Grundschule am Hafen".into(),
                    kind: "Grundschule".into(),
                    location: geo::Point::new(8.05, 50.05),
                    attributes: vec![("Schülerzahl".into(), "220".into())],
                }],
            },
        ))
        .unwrap();
    store
}

/// Sends a GET request to a fresh app on `store` and returns status, content type and body.
pub(crate) async fn get(store: &Arc<Store>, uri: &str) -> (StatusCode, String, String) {
    let app = web::app(web::AppState::new(Arc::clone(store)));
    let response = app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let ctype = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}
