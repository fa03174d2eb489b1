//! The Transcript screen: a whole file's transcript, corrected, with its words' times and
//! confidences.

use serde::Serialize;
use shruti_pipeline::lexicon::project_lexicon;
use shruti_store::{Script, SegmentView};
use tauri::State;

use super::text;
use crate::state::AppState;

/// A segment as recognised (with its words) and as it exports now.
#[derive(Debug, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub segment: SegmentView,
    /// With the automatic corrections and every decision in force applied.
    pub corrected: String,
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
    Ok(segments.into_iter().zip(corrected.segments).map(|(segment, c)| Line { segment, corrected: c.text }).collect())
}
