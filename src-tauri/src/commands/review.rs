//! The review pane: the queue of flags, one flag with its context, decisions, undo and redo.

use std::path::PathBuf;

use serde::Serialize;
use shruti_pipeline::review;
use shruti_store::{Action, DecisionRow, FlagQuery, FlagRow, NewDecision, Scope, SegmentView, StateFilter};
use tauri::State;

use super::text;
use crate::state::{AppState, Made};

/// Segments shown on each side of the flagged one.
const CONTEXT: i64 = 2;

/// A row of the review queue: what the list shows (the rest comes with [`flag_detail`]).
#[derive(Debug, Serialize)]
pub struct QueueItem {
    pub id: i64,
    pub media_id: i64,
    pub file: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub surface: String,
    pub kind: String,
    pub score: f32,
    pub state: String,
    pub suggestion: Option<String>,
    pub decided_text: Option<String>,
}

impl From<FlagRow> for QueueItem {
    fn from(f: FlagRow) -> Self {
        QueueItem {
            id: f.id,
            media_id: f.media_id,
            file: f.path.file_name().map_or_else(|| f.path.display().to_string(), |n| n.to_string_lossy().into()),
            start_ms: f.start_ms,
            end_ms: f.end_ms,
            suggestion: f.suggestions.first().map(|s| s.text.clone()),
            surface: f.surface,
            kind: f.kind,
            score: f.score,
            state: f.state,
            decided_text: f.decided_text,
        }
    }
}

/// Every flag of the project in review order, pending and decided (the front end filters and
/// groups; a decided flag stays in the list so the expert can see and undo it).
#[tauri::command(async)]
pub fn review_queue(state: State<'_, AppState>) -> Result<Vec<QueueItem>, String> {
    let open = state.project()?;
    let flags = open.project.flags(&FlagQuery { state: StateFilter::All, ..FlagQuery::default() }).map_err(text)?;
    Ok(flags.into_iter().map(QueueItem::from).collect())
}

/// A flag with what the review pane shows around it.
#[derive(Debug, Serialize)]
pub struct FlagDetail {
    pub flag: FlagRow,
    /// The flagged segment and its neighbours.
    pub segments: Vec<SegmentView>,
    /// Undecided flags with the same text (what "apply to all" would decide, this one included).
    pub instances: usize,
    pub path: PathBuf,
}

#[tauri::command(async)]
pub fn flag_detail(state: State<'_, AppState>, id: i64) -> Result<FlagDetail, String> {
    let open = state.project()?;
    let flag = open.project.flag(id).map_err(text)?;
    let segments =
        open.project.segments(flag.media_id, flag.segment - CONTEXT, flag.segment + CONTEXT).map_err(text)?;
    let instances = open.project.instances(id).map_err(text)?;
    Ok(FlagDetail { path: flag.path.clone(), flag, segments, instances })
}

/// What a decision, undo or redo changed.
#[derive(Debug, Serialize)]
pub struct Changed {
    pub decisions: Vec<DecisionRow>,
    /// The lexicon changed and transcripts were flagged again: the queue must be reloaded.
    pub reflagged: bool,
    pub can_redo: bool,
}

/// Records a decision on `flag` (with `all`, on every undecided instance of its text). Saved
/// before this returns.
#[tauri::command(async)]
pub fn decide(state: State<'_, AppState>, flag: i64, decision: Action, all: bool) -> Result<Changed, String> {
    let made = Made {
        flag,
        action: decision.trimmed().map_err(text)?,
        scope: if all { Scope::AllInstances } else { Scope::One },
    };
    let expert = state.reviewer();
    let mut open = state.project()?;
    let outcome = apply(&mut open.project, &state, &made, expert)?;
    open.done.push(made);
    open.undone.clear();
    Ok(changed(&open, outcome))
}

/// Undoes this reviewer's latest decision still in force (a whole "apply to all" at once).
#[tauri::command(async)]
pub fn undo(state: State<'_, AppState>) -> Result<Changed, String> {
    let expert = state.reviewer();
    let mut open = state.project()?;
    let outcome = review::undo(&mut open.project, &state.lexicon, &expert, Some(&expert), None).map_err(text)?;
    if outcome.decisions.is_empty() {
        return Err("nothing to undo".into());
    }
    let undone_flag = outcome.decisions[0].flag_id;
    // Redo asks again for what this window decided; a decision from another session is undone
    // but cannot be redone from here.
    if let Some(i) = open.done.iter().rposition(|m| outcome.decisions.iter().any(|d| d.flag_id == m.flag)) {
        let made = open.done.remove(i);
        open.undone.push(made);
    } else {
        tracing::info!(flag = undone_flag, "undid a decision made outside this window");
    }
    Ok(changed(&open, outcome))
}

/// Makes the last undone decision again.
#[tauri::command(async)]
pub fn redo(state: State<'_, AppState>) -> Result<Changed, String> {
    let expert = state.reviewer();
    let mut open = state.project()?;
    let made = open.undone.pop().ok_or("nothing to redo")?;
    let outcome = match apply(&mut open.project, &state, &made, expert) {
        Ok(outcome) => outcome,
        Err(e) => {
            open.undone.push(made);
            return Err(e);
        }
    };
    open.done.push(made);
    Ok(changed(&open, outcome))
}

fn apply(
    project: &mut shruti_store::Project,
    state: &AppState,
    made: &Made,
    expert: String,
) -> Result<review::Outcome, String> {
    let decision = NewDecision { action: made.action.clone(), expert, note: None };
    review::decide(project, &state.lexicon, made.flag, decision, made.scope).map_err(text)
}

fn changed(open: &crate::state::OpenProject, outcome: review::Outcome) -> Changed {
    Changed {
        reflagged: outcome.reflagged.transcripts > 0,
        decisions: outcome.decisions,
        can_redo: !open.undone.is_empty(),
    }
}
