use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use shruti_asr::{CancelToken, DeviceChoice, Options, Strength};
use shruti_pipeline::batch::{self, AsrSetup, BatchEvent, BatchOptions};
use shruti_pipeline::team;
use shruti_pipeline::team::queue::{self, TeamEvent, TeamOptions};
use shruti_store::{JobState, Project};

use crate::cmd::transcribe::{resolve_model, style};
use crate::input;

/// Process a folder of lectures into a project: audio is transcribed, subtitle files imported,
/// everything corrected and flagged. Files already done (by content) are skipped; a stopped or
/// crashed batch resumes where it was.
///
/// The project is DIR itself unless --project names another folder.
///
/// Examples:
///   shruti batch lectures/
///   shruti batch lectures/ --project review/ --watch
///   shruti batch status --project review/
///   shruti batch /mnt/lectures --server http://team:8470 --project mine/
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cmd {
    #[command(subcommand)]
    sub: Option<Sub>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Sub {
    /// List jobs: done, queued, running, failed and quarantined, with reasons.
    Status(StatusArgs),
    /// Requeue failed and quarantined jobs (all, or the JOB ids given).
    Retry(RetryArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The folder of lectures (audio: wav, mp3, flac, ogg, m4a; subtitles: srt, vtt).
    dir: Option<PathBuf>,
    /// The project folder (default: DIR).
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// Keep running and process files dropped into DIR later.
    #[arg(long)]
    watch: bool,
    /// With --watch: take a file once it has not changed for this many seconds.
    #[arg(long, default_value_t = 2.0)]
    settle: f64,
    /// Print progress as JSON lines on stdout.
    #[arg(long)]
    json: bool,
    /// Whisper model: an installed name or a ggml file.
    #[arg(long, default_value = "tiny.en")]
    model: String,
    /// auto, cpu or gpu.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// CPU threads for Whisper.
    #[arg(long)]
    threads: Option<usize>,
    /// Workers correcting subtitle files (default: the number of cores).
    #[arg(long)]
    workers: Option<usize>,
    /// Import subtitle files only; leave audio queued.
    #[arg(long)]
    no_asr: bool,
    /// Re-score doubtful spans against the audio: on or off (off by default: on costs 2.3–2.5×
    /// the time for a few points of term recall; see README).
    #[arg(long, default_value = "off", action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    rescore: bool,
    /// Push the decoder towards lexicon terms as it decodes: off, light, normal or strong (off by
    /// default; see README).
    #[arg(long, default_value = "off")]
    bias: Strength,
    /// Take jobs from this team server's queue instead of scanning DIR: DIR is where the
    /// shared drive is on this machine (job paths are relative to it); --project is required.
    /// Log in first with `shruti sync login --server URL`.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// With --server: how long the server waits, with no heartbeat, before it gives the job to
    /// someone else (seconds; default the server's, sized for offline work).
    #[arg(long, requires = "server")]
    lease_secs: Option<i64>,
    /// With --server: this machine's name, shown to the team (default the host name).
    #[arg(long, requires = "server")]
    machine: Option<String>,
}

#[derive(Args)]
struct StatusArgs {
    /// The project folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Only jobs in this state (done, queued, running, failed, quarantined).
    #[arg(long)]
    state: Option<String>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct RetryArgs {
    /// The project folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Job ids (default: every failed and quarantined job).
    jobs: Vec<i64>,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        match self.sub {
            Some(Sub::Status(args)) => status(args),
            Some(Sub::Retry(args)) => {
                let mut project = open(&args.project)?;
                let n = project.retry_jobs(&args.jobs)?;
                eprintln!("{n} job(s) requeued; run `shruti batch` to process them");
                Ok(ExitCode::SUCCESS)
            }
            None => self.run.run(lexicon),
        }
    }
}

pub(crate) fn open(dir: &Path) -> Result<Project> {
    Project::open(dir).with_context(|| format!("cannot open the project in {}", dir.display()))
}

impl RunArgs {
    fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let dir = self.dir.clone().context("name the folder of lectures: shruti batch DIR")?;
        let project_dir = self.project.clone().unwrap_or_else(|| dir.clone());
        let base = input::lexicon(lexicon)?;
        let asr = if self.no_asr {
            None
        } else {
            let mut options = Options::default();
            if let Some(t) = self.threads {
                options.threads = t.max(1);
            }
            Some(AsrSetup {
                model_path: resolve_model(&self.model)?,
                model_name: self.model.clone(),
                device: self.device,
                flash_attention: false,
                options,
                rescore: self.rescore,
                bias: self.bias,
                workers: 1,
            })
        };
        let options = BatchOptions {
            asr,
            subtitle_workers: self.workers.unwrap_or(BatchOptions::default().subtitle_workers),
            watch: self.watch.then(|| Duration::from_secs_f64(self.settle.max(0.0))),
            ..BatchOptions::default()
        };
        let display = Display::new(self.json);
        let cancel = CancelToken::default();
        // Ctrl-C stops cleanly: running files go back to the queue (a kill is safe too, but
        // counts against the file as a crash). A second Ctrl-C exits at once.
        let on_interrupt = cancel.clone();
        let interrupted = std::sync::atomic::AtomicBool::new(false);
        ctrlc::set_handler(move || {
            if interrupted.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("stopping: the files in progress go back to the queue (Ctrl-C again to quit now)");
            on_interrupt.cancel();
        })
        .context("cannot install the Ctrl-C handler")?;
        if let Some(server) = &self.server {
            let project_dir = self.project.clone().context("--server needs --project: a project folder of your own")?;
            return team(server, &dir, &project_dir, &self, &base, &options, &cancel);
        }
        let counts = batch::run(&project_dir, &dir, &base, &options, &cancel, &|e| display.show(e))?;
        display.finish();
        eprintln!(
            "{} done, {} queued, {} failed, {} quarantined (project {})",
            counts.done,
            counts.queued,
            counts.failed,
            counts.quarantined,
            project_dir.display()
        );
        if counts.failed + counts.quarantined > 0 {
            eprintln!("see `shruti batch status --project {}`", project_dir.display());
        }
        Ok(if counts.failed + counts.quarantined > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
    }
}

/// A team batch: jobs claimed from the server, processed into the project, results sent back.
fn team(
    server: &str,
    root: &Path,
    project_dir: &Path,
    args: &RunArgs,
    base: &shruti_core::Lexicon,
    options: &BatchOptions,
    cancel: &CancelToken,
) -> Result<ExitCode> {
    let client = team::client_for(server)?;
    let device = team::device_name(args.machine.clone());
    let team = TeamOptions { root: root.to_path_buf(), device, lease_secs: args.lease_secs };
    let json = args.json;
    let counts = queue::run(project_dir, &client, &team, base, options, cancel, &|event| {
        if json {
            if let Ok(line) = serde_json::to_string(&event) {
                println!("{line}");
            }
            return;
        }
        match event {
            TeamEvent::Claimed { job, path, attempt } => eprintln!("job {job}: {path} (attempt {attempt})"),
            TeamEvent::Recorded { job, path, first } => {
                eprintln!("job {job}: {path} recorded{}", if first { "" } else { " (already)" })
            }
            TeamEvent::Failed { job, path, error } => eprintln!("job {job}: {path} failed: {error}"),
            TeamEvent::Late { job, path, reason } => eprintln!("job {job}: {path} kept here as late: {reason}"),
            TeamEvent::Released { job, path } => eprintln!("job {job}: {path} given back to the team"),
            TeamEvent::Unsent { job, path, reason } => {
                eprintln!("job {job}: {path} done; its result waits for `shruti sync run`: {reason}")
            }
            TeamEvent::Local(_) => {}
        }
    })?;
    eprintln!(
        "{} recorded, {} failed, {} late, {} waiting for `shruti sync run` (project {})",
        counts.recorded,
        counts.failed,
        counts.late,
        counts.unsent,
        project_dir.display()
    );
    Ok(if counts.failed + counts.late + counts.unsent > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Progress: JSON lines, or bars (all files, and each file being transcribed).
struct Display {
    json: bool,
    bars: MultiProgress,
    overall: ProgressBar,
    files: Mutex<HashMap<i64, ProgressBar>>,
}

impl Display {
    fn new(json: bool) -> Self {
        let bars = MultiProgress::new();
        let overall = if json { ProgressBar::hidden() } else { bars.add(ProgressBar::new(0)) };
        overall.set_style(
            ProgressStyle::with_template("files {bar:30} {pos}/{len} eta {eta} {wide_msg}").expect("valid template"),
        );
        Display { json, bars, overall, files: Mutex::new(HashMap::new()) }
    }

    fn show(&self, event: BatchEvent) {
        if self.json {
            if let Ok(line) = serde_json::to_string(&event) {
                println!("{line}");
            }
            return;
        }
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            BatchEvent::Scanned { summary, queued, done } => {
                self.overall.set_length(queued + done);
                self.overall.set_position(done);
                self.bars.suspend(|| {
                    eprintln!("{} files found: {} new, {} already known", summary.seen, summary.new, summary.known)
                });
            }
            BatchEvent::Reflagged(r) => self.bars.suspend(|| {
                eprintln!(
                    "lexicon changed: {} transcript(s) re-flagged (+{} −{} flags)",
                    r.transcripts, r.added, r.removed
                )
            }),
            BatchEvent::Started { job, path, kind: "audio", duration_ms } => {
                let bar = self.bars.add(ProgressBar::new(duration_ms.unwrap_or(0)).with_style(style("audio")));
                bar.set_message(path.display().to_string());
                files.insert(job, bar);
            }
            BatchEvent::Started { .. } => {}
            BatchEvent::Progress { job, done_ms, total_ms } => {
                if let Some(bar) = files.get(&job) {
                    bar.set_length(total_ms.unwrap_or(done_ms));
                    bar.set_position(done_ms);
                }
            }
            BatchEvent::Live { job, text, .. } => {
                if let Some(bar) = files.get(&job) {
                    bar.set_message(text.trim().to_owned());
                }
            }
            BatchEvent::Done { job, path, flags, .. } => {
                if let Some(bar) = files.remove(&job) {
                    bar.finish_and_clear();
                }
                self.overall.inc(1);
                self.overall.set_message(format!("{}: {flags} flag(s)", path.display()));
            }
            BatchEvent::Failed { job, error, state, .. } => {
                if let Some(bar) = files.remove(&job) {
                    bar.abandon();
                }
                if state != JobState::Queued.name() {
                    self.overall.inc(1);
                }
                self.bars.suspend(|| eprintln!("{state}: {error}"));
            }
            BatchEvent::Found { path } => {
                self.overall.inc_length(1);
                self.bars.suspend(|| eprintln!("new file: {}", path.display()));
            }
        }
    }

    fn finish(&self) {
        self.overall.finish_and_clear();
    }
}

fn status(args: StatusArgs) -> Result<ExitCode> {
    let project = open(&args.project)?;
    let state =
        match &args.state {
            Some(name) => Some(JobState::ALL.into_iter().find(|s| s.name() == name).with_context(|| {
                format!("unknown state {name:?}: use done, queued, running, failed or quarantined")
            })?),
            None => None,
        };
    let jobs = project.jobs(state)?;
    if args.json {
        let rows: Vec<serde_json::Value> = jobs
            .iter()
            .map(|j| {
                serde_json::json!({ "job": j.id, "path": j.media.path, "state": j.state.name(), "attempts": j.attempts,
                                    "class": j.error_class, "error": j.error })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let counts = project.job_counts()?;
    println!(
        "{} done, {} queued, {} running, {} failed, {} quarantined",
        counts.done, counts.queued, counts.running, counts.failed, counts.quarantined
    );
    for j in jobs.iter().filter(|j| state.is_some() || j.state != JobState::Done) {
        let reason = j.error.as_deref().map(|e| format!("  {}: {e}", j.error_class.as_deref().unwrap_or("error")));
        println!("{:>6}  {:<11} {}{}", j.id, j.state.name(), j.media.path.display(), reason.unwrap_or_default());
    }
    Ok(ExitCode::SUCCESS)
}
