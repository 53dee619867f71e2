//! Support offers in the atlas: the editor (roles, form token, problems shown on the form and
//! nothing saved), visibility by tier, and the coverage and gap analysis on Testdorf.

use axum::http::StatusCode;

use crate::access::{csrf_in, fixture, get_as, post_as, sign_in};

/// The form fields of a valid offer in Quartier 1 of Testdorf, owned by `owner`.
fn form(csrf: &str, owner: &str, audience: &str, changes: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("csrf", csrf.to_owned()),
        ("owner", owner.to_owned()),
        ("audience", audience.to_owned()),
        ("key", "lesepaten".to_owned()),
        ("title", "Lesepaten am Hafen".to_owned()),
        ("phase", "grundschule".to_owned()),
        ("uebergang", String::new()),
        ("target_group", "Kinder der Klassen 1 bis 4".to_owned()),
        ("traeger", "Träger e. V.".to_owned()),
        ("longitude", "8,05".to_owned()),
        ("latitude", "50,05".to_owned()),
        ("areas_served", String::new()),
        ("capacity", "10".to_owned()),
        ("languages", "Deutsch".to_owned()),
        ("cost", "kostenfrei".to_owned()),
        ("contact", "info@example.org".to_owned()),
        ("from", "2020-01-01".to_owned()),
        ("to", String::new()),
    ];
    for (k, v) in changes {
        fields.iter_mut().find(|(f, _)| f == k).expect("a field").1 = (*v).to_owned();
    }
    fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect::<Vec<_>>().join("&")
}

fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

#[tokio::test]
async fn the_keeping_department_saves_offers_and_others_may_not() {
    let (store, state) = fixture();
    let traeger = sign_in(&state, "traeger").await;
    let csrf = csrf_in(&get_as(&state, Some(&traeger), "/atlas/testdorf/angebote/neu").await.body);
    let cookie = format!("bimo_sitzung={traeger}");
    // Problems come back on the form, every one at once, and nothing is saved.
    let bad = form(
        &csrf,
        "traeger",
        "public",
        &[("to", "2019-12-31"), ("longitude", ""), ("latitude", ""), ("capacity", "viele")],
    );
    let answer = post_as(&state, &cookie, "/atlas/testdorf/angebote", &bad).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("nicht gespeichert: 3 Angabe(n)"), "{}", answer.body);
    assert!(
        answer.body.contains("id=\"fehler-to\"") && answer.body.contains("id=\"fehler-capacity\""),
        "{}",
        answer.body
    );
    assert!(store.all_angebote(&"testdorf".parse().unwrap()).unwrap().is_empty(), "nothing saved");
    // A department the account does not edit for, and a missing token: refused.
    let answer = post_as(&state, &cookie, "/atlas/testdorf/angebote", &form(&csrf, "soziales", "public", &[])).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let answer = post_as(&state, &cookie, "/atlas/testdorf/angebote", &form("", "traeger", "public", &[])).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // A reader of the Schule department may not save offers of anyone.
    let reader = sign_in(&state, "schule-leser").await;
    assert_eq!(get_as(&state, Some(&reader), "/atlas/testdorf/angebote/neu").await.status, StatusCode::FORBIDDEN);
    // The Träger's editor saves; everyone sees the public offer.
    let answer = post_as(&state, &cookie, "/atlas/testdorf/angebote", &form(&csrf, "traeger", "public", &[])).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let list = get_as(&state, None, "/atlas/testdorf/angebote").await;
    assert!(list.body.contains("Lesepaten am Hafen"), "{}", list.body);
    // Per Quartier: the offer lies in Quartier 1 and serves no named area.
    let config =
        import::parse_versorgung("[versorgung]\nkommune = \"testdorf\"\nebene = \"quartier\"\n", "v.toml").unwrap();
    let per_area = state.clone().with_versorgung(vec![config]);
    assert!(get_as(&per_area, None, "/atlas/testdorf/angebote?gebiet=1").await.body.contains("Lesepaten am Hafen"));
    let other = get_as(&per_area, None, "/atlas/testdorf/angebote?gebiet=2").await;
    assert!(
        other.body.contains("Angebote in Neustadt") && !other.body.contains("Lesepaten am Hafen"),
        "{}",
        other.body
    );
    assert_eq!(get_as(&per_area, None, "/atlas/testdorf/angebote?gebiet=9").await.status, StatusCode::NOT_FOUND);
    let page = get_as(&state, None, "/atlas/testdorf/angebot/lesepaten").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Angebot zurückziehen"), "the public does not edit");
    let log = store.audit_log(5).unwrap();
    assert!(log.iter().any(|e| e.action == "save offer" && e.actor == "traeger"));
}

