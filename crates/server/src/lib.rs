//! Shruti's team server: one binary (`shruti serve`) that keeps a team's shared lexicon and batch
//! queue, on an embedded SQLite file or on PostgreSQL for teams that run several servers.
//!
//! - `db/`: the storage trait ([`db::Database`], [`db::Tx`]) and its two backends, with their
//!   migrations; everything else is written once against it.
//! - `auth.rs`: users with roles, argon2id passwords, device tokens stored hashed.
//! - `lexicon.rs`: pushes (planned by `shruti_sync::plan_push`) and pages of changes.
//! - `queue.rs`: the shared batch queue: leases, heartbeats, exactly-once results, the reaper.
//! - `router.rs`: every route; `handlers/`: a few lines each; `metrics.rs`: Prometheus.
//!
//! ```no_run
//! # async fn demo() -> Result<(), shruti_server::Error> {
//! let server = shruti_server::Server::open("sqlite:team.db").await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8470").await.unwrap();
//! server.serve(listener, std::time::Duration::from_secs(15)).await
//! # }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use error::Error;
pub use router::router;

pub mod auth;
pub mod db;
mod error;
mod extract;
mod handlers;
pub mod lexicon;
mod limit;
mod metrics;
pub mod queue;
mod router;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Arc<dyn db::Database>,
    logins: Arc<limit::RateLimit>,
    metrics: Arc<metrics::Metrics>,
    tokens: Arc<auth::TokenCache>,
}

/// A server on an opened database.
pub struct Server {
    pub state: AppState,
}

impl Server {
    /// Opens (and migrates) the database `url` names: `sqlite:PATH` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Server, Error> {
        let db = db::open(url).await?;
        Ok(Server { state: AppState { db, logins: Arc::default(), metrics: Arc::default(), tokens: Arc::default() } })
    }

    /// Serves on `listener` until Ctrl-C or SIGTERM, then finishes the requests under way. Every
    /// `reap_every`, expired leases are requeued.
    pub async fn serve(self, listener: tokio::net::TcpListener, reap_every: Duration) -> Result<(), Error> {
        tokio::spawn(reaper(self.state.clone(), reap_every));
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| Error::Config(format!("serving: {e}")))
    }
}

async fn reaper(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match queue::reap(&state).await {
            Ok(r) if r != queue::Reaped::default() => {
                let expired = r.requeued + r.quarantined;
                state.metrics.expired_leases.fetch_add(expired, std::sync::atomic::Ordering::Relaxed);
                tracing::info!(requeued = r.requeued, quarantined = r.quarantined, "expired leases reaped")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("reaping expired leases: {e}"),
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Now, in unix milliseconds: for people reading `updated_at`, and for lease expiry.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
