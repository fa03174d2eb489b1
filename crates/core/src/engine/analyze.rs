//! One segment's analysis: exact matches, then sound-alike and unknown words, then verses.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::exact::{Hit, Source, Target};
use super::fuzzy::Candidate;
use super::scan::{apply_case, sentence_start, words, Scan};
use super::shape::sanskrit_shape;
use super::skeleton::{skeleton_into, SkeletonMode};
use super::sound::{first_per_entry, sounds_into, Near};
use super::Engine;
use crate::lexicon::{iast, EntryId, Policy};
use crate::report::{Analysis, Correction, Flag, FlagKind, Reason, Suggestion, SuggestionSource, VerseMatch};
use crate::transcript::{Heard, Segment};
use crate::verse::{Verse, VerseScratch};

/// Buffers reused from segment to segment.
#[derive(Default)]
pub(crate) struct Scratch {
    scan: Scan,
    hits: Vec<Hit>,
    tokens: Vec<Token>,
    lower: String,
    folded: Vec<u8>,
    skel: String,
    candidates: Vec<Candidate>,
    /// Sound-alike results by lowercased word: lectures repeat their terms.
    sound_alikes: FxHashMap<String, (Vec<Candidate>, bool)>,
    /// Entries near by sound (and whether as a plural), by lowercased span.
    near: FxHashMap<String, Vec<(Near, bool)>>,
    probs: Vec<(Range<usize>, f32)>,
    verse: VerseScratch,
    /// Entries already right in the text, so far (see `lecture::rerank`).
    pub(crate) found: Vec<EntryId>,
}

/// A word of the normalised text and what the English list says of it.
#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    english: bool,
    known: bool,
}

/// Everything about the segment that the judgements need.
struct Ctx<'a> {
    engine: &'a Engine,
    index: usize,
    segment: &'a Segment,
    starts_sentence: bool,
}

enum Outcome {
    Correct(Correction),
    Flag(Flag),
}

/// What became of an exact match. A short-lived return value: boxing the outcome would cost an
/// allocation per match for nothing.
#[allow(clippy::large_enum_variant)]
enum Judged {
    /// Ordinary English: left to the checks for plain words.
    English,
    /// Already right and not in doubt: nothing to do, and no other check either.
    Settled,
    Outcome(Outcome),
}

pub(crate) fn segment(
    engine: &Engine,
    index: usize,
    segment: &Segment,
    starts_sentence: bool,
    s: &mut Scratch,
    out: &mut Analysis,
) {
    let ctx = Ctx { engine, index, segment, starts_sentence };
    s.scan.build(&segment.text);
    locate_words(segment, &mut s.probs);
    tokenize(engine, s);

    let verse = find_verse(&ctx, s);

    let mut outcomes = Vec::new();
    engine.exact.find(&s.scan.text, s.tokens.iter().map(|t| t.start), &mut s.hits);
    let hits = std::mem::take(&mut s.hits);
    let mut covered = Vec::new();
    for hit in &hits {
        match judge_exact(&ctx, s, hit) {
            // Its words still get the checks every English word gets.
            Judged::English => continue,
            Judged::Settled => s.found.push(engine.exact.targets(hit.pattern)[0].entry),
            Judged::Outcome(o) => outcomes.push(o),
        }
        covered.push((hit.start, hit.end));
    }
    let tokens = std::mem::take(&mut s.tokens);
    let mut settled = vec![false; tokens.len()];
    let mut hit = covered.iter().peekable();
    for (t, settled) in tokens.iter().zip(&mut settled) {
        while hit.next_if(|&&(_, end)| end <= t.start).is_some() {}
        if hit.peek().is_some_and(|&&(start, _)| start < t.end) {
            *settled = true;
            continue;
        }
        if let Some(o) = judge_word(&ctx, s, t) {
            outcomes.push(o);
        }
    }
    s.hits = hits;
    s.tokens = tokens;
    near_misses(&ctx, s, &settled, &mut outcomes);
    compounds(&ctx, s, &mut outcomes);
    if !segment.heard.is_empty() {
        apply_heard(&ctx, &mut outcomes);
    }

    // A recited verse is one flag: nothing inside it is corrected or flagged word by word.
    if let Some(v) = verse {
        outcomes.retain(|o| o.range().end <= v.range.start || o.range().start >= v.range.end);
        outcomes.push(Outcome::Flag(v));
    }
    outcomes.sort_by_key(|o| o.range().start);
    let mut chars = CharCounter::default();
    for o in outcomes {
        match o {
            Outcome::Correct(c) => out.corrections.push(c),
            Outcome::Flag(mut f) => {
                f.span = [chars.at(&segment.text, f.range.start), chars.at(&segment.text, f.range.end)];
                out.flags.push(f);
            }
        }
    }
}

impl Outcome {
    fn range(&self) -> &Range<usize> {
        match self {
            Outcome::Correct(c) => &c.range,
            Outcome::Flag(f) => &f.range,
        }
    }
}

