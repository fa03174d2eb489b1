//! `shruti bench asr`: our transcription against faster-whisper on the same clips, model and
//! machine, in one run; and the peak memory of a long lecture.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use serde::Deserialize;
use shruti_asr::audio::{read_all, SAMPLE_RATE};
use shruti_asr::models::ModelStore;
use shruti_asr::{transcribe, CancelToken, DeviceChoice, Model, Options};
use shruti_core::lexicon::iast::ascii_fold;
use shruti_core::metrics::{wer, ErrorRate};

/// Transcription speed (real-time factor), accuracy and peak memory, ours beside faster-whisper.
///
/// Each clip runs twice per configuration and the faster run counts (the first warms caches).
/// WER is against NAME.ref.txt beside each clip, Sanskrit folded to ASCII on both sides.
///
/// Example: shruti bench asr --threads 2
#[derive(Args)]
pub struct AsrArgs {
    /// Clips (default: golden/audio/*.flac).
    clips: Vec<PathBuf>,
    /// Our configurations, comma-separated: a model name with optional `+keep-silence`,
    /// `+flash-attn`, `+beam`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "tiny.en+keep-silence,tiny.en,tiny.en-q8_0,tiny.en-q8_0+flash-attn"
    )]
    configs: Vec<String>,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// faster-whisper compute types to run as the reference ("none": skip it).
    #[arg(long, value_delimiter = ',', default_value = "int8,float32")]
    reference: Vec<String>,
    /// The CTranslate2 model faster-whisper runs (default: the one `model fetch tiny.en` kept).
    #[arg(long)]
    ct2: Option<PathBuf>,
    /// Instead: transcribe a generated lecture this many hours long (the clips repeated, with
    /// pauses) and report its peak memory.
    #[arg(long)]
    long_hours: Option<f32>,
}

/// One clip's result in one configuration.
struct Run {
    audio_s: f64,
    wall_s: f64,
    text: String,
}

#[derive(Deserialize)]
struct FwLine {
    clip: Option<String>,
    audio_s: Option<f64>,
    wall_s: Option<f64>,
    text: Option<String>,
    peak_rss_mb: Option<f64>,
}

impl AsrArgs {
    pub fn run(self) -> Result<()> {
        let clips = if self.clips.is_empty() { golden_clips()? } else { self.clips.clone() };
        if clips.is_empty() {
            bail!("no clips to transcribe");
        }
        let store = ModelStore::open(ModelStore::default_dir()).map_err(|e| anyhow!(e))?;
        if let Some(hours) = self.long_hours {
            return self.long(&store, &clips, hours);
        }
        let lengths: Vec<f64> =
            clips.iter().map(|c| Ok(read_all(c)?.len() as f64 / f64::from(SAMPLE_RATE))).collect::<Result<_>>()?;
        let audio_s: f64 = lengths.iter().sum();
        println!("{} clips, {audio_s:.1} s of audio, {} threads", clips.len(), self.threads);
        println!("{:<34} {:>7} {:>8} {:>8} {:>9} {:>8}", "configuration", "wall s", "RTF", "WER", "peak MB", "ratio");

        let mut rows = Vec::new();
        let mut reference_wall = None;
        for compute in self.reference.iter().filter(|c| *c != "none") {
            let (runs, rss) = self.faster_whisper(&store, &clips, compute)?;
            let wall: f64 = runs.iter().map(|r| r.wall_s).sum();
            reference_wall.get_or_insert(wall);
            rows.push((format!("faster-whisper {compute}"), runs, Some(rss)));
        }
        for config in &self.configs {
            reset_peak_rss();
            let runs = self.ours(&store, &clips, &lengths, config)?;
            rows.push((format!("shruti {config}"), runs, peak_rss_mb()));
        }
        for (name, runs, rss) in &rows {
            let wall: f64 = runs.iter().map(|r| r.wall_s).sum();
            let audio: f64 = runs.iter().map(|r| r.audio_s).sum();
            let mut rate = ErrorRate::default();
            for (clip, run) in clips.iter().zip(runs) {
                if let Ok(reference) = std::fs::read_to_string(clip.with_extension("ref.txt")) {
                    rate.add(wer(&ascii_fold(&reference), &ascii_fold(&run.text)));
                }
            }
            let ratio = reference_wall.map_or("-".into(), |r| format!("{:.2}", wall / r));
            let rss = rss.map_or("-".into(), |m| format!("{m:.0}"));
            println!("{name:<34} {wall:>7.2} {:>8.3} {:>8.3} {rss:>9} {ratio:>8}", wall / audio, rate.rate());
        }
        println!("ratio: wall time over the first faster-whisper configuration's (≤ 1.0: we are as fast or faster)");
        Ok(())
    }

    /// A configuration's model, loaded, and its options.
    fn config(&self, store: &ModelStore, config: &str) -> Result<(Model, Options)> {
        let mut parts = config.split('+');
        let name = parts.next().unwrap_or_default();
        let mut options = Options { threads: self.threads, ..Options::default() };
        let mut flash = false;
        for part in parts {
            match part {
                "keep-silence" => options.chunks.skip_silence = false,
                "flash-attn" => flash = true,
                "beam" => options.beam_size = Some(5),
                _ => bail!("unknown configuration part {part:?} in {config:?}"),
            }
        }
        let model = Model::load(&store.path(name).map_err(|e| anyhow!(e))?, DeviceChoice::Auto, flash)?;
        Ok((model, options))
    }

