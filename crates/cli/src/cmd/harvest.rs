//! `shruti model harvest`: what a model writes for every lexicon term, heard from espeak-ng.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use indicatif::ProgressBar;
use shruti_asr::models::ModelStore;
use shruti_asr::{CancelToken, DeviceChoice, Model, Options};
use shruti_core::harvest::{self, Harvest, Script, Sentence};
use shruti_core::Lexicon;

use super::transcribe::style;

/// Speak every lexicon term in carrier sentences with espeak-ng voices, transcribe them with the
/// model, and keep what it wrote for each term: the model's heard forms, which the engine reads
/// as variants when that model transcribes. Resumable: what the file already holds is skipped.
///
/// Example: shruti model harvest tiny.en --voices en-us,hi
#[derive(Args)]
pub struct Cmd {
    /// An installed model's name.
    name: String,
    /// espeak-ng voices, comma-separated; `hi` reads each term's Devanagari inside English
    /// carrier sentences.
    #[arg(long, value_delimiter = ',', default_value = "en-us,en-gb-x-rp,hi")]
    voices: Vec<String>,
    /// Sentences per recording (about 3 s each; eight fill one 30 s window).
    #[arg(long, default_value_t = 8)]
    per_clip: usize,
    /// Only the first N entries (for a quick look).
    #[arg(long)]
    limit: Option<usize>,
    /// The harvest file (default: NAME.heard.toml beside the model).
    #[arg(long)]
    out: Option<PathBuf>,
    /// CPU threads.
    #[arg(long)]
    threads: Option<usize>,
}

impl Cmd {
    pub fn run(self, lexicon: &Lexicon) -> Result<ExitCode> {
        if Command::new("espeak-ng").arg("--version").output().is_err() {
            bail!("espeak-ng is not installed: sudo apt-get install espeak-ng");
        }
        let store = ModelStore::open(ModelStore::default_dir()).map_err(|e| anyhow!(e))?;
        let entry = store
            .get(&self.name)
            .map_err(|e| anyhow!(e))?
            .ok_or_else(|| anyhow!("no model {} is installed: run `shruti model fetch {}`", self.name, self.name))?;
        let model_path = store.path(&self.name).map_err(|e| anyhow!(e))?;
        let out = self.out.clone().unwrap_or_else(|| store.dir().join(format!("{}.heard.toml", self.name)));
        let mut harvest = match std::fs::read_to_string(&out) {
            Ok(text) => {
                let found = Harvest::from_toml(&text, &out.display().to_string())?;
                if found.sha256 != entry.sha256 {
                    bail!(
                        "{}: made for another model file (sha256 {}); move it away to start again",
                        out.display(),
                        found.sha256
                    );
                }
                found
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Harvest { model: self.name.clone(), sha256: entry.sha256.clone(), ..Harvest::default() }
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", out.display())),
        };
        let model = Model::load(&model_path, DeviceChoice::Auto, false)?;
        let mut options = Options::default();
        if let Some(threads) = self.threads {
            options.threads = threads.max(1);
        }
        let tmp = tempfile::tempdir()?;
        let mut todo: Vec<(String, Vec<Sentence>)> = Vec::new();
        for voice in &self.voices {
            let script = if voice == "hi" { Script::Devanagari } else { Script::Latin };
            let mut sentences = harvest::sentences(lexicon, script);
            sentences.truncate(self.limit.unwrap_or(usize::MAX));
            sentences.retain(|s| !harvest.has(voice, &s.iast));
            todo.push((voice.clone(), sentences));
        }
        let total: usize = todo.iter().map(|t| t.1.len()).sum();
        eprintln!("{total} of {} left to hear", total + harvest.len());
        let bar = ProgressBar::new(total as u64).with_style(style("harvest"));
        for (voice, sentences) in &todo {
            for clip in sentences.chunks(self.per_clip.max(1)) {
                bar.set_message(format!("{voice}: {}", clip[0].iast));
                let wav = tmp.path().join("clip.wav");
                speak(voice, clip, &wav)?;
                let heard = shruti_asr::transcribe(&model, &wav, &options, &CancelToken::default(), |_| {})?;
                let written: Vec<&str> = heard.segments.iter().map(|s| s.text.as_str()).collect();
                for (s, written) in clip.iter().zip(harvest::stand_ins(clip, &written.join(" "))) {
                    harvest.add(voice, &s.iast, written);
                }
                save(&harvest, &out)?;
                bar.inc(clip.len() as u64);
            }
        }
        bar.finish_and_clear();
        let variants = harvest.variants(&shruti_core::Engine::builder().lexicon(lexicon.clone()).build());
        eprintln!(
            "{}: {} terms heard, {} heard forms usable as variants",
            out.display(),
            harvest.len(),
            variants.len()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Speaks the sentences one after another into `wav` (SSML: a Hindi voice reads only the term).
fn speak(voice: &str, clip: &[Sentence], wav: &Path) -> Result<()> {
    let (voice, text) = if voice == "hi" {
        let body: Vec<&str> = clip.iter().map(|s| s.speak.as_str()).collect();
        ("en-us", format!("<speak>{}</speak>", body.join(" ")))
    } else {
        (voice, clip.iter().map(|s| s.speak.as_str()).collect::<Vec<_>>().join("\n"))
    };
    let status = Command::new("espeak-ng")
        .args(["-v", voice, "-m", "-w"])
        .arg(wav)
        .arg(&text)
        .status()
        .context("cannot run espeak-ng")?;
    if !status.success() {
        bail!("espeak-ng -v {voice} failed ({status})");
    }
    Ok(())
}

/// Writes the file whole, then moves it into place: an interrupted harvest keeps the last one.
fn save(harvest: &Harvest, out: &Path) -> Result<()> {
    let tmp = out.with_extension("toml.part");
    std::fs::write(&tmp, harvest.to_toml()).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}
