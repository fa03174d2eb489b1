//! The push planner: what the server read in its transaction goes in, the outcome of every
//! change and the rows to write come out. Pure, so every rule is tested without a database.

use std::collections::{HashMap, HashSet};

use crate::{merge, Change, Conflict, EntryRow, Field, Outcome, TeamEntry};

/// What the server read for a push, inside the push's transaction.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    /// The current rows of the entries the push names, by id.
    pub rows: HashMap<String, EntryRow>,
    /// Each named entry as it was at the change's base version (from its history).
    pub bases: HashMap<(String, i64), TeamEntry>,
    /// The live (not deleted) rows holding the keys of the pushed entries, by key.
    pub owners: HashMap<String, EntryRow>,
}

/// The outcome of each change, in order, and the rows to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub outcomes: Vec<Outcome>,
    /// Each to be stored at the push's new version, with a history row.
    pub writes: Vec<EntryRow>,
}

/// Plans a push by `user` at `now` (unix ms); written rows get `version`.
pub fn plan_push(changes: &[Change], gathered: &Gathered, version: i64, user: &str, now: i64) -> Plan {
    let mut rows = gathered.rows.clone();
    let mut owners: HashMap<String, String> =
        gathered.owners.iter().map(|(k, row)| (k.clone(), row.entry.id.clone())).collect();
    let owner_row = |id: &str, rows: &HashMap<String, EntryRow>| {
        rows.get(id).or_else(|| gathered.owners.values().find(|r| r.entry.id == id)).cloned()
    };
    let mut seen = HashSet::new();
    let mut plan = Plan { outcomes: Vec::new(), writes: Vec::new() };
    for change in changes {
        let entry = &change.entry;
        let rejected = |reason: String| Outcome::Rejected { id: entry.id.clone(), reason };
        if !seen.insert(entry.id.as_str()) {
            plan.outcomes.push(rejected("the entry appears twice in one push".into()));
            continue;
        }
        if let Some(problem) = entry.problem() {
            plan.outcomes.push(rejected(problem));
            continue;
        }
        let current = rows.get(&entry.id).cloned();
        let wanted = match (&current, change.base_version) {
            (None, None) => Ok(entry.clone()),
            (None, Some(v)) => {
                Err(Box::new(rejected(format!("the server has no entry {} (pushed from version {v})", entry.id))))
            }
            (Some(cur), None) => created_twice(entry, cur),
            (Some(cur), Some(v)) if v == cur.version => Ok(entry.clone()),
            (Some(cur), Some(v)) if v > cur.version => {
                Err(Box::new(rejected(format!("version {v} is newer than the server's {}", cur.version))))
            }
            (Some(cur), Some(v)) => match gathered.bases.get(&(entry.id.clone(), v)) {
                None => Err(Box::new(rejected(format!("the server has no version {v} of entry {}", entry.id)))),
                Some(base) => merge(base, entry, &cur.entry).map_err(|fields| {
                    Box::new(Outcome::Conflict { row: cur.clone(), conflict: Conflict::Fields { fields } })
                }),
            },
        };
        let new = match wanted {
            Ok(new) => new,
            Err(outcome) => {
                plan.outcomes.push(*outcome);
                continue;
            }
        };
        let key = new.key();
        if let Some(owner) = owners.get(&key).filter(|o| **o != new.id && !new.deleted) {
            let row = owner_row(owner, &rows).expect("an owner is a gathered or written row");
            plan.outcomes.push(Outcome::Conflict { row, conflict: Conflict::SameKey });
            continue;
        }
        if let Some(cur) = current.as_ref().filter(|c| c.entry == new) {
            plan.outcomes.push(Outcome::Applied { row: cur.clone() });
            continue;
        }
        if let Some(old) = &current {
            owners.remove(&old.entry.key());
        }
        if !new.deleted {
            owners.insert(key, new.id.clone());
        }
        let row = EntryRow { entry: new, version, updated_by: user.to_owned(), updated_at: now };
        rows.insert(row.entry.id.clone(), row.clone());
        plan.writes.push(row.clone());
        plan.outcomes.push(Outcome::Applied { row });
    }
    plan
}

