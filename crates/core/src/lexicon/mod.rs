//! The Sanskrit lexicon: entries loaded from TOML data files, checked, and looked up.

mod additions;
mod bundled;
mod entry;
pub mod iast;
mod load;
mod translit;

pub use additions::Addition;
pub use bundled::BUNDLED;
pub use entry::{Category, Entry, EntryId, Origin, Policy};
pub use translit::Transliterator;

use crate::error::Error;

/// A checked set of entries. Cheap to share behind an `Arc`; immutable once loaded.
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// The sum of the files' `version`s.
    revision: u32,
    /// See [`Lexicon::version`]; computed when the entries change.
    version: String,
}

impl Lexicon {
    /// Loads lexicon files given as `(file name, TOML text)`. Every broken rule is reported, each
    /// naming its file and line: duplicate entries, a variant claimed by two entries, characters
    /// that are not IAST or not Devanagari, malformed TOML.
    pub fn load(sources: &[(&str, &str)]) -> Result<Lexicon, Vec<Error>> {
        load::load(sources).map(|(entries, revision)| Lexicon::new(entries, revision))
    }

    /// The lexicon shipped in `lexicons/`.
    pub fn bundled() -> Lexicon {
        // The bundled files are checked by the test suite, so a failure here is a build defect.
        Lexicon::load(BUNDLED).unwrap_or_else(|errors| panic!("bundled lexicon is invalid: {}", errors[0]))
    }

    /// The lexicon's version, `r<revision>-<fingerprint>`: the files' declared revisions, and a
    /// hash of every entry so that an edit nobody declared still changes it. Stable across
    /// builds and platforms (FNV-1a), so a project can record which version produced its flags.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub(crate) fn new(entries: Vec<Entry>, revision: u32) -> Lexicon {
        let version = format!("r{revision}-{:016x}", fingerprint(&entries));
        Lexicon { entries, revision, version }
    }

    /// All entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn get(&self, id: EntryId) -> &Entry {
        &self.entries[id.0 as usize]
    }

    /// Entries and their ids.
    pub fn iter(&self) -> impl Iterator<Item = (EntryId, &Entry)> {
        self.entries.iter().enumerate().map(|(i, e)| (EntryId(i as u32), e))
    }

    /// Checks every entry's IAST against the transliteration of its Devanagari. The two agree
    /// when they are equal ignoring case and word separators, where an anusvara (ṃ) on one side
    /// may stand for the nasal of the following consonant's class on the other.
    pub fn check_transliteration(&self) -> Vec<Error> {
        let mut translit = Transliterator::new();
        self.entries
            .iter()
            .filter_map(|e| {
                let from_deva = translit.to_iast(&e.deva);
                (!translit::same_iast(&from_deva, &e.iast)).then(|| Error::Lexicon {
                    source_name: e.origin.file.clone(),
                    line: e.origin.line,
                    message: format!(
                        "iast {:?} does not match its Devanagari {} (which reads {from_deva:?})",
                        e.iast, e.deva
                    ),
                })
            })
            .collect()
    }

    /// The first entry with exactly this IAST.
    pub fn by_iast(&self, iast: &str) -> Option<EntryId> {
        self.entries.iter().position(|e| e.iast == iast).map(|i| EntryId(i as u32))
    }

    /// Entries whose IAST, Devanagari, variants or derived spellings equal `word` (ignoring case).
    pub fn lookup(&self, word: &str) -> Vec<&Entry> {
        let key = load::variant_key(word.trim());
        let fold = load::variant_key(&iast::ascii_fold(word.trim()));
        self.entries
            .iter()
            .filter(|e| {
                load::variant_key(&e.iast) == key
                    || e.deva == word.trim()
                    || e.variants.iter().any(|v| load::variant_key(v) == key)
                    || load::variant_key(&iast::ascii_fold(&e.iast)) == fold
                    || load::variant_key(&iast::anglicise(&e.iast)) == key
            })
            .collect()
    }
}

fn fingerprint(entries: &[Entry]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut feed = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(PRIME);
        }
    };
    for e in entries {
        feed(&e.iast);
        feed(&e.deva);
        feed(e.category.name());
        feed(if e.policy == Policy::Auto { "auto" } else { "suggest" });
        for v in &e.variants {
            feed(v);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_loads_and_is_broad() {
        let lexicon = Lexicon::bundled();
        assert!(lexicon.entries().len() >= 1000, "{} entries", lexicon.entries().len());
        for category in Category::ALL {
            let n = lexicon.entries().iter().filter(|e| e.category == category).count();
            assert!(n >= 50, "{} has only {n} entries", category.name());
        }
    }

    #[test]
    fn every_entry_iast_matches_its_devanagari() {
        let problems = Lexicon::bundled().check_transliteration();
        let shown: Vec<String> = problems.iter().take(20).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{} mismatches:\n{}", problems.len(), shown.join("\n"));
    }

    #[test]
    fn version_is_declared_and_stable() {
        let a = Lexicon::bundled().version().to_owned();
        assert_eq!(a, Lexicon::bundled().version());
        assert!(a.starts_with('r') && !a.starts_with("r0-"), "the bundled files declare versions: {a}");
    }

    #[test]
    fn lookup_finds_by_any_spelling() {
        let lexicon = Lexicon::bundled();
        for word in ["Krishna", "kṛṣṇa", "कृष्ण", "Krsna"] {
            assert!(lexicon.lookup(word).iter().any(|e| e.iast == "Kṛṣṇa"), "{word}");
        }
    }
}