    fn ours(&self, store: &ModelStore, clips: &[PathBuf], lengths: &[f64], config: &str) -> Result<Vec<Run>> {
        let (model, options) = self.config(store, config)?;
        let mut runs = Vec::new();
        for (clip, &audio_s) in clips.iter().zip(lengths) {
            let mut best: Option<Run> = None;
            for _ in 0..2 {
                let started = Instant::now();
                let t = transcribe(&model, clip, &options, &CancelToken::default(), |_| {})?;
                let wall_s = started.elapsed().as_secs_f64();
                let text = t.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
                if best.as_ref().is_none_or(|b| wall_s < b.wall_s) {
                    best = Some(Run { audio_s, wall_s, text });
                }
            }
            runs.extend(best);
        }
        Ok(runs)
    }

    fn faster_whisper(&self, store: &ModelStore, clips: &[PathBuf], compute: &str) -> Result<(Vec<Run>, f64)> {
        let ct2 = self.ct2.clone().unwrap_or_else(|| store.ct2_dir("tiny.en"));
        if !ct2.join("model.bin").exists() {
            bail!("{}: no CTranslate2 model (give --ct2 DIR, or --reference none)", ct2.display());
        }
        let script = Path::new("scripts/bench-faster-whisper.sh");
        let output = Command::new("bash")
            .arg(script)
            .args(["--model".as_ref(), ct2.as_os_str()])
            .args(["--compute-type", compute, "--threads", &self.threads.to_string()])
            .args(clips)
            .output()
            .with_context(|| format!("cannot run {} (run from the repository root)", script.display()))?;
        if !output.status.success() {
            bail!("faster-whisper failed:\n{}", String::from_utf8_lossy(&output.stderr));
        }
        let mut runs = Vec::new();
        let mut rss = 0.0;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let l: FwLine = serde_json::from_str(line).with_context(|| format!("faster-whisper printed {line:?}"))?;
            match (l.clip, l.audio_s, l.wall_s, l.text, l.peak_rss_mb) {
                (Some(_), Some(audio_s), Some(wall_s), Some(text), _) => runs.push(Run { audio_s, wall_s, text }),
                (_, _, _, _, Some(mb)) => rss = mb,
                _ => {}
            }
        }
        Ok((runs, rss))
    }

    /// Writes a long lecture as a WAV file (the clips, each followed by 20 s of silence, over and
    /// over) and transcribes it in each configuration, reporting time and peak memory.
    fn long(&self, store: &ModelStore, clips: &[PathBuf], hours: f32) -> Result<()> {
        let path = std::env::temp_dir().join(format!("shruti-long-{hours}h.wav"));
        // A WAV file's sizes are 32-bit: at most about 37 hours of 16 kHz 16-bit mono.
        if !(0.0..=24.0).contains(&hours) {
            bail!("--long-hours takes 0 to 24");
        }
        let target = (hours * 3600.0 * SAMPLE_RATE as f32) as u64;
        let pieces: Vec<Vec<f32>> = clips.iter().map(|c| read_all(c)).collect::<Result<_, _>>()?;
        write_wav(&path, target, &pieces)?;
        let audio = target as f64 / f64::from(SAMPLE_RATE);
        for config in &self.configs {
            let (model, options) = self.config(store, config)?;
            reset_peak_rss();
            let started = Instant::now();
            let t = transcribe(&model, &path, &options, &CancelToken::default(), |_| {})?;
            let wall = started.elapsed().as_secs_f64();
            println!(
                "{hours} h lecture, {config}: {} segments, wall {wall:.0} s, RTF {:.3}, peak RSS {} MB",
                t.segments.len(),
                wall / audio,
                peak_rss_mb().map_or("?".into(), |m| format!("{m:.0}"))
            );
        }
        let _ = std::fs::remove_file(&path);
        Ok(())
    }
}

fn golden_clips() -> Result<Vec<PathBuf>> {
    let mut clips: Vec<PathBuf> = std::fs::read_dir("golden/audio")
        .context("golden/audio not found: run from the repository root or name the clips")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "flac"))
        .collect();
    clips.sort();
    Ok(clips)
}

/// 16-bit mono PCM at 16 kHz: `total` samples of `pieces` in turn, each followed by 20 s of
/// silence, written as it goes.
fn write_wav(path: &Path, total: u64, pieces: &[Vec<f32>]) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let bytes = total * 2;
    let header = [
        b"RIFF".to_vec(),
        ((36 + bytes) as u32).to_le_bytes().to_vec(),
        b"WAVEfmt ".to_vec(),
        16u32.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        SAMPLE_RATE.to_le_bytes().to_vec(),
        (SAMPLE_RATE * 2).to_le_bytes().to_vec(),
        2u16.to_le_bytes().to_vec(),
        16u16.to_le_bytes().to_vec(),
        b"data".to_vec(),
        (bytes as u32).to_le_bytes().to_vec(),
    ]
    .concat();
    w.write_all(&header)?;
    let silence = vec![0.0f32; 20 * SAMPLE_RATE as usize];
    let mut written = 0u64;
    'outer: loop {
        for piece in pieces {
            for s in piece.iter().chain(&silence) {
                if written == total {
                    break 'outer;
                }
                w.write_all(&((s.clamp(-1.0, 1.0) * 32767.0) as i16).to_le_bytes())?;
                written += 1;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// Linux: writing 5 to clear_refs resets the process's peak resident set size.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size (VmHWM) in MB, on Linux.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
