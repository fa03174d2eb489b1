//! Schema migrations: numbered SQL files embedded in the binary, applied in order, each recorded
//! in `schema_version`. A shipped migration is never edited; a change is a new file.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// Every migration, in order; the schema version is the number of the last applied.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_lexicon_versions.sql")),
    (3, include_str!("../migrations/0003_segment_edits.sql")),
    (4, include_str!("../migrations/0004_team_sync.sql")),
    (5, include_str!("../migrations/0005_team_withdrawals.sql")),
    (6, include_str!("../migrations/0006_team_jobs.sql")),
    (7, include_str!("../migrations/0007_heard.sql")),
];

/// The version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The database's schema version (0 for a new file).
pub fn version(conn: &Connection) -> Result<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    Ok(conn.query_row("SELECT coalesce(max(version), 0) FROM schema_version", [], |r| r.get(0))?)
}

/// Brings the database up to `target` (normally [`SCHEMA_VERSION`]), one transaction per step,
/// so a crash mid-upgrade leaves the last whole version.
pub(crate) fn migrate(conn: &mut Connection, path: &std::path::Path, target: i64) -> Result<()> {
    let found = version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    for &(number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > found && *n <= target) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("SELECT coalesce(max(version), 0) FROM schema_version", [], |r| r.get(0))?;
        if now >= number {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute("INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)", (number, crate::now_ms()))?;
        tx.commit()?;
        tracing::info!(version = number, "project schema migrated");
    }
    Ok(())
}
