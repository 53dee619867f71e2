//! The one error type of the web layer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What a request can fail with. 5xx bodies are generic; details go to the log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The requested thing does not exist (or is not visible to this viewer).
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The viewer is not allowed to do this (a missing form token, a grant the roles do not allow).
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed logins for this account; the text says when to try again.
    #[error("{0}")]
    TooManyRequests(String),
    /// Anything else; the text is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub(crate) fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl AppError {
    /// The status and the text that may be shown; an internal error's detail is logged here instead.
    pub(crate) fn status_and_text(&self) -> (StatusCode, String) {
        match self {
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
            AppError::TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, m.clone()),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Interner Fehler. Bitte später erneut versuchen.".to_owned())
            }
        }
    }
}

/// The API's answer: `{"error": text}`. The pages answer with an HTML page instead
/// (`pages::PageError`).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, text) = self.status_and_text();
        (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_errors_do_not_leak_their_text() {
        let response = AppError::internal("disk I/O error at /secret/path").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(!body.contains("secret"), "{body}");
    }
}