#[tokio::test]
async fn internal_offers_stay_with_their_department() {
    let (_, state) = fixture();
    let traeger = sign_in(&state, "traeger").await;
    let csrf = csrf_in(&get_as(&state, Some(&traeger), "/atlas/testdorf/angebote/neu").await.body);
    let answer = post_as(
        &state,
        &format!("bimo_sitzung={traeger}"),
        "/atlas/testdorf/angebote",
        &form(&csrf, "traeger", "internal", &[]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(get_as(&state, None, "/atlas/testdorf/angebot/lesepaten").await.status, StatusCode::NOT_FOUND);
    assert!(!get_as(&state, None, "/atlas/testdorf/angebote").await.body.contains("Lesepaten"));
    let other = sign_in(&state, "soziales-admin").await;
    assert_eq!(get_as(&state, Some(&other), "/atlas/testdorf/angebot/lesepaten").await.status, StatusCode::NOT_FOUND);
    let own = get_as(&state, Some(&traeger), "/atlas/testdorf/angebot/lesepaten").await;
    assert!(own.body.contains("Angebot zurückziehen"));
    // Withdrawing takes it off the list.
    let answer = post_as(
        &state,
        &format!("bimo_sitzung={traeger}"),
        "/atlas/testdorf/angebot/lesepaten/zurueckziehen",
        &format!("csrf={csrf}"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(get_as(&state, Some(&traeger), "/atlas/testdorf/angebot/lesepaten").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_coverage_analysis_ranks_the_quartier_without_places() {
    let (_, state) = fixture();
    let config = import::parse_versorgung(
        "[versorgung]\nkommune = \"testdorf\"\nebene = \"quartier\"\n\n[[zielgruppe]]\nlebensphase = \"grundschule\"\nbezeichnung = \"Kinder und Jugendliche unter 18\"\nbevoelkerung = \"einwohner[alter=0..18]\"\n",
        "v.toml",
    )
    .unwrap();
    let state = state.with_versorgung(vec![config]);
    let traeger = sign_in(&state, "traeger").await;
    let csrf = csrf_in(&get_as(&state, Some(&traeger), "/atlas/testdorf/angebote/neu").await.body);
    post_as(
        &state,
        &format!("bimo_sitzung={traeger}"),
        "/atlas/testdorf/angebote",
        &form(&csrf, "traeger", "public", &[]),
    )
    .await;
    let page = get_as(&state, None, "/atlas/testdorf/versorgung?phase=grundschule").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // 2012: 50 children in Quartier 1 (with the offer's 10 places), 170 in Quartier 2 (none).
    // Benchmark 100 × 10 / 220 = 4,545…; Quartier 2 misses 4,545… × 170 / 100 = 7,727… places.
    assert!(page.body.contains("<strong>4,5 Plätze je 100</strong>"), "{}", page.body);
    assert!(page.body.contains("1 von 2 Gebieten haben eine Lücke"), "{}", page.body);
    let gaps = &page.body[page.body.find("Lücken nach Dringlichkeit").unwrap()..];
    assert!(gaps.contains("Neustadt") && !gaps.contains("Altstadt &amp; Hafen"), "{gaps}");
    assert!(gaps.contains("<td class=\"num\">7,7</td>"), "{gaps}");
    assert_eq!(get_as(&state, None, "/atlas/testdorf/versorgung?phase=kita").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_keeper_grants_an_internal_offer_to_another_department() {
    let (store, state) = fixture();
    store
        .set_membership("traeger", &"traeger".parse().unwrap(), Some(domain::access::Role::Admin), "system", "t")
        .unwrap();
    let traeger = sign_in(&state, "traeger").await;
    let cookie = format!("bimo_sitzung={traeger}");
    let csrf = csrf_in(&get_as(&state, Some(&traeger), "/atlas/testdorf/angebote/neu").await.body);
    post_as(&state, &cookie, "/atlas/testdorf/angebote", &form(&csrf, "traeger", "internal", &[])).await;
    let leser = sign_in(&state, "soziales-leser").await;
    assert_eq!(get_as(&state, Some(&leser), "/atlas/testdorf/angebot/lesepaten").await.status, StatusCode::NOT_FOUND);
    // Only the keeper's admin grants; the form is on the offer's page.
    let page = get_as(&state, Some(&traeger), "/atlas/testdorf/angebot/lesepaten").await;
    assert!(page.body.contains("/atlas/testdorf/angebot/lesepaten/freigabe"), "{}", page.body);
    let granted = post_as(
        &state,
        &cookie,
        "/atlas/testdorf/angebot/lesepaten/freigabe",
        &format!("csrf={csrf}&department=soziales&permission=edit"),
    )
    .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER);
    let seen = get_as(&state, Some(&leser), "/atlas/testdorf/angebot/lesepaten").await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("Freigegeben für: Amt für Soziales (Bearbeiten)"), "{}", seen.body);
    assert!(!seen.body.contains("Angebot bearbeiten"), "a reader of the grantee reads only");
    // An editor of the grantee changes the offer; it stays with its keeper.
    let admin = sign_in(&state, "soziales-admin").await;
    let edit = get_as(&state, Some(&admin), "/atlas/testdorf/angebot/lesepaten").await;
    assert!(edit.body.contains("Angebot bearbeiten"));
    let token = csrf_in(&edit.body);
    let saved = post_as(
        &state,
        &format!("bimo_sitzung={admin}"),
        "/atlas/testdorf/angebote",
        &form(&token, "traeger", "internal", &[("capacity", "12")]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let offers = store.all_angebote(&"testdorf".parse().unwrap()).unwrap();
    assert_eq!(
        (offers[0].angebot.capacity, offers[0].owner.as_str(), offers[0].saved_by.as_str()),
        (Some(12), "traeger", "soziales-admin")
    );
    // The grantee's admin may not pass the grant on.
    let passed = post_as(
        &state,
        &format!("bimo_sitzung={admin}"),
        "/atlas/testdorf/angebot/lesepaten/freigabe",
        &format!("csrf={token}&department=jugend&permission=read"),
    )
    .await;
    assert_eq!(passed.status, StatusCode::FORBIDDEN);
}
