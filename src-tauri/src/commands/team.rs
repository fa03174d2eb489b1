//! The team server in Settings: log this device in, sync the open project's lexicon with the
//! team, and settle conflicts (keep mine or take theirs, both sides shown).

use shruti_pipeline::team::{self, Report, Resolution, Status};
use tauri::State;

use super::text;
use crate::state::AppState;

/// The open project's team status; None when it is not linked to a server.
#[tauri::command(async)]
pub fn team_status(state: State<'_, AppState>) -> Result<Option<Status>, String> {
    team::status(&state.project()?.project).map_err(text)
}

/// Logs this device in to `server` and links the open project to it.
#[tauri::command(async)]
pub fn team_login(
    state: State<'_, AppState>,
    server: String,
    user: String,
    password: String,
) -> Result<Option<Status>, String> {
    let device = team::device_name(None);
    let expert = state.reviewer();
    let mut open = state.project()?;
    let project = &mut open.project;
    off_runtime(|| team::login(project, server.trim(), user.trim(), password, device, &expert)).map_err(text)?;
    team::status(project).map_err(text)
}

/// Pulls the team's changes, then pushes the project's; offline, pushes wait in the outbox.
/// On a connection of its own, so review goes on while the server is slow to answer.
#[tauri::command(async)]
pub fn team_sync(state: State<'_, AppState>) -> Result<Report, String> {
    let expert = state.reviewer();
    let dir = state.project()?.project.dir().to_path_buf();
    let mut project = shruti_store::Project::open(&dir).map_err(text)?;
    let lexicon = &state.lexicon;
    off_runtime(|| {
        let client = team::connect(&project)?;
        team::sync(&mut project, &client, lexicon, &expert)
    })
    .map_err(text)
}

/// Runs `f` on a thread of its own: the team client is blocking HTTP, whose own runtime must
/// not start or stop on one of Tauri's async workers.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(f).join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
}

/// Settles conflict `id`: "mine" (pushed at the next sync) or "theirs".
#[tauri::command(async)]
pub fn team_resolve(state: State<'_, AppState>, id: i64, keep: String) -> Result<Option<Status>, String> {
    let resolution = match keep.as_str() {
        "mine" => Resolution::Mine,
        "theirs" => Resolution::Theirs,
        other => return Err(format!("keep \"mine\" or \"theirs\", not {other:?}")),
    };
    let expert = state.reviewer();
    let mut open = state.project()?;
    team::resolve(&mut open.project, id, resolution, &expert).map_err(text)?;
    team::status(&open.project).map_err(text)
}
