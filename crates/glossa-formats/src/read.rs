//! What every non-native reader shares: whole-file text checks, JSON parsing that names the
//! failing field, JSON Lines iteration, and the [`Record`] / [`Attachment`] results.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use glossa_core::reanchor::find_quote;
use glossa_core::{AnnotatedDocument, QuoteSelector, RelationRecord, SpanRecord};

use crate::error::{FormatError, FormatErrorKind};
pub use crate::native::Record;
use crate::text;

/// Annotations for a document already in the project (formats that do not carry whole texts:
/// W3C, CSV). Each span carries the text it covered, checked when it is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The document id.
    pub doc_id: String,
    /// Spans, each with the text it covered and where it came from.
    pub spans: Vec<AttachedSpan>,
    /// Relations between the spans, by uid.
    pub relations: Vec<RelationRecord>,
}

/// A span of an [`Attachment`].
#[derive(Debug, Clone, PartialEq)]
pub struct AttachedSpan {
    /// The span.
    pub span: SpanRecord,
    /// The text it covered, with its context when the format keeps it (W3C): a span whose
    /// offsets no longer cover its text is found again by its quote.
    pub quote: QuoteSelector,
    /// Its 1-based line (or item number) in the file.
    pub line: u64,
    /// The field path of its text, for errors.
    pub field: String,
}

impl Attachment {
    /// Adds these annotations to `doc`, checking each span's text against the document's and
    /// refusing ids the document already has.
    pub fn attach_to(self, doc: &mut AnnotatedDocument, file: &Path) -> Result<(), FormatError> {
        let chars: Vec<char> = doc.text.chars().collect();
        let taken: std::collections::HashSet<String> =
            doc.spans.iter().filter_map(|s| s.uid.clone()).collect();
        for AttachedSpan {
            mut span,
            quote,
            line,
            field,
        } in self.spans
        {
            let fail = |msg: String, field: &str| {
                FormatError::new(FormatErrorKind::Invalid(msg))
                    .in_file(file)
                    .on_line(line)
                    .at_field(field)
            };
            let inside = span.start <= span.end && span.end <= chars.len();
            let covered: String = if inside {
                chars[span.start..span.end].iter().collect()
            } else {
                String::new()
            };
            if !inside || covered != quote.exact {
                // With context, find the quote again (Hypothesis-style); without, refuse.
                let found = (!quote.prefix.is_empty() || !quote.suffix.is_empty())
                    .then(|| find_quote(&quote, &doc.text))
                    .flatten();
                match found {
                    Some((s, e)) => (span.start, span.end) = (s, e),
                    None if !inside => {
                        return Err(fail(
                            format!(
                                "span [{}, {}) is outside document {:?} ({} code points)",
                                span.start,
                                span.end,
                                doc.id,
                                chars.len()
                            ),
                            &field,
                        ))
                    }
                    None => {
                        return Err(fail(
                            format!(
                                "the text {:?} disagrees with the offsets [{}, {}), which cover {covered:?} in document {:?}",
                                quote.exact, span.start, span.end, doc.id
                            ),
                            &field,
                        ))
                    }
                }
            }
            if let Some(uid) = span.uid.as_ref().filter(|u| taken.contains(*u)) {
                return Err(fail(
                    format!("document {:?} already has a span with id {uid:?}", doc.id),
                    "id",
                ));
            }
            doc.spans.push(span);
        }
        doc.relations.extend(self.relations);
        Ok(())
    }
}

/// Reads a whole file as text (UTF-8, not empty, not binary, BOM dropped).
pub fn read_file(path: &Path) -> Result<String, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::from(e).in_file(path))?;
    text::read_text(bytes).map_err(|e| e.in_file(path))
}

/// Parses JSON into `T`, naming the failing field.
pub fn parse_json<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, FormatError> {
    if let Ok(v) = serde_json::from_str(s) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_str(s);
    let v: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { String::new() } else { path };
        FormatError::new(FormatErrorKind::Json(inner.to_string())).at_field(field)
    })?;
    de.end()
        .map_err(|e| FormatError::new(FormatErrorKind::Json(e.to_string())))?;
    Ok(v)
}

/// Non-blank lines of `text` with their 1-based numbers.
pub fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Reads JSON Lines of `T`, turning each line with `f`; errors carry the file and line.
pub fn json_lines<T: DeserializeOwned>(
    path: &Path,
    mut f: impl FnMut(T, u64) -> Result<AnnotatedDocument, FormatError>,
    emit: Emit<'_>,
) -> Result<(), FormatError> {
    let text = read_file(path)?;
    let mut any = false;
    for (line, l) in lines(&text) {
        any = true;
        let r = parse_json::<T>(l)
            .and_then(|v| f(v, line))
            .map(|doc| Record { line, doc })
            .map_err(|e| e.in_file(path).on_line(line));
        if !emit(r) {
            return Ok(());
        }
    }
    if !any {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    Ok(())
}

/// Where a reader hands each record (or a record's error) as soon as it is read; returning
/// false stops the reading.
pub type Emit<'a> = &'a mut dyn FnMut(Result<Record, FormatError>) -> bool;

/// Hands every item of `items` to `emit`, until it says stop.
pub fn emit_all(items: Vec<Result<Record, FormatError>>, emit: Emit<'_>) {
    for r in items {
        if !emit(r) {
            return;
        }
    }
}

/// A document id from a record's optional id, else `{stem}-{line}`.
pub fn doc_id(id: Option<&serde_json::Value>, path: &Path, line: u64) -> String {
    match id {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{}-{line}", stem_of(path, "doc")),
    }
}

/// A file's stem (its name without the extension), or `default`.
pub fn stem_of(path: &Path, default: &str) -> String {
    path.file_stem()
        .map_or_else(|| default.to_string(), |s| s.to_string_lossy().into_owned())
}

/// A span read from a dataset: offsets, label and id; layer, author, attributes and note
/// filled in afterwards, if the format has them.
pub fn span(start: usize, end: usize, label: String, uid: String) -> SpanRecord {
    SpanRecord {
        uid: Some(uid),
        start,
        end,
        label,
        layer: None,
        author: None,
        attrs: Default::default(),
        note: None,
        created: None,
    }
}

/// An "invalid" error at `field`.
pub fn invalid(field: &str, msg: impl Into<String>) -> FormatError {
    FormatError::new(FormatErrorKind::Invalid(msg.into())).at_field(field)
}

/// Line numbers of places within one text, asked for in increasing order (each call counts
/// only the newlines since the last).
pub struct LineCounter<'a> {
    text: &'a str,
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    /// A counter over `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of `sub`, a slice of the text.
    pub fn line_of(&mut self, sub: &str) -> u64 {
        let pos = (sub.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let pos = pos.min(self.text.len());
        if pos < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.text.as_bytes()[self.at..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.at = pos;
        self.line
    }
}
