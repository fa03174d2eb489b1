//! Full-text search over every segment, original and corrected, with tantivy. SQLite is the
//! truth: changes queue their segments in `index_queue` in the same transaction, and `sync`
//! drains the queue into the index. The index can be deleted and rebuilt at any time.

use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::directory::error::LockError;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use crate::error::{Error, Result};
use crate::project::{Project, INDEX_DIR};

const TOKENIZER: &str = "shruti";
/// Segments read from SQLite per step of a sync.
const BATCH: i64 = 20_000;

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The segment's id.
    pub segment_id: i64,
    /// Relevance.
    pub score: f32,
    /// The media file.
    pub path: PathBuf,
    /// Segment start, ms.
    pub start_ms: i64,
    /// Segment end, ms.
    pub end_ms: i64,
    /// As recognised.
    pub text: String,
    /// Flags in the segment still undecided.
    pub pending_flags: i64,
    /// Flags in the segment decided.
    pub decided_flags: i64,
}

/// The project's search index.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    segment: Field,
    text: Field,
    corrected: Field,
}

fn schema() -> (Schema, Field, Field, Field) {
    let mut builder = Schema::builder();
    let segment = builder.add_u64_field("segment", INDEXED | STORED | FAST);
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_options = TextOptions::default().set_indexing_options(indexing);
    let text = builder.add_text_field("text", text_options.clone());
    let corrected = builder.add_text_field("corrected", text_options);
    (builder.build(), segment, text, corrected)
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and queueing every segment) when it is missing or
    /// unreadable.
    fn open(project: &Project, dir: &Path) -> Result<SearchIndex> {
        let (schema, segment, text, corrected) = schema();
        let existing = Index::open_in_dir(dir).ok().filter(|index| index.schema() == schema);
        let index = match existing {
            Some(index) => index,
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index unreadable or outdated: rebuilding");
                    std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                let index = Index::create_in_dir(dir, schema)?;
                project.conn.execute("INSERT OR IGNORE INTO index_queue (segment_id) SELECT id FROM segments", [])?;
                index
            }
        };
        let analyzer =
            TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build();
        index.tokenizers().register(TOKENIZER, analyzer);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, segment, text, corrected })
    }

    /// Brings the index up to date with the database. Returns how many segments were indexed;
    /// `None` when another process is writing the index (the search then sees its last commit).
    pub fn sync(&mut self, project: &Project) -> Result<Option<usize>> {
        let pending: i64 = project.conn.query_row("SELECT count(*) FROM index_queue", [], |r| r.get(0))?;
        if pending == 0 {
            return Ok(Some(0));
        }
        let mut writer: IndexWriter = match self.index.writer_with_num_threads(1, 64 << 20) {
            Ok(writer) => writer,
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut done = 0;
        loop {
            let batch: Vec<(i64, String, String, bool)> = project
                .conn
                .prepare_cached(
                    "SELECT q.segment_id, s.text, s.auto_text,
                            EXISTS (SELECT 1 FROM flags f WHERE f.segment_id = q.segment_id AND f.decision_id IS NOT NULL)
                            OR EXISTS (SELECT 1 FROM segment_edits e WHERE e.segment_id = q.segment_id)
                     FROM index_queue q LEFT JOIN segments s ON s.id = q.segment_id ORDER BY q.segment_id LIMIT ?1",
                )?
                .query_map([BATCH], |r| {
                    Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default(), r.get::<_, Option<String>>(2)?.unwrap_or_default(), r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            if batch.is_empty() {
                break;
            }
            for (id, text, auto_text, decided) in &batch {
                writer.delete_term(Term::from_field_u64(self.segment, *id as u64));
                if text.is_empty() {
                    continue; // the segment is gone
                }
                let corrected = if *decided {
                    Project::corrected_segment(&project.conn, *id)?.map_or_else(|| auto_text.clone(), |(_, c)| c)
                } else {
                    auto_text.clone()
                };
                writer.add_document(
                    doc!(self.segment => *id as u64, self.text => text.as_str(), self.corrected => corrected),
                )?;
            }
            writer.commit()?;
            // Only after the commit: a crash in between re-indexes, which is harmless.
            // One transaction per batch: a synced commit per row would dominate a rebuild.
            let tx = project.conn.unchecked_transaction()?;
            {
                let mut dequeue = tx.prepare_cached("DELETE FROM index_queue WHERE segment_id = ?1")?;
                for (id, ..) in &batch {
                    dequeue.execute(params![id])?;
                }
            }
            tx.commit()?;
            done += batch.len();
        }
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(Some(done))
    }

    /// Searches original and corrected text. Quotes make a phrase; with `fuzzy`, each word also
    /// matches words one edit away (Krishna finds Krsna). Diacritics and case are ignored.
    pub fn search(&self, project: &Project, query: &str, fuzzy: bool, limit: usize) -> Result<Vec<Hit>> {
        let mut parser = QueryParser::for_index(&self.index, vec![self.text, self.corrected]);
        parser.set_conjunction_by_default();
        if fuzzy {
            parser.set_field_fuzzy(self.text, false, 1, true);
            parser.set_field_fuzzy(self.corrected, false, 1, true);
        }
        let query = parser.parse_query(query)?;
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)))?;
        let mut stmt = project.conn.prepare_cached(
            "SELECT m.path, s.start_ms, s.end_ms, s.text,
                    (SELECT count(*) FROM flags f WHERE f.segment_id = s.id AND f.state = 'pending'),
                    (SELECT count(*) FROM flags f WHERE f.segment_id = s.id AND f.state != 'pending')
             FROM segments s JOIN transcripts t ON t.id = s.transcript_id JOIN media m ON m.id = t.media_id
             WHERE s.id = ?1",
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(id) = doc.get_first(self.segment).and_then(|v| v.as_u64()) else { continue };
            let row = stmt.query_row([id as i64], |r| {
                Ok(Hit {
                    segment_id: id as i64,
                    score,
                    path: PathBuf::from(r.get::<_, String>(0)?),
                    start_ms: r.get(1)?,
                    end_ms: r.get(2)?,
                    text: r.get(3)?,
                    pending_flags: r.get(4)?,
                    decided_flags: r.get(5)?,
                })
            });
            match row {
                Ok(hit) => hits.push(hit),
                Err(rusqlite::Error::QueryReturnedNoRows) => {} // deleted since indexing
                Err(e) => return Err(e.into()),
            }
        }
        Ok(hits)
    }
}

impl Project {
    /// The project's search index (created on first use).
    pub fn search_index(&self) -> Result<SearchIndex> {
        SearchIndex::open(self, &self.dir().join(INDEX_DIR))
    }

    /// Deletes the search index and rebuilds it from the database.
    pub fn rebuild_search_index(&self) -> Result<SearchIndex> {
        let dir = self.dir().join(INDEX_DIR);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let mut index = SearchIndex::open(self, &dir)?;
        index.sync(self)?;
        Ok(index)
    }
}
