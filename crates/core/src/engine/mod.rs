//! The correction engine: finds Sanskrit terms in transcript text, applies what is certain and
//! flags what is not, with scores, reasons and ranked suggestions.

mod analyze;
mod exact;
mod fuzzy;
mod lecture;
pub mod mishearing;
mod probe;
mod scan;
mod shape;
pub(crate) mod skeleton;
mod sound;

use crate::english::EnglishWords;
use crate::lexicon::Lexicon;
use crate::report::Analysis;
use crate::transcript::Transcript;
use crate::verse::VerseIndex;

pub use skeleton::{skeleton, skeleton_into, SkeletonMode};

/// Thresholds that decide between correcting, flagging and leaving alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Matches scoring at least this are applied automatically (when the entry allows).
    pub auto_threshold: f32,
    /// A word the recogniser gave a lower probability than this is doubtful.
    pub low_confidence: f32,
    /// An ordinary English word is only flagged below this probability.
    pub english_low_confidence: f32,
    /// An unknown word with no probability is flagged when its Sanskrit shape scores this high.
    pub unknown_shape: f32,
    /// Look for recited verses.
    pub verses: bool,
    /// A re-scored candidate this far above what was written (nats per token) is applied
    /// automatically (when the entry allows).
    pub heard_auto_margin: f32,
    /// A re-scored candidate no further than this below what was written is suggested.
    pub heard_suggest_margin: f32,
    /// A doubtful or unknown word whose sound is this close to an entry's (weighted edits per
    /// sound) is given that entry as a suggestion.
    pub sound_suggest: f32,
    /// An unknown word this close by sound to one entry, with no rival near it, is corrected.
    pub sound_auto: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            auto_threshold: 0.9,
            low_confidence: 0.5,
            english_low_confidence: 0.2,
            unknown_shape: 0.55,
            verses: true,
            heard_auto_margin: 0.2,
            heard_suggest_margin: 1.5,
            sound_suggest: 0.5,
            sound_auto: 0.25,
        }
    }
}

/// Builds an [`Engine`]; every part defaults to the bundled data.
#[derive(Default)]
pub struct EngineBuilder {
    lexicon: Option<Lexicon>,
    english: Option<EnglishWords>,
    verses: Option<VerseIndex>,
    config: Config,
}

impl EngineBuilder {
    /// Uses this lexicon instead of the bundled one.
    pub fn lexicon(mut self, lexicon: Lexicon) -> Self {
        self.lexicon = Some(lexicon);
        self
    }

    /// Uses this English word list instead of the bundled one.
    pub fn english(mut self, english: EnglishWords) -> Self {
        self.english = Some(english);
        self
    }

    /// Uses this verse index instead of the bundled one.
    pub fn verses(mut self, verses: VerseIndex) -> Self {
        self.verses = Some(verses);
        self
    }

    /// Sets the thresholds.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Builds the matchers.
    pub fn build(self) -> Engine {
        let lexicon = self.lexicon.unwrap_or_else(Lexicon::bundled);
        let verses = self.config.verses.then(|| self.verses.unwrap_or_else(VerseIndex::bundled));
        Engine {
            exact: exact::ExactMatcher::new(&lexicon),
            fuzzy: fuzzy::FuzzyIndex::new(&lexicon),
            english: self.english.unwrap_or_else(EnglishWords::bundled),
            verses,
            sounds: std::sync::OnceLock::new(),
            lexicon,
            config: self.config,
        }
    }
}

/// The engine. Immutable and `Sync`: share one across threads.
pub struct Engine {
    lexicon: Lexicon,
    english: EnglishWords,
    exact: exact::ExactMatcher,
    fuzzy: fuzzy::FuzzyIndex,
    verses: Option<VerseIndex>,
    /// Built on first use: only recognised or doubtful text needs it.
    sounds: std::sync::OnceLock<sound::SoundIndex>,
    config: Config,
}

impl Engine {
    /// A builder starting from the bundled data and default thresholds.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Whether `lower` (lowercase) is an English word or name of the engine's word list.
    pub fn is_english(&self, lower: &str) -> bool {
        self.english.classify(lower).1
    }

    fn sounds(&self) -> &sound::SoundIndex {
        self.sounds.get_or_init(|| sound::SoundIndex::new(&self.lexicon))
    }

    /// The verse index in use, if verses are looked for.
    pub fn verses(&self) -> Option<&VerseIndex> {
        self.verses.as_ref()
    }

    /// Finds corrections and flags in every segment.
    pub fn analyze(&self, transcript: &Transcript) -> Analysis {
        let mut analysis = Analysis::default();
        let mut scratch = analyze::Scratch::default();
        let mut starts_sentence = true;
        for (i, segment) in transcript.segments.iter().enumerate() {
            analyze::segment(self, i, segment, starts_sentence, &mut scratch, &mut analysis);
            starts_sentence = scan::ends_sentence(&segment.text);
        }
        lecture::rerank(&mut analysis, &scratch.found);
        analysis
    }

    /// Analyses and applies the corrections: the corrected transcript and what was found (flag
    /// spans refer to the text as it was).
    pub fn correct(&self, mut transcript: Transcript) -> (Transcript, Analysis) {
        let analysis = self.analyze(&transcript);
        analysis.apply_in_place(&mut transcript);
        (transcript, analysis)
    }
}
