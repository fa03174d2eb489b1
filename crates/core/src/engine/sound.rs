//! How a spelling sounds, for the words a recogniser wrote its own way. Any Latin spelling is read
//! as English letters would be ("c" before "a" is k, "ph" is p, "au" is o) into a rough string of
//! sounds, and what was written is compared with each term's sounds by an edit distance whose
//! costs are how the recogniser mishears ([`Mishearing`], learned): little for what it confuses
//! often (one vowel for another, m for b, a dropped h) and a lot for the rest. The skeleton decides what is certain; this finds what is only close: "Coravas" for
//! Kauravas, "Nila kanta" for Nīlakaṇṭha, "Matman" for ātman.

use super::mishearing::{is_vowel, Mishearing, FULL, NONE};
use crate::lexicon::{iast, EntryId, Lexicon};

/// Reads `text` as sounds into `out` (cleared first); `letters` is scratch space.
pub(crate) fn sounds_into(text: &str, letters: &mut Vec<u8>, out: &mut Vec<u8>) {
    letters.clear();
    letters.extend(
        text.chars().map(|c| iast::fold_char(c).to_ascii_lowercase()).filter(char::is_ascii_lowercase).map(|c| c as u8),
    );
    out.clear();
    let b = letters.as_slice();
    let mut i = 0;
    while i < b.len() {
        let (c, next) = (b[i], b.get(i + 1).copied());
        let mut width = 1;
        let sound = match (c, next) {
            (b'c' | b's', Some(b'h')) => {
                width = 2;
                c
            }
            (b'c', Some(b'k')) => {
                width = 2;
                b'k'
            }
            (b'c', Some(b'e' | b'i' | b'y')) => b's',
            (b'c' | b'q', _) => b'k',
            (b'k' | b'g' | b'j' | b't' | b'd' | b'p' | b'b', Some(b'h')) => {
                width = 2;
                c
            }
            (b'f', _) => b'p',
            (b'w', _) => b'v',
            (b'x', _) => {
                push(out, b'k');
                b's'
            }
            // A y that starts no syllable is a vowel ("Vijay").
            (b'y', n) if !n.is_some_and(is_vowel) => b'i',
            (b'e', Some(b'e')) => {
                width = 2;
                b'i'
            }
            (b'o', Some(b'o' | b'u')) => {
                width = 2;
                b'u'
            }
            (b'a', Some(b'u')) => {
                width = 2;
                b'o'
            }
            // Aspiration after a consonant is lost in most recognisers' spellings.
            (b'h', _) if out.last().is_some_and(|&l| !is_vowel(l)) => {
                i += 1;
                continue;
            }
            _ => c,
        };
        push(out, sound);
        i += width;
    }
}

/// Appends a sound unless it repeats the last one: doubled letters are one sound.
fn push(out: &mut Vec<u8>, sound: u8) {
    if out.last() != Some(&sound) {
        out.push(sound);
    }
}

fn at(c: u8) -> usize {
    usize::from(c - b'a')
}

/// The edit-distance row of `query` against a string of sounds, before its first sound.
fn first_row(query: &[u8], row: &mut Vec<u16>) {
    let cost = Mishearing::bundled();
    row.clear();
    row.push(0);
    for &c in query {
        row.push(row[row.len() - 1] + cost.cost(NONE, at(c)));
    }
}

/// The row after one more sound `x` of a term, from the row before it: the weighted edit
/// distance's step, each cell the cost of the recogniser writing that much of `query`.
fn next_row(query: &[u8], x: u8, before: &[u16], after: &mut [u16]) {
    let cost = Mishearing::bundled();
    let dropped = cost.cost(at(x), NONE);
    after[0] = before[0] + dropped;
    for (j, &y) in query.iter().enumerate() {
        after[j + 1] =
            (before[j] + cost.cost(at(x), at(y))).min(before[j + 1] + dropped).min(after[j] + cost.cost(NONE, at(y)));
    }
}

/// The distance as a share of the longer string's full cost: 0 is the same sound, 0.3 about one
/// sound in three misheard.
pub(crate) fn closeness(cost: u16, a: usize, b: usize) -> f32 {
    f32::from(cost) / f32::from(FULL) / a.max(b).max(1) as f32
}

/// Every entry's spellings by sound, in a trie, for the words the skeleton could not place. A
/// look-up walks it computing one edit-distance row per node, so spellings that share a start
/// share the work, and a branch is left as soon as no spelling in it can come near enough.
pub(crate) struct SoundIndex {
    nodes: Vec<Node>,
}

#[derive(Default)]
struct Node {
    /// Sound → child, in sound order.
    children: Vec<(u8, u32)>,
    /// The entries with a spelling that ends here.
    entries: Vec<EntryId>,
    /// The longest spelling in this branch, in sounds.
    longest: usize,
}

