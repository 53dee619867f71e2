//! Measures in the atlas: the editor of the lead department (every problem on the form, nothing
//! half-saved), visibility, and the review of an expected effect against a hand-computed interval.

use axum::http::StatusCode;

use crate::access::{csrf_in, fixture, get_as, post_as, sign_in};
use crate::indicators::catalogue;

fn form(csrf: &str, changes: &[(&str, &str)]) -> String {
    let mut fields: Vec<(&str, String)> = vec![
        ("csrf", csrf.to_owned()),
        ("layer", "quartier".into()),
        ("audience", "internal".into()),
        ("key", "m-1".into()),
        ("title", "Lernhaus am Hafen".into()),
        ("field", "bildung".into()),
        ("lead", "soziales".into()),
        ("partners", "Schule am Hafen".into()),
        ("status", "laufend".into()),
        ("priority", "1".into()),
        ("start", "2011-08-01".into()),
        ("end", String::new()),
        ("cost", "12.500,50".into()),
        ("funding", "Haushalt".into()),
        ("areas", "1".into()),
        ("e0_indicator", "anteil_u18".into()),
        ("e0_baseline_period", "2011".into()),
        ("e0_baseline", "12".into()),
        ("e0_target", "8".into()),
        ("e0_review", "2013-06-30".into()),
        ("e1_indicator", String::new()),
        ("e1_baseline_period", String::new()),
        ("e1_baseline", String::new()),
        ("e1_target", String::new()),
        ("e1_review", String::new()),
    ];
    for (k, v) in changes {
        fields.iter_mut().find(|(f, _)| f == k).expect("a field").1 = (*v).to_owned();
    }
    fields
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn the_lead_department_records_a_measure_and_its_review() {
    let (store, state) = fixture();
    let state = state.with_catalogue(catalogue());
    let admin = sign_in(&state, "soziales-admin").await;
    let cookie = format!("bimo_sitzung={admin}");
    let csrf = csrf_in(&get_as(&state, Some(&admin), "/atlas/testdorf/massnahmen/neu").await.body);
    // Dates in the wrong order, no lead, an unknown indicator, a target equal to the baseline, an
    // unknown area: all on the form at once, nothing saved.
    let bad =
        form(&csrf, &[("end", "2010-01-01"), ("lead", ""), ("e0_indicator", "gibt_es_nicht"), ("e0_target", "12")]);
    let answer = post_as(&state, &cookie, "/atlas/testdorf/massnahmen", &bad).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["fehler-end", "fehler-e0_indicator", "fehler-e0_target"] {
        assert!(answer.body.contains(field), "{field}: {}", answer.body);
    }
    assert!(answer.body.contains("federführende Stelle"), "{}", answer.body);
    let unknown_area = post_as(&state, &cookie, "/atlas/testdorf/massnahmen", &form(&csrf, &[("areas", "9")])).await;
    assert_eq!(unknown_area.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(store.all_massnahmen(&"testdorf".parse().unwrap()).unwrap().is_empty(), "nothing saved");
    // Another department's lead is refused.
    let other = post_as(&state, &cookie, "/atlas/testdorf/massnahmen", &form(&csrf, &[("lead", "schule")])).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);

    let saved = post_as(&state, &cookie, "/atlas/testdorf/massnahmen", &form(&csrf, &[])).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = get_as(&state, Some(&admin), "/atlas/testdorf/massnahme/m-1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("12.500,50 €"), "German cost: {}", page.body);
    // 2012: 50 of 500 under 18 = 10 %; Wilson 95 % interval 7,67 % to 12,94 %
    // (centre (0,1 + z²/1000) / (1 + z²/500), half-width z·√(0,1·0,9/500 + z²/10⁶) / (1 + z²/500)).
    // Progress (10 − 12) / (8 − 12) = 50 %; the baseline 12 lies inside the interval: not significant.
    let review = &page.body[page.body.find("Erwartete Wirkungen").unwrap()..];
    assert!(review.contains("Altstadt &amp; Hafen: kein gesicherter Fortschritt"), "{review}");
    assert!(page.body.contains("50 % des Wegs zum Ziel"), "{}", page.body);
    assert!(page.body.contains("7,67 – 12,94"), "{}", page.body);
    // Internal: the public and other departments do not see it.
    assert_eq!(get_as(&state, None, "/atlas/testdorf/massnahme/m-1").await.status, StatusCode::NOT_FOUND);
    let schule = sign_in(&state, "schule-leser").await;
    assert!(!get_as(&state, Some(&schule), "/atlas/testdorf/massnahmen").await.body.contains("Lernhaus"));
    // A reader of the lead department sees it but may not judge.
    let reader = sign_in(&state, "soziales-leser").await;
    let reader_page = get_as(&state, Some(&reader), "/atlas/testdorf/massnahme/m-1").await;
    assert!(reader_page.body.contains("Lernhaus am Hafen") && !reader_page.body.contains("Urteil festhalten"));
    let judgement = "effect=0&befund=ohne-fortschritt&reviewer=Rita+Review&comment=Noch+offen&date=2013-07-01";
    let refused = post_as(
        &state,
        &format!("bimo_sitzung={reader}"),
        "/atlas/testdorf/massnahme/m-1/urteil",
        &format!("csrf={}&{judgement}", csrf_in(&get_as(&state, Some(&reader), "/konto").await.body)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let judged =
        post_as(&state, &cookie, "/atlas/testdorf/massnahme/m-1/urteil", &format!("csrf={csrf}&{judgement}")).await;
    assert_eq!(judged.status, StatusCode::SEE_OTHER, "{}", judged.body);
    let page = get_as(&state, Some(&admin), "/atlas/testdorf/massnahme/m-1").await;
    assert!(
        page.body.contains("2013-07-01: <strong>kein gesicherter Fortschritt</strong> – Rita Review: Noch offen"),
        "{}",
        page.body
    );
    let bad_date = post_as(
        &state,
        &cookie,
        "/atlas/testdorf/massnahme/m-1/urteil",
        &format!("csrf={csrf}&effect=0&befund=erreicht&reviewer=R&comment=&date=1.7.2013"),
    )
    .await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.urteile(&"testdorf".parse().unwrap(), "m-1").unwrap().len(), 1);
}
