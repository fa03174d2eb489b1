use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shruti_sync::{BatchInfo, Claim, Complete, Fail, HeldLease, JobInfo, JobState, NewBatch, Review};

use crate::auth::{Admin, Reviewer, Viewer};
use crate::extract::{Json as Body, Path, Query};
use crate::queue::{self, Recorded};
use crate::{AppState, Error};

pub async fn create_batch(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Body(batch): Body<NewBatch>,
) -> Result<Json<BatchInfo>, Error> {
    let info = queue::create_batch(&state, &caller, batch).await?;
    tracing::info!(by = %caller.name, batch = info.id, files = info.counts.values().sum::<i64>(), "batch created");
    Ok(Json(info))
}

pub async fn batches(State(state): State<AppState>, _: Viewer) -> Result<Json<Vec<BatchInfo>>, Error> {
    Ok(Json(queue::batches(&state).await?))
}

pub async fn batch(State(state): State<AppState>, _: Viewer, Path(id): Path<i64>) -> Result<Json<BatchInfo>, Error> {
    Ok(Json(queue::batch_info(&state, id).await?))
}

#[derive(Debug, Deserialize)]
pub struct JobQuery {
    pub state: Option<JobState>,
    #[serde(default)]
    pub after: i64,
    pub limit: Option<i64>,
}

pub async fn jobs(
    State(state): State<AppState>,
    _: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<JobQuery>,
) -> Result<Json<Vec<JobInfo>>, Error> {
    Ok(Json(queue::jobs(&state, id, q.state, q.after, q.limit.unwrap_or(1000)).await?))
}

pub async fn requeue(State(state): State<AppState>, _: Admin, Path(id): Path<i64>) -> Result<Json<u64>, Error> {
    Ok(Json(queue::requeue(&state, id).await?))
}

/// A lease, or 204 when no job is waiting.
pub async fn claim(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Body(claim): Body<Claim>,
) -> Result<Response, Error> {
    Ok(match queue::claim(&state, &caller, claim).await? {
        Some(lease) => Json(lease).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

pub async fn heartbeat(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<i64>,
    Body(beat): Body<HeldLease>,
) -> Result<Json<i64>, Error> {
    Ok(Json(queue::heartbeat(&state, id, beat.lease).await?))
}

pub async fn release(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<i64>,
    Body(held): Body<HeldLease>,
) -> Result<Json<JobInfo>, Error> {
    Ok(Json(queue::release(&state, id, held.lease).await?))
}

pub async fn complete(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<i64>,
    Body(done): Body<Complete>,
) -> Result<Json<Recorded>, Error> {
    Ok(Json(queue::complete(&state, &caller, id, done).await?))
}

pub async fn review(
    State(state): State<AppState>,
    Reviewer(caller): Reviewer,
    Path(id): Path<i64>,
    Body(review): Body<Review>,
) -> Result<Json<JobInfo>, Error> {
    Ok(Json(queue::review(&state, &caller, id, review).await?))
}

pub async fn fail(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<i64>,
    Body(failed): Body<Fail>,
) -> Result<Json<JobInfo>, Error> {
    Ok(Json(queue::fail(&state, id, failed).await?))
}
