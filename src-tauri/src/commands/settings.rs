//! The Settings screen.

use shruti_pipeline::settings::Settings;
use tauri::State;

use super::text;
use crate::state::{lock, AppState};

#[tauri::command(async)]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    lock(&state.settings).clone()
}

/// Saves the settings; the recent projects are kept as they are (the front end does not edit them).
#[tauri::command(async)]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, String> {
    if settings.reviewer.trim().is_empty() {
        return Err("the reviewer's name is recorded with every decision: it cannot be empty".into());
    }
    if !(0.0..=1.0).contains(&settings.min_score) {
        return Err(format!("the score threshold is between 0 and 1, not {}", settings.min_score));
    }
    let mut current = lock(&state.settings);
    let recent = std::mem::take(&mut current.recent);
    *current = Settings { recent, ..settings };
    current.save(&state.settings_path).map_err(text)?;
    Ok(current.clone())
}
