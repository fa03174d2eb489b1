//! SubRip (`.srt`) reading and writing, tolerant of what real tools write.

use super::lines::Lines;
use super::timecode;
use crate::error::{Error, Result, Warning};
use crate::transcript::{Segment, Transcript};

/// Parses SRT text. Repairs (missing or out-of-order numbers, a missing blank line between cues,
/// end before start) come back as warnings; anything unreadable is an error naming the line.
pub fn parse_srt(text: &str, source_name: &str) -> Result<(Transcript, Vec<Warning>)> {
    let lines = Lines::new(text);
    let mut warnings = Vec::new();
    let mut segments = Vec::new();
    let mut numbering = Numbering::default();
    let mut i = 0;
    while i < lines.len() {
        if lines.is_blank(i) {
            i += 1;
            continue;
        }
        let mut id = None;
        if !lines.is_timing(i) {
            if !lines.is_timing(i + 1) {
                return Err(unexpected(source_name, &lines, i));
            }
            id = Some(lines.get(i).trim().to_owned());
            i += 1;
        }
        let (start_ms, end_ms) = timing(source_name, &lines, i, &mut warnings)?;
        numbering.check(id.as_deref(), i, &mut warnings);
        i += 1;
        let mut text_lines = Vec::new();
        while i < lines.len() && !lines.is_blank(i) {
            if lines.starts_cue(i, false) {
                warnings.push(Warning::at(i + 1, "no blank line before this cue; read it as a new cue"));
                break;
            }
            text_lines.push(lines.get(i).trim_end());
            i += 1;
        }
        segments.push(Segment { id, ..Segment::new(start_ms, end_ms, text_lines.join("\n")) });
    }
    if segments.is_empty() {
        warnings.push(Warning::whole("no cues found"));
    }
    Ok((Transcript { segments }, warnings))
}

/// Reads the timing line at index `i`, which the caller knows contains `-->`.
pub(crate) fn timing(source_name: &str, lines: &Lines, i: usize, warnings: &mut Vec<Warning>) -> Result<(u64, u64)> {
    let line = lines.get(i);
    let (start, end, _) = timecode::parse_timing(line).ok_or_else(|| Error::Subtitle {
        source_name: source_name.to_owned(),
        line: i + 1,
        message: format!("malformed timing line {:?}: expected HH:MM:SS,mmm --> HH:MM:SS,mmm", clip(line)),
    })?;
    if end < start {
        warnings.push(Warning::at(i + 1, "cue ends before it starts; kept as written"));
    }
    Ok((start, end))
}

fn unexpected(source_name: &str, lines: &Lines, i: usize) -> Error {
    let line = lines.get(i).trim();
    let message = if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) {
        return Error::Subtitle {
            source_name: source_name.to_owned(),
            line: i + 2,
            message: format!(
                "expected a timing line HH:MM:SS,mmm --> HH:MM:SS,mmm after cue number {line}, found {:?}",
                clip(lines.get(i + 1))
            ),
        };
    } else {
        format!("expected a cue number or a timing line HH:MM:SS,mmm --> HH:MM:SS,mmm, found {:?}", clip(line))
    };
    Error::Subtitle { source_name: source_name.to_owned(), line: i + 1, message }
}

pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Notices cue numbers that are missing or out of order, once per file.
#[derive(Default)]
struct Numbering {
    last: Option<u64>,
    warned: bool,
}

impl Numbering {
    fn check(&mut self, id: Option<&str>, line: usize, warnings: &mut Vec<Warning>) {
        let number = id.and_then(|s| s.parse::<u64>().ok());
        let in_order = match (number, self.last) {
            (Some(n), Some(last)) => last.checked_add(1) == Some(n),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !in_order && !self.warned {
            warnings.push(Warning::at(
                line,
                "cue numbers are missing or out of order from here on; cues keep their file order and are renumbered on write",
            ));
            self.warned = true;
        }
        self.last = number.or(self.last.and_then(|n| n.checked_add(1)));
    }
}

/// Writes SRT: cues numbered from 1 in transcript order, `,` before milliseconds, CRLF-free.
/// Empty lines inside a cue's text are dropped, since a blank line ends a cue.
pub fn write_srt(transcript: &Transcript) -> String {
    let mut out = String::with_capacity(transcript.segments.len() * 64);
    for (n, seg) in transcript.segments.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n{} --> {}\n",
            n + 1,
            timecode::format(seg.start_ms, ','),
            timecode::format(seg.end_ms, ',')
        ));
        push_text(&mut out, &seg.text);
    }
    out
}

