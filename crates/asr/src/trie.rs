//! A trie over token sequences: spellings as one model's tokens, shared by the lexicon bias and
//! the search by sound.

use whisper_rs::WhisperTokenId;

/// Node of the spellings read with a leading space (the usual case inside a sentence).
pub(crate) const SPACED: usize = 0;
/// Node of the spellings read without one (the first word of a window).
pub(crate) const UNSPACED: usize = 1;

/// Token sequences, each ending in values of type `T`.
pub(crate) struct TokenTrie<T> {
    nodes: Vec<Node<T>>,
}

struct Node<T> {
    /// (token, child), sorted by token.
    children: Vec<(WhisperTokenId, u32)>,
    ends: Vec<T>,
}

impl<T> Node<T> {
    fn new() -> Self {
        Node { children: Vec::new(), ends: Vec::new() }
    }
}

impl<T> TokenTrie<T> {
    pub(crate) fn new() -> Self {
        TokenTrie { nodes: vec![Node::new(), Node::new()] }
    }

    /// Adds `ids` under `root` ([`SPACED`] or [`UNSPACED`]), ending in `value`; returns the
    /// nodes of the path, one per token.
    pub(crate) fn insert(&mut self, root: usize, ids: &[WhisperTokenId], value: T) -> Vec<usize> {
        let mut at = root;
        let mut path = Vec::with_capacity(ids.len());
        for &id in ids {
            at = match self.child(at, id) {
                Some(child) => child,
                None => {
                    self.nodes.push(Node::new());
                    let child = self.nodes.len() - 1;
                    let children = &mut self.nodes[at].children;
                    let i = children.partition_point(|c| c.0 < id);
                    children.insert(i, (id, child as u32));
                    child
                }
            };
            path.push(at);
        }
        self.nodes[at].ends.push(value);
        path
    }

    pub(crate) fn child(&self, node: usize, id: WhisperTokenId) -> Option<usize> {
        let children = &self.nodes[node].children;
        children.binary_search_by_key(&id, |c| c.0).ok().map(|i| children[i].1 as usize)
    }

    /// (token, child node) of every way on from `node`.
    pub(crate) fn children(&self, node: usize) -> impl Iterator<Item = (WhisperTokenId, usize)> + '_ {
        self.nodes[node].children.iter().map(|&(id, child)| (id, child as usize))
    }

    pub(crate) fn has_children(&self, node: usize) -> bool {
        !self.nodes[node].children.is_empty()
    }

    /// The values of the sequences that end at `node`.
    pub(crate) fn ends(&self, node: usize) -> &[T] {
        &self.nodes[node].ends
    }

    /// The node reached from `root` by `ids`, if they lie on a path.
    pub(crate) fn walk(&self, root: usize, ids: &[WhisperTokenId]) -> Option<usize> {
        ids.iter().try_fold(root, |at, &id| self.child(at, id))
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_beginnings_share_nodes_and_paths_can_be_walked() {
        let mut trie = TokenTrie::new();
        let a = trie.insert(SPACED, &[7, 3, 9], "pranayama");
        let b = trie.insert(SPACED, &[7, 3], "prana");
        let c = trie.insert(UNSPACED, &[7], "Pr");
        assert_eq!(a[..2], b[..], "one node per shared token");
        assert_ne!(c[0], a[0], "the two roots do not mix");
        assert_eq!(trie.walk(SPACED, &[7, 3]), Some(b[1]));
        assert_eq!(trie.ends(b[1]), ["prana"]);
        assert_eq!(trie.walk(SPACED, &[7, 4]), None);
        assert_eq!(trie.children(a[0]).collect::<Vec<_>>(), [(3, a[1])]);
        assert!(!trie.has_children(a[2]));
        // Children stay sorted whatever the order they came in.
        trie.insert(SPACED, &[2], "x");
        trie.insert(SPACED, &[9], "y");
        let firsts: Vec<_> = trie.children(SPACED).map(|c| c.0).collect();
        assert_eq!(firsts, [2, 7, 9]);
        assert_eq!(trie.len(), 1 + 1 + 3 + 1 + 2);
    }
}
