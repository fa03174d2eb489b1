//! The corrected transcript: the recognised text with the automatic corrections and every
//! decision in force applied, the original timings kept, in the script asked for.

use std::collections::HashMap;

use rusqlite::Connection;
use shruti_core::lexicon::iast;
use shruti_core::{Lexicon, Segment, Transcript};

use crate::error::Result;
use crate::project::Project;

/// How Sanskrit terms are written on export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Script {
    /// IAST, as corrected: Kṛṣṇa.
    #[default]
    Iast,
    /// Devanagari for the terms the lexicon knows: कृष्ण.
    Devanagari,
    /// Plain ASCII in the usual English spelling: Krishna.
    Ascii,
}

impl Script {
    /// The script named `name` (iast, devanagari or ascii).
    pub fn parse(name: &str) -> Option<Script> {
        [Script::Iast, Script::Devanagari, Script::Ascii].into_iter().find(|s| s.name() == name)
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Script::Iast => "iast",
            Script::Devanagari => "devanagari",
            Script::Ascii => "ascii",
        }
    }
}

/// One change to a segment's text: a byte range of the recognised text and what replaces it.
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
    deva: Option<String>,
}

/// A segment row and its edits.
struct Row {
    segment: Segment,
    edits: Vec<Edit>,
}

impl Project {
    /// A media file's corrected transcript in `script`. Undecided flags keep the automatic
    /// result; an expert's decision beats an automatic correction of the same text.
    pub fn corrected(&self, media_id: i64, script: Script, lexicon: &Lexicon) -> Result<Transcript> {
        let rows = load(&self.conn, "t.media_id = ?1", media_id)?;
        let words = if script == Script::Devanagari { deva_words(lexicon) } else { HashMap::new() };
        Ok(Transcript { segments: rows.into_iter().map(|row| render(row, script, &words)).collect() })
    }

    /// The corrected IAST text of one segment (for the search index).
    pub(crate) fn corrected_segment(conn: &Connection, segment_id: i64) -> Result<Option<(String, String)>> {
        let mut rows = load(conn, "s.id = ?1", segment_id)?;
        Ok(rows.pop().map(|row| {
            let original = row.segment.text.clone();
            (original, render(row, Script::Iast, &HashMap::new()).text)
        }))
    }
}

/// Segments matching `filter` (one `?1` parameter) with their edits, in order.
fn load(conn: &Connection, filter: &str, arg: i64) -> Result<Vec<Row>> {
    let from = format!("FROM segments s JOIN transcripts t ON t.id = s.transcript_id WHERE {filter}");
    let mut rows: Vec<Row> = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.start_ms, s.end_ms, s.cue_id, s.settings, s.text {from} ORDER BY s.transcript_id, s.idx"
    ))?;
    let mut q = stmt.query([arg])?;
    while let Some(r) = q.next()? {
        by_id.insert(r.get(0)?, rows.len());
        rows.push(Row {
            segment: Segment {
                id: r.get(3)?,
                start_ms: r.get(1)?,
                end_ms: r.get(2)?,
                text: r.get(5)?,
                settings: r.get(4)?,
                words: None,
                heard: Vec::new(),
            },
            edits: Vec::new(),
        });
    }
    // Decided spans first: the expert's answer (even "keep as is") beats the engine's.
    let mut decided: HashMap<i64, Vec<(usize, usize)>> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT f.segment_id, f.byte_start, f.byte_end, d.text, d.deva
         FROM flags f JOIN decisions d ON d.id = f.decision_id
         WHERE f.segment_id IN (SELECT s.id {from})"
    ))?;
    let mut q = stmt.query([arg])?;
    while let Some(r) = q.next()? {
        let (segment, start, end): (i64, usize, usize) = (r.get(0)?, r.get(1)?, r.get(2)?);
        decided.entry(segment).or_default().push((start, end));
        if let (Some(&i), Some(text)) = (by_id.get(&segment), r.get::<_, Option<String>>(3)?) {
            rows[i].edits.push(Edit { start, end, text, deva: r.get(4)? });
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.segment_id, c.byte_start, c.byte_end, c.replacement, c.deva
         FROM corrections c WHERE c.segment_id IN (SELECT s.id {from})"
    ))?;
    let mut q = stmt.query([arg])?;
    while let Some(r) = q.next()? {
        let (segment, start, end): (i64, usize, usize) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let overridden = decided.get(&segment).is_some_and(|spans| spans.iter().any(|&(s, e)| s < end && start < e));
        if let (false, Some(&i)) = (overridden, by_id.get(&segment)) {
            rows[i].edits.push(Edit { start, end, text: r.get(3)?, deva: r.get(4)? });
        }
    }
    // A segment edited by hand: its latest times, and its latest text (an edit of the times
    // alone keeps it) in place of everything else.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.segment_id,
                (SELECT t.text FROM segment_edits t
                 WHERE t.segment_id = e.segment_id AND t.text IS NOT NULL ORDER BY t.id DESC LIMIT 1),
                e.start_ms, e.end_ms
         FROM segment_edits e
         WHERE e.id IN (SELECT max(id) FROM segment_edits WHERE segment_id IN (SELECT s.id {from}) GROUP BY segment_id)"
    ))?;
    let mut q = stmt.query([arg])?;
    while let Some(r) = q.next()? {
        let Some(&i) = by_id.get(&r.get::<_, i64>(0)?) else { continue };
        let row = &mut rows[i];
        if let Some(text) = r.get::<_, Option<String>>(1)? {
            row.segment.text = text;
            row.edits.clear();
        }
        row.segment.start_ms = r.get(2)?;
        row.segment.end_ms = r.get(3)?;
    }
    Ok(rows)
}

/// Applies a row's edits in text order (one that overlaps an earlier one, or does not fit the
/// text, is skipped) and writes Sanskrit in the script asked for.
fn render(mut row: Row, script: Script, deva_words: &HashMap<String, String>) -> Segment {
    row.edits.sort_by_key(|e| (e.start, e.end));
    let old = std::mem::take(&mut row.segment.text);
    let mut text = String::with_capacity(old.len() + 16);
    let mut at = 0;
    for e in &row.edits {
        if e.start < at || old.get(e.start..e.end).is_none() {
            continue;
        }
        text.push_str(&unedited(&old[at..e.start], script, deva_words));
        text.push_str(&match script {
            Script::Iast => e.text.clone(),
            Script::Devanagari => e.deva.clone().unwrap_or_else(|| unedited(&e.text, script, deva_words)),
            Script::Ascii => iast::anglicise(&e.text),
        });
        at = e.end;
    }
    text.push_str(&unedited(&old[at..], script, deva_words));
    row.segment.text = text;
    row.segment
}

/// Text nobody edited, with words already written in IAST (they carry diacritics) converted:
/// plain ASCII words are English and stay as they are.
fn unedited(text: &str, script: Script, deva_words: &HashMap<String, String>) -> String {
    if script == Script::Iast || text.is_ascii() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_ascii() {
            out.push_str(word);
        } else if script == Script::Ascii {
            out.push_str(&iast::anglicise(word));
        } else {
            out.push_str(deva_words.get(&word.to_lowercase()).unwrap_or(word));
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || is_mark(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Lowercase IAST of every one-word entry → its Devanagari.
fn deva_words(lexicon: &Lexicon) -> HashMap<String, String> {
    lexicon
        .entries()
        .iter()
        .filter(|e| !e.iast.contains([' ', '-']))
        .map(|e| (e.iast.to_lowercase(), e.deva.clone()))
        .collect()
}
