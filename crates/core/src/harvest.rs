//! Heard forms: what one recognition model writes when it hears a lexicon term, harvested by
//! speaking every term in carrier sentences (synthetic voices) and reading the model's text.
//!
//! Whisper hears a term it does not know as the same wrong words again and again ("Renee Amap"
//! for prāṇāyāma); a form heard for one entry only, and not ordinary English, becomes a variant
//! of that entry for this model, so the engine corrects it like any listed spelling. This module
//! writes the sentences, finds what the model wrote for each term, and keeps the file: the
//! speaking and the recognition are the caller's (the CLI).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::Error;
use crate::lexicon::{iast, Lexicon};
use crate::metrics::{align, words};

/// A voice reads the term in this script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// The anglicised spelling, for an English voice.
    Latin,
    /// The entry's Devanagari, for a Hindi voice: closer to how many lecturers say the terms.
    Devanagari,
}

/// Carrier sentences: ordinary English around the term, so that the model hears it as it would
/// in a lecture. Each term gets one, in turn.
const CARRIERS: [(&str, &str); 4] = [
    ("Today we speak about", "in this lecture."),
    ("The teacher said", "and then he paused."),
    ("In the old books we read of", "again and again."),
    ("Let us now think of", "for a while."),
];

/// One term in its carrier sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The entry's canonical IAST.
    pub iast: String,
    /// What the voice is given to read (an SSML voice change around a Devanagari term: the
    /// carrier stays English).
    pub speak: String,
    /// The sentence as it should be written, with the term in IAST.
    pub reference: String,
}

/// The sentences for every entry of `lexicon`, for a voice reading `script`; the `k`-th entry
/// gets carrier `k % 4`.
pub fn sentences(lexicon: &Lexicon, script: Script) -> Vec<Sentence> {
    lexicon
        .iter()
        .enumerate()
        .map(|(k, (_, entry))| {
            let (before, after) = CARRIERS[k % CARRIERS.len()];
            let speak = match script {
                Script::Latin => format!("{before} {} {after}", iast::anglicise(&entry.iast)),
                Script::Devanagari => format!("{before} <voice name=\"hi\">{}</voice> {after}", entry.deva),
            };
            Sentence { iast: entry.iast.clone(), speak, reference: format!("{before} {} {after}", entry.iast) }
        })
        .collect()
}

/// What the model wrote in place of each sentence's term, given its text for the sentences read
/// one after another: the words between the term's aligned neighbours (lowercase, no
/// punctuation; empty when it wrote nothing there).
pub fn stand_ins(sentences: &[Sentence], written: &str) -> Vec<String> {
    let mut reference = Vec::new();
    let mut terms: Vec<Range<usize>> = Vec::new();
    for s in sentences {
        let all = words(&s.reference);
        let term = words(&s.iast).len();
        let before = words(&s.reference[..s.reference.find(&s.iast).unwrap_or(0)]).len();
        terms.push(reference.len() + before..reference.len() + before + term);
        reference.extend(all);
    }
    let w = words(written);
    let to_w = align(&reference, &w);
    terms.into_iter().map(|range| crate::occurrences::stand_in(&to_w, range, &w)).collect()
}

/// A model's heard forms, as kept beside the model (and, for tiny.en, in `lexicons/heard/`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Harvest {
    /// The model's name.
    pub model: String,
    /// The model file's SHA-256: the forms are this model's only.
    pub sha256: String,
    /// Voice → entry IAST → what the model wrote for it (lowercase words; empty: nothing).
    #[serde(default)]
    pub heard: BTreeMap<String, BTreeMap<String, String>>,
}

/// The harvests shipped in `lexicons/heard/`, so a fresh machine needs no espeak-ng.
pub const BUNDLED: &[(&str, &str)] = &[("tiny.en.toml", include_str!("../../../lexicons/heard/tiny.en.toml"))];

/// Letters a heard form needs to become a variant: shorter ones are too easily English.
const MIN_LETTERS: usize = 4;
/// Words a heard form may have.
const MAX_WORDS: usize = 4;

