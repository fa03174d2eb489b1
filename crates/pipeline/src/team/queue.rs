//! `shruti batch --server`: jobs claimed from the team's queue instead of found in a folder.
//! Each claimed file is found under the shared drive's local root, checked against the hash the
//! lead uploaded, processed into the project like any batch, and its result sent back under the
//! lease (with heartbeats meanwhile). A result the server no longer takes is kept, as late.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use shruti_core::Lexicon;
use shruti_store::{FlagQuery, JobState, MediaKind, Project, StateFilter};
use shruti_sync::{path_problem, Claim, Complete, DecisionSummary, Fail, HeldLease, JobResult, Lease};

use super::client::{TeamClient, TeamError};
use shruti_asr::CancelToken;

use crate::batch::{self, BatchEvent, BatchOptions, Nudge};
use crate::error::Result;
use crate::scan;

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
    /// The batch stopped before the file was worked: it is back in the team's queue.
    Released {
        job: i64,
        path: String,
    },
    /// The server could not be reached when the batch ended: the result is sent at the next
    /// sync (`shruti sync run`, the app's Sync now), while its lease may still hold.
    Unsent {
        job: i64,
        path: String,
        reason: String,
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
    /// Results kept to send at the next sync (the server was out of reach).
    pub unsent: usize,
}

/// Claims and processes team jobs until none is waiting or `cancel`. The claimed files go
/// through one local batch: the model is loaded and the lexicon built once, and twice as many
/// files are held at a time as there are workers (the next are ready while the server answers).
pub fn run(
    project_dir: &Path,
    client: &TeamClient,
    team: &TeamOptions,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(TeamEvent) + Sync),
) -> Result<TeamCounts> {
    // A file ending locally wakes the feeder, which then reads the outcome from the project.
    let (wake, woken) = mpsc::channel::<()>();
    let local = |event: BatchEvent| {
        if matches!(event, BatchEvent::Done { .. } | BatchEvent::Failed { .. }) {
            let _ = wake.send(());
        }
        on_event(TeamEvent::Local(event));
    };
    let workers = options.subtitle_workers.max(1) + options.asr.as_ref().map_or(0, |a| a.workers.max(1));
    let mut feeder = Feeder {
        project: Project::open(project_dir)?,
        client,
        team,
        on_event,
        capacity: 2 * workers,
        transcribes: options.asr.is_some(),
        held: Vec::new(),
        counts: TeamCounts::default(),
    };
    batch::run_fed(project_dir, base, options, cancel, &local, |nudge| feeder.run(cancel, &woken, nudge))?;
    Ok(feeder.counts)
}

/// A job claimed from the team and queued here.
struct Held {
    lease: Lease,
    every: Duration,
    next_beat: Instant,
    /// Done here, but the server could not be reached to take the result: tried again.
    unsent: bool,
}

/// How long to wait before asking again when the server has nothing now while files are still
/// held here (another machine's lease may yet run out).
const CLAIM_AGAIN: Duration = Duration::from_secs(2);
/// How long a stopped batch waits for its workers to finish or put back what they were doing.
const STOP_WAIT: Duration = Duration::from_secs(30);

/// Claims jobs, queues their files in the local batch, and reports each one's outcome.
struct Feeder<'a> {
    project: Project,
    client: &'a TeamClient,
    team: &'a TeamOptions,
    on_event: &'a (dyn Fn(TeamEvent) + Sync),
    capacity: usize,
    /// Whether this machine has a model: otherwise it claims subtitle files only.
    transcribes: bool,
    held: Vec<Held>,
    counts: TeamCounts,
}

