//! The embedded backend: one SQLite file in WAL mode. Connections are pooled; a transaction runs
//! on a blocking thread with its connection, writers one at a time under `BEGIN IMMEDIATE`.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::{Backend, Database, Mode, Row, Tx, Value, Work};
use crate::Error;

/// Connections kept open: readers proceed beside the one writer.
const POOL: usize = 4;

pub struct Sqlite {
    path: String,
    idle: Mutex<Vec<Connection>>,
    /// Writers queue here, in order, rather than in SQLite's busy handler, which sleeps in
    /// steps and makes the slowest waits seconds long under load.
    writer: tokio::sync::Mutex<()>,
}

impl Sqlite {
    pub async fn open(path: &str) -> Result<Sqlite, Error> {
        let db = Sqlite { path: path.to_owned(), idle: Mutex::new(Vec::new()), writer: tokio::sync::Mutex::new(()) };
        let first = db.connect()?;
        first.pragma_update(None, "journal_mode", "WAL").map_err(|e| db.error(e))?;
        db.idle.lock().expect("pool").push(first);
        super::migrate(&db).await?;
        Ok(db)
    }

    fn connect(&self) -> Result<Connection, Error> {
        let conn = Connection::open(&self.path).map_err(|e| self.error(e))?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(|e| self.error(e))?;
        conn.pragma_update(None, "foreign_keys", true).map_err(|e| self.error(e))?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(|e| self.error(e))?;
        Ok(conn)
    }

    fn error(&self, e: rusqlite::Error) -> Error {
        Error::Db(format!("{}: {e}", self.path))
    }
}

#[async_trait]
impl Database for Sqlite {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn run(&self, mode: Mode, work: Work) -> Result<Box<dyn std::any::Any + Send>, Error> {
        let _writing = if mode == Mode::Write { Some(self.writer.lock().await) } else { None };
        let conn = match self.idle.lock().expect("pool").pop() {
            Some(conn) => conn,
            None => self.connect()?,
        };
        let handle = tokio::runtime::Handle::current();
        let (result, conn) = tokio::task::spawn_blocking(move || {
            let begin = if mode == Mode::Write { "BEGIN IMMEDIATE" } else { "BEGIN" };
            if let Err(e) = conn.execute_batch(begin) {
                return (Err(Error::Db(e.to_string())), conn);
            }
            let mut tx = SqliteTx { conn };
            let result = handle.block_on(work(&mut tx));
            let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let ended = tx.conn.execute_batch(end).map_err(|e| Error::Db(e.to_string()));
            (result.and_then(|v| ended.map(|()| v)), tx.conn)
        })
        .await
        .map_err(|e| Error::Db(format!("a transaction's thread failed: {e}")))?;
        let mut idle = self.idle.lock().expect("pool");
        if idle.len() < POOL && conn.is_autocommit() {
            idle.push(conn);
        }
        result
    }

    async fn statement(&self, sql: String, params: Vec<Value>) -> Result<Vec<Row>, Error> {
        super::transaction(self, Mode::Write, move |tx| Box::pin(async move { tx.query(&sql, &params).await })).await
    }
}

struct SqliteTx {
    conn: Connection,
}

impl SqliteTx {
    fn prepare(&self, sql: &str, params: &[Value]) -> Result<rusqlite::CachedStatement<'_>, Error> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| Error::Db(format!("{e}: {sql}")))?;
        for (i, value) in params.iter().enumerate() {
            // `$N` is a named parameter to SQLite: bind it by its name.
            let Some(index) = stmt.parameter_index(&format!("${}", i + 1)).map_err(|e| Error::Db(e.to_string()))?
            else {
                continue;
            };
            let bound = match value {
                Value::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
                Value::Int(v) => stmt.raw_bind_parameter(index, v),
                Value::Text(v) => stmt.raw_bind_parameter(index, v),
            };
            bound.map_err(|e| Error::Db(e.to_string()))?;
        }
        Ok(stmt)
    }
}

#[async_trait]
impl Tx for SqliteTx {
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        let mut stmt = self.prepare(sql, params)?;
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| map_sqlite(e, sql))? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i).map_err(|e| Error::Db(e.to_string()))? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    other => return Err(Error::Db(format!("column {i} of {sql}: unexpected {:?}", other.data_type()))),
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let mut stmt = self.prepare(sql, params)?;
        stmt.raw_execute().map(|n| n as u64).map_err(|e| map_sqlite(e, sql))
    }
}

/// A broken unique constraint is the caller's to report (e.g. a user name taken).
fn map_sqlite(e: rusqlite::Error, sql: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) if e.to_string().contains("UNIQUE") => Error::Duplicate,
        _ => Error::Db(format!("{e}: {sql}")),
    }
}
