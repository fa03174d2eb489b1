//! Lexicon-biased decoding: while whisper.cpp decodes, a token that continues a lexicon term's
//! spelling gets a bonus to its logit, so a term the model was about to break into English
//! ("Renee Amap") is written whole ("Pranayama").
//!
//! The bonus goes to the tokens that continue a path of the trie of every term's spellings once
//! the decoder's last tokens lie on it; starting a path gets at most a small bonus, and none for
//! a term that is short, ends with its first token, or begins with an English word: the audio
//! alone must start those. Special and timestamp tokens are never touched.
//!
//! whisper.cpp calls the filter before it computes the token probabilities, for several
//! decoders at once, so the filter reads only immutable data and records, for every step it
//! changed, what the probabilities were without it: a word's confidence is taken from that
//! record, or every boosted word would look certain.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHasher};
use shruti_core::BiasForm;
use whisper_rs::whisper_rs_sys as sys;
use whisper_rs::{FullParams, WhisperContext, WhisperTokenId};

use crate::trie::{TokenTrie, SPACED, UNSPACED};

/// How hard the decoder is pushed towards lexicon terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Whisper's own decoding, untouched.
    #[default]
    Off,
    Light,
    Normal,
    Strong,
}

impl Strength {
    /// (bonus to start a term, bonus to continue one, reach), in logits (nats): a token is
    /// only pushed when the model itself puts it within reach of its favourite, so the bias
    /// chooses between what the audio allows and never writes what it does not.
    fn bonuses(self) -> (f32, f32, f32) {
        match self {
            Strength::Off => (0.0, 0.0, 0.0),
            Strength::Light => (0.0, 2.0, 3.0),
            Strength::Normal => (0.0, 3.0, 5.0),
            Strength::Strong => (1.0, 5.0, 8.0),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Strength::Off => "off",
            Strength::Light => "light",
            Strength::Normal => "normal",
            Strength::Strong => "strong",
        }
    }
}

impl FromStr for Strength {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" => Ok(Strength::Off),
            "light" => Ok(Strength::Light),
            "normal" => Ok(Strength::Normal),
            "strong" => Ok(Strength::Strong),
            _ => Err(format!("unknown bias strength `{s}`: expected off, light, normal or strong")),
        }
    }
}

/// A spelling in one model's tokens, read with a leading space ([`SPACED`]) or not.
struct Spelling {
    root: usize,
    ids: Vec<WhisperTokenId>,
    /// The bias may help start it.
    opens: bool,
}

/// Longest spelling followed, in tokens.
const DEPTH: usize = 12;
/// Letters a path must have before its continuations get a bonus.
const FOLLOW_FROM: usize = 3;

/// The lexicon's spellings as one model's tokens, with the bonus for entering each node.
pub struct Bias {
    trie: TokenTrie<()>,
    /// Bonus for the token that enters each node after the first (indexed by node).
    bonus: Vec<f32>,
    /// The first tokens a bonus may start a term with, by token.
    starts: Vec<(WhisperTokenId, f32)>,
    /// Per text token: whether it starts with a space (it can start a word).
    spaced: Vec<bool>,
    /// The first special token: everything from here on is never touched.
    first_special: WhisperTokenId,
    strength: Strength,
    /// How far below the model's favourite a token may be and still be pushed.
    reach: f32,
    /// Hyphen tokens: no spelling has one, so inside a term they get the bonus as a penalty
    /// (pushed off its path, the model would join the rest on with a hyphen: "Prakri-Chi").
    hyphens: Vec<WhisperTokenId>,
}

impl Bias {
    /// The bias for `model`'s tokenizer over `forms` (from [`shruti_core::Engine::bias_forms`]);
    /// `is_english` says whether a word (lowercase) is an English word or name. None for
    /// [`Strength::Off`].
    pub fn new(
        model: &crate::Model,
        forms: &[BiasForm],
        strength: Strength,
        is_english: impl Fn(&str) -> bool,
    ) -> Option<Bias> {
        Self::build(&model.ctx, forms, strength, is_english)
    }

    fn build(
        ctx: &WhisperContext,
        forms: &[BiasForm],
        strength: Strength,
        is_english: impl Fn(&str) -> bool,
    ) -> Option<Bias> {
        if strength == Strength::Off {
            return None;
        }
        let vocab: Vec<Vec<u8>> =
            (0..ctx.token_eot()).map(|id| ctx.token_to_bytes(id).map(<[u8]>::to_vec).unwrap_or_default()).collect();
        let mut tokenized = Vec::with_capacity(forms.len() * 2);
        for form in forms {
            for (root, text) in [(SPACED, format!(" {}", form.text)), (UNSPACED, form.text.clone())] {
                if let Ok(ids) = ctx.tokenize(&text, 64) {
                    tokenized.push(Spelling { root, ids, opens: form.opens && root == SPACED });
                }
            }
        }
        Some(Bias::from_tokens(vocab, &tokenized, strength, is_english))
    }

