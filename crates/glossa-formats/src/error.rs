//! The one error type of `glossa-formats`: what went wrong, in which file, on which line, at
//! which field.

use std::fmt;
use std::path::PathBuf;

use glossa_core::CoreError;

/// What went wrong while reading or writing a format.
#[derive(Debug, thiserror::Error)]
pub enum FormatErrorKind {
    /// The file has no content.
    #[error("the file is empty")]
    Empty,
    /// The file holds no records (only blank lines).
    #[error("the file holds no records")]
    NoRecords,
    /// The file looks binary.
    #[error("the file is binary, not text (NUL byte at byte offset {0})")]
    Binary(u64),
    /// Bytes that are not UTF-8.
    #[error("invalid UTF-8 at byte offset {0}")]
    InvalidUtf8(u64),
    /// JSON that does not parse, or does not have the expected shape.
    #[error("{0}")]
    Json(String),
    /// A value that parses but breaks the format's or the schema's rules.
    #[error("{0}")]
    Invalid(String),
    /// A domain validation failure (its field is in [`FormatError::field`]).
    #[error("{0}")]
    Core(glossa_core::CoreErrorKind),
    /// A file system error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A format error with its position: file, 1-based line, and field path.
#[derive(Debug)]
pub struct FormatError {
    /// The file, when reading or writing one.
    pub file: Option<PathBuf>,
    /// The 1-based line.
    pub line: Option<u64>,
    /// The field path within the record (`spans[3].label`).
    pub field: Option<String>,
    /// What went wrong.
    pub kind: FormatErrorKind,
}

impl FormatError {
    /// An error with no position yet.
    pub fn new(kind: FormatErrorKind) -> Self {
        Self {
            file: None,
            line: None,
            field: None,
            kind,
        }
    }

    /// Sets the file.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets the line.
    #[must_use]
    pub fn on_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the field.
    #[must_use]
    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }
}

impl From<CoreError> for FormatError {
    fn from(e: CoreError) -> Self {
        Self::new(FormatErrorKind::Core(e.kind)).at_field(e.field)
    }
}

impl From<std::io::Error> for FormatError {
    fn from(e: std::io::Error) -> Self {
        Self::new(FormatErrorKind::Io(e))
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        if let Some(field) = &self.field {
            write!(f, "field {field}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for FormatError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            FormatErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
