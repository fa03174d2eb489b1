//! What to ask the audio: the doubtful spans of a segment and the terms that may stand there.
//!
//! Every low-confidence, unknown-term and sound-alike word is tried alone and with up to two
//! neighbours, because Whisper splits a term it does not know into English words ("Renee Amap"
//! for prāṇāyāma, "Patan Jolly" for Patañjali). Each span is looked up by sound with a looser
//! distance than automatic correction allows, and without the rule that the first sound is kept
//! ("Matman" for ātman): the recogniser re-scores the candidates against the audio, and only
//! what it hears decides.

use super::analyze::{self, Scratch};
use super::scan::{words, Scan};
use super::skeleton::{skeleton_into, SkeletonMode};
use super::Engine;
use crate::lexicon::{iast, EntryId, Policy};
use crate::report::{Analysis, FlagKind};
use crate::transcript::{BiasForm, Probe, ProbeCandidate, Segment};

/// Candidates kept per doubtful word, over all the spans it is part of.
const PER_WORD: usize = 6;
/// Spellings tried per candidate.
const FORMS: usize = 3;
/// Neighbours joined to a doubtful word on either side.
const REACH: usize = 2;
/// A neighbour this sure of a common English word is not part of a term.
const SURE_ENGLISH: f32 = 0.85;
/// A term shorter than this (letters) is never started by the bias: too many English words
/// sound like it.
const OPENS_FROM: usize = 5;

struct Hit {
    span: (usize, usize),
    entry: EntryId,
    /// Edit distance over the longer skeleton's length: 0 is the same sound.
    distance: f32,
}

impl Engine {
    /// The doubtful spans of `segment` and the terms to try in each, for acoustic re-scoring.
    /// Empty when nothing in it is in doubt.
    pub fn probes(&self, segment: &Segment) -> Vec<Probe> {
        let mut analysis = Analysis::default();
        analyze::segment(self, 0, segment, true, &mut Scratch::default(), &mut analysis);
        let doubtful: Vec<_> = analysis
            .flags
            .iter()
            .filter(|f| matches!(f.kind, FlagKind::LowConfidence | FlagKind::UnknownTerm | FlagKind::Fuzzy))
            .map(|f| f.range.clone())
            .collect();
        if doubtful.is_empty() {
            return Vec::new();
        }
        let mut scan = Scan::default();
        scan.build(&segment.text);
        let spans: Vec<std::ops::Range<usize>> =
            words(&scan.text).map(|(start, end)| scan.original_range(start, end)).collect();
        let joinable: Vec<bool> = spans.iter().map(|r| self.may_join(segment, r)).collect();

        let (mut folded, mut key) = (Vec::new(), String::new());
        let mut letters = String::new();
        let mut hits: Vec<Hit> = Vec::new();
        for (i, word) in spans.iter().enumerate() {
            if !doubtful.iter().any(|d| d.start < word.end && word.start < d.end) {
                continue;
            }
            let mut mine: Vec<Hit> = Vec::new();
            for a in i.saturating_sub(REACH)..=i {
                for b in i..(i + REACH + 1).min(spans.len()) {
                    if b - a > REACH || (a..=b).any(|k| k != i && !joinable[k]) {
                        continue;
                    }
                    letters.clear();
                    for r in &spans[a..=b] {
                        letters.push_str(&segment.text[r.clone()]);
                    }
                    skeleton_into(&letters, SkeletonMode::Word, &mut folded, &mut key);
                    if key.len() < 3 {
                        continue;
                    }
                    let max = match key.len() {
                        0..=3 => 0,
                        4..=5 => 1,
                        6..=8 => 2,
                        _ => 3,
                    };
                    for (found, d) in self.fuzzy.near(&key, max) {
                        let distance = f32::from(d) / key.len().max(found.len()) as f32;
                        for &entry in self.fuzzy.entries(found) {
                            mine.push(Hit { span: (a, b), entry, distance });
                        }
                    }
                }
            }
            mine.sort_by(|x, y| x.distance.total_cmp(&y.distance).then(x.entry.cmp(&y.entry)));
            mine.dedup_by(|x, y| x.entry == y.entry && x.span == y.span);
            hits.extend(mine.into_iter().take(PER_WORD));
        }
        hits.sort_by_key(|h| h.span);
        let mut probes: Vec<Probe> = Vec::new();
        for group in hits.chunk_by(|x, y| x.span == y.span) {
            let range = spans[group[0].span.0].start..spans[group[0].span.1].end;
            let surface = &segment.text[range.clone()];
            let mut candidates: Vec<ProbeCandidate> = Vec::new();
            let mut group: Vec<&Hit> = group.iter().collect();
            group.sort_by(|x, y| x.distance.total_cmp(&y.distance));
            for h in group {
                let entry = self.lexicon.get(h.entry);
                if candidates.iter().any(|c| c.iast == entry.iast) {
                    continue;
                }
                candidates
                    .push(ProbeCandidate { iast: entry.iast.clone(), forms: spoken_forms(self, h.entry, surface) });
            }
            probes.push(Probe { range, candidates });
        }
        probes
    }