/// Character offsets of increasing byte offsets, counted once along the text.
#[derive(Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharCounter::default();
        }
        self.chars += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// Finds each ASR word's byte range in the segment text, in order.
fn locate_words(segment: &Segment, probs: &mut Vec<(Range<usize>, f32)>) {
    probs.clear();
    let Some(words) = &segment.words else { return };
    let mut at = 0;
    for w in words {
        let text = w.text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(i) = segment.text[at..].find(text) {
            probs.push((at + i..at + i + text.len(), w.probability));
            at += i + text.len();
        }
    }
}

fn min_prob(s: &Scratch, range: &Range<usize>) -> Option<f32> {
    s.probs.iter().filter(|(r, _)| r.start < range.end && range.start < r.end).map(|(_, p)| *p).reduce(f32::min)
}

fn tokenize(engine: &Engine, s: &mut Scratch) {
    s.tokens.clear();
    for (start, end) in words(&s.scan.text) {
        lowercase_into(&s.scan.text[start..end], &mut s.lower);
        let (english, known) = engine.english.classify(&s.lower);
        s.tokens.push(Token { start, end, english, known });
    }
}

/// Lowercases `word` into `out`, without a per-character walk when it is ASCII.
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// Entries that sound like `lower`: the word as a whole, then as an English plural, first by
/// exact skeleton, then by edit distance. Returns the candidates and whether the plural matched.
fn sound_alikes(
    engine: &Engine,
    lower: &str,
    letters: usize,
    folded: &mut Vec<u8>,
    skel: &mut String,
) -> (Vec<Candidate>, bool) {
    let may_be_plural = lower.ends_with('s') && letters > 4;
    let mut candidates = Vec::new();
    for max_distance in [0, 2] {
        for as_plural in [false, true] {
            if as_plural && !may_be_plural {
                continue;
            }
            let word = if as_plural { &lower[..lower.len() - 1] } else { lower };
            skeleton_into(word, SkeletonMode::Word, folded, skel);
            if skel.len() < 3 {
                continue;
            }
            // Short skeletons allow fewer edits: one edit in four letters is another word.
            let allowed = match skel.len() {
                0..=4 => 0,
                5..=6 => 1,
                _ => 2,
            };
            engine.fuzzy.candidates(skel, max_distance.min(allowed), &mut candidates);
            if !candidates.is_empty() {
                return (candidates, as_plural);
            }
        }
    }
    (candidates, false)
}

fn judge_exact(ctx: &Ctx, s: &Scratch, hit: &Hit) -> Judged {
    let engine = ctx.engine;
    let targets = engine.exact.targets(hit.pattern);
    let range = s.scan.original_range(hit.start, hit.end);
    let surface = &ctx.segment.text[range.clone()];
    let matched = &s.scan.text[hit.start..hit.end];
    let first = s.tokens.partition_point(|t| t.start < hit.start);
    let all_english = s.tokens[first..].iter().take_while(|t| t.end <= hit.end).all(|t| t.english);
    if all_english {
        // Ordinary English is left alone, unless a lone word is capitalised mid-sentence where a
        // name can stand ("Ram" the prince, not "ram" the animal).
        let names: Vec<&Target> = targets.iter().filter(|t| is_name(engine, t.entry)).collect();
        let capital_mid_sentence = !matched.contains(' ')
            && surface.starts_with(char::is_uppercase)
            && !sentence_start(&s.scan.text, hit.start, ctx.starts_sentence);
        if !capital_mid_sentence || names.is_empty() {
            return Judged::English;
        }
        let suggestions = names.iter().map(|t| suggestion(engine, t, surface, 0.5)).collect();
        let reasons = vec![Reason::EnglishHomograph];
        return Judged::Outcome(Outcome::Flag(flag(ctx, range, FlagKind::KnownVariant, 0.5, reasons, suggestions)));
    }

    let best = targets[0].source;
    let primary = targets.iter().filter(|t| t.source == best).count();
    let mut score: f32 = match best {
        Source::Canonical => 0.99,
        Source::Listed => 0.97,
        Source::Derived => 0.93,
    };
    let mut reasons = vec![match best {
        Source::Canonical => Reason::CanonicalForm,
        Source::Listed => Reason::ListedVariant,
        Source::Derived => Reason::DerivedSpelling,
    }];
    if targets[0].plural {
        reasons.push(Reason::Plural);
    }
    // A spelling the lexicon lists (or an exact IAST form) outranks the same spelling derived by
    // rule for another entry; only entries tied on the strongest evidence make it ambiguous.
    if primary > 1 {
        reasons.push(Reason::Ambiguous { entries: primary });
        score = 0.6;
    }
    let entry = engine.lexicon.get(targets[0].entry);
    if entry.policy == Policy::Suggest {
        reasons.push(Reason::SuggestOnly);
    }
    if surface.contains('<') {
        reasons.push(Reason::InsideMarkup);
    }
    let prob = min_prob(s, &range);
    if let Some(p) = prob.filter(|&p| p < engine.config.low_confidence) {
        reasons.push(Reason::LowAsrConfidence { probability: p });
        score *= 0.5 + p;
    }
    let replacement = replacement(engine, &targets[0], surface);
    if replacement == surface && primary == 1 {
        // Already right; only the recogniser's doubt is worth a look. Keeping the term is the
        // first choice, then the entries it may have been instead, by sound: a doubtful term
        // never reaches the expert with nothing to choose from.
        return match prob.filter(|&p| p < engine.config.low_confidence) {
            Some(p) => {
                let casing = term_casing(ctx, &range, surface);
                let mut suggestions = vec![suggestion(engine, &targets[0], surface, score)];
                let near = near_spellings(engine, &surface.to_lowercase());
                let others = near.iter().filter(|(n, _)| n.entry != targets[0].entry).take(4);
                suggestions.extend(others.map(|n| sound_suggestion(engine, n, casing)));
                Judged::Outcome(Outcome::Flag(flag(ctx, range, FlagKind::LowConfidence, 1.0 - p, reasons, suggestions)))
            }
            None => Judged::Settled,
        };
    }
    let auto = score >= engine.config.auto_threshold && entry.policy == Policy::Auto && !surface.contains('<');
    if let Some(replacement) = keep_line_breaks(surface, &replacement).filter(|_| auto) {
        return Judged::Outcome(Outcome::Correct(Correction {
            segment: ctx.index,
            range,
            original: surface.to_owned(),
            replacement,
            entry: targets[0].entry,
            score,
            reasons,
        }));
    }
    let mut suggestions: Vec<Suggestion> = targets
        .iter()
        .map(|t| suggestion(engine, t, surface, if t.source == best { score } else { score - 0.2 }))
        .collect();
    suggestions.dedup_by(|a, b| a.text == b.text);
    Judged::Outcome(Outcome::Flag(flag(ctx, range, FlagKind::KnownVariant, score, reasons, suggestions)))
}

