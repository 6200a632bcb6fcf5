//! Importing files and folders. An import is one transaction: on any error nothing is
//! imported, and the error names the file, line and field. With `skip_invalid`, bad records
//! are skipped and listed instead; with `update`, documents whose id exists are updated
//! (a text file gives a new revision with re-anchored spans; a JSONL record replaces the
//! document's annotations).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Serialize;

use glossa_core::{AnnotatedDocument, GOLD_LAYER};
use glossa_formats::native::NativeReader;
use glossa_formats::{text, FormatError};
use glossa_store::{ImportBatch, ImportCounts};

use crate::edit::check_author;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::project::Project;

/// Which reader to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// By extension: `.txt` and `.md` are text, `.jsonl` is native JSONL.
    #[default]
    Auto,
    /// Plain text: one document per file, its id the file stem.
    Text,
    /// Native JSONL.
    Jsonl,
}

impl ImportFormat {
    fn for_file(self, path: &Path) -> Option<Self> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let by_ext = match ext.as_deref() {
            Some("txt" | "md") => Some(Self::Text),
            Some("jsonl") => Some(Self::Jsonl),
            _ => None,
        };
        match self {
            Self::Auto => by_ext,
            chosen => Some(chosen),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOptions {
    /// Which reader.
    pub format: ImportFormat,
    /// Author of spans and relations that name none.
    pub author: String,
    /// Skip bad records (listing them) instead of failing the whole import.
    pub skip_invalid: bool,
    /// Update documents whose id exists instead of refusing them.
    pub update: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self { format: ImportFormat::Auto, author: "import".into(), skip_invalid: false, update: false }
    }
}

/// A record that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// The 1-based line, for line-based formats.
    pub line: Option<u64>,
    /// Why.
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Files read.
    pub files: u64,
    /// What was written.
    pub counts: ImportCounts,
    /// Records skipped (only with `skip_invalid`).
    pub skipped: Vec<Skipped>,
    /// Files inside folders that no reader takes.
    pub ignored: Vec<String>,
}

/// Progress of a running import, reported after each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportProgress {
    /// Bytes of input read so far (whole files).
    pub bytes_done: u64,
    /// Bytes of input in all.
    pub bytes_total: u64,
    /// Documents read so far.
    pub documents: u64,
}

struct Input {
    path: PathBuf,
    format: ImportFormat,
    size: u64,
}

fn io_error(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::from(FormatError::from(e).in_file(path))
}

/// Expands folders (recursively, sorted) into the files a reader takes.
fn collect_inputs(paths: &[PathBuf], format: ImportFormat, ignored: &mut Vec<String>) -> ApiResult<Vec<Input>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| ApiError::new(ErrorCode::Io, e.to_string()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let p = entry.path();
                let by_ext = ImportFormat::Auto.for_file(p);
                match (format, by_ext) {
                    (ImportFormat::Auto, Some(f)) => out.push(Input { path: p.to_path_buf(), format: f, size: file_size(p)? }),
                    (chosen, Some(f)) if chosen == f => out.push(Input { path: p.to_path_buf(), format: f, size: file_size(p)? }),
                    _ => ignored.push(p.display().to_string()),
                }
            }
        } else {
            let f = format.for_file(path).ok_or_else(|| {
                ApiError::invalid(format!(
                    "{}: cannot tell the format from the extension; pass --format text or --format jsonl",
                    path.display()
                ))
            })?;
            out.push(Input { path: path.clone(), format: f, size: meta.len() });
        }
    }
    Ok(out)
}

fn file_size(p: &Path) -> ApiResult<u64> {
    Ok(std::fs::metadata(p).map_err(|e| io_error(p, e))?.len())
}

struct Run<'a, 'b> {
    batch: ImportBatch<'b>,
    schema: &'a glossa_core::Schema,
    opts: &'a ImportOptions,
    report: ImportReport,
}

