//! Turning a subtitle file's bytes into text: BOMs, UTF-16, and the legacy Windows-1252 encoding
//! that old subtitle tools still write.

use crate::error::{Error, Result, Warning};

/// Decodes `bytes` as UTF-8 (with or without BOM), UTF-16 (with BOM), or Windows-1252.
///
/// Windows-1252 is only assumed when the bytes are not UTF-8 and hold no byte that 1252 leaves
/// undefined and no NUL; the caller gets a warning saying so. Anything else is refused.
pub fn decode_text(bytes: &[u8], source_name: &str) -> Result<(String, Vec<Warning>)> {
    let (text, mut warnings) = decode(bytes, source_name)?;
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        return Ok((text, warnings));
    }
    // Decomposed letters (r + combining dot below for ṛ) read and match like composed ones.
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = text.nfc().collect();
    if nfc != text {
        warnings.push(Warning::whole("text was in decomposed Unicode (NFD); read as composed (NFC)"));
    }
    Ok((nfc, warnings))
}

fn decode(bytes: &[u8], source_name: &str) -> Result<(String, Vec<Warning>)> {
    let mut warnings = Vec::new();
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, source_name).map(|s| (s, warnings));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, source_name, u16::from_le_bytes).map(|s| (s, warnings));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, source_name, u16::from_be_bytes).map(|s| (s, warnings));
    }
    if bytes.contains(&0) {
        return Err(Error::Encoding {
            source_name: source_name.to_owned(),
            message:
                "contains NUL bytes: this is a binary file or UTF-16 without a byte-order mark, not a subtitle file"
                    .into(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), warnings)),
        Err(e) => {
            let text = windows_1252(bytes).ok_or_else(|| Error::Encoding {
                source_name: source_name.to_owned(),
                message: format!(
                    "not UTF-8 (invalid byte at offset {}) and not Windows-1252 either; re-save the file as UTF-8",
                    e.valid_up_to()
                ),
            })?;
            warnings.push(Warning::whole(format!(
                "not UTF-8 (first invalid byte at offset {}); read as Windows-1252/Latin-1",
                e.valid_up_to()
            )));
            Ok((text, warnings))
        }
    }
}

fn utf8(bytes: &[u8], source_name: &str) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| Error::Encoding {
        source_name: source_name.to_owned(),
        message: format!(
            "starts with a UTF-8 byte-order mark but holds invalid UTF-8 at offset {}",
            e.utf8_error().valid_up_to() + 3
        ),
    })
}

fn utf16(bytes: &[u8], source_name: &str, unit: fn([u8; 2]) -> u16) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::Encoding {
            source_name: source_name.to_owned(),
            message: "UTF-16 file with an odd number of bytes (truncated?)".into(),
        });
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units).collect::<std::result::Result<String, _>>().map_err(|e| Error::Encoding {
        source_name: source_name.to_owned(),
        message: format!("invalid UTF-16: unpaired surrogate {:#06x}", e.unpaired_surrogate()),
    })
}

/// The characters Windows-1252 puts at 0x80..=0x9F; `None` marks bytes it leaves undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

fn windows_1252(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            // Latin-1 and 1252 agree everywhere else, and Latin-1 is the first 256 code points.
            _ => Some(char::from(b)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_utf8_bom() {
        let (text, warnings) = decode_text(b"\xEF\xBB\xBFhello", "a.srt").unwrap();
        assert_eq!(text, "hello");
        assert!(warnings.is_empty());
    }

    #[test]
    fn reads_utf16_both_orders() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("Kṛṣṇa".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("Kṛṣṇa".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode_text(&le, "x").unwrap().0, "Kṛṣṇa");
        assert_eq!(decode_text(&be, "x").unwrap().0, "Kṛṣṇa");
    }

    #[test]
    fn windows_1252_is_converted_with_a_warning() {
        // "café – ‘Gītā’" is not representable, but "café – ‘Gita’" is, in 1252.
        let bytes = b"caf\xE9 \x96 \x91Gita\x92";
        let (text, warnings) = decode_text(bytes, "old.srt").unwrap();
        assert_eq!(text, "café – ‘Gita’");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("Windows-1252"));
    }

    #[test]
    fn decomposed_text_is_composed_with_a_warning() {
        let (text, warnings) = decode_text("Kr\u{323}s\u{323}n\u{323}a".as_bytes(), "nfd.srt").unwrap();
        assert_eq!(text, "Kṛṣṇa");
        assert!(warnings[0].message.contains("NFC"));
        assert!(decode_text("Kṛṣṇa".as_bytes(), "nfc.srt").unwrap().1.is_empty());
    }

    #[test]
    fn refuses_binary_and_undefined_bytes() {
        let err = decode_text(b"RIFF\x00\x00WAVE", "talk.wav").unwrap_err().to_string();
        assert!(err.starts_with("talk.wav: "), "{err}");
        assert!(err.contains("NUL"), "{err}");
        let err = decode_text(b"abc\x81def", "x.srt").unwrap_err().to_string();
        assert!(err.contains("not Windows-1252"), "{err}");
    }
}
