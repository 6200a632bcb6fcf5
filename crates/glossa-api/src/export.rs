//! Exporting a project in any [`Format`]: every document, streamed one at a time, to a writer
//! or atomically to a path (a file, with any companion file beside it, or a folder for folder
//! formats), which appears whole or not at all. Every export reports what its format could not
//! hold ([`Fidelity`]); with `strict`, any loss fails the export and nothing is written.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use ts_rs::TS;

use serde::{Deserialize, Serialize};

use glossa_core::{DocStatus, Layer};
use std::sync::mpsc::{channel, sync_channel};

use glossa_core::AnnotatedDocument;
use glossa_formats::tokens::Tokenized;
use glossa_formats::{writer, ExportSettings, Fidelity, Format, FormatError, Output, TokensNeeded};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::project::Project;

/// Which spans to export.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LayerFilter {
    /// Every layer.
    #[default]
    All,
    /// One layer: `gold` or an annotator's.
    Layer(Layer),
}

impl LayerFilter {
    /// `all` means every layer; any other name one layer.
    pub fn parse(s: &str) -> Self {
        if s == "all" {
            Self::All
        } else {
            Self::Layer(Layer::parse(s))
        }
    }
}

/// How to export.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ExportOptions {
    /// The format.
    pub format: Format,
    /// Which layer (`all`, `gold` or an annotator's name).
    pub layer: String,
    /// Labels that token formats tag (CoNLL, HF, spaCy); empty means the default.
    pub labels: Vec<String>,
    /// spaCy: the `doc.spans` key for all spans, overlaps included.
    pub spans_key: Option<String>,
    /// Fail, writing nothing, if the format cannot hold everything.
    pub strict: bool,
    /// Only documents with this status, as the documents list shows it: the annotator's
    /// own when one annotator's layer is exported, else everyone's combined.
    pub status: Option<DocStatus>,
    /// Only these documents (by id); empty means every document.
    pub docs: Vec<String>,
    /// Only documents that have spans in the exported layer.
    pub only_annotated: bool,
}

impl ExportOptions {
    /// Options for `format` with every other setting at its default.
    pub fn new(format: Format) -> Self {
        Self {
            format,
            layer: "all".into(),
            ..Self::default()
        }
    }
}

/// What an export wrote, and what its format could not hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ExportReport {
    /// The format.
    pub format: Format,
    /// Documents written.
    #[ts(type = "number")]
    pub documents: u64,
    /// Spans written (the documents' spans less those the format left out).
    #[ts(type = "number")]
    pub spans: u64,
    /// Relations written (less those the format left out).
    #[ts(type = "number")]
    pub relations: u64,
    /// Files written (the main file first).
    pub files: Vec<String>,
    /// What the format could not hold.
    pub fidelity: Fidelity,
}

/// Writes the main stream to one writer and companion files into a folder.
struct PathOutput<'a> {
    main: &'a mut dyn Write,
    dir: PathBuf,
    written: Vec<PathBuf>,
}

impl Output for PathOutput<'_> {
    fn main(&mut self) -> &mut dyn Write {
        self.main
    }

    fn file(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes)?;
        self.written.push(path);
        Ok(())
    }
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> ApiError + '_ {
    move |e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))
}

impl Project {
    /// The documents `opts` chooses by id and status (`None`: every document), for export
    /// of `layer` (`None`: every layer). An unknown id is an error: a typo must not quietly
    /// export less.
    fn chosen_documents(
        &self,
        opts: &ExportOptions,
        layer: Option<&str>,
    ) -> ApiResult<Option<std::collections::HashSet<String>>> {
        if opts.docs.is_empty() && opts.status.is_none() {
            return Ok(None);
        }
        let person = layer.filter(|l| *l != glossa_core::GOLD_LAYER);
        let all = self.documents_for(person)?;
        if let Some(unknown) = opts
            .docs
            .iter()
            .find(|id| !all.iter().any(|d| &d.id == *id))
        {
            return Err(ApiError::invalid(format!(
                "--docs: no document {unknown:?}"
            )));
        }
        Ok(Some(
            all.into_iter()
                .filter(|d| opts.docs.is_empty() || opts.docs.contains(&d.id))
                .filter(|d| opts.status.is_none_or(|s| d.status == s))
                .map(|d| d.id)
                .collect(),
        ))
    }

