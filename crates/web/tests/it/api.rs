//! The API answers match the OpenAPI document and hide non-public releases.

use std::sync::Arc;

use serde_json::Value;

use crate::{get, testdorf};

/// Validates `body` against the schema of the 200 response of `path` in the shipped OpenAPI file.
pub(crate) fn check_against_openapi(path: &str, body: &str) {
    let doc: Value = serde_json::from_str(web::OPENAPI).unwrap();
    let response = &doc["paths"][path]["get"]["responses"]["200"]["content"];
    let (_, media) = response.as_object().unwrap().iter().next().unwrap();
    let mut schema = media["schema"].clone();
    let defs = doc["components"]["schemas"].clone();
    let text = serde_json::to_string(&serde_json::json!({ "$defs": defs }))
        .unwrap()
        .replace("#/components/schemas/", "#/$defs/");
    let defs: Value = serde_json::from_str(&text).unwrap();
    let schema_text = serde_json::to_string(&schema).unwrap().replace("#/components/schemas/", "#/$defs/");
    schema = serde_json::from_str(&schema_text).unwrap();
    schema["$defs"] = defs["$defs"].clone();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let instance: Value = serde_json::from_str(body).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{path}: {errors:?}");
}

#[tokio::test]
async fn every_endpoint_matches_the_openapi_document() {
    let store = Arc::new(testdorf());
    for (template, uri) in [
        ("/api/releases", "/api/releases"),
        ("/api/kommunen", "/api/kommunen"),
        ("/api/kommunen/{kommune}/layers", "/api/kommunen/testdorf/layers"),
        ("/api/kommunen/{kommune}/layers/{layer}/areas", "/api/kommunen/testdorf/layers/quartier/areas"),
        ("/api/kommunen/{kommune}/variables", "/api/kommunen/testdorf/variables"),
        ("/api/kommunen/{kommune}/observations", "/api/kommunen/testdorf/observations"),
        ("/api/kommunen/{kommune}/institutions", "/api/kommunen/testdorf/institutions"),
    ] {
        let (status, _, body) = get(&store, uri).await;
        assert_eq!(status, 200, "{uri}: {body}");
        check_against_openapi(template, &body);
    }
    let doc: Value = serde_json::from_str(web::OPENAPI).unwrap();
    assert_eq!(doc["paths"].as_object().unwrap().len(), 10, "every route is documented");
}

#[tokio::test]
async fn observations_filter_and_keep_symbols_as_flags() {
    let store = Arc::new(testdorf());
    let (_, _, body) = get(&store, "/api/kommunen/testdorf/observations?layer=quartier&period=2011&breakdown=").await;
    let rows: Vec<Value> = serde_json::from_str(&body).unwrap();
    let mut got: Vec<(String, Value, Value)> = rows
        .iter()
        .map(|r| (r["area"].as_str().unwrap().to_owned(), r["value"].clone(), r["symbol"].clone()))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, [("1".into(), Value::from(400.0), Value::Null), ("2".into(), Value::Null, Value::from("."))]);
}

#[tokio::test]
async fn internal_releases_stay_invisible_through_the_api() {
    let store = Arc::new(testdorf());
    let (_, _, body) = get(&store, "/api/kommunen/testdorf/observations?period=2013").await;
    assert_eq!(body, "[]");
    let (_, _, body) = get(&store, "/api/releases").await;
    assert!(!body.contains("Geheim"), "{body}");
    let (status, _, _) = get(&store, "/api/kommunen/testdorf/observations?release=4").await;
    assert_eq!(status, 404);
    let (status, _, body) =
        get(&store, "/api/kommunen/testdorf/observations?release=3&area=1&period=2012&breakdown=").await;
    assert_eq!(status, 200);
    assert!(body.contains("500"), "{body}");
}

#[tokio::test]
async fn unknown_things_are_404_and_bad_queries_400() {
    let store = Arc::new(testdorf());
    assert_eq!(get(&store, "/api/kommunen/nirgendwo/layers").await.0, 404);
    assert_eq!(get(&store, "/api/kommunen/testdorf/layers/bezirk/areas").await.0, 404);
    assert_eq!(get(&store, "/api/kommunen/testdorf/observations?period=20x").await.0, 400);
}

#[tokio::test]
async fn the_indexed_query_by_layer_and_variable_gives_the_same_rows() {
    let store = Arc::new(testdorf());
    let (_, _, body) =
        get(&store, "/api/kommunen/testdorf/observations?layer=quartier&variable=einwohner&period=2012&breakdown=")
            .await;
    let rows: Vec<Value> = serde_json::from_str(&body).unwrap();
    let mut got: Vec<(String, f64)> =
        rows.iter().map(|r| (r["area"].as_str().unwrap().to_owned(), r["value"].as_f64().unwrap())).collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, [("1".into(), 500.0), ("2".into(), 600.0)]);
    let (_, _, none) = get(&store, "/api/kommunen/testdorf/observations?layer=quartier&variable=kinder").await;
    assert_eq!(none, "[]");
    let (_, _, all) = get(&store, "/api/kommunen/testdorf/observations?layer=quartier&variable=einwohner").await;
    assert_eq!(serde_json::from_str::<Vec<Value>>(&all).unwrap().len(), 8);
}