/// The replacement with the surface's line breaks kept between the same words ("Bhagavad\nGita"
/// → "Bhagavad\nGītā"), so a cue keeps its lines; `None` when the words do not pair up.
fn keep_line_breaks(surface: &str, replacement: &str) -> Option<String> {
    if !surface.contains('\n') {
        return Some(replacement.to_owned());
    }
    let is_gap = |c: char| c.is_whitespace() || c == '-';
    let mut breaks = Vec::new();
    let mut in_gap = false;
    for c in surface.chars() {
        if is_gap(c) {
            if !in_gap {
                breaks.push(false);
            }
            in_gap = true;
            if c == '\n' {
                *breaks.last_mut()? = true;
            }
        } else {
            in_gap = false;
        }
    }
    if replacement.chars().filter(|&c| is_gap(c)).count() != breaks.len() {
        return None;
    }
    let mut gaps = breaks.into_iter();
    Some(replacement.chars().map(|c| if is_gap(c) && gaps.next() == Some(true) { '\n' } else { c }).collect())
}

fn judge_word(ctx: &Ctx, s: &mut Scratch, t: &Token) -> Option<Outcome> {
    let engine = ctx.engine;
    let config = &engine.config;
    let range = s.scan.original_range(t.start, t.end);
    let prob = min_prob(s, &range);
    let low = |limit: f32| prob.filter(|&p| p < limit);
    let word = &s.scan.text[t.start..t.end];
    let letters = word.chars().count();
    if t.known || letters < 4 || !word.chars().all(char::is_alphabetic) {
        let limit = if t.known { config.english_low_confidence } else { config.low_confidence };
        return low(limit).map(|p| Outcome::Flag(low_confidence_flag(ctx, range, p)));
    }
    // Tokens stop before a possessive 's, so only plurals need care: tried without their s.
    lowercase_into(word, &mut s.lower);
    let (candidates, plural) = match s.sound_alikes.get(s.lower.as_str()) {
        Some(found) => found.clone(),
        None => {
            let found = sound_alikes(engine, &s.lower, letters, &mut s.folded, &mut s.skel);
            s.sound_alikes.insert(s.lower.clone(), found.clone());
            found
        }
    };
    s.candidates = candidates;
    let surface = &ctx.segment.text[range.clone()];
    if s.candidates.is_empty() {
        let shape = sanskrit_shape(surface);
        let doubtful = low(config.low_confidence);
        if shape >= config.unknown_shape || (doubtful.is_some() && shape >= 0.4) {
            let mut reasons = vec![Reason::SanskritShape { score: shape }];
            reasons.extend(doubtful.map(|p| Reason::LowAsrConfidence { probability: p }));
            return Some(Outcome::Flag(flag(ctx, range, FlagKind::UnknownTerm, shape, reasons, Vec::new())));
        }
        return doubtful.map(|p| Outcome::Flag(low_confidence_flag(ctx, range, p)));
    }
    let exact_sound = s.candidates.iter().filter(|c| c.distance == 0).count();
    let top = s.candidates[0];
    let entry = engine.lexicon.get(top.entry);
    let mut reasons =
        vec![if top.distance == 0 { Reason::SkeletonMatch } else { Reason::EditDistance { distance: top.distance } }];
    if plural {
        reasons.push(Reason::Plural);
    }
    if exact_sound > 1 {
        reasons.push(Reason::Ambiguous { entries: exact_sound });
    }
    let mut top_score = 0.9 - 0.12 * f32::from(top.distance) - if exact_sound > 1 { 0.2 } else { 0.0 };
    if let Some(p) = low(config.low_confidence) {
        reasons.push(Reason::LowAsrConfidence { probability: p });
        top_score *= 0.5 + p;
    }
    let make = |c: &Candidate, score: f32| {
        let e = engine.lexicon.get(c.entry);
        let text = if plural { apply_case(&format!("{}s", e.iast), surface) } else { apply_case(&e.iast, surface) };
        Suggestion { text, score, source: SuggestionSource::Phonetic, deva: Some(e.deva.clone()), entry: Some(c.entry) }
    };
    let auto = top.distance == 0
        && exact_sound == 1
        && letters >= 5
        && entry.policy == Policy::Auto
        && top_score >= config.auto_threshold
        && !surface.contains('<');
    if auto {
        let replacement = make(&top, top_score).text;
        return (replacement != surface).then(|| {
            Outcome::Correct(Correction {
                segment: ctx.index,
                range,
                original: surface.to_owned(),
                replacement,
                entry: top.entry,
                score: top_score,
                reasons,
            })
        });
    }
    let suggestions: Vec<Suggestion> = s
        .candidates
        .iter()
        .take(5)
        .map(|c| make(c, top_score - 0.12 * f32::from(c.distance.saturating_sub(top.distance))))
        .collect();
    Some(Outcome::Flag(flag(ctx, range, FlagKind::Fuzzy, top_score, reasons, suggestions)))
}

