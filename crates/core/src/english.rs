//! Ordinary English words, so they are never "corrected" into Sanskrit (sat, man, drama, guitar).

use rustc_hash::FxHashMap;

/// A set of English words, read from a word list with one word per line.
#[derive(Debug, Clone, Default)]
pub struct EnglishWords {
    /// Every word, lowercased, with what kind of word the list makes it.
    words: FxHashMap<Box<str>, Kind>,
}

/// What the list says of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Written in lowercase: a common noun, verb or naturalised loanword (karma, yoga, guru),
    /// which Shruti never changes on its own.
    Common,
    /// Only capitalised: a proper name (Smith, Boston); not a Sanskrit-looking unknown, but
    /// not protected from correction either (Krishna is in the list).
    Name,
}

/// The bundled list: Debian's wamerican (SCOWL size 50), see `lexicons/english/LICENSE.txt`.
pub const BUNDLED_ENGLISH: &str = include_str!("../../../lexicons/english/american-english.txt");

impl EnglishWords {
    /// Reads a word list; lines starting with `#` and possessive forms are ignored.
    pub fn from_list(text: &str) -> Self {
        let mut words: FxHashMap<Box<str>, Kind> = FxHashMap::default();
        for word in text.lines().map(str::trim).filter(|w| !w.is_empty() && !w.starts_with('#') && !w.contains('\'')) {
            let lower = word.to_lowercase();
            let kind = if lower == word { Kind::Common } else { Kind::Name };
            let slot = words.entry(lower.into_boxed_str()).or_insert(kind);
            if kind == Kind::Common {
                *slot = Kind::Common;
            }
        }
        EnglishWords { words }
    }

    /// The bundled word list.
    pub fn bundled() -> Self {
        Self::from_list(BUNDLED_ENGLISH)
    }

    /// Whether `lower` (already lowercased) is a common English word.
    pub fn is_common(&self, lower: &str) -> bool {
        self.words.get(lower) == Some(&Kind::Common)
    }

    /// `(common or plural of common, known)` for `lower` in one or two lookups.
    pub fn classify(&self, lower: &str) -> (bool, bool) {
        match self.words.get(lower) {
            Some(Kind::Common) => (true, true),
            found => {
                let plural = lower.strip_suffix('s').is_some_and(|base| self.is_common(base));
                (plural, plural || found.is_some())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_common_words_from_names() {
        let words = EnglishWords::from_list("sat\nKrishna\nman\nman's\n# comment\n");
        assert!(words.is_common("sat") && words.is_common("man"));
        assert_eq!(words.classify("krishna"), (false, true), "a name: known, not protected");
        assert_eq!(words.classify("mans"), (true, true), "plural of a common word");
        assert_eq!(words.classify("arjuna"), (false, false));
    }

    #[test]
    fn bundled_list_protects_false_friends() {
        let words = EnglishWords::bundled();
        for w in ["sat", "man", "drama", "home", "diva", "guitar", "karma", "yoga", "panorama"] {
            assert!(words.is_common(w), "{w}");
        }
        assert!(!words.is_common("arjuna") && !words.is_common("rama"));
    }
}
