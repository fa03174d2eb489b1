//! The shared batch queue: batches of files from a team lead; jobs claimed with a lease token
//! and an expiry sized for offline work; heartbeats; completion recorded once per (job, input
//! hash); failures retried with backoff and quarantined after [`MAX_ATTEMPTS`]; jobs given back
//! untried by their holder; a reaper that requeues expired leases.

use shruti_sync::{
    is_sha256, path_problem, BatchFile, BatchInfo, Claim, Complete, Fail, JobInfo, JobResult, JobState, Lease,
    NewBatch, Review, SUBTITLE_EXTENSIONS,
};

use crate::auth::Caller;
use crate::db::{transaction, Backend, Mode, Row, Tx, Value};
use crate::{now_ms, AppState, Error};

/// Claims of one job before it is quarantined.
pub const MAX_ATTEMPTS: i64 = 5;
/// The lease when the client names none: a working day offline.
pub const DEFAULT_LEASE_SECS: i64 = 8 * 3600;
const LEASE_SECS: std::ops::RangeInclusive<i64> = 60..=7 * 24 * 3600;
/// The most files one batch may hold.
pub const MAX_FILES: usize = 100_000;
/// The first retry waits this long; each later one twice as long, up to [`MAX_BACKOFF_MS`].
const BACKOFF_MS: i64 = 30_000;
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// A job, with its latest review (or else its result) and who sent that review.
const JOB_COLUMNS: &str = "id, batch_id, path, input_hash, state, attempts, holder, last_error, completed_by, \
     COALESCE((SELECT v.result FROM job_reviews v WHERE v.job_id = jobs.id ORDER BY v.updated_at DESC LIMIT 1), \
              (SELECT r.result FROM job_results r WHERE r.job_id = jobs.id ORDER BY r.recorded_at DESC LIMIT 1)), \
     (SELECT v.updated_by FROM job_reviews v WHERE v.job_id = jobs.id ORDER BY v.updated_at DESC LIMIT 1)";

/// The wait before a job that failed `attempts` times is offered again.
pub fn backoff_ms(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    BACKOFF_MS.saturating_mul(1 << doublings).min(MAX_BACKOFF_MS)
}

fn check_batch(batch: &NewBatch) -> Result<(), Error> {
    let name = batch.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(Error::BadRequest("batch name: 1–200 characters, no control characters".into()));
    }
    if batch.files.is_empty() || batch.files.len() > MAX_FILES {
        return Err(Error::BadRequest(format!("{} files: a batch holds 1–{MAX_FILES}", batch.files.len())));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, BatchFile { path, hash }) in batch.files.iter().enumerate() {
        if let Some(problem) = path_problem(path) {
            return Err(Error::BadRequest(format!("file {}: path {path:?} is {problem}", i + 1)));
        }
        if !is_sha256(hash) {
            return Err(Error::BadRequest(format!("file {} ({path}): hash is not a lowercase SHA-256", i + 1)));
        }
        if !seen.insert(path.as_str()) {
            return Err(Error::BadRequest(format!("file {} ({path}): listed twice", i + 1)));
        }
    }
    Ok(())
}

/// Creates a batch with a queued job per file.
pub async fn create_batch(state: &AppState, caller: &Caller, batch: NewBatch) -> Result<BatchInfo, Error> {
    check_batch(&batch)?;
    let by = caller.name.clone();
    let id = transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let id = tx
                .query_one(
                    "INSERT INTO batches (name, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
                    &[batch.name.trim().into(), by.into(), now.into()],
                )
                .await?
                .int(0)?;
            // Many rows per statement: a 10,000-file batch is 100 statements, not 10,000.
            for chunk in batch.files.chunks(100) {
                let mut sql = "INSERT INTO jobs (batch_id, available_at, state, path, input_hash) VALUES ".to_owned();
                let mut params: Vec<Value> = vec![id.into(), now.into()];
                for (i, file) in chunk.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    sql.push_str(&format!("{sep}($1, $2, 'queued', ${}, ${})", 3 + 2 * i, 4 + 2 * i));
                    params.extend([file.path.as_str().into(), file.hash.as_str().into()]);
                }
                tx.execute(&sql, &params).await?;
            }
            Ok(id)
        })
    })
    .await?;
    batch_info(state, id).await
}

