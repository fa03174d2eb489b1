//! Reading inputs: subtitle files (warnings to stderr), a lexicon folder, the engine.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use shruti_asr::models::{sha256_file, ModelStore};
use shruti_core::harvest::Harvest;
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

/// The lexicon for the text `model` writes, with the model's heard forms as variants when
/// `heard` (its harvest beside it in the models folder, else one shipped for the same file; see
/// `shruti model harvest`).
pub fn lexicon_for_model(lexicon_dir: Option<&Path>, model: &Path, heard: bool) -> Result<Lexicon> {
    let lexicon = lexicon(lexicon_dir)?;
    let harvest = if heard { harvest_for(model)? } else { None };
    let Some(harvest) = harvest else { return Ok(lexicon) };
    let variants = harvest.variants(&Engine::builder().lexicon(lexicon.clone()).build());
    let (lexicon, skipped) = lexicon.with_heard(&variants);
    tracing::debug!(model = %harvest.model, variants = variants.len(), skipped, "heard forms added");
    Ok(lexicon)
}

/// The harvest made with this model file, if there is one.
fn harvest_for(model: &Path) -> Result<Option<Harvest>> {
    let store = ModelStore::open(ModelStore::default_dir()).map_err(|e| anyhow::anyhow!(e))?;
    let installed = store.list().unwrap_or_default();
    let file = model.file_name().and_then(|f| f.to_str()).unwrap_or("");
    let known = installed.iter().find(|m| m.file == file && store.dir().join(&m.file) == model);
    let (name, sha256) = match known {
        Some(m) => (Some(m.name.clone()), m.sha256.clone()),
        None => (None, sha256_file(model).with_context(|| format!("cannot read {}", model.display()))?),
    };
    if let Some(name) = name {
        let beside = store.dir().join(format!("{name}.heard.toml"));
        if let Ok(text) = std::fs::read_to_string(&beside) {
            let harvest = Harvest::from_toml(&text, &beside.display().to_string())?;
            if harvest.sha256 == sha256 {
                return Ok(Some(harvest));
            }
            tracing::warn!("{}: made for another file of {name}; not used", beside.display());
        }
    }
    Ok(Harvest::bundled(&sha256))
}

/// What the recogniser wrote for a clip in an earlier run (`eval-audio --save-raw`).
pub fn saved_transcript(path: &Path) -> Result<Transcript> {
    let json = std::fs::read_to_string(path)
        .with_context(|| format!("{}: no saved recogniser output (run with --save-raw first)", path.display()))?;
    serde_json::from_str(&json).with_context(|| format!("{}: not a saved transcript", path.display()))
}

/// A clip named false_friends… is English full of words spelled like terms: it names no term.
pub fn is_false_friends(audio: &Path) -> bool {
    audio.file_name().is_some_and(|n| n.to_string_lossy().starts_with("false_friends"))
}

/// A segment text per line, as the reference has a paragraph per line.
pub fn clip_text(t: &Transcript) -> String {
    t.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The term clips of a folder (NAME.flac beside NAME.ref.txt), by name: audio and reference text.
pub fn term_clips(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for audio in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "flac")) {
        let reference = audio.with_extension("ref.txt");
        let text = std::fs::read_to_string(&reference)
            .with_context(|| format!("{}: no reference {}", audio.display(), reference.display()))?;
        out.push((audio, text));
    }
    if out.is_empty() {
        bail!("{}: no NAME.flac with NAME.ref.txt", dir.display());
    }
    Ok(out)
}
