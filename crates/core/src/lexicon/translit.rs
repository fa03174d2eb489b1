//! Devanagari to IAST and back with vidyut-lipi, and the comparison rule between two IAST
//! spellings.

use vidyut_lipi::{Lipika, Scheme};

/// A reusable Devanagari ⇄ IAST transliterator (vidyut-lipi caches its mappings inside).
pub struct Transliterator {
    lipika: Lipika,
}

impl Default for Transliterator {
    fn default() -> Self {
        Self::new()
    }
}

impl Transliterator {
    /// A new transliterator.
    pub fn new() -> Self {
        Transliterator { lipika: Lipika::new() }
    }

    /// Devanagari to IAST. Only call this on text known to be Devanagari: vidyut-lipi's scheme
    /// detection misreads English, so Shruti never guesses the input scheme.
    pub fn to_iast(&mut self, deva: &str) -> String {
        // ṁ is never produced from Devanagari, but normalise anyway so the output is plain IAST.
        self.lipika.transliterate(deva, Scheme::Devanagari, Scheme::Iast).replace('ṁ', "ṃ")
    }

    /// IAST to Devanagari. Capitals (a name's first letter) mean nothing in Devanagari and are
    /// read as the small letter.
    pub fn to_deva(&mut self, iast: &str) -> String {
        self.lipika.transliterate(iast.to_lowercase(), Scheme::Iast, Scheme::Devanagari)
    }
}

/// Whether two IAST spellings agree ignoring case and separators, where ṃ on either side may stand
/// for a class nasal (ṅ ñ ṇ n m) on the other.
pub(crate) fn same_iast(a: &str, b: &str) -> bool {
    let letters = |s: &str| -> Vec<char> {
        s.chars().filter(|c| !matches!(c, ' ' | '-' | '\'' | '’' | 'ऽ')).flat_map(char::to_lowercase).collect()
    };
    let (a, b) = (letters(a), letters(b));
    a.len() == b.len()
        && a.iter().zip(&b).all(|(&x, &y)| {
            x == y
                || (x == 'ṃ' && matches!(y, 'ṅ' | 'ñ' | 'ṇ' | 'n' | 'm'))
                || (y == 'ṃ' && matches!(x, 'ṅ' | 'ñ' | 'ṇ' | 'n' | 'm'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterates_known_words() {
        let mut t = Transliterator::new();
        assert_eq!(t.to_iast("कृष्ण"), "kṛṣṇa");
        assert_eq!(t.to_iast("संसार"), "saṃsāra");
        assert_eq!(t.to_iast("ॐ नमः शिवाय"), "oṃ namaḥ śivāya");
        assert_eq!(t.to_deva("Kṛṣṇa"), "कृष्ण");
        assert_eq!(t.to_deva("saṃsāra"), "संसार");
        let deva = t.to_deva("Bhagavad Gītā");
        assert_eq!(t.to_iast(&deva), "bhagavad gītā");
    }

    #[test]
    fn compares_with_anusvara_and_case_rules() {
        assert!(same_iast("saṃsāra", "Saṃsāra"));
        assert!(same_iast("ahaṃkāra", "ahaṅkāra"));
        assert!(same_iast("bhagavadgītā", "Bhagavad Gītā"));
        assert!(!same_iast("kṛṣṇa", "krishna"));
        assert!(!same_iast("rāma", "rama"));
    }
}
