//! Subtitle formats: reading real-world SRT and WebVTT files and writing them back.

mod decode;
mod lines;
mod srt;
mod timecode;
mod vtt;

pub use decode::decode_text;
pub use srt::{parse_srt, write_srt};
pub use vtt::{parse_vtt, write_vtt};

use crate::error::{Result, Warning};
use crate::transcript::Transcript;

/// The subtitle formats Shruti reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubtitleFormat {
    /// SubRip.
    Srt,
    /// WebVTT.
    Vtt,
}

impl SubtitleFormat {
    /// The format a file name's extension names, if any.
    pub fn from_extension(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "srt" => Some(Self::Srt),
            "vtt" => Some(Self::Vtt),
            _ => None,
        }
    }

    /// The format named by the extension, else by the content (`WEBVTT` first), else SRT.
    pub fn detect(path: &str, text: &str) -> Self {
        Self::from_extension(path).unwrap_or(if text.trim_start_matches('\u{feff}').starts_with("WEBVTT") {
            Self::Vtt
        } else {
            Self::Srt
        })
    }
}

/// Decodes and parses a subtitle file's bytes; `source_name` is used in errors and warnings.
pub fn read_subtitles(bytes: &[u8], source_name: &str) -> Result<(Transcript, SubtitleFormat, Vec<Warning>)> {
    let (text, mut warnings) = decode_text(bytes, source_name)?;
    let format = SubtitleFormat::detect(source_name, &text);
    let (transcript, more) = match format {
        SubtitleFormat::Srt => parse_srt(&text, source_name)?,
        SubtitleFormat::Vtt => parse_vtt(&text, source_name)?,
    };
    warnings.extend(more);
    Ok((transcript, format, warnings))
}

/// Writes a transcript in the given format.
pub fn write_subtitles(transcript: &Transcript, format: SubtitleFormat) -> String {
    match format {
        SubtitleFormat::Srt => write_srt(transcript),
        SubtitleFormat::Vtt => write_vtt(transcript),
    }
}

#[cfg(test)]
mod roundtrip {
    //! Writing what was read reproduces the same cues.
    use super::*;
    use crate::transcript::Segment;
    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        // Words from a mixed alphabet (IAST, Devanagari, tags, punctuation); never a blank line
        // or a `-->`, which no subtitle format can hold inside a cue.
        proptest::collection::vec("[a-zA-Z0-9āīūṛṣśṇṭḍṃḥ़कृष्ण'’,.!?<>/\"=-]{1,12}", 1..6)
            .prop_map(|words| words.join(" "))
            .prop_filter("no arrows", |l| !l.contains("-->"))
    }

    fn segment() -> impl Strategy<Value = Segment> {
        (0u64..400_000_000, 0u64..100_000, proptest::collection::vec(line(), 0..4))
            .prop_map(|(start, len, lines)| Segment::new(start, start + len, lines.join("\n")))
    }

    fn cues(t: &Transcript) -> Vec<(u64, u64, String)> {
        t.segments.iter().map(|s| (s.start_ms, s.end_ms, s.text.clone())).collect()
    }

    proptest! {
        #[test]
        fn srt_roundtrip(segments in proptest::collection::vec(segment(), 0..20)) {
            let t = Transcript { segments };
            let (back, _) = parse_srt(&write_srt(&t), "p.srt").unwrap();
            prop_assert_eq!(cues(&back), cues(&t));
        }

        #[test]
        fn vtt_roundtrip(segments in proptest::collection::vec(segment(), 0..20),
                         ids in proptest::collection::vec(proptest::option::of("[a-z][a-z0-9]{0,6}"), 20)) {
            let mut t = Transcript { segments };
            for (seg, id) in t.segments.iter_mut().zip(ids) {
                seg.id = id;
                seg.settings = seg.id.as_ref().map(|_| "align:start".to_owned());
            }
            let (back, _) = parse_vtt(&write_vtt(&t), "p.vtt").unwrap();
            prop_assert_eq!(cues(&back), cues(&t));
            let meta = |t: &Transcript| t.segments.iter().map(|s| (s.id.clone(), s.settings.clone())).collect::<Vec<_>>();
            prop_assert_eq!(meta(&back), meta(&t));
        }

        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_subtitles(&bytes, "fuzz.srt");
            let _ = read_subtitles(&bytes, "fuzz.vtt");
        }
    }
}
