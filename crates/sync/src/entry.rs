//! An entry of the team library: the team's own form of one term, created on any client under a
//! client-made ULID, keyed by its IAST with diacritics and case folded.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use shruti_core::lexicon::iast::{fold_char, validate_iast};
use shruti_core::lexicon::Category;

/// The longest IAST, Devanagari or variant accepted, in characters.
pub const MAX_TEXT: usize = 120;
/// The most variants one entry may carry.
pub const MAX_VARIANTS: usize = 64;

/// One term of the team library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamEntry {
    /// A ULID made by the client that created it.
    pub id: String,
    /// Canonical IAST.
    pub iast: String,
    pub deva: String,
    pub category: Category,
    /// Spellings it is heard or written as.
    #[serde(default)]
    pub variants: BTreeSet<String>,
    /// Deleted (a tombstone, so that the delete syncs like any other change).
    #[serde(default)]
    pub deleted: bool,
}

impl TeamEntry {
    pub fn new(id: &str, iast: &str, deva: &str, category: Category) -> TeamEntry {
        TeamEntry {
            id: id.to_owned(),
            iast: iast.to_owned(),
            deva: deva.to_owned(),
            category,
            variants: BTreeSet::new(),
            deleted: false,
        }
    }

    /// Its unique key in the library: see [`key`].
    pub fn key(&self) -> String {
        key(&self.iast)
    }

    /// Why it cannot be stored, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if !is_ulid(&self.id) {
            return Some(format!("id {:?} is not a ULID (26 letters and digits of Crockford's base 32)", self.id));
        }
        if self.iast.trim().is_empty() || self.iast.trim() != self.iast {
            return Some("iast is empty or has spaces at its ends".into());
        }
        if let Err(e) = validate_iast(&self.iast) {
            return Some(format!("iast {:?}: {e}", self.iast));
        }
        if self.deva.trim().is_empty() {
            return Some("deva is empty".into());
        }
        if self.variants.len() > MAX_VARIANTS {
            return Some(format!("{} variants; at most {MAX_VARIANTS}", self.variants.len()));
        }
        let texts = [&self.iast, &self.deva].into_iter().chain(&self.variants);
        if let Some(long) = texts.clone().find(|t| t.chars().count() > MAX_TEXT) {
            return Some(format!(
                "{:?}… is longer than {MAX_TEXT} characters",
                long.chars().take(20).collect::<String>()
            ));
        }
        if let Some(bad) = texts.clone().find(|t| t.chars().any(char::is_control)) {
            return Some(format!("{bad:?} holds a control character"));
        }
        if let Some(blank) = self.variants.iter().find(|v| v.trim().is_empty() || v.trim() != v.as_str()) {
            return Some(format!("variant {blank:?} is empty or has spaces at its ends"));
        }
        None
    }
}

/// The library key of an IAST form: diacritics folded, lowercased, so that `Kṛṣṇa`, `krsna` and
/// `KRSNA` are one term.
pub fn key(iast: &str) -> String {
    iast.chars().map(fold_char).flat_map(char::to_lowercase).collect()
}

/// Crockford base 32, 26 characters, the first at most 7 (128 bits).
fn is_ulid(s: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    s.len() == 26 && s.chars().all(|c| ALPHABET.contains(c)) && s.as_bytes()[0] <= b'7'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> TeamEntry {
        TeamEntry::new("01J9ZQ7M3X5V2K8T4N6R0B1C2D", "Kṛṣṇa", "कृष्ण", Category::Deity)
    }

    #[test]
    fn keys_fold_diacritics_and_case() {
        assert_eq!(key("Kṛṣṇa"), "krsna");
        assert_eq!(key("KRSNA"), key("kṛṣṇa"));
        assert_ne!(key("Rāma"), key("Rāmā "));
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(entry().problem(), None);
        type Spoil = fn(&mut TeamEntry);
        let cases: [(Spoil, &str); 6] = [
            (|e| e.id = "not-a-ulid".into(), "not a ULID"),
            (|e| e.id = "81J9ZQ7M3X5V2K8T4N6R0B1C2D".into(), "not a ULID"),
            (|e| e.iast = " Kṛṣṇa".into(), "spaces"),
            (|e| e.deva = String::new(), "deva is empty"),
            (|e| e.iast = "a".repeat(MAX_TEXT + 1), "longer than"),
            (|e| _ = e.variants.insert("Krish\u{7}na".into()), "control character"),
        ];
        for (spoil, expected) in cases {
            let mut e = entry();
            spoil(&mut e);
            let problem = e.problem().unwrap_or_default();
            assert!(problem.contains(expected), "{problem:?} should say {expected:?}");
        }
    }
}
