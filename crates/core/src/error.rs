//! The crate's one error type.

/// What went wrong, always naming the source (a file name or another label the caller gave) and,
/// where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A subtitle file is malformed at a place the reader cannot recover from.
    #[error("{source_name}:{line}: {message}")]
    Subtitle {
        /// The file (or label) being read.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What was found and what was expected.
        message: String,
    },
    /// The bytes are not text in an encoding Shruti can read.
    #[error("{source_name}: {message}")]
    Encoding {
        /// The file (or label) being read.
        source_name: String,
        /// Why it was refused and what to do.
        message: String,
    },
    /// A lexicon file is malformed or breaks a lexicon rule.
    #[error("{source_name}:{line}: {message}")]
    Lexicon {
        /// The lexicon file.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// The rule that was broken.
        message: String,
    },
}

/// Shorthand for results carrying [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Something the reader repaired or noticed; the input was still usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line, when the warning is about one place.
    pub line: Option<usize>,
    /// What was noticed and what was done about it.
    pub message: String,
}

impl Warning {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> Self {
        Warning { line: Some(line), message: message.into() }
    }

    pub(crate) fn whole(message: impl Into<String>) -> Self {
        Warning { line: None, message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
