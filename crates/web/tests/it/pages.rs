//! The pages show the right numbers, classes, sources and links.

use std::sync::Arc;

use crate::{get, testdorf};

#[tokio::test]
async fn the_map_shows_shares_with_a_named_class_method_and_sources() {
    let store = Arc::new(testdorf());
    let (status, ctype, html) =
        get(&store, "/atlas/testdorf?layer=quartier&var=einwohner%7Calter%3D00%20-%20%3C%2018&year=2012").await;
    assert_eq!(status, 200, "{html}");
    assert!(ctype.starts_with("text/html"));
    // 50 of 500 = 10 %, 170 of 600 = 28.3 %.
    assert!(html.contains("Altstadt &amp; Hafen: 10,0 %"), "{html}");
    assert!(html.contains("Neustadt: 28,3 %"));
    assert!(html.contains("Quantile"));
    assert!(html.contains("Lizenz: dl-de/by-2-0"));
    assert!(html.contains("/atlas/testdorf/gebiet/quartier/1?"));
    assert!(!html.contains("9999"));
}

#[tokio::test]
async fn symbols_show_as_flags_not_numbers() {
    let store = Arc::new(testdorf());
    let (_, _, html) = get(&store, "/atlas/testdorf?layer=quartier&var=einwohner&year=2011&measure=abs").await;
    assert!(html.contains("Neustadt: . (unbekannt oder geheim zu halten)"), "{html}");
    assert!(html.contains("Altstadt &amp; Hafen: 400"));
}

