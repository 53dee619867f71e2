//! Sign-in, sessions, form tokens and the security headers.
//!
//! - **Passwords** are stored as Argon2id PHC strings ([`hash_password`]); verifying one takes
//!   tens of milliseconds and runs on the blocking pool.
//! - **Sessions**: a random 256-bit token in an `HttpOnly`, `SameSite=Strict` cookie (`Secure`
//!   unless the installation serves plain HTTP on purpose); the store keeps only its SHA-256. Every
//!   sign-in starts a new session and ends the one the browser brought (no session fixation).
//! - **CSRF**: every form that changes something carries the session's form token; the sign-in form,
//!   which has no session yet, a token that must equal the one in a short-lived cookie (double
//!   submit). A request whose `Origin` names another host is refused as well.
//! - **Brute force**: after [`MAX_FAILURES`] failed sign-ins of one login within
//!   [`FAILURE_WINDOW`] seconds the login is refused until the window has passed, whatever the
//!   password; the failures live in the store, so a restart does not reset them.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use domain::access::Viewer;
use sha2::{Digest, Sha256};
use store::{SessionAccount, Store};

use crate::{AppError, AppState};

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "bimo_sitzung";
/// The cookie holding the sign-in form's token.
pub(crate) const LOGIN_CSRF_COOKIE: &str = "bimo_anmeldung";
/// How long a session lasts, in seconds (8 hours: one working day).
pub(crate) const SESSION_SECONDS: i64 = 8 * 3600;
/// Failed sign-ins of one login tolerated within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window over which failed sign-ins are counted, in seconds.
pub const FAILURE_WINDOW: i64 = 15 * 60;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The Argon2id hash of a password as a PHC string, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(AppError::internal)
}

/// Whether `password` matches the stored PHC string; a malformed hash matches nothing.
pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh random token: 32 bytes from the operating system, hex-encoded.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// A fresh random password of 16 letters and digits (about 95 bits), for generated accounts.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// The SHA-256 of a session token, as the store keeps it.
pub(crate) fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now as Unix seconds and as RFC 3339 text in UTC, to the second.
pub(crate) fn now() -> (i64, String) {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp(), rfc3339(now))
}

/// The current time as RFC 3339 text in UTC, to the second, e.g. `2026-11-26T18:30:00Z`.
pub fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, path `/`, `Secure` if `secure`;
/// `max_age` 0 deletes the cookie.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Who sent the request: the account of a live session, or nobody.
#[derive(Debug, Clone, Default)]
pub struct CurrentUser {
    /// The account and its session's form token, if signed in.
    pub session: Option<SessionAccount>,
    /// The digest of the session token the browser brought, live or not.
    pub(crate) token_sha256: Option<String>,
}

impl CurrentUser {
    /// The viewer the access rules judge.
    pub fn viewer(&self) -> Viewer {
        self.session.as_ref().map_or(Viewer::Anonymous, |s| s.account.viewer())
    }

    /// The account's login, or `None` if nobody is signed in.
    pub fn login(&self) -> Option<&str> {
        self.session.as_ref().map(|s| s.account.login.as_str())
    }

    /// Refuses a form whose token is not this session's.
    pub(crate) fn check_csrf(&self, token: &str) -> Result<&SessionAccount, AppError> {
        match &self.session {
            Some(s) if constant_time_eq(s.csrf.as_bytes(), token.as_bytes()) => Ok(s),
            Some(_) => Err(AppError::Forbidden("Das Formular ist abgelaufen. Bitte die Seite neu laden.".into())),
            None => Err(AppError::Forbidden("Bitte zuerst anmelden.".into())),
        }
    }
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Looks up the session of the request's cookie.
async fn current_user(store: Arc<Store>, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(CurrentUser::default()) };
    let digest = token_digest(token);
    let lookup = digest.clone();
    let session = tokio::task::spawn_blocking(move || store.session(&lookup, now().0))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(CurrentUser { session, token_sha256: Some(digest) })
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let user = current_user(Arc::clone(&state.store), &parts.headers).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// Whether the request comes from another site: its `Origin` names a host other than `Host`.
/// Requests without `Origin` (old browsers, command-line clients) are judged by their form token.
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin == "null" || origin_host != host
}

/// Adds the security headers to every response: a content security policy that allows only this
/// origin's scripts and no framing, no MIME sniffing, no referrer to other sites.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_a_fresh_salt_and_verify() {
        let a = hash_password("richtig-lang-genug").unwrap();
        let b = hash_password("richtig-lang-genug").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "every hash has its own salt");
        assert!(verify_password(&a, "richtig-lang-genug"));
        assert!(!verify_password(&a, "falsch"));
        assert!(!verify_password("kein hash", "richtig-lang-genug"));
    }

    #[test]
    fn times_are_rfc3339_to_the_second() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_795_718_400).unwrap();
        assert_eq!(rfc3339(t), "2026-11-26T18:40:00Z");
        assert_eq!(now_rfc3339().len(), 20);
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; bimo_sitzung=abc"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn a_foreign_origin_is_cross_site() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("atlas.example:8080"));
        assert!(!cross_site(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://atlas.example:8080"));
        assert!(!cross_site(&headers));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(cross_site(&headers));
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 64);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
