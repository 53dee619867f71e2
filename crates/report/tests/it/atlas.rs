//! The atlas offers the Quartiersprofil of an area as PDF and HTML when the report crate's
//! [`report::AtlasReports`] is given to the app; the profile page links to both.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use report::{AtlasReports, ProfileConfig, Style};
use tower::ServiceExt;

use crate::{catalogue, testdorf};

async fn get(uri: &str) -> (StatusCode, String, Vec<u8>) {
    let reports = AtlasReports::new(ProfileConfig::default(), Style::default());
    let state = web::AppState::new(Arc::new(testdorf())).with_catalogue(catalogue()).with_reports(Arc::new(reports));
    let response = web::app(state).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let ctype = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ctype, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn the_profile_page_links_the_report_and_the_atlas_serves_it() {
    let (status, _, page) = get("/atlas/testdorf/gebiet/stadtteil/101").await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("href=\"/atlas/testdorf/gebiet/stadtteil/101/quartiersprofil.pdf\""), "{page}");

    let (status, ctype, pdf) = get("/atlas/testdorf/gebiet/stadtteil/101/quartiersprofil.pdf").await;
    assert_eq!((status, ctype.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));

    let (status, ctype, html) = get("/atlas/testdorf/gebiet/stadtteil/101/quartiersprofil.html").await;
    assert_eq!((status, ctype.as_str()), (StatusCode::OK, "text/html; charset=utf-8"));
    assert!(String::from_utf8(html).unwrap().contains("<h1>Quartiersprofil Altstadt &amp; Hafen</h1>"));
}

#[tokio::test]
async fn an_unknown_area_is_not_found() {
    let (status, _, body) = get("/atlas/testdorf/gebiet/stadtteil/999/quartiersprofil.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(body).unwrap().contains("kein Gebiet"));
}
