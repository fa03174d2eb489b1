//! The text the matchers see: a segment's text with markup removed, runs of spaces, line breaks
//! and hyphens read as one space, and non-ASCII letters lowercased, with a map back to the
//! original bytes. Also word tokens, sentence starts and casing.

/// Reusable buffers for one segment's scan.
#[derive(Default)]
pub(crate) struct Scan {
    /// The normalised text.
    pub(crate) text: String,
    /// For each byte of `text`, the byte offset in the original; one extra entry for the end.
    /// Empty when `text` is the original unchanged.
    map: Vec<u32>,
}

impl Scan {
    pub(crate) fn build(&mut self, original: &str) {
        self.text.clear();
        self.map.clear();
        if is_plain(original) {
            // Most subtitle text needs no normalising: skip the byte map.
            self.text.push_str(original);
            return;
        }
        let last_close = original.rfind('>');
        let mut in_tag = false;
        let mut pending_space = false;
        for (at, c) in original.char_indices() {
            if in_tag {
                in_tag = c != '>';
                continue;
            }
            if c == '<' && last_close.is_some_and(|close| close > at) {
                in_tag = true;
                pending_space |= !self.text.is_empty();
                continue;
            }
            if c.is_whitespace() || c == '-' || c == '‐' || c == '–' {
                pending_space |= !self.text.is_empty();
                continue;
            }
            if pending_space {
                self.text.push(' ');
                self.map.push(at as u32);
                pending_space = false;
            }
            let lower = if c.is_ascii() { c } else { single_lowercase(c) };
            let start = self.text.len();
            self.text.push(lower);
            for k in 0..(self.text.len() - start) {
                self.map.push((at + k) as u32);
            }
        }
        self.map.push(original.len() as u32);
    }

    /// The original byte range for the normalised range `start..end`.
    pub(crate) fn original_range(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        if self.map.is_empty() {
            return start..end;
        }
        self.map[start] as usize..self.map[end - 1] as usize + 1
    }
}

/// Whether normalising would leave `text` as it is: ASCII with no markup, hyphen, line break or
/// doubled, leading or trailing space.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut previous = b' ';
    for &b in bytes {
        if !b.is_ascii()
            || matches!(b, b'<' | b'-' | b'\n' | b'\r' | b'\t' | b'\x0b' | b'\x0c')
            || (b == b' ' && previous == b' ')
        {
            return false;
        }
        previous = b;
    }
    previous != b' '
}

/// `c` lowercased when that is one character of the same UTF-8 length (true of every IAST
/// letter), so byte offsets keep their meaning; otherwise `c` unchanged.
fn single_lowercase(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
        _ => c,
    }
}

/// Whether `c` continues a word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '\u{300}'..='\u{36f}')
}

/// If a match ending at `end` is followed by a possessive (`'s`, `’s`, or a bare `'`/`’` before a
/// boundary), the length of that ending; `Some(0)` for a plain word boundary; `None` when the
/// word goes on.
pub(crate) fn word_end(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    let mut chars = rest.chars();
    match chars.next() {
        None => Some(0),
        Some('\'' | '’') => {
            let after_apostrophe = chars.as_str();
            let mut next = after_apostrophe.chars();
            match next.next() {
                Some('s' | 'S') if !next.clone().next().is_some_and(is_word_char) => {
                    Some(rest.len() - next.as_str().len())
                }
                Some(c) if is_word_char(c) => None,
                _ => Some(0),
            }
        }
        Some(c) if is_word_char(c) => None,
        Some(_) => Some(0),
    }
}

/// Whether a word starting at `start` starts a word: nothing word-like just before it, nor an
/// apostrophe inside a word (o'Rama); an opening quote ('Rama') is fine.
pub(crate) fn word_start(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some('\'' | '’') => !before.next().is_some_and(is_word_char),
        Some(c) => !is_word_char(c),
        None => true,
    }
}

/// Whether position `start` begins a sentence: only spaces, quotes and brackets lie between it and
/// the segment start (when the previous segment ended a sentence) or a `. ! ? : ;`.
pub(crate) fn sentence_start(text: &str, start: usize, segment_starts_sentence: bool) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '"' | '\'' | '“' | '‘' | '”' | '’' | '(' | '[' | ')' | ']' | '«' | '»' => continue,
            '.' | '!' | '?' | ':' | ';' | '…' => return true,
            _ => return false,
        }
    }
    segment_starts_sentence
}

