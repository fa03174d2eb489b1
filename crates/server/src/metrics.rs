//! Prometheus metrics, kept in the process: requests by route and status, latency histograms by
//! route, sync conflicts, expired leases. The lexicon version and jobs by state are read from
//! the database when scraped, so several servers on one database agree on them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct Histogram {
    /// Observations at or under each bucket's bound (not yet cumulative).
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    pub conflicts: AtomicU64,
    pub expired_leases: AtomicU64,
}

impl Metrics {
    fn observe(&self, route: &str, status: u16, seconds: f64) {
        *self.requests.lock().expect("metrics").entry((route.to_owned(), status)).or_default() += 1;
        let mut latency = self.latency.lock().expect("metrics");
        let h = latency.entry(route.to_owned()).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            h.counts[i] += 1;
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The text exposition format, with the figures read from the database.
    pub fn render(&self, lexicon_version: i64, jobs: &[(shruti_sync::JobState, i64)]) -> String {
        let mut out = String::new();
        header(&mut out, "shruti_http_requests_total", "counter", "Requests answered, by route and status.");
        for ((route, status), n) in self.requests.lock().expect("metrics").iter() {
            let _ = writeln!(out, "shruti_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        header(&mut out, "shruti_http_request_duration_seconds", "histogram", "Time to answer, by route.");
        for (route, h) in self.latency.lock().expect("metrics").iter() {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "shruti_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "shruti_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "shruti_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ = writeln!(out, "shruti_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        header(&mut out, "shruti_sync_conflicts_total", "counter", "Lexicon changes answered with a conflict.");
        let _ = writeln!(out, "shruti_sync_conflicts_total {}", self.conflicts.load(Ordering::Relaxed));
        header(&mut out, "shruti_lexicon_version", "gauge", "The team library's version.");
        let _ = writeln!(out, "shruti_lexicon_version {lexicon_version}");
        header(&mut out, "shruti_jobs", "gauge", "Jobs of the shared queue, by state.");
        for state in shruti_sync::JobState::ALL {
            let n = jobs.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n);
            let _ = writeln!(out, "shruti_jobs{{state=\"{}\"}} {n}", state.name());
        }
        header(&mut out, "shruti_expired_leases_total", "counter", "Leases that expired and were reaped.");
        let _ = writeln!(out, "shruti_expired_leases_total {}", self.expired_leases.load(Ordering::Relaxed));
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Middleware: times every request and counts it under its route's pattern (never the raw path,
/// so a client cannot make the label set grow without bound).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let method = request.method().clone();
    let start = Instant::now();
    let response = next.run(request).await;
    let elapsed = start.elapsed();
    state.metrics.observe(&route, response.status().as_u16(), elapsed.as_secs_f64());
    tracing::debug!(%method, route, status = response.status().as_u16(), ms = elapsed.as_secs_f64() * 1000.0, "request");
    response
}