/// A batch with its jobs counted by state.
pub async fn batch_info(state: &AppState, id: i64) -> Result<BatchInfo, Error> {
    batches_where(state, Some(id)).await?.pop().ok_or_else(|| Error::NotFound(format!("no batch {id}")))
}

/// Every batch, newest first.
pub async fn batches(state: &AppState) -> Result<Vec<BatchInfo>, Error> {
    batches_where(state, None).await
}

async fn batches_where(state: &AppState, id: Option<i64>) -> Result<Vec<BatchInfo>, Error> {
    transaction(&*state.db, Mode::Read, move |tx| {
        Box::pin(async move {
            let filter = if id.is_some() { "WHERE b.id = $1" } else { "" };
            let params: Vec<Value> = id.into_iter().map(Value::from).collect();
            let rows = tx
                .query(
                    &format!(
                        "SELECT b.id, b.name, b.created_by, j.state, COUNT(j.id) FROM batches b \
                         LEFT JOIN jobs j ON j.batch_id = b.id {filter} \
                         GROUP BY b.id, b.name, b.created_by, j.state ORDER BY b.id DESC"
                    ),
                    &params,
                )
                .await?;
            let mut out: Vec<BatchInfo> = Vec::new();
            for r in &rows {
                let id = r.int(0)?;
                if out.last().is_none_or(|b| b.id != id) {
                    out.push(BatchInfo { id, name: r.text(1)?, created_by: r.text(2)?, counts: Default::default() });
                }
                if let Some(state) = r.opt_text(3)? {
                    let state = state.parse().map_err(Error::Db)?;
                    out.last_mut().expect("pushed").counts.insert(state, r.int(4)?);
                }
            }
            Ok(out)
        })
    })
    .await
}

/// Claims the oldest available job, or none when there is none.
pub async fn claim(state: &AppState, caller: &Caller, claim: Claim) -> Result<Option<Lease>, Error> {
    let lease_secs = claim.lease_secs.unwrap_or(DEFAULT_LEASE_SECS).clamp(*LEASE_SECS.start(), *LEASE_SECS.end());
    let token = crate::auth::new_token()?;
    let (holder, backend) = (caller.name.clone(), state.db.backend());
    let device: String = claim.device.chars().take(100).collect();
    let now = now_ms();
    let expires = now + lease_secs * 1000;
    // PostgreSQL: concurrent claimers skip each other's rows instead of queueing on them.
    // SQLite would walk the whole table in id order past the done jobs: it is told to walk the
    // index of queued jobs.
    let (from, lock) = match backend {
        Backend::Postgres => ("jobs", " FOR UPDATE SKIP LOCKED"),
        Backend::Sqlite => ("jobs INDEXED BY jobs_queued", ""),
    };
    // A device without a speech model takes subtitle files only (the extensions are ours, not
    // the caller's: nothing of the request reaches the SQL but parameters).
    let only = if claim.subtitles_only {
        let any: Vec<String> = SUBTITLE_EXTENSIONS.iter().map(|ext| format!("lower(path) LIKE '%.{ext}'")).collect();
        format!(" AND ({})", any.join(" OR "))
    } else {
        String::new()
    };
    let sql = format!(
        "UPDATE jobs SET state = 'leased', lease_token = $1, holder = $2, device = $3, \
         lease_expires_at = $4, lease_ms = $5, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM {from} WHERE state = 'queued' AND available_at <= $6{only} \
         ORDER BY id LIMIT 1{lock}) \
         RETURNING id, batch_id, path, input_hash, attempts"
    );
    let params = vec![
        token.as_str().into(),
        holder.into(),
        device.into(),
        expires.into(),
        (lease_secs * 1000).into(),
        now.into(),
    ];
    let rows = state.db.statement(sql, params).await?;
    rows.first()
        .map(|r| {
            Ok(Lease {
                job: r.int(0)?,
                batch: r.int(1)?,
                path: r.text(2)?,
                hash: r.text(3)?,
                lease: token,
                expires_at: expires,
                attempt: r.int(4)?,
            })
        })
        .transpose()
}

/// The job leased under `lease`, if the lease still holds; else the 409 the holder gets.
async fn held(tx: &mut dyn Tx, job: i64, lease: &str, now: i64) -> Result<Row, Error> {
    let row = lease_row(tx, job).await?;
    check_held(row, job, lease, now)
}

