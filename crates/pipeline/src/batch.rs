//! `shruti batch`: every lecture in a folder, transcribed or imported, corrected and flagged,
//! with jobs in the project database so that a batch can be stopped, killed or crashed and run
//! again with every file processed exactly once.
//!
//! Workers: audio is transcribed one file at a time per recogniser worker (one per GPU; whisper
//! uses every CPU core by itself); subtitle files are corrected and flagged by a pool in
//! parallel. Each worker has its own database connection; a job's transcript and its `done`
//! state are written in one transaction.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use shruti_asr::{AsrError, Bias, CancelToken, DeviceChoice, Event, Model, Options, Strength, Verifier};
use shruti_core::subtitle::{read_subtitles, SubtitleFormat};
use shruti_core::{Engine, Lexicon};
use shruti_store::{ErrorClass, FailOutcome, Job, JobCounts, MediaKind, NewTranscript, Project, Source};

use crate::error::{Error, Result};
use crate::lexicon::{project_engine, reflag_outdated, ReflagSummary};
use crate::now_ms;
use crate::scan::{self, ScanSummary};

/// Subtitle files are text: a lecture series' worth is a few megabytes. Anything far larger is
/// refused before it is read (a video given by mistake, a runaway log).
pub const MAX_SUBTITLE_BYTES: u64 = 256 << 20;

/// How to transcribe audio.
#[derive(Debug, Clone)]
pub struct AsrSetup {
    /// The ggml model file.
    pub model_path: PathBuf,
    /// Its name, recorded with each transcript.
    pub model_name: String,
    /// CPU, GPU or whichever is there.
    pub device: DeviceChoice,
    /// Flash attention.
    pub flash_attention: bool,
    /// Decoding settings.
    pub options: Options,
    /// Re-score doubtful spans against the audio with the project's engine.
    pub rescore: bool,
    /// Push the decoder towards the project's lexicon terms.
    pub bias: Strength,
    /// Recogniser workers (one per GPU; one on a CPU, which whisper already fills).
    pub workers: usize,
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// How to transcribe audio; None leaves audio files queued.
    pub asr: Option<AsrSetup>,
    /// Workers correcting and flagging subtitle files.
    pub subtitle_workers: usize,
    /// Attempts before a temporary or resource failure gives up.
    pub max_attempts: u32,
    /// Worker deaths on one file before it is quarantined.
    pub max_crashes: u32,
    /// First retry delay; it doubles per attempt (with jitter), up to five minutes.
    pub backoff: Duration,
    /// Keep watching the folder for new files; a file is taken once it has not changed for
    /// this long (a copy in progress is never processed half-written).
    pub watch: Option<Duration>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            asr: None,
            subtitle_workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            max_attempts: 5,
            max_crashes: 3,
            backoff: Duration::from_secs(2),
            watch: None,
        }
    }
}

/// What a batch reports as it goes; `--json` prints these one per line.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum BatchEvent {
    /// Transcripts made with an older lexicon were flagged again.
    Reflagged(ReflagSummary),
    /// The folder was scanned.
    Scanned {
        /// What was found.
        #[serde(flatten)]
        summary: ScanSummarySer,
        /// Jobs now waiting.
        queued: u64,
        /// Jobs already done.
        done: u64,
    },
    /// A worker took a file.
    Started {
        /// The job.
        job: i64,
        /// The file.
        path: PathBuf,
        /// audio or subtitle.
        kind: &'static str,
        /// Its length, for audio.
        duration_ms: Option<u64>,
    },
    /// Transcription progress.
    Progress {
        /// The job.
        job: i64,
        /// Source time done.
        done_ms: u64,
        /// Its length.
        total_ms: Option<u64>,
    },
    /// A segment's text as soon as the recogniser has it (before correction).
    Live {
        /// The job.
        job: i64,
        /// Segment start, ms.
        start_ms: u64,
        /// Segment end, ms.
        end_ms: u64,
        /// As heard.
        text: String,
    },
    /// A file is processed and saved.
    Done {
        /// The job.
        job: i64,
        /// The file.
        path: PathBuf,
        /// Segments.
        segments: usize,
        /// Automatic corrections.
        corrections: usize,
        /// Flags for review.
        flags: usize,
        /// Seconds it took.
        seconds: f64,
    },
    /// A file failed.
    Failed {
        /// The job.
        job: i64,
        /// The file.
        path: PathBuf,
        /// temporary, permanent or resource.
        class: &'static str,
        /// What went wrong, naming the file and the place.
        error: String,
        /// queued (to retry), failed or quarantined.
        state: &'static str,
    },
    /// A new file appeared in the watched folder and was queued.
    Found {
        /// The file.
        path: PathBuf,
    },
}

/// [`ScanSummary`] for events.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ScanSummarySer {
    /// Files found.
    pub seen: usize,
    /// Newly queued.
    pub new: usize,
    /// Already known.
    pub known: usize,
}

