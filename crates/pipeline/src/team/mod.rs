//! Team sync, the client's side: the server's HTTP client, device logins, the project's copy of
//! the team library (pulled, merged, pushed through an outbox), and conflicts for the expert.

pub use client::{TeamClient, TeamError};
pub use session::{client_for, connect, device_name, login, resolve, status, ConflictView, Resolution, Status};
pub use sync::{export_additions, pull, push, sync, Report};

mod client;
pub mod credentials;
pub mod lexicon;
pub mod queue;
mod session;
mod sync;

/// Team state the project stored as JSON, parsed; `what` names it in the error.
fn parse<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> crate::Result<T> {
    serde_json::from_str(text).map_err(|e| crate::Error::Invalid(format!("stored team {what}: {e}")))
}

/// A new ULID: 48 bits of milliseconds, then 80 random bits, in Crockford's base 32. Sorted by
/// time, unique without asking anyone: entries and push batches are named on the client.
pub fn ulid() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    let mut random = [0u8; 10];
    if getrandom::fill(&mut random).is_err() {
        random.iter_mut().for_each(|b| *b = fastrand::u8(..));
    }
    let value = (ms & ((1 << 48) - 1)) << 80 | random.iter().fold(0u128, |acc, b| acc << 8 | u128::from(*b));
    (0..26).rev().map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ulids_are_valid_unique_and_sorted_by_time() {
        let a = super::ulid();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::ulid();
        assert_eq!(a.len(), 26);
        assert!(a < b, "{a} {b}");
        let entry = shruti_sync::TeamEntry::new(&a, "Arjuna", "अर्जुन", shruti_core::lexicon::Category::Person);
        assert_eq!(entry.problem(), None, "the server accepts it");
    }
}
