//! Decoding real files of every supported format, and refusing bad ones with clear errors.

use std::path::{Path, PathBuf};

use shruti_asr::audio::{read_all, AudioErrorKind, SAMPLE_RATE};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn seconds(samples: &[f32]) -> f32 {
    samples.len() as f32 / SAMPLE_RATE as f32
}

fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}

#[test]
fn every_format_decodes_to_the_same_speech_at_16_khz() {
    // One 3.06 s sentence in five formats, rates and channel counts (see tests/data/README.md).
    for name in ["speech.wav", "speech.flac", "speech.mp3", "speech.ogg", "speech.m4a"] {
        let samples = read_all(&data(name)).unwrap_or_else(|e| panic!("{e}"));
        let len = seconds(&samples);
        assert!((len - 3.06).abs() < 0.08, "{name}: {len} s");
        assert!(rms(&samples) > 0.01, "{name} is silent");
        assert!(samples.iter().all(|s| s.is_finite() && s.abs() <= 1.5), "{name}: samples out of range");
    }
}

#[test]
fn the_audio_track_of_an_mp4_video_is_read() {
    let samples = read_all(&data("video.mp4")).unwrap_or_else(|e| panic!("{e}"));
    assert!((seconds(&samples) - 2.0).abs() < 0.1);
}

#[test]
fn a_codec_without_a_decoder_names_the_file_the_codec_and_ffmpeg() {
    let err = read_all(&data("video.webm")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err.kind, AudioErrorKind::Unsupported(_)), "{msg}");
    assert!(msg.contains("video.webm") && msg.contains("Opus") && msg.contains("ffmpeg"), "{msg}");
}

#[test]
fn empty_text_and_garbage_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let err = read_all(&empty).unwrap_err();
    assert!(matches!(err.kind, AudioErrorKind::Empty));
    assert!(err.to_string().contains("empty.wav"));

    let text = dir.path().join("notes.mp3");
    std::fs::write(&text, "1\n00:00:01,000 --> 00:00:02,000\nnot audio\n".repeat(50)).unwrap();
    let err = read_all(&text).unwrap_err();
    assert!(matches!(err.kind, AudioErrorKind::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("notes.mp3"));

    let missing = dir.path().join("missing.flac");
    assert!(matches!(read_all(&missing).unwrap_err().kind, AudioErrorKind::Io(_)));
}

#[test]
fn truncated_files_say_where_they_stop() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["speech.wav", "speech.flac"] {
        let bytes = std::fs::read(data(name)).unwrap();
        let cut = dir.path().join(name);
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let err = read_all(&cut).unwrap_err();
        assert!(matches!(err.kind, AudioErrorKind::Truncated { .. }), "{name}: {err}");
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["speech.wav", "speech.flac", "speech.mp3", "speech.ogg", "speech.m4a"] {
        let mut bytes = std::fs::read(data(name)).unwrap();
        // Overwrite a stretch in the middle with a pattern, and flip bits elsewhere.
        let n = bytes.len();
        for (i, b) in bytes[n / 3..n / 3 + 2000.min(n / 4)].iter_mut().enumerate() {
            *b = (i * 7 + 13) as u8;
        }
        for i in (64..n).step_by(997) {
            bytes[i] ^= 0x5a;
        }
        let bad = dir.path().join(name);
        std::fs::write(&bad, &bytes).unwrap();
        // Damaged audio may decode with gaps or fail; it must not panic, and a failure names the file.
        if let Err(e) = read_all(&bad) {
            assert!(e.to_string().contains(name), "{e}");
        }
    }
}

/// The whole file at its own rate, mono, read from the start.
fn native(path: &Path) -> (Vec<f32>, u32) {
    let mut decoder = shruti_asr::audio::Decoder::open(path).unwrap();
    let mut samples = Vec::new();
    while decoder.read_mono(&mut samples).unwrap() {}
    (samples, decoder.sample_rate())
}

#[test]
fn a_span_read_by_seeking_is_that_stretch_of_the_file() {
    for name in ["speech.wav", "speech.flac", "speech.mp3", "speech.ogg", "speech.m4a", "video.mp4"] {
        let path = data(name);
        let (whole, rate) = native(&path);
        let span = shruti_asr::audio::read_span(&path, 1000, 1750).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(span.sample_rate, rate, "{name}");
        let (first, last) = (rate as usize, rate as usize * 7 / 4);
        assert_eq!(span.samples.len(), last - first, "{name}");
        let expected = &whole[first..last];
        // Lossy codecs restart their overlap at a seek: the first few ms may differ, the rest not.
        let settled = rate as usize / 20;
        let dot: f32 = span.samples[settled..].iter().zip(&expected[settled..]).map(|(a, b)| a * b).sum();
        let norm = |s: &[f32]| s.iter().map(|x| x * x).sum::<f32>().sqrt();
        let similarity = dot / (norm(&span.samples[settled..]) * norm(&expected[settled..])).max(1e-9);
        assert!(similarity > 0.99, "{name}: the span is not the file's 1.0–1.75 s ({similarity})");
    }
}

#[test]
fn a_span_past_the_end_is_cut_short() {
    let span = shruti_asr::audio::read_span(&data("speech.wav"), 2500, 60_000).unwrap();
    let seconds = span.samples.len() as f32 / span.sample_rate as f32;
    assert!((seconds - 0.56).abs() < 0.05, "{seconds} s");
}