impl From<ScanSummary> for ScanSummarySer {
    fn from(s: ScanSummary) -> Self {
        ScanSummarySer { seen: s.seen, new: s.queued, known: s.known }
    }
}

/// Shared by the workers of one batch.
struct Ctx<'a> {
    project_dir: &'a Path,
    options: &'a BatchOptions,
    engine: Arc<Engine>,
    cancel: CancelToken,
    on_event: &'a (dyn Fn(BatchEvent) + Sync),
    /// Files may still come (a watched folder, the team queue): idle workers wait.
    feeding: &'a AtomicBool,
    nudge: &'a Nudge,
}

/// Wakes idle workers when a feed has queued files; otherwise they look again every half second.
#[derive(Default)]
pub struct Nudge {
    rings: Mutex<u64>,
    bell: Condvar,
}

impl Nudge {
    /// Tells the waiting workers that there is work.
    pub fn ring(&self) {
        *self.rings.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.bell.notify_all();
    }

    /// How many rings so far: read before looking for work, so a ring between the look and the
    /// wait is not missed.
    fn rings(&self) -> u64 {
        *self.rings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a ring after the `seen`th, or for `timeout`.
    fn wait(&self, seen: u64, timeout: Duration) {
        let rings = self.rings.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self.bell.wait_timeout_while(rings, timeout, |rings| *rings == seen);
    }
}

/// A failed job: its class and message.
struct JobError {
    class: ErrorClass,
    message: String,
}

/// Runs a batch over `root` for the project in `project_dir` until every job is finished (or,
/// watching, until `cancel`). Returns the job counts at the end. Fails at once if another batch
/// holds the project; a recogniser that cannot start fails the batch after the subtitle files.
pub fn run(
    project_dir: &Path,
    root: &Path,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(BatchEvent) + Sync),
) -> Result<JobCounts> {
    let watch = options.watch.map(|_| crate::watch::FolderWatch::start(root)).transpose()?;
    let files = scan::find_files(root, project_dir)?;
    match (watch, options.watch) {
        (Some(watch), Some(settle)) => {
            let feed = Box::new(move |_: &Nudge| watch.run(project_dir, settle, cancel, on_event));
            process(project_dir, &files, Some(feed), base, options, cancel, on_event)
        }
        _ => process(project_dir, &files, None, base, options, cancel, on_event),
    }
}

/// Runs a batch whose files come from `feed`, which queues them in the project while the
/// workers process them (the team queue does), ringing the [`Nudge`] it is given each time. The
/// workers wait for work until `feed` returns.
pub fn run_fed(
    project_dir: &Path,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(BatchEvent) + Sync),
    feed: impl FnOnce(&Nudge) -> Result<()>,
) -> Result<JobCounts> {
    process(project_dir, &[], Some(Box::new(feed)), base, options, cancel, on_event)
}

/// What queues files while a batch runs, on the batch's own thread.
type Feed<'a> = Box<dyn FnOnce(&Nudge) -> Result<()> + 'a>;

