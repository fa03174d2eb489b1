//! The engine's behaviour on the bundled lexicon, one module per concern.

mod correction;
mod flags;
mod heard;
mod sound;
mod words;

use shruti_core::{Analysis, Engine, Flag, Segment, Transcript, Word};
use std::sync::OnceLock;

/// One engine for all tests: building it parses the whole lexicon.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builder().build())
}

/// Corrects a one-segment transcript and returns its text.
pub fn corrected(text: &str) -> String {
    let (out, _) = engine().correct(transcript(&[text]));
    out.segments[0].text.clone()
}

pub fn transcript(texts: &[&str]) -> Transcript {
    Transcript {
        segments: texts
            .iter()
            .enumerate()
            .map(|(i, t)| Segment::new(i as u64 * 3000, i as u64 * 3000 + 2500, *t))
            .collect(),
    }
}

pub fn analyze(texts: &[&str]) -> Analysis {
    engine().analyze(&transcript(texts))
}

/// Analyses a one-segment transcript whose words carry these recogniser probabilities.
pub fn analyze_doubted(text: &str, probs: &[f32]) -> Analysis {
    engine().analyze(&with_probabilities(text, probs))
}

/// A flag's suggestions, as text, best first.
pub fn suggestion_texts(flag: &Flag) -> Vec<&str> {
    flag.suggestions.iter().map(|s| s.text.as_str()).collect()
}

/// A one-segment transcript whose words carry these recogniser probabilities.
pub fn with_probabilities(text: &str, probs: &[f32]) -> Transcript {
    let words = text
        .split_whitespace()
        .zip(probs)
        .enumerate()
        .map(|(i, (w, &p))| Word {
            text: w.to_owned(),
            start_ms: i as u64 * 300,
            end_ms: i as u64 * 300 + 250,
            probability: p,
            biased: false,
        })
        .collect();
    let mut seg = Segment::new(0, 3000, text);
    seg.words = Some(words);
    Transcript { segments: vec![seg] }
}
