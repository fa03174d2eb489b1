//! The batch job queue. A job is claimed (`running`), then either completed in the same
//! transaction that saves its transcript, or failed with a class that decides what happens next.
//! A job left `running` by a process that died is found by the next batch (under the batch lock)
//! and requeued: every file ends processed exactly once.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::Result;
use crate::media::{media_from_row, Media, MediaKind, MEDIA_COLUMNS};
use crate::project::Project;

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting (perhaps for a retry time).
    Queued,
    /// A worker has it.
    Running,
    /// Its transcript is saved.
    Done,
    /// Temporary failures used up its attempts; `batch retry` requeues it.
    Failed,
    /// A permanent failure (corrupt or unsupported file): never retried blindly.
    Quarantined,
}

impl JobState {
    /// Every state, in display order.
    pub const ALL: [JobState; 5] =
        [JobState::Done, JobState::Queued, JobState::Running, JobState::Failed, JobState::Quarantined];

    /// The state's name.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Quarantined => "quarantined",
        }
    }

    fn parse(name: &str) -> Self {
        JobState::ALL.into_iter().find(|s| s.name() == name).unwrap_or(JobState::Queued)
    }
}

/// Why a job failed, which decides what happens next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Might work later (a file being copied, a busy disk): retry with backoff.
    Temporary,
    /// The file itself is bad (corrupt, unsupported): quarantine with the reason.
    Permanent,
    /// Out of memory or similar: retry with fewer threads.
    Resource,
}

impl ErrorClass {
    /// The class's name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorClass::Temporary => "temporary",
            ErrorClass::Permanent => "permanent",
            ErrorClass::Resource => "resource",
        }
    }
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    /// Its id.
    pub id: i64,
    /// The file.
    pub media: Media,
    /// Attempts so far, this one included.
    pub attempts: u32,
    /// Threads to use, when a resource failure lowered them.
    pub threads: Option<u32>,
}

/// A job as `batch status` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobRow {
    /// Its id.
    pub id: i64,
    /// The file.
    pub media: Media,
    /// Where it stands.
    pub state: JobState,
    /// Attempts so far.
    pub attempts: u32,
    /// The class of the last failure.
    pub error_class: Option<String>,
    /// The last failure, naming the file and the place.
    pub error: Option<String>,
    /// Not before (Unix ms), for queued retries.
    pub next_at: i64,
}

/// How many jobs are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct JobCounts {
    /// Waiting.
    pub queued: u64,
    /// Being processed.
    pub running: u64,
    /// Finished.
    pub done: u64,
    /// Gave up after retries.
    pub failed: u64,
    /// Bad files.
    pub quarantined: u64,
}

impl JobCounts {
    /// Every job.
    pub fn total(&self) -> u64 {
        self.queued + self.running + self.done + self.failed + self.quarantined
    }
}

/// What to do with a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOutcome {
    /// Queue it again, not before `at_ms`, with these threads (if lowered).
    Retry {
        /// Unix ms.
        at_ms: i64,
        /// Fewer threads, for resource failures.
        threads: Option<u32>,
    },
    /// Attempts used up.
    GiveUp,
    /// A bad file.
    Quarantine,
}

pub(crate) fn recover_after_crash(conn: &mut Connection, max_crashes: u32) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = crate::now_ms();
    let requeued = tx.execute(
        "UPDATE jobs SET state = 'queued', crashes = crashes + 1, updated_at = ?1 WHERE state = 'running'",
        [now],
    )?;
    let quarantined = tx.execute(
        "UPDATE jobs SET state = 'quarantined', error_class = 'permanent', updated_at = ?1,
             error = 'the worker died while processing this file ' || crashes || ' times'
         WHERE state = 'queued' AND crashes >= ?2",
        (now, max_crashes),
    )?;
    if requeued > 0 {
        Project::audit(
            &tx,
            "batch",
            "recover",
            &serde_json::json!({ "requeued": requeued, "quarantined": quarantined }),
        )?;
        tracing::warn!(requeued, quarantined, "jobs left running by a batch that stopped were requeued");
    }
    tx.commit()?;
    Ok(())
}

