//! The Lenkungskreis workspace: setting up a meeting, the agenda, decisions that replace earlier
//! ones, tasks; who may read and who may record.

use axum::http::StatusCode;

use crate::access::{csrf_in, fixture, get_as, post_as, sign_in};

#[tokio::test]
async fn a_meeting_keeps_its_agenda_decisions_tasks_and_history() {
    let (store, state) = fixture();
    let admin = sign_in(&state, "soziales-admin").await;
    let cookie = format!("bimo_sitzung={admin}");
    let list = get_as(&state, Some(&admin), "/atlas/testdorf/lenkungskreis").await;
    let csrf = csrf_in(&list.body);
    let post = |uri: &'static str, form: String| {
        let state = state.clone();
        let cookie = cookie.clone();
        async move { post_as(&state, &cookie, uri, &form).await }
    };
    let created = post(
        "/atlas/testdorf/lenkungskreis",
        format!("csrf={csrf}&sitzung=2026-12-03&title=Erste+Sitzung&date=2026-12-03&owner=soziales"),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let again = post(
        "/atlas/testdorf/lenkungskreis",
        format!("csrf={csrf}&sitzung=2026-12-03&title=Doppelt&date=2026-12-03&owner=soziales"),
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let base = "/atlas/testdorf/lenkungskreis/2026-12-03";
    let item = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/punkt",
        format!(
            "csrf={csrf}&herkunft=sonstiges&subject=Kita-Pl%C3%A4tze+Neustadt&reference=https%3A%2F%2Fevil.example"
        ),
    )
    .await;
    assert_eq!(item.status, StatusCode::SEE_OTHER);
    // A decision on an item that does not exist, or adopting an unknown measure: refused, nothing stored.
    let wrong = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/beschluss",
        format!("csrf={csrf}&punkt=4&text=x&massnahmen=&szenarien=&replaces="),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("Tagesordnungspunkt 4 gibt es nicht"), "{}", wrong.body);
    let unknown = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/beschluss",
        format!("csrf={csrf}&punkt=0&text=x&massnahmen=gibt-es-nicht&szenarien=&replaces="),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let first = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/beschluss",
        format!("csrf={csrf}&punkt=0&text=Bedarf+pr%C3%BCfen&massnahmen=&szenarien=&replaces="),
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/beschluss",
        format!("csrf={csrf}&punkt=0&text=Zwei+Gruppen+einrichten&massnahmen=&szenarien=7&replaces=0"),
    )
    .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    let task = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/aufgabe",
        format!("csrf={csrf}&text=Tr%C3%A4ger+ansprechen&owner=jugend&deadline=2027-01-31&beschluss=1"),
    )
    .await;
    assert_eq!(task.status, StatusCode::SEE_OTHER);
    let bad_date = post(
        "/atlas/testdorf/lenkungskreis/2026-12-03/aufgabe",
        format!("csrf={csrf}&text=x&owner=jugend&deadline=31.1.2027&beschluss="),
    )
    .await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);
    let done = post("/atlas/testdorf/lenkungskreis/2026-12-03/erledigt", format!("csrf={csrf}&aufgabe=0")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);

    let page = get_as(&state, Some(&admin), base).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("class=\"beschluss ersetzt\""), "the first decision is shown as replaced: {body}");
    assert!(body.contains("Beschluss 2</strong> (ersetzt Beschluss 1): Zwei Gruppen einrichten"), "{body}");
    assert!(body.contains("Übernimmt die Planungsszenarien: 7"), "{body}");
    assert!(body.contains("erledigt am"), "{body}");
    assert!(!body.contains("evil.example\">zum Befund"), "only paths on this site are linked");
    assert!(body.contains("Aufgabe 1 am") && body.contains("beschlossen, ersetzt Beschluss 1"), "the history: {body}");

    // Another city department reads but does not record; a partner and the public see nothing.
    let schule = sign_in(&state, "schule-leser").await;
    let read = get_as(&state, Some(&schule), base).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("Schritte festhalten"));
    let token = csrf_in(&get_as(&state, Some(&schule), "/konto").await.body);
    let refused = post_as(
        &state,
        &format!("bimo_sitzung={schule}"),
        "/atlas/testdorf/lenkungskreis/2026-12-03/punkt",
        &format!("csrf={token}&herkunft=sonstiges&subject=x&reference="),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let traeger = sign_in(&state, "traeger").await;
    assert_eq!(get_as(&state, Some(&traeger), base).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get_as(&state, None, base).await.status, StatusCode::SEE_OTHER);
    let recorded = store.audit_log(100).unwrap().iter().filter(|e| e.action == "record meeting").count();
    assert_eq!(recorded, 6, "set up, one item, two decisions, one task, one done");
}
