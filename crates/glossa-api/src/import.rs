//! Importing files and folders. An import is one transaction: on any error nothing is
//! imported, and the error names the file, line and field. With `skip_invalid`, bad records
//! are skipped and listed instead; with `update`, documents whose id exists are updated
//! (a text file gives a new revision with re-anchored spans; a JSONL record replaces the
//! document's annotations).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use ts_rs::TS;

use serde::{Deserialize, Serialize};

use glossa_core::{AnnotatedDocument, CheckedDocument, Schema, GOLD_LAYER};
use glossa_formats::native::{NativeReader, Record};
use glossa_formats::read::{Attachment, Emit};
use glossa_formats::{text, Format, FormatError};
use glossa_store::{ImportBatch, ImportCounts};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::edit::check_author;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::project::Project;

/// Which reader to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ImportFormat {
    /// By extension: `.txt` and `.md` are text, `.jsonl` is native JSONL.
    #[default]
    Auto,
    /// Plain text: one document per file, its id the file stem.
    Text,
    /// Native JSONL.
    Jsonl,
    /// doccano JSONL.
    Doccano,
    /// Label Studio JSON tasks.
    LabelStudio,
    /// spaCy / Prodigy JSONL.
    Spacy,
    /// CoNLL IOB2.
    Conll,
    /// A Hugging Face folder (or its `data.jsonl`).
    Hf,
    /// A brat folder (or one `.ann` file).
    Brat,
    /// W3C Web Annotation JSON-LD, onto documents already in the project.
    W3c,
    /// Span CSV, onto documents already in the project.
    Csv,
}

impl ImportFormat {
    /// The dataset format read, for formats other than text and native JSONL.
    fn dataset(self) -> Option<Format> {
        Some(match self {
            Self::Auto | Self::Text | Self::Jsonl => return None,
            Self::Doccano => Format::Doccano,
            Self::LabelStudio => Format::LabelStudio,
            Self::Spacy => Format::Spacy,
            Self::Conll => Format::Conll,
            Self::Hf => Format::Hf,
            Self::Brat => Format::Brat,
            Self::W3c => Format::W3c,
            Self::Csv => Format::Csv,
        })
    }

    /// The reader named `name` (`auto`, `text`, or an importable [`Format`]'s name).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(Self::Auto),
            "text" => Some(Self::Text),
            other => Format::parse(other).and_then(Self::of),
        }
    }

    /// The reader of `format`, if Glossa imports it.
    pub fn of(format: Format) -> Option<Self> {
        Some(match format {
            Format::Jsonl => Self::Jsonl,
            Format::Doccano => Self::Doccano,
            Format::LabelStudio => Self::LabelStudio,
            Format::Spacy => Self::Spacy,
            Format::Conll => Self::Conll,
            Format::Hf => Self::Hf,
            Format::Brat => Self::Brat,
            Format::W3c => Self::W3c,
            Format::Csv => Self::Csv,
            Format::ClaimsTsv => return None,
        })
    }
}

impl ImportFormat {
    fn for_file(self, path: &Path) -> Option<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let by_ext = match ext.as_deref() {
            Some("txt" | "md") => Some(Self::Text),
            Some("jsonl") => Some(Self::Jsonl),
            Some("conll") => Some(Self::Conll),
            Some("jsonld") => Some(Self::W3c),
            _ => None,
        };
        match self {
            Self::Auto => by_ext,
            chosen => Some(chosen),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ImportOptions {
    /// Which reader.
    pub format: ImportFormat,
    /// Author of spans and relations that name none.
    pub author: String,
    /// Skip bad records (listing them) instead of failing the whole import.
    pub skip_invalid: bool,
    /// Update documents whose id exists instead of refusing them.
    pub update: bool,
    /// The layer of spans that name none (`gold` when `None`).
    pub layer: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            format: ImportFormat::Auto,
            author: "import".into(),
            skip_invalid: false,
            update: false,
            layer: None,
        }
    }
}

