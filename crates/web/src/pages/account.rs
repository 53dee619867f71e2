//! Sign-in and the account page: sign in and out, change the password, grant the department's
//! releases to other departments, and read the audit log.
//!
//! Every form that changes something is a POST with the session's form token
//! ([`CurrentUser::check_csrf`]) and answers with a redirect (post/redirect/get).

use std::sync::{Arc, OnceLock};

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{DepartmentKey, Permission, Role};
use domain::{Audience, ReleaseId};
use maud::{Markup, html};
use serde::Deserialize;
use store::{StoreError, StoredAccount};

use super::{PageError, off_runtime};
use crate::auth::{
    self, CurrentUser, FAILURE_WINDOW, LOGIN_CSRF_COOKIE, MAX_FAILURES, MIN_PASSWORD_CHARS, SESSION_COOKIE,
    SESSION_SECONDS, constant_time_eq, cookie, cross_site, now, random_token, set_cookie, token_digest,
    verify_password,
};
use crate::views::page;
use crate::{AppError, AppState};

/// Where to go after signing in: a path on this site, never another site.
fn local_target(target: Option<&str>) -> &str {
    target.filter(|t| is_local_path(t)).unwrap_or("/konto")
}

/// Whether `text` is a path on this site and nothing a browser could read as another site: it
/// starts with one `/`, and has no backslash, whitespace or control character anywhere (browsers
/// drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` would leave the site).
pub(crate) fn is_local_path(text: &str) -> bool {
    text.starts_with('/')
        && !text.starts_with("//")
        && !text.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginQuery {
    weiter: Option<String>,
}

fn login_form(csrf: &str, target: &str, login: &str, message: Option<&str>) -> Markup {
    page(
        "Anmelden",
        None,
        "konto",
        html! {
            h1 { "Anmelden" }
            p { "Angemeldete Konten sehen zusätzlich die Datenstände, die ihre Ämter besitzen oder freigegeben bekommen haben." }
            @if let Some(m) = message { p class="notice" role="alert" { (m) } }
            form class="controls narrow" method="post" action="/anmelden" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="weiter" value=(target);
                label { "Anmeldename" input type="text" name="login" value=(login) autocomplete="username" required; }
                label { "Passwort" input type="password" name="passwort" autocomplete="current-password" required; }
                button type="submit" { "Anmelden" }
            }
        },
    )
}

/// The sign-in form, with a fresh form token in a cookie and in the form (double submit).
pub(super) async fn login_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LoginQuery>,
) -> Response {
    if user.session.is_some() {
        return Redirect::to(local_target(q.weiter.as_deref())).into_response();
    }
    let csrf = random_token();
    let target = local_target(q.weiter.as_deref()).to_owned();
    (
        [(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, 1800, state.secure_cookies))],
        login_form(&csrf, &target, "", None),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    login: String,
    passwort: String,
    csrf: String,
    weiter: Option<String>,
}

/// The longest login accepted; longer text is no login of any account.
const MAX_LOGIN_CHARS: usize = 64;

/// Sign-ins verified at once.
static VERIFICATIONS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// A hash to verify against when the login does not exist, so that a wrong login takes as long as
/// a wrong password and does not reveal which logins exist.
fn decoy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("kein-konto-hat-dieses-passwort").unwrap_or_default())
}

