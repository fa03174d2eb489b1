//! Exact matching of every known spelling (listed variants, derived spellings, canonical IAST and
//! their English plurals) with one Aho-Corasick automaton.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use rustc_hash::FxHashMap;

use super::scan::{word_end, word_start};
use crate::lexicon::{iast, EntryId, Lexicon};

/// How a spelling is tied to its entry; lower ranks are stronger evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Canonical,
    Listed,
    Derived,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Target {
    pub(crate) entry: EntryId,
    pub(crate) source: Source,
    pub(crate) plural: bool,
}

/// A validated match in the normalised text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) pattern: usize,
}

pub(crate) struct ExactMatcher {
    automaton: AhoCorasick,
    /// For each pattern, the entries it spells, strongest first.
    targets: Vec<Vec<Target>>,
}

impl ExactMatcher {
    pub(crate) fn new(lexicon: &Lexicon) -> Self {
        let mut by_key: FxHashMap<String, Vec<Target>> = FxHashMap::default();
        let mut add = |spelling: &str, entry: EntryId, source: Source| {
            let key = pattern_key(spelling);
            if key.is_empty() {
                return;
            }
            for (key, plural) in [(key.clone(), false), (key + "s", true)] {
                let targets = by_key.entry(key).or_default();
                if let Some(t) = targets.iter_mut().find(|t| t.entry == entry) {
                    if (source, plural) < (t.source, t.plural) {
                        (t.source, t.plural) = (source, plural);
                    }
                } else {
                    targets.push(Target { entry, source, plural });
                }
            }
        };
        for (id, entry) in lexicon.iter() {
            add(&entry.iast, id, Source::Canonical);
            for v in &entry.variants {
                add(v, id, Source::Listed);
            }
            add(&iast::ascii_fold(&entry.iast), id, Source::Derived);
            add(&iast::anglicise(&entry.iast), id, Source::Derived);
        }
        mark_listed_plurals(lexicon, &mut by_key);
        let mut patterns: Vec<(String, Vec<Target>)> = by_key.into_iter().collect();
        patterns.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, targets) in &mut patterns {
            // A singular spelling beats a plural reading of another spelling (Vedas is the
            // plural of Veda, not a spelling of something else).
            let best_plural = targets.iter().map(|t| t.plural).min().unwrap_or(false);
            targets.retain(|t| t.plural == best_plural);
            targets.sort_by_key(|t| (t.source, t.entry));
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(patterns.iter().map(|(k, _)| k.as_str()))
            .expect("lexicon patterns build an automaton");
        ExactMatcher { automaton, targets: patterns.into_iter().map(|(_, t)| t).collect() }
    }

    pub(crate) fn targets(&self, pattern: usize) -> &[Target] {
        &self.targets[pattern]
    }

    /// The leftmost-longest set of non-overlapping matches that sit on word boundaries, trying
    /// only the given word starts (every spelling starts with a letter): the automaton walks a
    /// few bytes per word instead of running over every byte of the text.
    pub(crate) fn find(&self, text: &str, word_starts: impl Iterator<Item = usize>, hits: &mut Vec<Hit>) {
        hits.clear();
        let mut at = 0;
        for start in word_starts {
            if start < at {
                continue;
            }
            if let Some(hit) = self.longest_on_boundaries(text, start, text.len()) {
                at = hit.end;
                hits.push(hit);
            }
        }
    }

    /// The longest match starting at `start`, no longer than `end`, that sits on word
    /// boundaries. The longest match comes first; a shorter one is only looked for when that one
    /// runs into a word ("Bhagavad" in "Bhagavad Gitarahasya").
    fn longest_on_boundaries(&self, text: &str, start: usize, mut end: usize) -> Option<Hit> {
        if !word_start(text, start) {
            return None;
        }
        loop {
            let input = Input::new(text).span(start..end).anchored(Anchored::Yes);
            let m = self.automaton.find(input)?;
            if word_end(text, m.end()).is_some() {
                return Some(Hit { start, end: m.end(), pattern: m.pattern().as_usize() });
            }
            end = m.end() - 1;
        }
    }
}

/// A listed spelling that is another spelling of the same entry plus "s" is its plural
/// ("Pandavas" beside "Pandava"), so the correction keeps the s: Pāṇḍavas, not Pāṇḍava.
fn mark_listed_plurals(lexicon: &Lexicon, by_key: &mut FxHashMap<String, Vec<Target>>) {
    let plural_keys: Vec<String> = by_key.keys().filter(|k| k.ends_with('s')).cloned().collect();
    for key in plural_keys {
        let singular: Vec<EntryId> = match by_key.get(&key[..key.len() - 1]) {
            Some(targets) => targets.iter().filter(|t| !t.plural).map(|t| t.entry).collect(),
            None => continue,
        };
        if let Some(targets) = by_key.get_mut(&key) {
            for t in targets.iter_mut() {
                if !t.plural && singular.contains(&t.entry) && !lexicon.get(t.entry).iast.ends_with('s') {
                    t.plural = true;
                }
            }
        }
    }
}

/// The normalised form a spelling is matched under: lowercase non-ASCII, hyphens and runs of
/// spaces as one space (the scan does the same to the text; ASCII case is left to the automaton).
pub(crate) fn pattern_key(spelling: &str) -> String {
    spelling
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .map(|c| if c.is_ascii() { c.to_ascii_lowercase() } else { c.to_lowercase().next().unwrap_or(c) })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
