//! Acoustic re-scoring of doubtful spans: how well each candidate term fits the audio.
//!
//! For a run of segments with doubtful spans, the 30-second window starting at the first one is
//! encoded once (its mel is already in the state from the transcription). The decoder then reads
//! the window's text up to a span (one batched call), and is made to read what was written there
//! and each candidate, token by token, up to and including the token that follows the span. The
//! mean log-probability per token of each reading is its score: a term the voice really said
//! reads far more easily than the English words Whisper guessed.

use shruti_core::{Engine, Heard, HeardCandidate, Probe, ProbeCandidate, Segment};
use whisper_rs::{WhisperError, WhisperState, WhisperTokenId};

use crate::trie::{TokenTrie, SPACED, UNSPACED};

/// What chooses the spans to re-score and the terms to try there.
pub trait Verifier: Send + Sync {
    /// The doubtful spans of a segment and their candidate terms.
    fn probes(&self, segment: &Segment) -> Vec<Probe>;
    /// Every term with its spellings, to be searched by sound.
    fn terms(&self) -> Vec<ProbeCandidate>;
}

impl Verifier for Engine {
    fn probes(&self, segment: &Segment) -> Vec<Probe> {
        Engine::probes(self, segment)
    }
    fn terms(&self) -> Vec<ProbeCandidate> {
        self.spoken_terms()
    }
}