/// Words joined to a doubtful one, at most, on either side, when it is looked up by sound.
const JOIN_REACH: usize = 2;
/// A neighbour the recogniser was this sure of, if common English, is not part of a term.
const SURE_ENGLISH: f32 = 0.85;
/// Short English words the recogniser writes inside a term it splits ("Pat and Jali"): joined
/// between two words of a span, never at its ends; a span with one is only ever suggested.
const GLUE: [&str; 6] = ["and", "the", "of", "a", "an", "in"];
/// What each joined word adds to a span's distance: a join must earn its place.
const JOIN_COST: f32 = 0.02;
/// The nearest entry is applied only this much nearer than the next.
const RIVAL_GAP: f32 = 0.08;
/// How near by sound an entry must be to a word the recogniser was sure of (not English the
/// list knows, but not doubted either), to be suggested: nearer than for a doubted word.
const SURE_WORD_NEAR: f32 = 0.3;
/// How near by sound an entry must be to words already placed one by one, to be offered for
/// them together.
const COMPOUND_NEAR: f32 = 0.3;

/// Entries near a span of words by sound (and whether as a plural), nearest first.
type NearList = Vec<(Near, bool)>;

/// Looks up by sound what neither the lexicon nor the skeleton placed: each word left doubtful
/// without a suggestion, and each unknown word, alone and joined with its doubtful neighbours
/// (Whisper splits a term it does not know: "Nila kanta"). The nearest entry is suggested, or
/// applied when it is very near, unrivalled and nothing common English is in the span.
fn near_misses(ctx: &Ctx, s: &mut Scratch, settled: &[bool], outcomes: &mut Vec<Outcome>) {
    let engine = ctx.engine;
    let text = &ctx.segment.text;
    let ranges = word_ranges(s);
    let open_flag = |o: &Outcome, r: &Range<usize>| {
        matches!(o, Outcome::Flag(f) if overlaps(&f.range, r)
            && ((f.suggestions.is_empty() && matches!(f.kind, FlagKind::LowConfidence | FlagKind::UnknownTerm))
                || (f.kind == FlagKind::Fuzzy && matches!(f.reasons.first(), Some(Reason::EditDistance { .. })))))
    };
    let mut free: Vec<bool> = ranges
        .iter()
        .zip(settled)
        .map(|(r, &settled)| !settled && !outcomes.iter().any(|o| overlaps(o.range(), r) && !open_flag(o, r)))
        .collect();
    let seed: Vec<bool> = (0..ranges.len())
        .map(|i| {
            let t = &s.tokens[i];
            let word = &text[ranges[i].clone()];
            free[i]
                && (outcomes.iter().any(|o| open_flag(o, &ranges[i]))
                    || (!t.known && word.chars().count() >= 4 && word.chars().all(char::is_alphabetic)))
        })
        .collect();
    let joinable: Vec<bool> = (0..ranges.len())
        .map(|i| {
            free[i] && (seed[i] || !s.tokens[i].english || min_prob(s, &ranges[i]).is_some_and(|p| p < SURE_ENGLISH))
        })
        .collect();
    let glue: Vec<bool> = ranges.iter().map(|r| GLUE.iter().any(|g| text[r.clone()].eq_ignore_ascii_case(g))).collect();
    for i in (0..ranges.len()).filter(|&i| seed[i]) {
        if !free[i] {
            continue;
        }
        // The span (first and last word) whose sound is nearest an entry.
        let mut best: Option<(f32, Range<usize>, NearList)> = None;
        for a in i.saturating_sub(JOIN_REACH)..=i {
            for b in i..(i + JOIN_REACH + 1).min(ranges.len()) {
                let inside = |k: usize| free[k] && (joinable[k] || (glue[k] && a < k && k < b));
                if b - a > JOIN_REACH || !(a..=b).all(inside) || !adjacent(text, &ranges[a..=b]) {
                    continue;
                }
                let near = near_span(engine, s, text, &ranges[a..=b]);
                let Some(&(top, _)) = near.first() else { continue };
                let cost = top.distance + JOIN_COST * (b - a) as f32;
                if best.as_ref().is_none_or(|x| cost < x.0) {
                    best = Some((cost, a..b + 1, near));
                }
            }
        }
        let Some((_, words, near)) = best else { continue };
        let range = ranges[words.start].start..ranges[words.end - 1].end;
        // A word the recogniser was sure of, though no English word the list knows, needs a
        // nearer entry than a word it doubted.
        let doubted = outcomes.iter().any(|o| open_flag(o, &range));
        if !doubted && near[0].0.distance > SURE_WORD_NEAR {
            continue;
        }
        // What the words were flagged for still holds; the sound adds what they may be.
        let (covered, kept): (Vec<Outcome>, Vec<Outcome>) =
            std::mem::take(outcomes).into_iter().partition(|o| overlaps(o.range(), &range));
        *outcomes = kept;
        let doubts: Vec<Flag> =
            covered.into_iter().filter_map(|o| if let Outcome::Flag(f) = o { Some(f) } else { None }).collect();
        free[words.clone()].iter_mut().for_each(|f| *f = false);
        let surface = &text[range.clone()];
        let auto = certain(engine, &near, surface)
            && !inflected(engine, &near, surface)
            && !words.clone().any(|k| s.tokens[k].english);
        let kind = [FlagKind::UnknownTerm, FlagKind::LowConfidence]
            .into_iter()
            .find(|&k| doubts.iter().any(|f| f.kind == k))
            .unwrap_or(FlagKind::Fuzzy);
        let reasons = doubts.into_iter().flat_map(|f| f.reasons).collect();
        outcomes.push(by_sound(ctx, range, &near, auto, kind, reasons, None));
    }
}