/// A job's lease: state, token, expiry, length, attempts.
async fn lease_row(tx: &mut dyn Tx, job: i64) -> Result<Row, Error> {
    tx.query_opt(
        "SELECT state, lease_token, lease_expires_at, lease_ms, attempts FROM jobs WHERE id = $1",
        &[job.into()],
    )
    .await?
    .ok_or_else(|| Error::NotFound(format!("no job {job}")))
}

fn check_held(row: Row, job: i64, lease: &str, now: i64) -> Result<Row, Error> {
    let valid = row.text(0)? == "leased"
        && row.opt_text(1)?.as_deref() == Some(lease)
        && row.opt_int(2)?.is_some_and(|expires| expires >= now);
    if valid {
        Ok(row)
    } else {
        Err(lease_lost(job))
    }
}

fn lease_lost(job: i64) -> Error {
    Error::Conflict {
        code: "lease-lost",
        message: format!("the lease on job {job} is not yours any more (expired or taken): keep the result as late"),
    }
}

/// Extends a held lease by its length; the new expiry.
pub async fn heartbeat(state: &AppState, job: i64, lease: String) -> Result<i64, Error> {
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let row = held(tx, job, &lease, now).await?;
            let expires = now + row.opt_int(3)?.unwrap_or(DEFAULT_LEASE_SECS * 1000);
            let sql = format!("UPDATE jobs SET lease_expires_at = $1 WHERE id = $2 AND {STILL_HELD}");
            still_held(tx.execute(&sql, &[expires.into(), job.into(), lease.as_str().into()]).await?, job)?;
            Ok(expires)
        })
    })
    .await
}

/// Whether a completion was the first record of its result.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    pub job: i64,
    pub first: bool,
}

/// Records a job's result. Sent again under the same lease (a lost answer), it is recorded once.
pub async fn complete(state: &AppState, caller: &Caller, job: i64, done: Complete) -> Result<Recorded, Error> {
    if !is_sha256(&done.hash) {
        return Err(Error::BadRequest("hash: the SHA-256 of the file as processed, in lowercase hex".into()));
    }
    let result = serde_json::to_string(&done.result).map_err(|e| Error::BadRequest(e.to_string()))?;
    let now = now_ms();
    let params = vec![
        caller.name.as_str().into(),
        now.into(),
        job.into(),
        done.lease.as_str().into(),
        done.hash.as_str().into(),
        result.into(),
    ];
    // Marks the job done while the lease holds ($1 who, $2 now, $3 job, $4 lease).
    const MARK_DONE: &str = "UPDATE jobs SET state = 'done', completed_by = $1, completed_at = $2, last_error = NULL \
                             WHERE id = $3 AND state = 'leased' AND lease_token = $4 AND lease_expires_at >= $2";
    // Whether the job was marked done, and whether its result was the first for (job, hash).
    let marked: Option<bool> = match state.db.backend() {
        Backend::Postgres => {
            // One statement, one round trip: marked and recorded together, or neither.
            let sql = format!(
                "WITH done AS ({MARK_DONE} RETURNING id), \
                 recorded AS (INSERT INTO job_results (job_id, input_hash, result, recorded_by, recorded_at) \
                 SELECT id, $5, $6, $1, $2 FROM done ON CONFLICT DO NOTHING RETURNING job_id) \
                 SELECT (SELECT COUNT(*) FROM done), (SELECT COUNT(*) FROM recorded)"
            );
            let row =
                state.db.statement(sql, params).await?.pop().ok_or_else(|| Error::Db("complete: no row".into()))?;
            if row.int(0)? == 1 {
                Some(row.int(1)? == 1)
            } else {
                None
            }
        }
        // SQLite has no writing CTEs: the same two steps in one transaction.
        Backend::Sqlite => {
            transaction(&*state.db, Mode::Write, move |tx| {
                Box::pin(async move {
                    if tx.execute(MARK_DONE, &params).await? == 0 {
                        return Ok(None);
                    }
                    let recorded = tx
                        .execute(
                            "INSERT INTO job_results (job_id, input_hash, result, recorded_by, recorded_at) \
                             VALUES ($3, $5, $6, $1, $2) ON CONFLICT DO NOTHING",
                            &params,
                        )
                        .await?;
                    Ok(Some(recorded == 1))
                })
            })
            .await?
        }
    };
    match marked {
        Some(first) => Ok(Recorded { job, first }),
        // Not marked: the answer to an earlier send of this completion was lost (the job is
        // done under this very lease), or the lease is gone.
        None => {
            let row = transaction(&*state.db, Mode::Read, move |tx| Box::pin(async move { lease_row(tx, job).await }))
                .await?;
            if row.text(0)? == "done" && row.opt_text(1)?.as_deref() == Some(done.lease.as_str()) {
                Ok(Recorded { job, first: false })
            } else {
                Err(lease_lost(job))
            }
        }
    }
}