    /// The bias over spellings already in tokens; `vocab` holds every text token's bytes (the
    /// first special token is `vocab.len()`).
    fn from_tokens(
        vocab: Vec<Vec<u8>>,
        spellings: &[Spelling],
        strength: Strength,
        is_english: impl Fn(&str) -> bool,
    ) -> Bias {
        let (start, go_on, reach) = strength.bonuses();
        let first_special = vocab.len() as WhisperTokenId;
        let bytes = |id: WhisperTokenId| vocab.get(id as usize).map_or(&[][..], Vec::as_slice);
        let mut trie = TokenTrie::new();
        // Per first node: its token, and whether a bonus may start a term there; per later
        // node: whether a bonus may continue one.
        let mut opens: FxHashMap<usize, (WhisperTokenId, bool)> = FxHashMap::default();
        let mut continues: FxHashMap<usize, bool> = FxHashMap::default();
        for Spelling { root, ids, opens: open } in spellings {
            if ids.is_empty() || ids.len() > DEPTH || ids.iter().any(|&id| id >= first_special) {
                continue;
            }
            let path = trie.insert(*root, ids, ());
            opens.entry(path[0]).or_insert((ids[0], false)).1 |= open;
            // Only a path with a few letters behind it is followed: two letters fit too many
            // words. A new word after an English one ("Sat" + " Chit") is the audio's to choose.
            let mut written = bytes(ids[0]).to_vec();
            for (&id, &node) in ids.iter().zip(&path).skip(1) {
                let next = bytes(id);
                let letters = written.iter().filter(|b| b.is_ascii_alphabetic()).count();
                let after_english = next.first() == Some(&b' ') && {
                    let words = String::from_utf8_lossy(&written).to_lowercase();
                    words.split_whitespace().last().is_some_and(&is_english)
                };
                *continues.entry(node).or_insert(true) &= letters >= FOLLOW_FROM && !after_english;
                written.extend_from_slice(next);
            }
        }
        let mut bonus = vec![0.0; trie.len()];
        let mut starts = Vec::new();
        for (&node, &(id, open)) in &opens {
            let token = String::from_utf8_lossy(bytes(id)).trim().to_lowercase();
            if open && start > 0.0 && trie.ends(node).is_empty() && !is_english(&token) {
                starts.push((id, start));
            }
        }
        starts.sort_by_key(|s| s.0);
        for (&node, &ok) in &continues {
            bonus[node] = if ok { go_on } else { 0.0 };
        }
        let spaced = vocab.iter().map(|b| b.first() == Some(&b' ')).collect();
        let hyphens = (0..first_special).filter(|&id| bytes(id).starts_with(b"-")).collect();
        Bias { trie, bonus, starts, spaced, first_special, strength, reach, hyphens }
    }

    /// The bonuses for the next token after `text` (the text tokens since the last timestamp),
    /// largest per token; true when `text` ends inside a term (some token continues it).
    fn bonuses(&self, text: &[WhisperTokenId], out: &mut Vec<(WhisperTokenId, f32)>) -> bool {
        out.clear();
        out.extend_from_slice(&self.starts);
        let starts = out.len();
        let mut inside = false;
        for j in text.len().saturating_sub(DEPTH)..text.len() {
            let root = if self.spaced.get(text[j] as usize) == Some(&true) {
                SPACED
            } else if j == 0 {
                UNSPACED
            } else {
                continue;
            };
            let Some(node) = self.trie.walk(root, &text[j..]) else { continue };
            for (id, child) in self.trie.children(node) {
                let b = self.bonus[child];
                if b <= 0.0 {
                    continue;
                }
                inside = true;
                let slot = match out[..starts].binary_search_by_key(&id, |o| o.0) {
                    Ok(i) => Some(i),
                    Err(_) => out[starts..].iter().position(|o| o.0 == id).map(|i| i + starts),
                };
                match slot {
                    Some(i) => out[i].1 = out[i].1.max(b),
                    None => out.push((id, b)),
                }
            }
        }
        inside
    }
}

impl std::fmt::Debug for Bias {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bias({}, {} nodes)", self.strength.name(), self.trie.len())
    }
}

/// What one step of decoding was before the bias changed it.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// The log of the softmax denominator after the bias, less the one before.
    delta: f32,
    /// The tokens given a bonus, with it.
    boosts: Vec<(WhisperTokenId, f32)>,
    /// The token the model preferred.
    winner: WhisperTokenId,
}

/// The steps a run of `full` changed, keyed by the text tokens since the last timestamp (what a
/// segment's tokens give back afterwards).
#[derive(Default)]
pub(crate) struct Record {
    steps: Mutex<FxHashMap<u64, Step>>,
}

