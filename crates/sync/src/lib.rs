//! Team sync, the part client and server share: the lexicon entry as the team library holds it,
//! the wire types of the `/v1` API, the field-level three-way merge, and the pure planner that
//! turns a push into outcomes and writes. No I/O: the server gathers rows, calls [`plan_push`],
//! then writes what it returns; the client merges pulled rows with the same [`merge`].
//!
//! Glossary:
//! - **library version**: a counter the server increments once in each push transaction that
//!   writes; every row it writes carries it. Clients pull changes `since` a version.
//! - **base version**: the version of an entry a client last saw; a push says it, so the server can
//!   merge against that copy (kept in the entry's history) instead of guessing from clocks.
//! - **conflict**: the same field changed differently on both sides, a delete against an edit, or
//!   two entries with one key. It is returned, never resolved silently.
//!
//! ```
//! use shruti_sync::{merge, TeamEntry};
//! use shruti_core::lexicon::Category;
//!
//! let base = TeamEntry::new("01J0000000000000000000000A", "Arjuna", "अर्जुन", Category::Person);
//! let mut mine = base.clone();
//! mine.variants.insert("Arjun".into());
//! let mut theirs = base.clone();
//! theirs.deva = "अर्जुनः".into();
//! let merged = merge(&base, &mine, &theirs).unwrap();
//! assert!(merged.variants.contains("Arjun") && merged.deva == "अर्जुनः");
//! ```

pub use client::{on_pulled, on_pushed, Apply, Local, LocalState};
pub use entry::{key, TeamEntry, MAX_TEXT, MAX_VARIANTS};
pub use merge::{merge, Field};
pub use plan::{plan_push, Gathered, Plan};
pub use wire::*;

mod client;
mod entry;
mod merge;
mod plan;
mod wire;
