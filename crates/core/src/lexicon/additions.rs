//! Additions an expert makes during review (a heard spelling as a variant of an entry, or a new
//! entry), checked by the same rules as the data files and applied on top of them.

use serde::{Deserialize, Serialize};

use super::entry::{Category, Entry, Origin, Policy};
use super::iast::validate_iast;
use super::load::{check_deva, check_variant, entry_key, variant_key};
use super::Lexicon;
use crate::error::Error;

/// One local change to the lexicon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Addition {
    /// `variant` is another spelling of the entry whose IAST is `iast`.
    Variant {
        /// The entry's canonical IAST.
        iast: String,
        /// The spelling heard.
        variant: String,
    },
    /// A new entry.
    Entry {
        /// Devanagari.
        deva: String,
        /// Canonical IAST.
        iast: String,
        /// Its category.
        category: Category,
        /// Spellings it was heard as.
        #[serde(default)]
        variants: Vec<String>,
    },
    /// Corrects an entry (the lexicon editor): its Devanagari, its category, or variants that
    /// were wrong. Its IAST, which decisions refer to, stays.
    Amend {
        /// The entry's canonical IAST.
        iast: String,
        /// New Devanagari.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deva: Option<String>,
        /// New category.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<Category>,
        /// Variants to drop.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        remove_variants: Vec<String>,
    },
}

impl Lexicon {
    /// This lexicon with `additions` applied in order; `source_name` names them in errors and
    /// origins (line = the addition's 1-based position). Every problem is reported.
    pub fn with_additions(mut self, additions: &[Addition], source_name: &str) -> Result<Lexicon, Vec<Error>> {
        let mut problems = Vec::new();
        for (i, addition) in additions.iter().enumerate() {
            let origin = Origin { file: source_name.to_owned(), line: i + 1 };
            if let Err(message) = self.add(addition, origin) {
                problems.push(Error::Lexicon { source_name: source_name.to_owned(), line: i + 1, message });
            }
        }
        if problems.is_empty() {
            Ok(Lexicon::new(self.entries, self.revision))
        } else {
            Err(problems)
        }
    }

