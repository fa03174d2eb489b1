use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::db::{applied, latest_migration};
use crate::AppState;

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
