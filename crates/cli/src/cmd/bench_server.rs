//! `shruti bench server`: the team server under load on loopback, in this process. Simulated
//! clients claim and complete jobs, push and pull lexicon changes; each phase is reported
//! beside the same clients calling /health (the HTTP floor, measured in the same run).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use shruti_server::Server;
use shruti_sync::Role;

#[derive(Args)]
pub struct ServerArgs {
    /// The database: sqlite:PATH (a fresh file) or postgres://… (an empty database).
    #[arg(long, default_value = "sqlite:/tmp/shruti-bench-server.db")]
    db: String,
    /// Simulated clients, all at once.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// Seconds per phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Claims+completes a second that the paced phase offers, spread evenly over the clients.
    #[arg(long, default_value_t = 2000.0)]
    rate: f64,
}

/// One phase's figures.
struct Figures {
    /// Operations (a claim and its completion; a push and a pull; a health call) per second.
    per_second: f64,
    /// Latency of each request, ms.
    p50: f64,
    p99: f64,
    requests: usize,
}

impl ServerArgs {
    pub fn run(self) -> Result<()> {
        if let Some(path) = self.db.strip_prefix("sqlite:") {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(self.bench())
    }

    async fn bench(self) -> Result<()> {
        let server = Server::open(&self.db).await?;
        let state = server.state.clone();
        for (name, role) in [("lead", Role::Admin), ("load", Role::Reviewer)] {
            shruti_server::auth::create_user(&state, name.into(), "bench password".into(), role).await?;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        tokio::spawn(Server { state }.serve(listener, Duration::from_secs(15)));
        let http = reqwest::Client::builder().pool_max_idle_per_host(self.clients).build()?;
        let login = |user: &'static str| {
            let (http, base) = (http.clone(), base.clone());
            async move {
                let body = json!({"user": user, "password": "bench password", "device": "bench"});
                let session: Value = http.post(format!("{base}/v1/login")).json(&body).send().await?.json().await?;
                session["token"].as_str().map(str::to_owned).context("no token")
            }
        };
        let lead = login("lead").await?;
        // A handful of device tokens shared by the clients, as a team's machines would be.
        let mut tokens = Vec::new();
        for _ in 0..8 {
            tokens.push(login("load").await?);
        }
        // Enough jobs that the queue never runs dry (6,000 a second over two phases).
        let jobs = 12_000 * self.seconds as usize;
        let files: Vec<Value> =
            (0..jobs).map(|i| json!({"path": format!("talks/{i}.mp3"), "hash": format!("{i:064x}")})).collect();
        let created = http
            .post(format!("{base}/v1/batches"))
            .bearer_auth(&lead)
            .json(&json!({"name": "load", "files": files}))
            .send()
            .await?;
        if !created.status().is_success() {
            bail!("creating the batch: {}", created.text().await?);
        }
        let duration = Duration::from_secs(self.seconds);
        println!(
            "team server on {}, {} clients, {} s a phase",
            super::serve::redact(&self.db),
            self.clients,
            self.seconds
        );
        let load = Load { http: &http, base: &base, tokens: &tokens, clients: self.clients, duration };
        let health = load.phase(Op::Health, None).await;
        let claims = load.phase(Op::ClaimComplete, None).await;
        let paced = load.phase(Op::ClaimComplete, Some(self.rate)).await;
        let sync = load.phase(Op::PushPull, None).await;
        println!("| phase | operations/s | requests | request p50 | request p99 | p99 ratio to /health |");
        println!("|---|---|---|---|---|---|");
        let paced_name = format!("claim + complete, {:.0}/s offered", self.rate);
        for (name, f) in [
            ("GET /health (reference)", &health),
            ("claim + complete, as fast as answered", &claims),
            (paced_name.as_str(), &paced),
            ("push 1 entry + pull", &sync),
        ] {
            println!(
                "| {name} | {:.0} | {} | {:.1} ms | {:.1} ms | ×{:.1} |",
                f.per_second,
                f.requests,
                f.p50,
                f.p99,
                f.p99 / health.p99.max(0.001)
            );
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Health,
    ClaimComplete,
    PushPull,
}

/// The simulated clients and the server they call.
struct Load<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    tokens: &'a [String],
    clients: usize,
    duration: Duration,
}

impl Load<'_> {
    /// Runs `clients` loops of `op` for `duration`: each as fast as it is answered, or paced so
    /// that together they offer `rate` operations a second. A paced operation's first request
    /// is timed from when it was due, so a server that falls behind shows it in its latency
    /// rather than in fewer requests.
    async fn phase(&self, op: Op, rate: Option<f64>) -> Figures {
        let stop = Arc::new(AtomicBool::new(false));
        let started = tokio::time::Instant::now();
        let mut tasks = Vec::new();
        for c in 0..self.clients {
            let (http, base, stop) = (self.http.clone(), self.base.to_owned(), stop.clone());
            let token = self.tokens[c % self.tokens.len()].clone();
            // Client c's operations fall due every `every`, offset so the clients interleave.
            let every = rate.map(|rate| Duration::from_secs_f64(self.clients as f64 / rate));
            let mut due = started + every.map_or(Duration::ZERO, |every| every.mul_f64(c as f64 / self.clients as f64));
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut ops = 0usize;
                let mut since = 0i64;
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let due_at = match every {
                        Some(every) => {
                            tokio::time::sleep_until(due).await;
                            due += every;
                            (due - every).into_std()
                        }
                        None => Instant::now(),
                    };
                    let ok = match op {
                        Op::Health => timed(&mut latencies, http.get(format!("{base}/health")), due_at).await.is_some(),
                        Op::ClaimComplete => {
                            let claim = http.post(format!("{base}/v1/jobs/claim")).bearer_auth(&token).json(&json!({"device": "bench"}));
                            match timed(&mut latencies, claim, due_at).await {
                                Some(lease) => {
                                    let body = json!({"lease": lease["lease"], "hash": lease["hash"], "result": {"flags": {"fuzzy": 1}, "pending": 1, "decisions": []}});
                                    let done = http.post(format!("{base}/v1/jobs/{}/complete", lease["job"])).bearer_auth(&token).json(&body);
                                    timed(&mut latencies, done, Instant::now()).await.is_some()
                                }
                                None => false,
                            }
                        }
                        Op::PushPull => {
                            n += 1;
                            let id = format!("01J9ZQ7M3X{c:06}{n:010}");
                            let entry = json!({"id": id, "iast": format!("Bench{}", words(c * 1_000_000 + n)), "deva": "नाम", "category": "term"});
                            let push = http
                                .post(format!("{base}/v1/lexicon/push"))
                                .bearer_auth(&token)
                                .json(&json!({"batch": id, "changes": [{"entry": entry, "base_version": null}]}));
                            let pushed = timed(&mut latencies, push, due_at).await;
                            let pull = http.get(format!("{base}/v1/lexicon/changes?since={since}&limit=100")).bearer_auth(&token);
                            match (pushed, timed(&mut latencies, pull, Instant::now()).await) {
                                (Some(_), Some(page)) => {
                                    since = page["version"].as_i64().unwrap_or(since);
                                    true
                                }
                                _ => false,
                            }
                        }
                    };
                    ops += usize::from(ok);
                }
                (ops, latencies)
            }));
        }
        tokio::time::sleep(self.duration).await;
        stop.store(true, Ordering::Relaxed);
        let elapsed = started.elapsed().as_secs_f64();
        let mut ops = 0;
        let mut all = Vec::new();
        for t in tasks {
            if let Ok((n, l)) = t.await {
                ops += n;
                all.extend(l);
            }
        }
        all.sort_by(f64::total_cmp);
        let at = |q: f64| {
            all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or(0.0)
        };
        Figures { per_second: ops as f64 / elapsed, p50: at(0.5), p99: at(0.99), requests: all.len() }
    }
}

/// Sends a request; its JSON answer (None on failure or no content). Its latency, from
/// `start`, is recorded.
async fn timed(latencies: &mut Vec<f64>, request: reqwest::RequestBuilder, start: Instant) -> Option<Value> {
    let response = request.send().await.ok()?;
    let ok = response.status().is_success() && response.status() != reqwest::StatusCode::NO_CONTENT;
    let body = response.bytes().await.ok()?;
    latencies.push(start.elapsed().as_secs_f64() * 1000.0);
    if !ok {
        return None;
    }
    serde_json::from_slice(&body).ok().or(Some(Value::Null))
}

/// A distinct pronounceable IAST word for `n` (keys must differ).
fn words(mut n: usize) -> String {
    const SYLLABLES: [&str; 16] =
        ["ka", "ga", "ca", "ja", "ta", "da", "na", "pa", "ba", "ma", "ya", "ra", "la", "va", "sa", "ha"];
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[n % 16]);
        n /= 16;
        if n == 0 {
            return out;
        }
    }
}
