//! Matching spellings nobody listed: the word's phonetic skeleton, looked up exactly, then within a
//! bounded edit distance in a BK-tree over every single-word entry's skeletons.

use rustc_hash::FxHashMap;

use super::skeleton::skeleton;
use crate::lexicon::{iast, EntryId, Lexicon};

pub(crate) struct FuzzyIndex {
    /// Skeleton → entries with that skeleton, the entry with most spellings behind it first
    /// (Kṛṣṇa, with a dozen listed spellings, before the river Kṛṣṇā).
    exact: FxHashMap<String, Vec<EntryId>>,
    tree: BkTree,
}

/// An entry reached by sound, and how far its skeleton is from the word's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub(crate) entry: EntryId,
    pub(crate) distance: u8,
}

impl FuzzyIndex {
    pub(crate) fn new(lexicon: &Lexicon) -> Self {
        let mut counted: FxHashMap<String, Vec<(EntryId, u32)>> = FxHashMap::default();
        for (id, entry) in lexicon.iter() {
            let spellings = std::iter::once(entry.iast.clone())
                .chain(entry.variants.iter().cloned())
                .chain([iast::anglicise(&entry.iast)]);
            for spelling in spellings.filter(|s| !s.contains([' ', '-'])) {
                let key = skeleton(&spelling);
                if key.len() < 3 {
                    continue;
                }
                let ids = counted.entry(key).or_default();
                match ids.iter_mut().find(|(e, _)| *e == id) {
                    Some((_, n)) => *n += 1,
                    None => ids.push((id, 1)),
                }
            }
        }
        let exact: FxHashMap<String, Vec<EntryId>> = counted
            .into_iter()
            .map(|(key, mut ids)| {
                ids.sort_by_key(|&(id, n)| (std::cmp::Reverse(n), id));
                (key, ids.into_iter().map(|(id, _)| id).collect())
            })
            .collect();
        let mut tree = BkTree::default();
        let mut keys: Vec<&String> = exact.keys().collect();
        keys.sort();
        for key in keys {
            tree.insert(key.clone());
        }
        FuzzyIndex { exact, tree }
    }

    /// Entries whose skeleton is `key`'s, or failing that within `max_distance` edits of it,
    /// nearest first.
    pub(crate) fn candidates(&self, key: &str, max_distance: u8, out: &mut Vec<Candidate>) {
        out.clear();
        if let Some(ids) = self.exact.get(key) {
            out.extend(ids.iter().map(|&entry| Candidate { entry, distance: 0 }));
            return;
        }
        let mut near = self.near(key, max_distance);
        // A recogniser keeps a word's first sound far more often than not.
        near.retain(|(skel, _)| skel.as_bytes().first() == key.as_bytes().first());
        for (skel, distance) in near {
            for &entry in &self.exact[skel] {
                if !out.iter().any(|c| c.entry == entry) {
                    out.push(Candidate { entry, distance });
                }
            }
        }
    }
}

impl FuzzyIndex {
    /// Every skeleton within `max_distance` edits of `key`, nearest first.
    pub(crate) fn near(&self, key: &str, max_distance: u8) -> Vec<(&String, u8)> {
        let mut near = Vec::new();
        self.tree.search(key, max_distance, &mut near);
        near.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        near
    }

    /// The entries with this skeleton, the one with most spellings behind it first.
    pub(crate) fn entries(&self, skeleton: &str) -> &[EntryId] {
        self.exact.get(skeleton).map_or(&[], Vec::as_slice)
    }
}

/// A Burkhard-Keller tree over skeletons under Levenshtein distance.
#[derive(Default)]
struct BkTree {
    nodes: Vec<BkNode>,
}

struct BkNode {
    key: String,
    children: Vec<(u8, u32)>,
}

impl BkTree {
    fn insert(&mut self, key: String) {
        if self.nodes.is_empty() {
            self.nodes.push(BkNode { key, children: Vec::new() });
            return;
        }
        let mut at = 0;
        loop {
            let d = levenshtein(&self.nodes[at].key, &key, u8::MAX);
            if d == 0 {
                return;
            }
            match self.nodes[at].children.iter().find(|c| c.0 == d) {
                Some(&(_, child)) => at = child as usize,
                None => {
                    let id = self.nodes.len() as u32;
                    self.nodes.push(BkNode { key, children: Vec::new() });
                    self.nodes[at].children.push((d, id));
                    return;
                }
            }
        }
    }

    fn search<'a>(&'a self, key: &str, max: u8, out: &mut Vec<(&'a String, u8)>) {
        if self.nodes.is_empty() {
            return;
        }
        let mut stack = vec![0usize];
        while let Some(at) = stack.pop() {
            let node = &self.nodes[at];
            let d = levenshtein(&node.key, key, u8::MAX);
            if d <= max {
                out.push((&node.key, d));
            }
            for &(edge, child) in &node.children {
                if edge.abs_diff(d) <= max {
                    stack.push(child as usize);
                }
            }
        }
    }
}

/// Levenshtein distance between two ASCII skeletons, saturating at `cap`.
pub(crate) fn levenshtein(a: &str, b: &str, cap: u8) -> u8 {
    crate::metrics::edit_distance(a.as_bytes(), b.as_bytes()).min(usize::from(cap)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("krsn", "krsn", 9), 0);
        assert_eq!(levenshtein("krsn", "kisn", 9), 1);
        assert_eq!(levenshtein("kitten", "sitting", 9), 3);
        assert_eq!(levenshtein("", "abc", 2), 2);
    }

    #[test]
    fn bk_tree_finds_everything_within_range() {
        let words = ["krsn", "karn", "arjun", "bim", "bisma", "drona", "duryodan", "yudistir"];
        let mut tree = BkTree::default();
        for w in words {
            tree.insert(w.to_owned());
        }
        for query in ["krsn", "kasn", "bism", "duryodn", "xyz"] {
            for max in 0..3 {
                let mut got: Vec<&str> = Vec::new();
                let mut out = Vec::new();
                tree.search(query, max, &mut out);
                got.extend(out.iter().map(|(k, _)| k.as_str()));
                got.sort();
                let mut want: Vec<&str> = words.iter().copied().filter(|w| levenshtein(w, query, 99) <= max).collect();
                want.sort();
                assert_eq!(got, want, "{query} within {max}");
            }
        }
    }
}
