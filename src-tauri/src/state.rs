//! What the app holds between commands: the settings, the open project, the player, a batch.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

use shruti_core::Lexicon;
use shruti_pipeline::settings::Settings;
use shruti_store::{Action, Project, Scope, SearchIndex};

/// The app's state, shared by all commands.
pub struct AppState {
    pub(crate) settings_path: PathBuf,
    pub(crate) settings: Mutex<Settings>,
    /// Why the settings file could not be read, shown once on the Open screen.
    pub(crate) settings_problem: Mutex<Option<String>>,
    /// The bundled lexicon; the open project adds its own additions to it.
    pub(crate) lexicon: Lexicon,
    pub(crate) project: Mutex<Option<OpenProject>>,
    pub(crate) audio: Mutex<crate::commands::audio::Audio>,
    pub(crate) batch: Mutex<Option<crate::commands::batch::RunningBatch>>,
    /// Model fetches in progress, by name, with the flag that cancels each.
    pub(crate) fetches: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

/// The project being worked on.
pub struct OpenProject {
    pub project: Project,
    /// The folder of lectures it is made from (where a batch looks for files).
    pub source: PathBuf,
    /// Decisions made in this window, for undo and redo (newest last).
    pub done: Vec<Made>,
    /// Decisions undone, for redo (newest last).
    pub undone: Vec<Made>,
    /// The search index, opened at the first search.
    pub index: Option<SearchIndex>,
}

/// A decision as it was asked for, so that redo can ask again.
#[derive(Debug, Clone)]
pub struct Made {
    pub flag: i64,
    pub action: Action,
    pub scope: Scope,
}

impl AppState {
    /// The state, with the settings read from `settings_path`.
    pub fn new(settings_path: PathBuf) -> AppState {
        let (settings, problem) = Settings::load(&settings_path);
        AppState {
            settings_path,
            settings: Mutex::new(settings),
            settings_problem: Mutex::new(problem),
            lexicon: Lexicon::bundled(),
            project: Mutex::new(None),
            audio: Mutex::new(Default::default()),
            batch: Mutex::new(None),
            fetches: Mutex::new(HashMap::new()),
        }
    }

    /// The open project, or the error the front end shows when there is none.
    pub(crate) fn project(&self) -> Result<ProjectGuard<'_>, String> {
        let guard = lock(&self.project);
        if guard.is_none() {
            return Err("no project is open: open a folder of lectures first".into());
        }
        Ok(ProjectGuard(guard))
    }

    pub(crate) fn reviewer(&self) -> String {
        lock(&self.settings).reviewer.clone()
    }
}

/// The open project, locked.
pub struct ProjectGuard<'a>(MutexGuard<'a, Option<OpenProject>>);

impl std::ops::Deref for ProjectGuard<'_> {
    type Target = OpenProject;
    fn deref(&self) -> &OpenProject {
        self.0.as_ref().expect("checked when locked")
    }
}

impl std::ops::DerefMut for ProjectGuard<'_> {
    fn deref_mut(&mut self) -> &mut OpenProject {
        self.0.as_mut().expect("checked when locked")
    }
}

/// Locks a mutex; a command that panicked while holding it left nothing half-written (the
/// store's writes are transactions), so the state is used as it is.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where the settings live: `$SHRUTI_CONFIG`, else the user's config folder.
pub fn settings_path() -> PathBuf {
    if let Some(path) = std::env::var_os("SHRUTI_CONFIG") {
        return PathBuf::from(path);
    }
    dirs::config_dir().unwrap_or_else(|| Path::new(".").into()).join("shruti").join("settings.json")
}
