//! # shruti-store
//!
//! A Shruti project: a folder with `shruti.db` (SQLite, the truth) and `search/` (a tantivy index
//! that can always be rebuilt from it).
//!
//! - media files by content hash, transcripts (our ASR or an imported SRT/VTT) with segments,
//!   words and confidences, the engine's corrections and flags;
//! - **decisions**, append-only: the latest not undone wins, an undo is a decision too, "apply to
//!   all instances" records one decision per instance linked by a group id;
//! - lexicon additions made in review, which the pipeline feeds back into the engine;
//! - the job queue of batch processing, with crash recovery; an audit log;
//! - segments edited by hand (text, timing), append-only like decisions;
//! - export of the corrected transcript, search, online backup and restore;
//! - team sync's local half: the team library's entries, the outbox, the cursor, conflicts.
//!
//! It never depends on ASR: `shruti-pipeline` is where recognition, the engine and the store meet.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let project = shruti_store::Project::open(dir.path()).unwrap();
//! assert_eq!(project.schema_version().unwrap(), shruti_store::SCHEMA_VERSION);
//! ```

pub use backup::restore;
pub use decisions::{Action, DecisionRow, NewDecision, Scope};
pub use edits::SegmentEdit;
pub use error::{Error, Result};
pub use export::Script;
pub use flags::{FlagQuery, FlagRow, StateFilter, StoredSuggestion};
pub use jobs::{ErrorClass, FailOutcome, Job, JobCounts, JobRow, JobState};
pub use media::{FoundFile, Media, MediaKind, Queued};
pub use migrate::SCHEMA_VERSION;
pub use project::{BatchLock, Project, DB_FILE, INDEX_DIR};
pub use search::{Hit, SearchIndex};
pub use team::{TeamConflict, TeamContribution, TeamJob, TeamLink, TeamLocal, TeamWrite};
pub use transcripts::{NewTranscript, Reflagged, Source, TranscriptInfo};
pub use view::{SegmentView, WordView};

mod backup;
mod decisions;
mod edits;
mod error;
mod export;
mod flags;
mod jobs;
mod media;
mod migrate;
mod project;
mod search;
mod team;
mod transcripts;
mod view;

/// Now, in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
