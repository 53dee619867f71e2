//! Sign-in, sessions and who sees what: the authorisation matrix over every data-bearing page,
//! export and API path, CSRF, session fixation, brute-force limiting and the security headers.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::access::{DepartmentKind, Role};
use domain::{Audience, Value};
use http_body_util::BodyExt;
use store::{Content, NewAccount, Store, StoredDepartment};
use tower::ServiceExt;

use crate::{obs, release, testdorf};

const PASSWORD: &str = "ein-langes-passwort";

/// The secret releases of the fixture: (id, title, year, value). Release 4 ("Geheim") is
/// internal without owner; 6 is for partners, owned by Schule; 7 is internal, owned by Soziales.
const SECRETS: [(i64, &str, i32, f64); 3] =
    [(4, "Geheim", 2013, 9999.0), (6, "Partnerdaten", 2014, 7777.0), (7, "Sozialdaten", 2015, 5555.0)];

pub(crate) fn fixture() -> (Arc<Store>, web::AppState) {
    let store = testdorf();
    let variables = vec![domain::Variable {
        key: "einwohner".parse().unwrap(),
        label: "Einwohner".into(),
        unit: domain::Unit::Count,
        share_of: None,
    }];
    for (key, name, kind) in [
        ("schule", "Amt für Schule", DepartmentKind::Verwaltung),
        ("soziales", "Amt für Soziales", DepartmentKind::Verwaltung),
        ("jugend", "Jugendamt", DepartmentKind::Verwaltung),
        ("traeger", "Träger e. V.", DepartmentKind::Partner),
    ] {
        let department = StoredDepartment { key: key.parse().unwrap(), name: name.into(), kind };
        store.add_department(&department, "system", "2026-11-26T00:00:00Z").unwrap();
    }
    for (_, title, year, value) in &SECRETS[1..] {
        let (audience, owner) =
            if *title == "Partnerdaten" { (Audience::Partner, "schule") } else { (Audience::Internal, "soziales") };
        let content = Content::Statistics {
            variables: variables.clone(),
            observations: vec![obs("quartier", "1", *year, "", Value::Number(*value))],
        };
        store
            .import(store::NewRelease { owner: Some(owner.parse().unwrap()), ..release(title, audience, content) })
            .unwrap();
    }
    let hash = web::auth::hash_password(PASSWORD).unwrap();
    for (login, department, role) in [
        ("schule-leser", "schule", Role::Reader),
        ("soziales-admin", "soziales", Role::Admin),
        ("soziales-leser", "soziales", Role::Reader),
        ("jugend-leser", "jugend", Role::Reader),
        ("traeger", "traeger", Role::Editor),
    ] {
        let account = NewAccount { login: login.into(), name: login.into(), password_hash: hash.clone() };
        store.add_account(&account, "system", "2026-11-26T00:00:00Z").unwrap();
        store
            .set_membership(login, &department.parse().unwrap(), Some(role), "system", "2026-11-26T00:00:00Z")
            .unwrap();
    }
    let store = Arc::new(store);
    (Arc::clone(&store), web::AppState::new(store))
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    fn set_cookies(&self) -> Vec<&str> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect()
    }

    /// The value a `Set-Cookie` header gives `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .iter()
            .find_map(|c| c.split(';').next()?.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }
}

pub(crate) async fn send(state: &web::AppState, request: Request<Body>) -> Answer {
    let response = web::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Answer { status, headers, body }
}

pub(crate) async fn get_as(state: &web::AppState, session: Option<&str>, uri: &str) -> Answer {
    let mut request = Request::get(uri);
    if let Some(token) = session {
        request = request.header(header::COOKIE, format!("bimo_sitzung={token}"));
    }
    send(state, request.body(Body::empty()).unwrap()).await
}

pub(crate) async fn post_as(state: &web::AppState, cookies: &str, uri: &str, form: &str) -> Answer {
    let request = Request::post(uri)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(state, request).await
}

/// The hidden form token in a page.
pub(crate) fn csrf_in(body: &str) -> String {
    let start = body.find("name=\"csrf\" value=\"").expect("a form token") + 19;
    body[start..start + 64].to_owned()
}

