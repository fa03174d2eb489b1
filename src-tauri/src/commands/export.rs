//! The Export dialog.

use std::path::PathBuf;

use shruti_pipeline::export::{export_all, processed, Format};
use shruti_store::Script;
use tauri::State;

use super::text;
use crate::state::AppState;

/// Writes the corrected subtitles of `media` (every processed file when empty) into `dir`, in
/// each of `formats` (srt, vtt, txt, json) and `script` (iast, devanagari, ascii). Returns the
/// files written.
#[tauri::command(async)]
pub fn export(
    state: State<'_, AppState>,
    media: Vec<i64>,
    dir: PathBuf,
    formats: Vec<String>,
    script: String,
) -> Result<Vec<PathBuf>, String> {
    let formats: Vec<Format> = formats.iter().map(|f| Format::parse(f)).collect::<Result<_, _>>().map_err(text)?;
    if formats.is_empty() {
        return Err("choose at least one format".into());
    }
    let script = Script::parse(&script).ok_or_else(|| format!("unknown script {script:?}"))?;
    let open = state.project()?;
    let files = if media.is_empty() {
        processed(&open.project).map_err(text)?
    } else {
        media.iter().map(|&id| open.project.media(id)).collect::<Result<_, _>>().map_err(text)?
    };
    if files.is_empty() {
        return Err("nothing to export yet: no file of this project has been processed".into());
    }
    export_all(&open.project, &state.lexicon, &files, &dir, &formats, script).map_err(text)
}

/// Shows a folder in the system's file manager (the Export dialog's "Open folder").
#[tauri::command(async)]
pub fn reveal(dir: PathBuf) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a folder", dir.display()));
    }
    open::that_detached(&dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))
}
