use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use shruti_server::Server;
use shruti_sync::Role;

/// Run the team server: the team's shared lexicon (pushes merge field by field; conflicts come
/// back to the expert, never resolved silently) and the shared batch queue (jobs claimed with
/// leases sized for offline work, results recorded once).
///
/// The database is an embedded SQLite file (one server) or PostgreSQL (several stateless
/// servers behind a load balancer on one database); its schema is created and migrated at
/// start. Every endpoint but /health, /ready and /openapi.json needs a token from
/// POST /v1/login; roles are viewer < reviewer (pushes, claims) < admin (users, batches).
/// /metrics is Prometheus text (any role). Logs are JSON lines on standard error (SHRUTI_LOG
/// sets the level, e.g. SHRUTI_LOG=debug logs every request). Ctrl-C or SIGTERM stops it after
/// the requests under way.
///
/// First start: shruti serve --db sqlite:team.db add-user lead --role admin (the password comes
/// from SHRUTI_PASSWORD or the first line of standard input), then shruti serve --db
/// sqlite:team.db --bind 0.0.0.0:8470.
#[derive(Args)]
pub struct Cmd {
    /// The database: sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE (password and
    /// port optional).
    #[arg(long, env = "SHRUTI_DB", default_value = "sqlite:shruti-team.db", hide_env_values = true)]
    db: String,
    /// The address and port to listen on.
    #[arg(long, env = "SHRUTI_BIND", default_value = "127.0.0.1:8470")]
    bind: SocketAddr,
    /// How often expired leases are looked for and their jobs requeued, in seconds.
    #[arg(long, default_value_t = 15, value_name = "SECONDS")]
    reap_every: u64,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Create a user; the password comes from SHRUTI_PASSWORD or the first line of standard input.
    AddUser {
        name: String,
        /// viewer, reviewer or admin.
        #[arg(long, default_value = "reviewer")]
        role: String,
    },
}

impl Cmd {
    pub fn run(self) -> Result<ExitCode> {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async move {
            let server = Server::open(&self.db).await.map_err(|e| anyhow!("{}: {e}", redact(&self.db)))?;
            match self.action {
                Some(Action::AddUser { name, role }) => {
                    let role: Role = role.parse().map_err(|e: String| anyhow!(e))?;
                    let password = password()?;
                    let user = shruti_server::auth::create_user(&server.state, name, password, role).await?;
                    eprintln!("created {} ({})", user.name, user.role.name());
                }
                None => {
                    let listener = tokio::net::TcpListener::bind(self.bind)
                        .await
                        .with_context(|| format!("--bind {}", self.bind))?;
                    tracing::info!(bind = %self.bind, db = %redact(&self.db), "serving");
                    server.serve(listener, Duration::from_secs(self.reap_every.max(1))).await?;
                }
            }
            Ok(ExitCode::SUCCESS)
        })
    }
}

/// A password from SHRUTI_PASSWORD, else the first line of standard input.
pub(crate) fn password() -> Result<String> {
    if let Ok(p) = std::env::var("SHRUTI_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        bail!("no password: set SHRUTI_PASSWORD or give it on standard input");
    }
    Ok(line)
}

/// The database URL without its password, for logs and messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let (head, rest) = url.split_at(scheme + 3);
            let user = rest[..at - scheme - 3].split(':').next().unwrap_or_default();
            format!("{head}{user}@{}", &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(super::redact("postgres://team:s3cret@db:5432/shruti"), "postgres://team@db:5432/shruti");
        assert_eq!(super::redact("postgres://team@db/shruti"), "postgres://team@db/shruti");
        assert_eq!(super::redact("sqlite:team.db"), "sqlite:team.db");
    }
}
