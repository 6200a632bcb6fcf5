//! The one error type of `glossa-store`, carrying the project file and the field it failed on.

use std::fmt;
use std::path::PathBuf;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreErrorKind {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// Another program (or another window) holds the project's write lock for longer than
    /// the busy timeout: a long import, usually.
    #[error("project busy ({}); try again when it is done", .0.as_deref().unwrap_or("another Glossa is writing to it"))]
    Busy(Option<String>),
    /// The project was made by a newer Glossa.
    #[error("made by a newer Glossa (schema v{found}); this one reads up to v{known}")]
    Newer {
        /// The file's schema version.
        found: usize,
        /// The newest this build knows.
        known: usize,
    },
    /// An edit made against a revision of a document that is no longer its current one.
    #[error("document {doc_id:?} changed (it is now at revision {current}); reloaded, make the edit again")]
    Stale {
        /// The document.
        doc_id: String,
        /// Its current revision.
        current: u32,
    },
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The file is not a Glossa project.
    #[error("not a Glossa project: {0}")]
    NotAProject(String),
    /// The file already exists.
    #[error("a file already exists there")]
    AlreadyExists,
    /// A document, span, relation or author that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A write that conflicts with the current state (a stale undo, a taken relation).
    #[error("{0}")]
    Conflict(String),
    /// A document id that the project already has.
    #[error("document id {0:?} already exists")]
    DuplicateDocument(String),
    /// A stored value could not be read back (bad JSON in a column).
    #[error("stored value is corrupt: {0}")]
    Corrupt(String),
    /// A file system error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for StoreErrorKind {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy(None)
            }
            _ => Self::Sqlite(e),
        }
    }
}

impl StoreErrorKind {
    /// Whether this is a duplicate document id.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::DuplicateDocument(_))
    }
}

/// A store error: the project file, the field (a table column or an id), and what went wrong.
#[derive(Debug)]
pub struct StoreError {
    /// The project file.
    pub path: PathBuf,
    /// The field or item it failed on, when known (`spans.attrs`, `document kursk`).
    pub field: Option<String>,
    /// What went wrong.
    pub kind: StoreErrorKind,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.kind.source()
    }
}

/// An error before the project path is attached.
#[derive(Debug)]
pub(crate) struct Fail {
    pub field: Option<String>,
    pub kind: StoreErrorKind,
}

impl Fail {
    pub fn new(field: impl Into<String>, kind: StoreErrorKind) -> Self {
        Self {
            field: Some(field.into()),
            kind,
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::from(StoreErrorKind::NotFound(format!(
            "{} not found",
            what.into()
        )))
    }

    pub fn conflict(field: impl Into<String>, msg: impl Into<String>) -> Self {
        Self::new(field, StoreErrorKind::Conflict(msg.into()))
    }

    pub fn stale(doc_id: &str, current: u32) -> Self {
        Self::new(
            "revision",
            StoreErrorKind::Stale {
                doc_id: doc_id.to_string(),
                current,
            },
        )
    }

    pub fn corrupt(field: &str, err: impl fmt::Display) -> Self {
        Self::new(field, StoreErrorKind::Corrupt(err.to_string()))
    }

    pub fn at(self, path: &std::path::Path) -> StoreError {
        let kind = match self.kind {
            // Say who holds the project, when a long import announced itself.
            StoreErrorKind::Busy(None) => StoreErrorKind::Busy(
                std::fs::read_to_string(crate::import::busy_note_path(path))
                    .ok()
                    .filter(|n| !n.is_empty()),
            ),
            kind => kind,
        };
        StoreError {
            path: path.to_path_buf(),
            field: self.field,
            kind,
        }
    }
}

impl<E: Into<StoreErrorKind>> From<E> for Fail {
    fn from(e: E) -> Self {
        Self {
            field: None,
            kind: e.into(),
        }
    }
}

pub(crate) type FResult<T> = Result<T, Fail>;
