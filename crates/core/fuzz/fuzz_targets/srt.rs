//! Any bytes given to the SRT reader: never a panic; whatever parses writes back and re-reads to
//! the same cues.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shruti_core::subtitle::{parse_srt, read_subtitles, write_srt};

fuzz_target!(|data: &[u8]| {
    if let Ok((transcript, _, _)) = read_subtitles(data, "fuzz.srt") {
        let written = write_srt(&transcript);
        let (again, _) = parse_srt(&written, "rewritten.srt").expect("written SRT reads back");
        let cues = |t: &shruti_core::Transcript| {
            t.segments.iter().map(|s| (s.start_ms, s.end_ms, s.text.lines().filter(|l| !l.trim().is_empty()).map(str::trim_end).collect::<Vec<_>>().join("\n"))).collect::<Vec<_>>()
        };
        assert_eq!(cues(&again), cues(&transcript));
    }
});