impl Run<'_, '_> {
    /// Handles one error: skipped and listed, or the end of the import.
    fn fail(&mut self, e: FormatError) -> ApiResult<()> {
        if !self.opts.skip_invalid {
            return Err(e.into());
        }
        let file = e.file.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        self.report.skipped.push(Skipped { file, line: e.line, message: e.to_string() });
        Ok(())
    }

    fn document(&mut self, mut doc: AnnotatedDocument, path: &Path, line: Option<u64>, from_text: bool) -> ApiResult<()> {
        let at = |e: FormatError| {
            let e = e.in_file(path);
            match line {
                Some(l) => e.on_line(l),
                None => e,
            }
        };
        doc.fill_defaults(GOLD_LAYER, &self.opts.author);
        let len = doc.text.chars().count();
        if let Err(e) = doc.validate(self.schema, len) {
            return self.fail(at(e.into()));
        }
        let source = from_text.then(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
        let source = source.as_ref().map(|p| p.display().to_string());
        let exists = self.batch.has_document(&doc.id)?;
        let result = match (exists, self.opts.update) {
            (true, false) => {
                let e = glossa_formats::FormatErrorKind::Invalid(format!(
                    "duplicate document id {:?}: the project already has it (use --update to update it)",
                    doc.id
                ));
                return self.fail(at(FormatError::new(e).at_field("id")));
            }
            (true, true) => self.batch.update_document(&doc, source.as_deref(), !from_text),
            (false, _) => self.batch.add_document(&doc, source.as_deref()),
        };
        result.map_err(|e| {
            let msg = e.to_string();
            ApiError::new(ApiError::from(e).code, format!("{}: {msg}", path.display()))
        })
    }
}

impl Project {
    /// Imports `paths` (files or folders) in one transaction. `progress` is called after each
    /// document.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> ApiResult<ImportReport> {
        check_author(&opts.author)?;
        let mut ignored = Vec::new();
        let inputs = collect_inputs(paths, opts.format, &mut ignored)?;
        let bytes_total = inputs.iter().map(|i| i.size).sum();
        let batch = self.store.begin_import()?;
        let mut run = Run { batch, schema: &self.schema, opts, report: ImportReport { ignored, ..ImportReport::default() } };
        let mut bytes_done = 0;
        let mut documents = 0;
        for input in &inputs {
            let path = &input.path;
            run.report.files += 1;
            match input.format {
                ImportFormat::Text | ImportFormat::Auto => {
                    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
                    match text::read_text(bytes) {
                        Ok(text) => {
                            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                            run.document(AnnotatedDocument::plain(stem, text), path, None, true)?;
                        }
                        Err(e) => run.fail(e.in_file(path))?,
                    }
                    documents += 1;
                    bytes_done += input.size;
                    progress(ImportProgress { bytes_done, bytes_total, documents });
                }
                ImportFormat::Jsonl => {
                    let file = File::open(path).map_err(|e| io_error(path, e))?;
                    for record in NativeReader::new(BufReader::with_capacity(1 << 16, file), Some(path)) {
                        match record {
                            Ok(r) => run.document(r.doc, path, Some(r.line), false)?,
                            Err(e) => run.fail(e)?,
                        }
                        documents += 1;
                        if documents % 256 == 0 {
                            progress(ImportProgress { bytes_done, bytes_total, documents });
                        }
                    }
                    bytes_done += input.size;
                    progress(ImportProgress { bytes_done, bytes_total, documents });
                }
            }
        }
        let files: Vec<String> = inputs.iter().map(|i| i.path.display().to_string()).collect();
        let summary = serde_json::json!({
            "files": files,
            "format": opts.format,
            "skipped": run.report.skipped.len(),
            "counts": run.batch.counts(),
        });
        let Run { batch, mut report, .. } = run;
        report.counts = batch.commit(&opts.author, &summary)?;
        tracing::info!(files = report.files, documents = report.counts.documents, "import committed");
        Ok(report)
    }
}
