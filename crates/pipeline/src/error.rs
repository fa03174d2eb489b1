//! The pipeline's error type.

use std::path::PathBuf;

/// What can stop a batch, a review step or an export.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The project store failed.
    #[error(transparent)]
    Store(#[from] shruti_store::Error),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The recogniser could not start (the model, the GPU): no audio can be processed.
    #[error(transparent)]
    Asr(#[from] shruti_asr::AsrError),
    /// The lexicon, with the project's additions, is invalid.
    #[error("the lexicon has {} problem(s):\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Lexicon(Vec<shruti_core::Error>),
    /// Watching the folder failed.
    #[error("cannot watch {}: {detail}", path.display())]
    Watch {
        /// The folder.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A request that cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
    /// The team server refused a request or could not be reached.
    #[error(transparent)]
    Team(#[from] crate::team::TeamError),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// The pipeline's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
