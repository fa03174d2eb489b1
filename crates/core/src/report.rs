//! What the engine reports for a transcript: corrections it is sure of, and flags for the expert.

use serde::Serialize;
use std::ops::Range;

use crate::lexicon::EntryId;
use crate::transcript::Transcript;

/// Why a match scored as it did. Serialised as `{"reason": "listed-variant", …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Reason {
    /// The text is a spelling the lexicon lists for the entry.
    ListedVariant,
    /// The text is a spelling derived from the IAST by rule (diacritics dropped, ś as sh, …).
    DerivedSpelling,
    /// The text is already the canonical IAST, apart from capitals.
    CanonicalForm,
    /// The text is the English plural of the entry.
    Plural,
    /// The phonetic skeleton equals the entry's.
    SkeletonMatch,
    /// The phonetic skeleton is this many edits from the entry's.
    EditDistance {
        /// Edits between the skeletons.
        distance: u8,
    },
    /// Read as English spelling, the span sounds this close to the entry: 0 the same sounds,
    /// 0.3 about one sound in three misheard.
    SoundsLike {
        /// Weighted edits per sound.
        distance: f32,
    },
    /// The recogniser was unsure of the word.
    LowAsrConfidence {
        /// The lowest word probability in the span.
        probability: f32,
    },
    /// Several entries share this spelling.
    Ambiguous {
        /// How many.
        entries: usize,
    },
    /// The entry is marked suggest-only in the lexicon.
    SuggestOnly,
    /// The text is also an ordinary English word; it was capitalised mid-sentence, so it may be a name.
    EnglishHomograph,
    /// The span crosses markup (`<i>…</i>`), so it is not rewritten automatically.
    InsideMarkup,
    /// No entry matches, but the word is shaped like Sanskrit.
    SanskritShape {
        /// How Sanskrit-like, 0..=1.
        score: f32,
    },
    /// The audio was re-scored: the decoder, made to read the candidate, found it this likely
    /// against what was written (mean log-probability per token, nats).
    Heard {
        /// The spelling read.
        form: String,
        /// Its score.
        score: f32,
        /// The score of the text as written.
        written: f32,
    },
    /// Part of a recited verse.
    VerseCoverage {
        /// Share of the verse line's sound found in the segment, 0..=1.
        coverage: f32,
    },
}

/// A change applied without asking: certain enough and allowed by the entry's policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    /// Index of the segment in the transcript.
    pub segment: usize,
    /// Byte range of the original text in the segment.
    #[serde(skip)]
    pub range: Range<usize>,
    /// The text that was there.
    pub original: String,
    /// What replaces it.
    pub replacement: String,
    /// The lexicon entry applied (an index into this process's lexicon; not serialised).
    #[serde(skip)]
    pub entry: EntryId,
    /// Confidence, 0..=1.
    pub score: f32,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// The kind of doubt a flag raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A known spelling of an entry that was not applied automatically (policy, ambiguity, low
    /// recogniser confidence, an English homograph).
    KnownVariant,
    /// A spelling nobody listed that sounds like an entry.
    Fuzzy,
    /// A word the recogniser was unsure of.
    LowConfidence,
    /// A Sanskrit-looking word the lexicon does not know.
    UnknownTerm,
    /// A recited verse.
    Verse,
}

impl FlagKind {
    /// The kebab-case name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FlagKind::KnownVariant => "known-variant",
            FlagKind::Fuzzy => "fuzzy",
            FlagKind::LowConfidence => "low-confidence",
            FlagKind::UnknownTerm => "unknown-term",
            FlagKind::Verse => "verse",
        }
    }
}

/// Where a suggestion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuggestionSource {
    /// A lexicon entry matched by a listed or derived spelling.
    Lexicon,
    /// A lexicon entry matched by sound (skeleton or edit distance).
    Phonetic,
    /// A verse from the verse corpus.
    Verse,
    /// A lexicon entry the audio, re-scored, preferred.
    Heard,
}

/// One ranked replacement offered to the expert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The replacement text, cased for its place in the sentence.
    pub text: String,
    /// Confidence, 0..=1.
    pub score: f32,
    /// Where it came from.
    pub source: SuggestionSource,
    /// The entry's Devanagari (or the verse line's), for the review pane.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deva: Option<String>,
    /// The lexicon entry, when it is one (an index into this process's lexicon, so not
    /// serialised: it means nothing to another process or another lexicon version).
    #[serde(skip)]
    pub entry: Option<EntryId>,
}

