//! `shruti batch --server`: jobs claimed from the team's queue instead of found in a folder.
//! Each claimed file is found under the shared drive's local root, checked against the hash the
//! lead uploaded, processed into the project like any batch, and its result sent back under the
//! lease (with heartbeats meanwhile). A result the server no longer takes is kept, as late.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use shruti_core::Lexicon;
use shruti_store::{FlagQuery, JobState, Project, StateFilter};
use shruti_sync::{path_problem, Claim, Complete, DecisionSummary, Fail, Heartbeat, JobResult, Lease};

use super::client::{TeamClient, TeamError};
use shruti_asr::CancelToken;

use crate::batch::{self, BatchEvent, BatchOptions};
use crate::error::{Error, Result};

/// How a team batch runs.
#[derive(Debug, Clone)]
pub struct TeamOptions {
    /// Where the shared drive is on this machine: job paths are relative to it.
    pub root: PathBuf,
    /// This machine's name, shown to the team.
    pub device: String,
    /// How long the server waits before giving the job to someone else; its default if None.
    pub lease_secs: Option<i64>,
}

/// What a team batch reports.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum TeamEvent {
    Claimed {
        job: i64,
        path: String,
        attempt: i64,
    },
    /// The result is recorded on the server (`first`: not a resend).
    Recorded {
        job: i64,
        path: String,
        first: bool,
    },
    /// The file could not be processed; the server retries it elsewhere or quarantines it.
    Failed {
        job: i64,
        path: String,
        error: String,
    },
    /// The lease was lost before the result went: it is kept here, as late.
    Late {
        job: i64,
        path: String,
        reason: String,
    },
    /// What the local batch did with the file.
    Local(BatchEvent),
}

/// Counts at the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TeamCounts {
    pub recorded: usize,
    pub failed: usize,
    pub late: usize,
}

/// Claims and processes team jobs until none is waiting or `cancel`.
pub fn run(
    project_dir: &Path,
    client: &TeamClient,
    team: &TeamOptions,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(TeamEvent) + Sync),
) -> Result<TeamCounts> {
    let mut counts = TeamCounts::default();
    while !cancel.is_cancelled() {
        let claim = Claim { device: team.device.clone(), lease_secs: team.lease_secs };
        let Some(lease) = client.call::<Lease>(Method::POST, "/v1/jobs/claim", Some(&claim))? else { break };
        on_event(TeamEvent::Claimed { job: lease.job, path: lease.path.clone(), attempt: lease.attempt });
        let outcome =
            heartbeating(client, &lease, || process(project_dir, team, &lease, base, options, cancel, on_event));
        let fail = |error: String, permanent: bool| {
            let body = Fail { lease: lease.lease.clone(), error: error.clone(), permanent };
            client
                .call::<serde_json::Value>(Method::POST, &format!("/v1/jobs/{}/fail", lease.job), Some(&body))
                .map(|_| error)
        };
        match outcome {
            _ if cancel.is_cancelled() => break,
            Ok(result) => {
                let body = Complete { lease: lease.lease.clone(), hash: lease.hash.clone(), result };
                match client.call::<serde_json::Value>(
                    Method::POST,
                    &format!("/v1/jobs/{}/complete", lease.job),
                    Some(&body),
                ) {
                    Ok(answer) => {
                        counts.recorded += 1;
                        let first = answer.and_then(|a| a["first"].as_bool()).unwrap_or(false);
                        on_event(TeamEvent::Recorded { job: lease.job, path: lease.path.clone(), first });
                    }
                    Err(e @ (TeamError::Refused { .. } | TeamError::Offline { .. })) => {
                        counts.late += 1;
                        let reason = e.to_string();
                        let project = Project::open(project_dir)?;
                        project.note(
                            "team",
                            "team-late",
                            &serde_json::json!({ "job": lease.job, "path": lease.path, "reason": reason }),
                        )?;
                        on_event(TeamEvent::Late { job: lease.job, path: lease.path.clone(), reason });
                    }
                }
            }
            Err(Failure { error, permanent }) => {
                counts.failed += 1;
                let error = fail(error, permanent)?;
                on_event(TeamEvent::Failed { job: lease.job, path: lease.path.clone(), error });
            }
        }
    }
    Ok(counts)
}