/// Terms Whisper split into words the lexicon knows each of ("Nila Kanda": Nīla and kāṇḍa, for
/// Nīlakaṇṭha): two or three adjacent words, each already corrected or flagged, whose sound
/// together is very near one entry. The words as corrected one by one stay a suggestion.
fn compounds(ctx: &Ctx, s: &mut Scratch, outcomes: &mut Vec<Outcome>) {
    let engine = ctx.engine;
    let text = &ctx.segment.text;
    let ranges = word_ranges(s);
    let mut i = 0;
    while i < ranges.len() {
        let mut next = i + 1;
        // The longest span first: "Shiva Ratri" before "Ratri".
        for b in (i + 1..(i + JOIN_REACH + 1).min(ranges.len())).rev() {
            let words = &ranges[i..=b];
            let range = words[0].start..words[words.len() - 1].end;
            // In text order: the look-ups by sound push theirs after the rest.
            let mut inside: Vec<&Outcome> = outcomes.iter().filter(|o| overlaps(o.range(), &range)).collect();
            inside.sort_by_key(|o| o.range().start);
            let each_word_placed = words.iter().all(|w| inside.iter().any(|o| overlaps(o.range(), w)));
            let within = inside.iter().all(|o| range.start <= o.range().start && o.range().end <= range.end);
            if inside.len() < 2 || !each_word_placed || !within || !adjacent(text, words) {
                continue;
            }
            let near = near_span(engine, s, text, words);
            let Some(&(top, _)) = near.first() else { continue };
            let pieces: Vec<EntryId> = inside.iter().filter_map(|o| outcome_entry(o)).collect();
            if top.distance > COMPOUND_NEAR || pieces.contains(&top.entry) {
                continue;
            }
            // The words as the lexicon read them one by one, for the expert to keep.
            let mut apart = String::new();
            let mut at = range.start;
            for o in &inside {
                if let Outcome::Correct(c) = o {
                    apart.push_str(&text[at..c.range.start]);
                    apart.push_str(&c.replacement);
                    at = c.range.end;
                }
            }
            apart.push_str(&text[at..range.end]);
            let all_corrected = inside.iter().all(|o| matches!(o, Outcome::Correct(_)));
            let auto = all_corrected && certain(engine, &near, &text[range.clone()]);
            // Words the lexicon corrected with certainty are not put in doubt by a guess, nor
            // replaced by an entry that has one of them as a word ("sahaja samādhi" over
            // "sabīja samādhi"): it explains no more than they do.
            let piece_words = pieces.iter().flat_map(|&p| engine.lexicon.get(p).iast.split(' '));
            let top_words: Vec<&str> = engine.lexicon.get(top.entry).iast.split(' ').collect();
            let shares_a_word = top_words.len() > 1 && piece_words.into_iter().any(|w| top_words.contains(&w));
            if all_corrected && (!auto || shares_a_word) {
                continue;
            }
            let apart = (apart != text[range.clone()]).then_some(Suggestion {
                text: apart,
                score: 0.5,
                source: SuggestionSource::Lexicon,
                deva: None,
                entry: None,
            });
            outcomes.retain(|o| !overlaps(o.range(), &range));
            outcomes.push(by_sound(ctx, range, &near, auto, FlagKind::Fuzzy, Vec::new(), apart));
            next = b + 1;
            break;
        }
        i = next;
    }
}

