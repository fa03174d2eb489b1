//! A lexicon entry and its classification.

use serde::{Deserialize, Serialize};

/// The lexicon's categories, one data file each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Deities and divine names.
    Deity,
    /// Persons of the epics and purāṇas.
    Person,
    /// Sages, teachers and schools.
    Sage,
    /// Scriptures and texts, with their parts.
    Scripture,
    /// Philosophical and yogic terms.
    Term,
    /// Practices and rituals.
    Practice,
    /// Places.
    Place,
    /// Mantras and common phrases.
    Mantra,
}

impl Category {
    /// Every category, in data-file order.
    pub const ALL: [Category; 8] = [
        Category::Deity,
        Category::Person,
        Category::Sage,
        Category::Scripture,
        Category::Term,
        Category::Practice,
        Category::Place,
        Category::Mantra,
    ];

    /// The lowercase name used in data files and output.
    pub fn name(self) -> &'static str {
        match self {
            Category::Deity => "deity",
            Category::Person => "person",
            Category::Sage => "sage",
            Category::Scripture => "scripture",
            Category::Term => "term",
            Category::Practice => "practice",
            Category::Place => "place",
            Category::Mantra => "mantra",
        }
    }
}

/// Whether a match may be applied without asking the expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Applied automatically when the match scores high enough.
    #[default]
    Auto,
    /// Only ever offered as a suggestion.
    Suggest,
}

/// Where an entry was defined, for messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The data file's name.
    pub file: String,
    /// The 1-based line of the entry's `[[entry]]` header.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One Sanskrit word or phrase: its Devanagari (the source of truth), its canonical IAST and the
/// spellings it is known to appear under.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Devanagari.
    pub deva: String,
    /// Canonical IAST, capitalised for names.
    pub iast: String,
    /// The category (data file) it belongs to.
    pub category: Category,
    /// Spellings seen in the wild, as listed in the data file.
    pub variants: Vec<String>,
    /// Whether it may be applied automatically.
    pub policy: Policy,
    /// A note for the expert, if any.
    pub note: Option<String>,
    /// Where it was defined.
    pub origin: Origin,
}

/// An entry's position in its [`Lexicon`](super::Lexicon).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EntryId(pub u32);
