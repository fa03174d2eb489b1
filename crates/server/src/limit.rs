//! Login attempts per key (a user name, an address) in a sliding minute, so that passwords
//! cannot be guessed at speed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts allowed per key per window.
pub const ATTEMPTS: usize = 10;
const WINDOW: Duration = Duration::from_secs(60);
/// Keys tracked before old ones are swept out.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct RateLimit {
    seen: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimit {
    /// Counts an attempt under every key; false when any of them is over the limit.
    pub fn allow(&self, keys: &[String]) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("rate limit");
        if seen.len() > SWEEP_AT {
            seen.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let mut allowed = true;
        for key in keys {
            let times = seen.entry(key.clone()).or_default();
            times.retain(|t| now.duration_since(*t) < WINDOW);
            allowed &= times.len() < ATTEMPTS;
            times.push(now);
        }
        allowed
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
        }
        assert!(!limit.allow(std::slice::from_ref(&a)));
        assert!(limit.allow(std::slice::from_ref(&b)));
        assert!(!limit.allow(&[b, a]), "over the limit under any key");
    }
}