/// Signs in: checks origin, form token and the failure limit, verifies the password on the
/// blocking pool, then starts a new session (ending the one the browser brought).
pub(super) async fn login(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if cross_site(&headers) || expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(AppError::Forbidden("Das Anmeldeformular ist abgelaufen. Bitte die Seite neu laden.".into()).into());
    }
    let target = local_target(form.weiter.as_deref()).to_owned();
    let secure = state.secure_cookies;
    let store = Arc::clone(&state.store);
    let old_session = user.token_sha256.clone();
    // At most a few hashes at once: each takes about 19 MiB and tens of milliseconds.
    let _permit = VERIFICATIONS.acquire().await.map_err(AppError::internal)?;
    let outcome = off_runtime(move || -> Result<Result<String, LoginRefusal>, PageError> {
        let (now, at) = now();
        let internal = |e: StoreError| PageError::from(AppError::internal(e));
        // A login no account can have is refused like a wrong password, without a trace of its
        // text (it may be a password typed into the wrong field) and without counting.
        if form.login.chars().count() > MAX_LOGIN_CHARS || form.login.chars().any(char::is_control) {
            return Ok(Err(LoginRefusal::Wrong(String::new())));
        }
        if !store.reserve_login_attempt(&form.login, now, now - FAILURE_WINDOW, MAX_FAILURES).map_err(internal)? {
            store.audit(&at, &form.login, "login refused", "too many failures", None).map_err(internal)?;
            return Ok(Err(LoginRefusal::TooMany));
        }
        let account = store.account(&form.login).map_err(internal)?;
        let hash = account.as_ref().map_or(decoy_hash(), |a| a.password_hash.as_str());
        let verified = verify_password(hash, &form.passwort);
        let account = match account {
            Some(a) if verified && !a.disabled => a,
            known => {
                let actor = if known.is_some() { form.login.as_str() } else { "(unbekannter Anmeldename)" };
                store.audit(&at, actor, "login failed", "sign-in form", None).map_err(internal)?;
                return Ok(Err(LoginRefusal::Wrong(form.login)));
            }
        };
        store.clear_login_failures(&account.login).map_err(internal)?;
        if let Some(old) = old_session {
            store.end_session(&old).map_err(internal)?;
        }
        let token = random_token();
        store
            .create_session(&token_digest(&token), account.id, &random_token(), now, now + SESSION_SECONDS)
            .map_err(internal)?;
        store.audit(&at, &account.login, "login", "sign-in form", None).map_err(internal)?;
        Ok(Ok(token))
    })
    .await?;
    match outcome {
        Ok(token) => Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, header::HeaderValue::from_str(&target).map_err(AppError::internal)?),
                (header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, SESSION_SECONDS, secure)),
            ],
            [(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure))],
        )
            .into_response()),
        Err(LoginRefusal::TooMany) => Err(AppError::TooManyRequests(format!(
            "Zu viele fehlgeschlagene Anmeldungen. Bitte in {} Minuten erneut versuchen.",
            FAILURE_WINDOW / 60
        ))
        .into()),
        Err(LoginRefusal::Wrong(login)) => {
            let csrf = random_token();
            Ok((
                StatusCode::UNAUTHORIZED,
                [(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &csrf, 1800, secure))],
                login_form(&csrf, &target, &login, Some("Anmeldename oder Passwort falsch.")),
            )
                .into_response())
        }
    }
}

enum LoginRefusal {
    TooMany,
    Wrong(String),
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    csrf: String,
}

/// Signs out: ends the session in the store and deletes the cookie.
pub(super) async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let login = user.check_csrf(&form.csrf)?.account.login.clone();
    let store = Arc::clone(&state.store);
    let digest = user.token_sha256.clone().unwrap_or_default();
    off_runtime(move || {
        store.end_session(&digest).map_err(AppError::internal)?;
        store.audit(&now().1, &login, "logout", "sign-out form", None).map_err(AppError::internal)?;
        Ok(())
    })
    .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, header::HeaderValue::from_static("/")),
            (header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0, state.secure_cookies)),
        ],
    )
        .into_response())
}

/// The signed-in account, or a redirect to the sign-in form that comes back here.
fn signed_in(user: &CurrentUser, back: &str) -> Result<StoredAccount, Redirect> {
    match &user.session {
        Some(s) => Ok(s.account.clone()),
        None => Err(Redirect::to(&format!("/anmelden?weiter={back}"))),
    }
}

/// What the account page shows of one release the account's departments own.
struct OwnedRelease {
    id: ReleaseId,
    title: String,
    audience: Audience,
    owner: DepartmentKey,
    grants: Vec<(DepartmentKey, Permission)>,
}

