use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use shruti_asr::{Bias, CancelToken, DeviceChoice, Model, Options, Strength, Verifier};
use shruti_core::metrics::{wer, ErrorRate};
use shruti_core::occurrences::{OccurrenceScores, TermFinder};
use shruti_core::{Engine, Flag, FlagKind, Transcript};

use super::transcribe::resolve_model;
use crate::input;

/// Transcribe golden audio (NAME.flac beside NAME.ref.txt) in each mode, correct and flag it, and
/// score every term occurrence of the reference (a clip named false_friends… has none: all of it
/// is English to keep): applied automatically, and applied or first
/// suggestion; English words the recogniser had right that the output changed; WER; and the time
/// of each mode as a ratio to the first, measured in the same run. With thresholds given, exits 1
/// when the last mode falls short. What the recogniser wrote can be saved (`--save-raw`) and
/// scored again later without it (`--from-raw`): the engine alone, in seconds.
///
/// Example: shruti eval-audio golden/terms/tune golden/terms/heldout --modes off,rescore
/// Example: shruti eval-audio golden/terms/heldout --modes off,rescore --from-raw golden/terms/raw
#[derive(Args)]
pub struct Cmd {
    /// Folders of clips; each is scored as a set.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Modes, comma-separated: off (Whisper's text, then the engine, as before this work), heard
    /// (the engine also knows the model's heard forms), bias (decoding pushed towards lexicon
    /// terms), rescore (doubtful spans re-scored against the audio), both. The first is the
    /// reference for time and WER.
    #[arg(long, value_delimiter = ',', default_value = "off,heard")]
    modes: Vec<Mode>,
    /// Bias strength of the bias and both modes.
    #[arg(long, default_value = "normal")]
    bias: Strength,
    /// Every mode but off reads the model's heard forms as variants (`shruti model harvest`):
    /// on or off.
    #[arg(long, default_value = "on", action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    heard: bool,
    /// An installed model's name or a ggml model file.
    #[arg(long, default_value = "tiny.en")]
    model: String,
    /// CPU threads.
    #[arg(long)]
    threads: Option<usize>,
    /// Fail when the last mode applies fewer term occurrences than this share (every set).
    #[arg(long)]
    min_applied: Option<f64>,
    /// Fail when the last mode has fewer occurrences applied or first suggestion than this share.
    #[arg(long)]
    min_first: Option<f64>,
    /// Fail when the last mode spells more English words in IAST than this.
    #[arg(long)]
    max_sanskritised: Option<usize>,
    /// Fail when the last mode's WER is more than this above the first mode's.
    #[arg(long)]
    max_wer_rise: Option<f64>,
    /// Apply a re-scored term this far above what was written (nats per token; the engine's
    /// default when not given): for tuning.
    #[arg(long)]
    heard_auto_margin: Option<f32>,
    /// Suggest a re-scored term no further than this below what was written: for tuning.
    #[arg(long)]
    heard_suggest_margin: Option<f32>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// List missed terms and damaged English words.
    #[arg(long)]
    details: bool,
    /// Keep what the recogniser wrote for each clip (segments, words, their probabilities and
    /// the re-scored spans) under DIR/MODEL/SET/MODE/CLIP.json (heard reads off's).
    #[arg(long, value_name = "DIR", conflicts_with = "from_raw")]
    save_raw: Option<PathBuf>,
    /// Score what `--save-raw` kept instead of running the recogniser (no time is measured).
    #[arg(long, value_name = "DIR")]
    from_raw: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Mode {
    Off,
    Heard,
    Bias,
    Rescore,
    Both,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Heard => "heard",
            Mode::Bias => "bias",
            Mode::Rescore => "rescore",
            Mode::Both => "both",
        }
    }
}

/// Where each clip's text comes from: the model, or what it wrote in an earlier run.
enum Recogniser<'a> {
    Live(Model),
    Saved(&'a Path),
}

