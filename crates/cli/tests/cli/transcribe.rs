//! `shruti transcribe` and `shruti model` with the real tiny.en model installed by
//! `shruti model fetch tiny.en` (scripts/test.sh runs it first).

use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::{path_str, root, shruti, stderr, temp_dir};

/// whisper.cpp's threads busy-wait: transcriptions take turns rather than starve each other.
static MODEL_TURN: Mutex<()> = Mutex::new(());

fn turn() -> MutexGuard<'static, ()> {
    MODEL_TURN.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn transcribe_writes_a_corrected_srt_the_flags_and_words_with_confidences() {
    let _turn = turn();
    let out = temp_dir("transcribe");
    let audio = root().join("golden/audio/gita_karma_yoga.flac");
    let o =
        shruti(&["transcribe", path_str(&audio), "-o", path_str(&out), "--format", "srt,vtt,json", "--threads", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("RTF"), "{}", stderr(&o));

    let srt = std::fs::read_to_string(out.join("gita_karma_yoga.srt")).unwrap();
    assert!(srt.starts_with("1\n00:00:00,"), "{srt}");
    assert!(std::fs::read_to_string(out.join("gita_karma_yoga.vtt")).unwrap().starts_with("WEBVTT"));

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gita_karma_yoga.json")).unwrap()).unwrap();
    assert_eq!(json["corrected"], true);
    let words: Vec<&Value> =
        json["segments"].as_array().unwrap().iter().flat_map(|s| s["words"].as_array().unwrap()).collect();
    assert!(words.len() > 50);
    assert!(words.iter().all(|w| (0.0..=1.0).contains(&w["probability"].as_f64().unwrap())));

    // Whisper is unsure of the Sanskrit: those words reach the review queue with their confidence.
    let flags: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gita_karma_yoga.flags.json")).unwrap()).unwrap();
    let flags = flags.as_array().unwrap();
    let low: Vec<&str> = flags
        .iter()
        .filter(|f| f["reasons"].as_array().unwrap().iter().any(|r| r["reason"] == "low-asr-confidence"))
        .map(|f| f["surface"].as_str().unwrap())
        .collect();
    assert!(low.len() >= 3, "{low:?}");
    assert!(low.iter().any(|s| s.contains("Krishna") || s.contains("gita") || s.contains("chakra")), "{low:?}");
}

#[test]
fn raw_transcription_writes_whisper_text_and_no_flags() {
    let _turn = turn();
    let out = temp_dir("transcribe-raw");
    let audio = root().join("crates/asr/tests/data/speech.mp3");
    let o = shruti(&["transcribe", path_str(&audio), "-o", path_str(&out), "--raw", "--threads", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let srt = std::fs::read_to_string(out.join("speech.srt")).unwrap();
    assert!(srt.contains("speaks to"), "{srt}");
    assert!(!out.join("speech.flags.json").exists());
}

#[test]
fn bad_audio_and_missing_models_fail_with_the_file_named() {
    let _turn = turn();
    let out = temp_dir("transcribe-bad");
    let webm = root().join("crates/asr/tests/data/video.webm");
    let o = shruti(&["transcribe", path_str(&webm), "-o", path_str(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("video.webm") && stderr(&o).contains("ffmpeg"), "{}", stderr(&o));

    let flac = root().join("golden/audio/upanishad_atman.flac");
    let o = shruti(&["transcribe", path_str(&flac), "-o", path_str(&out), "--model", "no-such-model"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("shruti model fetch no-such-model"), "{}", stderr(&o));

    let o = shruti(&["transcribe", path_str(&flac), "--device", "tpu"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn models_are_imported_listed_found_and_removed() {
    let _turn = turn();
    let models = temp_dir("models");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_shruti")).args(args).env("SHRUTI_MODELS_DIR", &models).output().unwrap()
    };
    // A ggml file is copied in; the installed tiny.en serves as one.
    let installed = shruti(&["model", "path", "tiny.en"]);
    assert!(installed.status.success(), "{}", stderr(&installed));
    let file = String::from_utf8(installed.stdout).unwrap();
    let o = run(&["model", "import", file.trim(), "--name", "mine"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let list = String::from_utf8(run(&["model", "list"]).stdout).unwrap();
    assert!(list.contains("mine") && list.contains("copied from"), "{list}");
    let path = String::from_utf8(run(&["model", "path", "mine"]).stdout).unwrap();
    assert!(path.trim().ends_with("ggml-mine.bin"));

    // Not a model: refused, nothing registered.
    let junk = models.join("junk.bin");
    std::fs::write(&junk, b"junk").unwrap();
    let o = run(&["model", "import", path_str(&junk)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("junk.bin"));

    assert!(run(&["model", "remove", "mine"]).status.success());
    assert!(!models.join("ggml-mine.bin").exists());
    let o = run(&["model", "path", "mine"]);
    assert!(stderr(&o).contains("shruti model fetch mine"));
    let o = run(&["model", "fetch", "huge-v9"]);
    assert!(stderr(&o).contains("unknown model"), "{}", stderr(&o));
}

#[test]
fn eval_audio_scores_term_occurrences_per_mode_and_gates_on_them() {
    let _turn = turn();
    let set = temp_dir("eval-audio");
    for ext in ["flac", "ref.txt"] {
        let name = format!("upanishad_atman.{ext}");
        std::fs::copy(root().join("golden/audio").join(&name), set.join(&name)).unwrap();
    }
    let raw = temp_dir("eval-audio-raw");
    let mode_args = ["--modes", "off,bias,rescore"];
    let o = shruti(
        &[&["eval-audio", path_str(&set)], &mode_args[..], &["--threads", "2", "--json", "--save-raw", path_str(&raw)]]
            .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let modes: Vec<&str> = report.as_array().unwrap().iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["off", "bias", "rescore"]);
    for r in report.as_array().unwrap() {
        // ātman twice, brahman, Upaniṣads, Śaṅkarācārya, mokṣa, prāṇāyāma, prāṇa, sattva twice,
        // rajas, tamas.
        assert_eq!(r["applied"]["terms"]["total"], 12, "{r}");
        assert!(r["first_suggestion"]["terms"]["found"].as_u64() >= r["applied"]["terms"]["found"].as_u64());
        assert!(r["wer"]["reference_len"].as_u64().unwrap() > 80);
    }
    assert_eq!(report[0]["time_ratio"], 1.0);

    // What the recogniser wrote, kept and scored again without it: the same scores.
    let saved = raw.join("tiny.en").join(set.file_name().unwrap()).join("rescore/upanishad_atman.json");
    let kept: shruti_core::Transcript = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert!(kept.segments.iter().any(|s| !s.heard.is_empty()), "re-scored spans are kept");
    let o =
        shruti(&[&["eval-audio", path_str(&set)], &mode_args[..], &["--json", "--from-raw", path_str(&raw)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let replayed: Value = serde_json::from_slice(&o.stdout).unwrap();
    for (a, b) in report.as_array().unwrap().iter().zip(replayed.as_array().unwrap()) {
        assert_eq!(
            (&a["applied"], &a["first_suggestion"], &a["wer"]),
            (&b["applied"], &b["first_suggestion"], &b["wer"])
        );
    }
    let o = shruti(&["eval-audio", path_str(&set), "--modes", "both", "--from-raw", path_str(&raw)]);
    assert!(!o.status.success() && stderr(&o).contains("both/upanishad_atman.json"), "{}", stderr(&o));

    // An impossible bar fails, naming the set.
    let o = shruti(&["eval-audio", path_str(&set), "--modes", "off", "--threads", "2", "--min-first", "1.01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("applied or first suggestion"), "{}", stderr(&o));
}

#[test]
fn harvest_hears_each_term_once_per_voice_and_resumes() {
    let _turn = turn();
    let out = temp_dir("harvest").join("tiny.en.heard.toml");
    let args = ["model", "harvest", "tiny.en", "--voices", "en-us,hi", "--limit", "3", "--threads", "2", "--out"];
    let o = shruti(&[&args[..], &[path_str(&out)]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let harvest = shruti_core::harvest::Harvest::from_toml(&text, "harvest").unwrap();
    assert_eq!(harvest.len(), 6, "three terms, two voices: {text}");
    assert!(harvest.has("hi", "Indra") && harvest.has("en-us", "Indra"), "{text}");
    assert_eq!(harvest.model, "tiny.en");
    // Run again: nothing left to hear, the file unchanged.
    let o = shruti(&[&args[..], &[path_str(&out)]].concat());
    assert!(stderr(&o).contains("0 of 6 left to hear"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    // A file made for another model file is refused, not mixed.
    std::fs::write(&out, text.replace(&harvest.sha256, "0000")).unwrap();
    let o = shruti(&[&args[..], &[path_str(&out)]].concat());
    assert!(!o.status.success() && stderr(&o).contains("another model file"), "{}", stderr(&o));
}
