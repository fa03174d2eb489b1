//! Quality measures for an engine run against expert reference transcripts: word and character
//! error rates, Sanskrit-term recall, over-corrections, IAST compliance and verse-ID recall.

use serde::Serialize;

use crate::lexicon::iast::validate_iast;

/// Edit counts against a reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ErrorRate {
    /// Substitutions + deletions + insertions.
    pub edits: usize,
    /// Length of the reference.
    pub reference_len: usize,
}

impl ErrorRate {
    /// edits / reference length (0 for an empty reference).
    pub fn rate(&self) -> f64 {
        if self.reference_len == 0 {
            0.0
        } else {
            self.edits as f64 / self.reference_len as f64
        }
    }

    /// Adds another count (e.g. the next cue or file).
    pub fn add(&mut self, other: ErrorRate) {
        self.edits += other.edits;
        self.reference_len += other.reference_len;
    }
}

/// A count of hits out of a total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Recall {
    /// Found.
    pub found: usize,
    /// Expected.
    pub total: usize,
}

impl Recall {
    /// found / total (1 when nothing was expected).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.found as f64 / self.total as f64
        }
    }
}

/// Words of a text for WER: split at whitespace and hyphens, punctuation trimmed, lowercased.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word error counts of `hypothesis` against `reference`.
pub fn wer(reference: &str, hypothesis: &str) -> ErrorRate {
    let (r, h) = (words(reference), words(hypothesis));
    ErrorRate { edits: edit_distance(&r, &h), reference_len: r.len() }
}

/// Character error counts (over characters, whitespace runs as one space).
pub fn cer(reference: &str, hypothesis: &str) -> ErrorRate {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect::<Vec<char>>();
    let (r, h) = (norm(reference), norm(hypothesis));
    ErrorRate { edits: edit_distance(&r, &h), reference_len: r.len() }
}

/// Levenshtein distance between two sequences, with one row of memory.
pub(crate) fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (diag + usize::from(x != y)).min(row[j] + 1).min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// For each word of `a`, the index of the word of `b` it aligns with (a substitution or a match),
/// by a minimum-edit alignment.
pub(crate) fn align(a: &[String], b: &[String]) -> Vec<Option<usize>> {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=m).collect();
    for i in 1..=n {
        for j in 1..=m {
            d[i][j] = (d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1])).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        if d[i][j] == d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]) {
            out[i - 1] = Some(j - 1);
            i -= 1;
            j -= 1;
        } else if d[i][j] == d[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out
}

/// One cue of an evaluation: what the ASR wrote, what the expert wants, what the engine made.
#[derive(Debug, Clone, Copy)]
pub struct CueTriple<'a> {
    /// The ASR text.
    pub asr: &'a str,
    /// The expert's reference.
    pub reference: &'a str,
    /// The engine's output.
    pub output: &'a str,
}

/// What one comparison of output with reference shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TermScores {
    /// Reference words the ASR got wrong (the terms needing correction) that the output has right.
    pub term_recall: Recall,
    /// ASR words that were already right and that the output changed.
    pub over_corrections: usize,
    /// The over-corrected words, as `asr → output`.
    pub over_corrected: Vec<String>,
    /// Reference terms the output still misses, as `asr → output (want reference)`.
    pub missed: Vec<String>,
    /// Output words with diacritics that are well-formed IAST, out of all such words.
    pub iast_compliance: Recall,
}

impl TermScores {
    /// Compares one cue.
    pub fn add(&mut self, cue: CueTriple) {
        let (asr, reference, output) = (words(cue.asr), words(cue.reference), words(cue.output));
        let asr_to_ref = align(&asr, &reference);
        let asr_to_out = align(&asr, &output);
        let ref_to_out = align(&reference, &output);
        let mut needs_change = vec![true; reference.len()];
        for (i, j) in asr_to_ref.iter().enumerate() {
            let Some(j) = *j else { continue };
            if asr[i] == reference[j] {
                needs_change[j] = false;
                // The ASR had this word right: the output must not change it.
                let out = asr_to_out[i].map(|k| output[k].as_str());
                if out != Some(asr[i].as_str()) {
                    self.over_corrections += 1;
                    self.over_corrected.push(format!("{} → {}", asr[i], out.unwrap_or("∅")));
                }
            }
        }
        for (j, need) in needs_change.iter().enumerate() {
            if !need {
                continue;
            }
            self.term_recall.total += 1;
            let out = ref_to_out[j].map(|k| output[k].as_str());
            if out == Some(reference[j].as_str()) {
                self.term_recall.found += 1;
            } else {
                let heard = asr_to_ref.iter().position(|&x| x == Some(j)).map_or("∅", |i| asr[i].as_str());
                self.missed.push(format!("{heard} → {} (want {})", out.unwrap_or("∅"), reference[j]));
            }
        }
        for w in output.iter().filter(|w| !w.is_ascii()) {
            self.iast_compliance.total += 1;
            if validate_iast(w).is_ok() {
                self.iast_compliance.found += 1;
            }
        }
    }
}

/// Accumulated error rates over many cues.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ErrorRates {
    /// Word errors.
    pub wer: ErrorRate,
    /// Character errors.
    pub cer: ErrorRate,
}

impl ErrorRates {
    /// Adds one cue.
    pub fn add(&mut self, reference: &str, hypothesis: &str) {
        self.wer.add(wer(reference, hypothesis));
        self.cer.add(cer(reference, hypothesis));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_rates() {
        assert_eq!(wer("Kṛṣṇa speaks to Arjuna", "Krishna speaks to Arjun").edits, 2);
        assert_eq!(wer("a b c", "a b c").edits, 0);
        assert_eq!(wer("a b c", "a c").edits, 1);
        assert_eq!(cer("abc", "abd").edits, 1);
        assert!((wer("a b c d", "a b").rate() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn terms_recall_and_over_corrections() {
        let mut s = TermScores::default();
        s.add(CueTriple {
            asr: "Krishna sat with Arjun at Kurukshetra",
            reference: "Kṛṣṇa sat with Arjuna at Kurukṣetra",
            output: "Kṛṣṇa sat with Arjuna at Kurukshetra",
        });
        assert_eq!(s.term_recall, Recall { found: 2, total: 3 });
        assert_eq!(s.over_corrections, 0);
        s.add(CueTriple { asr: "the drama at home", reference: "the drama at home", output: "the Rāma at home" });
        assert_eq!(s.over_corrections, 1);
        assert_eq!(s.over_corrected, vec!["drama → rāma"]);
        assert_eq!(s.iast_compliance, Recall { found: 2, total: 2 });
        assert_eq!(s.missed, vec!["kurukshetra → kurukshetra (want kurukṣetra)"]);
    }
}
