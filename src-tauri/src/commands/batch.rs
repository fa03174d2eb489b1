//! The Batch screen: a batch runs on its own thread and reports by `batch` events; cancelling
//! puts the files in progress back in the queue, so "pause" is a cancel and "resume" a new run.
//! A team batch takes its files from the team queue instead, and also reports `team-batch`
//! events (claimed, recorded, failed, late).

use std::path::PathBuf;
use std::thread::JoinHandle;

use serde::Serialize;
use shruti_asr::models::ModelStore;
use shruti_asr::{CancelToken, DeviceChoice, Options};
use shruti_pipeline::batch::{self, AsrSetup, BatchEvent, BatchOptions};
use shruti_pipeline::team;
use shruti_pipeline::team::queue::{self, TeamCounts, TeamEvent, TeamOptions};
use shruti_store::{JobRow, JobState, Project};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::text;
use crate::state::{lock, AppState};

/// A batch in progress.
pub struct RunningBatch {
    cancel: CancelToken,
    thread: JoinHandle<()>,
}

/// Sent as `batch-finished` when a batch ends, however it ends.
#[derive(Debug, Clone, Serialize)]
pub struct Finished {
    /// Stopped by Pause or Cancel.
    pub cancelled: bool,
    pub error: Option<String>,
    /// A team batch's results: recorded on the server, failed, kept here as late.
    pub team: Option<TeamCounts>,
}

/// What the batch screen shows before it starts: the device, and why audio will wait (no model).
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub device: String,
    pub notice: Option<String>,
}

/// Starts a batch over the project's source folder, or, given `shared_drive`, over jobs claimed
/// from the team queue of the server the project is linked to (their paths are relative to that
/// folder). Audio is transcribed with the model and device from the settings; without the
/// model, subtitle files are still processed and audio stays queued (a team batch then takes
/// subtitle files only, and audio waits on the server for a machine that has one).
#[tauri::command(async)]
pub fn start_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    shared_drive: Option<PathBuf>,
) -> Result<Started, String> {
    let mut running = lock(&state.batch);
    if running.as_ref().is_some_and(|b| !b.thread.is_finished()) {
        return Err("a batch is already running".into());
    }
    let (project_dir, source) = {
        let open = state.project()?;
        if shared_drive.is_some() && team::status(&open.project).map_err(text)?.is_none() {
            return Err("this project is not linked to a team server: log in under Settings first".into());
        }
        (open.project.dir().to_path_buf(), open.source.clone())
    };
    if let Some(drive) = shared_drive.as_ref().filter(|d| !d.is_dir()) {
        return Err(format!("{}: the shared drive is not a folder on this machine", drive.display()));
    }
    let settings = lock(&state.settings).clone();
    let device: DeviceChoice = settings.device.parse()?;
    let model = ModelStore::open(ModelStore::default_dir()).and_then(|s| s.path(&settings.model));
    let (asr, notice) = match model {
        Ok(model_path) => (
            Some(AsrSetup {
                model_path,
                model_name: settings.model.clone(),
                device,
                flash_attention: false,
                options: Options::default(),
                rescore: settings.rescore,
                bias: settings.bias,
                workers: 1,
            }),
            None,
        ),
        Err(e) => (None, Some(format!("audio waits: {e}"))),
    };
    let device = match (&asr, device) {
        (None, _) => "none (no model)".to_owned(),
        (Some(_), DeviceChoice::Cpu) => "CPU".to_owned(),
        (Some(_), _) => shruti_asr::device::gpus().first().map_or_else(|| "CPU".to_owned(), |g| format!("GPU ({g})")),
    };
    let options = BatchOptions { asr, ..BatchOptions::default() };
    let cancel = CancelToken::default();
    let thread = {
        let cancel = cancel.clone();
        let app = app.clone();
        std::thread::Builder::new()
            .name("shruti-batch".into())
            .spawn(move || run(app, project_dir, source, shared_drive, options, cancel))
            .map_err(text)?
    };
    *running = Some(RunningBatch { cancel, thread });
    Ok(Started { device, notice })
}

fn run<R: Runtime>(
    app: AppHandle<R>,
    project_dir: PathBuf,
    source: PathBuf,
    shared_drive: Option<PathBuf>,
    options: BatchOptions,
    cancel: CancelToken,
) {
    let state = app.state::<AppState>();
    let emit = |event: BatchEvent| {
        let _ = app.emit("batch", event);
    };
    let (team, error) = match shared_drive {
        None => (None, batch::run(&project_dir, &source, &state.lexicon, &options, &cancel, &emit).err().map(text)),
        Some(root) => {
            let on_event = |event: TeamEvent| match event {
                TeamEvent::Local(event) => emit(event),
                other => {
                    let _ = app.emit("team-batch", other);
                }
            };
            let counts = Project::open(&project_dir).map_err(text).and_then(|project| {
                let client = team::connect(&project).map_err(text)?;
                let team = TeamOptions { root, device: team::device_name(None), lease_secs: None };
                queue::run(&project_dir, &client, &team, &state.lexicon, &options, &cancel, &on_event).map_err(text)
            });
            match counts {
                Ok(counts) => (Some(counts), None),
                Err(e) => (None, Some(e)),
            }
        }
    };
    // A batch that failed cancels itself to stop its workers: that is not the user's stop.
    let cancelled = cancel.is_cancelled() && error.is_none();
    // No longer running before it says so: a batch started on hearing this must not be refused.
    lock(&state.batch).take();
    let _ = app.emit("batch-finished", Finished { cancelled, error, team });
}

/// Stops the batch: files in progress go back to the queue. Returns once it has stopped.
#[tauri::command(async)]
pub fn cancel_batch(state: State<'_, AppState>) -> bool {
    let Some(running) = lock(&state.batch).take() else { return false };
    running.cancel.cancel();
    let _ = running.thread.join();
    true
}

/// The project's files and their state.
#[tauri::command(async)]
pub fn batch_jobs(state: State<'_, AppState>) -> Result<Vec<JobRow>, String> {
    state.project()?.project.jobs(None).map_err(text)
}

/// Puts failed or quarantined files back in the queue (all of them when `jobs` is empty).
#[tauri::command(async)]
pub fn retry_jobs(state: State<'_, AppState>, jobs: Vec<i64>) -> Result<usize, String> {
    let mut open = state.project()?;
    let ids = if jobs.is_empty() {
        let stuck = |s: JobState| matches!(s, JobState::Failed | JobState::Quarantined);
        open.project.jobs(None).map_err(text)?.into_iter().filter(|j| stuck(j.state)).map(|j| j.id).collect()
    } else {
        jobs
    };
    open.project.retry_jobs(&ids).map_err(text)
}
