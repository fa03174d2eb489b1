//! Reading inputs: subtitle files (warnings to stderr), a lexicon folder, the engine.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use shruti_core::subtitle::{read_subtitles, SubtitleFormat};
use shruti_core::{Engine, Lexicon, Transcript};

use shruti_pipeline::batch::MAX_SUBTITLE_BYTES;

/// Reads a subtitle file, printing repairs as warnings.
pub fn read_transcript(path: &Path) -> Result<(Transcript, SubtitleFormat)> {
    let size = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len();
    if size > MAX_SUBTITLE_BYTES {
        bail!(
            "{}: {} MiB is too large for a subtitle file (the limit is {} MiB); is it a media file?",
            path.display(),
            size >> 20,
            MAX_SUBTITLE_BYTES >> 20
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let (transcript, format, warnings) = read_subtitles(&bytes, &name)?;
    for w in warnings {
        eprintln!("warning: {name}: {w}");
    }
    Ok((transcript, format))
}

/// The lexicon from `dir` (every `*.toml` in it), or the bundled one.
pub fn lexicon(dir: Option<&Path>) -> Result<Lexicon> {
    let Some(dir) = dir else {
        return Ok(Lexicon::bundled());
    };
    let files = lexicon_files(dir)?;
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            Ok((
                p.display().to_string(),
                std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
            ))
        })
        .collect::<Result<_>>()?;
    let borrowed: Vec<(&str, &str)> = sources.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    Lexicon::load(&borrowed).map_err(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the lexicon has {} problem(s):\n{}", errors.len(), shown.join("\n"))
    })
}

fn lexicon_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read lexicon folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no *.toml lexicon files in {}", dir.display());
    }
    Ok(files)
}

/// The engine over the chosen lexicon.
pub fn engine(lexicon_dir: Option<&Path>) -> Result<Engine> {
    let started = std::time::Instant::now();
    let lexicon = lexicon(lexicon_dir)?;
    let entries = lexicon.entries().len();
    let engine = Engine::builder().lexicon(lexicon).build();
    tracing::debug!(entries, elapsed_ms = started.elapsed().as_millis() as u64, "engine ready");
    Ok(engine)
}
