//! Writing corrected subtitles: SRT, WebVTT, plain text or JSON, atomically (a temporary file
//! renamed into place: a crash never leaves half a file).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use shruti_core::subtitle::{write_subtitles, SubtitleFormat};
use shruti_core::{Lexicon, Segment};
use shruti_store::{FlagQuery, FlagRow, Media, Project, Script, StateFilter};

use crate::error::{Error, Result};

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SubRip.
    Srt,
    /// WebVTT.
    Vtt,
    /// Plain text, one cue per line.
    Txt,
    /// Segments (corrected and as recognised) and every flag with its decision.
    Json,
}

impl Format {
    /// The format with this name.
    pub fn parse(name: &str) -> Result<Format> {
        Ok(match name {
            "srt" => Format::Srt,
            "vtt" => Format::Vtt,
            "txt" => Format::Txt,
            "json" => Format::Json,
            _ => return Err(Error::Invalid(format!("unknown format {name:?}: use srt, vtt, txt or json"))),
        })
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Srt => "srt",
            Format::Vtt => "vtt",
            Format::Txt => "txt",
            Format::Json => "json",
        }
    }
}

#[derive(Serialize)]
struct JsonExport<'a> {
    source: &'a Path,
    script: &'a str,
    segments: Vec<JsonSegment<'a>>,
    flags: Vec<FlagRow>,
}

#[derive(Serialize)]
struct JsonSegment<'a> {
    start_ms: u64,
    end_ms: u64,
    text: &'a str,
    original: &'a str,
}

/// Writes one media file's corrected transcript into `dir` as `<stem>.<ext>`; `taken` holds the
/// names already written in this export, so two files with one stem do not overwrite each other.
pub fn export_media(
    project: &Project,
    lexicon: &Lexicon,
    media: &Media,
    dir: &Path,
    format: Format,
    script: Script,
    taken: &mut HashSet<PathBuf>,
) -> Result<PathBuf> {
    let transcript_id = project.transcript_of(media.id)?.ok_or_else(|| {
        Error::Invalid(format!("{}: not processed yet (see `shruti batch status`)", media.path.display()))
    })?;
    let corrected = project.corrected(media.id, script, lexicon)?;
    let text = match format {
        Format::Srt => write_subtitles(&corrected, SubtitleFormat::Srt),
        Format::Vtt => write_subtitles(&corrected, SubtitleFormat::Vtt),
        Format::Txt => corrected.segments.iter().map(|s| s.text.replace('\n', " ") + "\n").collect(),
        Format::Json => {
            let original = project.load_transcript(transcript_id)?;
            let flags = project.flags(&FlagQuery {
                state: StateFilter::All,
                media_id: Some(media.id),
                ..FlagQuery::default()
            })?;
            let segments = corrected
                .segments
                .iter()
                .zip(&original.segments)
                .map(|(c, o): (&Segment, &Segment)| JsonSegment {
                    start_ms: c.start_ms,
                    end_ms: c.end_ms,
                    text: &c.text,
                    original: &o.text,
                })
                .collect();
            let json = JsonExport { source: &media.path, script: script.name(), segments, flags };
            serde_json::to_string_pretty(&json).map_err(|e| Error::Invalid(format!("cannot write JSON: {e}")))? + "\n"
        }
    };
    let stem = media.path.file_stem().map_or_else(|| "transcript".into(), |s| s.to_string_lossy().into_owned());
    let mut path = dir.join(format!("{stem}.{}", format.extension()));
    if taken.contains(&path) {
        path = dir.join(format!("{stem}-{}.{}", &media.hash[..8.min(media.hash.len())], format.extension()));
    }
    taken.insert(path.clone());
    if let Ok(existing) = path.canonicalize() {
        if project.is_media_path(&existing)? {
            return Err(Error::Invalid(format!(
                "{}: is one of the project's input files; export to another folder",
                path.display()
            )));
        }
    }
    // Recorded first: a crash after the write must not leave the output looking like input.
    project.record_export(&crate::scan::hash_bytes(text.as_bytes()), &path)?;
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// Exports each of `media` in each of `formats` into `dir`, with the project's lexicon (the
/// base and the additions made in review). Returns the files written, in order.
pub fn export_all(
    project: &Project,
    base: &Lexicon,
    media: &[Media],
    dir: &Path,
    formats: &[Format],
    script: Script,
) -> Result<Vec<PathBuf>> {
    let lexicon = crate::lexicon::project_lexicon(project, base)?;
    let mut taken = HashSet::new();
    let mut written = Vec::with_capacity(media.len() * formats.len());
    for m in media {
        for &format in formats {
            written.push(export_media(project, &lexicon, m, dir, format, script, &mut taken)?);
        }
    }
    Ok(written)
}

/// The media files with a finished transcript, in the order they were queued.
pub fn processed(project: &Project) -> Result<Vec<Media>> {
    Ok(project.jobs(Some(shruti_store::JobState::Done))?.into_iter().map(|j| j.media).collect())
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}