/// Why a file could not be processed, and whether it never can be.
struct Failure {
    error: String,
    permanent: bool,
}

/// Runs `work` while a thread keeps the lease alive.
fn heartbeating<T>(client: &TeamClient, lease: &Lease, work: impl FnOnce() -> T) -> T {
    let done = AtomicBool::new(false);
    // A third of the lease, so two beats may be lost before it expires.
    let lease_ms = (lease.expires_at - crate::now_ms()).max(3_000);
    let every = Duration::from_millis((lease_ms / 3).min(60_000) as u64);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut waited = Duration::ZERO;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                waited += Duration::from_millis(100);
                if waited >= every {
                    waited = Duration::ZERO;
                    let beat = Heartbeat { lease: lease.lease.clone() };
                    if let Err(e) =
                        client.call::<i64>(Method::POST, &format!("/v1/jobs/{}/heartbeat", lease.job), Some(&beat))
                    {
                        tracing::warn!(job = lease.job, "heartbeat: {e}");
                    }
                }
            }
        });
        let out = work();
        done.store(true, Ordering::Relaxed);
        out
    })
}

fn process(
    project_dir: &Path,
    team: &TeamOptions,
    lease: &Lease,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(TeamEvent) + Sync),
) -> std::result::Result<JobResult, Failure> {
    let permanent = |error: String| Failure { error, permanent: true };
    let temporary = |error: String| Failure { error, permanent: false };
    if let Some(problem) = path_problem(&lease.path) {
        return Err(permanent(format!("{}: the path is {problem}", lease.path)));
    }
    let file = team.root.join(&lease.path);
    if !file.is_file() {
        return Err(temporary(format!("{} is not under {} on {}", lease.path, team.root.display(), team.device)));
    }
    let hash = shruti_asr::models::sha256_file(&file).map_err(|e| temporary(format!("{}: {e}", file.display())))?;
    if hash != lease.hash {
        return Err(permanent(format!("{}: its content differs from the file the batch was made from", lease.path)));
    }
    let local = |e: Error| temporary(e.to_string());
    batch::run_files(project_dir, &[file], base, options, cancel, &|e| on_event(TeamEvent::Local(e))).map_err(local)?;
    let project = Project::open(project_dir).map_err(|e| local(e.into()))?;
    let job = project
        .job_for_hash(&lease.hash)
        .map_err(|e| local(e.into()))?
        .ok_or_else(|| temporary(format!("{}: not queued here", lease.path)))?;
    match job.state {
        JobState::Done => result(&project, job.media.id).map_err(local),
        JobState::Quarantined => Err(permanent(job.error.unwrap_or_else(|| "quarantined".into()))),
        _ => Err(temporary(job.error.unwrap_or_else(|| "not processed".into()))),
    }
}

/// The flags of a file by kind, how many wait for review, and the decisions made so far.
fn result(project: &Project, media_id: i64) -> Result<JobResult> {
    let flags =
        project.flags(&FlagQuery { media_id: Some(media_id), state: StateFilter::All, ..FlagQuery::default() })?;
    let mut by_kind = BTreeMap::new();
    let mut decisions = Vec::new();
    for f in &flags {
        *by_kind.entry(f.kind.clone()).or_insert(0) += 1;
        if f.state != "pending" {
            let at = project.history(f.id)?.last().map_or(0, |d| d.at);
            decisions.push(DecisionSummary {
                heard: f.surface.clone(),
                text: f.decided_text.clone(),
                action: f.state.clone(),
                by: f.decided_by.clone().unwrap_or_default(),
                at,
            });
        }
    }
    let pending = flags.iter().filter(|f| f.state == "pending").count() as i64;
    Ok(JobResult { flags: by_kind, pending, decisions })
}
