//! The server over real HTTP on loopback, driven as a client would. Every story runs twice: on
//! SQLite (a temporary file) and on PostgreSQL (a fresh database in the cluster that
//! `SHRUTI_TEST_POSTGRES` names; `scripts/test.sh` starts one). Without that variable the
//! PostgreSQL half fails in CI and is skipped elsewhere, saying so.

use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use shruti_server::Server;
use shruti_sync::Role;

mod auth;
mod docs;
mod hostile;
mod lexicon;
mod queue;

/// A running server and a client for it.
pub struct Harness {
    pub base: String,
    pub http: Client,
    pub server: Server,
    _dir: tempfile::TempDir,
}

/// The admin every story starts with.
pub const ADMIN: (&str, &str) = ("admin", "admin password 1");

impl Harness {
    pub async fn sqlite() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("team.db").display());
        Harness::start(&url, dir).await
    }

    pub async fn postgres() -> Option<Harness> {
        let Ok(admin_url) = std::env::var("SHRUTI_TEST_POSTGRES") else {
            assert!(std::env::var_os("CI").is_none(), "CI must set SHRUTI_TEST_POSTGRES");
            eprintln!("SHRUTI_TEST_POSTGRES is not set: the PostgreSQL half is skipped");
            return None;
        };
        static N: AtomicU64 = AtomicU64::new(0);
        let name = format!("shruti_test_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let (client, conn) = tokio_postgres::connect(&admin_url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
        Some(Harness::start(&url, tempfile::tempdir().unwrap()).await)
    }

    async fn start(url: &str, dir: tempfile::TempDir) -> Harness {
        let server = Server::open(url).await.unwrap();
        shruti_server::auth::create_user(&server.state, ADMIN.0.into(), ADMIN.1.into(), Role::Admin).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let serving = Server { state: server.state.clone() };
        tokio::spawn(serving.serve(listener, std::time::Duration::from_millis(200)));
        Harness { base, http: Client::new(), server, _dir: dir }
    }

    /// Sends `body` (JSON, unless None) with `token`; the status and the JSON answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Logs in; the token.
    pub async fn login(&self, user: &str, password: &str) -> String {
        let (status, body) = self
            .call(Method::POST, "/v1/login", None, Some(json!({"user": user, "password": password, "device": "test"})))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Creates a user with `role` (as the admin) and logs them in; their token.
    pub async fn user(&self, name: &str, role: &str) -> String {
        let admin = self.login(ADMIN.0, ADMIN.1).await;
        let password = format!("{name} password!");
        let (status, body) = self
            .call(
                Method::POST,
                "/v1/users",
                Some(&admin),
                Some(json!({"name": name, "password": password, "role": role})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        self.login(name, &password).await
    }
}

/// Runs a story on both backends: `story!(name)` over `async fn name(h: Harness)`.
#[macro_export]
macro_rules! story {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Harness::sqlite().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(h) = $crate::Harness::postgres().await {
                    super::$name(h).await
                }
            }
        }
    };
}