    fn export_with(&self, out: &mut dyn Output, opts: &ExportOptions) -> ApiResult<ExportReport> {
        let layer = match LayerFilter::parse(if opts.layer.is_empty() {
            "all"
        } else {
            &opts.layer
        }) {
            LayerFilter::All => None,
            LayerFilter::Layer(l) => Some(l.as_str().to_string()),
        };
        let mut settings = ExportSettings::new(self.schema.clone());
        settings.labels = (!opts.labels.is_empty()).then(|| opts.labels.clone());
        settings.spans_key = opts.spans_key.clone().filter(|k| !k.is_empty());
        if let Some(unknown) = opts.labels.iter().find(|l| self.schema.label(l).is_none()) {
            return Err(ApiError::invalid(format!(
                "--labels: {unknown:?} is not a label of the schema"
            )));
        }
        let chosen = self.chosen_documents(opts, layer.as_deref())?;
        let keep = |doc: &AnnotatedDocument| {
            chosen.as_ref().is_none_or(|c| c.contains(&doc.id))
                && (!opts.only_annotated || !doc.spans.is_empty())
        };
        let mut w = writer(opts.format, &settings);
        let mut report = ExportReport {
            format: opts.format,
            ..ExportReport::default()
        };
        let needs = w.tokens();
        let mut write = |doc: AnnotatedDocument,
                         tokens: Option<Tokenized>,
                         report: &mut ExportReport|
         -> ApiResult<()> {
            if !keep(&doc) {
                return Ok(());
            }
            w.write(out, &doc, tokens.as_ref(), &mut report.fidelity)
                .map_err(|e| ApiError::from(e.in_file(format!("document {}", doc.id))))?;
            report.documents += 1;
            report.spans += doc.spans.len() as u64;
            report.relations += doc.relations.len() as u64;
            Ok(())
        };
        if needs == TokensNeeded::None {
            self.store
                .for_each_document(layer.as_deref(), |doc| write(doc, None, &mut report))?;
        } else {
            // Tokenizing is most of the work of token formats: it runs on a second thread,
            // ahead of this one, which reads documents and writes them out.
            type Done = (AnnotatedDocument, Result<Option<Tokenized>, FormatError>);
            let (to_worker, worker_in) = sync_channel::<AnnotatedDocument>(64);
            let (worker_out, done) = channel::<Done>();
            std::thread::scope(|scope| -> ApiResult<()> {
                scope.spawn(move || {
                    for doc in worker_in {
                        let tokens = needs.tokenize(&doc.text);
                        if worker_out.send((doc, tokens)).is_err() {
                            return;
                        }
                    }
                });
                let mut finish = |(doc, tokens): Done, report: &mut ExportReport| {
                    let tokens = tokens
                        .map_err(|e| ApiError::from(e.in_file(format!("document {}", doc.id))))?;
                    write(doc, tokens, report)
                };
                self.store
                    .for_each_document(layer.as_deref(), |doc| -> ApiResult<()> {
                        to_worker.send(doc).map_err(|_| {
                            ApiError::new(ErrorCode::Internal, "the tokenizer thread stopped")
                        })?;
                        while let Ok(d) = done.try_recv() {
                            finish(d, &mut report)?;
                        }
                        Ok(())
                    })?;
                drop(to_worker);
                for d in done.iter() {
                    finish(d, &mut report)?;
                }
                Ok(())
            })?;
        }
        w.finish(out, &mut report.fidelity)?;
        // The documents' counts less what the format left out: what the file holds.
        report.spans -= report.fidelity.spans_dropped().min(report.spans);
        report.relations -= report.fidelity.relations_dropped().min(report.relations);
        out.main()
            .flush()
            .map_err(|e| ApiError::from(FormatError::from(e)))?;
        if opts.strict && !report.fidelity.is_lossless() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "--strict: the {} format cannot hold everything; nothing was written:\n{}",
                    opts.format.name(),
                    report.fidelity.summary()
                ),
            ));
        }
        Ok(report)
    }

    /// Exports every document of a one-file format to `out` (companion files, such as Label
    /// Studio's labeling config, go to the current folder).
    pub fn export(&self, out: &mut dyn Write, opts: &ExportOptions) -> ApiResult<ExportReport> {
        if opts.format.is_folder() {
            return Err(ApiError::invalid(format!(
                "the {} format writes a folder: give an output path",
                opts.format.name()
            )));
        }
        let mut main = BufWriter::with_capacity(1 << 16, out);
        let mut output = PathOutput {
            main: &mut main,
            dir: PathBuf::from("."),
            written: Vec::new(),
        };
        let mut report = self.export_with(&mut output, opts)?;
        report.files = output
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        Ok(report)
    }

    /// Exports to `path`: a file for one-file formats (companion files beside it, named after
    /// it), a new folder for folder formats. Everything is written to temporary names first and
    /// renamed into place, so the export appears whole or not at all.
    pub fn export_to_path(&self, path: &Path, opts: &ExportOptions) -> ApiResult<ExportReport> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let io = io_at(path);
        if opts.format.is_folder() {
            return self.export_to_folder(path, dir, opts);
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(&io)?;
        let side = tempfile::Builder::new()
            .prefix(".glossa-export")
            .tempdir_in(dir)
            .map_err(&io)?;
        let mut main = BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        let mut output = PathOutput {
            main: &mut main,
            dir: side.path().to_path_buf(),
            written: Vec::new(),
        };
        let mut report = self.export_with(&mut output, opts)?;
        let companions = std::mem::take(&mut output.written);
        drop(main);
        tmp.persist(path).map_err(|e| io(e.error))?;
        report.files.push(path.display().to_string());
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for c in companions {
            let name = c
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let target = dir.join(format!("{stem}.{name}"));
            std::fs::rename(&c, &target).map_err(&io)?;
            report.files.push(target.display().to_string());
        }
        Ok(report)
    }

    /// A folder format's export: written to a temporary folder beside `path`, renamed into
    /// place.
    fn export_to_folder(
        &self,
        path: &Path,
        dir: &Path,
        opts: &ExportOptions,
    ) -> ApiResult<ExportReport> {
        let io = io_at(path);
        if path.exists() && std::fs::read_dir(path).map_err(&io)?.next().is_some() {
            return Err(ApiError::invalid(format!(
                "{}: the folder exists and is not empty; the {} format writes a new folder",
                path.display(),
                opts.format.name()
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(".glossa-export")
            .tempdir_in(dir)
            .map_err(&io)?;
        let mut sink = std::io::sink();
        let mut main_file = match opts.format.main_file() {
            Some(name) => Some(BufWriter::new(
                std::fs::File::create(tmp.path().join(name)).map_err(&io)?,
            )),
            None => None,
        };
        let main: &mut dyn Write = match main_file.as_mut() {
            Some(f) => f,
            None => &mut sink,
        };
        let mut output = PathOutput {
            main,
            dir: tmp.path().to_path_buf(),
            written: Vec::new(),
        };
        let mut report = self.export_with(&mut output, opts)?;
        let mut files: Vec<String> = opts
            .format
            .main_file()
            .map(String::from)
            .into_iter()
            .collect();
        files.extend(
            output
                .written
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        );
        drop(main_file);
        if path.exists() {
            std::fs::remove_dir(path).map_err(&io)?;
        }
        let tmp_path = tmp.keep();
        std::fs::rename(&tmp_path, path).map_err(&io)?;
        report.files = files
            .into_iter()
            .map(|f| path.join(f).display().to_string())
            .collect();
        Ok(report)
    }
}
