//! The commands the front end invokes, one module per screen. Errors reach the front end as
//! text that names the file or flag and says what to do.

pub mod audio;
pub mod batch;
pub mod export;
pub mod lexicon;
pub mod models;
pub mod project;
pub mod review;
pub mod search;
pub mod settings;
pub mod team;
pub mod transcript;

/// The error text for the front end.
pub(crate) fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}
