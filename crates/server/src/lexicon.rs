//! The team lexicon on the server: pushes (gathered and written here, planned by
//! `shruti_sync::plan_push`) and pages of changes.

use std::collections::BTreeSet;

use shruti_sync::{plan_push, Change, Changes, Cursor, EntryRow, Gathered, Push, Pushed, TeamEntry};

use crate::auth::Caller;
use crate::db::{transaction, Backend, Mode, Row, Tx, Value};
use crate::{now_ms, AppState, Error};

/// The most changes one push may carry.
pub const MAX_PUSH: usize = 500;
/// The most rows one page of changes holds.
pub const MAX_PAGE: i64 = 1_000;

const COLUMNS: &str = "id, iast, deva, category, variants, deleted, version, updated_by, updated_at";
const HISTORY_COLUMNS: &str = "entry_id, iast, deva, category, variants, deleted, version, updated_by, updated_at";

/// Applies a push by `caller`, or returns the answer a push with the same batch id got.
pub async fn push(state: &AppState, caller: &Caller, push: Push) -> Result<Pushed, Error> {
    if push.changes.len() > MAX_PUSH {
        return Err(Error::BadRequest(format!("{} changes in one push; at most {MAX_PUSH}", push.changes.len())));
    }
    if push.batch.is_empty() || push.batch.len() > 64 {
        return Err(Error::BadRequest("batch: a client-made id of 1–64 characters".into()));
    }
    let backend = state.db.backend();
    let (user_id, user) = (caller.user_id, caller.name.clone());
    let pushed = transaction(&*state.db, Mode::Write, move |tx| {
        Box::pin(async move {
            // The library row's lock orders pushes (SQLite's write lock already does).
            let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
            let version =
                tx.query_one(&format!("SELECT version FROM library WHERE id = 1{lock}"), &[]).await?.int(0)?;
            if let Some(done) = tx
                .query_opt("SELECT user_id, response FROM push_batches WHERE batch = $1", &[push.batch.as_str().into()])
                .await?
            {
                if done.int(0)? != user_id {
                    return Err(Error::Conflict {
                        code: "batch-taken",
                        message: format!("batch {} was pushed by another user", push.batch),
                    });
                }
                return serde_json::from_str(&done.text(1)?).map_err(|e| Error::Db(e.to_string()));
            }
            let gathered = gather(tx, &push.changes).await?;
            let now = now_ms();
            let plan = plan_push(&push.changes, &gathered, version + 1, &user, now);
            for row in &plan.writes {
                write(tx, row).await?;
            }
            let version = if plan.writes.is_empty() { version } else { version + 1 };
            if !plan.writes.is_empty() {
                tx.execute("UPDATE library SET version = $1 WHERE id = 1", &[version.into()]).await?;
            }
            let pushed = Pushed { version, outcomes: plan.outcomes };
            let response = serde_json::to_string(&pushed).map_err(|e| Error::Db(e.to_string()))?;
            tx.execute(
                "INSERT INTO push_batches (batch, user_id, response, created_at) VALUES ($1, $2, $3, $4)",
                &[push.batch.into(), user_id.into(), response.into(), now.into()],
            )
            .await?;
            Ok(pushed)
        })
    })
    .await?;
    Ok(pushed)
}

/// Reads what the planner needs: the named entries, their base versions, the owners of keys.
async fn gather(tx: &mut dyn Tx, changes: &[Change]) -> Result<Gathered, Error> {
    let mut g = Gathered::default();
    for change in changes {
        let id = change.entry.id.as_str();
        if let Some(row) = tx.query_opt(&format!("SELECT {COLUMNS} FROM entries WHERE id = $1"), &[id.into()]).await? {
            let row = entry_row(&row)?;
            if !row.entry.deleted {
                g.owners.insert(row.entry.key(), row.clone());
            }
            g.rows.insert(id.to_owned(), row);
        }
        if let Some(v) = change.base_version {
            let sql = format!("SELECT {HISTORY_COLUMNS} FROM entry_history WHERE entry_id = $1 AND version = $2");
            if let Some(row) = tx.query_opt(&sql, &[id.into(), v.into()]).await? {
                g.bases.insert((id.to_owned(), v), entry_row(&row)?.entry);
            }
        }
        let key = change.entry.key();
        if let std::collections::hash_map::Entry::Vacant(owner) = g.owners.entry(key) {
            let sql = format!("SELECT {COLUMNS} FROM entries WHERE key = $1 AND deleted = 0");
            if let Some(row) = tx.query_opt(&sql, &[owner.key().as_str().into()]).await? {
                owner.insert(entry_row(&row)?);
            }
        }
    }
    Ok(g)
}

