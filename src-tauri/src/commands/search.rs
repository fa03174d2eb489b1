//! Search across the project (tantivy), from the header's search box.

use shruti_store::Hit;
use tauri::State;

use super::text;
use crate::state::AppState;

/// Segments matching `query` (phrases in quotes; `fuzzy` also finds near spellings), best first.
/// The index catches up with the latest decisions first.
#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, query: String, fuzzy: bool, limit: usize) -> Result<Vec<Hit>, String> {
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut open = state.project()?;
    let open = &mut *open;
    if open.index.is_none() {
        open.index = Some(open.project.search_index().map_err(text)?);
    }
    let index = open.index.as_mut().expect("just opened");
    index.sync(&open.project).map_err(text)?;
    index.search(&open.project, &query, fuzzy, limit.clamp(1, 500)).map_err(text)
}
