//! [`ApiError`]: the one error both front ends see, with a code a UI can branch on and a
//! message a person can act on (it names the file, line and field where there is one).

use serde::Serialize;
use ts_rs::TS;

use glossa_formats::FormatError;
use glossa_store::{StoreError, StoreErrorKind};

/// What kind of failure, for a UI to branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A document, span, relation or file that does not exist.
    NotFound,
    /// Bad input: a malformed file, an unknown label, an offset out of range.
    InvalidInput,
    /// A change that conflicts with the current state (a duplicate id, a stale undo).
    Conflict,
    /// The file exists already.
    AlreadyExists,
    /// The file is not a Glossa project (or one made by a newer Glossa).
    NotAProject,
    /// An edit made on a revision of the document that is no longer current: reload it.
    Stale,
    /// Another program holds the project's write lock (a long import): try again later.
    Busy,
    /// The author's role does not allow the change (another's layer, or gold).
    Forbidden,
    /// The file system failed.
    Io,
    /// Anything else: a bug or a corrupt project.
    Internal,
}

/// An API failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, TS)]
#[error("{message}")]
pub struct ApiError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What went wrong and where.
    pub message: String,
}

impl ApiError {
    /// A new error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Bad input.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e.kind {
            StoreErrorKind::NotFound(_) => ErrorCode::NotFound,
            StoreErrorKind::NotAProject(_) | StoreErrorKind::Newer { .. } => ErrorCode::NotAProject,
            StoreErrorKind::Stale { .. } => ErrorCode::Stale,
            StoreErrorKind::Busy(_) => ErrorCode::Busy,
            StoreErrorKind::AlreadyExists => ErrorCode::AlreadyExists,
            StoreErrorKind::Conflict(_) | StoreErrorKind::DuplicateDocument(_) => {
                ErrorCode::Conflict
            }
            StoreErrorKind::Io(_) => ErrorCode::Io,
            StoreErrorKind::Sqlite(_)
            | StoreErrorKind::Migration(_)
            | StoreErrorKind::Corrupt(_) => ErrorCode::Internal,
        };
        Self::new(code, e.to_string())
    }
}

impl From<FormatError> for ApiError {
    fn from(e: FormatError) -> Self {
        let code = match &e.kind {
            glossa_formats::FormatErrorKind::Io(io)
                if io.kind() == std::io::ErrorKind::NotFound =>
            {
                ErrorCode::NotFound
            }
            glossa_formats::FormatErrorKind::Io(_) => ErrorCode::Io,
            _ => ErrorCode::InvalidInput,
        };
        Self::new(code, e.to_string())
    }
}

impl From<glossa_core::CoreError> for ApiError {
    fn from(e: glossa_core::CoreError) -> Self {
        Self::invalid(e.to_string())
    }
}

/// The API's result type.
pub type ApiResult<T> = Result<T, ApiError>;
