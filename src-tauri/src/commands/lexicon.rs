//! The lexicon editor: search the entries (the bundled lexicon with the open project's
//! additions), transliterate as the expert types, add entries and variants.

use serde::Serialize;
use shruti_core::lexicon::iast::ascii_fold;
use shruti_core::lexicon::{Addition, Category, Transliterator};
use shruti_core::Lexicon;
use shruti_pipeline::lexicon::project_lexicon;
use tauri::State;

use super::text;
use crate::state::{lock, AppState};

/// An entry as the editor lists it.
#[derive(Debug, Serialize)]
pub struct EntryView {
    pub iast: String,
    pub deva: String,
    pub category: Category,
    pub variants: Vec<String>,
    /// The data file (or "project additions") and line it comes from.
    pub origin: String,
}

/// Entries whose IAST, Devanagari or a variant contains `query` (ignoring case and
/// diacritics), best first: exact, then prefix, then anywhere. At most `limit`.
#[tauri::command(async)]
pub fn lexicon_search(state: State<'_, AppState>, query: String, limit: usize) -> Result<Vec<EntryView>, String> {
    let lexicon = current(&state)?;
    let needle = ascii_fold(query.trim()).to_lowercase();
    let rank = |text: &str| {
        let folded = ascii_fold(text).to_lowercase();
        if folded == needle {
            Some(0)
        } else if folded.starts_with(&needle) {
            Some(1)
        } else {
            folded.contains(&needle).then_some(2)
        }
    };
    let mut found: Vec<(u8, &shruti_core::lexicon::Entry)> = lexicon
        .entries()
        .iter()
        .filter_map(|e| {
            let best = std::iter::once(e.iast.as_str())
                .chain(e.variants.iter().map(String::as_str))
                .filter_map(rank)
                .chain((e.deva.contains(query.trim()) && !query.trim().is_empty()).then_some(0))
                .min()?;
            Some((best, e))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.iast.cmp(&b.1.iast)));
    Ok(found
        .into_iter()
        .take(limit.max(1))
        .map(|(_, e)| EntryView {
            iast: e.iast.clone(),
            deva: e.deva.clone(),
            category: e.category,
            variants: e.variants.clone(),
            origin: format!("{}:{}", e.origin.file, e.origin.line),
        })
        .collect())
}

/// The other script of what the expert types: Devanagari gives IAST, anything else is read as
/// IAST and gives Devanagari.
#[derive(Debug, Serialize)]
pub struct Both {
    pub iast: String,
    pub deva: String,
}

#[tauri::command(async)]
pub fn transliterate(text: String) -> Both {
    let mut t = Transliterator::new();
    let is_deva = text.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c));
    if is_deva {
        Both { iast: t.to_iast(&text), deva: text }
    } else {
        Both { deva: t.to_deva(&text), iast: text }
    }
}

/// Adds an entry or a variant to the open project's lexicon. Refused, with the loader's
/// messages, when it breaks a rule (a duplicate, a variant claimed twice, non-IAST letters).
/// Returns how many transcripts were flagged again with it.
#[tauri::command(async)]
pub fn lexicon_add(state: State<'_, AppState>, addition: Addition) -> Result<usize, String> {
    let expert = state.reviewer();
    let mut open = state.project()?;
    let summary = shruti_pipeline::lexicon::add(&mut open.project, &state.lexicon, addition, &expert).map_err(text)?;
    Ok(summary.transcripts)
}

/// The open project's lexicon, or the bundled one when no project is open.
fn current(state: &AppState) -> Result<Lexicon, String> {
    match lock(&state.project).as_ref() {
        Some(open) => project_lexicon(&open.project, &state.lexicon).map_err(text),
        None => Ok(state.lexicon.clone()),
    }
}