fn word_ranges(s: &Scratch) -> Vec<Range<usize>> {
    s.tokens.iter().map(|t| s.scan.original_range(t.start, t.end)).collect()
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Whether only spaces and hyphens part the words: a comma or a full stop ends a term.
fn adjacent(text: &str, words: &[Range<usize>]) -> bool {
    words.windows(2).all(|w| text[w[0].end..w[1].start].chars().all(|c| c.is_whitespace() || c == '-'))
}

fn outcome_entry(o: &Outcome) -> Option<EntryId> {
    match o {
        Outcome::Correct(c) => Some(c.entry),
        Outcome::Flag(f) => f.suggestions.first().and_then(|s| s.entry),
    }
}

/// The entries near these words, read together, by sound (cached: lectures repeat their terms).
fn near_span(engine: &Engine, s: &mut Scratch, text: &str, words: &[Range<usize>]) -> NearList {
    let joined: String = words.iter().flat_map(|r| text[r.clone()].chars().flat_map(char::to_lowercase)).collect();
    s.near.entry(joined).or_insert_with_key(|joined| near_spellings(engine, joined)).clone()
}

/// Case endings of a-stems (locative -e, accusative -am, instrumental -ena…), as sounds.
const A_STEM_ENDINGS: [&[u8]; 12] =
    [b"e", b"am", b"ena", b"asya", b"aya", b"at", b"ah", b"au", b"ani", b"esu", b"aih", b"anam"];

/// Whether `surface` is the nearest entry declined: its stem and a case ending, exactly
/// ("Kurukshetre", "Kurukshetram" for Kurukṣetra). A scholar wants the form kept, so it is
/// asked, never rewritten to the stem.
fn inflected(engine: &Engine, near: &[(Near, bool)], surface: &str) -> bool {
    let Some(&(top, false)) = near.first() else { return false };
    let (mut letters, mut written, mut said) = (Vec::new(), Vec::new(), Vec::new());
    sounds_into(surface, &mut letters, &mut written);
    sounds_into(&iast::anglicise(&engine.lexicon.get(top.entry).iast), &mut letters, &mut said);
    let Some(stem) = said.strip_suffix(b"a") else { return false };
    written.strip_prefix(stem).is_some_and(|ending| A_STEM_ENDINGS.contains(&ending))
}

/// Whether the nearest entry is near enough, and far enough ahead of the next, to be applied
/// to `surface` without asking.
fn certain(engine: &Engine, near: &[(Near, bool)], surface: &str) -> bool {
    let Some(&(top, _)) = near.first() else { return false };
    let rival = near.get(1).map_or(1.0, |n| n.0.distance);
    top.distance <= engine.config.sound_auto
        && rival - top.distance >= RIVAL_GAP
        && engine.lexicon.get(top.entry).policy == Policy::Auto
        && surface.chars().filter(|c| c.is_alphabetic()).count() >= 5
        && !surface.contains('<')
}

/// The correction (when `auto`) or flag that the entries near `range` by sound make, with the
/// flag's other `reasons` and an `extra` last suggestion.
fn by_sound(
    ctx: &Ctx,
    range: Range<usize>,
    near: &[(Near, bool)],
    auto: bool,
    kind: FlagKind,
    mut reasons: Vec<Reason>,
    extra: Option<Suggestion>,
) -> Outcome {
    let engine = ctx.engine;
    let text = &ctx.segment.text;
    let surface = &text[range.clone()];
    let casing = term_casing(ctx, &range, surface);
    let top = near[0].0;
    let sound = Reason::SoundsLike { distance: top.distance };
    if auto {
        let best = sound_suggestion(engine, &near[0], casing);
        return Outcome::Correct(Correction {
            segment: ctx.index,
            range,
            original: surface.to_owned(),
            replacement: best.text,
            entry: top.entry,
            score: best.score,
            reasons: vec![sound],
        });
    }
    let mut suggestions: Vec<Suggestion> = near.iter().take(5).map(|n| sound_suggestion(engine, n, casing)).collect();
    suggestions.extend(extra);
    reasons.push(sound);
    Outcome::Flag(flag(ctx, range, kind, suggestions[0].score, reasons, suggestions))
}

/// How a term found by sound or by the audio is cased: like the words it replaces at a sentence
/// start, else as the lexicon writes it (a capital mid-sentence is the recogniser's guess).
fn term_casing<'a>(ctx: &Ctx, range: &Range<usize>, surface: &'a str) -> &'a str {
    if sentence_start(&ctx.segment.text, range.start, ctx.starts_sentence) {
        surface
    } else {
        ""
    }
}

