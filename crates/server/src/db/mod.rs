//! The storage trait and its two backends. Everything above it (auth, lexicon, queue) is written
//! once against [`Tx`], in SQL both SQLite and PostgreSQL read the same way: `$1` parameters,
//! BIGINT and TEXT columns, `RETURNING`, `ON CONFLICT`. What differs (row locks, migrations)
//! asks [`Database::backend`].

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::future::BoxFuture;

use crate::Error;

mod postgres;
mod sqlite;

/// A value passed to or read from SQL. Booleans are stored as 0/1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, Error> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            other => Err(Error::Db(format!("column {i}: expected an integer, found {other:?}"))),
        }
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, Error> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            other => Err(Error::Db(format!("column {i}: expected text, found {other:?}"))),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, Error> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, Error> {
        self.int(i).map(|v| v != 0)
    }
}

/// Statements inside one transaction.
#[async_trait]
pub trait Tx: Send {
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error>;
    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error>;

    async fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, Error> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    async fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, Error> {
        self.query_opt(sql, params).await?.ok_or_else(|| Error::Db(format!("no row from {sql}")))
    }
}

/// Which database a [`Database`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether a transaction writes: SQLite takes its write lock at the start of one that does
/// (`BEGIN IMMEDIATE`), so two writers never deadlock upgrading a read lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Read,
    Write,
}

/// Work done in one transaction. It owns what it needs: it may outlive the request that asked
/// for it (a client that hangs up does not cut a transaction short).
pub type Work = Box<dyn for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<Box<dyn Any + Send>, Error>> + Send>;

/// The storage trait: a SQLite file or a PostgreSQL server.
#[async_trait]
pub trait Database: Send + Sync {
    fn backend(&self) -> Backend;

    /// Runs `work` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    async fn run(&self, mode: Mode, work: Work) -> Result<Box<dyn Any + Send>, Error>;

    /// Runs one writing statement as a transaction of its own. On PostgreSQL that is one round
    /// trip where [`Database::run`] takes three (begin, statement, commit): the queue's hot
    /// paths are single statements for this reason.
    async fn statement(&self, sql: String, params: Vec<Value>) -> Result<Vec<Row>, Error>;
}

/// Runs `work` in a transaction of `db`, typed.
pub async fn transaction<T, F>(db: &dyn Database, mode: Mode, work: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut dyn Tx) -> BoxFuture<'t, Result<T, Error>> + Send + 'static,
{
    let boxed: Work = Box::new(move |tx| {
        let fut = work(tx);
        Box::pin(async move { fut.await.map(|v| Box::new(v) as Box<dyn Any + Send>) })
    });
    let out = db.run(mode, boxed).await?;
    Ok(*out.downcast::<T>().expect("the work's own type"))
}

/// Opens the database a URL names (`sqlite:PATH` or `postgres://…`) and brings its schema up to
/// date.
pub async fn open(url: &str) -> Result<Arc<dyn Database>, Error> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        Ok(Arc::new(sqlite::Sqlite::open(path.trim_start_matches("//")).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::Postgres::open(url).await?))
    } else {
        Err(Error::Config(format!("--db {url:?}: expected sqlite:PATH or postgres://USER@HOST/DB")))
    }
}

/// The migrations of a backend: (number, SQL), in order.
fn migrations_for(backend: Backend) -> &'static [(i64, &'static str)] {
    match backend {
        Backend::Sqlite => &[
            (1, include_str!("../../migrations/sqlite/0001_init.sql")),
            (2, include_str!("../../migrations/sqlite/0002_queue.sql")),
            (3, include_str!("../../migrations/sqlite/0003_reviews.sql")),
        ],
        Backend::Postgres => &[
            (1, include_str!("../../migrations/postgres/0001_init.sql")),
            (2, include_str!("../../migrations/postgres/0002_queue.sql")),
            (3, include_str!("../../migrations/postgres/0003_queue_vacuum.sql")),
            (4, include_str!("../../migrations/postgres/0004_reviews.sql")),
        ],
    }
}

/// Applies the migrations not yet applied, each in its own transaction.
async fn migrate(db: &dyn Database) -> Result<(), Error> {
    let backend = db.backend();
    for &(number, sql) in migrations_for(backend) {
        transaction(db, Mode::Write, move |tx| {
            Box::pin(async move {
                if backend == Backend::Postgres {
                    // Several servers may start at once on one database: one migrates.
                    tx.query("SELECT pg_advisory_xact_lock(7263)", &[]).await?;
                }
                tx.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                    &[],
                )
                .await?;
                let done = tx.query_opt("SELECT version FROM schema_migrations WHERE version = $1", &[number.into()]).await?;
                if done.is_none() {
                    for statement in statements(sql) {
                        tx.execute(statement, &[]).await?;
                    }
                    tx.execute(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                        &[number.into(), crate::now_ms().into()],
                    )
                    .await?;
                    tracing::info!(number, "migration applied");
                }
                Ok(())
            })
        })
        .await?;
    }
    Ok(())
}

/// The statements of a migration file: split at `;` that ends a line, comments dropped.
fn statements(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(";\n").map(str::trim).filter(|s| s.lines().any(|l| !l.trim().is_empty() && !l.trim().starts_with("--")))
}

/// The migrations applied, by number (for `/ready`); an error when the database is out of reach.
pub async fn applied(db: &dyn Database) -> Result<Vec<i64>, Error> {
    transaction(db, Mode::Read, |tx| {
        Box::pin(async move {
            let rows = tx.query("SELECT version FROM schema_migrations ORDER BY version", &[]).await?;
            rows.iter().map(|r| r.int(0)).collect()
        })
    })
    .await
}

/// The newest migration this build knows.
pub fn latest_migration(backend: Backend) -> i64 {
    migrations_for(backend).last().map_or(0, |m| m.0)
}
