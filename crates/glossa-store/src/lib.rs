//! The Glossa project store: one SQLite file per project (`*.glossa`), opened with WAL,
//! foreign keys and a busy timeout, its schema kept by append-only migrations. All of Glossa's
//! SQL lives in this crate.
//!
//! - [`Store`]: open or create a project; read its schema and settings.
//! - [`documents`]: document lists, document views and the export stream.
//! - [`import`]: an atomic [`ImportBatch`] for bulk loading.
//! - [`edits`]: span and relation edits, each one transaction with its operation record, and
//!   per-author undo/redo over the operation log.

mod apply;
pub mod documents;
pub mod edits;
mod error;
mod ids;
pub mod import;
mod labels;
pub mod migrations;
pub mod relabel;
mod rows;
pub mod stats;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use glossa_core::Schema;
use rusqlite::{Connection, OptionalExtension};

pub use apply::ApplyReport;
pub use edits::{NewRelation, NewSpan, SkippedOperation, UndoOutcome};
pub use error::{StoreError, StoreErrorKind};
pub use import::{ImportBatch, ImportCounts};
pub use stats::Stats;

use error::{FResult, Fail};

/// `PRAGMA application_id` of a Glossa project ("GLSS").
pub const APPLICATION_ID: i32 = 0x474C_5353;

/// The page size of a new project file.
pub const PAGE_SIZE: i64 = 16384;

/// An open project file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The current time in milliseconds since the Unix epoch, as stored.
pub fn now() -> i64 {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

fn configure(conn: &Connection) -> FResult<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals in memory. A statement that may abort part-way (foreign keys,
    // triggers) journals the pages it changes; past 64 KiB, four of our 16 KiB pages, SQLite
    // moves that journal to a temporary file, created, written and deleted within the
    // transaction: a third of a span insert's time, and a tenth of an import's. A statement's
    // journal holds only the pages that statement changes.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Copies the project, whole and consistent (`VACUUM INTO`), to `NAME.vN-backup` beside it
/// (`NAME.vN-backup.2`, … when that exists) before its schema is upgraded from version `N`.
fn backup_before_upgrade(conn: &Connection, path: &Path, version: usize) -> FResult<PathBuf> {
    let base = format!("{}.v{version}-backup", path.display());
    let mut backup = PathBuf::from(&base);
    let mut n = 1;
    while backup.exists() {
        n += 1;
        backup = PathBuf::from(format!("{base}.{n}"));
    }
    conn.execute("VACUUM INTO ?1", [backup.display().to_string()])?;
    Ok(backup)
}

impl Store {
    /// Creates a new project file at `path` with `name` and `schema`. Fails if the file exists.
    pub fn create(path: &Path, name: &str, schema: &Schema) -> Result<Self, StoreError> {
        Self::create_inner(path, name, schema).map_err(|f| f.at(path))
    }

    fn create_inner(path: &Path, name: &str, schema: &Schema) -> FResult<Self> {
        if path.exists() {
            return Err(Fail::from(StoreErrorKind::AlreadyExists));
        }
        let mut conn = Connection::open(path)?;
        // Before anything is written: 16 KiB pages suit rows holding whole texts, and make a
        // bulk import markedly faster than the default 4 KiB (docs/performance.md).
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        configure(&conn)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        migrations::migrations().to_latest(&mut conn)?;
        let tx = conn.transaction()?;
        {
            let mut put = tx.prepare("INSERT INTO project (key, value) VALUES (?1, ?2)")?;
            put.execute(["name", name])?;
            put.execute(["created", &rows::format_time(now())])?;
        }
        labels::write_schema(&tx, schema)?;
        tx.commit()?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing project, upgrading its schema if it is older. A file that is not a
    /// Glossa project is refused without being changed.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_inner(path).map_err(|f| f.at(path))
    }

    fn open_inner(path: &Path) -> FResult<Self> {
        let mut header = [0u8; 16];
        let mut file = std::fs::File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Fail::from(StoreErrorKind::NotFound(
                    "no such project file; create one with `glossa init`".into(),
                ))
            } else {
                Fail::from(e)
            }
        })?;
        let n = file.read(&mut header)?;
        if n < 16 || &header != b"SQLite format 3\0" {
            return Err(Fail::from(StoreErrorKind::NotAProject(
                "the file is not an SQLite database".into(),
            )));
        }
        let mut conn = Connection::open(path)?;
        let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if app != APPLICATION_ID {
            return Err(Fail::from(StoreErrorKind::NotAProject(format!(
                "an SQLite database of another application (application_id {app:#x})"
            ))));
        }
        let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = migrations::latest_version();
        if version > known {
            return Err(Fail::from(StoreErrorKind::Newer {
                found: version,
                known,
            }));
        }
        configure(&conn)?;
        if version < known {
            backup_before_upgrade(&conn, path, version)?;
        }
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// How long a write waits for another program's write lock before failing as busy
    /// (5 s unless changed).
    pub fn set_busy_timeout(&mut self, wait: Duration) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(wait)
            .map_err(|e| Fail::from(e).at(&self.path))
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The project's name.
    pub fn name(&self) -> Result<String, StoreError> {
        self.setting("name").map(Option::unwrap_or_default)
    }

    /// A project setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM project WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| Fail::from(e).at(&self.path))
    }

    /// Sets a project setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO project (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
            .map_err(|e| Fail::from(e).at(&self.path))
    }

    /// The label schema.
    pub fn schema(&self) -> Result<Schema, StoreError> {
        let name = self.setting("schema_name")?.unwrap_or_default();
        labels::read_schema(&self.conn, name).map_err(|f| f.at(&self.path))
    }

    /// Replaces the label schema (the caller has validated it against existing spans),
    /// recorded as `author`'s `set_schema` operation.
    pub fn set_schema(&mut self, author: &str, schema: &Schema) -> Result<(), StoreError> {
        self.write(|tx, now| {
            let change = glossa_core::op::Change::Schema(schema.clone());
            apply::apply_as(
                tx,
                now,
                author,
                glossa_core::OpKind::SetSchema,
                None,
                change,
            )
        })
    }

    /// Sets document `doc_id`'s review status, recorded as `author`'s `set_review` operation
    /// (the caller has checked that they are a reviewer).
    pub fn set_review(
        &mut self,
        author: &str,
        doc_id: &str,
        status: glossa_core::ReviewStatus,
    ) -> Result<(), StoreError> {
        self.write(|tx, now| {
            let (doc, _) = rows::document_key(tx, doc_id)?;
            let change = glossa_core::op::Change::Review {
                doc_id: doc_id.to_string(),
                status,
            };
            apply::apply_as(
                tx,
                now,
                author,
                glossa_core::OpKind::SetReview,
                Some(doc),
                change,
            )
        })
    }

    /// Labels and relation types in use, with how many spans or relations use each.
    pub fn labels_in_use(&self) -> Result<Vec<(String, u64)>, StoreError> {
        labels::in_use(&self.conn).map_err(|f| f.at(&self.path))
    }

    /// The schema version of the open file (`user_version`).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| Fail::from(e).at(&self.path))
    }
}

#[cfg(test)]
mod tests;