/// Records how the review of a completed job's file stands, replacing what was sent before.
pub async fn review(state: &AppState, caller: &Caller, job: i64, review: Review) -> Result<JobInfo, Error> {
    if !is_sha256(&review.hash) {
        return Err(Error::BadRequest("hash: the SHA-256 of the file as processed, in lowercase hex".into()));
    }
    let result = serde_json::to_string(&review.result).map_err(|e| Error::BadRequest(e.to_string()))?;
    let by = caller.name.clone();
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let recorded = tx
                .query_opt("SELECT 1 FROM job_results WHERE job_id = $1 AND input_hash = $2", &[
                    job.into(),
                    review.hash.as_str().into(),
                ])
                .await?;
            if recorded.is_none() {
                return Err(Error::NotFound(format!("job {job} has no result recorded for that file: complete it first")));
            }
            tx.execute(
                "INSERT INTO job_reviews (job_id, input_hash, result, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (job_id, input_hash) DO UPDATE SET result = excluded.result, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                &[job.into(), review.hash.into(), result.into(), by.into(), now_ms().into()],
            )
            .await?;
            job_info(tx, job).await
        })
    })
    .await
}

/// Records a failure: the job waits out a backoff and is offered again, or is quarantined when
/// it is permanent or has failed [`MAX_ATTEMPTS`] times.
pub async fn fail(state: &AppState, job: i64, failed: Fail) -> Result<JobInfo, Error> {
    let error: String = failed.error.chars().take(2000).collect();
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let row = held(tx, job, &failed.lease, now).await?;
            let attempts = row.int(4)?;
            retry_later(tx, job, &failed.lease, attempts, failed.permanent, &error, now).await?;
            job_info(tx, job).await
        })
    })
    .await
}

/// Gives back a job its holder did not work (a batch paused or cancelled): queued again at
/// once, the claim not counted as an attempt.
pub async fn release(state: &AppState, job: i64, lease: String) -> Result<JobInfo, Error> {
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let now = now_ms();
            held(tx, job, &lease, now).await?;
            let sql = format!(
                "UPDATE jobs SET state = 'queued', available_at = $1, attempts = attempts - 1, lease_token = NULL, \
                 holder = NULL, lease_expires_at = NULL WHERE id = $2 AND {STILL_HELD}"
            );
            still_held(tx.execute(&sql, &[now.into(), job.into(), lease.as_str().into()]).await?, job)?;
            job_info(tx, job).await
        })
    })
    .await
}

/// Puts a job back in the queue after a backoff, or in quarantine.
async fn retry_later(
    tx: &mut dyn Tx,
    job: i64,
    lease: &str,
    attempts: i64,
    permanent: bool,
    error: &str,
    now: i64,
) -> Result<(), Error> {
    let quarantine = permanent || attempts >= MAX_ATTEMPTS;
    let state = if quarantine { "quarantined" } else { "queued" };
    let sql = format!(
        "UPDATE jobs SET state = $1, available_at = $4, last_error = $5, lease_token = NULL, holder = NULL, \
         lease_expires_at = NULL WHERE id = $2 AND {STILL_HELD}"
    );
    let params = [state.into(), job.into(), lease.into(), (now + backoff_ms(attempts)).into(), error.into()];
    still_held(tx.execute(&sql, &params[..]).await?, job)
}

/// The condition that job `$2` is still leased under lease `$3`. A statement that changes a
/// held job repeats it: on PostgreSQL, a reap and a new claim may land between the check of a
/// lease and the statement, which then matches nothing rather than the new holder's row.
const STILL_HELD: &str = "state = 'leased' AND lease_token = $3";

