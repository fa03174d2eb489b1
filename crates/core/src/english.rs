//! Ordinary English words, so they are never "corrected" into Sanskrit (sat, man, drama, guitar).

use rustc_hash::FxHashSet;

/// A set of English words, read from a word list with one word per line.
#[derive(Debug, Clone, Default)]
pub struct EnglishWords {
    /// Words the list writes in lowercase: common nouns, verbs and naturalised loanwords
    /// (karma, yoga, guru), which Shruti never changes on their own.
    common: FxHashSet<Box<str>>,
    /// Every word, lowercased, proper names included (Smith, Boston): not Sanskrit-looking
    /// unknowns even when capitalised.
    all: FxHashSet<Box<str>>,
}

/// The bundled list: Debian's wamerican (SCOWL size 50), see `lexicons/english/LICENSE.txt`.
pub const BUNDLED_ENGLISH: &str = include_str!("../../../lexicons/english/american-english.txt");

impl EnglishWords {
    /// Reads a word list; lines starting with `#` and possessive forms are ignored.
    pub fn from_list(text: &str) -> Self {
        let mut words = EnglishWords::default();
        for word in text
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#') && !w.contains('\''))
        {
            let lower = word.to_lowercase();
            if lower == word {
                words.common.insert(word.into());
            }
            words.all.insert(lower.into_boxed_str());
        }
        words
    }

    /// The bundled word list.
    pub fn bundled() -> Self {
        Self::from_list(BUNDLED_ENGLISH)
    }

    /// Whether `lower` (already lowercased) is a common English word.
    pub fn is_common(&self, lower: &str) -> bool {
        self.common.contains(lower)
    }

    /// Whether `lower` (already lowercased) is any English word, proper names included.
    pub fn is_known(&self, lower: &str) -> bool {
        self.all.contains(lower)
    }

    /// Whether `lower` is a common English word or the regular plural of one.
    pub fn is_common_or_plural(&self, lower: &str) -> bool {
        self.is_common(lower)
            || lower
                .strip_suffix('s')
                .is_some_and(|base| self.is_common(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_common_words_from_names() {
        let words = EnglishWords::from_list("sat\nKrishna\nman\nman's\n# comment\n");
        assert!(words.is_common("sat") && words.is_common("man"));
        assert!(!words.is_common("krishna") && words.is_known("krishna"));
        assert!(words.is_common_or_plural("mans"));
    }

    #[test]
    fn bundled_list_protects_false_friends() {
        let words = EnglishWords::bundled();
        for w in [
            "sat", "man", "drama", "home", "diva", "guitar", "karma", "yoga", "panorama",
        ] {
            assert!(words.is_common(w), "{w}");
        }
        assert!(!words.is_common("arjuna") && !words.is_common("rama"));
    }
}
