//! Transcripts, their segments and words, and what the engine found in them.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use shruti_core::{Analysis, Flag, Lexicon, Segment, Transcript, Word};

use crate::error::{Error, Result};
use crate::project::Project;

/// Where a transcript came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Our own recogniser.
    Asr,
    /// An imported SubRip file.
    Srt,
    /// An imported WebVTT file.
    Vtt,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Asr => "asr",
            Source::Srt => "srt",
            Source::Vtt => "vtt",
        }
    }
}

/// A finished job's result, to be saved.
pub struct NewTranscript<'a> {
    /// Where it came from.
    pub source: Source,
    /// The model, for ASR.
    pub model: Option<&'a str>,
    /// How it was made (JSON).
    pub settings: serde_json::Value,
    /// The transcript as recognised or imported.
    pub transcript: &'a Transcript,
    /// What the engine found in it.
    pub analysis: &'a Analysis,
    /// The lexicon the engine used (for Devanagari and its version).
    pub lexicon: &'a Lexicon,
}

/// A saved transcript, as listed.
#[derive(Debug, Clone)]
pub struct TranscriptInfo {
    /// Its id.
    pub id: i64,
    /// The media file's id.
    pub media_id: i64,
    /// The media file's path.
    pub path: std::path::PathBuf,
    /// The lexicon version its flags came from.
    pub lexicon_version: Option<String>,
}

/// What a re-flag changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reflagged {
    /// New flags.
    pub added: usize,
    /// Undecided flags that are gone (now corrected automatically, or no longer doubtful).
    pub removed: usize,
}