impl Harvest {
    /// Reads a harvest file; errors name `source_name` and the line.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Harvest, Error> {
        toml::from_str(text).map_err(|e| Error::Lexicon {
            source_name: source_name.to_owned(),
            line: e.span().map_or(0, |s| text[..s.start].lines().count().max(1)),
            message: e.message().to_owned(),
        })
    }

    pub fn to_toml(&self) -> String {
        let head = format!(
            "# What {} writes for each lexicon term spoken by synthetic voices in carrier sentences.\n\
             # Made by `shruti model harvest`; see README (lexicon-aware recognition).\n",
            self.model
        );
        head + &toml::to_string(self).unwrap_or_default()
    }

    /// The bundled harvest made with the model file of this SHA-256, if there is one.
    pub fn bundled(sha256: &str) -> Option<Harvest> {
        BUNDLED.iter().filter_map(|(name, text)| Harvest::from_toml(text, name).ok()).find(|h| h.sha256 == sha256)
    }

    /// Whether `voice` has been heard saying `iast` (so a resumed harvest skips it).
    pub fn has(&self, voice: &str, iast: &str) -> bool {
        self.heard.get(voice).is_some_and(|v| v.contains_key(iast))
    }

    /// Records what the model wrote for `iast` said by `voice`.
    pub fn add(&mut self, voice: &str, iast: &str, written: String) {
        self.heard.entry(voice.to_owned()).or_default().insert(iast.to_owned(), written);
    }

    /// How many (voice, term) recordings it holds.
    pub fn len(&self) -> usize {
        self.heard.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The heard forms that may become variants, as (IAST, form): heard for one entry only, of
    /// four letters or more and at most four words, not all English words (an English phrase
    /// heard for a term is left to re-scoring: as a variant it would change real English), and
    /// not already something the engine reads as a term.
    pub fn variants(&self, engine: &Engine) -> Vec<(String, String)> {
        let mut by_form: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (iast, written) in self.heard.values().flatten() {
            by_form.entry(written.as_str()).or_default().push(iast.as_str());
        }
        let mut out = Vec::new();
        for (form, mut entries) in by_form {
            entries.sort_unstable();
            entries.dedup();
            let [iast] = entries[..] else { continue };
            let letters = form.chars().filter(|c| c.is_alphabetic()).count();
            if letters < MIN_LETTERS || form.split(' ').count() > MAX_WORDS {
                continue;
            }
            if form.split(' ').all(|w| engine.is_english(w)) {
                continue;
            }
            let text = crate::Transcript { segments: vec![crate::Segment::new(0, 1, form)] };
            let analysis = engine.analyze(&text);
            // A guess by sound alone is weaker than what the model was heard to write.
            let read = |f: &crate::Flag| {
                !f.suggestions.is_empty() && !f.reasons.iter().any(|r| matches!(r, crate::Reason::SoundsLike { .. }))
            };
            if !analysis.corrections.is_empty() || analysis.flags.iter().any(read) {
                continue;
            }
            out.push((iast.to_owned(), form.to_owned()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_harvests_read() {
        for (name, text) in BUNDLED {
            let harvest = Harvest::from_toml(text, name).unwrap();
            assert_eq!(Harvest::bundled(&harvest.sha256).as_ref(), Some(&harvest), "{name}");
        }
        assert!(Harvest::bundled("no such model").is_none());
    }

    #[test]
    fn sentences_carry_the_term_in_each_script() {
        let lexicon = Lexicon::bundled();
        let latin = sentences(&lexicon, Script::Latin);
        let s = latin.iter().find(|s| s.iast == "prāṇāyāma").unwrap();
        assert!(s.speak.contains(" pranayama ") && s.reference.contains(" prāṇāyāma "), "{s:?}");
        let deva = sentences(&lexicon, Script::Devanagari);
        let s = deva.iter().find(|s| s.iast == "prāṇāyāma").unwrap();
        assert!(s.speak.contains("<voice name=\"hi\">प्राणायाम</voice>"), "{s:?}");
    }

    #[test]
    fn what_stands_in_each_terms_place_is_found_across_sentences() {
        let lexicon = Lexicon::bundled();
        let all = sentences(&lexicon, Script::Latin);
        let pick: Vec<Sentence> = ["prāṇāyāma", "ātman", "Bhagavad Gītā"]
            .iter()
            .map(|t| all.iter().find(|s| &s.iast == t).unwrap().clone())
            .collect();
        let written = format!(
            "{} {} {}",
            pick[0].reference.replace("prāṇāyāma", "Renee Amap,"),
            pick[1].reference.replace("ātman", "Matman"),
            pick[2].reference.replace("Bhagavad Gītā", "")
        );
        assert_eq!(stand_ins(&pick, &written), ["renee amap", "matman", ""]);
    }

    #[test]
    fn only_unambiguous_unknown_non_english_forms_become_variants() {
        let engine = Engine::builder().build();
        let mut harvest = Harvest { model: "tiny.en".into(), sha256: "0".into(), ..Harvest::default() };
        for (voice, iast, written) in [
            ("en-us", "prāṇāyāma", "renee amap"),
            ("en-gb", "prāṇāyāma", "renee amap"),
            ("en-us", "lokasaṅgraha", "like a sunflower"),
            ("en-us", "tamas", "thomas"),
            ("en-us", "Bhīṣma", "sirbishma"),
            ("en-us", "Droṇa", "sirbishma"),
            ("en-us", "Kṛṣṇa", "krishna"),
            ("en-us", "Oṃ", "arm"),
        ] {
            harvest.add(voice, iast, written.into());
        }
        let variants = harvest.variants(&engine);
        assert_eq!(variants, [("prāṇāyāma".to_owned(), "renee amap".to_owned())]);
        let back = Harvest::from_toml(&harvest.to_toml(), "tiny.en.toml").unwrap();
        assert_eq!(back, harvest);
        assert!(back.has("en-us", "tamas") && !back.has("hi", "tamas"));
        assert_eq!(back.len(), 8);
        let err = Harvest::from_toml("model = 3\n", "bad.toml").unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains('1'), "{err}");
    }
}
