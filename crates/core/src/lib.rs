//! # shruti-core
//!
//! Shruti's engine: given a transcript (from our own ASR, or a subtitle file from any ASR), fix the
//! Sanskrit terms that are certain and flag the rest for an expert, with ranked suggestions.
//!
//! House rules: this crate does no I/O beyond what it is handed (bytes in, text out), so the CLI,
//! the desktop app and the team server share it; it never panics on bad input; every error names
//! its source and line.
//!
//! Glossary:
//! - **IAST**: the scholarly romanisation of Sanskrit (Kṛṣṇa, Kurukṣetra).
//! - **segment** (or **cue**): one timed piece of transcript text.
//! - **entry**: one lexicon word or phrase: Devanagari, canonical IAST, known **variants**
//!   (anglicised and ASR spellings) and a **policy** (auto-apply or suggest only).
//! - **correction**: a change applied automatically; **flag**: a doubt for the expert, with a kind,
//!   a score, reasons and ranked **suggestions**; the expert's answer is a **decision**.
//!
//! ```
//! use shruti_core::{subtitle, Engine};
//!
//! let srt = "1\n00:00:01,000 --> 00:00:04,000\nKrishna speaks to Arjun at Kurukshetra\n";
//! let (transcript, _warnings) = subtitle::parse_srt(srt, "talk.srt").unwrap();
//! let engine = Engine::builder().build();
//! let (corrected, _analysis) = engine.correct(transcript);
//! assert_eq!(corrected.segments[0].text, "Kṛṣṇa speaks to Arjuna at Kurukṣetra");
//! ```

pub use engine::{Config, Engine, EngineBuilder};
pub use english::EnglishWords;
pub use error::{Error, Result, Warning};
pub use lexicon::Lexicon;
pub use report::{Analysis, Correction, Flag, FlagKind, Reason, Suggestion, SuggestionSource, VerseMatch};
pub use transcript::{BiasForm, Heard, HeardCandidate, Probe, ProbeCandidate, Segment, Transcript, Word};
pub use verse::{VerseCorpus, VerseIndex};

pub mod engine;
mod english;
mod error;
pub mod harvest;
pub mod lexicon;
pub mod metrics;
pub mod occurrences;
mod report;
pub mod subtitle;
mod transcript;
pub mod verse;