/// An entry near by sound (as a plural, if so), cased like `casing`, scored by its nearness.
fn sound_suggestion(engine: &Engine, &(n, plural): &(Near, bool), casing: &str) -> Suggestion {
    let e = engine.lexicon.get(n.entry);
    let iast = if plural { format!("{}s", e.iast) } else { e.iast.clone() };
    Suggestion {
        text: apply_case(&iast, casing),
        score: (0.95 - n.distance).clamp(0.0, 1.0),
        source: SuggestionSource::Phonetic,
        deva: Some(e.deva.clone()),
        entry: Some(n.entry),
    }
}

/// Entries near `lower` by sound, and, for an English plural, near it without its s; nearest
/// first, one per entry.
fn near_spellings(engine: &Engine, lower: &str) -> Vec<(Near, bool)> {
    let limit = engine.config.sound_suggest;
    let mut near: Vec<(Near, bool)> = engine.sounds().near(lower, limit).into_iter().map(|n| (n, false)).collect();
    if let Some(base) = lower.strip_suffix('s').filter(|b| b.len() >= 4) {
        near.extend(engine.sounds().near(base, limit).into_iter().map(|n| (n, true)));
    }
    near.sort_by(|a, b| a.0.distance.total_cmp(&b.0.distance));
    first_per_entry(&mut near, |n| n.0.entry);
    near
}

/// Replaces what the text alone said of each re-scored span with what the audio said: the
/// strongest evidence first, a span overlapping one already decided left alone. A candidate far
/// enough above what was written is applied (policy permitting, and never over words that are all
/// common English); one near enough is suggested, the candidates ranked by their scores. A
/// correction the text alone made stands unless the audio corrects the span.
fn apply_heard(ctx: &Ctx, outcomes: &mut Vec<Outcome>) {
    let engine = ctx.engine;
    let config = &engine.config;
    let text = &ctx.segment.text;
    let margin = |h: &Heard| h.candidates.first().map_or(f32::NEG_INFINITY, |c| c.score - h.written);
    let mut heard: Vec<&Heard> =
        ctx.segment.heard.iter().filter(|h| h.start < h.end && text.get(h.start..h.end).is_some()).collect();
    heard.sort_by(|a, b| margin(b).total_cmp(&margin(a)));
    let mut taken: Vec<Range<usize>> = Vec::new();
    for h in heard {
        let range = h.start..h.end;
        let m = margin(h);
        if m < -config.heard_suggest_margin || taken.iter().any(|t| overlaps(t, &range)) {
            continue;
        }
        let best = &h.candidates[0];
        let Some(id) = engine.lexicon.by_iast(&best.iast) else { continue };
        let entry = engine.lexicon.get(id);
        let surface = &text[range.clone()];
        let english = surface.split_whitespace().all(|w| engine.english.is_common(&w.to_lowercase()));
        let auto = m >= config.heard_auto_margin && entry.policy == Policy::Auto && !surface.contains('<') && !english;
        let corrected = outcomes.iter().any(|o| matches!(o, Outcome::Correct(_)) && overlaps(o.range(), &range));
        if corrected && !auto {
            continue;
        }
        outcomes.retain(|o| !overlaps(o.range(), &range));
        taken.push(range.clone());
        let reasons = vec![Reason::Heard { form: best.form.clone(), score: best.score, written: h.written }];
        // Whisper capitalises a term it took for a name ("Renee Amap"): only a sentence start
        // (or a name) keeps a capital.
        let casing = term_casing(ctx, &range, surface);
        let replacement = apply_case(&entry.iast, casing);
        if auto {
            if replacement != surface {
                outcomes.push(Outcome::Correct(Correction {
                    segment: ctx.index,
                    range,
                    original: surface.to_owned(),
                    replacement,
                    entry: id,
                    score: heard_score(m),
                    reasons,
                }));
            }
            continue;
        }
        let suggestions = h
            .candidates
            .iter()
            .filter(|c| c.score - h.written >= -config.heard_suggest_margin)
            .filter_map(|c| {
                let id = engine.lexicon.by_iast(&c.iast)?;
                let e = engine.lexicon.get(id);
                Some(Suggestion {
                    text: apply_case(&e.iast, casing),
                    score: heard_score(c.score - h.written),
                    source: SuggestionSource::Heard,
                    deva: Some(e.deva.clone()),
                    entry: Some(id),
                })
            })
            .collect();
        outcomes.push(Outcome::Flag(flag(ctx, range, FlagKind::Fuzzy, heard_score(m), reasons, suggestions)));
    }
}

