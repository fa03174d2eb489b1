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
    /// The recogniser's confidence, 0..=1 (the lowest token probability in the word).
    pub probability: f32,
}

impl Segment {
    /// A segment with only times and text.
    pub fn new(start_ms: u64, end_ms: u64, text: impl Into<String>) -> Self {
        Segment { id: None, start_ms, end_ms, text: text.into(), settings: None, words: None }
    }
}