/// Signs in through the form as a browser would; returns the answer to the form's POST.
pub(crate) async fn sign_in_with(
    state: &web::AppState,
    login: &str,
    password: &str,
    old_session: Option<&str>,
) -> Answer {
    let form = get_as(state, None, "/anmelden").await;
    let token = form.cookie("bimo_anmeldung").expect("a form cookie");
    let mut cookies = format!("bimo_anmeldung={token}");
    if let Some(old) = old_session {
        cookies.push_str(&format!("; bimo_sitzung={old}"));
    }
    post_as(
        state,
        &cookies,
        "/anmelden",
        &format!("login={login}&passwort={password}&csrf={}&weiter=/konto", csrf_in(&form.body)),
    )
    .await
}

pub(crate) async fn sign_in(state: &web::AppState, login: &str) -> String {
    let answer = sign_in_with(state, login, PASSWORD, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    answer.cookie("bimo_sitzung").expect("a session cookie")
}

/// Whether a body shows a value, as JSON (`9999`) or German text (`9.999`).
pub(crate) fn shows(body: &str, value: f64) -> bool {
    let plain = format!("{value}");
    let german = render::format_de(value, 0);
    body.contains(&plain) || body.contains(&german)
}

#[tokio::test]
async fn every_viewer_sees_exactly_what_tiers_owners_and_grants_allow() {
    let (store, state) = fixture();
    // Soziales grants its internal release 7 to Jugend, through the account page's form.
    let admin = sign_in(&state, "soziales-admin").await;
    let konto = get_as(&state, Some(&admin), "/konto").await;
    assert!(konto.body.contains("Sozialdaten"), "{}", konto.body);
    let granted = post_as(
        &state,
        &format!("bimo_sitzung={admin}"),
        "/konto/freigaben",
        &format!("csrf={}&release=7&department=jugend&permission=read", csrf_in(&konto.body)),
    )
    .await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.body);

    let mut sessions = vec![("anonym", None)];
    for login in ["schule-leser", "soziales-admin", "soziales-leser", "jugend-leser", "traeger"] {
        sessions.push((login, Some(sign_in(&state, login).await)));
    }
    // Expected visibility of releases 4, 6, 7 (the same rules as domain::access, written out).
    let expected = [
        ("anonym", [false, false, false]),
        ("schule-leser", [true, true, false]),
        ("soziales-admin", [true, true, true]),
        ("soziales-leser", [true, true, true]),
        ("jugend-leser", [true, true, true]),
        ("traeger", [false, true, false]),
    ];
    for ((name, session), (name2, row)) in sessions.iter().zip(expected) {
        assert_eq!(*name, name2);
        for ((id, title, year, value), visible) in SECRETS.iter().zip(row) {
            let views = [
                format!("/api/kommunen/testdorf/observations?period={year}"),
                format!("/atlas/testdorf/tabelle?layer=quartier&var=einwohner&year={year}&measure=abs"),
                format!("/atlas/testdorf/tabelle.csv?layer=quartier&var=einwohner&year={year}&measure=abs"),
                format!("/atlas/testdorf?layer=quartier&var=einwohner&year={year}&measure=abs"),
                format!("/atlas/testdorf/gebiet/quartier/1?var=einwohner&year={year}"),
            ];
            for uri in &views {
                let answer = get_as(&state, session.as_deref(), uri).await;
                assert_eq!(shows(&answer.body, *value), visible, "{name} on {uri}: {}", answer.status);
            }
            for uri in ["/api/releases", "/quellen"] {
                let answer = get_as(&state, session.as_deref(), uri).await;
                assert_eq!(answer.body.contains(title), visible, "{name} on {uri}");
            }
            let release =
                get_as(&state, session.as_deref(), &format!("/api/kommunen/testdorf/observations?release={id}")).await;
            assert_eq!(release.status == StatusCode::OK, visible, "{name} on release {id}");
            assert_eq!(shows(&release.body, *value), visible, "{name} on release {id}");
        }
    }
    // Every export of non-public data by a signed-in account is in the audit log; none by the public.
    let log = store.audit_log(1000).unwrap();
    let exports: Vec<_> = log.iter().filter(|e| e.action == "export").collect();
    assert!(exports.iter().any(|e| e.actor == "jugend-leser" && e.subject.starts_with("/atlas/testdorf/tabelle.csv")));
    assert!(exports.iter().all(|e| e.actor != "anonym"));
    let grant = log.iter().find(|e| e.action == "grant").unwrap();
    assert_eq!((grant.actor.as_str(), grant.after.as_deref()), ("soziales-admin", Some("read")));
}

