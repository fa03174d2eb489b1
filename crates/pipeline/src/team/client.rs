//! The team server's HTTP client: JSON in and out, a few quick retries with jitter for a
//! server that hiccups, and a circuit breaker that stops hammering one that is down.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shruti_sync::ApiError;

/// Why a call to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The server could not be reached or is failing: try again later (pushes wait in the outbox).
    #[error("{server}: unreachable ({detail}); work is kept and sent when it answers")]
    Offline { server: String, detail: String },
    /// The server refused the request; `code` is its stable error code.
    #[error("{server}: {message} ({status}, {code})")]
    Refused { server: String, status: u16, code: String, message: String },
}

impl TeamError {
    pub fn code(&self) -> Option<&str> {
        match self {
            TeamError::Refused { code, .. } => Some(code),
            TeamError::Offline { .. } => None,
        }
    }
}

/// Consecutive failures before the breaker opens.
const TRIP_AFTER: u32 = 3;
const FIRST_COOL_DOWN: Duration = Duration::from_secs(5);
const MAX_COOL_DOWN: Duration = Duration::from_secs(300);
/// Quick retries of one call.
const RETRIES: u32 = 2;

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

/// A client of one team server.
pub struct TeamClient {
    base: String,
    token: Option<String>,
    http: Client,
    breaker: Mutex<Breaker>,
    retries: u32,
}

impl TeamClient {
    pub fn new(server: &str, token: Option<String>) -> Result<TeamClient, TeamError> {
        let base = server.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(TeamError::Refused {
                server: base,
                status: 0,
                code: "bad-url".into(),
                message: "the server's address starts with http:// or https://".into(),
            });
        }
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| TeamError::Offline { server: base.clone(), detail: e.to_string() })?;
        Ok(TeamClient { base, token, http, breaker: Mutex::default(), retries: RETRIES })
    }

    /// This client with `retries` quick retries per call instead of the default.
    pub fn with_retries(self, retries: u32) -> TeamClient {
        TeamClient { retries, ..self }
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    /// Sends a request; `Ok(None)` for 204 No Content.
    pub fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Option<T>, TeamError> {
        self.check_breaker()?;
        let mut attempt = 0;
        loop {
            match self.once(method.clone(), path, body) {
                Err(TeamError::Offline { detail, .. }) if attempt < self.retries => {
                    attempt += 1;
                    tracing::debug!(path, attempt, "retrying: {detail}");
                    std::thread::sleep(jittered(Duration::from_millis(300) * 2u32.pow(attempt)));
                }
                result => {
                    self.record(&result);
                    return result;
                }
            }
        }
    }

    fn once<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Option<T>, TeamError> {
        let offline = |detail: String| TeamError::Offline { server: self.base.clone(), detail };
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().map_err(|e| offline(chain(&e)))?;
        let status = response.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(offline(format!("it answered {status}")));
        }
        let text = response.text().map_err(|e| offline(chain(&e)))?;
        if !status.is_success() {
            let err: ApiError = serde_json::from_str(&text)
                .unwrap_or(ApiError { code: "http".into(), message: text.chars().take(200).collect() });
            return Err(TeamError::Refused {
                server: self.base.clone(),
                status: status.as_u16(),
                code: err.code,
                message: err.message,
            });
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| offline(format!("an answer that is not what was expected: {e}")))
    }

    fn check_breaker(&self) -> Result<(), TeamError> {
        let breaker = self.breaker.lock().expect("breaker");
        match breaker.open_until {
            Some(until) if until > Instant::now() => Err(TeamError::Offline {
                server: self.base.clone(),
                detail: format!(
                    "{} failures in a row; next try in {} s",
                    breaker.failures,
                    (until - Instant::now()).as_secs() + 1
                ),
            }),
            _ => Ok(()),
        }
    }

    fn record<T>(&self, result: &Result<T, TeamError>) {
        let mut breaker = self.breaker.lock().expect("breaker");
        if matches!(result, Err(TeamError::Offline { .. })) {
            breaker.failures += 1;
            if breaker.failures >= TRIP_AFTER {
                let doublings = (breaker.failures - TRIP_AFTER).min(6);
                let cool_down = (FIRST_COOL_DOWN * 2u32.pow(doublings)).min(MAX_COOL_DOWN);
                breaker.open_until = Some(Instant::now() + jittered(cool_down));
            }
        } else {
            *breaker = Breaker::default();
        }
    }
}

/// `d` plus up to half again, so that many clients do not retry in step.
fn jittered(d: Duration) -> Duration {
    d + d.mul_f64(fastrand::f64() / 2.0)
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out = format!("{out}: {s}");
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breaker_opens_after_repeated_failures_and_fails_fast() {
        // Nothing listens on port 9 of loopback: every call fails at once.
        let client = TeamClient::new("http://127.0.0.1:9", None).unwrap();
        for _ in 0..TRIP_AFTER {
            let err = client.call::<serde_json::Value>(Method::GET, "/health", None::<&()>).unwrap_err();
            assert!(matches!(err, TeamError::Offline { .. }), "{err}");
        }
        let started = Instant::now();
        let err = client.call::<serde_json::Value>(Method::GET, "/health", None::<&()>).unwrap_err();
        assert!(err.to_string().contains("next try in"), "{err}");
        assert!(started.elapsed() < Duration::from_millis(50), "an open breaker answers at once");
    }
}
