//! IAST: which characters are valid, and the plainer spellings derived from an IAST form.

/// The lowercase IAST letters (a–z minus f, q, w, x, z, plus the diacritic letters).
const LETTERS: &str = "abcdeghijklmnoprstuvyāīūṛṝḷḹṅñṭḍṇśṣṃḥ";

/// Whether `c` may appear in an IAST form: an IAST letter (either case), or a separator between
/// words (space, hyphen, and the apostrophe used for avagraha).
pub fn is_iast_char(c: char) -> bool {
    matches!(c, ' ' | '-' | '\'') || c.to_lowercase().all(|l| LETTERS.contains(l))
}

/// Checks that `s` is IAST in NFC; the error names the first offending character and its position.
pub fn validate_iast(s: &str) -> Result<(), String> {
    use unicode_normalization::UnicodeNormalization;
    if s.trim().is_empty() {
        return Err("empty IAST form".into());
    }
    for (pos, c) in s.chars().enumerate() {
        if is_iast_char(c) {
            continue;
        }
        let hint = match c {
            'ṁ' | 'Ṁ' => " (use ṃ U+1E43 for anusvara, not ṁ)",
            '\u{300}'..='\u{36f}' => " (a combining mark: write the precomposed letter, NFC)",
            'f' | 'q' | 'w' | 'x' | 'z' | 'F' | 'Q' | 'W' | 'X' | 'Z' => " (not an IAST letter)",
            _ => "",
        };
        return Err(format!("character {c:?} (U+{:04X}) at position {} is not valid IAST{hint}", c as u32, pos + 1));
    }
    if !unicode_normalization::is_nfc(s) {
        return Err(format!("not in Unicode NFC; write {:?}", s.nfc().collect::<String>()));
    }
    Ok(())
}

/// The form with diacritics dropped: Kṛṣṇa → Krsna, Bhagavad Gītā → Bhagavad Gita.
pub fn ascii_fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// The usual English-book spelling: ś and ṣ as sh, c as ch, ṛ as ri, diacritics dropped:
/// Kṛṣṇa → Krishna, Śaṅkarācārya → Shankaracharya.
pub fn anglicise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            'ś' | 'ṣ' => out.push_str("sh"),
            'Ś' | 'Ṣ' => out.push_str("Sh"),
            'c' => out.push_str("ch"),
            'C' => out.push_str("Ch"),
            'ṛ' | 'ṝ' => out.push_str("ri"),
            'Ṛ' | 'Ṝ' => out.push_str("Ri"),
            _ => out.push(fold_char(c)),
        }
    }
    out
}

/// One character with its diacritic removed; characters outside IAST pass through.
pub fn fold_char(c: char) -> char {
    match c {
        'ā' => 'a',
        'ī' => 'i',
        'ū' => 'u',
        'ṛ' | 'ṝ' => 'r',
        'ḷ' | 'ḹ' => 'l',
        'ṅ' | 'ñ' | 'ṇ' => 'n',
        'ṭ' => 't',
        'ḍ' => 'd',
        'ś' | 'ṣ' => 's',
        'ṃ' | 'ṁ' => 'm',
        'ḥ' => 'h',
        'Ā' => 'A',
        'Ī' => 'I',
        'Ū' => 'U',
        'Ṛ' | 'Ṝ' => 'R',
        'Ḷ' | 'Ḹ' => 'L',
        'Ṅ' | 'Ñ' | 'Ṇ' => 'N',
        'Ṭ' => 'T',
        'Ḍ' => 'D',
        'Ś' | 'Ṣ' => 'S',
        'Ṃ' | 'Ṁ' => 'M',
        'Ḥ' => 'H',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        assert!(validate_iast("Kṛṣṇa").is_ok());
        assert!(validate_iast("sat-cit-ānanda").is_ok());
        assert!(validate_iast("saṅgo'stv").is_ok());
        let err = validate_iast("saṁsāra").unwrap_err();
        assert!(err.contains("position 3") && err.contains("use ṃ"), "{err}");
        assert!(validate_iast("Krishna").is_ok(), "plain letters are IAST too");
        assert!(validate_iast("Kshetra ek").is_ok());
        assert!(validate_iast("Vishwa").unwrap_err().contains("not an IAST letter"));
        assert!(validate_iast("Kr\u{323}s\u{323}n\u{323}a").unwrap_err().contains("combining"));
        assert!(validate_iast("Kṛṣṇa1").is_err());
    }

    #[test]
    fn derives_plain_spellings() {
        assert_eq!(ascii_fold("Kṛṣṇa"), "Krsna");
        assert_eq!(anglicise("Kṛṣṇa"), "Krishna");
        assert_eq!(anglicise("Śaṅkarācārya"), "Shankaracharya");
        assert_eq!(anglicise("Bhagavad Gītā"), "Bhagavad Gita");
        assert_eq!(anglicise("Chāndogya"), "Chhandogya");
    }
}