/// A record that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// The 1-based line, for line-based formats.
    pub line: Option<u64>,
    /// Why.
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
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
fn collect_inputs(
    paths: &[PathBuf],
    format: ImportFormat,
    ignored: &mut Vec<String>,
) -> ApiResult<Vec<Input>> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        if meta.is_dir() && matches!(format, ImportFormat::Brat | ImportFormat::Hf) {
            let size = walkdir::WalkDir::new(path)
                .into_iter()
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum();
            out.push(Input {
                path: path.clone(),
                format,
                size,
            });
        } else if meta.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| ApiError::new(ErrorCode::Io, e.to_string()))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let p = entry.path();
                let by_ext = ImportFormat::Auto.for_file(p);
                match (format, by_ext) {
                    (ImportFormat::Auto, Some(f)) => out.push(Input {
                        path: p.to_path_buf(),
                        format: f,
                        size: file_size(p)?,
                    }),
                    (chosen, Some(f)) if chosen == f => out.push(Input {
                        path: p.to_path_buf(),
                        format: f,
                        size: file_size(p)?,
                    }),
                    _ => ignored.push(p.display().to_string()),
                }
            }
        } else {
            let f = format.for_file(path).ok_or_else(|| {
                ApiError::invalid(format!(
                    "{}: cannot tell the format from the extension; pass --format (text, jsonl, doccano, label-studio, spacy, conll, hf, brat, w3c or csv)",
                    path.display()
                ))
            })?;
            out.push(Input {
                path: path.clone(),
                format: f,
                size: meta.len(),
            });
        }
    }
    Ok(out)
}

fn file_size(p: &Path) -> ApiResult<u64> {
    Ok(std::fs::metadata(p).map_err(|e| io_error(p, e))?.len())
}

/// Items per message between the threads: one message per document would cost more in
/// thread wake-ups than the work it hands over.
const BATCH: usize = 64;

/// Sends items in batches of [`BATCH`], and at once at the end of each file.
struct Batches<'a> {
    sender: &'a SyncSender<Vec<Item>>,
    buf: Vec<Item>,
}

impl Batches<'_> {
    fn send(&mut self, item: Item) -> Result<(), ()> {
        let flush = matches!(item, Item::FileDone { .. } | Item::Fatal(_));
        self.buf.push(item);
        if flush || self.buf.len() >= BATCH {
            let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH));
            self.sender.send(batch).map_err(drop)?;
        }
        Ok(())
    }
}

/// What the reading thread hands to the writing one.
enum Item {
    /// A validated document, defaults filled.
    Doc {
        doc: CheckedDocument,
        path: Arc<Path>,
        line: Option<u64>,
        from_text: bool,
        attach: bool,
    },
    /// A record that failed to read or validate (skippable).
    Invalid(FormatError),
    /// A file could not be read at all.
    Fatal(ApiError),
    /// A file is done.
    FileDone { size: u64 },
}

/// Reads a dataset file (or folder) of a format that carries whole documents, handing each
/// record to `emit` as soon as it is read.
fn read_dataset(format: Format, path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    match format {
        Format::Doccano => glossa_formats::doccano::read(path, emit),
        Format::LabelStudio => glossa_formats::label_studio::read(path, emit),
        Format::Spacy => glossa_formats::spacy::read(path, emit),
        Format::Conll => glossa_formats::conll::read(path, emit),
        Format::Hf => glossa_formats::hf::read(path, emit),
        Format::Brat => glossa_formats::brat::read(path, emit),
        other => Err(
            FormatError::new(glossa_formats::FormatErrorKind::Invalid(format!(
                "the {} format is not read as whole documents",
                other.name()
            )))
            .in_file(path),
        ),
    }
}

/// The project's documents, for formats that annotate them (W3C, CSV), by id.
struct Existing {
    docs: Mutex<HashMap<String, AnnotatedDocument>>,
    /// More than one file annotates: each merged document is kept for the next file.
    shared: bool,
}

/// Reads a W3C or CSV file, handing on each document's annotations.
fn read_attachments(
    format: ImportFormat,
    path: &Path,
    emit: &mut dyn FnMut(Result<Attachment, FormatError>) -> bool,
) -> Result<(), FormatError> {
    match format {
        ImportFormat::W3c => glossa_formats::w3c::read(path, emit),
        _ => {
            for a in glossa_formats::span_csv::read(path)? {
                if !emit(a) {
                    break;
                }
            }
            Ok(())
        }
    }
}

/// Reads annotations of existing documents (W3C, CSV) and merges each into its document
/// (kept merged, for a later file), handing on the merged document to replace it.
fn attach_records(
    format: ImportFormat,
    path: &Path,
    existing: &Existing,
    emit: Emit<'_>,
) -> Result<(), FormatError> {
    read_attachments(format, path, &mut |a| {
        let r = a.and_then(|a| {
            let line = a.spans.first().map_or(1, |s| s.line);
            let mut docs = existing.docs.lock().unwrap_or_else(|e| e.into_inner());
            let found = if existing.shared {
                docs.get(&a.doc_id).cloned()
            } else {
                docs.remove(&a.doc_id)
            };
            let Some(mut doc) = found else {
                return Err(FormatError::new(glossa_formats::FormatErrorKind::Invalid(format!(
                    "document {:?} is not in the project: the {} format annotates documents already imported",
                    a.doc_id,
                    format.dataset().map_or("", Format::name)
                )))
                .in_file(path)
                .on_line(line)
                .at_field("doc_id"));
            };
            a.attach_to(&mut doc, path)?;
            if existing.shared {
                docs.insert(doc.id.clone(), doc.clone());
            }
            Ok(Record { line, doc })
        });
        emit(r)
    })
}