#[derive(Serialize)]
struct SetReport {
    dir: String,
    mode: Mode,
    clips: usize,
    audio_s: f64,
    seconds: f64,
    /// Time over the first mode's on the same set.
    time_ratio: f64,
    applied: OccurrenceScores,
    first_suggestion: OccurrenceScores,
    wer: ErrorRate,
    /// Unknown-term and low-confidence flags on words that are not all English, with no
    /// suggestion: the expert must listen and type.
    empty_flags: usize,
    /// Their words, for --details.
    #[serde(skip)]
    empty_surfaces: Vec<String>,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let mut config = shruti_core::Config::default();
        config.heard_auto_margin = self.heard_auto_margin.unwrap_or(config.heard_auto_margin);
        config.heard_suggest_margin = self.heard_suggest_margin.unwrap_or(config.heard_suggest_margin);
        let model_path = resolve_model(&self.model)?;
        let plain = Arc::new(Engine::builder().lexicon(input::lexicon(lexicon)?).config(config.clone()).build());
        let engine = match self.heard {
            true => {
                let lexicon = input::lexicon_for_model(lexicon, &model_path, true)?;
                Arc::new(Engine::builder().lexicon(lexicon).config(config).build())
            }
            false => plain.clone(),
        };
        let finder = TermFinder::new(plain.lexicon());
        let recogniser = match &self.from_raw {
            Some(dir) => Recogniser::Saved(dir),
            None => Recogniser::Live(Model::load(&model_path, DeviceChoice::Auto, false)?),
        };
        let bias = match &recogniser {
            Recogniser::Live(m) => {
                Bias::new(m, &engine.bias_forms(), self.bias, |w| engine.is_english(w)).map(Arc::new)
            }
            Recogniser::Saved(_) => None,
        };
        let mut reports = Vec::new();
        for dir in &self.dirs {
            let clips = input::term_clips(dir)?;
            let mut first_seconds = None;
            for &mode in &self.modes {
                let engine = if mode == Mode::Off { &plain } else { &engine };
                let mut options = Options::default();
                if let Some(threads) = self.threads {
                    options.threads = threads.max(1);
                }
                if matches!(mode, Mode::Rescore | Mode::Both) {
                    options.rescore = Some(engine.clone() as Arc<dyn Verifier>);
                }
                if matches!(mode, Mode::Bias | Mode::Both) {
                    options.bias = bias.clone();
                }
                let mut report = SetReport {
                    dir: dir.display().to_string(),
                    mode,
                    clips: clips.len(),
                    audio_s: 0.0,
                    seconds: 0.0,
                    time_ratio: 1.0,
                    applied: OccurrenceScores::default(),
                    first_suggestion: OccurrenceScores::default(),
                    wer: ErrorRate::default(),
                    empty_flags: 0,
                    empty_surfaces: Vec::new(),
                };
                for (audio, reference) in &clips {
                    let started = Instant::now();
                    let heard = match &recogniser {
                        Recogniser::Live(model) => {
                            shruti_asr::transcribe(model, audio, &options, &CancelToken::default(), |_| {})?
                        }
                        Recogniser::Saved(dir) => input::saved_transcript(&self.raw_path(dir, audio, mode))?,
                    };
                    report.seconds += started.elapsed().as_secs_f64();
                    if let Some(dir) = &self.save_raw {
                        write_raw(&self.raw_path(dir, audio, mode), &heard)?;
                    }
                    report.audio_s += heard.segments.last().map_or(0.0, |s| s.end_ms as f64 / 1000.0);
                    let analysis = engine.analyze(&heard);
                    let written = input::clip_text(&heard);
                    let applied = input::clip_text(&analysis.apply(&heard));
                    let finder = (!input::is_false_friends(audio)).then_some(&finder);
                    report.applied.add(finder, reference, &written, &applied);
                    let reviewed = input::clip_text(&analysis.apply_with_suggestions(&heard));
                    report.first_suggestion.add(finder, reference, &written, &reviewed);
                    report.wer.add(wer(reference, &applied));
                    let empty = analysis.flags.iter().filter(|f| asks_with_nothing(engine, f));
                    report.empty_surfaces.extend(empty.map(|f| f.surface.clone()));
                    report.empty_flags = report.empty_surfaces.len();
                }
                let first = *first_seconds.get_or_insert(report.seconds);
                report.time_ratio = report.seconds / first.max(1e-9);
                if !self.json {
                    self.print(&report);
                }
                reports.push(report);
            }
        }
        if self.json {
            println!("{}", serde_json::to_string_pretty(&reports)?);
        }
        Ok(if self.gates_pass(&reports) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    }

