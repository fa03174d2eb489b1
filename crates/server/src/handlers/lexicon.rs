use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use shruti_sync::{Changes, Cursor, Outcome, Push, Pushed};

use crate::auth::{Reviewer, Viewer};
use crate::extract::{Json as Body, Query};
use crate::lexicon::{self, MAX_PAGE};
use crate::{AppState, Error};

#[derive(Debug, Deserialize)]
pub struct Since {
    #[serde(default)]
    pub since: i64,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

pub async fn changes(State(state): State<AppState>, _: Viewer, Query(q): Query<Since>) -> Result<Json<Changes>, Error> {
    let cursor = Cursor { version: q.since, after: q.after };
    Ok(Json(lexicon::changes(&state, cursor, q.limit.unwrap_or(MAX_PAGE)).await?))
}

pub async fn push(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Body(push): Body<Push>,
) -> Result<Json<Pushed>, Error> {
    let pushed = lexicon::push(&state, &caller, push).await?;
    let conflicts = pushed.outcomes.iter().filter(|o| matches!(o, Outcome::Conflict { .. })).count();
    if conflicts > 0 {
        state.metrics.conflicts.fetch_add(conflicts as u64, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(user = %caller.name, conflicts, "push with conflicts");
    }
    Ok(Json(pushed))
}