/// Reads every input, validating each document against `schema`, and sends the results in
/// order. Stops early when the receiver hangs up (the import failed).
fn read_inputs(
    inputs: &[Input],
    existing: Option<&Existing>,
    schema: &Schema,
    (author, layer): (&str, &str),
    sender: &SyncSender<Vec<Item>>,
) {
    let mut tx = Batches {
        sender,
        buf: Vec::with_capacity(BATCH),
    };
    let prepare = |mut doc: AnnotatedDocument,
                   path: &Arc<Path>,
                   line: Option<u64>,
                   from_text: bool,
                   attach: bool| {
        doc.fill_defaults(layer, author);
        match doc.check(schema) {
            Ok(doc) => Item::Doc {
                doc,
                path: path.clone(),
                line,
                from_text,
                attach,
            },
            Err(e) => {
                let e = FormatError::from(e).in_file(&**path);
                Item::Invalid(match line {
                    Some(l) => e.on_line(l),
                    None => e,
                })
            }
        }
    };
    for input in inputs {
        let path: Arc<Path> = Arc::from(input.path.as_path());
        let sent = match input.format {
            ImportFormat::Text | ImportFormat::Auto => match std::fs::read(&path) {
                Err(e) => tx.send(Item::Fatal(io_error(&path, e))),
                Ok(bytes) => match text::read_text(bytes) {
                    Ok(text) => {
                        let stem = path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        tx.send(prepare(
                            AnnotatedDocument::plain(stem, text),
                            &path,
                            None,
                            true,
                            false,
                        ))
                    }
                    Err(e) => tx.send(Item::Invalid(e.in_file(&*path))),
                },
            },
            ImportFormat::Jsonl => match File::open(&path) {
                Err(e) => tx.send(Item::Fatal(io_error(&path, e))),
                Ok(file) => NativeReader::new(BufReader::with_capacity(1 << 16, file), Some(&path))
                    .try_for_each(|r| {
                        tx.send(match r {
                            Ok(r) => prepare(r.doc, &path, Some(r.line), false, false),
                            Err(e) => Item::Invalid(e),
                        })
                    }),
            },
            other => {
                let attach = matches!(other, ImportFormat::W3c | ImportFormat::Csv);
                let item = |r: Result<Record, FormatError>| match r {
                    Ok(r) => prepare(r.doc, &path, Some(r.line), false, attach),
                    Err(e) => Item::Invalid(e),
                };
                let mut stopped = false;
                let mut emit = |r: Result<Record, FormatError>| {
                    stopped = tx.send(item(r)).is_err();
                    !stopped
                };
                let read = match (existing, other.dataset()) {
                    (Some(docs), _) if attach => attach_records(other, &path, docs, &mut emit),
                    (_, Some(f)) => read_dataset(f, &path, &mut emit),
                    _ => Ok(()),
                };
                match read {
                    Err(e) => tx.send(Item::Invalid(e)),
                    Ok(()) if stopped => Err(()),
                    Ok(()) => Ok(()),
                }
            }
        };
        if sent
            .and_then(|()| tx.send(Item::FileDone { size: input.size }))
            .is_err()
        {
            return;
        }
    }
}

struct Run<'a, 'b> {
    batch: ImportBatch<'b>,
    opts: &'a ImportOptions,
    report: ImportReport,
}

impl Run<'_, '_> {
    /// Handles one error: skipped and listed, or the end of the import.
    fn fail(&mut self, e: FormatError) -> ApiResult<()> {
        if !self.opts.skip_invalid {
            return Err(e.into());
        }
        let file = e
            .file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.report.skipped.push(Skipped {
            file,
            line: e.line,
            message: e.to_string(),
        });
        Ok(())
    }