fn still_held(changed: u64, job: i64) -> Result<(), Error> {
    if changed == 1 {
        Ok(())
    } else {
        Err(lease_lost(job))
    }
}

/// What the reaper did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reaped {
    pub requeued: u64,
    pub quarantined: u64,
}

/// Requeues (with backoff) or quarantines every job whose lease has expired.
pub async fn reap(state: &AppState) -> Result<Reaped, Error> {
    let backend = state.db.backend();
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            let now = now_ms();
            let lock = if backend == Backend::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
            let expired = tx
                .query(
                    &format!(
                        "SELECT id, attempts, lease_token FROM jobs WHERE state = 'leased' AND lease_expires_at < $1 \
                         LIMIT 1000{lock}"
                    ),
                    &[now.into()],
                )
                .await?;
            let mut reaped = Reaped::default();
            for r in &expired {
                let attempts = r.int(1)?;
                let (job, lease) = (r.int(0)?, r.text(2)?);
                retry_later(tx, job, &lease, attempts, false, &format!("lease expired (attempt {attempts})"), now)
                    .await?;
                if attempts >= MAX_ATTEMPTS {
                    reaped.quarantined += 1;
                } else {
                    reaped.requeued += 1;
                }
            }
            Ok(reaped)
        })
    })
    .await
}

async fn job_info(tx: &mut dyn Tx, job: i64) -> Result<JobInfo, Error> {
    let row = tx
        .query_opt(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"), &[job.into()])
        .await?
        .ok_or_else(|| Error::NotFound(format!("no job {job}")))?;
    to_job(&row)
}

fn to_job(r: &Row) -> Result<JobInfo, Error> {
    let result = r
        .opt_text(9)?
        .map(|json| serde_json::from_str::<JobResult>(&json).map_err(|e| Error::Db(format!("job result {json}: {e}"))))
        .transpose()?;
    Ok(JobInfo {
        id: r.int(0)?,
        batch: r.int(1)?,
        path: r.text(2)?,
        hash: r.text(3)?,
        state: r.text(4)?.parse::<JobState>().map_err(Error::Db)?,
        attempts: r.int(5)?,
        holder: r.opt_text(6)?,
        last_error: r.opt_text(7)?,
        completed_by: r.opt_text(8)?,
        pending: result.as_ref().map(|r| r.pending),
        decided: result.as_ref().map(|r| r.decisions.len() as i64),
        reviewed_by: r.opt_text(10)?,
    })
}

/// A batch's jobs after job `after`, optionally in one state.
pub async fn jobs(
    state: &AppState,
    batch: i64,
    only: Option<JobState>,
    after: i64,
    limit: i64,
) -> Result<Vec<JobInfo>, Error> {
    let limit = limit.clamp(1, 1000);
    transaction(&*state.db, Mode::Read, move |tx| {
        Box::pin(async move {
            let rows = tx
                .query(
                    &format!(
                        "SELECT {JOB_COLUMNS} FROM jobs WHERE batch_id = $1 AND id > $2 AND ($3 = '' OR state = $3) \
                         ORDER BY id LIMIT $4"
                    ),
                    &[batch.into(), after.into(), only.map_or("", JobState::name).into(), limit.into()],
                )
                .await?;
            rows.iter().map(to_job).collect()
        })
    })
    .await
}

/// Puts quarantined jobs of a batch back in the queue with their attempts reset; how many.
pub async fn requeue(state: &AppState, batch: i64) -> Result<u64, Error> {
    batch_info(state, batch).await?;
    transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            tx.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, available_at = $1 WHERE batch_id = $2 AND state = 'quarantined'",
                &[now_ms().into(), batch.into()],
            )
            .await
        })
    })
    .await
}

/// Jobs by state, over every batch (for `/metrics`).
pub async fn counts(state: &AppState) -> Result<Vec<(JobState, i64)>, Error> {
    transaction(&*state.db, Mode::Read, |tx| {
        Box::pin(async move {
            let rows = tx.query("SELECT state, COUNT(*) FROM jobs GROUP BY state", &[]).await?;
            rows.iter().map(|r| Ok((r.text(0)?.parse().map_err(Error::Db)?, r.int(1)?))).collect()
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(50), MAX_BACKOFF_MS);
    }
}