pub(crate) fn push_text(out: &mut String, text: &str) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &Transcript) -> Vec<(u64, u64, &str)> {
        t.segments.iter().map(|s| (s.start_ms, s.end_ms, s.text.as_str())).collect()
    }

    #[test]
    fn reads_a_plain_file() {
        let srt = "1\n00:00:01,000 --> 00:00:04,000\nKrishna speaks to Arjun\n\n2\n00:00:04,500 --> 00:00:06,000\nat <i>Kurukshetra</i>.\nSecond line\n";
        let (t, w) = parse_srt(srt, "a.srt").unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            texts(&t),
            vec![(1000, 4000, "Krishna speaks to Arjun"), (4500, 6000, "at <i>Kurukshetra</i>.\nSecond line")]
        );
        assert_eq!(t.segments[1].id.as_deref(), Some("2"));
    }

    #[test]
    fn survives_real_world_damage() {
        // CRLF, extra blank lines, `.` for `,`, no final newline, missing and out-of-order numbers,
        // a missing blank line, overlapping cues.
        let srt = "\r\n\r\n3\r\n00:00:01.000 --> 00:00:04.000\r\nOne\r\n\r\n\r\n\r\n00:00:03,000 --> 00:00:05,000\r\nTwo\r\n7\r\n00:00:06,000 --> 00:00:07,000\r\nThree";
        let (t, w) = parse_srt(srt, "a.srt").unwrap();
        assert_eq!(texts(&t), vec![(1000, 4000, "One"), (3000, 5000, "Two"), (6000, 7000, "Three")]);
        assert!(w.iter().any(|w| w.message.contains("out of order")), "{w:?}");
        assert!(w.iter().any(|w| w.message.contains("no blank line")), "{w:?}");
    }

    #[test]
    fn arrows_in_text_and_huge_numbers_are_text_and_numbers() {
        let srt = "18446744073709551615\n00:00:01,000 --> 00:00:02,000\ncause --> effect\n\n00:00:03,000 --> 00:00:04,000\nb\n";
        let (t, w) = parse_srt(srt, "a.srt").unwrap();
        assert_eq!(texts(&t), vec![(1000, 2000, "cause --> effect"), (3000, 4000, "b")]);
        assert_eq!(w.len(), 1, "the missing number is noticed once: {w:?}");
    }

    #[test]
    fn errors_name_file_line_and_expectation() {
        let err = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nhello\n", "talk.srt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "talk.srt:6: expected a timing line HH:MM:SS,mmm --> HH:MM:SS,mmm after cue number 2, found \"hello\""
        );
        let err = parse_srt("1\n00:00:01,000 --> 00:0x:02,000\n", "talk.srt").unwrap_err();
        assert!(err.to_string().starts_with("talk.srt:2: malformed timing line"), "{err}");
        let err = parse_srt("just some prose\nand more\n", "notes.txt").unwrap_err();
        assert!(err.to_string().starts_with("notes.txt:1: expected a cue number or a timing line"), "{err}");
    }

    #[test]
    fn writes_numbered_cues() {
        let mut t = Transcript::default();
        t.segments.push(Segment::new(0, 1500, "Kṛṣṇa\n\nspeaks"));
        t.segments.push(Segment::new(3_723_004, 3_724_000, "<b>bold</b>"));
        assert_eq!(
            write_srt(&t),
            "1\n00:00:00,000 --> 00:00:01,500\nKṛṣṇa\nspeaks\n\n2\n01:02:03,004 --> 01:02:04,000\n<b>bold</b>\n"
        );
    }
}