/// A create for an id the server already has (a retry under a new batch): the same entry, or
/// one that differs only in variants, is merged; other differences conflict.
fn created_twice(entry: &TeamEntry, current: &EntryRow) -> Result<TeamEntry, Box<Outcome>> {
    let cur = &current.entry;
    let fields: Vec<Field> = [
        (Field::Iast, entry.iast != cur.iast),
        (Field::Deva, entry.deva != cur.deva),
        (Field::Category, entry.category != cur.category),
        (Field::Deleted, entry.deleted != cur.deleted),
    ]
    .into_iter()
    .filter_map(|(f, differs)| differs.then_some(f))
    .collect();
    if !fields.is_empty() {
        return Err(Box::new(Outcome::Conflict { row: current.clone(), conflict: Conflict::Fields { fields } }));
    }
    let mut merged = cur.clone();
    merged.variants.extend(entry.variants.iter().cloned());
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use shruti_core::lexicon::Category;

    use super::*;

    const A: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2A";
    const B: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2B";

    fn entry(id: &str, iast: &str) -> TeamEntry {
        TeamEntry::new(id, iast, "अर्जुन", Category::Person)
    }

    fn row(entry: TeamEntry, version: i64) -> EntryRow {
        EntryRow { entry, version, updated_by: "asha".into(), updated_at: 1 }
    }

    fn create(e: TeamEntry) -> Change {
        Change { entry: e, base_version: None }
    }

    /// The server holds entry A ("Arjuna") at version 3, whose version 2 had no variants.
    fn gathered() -> Gathered {
        let mut v3 = entry(A, "Arjuna");
        v3.variants.insert("Arjun".into());
        let mut g = Gathered::default();
        g.rows.insert(A.into(), row(v3.clone(), 3));
        g.bases.insert((A.into(), 2), entry(A, "Arjuna"));
        g.bases.insert((A.into(), 3), v3.clone());
        g.owners.insert("arjuna".into(), row(v3, 3));
        g
    }

    fn applied(o: &Outcome) -> &EntryRow {
        match o {
            Outcome::Applied { row } => row,
            other => panic!("not applied: {other:?}"),
        }
    }

    #[test]
    fn an_edit_from_an_old_version_merges_with_what_came_since() {
        let mut mine = entry(A, "Arjuna");
        mine.deva = "अर्जुनः".into();
        let plan = plan_push(&[Change { entry: mine, base_version: Some(2) }], &gathered(), 4, "ravi", 9);
        let row = applied(&plan.outcomes[0]);
        assert_eq!((row.version, row.entry.deva.as_str(), row.updated_by.as_str()), (4, "अर्जुनः", "ravi"));
        assert!(row.entry.variants.contains("Arjun"), "the other side's variant is kept");
        assert_eq!(plan.writes, std::slice::from_ref(row));
    }

    #[test]
    fn a_conflicting_edit_comes_back_with_the_servers_row_and_writes_nothing() {
        let mut g = gathered();
        g.rows.get_mut(A).unwrap().entry.deva = "अर्जुना".into();
        let mut mine = entry(A, "Arjuna");
        mine.deva = "अर्जुनः".into();
        let plan = plan_push(&[Change { entry: mine, base_version: Some(2) }], &g, 4, "ravi", 9);
        assert_eq!(
            plan.outcomes,
            [Outcome::Conflict { row: g.rows[A].clone(), conflict: Conflict::Fields { fields: vec![Field::Deva] } }]
        );
        assert!(plan.writes.is_empty());
    }

    #[test]
    fn a_second_entry_with_the_same_key_is_offered_the_first() {
        let plan = plan_push(&[create(entry(B, "arjunā"))], &gathered(), 4, "ravi", 9);
        assert_eq!(plan.outcomes, [Outcome::Conflict { row: gathered().rows[A].clone(), conflict: Conflict::SameKey }]);
        // Within one push too.
        let plan = plan_push(
            &[create(entry(B, "Bhīma")), create(entry(A.replace('A', "C").as_str(), "Bhima"))],
            &Gathered::default(),
            1,
            "r",
            9,
        );
        assert!(matches!(plan.outcomes[1], Outcome::Conflict { conflict: Conflict::SameKey, .. }), "{plan:?}");
        assert_eq!(plan.writes.len(), 1);
    }

    #[test]
    fn a_deleted_entry_frees_its_key() {
        let mut gone = gathered().rows[A].entry.clone();
        gone.deleted = true;
        let plan = plan_push(
            &[Change { entry: gone, base_version: Some(3) }, create(entry(B, "Arjuna"))],
            &gathered(),
            4,
            "r",
            9,
        );
        assert!(applied(&plan.outcomes[0]).entry.deleted);
        assert_eq!(applied(&plan.outcomes[1]).entry.id, B);
    }

    #[test]
    fn an_unchanged_entry_is_applied_without_a_write() {
        let same = gathered().rows[A].entry.clone();
        let plan = plan_push(&[Change { entry: same, base_version: Some(3) }], &gathered(), 4, "r", 9);
        assert_eq!(applied(&plan.outcomes[0]).version, 3);
        assert!(plan.writes.is_empty());
    }

    #[test]
    fn bad_changes_are_rejected_with_the_reason() {
        let cases = [
            (Change { entry: entry("nope", "Arjuna"), base_version: None }, "not a ULID"),
            (Change { entry: entry(B, "Bhīma"), base_version: Some(1) }, "has no entry"),
            (Change { entry: entry(A, "Arjuna"), base_version: Some(7) }, "newer than"),
            (Change { entry: entry(A, "Arjuna"), base_version: Some(1) }, "no version 1"),
        ];
        for (change, expected) in cases {
            let plan = plan_push(&[change], &gathered(), 4, "r", 9);
            match &plan.outcomes[0] {
                Outcome::Rejected { reason, .. } => assert!(reason.contains(expected), "{reason}"),
                other => panic!("{other:?}"),
            }
        }
        let twice = plan_push(&[create(entry(B, "Bhīma")), create(entry(B, "Bhīma"))], &gathered(), 4, "r", 9);
        assert!(matches!(&twice.outcomes[1], Outcome::Rejected { reason, .. } if reason.contains("twice")));
    }

    #[test]
    fn a_create_retried_under_a_new_batch_is_no_conflict() {
        let mut again = gathered().rows[A].entry.clone();
        again.variants.insert("Arjunah".into());
        let plan = plan_push(&[create(again)], &gathered(), 4, "r", 9);
        let row = applied(&plan.outcomes[0]);
        assert!(row.entry.variants.contains("Arjun") && row.entry.variants.contains("Arjunah"));
    }
}
