//! The server's one error type; each becomes an HTTP status and a JSON body `{code, message}`
//! that clients switch on by `code`. Database details are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shruti_sync::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed or could not be reached (details logged).
    #[error("database: {0}")]
    Db(String),
    /// A unique constraint was broken; the caller says what was taken.
    #[error("already exists")]
    Duplicate,
    /// The server was started wrongly.
    #[error("{0}")]
    Config(String),
    /// No token, or one that is unknown, revoked or belongs to a disabled user.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller's role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("this route does not take that method")]
    MethodNotAllowed,
    /// The request contradicts the server's state (`code` says how).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// Malformed or out of bounds.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The body is over the limit.
    #[error("{0}")]
    TooLarge(String),
}

impl Error {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::Db(_) | Error::Config(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Error::Duplicate => (StatusCode::CONFLICT, "duplicate"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed"),
            Error::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request"),
            Error::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too-many-requests"),
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Error::Db(detail) | Error::Config(detail) => {
                tracing::error!(%detail, "request failed");
                "the server's database is unavailable; try again shortly".to_owned()
            }
            other => other.to_string(),
        };
        (status, axum::Json(ApiError { code: code.to_owned(), message })).into_response()
    }
}