fn key(text: &[WhisperTokenId]) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

impl Record {
    /// A token's probability without the bias, and whether the bias made it the winner; `text`
    /// is the segment's text tokens before it. None when the bias did not touch that step.
    pub(crate) fn unbiased(&self, text: &[WhisperTokenId], id: WhisperTokenId, p: f32) -> Option<(f32, bool)> {
        let steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
        let step = steps.get(&key(text))?;
        let bonus = step.boosts.iter().find(|b| b.0 == id).map_or(0.0, |b| b.1);
        let unbiased = (p.max(f32::MIN_POSITIVE).ln() - bonus + step.delta).exp().min(1.0);
        Some((unbiased, bonus > 0.0 && step.winner != id))
    }
}

/// What the filter reads: the bias, and where it records.
pub(crate) struct Filter<'a> {
    pub(crate) bias: &'a Bias,
    pub(crate) record: &'a Record,
}

impl Filter<'_> {
    /// Installs the filter on `params`. `self` must outlive the run of `full` they go to.
    pub(crate) fn install(&self, params: &mut FullParams) {
        // SAFETY: the callback only reads `self` (shared, Sync) through the pointer, and the
        // caller keeps `self` alive for as long as whisper.cpp may call it.
        unsafe {
            params.set_filter_logits_callback(Some(filter));
            params.set_filter_logits_callback_user_data(self as *const Filter as *mut c_void);
        }
    }

    fn apply(&self, tokens: &[sys::whisper_token_data], logits: &mut [f32]) {
        let first_special = self.bias.first_special;
        let since = tokens.iter().rposition(|t| t.id >= first_special).map_or(0, |i| i + 1);
        let text: Vec<WhisperTokenId> = tokens[since..].iter().map(|t| t.id).collect();
        let mut boosts = Vec::new();
        let inside = self.bias.bonuses(&text, &mut boosts);
        let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let floor = max - self.bias.reach;
        boosts.retain(|&(id, _)| id < first_special && logits[id as usize] >= floor);
        // Inside a term, a hyphen would break it: it gets the bonus as a penalty.
        if inside {
            let penalty = self.bias.strength.bonuses().1;
            boosts.extend(
                self.bias.hyphens.iter().filter(|&&id| logits[id as usize].is_finite()).map(|&id| (id, -penalty)),
            );
        }
        if boosts.is_empty() {
            return;
        }
        let (mut winner, mut best) = (0, f32::NEG_INFINITY);
        let mut sum = 0.0f64;
        for (id, &l) in logits.iter().enumerate() {
            if l > best {
                (winner, best) = (id as WhisperTokenId, l);
            }
            if l.is_finite() {
                sum += f64::from(l - max).exp();
            }
        }
        let mut added = 0.0f64;
        for &(id, b) in &boosts {
            let l = &mut logits[id as usize];
            added += f64::from(*l - max).exp() * (f64::from(b).exp() - 1.0);
            *l += b;
        }
        let delta = ((sum + added) / sum).ln() as f32;
        let step = Step { delta, boosts, winner };
        self.record.steps.lock().unwrap_or_else(|e| e.into_inner()).insert(key(&text), step);
    }
}