/// A recited verse identified in a segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerseMatch {
    /// The work, e.g. "Bhagavad Gītā".
    pub work: String,
    /// Chapter.verse, e.g. "2.47".
    #[serde(rename = "ref")]
    pub reference: String,
    /// The canonical IAST of the lines recited.
    pub iast: String,
    /// Other verses the recitation matches as well (their references).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// Something the expert should look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Index of the segment in the transcript (0-based; JSON output adds 1 for the cue number).
    pub segment: usize,
    /// Segment start, ms.
    pub start_ms: u64,
    /// Segment end, ms.
    pub end_ms: u64,
    /// The flagged text.
    pub surface: String,
    /// Byte range of the flagged text in the segment.
    #[serde(skip)]
    pub range: Range<usize>,
    /// Character range `[start, end)` of the flagged text in the segment.
    pub span: [usize; 2],
    /// What kind of doubt.
    pub kind: FlagKind,
    /// How likely the top suggestion is right (or, with none, how likely the flag matters), 0..=1.
    pub score: f32,
    /// Why.
    pub reasons: Vec<Reason>,
    /// Ranked replacements, best first.
    pub suggestions: Vec<Suggestion>,
    /// For verse flags, the verse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verse: Option<VerseMatch>,
}

/// Everything the engine found in a transcript, in segment order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Analysis {
    /// Changes applied automatically.
    pub corrections: Vec<Correction>,
    /// Doubts for the expert.
    pub flags: Vec<Flag>,
}

impl Analysis {
    /// The transcript with every correction applied; times, ids and words are kept.
    pub fn apply(&self, transcript: &Transcript) -> Transcript {
        let mut out = transcript.clone();
        self.apply_in_place(&mut out);
        out
    }

    /// Applies every correction to the transcript it was computed from. Corrections that do not
    /// fit the text (overlapping an earlier one, out of range, splitting a character) are skipped.
    pub fn apply_in_place(&self, transcript: &mut Transcript) {
        let mut order: Vec<&Correction> = self.corrections.iter().collect();
        order.sort_by_key(|c| (c.segment, c.range.start));
        for group in order.chunk_by(|a, b| a.segment == b.segment) {
            let Some(segment) = transcript.segments.get_mut(group[0].segment) else { continue };
            let old = &segment.text;
            let mut text = String::with_capacity(old.len() + 8);
            let mut at = 0;
            for c in group {
                if c.range.start < at || old.get(c.range.clone()).is_none() {
                    continue;
                }
                text.push_str(&old[at..c.range.start]);
                text.push_str(&c.replacement);
                at = c.range.end;
            }
            text.push_str(&old[at..]);
            segment.text = text;
        }
    }

    /// The transcript as it would read if the expert accepted every flag's top suggestion:
    /// what the engine proposes, for evaluation.
    pub fn apply_with_suggestions(&self, transcript: &Transcript) -> Transcript {
        let mut all = self.clone();
        all.corrections.extend(self.flags.iter().filter_map(|f| {
            let top = f.suggestions.first()?;
            Some(Correction {
                segment: f.segment,
                range: f.range.clone(),
                original: f.surface.clone(),
                replacement: top.text.clone(),
                entry: top.entry.unwrap_or(EntryId(u32::MAX)),
                score: top.score,
                reasons: Vec::new(),
            })
        }));
        all.apply(transcript)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Segment;

    fn correction(segment: usize, range: Range<usize>, replacement: &str) -> Correction {
        Correction {
            segment,
            range,
            original: String::new(),
            replacement: replacement.into(),
            entry: EntryId(0),
            score: 1.0,
            reasons: vec![],
        }
    }

    #[test]
    fn applies_in_any_order_and_skips_what_does_not_fit() {
        let t = Transcript { segments: vec![Segment::new(0, 1, "Rama and Sita"), Segment::new(1, 2, "Kṛṣna")] };
        let analysis = Analysis {
            corrections: vec![
                correction(0, 9..13, "Sītā"),
                correction(1, 0..3, "x"), // splits ṛ: skipped
                correction(0, 0..4, "Rāma"),
                correction(0, 2..6, "zz"),   // overlaps Rāma: skipped
                correction(7, 0..1, "gone"), // no such segment: skipped
                correction(0, 9..99, "?"),   // out of range: skipped
            ],
            flags: vec![],
        };
        let out = analysis.apply(&t);
        assert_eq!(out.segments[0].text, "Rāma and Sītā");
        assert_eq!(out.segments[1].text, "Kṛṣna");
    }
}
