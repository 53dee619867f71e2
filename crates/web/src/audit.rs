//! The audit of exports: every download of data that is not public – a CSV table, a report, an
//! API answer – is written to the store's audit log with who fetched what. Changes (grants,
//! memberships, passwords) write their own entries in the store, in the transaction that makes them.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::auth::{CurrentUser, now};

/// Whether a path hands out data in bulk: CSV tables, report files and the JSON API (but not its
/// description).
pub(crate) fn is_export(path: &str) -> bool {
    path.ends_with(".csv")
        || path.ends_with("/quartiersprofil.pdf")
        || path.ends_with("/quartiersprofil.html")
        || (path.starts_with("/api/") && path != "/api/openapi.json")
}

/// Middleware: after a successful export by a signed-in account that sees releases beyond the
/// public ones, appends `export <path?query>` to the audit log. A failing audit fails the request:
/// an export that cannot be recorded is not handed out.
pub(crate) async fn exports(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if !is_export(&path) {
        return next.run(request).await;
    }
    let subject = request.uri().path_and_query().map_or(path, |p| p.as_str().to_owned());
    let (mut parts, body) = request.into_parts();
    let user = match CurrentUser::from_request_parts(&mut parts, &state).await {
        Ok(user) => user,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(login) = user.login().map(str::to_owned) else { return response };
    if !response.status().is_success() {
        return response;
    }
    let store = std::sync::Arc::clone(&state.store);
    let viewer = user.viewer();
    let recorded = tokio::task::spawn_blocking(move || -> Result<(), crate::AppError> {
        if state.sees_non_public(&viewer)? {
            store.audit(&now().1, &login, "export", &subject, None).map_err(crate::AppError::internal)?;
        }
        Ok(())
    })
    .await;
    match recorded {
        Ok(Ok(())) => response,
        Ok(Err(e)) => axum::response::IntoResponse::into_response(e),
        Err(e) => axum::response::IntoResponse::into_response(crate::AppError::internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::is_export;

    #[test]
    fn exports_are_tables_reports_and_the_api() {
        assert!(is_export("/atlas/koeln/tabelle.csv"));
        assert!(is_export("/atlas/koeln/gebiet/stadtteil/101/quartiersprofil.pdf"));
        assert!(is_export("/api/kommunen/koeln/observations"));
        assert!(!is_export("/api/openapi.json"));
        assert!(!is_export("/atlas/koeln/tabelle"));
    }
}