/// Queues `files`, then works the queue. `feed`, if any, runs on this thread beside the workers,
/// which wait for more work until it returns.
fn process(
    project_dir: &Path,
    files: &[PathBuf],
    feed: Option<Feed<'_>>,
    base: &Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
    on_event: &(dyn Fn(BatchEvent) + Sync),
) -> Result<JobCounts> {
    let mut project = Project::open(project_dir)?;
    project.batch_durability()?;
    let _lock = project.lock_batch(options.max_crashes)?;
    let reflagged = reflag_outdated(&mut project, base)?;
    if reflagged.transcripts > 0 {
        on_event(BatchEvent::Reflagged(reflagged));
    }
    let summary = scan::queue(&mut project, files)?;
    let counts = project.job_counts()?;
    on_event(BatchEvent::Scanned { summary: summary.into(), queued: counts.queued, done: counts.done });
    let feeding = AtomicBool::new(feed.is_some());
    let nudge = Nudge::default();
    let ctx = Ctx {
        project_dir,
        options,
        engine: Arc::new(project_engine(&project, base)?),
        cancel: cancel.clone(),
        on_event,
        feeding: &feeding,
        nudge: &nudge,
    };

    let work = |kind: MediaKind, asr: Option<&AsrSetup>| {
        let outcome = worker(&ctx, kind, asr);
        // A worker gone while files are fed: they would wait for it for ever.
        if outcome.is_err() && ctx.feeding.load(Ordering::Relaxed) {
            ctx.cancel.cancel();
        }
        outcome
    };
    let asr_failure = std::thread::scope(|scope| {
        let subtitles: Vec<_> =
            (0..options.subtitle_workers.max(1)).map(|_| scope.spawn(|| work(MediaKind::Subtitle, None))).collect();
        let recognisers: Vec<_> = options
            .asr
            .iter()
            .flat_map(|asr| (0..asr.workers.max(1)).map(move |_| asr))
            .map(|asr| scope.spawn(move || work(MediaKind::Audio, Some(asr))))
            .collect();
        if let Some(feed) = feed {
            let fed = feed(&nudge);
            feeding.store(false, Ordering::Relaxed);
            nudge.ring();
            if let Err(e) = fed {
                cancel.cancel();
                return Err(e);
            }
        }
        let mut first_error = None;
        for handle in subtitles.into_iter().chain(recognisers) {
            let outcome = handle.join().unwrap_or_else(|_| Err(Error::Invalid("a batch worker panicked".into())));
            if let Err(e) = outcome {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    });
    asr_failure?;
    Ok(project.job_counts()?)
}

/// Claims and processes jobs of one kind until none is left (or, watching, until cancelled).
fn worker(ctx: &Ctx, kind: MediaKind, asr: Option<&AsrSetup>) -> Result<()> {
    let mut project = Project::open(ctx.project_dir)?;
    project.batch_durability()?;
    let mut model: Option<(Model, Option<Arc<Bias>>)> = None;
    while !ctx.cancel.is_cancelled() {
        let seen = ctx.nudge.rings();
        let Some(job) = project.claim_job(kind)? else {
            let due = project.next_due(kind)?;
            if due.is_none() && !ctx.feeding.load(Ordering::Relaxed) {
                return Ok(());
            }
            let wait = due.map_or(500, |at| (at - now_ms()).clamp(10, 500));
            ctx.nudge.wait(seen, Duration::from_millis(wait as u64));
            continue;
        };
        if let (Some(setup), None) = (asr, &model) {
            match Model::load(&setup.model_path, setup.device, setup.flash_attention) {
                Ok(m) => {
                    let engine = &ctx.engine;
                    let bias = Bias::new(&m, &engine.bias_forms(), setup.bias, |w| engine.is_english(w));
                    model = Some((m, bias.map(Arc::new)));
                }
                Err(e) => {
                    // Not the file's fault: leave it queued for a batch that can transcribe.
                    project.release_job(job.id)?;
                    return Err(e.into());
                }
            }
        }
        let started = Instant::now();
        (ctx.on_event)(BatchEvent::Started {
            job: job.id,
            path: job.media.path.clone(),
            kind: if kind == MediaKind::Audio { "audio" } else { "subtitle" },
            duration_ms: (kind == MediaKind::Audio)
                .then(|| shruti_asr::audio::AudioStream::open(&job.media.path).ok()?.duration_ms())
                .flatten(),
        });
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| match (asr, &model) {
            (Some(setup), Some((model, bias))) => transcribe(ctx, &mut project, &job, setup, model, bias.clone()),
            _ => import(ctx, &mut project, &job),
        }))
        .unwrap_or_else(|panic| {
            let what =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            Err(JobError {
                class: ErrorClass::Permanent,
                message: format!("internal error: {}", what.unwrap_or_default()),
            })
        });
        match outcome {
            Ok((segments, corrections, flags)) => (ctx.on_event)(BatchEvent::Done {
                job: job.id,
                path: job.media.path.clone(),
                segments,
                corrections,
                flags,
                seconds: started.elapsed().as_secs_f64(),
            }),
            Err(_) if ctx.cancel.is_cancelled() => project.release_job(job.id)?,
            Err(e) => {
                let outcome = next_step(ctx.options, &job, &e, asr.map(|a| a.options.threads));
                let state = project.fail_job(job.id, e.class, &e.message, outcome)?;
                (ctx.on_event)(BatchEvent::Failed {
                    job: job.id,
                    path: job.media.path.clone(),
                    class: e.class.name(),
                    error: e.message,
                    state: state.name(),
                });
            }
        }
    }
    Ok(())
}

type Counts = (usize, usize, usize);