/// An entry that sounds like a span, with its closeness (see [`closeness`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Near {
    pub(crate) entry: EntryId,
    pub(crate) distance: f32,
}

/// Sounds a term needs to be looked for: shorter ones match too many English words.
const MIN_SOUNDS: usize = 4;

/// One look-up's query and bounds, and its rows (one per depth of the walk).
struct Walk<'a> {
    query: &'a [u8],
    radius: u16,
    limit: f32,
    rows: Vec<Vec<u16>>,
    found: Vec<Near>,
}

impl SoundIndex {
    pub(crate) fn new(lexicon: &Lexicon) -> Self {
        let mut index = SoundIndex { nodes: vec![Node::default()] };
        let mut letters = Vec::new();
        for (id, entry) in lexicon.iter() {
            let spellings = std::iter::once(iast::anglicise(&entry.iast))
                .chain(entry.variants.iter().filter(|v| v.is_ascii()).cloned());
            let keys: Vec<Vec<u8>> = spellings
                .map(|spelling| {
                    let mut key = Vec::new();
                    sounds_into(&spelling, &mut letters, &mut key);
                    key
                })
                .collect();
            // A listed English plural ("Kauravas") is found as a plural of the singular: kept
            // here it would be written back without its s.
            let plural = |key: &Vec<u8>| {
                !entry.iast.ends_with('s') && key.ends_with(b"s") && keys.iter().any(|k| k[..] == key[..key.len() - 1])
            };
            for key in keys.iter().filter(|k| k.len() >= MIN_SOUNDS && !plural(k)) {
                index.insert(key, id);
            }
        }
        index
    }

    fn insert(&mut self, key: &[u8], id: EntryId) {
        let mut at = 0;
        for &c in key {
            self.nodes[at].longest = self.nodes[at].longest.max(key.len());
            at = match self.nodes[at].children.binary_search_by_key(&c, |&(s, _)| s) {
                Ok(i) => self.nodes[at].children[i].1 as usize,
                Err(i) => {
                    let child = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[at].children.insert(i, (c, child as u32));
                    child
                }
            };
        }
        let node = &mut self.nodes[at];
        node.longest = node.longest.max(key.len());
        if !node.entries.contains(&id) {
            node.entries.push(id);
        }
    }

    /// Entries within `limit` closeness of `text`, nearest first, one per entry.
    pub(crate) fn near(&self, text: &str, limit: f32) -> Vec<Near> {
        let (mut letters, mut query) = (Vec::new(), Vec::new());
        sounds_into(text, &mut letters, &mut query);
        if query.len() < MIN_SOUNDS {
            return Vec::new();
        }
        // A longer term can cost more and still be as close: a little wider than the query's own
        // share, then each judged by its own length.
        let radius = (limit * f32::from(FULL) * query.len() as f32 * 1.25).ceil() as u16;
        let mut first = Vec::new();
        first_row(&query, &mut first);
        let mut walk = Walk { query: &query, radius, limit, rows: vec![first], found: Vec::new() };
        self.walk(0, 0, &mut walk);
        let mut near = walk.found;
        near.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.entry.cmp(&b.entry)));
        first_per_entry(&mut near, |n| n.entry);
        near
    }

    /// Visits the children of `node`, at `depth` sounds, whose row is `walk.rows[depth]`.
    fn walk(&self, node: usize, depth: usize, walk: &mut Walk) {
        let m = walk.query.len();
        if walk.rows.len() == depth + 1 {
            walk.rows.push(vec![0; m + 1]);
        }
        for &(sound, child) in &self.nodes[node].children {
            let (done, rest) = walk.rows.split_at_mut(depth + 1);
            let row = &mut rest[0];
            next_row(walk.query, sound, &done[depth], row);
            let child_node = &self.nodes[child as usize];
            let cost = row[m];
            if cost <= walk.radius && closeness(cost, m, depth + 1) <= walk.limit {
                let distance = closeness(cost, m, depth + 1);
                walk.found.extend(child_node.entries.iter().map(|&entry| Near { entry, distance }));
            }
            // Every spelling below passes through this row, so costs at least its least cell;
            // and none is longer than the branch's longest.
            let least = row.iter().copied().min().unwrap_or(0);
            let reach = walk.limit * f32::from(FULL) * m.max(child_node.longest) as f32;
            if least <= walk.radius && f32::from(least) <= reach {
                self.walk(child as usize, depth + 1, walk);
            }
        }
    }
}

