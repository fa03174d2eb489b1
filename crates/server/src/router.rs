//! Every route of the server, in one place.

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, patch, post};
use axum::Router;

use crate::handlers::{health, lexicon, users};
use crate::{AppState, Error};

/// The largest request body accepted (a push of the most changes fits with room to spare).
pub const MAX_BODY: usize = 1 << 20;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/v1/login", post(users::login))
        .route("/v1/logout", post(users::logout))
        .route("/v1/tokens", get(users::tokens))
        .route("/v1/tokens/{id}", delete(users::revoke))
        .route("/v1/users", get(users::list).post(users::create))
        .route("/v1/users/{name}", patch(users::update))
        .route("/v1/lexicon/changes", get(lexicon::changes))
        .route("/v1/lexicon/push", post(lexicon::push))
        .fallback(|| async { Error::NotFound("no such route".into()) })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}
