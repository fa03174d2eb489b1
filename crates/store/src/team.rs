//! Team sync's local half: the team library's entries as this project has them, the outbox of
//! pushes, the cursor of pulls, conflicts for the expert. Entries are stored as the JSON the
//! sync layer gives (the store does not depend on it); every change that belongs together is
//! written in one transaction, so a crash never moves the cursor past rows not applied.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::project::Project;

/// The server a project syncs with and how far it has pulled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamLink {
    pub server: String,
    pub cursor_version: i64,
    pub cursor_after: Option<String>,
    /// The last lexicon addition already turned into a team change.
    pub exported_addition: i64,
    /// The last decision considered for withdrawing exported additions that were undone.
    pub exported_undo: i64,
}

/// What one exported lexicon addition changed in the team library: the entry it created, or the
/// variants it added to an entry the team had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamContribution {
    pub entry_id: String,
    pub created: bool,
    pub variants: Vec<String>,
}

/// A team job recorded from this project whose review has gone on since it was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamJob {
    pub job_id: i64,
    /// The file's content hash.
    pub hash: String,
    pub media_id: i64,
    /// The latest decision on the file's flags.
    pub latest_decision: i64,
}

/// SQL for the latest decision on the flags of the file whose hash is `hash` (an expression).
fn latest_decision(hash: &str) -> String {
    format!(
        "SELECT COALESCE(MAX(d.id), 0) FROM media m2 JOIN transcripts t ON t.media_id = m2.id
         JOIN segments s ON s.transcript_id = t.id JOIN flags f ON f.segment_id = s.id
         JOIN decisions d ON d.flag_id = f.id WHERE m2.hash = {hash}"
    )
}

/// One entry of the team library, as kept here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamLocal {
    pub id: String,
    /// The copy in use (JSON).
    pub entry: String,
    /// The last copy synced with the server, with its version (JSON), if any.
    pub base: Option<String>,
    /// clean, dirty, conflict or rejected.
    pub state: String,
    /// Why it was rejected.
    pub note: Option<String>,
}

/// An open conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamConflict {
    pub id: i64,
    pub entry_id: String,
    /// Both sides as JSON: the local entry, the server's row, the kind of conflict.
    pub mine: String,
    pub theirs: String,
    pub conflict: String,
    pub found_at: i64,
}

/// A change to the local team state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamWrite {
    /// Sets an entry, if its copy in use is still `expect` (None: whatever it is).
    Put { local: TeamLocal, expect: Option<String> },
    /// Records a conflict and marks the entry as waiting for the expert.
    Conflict { entry_id: String, mine: String, theirs: String, conflict: String },
}

