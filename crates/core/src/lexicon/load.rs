//! Reading lexicon TOML files, with every rule checked and every problem named by file and line.

use rustc_hash::FxHashMap;
use serde::Deserialize;
use toml::Spanned;

use super::entry::{Category, Entry, Origin, Policy};
use super::iast::validate_iast;
use crate::error::Error;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    category: Category,
    /// The file's revision, raised whenever its entries change.
    #[serde(default)]
    version: u32,
    #[serde(default)]
    entry: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    deva: Spanned<String>,
    iast: Spanned<String>,
    #[serde(default)]
    variants: Vec<Spanned<String>>,
    #[serde(default)]
    policy: Policy,
    note: Option<String>,
}

/// Parses and checks lexicon files given as `(name, text)`; every problem found is returned,
/// else the entries and the sum of the files' revisions.
pub(crate) fn load(sources: &[(&str, &str)]) -> Result<(Vec<Entry>, u32), Vec<Error>> {
    let mut revision = 0u32;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut by_key: FxHashMap<String, Origin> = FxHashMap::default();
    let mut by_variant: FxHashMap<String, (Origin, String)> = FxHashMap::default();
    for &(name, text) in sources {
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1))
            .collect();
        // 1-based line of a byte offset.
        let at = |offset: usize| line_starts.partition_point(|&start| start <= offset);
        let problem = |line: usize, message: String| Error::Lexicon { source_name: name.to_owned(), line, message };
        let doc: FileDoc = match toml::from_str(text) {
            Ok(doc) => doc,
            Err(e) => {
                let line = e.span().map_or(1, |s| at(s.start));
                problems.push(problem(line, e.message().trim().to_owned()));
                continue;
            }
        };
        revision = revision.saturating_add(doc.version);
        for raw in doc.entry {
            let origin = Origin { file: name.to_owned(), line: at(raw.span().start) };
            let raw = raw.into_inner();
            let iast = raw.iast.get_ref().trim().to_owned();
            if let Err(msg) = validate_iast(&iast) {
                problems.push(problem(at(raw.iast.span().start), format!("iast {iast:?}: {msg}")));
                continue;
            }
            let deva = raw.deva.get_ref().trim().to_owned();
            if let Err(msg) = check_deva(&deva) {
                problems.push(problem(at(raw.deva.span().start), msg));
                continue;
            }
            let key = entry_key(&iast);
            if let Some(first) = by_key.get(&key) {
                problems.push(problem(origin.line, format!("duplicate entry {iast:?}: already defined at {first}")));
                continue;
            }
            by_key.insert(key, origin.clone());
            let mut variants: Vec<String> = Vec::new();
            for v in raw.variants {
                let line = at(v.span().start);
                let variant = match check_variant(v.get_ref()) {
                    Ok(variant) => variant,
                    Err(msg) => {
                        problems.push(problem(line, msg));
                        continue;
                    }
                };
                let vkey = variant_key(&variant);
                match by_variant.get(&vkey) {
                    Some((other, other_iast)) if other != &origin => {
                        problems.push(problem(
                            line,
                            format!("variant {variant:?} of {iast:?} is already claimed by {other_iast:?} at {other}"),
                        ));
                    }
                    Some(_) => {} // listed twice in the same entry: harmless
                    None => {
                        by_variant.insert(vkey, (origin.clone(), iast.clone()));
                        variants.push(variant);
                    }
                }
            }
            entries.push(Entry {
                deva,
                iast,
                category: doc.category,
                variants,
                policy: raw.policy,
                note: raw.note,
                origin,
            });
        }
    }
    if problems.is_empty() {
        Ok((entries, revision))
    } else {
        Err(problems)
    }
}

/// A variant with its spaces normalised, if it is made of letters, spaces, hyphens, apostrophes.
pub(crate) fn check_variant(raw: &str) -> Result<String, String> {
    let variant = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if variant.is_empty() || !variant.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’')) {
        return Err(format!("variant {variant:?} must be letters, spaces, hyphens or apostrophes"));
    }
    Ok(variant)
}

