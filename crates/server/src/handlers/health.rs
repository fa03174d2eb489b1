use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::auth::Caller;
use crate::db::{applied, latest_migration, transaction, Mode};
use crate::{queue, AppState, Error};

/// Alive: the process answers.
pub async fn health() -> &'static str {
    "ok"
}

/// Ready: the database answers and its schema is this build's.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let wanted = latest_migration(state.db.backend());
    match applied(&*state.db).await {
        Ok(done) if done.last() == Some(&wanted) => {
            (StatusCode::OK, Json(json!({ "database": "ok", "migration": wanted })))
        }
        Ok(done) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "database": "ok", "migration": done.last(), "wanted": wanted })),
        ),
        Err(e) => {
            tracing::warn!("not ready: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "database": "unreachable" })))
        }
    }
}

/// Prometheus metrics (any role: a scraper logs in like a device).
pub async fn metrics(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<([(&'static str, &'static str); 1], String), Error> {
    let version = transaction(&*state.db, Mode::Read, |tx| {
        Box::pin(async move { tx.query_one("SELECT version FROM library WHERE id = 1", &[]).await?.int(0) })
    })
    .await?;
    let jobs = queue::counts(&state).await?;
    Ok(([("content-type", "text/plain; version=0.0.4")], state.metrics.render(version, &jobs)))
}

/// This API's OpenAPI document.
pub async fn openapi() -> ([(&'static str, &'static str); 1], &'static str) {
    ([("content-type", "application/json")], include_str!("../../openapi.json"))
}