unsafe extern "C" fn filter(
    ctx: *mut sys::whisper_context,
    _state: *mut sys::whisper_state,
    tokens: *const sys::whisper_token_data,
    n_tokens: c_int,
    logits: *mut f32,
    user_data: *mut c_void,
) {
    if user_data.is_null() || logits.is_null() {
        return;
    }
    // SAFETY: whisper.cpp passes its decoder's tokens and a row of n_vocab logits, and the user
    // data set by `Filter::install`, alive for the whole run.
    let (filter, tokens, logits) = unsafe {
        let n_vocab = sys::whisper_n_vocab(ctx) as usize;
        let tokens =
            if tokens.is_null() { &[][..] } else { std::slice::from_raw_parts(tokens, n_tokens.max(0) as usize) };
        (&*(user_data as *const Filter), tokens, std::slice::from_raw_parts_mut(logits, n_vocab))
    };
    // A panic must not cross into C.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| filter.apply(tokens, logits)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary: token i is `VOCAB[i]`.
    const VOCAB: [&str; 12] = [" Pr", "ana", "yama", " is", " Renee", " Am", "ap", " Sat", " Chit", "-", " Om", " the"];

    fn id(text: &str) -> WhisperTokenId {
        VOCAB.iter().position(|t| *t == text).unwrap() as WhisperTokenId
    }

    fn spelling(tokens: &[&str], opens: bool) -> Spelling {
        Spelling { root: SPACED, ids: tokens.iter().map(|t| id(t)).collect(), opens }
    }

    fn bias(strength: Strength) -> Bias {
        let vocab = VOCAB.iter().map(|t| t.as_bytes().to_vec()).collect();
        let spellings = [
            spelling(&[" Pr", "ana", "yama"], true),
            spelling(&[" Renee", " Am", "ap"], true),
            spelling(&[" Sat", " Chit"], false),
            spelling(&[" Om"], false),
        ];
        Bias::from_tokens(vocab, &spellings, strength, |w| ["sat", "renee", "the", "is"].contains(&w))
    }

    fn bonus_of(bias: &Bias, text: &[&str], next: &str) -> f32 {
        let ids: Vec<WhisperTokenId> = text.iter().map(|t| id(t)).collect();
        let mut out = Vec::new();
        bias.bonuses(&ids, &mut out);
        out.iter().find(|b| b.0 == id(next)).map_or(0.0, |b| b.1)
    }

    #[test]
    fn a_path_is_followed_once_it_has_letters_behind_it() {
        let b = bias(Strength::Normal);
        // Two letters (" Pr") are too few to follow; " Pr" + "ana" is on its way.
        assert_eq!(bonus_of(&b, &[" the", " Pr"], "ana"), 0.0);
        assert_eq!(bonus_of(&b, &[" the", " Pr", "ana"], "yama"), 3.0);
        // Off the path, nothing.
        assert_eq!(bonus_of(&b, &[" the", " is", "ana"], "yama"), 0.0);
        // A heard form of several words is followed inside its words, but the audio alone
        // chooses a new word after an English one.
        assert_eq!(bonus_of(&b, &[" Renee"], " Am"), 0.0);
        assert_eq!(bonus_of(&b, &[" Renee", " Am"], "ap"), 3.0);
    }

    #[test]
    fn the_bias_never_starts_an_english_word_a_short_term_or_a_closed_one() {
        let b = bias(Strength::Strong);
        // A long term that does not start with an English word may be started, a little.
        assert_eq!(bonus_of(&b, &[" the"], " Pr"), 1.0);
        // Not: a term whose first word is English, nor one that ends with its first token.
        assert_eq!(bonus_of(&b, &[" the"], " Renee"), 0.0, "English first word");
        assert_eq!(bonus_of(&b, &[" the"], " Sat"), 0.0, "not allowed to open");
        assert_eq!(bonus_of(&b, &[" the"], " Om"), 0.0, "short");
        // After an English word, the next word of the spelling is the audio's to choose.
        assert_eq!(bonus_of(&b, &[" Sat"], " Chit"), 0.0);
        // Normal strength starts nothing.
        assert_eq!(bonus_of(&bias(Strength::Normal), &[" the"], " Pr"), 0.0);
    }

    #[test]
    fn the_record_gives_back_the_models_own_probabilities() {
        let b = bias(Strength::Normal);
        let record = Record::default();
        let filter = Filter { bias: &b, record: &record };
        let tokens: Vec<sys::whisper_token_data> = [" the", " Pr", "ana"]
            .iter()
            .map(|t| sys::whisper_token_data {
                id: id(t),
                tid: 0,
                p: 0.0,
                plog: 0.0,
                pt: 0.0,
                ptsum: 0.0,
                t0: 0,
                t1: 0,
                t_dtw: 0,
                vlen: 0.0,
            })
            .collect();
        // The model prefers " is" (logit 2) to "yama" (logit 0); a special token follows.
        let mut logits = vec![-10.0f32; VOCAB.len() + 1];
        logits[id(" is") as usize] = 2.0;
        logits[id("yama") as usize] = 0.0;
        logits[id("-") as usize] = 1.0;
        let softmax = |l: &[f32]| {
            let sum: f32 = l.iter().map(|x| x.exp()).sum();
            l.iter().map(|x| x.exp() / sum).collect::<Vec<f32>>()
        };
        let before = softmax(&logits);
        filter.apply(&tokens, &mut logits);
        let after = softmax(&logits);
        assert!(after[id("yama") as usize] > after[id(" is") as usize], "the bias changed the winner");
        assert!(after[id("-") as usize] < before[id("-") as usize], "a hyphen inside a term is held back");
        let since = [id(" the"), id(" Pr"), id("ana")];
        let (p, biased) = record.unbiased(&since, id("yama"), after[id("yama") as usize]).unwrap();
        assert!((p - before[id("yama") as usize]).abs() < 1e-4 && biased, "{p} vs {}", before[id("yama") as usize]);
        let (p, biased) = record.unbiased(&since, id(" is"), after[id(" is") as usize]).unwrap();
        assert!((p - before[id(" is") as usize]).abs() < 1e-4 && !biased);
        // A step the bias did not touch has no record: the probability stands.
        assert!(record.unbiased(&[id(" the")], id(" is"), 0.5).is_none());
    }
}
