//! The client's side of sync, pure: what to do with a row pulled from the server, or with the
//! answer to a push, given the local copy. The caller reads the local copy and writes the
//! result in one transaction.

use serde::{Deserialize, Serialize};

use crate::{merge, Conflict, EntryRow, Field, Outcome, TeamEntry};

/// Where a local entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalState {
    /// Equal to its base: nothing to push.
    Clean,
    /// Changed here since its base: to be pushed.
    Dirty,
    /// Waiting for the expert: not pushed until resolved.
    Conflict,
    /// The server refused it; not pushed again until edited.
    Rejected,
}

/// A local entry: the copy the project uses, and the last copy synced with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Local {
    pub entry: TeamEntry,
    pub base: Option<EntryRow>,
    pub state: LocalState,
}

/// What becomes of a local entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Apply {
    /// Nothing changes.
    Keep,
    /// The server's row becomes the local copy and its base: clean.
    Take(EntryRow),
    /// Local and server changes merged: the new local copy, still to be pushed from `base`.
    Merged { entry: TeamEntry, base: EntryRow },
    /// Both changed: the expert decides between `mine` and `theirs`.
    Conflict { mine: TeamEntry, theirs: EntryRow, conflict: Conflict },
    /// The server refused `mine`.
    Rejected { reason: String },
}

/// A row pulled from the server, against the local copy.
pub fn on_pulled(local: Option<&Local>, row: &EntryRow) -> Apply {
    let Some(local) = local else { return Apply::Take(row.clone()) };
    if local.base.as_ref().is_some_and(|b| b.version >= row.version) {
        return Apply::Keep;
    }
    match local.state {
        LocalState::Clean => Apply::Take(row.clone()),
        _ if local.entry == row.entry => Apply::Take(row.clone()),
        // A conflict or a refusal stays as it is until the expert resolves it.
        LocalState::Conflict | LocalState::Rejected => Apply::Keep,
        LocalState::Dirty => {
            let Some(base) = &local.base else {
                // Created here and already on the server under the same id: our own push, whose
                // answer was lost. Merge as if from an empty history: differing fields conflict.
                return merge_or_conflict(&row.entry, &local.entry, row);
            };
            merge_or_conflict(&base.entry, &local.entry, row)
        }
    }
}

/// The answer to one change of a push (made from `sent`), against the local copy now.
pub fn on_pushed(sent: &TeamEntry, local: Option<&Local>, outcome: &Outcome) -> Apply {
    let mine = local.map_or(sent, |l| &l.entry);
    match outcome {
        Outcome::Applied { row } if mine == sent => Apply::Take(row.clone()),
        // Edited again while the push was on its way: keep that edit on top of the server's row.
        Outcome::Applied { row } => merge_or_conflict(sent, mine, row),
        Outcome::Conflict { row, conflict } => {
            Apply::Conflict { mine: mine.clone(), theirs: row.clone(), conflict: conflict.clone() }
        }
        Outcome::Rejected { reason, .. } => Apply::Rejected { reason: reason.clone() },
    }
}

fn merge_or_conflict(base: &TeamEntry, mine: &TeamEntry, theirs: &EntryRow) -> Apply {
    match merge(base, mine, &theirs.entry) {
        Ok(entry) if entry == theirs.entry => Apply::Take(theirs.clone()),
        Ok(entry) => Apply::Merged { entry, base: theirs.clone() },
        Err(fields) => Apply::Conflict {
            mine: mine.clone(),
            theirs: theirs.clone(),
            conflict: Conflict::Fields { fields: if fields.is_empty() { vec![Field::Deleted] } else { fields } },
        },
    }
}

#[cfg(test)]
mod tests {
    use shruti_core::lexicon::Category;

    use super::*;

    const ID: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2A";

    fn row(deva: &str, variants: &[&str], version: i64) -> EntryRow {
        let mut entry = TeamEntry::new(ID, "Arjuna", deva, Category::Person);
        entry.variants = variants.iter().map(|v| (*v).to_owned()).collect();
        EntryRow { entry, version, updated_by: "asha".into(), updated_at: 0 }
    }

    fn local(entry: &EntryRow, base: &EntryRow, state: LocalState) -> Local {
        Local { entry: entry.entry.clone(), base: Some(base.clone()), state }
    }

    #[test]
    fn a_pulled_row_replaces_a_clean_copy_and_merges_into_a_dirty_one() {
        let v1 = row("अर्जुन", &[], 1);
        let v2 = row("अर्जुन", &["Arjun"], 2);
        assert_eq!(on_pulled(None, &v2), Apply::Take(v2.clone()));
        assert_eq!(on_pulled(Some(&local(&v1, &v1, LocalState::Clean)), &v2), Apply::Take(v2.clone()));
        assert_eq!(on_pulled(Some(&local(&v2, &v2, LocalState::Clean)), &v2), Apply::Keep, "already had it");

        let mine = row("अर्जुनः", &[], 1);
        let Apply::Merged { entry, base } = on_pulled(Some(&local(&mine, &v1, LocalState::Dirty)), &v2) else {
            panic!()
        };
        assert_eq!((entry.deva.as_str(), entry.variants.len(), base.version), ("अर्जुनः", 1, 2));

        let theirs = row("अर्जुना", &[], 2);
        let conflict = on_pulled(Some(&local(&mine, &v1, LocalState::Dirty)), &theirs);
        assert!(
            matches!(conflict, Apply::Conflict { conflict: Conflict::Fields { ref fields }, .. } if fields == &[Field::Deva])
        );
        assert_eq!(on_pulled(Some(&local(&mine, &v1, LocalState::Conflict)), &theirs), Apply::Keep);
    }

    #[test]
    fn a_push_answer_keeps_an_edit_made_while_it_was_on_its_way() {
        let sent = row("अर्जुन", &["Arjun"], 1).entry;
        let applied = Outcome::Applied { row: row("अर्जुन", &["Arjun", "Arjunah"], 3) };
        let unchanged = Local { entry: sent.clone(), base: None, state: LocalState::Dirty };
        assert!(matches!(on_pushed(&sent, Some(&unchanged), &applied), Apply::Take(r) if r.version == 3));
        let mut edited = unchanged.clone();
        edited.entry.variants.insert("Partha".into());
        let Apply::Merged { entry, .. } = on_pushed(&sent, Some(&edited), &applied) else { panic!() };
        assert_eq!(entry.variants.len(), 3, "server's merge and the later edit both kept");
        let rejected = Outcome::Rejected { id: ID.into(), reason: "bad".into() };
        assert_eq!(on_pushed(&sent, Some(&unchanged), &rejected), Apply::Rejected { reason: "bad".into() });
    }
}