/// Keeps the first of each entry's items (the nearest, in a list sorted nearest first).
pub(crate) fn first_per_entry<T>(items: &mut Vec<T>, entry: impl Fn(&T) -> EntryId) {
    let mut seen = Vec::new();
    items.retain(|item| {
        let first = !seen.contains(&entry(item));
        seen.push(entry(item));
        first
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sounds(text: &str) -> String {
        let mut out = Vec::new();
        sounds_into(text, &mut Vec::new(), &mut out);
        String::from_utf8(out).unwrap()
    }

    /// The cost of the recogniser writing the sounds `b` for the sounds `a`, row by row.
    fn distance(a: &[u8], b: &[u8]) -> u16 {
        let mut row = Vec::new();
        first_row(b, &mut row);
        for &x in a {
            let before = row.clone();
            next_row(b, x, &before, &mut row);
        }
        row[b.len()]
    }

    /// How far what was `written` is from the `term`.
    fn apart(written: &str, term: &str) -> f32 {
        let (x, y) = (sounds(written), sounds(term));
        closeness(distance(y.as_bytes(), x.as_bytes()), x.len(), y.len())
    }

    #[test]
    fn english_letters_are_read_as_english() {
        assert_eq!(sounds("Coravas"), sounds("Kauravas"));
        assert_eq!(sounds("Kurukshetra"), "kuruksetra");
        assert_eq!(sounds("Chitta"), "cita");
        assert_eq!(sounds("Bhishma"), "bisma");
        assert_eq!(sounds("Phala"), sounds("fala"));
        assert_eq!(sounds("Vijay"), "vijai");
    }

    #[test]
    fn recogniser_confusions_cost_little() {
        assert!(apart("Nila kanta", "Nilakantha") < 0.05);
        assert!(apart("Matman", "Atman") < 0.3);
        // tiny.en writes m for b and v, often.
        assert!(apart("Magavad", "Bhagavad") < 0.05);
        assert!(apart("Yajana", "Yajna") < 0.25);
        assert!(apart("Shremana", "Shravana") < 0.2);
        // Unrelated words stay far apart.
        assert!(apart("mother", "Vamana") > 0.3);
        assert!(apart("computer", "Kumbhaka") > 0.3);
    }

    #[test]
    fn distance_is_zero_only_for_equal_sounds() {
        for (a, b) in [("kauravas", "koravas"), ("atman", "matman"), ("", "abc"), ("prana", "pranayama")] {
            let (x, y) = (sounds(a), sounds(b));
            assert_eq!(distance(x.as_bytes(), y.as_bytes()) == 0, x == y, "{a} {b}");
        }
    }

    #[test]
    fn the_index_finds_entries_by_sound() {
        let lexicon = Lexicon::bundled();
        let index = SoundIndex::new(&lexicon);
        let first = |text: &str| index.near(text, 0.3).first().map(|n| lexicon.get(n.entry).iast.clone());
        assert_eq!(first("Coravas").as_deref(), Some("Kaurava"), "{:?}", index.near("Coravas", 0.3));
        assert_eq!(first("Nila kanta").as_deref(), Some("Nīlakaṇṭha"));
        assert!(index.near("the", 0.3).is_empty(), "too short to look for");
    }

    /// Every spelling in the trie, with its entries.
    fn spellings(index: &SoundIndex) -> Vec<(Vec<u8>, Vec<EntryId>)> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, Vec::new())];
        while let Some((node, key)) = stack.pop() {
            let n = &index.nodes[node];
            if !n.entries.is_empty() {
                out.push((key.clone(), n.entries.clone()));
            }
            for &(c, child) in &n.children {
                let mut longer = key.clone();
                longer.push(c);
                stack.push((child as usize, longer));
            }
        }
        out
    }

    #[test]
    fn the_walk_finds_exactly_what_comparing_every_spelling_finds() {
        let lexicon = Lexicon::bundled();
        let index = SoundIndex::new(&lexicon);
        let all = spellings(&index);
        assert!(all.len() > 1000, "{}", all.len());
        for text in ["Coravas", "Renee Amap", "Matman", "Shankara Acharya", "mother", "Bhagvad Geeta", "yoga"] {
            for limit in [0.1, 0.3] {
                let query = sounds(text);
                let radius = (limit * f32::from(FULL) * query.len() as f32 * 1.25).ceil() as u16;
                let mut want: Vec<Near> = all
                    .iter()
                    .filter_map(|(key, entries)| {
                        let cost = distance(key, query.as_bytes());
                        let d = closeness(cost, query.len(), key.len());
                        (cost <= radius && d <= limit).then_some((entries, d))
                    })
                    .flat_map(|(entries, distance)| entries.iter().map(move |&entry| Near { entry, distance }))
                    .collect();
                want.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.entry.cmp(&b.entry)));
                first_per_entry(&mut want, |n| n.entry);
                if query.len() < MIN_SOUNDS {
                    want.clear();
                }
                assert_eq!(index.near(text, limit), want, "{text} within {limit}");
            }
        }
    }
}