impl Feeder<'_> {
    fn run(&mut self, cancel: &CancelToken, woken: &mpsc::Receiver<()>, nudge: &Nudge) -> Result<()> {
        let outcome = self.work(cancel, woken, nudge);
        if outcome.is_err() {
            // The workers stop before what they hold is given back, or they would go on with it.
            cancel.cancel();
        }
        // However it ends, nothing held is left leased for hours.
        if !self.held.is_empty() {
            self.give_back();
        }
        outcome
    }

    fn work(&mut self, cancel: &CancelToken, woken: &mpsc::Receiver<()>, nudge: &Nudge) -> Result<()> {
        let mut waiting = true;
        let mut next_claim = Instant::now();
        let mut claim_error = None;
        while !cancel.is_cancelled() {
            self.settle()?;
            // Results waiting for a server out of reach take no worker: they do not count.
            let working = self.held.iter().filter(|h| !h.unsent).count();
            // With nothing left to work on, ask now rather than at the next look.
            if waiting && working < self.capacity && (working == 0 || Instant::now() >= next_claim) {
                let claim = Claim {
                    device: self.team.device.clone(),
                    lease_secs: self.team.lease_secs,
                    subtitles_only: !self.transcribes,
                };
                match self.client.call::<Lease>(Method::POST, "/v1/jobs/claim", Some(&claim)) {
                    Ok(Some(lease)) => {
                        self.take(lease)?;
                        nudge.ring();
                        continue;
                    }
                    Ok(None) if !self.held.is_empty() => next_claim = Instant::now() + CLAIM_AGAIN,
                    Ok(None) => waiting = false,
                    // Finish what is held, then say why no more was claimed.
                    Err(e) => {
                        waiting = false;
                        claim_error = Some(e);
                    }
                }
            }
            // Nothing more will come, and what is held is sent or waits on a server out of reach.
            if !waiting && self.held.iter().all(|h| h.unsent) {
                break;
            }
            let _ = woken.recv_timeout(Duration::from_millis(200));
        }
        claim_error.map_or(Ok(()), |e| Err(e.into()))
    }

    /// Stopped: once the workers have finished or put back what they were doing, the files done
    /// here are sent (or kept as late), failures reported, and the rest given back to the team
    /// at once rather than left until their leases expire. A server out of reach lets them
    /// expire.
    fn give_back(&mut self) {
        let started = Instant::now();
        while started.elapsed() < STOP_WAIT && self.held.iter().any(|h| self.local_state(h) == Some(JobState::Running))
        {
            std::thread::sleep(Duration::from_millis(100));
        }
        for held in std::mem::take(&mut self.held) {
            let lease = &held.lease;
            let outcome = match self.project.job_for_hash(&lease.hash) {
                Ok(Some(job)) if matches!(job.state, JobState::Done | JobState::Failed | JobState::Quarantined) => {
                    self.report(lease, &job, true).map(|_| ())
                }
                Ok(_) => {
                    let (job, body) = (lease.job, HeldLease { lease: lease.lease.clone() });
                    let path = format!("/v1/jobs/{job}/release");
                    self.client
                        .call::<serde_json::Value>(Method::POST, &path, Some(&body))
                        .map(|_| (self.on_event)(TeamEvent::Released { job, path: lease.path.clone() }))
                        .map_err(Into::into)
                }
                Err(e) => Err(e.into()),
            };
            if let Err(e) = outcome {
                tracing::warn!(job = lease.job, "giving the job back: {e}");
            }
        }
    }

    fn local_state(&self, held: &Held) -> Option<JobState> {
        self.project.job_for_hash(&held.lease.hash).ok().flatten().map(|j| j.state)
    }

    /// Checks a claimed file and queues it here; a file that cannot be processed fails at once.
    fn take(&mut self, lease: Lease) -> Result<()> {
        (self.on_event)(TeamEvent::Claimed { job: lease.job, path: lease.path.clone(), attempt: lease.attempt });
        let file = self.team.root.join(&lease.path);
        let problem = if let Some(problem) = path_problem(&lease.path) {
            Some((format!("{}: the path is {problem}", lease.path), true))
        } else if !file.is_file() {
            Some((format!("{} is not under {} on {}", lease.path, self.team.root.display(), self.team.device), false))
        } else if !self.transcribes && scan::media_kind(&file) == Some(MediaKind::Audio) {
            // A server that ignores `subtitles_only` (an older one): no worker here would take it.
            Some((format!("{}: {} has no speech model to transcribe it", lease.path, self.team.device), false))
        } else {
            match shruti_asr::models::sha256_file(&file) {
                Err(e) => Some((format!("{}: {e}", file.display()), false)),
                Ok(hash) if hash != lease.hash => {
                    Some((format!("{}: its content differs from the file the batch was made from", lease.path), true))
                }
                Ok(_) => None,
            }
        };
        if let Some((error, permanent)) = problem {
            self.fail(&lease, error, permanent);
            return Ok(());
        }
        scan::queue(&mut self.project, &[file])?;
        // A third of the lease, so two beats may be lost before it expires.
        let lease_ms = (lease.expires_at - crate::now_ms()).max(3_000);
        let every = Duration::from_millis((lease_ms / 3).min(60_000) as u64);
        self.held.push(Held { lease, every, next_beat: Instant::now() + every, unsent: false });
        Ok(())
    }

    /// Reports the held jobs whose files have ended here, and keeps the others' leases alive.
    /// A job stays held until it is reported, so an error here leaves it to be given back.
    fn settle(&mut self) -> Result<()> {
        let mut i = 0;
        while i < self.held.len() {
            let lease = self.held[i].lease.clone();
            let Some(job) = self.project.job_for_hash(&lease.hash)? else {
                self.fail(&lease, format!("{}: not an audio or subtitle file Shruti reads", lease.path), true);
                self.held.remove(i);
                continue;
            };
            if matches!(job.state, JobState::Queued | JobState::Running) {
                self.beat(i);
                i += 1;
            } else if self.report(&lease, &job, false)? {
                self.held.remove(i);
            } else {
                // Kept alive while the result waits: a server failing some calls may take beats.
                self.held[i].unsent = true;
                self.beat(i);
                i += 1;
            }
        }
        Ok(())
    }

    /// Extends held job `i`'s lease when its beat is due.
    fn beat(&mut self, i: usize) {
        let held = &mut self.held[i];
        if Instant::now() < held.next_beat {
            return;
        }
        held.next_beat = Instant::now() + held.every;
        let beat = HeldLease { lease: held.lease.lease.clone() };
        let path = format!("/v1/jobs/{}/heartbeat", held.lease.job);
        if let Err(e) = self.client.call::<i64>(Method::POST, &path, Some(&beat)) {
            tracing::warn!(job = held.lease.job, "heartbeat: {e}");
        }
    }

    /// Reports a job that ended here: its result, or its failure. False when the result could
    /// not reach the server and should be tried again (unless this is the `last` try: then it
    /// is kept here, as late).
    fn report(&mut self, lease: &Lease, job: &shruti_store::JobRow, last: bool) -> Result<bool> {
        if job.state != JobState::Done {
            let error = job.error.clone().unwrap_or_else(|| "failed".into());
            self.fail(lease, error, job.state == JobState::Quarantined);
            return Ok(true);
        }
        let body = Complete {
            lease: lease.lease.clone(),
            hash: lease.hash.clone(),
            result: job_result(&self.project, job.media.id)?,
        };
        let (job, path) = (lease.job, lease.path.clone());
        let url = format!("/v1/jobs/{job}/complete");
        let reason = match self.client.call::<serde_json::Value>(Method::POST, &url, Some(&body)) {
            Ok(answer) => {
                self.counts.recorded += 1;
                // Review goes on here; each sync reports how it stands. The result is recorded
                // whatever happens to this note of it.
                if let Err(e) = self.project.team_job_recorded(job, &lease.hash) {
                    tracing::warn!(job, "review progress will not be reported: {e}");
                }
                let first = answer.and_then(|a| a["first"].as_bool()).unwrap_or(false);
                (self.on_event)(TeamEvent::Recorded { job, path, first });
                return Ok(true);
            }
            Err(TeamError::Offline { .. }) if !last => return Ok(false),
            // The lease may well hold when the server is back: the next sync sends it.
            Err(e @ TeamError::Offline { .. }) => {
                self.project.team_job_unsent(job, &lease.hash, &lease.lease)?;
                self.counts.unsent += 1;
                (self.on_event)(TeamEvent::Unsent { job, path, reason: e.to_string() });
                return Ok(true);
            }
            Err(e) => e.to_string(),
        };
        self.counts.late += 1;
        keep_late(&self.project, job, &path, &reason)?;
        (self.on_event)(TeamEvent::Late { job, path, reason });
        Ok(true)
    }

    /// Tells the server a file failed: it retries it elsewhere, or quarantines it. A server that
    /// does not hear it lets the lease run out, which retries it too.
    fn fail(&mut self, lease: &Lease, error: String, permanent: bool) {
        self.counts.failed += 1;
        let body = Fail { lease: lease.lease.clone(), error: error.clone(), permanent };
        let path = format!("/v1/jobs/{}/fail", lease.job);
        if let Err(e) = self.client.call::<serde_json::Value>(Method::POST, &path, Some(&body)) {
            tracing::warn!(job = lease.job, "the failure was not reported: {e}");
        }
        (self.on_event)(TeamEvent::Failed { job: lease.job, path: lease.path.clone(), error });
    }
}

/// Notes in the project that job `job`'s result (for `file`) stays here: the server will not
/// take it.
pub(super) fn keep_late(project: &Project, job: i64, file: &str, reason: &str) -> Result<()> {
    project.note("team", "team-late", &serde_json::json!({ "job": job, "path": file, "reason": reason }))?;
    Ok(())
}

/// The flags of a file by kind, how many wait for review, and the decisions made so far.
pub(super) fn job_result(project: &Project, media_id: i64) -> Result<JobResult> {
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
