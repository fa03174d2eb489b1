//! The store's one error type.

use std::path::PathBuf;

/// What can go wrong in a project.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database refused or failed.
    #[error("project database: {0}")]
    Db(#[from] rusqlite::Error),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// What we were reading or writing.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The search index failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The search query could not be parsed.
    #[error("search query: {0}")]
    Query(#[from] tantivy::query::QueryParserError),
    /// The project was written by a newer Shruti.
    #[error("{}: schema version {found} is newer than this Shruti supports ({supported}); upgrade Shruti", path.display())]
    NewerSchema {
        /// The database.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// Another process holds the project's batch lock.
    #[error("{}: {detail}", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it.
        detail: String,
    },
    /// Something named does not exist (a flag, a file).
    #[error("{0}")]
    NotFound(String),
    /// A request that cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