/// A margin in nats per token as a confidence: 0.73 at a tie, 0.95 a nat above.
fn heard_score(margin: f32) -> f32 {
    1.0 / (1.0 + (-(2.0 * margin + 1.0)).exp())
}

/// A recited verse in the segment, as a flag spanning the recitation.
fn find_verse(ctx: &Ctx, s: &mut Scratch) -> Option<Flag> {
    let index = ctx.engine.verses.as_ref()?;
    // Only segments with several non-English words can hold a recitation: a cheap filter that
    // keeps the index lookup off ordinary English.
    if s.tokens.iter().filter(|t| !t.known && t.end - t.start >= 2).count() < 3 {
        return None;
    }
    let hit = index.find_with(&ctx.segment.text, &mut s.verse)?;
    let line_grams = index.grams_of_lines(&hit);
    let recited: Vec<&Token> =
        s.tokens.iter().filter(|t| index.shares_grams(&s.scan.text[t.start..t.end], &line_grams)).collect();
    let (first, last) = (recited.first()?, recited.last()?);
    let range = s.scan.original_range(first.start, last.end);
    let suggestion = |verse: &Verse, lines: &[usize], score: f32| {
        let join = |texts: &[String]| lines.iter().map(|&l| texts[l].as_str()).collect::<Vec<_>>().join(" ");
        Suggestion {
            text: join(&verse.iast),
            score,
            source: SuggestionSource::Verse,
            deva: Some(join(&verse.deva)),
            entry: None,
        }
    };
    let mut suggestions = vec![suggestion(hit.verse, &hit.lines, hit.coverage)];
    suggestions.extend(hit.also.iter().map(|(verse, lines)| suggestion(verse, lines, hit.coverage - 0.01)));
    let iast = suggestions[0].text.clone();
    let reasons = vec![Reason::VerseCoverage { coverage: hit.coverage }];
    let mut f = flag(ctx, range, FlagKind::Verse, hit.coverage, reasons, suggestions);
    f.verse = Some(VerseMatch {
        work: hit.work.to_owned(),
        reference: hit.verse.reference.clone(),
        iast,
        also: hit.also.iter().map(|(v, _)| v.reference.clone()).collect(),
    });
    Some(f)
}

fn low_confidence_flag(ctx: &Ctx, range: Range<usize>, p: f32) -> Flag {
    flag(ctx, range, FlagKind::LowConfidence, 1.0 - p, vec![Reason::LowAsrConfidence { probability: p }], Vec::new())
}

fn flag(
    ctx: &Ctx,
    range: Range<usize>,
    kind: FlagKind,
    score: f32,
    reasons: Vec<Reason>,
    suggestions: Vec<Suggestion>,
) -> Flag {
    let text = &ctx.segment.text;
    Flag {
        segment: ctx.index,
        start_ms: ctx.segment.start_ms,
        end_ms: ctx.segment.end_ms,
        surface: text[range.clone()].to_owned(),
        range,
        span: [0, 0], // filled in once the segment's flags are in order
        kind,
        score: score.clamp(0.0, 1.0),
        reasons,
        suggestions,
        verse: None,
    }
}

fn is_name(engine: &Engine, id: EntryId) -> bool {
    engine.lexicon.get(id).iast.starts_with(char::is_uppercase)
}

fn replacement(engine: &Engine, t: &Target, surface: &str) -> String {
    let iast = &engine.lexicon.get(t.entry).iast;
    if t.plural {
        apply_case(&format!("{iast}s"), surface)
    } else {
        apply_case(iast, surface)
    }
}

fn suggestion(engine: &Engine, t: &Target, surface: &str, score: f32) -> Suggestion {
    let entry = engine.lexicon.get(t.entry);
    Suggestion {
        text: replacement(engine, t, surface),
        score: score.clamp(0.0, 1.0),
        source: SuggestionSource::Lexicon,
        deva: Some(entry.deva.clone()),
        entry: Some(t.entry),
    }
}