#[tokio::test]
async fn the_table_sorts_and_downloads_as_german_csv() {
    let store = Arc::new(testdorf());
    let (_, _, html) =
        get(&store, "/atlas/testdorf/tabelle?layer=quartier&var=einwohner&year=2012&measure=abs&sort=wert&dir=desc")
            .await;
    let neu = html.find("Neustadt").unwrap();
    let alt = html.find("Altstadt &amp; Hafen").unwrap();
    assert!(neu < alt, "descending by value puts 600 before 500");
    let (status, ctype, csv) =
        get(&store, "/atlas/testdorf/tabelle.csv?layer=quartier&var=einwohner%7Calter%3D00%20-%20%3C%2018&year=2012")
            .await;
    assert_eq!(status, 200);
    assert_eq!(ctype, "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "\u{feff}schluessel;gebiet;ebene;merkmal;zeitraum;darstellung;wert;zeichen;quelle;lizenz");
    assert_eq!(
        lines[1],
        "1;Altstadt & Hafen;quartier;Einwohner · alter: 00 - < 18;2012;Anteil in %;10;;Stadt Testdorf;dl-de/by-2-0"
    );
    assert_eq!(lines.len(), 3);
}

#[tokio::test]
async fn the_profile_compares_with_the_city_and_lists_schools() {
    let store = Arc::new(testdorf());
    let (status, _, html) = get(&store, "/atlas/testdorf/gebiet/quartier/1?var=einwohner&year=2012&measure=abs").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h1>Altstadt &amp; Hafen"));
    // Kennzahlen: area 500 vs Testdorf 1.100; share under 18: 10,0 % vs 20,0 %.
    assert!(html.contains(">500<") && html.contains(">1.100<"), "{html}");
    assert!(html.contains(">10,0 %<") && html.contains(">20,0 %<"));
    assert!(html.contains("Grundschule am Hafen"));
    assert!(html.contains("Altersaufbau"));
    assert!(html.contains("Zeitreihe"));
    let (_, _, other) = get(&store, "/atlas/testdorf/gebiet/quartier/2?year=2012").await;
    assert!(other.contains("Keine Schule liegt in diesem Gebiet."));
}

#[tokio::test]
async fn wrong_views_get_clear_errors() {
    let store = Arc::new(testdorf());
    assert_eq!(get(&store, "/atlas/testdorf?var=nichts").await.0, 404);
    assert_eq!(get(&store, "/atlas/testdorf?k=12").await.0, 400);
    assert_eq!(get(&store, "/atlas/testdorf/gebiet/quartier/99").await.0, 404);
    assert_eq!(get(&store, "/atlas/testdorf?var=einwohner&measure=share").await.0, 400);
}

#[tokio::test]
async fn page_errors_are_html_pages_and_api_errors_json() {
    let store = Arc::new(testdorf());
    // A page's error is a page in the atlas frame: language, title, the message, a way back.
    let (status, ctype, html) = get(&store, "/atlas/testdorf/gebiet/quartier/99").await;
    assert_eq!(status, 404);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(html.contains(r#"<html lang="de">"#), "{html}");
    assert!(html.contains("<title>Nicht gefunden – bimo Bildungsmonitor</title>"), "{html}");
    assert!(html.contains("kein Gebiet &quot;99&quot;"), "{html}");
    assert!(html.contains(r#"<a href="/">Zur Übersicht</a>"#), "{html}");
    let (status, ctype, html) = get(&store, "/atlas/testdorf?k=12").await;
    assert_eq!(status, 400);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(html.contains("<h1>Ungültige Anfrage</h1>"), "{html}");
    let (status, ctype, html) = get(&store, "/gibt/es/nicht").await;
    assert_eq!(status, 404);
    assert!(ctype.starts_with("text/html") && html.contains("<h1>Nicht gefunden</h1>"), "{ctype} {html}");
    // The API answers JSON, for unknown paths too.
    for uri in ["/api/kommunen/nirgendwo/layers", "/api/gibt-es-nicht", "/api/"] {
        let (status, ctype, body) = get(&store, uri).await;
        assert_eq!(status, 404, "{uri}");
        assert_eq!(ctype, "application/json", "{uri}");
        assert!(body.starts_with(r#"{"error":"#), "{uri}: {body}");
    }
}

#[tokio::test]
async fn wide_tables_scroll_in_a_labelled_focusable_region() {
    let store = Arc::new(testdorf());
    let (_, _, html) = get(&store, "/atlas/testdorf/gebiet/quartier/1?year=2012").await;
    assert!(
        html.contains(
            r#"<div class="scroll" role="region" tabindex="0" aria-label="Schulen in Altstadt &amp; Hafen">"#
        ),
        "{html}"
    );
}

#[tokio::test]
async fn the_home_page_redirects_to_the_only_kommune() {
    let store = Arc::new(testdorf());
    let (status, _, _) = get(&store, "/").await;
    assert_eq!(status, 303);
}

#[tokio::test]
async fn schools_on_the_map_carry_their_attributes_and_link_to_their_row() {
    let store = Arc::new(testdorf());
    let (_, _, html) = get(&store, "/atlas/testdorf?layer=quartier&schools=1").await;
    assert!(html.contains(r#"<a href="/atlas/testdorf/schulen#schule-100001" aria-label="Grundschule am Hafen (Grundschule), Schülerzahl: 220">"#), "{html}");
    let (_, _, list) = get(&store, "/atlas/testdorf/schulen").await;
    assert!(list.contains(r#"<tr id="schule-100001">"#));
    let (_, _, without) = get(&store, "/atlas/testdorf?layer=quartier").await;
    assert!(!without.contains("schule-100001"));
}

#[tokio::test]
async fn a_secret_cell_is_shown_as_its_symbol_beside_the_city_value() {
    let store = Arc::new(testdorf());
    let (status, _, html) = get(&store, "/atlas/testdorf/gebiet/quartier/2?var=einwohner&year=2011&measure=abs").await;
    assert_eq!(status, 200);
    assert!(html.contains(">. (unbekannt oder geheim zu halten)<"), "{html}");
    assert!(html.contains(">1.000<"), "the city's 2011 value is shown: {html}");
    assert!(!html.contains("keine eigenen Statistiken"), "a secret cell is a statistic of the area");
}

#[tokio::test]
async fn without_a_report_engine_the_profile_has_no_download_and_the_path_is_not_found() {
    let store = Arc::new(testdorf());
    let (status, _, html) = get(&store, "/atlas/testdorf/gebiet/quartier/1?year=2012").await;
    assert_eq!(status, 200);
    assert!(!html.contains("quartiersprofil.pdf"), "{html}");
    let (status, _, html) = get(&store, "/atlas/testdorf/gebiet/quartier/1/quartiersprofil.pdf").await;
    assert_eq!(status, 404);
    assert!(html.contains("nicht eingerichtet"), "{html}");
}
