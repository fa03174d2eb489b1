//! Term occurrences in running text, for recognised audio, where output and reference do not
//! share cue boundaries: every lexicon term the reference names is found, and the output words
//! that stand in its place (between the nearest aligned neighbours) must hold it: a neighbour
//! misheard around a right term does not make the term wrong (it is counted in the WER).
//!
//! Counted as the same term: an anusvāra for a class nasal (Sāṃkhya = Sāṅkhya), a final ṃ or m
//! (Oṃ = Om), a compound joined or split (Ṛgveda = Ṛg Veda).

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::lexicon::Lexicon;
use crate::metrics::{align, words, Recall};

/// Where a reference names lexicon terms, by word.
pub struct TermFinder {
    /// First word of a term → the terms starting with it, as word lists, longest first.
    by_first: FxHashMap<String, Vec<Vec<String>>>,
}

impl TermFinder {
    /// Every entry's IAST, as the words [`words`] makes of it.
    pub fn new(lexicon: &Lexicon) -> Self {
        let mut by_first: FxHashMap<String, Vec<Vec<String>>> = FxHashMap::default();
        for (_, entry) in lexicon.iter() {
            let term = words(&entry.iast);
            if let Some(first) = term.first() {
                by_first.entry(first.clone()).or_default().push(term);
            }
        }
        for terms in by_first.values_mut() {
            terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
            terms.dedup();
        }
        TermFinder { by_first }
    }

