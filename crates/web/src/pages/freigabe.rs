//! Grants on records: the admins of the department that keeps an offer or a measure grant read or
//! edit on it to another department, on the record's page.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::{DepartmentKey, RecordGrant};
use maud::{Markup, html};
use serde::Deserialize;
use store::{RecordKind, RecordRef, StoreError, StoredDepartment};

use super::{PageError, encode, off_runtime};
use crate::auth::{CurrentUser, cross_site, now};
use crate::{AppError, AppState};

/// The grants on a record and, for the keeping department's admins, the form to change them.
pub(super) fn section(
    action: &str,
    grants: &[RecordGrant],
    departments: &[StoredDepartment],
    owner: &DepartmentKey,
    csrf: Option<&str>,
) -> Markup {
    let name_of =
        |d: &DepartmentKey| departments.iter().find(|x| &x.key == d).map_or(d.to_string(), |x| x.name.clone());
    html! {
        section aria-labelledby="freigaben" {
            h2 id="freigaben" { "Freigaben" }
            p {
                "Gepflegt von " (name_of(owner)) ". "
                @if grants.is_empty() { "Keinem anderen Amt freigegeben." }
                @else { "Freigegeben für: " @for (i, g) in grants.iter().enumerate() { @if i > 0 { ", " } (name_of(&g.department)) " (" (g.permission.label()) ")" } "." }
            }
            @if let Some(csrf) = csrf {
                form class="controls inline" method="post" action=(action) {
                    input type="hidden" name="csrf" value=(csrf);
                    label { "Amt" select name="department" { @for d in departments.iter().filter(|d| &d.key != owner) { option value=(d.key) { (d.name) } } } }
                    label { "Recht" select name="permission" {
                        option value="read" { "Lesen" } option value="edit" { "Bearbeiten" } option value="none" { "Freigabe entziehen" }
                    } }
                    button type="submit" { "Speichern" }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct GrantForm {
    csrf: String,
    department: String,
    permission: String,
}

async fn grant(
    state: AppState,
    user: CurrentUser,
    headers: HeaderMap,
    form: GrantForm,
    kind: RecordKind,
    (key, record): (String, String),
    back: String,
) -> Result<Response, PageError> {
    if cross_site(&headers) {
        return Err(AppError::Forbidden("Anfrage von einer fremden Seite.".into()).into());
    }
    let account = user.check_csrf(&form.csrf)?.account.id;
    let (department, permission) = super::parse_grant(&form.department, &form.permission)?;
    let kommune: domain::KommuneKey = key.parse().map_err(|_| AppError::NotFound(format!("keine Kommune {key:?}")))?;
    let store = Arc::clone(&state.store);
    off_runtime(move || {
        store.grant_record(account, RecordRef { kommune: &kommune, kind, key: &record }, &department, permission, &now().1).map_err(|e| match e {
            StoreError::Forbidden(_) => AppError::Forbidden(
                "Freigaben erteilt nur, wer das Amt verwaltet, das den Eintrag pflegt; das eigene Amt braucht keine.".into(),
            ),
            StoreError::UnknownRecord(_) => AppError::NotFound(format!("Den Eintrag „{record}“ gibt es nicht.")),
            StoreError::UnknownDepartment(d) => AppError::BadRequest(format!("Unbekanntes Amt {d}.")),
            other => AppError::internal(other),
        })?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// Grants or revokes on an offer.
pub(super) async fn offer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, record)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<GrantForm>,
) -> Result<Response, PageError> {
    let back = format!("/atlas/{key}/angebot/{}#freigaben", encode(&record));
    grant(state, user, headers, form, RecordKind::Angebot, (key, record), back).await
}

/// Grants or revokes on a measure.
pub(super) async fn measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((key, record)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<GrantForm>,
) -> Result<Response, PageError> {
    let back = format!("/atlas/{key}/massnahme/{}#freigaben", encode(&record));
    grant(state, user, headers, form, RecordKind::Massnahme, (key, record), back).await
}