impl Project {
    pub fn team_link(&self) -> Result<Option<TeamLink>> {
        Ok(self
            .conn
            .query_row(
                "SELECT server, cursor_version, cursor_after, exported_addition, exported_undo FROM team_link",
                [],
                |r| {
                    Ok(TeamLink {
                        server: r.get(0)?,
                        cursor_version: r.get(1)?,
                        cursor_after: r.get(2)?,
                        exported_addition: r.get(3)?,
                        exported_undo: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Links the project to `server`. A different server than before starts over: its library
    /// is another, so the cursor and the copies of the old one go.
    pub fn link_team(&mut self, server: &str, expert: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old: Option<String> = tx.query_row("SELECT server FROM team_link", [], |r| r.get(0)).optional()?;
        if old.as_deref() != Some(server) {
            let pending: i64 = tx.query_row("SELECT COUNT(*) FROM team_outbox", [], |r| r.get(0))?;
            if pending > 0 {
                return Err(Error::Invalid(format!(
                    "{pending} pushes to {} are still unanswered: push them before linking another server",
                    old.unwrap_or_default()
                )));
            }
            tx.execute_batch(
                "DELETE FROM team_link; DELETE FROM team_entries; DELETE FROM team_conflicts; DELETE FROM team_jobs;
                 DELETE FROM team_contributions;",
            )?;
            tx.execute("INSERT INTO team_link (id, server) VALUES (1, ?1)", [server])?;
            Project::audit(&tx, expert, "team-link", &serde_json::json!({ "server": server }))?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn team_local(&self, id: &str) -> Result<Option<TeamLocal>> {
        Ok(self
            .conn
            .query_row("SELECT id, entry, base, state, note FROM team_entries WHERE id = ?1", [id], to_local)
            .optional()?)
    }

    /// Every local entry, or those in one state.
    pub fn team_locals(&self, state: Option<&str>) -> Result<Vec<TeamLocal>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, entry, base, state, note FROM team_entries WHERE ?1 IS NULL OR state = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([state], to_local)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Applies `writes` in one transaction, with the pull cursor moved to `cursor` and the
    /// answered outbox batch removed, where given. A `Put` whose entry changed meanwhile is
    /// skipped (the next sync sees it again). Returns how many were skipped.
    pub fn team_apply(
        &mut self,
        writes: &[TeamWrite],
        cursor: Option<(i64, Option<&str>)>,
        answered: Option<&str>,
        expert: &str,
    ) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = crate::now_ms();
        let mut skipped = 0;
        for write in writes {
            match write {
                TeamWrite::Put { local, expect } => {
                    let current: Option<String> = tx
                        .query_row("SELECT entry FROM team_entries WHERE id = ?1", [&local.id], |r| r.get(0))
                        .optional()?;
                    if expect.is_some() && current != *expect {
                        skipped += 1;
                        continue;
                    }
                    tx.execute(
                        "INSERT INTO team_entries (id, entry, base, state, note, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                         ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, base = excluded.base,
                         state = excluded.state, note = excluded.note, updated_at = excluded.updated_at",
                        params![local.id, local.entry, local.base, local.state, local.note, now],
                    )?;
                }
                TeamWrite::Conflict { entry_id, mine, theirs, conflict } => {
                    tx.execute(
                        "INSERT INTO team_conflicts (entry_id, mine, theirs, conflict, found_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![entry_id, mine, theirs, conflict, now],
                    )?;
                    tx.execute(
                        "UPDATE team_entries SET state = 'conflict', updated_at = ?2 WHERE id = ?1",
                        params![entry_id, now],
                    )?;
                    Project::audit(&tx, expert, "team-conflict", &serde_json::json!({ "entry": entry_id }))?;
                }
            }
        }
        if let Some((version, after)) = cursor {
            tx.execute("UPDATE team_link SET cursor_version = ?1, cursor_after = ?2", params![version, after])?;
        }
        if let Some(batch) = answered {
            tx.execute("DELETE FROM team_outbox WHERE batch = ?1", [batch])?;
        }
        tx.commit()?;
        Ok(skipped)
    }

    /// Records a local edit of a team entry: it will be pushed.
    pub fn team_edit(&mut self, id: &str, entry: &str, base: Option<&str>, expert: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO team_entries (id, entry, base, state, updated_at) VALUES (?1, ?2, ?3, 'dirty', ?4)
             ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, state = 'dirty', note = NULL,
             updated_at = excluded.updated_at",
            params![id, entry, base, crate::now_ms()],
        )?;
        Project::audit(&tx, expert, "team-edit", &serde_json::json!({ "entry": id }))?;
        tx.commit()?;
        Ok(())
    }

    /// Marks the additions up to `addition`, and the undos up to decision `undo`, as turned into
    /// team changes.
    pub fn team_exported(&mut self, addition: i64, undo: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE team_link SET exported_addition = max(exported_addition, ?1), exported_undo = max(exported_undo, ?2)",
            [addition, undo],
        )?;
        Ok(())
    }

    /// Records what lexicon addition `addition_id` changed in the team library. An export run
    /// again after a crash before its edits were saved makes them anew (a new term gets a new
    /// id): the latest record is the one that holds. Once they are saved, it changes nothing and
    /// records nothing.
    pub fn team_contributed(&mut self, addition_id: i64, contribution: &TeamContribution) -> Result<()> {
        let variants = serde_json::to_string(&contribution.variants).expect("strings serialise");
        self.conn.execute(
            "INSERT INTO team_contributions (addition_id, entry_id, created, variants) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (addition_id) DO UPDATE SET entry_id = excluded.entry_id, created = excluded.created,
             variants = excluded.variants",
            params![addition_id, contribution.entry_id, contribution.created, variants],
        )?;
        Ok(())
    }

    /// Remembers that team job `job_id`, for the file with content `hash`, is recorded on the
    /// server with the review as it stands now.
    pub fn team_job_recorded(&mut self, job_id: i64, hash: &str) -> Result<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO team_jobs (job_id, hash, reported_decision) VALUES (?1, ?2, ({}))
                 ON CONFLICT (job_id) DO UPDATE SET unsent_lease = NULL, reported_decision = excluded.reported_decision",
                latest_decision("?2")
            ),
            params![job_id, hash],
        )?;
        Ok(())
    }

    /// Keeps the result of team job `job_id`, done here under `lease`, to send when the server
    /// can be reached.
    pub fn team_job_unsent(&mut self, job_id: i64, hash: &str, lease: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO team_jobs (job_id, hash, unsent_lease) VALUES (?1, ?2, ?3)
             ON CONFLICT (job_id) DO UPDATE SET unsent_lease = excluded.unsent_lease",
            params![job_id, hash, lease],
        )?;
        Ok(())
    }

    /// Results still to send: (job, hash, lease, media id).
    pub fn team_jobs_unsent(&self) -> Result<Vec<(i64, String, String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT j.job_id, j.hash, j.unsent_lease, m.id FROM team_jobs j JOIN media m ON m.hash = j.hash
             WHERE j.unsent_lease IS NOT NULL ORDER BY j.job_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Forgets a result the server will not take (its lease is gone: another machine has the
    /// job); it stays in the project, as late.
    pub fn team_job_dropped(&mut self, job_id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM team_jobs WHERE job_id = ?1 AND unsent_lease IS NOT NULL", [job_id])?;
        Ok(())
    }

    /// Team jobs whose files have decisions not yet reported to the server.
    pub fn team_jobs_to_report(&self) -> Result<Vec<TeamJob>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT job_id, hash, media_id, latest FROM
               (SELECT j.job_id, j.hash, m.id AS media_id, j.reported_decision, ({}) AS latest
                FROM team_jobs j JOIN media m ON m.hash = j.hash WHERE j.unsent_lease IS NULL)
             WHERE latest > reported_decision ORDER BY job_id",
            latest_decision("j.hash")
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(TeamJob { job_id: r.get(0)?, hash: r.get(1)?, media_id: r.get(2)?, latest_decision: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a team job's review as reported up to decision `decision`.
    pub fn team_job_reported(&mut self, job_id: i64, decision: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE team_jobs SET reported_decision = max(reported_decision, ?2) WHERE job_id = ?1",
            [job_id, decision],
        )?;
        Ok(())
    }

    /// Puts a push in the outbox, to be sent (and resent, with the same batch id) until answered.
    pub fn team_enqueue(&mut self, batch: &str, body: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO team_outbox (batch, body, created_at) VALUES (?1, ?2, ?3)",
            params![batch, body, crate::now_ms()],
        )?;
        Ok(())
    }

    /// Pushes not yet answered, oldest first: (batch, body).
    pub fn team_outbox(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare("SELECT batch, body FROM team_outbox ORDER BY created_at, batch")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Notes a failed attempt to send a batch.
    pub fn team_outbox_failed(&mut self, batch: &str, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE team_outbox SET attempts = attempts + 1, last_error = ?2 WHERE batch = ?1",
            params![batch, error],
        )?;
        Ok(())
    }

    /// Open conflicts, oldest first.
    pub fn team_conflicts(&self) -> Result<Vec<TeamConflict>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, entry_id, mine, theirs, conflict, found_at FROM team_conflicts WHERE resolved_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TeamConflict {
                id: r.get(0)?,
                entry_id: r.get(1)?,
                mine: r.get(2)?,
                theirs: r.get(3)?,
                conflict: r.get(4)?,
                found_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Closes conflict `id` with `resolution` (mine, theirs, edit) and the entry's new local
    /// state, in one transaction. When `local` is another entry (two with one key, folded into
    /// the server's), the local one in conflict goes.
    pub fn resolve_team_conflict(&mut self, id: i64, resolution: &str, local: &TeamLocal, expert: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE team_conflicts SET resolved_at = ?2, resolution = ?3, resolved_by = ?4 WHERE id = ?1 AND resolved_at IS NULL",
            params![id, crate::now_ms(), resolution, expert],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no open conflict {id}")));
        }
        tx.execute(
            "DELETE FROM team_entries WHERE id = (SELECT entry_id FROM team_conflicts WHERE id = ?1) AND id != ?2",
            params![id, local.id],
        )?;
        // Other open conflicts of the same entry are settled by this resolution too.
        tx.execute(
            "UPDATE team_conflicts SET resolved_at = ?2, resolution = 'superseded', resolved_by = ?3
             WHERE entry_id = ?1 AND resolved_at IS NULL",
            params![local.id, crate::now_ms(), expert],
        )?;
        tx.execute(
            "INSERT INTO team_entries (id, entry, base, state, note, updated_at) VALUES (?1, ?2, ?3, ?4, NULL, ?5)
             ON CONFLICT (id) DO UPDATE SET entry = excluded.entry, base = excluded.base, state = excluded.state,
             note = NULL, updated_at = excluded.updated_at",
            params![local.id, local.entry, local.base, local.state, crate::now_ms()],
        )?;
        Project::audit(&tx, expert, "team-resolve", &serde_json::json!({ "conflict": id, "resolution": resolution }))?;
        tx.commit()?;
        Ok(())
    }
}

fn to_local(r: &rusqlite::Row<'_>) -> rusqlite::Result<TeamLocal> {
    Ok(TeamLocal { id: r.get(0)?, entry: r.get(1)?, base: r.get(2)?, state: r.get(3)?, note: r.get(4)? })
}
