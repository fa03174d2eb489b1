//! A project: a folder holding `shruti.db` (the truth) and `search/` (a tantivy index rebuilt
//! from it at will).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::migrate;

/// The database file in a project folder.
pub const DB_FILE: &str = "shruti.db";
/// The search index folder in a project folder.
pub const INDEX_DIR: &str = "search";
const LOCK_FILE: &str = "shruti.lock";

/// An open project. One per thread: the connection is not shared.
pub struct Project {
    dir: PathBuf,
    pub(crate) conn: Connection,
}

impl Project {
    /// Opens the project in `dir`, creating the folder and database if needed and bringing the
    /// schema up to date.
    pub fn open(dir: &Path) -> Result<Project> {
        Self::open_at_version(dir, migrate::SCHEMA_VERSION)
    }

    /// Opens (or creates) the project with the schema at an older `version`: for upgrade tests.
    #[doc(hidden)]
    pub fn open_at_version(dir: &Path, version: i64) -> Result<Project> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        configure(&conn)?;
        migrate::migrate(&mut conn, &path, version)?;
        Ok(Project { dir: dir.to_path_buf(), conn })
    }

    /// For batch connections: commits are not synced to disk one by one. A kill or crash loses
    /// nothing (WAL); a power cut may roll back the last jobs, which are then simply done again,
    /// since a job's transcript and its `done` state commit together. Decisions, made on other
    /// connections, stay fully synced.
    pub fn batch_durability(&self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        migrate::version(&self.conn)
    }

    /// Takes the project's batch lock: one batch at a time per project. A job left `running`
    /// by a batch that died is requeued (or quarantined, when it has now killed `max_crashes`
    /// workers). The lock is released when the guard drops, or by the OS when the process dies.
    pub fn lock_batch(&mut self, max_crashes: u32) -> Result<BatchLock> {
        let path = self.dir.join(LOCK_FILE);
        let mut file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        if file.try_lock().is_err() {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            return Err(Error::Locked {
                path,
                detail: format!("another batch is running on this project ({})", holder.trim()),
            });
        }
        file.set_len(0).and_then(|_| writeln!(file, "pid {}", std::process::id())).map_err(|e| Error::io(&path, e))?;
        crate::jobs::recover_after_crash(&mut self.conn, max_crashes)?;
        Ok(BatchLock { _file: file })
    }

    /// Appends to the audit log.
    pub(crate) fn audit(conn: &Connection, actor: &str, action: &str, detail: &serde_json::Value) -> Result<()> {
        conn.execute(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
            (crate::now_ms(), actor, action, detail.to_string()),
        )?;
        Ok(())
    }

    /// Records something that happened (by `actor`) in the audit log.
    pub fn note(&self, actor: &str, action: &str, detail: &serde_json::Value) -> Result<()> {
        Project::audit(&self.conn, actor, action, detail)
    }

    /// The audit log, oldest first: `(at_ms, actor, action, detail)`.
    pub fn audit_log(&self) -> Result<Vec<(i64, String, String, serde_json::Value)>> {
        let mut stmt = self.conn.prepare("SELECT at, actor, action, detail FROM audit ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            let detail: String = r.get(3)?;
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, serde_json::from_str(&detail).unwrap_or_default()))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Held while a batch runs; see [`Project::lock_batch`].
pub struct BatchLock {
    _file: File,
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL: readers never block the writer, so review goes on while a batch runs. FULL: a
    // decision is on disk when `decide` returns, power loss included.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(())
}
