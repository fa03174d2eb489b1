//! The transcript model every part of Shruti shares: segments with times and text, and, when the
//! transcript came from our own ASR, the words with their probabilities.

use serde::{Deserialize, Serialize};

/// A whole transcript, in the order the segments were read or produced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The segments (subtitle cues), in file order. Times may overlap.
    pub segments: Vec<Segment>,
}

/// One timed piece of text: a subtitle cue or an ASR segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// The cue number or identifier as written in the source file, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Start, in milliseconds from the beginning of the media.
    pub start_ms: u64,
    /// End, in milliseconds.
    pub end_ms: u64,
    /// The text; lines are separated by `\n`; inline tags (`<i>`, `<font …>`) are kept as written.
    pub text: String,
    /// WebVTT cue settings (`align:start line:0`), kept so they are written back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
    /// The recognised words with timing and probability, when an ASR produced the segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<Word>>,
    /// What the audio said of the segment's doubtful spans, when they were re-scored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub heard: Vec<Heard>,
}

/// A word as the recogniser heard it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The word as written in the segment text.
    pub text: String,
    /// Start, in milliseconds.
    pub start_ms: u64,
    /// End, in milliseconds.
    pub end_ms: u64,
    /// The recogniser's confidence, 0..=1 (the lowest token probability in the word), as the
    /// model alone gave it: a lexicon bias never raises it.
    pub probability: f32,
    /// The lexicon bias chose one of the word's tokens over the one the model preferred.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub biased: bool,
}

impl Segment {
    /// A segment with only times and text.
    pub fn new(start_ms: u64, end_ms: u64, text: impl Into<String>) -> Self {
        Segment { id: None, start_ms, end_ms, text: text.into(), settings: None, words: None, heard: Vec::new() }
    }
}

/// A doubtful span of a segment, re-scored against the segment's audio: how well what was
/// written and each candidate term fit the sound, as the recogniser's mean log-probability per
/// token (nats; 0 is certain, lower is worse), with the decoder forced to read each in turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heard {
    /// Byte range of the span in the segment text.
    pub start: usize,
    /// End of the span (exclusive).
    pub end: usize,
    /// The score of the text as written.
    pub written: f32,
    /// The candidates, best score first.
    pub candidates: Vec<HeardCandidate>,
}

/// One lexicon term tried in place of a doubtful span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeardCandidate {
    /// The entry's canonical IAST.
    pub iast: String,
    /// The spelling the recogniser was asked to read (its best, when several were tried).
    pub form: String,
    /// Mean log-probability per token, nats.
    pub score: f32,
}

/// A doubtful span and the terms to try in its place: what the engine asks the recogniser to
/// re-score.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Byte range of the span in the segment text.
    pub range: std::ops::Range<usize>,
    /// The candidate terms, most likely first.
    pub candidates: Vec<ProbeCandidate>,
}

/// A candidate term and the spellings the recogniser may write it with.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeCandidate {
    /// The entry's canonical IAST.
    pub iast: String,
    /// Spellings to read, cased for the span's place ("Krishna", "pranayama").
    pub forms: Vec<String>,
}

/// A spelling of a term for biasing the recogniser towards it while it decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct BiasForm {
    /// The entry's canonical IAST.
    pub iast: String,
    /// The spelling, as the recogniser would write it ("Pranayama", "Bhagavad Gita").
    pub text: String,
    /// Whether the bias may help the recogniser start it: not for a short term or one whose
    /// first word is English, which the audio alone must start.
    pub opens: bool,
}
