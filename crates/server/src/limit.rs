//! Failed logins per key (a user name, an address) in a sliding minute, so that passwords
//! cannot be guessed at speed; logging in successfully costs nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per key per window.
pub const ATTEMPTS: usize = 10;
const WINDOW: Duration = Duration::from_secs(60);
/// Keys tracked before old ones are swept out.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct RateLimit {
    seen: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimit {
    /// Whether another attempt is allowed: no key has failed too often in the window.
    pub fn allow(&self, keys: &[String]) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("rate limit");
        keys.iter().all(|key| {
            seen.get_mut(key).is_none_or(|times| {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                times.len() < ATTEMPTS
            })
        })
    }

    /// Counts a failed attempt under every key.
    pub fn failed(&self, keys: &[String]) {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("rate limit");
        if seen.len() > SWEEP_AT {
            seen.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for key in keys {
            seen.entry(key.clone()).or_default().push(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_is_limited_on_its_own() {
        let limit = RateLimit::default();
        let (a, b) = ("user:a".to_owned(), "user:b".to_owned());
        for _ in 0..ATTEMPTS {
            assert!(limit.allow(std::slice::from_ref(&a)));
            limit.failed(std::slice::from_ref(&a));
        }
        assert!(!limit.allow(std::slice::from_ref(&a)));
        assert!(limit.allow(std::slice::from_ref(&b)), "successes cost nothing, other keys are apart");
        assert!(!limit.allow(&[b, a]), "over the limit under any key");
    }
}
