//! WebVTT (`.vtt`) reading and writing. Cue identifiers and settings are kept; NOTE, STYLE and
//! REGION blocks are skipped on read.

use super::lines::Lines;
use super::srt::{clip, push_text, timing};
use super::timecode;
use crate::error::{Error, Result, Warning};
use crate::transcript::{Segment, Transcript};

/// Parses WebVTT text. A missing `WEBVTT` header is repaired with a warning.
pub fn parse_vtt(text: &str, source_name: &str) -> Result<(Transcript, Vec<Warning>)> {
    let lines = Lines::new(text);
    let mut warnings = Vec::new();
    let mut i = 0;
    if lines.get(0).starts_with("WEBVTT") {
        // The header runs to the first blank line (or, in a careless file, the first cue).
        i = 1;
        while i < lines.len() && !lines.is_blank(i) && !lines.starts_cue(i, true) {
            i += 1;
        }
        if !lines.is_blank(i) && i < lines.len() {
            warnings.push(Warning::at(i + 1, "no blank line after the WEBVTT header; read a cue from here"));
        }
    } else {
        warnings.push(Warning::at(1, "no WEBVTT header; read as WebVTT anyway"));
    }
    let mut segments = Vec::new();
    while i < lines.len() {
        if lines.is_blank(i) {
            i += 1;
            continue;
        }
        let first = lines.get(i);
        // Read leniently (indented, tab-separated), and the same way when a written file is read
        // back: an identifier is never taken for a block keyword on one read and not the other.
        if matches!(first.split_whitespace().next(), Some("NOTE" | "STYLE" | "REGION")) {
            while i < lines.len() && !lines.is_blank(i) {
                i += 1;
            }
            continue;
        }
        let mut id = None;
        if !lines.is_timing(i) {
            if !lines.is_timing(i + 1) {
                return Err(Error::Subtitle {
                    source_name: source_name.to_owned(),
                    line: i + 1,
                    message: format!(
                        "expected a cue identifier or a timing line MM:SS.mmm --> MM:SS.mmm, found {:?}",
                        clip(first)
                    ),
                });
            }
            id = Some(first.trim().to_owned());
            i += 1;
        }
        let (start_ms, end_ms) = timing(source_name, &lines, i, &mut warnings)?;
        let settings = timecode::parse_timing(lines.get(i)).and_then(|(_, _, s)| s).map(str::to_owned);
        i += 1;
        let mut text_lines = Vec::new();
        while i < lines.len() && !lines.is_blank(i) {
            if lines.starts_cue(i, true) {
                warnings.push(Warning::at(i + 1, "no blank line before this cue; read it as a new cue"));
                break;
            }
            text_lines.push(lines.get(i).trim_end());
            i += 1;
        }
        segments.push(Segment { id, settings, ..Segment::new(start_ms, end_ms, text_lines.join("\n")) });
    }
    if segments.is_empty() {
        warnings.push(Warning::whole("no cues found"));
    }
    Ok((Transcript { segments }, warnings))
}

/// Writes WebVTT with each cue's identifier and settings, `.` before milliseconds.
pub fn write_vtt(transcript: &Transcript) -> String {
    let mut out = String::from("WEBVTT\n");
    for seg in &transcript.segments {
        out.push('\n');
        if let Some(id) = seg.id.as_deref().filter(|id| !id.trim().is_empty()) {
            out.push_str(id.trim());
            out.push('\n');
        }
        out.push_str(&timecode::format(seg.start_ms, '.'));
        out.push_str(" --> ");
        out.push_str(&timecode::format(seg.end_ms, '.'));
        if let Some(settings) = &seg.settings {
            out.push(' ');
            out.push_str(settings);
        }
        out.push('\n');
        push_text(&mut out, &seg.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_settings_and_skips_notes() {
        let vtt = "WEBVTT - lecture 3\nKind: captions\n\nNOTE made by hand\nsecond note line\n\nSTYLE\n::cue { color: red }\n\nintro\n00:01.000 --> 00:04.000 align:start line:0\n<v Swami>Krishna speaks</v>\n\n00:00:05.000 --> 00:00:06.500\nto Arjun\n";
        let (t, w) = parse_vtt(vtt, "a.vtt").unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].id.as_deref(), Some("intro"));
        assert_eq!(t.segments[0].settings.as_deref(), Some("align:start line:0"));
        assert_eq!(t.segments[0].text, "<v Swami>Krishna speaks</v>");
        assert_eq!((t.segments[1].start_ms, t.segments[1].end_ms), (5000, 6500));
    }

    #[test]
    fn repairs_missing_header_and_reports_garbage() {
        let (t, w) = parse_vtt("00:01.000 --> 00:02.000\nhi\n", "a.vtt").unwrap();
        assert_eq!(t.segments.len(), 1);
        assert!(w[0].message.contains("no WEBVTT header"));
        let err = parse_vtt("WEBVTT\n\nthis is not a cue\nnor this\n", "b.vtt").unwrap_err();
        assert!(err.to_string().starts_with("b.vtt:3: expected a cue identifier or a timing line"), "{err}");
    }

    #[test]
    fn careless_files_keep_every_cue() {
        // No blank line after the header, an identifier straight after a cue, an arrow in text.
        let vtt = "WEBVTT\n00:01.000 --> 00:02.000\nfirst\nsecond-id\n00:03.000 --> 00:04.000\ncause --> effect\n";
        let (t, w) = parse_vtt(vtt, "a.vtt").unwrap();
        let got: Vec<(Option<&str>, &str)> = t.segments.iter().map(|s| (s.id.as_deref(), s.text.as_str())).collect();
        assert_eq!(got, vec![(None, "first"), (Some("second-id"), "cause --> effect")]);
        assert_eq!(w.len(), 2, "{w:?}");
    }

    #[test]
    fn indented_note_is_a_note_on_every_read() {
        // Found by fuzzing: "\t\tNOTE" was read as a cue identifier, written as "NOTE", and the
        // cue vanished when the written file was read back.
        let vtt = "WEBVTT\n\n\t\tNOTE \t\n00:01.000 --> 00:02.000\nhidden\n\n00:03.000 --> 00:04.000\nshown\n";
        let (t, _) = parse_vtt(vtt, "a.vtt").unwrap();
        assert_eq!(t.segments.len(), 1);
        let (again, _) = parse_vtt(&write_vtt(&t), "b.vtt").unwrap();
        assert_eq!(again.segments, t.segments);
    }

    #[test]
    fn writes_ids_and_settings() {
        let mut seg = Segment::new(1000, 2000, "Kṛṣṇa");
        seg.id = Some("a1".into());
        seg.settings = Some("align:start".into());
        let t = Transcript { segments: vec![seg, Segment::new(2000, 3000, "two")] };
        assert_eq!(
            write_vtt(&t),
            "WEBVTT\n\na1\n00:00:01.000 --> 00:00:02.000 align:start\nKṛṣṇa\n\n00:00:02.000 --> 00:00:03.000\ntwo\n"
        );
    }
}
