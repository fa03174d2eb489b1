//! Media files: known by content hash, so a renamed or copied lecture is not processed twice.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, Row, TransactionBehavior};

use crate::error::{Error, Result};
use crate::project::Project;

/// Audio to transcribe, or a subtitle file to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// Recorded speech.
    Audio,
    /// An SRT or WebVTT file from another recogniser or editor.
    Subtitle,
}

impl MediaKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Subtitle => "subtitle",
        }
    }

    pub(crate) fn parse(name: &str) -> Self {
        if name == "audio" {
            MediaKind::Audio
        } else {
            MediaKind::Subtitle
        }
    }
}

/// A media file the project knows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Media {
    /// Its id in the project.
    pub id: i64,
    /// SHA-256 of the content, hex.
    pub hash: String,
    /// Where it was last seen.
    pub path: PathBuf,
    /// Audio or subtitle.
    pub kind: MediaKind,
    /// Size in bytes.
    pub bytes: u64,
}

/// A file found on disk, hashed, to be queued.
#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Its path.
    pub path: PathBuf,
    /// Audio or subtitle.
    pub kind: MediaKind,
    /// Size in bytes.
    pub bytes: u64,
    /// Modification time, ns since the epoch (for the hash cache).
    pub mtime_ns: i64,
    /// SHA-256 of the content, hex.
    pub hash: String,
}

/// What queueing a found file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// A new job.
    New,
    /// Known content: already queued or done (a copy or a rename).
    Known,
    /// A file Shruti exported: not input.
    OwnOutput,
}

pub(crate) const MEDIA_COLUMNS: &str = "media.id, media.hash, media.path, media.kind, media.bytes";

pub(crate) fn media_from_row(r: &Row, at: usize) -> rusqlite::Result<Media> {
    let path: String = r.get(at + 2)?;
    let kind: String = r.get(at + 3)?;
    Ok(Media {
        id: r.get(at)?,
        hash: r.get(at + 1)?,
        path: PathBuf::from(path),
        kind: MediaKind::parse(&kind),
        bytes: r.get::<_, i64>(at + 4)? as u64,
    })
}

impl Project {
    /// The hash remembered for a file of this size and modification time, if any.
    pub fn cached_hash(&self, path: &Path, bytes: u64, mtime_ns: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT hash FROM file_hashes WHERE path = ?1 AND bytes = ?2 AND mtime_ns = ?3",
                (path.to_string_lossy(), bytes as i64, mtime_ns),
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records found files and queues a job for each new content, all in one transaction.
    pub fn queue_files(&mut self, files: &[FoundFile]) -> Result<Vec<Queued>> {
        let now = crate::now_ms();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(files.len());
        {
            let mut remember = tx.prepare_cached(
                "INSERT INTO file_hashes (path, bytes, mtime_ns, hash) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (path) DO UPDATE SET bytes = ?2, mtime_ns = ?3, hash = ?4",
            )?;
            let mut is_export = tx.prepare_cached("SELECT 1 FROM exports WHERE hash = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO media (hash, path, kind, bytes, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (hash) DO UPDATE SET path = ?2 RETURNING id",
            )?;
            let mut job = tx.prepare_cached(
                "INSERT INTO jobs (media_id, state, created_at, updated_at) VALUES (?1, 'queued', ?2, ?2)
                 ON CONFLICT (media_id) DO NOTHING",
            )?;
            for f in files {
                let path = f.path.to_string_lossy();
                remember.execute((&path, f.bytes as i64, f.mtime_ns, &f.hash))?;
                if is_export.exists([&f.hash])? {
                    outcomes.push(Queued::OwnOutput);
                    continue;
                }
                let id: i64 = insert.query_row((&f.hash, &path, f.kind.name(), f.bytes as i64, now), |r| r.get(0))?;
                outcomes.push(if job.execute((id, now))? == 1 { Queued::New } else { Queued::Known });
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// The media file with this id.
    pub fn media(&self, id: i64) -> Result<Media> {
        self.conn
            .query_row(&format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = ?1"), [id], |r| media_from_row(r, 0))
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no media file {id} in this project")))
    }

    /// Media files whose path is `path` or ends with it (a file name), for commands that take a
    /// file argument.
    pub fn find_media(&self, path: &str) -> Result<Vec<Media>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MEDIA_COLUMNS} FROM media WHERE path = ?1 OR substr(path, -length(?1) - 1) = '/' || ?1 ORDER BY path"
        ))?;
        let rows = stmt.query_map([path], |r| media_from_row(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether a media file of the project was last seen at `path`.
    pub fn is_media_path(&self, path: &Path) -> Result<bool> {
        Ok(self.conn.prepare_cached("SELECT 1 FROM media WHERE path = ?1")?.exists([path.to_string_lossy()])?)
    }

    /// Remembers a file Shruti wrote, so a later scan does not take it for input.
    pub fn record_export(&self, hash: &str, path: &Path) -> Result<()> {
        self.conn.execute(
            "INSERT INTO exports (hash, path, at) VALUES (?1, ?2, ?3) ON CONFLICT (hash) DO UPDATE SET path = ?2, at = ?3",
            (hash, path.to_string_lossy(), crate::now_ms()),
        )?;
        Ok(())
    }
}
