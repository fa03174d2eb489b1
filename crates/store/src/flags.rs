//! Listing flags for review.

use std::path::PathBuf;

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::project::Project;

/// Which flags to list by review state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Not yet decided.
    #[default]
    Pending,
    /// Decided.
    Decided,
    /// Both.
    All,
}

/// A page of flags.
#[derive(Debug, Clone, Default)]
pub struct FlagQuery {
    /// Only these kinds (kebab-case names, e.g. `fuzzy`); all when empty.
    pub kinds: Vec<String>,
    /// Only flags scoring at least this.
    pub min_score: Option<f32>,
    /// By review state.
    pub state: StateFilter,
    /// Only this media file.
    pub media_id: Option<i64>,
    /// Only flags on this text (ignoring case).
    pub surface: Option<String>,
    /// Flags after this id in review order (file, then time): for the next page.
    pub after: Option<i64>,
    /// At most this many (0: no limit).
    pub limit: usize,
}

/// A suggestion as stored with its flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSuggestion {
    /// The replacement text.
    pub text: String,
    /// Confidence, 0..=1.
    pub score: f32,
    /// lexicon, phonetic or verse.
    pub source: String,
    /// Devanagari, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deva: Option<String>,
}

/// A flag with what the review pane shows.
#[derive(Debug, Clone, Serialize)]
pub struct FlagRow {
    /// Its id: what `review decide` takes.
    pub id: i64,
    /// The media file.
    pub path: PathBuf,
    /// The media file's id.
    pub media_id: i64,
    /// Segment index in its transcript (0-based).
    pub segment: i64,
    /// Segment start and end, ms (for playback).
    pub start_ms: i64,
    /// Segment end, ms.
    pub end_ms: i64,
    /// The segment's text, as recognised.
    pub context: String,
    /// The flagged text.
    pub surface: String,
    /// Character range in the segment text.
    pub span: [i64; 2],
    /// The kind of doubt.
    pub kind: String,
    /// How likely the top suggestion is right.
    pub score: f32,
    /// Why (JSON, as the engine reported it).
    pub reasons: serde_json::Value,
    /// Ranked replacements.
    pub suggestions: Vec<StoredSuggestion>,
    /// The verse, for verse flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verse: Option<serde_json::Value>,
    /// `pending`, or the action of the decision in force.
    pub state: String,
    /// The text the decision in force puts there, if it changes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_text: Option<String>,
    /// Who made the decision in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

const FLAG_SELECT: &str = "SELECT f.id, m.path, m.id, s.idx, s.start_ms, s.end_ms, s.text, f.surface, f.char_start,
        f.char_end, f.kind, f.score, f.reasons, f.suggestions, f.verse, f.state, d.text, d.expert
    FROM flags f
    JOIN segments s ON s.id = f.segment_id
    JOIN transcripts t ON t.id = s.transcript_id
    JOIN media m ON m.id = t.media_id
    LEFT JOIN decisions d ON d.id = f.decision_id";

fn flag_from_row(r: &Row) -> rusqlite::Result<FlagRow> {
    let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    };
    let suggestions: String = r.get(13)?;
    let verse = json(14)?;
    Ok(FlagRow {
        id: r.get(0)?,
        path: PathBuf::from(r.get::<_, String>(1)?),
        media_id: r.get(2)?,
        segment: r.get(3)?,
        start_ms: r.get(4)?,
        end_ms: r.get(5)?,
        context: r.get(6)?,
        surface: r.get(7)?,
        span: [r.get(8)?, r.get(9)?],
        kind: r.get(10)?,
        score: r.get(11)?,
        reasons: json(12)?,
        suggestions: serde_json::from_str(&suggestions).unwrap_or_default(),
        verse: (!verse.is_null()).then_some(verse),
        state: r.get(15)?,
        decided_text: r.get(16)?,
        decided_by: r.get(17)?,
    })
}

impl Project {
    /// Flags in review order (file, then time), filtered and paged.
    pub fn flags(&self, query: &FlagQuery) -> Result<Vec<FlagRow>> {
        let mut sql = format!("{FLAG_SELECT} WHERE 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, value: rusqlite::types::Value| {
            args.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        match query.state {
            StateFilter::Pending => sql.push_str(" AND f.state = 'pending'"),
            StateFilter::Decided => sql.push_str(" AND f.state != 'pending'"),
            StateFilter::All => {}
        }
        if !query.kinds.is_empty() {
            let list = query.kinds.iter().map(|k| format!("'{}'", k.replace('\'', ""))).collect::<Vec<_>>().join(",");
            sql.push_str(&format!(" AND f.kind IN ({list})"));
        }
        if let Some(min) = query.min_score {
            arg(&mut sql, " AND f.score >= ?", f64::from(min).into());
        }
        if let Some(media) = query.media_id {
            arg(&mut sql, " AND m.id = ?", media.into());
        }
        if let Some(surface) = &query.surface {
            arg(&mut sql, " AND lower(f.surface) = lower(?)", surface.clone().into());
        }
        if let Some(after) = query.after {
            arg(
                &mut sql,
                " AND (f.segment_id, f.byte_start, f.id) > (SELECT segment_id, byte_start, id FROM flags WHERE id = ?)",
                after.into(),
            );
        }
        sql.push_str(" ORDER BY f.segment_id, f.byte_start, f.id");
        if query.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", query.limit));
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), flag_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many flags are undecided and how many decided.
    pub fn flag_counts(&self) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state != 'pending') FROM flags",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// One flag.
    pub fn flag(&self, id: i64) -> Result<FlagRow> {
        self.conn
            .query_row(&format!("{FLAG_SELECT} WHERE f.id = ?1"), [id], flag_from_row)
            .optional()?
            .ok_or_else(|| no_flag(id))
    }
}

pub(crate) fn no_flag(id: i64) -> Error {
    Error::NotFound(format!("no flag {id} in this project (see `shruti review list`)"))
}
