//! Opening a project and the Open screen's list of recent ones.

use std::path::PathBuf;

use serde::Serialize;
use shruti_pipeline::lexicon::reflag_outdated;
use shruti_pipeline::settings::Recent;
use shruti_store::{JobCounts, Project};
use tauri::{Emitter, Manager, State};

use super::text;
use crate::state::{lock, AppState, OpenProject};

/// What the header and the Open screen show about a project.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub project: PathBuf,
    pub source: PathBuf,
    pub transcripts: usize,
    pub pending: u64,
    pub decided: u64,
    pub jobs: JobCounts,
}

#[derive(Debug, Serialize)]
pub struct Recents {
    pub recent: Vec<Recent>,
    /// A problem with the settings file, to show once.
    pub problem: Option<String>,
}

#[tauri::command(async)]
pub fn recent_projects(state: State<'_, AppState>) -> Recents {
    let recent = lock(&state.settings).recent.clone();
    Recents { recent, problem: lock(&state.settings_problem).take() }
}

/// Opens (or creates) the project in `folder`. Its lectures are in `source` (by default the
/// folder it was last opened with, else the folder holding all its files, else the folder
/// itself). Transcripts flagged with an older
/// lexicon are flagged again first.
#[tauri::command(async)]
pub fn open_project(state: State<'_, AppState>, folder: PathBuf, source: Option<PathBuf>) -> Result<Summary, String> {
    let folder = std::path::absolute(&folder).map_err(text)?;
    if !folder.is_dir() {
        return Err(format!("{}: not a folder", folder.display()));
    }
    let mut project =
        Project::open(&folder).map_err(|e| format!("cannot open the project in {}: {e}", folder.display()))?;
    reflag_outdated(&mut project, &state.lexicon).map_err(text)?;
    let media: Vec<PathBuf> = project.jobs(None).map_err(text)?.into_iter().map(|j| j.media.path).collect();
    let source = {
        let mut settings = lock(&state.settings);
        let source = source
            .or_else(|| settings.source_of(&folder).map(PathBuf::from))
            .or_else(|| shruti_pipeline::scan::common_folder(&media))
            .unwrap_or(folder.clone());
        settings.remember(&folder, &source, now_ms());
        settings.save(&state.settings_path).map_err(text)?;
        source
    };
    *lock(&state.project) = Some(OpenProject { project, source, done: Vec::new(), undone: Vec::new(), index: None });
    summary(&state)
}

#[tauri::command(async)]
pub fn project_summary(state: State<'_, AppState>) -> Result<Summary, String> {
    summary(&state)
}

fn summary(state: &AppState) -> Result<Summary, String> {
    let open = state.project()?;
    let (pending, decided) = open.project.flag_counts().map_err(text)?;
    Ok(Summary {
        project: open.project.dir().to_path_buf(),
        source: open.source.clone(),
        transcripts: open.project.transcripts().map_err(text)?.len(),
        pending,
        decided,
        jobs: open.project.job_counts().map_err(text)?,
    })
}

/// `SHRUTI_OPEN=DIR`: the app starts on that project (the set-up command's demo, the e2e test).
pub fn open_at_start<R: tauri::Runtime>(app: &tauri::AppHandle<R>, folder: PathBuf) {
    let state = app.state::<AppState>();
    let opened = open_project(state, folder, None);
    let _ = app.emit("project-opened", opened.map_err(|e| e.to_string()));
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
