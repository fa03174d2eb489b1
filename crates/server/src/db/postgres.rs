//! The PostgreSQL backend, for teams that run several stateless servers on one database: a
//! connection pool, statements prepared once per connection, transactions run as tasks of their
//! own so a client that hangs up never leaves one half done.

use std::error::Error as _;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use tokio_postgres::{IsolationLevel, NoTls};

use super::{Backend, Database, Mode, Row, Tx, Value, Work};
use crate::Error;

/// Connections per server process.
const POOL: usize = 16;

pub struct Postgres {
    pool: Pool,
}

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, Error> {
        let config: tokio_postgres::Config =
            url.parse().map_err(|e| Error::Config(format!("--db: not a PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(POOL).build().map_err(|e| Error::Config(e.to_string()))?;
        let db = Postgres { pool };
        super::migrate(&db).await?;
        Ok(db)
    }
}

#[async_trait]
impl Database for Postgres {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn run(&self, mode: Mode, work: Work) -> Result<Box<dyn std::any::Any + Send>, Error> {
        let pool = self.pool.clone();
        let task = tokio::spawn(async move {
            let mut client = pool.get().await.map_err(|e| Error::Db(format!("PostgreSQL: {e}")))?;
            // A read sees one snapshot: a page of changes and the version beside it agree.
            let isolation =
                if mode == Mode::Read { IsolationLevel::RepeatableRead } else { IsolationLevel::ReadCommitted };
            let tx = client
                .build_transaction()
                .read_only(mode == Mode::Read)
                .isolation_level(isolation)
                .start()
                .await
                .map_err(pg)?;
            let mut tx = PgTx { tx };
            let value = work(&mut tx).await?;
            tx.tx.commit().await.map_err(pg)?;
            Ok(value)
        });
        task.await.map_err(|e| Error::Db(format!("a transaction's task failed: {e}")))?
    }

    async fn statement(&self, sql: String, params: Vec<Value>) -> Result<Vec<Row>, Error> {
        let pool = self.pool.clone();
        let task = tokio::spawn(async move {
            let client = pool.get().await.map_err(|e| Error::Db(format!("PostgreSQL: {e}")))?;
            let stmt = client.prepare_cached(&sql).await.map_err(|e| map_pg(e, &sql))?;
            let rows = client.query(&stmt, &to_params(&params)).await.map_err(|e| map_pg(e, &sql))?;
            rows.iter().map(|row| read_row(row, &sql)).collect()
        });
        task.await.map_err(|e| Error::Db(format!("a statement's task failed: {e}")))?
    }
}

fn to_params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

struct PgTx<'a> {
    tx: deadpool_postgres::Transaction<'a>,
}

impl PgTx<'_> {
    async fn prepare(&mut self, sql: &str) -> Result<tokio_postgres::Statement, Error> {
        self.tx.prepare_cached(sql).await.map_err(|e| map_pg(e, sql))
    }
}

#[async_trait]
impl Tx for PgTx<'_> {
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        let stmt = self.prepare(sql).await?;
        let rows = self.tx.query(&stmt, &to_params(params)).await.map_err(|e| map_pg(e, sql))?;
        rows.iter().map(|row| read_row(row, sql)).collect()
    }

    async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let stmt = self.prepare(sql).await?;
        self.tx.execute(&stmt, &to_params(params)).await.map_err(|e| map_pg(e, sql))
    }
}

fn read_row(row: &tokio_postgres::Row, sql: &str) -> Result<Row, Error> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let get_err = |e: tokio_postgres::Error| Error::Db(format!("column {i} of {sql}: {e}"));
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(get_err)?.map(Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(get_err)?.map(|v| Value::Int(v.into())),
            Type::BOOL => row.try_get::<_, Option<bool>>(i).map_err(get_err)?.map(Value::from),
            Type::TEXT | Type::VARCHAR => row.try_get::<_, Option<String>>(i).map_err(get_err)?.map(Value::Text),
            // pg_advisory_xact_lock and the like return void.
            Type::VOID => None,
            ref other => return Err(Error::Db(format!("column {i} of {sql}: unexpected type {other}"))),
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Int(v), &Type::INT4) => i32::try_from(*v)?.to_sql(ty, out),
            (Value::Int(v), &Type::BOOL) => (*v != 0).to_sql(ty, out),
            (Value::Int(v), &Type::INT8) => v.to_sql(ty, out),
            (Value::Text(v), &Type::TEXT | &Type::VARCHAR) => v.to_sql(ty, out),
            (value, ty) => Err(format!("{value:?} cannot be sent as {ty}").into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::INT4 | Type::BOOL | Type::TEXT | Type::VARCHAR)
    }

    to_sql_checked!();
}

fn pg(e: tokio_postgres::Error) -> Error {
    Error::Db(format!("PostgreSQL: {}", detail(&e)))
}

fn map_pg(e: tokio_postgres::Error, sql: &str) -> Error {
    if e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) {
        return Error::Duplicate;
    }
    Error::Db(format!("PostgreSQL: {}: {sql}", detail(&e)))
}

/// The server's own message, where there is one ("db error" alone says nothing).
fn detail(e: &tokio_postgres::Error) -> String {
    e.source().map_or_else(|| e.to_string(), ToString::to_string)
}
