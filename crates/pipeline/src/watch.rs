//! `--watch`: new files dropped into the folder are queued once they have stopped changing, so
//! a copy in progress is never processed half-written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};
use shruti_asr::CancelToken;
use shruti_store::Project;

use crate::batch::BatchEvent;
use crate::error::{Error, Result};
use crate::scan;

/// How often settled files are looked for.
const TICK: Duration = Duration::from_millis(250);

/// A folder being watched. Started before the folder is scanned, so that a file arriving
/// between the scan and the watch is not missed.
pub struct FolderWatch {
    _watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<PathBuf>,
}

impl FolderWatch {
    /// Starts watching `root` recursively.
    pub fn start(root: &Path) -> Result<FolderWatch> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                for path in event.paths {
                    let _ = tx.send(path);
                }
            }
        })
        .map_err(|e| Error::Watch { path: root.to_path_buf(), detail: e.to_string() })?;
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| Error::Watch { path: root.to_path_buf(), detail: e.to_string() })?;
        Ok(FolderWatch { _watcher: watcher, events })
    }

    /// Until `cancel`, queues each new or changed file once it has been unchanged (size and
    /// modification time) for `settle`.
    pub fn run(
        self,
        project_dir: &Path,
        settle: Duration,
        cancel: &CancelToken,
        on_event: &(dyn Fn(BatchEvent) + Sync),
    ) -> Result<()> {
        let rx = self.events;
        let mut project = Project::open(project_dir)?;
        let project_dir = project_dir.canonicalize().unwrap_or_else(|_| project_dir.to_path_buf());
        // Path → (size, modified, when it last changed).
        let mut pending: HashMap<PathBuf, (u64, Option<SystemTime>, Instant)> = HashMap::new();
        while !cancel.is_cancelled() {
            while let Ok(path) = rx.recv_timeout(TICK) {
                let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
                if !hidden && scan::media_kind(&path).is_some() && !own_file(&path, &project_dir) {
                    pending.insert(path, (u64::MAX, None, Instant::now()));
                }
                if cancel.is_cancelled() {
                    break;
                }
            }
            let mut ready = Vec::new();
            pending.retain(|path, (size, modified, since)| {
                let Ok(meta) = std::fs::metadata(path) else { return false }; // deleted or renamed away
                let now = (meta.len(), meta.modified().ok());
                if (now.0, now.1) != (*size, *modified) {
                    (*size, *modified, *since) = (now.0, now.1, Instant::now());
                    return true;
                }
                if since.elapsed() < settle {
                    return true;
                }
                ready.push(path.clone());
                false
            });
            for path in ready {
                match scan::queue(&mut project, std::slice::from_ref(&path)) {
                    Ok(summary) if summary.queued > 0 => on_event(BatchEvent::Found { path }),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("{e}"),
                }
            }
        }
        Ok(())
    }
}

/// The project's own files (its search index): when the project is the lecture folder itself,
/// only these are not input.
fn own_file(path: &Path, project_dir: &Path) -> bool {
    path.strip_prefix(project_dir).is_ok_and(|rest| rest.starts_with(shruti_store::INDEX_DIR))
}
