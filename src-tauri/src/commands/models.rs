//! Whisper models on the Settings screen: what is installed, what can be fetched (with a
//! progress bar fed by `model-fetch` events), and importing a file or a faster-whisper folder.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use shruti_asr::models::{FetchEvent, ModelEntry, ModelStore, CATALOGUE};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::text;
use crate::state::{lock, AppState};

#[derive(Debug, Serialize)]
pub struct Models {
    pub installed: Vec<ModelEntry>,
    /// Every model that can be fetched, with its size in MB.
    pub catalogue: Vec<(String, u32)>,
    pub folder: PathBuf,
}

fn store() -> Result<ModelStore, String> {
    ModelStore::open(ModelStore::default_dir())
}

#[tauri::command(async)]
pub fn models() -> Result<Models, String> {
    let store = store()?;
    Ok(Models {
        installed: store.list()?,
        catalogue: CATALOGUE.iter().map(|(n, mb)| ((*n).to_owned(), *mb)).collect(),
        folder: store.dir().to_path_buf(),
    })
}

/// Progress of a fetch, sent as `model-fetch`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum FetchProgress {
    Source {
        name: String,
        source: String,
    },
    Bytes {
        name: String,
        done: u64,
        total: Option<u64>,
    },
    Converting {
        name: String,
    },
    /// The end: installed, failed (`error`), or stopped by `cancel_fetch` (its bytes are kept).
    Finished {
        name: String,
        error: Option<String>,
        cancelled: bool,
    },
}

/// Fetches model `name` on a thread of its own; progress and the end come as events. One fetch
/// per model at a time: two would write the same partial file.
#[tauri::command(async)]
pub fn fetch_model<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, name: String) -> Result<(), String> {
    if !CATALOGUE.iter().any(|(n, _)| *n == name) {
        return Err(format!("unknown model {name:?}"));
    }
    let store = store()?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut fetches = lock(&state.fetches);
        if fetches.contains_key(&name) {
            return Err(format!("{name} is already being fetched"));
        }
        fetches.insert(name.clone(), Arc::clone(&cancel));
    }
    let spawned = std::thread::Builder::new().name("shruti-model-fetch".into()).spawn(move || {
        let emit = |p: FetchProgress| {
            let _ = app.emit("model-fetch", p);
        };
        let mut last_percent = None;
        let result = store.fetch(&name, &cancel, &mut |event| match event {
            FetchEvent::Source(source) => emit(FetchProgress::Source { name: name.clone(), source: source.into() }),
            FetchEvent::Bytes(done, total) => {
                // At most one event per percent: a large model is millions of chunks.
                let percent = total.map(|t| done * 100 / t.max(1));
                if percent != last_percent || total.is_none() {
                    last_percent = percent;
                    emit(FetchProgress::Bytes { name: name.clone(), done, total });
                }
            }
            FetchEvent::Converting => emit(FetchProgress::Converting { name: name.clone() }),
        });
        lock(&app.state::<AppState>().fetches).remove(&name);
        let cancelled = cancel.load(Ordering::Relaxed);
        emit(FetchProgress::Finished { name: name.clone(), error: result.err().filter(|_| !cancelled), cancelled });
    });
    if let Err(e) = spawned {
        lock(&state.fetches).clear();
        return Err(text(e));
    }
    Ok(())
}

/// Stops the fetch of `name`; a later fetch resumes where it stopped. False when none is running.
#[tauri::command(async)]
pub fn cancel_fetch(state: State<'_, AppState>, name: String) -> bool {
    lock(&state.fetches).get(&name).inspect(|c| c.store(true, Ordering::Relaxed)).is_some()
}

/// Imports a ggml model file or a faster-whisper (CTranslate2) folder under `name`.
#[tauri::command(async)]
pub fn import_model(from: PathBuf, name: String) -> Result<ModelEntry, String> {
    if name.trim().is_empty() {
        return Err("name the model".into());
    }
    store()?.import(&from, name.trim(), Default::default())
}