impl Project {
    /// Saves a job's transcript and marks the job done, in one transaction: a crash leaves
    /// either both or neither.
    pub fn complete_job(&mut self, job_id: i64, media_id: i64, new: &NewTranscript) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = crate::now_ms();
        let id: i64 = tx.query_row(
            "INSERT INTO transcripts (media_id, source, model, settings, created_at, lexicon_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![media_id, new.source.name(), new.model, new.settings.to_string(), now, new.lexicon.version()],
            |r| r.get(0),
        )?;
        let segment_ids = insert_segments(&tx, id, new.transcript)?;
        write_analysis(&tx, &segment_ids, new.transcript, new.analysis, new.lexicon, &HashMap::new())?;
        let done =
            tx.execute("UPDATE jobs SET state = 'done', error = NULL, updated_at = ?2 WHERE id = ?1", (job_id, now))?;
        if done != 1 {
            return Err(Error::NotFound(format!("no job {job_id}")));
        }
        Project::audit(
            &tx,
            "batch",
            "transcript-saved",
            &serde_json::json!({ "job": job_id, "media": media_id, "transcript": id,
                                 "flags": new.analysis.flags.len(), "corrections": new.analysis.corrections.len() }),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every transcript, by id.
    pub fn transcripts(&self) -> Result<Vec<TranscriptInfo>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, t.media_id, m.path, t.lexicon_version FROM transcripts t JOIN media m ON m.id = t.media_id
             ORDER BY t.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TranscriptInfo {
                id: r.get(0)?,
                media_id: r.get(1)?,
                path: std::path::PathBuf::from(r.get::<_, String>(2)?),
                lexicon_version: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The id of a media file's transcript, once it is processed.
    pub fn transcript_of(&self, media_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM transcripts WHERE media_id = ?1")?
            .query_row([media_id], |r| r.get(0))
            .optional()?)
    }

    /// The transcript of a media file, as recognised or imported (words included).
    pub fn load_transcript(&self, transcript_id: i64) -> Result<Transcript> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, start_ms, end_ms, cue_id, settings, text, heard FROM segments WHERE transcript_id = ?1 ORDER BY idx",
        )?;
        let mut words = self.conn.prepare_cached(
            "SELECT text, start_ms, end_ms, probability, biased FROM words WHERE segment_id = ?1 ORDER BY idx",
        )?;
        let mut segments = Vec::new();
        let mut rows = stmt.query([transcript_id])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let w: Vec<Word> = words
                .query_map([id], |w| {
                    Ok(Word {
                        text: w.get(0)?,
                        start_ms: w.get(1)?,
                        end_ms: w.get(2)?,
                        probability: w.get(3)?,
                        biased: w.get(4)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            let heard: Option<String> = r.get(6)?;
            segments.push(Segment {
                id: r.get(3)?,
                start_ms: r.get(1)?,
                end_ms: r.get(2)?,
                text: r.get(5)?,
                settings: r.get(4)?,
                words: (!w.is_empty()).then_some(w),
                heard: heard.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default(),
            });
        }
        Ok(Transcript { segments })
    }

    /// Replaces a transcript's corrections and flags with a new analysis (from a newer lexicon).
    /// Flags that reappear keep their id; an expert's decisions are never touched: a decided flag
    /// stays even if the engine no longer raises it, and its answer still wins on export.
    pub fn reflag(&mut self, transcript_id: i64, analysis: &Analysis, lexicon: &Lexicon) -> Result<Reflagged> {
        let transcript = self.load_transcript(transcript_id)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let segment_ids: Vec<i64> = tx
            .prepare("SELECT id FROM segments WHERE transcript_id = ?1 ORDER BY idx")?
            .query_map([transcript_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        // Existing flags by (segment, range, kind), with whether anyone decided them.
        let mut existing: HashMap<(i64, i64, i64, String), (i64, bool)> = HashMap::new();
        {
            let mut stmt = tx.prepare(
                "SELECT f.id, f.segment_id, f.byte_start, f.byte_end, f.kind,
                        EXISTS (SELECT 1 FROM decisions d WHERE d.flag_id = f.id)
                 FROM flags f JOIN segments s ON s.id = f.segment_id WHERE s.transcript_id = ?1",
            )?;
            let mut rows = stmt.query([transcript_id])?;
            while let Some(r) = rows.next()? {
                existing.insert((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?), (r.get(0)?, r.get(5)?));
            }
        }
        tx.execute(
            "DELETE FROM corrections WHERE segment_id IN (SELECT id FROM segments WHERE transcript_id = ?1)",
            [transcript_id],
        )?;
        let before = existing.len();
        let kept = write_analysis(&tx, &segment_ids, &transcript, analysis, lexicon, &existing)?;
        let mut removed = 0;
        for (id, decided) in existing.values() {
            if !decided && !kept.contains(id) {
                tx.execute("DELETE FROM flags WHERE id = ?1", [id])?;
                removed += 1;
            }
        }
        tx.execute("UPDATE transcripts SET lexicon_version = ?2 WHERE id = ?1", (transcript_id, lexicon.version()))?;
        let added = analysis.flags.len() - kept.len();
        Project::audit(
            &tx,
            "engine",
            "reflag",
            &serde_json::json!({ "transcript": transcript_id, "lexicon": lexicon.version(), "flags_before": before,
                                 "added": added, "removed": removed }),
        )?;
        tx.commit()?;
        Ok(Reflagged { added, removed })
    }
}

fn insert_segments(tx: &Transaction, transcript_id: i64, transcript: &Transcript) -> Result<Vec<i64>> {
    let mut seg = tx.prepare_cached(
        "INSERT INTO segments (transcript_id, idx, start_ms, end_ms, cue_id, settings, text, auto_text, heard)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8) RETURNING id",
    )?;
    let mut word = tx.prepare_cached(
        "INSERT INTO words (segment_id, idx, text, start_ms, end_ms, probability, biased)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut ids = Vec::with_capacity(transcript.segments.len());
    for (i, s) in transcript.segments.iter().enumerate() {
        // Serialising plain numbers and strings cannot fail.
        let heard = (!s.heard.is_empty()).then(|| serde_json::to_string(&s.heard).ok()).flatten();
        let id: i64 = seg.query_row(
            params![transcript_id, i as i64, s.start_ms as i64, s.end_ms as i64, s.id, s.settings, s.text, heard],
            |r| r.get(0),
        )?;
        for (j, w) in s.words.iter().flatten().enumerate() {
            word.execute(params![id, j as i64, w.text, w.start_ms as i64, w.end_ms as i64, w.probability, w.biased])?;
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Writes corrections, automatic texts and flags; flags found in `existing` are updated in
/// place. Returns the ids of existing flags the analysis raised again. Every segment is queued
/// for the search index.
fn write_analysis(
    tx: &Transaction,
    segment_ids: &[i64],
    transcript: &Transcript,
    analysis: &Analysis,
    lexicon: &Lexicon,
    existing: &HashMap<(i64, i64, i64, String), (i64, bool)>,
) -> Result<Vec<i64>> {
    let deva = |id: shruti_core::lexicon::EntryId| lexicon.entries().get(id.0 as usize).map(|e| e.deva.clone());
    let mut correction = tx.prepare_cached(
        "INSERT INTO corrections (segment_id, byte_start, byte_end, original, replacement, deva, score)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for c in &analysis.corrections {
        let Some(&segment_id) = segment_ids.get(c.segment) else { continue };
        correction.execute(params![
            segment_id,
            c.range.start as i64,
            c.range.end as i64,
            c.original,
            c.replacement,
            deva(c.entry),
            c.score
        ])?;
    }
    let auto = analysis.apply(transcript);
    let mut auto_text = tx.prepare_cached("UPDATE segments SET auto_text = ?2 WHERE id = ?1 AND auto_text != ?2")?;
    let mut queue = tx.prepare_cached("INSERT OR IGNORE INTO index_queue (segment_id) VALUES (?1)")?;
    for (id, s) in segment_ids.iter().zip(&auto.segments) {
        auto_text.execute((id, &s.text))?;
        queue.execute([id])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO flags (segment_id, byte_start, byte_end, char_start, char_end, surface, kind, score, reasons,
                            suggestions, verse)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut update =
        tx.prepare_cached("UPDATE flags SET score = ?2, reasons = ?3, suggestions = ?4, verse = ?5 WHERE id = ?1")?;
    let mut kept = Vec::new();
    for f in &analysis.flags {
        let Some(&segment_id) = segment_ids.get(f.segment) else { continue };
        let (reasons, suggestions, verse) = flag_json(f)?;
        let key = (segment_id, f.range.start as i64, f.range.end as i64, f.kind.name().to_owned());
        if let Some(&(id, _)) = existing.get(&key) {
            update.execute(params![id, f.score, reasons, suggestions, verse])?;
            kept.push(id);
        } else {
            insert.execute(params![
                segment_id,
                key.1,
                key.2,
                f.span[0] as i64,
                f.span[1] as i64,
                f.surface,
                key.3,
                f.score,
                reasons,
                suggestions,
                verse
            ])?;
        }
    }
    Ok(kept)
}

fn flag_json(f: &Flag) -> Result<(String, String, Option<String>)> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Invalid(format!("cannot serialise a flag: {e}")));
    Ok((
        json(serde_json::to_string(&f.reasons))?,
        json(serde_json::to_string(&f.suggestions))?,
        f.verse.as_ref().map(|v| json(serde_json::to_string(v))).transpose()?,
    ))
}