/// Whether text (a segment) ends a sentence, so the next begins one.
pub(crate) fn ends_sentence(text: &str) -> bool {
    // Closing markup (`</i>`), quotes and brackets may follow the full stop, in any order.
    let mut rest = text.trim_end();
    loop {
        let before = rest.len();
        if let Some(open) = rest.strip_suffix('>').and_then(|r| r.rfind('<')) {
            rest = &rest[..open];
        }
        rest =
            rest.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»'));
        if rest.len() == before {
            break;
        }
    }
    rest.is_empty() || rest.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// Casing for a replacement: names keep their capitals; otherwise the surface's initial capital
/// carries over; an all-capitals surface makes an all-capitals replacement.
pub(crate) fn apply_case(canonical: &str, surface: &str) -> String {
    let mut letters = surface.chars().filter(|c| c.is_alphabetic());
    let first_upper = letters.next().is_some_and(char::is_uppercase);
    let all_upper =
        first_upper && surface.chars().filter(|c| c.is_alphabetic()).count() > 1 && letters.all(char::is_uppercase);
    if all_upper {
        return canonical.to_uppercase();
    }
    if first_upper && canonical.chars().next().is_some_and(char::is_lowercase) {
        let mut chars = canonical.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
        return first + chars.as_str();
    }
    canonical.to_owned()
}

/// Iterates the words of normalised text: `(start, end)` byte ranges of runs of word characters,
/// with internal apostrophes kept (a trailing possessive is left for [`word_end`]).
pub(crate) fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let skip = rest.find(is_word_char)?;
        let start = at + skip;
        let mut end = start;
        let mut next_at = None;
        let mut chars = text[start..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if is_word_char(c) {
                end = start + i + c.len_utf8();
            } else if matches!(c, '\'' | '’') && chars.peek().is_some_and(|&(_, n)| is_word_char(n)) {
                // An apostrophe inside a word continues it, unless it starts a possessive 's,
                // which is skipped: it is no word of its own.
                if let Some(len) = word_end(text, end).filter(|&len| len > 0) {
                    next_at = Some(end + len);
                    break;
                }
            } else {
                break;
            }
        }
        at = next_at.unwrap_or(end.max(start + 1));
        Some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_maps_back() {
        let mut scan = Scan::default();
        let original = "<i>Śrī</i>  Krishna-\nArjuna";
        scan.build(original);
        assert_eq!(scan.text, "śrī Krishna Arjuna", "ASCII case is left to the automaton");
        let at = scan.text.find("Krishna").unwrap();
        assert_eq!(&original[scan.original_range(at, at + 7)], "Krishna");
        let at = scan.text.find("śrī").unwrap();
        assert_eq!(&original[scan.original_range(at, at + "śrī".len())], "Śrī");
    }

    #[test]
    fn plain_text_maps_to_itself() {
        let mut scan = Scan::default();
        scan.build("Krishna speaks to Arjun.");
        assert_eq!(scan.text, "Krishna speaks to Arjun.");
        assert_eq!(scan.original_range(0, 7), 0..7);
        for not_plain in [" lead", "trail ", "two  spaces", "line\nbreak", "hy-phen", "<i>x</i>", "Kṛṣṇa", ""] {
            assert!(!is_plain(not_plain), "{not_plain:?}");
        }
    }

    #[test]
    fn boundaries_and_possessives() {
        assert_eq!(word_end("rama's bow", 4), Some(2));
        assert_eq!(word_end("ramas", 4), None);
        assert_eq!(word_end("pandavas' camp", 8), Some(0));
        assert_eq!(word_end("rama, then", 4), Some(0));
        assert!(!word_start("panorama", 4));
        assert!(word_start("the rama", 4));
        assert!(word_start("said 'rama'", 6), "an opening quote is no part of the word");
        assert!(!word_start("o'rama", 2));
        assert_eq!(word_end("KRISHNA'S BOW", 7), Some(2));
    }

    #[test]
    fn sentences_and_case() {
        assert!(sentence_start("he left. \"Krishna", 10, false));
        assert!(!sentence_start("then Krishna", 5, true));
        assert!(sentence_start("Krishna", 0, true));
        assert_eq!(apply_case("dharma", "Dharma"), "Dharma");
        assert_eq!(apply_case("Kṛṣṇa", "krishna"), "Kṛṣṇa");
        assert_eq!(apply_case("Kṛṣṇa", "KRISHNA"), "KṚṢṆA");
        assert!(ends_sentence("the end.</i>"));
        assert!(ends_sentence("the end.</i>”"));
        assert!(ends_sentence("(the end.)"));
        assert!(sentence_start("“Go.” Ram", "“Go.” Ram".find("Ram").unwrap(), false));
        assert!(!ends_sentence("and then"));
    }

    #[test]
    fn splits_words() {
        let text = "krishna's bow, o'neill and rama";
        let found: Vec<&str> = words(text).map(|(s, e)| &text[s..e]).collect();
        assert_eq!(found, vec!["krishna", "bow", "o'neill", "and", "rama"]);
        let text = "KRISHNA'S BOW";
        assert_eq!(words(text).map(|(s, e)| &text[s..e]).collect::<Vec<_>>(), vec!["KRISHNA", "BOW"]);
    }
}
