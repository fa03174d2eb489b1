//! Finding lectures in a folder: audio and subtitle files, recursively, hashed by content (with
//! a cache keyed by size and modification time, so a rescan of a big folder reads nothing new).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};
use shruti_store::{FoundFile, MediaKind, Project, Queued};
use shruti_sync::hex;

use crate::error::{Error, Result};

/// Audio extensions the recogniser decodes.
pub const AUDIO_EXTENSIONS: &[&str] = &["wav", "mp3", "flac", "ogg", "oga", "m4a", "mp4", "m4b", "aac", "webm", "mkv"];
/// Subtitle extensions the engine reads.
pub use shruti_sync::SUBTITLE_EXTENSIONS;

/// Files hashed and queued per transaction.
const QUEUE_BATCH: usize = 500;

/// What a scan found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Files with a supported extension.
    pub seen: usize,
    /// New content, queued.
    pub queued: usize,
    /// Content already known (done, queued, or a copy).
    pub known: usize,
    /// Files Shruti exported.
    pub own_output: usize,
}

/// The kind of file this is, by extension; None for anything else (and for partial downloads).
pub fn media_kind(path: &Path) -> Option<MediaKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if AUDIO_EXTENSIONS.contains(&ext.as_str()) {
        Some(MediaKind::Audio)
    } else if SUBTITLE_EXTENSIONS.contains(&ext.as_str()) {
        Some(MediaKind::Subtitle)
    } else {
        None
    }
}

/// The recording to play for a media file: an audio file itself, or for a subtitle file the
/// audio file beside it with the same name (`talk.srt` or `talk.asr.srt` → `talk.mp3`), as
/// another recogniser or editor leaves them.
pub fn recording_for(path: &Path) -> Option<PathBuf> {
    if media_kind(path) == Some(MediaKind::Audio) {
        return Some(path.to_path_buf());
    }
    let dir = path.parent()?;
    let name = path.file_name()?.to_str()?;
    // Every stem, longest first: talk.asr.srt → talk.asr, talk.
    let stems = name.match_indices('.').rev().map(|(i, _)| &name[..i]).filter(|s| !s.is_empty());
    stems
        .flat_map(|stem| AUDIO_EXTENSIONS.iter().map(move |ext| dir.join(format!("{stem}.{ext}"))))
        .find(|candidate| candidate.is_file())
}

/// The deepest folder holding every one of `files` (where a batch made them from); None for
/// no files.
pub fn common_folder(files: &[PathBuf]) -> Option<PathBuf> {
    let mut common = files.first()?.parent()?.to_path_buf();
    for file in &files[1..] {
        while !file.starts_with(&common) {
            common = common.parent()?.to_path_buf();
        }
    }
    Some(common)
}

/// Every audio and subtitle file under `root`, sorted; hidden files and folders and the
/// project's own folder are skipped.
pub fn find_files(root: &Path, project_dir: &Path) -> Result<Vec<PathBuf>> {
    let skip = project_dir.canonicalize().ok();
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if skip.as_deref().is_some_and(|s| dir.canonicalize().is_ok_and(|d| d == s) && dir != root) {
            continue;
        }
        // One unreadable folder (lost+found, a permission) must not stop the batch.
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if dir == root => return Err(Error::io(&dir, e)),
            Err(e) => {
                tracing::warn!("skipping {}: {e}", dir.display());
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                stack.push(path);
            } else if media_kind(&path).is_some() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Hashes (or takes from the cache) and queues files, in batches.
pub fn queue(project: &mut Project, files: &[PathBuf]) -> Result<ScanSummary> {
    let mut summary = ScanSummary { seen: files.len(), ..ScanSummary::default() };
    for chunk in files.chunks(QUEUE_BATCH) {
        let mut found = Vec::with_capacity(chunk.len());
        for path in chunk {
            let Some(kind) = media_kind(path) else { continue };
            // A file deleted or renamed since it was listed is simply not there any more.
            let Ok(path) = path.canonicalize() else { continue };
            let Ok(meta) = std::fs::metadata(&path) else { continue };
            let mtime_ns =
                meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64);
            let hash = match project.cached_hash(&path, meta.len(), mtime_ns)? {
                Some(hash) => hash,
                None => match hash_file(&path) {
                    Ok(hash) => hash,
                    Err(e) => {
                        tracing::warn!("skipping {e}");
                        continue;
                    }
                },
            };
            found.push(FoundFile { path, kind, bytes: meta.len(), mtime_ns, hash });
        }
        for outcome in project.queue_files(&found)? {
            match outcome {
                Queued::New => summary.queued += 1,
                Queued::Known => summary.known += 1,
                Queued::OwnOutput => summary.own_output += 1,
            }
        }
    }
    Ok(summary)
}

/// SHA-256 of a file's content, hex.
pub fn hash_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of bytes, hex.
pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{common_folder, recording_for};

    #[test]
    fn the_common_folder_of_a_projects_files() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(common_folder(&[p("/l/a/x.mp3"), p("/l/a/b/y.srt"), p("/l/a/z.wav")]), Some(p("/l/a")));
        assert_eq!(common_folder(&[p("/l/a/x.mp3"), p("/m/y.srt")]), Some(p("/")));
        assert_eq!(common_folder(&[p("/l/a/x.mp3")]), Some(p("/l/a")));
        assert_eq!(common_folder(&[]), None);
    }

    #[test]
    fn a_subtitle_plays_the_recording_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, b"x").unwrap();
            path
        };
        let talk = file("talk.flac");
        assert_eq!(recording_for(&talk), Some(talk.clone()), "audio plays itself");
        assert_eq!(recording_for(&file("talk.asr.srt")), Some(talk.clone()));
        assert_eq!(recording_for(&file("talk.vtt")), Some(talk));
        let precise = file("talk.asr.mp3");
        assert_eq!(recording_for(&dir.path().join("talk.asr.srt")), Some(precise), "the longest name first");
        assert_eq!(recording_for(&file("other.srt")), None);
    }
}