    /// Writes one validated document, refusing (or with `update`, updating) an existing id.
    fn store(
        &mut self,
        checked: &CheckedDocument,
        path: &Path,
        line: Option<u64>,
        from_text: bool,
        attach: bool,
    ) -> ApiResult<()> {
        let doc = checked.doc();
        let source =
            from_text.then(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
        let source = source.as_ref().map(|p| p.display().to_string());
        // Without --update, the insert itself tells a duplicate id (the document row goes in
        // first, so nothing of the duplicate is written); no lookup per document.
        let result = if (self.opts.update || attach) && self.batch.has_document(&doc.id)? {
            self.batch
                .update_document(checked, source.as_deref(), !from_text)
        } else {
            self.batch.add_document(checked, source.as_deref())
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind.is_duplicate() => {
                let e = glossa_formats::FormatErrorKind::Invalid(format!(
                    "duplicate document id {:?}: the project already has it (use --update to update it)",
                    doc.id
                ));
                let e = FormatError::new(e).at_field("id").in_file(path);
                self.fail(match line {
                    Some(l) => e.on_line(l),
                    None => e,
                })
            }
            Err(e) => {
                let msg = e.to_string();
                Err(ApiError::new(
                    ApiError::from(e).code,
                    format!("{}: {msg}", path.display()),
                ))
            }
        }
    }
}

impl Project {
    /// Imports `paths` (files or folders) in one transaction. One thread reads, parses and
    /// validates while this one writes. `progress` is called after each file and every 256
    /// documents.
    pub fn import(
        &mut self,
        paths: &[PathBuf],
        opts: &ImportOptions,
        progress: &mut dyn FnMut(ImportProgress),
    ) -> ApiResult<ImportReport> {
        check_author(&opts.author)?;
        if let Some(layer) = &opts.layer {
            if layer.trim().is_empty() || layer.trim() != layer {
                return Err(ApiError::invalid(format!(
                    "layer {layer:?} is blank or padded"
                )));
            }
        }
        let mut ignored = Vec::new();
        let inputs = collect_inputs(paths, opts.format, &mut ignored)?;
        let attaching: Vec<&Input> = inputs
            .iter()
            .filter(|i| matches!(i.format, ImportFormat::W3c | ImportFormat::Csv))
            .collect();
        let existing = if attaching.is_empty() {
            None
        } else {
            let mut docs = HashMap::new();
            self.store.for_each_document(None, |d| -> ApiResult<()> {
                docs.insert(d.id.clone(), d);
                Ok(())
            })?;
            Some(Existing {
                docs: Mutex::new(docs),
                shared: attaching.len() > 1,
            })
        };
        let bytes_total = inputs.iter().map(|i| i.size).sum();
        let schema = &self.schema;
        let mut batch = self.store.begin_import()?;
        batch.announce(&opts.author);
        let mut run = Run {
            batch,
            opts,
            report: ImportReport {
                ignored,
                ..ImportReport::default()
            },
        };
        run.report.files = inputs.len() as u64;
        let (tx, rx) = sync_channel::<Vec<Item>>(8);
        std::thread::scope(|scope| -> ApiResult<()> {
            let inputs = &inputs;
            let who = (
                opts.author.as_str(),
                opts.layer.as_deref().unwrap_or(GOLD_LAYER),
            );
            // The reader owns the sender, so the loop below ends when it is done.
            let existing = existing.as_ref();
            scope.spawn(move || read_inputs(inputs, existing, schema, who, &tx));
            let (mut bytes_done, mut documents) = (0, 0);
            // Dropping `rx` on an early return stops the reader.
            for item in rx.into_iter().flatten() {
                match item {
                    Item::Doc {
                        doc,
                        path,
                        line,
                        from_text,
                        attach,
                    } => {
                        run.store(&doc, &path, line, from_text, attach)?;
                        documents += 1;
                    }
                    Item::Invalid(e) => {
                        run.fail(e)?;
                        documents += 1;
                    }
                    Item::Fatal(e) => return Err(e),
                    Item::FileDone { size } => {
                        bytes_done += size;
                        progress(ImportProgress {
                            bytes_done,
                            bytes_total,
                            documents,
                        });
                        continue;
                    }
                }
                if documents % 256 == 0 {
                    progress(ImportProgress {
                        bytes_done,
                        bytes_total,
                        documents,
                    });
                }
            }
            Ok(())
        })?;
        let files: Vec<String> = inputs
            .iter()
            .map(|i| i.path.display().to_string())
            .collect();
        let summary = serde_json::json!({
            "files": files,
            "format": opts.format,
            "skipped": run.report.skipped.len(),
            "counts": run.batch.counts(),
        });
        let Run {
            batch, mut report, ..
        } = run;
        report.counts = batch.commit(&opts.author, &summary)?;
        tracing::info!(
            files = report.files,
            documents = report.counts.documents,
            "import committed"
        );
        Ok(report)
    }
}
