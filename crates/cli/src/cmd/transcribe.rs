use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde::Serialize;
use shruti_asr::audio::AudioStream;
use shruti_asr::models::ModelStore;
use shruti_asr::{Bias, CancelToken, DeviceChoice, Event, Model, Options, Strength, Verifier};
use shruti_core::subtitle::{write_subtitles, SubtitleFormat};
use shruti_core::{Engine, Segment, Transcript};

use crate::input;
use crate::output::flags_json;

/// Transcribe lectures with Whisper, locally, then correct and flag the Sanskrit terms.
///
/// Writes, per AUDIO file, into the output folder: STEM.srt (corrected), STEM.flags.json (what to
/// review, low-confidence words included) and whatever --format adds (vtt, json: segments and
/// words with confidences). With --raw, Whisper's text is written as it came.
///
/// Example: shruti transcribe lecture.flac -o out --format srt,json
#[derive(Args)]
pub struct Cmd {
    /// Audio files (wav, mp3, flac, ogg, m4a).
    #[arg(required = true)]
    audio: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = ".")]
    output: PathBuf,
    /// An installed model's name (`shruti model list`) or a ggml model file.
    #[arg(long, default_value = "tiny.en")]
    model: String,
    /// auto: the GPU if there is one, else the CPU; cpu; gpu: fail if no GPU works.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Output formats, comma-separated: srt, vtt, json.
    #[arg(long, value_delimiter = ',', default_value = "srt")]
    format: Vec<String>,
    /// Write Whisper's text uncorrected, and no flags.
    #[arg(long)]
    raw: bool,
    /// Spoken language code (default: English for .en models, detected otherwise).
    #[arg(long)]
    language: Option<String>,
    /// CPU threads (default: the number of cores, at most 8).
    #[arg(long)]
    threads: Option<usize>,
    /// Beam search with this width instead of greedy decoding (slower, sometimes better).
    #[arg(long)]
    beam: Option<u32>,
    /// Prime the decoder with this text, e.g. expected Sanskrit terms. Off by default: on small
    /// models it can break timestamps and cause repetition.
    #[arg(long)]
    prompt: Option<String>,
    /// Transcribe long pauses too instead of skipping them.
    #[arg(long)]
    keep_silence: bool,
    /// Do not retry doubtful windows at higher temperature.
    #[arg(long)]
    no_fallback: bool,
    /// Use flash attention (faster on GPUs; measure before using it on a CPU).
    #[arg(long)]
    flash_attn: bool,
    /// Re-score doubtful spans against the audio: on or off (off by default: on costs 2.3–2.5×
    /// the time for a few points of term recall; see README).
    #[arg(long, default_value = "off", action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    rescore: bool,
    /// Push the decoder towards lexicon terms as it decodes: off, light, normal or strong (off by
    /// default: on the never-tuned term audio it cost more than it gained; see README).
    #[arg(long, default_value = "off")]
    bias: Strength,
    /// Read the model's heard forms (`shruti model harvest`; shipped for tiny.en) as lexicon
    /// variants: on or off.
    #[arg(long, default_value = "on", action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    heard: bool,
}

