//! Exporting a project: every document, streamed one at a time, to a writer or atomically to a
//! file (written beside it, then renamed into place).

use std::io::{BufWriter, Write};
use std::path::Path;
use ts_rs::TS;

use serde::Serialize;

use glossa_core::Layer;
use glossa_formats::native;
use glossa_formats::FormatError;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::project::Project;

/// The export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Native JSONL (lossless).
    #[default]
    Jsonl,
}

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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// Which layers.
    pub layer: LayerFilter,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ExportReport {
    /// Documents written.
    pub documents: u64,
    /// Spans written.
    pub spans: u64,
    /// Relations written.
    pub relations: u64,
}

impl Project {
    /// Exports every document to `out`.
    pub fn export(&self, out: &mut dyn Write, opts: &ExportOptions) -> ApiResult<ExportReport> {
        let layer = match &opts.layer {
            LayerFilter::All => None,
            LayerFilter::Layer(l) => Some(l.as_str()),
        };
        let mut report = ExportReport::default();
        let mut out = BufWriter::with_capacity(1 << 16, out);
        self.store
            .for_each_document(layer, |doc| -> ApiResult<()> {
                match opts.format {
                    ExportFormat::Jsonl => native::write_document(&mut out, &doc)
                        .map_err(|e| ApiError::from(e.in_file(format!("document {}", doc.id))))?,
                }
                report.documents += 1;
                report.spans += doc.spans.len() as u64;
                report.relations += doc.relations.len() as u64;
                Ok(())
            })?;
        out.flush()
            .map_err(|e| ApiError::from(FormatError::from(e)))?;
        Ok(report)
    }

    /// Exports to the file `path`, which appears whole or not at all.
    pub fn export_to_path(&self, path: &Path, opts: &ExportOptions) -> ApiResult<ExportReport> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let io =
            |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        let report = self.export(tmp.as_file_mut(), opts)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(report)
    }
}
