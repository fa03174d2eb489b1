//! The Transcript screen: a whole file's transcript, corrected, with its words' times and
//! confidences.

use serde::Serialize;
use shruti_pipeline::lexicon::project_lexicon;
use shruti_store::{Script, SegmentEdit, WordView};
use tauri::State;

use super::text;
use crate::state::AppState;

/// A segment as recognised (with its words) and as it exports now.
#[derive(Debug, Serialize)]
pub struct Line {
    pub idx: i64,
    /// Times as they export (edited by hand, or as recognised).
    pub start_ms: u64,
    pub end_ms: u64,
    /// As recognised or imported.
    pub text: String,
    /// With the automatic corrections, every decision in force and any hand edit applied.
    pub corrected: String,
    pub words: Vec<WordView>,
}

/// Every segment of media `media`'s transcript.
#[tauri::command(async)]
pub fn transcript(state: State<'_, AppState>, media: i64) -> Result<Vec<Line>, String> {
    let open = state.project()?;
    if open.project.transcript_of(media).map_err(text)?.is_none() {
        return Err(format!("file {media} has no transcript yet: process it in Batch first"));
    }
    let lexicon = project_lexicon(&open.project, &state.lexicon).map_err(text)?;
    let corrected = open.project.corrected(media, Script::Iast, &lexicon).map_err(text)?;
    let segments = open.project.segments(media, 0, i64::MAX).map_err(text)?;
    Ok(segments
        .into_iter()
        .zip(corrected.segments)
        .map(|(s, c)| Line {
            idx: s.idx,
            start_ms: c.start_ms,
            end_ms: c.end_ms,
            text: s.text,
            corrected: c.text,
            words: s.words,
        })
        .collect())
}

/// Saves a hand edit of segment `idx` (0-based) of media `media`: its whole text (None keeps
/// it) and its times. Returns the transcript as it now stands.
#[tauri::command(async)]
pub fn edit_segment(
    state: State<'_, AppState>,
    media: i64,
    idx: i64,
    text: Option<String>,
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<Line>, String> {
    let expert = state.reviewer();
    {
        let mut open = state.project()?;
        let edit = SegmentEdit { text, start_ms, end_ms };
        open.project.edit_segment(media, idx, &edit, &expert).map_err(super::text)?;
    }
    transcript(state, media)
}