/// A subtitle file: read, correct, flag, save.
fn import(ctx: &Ctx, project: &mut Project, job: &Job) -> Result<Counts, JobError> {
    let path = &job.media.path;
    let name = path.display().to_string();
    let size = std::fs::metadata(path).map_err(|e| io_error(path, e))?.len();
    if size > MAX_SUBTITLE_BYTES {
        return Err(JobError {
            class: ErrorClass::Permanent,
            message: format!("{name}: {} MiB is too large for a subtitle file", size >> 20),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let (transcript, format, warnings) =
        read_subtitles(&bytes, &name).map_err(|e| JobError { class: ErrorClass::Permanent, message: e.to_string() })?;
    for w in warnings {
        tracing::warn!("{name}: {w}");
    }
    let analysis = ctx.engine.analyze(&transcript);
    let new = NewTranscript {
        source: if format == SubtitleFormat::Vtt { Source::Vtt } else { Source::Srt },
        model: None,
        settings: serde_json::json!({}),
        transcript: &transcript,
        analysis: &analysis,
        lexicon: ctx.engine.lexicon(),
    };
    save(project, job, &new)
}

/// An audio file: transcribe, correct, flag, save.
fn transcribe(
    ctx: &Ctx,
    project: &mut Project,
    job: &Job,
    setup: &AsrSetup,
    model: &Model,
    bias: Option<Arc<Bias>>,
) -> Result<Counts, JobError> {
    let mut options = setup.options.clone();
    options.bias = bias;
    if let Some(threads) = job.threads {
        options.threads = threads as usize;
    }
    if setup.rescore {
        options.rescore = Some(ctx.engine.clone() as Arc<dyn Verifier>);
    }
    // The recogniser's callback must own what it holds: progress goes through a channel. whisper-rs
    // does not drop the callback when the run ends, so the end is a message of its own.
    let (tx, rx) = mpsc::channel();
    let end = EndOfProgress(tx.clone());
    let job_id = job.id;
    let on_event = move |event: Event| {
        let event = match event {
            Event::Progress { done_ms, total_ms } => BatchEvent::Progress { job: job_id, done_ms, total_ms },
            Event::Live { start_ms, end_ms, text } => BatchEvent::Live { job: job_id, start_ms, end_ms, text },
            Event::Segment(_) => return,
        };
        let _ = tx.send(Some(event));
    };
    let result = std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(Some(event)) = rx.recv() {
                (ctx.on_event)(event);
            }
        });
        // Dropped on return and on panic alike, so the forwarder always ends.
        let _end = end;
        shruti_asr::transcribe(model, &job.media.path, &options, &ctx.cancel, on_event)
    });
    let transcript = result.map_err(|e| {
        let class = match &e {
            AsrError::Audio(a) => match &a.kind {
                shruti_asr::audio::AudioErrorKind::Io(io) if io.kind() != std::io::ErrorKind::NotFound => {
                    ErrorClass::Temporary
                }
                _ => ErrorClass::Permanent,
            },
            AsrError::Whisper { .. } => ErrorClass::Resource,
            AsrError::Model { .. } | AsrError::NoGpu(_) | AsrError::Cancelled => ErrorClass::Temporary,
        };
        JobError { class, message: e.to_string() }
    })?;
    let analysis = ctx.engine.analyze(&transcript);
    let settings = serde_json::json!({
        "device": model.device().to_string(), "threads": options.threads, "beam": options.beam_size,
        "language": options.language, "skip_silence": options.chunks.skip_silence,
    });
    let new = NewTranscript {
        source: Source::Asr,
        model: Some(&setup.model_name),
        settings,
        transcript: &transcript,
        analysis: &analysis,
        lexicon: ctx.engine.lexicon(),
    };
    save(project, job, &new)
}

/// Tells the progress forwarder that the transcription is over.
struct EndOfProgress(mpsc::Sender<Option<BatchEvent>>);

impl Drop for EndOfProgress {
    fn drop(&mut self) {
        let _ = self.0.send(None);
    }
}

fn save(project: &mut Project, job: &Job, new: &NewTranscript) -> Result<Counts, JobError> {
    project.complete_job(job.id, job.media.id, new).map_err(|e| JobError {
        class: ErrorClass::Temporary,
        message: format!("{}: cannot save: {e}", job.media.path.display()),
    })?;
    Ok((new.transcript.segments.len(), new.analysis.corrections.len(), new.analysis.flags.len()))
}

fn io_error(path: &Path, e: std::io::Error) -> JobError {
    // A file that is gone or unreadable by permission will not heal by waiting.
    let class = match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => ErrorClass::Permanent,
        _ => ErrorClass::Temporary,
    };
    JobError { class, message: format!("{}: {e}", path.display()) }
}

/// What follows a failure: quarantine a bad file; retry a temporary failure after an
/// exponential backoff with jitter; retry a resource failure with half the threads.
fn next_step(options: &BatchOptions, job: &Job, e: &JobError, default_threads: Option<usize>) -> FailOutcome {
    if e.class == ErrorClass::Permanent {
        return FailOutcome::Quarantine;
    }
    if job.attempts >= options.max_attempts {
        return FailOutcome::GiveUp;
    }
    let exponent = job.attempts.saturating_sub(1).min(16);
    let delay = options.backoff.saturating_mul(1 << exponent).min(Duration::from_secs(300));
    let jittered = delay.mul_f64(0.5 + 0.5 * fastrand::f64());
    let threads = (e.class == ErrorClass::Resource).then(|| {
        let now = job.threads.map(|t| t as usize).or(default_threads).unwrap_or(1);
        (now / 2).max(1) as u32
    });
    FailOutcome::Retry { at_ms: now_ms() + jittered.as_millis() as i64, threads }
}