pub(crate) fn check_deva(deva: &str) -> Result<(), String> {
    match deva.chars().find(|&c| !is_devanagari_char(c)) {
        Some(bad) => Err(format!("deva {deva:?}: {bad:?} (U+{:04X}) is not Devanagari", bad as u32)),
        None if deva.is_empty() => Err("deva is empty".into()),
        None => Ok(()),
    }
}

fn is_devanagari_char(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{097F}' | '\u{A8E0}'..='\u{A8FF}' | ' ' | '-' | '\u{200C}' | '\u{200D}')
}

/// Two entries are the same when their IAST agrees ignoring case and word separators.
pub(crate) fn entry_key(iast: &str) -> String {
    iast.chars().filter(|c| !matches!(c, ' ' | '-' | '\'')).flat_map(char::to_lowercase).collect()
}

/// Variants are compared ignoring case and with hyphens read as spaces.
pub(crate) fn variant_key(variant: &str) -> String {
    variant.chars().map(|c| if c == '-' { ' ' } else { c }).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"category = "deity"

[[entry]]
deva = "कृष्ण"
iast = "Kṛṣṇa"
variants = ["Krishna", "Krushna"]

[[entry]]
deva = "शिव"
iast = "Śiva"
variants = ["Shiva"]
policy = "suggest"
note = "a note"
"#;

    fn errors(files: &[(&str, &str)]) -> Vec<String> {
        load(files).unwrap_err().into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn loads_entries_with_origins() {
        let (entries, revision) = load(&[("deities.toml", GOOD)]).unwrap();
        assert_eq!(revision, 0, "no version key reads as revision 0");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].origin.to_string(), "deities.toml:8");
        assert_eq!(entries[1].policy, Policy::Suggest);
        assert_eq!(entries[0].variants, vec!["Krishna", "Krushna"]);
    }

    #[test]
    fn rejects_duplicates_with_both_places() {
        let dup = "category = \"person\"\n\n[[entry]]\ndeva = \"कृष्ण\"\niast = \"kṛṣṇa\"\n";
        assert_eq!(
            errors(&[("deities.toml", GOOD), ("persons.toml", dup)]),
            vec!["persons.toml:3: duplicate entry \"kṛṣṇa\": already defined at deities.toml:3"]
        );
    }

    #[test]
    fn rejects_variant_claimed_twice() {
        let other = "category = \"person\"\n\n[[entry]]\ndeva = \"कृष्णा\"\niast = \"Kṛṣṇā\"\nvariants = [\"Krishnaa\",\n  \"KRISHNA\"]\n";
        assert_eq!(
            errors(&[("deities.toml", GOOD), ("persons.toml", other)]),
            vec!["persons.toml:7: variant \"KRISHNA\" of \"Kṛṣṇā\" is already claimed by \"Kṛṣṇa\" at deities.toml:3"]
        );
    }

    #[test]
    fn rejects_bad_characters_with_line() {
        let bad = "category = \"term\"\n\n[[entry]]\ndeva = \"संसार\"\niast = \"saṁsāra\"\n\n[[entry]]\ndeva = \"samsara\"\niast = \"saṃsāra\"\n";
        let errs = errors(&[("terms.toml", bad)]);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("terms.toml:5: iast \"saṁsāra\": character 'ṁ'"), "{errs:?}");
        assert!(errs[1].starts_with("terms.toml:8: deva \"samsara\": 's' (U+0073) is not Devanagari"), "{errs:?}");
    }

    #[test]
    fn reports_toml_errors_and_unknown_keys() {
        let errs = errors(&[("x.toml", "category = \"term\"\n[[entry]]\ndeva = \"अ\"\niast = \"a\"\ncolour = 1\n")]);
        assert!(errs[0].starts_with("x.toml:") && errs[0].contains("colour"), "{errs:?}");
        let errs = errors(&[("y.toml", "category = \"gods\"\n")]);
        assert!(errs[0].starts_with("y.toml:1:") && errs[0].contains("gods"), "{errs:?}");
    }
}
