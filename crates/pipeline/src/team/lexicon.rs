//! Between the project's lexicon and the team library: additions made in review become team
//! changes, and team entries become additions the project's engine uses.

use std::collections::HashMap;

use shruti_core::lexicon::Addition;
use shruti_core::Lexicon;
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

/// Takes back an exported addition whose decision was undone: its variant leaves the team's
/// entry; an entry it created is deleted (a teammate's edit meanwhile makes that a conflict,
/// shown, not lost). None when the team has no such entry, or an addition still in force wants
/// the same thing.
pub fn withdraw(addition: &Addition, entries: &HashMap<String, TeamEntry>, in_force: &[Addition]) -> Option<TeamEntry> {
    let wanted = |k: &str, variant: Option<&str>| {
        in_force.iter().any(|a| match a {
            Addition::Variant { iast, variant: v } => key(iast) == k && variant == Some(v.as_str()),
            Addition::Entry { iast, variants, .. } => {
                key(iast) == k && variant.is_none_or(|v| variants.iter().any(|w| w == v))
            }
            Addition::Amend { .. } => false,
        })
    };
    match addition {
        Addition::Variant { iast, variant } if !wanted(&key(iast), Some(variant)) => {
            let mut entry = entries.get(&key(iast)).filter(|e| !e.deleted)?.clone();
            entry.variants.remove(variant).then_some(entry)
        }
        Addition::Entry { iast, .. } if !wanted(&key(iast), None) => {
            let mut entry = entries.get(&key(iast)).filter(|e| !e.deleted)?.clone();
            entry.deleted = true;
            Some(entry)
        }
        _ => None,
    }
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
    fn an_undone_addition_is_withdrawn_unless_another_still_wants_it() {
        let mut arjuna = TeamEntry::new("01J", "Arjuna", "अर्जुन", Category::Person);
        arjuna.variants.extend(["Arduna".to_owned(), "Arjun".to_owned()]);
        let entries = HashMap::from([(arjuna.key(), arjuna.clone())]);

        let withdrawn = withdraw(&variant("Arjuna", "Arduna"), &entries, &[variant("Arjuna", "Arjun")]).unwrap();
        assert_eq!(withdrawn.variants.iter().collect::<Vec<_>>(), ["Arjun"]);
        assert!(!withdrawn.deleted);
        // Another decision in force still teaches the same variant (the key folds diacritics).
        assert_eq!(withdraw(&variant("Arjuna", "Arduna"), &entries, &[variant("arjuna", "Arduna")]), None);
        // Nothing to take back: a variant the team never had, a term it does not have.
        assert_eq!(withdraw(&variant("Arjuna", "Arujna"), &entries, &[]), None);
        assert_eq!(withdraw(&variant("Bhīma", "Bima"), &entries, &[]), None);

        let created = Addition::Entry {
            iast: "Arjuna".into(),
            deva: "अर्जुन".into(),
            category: Category::Person,
            variants: vec!["Arduna".into()],
        };
        assert!(withdraw(&created, &entries, &[]).unwrap().deleted);
        assert_eq!(withdraw(&created, &entries, std::slice::from_ref(&created)), None);
    }
}
