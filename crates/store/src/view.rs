//! Segments as the review pane shows them: the text as recognised and as automatically
//! corrected, with each word's time and confidence.

use serde::Serialize;

use crate::error::Result;
use crate::project::Project;

/// A segment with its words.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentView {
    /// Index in its transcript (0-based).
    pub idx: i64,
    /// Start, ms.
    pub start_ms: i64,
    /// End, ms.
    pub end_ms: i64,
    /// As recognised or imported.
    pub text: String,
    /// With the automatic corrections applied.
    pub auto_text: String,
    /// Words with times and confidences (none for imported subtitles).
    pub words: Vec<WordView>,
}

/// A word of a segment.
#[derive(Debug, Clone, Serialize)]
pub struct WordView {
    /// As written in the segment text.
    pub text: String,
    /// Start, ms.
    pub start_ms: i64,
    /// End, ms.
    pub end_ms: i64,
    /// The recogniser's confidence, 0..=1.
    pub probability: f32,
}

impl Project {
    /// The segments `first..=last` (by index) of a media file's transcript; none if it has no
    /// transcript yet.
    pub fn segments(&self, media_id: i64, first: i64, last: i64) -> Result<Vec<SegmentView>> {
        let mut segments = self.conn.prepare_cached(
            "SELECT s.id, s.idx, s.start_ms, s.end_ms, s.text, s.auto_text FROM segments s
             JOIN transcripts t ON t.id = s.transcript_id
             WHERE t.media_id = ?1 AND s.idx BETWEEN ?2 AND ?3 ORDER BY s.idx",
        )?;
        let mut words = self.conn.prepare_cached(
            "SELECT text, start_ms, end_ms, probability FROM words WHERE segment_id = ?1 ORDER BY idx",
        )?;
        let rows: Vec<(i64, SegmentView)> = segments
            .query_map((media_id, first, last), |r| {
                Ok((
                    r.get(0)?,
                    SegmentView {
                        idx: r.get(1)?,
                        start_ms: r.get(2)?,
                        end_ms: r.get(3)?,
                        text: r.get(4)?,
                        auto_text: r.get(5)?,
                        words: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, mut segment) in rows {
            segment.words = words
                .query_map([id], |w| {
                    Ok(WordView { text: w.get(0)?, start_ms: w.get(1)?, end_ms: w.get(2)?, probability: w.get(3)? })
                })?
                .collect::<rusqlite::Result<_>>()?;
            out.push(segment);
        }
        Ok(out)
    }
}
