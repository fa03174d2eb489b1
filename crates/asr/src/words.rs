//! From Whisper's sub-word tokens to words: text, times and a confidence.

use shruti_core::Word;

/// One text token as Whisper produced it, times in ms from the start of the chunk.
#[derive(Debug, Clone)]
pub struct Token {
    pub bytes: Vec<u8>,
    pub probability: f32,
    /// The lexicon bias chose it over the model's own preference.
    pub biased: bool,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// Joins tokens into words: a token that starts with a space starts a word. A word's confidence
/// is its least probable token, leaving out punctuation (Whisper is often unsure of a comma, which
/// says nothing about the word). Bracketed non-speech markers (`[BLANK_AUDIO]`, `(music)`, `♪`)
/// are dropped. Times are made monotonic and kept inside `[0, limit_ms]`.
pub fn words(tokens: &[Token], limit_ms: u64) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut bytes: Vec<u8> = Vec::new();
    let (mut start, mut end, mut p, mut p_any, mut biased) = (0, 0, f32::INFINITY, f32::INFINITY, false);
    let flush = |bytes: &mut Vec<u8>, (start, end): (u64, u64), p: f32, p_any: f32, biased, out: &mut Vec<Word>| {
        let text = String::from_utf8_lossy(bytes).trim().to_owned();
        bytes.clear();
        if text.is_empty() {
            return;
        }
        let probability = if p.is_finite() { p } else { p_any }.clamp(0.0, 1.0);
        out.push(Word { text, start_ms: start, end_ms: end, probability, biased });
    };
    for token in tokens {
        let starts_word = token.bytes.first() == Some(&b' ') || bytes.is_empty();
        if starts_word && !bytes.is_empty() {
            flush(&mut bytes, (start, end), p, p_any, biased, &mut out);
        }
        if bytes.is_empty() {
            (start, p, p_any, biased) = (token.start_ms, f32::INFINITY, f32::INFINITY, false);
        }
        bytes.extend_from_slice(&token.bytes);
        end = token.end_ms;
        p_any = p_any.min(token.probability);
        biased |= token.biased;
        if token.bytes.iter().any(u8::is_ascii_alphanumeric) || token.bytes.iter().any(|b| *b >= 0x80) {
            p = p.min(token.probability);
        }
    }
    flush(&mut bytes, (start, end), p, p_any, biased, &mut out);
    let mut words = drop_markers(out);
    let mut last = 0;
    for w in &mut words {
        w.start_ms = w.start_ms.clamp(last, limit_ms);
        w.end_ms = w.end_ms.clamp(w.start_ms, limit_ms);
        last = w.end_ms;
    }
    words
}

/// Removes `[…]` and `(…)` spans and music symbols: Whisper's names for what is not speech. A
/// bracket never closed is not a marker: the words are kept as they were.
fn drop_markers(words: Vec<Word>) -> Vec<Word> {
    let opens = words.iter().flat_map(|w| w.text.chars()).filter(|c| matches!(c, '[' | '(')).count();
    let closes = words.iter().flat_map(|w| w.text.chars()).filter(|c| matches!(c, ']' | ')')).count();
    if opens != closes {
        return words;
    }
    let mut depth = 0usize;
    let mut kept = Vec::with_capacity(words.len());
    for mut word in words {
        let mut text = String::with_capacity(word.text.len());
        for c in word.text.chars() {
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => depth = depth.saturating_sub(1),
                '♪' | '♫' => {}
                _ if depth == 0 => text.push(c),
                _ => {}
            }
        }
        let text = text.trim();
        if !text.is_empty() && text.chars().any(char::is_alphanumeric) {
            word.text = text.to_owned();
            kept.push(word);
        } else if !text.is_empty() {
            // Punctuation left after a marker belongs to the word before it.
            if let Some(prev) = kept.last_mut() {
                prev.text.push_str(text);
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, p: f32, start_ms: u64, end_ms: u64) -> Token {
        Token { bytes: text.as_bytes().to_vec(), probability: p, biased: false, start_ms, end_ms }
    }

    #[test]
    fn sub_words_join_and_the_weakest_piece_is_the_confidence() {
        let tokens = [
            tok(" Krish", 0.31, 0, 200),
            tok("na", 0.92, 200, 350),
            tok(" speaks", 0.97, 350, 700),
            tok(",", 0.05, 700, 700),
            tok(" Arjun", 0.4, 800, 1000),
            tok(".", 0.9, 1000, 1010),
        ];
        let words = words(&tokens, 10_000);
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Krishna", "speaks,", "Arjun."]);
        assert_eq!(words[0].probability, 0.31);
        // The comma's doubt is not the word's.
        assert_eq!(words[1].probability, 0.97);
        assert_eq!((words[0].start_ms, words[0].end_ms), (0, 350));
    }

    #[test]
    fn markers_are_dropped_and_times_are_monotonic_and_bounded() {
        let tokens = [
            tok(" [", 0.9, 0, 10),
            tok("BL", 0.9, 10, 20),
            tok("ANK_AUDIO", 0.9, 20, 30),
            tok("]", 0.9, 30, 40),
            tok(" dharma", 0.6, 900, 800),
            tok(" yoga", 0.7, 700, 20_000),
            tok(" (music)", 0.7, 700, 20_000),
        ];
        let words = words(&tokens, 5_000);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "dharma");
        assert!(words.windows(2).all(|w| w[0].end_ms <= w[1].start_ms));
        assert!(words.iter().all(|w| w.start_ms <= w.end_ms && w.end_ms <= 5_000));
        // A stray bracket swallows nothing.
        let stray = super::words(&[tok(" (Krishna", 0.9, 0, 10), tok(" says", 0.9, 10, 20)], 100);
        assert_eq!(stray.len(), 2);
    }

    #[test]
    fn split_utf8_survives_across_tokens() {
        let k = "Kṛṣṇa".as_bytes();
        let tokens = [
            Token { bytes: [b" ", &k[..2]].concat(), probability: 0.5, biased: false, start_ms: 0, end_ms: 10 },
            Token { bytes: k[2..].to_vec(), probability: 0.6, biased: true, start_ms: 10, end_ms: 20 },
        ];
        let word = &words(&tokens, 100)[0];
        assert_eq!(word.text, "Kṛṣṇa");
        assert!(word.biased, "a word the bias chose a piece of is marked");
        assert!(!super::words(&[tok(" Krishna", 0.9, 0, 10)], 100)[0].biased);
    }
}