/// The JSON output: the transcript with words and confidences, and how it was made.
#[derive(Serialize)]
struct TranscriptJson<'a> {
    source: String,
    model: &'a str,
    device: String,
    corrected: bool,
    segments: &'a [Segment],
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let formats = self.formats()?;
        self.check_stems()?;
        let model_path = resolve_model(&self.model)?;
        let engine = match self.raw {
            true => None,
            false => {
                let lexicon = input::lexicon_for_model(lexicon, &model_path, self.heard)?;
                Some(Arc::new(Engine::builder().lexicon(lexicon).build()))
            }
        };
        std::fs::create_dir_all(&self.output).with_context(|| format!("cannot create {}", self.output.display()))?;
        let loaded = Instant::now();
        let model = Model::load(&model_path, self.device, self.flash_attn)?;
        eprintln!("model {} on {} (loaded in {:.2} s)", self.model, model.device(), loaded.elapsed().as_secs_f32());
        let bias = match &engine {
            Some(engine) => Bias::new(&model, &engine.bias_forms(), self.bias, |w| engine.is_english(w)).map(Arc::new),
            None => None,
        };
        let mut options = Options {
            bias,
            language: self.language.clone(),
            beam_size: self.beam,
            temperature_fallback: !self.no_fallback,
            initial_prompt: self.prompt.clone(),
            rescore: engine.clone().filter(|_| self.rescore).map(|e| e as Arc<dyn Verifier>),
            ..Options::default()
        };
        options.chunks.skip_silence = !self.keep_silence;
        if let Some(threads) = self.threads {
            options.threads = threads.max(1);
        }

        // Lengths first, for the overall bar; a file that cannot be opened fails here, early.
        let mut total_ms = 0;
        for path in &self.audio {
            total_ms += AudioStream::open(path)?.duration_ms().unwrap_or(0);
        }
        let bars = MultiProgress::new();
        let overall = bars.add(ProgressBar::new(total_ms).with_style(style("all files")));
        let mut failed = 0;
        for (i, path) in self.audio.iter().enumerate() {
            let started = Instant::now();
            let base = overall.position();
            let bar = bars.add(ProgressBar::new(0).with_style(style(&format!("{}/{}", i + 1, self.audio.len()))));
            let (file_bar, all_bar) = (bar.clone(), overall.clone());
            let on_event = move |event: Event| match event {
                Event::Progress { done_ms, total_ms } => {
                    file_bar.set_length(total_ms.unwrap_or(done_ms));
                    file_bar.set_position(done_ms);
                    all_bar.set_position(base + done_ms);
                }
                Event::Live { text, .. } => file_bar.set_message(text),
                Event::Segment(_) => {}
            };
            match shruti_asr::transcribe(&model, path, &options, &CancelToken::default(), on_event) {
                Ok(transcript) => {
                    let audio_ms = bar.length().unwrap_or(0);
                    bar.finish_and_clear();
                    let written = self.write(path, transcript, engine.as_deref(), &formats, &model)?;
                    let secs = started.elapsed().as_secs_f64();
                    let rtf = if audio_ms > 0 { secs * 1000.0 / audio_ms as f64 } else { 0.0 };
                    bars.suspend(|| eprintln!("{}: {written} ({secs:.1} s, RTF {rtf:.3})", path.display()));
                }
                Err(e) => {
                    bar.abandon();
                    bars.suspend(|| eprintln!("error: {e}"));
                    failed += 1;
                }
            }
        }
        overall.finish_and_clear();
        Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    }

    /// Outputs are named by file stem: two inputs with one stem would overwrite each other.
    fn check_stems(&self) -> Result<()> {
        let mut seen = std::collections::HashMap::new();
        for path in &self.audio {
            if let Some(other) = seen.insert(path.file_stem(), path) {
                bail!(
                    "{} and {} would write the same output files; transcribe them separately",
                    other.display(),
                    path.display()
                );
            }
        }
        Ok(())
    }

    fn formats(&self) -> Result<Vec<String>> {
        for f in &self.format {
            if !["srt", "vtt", "json"].contains(&f.as_str()) {
                bail!("unknown format {f:?}: use srt, vtt or json");
            }
        }
        Ok(self.format.clone())
    }

    /// Writes one file's outputs; returns a summary line.
    fn write(
        &self,
        audio: &Path,
        transcript: Transcript,
        engine: Option<&Engine>,
        formats: &[String],
        model: &Model,
    ) -> Result<String> {
        let stem = audio.file_stem().map_or_else(|| "transcript".into(), |s| s.to_string_lossy().into_owned());
        let out = |ext: &str| self.output.join(format!("{stem}.{ext}"));
        let (transcript, summary) = match engine {
            Some(engine) => {
                let (corrected, analysis) = engine.correct(transcript);
                let flags = out("flags.json");
                write_file(&flags, &flags_json(&analysis.flags)?)?;
                let summary = format!(
                    "{} segments, {} corrections, {} flags → {}",
                    corrected.segments.len(),
                    analysis.corrections.len(),
                    analysis.flags.len(),
                    flags.display()
                );
                (corrected, summary)
            }
            None => {
                let summary = format!("{} segments", transcript.segments.len());
                (transcript, summary)
            }
        };
        for format in formats {
            let text = match format.as_str() {
                "srt" => write_subtitles(&transcript, SubtitleFormat::Srt),
                "vtt" => write_subtitles(&transcript, SubtitleFormat::Vtt),
                _ => {
                    serde_json::to_string_pretty(&TranscriptJson {
                        source: audio.display().to_string(),
                        model: &self.model,
                        device: model.device().to_string(),
                        corrected: engine.is_some(),
                        segments: &transcript.segments,
                    })? + "\n"
                }
            };
            write_file(&out(format), &text)?;
        }
        Ok(summary)
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A model name from the store, or a path to a model file.
pub(crate) fn resolve_model(model: &str) -> Result<PathBuf> {
    let path = Path::new(model);
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    let store = ModelStore::open(ModelStore::default_dir()).map_err(|e| anyhow!(e))?;
    store.path(model).map_err(|e| anyhow!(e))
}

pub(crate) fn style(prefix: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!("{prefix:>9} {{bar:30}} {{percent:>3}}% eta {{eta}} {{wide_msg}}"))
        .expect("valid template")
}