    /// Every entry with the spellings the recogniser may write it with, for finding a term by
    /// sound alone: lowercase terms also capitalised (a sentence may start with one). Terms of
    /// fewer than four letters are left out: too many English words sound like them.
    pub fn spoken_terms(&self) -> Vec<ProbeCandidate> {
        let mut out = Vec::new();
        for (id, entry) in self.lexicon.iter() {
            if iast::ascii_fold(&entry.iast).chars().filter(|c| c.is_alphabetic()).count() < 4 {
                continue;
            }
            let mut forms = spoken_forms(self, id, "");
            if !entry.iast.starts_with(char::is_uppercase) {
                let capitals: Vec<String> = forms.iter().map(|f| capitalise(f)).collect();
                forms.extend(capitals);
            }
            out.push(ProbeCandidate { iast: entry.iast.clone(), forms });
        }
        out
    }

    /// Every spelling of every entry the recogniser could be biased towards: the anglicised and
    /// folded forms and the variants in plain ASCII letters, lowercase ones also capitalised. A spelling that is itself a common English word ("karma", "yoga") is left
    /// out: the recogniser writes it unaided, and pushing it would only cost English.
    pub fn bias_forms(&self) -> Vec<BiasForm> {
        let mut out = Vec::new();
        for (_, entry) in self.lexicon.iter() {
            let letters = iast::ascii_fold(&entry.iast).chars().filter(|c| c.is_alphabetic()).count();
            // English models write terms in ASCII; diacritics pushed into a word only break it.
            let mut texts = vec![iast::anglicise(&entry.iast), iast::ascii_fold(&entry.iast)];
            texts.extend(entry.variants.iter().cloned());
            texts.retain(|t| t.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
            if !entry.iast.starts_with(char::is_uppercase) {
                let capitals: Vec<String> = texts.iter().map(|t| capitalise(t)).collect();
                texts.extend(capitals);
            }
            texts.sort();
            texts.dedup();
            for text in texts {
                let lower = text.to_lowercase();
                if text.chars().filter(|c| c.is_alphabetic()).count() < 3 || self.english.is_common(&lower) {
                    continue;
                }
                let first = lower.split([' ', '-']).next().unwrap_or("");
                let opens = letters >= OPENS_FROM && entry.policy == Policy::Auto && !self.english.classify(first).1;
                out.push(BiasForm { iast: entry.iast.clone(), text, opens });
            }
        }
        out
    }

    /// Whether the word at `range` may be read as part of a term with a doubtful neighbour: not
    /// when the recogniser was sure of it and it is common English.
    fn may_join(&self, segment: &Segment, range: &std::ops::Range<usize>) -> bool {
        let word = &segment.text[range.clone()];
        if !self.english.is_common(&word.to_lowercase()) {
            return true;
        }
        let sure = segment
            .words
            .as_ref()
            .and_then(|ws| ws.iter().find(|w| w.text.contains(word)).map(|w| w.probability >= SURE_ENGLISH));
        sure == Some(false)
    }
}

/// How the recogniser would spell the entry: its anglicised and folded forms and its listed
/// Latin-script variants, cased like the span (names always capitalised).
fn spoken_forms(engine: &Engine, id: EntryId, surface: &str) -> Vec<String> {
    let entry = engine.lexicon.get(id);
    let capital = entry.iast.starts_with(char::is_uppercase) || surface.starts_with(char::is_uppercase);
    let mut forms: Vec<String> = Vec::new();
    let spellings = [iast::anglicise(&entry.iast), iast::ascii_fold(&entry.iast)]
        .into_iter()
        .chain(entry.variants.iter().filter(|v| v.is_ascii()).cloned());
    for form in spellings {
        let form = if capital { capitalise(&form) } else { form };
        if !forms.contains(&form) {
            forms.push(form);
        }
        if forms.len() == FORMS {
            break;
        }
    }
    forms
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::transcript::{Segment, Word};
    use crate::Engine;

    fn heard(text: &str, probabilities: &[f32]) -> Segment {
        let mut s = Segment::new(0, 1000, text);
        let words = text.split(' ').zip(probabilities);
        s.words = Some(
            words
                .map(|(w, &p)| Word { text: w.into(), start_ms: 0, end_ms: 0, probability: p, biased: false })
                .collect(),
        );
        s
    }

    #[test]
    fn a_split_term_is_tried_whole() {
        let engine = Engine::builder().build();
        let probes = engine.probes(&heard("he studied Upa Nishad daily", &[0.9, 0.9, 0.3, 0.2, 0.9]));
        let whole = probes.iter().find(|p| p.range == (11..21)).expect("a probe over both words");
        assert!(whole.candidates.iter().any(|c| c.iast == "Upaniṣad"), "{:?}", whole.candidates);
        // Sure English neighbours stay out of every span.
        assert!(probes.iter().all(|p| p.range.start >= 11 && p.range.end <= 21), "{probes:?}");
    }

    #[test]
    fn a_changed_first_sound_is_still_found() {
        let engine = Engine::builder().build();
        let probes = engine.probes(&heard("the Matman is eternal", &[0.95, 0.3, 0.95, 0.95]));
        let p = probes.iter().find(|p| p.range == (4..10)).expect("a probe on Matman");
        let atman = p.candidates.iter().find(|c| c.iast == "ātman").expect("ātman among the candidates");
        assert!(atman.forms.contains(&"Atman".to_owned()), "cased like the span: {:?}", atman.forms);
    }

    #[test]
    fn bias_forms_leave_english_to_the_audio() {
        let engine = Engine::builder().build();
        let forms = engine.bias_forms();
        let form = |text: &str| forms.iter().find(|f| f.text == text);
        let pranayama = form("Pranayama").expect("a capitalised anglicised form");
        assert!(pranayama.opens && pranayama.iast == "prāṇāyāma");
        assert!(form("prāṇāyāma").is_none(), "no diacritics");
        // A spelling that is an English word is not pushed at all; a short term or a name
        // that is an English name is never started by the bias.
        assert!(form("karma").is_none() && form("yoga").is_none());
        assert!(forms.iter().filter(|f| f.iast == "Oṃ").all(|f| !f.opens), "a short term");
        assert!(forms.iter().filter(|f| f.text == "Krishna").all(|f| !f.opens), "an English name");
    }

    #[test]
    fn nothing_in_doubt_asks_nothing() {
        let engine = Engine::builder().build();
        assert!(engine.probes(&heard("the cat sat on the mat", &[0.99; 6])).is_empty());
        assert!(engine.probes(&Segment::new(0, 1, "the cat sat on the mat")).is_empty());
    }
}
