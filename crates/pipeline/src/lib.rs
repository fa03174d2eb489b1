//! # shruti-pipeline
//!
//! Where recognition, the correction engine and the project store meet; the CLI and the desktop
//! app both drive it, and neither re-implements its loop.
//!
//! - [`batch`]: a folder of lectures in, a project of corrected, flagged transcripts out, with a
//!   crash-safe job queue, failure classes and `--watch`.
//! - [`review`]: decisions, with lexicon additions checked and fed back (re-flagging the project).
//! - [`export`]: corrected SRT, VTT, TXT or JSON, written atomically.
//! - [`lexicon`]: the project's engine (lexicon + additions) and re-flagging of outdated transcripts.
//! - [`settings`]: the desktop app's settings and recent projects.
//! - [`team`]: sync with a team server: the shared lexicon and the shared batch queue.

pub use error::{Error, Result};

pub mod batch;
mod error;
pub mod export;
pub mod lexicon;
pub mod review;
pub mod scan;
pub mod settings;
pub mod team;
mod watch;

/// Now, in unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
