//! Between the project's lexicon and the team library: additions made in review become team
//! changes, and team entries become additions the project's engine uses.

use std::collections::HashMap;

use shruti_core::lexicon::Addition;
use shruti_core::Lexicon;
use shruti_store::TeamContribution;
use shruti_sync::{key, TeamEntry};

/// Applies one lexicon addition to the team entries (by key), creating one where none has the
/// term. Returns the entry changed, or None when the addition has nothing the team keeps (a
/// variant of a term the lexicon does not know).
pub fn apply_addition(
    addition: &Addition,
    entries: &HashMap<String, TeamEntry>,
    lexicon: &Lexicon,
    new_id: impl FnOnce() -> String,
) -> Option<TeamEntry> {
    let iast = match addition {
        Addition::Variant { iast, .. } | Addition::Entry { iast, .. } | Addition::Amend { iast, .. } => iast,
    };
    let mut entry = match entries.get(&key(iast)).filter(|e| !e.deleted) {
        Some(e) => e.clone(),
        None => match addition {
            Addition::Entry { deva, iast, category, .. } => TeamEntry::new(&new_id(), iast, deva, *category),
            _ => {
                let known = lexicon.entries().iter().find(|e| e.iast == *iast)?;
                TeamEntry::new(&new_id(), &known.iast, &known.deva, known.category)
            }
        },
    };
    match addition {
        Addition::Variant { variant, .. } => {
            entry.variants.insert(variant.clone());
        }
        Addition::Entry { deva, category, variants, .. } => {
            entry.deva = deva.clone();
            entry.category = *category;
            entry.variants.extend(variants.iter().cloned());
        }
        Addition::Amend { deva, category, remove_variants, .. } => {
            if let Some(d) = deva {
                entry.deva = d.clone();
            }
            if let Some(c) = category {
                entry.category = *c;
            }
            for v in remove_variants {
                entry.variants.remove(v);
            }
        }
    }
    Some(entry)
}

/// What `addition` changed, from the team entry before it (by the same key) to `after`: a new
/// term's entry created, or the variants added. (A variant of a term only the bundled lexicon
/// has creates the team's entry for it too; withdrawing that variant leaves the entry, which a
/// teammate may have added to meanwhile.) None when it changed neither.
pub fn contribution(addition: &Addition, before: Option<&TeamEntry>, after: &TeamEntry) -> Option<TeamContribution> {
    let created = matches!(addition, Addition::Entry { .. }) && before.is_none_or(|b| b.id != after.id);
    let variants: Vec<String> =
        after.variants.iter().filter(|v| before.is_none_or(|b| !b.variants.contains(*v))).cloned().collect();
    (created || !variants.is_empty()).then(|| TeamContribution { entry_id: after.id.clone(), created, variants })
}

/// Takes back what an exported addition whose decision was undone changed: an entry it created
/// is deleted (a teammate's edit meanwhile makes that a conflict, shown, not lost); variants it
/// added leave the entry. Nothing that an addition still in force wants goes. None when that
/// leaves nothing to change.
pub fn withdraw(contribution: &TeamContribution, entry: &TeamEntry, in_force: &[Addition]) -> Option<TeamEntry> {
    let k = entry.key();
    let wanted = |variant: Option<&str>| {
        in_force.iter().any(|a| match a {
            Addition::Variant { iast, variant: v } => key(iast) == k && variant == Some(v.as_str()),
            Addition::Entry { iast, variants, .. } => {
                key(iast) == k && variant.is_none_or(|v| variants.iter().any(|w| w == v))
            }
            Addition::Amend { .. } => false,
        })
    };
    if entry.deleted || entry.id != contribution.entry_id {
        return None;
    }
    let mut changed = entry.clone();
    if contribution.created && !wanted(None) {
        changed.deleted = true;
    } else {
        for v in contribution.variants.iter().filter(|v| !wanted(Some(v))) {
            changed.variants.remove(v);
        }
    }
    (changed != *entry).then_some(changed)
}