/// The account page: memberships, sign-out, password, and for admins the grants of their
/// departments' releases.
pub(super) async fn account_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let account = match signed_in(&user, "/konto") {
        Ok(a) => a,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let csrf = user.session.as_ref().map(|s| s.csrf.clone()).unwrap_or_default();
    let store = Arc::clone(&state.store);
    let viewer = user.viewer();
    let atlas = state.atlas_for(&viewer).await?;
    off_runtime(move || {
        let (releases, grants) = store.release_access().map_err(AppError::internal)?;
        let departments = store.departments().map_err(AppError::internal)?;
        let titles: std::collections::HashMap<ReleaseId, &str> =
            atlas.kommunen.iter().flat_map(|k| &k.data.releases).map(|r| (r.id, r.title.as_str())).collect();
        let owned: Vec<OwnedRelease> = releases
            .iter()
            .filter(|r| viewer.may_grant(r))
            .filter_map(|r| {
                Some(OwnedRelease {
                    id: r.id,
                    title: titles.get(&r.id).map_or_else(|| format!("Datenstand {}", r.id), |t| (*t).to_owned()),
                    audience: r.audience,
                    owner: r.owner.clone()?,
                    grants: grants
                        .iter()
                        .filter(|g| g.release == r.id)
                        .map(|g| (g.department.clone(), g.permission))
                        .collect(),
                })
            })
            .collect();
        let name_of = |key: &DepartmentKey| {
            departments.iter().find(|d| &d.key == key).map_or(key.to_string(), |d| d.name.clone())
        };
        let is_admin = account.memberships.iter().any(|m| m.role == Role::Admin);
        Ok(page(
            "Konto",
            None,
            "konto",
            html! {
                h1 { "Konto" }
                p { "Angemeldet als " strong { (account.name) } " (" (account.login) ")." }
                form class="controls narrow" method="post" action="/abmelden" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Abmelden" }
                }
                h2 { "Ämter und Rollen" }
                @if account.memberships.is_empty() {
                    p { "Dieses Konto gehört keinem Amt an; es sieht öffentliche und Partner-Datenstände." }
                } @else {
                    table class="data" {
                        caption class="sr-only" { "Ämter und Rollen" }
                        thead { tr { th scope="col" { "Amt" } th scope="col" { "Rolle" } } }
                        tbody { @for m in &account.memberships { tr { td { (name_of(&m.department)) } td { (m.role.label()) } } } }
                    }
                }
                h2 id="freigaben" { "Freigaben" }
                @if owned.is_empty() {
                    p { "Freigaben erteilen Verwalterinnen und Verwalter des Amts, dem ein Datenstand gehört." }
                } @else {
                    p { "Datenstände Ihrer Ämter: wer außer dem eigenen Amt sie sieht. Interne Datenstände sieht nur, wem sie freigegeben sind." }
                    table class="data" {
                        caption class="sr-only" { "Datenstände und ihre Freigaben" }
                        thead { tr { th scope="col" { "Nr." } th scope="col" { "Titel" } th scope="col" { "Stufe" } th scope="col" { "Eigentümer" } th scope="col" { "Freigegeben für" } } }
                        tbody {
                            @for r in &owned {
                                tr {
                                    td { (r.id) } td { (r.title) } td { (audience_label(r.audience)) } td { (name_of(&r.owner)) }
                                    td {
                                        @if r.grants.is_empty() { "–" }
                                        @for (i, (d, p)) in r.grants.iter().enumerate() { @if i > 0 { ", " } (name_of(d)) " (" (p.label()) ")" }
                                    }
                                }
                            }
                        }
                    }
                    form class="controls inline" method="post" action="/konto/freigaben" {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "Datenstand" select name="release" { @for r in &owned { option value=(r.id) { (r.id) " – " (r.title) } } } }
                        label { "Amt" select name="department" { @for d in &departments { option value=(d.key) { (d.name) } } } }
                        label { "Recht" select name="permission" {
                            option value="read" { "Lesen" } option value="edit" { "Bearbeiten" } option value="none" { "Freigabe entziehen" }
                        } }
                        button type="submit" { "Speichern" }
                    }
                }
                h2 { "Passwort ändern" }
                form class="controls narrow" method="post" action="/konto/passwort" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Bisheriges Passwort" input type="password" name="aktuell" autocomplete="current-password" required; }
                    label { "Neues Passwort (mindestens " (MIN_PASSWORD_CHARS) " Zeichen)" input type="password" name="neu" autocomplete="new-password" minlength=(MIN_PASSWORD_CHARS) required; }
                    label { "Neues Passwort wiederholen" input type="password" name="wiederholt" autocomplete="new-password" required; }
                    button type="submit" { "Passwort ändern" }
                }
                @if is_admin { p { a href="/konto/protokoll" { "Protokoll aller Änderungen und Exporte" } } }
            },
        )
        .into_response())
    })
    .await
}

pub(crate) fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::Public => "öffentlich",
        Audience::Partner => "Partner",
        Audience::Internal => "intern",
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct GrantForm {
    csrf: String,
    release: i64,
    department: String,
    permission: String,
}