impl Project {
    /// Claims the oldest queued job of this kind that is due.
    pub fn claim_job(&mut self, kind: MediaKind) -> Result<Option<Job>> {
        let now = crate::now_ms();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = tx
            .query_row(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?1
                 WHERE id = (SELECT jobs.id FROM jobs JOIN media ON media.id = jobs.media_id
                             WHERE jobs.state = 'queued' AND jobs.next_at <= ?1 AND media.kind = ?2
                             ORDER BY jobs.id LIMIT 1)
                 RETURNING id, media_id, attempts, threads",
                (now, kind.name()),
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, u32>(2)?, r.get::<_, Option<u32>>(3)?)),
            )
            .optional()?;
        tx.commit()?;
        let Some((id, media_id, attempts, threads)) = claimed else { return Ok(None) };
        Ok(Some(Job { id, media: self.media(media_id)?, attempts, threads }))
    }

    /// When the next queued job of this kind becomes due (Unix ms), if any is queued.
    pub fn next_due(&self, kind: MediaKind) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT min(jobs.next_at) FROM jobs JOIN media ON media.id = jobs.media_id
             WHERE jobs.state = 'queued' AND media.kind = ?1",
            [kind.name()],
            |r| r.get(0),
        )?)
    }

    /// Records a failure and what follows from it.
    pub fn fail_job(&mut self, id: i64, class: ErrorClass, error: &str, outcome: FailOutcome) -> Result<JobState> {
        let now = crate::now_ms();
        let (state, next_at, threads) = match outcome {
            FailOutcome::Retry { at_ms, threads } => (JobState::Queued, at_ms, threads),
            FailOutcome::GiveUp => (JobState::Failed, 0, None),
            FailOutcome::Quarantine => (JobState::Quarantined, 0, None),
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE jobs SET state = ?2, next_at = ?3, threads = coalesce(?4, threads), error_class = ?5, error = ?6,
                 updated_at = ?7 WHERE id = ?1",
            (id, state.name(), next_at, threads, class.name(), error, now),
        )?;
        Project::audit(
            &tx,
            "batch",
            "job-failed",
            &serde_json::json!({ "job": id, "class": class.name(), "error": error, "now": state.name() }),
        )?;
        tx.commit()?;
        Ok(state)
    }

    /// Puts a running job back in the queue without counting the attempt (the batch was stopped).
    pub fn release_job(&mut self, id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), updated_at = ?2
             WHERE id = ?1 AND state = 'running'",
            (id, crate::now_ms()),
        )?;
        Ok(())
    }

    /// How many jobs are in each state.
    pub fn job_counts(&self) -> Result<JobCounts> {
        let mut counts = JobCounts::default();
        let mut stmt = self.conn.prepare("SELECT state, count(*) FROM jobs GROUP BY state")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let n = r.get::<_, i64>(1)? as u64;
            match JobState::parse(&r.get::<_, String>(0)?) {
                JobState::Queued => counts.queued = n,
                JobState::Running => counts.running = n,
                JobState::Done => counts.done = n,
                JobState::Failed => counts.failed = n,
                JobState::Quarantined => counts.quarantined = n,
            }
        }
        Ok(counts)
    }

    /// Jobs in a state (all when None), by id.
    pub fn jobs(&self, state: Option<JobState>) -> Result<Vec<JobRow>> {
        self.jobs_where("?1 IS NULL OR jobs.state = ?1", state.map(JobState::name))
    }

    /// The job of the file with content `hash`, if it was queued here.
    pub fn job_for_hash(&self, hash: &str) -> Result<Option<JobRow>> {
        Ok(self.jobs_where("media.hash = ?1", Some(hash))?.pop())
    }

    fn jobs_where(&self, filter: &str, param: Option<&str>) -> Result<Vec<JobRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT jobs.id, jobs.state, jobs.attempts, jobs.error_class, jobs.error, jobs.next_at, {MEDIA_COLUMNS}
             FROM jobs JOIN media ON media.id = jobs.media_id
             WHERE {filter} ORDER BY jobs.id"
        ))?;
        let rows = stmt.query_map([param], |r| {
            Ok(JobRow {
                id: r.get(0)?,
                state: JobState::parse(&r.get::<_, String>(1)?),
                attempts: r.get(2)?,
                error_class: r.get(3)?,
                error: r.get(4)?,
                next_at: r.get(5)?,
                media: media_from_row(r, 6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Requeues failed and quarantined jobs (or only `ids`), with fresh attempts. Returns how many.
    pub fn retry_jobs(&mut self, ids: &[i64]) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = crate::now_ms();
        let mut n = 0;
        if ids.is_empty() {
            n = tx.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, crashes = 0, next_at = 0, threads = NULL, updated_at = ?1
                 WHERE state IN ('failed', 'quarantined')",
                [now],
            )?;
        } else {
            for id in ids {
                n += tx.execute(
                    "UPDATE jobs SET state = 'queued', attempts = 0, crashes = 0, next_at = 0, threads = NULL, updated_at = ?2
                     WHERE id = ?1 AND state IN ('failed', 'quarantined')",
                    (id, now),
                )?;
            }
        }
        Project::audit(&tx, "batch", "retry", &serde_json::json!({ "jobs": n }))?;
        tx.commit()?;
        Ok(n)
    }
}