#[tokio::test]
async fn only_the_owners_admin_may_grant_and_forms_need_their_token() {
    let (store, state) = fixture();
    let version = store.access_version().unwrap();
    let reader = sign_in(&state, "soziales-leser").await;
    let konto = get_as(&state, Some(&reader), "/konto").await;
    let csrf = csrf_in(&konto.body);
    // A reader of the owner may not grant, even with a valid token.
    let answer = post_as(
        &state,
        &format!("bimo_sitzung={reader}"),
        "/konto/freigaben",
        &format!("csrf={csrf}&release=7&department=jugend&permission=read"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    let admin = sign_in(&state, "soziales-admin").await;
    // No token, a wrong token, another session's token, a foreign origin: all refused.
    for form in [
        "release=7&department=jugend&permission=read".to_owned(),
        format!("csrf={}&release=7&department=jugend&permission=read", "0".repeat(64)),
        format!("csrf={csrf}&release=7&department=jugend&permission=read"),
    ] {
        let answer = post_as(&state, &format!("bimo_sitzung={admin}"), "/konto/freigaben", &form).await;
        assert!(
            matches!(answer.status, StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY),
            "{form}: {}",
            answer.status
        );
    }
    let own = csrf_in(&get_as(&state, Some(&admin), "/konto").await.body);
    let request = Request::post("/konto/freigaben")
        .header(header::COOKIE, format!("bimo_sitzung={admin}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(format!("csrf={own}&release=7&department=jugend&permission=read")))
        .unwrap();
    assert_eq!(send(&state, request).await.status, StatusCode::FORBIDDEN);
    // The admin may not grant a release the department does not own.
    let answer = post_as(
        &state,
        &format!("bimo_sitzung={admin}"),
        "/konto/freigaben",
        &format!("csrf={own}&release=6&department=jugend&permission=read"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(store.access_version().unwrap(), version, "nothing was granted");
    // The sign-in form needs its token too.
    let answer = post_as(&state, "", "/anmelden", &format!("login=traeger&passwort={PASSWORD}&csrf=x")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signing_in_starts_a_new_session_and_signing_out_ends_it() {
    let (_, state) = fixture();
    // A token planted by an attacker (session fixation) is not adopted: the answer sets a new one.
    let planted = "a".repeat(64);
    let answer = sign_in_with(&state, "traeger", PASSWORD, Some(&planted)).await;
    let fresh = answer.cookie("bimo_sitzung").unwrap();
    assert_ne!(fresh, planted);
    assert!(
        get_as(&state, Some(&planted), "/konto").await.status == StatusCode::SEE_OTHER,
        "the planted token is no session"
    );
    // Signing in again from a signed-in browser ends the old session.
    let again = sign_in_with(&state, "traeger", PASSWORD, Some(&fresh)).await.cookie("bimo_sitzung").unwrap();
    assert_eq!(get_as(&state, Some(&fresh), "/konto").await.status, StatusCode::SEE_OTHER);
    let konto = get_as(&state, Some(&again), "/konto").await;
    assert_eq!(konto.status, StatusCode::OK);
    // The cookie: HttpOnly, SameSite=Strict, Secure.
    let cookie = answer.set_cookies().into_iter().find(|c| c.starts_with("bimo_sitzung=")).unwrap().to_owned();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let out =
        post_as(&state, &format!("bimo_sitzung={again}"), "/abmelden", &format!("csrf={}", csrf_in(&konto.body))).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.cookie("bimo_sitzung").as_deref(), Some(""));
    assert_eq!(get_as(&state, Some(&again), "/konto").await.status, StatusCode::SEE_OTHER, "signed out");
}

#[tokio::test]
async fn repeated_failures_lock_the_login_for_a_while() {
    let (store, state) = fixture();
    for _ in 0..web::auth::MAX_FAILURES {
        let answer = sign_in_with(&state, "traeger", "falsch-falsch", None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("Anmeldename oder Passwort falsch."), "{}", answer.body);
    }
    // Now even the right password is refused.
    let answer = sign_in_with(&state, "traeger", PASSWORD, None).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.cookie("bimo_sitzung").is_none());
    // Parallel attempts cannot slip past the limit: each is counted before its password is checked.
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move { sign_in_with(&state, "jugend-leser", "falsch-falsch", None).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(checked, web::auth::MAX_FAILURES, "{statuses:?}");
    assert_eq!(sign_in_with(&state, "jugend-leser", PASSWORD, None).await.status, StatusCode::TOO_MANY_REQUESTS);
    // Other logins are not affected; an unknown login fails like a wrong password.
    assert_eq!(sign_in_with(&state, "schule-leser", PASSWORD, None).await.status, StatusCode::SEE_OTHER);
    assert_eq!(sign_in_with(&state, "niemand", PASSWORD, None).await.status, StatusCode::UNAUTHORIZED);
    let actions: Vec<String> = store.audit_log(20).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"login refused".to_owned()) && actions.contains(&"login failed".to_owned()));
}

#[tokio::test]
async fn signing_in_never_leads_to_another_site() {
    let (_, state) = fixture();
    for weiter in ["//evil.example", "/%09/evil.example", "/%5Cevil.example", "https://evil.example", "/\\evil"] {
        let form = get_as(&state, None, "/anmelden").await;
        let token = form.cookie("bimo_anmeldung").unwrap();
        let body = format!("login=traeger&passwort={PASSWORD}&csrf={}&weiter={weiter}", csrf_in(&form.body));
        let answer = post_as(&state, &format!("bimo_anmeldung={token}"), "/anmelden", &body).await;
        assert_eq!(answer.headers.get(header::LOCATION).unwrap(), "/konto", "{weiter}");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (_, state) = fixture();
    for uri in ["/", "/anmelden", "/api/releases", "/atlas/testdorf/tabelle.csv", "/gibt-es-nicht"] {
        let answer = get_as(&state, None, uri).await;
        let h = |name: &str| answer.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{uri}");
        assert!(h("content-security-policy").contains("script-src 'self'"), "{uri}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(h("x-frame-options"), "DENY", "{uri}");
        assert_eq!(h("referrer-policy"), "same-origin", "{uri}");
    }
}

#[tokio::test]
async fn the_account_page_and_the_log_need_a_signed_in_admin() {
    let (store, state) = fixture();
    let answer = get_as(&state, None, "/konto").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers.get(header::LOCATION).unwrap(), "/anmelden?weiter=/konto");
    let reader = sign_in(&state, "schule-leser").await;
    assert_eq!(get_as(&state, Some(&reader), "/konto/protokoll").await.status, StatusCode::FORBIDDEN);
    let admin = sign_in(&state, "soziales-admin").await;
    let log = get_as(&state, Some(&admin), "/konto/protokoll").await;
    assert_eq!(log.status, StatusCode::OK);
    // An admin reads what the members of their departments did, not the others.
    assert!(log.body.contains("soziales-admin") && !log.body.contains("schule-leser"), "{}", log.body);
    // A partner organisation's admin reads no log at all.
    store.set_membership("traeger", &"traeger".parse().unwrap(), Some(Role::Admin), "system", "t").unwrap();
    let partner = sign_in(&state, "traeger").await;
    assert_eq!(get_as(&state, Some(&partner), "/konto/protokoll").await.status, StatusCode::FORBIDDEN);
}

/// Every page and form of the management part × every kind of viewer: the exact answer. Records:
/// a public and an internal offer of the Träger, an internal measure led by Soziales, a meeting
/// kept by Soziales.
#[tokio::test]
async fn authorisation_matrix_of_the_management_pages_and_forms() {
    use domain::angebot::{Angebot, AngebotDraft};
    use domain::lenkungskreis::Ereignis;
    use domain::massnahme::{Massnahme, MassnahmeDraft};
    use store::{Actor, NewAngebot};

    let (store, state) = fixture();
    let kommune: domain::KommuneKey = "testdorf".parse().unwrap();
    let at = "2026-11-26T00:00:00Z";
    for (key, audience) in [("oeffentlich", Audience::Public), ("intern", Audience::Internal)] {
        let draft = AngebotDraft {
            key: key.into(),
            title: format!("Angebot {key}"),
            phase: "kita".into(),
            target_group: "Kinder".into(),
            traeger: "Träger e. V.".into(),
            areas_served: vec!["1".into()],
            from: "2020-01-01".into(),
            ..AngebotDraft::default()
        };
        let new = NewAngebot {
            angebot: Angebot::from_draft(&draft).unwrap(),
            owner: "traeger".parse().unwrap(),
            audience,
            example: false,
        };
        store.save_angebot(Actor::System, &kommune, &new, at).unwrap();
    }
    let draft = MassnahmeDraft {
        key: "m-1".into(),
        title: "Maßnahme".into(),
        field: "soziales".into(),
        lead: "soziales".into(),
        status: "laufend".into(),
        priority: "1".into(),
        start: "2020-01-01".into(),
        areas: vec!["1".into()],
        effects: vec![domain::massnahme::WirkungDraft {
            indicator: "einwohner".into(),
            baseline_period: "2012".into(),
            baseline: "500".into(),
            target: "550".into(),
            review: "2026-06-30".into(),
        }],
        ..MassnahmeDraft::default()
    };
    let measure = Massnahme::from_draft(&draft, &|_| true).unwrap();
    store
        .save_massnahme(Actor::System, &kommune, &"quartier".parse().unwrap(), Audience::Internal, &measure, at)
        .unwrap();
    let setup = Ereignis::Angelegt { title: "Sitzung".into(), date: "2026-12-03".parse().unwrap() };
    store
        .record_sitzung(
            Actor::System,
            &kommune,
            &"s-1".parse().unwrap(),
            Some(&"soziales".parse().unwrap()),
            &setup,
            at,
        )
        .unwrap();

    let viewers = ["anonym", "schule-leser", "soziales-admin", "soziales-leser", "jugend-leser", "traeger"];
    let mut sessions = Vec::new();
    for v in viewers {
        sessions.push(if v == "anonym" { None } else { Some(sign_in(&state, v).await) });
    }
    use StatusCode as S;
    const OK: StatusCode = S::OK;
    // 303: to the sign-in form (pages), or on to the result after a change that landed (forms).
    const REDIRECT: StatusCode = S::SEE_OTHER;
    const NO: StatusCode = S::FORBIDDEN;
    const GONE: StatusCode = S::NOT_FOUND;
    // Columns: anonym, schule-leser, soziales-admin, soziales-leser, jugend-leser, traeger.
    let pages: [(&str, [StatusCode; 6]); 12] = [
        ("/atlas/testdorf/angebote", [OK, OK, OK, OK, OK, OK]),
        ("/atlas/testdorf/angebot/oeffentlich", [OK, OK, OK, OK, OK, OK]),
        ("/atlas/testdorf/angebot/intern", [GONE, GONE, GONE, GONE, GONE, OK]),
        ("/atlas/testdorf/angebote/neu", [REDIRECT, NO, OK, NO, NO, OK]),
        ("/atlas/testdorf/massnahmen", [OK, OK, OK, OK, OK, OK]),
        ("/atlas/testdorf/massnahme/m-1", [GONE, GONE, OK, OK, GONE, GONE]),
        ("/atlas/testdorf/massnahmen/neu", [REDIRECT, NO, OK, NO, NO, OK]),
        ("/atlas/testdorf/lenkungskreis", [REDIRECT, OK, OK, OK, OK, OK]),
        ("/atlas/testdorf/lenkungskreis/s-1", [REDIRECT, OK, OK, OK, OK, GONE]),
        ("/konto", [REDIRECT, OK, OK, OK, OK, OK]),
        ("/konto/protokoll", [REDIRECT, NO, OK, NO, NO, NO]),
        ("/anmelden", [OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT]),
    ];
    for (uri, row) in pages {
        for ((viewer, session), expected) in viewers.iter().zip(&sessions).zip(row) {
            let answer = get_as(&state, session.as_deref(), uri).await;
            assert_eq!(answer.status, expected, "{viewer} GET {uri}");
        }
    }
    // Forms, each with the viewer's own valid form token: only the allowed ones land.
    let forms: [(&str, &str, [StatusCode; 6]); 4] = [
        ("/konto/freigaben", "release=7&department=jugend&permission=read", [NO, NO, REDIRECT, NO, NO, NO]),
        (
            "/atlas/testdorf/massnahme/m-1/urteil",
            "effect=0&befund=erreicht&reviewer=R&comment=&date=2026-12-01",
            [NO, NO, REDIRECT, NO, NO, NO],
        ),
        (
            "/atlas/testdorf/lenkungskreis/s-1/punkt",
            "herkunft=sonstiges&subject=x&reference=",
            [NO, NO, REDIRECT, NO, NO, NO],
        ),
        ("/atlas/testdorf/angebot/intern/zurueckziehen", "", [NO, NO, NO, NO, NO, REDIRECT]),
    ];
    for (uri, fields, row) in forms {
        for ((viewer, session), expected) in viewers.iter().zip(&sessions).zip(row) {
            let token = match session {
                Some(s) => csrf_in(&get_as(&state, Some(s), "/konto").await.body),
                None => "0".repeat(64),
            };
            let cookie = session.as_ref().map_or(String::new(), |s| format!("bimo_sitzung={s}"));
            let answer = post_as(&state, &cookie, uri, &format!("csrf={token}&{fields}")).await;
            assert_eq!(answer.status, expected, "{viewer} POST {uri}");
        }
    }
}