    fn print(&self, r: &SetReport) {
        let mode = match r.mode {
            Mode::Bias | Mode::Both => format!("{} {}", r.mode.name(), self.bias.name()),
            _ => r.mode.name().to_owned(),
        };
        match self.from_raw {
            Some(_) => println!("{} [{mode}]: {} clips, {:.0} s of audio, replayed", r.dir, r.clips, r.audio_s),
            None => println!(
                "{} [{mode}]: {} clips, {:.0} s of audio in {:.1} s ({:.2}× the first mode)",
                r.dir, r.clips, r.audio_s, r.seconds, r.time_ratio
            ),
        }
        println!(
            "  terms applied {:.1} % ({}/{}), applied or first suggestion {:.1} % ({}/{})",
            100.0 * r.applied.terms.rate(),
            r.applied.terms.found,
            r.applied.terms.total,
            100.0 * r.first_suggestion.terms.rate(),
            r.first_suggestion.terms.found,
            r.first_suggestion.terms.total,
        );
        println!(
            "  English damaged {} (in IAST {}), WER {:.3}, doubtful words with no suggestion {}",
            r.applied.english_damaged,
            r.applied.english_sanskritised,
            r.wer.rate(),
            r.empty_flags
        );
        if self.details {
            for m in &r.first_suggestion.missed {
                println!("    missed: {m}");
            }
            for d in &r.applied.damaged {
                println!("    damaged: {d}");
            }
            for e in &r.empty_surfaces {
                println!("    no suggestion: {e}");
            }
        }
    }

    /// Where the recogniser's output for `audio` in `mode` is kept: by model, set and what the
    /// recogniser did (off and heard differ only in the engine, so they share it).
    fn raw_path(&self, dir: &Path, audio: &Path, mode: Mode) -> PathBuf {
        let mode = if mode == Mode::Heard { Mode::Off } else { mode };
        // An installed model by its name ("tiny.en"), a model file by its stem.
        let model = match Path::new(&self.model) {
            p if p.components().count() > 1 => p.file_stem().map_or_else(|| "model".into(), |s| s.to_string_lossy()),
            _ => self.model.as_str().into(),
        };
        let set = audio.parent().and_then(Path::file_name).map_or_else(|| "set".into(), |s| s.to_string_lossy());
        let clip = audio.file_stem().map_or_else(|| "clip".into(), |s| s.to_string_lossy());
        dir.join(&*model).join(&*set).join(mode.name()).join(format!("{clip}.json"))
    }

    /// The thresholds, on the last mode of every set against that set's first mode.
    fn gates_pass(&self, reports: &[SetReport]) -> bool {
        let mut ok = true;
        for set in reports.chunk_by(|a, b| a.dir == b.dir) {
            let (first, last) = (&set[0], &set[set.len() - 1]);
            let mut fail = |what: String| {
                eprintln!("error: {}: {what}", last.dir);
                ok = false;
            };
            if let Some(min) = self.min_applied.filter(|&m| last.applied.terms.rate() < m) {
                fail(format!("terms applied {:.3} < {min}", last.applied.terms.rate()));
            }
            if let Some(min) = self.min_first.filter(|&m| last.first_suggestion.terms.rate() < m) {
                fail(format!("applied or first suggestion {:.3} < {min}", last.first_suggestion.terms.rate()));
            }
            if let Some(max) = self.max_sanskritised.filter(|&m| last.applied.english_sanskritised > m) {
                fail(format!("{} English words spelled in IAST > {max}", last.applied.english_sanskritised));
            }
            let rise = last.wer.rate() - first.wer.rate();
            if let Some(max) = self.max_wer_rise.filter(|&m| rise > m) {
                fail(format!("WER rose by {rise:.3} > {max}"));
            }
        }
        ok
    }
}

fn write_raw(path: &Path, transcript: &Transcript) -> Result<()> {
    let dir = path.parent().context("a raw file's folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let json = serde_json::to_string(transcript)? + "\n";
    std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))
}

/// An unknown-term or low-confidence flag with no suggestion, on words not all English.
fn asks_with_nothing(engine: &Engine, flag: &Flag) -> bool {
    matches!(flag.kind, FlagKind::UnknownTerm | FlagKind::LowConfidence)
        && flag.suggestions.is_empty()
        && !flag
            .surface
            .split_whitespace()
            .all(|w| engine.is_english(&w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase()))
}
