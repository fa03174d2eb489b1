//! Segments edited by hand in the transcript: new text, new times, or both. Append-only; the
//! latest edit of a segment is what exports.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::project::Project;

/// A hand edit of one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentEdit {
    /// The whole segment text as the expert wrote it; None keeps the text.
    pub text: Option<String>,
    /// New start, ms.
    pub start_ms: i64,
    /// New end, ms.
    pub end_ms: i64,
}

impl Project {
    /// Records an edit of segment `idx` of media `media_id`'s transcript, by `expert`. Refused:
    /// an end not after the start, an empty text, or a blank line (it would end the cue in SRT).
    pub fn edit_segment(&mut self, media_id: i64, idx: i64, edit: &SegmentEdit, expert: &str) -> Result<()> {
        if edit.start_ms < 0 || edit.end_ms <= edit.start_ms {
            return Err(Error::Invalid(format!(
                "segment {}: it must end after it starts ({} ms → {} ms)",
                idx + 1,
                edit.start_ms,
                edit.end_ms
            )));
        }
        let text = edit.text.as_deref().map(|t| t.replace("\r\n", "\n").trim().to_owned());
        if let Some(t) = &text {
            if t.is_empty() || t.lines().any(|l| l.trim().is_empty()) {
                return Err(Error::Invalid(format!(
                    "segment {}: the text is empty or has a blank line, which would end the subtitle there",
                    idx + 1
                )));
            }
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let segment: i64 = tx
            .query_row(
                "SELECT s.id FROM segments s JOIN transcripts t ON t.id = s.transcript_id
                 WHERE t.media_id = ?1 AND s.idx = ?2",
                params![media_id, idx],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no segment {} in file {media_id}", idx + 1)))?;
        tx.execute(
            "INSERT INTO segment_edits (segment_id, text, start_ms, end_ms, expert, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![segment, text, edit.start_ms, edit.end_ms, expert, crate::now_ms()],
        )?;
        tx.execute("INSERT OR IGNORE INTO index_queue (segment_id) VALUES (?1)", [segment])?;
        Project::audit(
            &tx,
            expert,
            "edit-segment",
            &serde_json::json!({ "media": media_id, "segment": idx, "text": text,
                                 "start_ms": edit.start_ms, "end_ms": edit.end_ms }),
        )?;
        tx.commit()?;
        Ok(())
    }
}