    /// This lexicon with spellings a recogniser was heard to write, `(IAST, spelling)`, each a
    /// variant of its entry. One that names no entry, is not a valid variant or is claimed by
    /// another entry is left out (a harvest is advice, not an edit); returns how many were.
    pub fn with_heard(mut self, heard: &[(String, String)]) -> (Lexicon, usize) {
        let mut owner: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
        for (i, entry) in self.entries.iter().enumerate() {
            for v in &entry.variants {
                owner.entry(variant_key(v)).or_insert(i);
            }
        }
        let by_iast: rustc_hash::FxHashMap<String, usize> =
            self.entries.iter().enumerate().map(|(i, e)| (entry_key(&e.iast), i)).collect();
        let mut skipped = 0;
        for (iast, raw) in heard {
            let (Some(&index), Ok(variant)) = (by_iast.get(&entry_key(iast)), check_variant(raw)) else {
                skipped += 1;
                continue;
            };
            match owner.entry(variant_key(&variant)) {
                std::collections::hash_map::Entry::Occupied(o) => skipped += usize::from(*o.get() != index),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(index);
                    self.entries[index].variants.push(variant);
                }
            }
        }
        (Lexicon::new(self.entries, self.revision), skipped)
    }

    fn add(&mut self, addition: &Addition, origin: Origin) -> Result<(), String> {
        match addition {
            Addition::Variant { iast, variant } => {
                let index = self
                    .entry_index(iast)
                    .ok_or_else(|| format!("no entry {iast:?} to add the variant {variant:?} to"))?;
                let variant = self.unclaimed_variant(variant, Some(index))?;
                if let Some(variant) = variant {
                    self.entries[index].variants.push(variant);
                }
                Ok(())
            }
            Addition::Entry { deva, iast, category, variants } => {
                let iast = iast.trim();
                validate_iast(iast).map_err(|msg| format!("iast {iast:?}: {msg}"))?;
                check_deva(deva.trim())?;
                let key = entry_key(iast);
                if let Some(other) = self.entries.iter().find(|e| entry_key(&e.iast) == key) {
                    return Err(format!("entry {iast:?} already exists at {}", other.origin));
                }
                let mut checked = Vec::new();
                for v in variants {
                    checked.extend(self.unclaimed_variant(v, None)?);
                }
                self.entries.push(Entry {
                    deva: deva.trim().to_owned(),
                    iast: iast.to_owned(),
                    category: *category,
                    variants: checked,
                    policy: Policy::Auto,
                    note: None,
                    origin,
                });
                Ok(())
            }
            Addition::Amend { iast, deva, category, remove_variants } => {
                self.amend(iast, deva.as_deref(), *category, remove_variants)
            }
        }
    }

    /// The entry with this IAST (ignoring case).
    fn entry_index(&self, iast: &str) -> Option<usize> {
        let key = entry_key(iast);
        self.entries.iter().position(|e| entry_key(&e.iast) == key)
    }

    fn amend(
        &mut self,
        iast: &str,
        deva: Option<&str>,
        category: Option<Category>,
        remove: &[String],
    ) -> Result<(), String> {
        let index = self.entry_index(iast).ok_or_else(|| format!("no entry {iast:?} to change"))?;
        if let Some(deva) = deva {
            check_deva(deva.trim())?;
        }
        let entry = &mut self.entries[index];
        for raw in remove {
            let key = variant_key(raw);
            let before = entry.variants.len();
            entry.variants.retain(|v| variant_key(v) != key);
            if entry.variants.len() == before {
                return Err(format!("{iast:?} has no variant {raw:?} to remove"));
            }
        }
        if let Some(deva) = deva {
            entry.deva = deva.trim().to_owned();
        }
        if let Some(category) = category {
            entry.category = category;
        }
        Ok(())
    }

    /// The variant, checked; None when `owner` already lists it; an error when another entry does.
    fn unclaimed_variant(&self, raw: &str, owner: Option<usize>) -> Result<Option<String>, String> {
        let variant = check_variant(raw)?;
        let key = variant_key(&variant);
        let claimed = self.entries.iter().position(|e| e.variants.iter().any(|v| variant_key(v) == key));
        match claimed {
            Some(i) if Some(i) == owner => Ok(None),
            Some(i) => Err(format!(
                "variant {variant:?} is already claimed by {:?} at {}",
                self.entries[i].iast, self.entries[i].origin
            )),
            None => Ok(Some(variant)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heard_spellings_become_variants_unless_another_entry_has_them() {
        let base = Lexicon::bundled();
        let heard = [
            ("prāṇāyāma".to_owned(), "Renee Amap".to_owned()),
            ("ātman".to_owned(), "Krishna".to_owned()),
            ("no such entry".to_owned(), "whatever".to_owned()),
            ("ātman".to_owned(), "mat-man!".to_owned()),
        ];
        let (lexicon, skipped) = base.clone().with_heard(&heard);
        assert_eq!(skipped, 3);
        let entry = lexicon.get(lexicon.by_iast("prāṇāyāma").unwrap());
        assert!(entry.variants.iter().any(|v| v == "Renee Amap"));
        assert_ne!(lexicon.version(), base.version());
    }

    #[test]
    fn adds_variants_and_entries_and_changes_the_version() {
        let base = Lexicon::bundled();
        let before = base.version().to_owned();
        let additions = [
            Addition::Variant { iast: "Kṛṣṇa".into(), variant: "Krisnaa".into() },
            Addition::Entry {
                deva: "शुकदेव".into(),
                iast: "Śukadevaji".into(),
                category: Category::Sage,
                variants: vec!["Shukadevaji".into()],
            },
        ];
        let lexicon = base.with_additions(&additions, "project").unwrap();
        assert!(lexicon.lookup("Krisnaa").iter().any(|e| e.iast == "Kṛṣṇa"));
        assert!(lexicon.lookup("Shukadevaji").iter().any(|e| e.iast == "Śukadevaji"));
        assert_ne!(lexicon.version(), before);
    }

    #[test]
    fn amends_an_entry_and_refuses_what_does_not_fit() {
        let base = Lexicon::bundled();
        let krishna = base.lookup("Krishna")[0].clone();
        let amend = |deva: Option<&str>, category, remove: &[&str]| Addition::Amend {
            iast: krishna.iast.clone(),
            deva: deva.map(str::to_owned),
            category,
            remove_variants: remove.iter().map(|v| (*v).to_owned()).collect(),
        };
        let removed = krishna.variants[0].clone();
        let lexicon = base
            .clone()
            .with_additions(&[amend(Some("श्रीकृष्ण"), Some(Category::Person), &[&removed])], "editor")
            .unwrap();
        let entry = lexicon.entries().iter().find(|e| e.iast == krishna.iast).unwrap();
        assert_eq!((entry.deva.as_str(), entry.category), ("श्रीकृष्ण", Category::Person));
        assert!(!entry.variants.contains(&removed));
        assert_ne!(lexicon.version(), base.version());

        let bad = [amend(Some("Krishna"), None, &[]), amend(None, None, &["Nosuchspelling"])];
        let errors = base.clone().with_additions(&bad, "editor").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].to_string().contains("Nosuchspelling"));
        let nobody = Addition::Amend { iast: "Nobody".into(), deva: None, category: None, remove_variants: vec![] };
        assert!(base.with_additions(&[nobody], "editor").unwrap_err()[0].to_string().contains("Nobody"));
    }

    #[test]
    fn rejects_what_the_files_would_reject() {
        let additions = [
            Addition::Variant { iast: "Nobody".into(), variant: "Nobodi".into() },
            Addition::Variant { iast: "Arjuna".into(), variant: "Krishna".into() },
            Addition::Entry { deva: "x".into(), iast: "Vyāsaji".into(), category: Category::Term, variants: vec![] },
            Addition::Entry {
                deva: "कृष्ण".into(), iast: "kṛṣṇa".into(), category: Category::Term, variants: vec![]
            },
        ];
        let errors: Vec<String> = Lexicon::bundled()
            .with_additions(&additions, "project")
            .unwrap_err()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].starts_with("project:1: no entry \"Nobody\""), "{errors:?}");
        assert!(errors[1].starts_with("project:2: variant \"Krishna\" is already claimed by \"Kṛṣṇa\""), "{errors:?}");
        assert!(errors[2].contains("is not Devanagari"), "{errors:?}");
        assert!(errors[3].contains("already exists"), "{errors:?}");
    }
}
