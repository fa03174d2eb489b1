//! Every route of the server, in one place.

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{delete, get, patch, post};
use axum::Router;

use crate::handlers::{health, jobs, lexicon, users};
use crate::{AppState, Error};

/// The largest request body accepted (a push of the most changes fits with room to spare).
pub const MAX_BODY: usize = 1 << 20;
/// A batch upload's limit: 100,000 files with long paths and their hashes.
pub const MAX_BATCH_BODY: usize = 128 << 20;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(health::openapi))
        .route("/v1/login", post(users::login))
        .route("/v1/logout", post(users::logout))
        .route("/v1/tokens", get(users::tokens))
        .route("/v1/tokens/{id}", delete(users::revoke))
        .route("/v1/users", get(users::list).post(users::create))
        .route("/v1/users/{name}", patch(users::update))
        .route("/v1/lexicon/changes", get(lexicon::changes))
        .route("/v1/lexicon/push", post(lexicon::push))
        .route("/v1/batches", get(jobs::batches).post(jobs::create_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY)))
        .route("/v1/batches/{id}", get(jobs::batch))
        .route("/v1/batches/{id}/jobs", get(jobs::jobs))
        .route("/v1/batches/{id}/requeue", post(jobs::requeue))
        .route("/v1/jobs/claim", post(jobs::claim))
        .route("/v1/jobs/{id}/heartbeat", post(jobs::heartbeat))
        .route("/v1/jobs/{id}/release", post(jobs::release))
        .route("/v1/jobs/{id}/review", post(jobs::review))
        .route("/v1/jobs/{id}/complete", post(jobs::complete))
        .route("/v1/jobs/{id}/fail", post(jobs::fail))
        .fallback(|| async { Error::NotFound("no such route".into()) })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), crate::metrics::track))
        .with_state(state)
}