/// A recognised segment with its text tokens, times relative to its chunk.
pub(crate) struct Decoded {
    pub(crate) segment: Segment,
    pub(crate) start_ms: u64,
    pub(crate) end_ms: u64,
    /// Text tokens with their byte ranges in the segment text (a token's leading space
    /// included); empty when the tokens could not be matched to the text.
    pub(crate) tokens: Vec<TextToken>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TextToken {
    pub(crate) id: WhisperTokenId,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The byte ranges of tokens in the text made of them (leading and trailing space trimmed), or
/// nothing when the text is not the tokens' bytes (markers were dropped).
pub(crate) fn token_spans(tokens: &[(WhisperTokenId, &[u8])], text: &str) -> Vec<TextToken> {
    let raw: Vec<u8> = tokens.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if String::from_utf8_lossy(&raw).trim() != text {
        return Vec::new();
    }
    let mut at = 0usize;
    tokens
        .iter()
        .map(|&(id, bytes)| {
            let start = at.saturating_sub(lead).min(text.len());
            at += bytes.len();
            TextToken { id, start, end: at.saturating_sub(lead).min(text.len()) }
        })
        .collect()
}

/// How many candidates are read to the end per span: those whose first token fits best.
const READ: usize = 2;
/// A window is the encoder's 30 s, less a margin for the last word's tail.
const WINDOW_MS: u64 = 29_000;
/// Audio kept before a window's first segment, so its first sound is whole.
const PRE_ROLL_MS: u64 = 100;

/// The special tokens and sizes a reading needs.
pub(crate) struct Vocab {
    /// `<|startoftranscript|>` [language, transcribe] `<|notimestamps|>`.
    pub(crate) prompt: Vec<WhisperTokenId>,
    /// End of text: the last token scored; every text token lies below it.
    pub(crate) eot: WhisperTokenId,
}

/// Re-scores the doubtful spans of a chunk's segments, filling each segment's `heard`. The
/// state must hold the chunk's mel (as `full` leaves it).
pub(crate) fn chunk(
    ctx: &whisper_rs::WhisperContext,
    state: &mut WhisperState,
    vocab: &Vocab,
    terms: &Terms,
    decoded: &mut [Decoded],
    verifier: &dyn Verifier,
    threads: usize,
) -> Result<(), WhisperError> {
    let probes: Vec<Vec<Probe>> =
        decoded.iter().map(|d| if d.tokens.is_empty() { Vec::new() } else { verifier.probes(&d.segment) }).collect();
    let mut i = 0;
    while i < decoded.len() {
        if probes[i].is_empty() {
            i += 1;
            continue;
        }
        let from_ms = decoded[i].start_ms.saturating_sub(PRE_ROLL_MS);
        let mut end = i + 1;
        while end < decoded.len() && decoded[end].end_ms <= from_ms + WINDOW_MS {
            end += 1;
        }
        state.encode((from_ms / 10) as usize, threads)?;
        let mut reader = Reader { state: &mut *state, threads, cached: Vec::new(), eot: vocab.eot };
        let mut context = vocab.prompt.clone();
        for k in i..end {
            let tokens = &decoded[k].tokens;
            let mut starts: Vec<(usize, &Probe)> = probes[k]
                .iter()
                .filter_map(|p| Some((tokens.iter().position(|t| t.start < p.range.end && p.range.start < t.end)?, p)))
                .collect();
            starts.sort_by_key(|s| s.0);
            let mut heard = Vec::new();
            for group in starts.chunk_by(|a, b| a.0 == b.0) {
                let group_probes: Vec<&Probe> = group.iter().map(|g| g.1).collect();
                heard.extend(start_group(ctx, &mut reader, terms, &context, tokens, group[0].0, &group_probes)?);
            }
            decoded[k].segment.heard.extend(heard);
            context.extend(decoded[k].tokens.iter().map(|t| t.id));
        }
        i = end;
    }
    Ok(())
}

/// Scores the probes of one segment that start at the same token: what was written in each,
/// then the terms found there by sound (a beam over every term's tokens) and the candidates the
/// engine named whose first token fits best.
fn start_group(
    ctx: &whisper_rs::WhisperContext,
    reader: &mut Reader,
    terms: &Terms,
    context: &[WhisperTokenId],
    tokens: &[TextToken],
    first: usize,
    probes: &[&Probe],
) -> Result<Vec<Heard>, WhisperError> {
    let mut before = context.to_vec();
    before.extend(tokens[..first].iter().map(|t| t.id));
    let spaced = ctx.token_to_bytes(tokens[first].id).is_ok_and(|b| b.first() == Some(&b' '));
    let found = terms.search(reader, &before, spaced)?;
    // What follows each found term, and the first token of every named form: read once for the
    // group, whichever probe's span they are weighed against.
    let mut after_found = Vec::with_capacity(found.len());
    for f in &found {
        let mut read = before.clone();
        read.extend(&f.ids);
        after_found.push(reader.row(&read)?);
    }
    let head = reader.row(&before)?;
    let mut out = Vec::new();
    for probe in probes {
        let inside = |t: &TextToken| t.start < probe.range.end && probe.range.start < t.end;
        let last = tokens.iter().rposition(inside).unwrap_or(first);
        let written: Vec<WhisperTokenId> = tokens[first..=last].iter().map(|t| t.id).collect();
        let after = tokens.get(last + 1).map(|t| t.id);
        let written_score = reader.score(&before, &written, after)?;
        let mut candidates: Vec<HeardCandidate> = Vec::new();
        for (f, row) in found.iter().zip(&after_found) {
            let term = &terms.terms[f.term];
            let score = match after {
                Some(next) => (f.sum + row.logp(next)) / (f.ids.len() + 1) as f32,
                None => f.sum / f.ids.len() as f32,
            };
            candidates.push(HeardCandidate { iast: term.iast.clone(), form: term.forms[f.form].clone(), score });
        }
        // The engine's own candidates: the best form of those whose first token fits best.
        let mut named: Vec<(f32, &str, &str, Vec<WhisperTokenId>)> = Vec::new();
        for c in &probe.candidates {
            let mut best: Option<(f32, &str, Vec<WhisperTokenId>)> = None;
            for form in &c.forms {
                let text = if spaced { format!(" {form}") } else { form.clone() };
                let Ok(ids) = ctx.tokenize(&text, 64) else { continue };
                let Some(&lead) = ids.first() else { continue };
                let p = head.logp(lead);
                if best.as_ref().is_none_or(|b| p > b.0) {
                    best = Some((p, form, ids));
                }
            }
            if let Some((p, form, ids)) = best {
                named.push((p, &c.iast, form, ids));
            }
        }
        named.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, iast, form, ids) in named.into_iter().take(READ) {
            if candidates.iter().any(|c| c.iast == iast) {
                continue;
            }
            let score = reader.score(&before, &ids, after)?;
            candidates.push(HeardCandidate { iast: iast.to_owned(), form: form.to_owned(), score });
        }
        candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
        candidates.dedup_by(|a, b| a.iast == b.iast);
        out.push(Heard { start: probe.range.start, end: probe.range.end, written: written_score, candidates });
    }
    Ok(out)
}

/// Every term's spellings as this model's tokens, in a trie: what can be searched by sound.
pub(crate) struct Terms {
    terms: Vec<ProbeCandidate>,
    /// (term, form) at the end of each spelling.
    trie: TokenTrie<(usize, usize)>,
}

/// A term found by sound after a context: its tokens and their summed log-probability.
struct Found {
    term: usize,
    form: usize,
    ids: Vec<WhisperTokenId>,
    sum: f32,
}

/// Paths kept at each step of the search, and terms kept at the end.
const BEAM: usize = 3;
/// Tokens a term may have.
const DEPTH: usize = 6;

impl Terms {
    pub(crate) fn new(ctx: &whisper_rs::WhisperContext, terms: Vec<ProbeCandidate>) -> Terms {
        let mut trie = TokenTrie::new();
        for (t, term) in terms.iter().enumerate() {
            for (f, form) in term.forms.iter().enumerate() {
                for (root, text) in [(SPACED, format!(" {form}")), (UNSPACED, form.clone())] {
                    let Ok(ids) = ctx.tokenize(&text, 64) else { continue };
                    if !ids.is_empty() && ids.len() <= DEPTH {
                        trie.insert(root, &ids, (t, f));
                    }
                }
            }
        }
        Terms { terms, trie }
    }