/// Stores a row and its history.
async fn write(tx: &mut dyn Tx, row: &EntryRow) -> Result<(), Error> {
    let e = &row.entry;
    let variants = serde_json::to_string(&e.variants).expect("strings serialise");
    let values: Vec<Value> = vec![
        e.id.as_str().into(),
        e.iast.as_str().into(),
        e.deva.as_str().into(),
        e.category.name().into(),
        variants.into(),
        e.deleted.into(),
        row.version.into(),
        row.updated_by.as_str().into(),
        row.updated_at.into(),
        e.key().into(),
    ];
    tx.execute(
        "INSERT INTO entries (id, iast, deva, category, variants, deleted, version, updated_by, updated_at, key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO UPDATE SET iast = excluded.iast, \
         deva = excluded.deva, category = excluded.category, variants = excluded.variants, deleted = excluded.deleted, \
         version = excluded.version, updated_by = excluded.updated_by, updated_at = excluded.updated_at, key = excluded.key",
        &values,
    )
    .await?;
    tx.execute(
        "INSERT INTO entry_history (entry_id, iast, deva, category, variants, deleted, version, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &values[..9],
    )
    .await?;
    Ok(())
}

fn entry_row(row: &Row) -> Result<EntryRow, Error> {
    let bad = |what: &str, e: String| Error::Db(format!("entry {}: {what}: {e}", row.text(0).unwrap_or_default()));
    let category =
        serde_json::from_value(serde_json::Value::String(row.text(3)?)).map_err(|e| bad("category", e.to_string()))?;
    let variants: BTreeSet<String> = serde_json::from_str(&row.text(4)?).map_err(|e| bad("variants", e.to_string()))?;
    Ok(EntryRow {
        entry: TeamEntry {
            id: row.text(0)?,
            iast: row.text(1)?,
            deva: row.text(2)?,
            category,
            variants,
            deleted: row.bool(5)?,
        },
        version: row.int(6)?,
        updated_by: row.text(7)?,
        updated_at: row.int(8)?,
    })
}

/// A page of changes after `cursor`.
pub async fn changes(state: &AppState, cursor: Cursor, limit: i64) -> Result<Changes, Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    transaction(&*state.db, Mode::Read, move |tx| {
        Box::pin(async move {
            let version = tx.query_one("SELECT version FROM library WHERE id = 1", &[]).await?.int(0)?;
            let rows = match &cursor.after {
                None => {
                    let sql = format!("SELECT {COLUMNS} FROM entries WHERE version > $1 ORDER BY version, id LIMIT $2");
                    tx.query(&sql, &[cursor.version.into(), limit.into()]).await?
                }
                Some(after) => {
                    let sql = format!(
                        "SELECT {COLUMNS} FROM entries WHERE version > $1 OR (version = $1 AND id > $2) \
                         ORDER BY version, id LIMIT $3"
                    );
                    tx.query(&sql, &[cursor.version.into(), after.as_str().into(), limit.into()]).await?
                }
            };
            let rows = rows.iter().map(entry_row).collect::<Result<Vec<_>, _>>()?;
            let next = (rows.len() as i64 == limit)
                .then(|| rows.last().map(|r| Cursor { version: r.version, after: Some(r.entry.id.clone()) }))
                .flatten();
            Ok(Changes { rows, next, version })
        })
    })
    .await
}
