//! The one API that Glossa's front ends call: the desktop app's Tauri commands and the
//! `glossa` CLI are each a few lines over a [`Project`].
//!
//! - [`project`]: open or create a project; documents, schema, stats.
//! - [`edit`]: span and relation edits, document status, undo and redo.
//! - [`import`]: import files and folders atomically, with `--skip-invalid` and `--update`.
//! - [`export`]: export to a writer or, atomically, to a file.
//! - [`settings`]: the desktop app's settings and its default project.

pub mod edit;
mod error;
pub mod export;
pub mod import;
mod open_text;
pub mod project;
pub mod settings;

pub use edit::{AddSpan, SpanPatch};
pub use error::{ApiError, ApiResult, ErrorCode};
pub use export::{ExportOptions, ExportReport, LayerFilter};
pub use glossa_formats::{Fidelity, Format, Loss, LossKind};
pub use import::{ImportFormat, ImportOptions, ImportProgress, ImportReport, Skipped};
pub use project::{Project, ProjectInfo, RenameReport};
pub use settings::{Session, Settings};

pub use glossa_core as core;
pub use glossa_store::{ImportCounts, SkippedOperation, Stats, UndoOutcome};