    /// The word ranges of `reference` (as [`words`] splits it) that are terms, in order. An
    /// English plural (Upaniṣads) counts as its term.
    pub fn find(&self, reference: &[String]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < reference.len() {
            let word = &reference[i];
            let singular = word.strip_suffix('s').unwrap_or(word);
            let found = [word.as_str(), singular].iter().find_map(|first| {
                self.by_first.get(*first)?.iter().find(|t| matches(t, &reference[i..])).map(Vec::len)
            });
            match found {
                Some(n) => {
                    out.push(i..i + n);
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

fn matches(term: &[String], words: &[String]) -> bool {
    term.len() <= words.len()
        && term
            .iter()
            .zip(words)
            .enumerate()
            .all(|(k, (t, w))| t == w || (k + 1 == term.len() && w.strip_suffix('s') == Some(t.as_str())))
}

/// Term and English scores of an output against its reference, with what the recogniser wrote.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OccurrenceScores {
    /// Term occurrences the output has right.
    pub terms: Recall,
    /// The misses, as `output (want reference)`, or `written → output (want reference)` where
    /// the engine changed what the recogniser wrote.
    pub missed: Vec<String>,
    /// Reference words outside terms that the recogniser had right and the output changed.
    pub english_damaged: usize,
    /// Of those, the ones the output spelled with IAST letters.
    pub english_sanskritised: usize,
    /// The damaged words, as `written → output`.
    pub damaged: Vec<String>,
}

impl OccurrenceScores {
    /// Scores one text: `reference`, what was `written` (the recogniser's text) and the `output`.
    /// Without a finder the reference names no terms: every word of it is English to keep.
    pub fn add(&mut self, finder: Option<&TermFinder>, reference: &str, written: &str, output: &str) {
        let (r, w, o) = (words(reference), words(written), words(output));
        let terms = finder.map_or_else(Vec::new, |f| f.find(&r));
        let r_to_o = align(&r, &o);
        let r_to_w = align(&r, &w);
        let mut in_term = vec![false; r.len()];
        for range in &terms {
            in_term[range.clone()].iter_mut().for_each(|x| *x = true);
            self.terms.total += 1;
            let got = stand_in(&r_to_o, range.clone(), &o);
            if fold(&got).contains(&fold(&r[range.clone()].join(" "))) {
                self.terms.found += 1;
            } else {
                let want = r[range.clone()].join(" ");
                let was = stand_in(&r_to_w, range.clone(), &w);
                self.missed.push(if was == got {
                    format!("{got} (want {want})")
                } else {
                    format!("{was} → {got} (want {want})")
                });
            }
        }
        for (i, word) in r.iter().enumerate() {
            let (Some(k), false) = (r_to_w[i], in_term[i]) else { continue };
            if &w[k] != word {
                continue;
            }
            let out = r_to_o[i].map_or("∅", |j| o[j].as_str());
            if out != word {
                self.english_damaged += 1;
                self.english_sanskritised += usize::from(!out.is_ascii());
                self.damaged.push(format!("{word} → {out}"));
            }
        }
    }
}

/// Each term `reference` names, with what the recogniser `written` in its place: pairs to learn
/// how it mishears from.
pub fn written_terms(finder: &TermFinder, reference: &str, written: &str) -> Vec<(String, String)> {
    let (r, w) = (words(reference), words(written));
    let r_to_w = align(&r, &w);
    finder.find(&r).into_iter().map(|range| (r[range.clone()].join(" "), stand_in(&r_to_w, range, &w))).collect()
}

/// The output words between the nearest aligned neighbours of the reference words `range`.
pub(crate) fn stand_in(r_to_o: &[Option<usize>], range: std::ops::Range<usize>, o: &[String]) -> String {
    let left = r_to_o[..range.start].iter().rev().find_map(|x| *x).map_or(0, |k| k + 1);
    let right = r_to_o[range.end..].iter().find_map(|x| *x).unwrap_or(o.len()).max(left);
    o[left..right].join(" ")
}

/// A term as compared: lowercase, no spaces, every nasal before a consonant and a final m as ṃ.
fn fold(term: &str) -> String {
    let chars: Vec<char> = term.chars().filter(|c| !c.is_whitespace()).collect();
    let is_vowel = |c: char| "aāiīuūṛṝḷeo".contains(c);
    let mut out = String::with_capacity(term.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let nasal = matches!(c, 'ṃ' | 'ṅ' | 'ñ' | 'ṇ' | 'n' | 'm');
        if nasal && next.is_none_or(|n| !is_vowel(n)) && (c != 'ṇ' || next.is_some()) {
            out.push('ṃ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(reference: &str, written: &str, output: &str) -> OccurrenceScores {
        let mut s = OccurrenceScores::default();
        s.add(Some(&TermFinder::new(&Lexicon::bundled())), reference, written, output);
        s
    }

    #[test]
    fn terms_are_found_with_plurals_and_several_words() {
        let finder = TermFinder::new(&Lexicon::bundled());
        let r = words("In the Upaniṣads and the Bhagavad Gītā, Kṛṣṇa teaches");
        let found: Vec<String> = finder.find(&r).into_iter().map(|x| r[x].join(" ")).collect();
        assert_eq!(found, ["upaniṣads", "bhagavad gītā", "kṛṣṇa"]);
    }

    #[test]
    fn an_occurrence_is_right_only_when_the_output_has_it() {
        let s = score(
            "Kṛṣṇa and Arjuna at Kurukṣetra",
            "Krishna and Arjun at Kurukshetra",
            "Kṛṣṇa and Arjuna at Kuru Shetra",
        );
        assert_eq!(s.terms, Recall { found: 2, total: 3 });
        assert_eq!(s.missed, ["kurukshetra → kuru shetra (want kurukṣetra)"], "what the engine changed is shown");
        // A term Whisper split into English words is missed when left split.
        let s = score("he practised prāṇāyāma daily", "he practised Renee Amap daily", "he practised Renee Amap daily");
        assert_eq!(s.terms, Recall { found: 0, total: 1 });
        assert_eq!(s.missed, ["renee amap (want prāṇāyāma)"]);
    }

    #[test]
    fn each_term_is_paired_with_what_was_written_for_it() {
        let finder = TermFinder::new(&Lexicon::bundled());
        let pairs =
            written_terms(&finder, "Kṛṣṇa spoke to Arjuna at Kurukṣetra", "Krishna spoke to our June at Kuru Shetra");
        let want = [("kṛṣṇa", "krishna"), ("arjuna", "our june"), ("kurukṣetra", "kuru shetra")];
        assert_eq!(pairs, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
    }

    #[test]
    fn spelling_conventions_count_as_right() {
        assert_eq!(fold("sāṃkhya"), fold("sāṅkhya"));
        assert_eq!(fold("oṃ"), fold("om"));
        assert_eq!(fold("ṛgveda"), fold("ṛg veda"));
        assert_ne!(fold("prāṇa"), fold("prāna"));
    }

    #[test]
    fn english_the_recogniser_had_right_must_stay() {
        let s = score("the drama at home", "the drama at home", "the Rāma at home");
        assert_eq!((s.english_damaged, s.english_sanskritised), (1, 1));
        assert_eq!(s.damaged, ["drama → rāma"]);
        let s = score("the drama at home", "the dram at home", "the Rāma at home");
        assert_eq!(s.english_damaged, 0, "a word the recogniser had wrong is not damage");
        let mut s = OccurrenceScores::default();
        s.add(None, "Satya Nadella spoke", "Satya Nadella spoke", "Satya Nadella spoke");
        assert_eq!((s.terms.total, s.english_damaged), (0, 0), "without a finder a name is English");
    }
}
