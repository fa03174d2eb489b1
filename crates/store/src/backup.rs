//! Online backup and restore with SQLite's backup API: a consistent copy while a batch or the
//! app is writing.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::migrate;
use crate::project::{Project, DB_FILE, INDEX_DIR};

/// Pages copied per step; between steps writers may go on.
const PAGES_PER_STEP: std::ffi::c_int = 1024;

impl Project {
    /// Writes a consistent copy of the project database to `dest` (a file), atomically: a
    /// temporary file renamed into place.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        let tmp = dest.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        {
            let mut out = Connection::open(&tmp)?;
            Backup::new(&self.conn, &mut out)?.run_to_completion(PAGES_PER_STEP, Duration::from_millis(5), None)?;
            // A single file, readable without its -wal.
            out.pragma_update(None, "journal_mode", "DELETE")?;
        }
        std::fs::rename(&tmp, dest).map_err(|e| Error::io(dest, e))?;
        Project::audit(&self.conn, "project", "backup", &serde_json::json!({ "to": dest.display().to_string() }))?;
        Ok(())
    }
}

/// Replaces the project in `dir` with the backup `src`. The backup is checked first (a Shruti
/// database this build can read, passing SQLite's integrity check); the database it replaces is
/// kept beside it as `shruti.db.before-restore-<time>`; the search index is rebuilt on next use.
/// Refused while a batch holds the project.
pub fn restore(src: &Path, dir: &Path) -> Result<()> {
    let source = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::Invalid(format!("{}: not a database: {e}", src.display())))?;
    let ok: String = source
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| Error::Invalid(format!("{}: not a Shruti backup: {e}", src.display())))?;
    if ok != "ok" {
        return Err(Error::Invalid(format!("{}: damaged: {ok}", src.display())));
    }
    let version: i64 = source
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
        .map_err(|_| Error::Invalid(format!("{}: not a Shruti backup (no schema version)", src.display())))?;
    if version > migrate::SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: src.to_path_buf(), found: version, supported: migrate::SCHEMA_VERSION });
    }
    let mut project = Project::open(dir)?;
    let _lock = project.lock_batch(u32::MAX)?;
    let keep = dir.join(format!("{DB_FILE}.before-restore-{}", crate::now_ms()));
    project.backup(&keep)?;
    Backup::new(&source, &mut project.conn)?.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
    drop(project);
    // The restored file may be an older schema: bring it up to date.
    let project = Project::open(dir)?;
    let index = dir.join(INDEX_DIR);
    if index.exists() {
        std::fs::remove_dir_all(&index).map_err(|e| Error::io(&index, e))?;
    }
    Project::audit(
        &project.conn,
        "project",
        "restore",
        &serde_json::json!({ "from": src.display().to_string(),
                                                                             "previous": keep.display().to_string() }),
    )?;
    Ok(())
}
