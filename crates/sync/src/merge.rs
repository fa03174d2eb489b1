//! Field-level three-way merge of one entry: a field changed on one side only takes that side,
//! the same change on both sides is no conflict, different changes to one field are. Variant
//! sets merge (each side's additions and removals apply). A delete against an edit conflicts.
//! Time never decides.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::TeamEntry;

/// A field that both sides changed differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Iast,
    Deva,
    Category,
    /// One side deleted the entry, the other edited it.
    Deleted,
}

/// Merges `mine` and `theirs`, both descended from `base`; or names the fields in conflict.
pub fn merge(base: &TeamEntry, mine: &TeamEntry, theirs: &TeamEntry) -> Result<TeamEntry, Vec<Field>> {
    if mine.deleted != theirs.deleted {
        // A delete wins only over a side that did nothing else.
        let (deleter, other) = if mine.deleted { (mine, theirs) } else { (theirs, mine) };
        if deleter.deleted != base.deleted && !same_content(other, base) {
            return Err(vec![Field::Deleted]);
        }
    }
    let iast = pick(&base.iast, &mine.iast, &theirs.iast);
    let deva = pick(&base.deva, &mine.deva, &theirs.deva);
    let category = pick(&base.category, &mine.category, &theirs.category);
    let deleted = pick(&base.deleted, &mine.deleted, &theirs.deleted);
    match (iast, deva, category, deleted) {
        (Some(iast), Some(deva), Some(category), Some(deleted)) => Ok(TeamEntry {
            id: theirs.id.clone(),
            iast: iast.clone(),
            deva: deva.clone(),
            category: *category,
            variants: merge_sets(&base.variants, &mine.variants, &theirs.variants),
            deleted: *deleted,
        }),
        _ => Err([(Field::Iast, iast.is_none()), (Field::Deva, deva.is_none()), (Field::Category, category.is_none())]
            .into_iter()
            .filter_map(|(f, conflict)| conflict.then_some(f))
            .collect()),
    }
}

/// The side that changed, or either when both agree; `None` when both changed differently.
fn pick<'a, T: PartialEq>(base: &'a T, mine: &'a T, theirs: &'a T) -> Option<&'a T> {
    if mine == base || mine == theirs {
        Some(theirs)
    } else if theirs == base {
        Some(mine)
    } else {
        None
    }
}

/// `theirs` with my additions and removals since `base`.
fn merge_sets(base: &BTreeSet<String>, mine: &BTreeSet<String>, theirs: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = theirs.clone();
    out.extend(mine.difference(base).cloned());
    for removed in base.difference(mine) {
        out.remove(removed);
    }
    out
}

/// Equal but for the tombstone.
fn same_content(a: &TeamEntry, b: &TeamEntry) -> bool {
    a.iast == b.iast && a.deva == b.deva && a.category == b.category && a.variants == b.variants
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use shruti_core::lexicon::Category;

    use super::*;

    fn base() -> TeamEntry {
        let mut e = TeamEntry::new("01J9ZQ7M3X5V2K8T4N6R0B1C2D", "Arjuna", "अर्जुन", Category::Person);
        e.variants.extend(["Arjun".to_owned(), "Arjoona".to_owned()]);
        e
    }

    #[test]
    fn one_sided_changes_take_that_side() {
        let mut mine = base();
        mine.deva = "अर्जुनः".into();
        let mut theirs = base();
        theirs.category = Category::Sage;
        let m = merge(&base(), &mine, &theirs).unwrap();
        assert_eq!((m.deva.as_str(), m.category), ("अर्जुनः", Category::Sage));
    }

    #[test]
    fn the_same_field_changed_differently_conflicts_and_the_same_change_does_not() {
        let mut mine = base();
        mine.deva = "अर्जुनः".into();
        mine.iast = "Arjunā".into();
        let mut theirs = base();
        theirs.deva = "अर्जुना".into();
        theirs.iast = "Arjunā".into();
        assert_eq!(merge(&base(), &mine, &theirs), Err(vec![Field::Deva]));
        theirs.deva = mine.deva.clone();
        assert_eq!(merge(&base(), &mine, &theirs).unwrap(), mine);
    }

    #[test]
    fn variant_sets_merge() {
        let mut mine = base();
        mine.variants.remove("Arjoona");
        mine.variants.insert("Arujna".into());
        let mut theirs = base();
        theirs.variants.insert("Arjunah".into());
        let m = merge(&base(), &mine, &theirs).unwrap();
        assert_eq!(m.variants.into_iter().collect::<Vec<_>>(), ["Arjun", "Arjunah", "Arujna"]);
    }

    #[test]
    fn delete_against_edit_conflicts_either_way() {
        let mut deleted = base();
        deleted.deleted = true;
        let mut edited = base();
        edited.variants.insert("Arjunah".into());
        assert_eq!(merge(&base(), &deleted, &edited), Err(vec![Field::Deleted]));
        assert_eq!(merge(&base(), &edited, &deleted), Err(vec![Field::Deleted]));
        assert!(merge(&base(), &deleted, &base()).unwrap().deleted, "a delete of an untouched entry");
        assert!(merge(&base(), &base(), &deleted).unwrap().deleted);
    }

    fn side() -> impl Strategy<Value = TeamEntry> {
        let texts = prop::sample::select(vec!["Arjuna", "Arjunā", "Pārtha"]);
        let devas = prop::sample::select(vec!["अर्जुन", "अर्जुनः"]);
        let cats = prop::sample::select(vec![Category::Person, Category::Sage]);
        let vars = prop::collection::btree_set(prop::sample::select(vec!["a", "b", "c", "d"]), 0..4);
        (texts, devas, cats, vars, any::<bool>()).prop_map(|(iast, deva, category, vars, deleted)| {
            let mut e = TeamEntry::new("01J9ZQ7M3X5V2K8T4N6R0B1C2D", iast, deva, category);
            e.variants = vars.into_iter().map(str::to_owned).collect();
            e.deleted = deleted;
            e
        })
    }

    proptest! {
        /// Neither side is ever lost silently: a merge either conflicts or keeps every field
        /// that exactly one side changed, and it is symmetric in which side is "mine".
        #[test]
        fn merges_keep_one_sided_changes_and_are_symmetric(base in side(), mine in side(), theirs in side()) {
            let m = merge(&base, &mine, &theirs);
            let t = merge(&base, &theirs, &mine);
            prop_assert_eq!(m.is_ok(), t.is_ok());
            if let (Ok(m), Ok(t)) = (&m, &t) {
                prop_assert_eq!(m, t);
                for (b, x, y, got) in [
                    (&base.iast, &mine.iast, &theirs.iast, &m.iast),
                    (&base.deva, &mine.deva, &theirs.deva, &m.deva),
                ] {
                    if x != b && y == b { prop_assert_eq!(got, x); }
                    if y != b && x == b { prop_assert_eq!(got, y); }
                }
                for v in mine.variants.difference(&base.variants) { prop_assert!(m.variants.contains(v)); }
                for v in base.variants.difference(&theirs.variants) {
                    if mine.variants.contains(v) { prop_assert!(!m.variants.contains(v)); }
                }
            }
            // Merging with an unchanged side gives the other side.
            prop_assert_eq!(merge(&base, &base, &theirs), Ok(theirs.clone()));
            prop_assert_eq!(merge(&base, &mine, &mine), Ok(mine.clone()));
        }
    }
}