    /// The terms the decoder reads most easily after `context`: a beam search over the trie.
    fn search(
        &self,
        reader: &mut Reader,
        context: &[WhisperTokenId],
        spaced: bool,
    ) -> Result<Vec<Found>, WhisperError> {
        let root = if spaced { SPACED } else { UNSPACED };
        let mut beam: Vec<(usize, Vec<WhisperTokenId>, f32)> = vec![(root, Vec::new(), 0.0)];
        let mut found: Vec<Found> = Vec::new();
        for _ in 0..DEPTH {
            let mut next: Vec<(usize, usize, WhisperTokenId, f32)> = Vec::new();
            for (b, (node, path, sum)) in beam.iter().enumerate() {
                let mut read = context.to_vec();
                read.extend(path);
                let row = reader.row(&read)?;
                next.extend(self.trie.children(*node).map(|(id, child)| (b, child, id, sum + row.logp(id))));
            }
            next.sort_by(|a, b| b.3.total_cmp(&a.3));
            next.truncate(BEAM);
            let mut kept = Vec::new();
            for (b, child, id, sum) in next {
                let mut path = beam[b].1.clone();
                path.push(id);
                for &(term, form) in self.trie.ends(child) {
                    found.push(Found { term, form, ids: path.clone(), sum });
                }
                if self.trie.has_children(child) {
                    kept.push((child, path, sum));
                }
            }
            if kept.is_empty() {
                break;
            }
            beam = kept;
        }
        found.sort_by(|a, b| (b.sum / b.ids.len() as f32).total_cmp(&(a.sum / a.ids.len() as f32)));
        found.dedup_by(|a, b| a.term == b.term);
        found.truncate(BEAM);
        Ok(found)
    }
}

/// The decoder, reading token sequences after a context; what it read last stays in its cache,
/// so sequences sharing a beginning only pay for where they differ.
struct Reader<'a> {
    state: &'a mut WhisperState,
    threads: usize,
    cached: Vec<WhisperTokenId>,
    eot: WhisperTokenId,
}

/// Log-probabilities of the next token (over text tokens and end of text).
struct Row {
    logits: Vec<f32>,
    log_sum: f32,
}

impl Row {
    fn logp(&self, id: WhisperTokenId) -> f32 {
        self.logits.get(id as usize).map_or(f32::NEG_INFINITY, |l| l - self.log_sum)
    }
}

impl Reader<'_> {
    /// The next token's log-probabilities after `tokens`.
    fn row(&mut self, tokens: &[WhisperTokenId]) -> Result<Row, WhisperError> {
        let common = self.cached.iter().zip(tokens).take_while(|(a, b)| a == b).count();
        // At least one token is decoded: only the last one decoded has logits.
        let from = common.min(tokens.len().saturating_sub(1));
        self.state.decode(&tokens[from..], from, self.threads)?;
        self.cached.truncate(from);
        self.cached.extend_from_slice(&tokens[from..]);
        let logits = self.state.get_logits()?[..=self.eot as usize].to_vec();
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let log_sum = max + logits.iter().map(|l| (l - max).exp()).sum::<f32>().ln();
        Ok(Row { logits, log_sum })
    }

    /// Mean log-probability per token of reading `seq` then `after` (when given) after
    /// `context`.
    fn score(
        &mut self,
        context: &[WhisperTokenId],
        seq: &[WhisperTokenId],
        after: Option<WhisperTokenId>,
    ) -> Result<f32, WhisperError> {
        let targets: Vec<WhisperTokenId> = seq.iter().copied().chain(after).collect();
        let mut read = context.to_vec();
        let mut sum = 0.0;
        for &t in &targets {
            sum += self.row(&read)?.logp(t);
            read.push(t);
        }
        Ok(sum / targets.len().max(1) as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_spans_follow_the_text() {
        let tokens: [(i32, &[u8]); 4] = [(1, b" He"), (2, b" said"), (3, b" Ren"), (4, b"ee.")];
        let spans = token_spans(&tokens, "He said Renee.");
        let got: Vec<(usize, usize)> = spans.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(got, [(0, 2), (2, 7), (7, 11), (11, 14)]);
    }

    #[test]
    fn token_spans_refuse_text_that_is_not_the_tokens() {
        let tokens: [(i32, &[u8]); 2] = [(1, b" [BLANK_AUDIO]"), (2, b" Hello")];
        assert!(token_spans(&tokens, "Hello").is_empty());
    }
}
