//! The transitions page draws an origin–destination release as a Sankey diagram with its numbers.

use std::sync::Arc;

use domain::{AreaKey, Audience, Breakdown, LayerKey, Observation, Period, Symbol, Unit, Value, Variable};
use store::{Content, Store};

use crate::{get, release, testdorf};

/// Grade 4 → 5 in Testdorf 2024/25 by Quartier and Schulform: Quartier 1 sends 45 to the
/// Gymnasium and 25 to the Realschule; Quartier 2's 30 are published, its two cells withheld.
/// The city's 100 are also crossed with the family language.
fn with_transitions() -> Store {
    let store = testdorf();
    let n = Value::Number;
    let secret = Value::Symbol(Symbol::UnknownOrSecret);
    let cell = |layer: &str, area: &str, breakdown: &str, value: Value| -> (LayerKey, Observation) {
        (
            layer.parse().unwrap(),
            Observation {
                variable: "uebergaenge_5".parse().unwrap(),
                area: AreaKey::new(area).unwrap(),
                period: Period::SchoolYear(2024),
                breakdown: Breakdown::parse(breakdown).unwrap(),
                value,
            },
        )
    };
    let observations = vec![
        cell("stadt", "0", "", n(100.0)),
        cell("stadt", "0", "ziel_schulform=Gymnasium", n(60.0)),
        cell("stadt", "0", "ziel_schulform=Realschule", n(40.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=ja", n(40.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=nein", n(60.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=ja;ziel_schulform=Gymnasium", n(20.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=ja;ziel_schulform=Realschule", n(20.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=nein;ziel_schulform=Gymnasium", n(40.0)),
        cell("stadt", "0", "familiensprache_nicht_deutsch=nein;ziel_schulform=Realschule", n(20.0)),
        cell("quartier", "1", "", n(70.0)),
        cell("quartier", "1", "ziel_schulform=Gymnasium", n(45.0)),
        cell("quartier", "1", "ziel_schulform=Realschule", n(25.0)),
        cell("quartier", "2", "", n(30.0)),
        cell("quartier", "2", "ziel_schulform=Gymnasium", secret),
        cell("quartier", "2", "ziel_schulform=Realschule", secret),
    ];
    let variables = vec![Variable {
        key: "uebergaenge_5".parse().unwrap(),
        label: "Übergänge von Klasse 4 in Klasse 5".into(),
        unit: Unit::Count,
        share_of: None,
    }];
    store
        .import(release("Übergänge 2024/25", Audience::Public, Content::Statistics { variables, observations }))
        .unwrap();
    store
}

#[tokio::test]
async fn the_transitions_page_draws_the_quartiere_into_the_schulformen() {
    let store = Arc::new(with_transitions());
    let (status, _, html) = get(&store, "/atlas/testdorf/uebergaenge").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"<a href="/atlas/testdorf/uebergaenge" aria-current="page">Übergänge</a>"#), "{html}");
    assert!(html.contains("Übergänge von Klasse 4 in Klasse 5: Quartiere nach Schulform (Ziel), Testdorf 2024/25"));
    // Quartier 1's bands are drawn, Quartier 2's withheld cells are not.
    assert!(html.contains(r#"data-from="1" data-to="Gymnasium" data-value="45""#), "{html}");
    assert!(html.contains(r#"data-from="1" data-to="Realschule" data-value="25""#));
    assert!(!html.contains(r#"data-from="2""#));
    assert_eq!(html.matches(r#"class="flow""#).count(), 2);
    assert!(html.contains("Neustadt: 30 in geheim gehaltenen Strömen"), "Quartier 2's total is hatched");
    assert!(html.contains("2 Ströme geheim gehalten (Zeichen .)"));
    // The table: shares of the row, withheld cells as `.`, the city's row, the source.
    assert!(
        html.contains(r#"<td class="num">45 (64,3 %)</td><td class="num">25 (35,7 %)</td><td class="num">70</td>"#)
    );
    assert!(html.contains(r#"<td class="num">.</td><td class="num">.</td><td class="num">30</td>"#));
    assert!(
        html.contains(r#"<td class="num">60 (60,0 %)</td><td class="num">40 (40,0 %)</td><td class="num">100</td>"#)
    );
    assert!(html.contains("Stadt Testdorf – Übergänge 2024/25"));
    // Each Quartier row leads to that Quartier's own diagram.
    assert!(html.contains(
        "/atlas/testdorf/uebergaenge?merkmal=uebergaenge_5&amp;gebiet=quartier%3A1&amp;herkunft=gebiete&amp;zeitraum=2024%2F25"
    ));
}

#[tokio::test]
async fn a_second_dimension_can_be_the_origin() {
    let store = Arc::new(with_transitions());
    let (status, _, html) = get(
        &store,
        "/atlas/testdorf/uebergaenge?merkmal=uebergaenge_5&gebiet=stadt%3A0&herkunft=familiensprache_nicht_deutsch",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Familiensprache nicht deutsch nach Schulform (Ziel)"), "{html}");
    assert!(html.contains(r#"data-from="ja" data-to="Gymnasium" data-value="20""#));
    assert!(html.contains(r#"data-from="nein" data-to="Gymnasium" data-value="40""#));
    assert!(!html.contains("geheim gehalten (Zeichen"));
    // A Quartier without child areas is its own single origin.
    let (_, _, html) = get(&store, "/atlas/testdorf/uebergaenge?gebiet=quartier%3A1").await;
    assert!(html.contains(r#"data-from="1" data-to="Gymnasium" data-value="45""#), "{html}");
}

#[tokio::test]
async fn the_transitions_page_names_what_is_missing() {
    let store = Arc::new(testdorf());
    let (status, _, html) = get(&store, "/atlas/testdorf/uebergaenge").await;
    assert_eq!(status, 200);
    assert!(html.contains("Es sind keine Herkunft-Ziel-Tabellen geladen."), "{html}");
    let store = Arc::new(with_transitions());
    let (status, _, html) = get(&store, "/atlas/testdorf/uebergaenge?merkmal=einwohner").await;
    assert_eq!(status, 404);
    assert!(html.contains("keine Herkunft-Ziel-Tabelle"), "{html}");
    let (status, _, _) = get(&store, "/atlas/testdorf/uebergaenge?herkunft=alter").await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&store, "/atlas/testdorf/uebergaenge?gebiet=quartier").await;
    assert_eq!(status, 400);
}