/// The additions that give a lexicon the team's entries: variants (and changed Devanagari or
/// category) for terms it has, whole entries for terms it lacks. Deleted entries give none.
pub fn as_additions(entries: &[TeamEntry], lexicon: &Lexicon) -> Vec<Addition> {
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| !e.deleted) {
        match lexicon.entries().iter().find(|known| key(&known.iast) == e.key()) {
            Some(known) => {
                let (deva, category) = (
                    (known.deva != e.deva).then(|| e.deva.clone()),
                    (known.category != e.category).then_some(e.category),
                );
                if deva.is_some() || category.is_some() {
                    out.push(Addition::Amend { iast: known.iast.clone(), deva, category, remove_variants: Vec::new() });
                }
                for v in e.variants.iter().filter(|v| !known.variants.contains(v)) {
                    out.push(Addition::Variant { iast: known.iast.clone(), variant: v.clone() });
                }
            }
            None => out.push(Addition::Entry {
                deva: e.deva.clone(),
                iast: e.iast.clone(),
                category: e.category,
                variants: e.variants.iter().cloned().collect(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use shruti_core::lexicon::Category;

    use super::*;

    fn variant(iast: &str, variant: &str) -> Addition {
        Addition::Variant { iast: iast.into(), variant: variant.into() }
    }

    #[test]
    fn an_undone_addition_withdraws_exactly_what_it_added() {
        let mut team = TeamEntry::new("01J", "Arjuna", "अर्जुन", Category::Person);
        team.variants.insert("Arjun".to_owned());
        let mut after = team.clone();
        after.variants.insert("Arduna".to_owned());
        let arduna = variant("Arjuna", "Arduna");
        // Added a variant to the team's entry: that variant is the contribution, no more.
        let added = contribution(&arduna, Some(&team), &after).unwrap();
        assert_eq!((added.created, added.variants.as_slice()), (false, ["Arduna".to_owned()].as_slice()));
        assert_eq!(contribution(&arduna, Some(&after), &after), None, "a variant the team had adds nothing");

        let withdrawn = withdraw(&added, &after, &[]).unwrap();
        assert_eq!(withdrawn.variants.iter().collect::<Vec<_>>(), ["Arjun"], "a teammate's variant stays");
        assert!(!withdrawn.deleted);
        // Another decision in force still teaches it (the key folds diacritics and case).
        assert_eq!(withdraw(&added, &after, &[variant("arjuna", "Arduna")]), None);
        // The entry was deleted or replaced meanwhile: nothing to take back.
        assert_eq!(withdraw(&added, &TeamEntry { deleted: true, ..after.clone() }, &[]), None);
        assert_eq!(withdraw(&added, &TeamEntry { id: "02K".into(), ..after.clone() }, &[]), None);

        // A new term's entry: withdrawing deletes it, unless a decision in force wants the term;
        // then only the variants that no one else wants go.
        let entry = Addition::Entry {
            iast: "Arjuna".into(),
            deva: "अर्जुन".into(),
            category: Category::Person,
            variants: vec!["Arduna".into()],
        };
        let created = contribution(&entry, None, &after).unwrap();
        assert!(created.created);
        assert!(withdraw(&created, &after, &[]).unwrap().deleted);
        let kept = withdraw(&created, &after, std::slice::from_ref(&entry)).unwrap();
        assert_eq!(
            (kept.deleted, kept.variants.iter().map(String::as_str).collect::<Vec<_>>()),
            (false, vec!["Arduna"])
        );
        // A variant of a term only the bundled lexicon has made the team's entry: the variant goes,
        // the entry stays.
        let overlay = contribution(&arduna, None, &after).unwrap();
        assert!(!overlay.created);
        assert!(!withdraw(&overlay, &after, &[]).unwrap().deleted);
    }
}