/// Grants or revokes; the store checks again that the account is an admin of the owner.
pub(super) async fn grant(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<GrantForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let account = user.check_csrf(&form.csrf)?.account.id;
    let (department, permission) = super::parse_grant(&form.department, &form.permission)?;
    let store = Arc::clone(&state.store);
    off_runtime(move || {
        store.grant(account, ReleaseId(form.release), &department, permission, &now().1).map_err(|e| {
            match e {
            StoreError::Forbidden(_) => AppError::Forbidden(
                "Freigaben erteilt nur, wer das Amt verwaltet, dem der Datenstand gehört; das eigene Amt braucht keine."
                    .into(),
            ),
            StoreError::UnknownDepartment(d) => AppError::BadRequest(format!("Unbekanntes Amt {d}.")),
            StoreError::UnknownRelease(r) => AppError::BadRequest(format!("Unbekannter Datenstand {r}.")),
            other => AppError::internal(other),
        }
        })?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/konto#freigaben").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    csrf: String,
    aktuell: String,
    neu: String,
    wiederholt: String,
}

/// Changes the password: checks the current one, ends every session of the account (other
/// browsers too) and starts a new one here.
pub(super) async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let account = user.check_csrf(&form.csrf)?.account.clone();
    if form.neu.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!(
            "Das neue Passwort braucht mindestens {MIN_PASSWORD_CHARS} Zeichen."
        ))
        .into());
    }
    if form.neu != form.wiederholt {
        return Err(AppError::BadRequest("Die beiden neuen Passwörter stimmen nicht überein.".into()).into());
    }
    let store = Arc::clone(&state.store);
    let token = off_runtime(move || {
        if !verify_password(&account.password_hash, &form.aktuell) {
            return Err(AppError::Forbidden("Das bisherige Passwort stimmt nicht.".into()).into());
        }
        let hash = auth::hash_password(&form.neu)?;
        let (now, at) = now();
        store.set_password(&account.login, &hash, &account.login, &at).map_err(AppError::internal)?;
        let token = random_token();
        store
            .create_session(&token_digest(&token), account.id, &random_token(), now, now + SESSION_SECONDS)
            .map_err(AppError::internal)?;
        Ok(token)
    })
    .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, header::HeaderValue::from_static("/konto")),
            (header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, SESSION_SECONDS, state.secure_cookies)),
        ],
    )
        .into_response())
}

/// The newest entries of the audit log, for admins.
pub(super) async fn audit_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, PageError> {
    let account = match signed_in(&user, "/konto/protokoll") {
        Ok(a) => a,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    // Admins of a city department read what the members of their departments did; the whole log,
    // with the command line's entries, is for whoever runs the store (`bimo konto protokoll`).
    let administered: Vec<DepartmentKey> = account
        .memberships
        .iter()
        .filter(|m| m.role == Role::Admin && m.kind == domain::access::DepartmentKind::Verwaltung)
        .map(|m| m.department.clone())
        .collect();
    if administered.is_empty() {
        return Err(AppError::Forbidden(
            "Das Protokoll sehen nur Verwalterinnen und Verwalter eines städtischen Amts.".into(),
        )
        .into());
    }
    let store = Arc::clone(&state.store);
    off_runtime(move || {
        let members: Vec<String> = store
            .accounts()
            .map_err(AppError::internal)?
            .into_iter()
            .filter(|a| a.memberships.iter().any(|m| administered.contains(&m.department)))
            .map(|a| a.login)
            .collect();
        let entries: Vec<_> = store
            .audit_log(5000)
            .map_err(AppError::internal)?
            .into_iter()
            .filter(|e| members.contains(&e.actor))
            .take(500)
            .collect();
        Ok(page(
            "Protokoll",
            None,
            "konto",
            html! {
                h1 { "Protokoll" }
                p { "Was die Mitglieder Ihrer Ämter getan haben: jede Änderung, jede Anmeldung und jeder Export nicht öffentlicher Daten; die neuesten 500 Einträge zuerst. Einträge werden nie geändert oder gelöscht. Das ganze Protokoll zeigt „bimo konto protokoll“ an der Ablage." }
                div class="scroll" role="region" tabindex="0" aria-label="Protokoll" {
                    table class="data" {
                        caption class="sr-only" { "Protokoll" }
                        thead { tr { th scope="col" { "Zeit" } th scope="col" { "Wer" } th scope="col" { "Was" } th scope="col" { "Gegenstand" } th scope="col" { "Vorher" } th scope="col" { "Nachher" } } }
                        tbody {
                            @for e in &entries {
                                tr { td class="nowrap" { (e.at) } td { (e.actor) } td { (e.action) } td { (e.subject) }
                                     td { (e.before.as_deref().unwrap_or("")) } td { (e.after.as_deref().unwrap_or("")) } }
                            }
                        }
                    }
                }
            },
        )
        .into_response())
    })
    .await
}
