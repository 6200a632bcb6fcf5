//! CSV, one row per span (`docs/formats/csv.md`), RFC 4180 quoting by the `csv` crate:
//! `doc_id,span_id,start,end,label,text,layer,author,attributes,note`, offsets in code
//! points, `attributes` a JSON object. Relations, document metadata and status have no column.
//! The format does not carry whole texts, so importing it adds spans to documents already in
//! the project, checking each row's `text` against the document.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use glossa_core::{AnnotatedDocument, Attrs, OffsetIndex, QuoteSelector};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::{account, Fidelity, Holds};
use crate::format::{DocumentWriter, Output};
use crate::read::{read_file, span, AttachedSpan, Attachment};
use crate::tokens::Tokenized;

/// The header row.
pub const HEADER: [&str; 10] = [
    "doc_id",
    "span_id",
    "start",
    "end",
    "label",
    "text",
    "layer",
    "author",
    "attributes",
    "note",
];

#[derive(Serialize, Deserialize)]
struct Row {
    doc_id: String,
    span_id: String,
    start: usize,
    end: usize,
    label: String,
    text: String,
    layer: String,
    author: String,
    attributes: String,
    note: String,
}

/// Writes span rows.
#[derive(Default)]
pub struct Writer {
    started: bool,
}

fn csv_error(e: csv::Error) -> FormatError {
    let line = e.position().map(|p| p.line());
    let mut err = match e.into_kind() {
        csv::ErrorKind::Io(e) => FormatError::from(e),
        csv::ErrorKind::Deserialize { err, .. } => {
            FormatError::new(FormatErrorKind::Invalid(err.to_string())).at_field(
                err.field()
                    .and_then(|f| HEADER.get(f as usize))
                    .copied()
                    .unwrap_or_default(),
            )
        }
        other => FormatError::new(FormatErrorKind::Invalid(format!("{other:?}"))),
    };
    if let Some(l) = line {
        err = err.on_line(l);
    }
    err
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out.main());
        if !self.started {
            w.write_record(HEADER).map_err(csv_error)?;
            self.started = true;
        }
        let index = OffsetIndex::new(&doc.text);
        for (i, s) in doc.spans.iter().enumerate() {
            let text = index
                .slice(s.start, s.end)
                .map_err(|e| FormatError::from(e.within(&format!("spans[{i}]"))))?;
            w.serialize(Row {
                doc_id: doc.id.clone(),
                span_id: s.uid.clone().unwrap_or_default(),
                start: s.start,
                end: s.end,
                label: s.label.clone(),
                text: text.to_string(),
                layer: s.layer.clone().unwrap_or_default(),
                author: s.author.clone().unwrap_or_default(),
                attributes: if s.attrs.is_empty() {
                    String::new()
                } else {
                    serde_json::to_string(&s.attrs).map_err(std::io::Error::from)?
                },
                note: s.note.clone().unwrap_or_default(),
            })
            .map_err(csv_error)?;
        }
        w.flush()?;
        account(
            report,
            doc,
            Holds {
                ids: true,
                attrs: true,
                notes: true,
                authors: true,
                layers: true,
                ..Holds::default()
            },
            &|_| true,
        );
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        if !self.started {
            csv::Writer::from_writer(out.main())
                .write_record(HEADER)
                .map_err(csv_error)?;
        }
        Ok(())
    }
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Reads span rows into annotations of existing documents, one per document.
pub fn read(path: &Path) -> Result<Vec<Result<Attachment, FormatError>>, FormatError> {
    let text = read_file(path)?;
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| csv_error(e).in_file(path))?.clone();
    if headers.iter().ne(HEADER) {
        return Err(FormatError::new(FormatErrorKind::Invalid(format!(
            "the header is {:?}; expected {}",
            headers.iter().collect::<Vec<_>>(),
            HEADER.join(",")
        )))
        .in_file(path)
        .on_line(1));
    }
    let mut docs: Vec<Attachment> = Vec::new();
    let mut by_doc: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for record in r.records() {
        let row = record.and_then(|rec| {
            let line = rec.position().map_or(0, |p| p.line());
            rec.deserialize::<Row>(Some(&headers))
                .map(|row| (row, line))
        });
        let (row, line) = match row {
            Ok(row) => row,
            Err(e) => {
                out.push(Err(csv_error(e).in_file(path)));
                continue;
            }
        };
        let attrs: Attrs = if row.attributes.is_empty() {
            Attrs::new()
        } else {
            match serde_json::from_str(&row.attributes) {
                Ok(a) => a,
                Err(e) => {
                    out.push(Err(FormatError::new(FormatErrorKind::Json(e.to_string()))
                        .in_file(path)
                        .on_line(line)
                        .at_field("attributes")));
                    continue;
                }
            }
        };
        let k = *by_doc.entry(row.doc_id.clone()).or_insert_with(|| {
            docs.push(Attachment {
                doc_id: row.doc_id.clone(),
                spans: Vec::new(),
                relations: Vec::new(),
            });
            docs.len() - 1
        });
        let mut span = span(row.start, row.end, row.label, row.span_id);
        span.uid = opt(span.uid.unwrap_or_default());
        span.layer = opt(row.layer);
        span.author = opt(row.author);
        span.attrs = attrs;
        span.note = opt(row.note);
        docs[k].spans.push(AttachedSpan {
            span,
            quote: QuoteSelector {
                exact: row.text,
                ..QuoteSelector::default()
            },
            line,
            field: "text".into(),
        });
    }
    if docs.is_empty() && out.is_empty() {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    out.extend(docs.into_iter().map(Ok));
    Ok(out)
}
