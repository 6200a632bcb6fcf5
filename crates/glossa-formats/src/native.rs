//! The native JSONL format, lossless: one document per line, offsets in code points.
//! The specification is `docs/formats/native.md`; in short:
//!
//! ```json
//! {"id": "d1", "text": "…", "meta": {…}, "status": "done",
//!  "spans": [{"id": "e0", "start": 1, "end": 17, "text": "…", "label": "ORG",
//!             "layer": "gold", "author": "ann", "attrs": {…}, "note": "…"}],
//!  "relations": [{"from": "c1", "to": "e0", "label": "ATTRIBUTED_TO", "author": "ann"}],
//!  "offset_unit": "codepoint"}
//! ```
//!
//! [`NativeReader`] streams records one line at a time; [`write_document`] writes one line.
//! Writing what was read gives the same bytes back.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use glossa_core::{
    AnnotatedDocument, Attrs, CoreError, CoreErrorKind, DocStatus, ForwardSlicer, OffsetIndex,
    RelationRecord, SpanRecord,
};
use serde::{Deserialize, Serialize};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::Fidelity;
use crate::format::{DocumentWriter, Output};
use crate::text::{check_not_binary, decode_utf8, BOM};
use crate::tokens::Tokenized;

/// The only offset unit Glossa reads and writes.
pub const OFFSET_UNIT: &str = "codepoint";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    id: Option<String>,
    text: String,
    #[serde(default)]
    meta: serde_json::Map<String, serde_json::Value>,
    status: Option<String>,
    #[serde(default)]
    spans: Vec<RawSpan>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    offset_unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpan {
    id: Option<String>,
    start: i64,
    end: i64,
    label: String,
    text: Option<String>,
    layer: Option<String>,
    author: Option<String>,
    #[serde(default)]
    attrs: Attrs,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    from: String,
    to: String,
    label: String,
    author: Option<String>,
}

/// One record read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its 1-based line.
    pub line: u64,
    /// The document.
    pub doc: AnnotatedDocument,
}

/// Streams native JSONL records. Each item is one line's document or that line's error;
/// reading goes on after a bad line, so a caller may skip it.
pub struct NativeReader<R> {
    input: R,
    path: Option<PathBuf>,
    stem: String,
    line: u64,
    offset: u64,
    records: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> NativeReader<R> {
    /// Reads from `input`; `path` names the file in errors and default ids.
    pub fn new(input: R, path: Option<&Path>) -> Self {
        let stem = path
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "doc".into());
        Self {
            input,
            path: path.map(Path::to_path_buf),
            stem,
            line: 0,
            offset: 0,
            records: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    fn fail(&self, e: FormatError) -> FormatError {
        let e = match &self.path {
            Some(p) => e.in_file(p),
            None => e,
        };
        if e.line.is_some() {
            e
        } else {
            e.on_line(self.line)
        }
    }

    fn next_record(&mut self) -> Option<Result<Record, FormatError>> {
        loop {
            self.buf.clear();
            let n = match self.input.read_until(b'\n', &mut self.buf) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.fail(e.into())));
                }
            };
            let base = self.offset;
            self.offset += n as u64;
            if n == 0 {
                self.done = true;
                let kind = match (self.line, self.records) {
                    (0, _) => FormatErrorKind::Empty,
                    (_, 0) => FormatErrorKind::NoRecords,
                    _ => return None,
                };
                let e = FormatError::new(kind);
                return Some(Err(match &self.path {
                    Some(p) => e.in_file(p),
                    None => e,
                }));
            }
            self.line += 1;
            if self.line == 1 {
                if let Err(e) = check_not_binary(&self.buf) {
                    self.done = true;
                    return Some(Err(self.fail(e)));
                }
            }
            let bytes = std::mem::take(&mut self.buf);
            let text = match decode_utf8(bytes, base, self.line) {
                Ok(t) => t,
                Err(e) => return Some(Err(self.fail(e))),
            };
            let body = if self.line == 1 {
                text.strip_prefix(BOM).unwrap_or(&text)
            } else {
                &text
            };
            let body = body.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                continue;
            }
            self.records += 1;
            let line = self.line;
            return Some(
                parse_line(body, line, &self.stem)
                    .map(|doc| Record { line, doc })
                    .map_err(|e| self.fail(e)),
            );
        }
    }
}

impl<R: BufRead> Iterator for NativeReader<R> {
    type Item = Result<Record, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.next_record()
    }
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> FormatError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let field = if path == "." { String::new() } else { path };
    FormatError::new(FormatErrorKind::Json(inner.to_string())).at_field(field)
}

/// Parses a record. The fast path parses plainly; only a record that fails is parsed again
/// with path tracking, to name the field.
fn parse_raw(line: &str) -> Result<RawDoc, FormatError> {
    if let Ok(raw) = serde_json::from_str(line) {
        return Ok(raw);
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let raw: RawDoc = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    de.end()
        .map_err(|e| FormatError::new(FormatErrorKind::Json(e.to_string())))?;
    Ok(raw)
}

fn parse_line(line: &str, line_no: u64, stem: &str) -> Result<AnnotatedDocument, FormatError> {
    let raw = parse_raw(line)?;
    if let Some(unit) = raw.offset_unit.as_deref().filter(|u| *u != OFFSET_UNIT) {
        return Err(FormatError::new(FormatErrorKind::Invalid(format!(
            "offset unit {unit:?} is not supported; Glossa reads \"{OFFSET_UNIT}\" offsets"
        )))
        .at_field("offset_unit"));
    }
    let status = match raw.status.as_deref() {
        None => DocStatus::Todo,
        Some(s) => DocStatus::parse(s).ok_or_else(|| {
            FormatError::new(FormatErrorKind::Invalid(format!(
                "unknown status {s:?}; expected todo, in_progress or done"
            )))
            .at_field("status")
        })?,
    };
    let index = OffsetIndex::new(&raw.text);
    let mut spans = Vec::with_capacity(raw.spans.len());
    for (i, s) in raw.spans.into_iter().enumerate() {
        let at = |field: &str| format!("spans[{i}].{field}");
        for (name, v) in [("start", s.start), ("end", s.end)] {
            if v < 0 {
                return Err(CoreError::at(at(name), CoreErrorKind::NegativeOffset(v)).into());
            }
        }
        let (start, end) = (s.start as usize, s.end as usize);
        if let (Some(quoted), Ok(actual)) = (&s.text, index.slice(start, end)) {
            if quoted != actual {
                return Err(FormatError::new(FormatErrorKind::Invalid(format!(
                    "span text {quoted:?} does not match the document's text {actual:?} at {start}..{end}"
                )))
                .at_field(at("text")));
            }
        }
        spans.push(SpanRecord {
            uid: s.id,
            start,
            end,
            label: s.label,
            layer: s.layer,
            author: s.author,
            attrs: s.attrs,
            note: s.note,
            created: None,
        });
    }
    let relations = raw
        .relations
        .into_iter()
        .map(|r| RelationRecord {
            from: r.from,
            to: r.to,
            label: r.label,
            author: r.author,
        })
        .collect();
    Ok(AnnotatedDocument {
        id: raw.id.unwrap_or_else(|| format!("{stem}-{line_no}")),
        meta: raw.meta,
        status,
        text: raw.text,
        spans,
        relations,
    })
}

#[derive(Serialize)]
struct OutDoc<'a> {
    id: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    meta: &'a serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    spans: Vec<OutSpan<'a>>,
    relations: Vec<OutRelation<'a>>,
    offset_unit: &'static str,
}

#[derive(Serialize)]
struct OutSpan<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    start: usize,
    end: usize,
    text: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Attrs::is_empty")]
    attrs: &'a Attrs,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct OutRelation<'a> {
    from: &'a str,
    to: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
}

/// Writes `doc` as one native JSONL line. Each span carries its covered `text`.
pub fn write_document<W: Write + ?Sized>(
    out: &mut W,
    doc: &AnnotatedDocument,
) -> Result<(), FormatError> {
    // Spans come sorted by start: one forward walk over the text finds them all.
    let mut slicer = ForwardSlicer::new(&doc.text);
    let mut spans = Vec::with_capacity(doc.spans.len());
    for (i, s) in doc.spans.iter().enumerate() {
        let text = slicer
            .slice(s.start, s.end)
            .map_err(|e| FormatError::from(e.within(&format!("spans[{i}]"))))?;
        spans.push(OutSpan {
            id: s.uid.as_deref(),
            start: s.start,
            end: s.end,
            text,
            label: &s.label,
            layer: s.layer.as_deref(),
            author: s.author.as_deref(),
            attrs: &s.attrs,
            note: s.note.as_deref(),
        });
    }
    let line = OutDoc {
        id: &doc.id,
        text: &doc.text,
        meta: &doc.meta,
        status: (doc.status != DocStatus::Todo).then(|| doc.status.as_str()),
        spans,
        relations: doc
            .relations
            .iter()
            .map(|r| OutRelation {
                from: &r.from,
                to: &r.to,
                label: &r.label,
                author: r.author.as_deref(),
            })
            .collect(),
        offset_unit: OFFSET_UNIT,
    };
    serde_json::to_writer(&mut *out, &line)
        .map_err(|e| FormatError::new(FormatErrorKind::Io(e.into())))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The native format as a [`DocumentWriter`]: it holds everything, so it reports no loss.
pub struct NativeWriter;

impl DocumentWriter for NativeWriter {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        _report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        write_document(out.main(), doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOLD: &str = include_str!("../../../tests/fixtures/kursk-dprk-pows.gold.jsonl");
    const TRICKY_GOLD: &str = include_str!("../../../tests/fixtures/tricky.gold.jsonl");

    fn read_all(input: &str) -> Vec<Result<Record, FormatError>> {
        NativeReader::new(input.as_bytes(), Some(Path::new("in.jsonl"))).collect()
    }

    fn write_all(docs: &[AnnotatedDocument]) -> String {
        let mut out = Vec::new();
        for d in docs {
            write_document(&mut out, d).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reads_the_samples() {
        for sample in [GOLD, TRICKY_GOLD] {
            let recs: Vec<_> = read_all(sample).into_iter().map(Result::unwrap).collect();
            assert_eq!(recs.len(), 1);
            let doc = &recs[0].doc;
            let index = OffsetIndex::new(&doc.text);
            let original: serde_json::Value = serde_json::from_str(sample).unwrap();
            for (s, o) in doc.spans.iter().zip(original["spans"].as_array().unwrap()) {
                assert_eq!(
                    index.slice(s.start, s.end).unwrap(),
                    o["text"].as_str().unwrap()
                );
            }
            // Written and read again, it is the same document, and writing is stable.
            let once = write_all(std::slice::from_ref(doc));
            let again: Vec<_> = read_all(&once)
                .into_iter()
                .map(|r| r.unwrap().doc)
                .collect();
            assert_eq!(&again[0], doc);
            assert_eq!(write_all(&again), once);
        }
    }

    #[test]
    fn names_line_and_field_of_bad_records() {
        let good = r#"{"id":"a","text":"abc"}"#;
        let input = format!("{good}\n{good}\n{{\"id\": \"x\", \"text\": \n{good}\n{good}\n");
        let results = read_all(&input);
        assert_eq!(results.len(), 5);
        let e = results[2].as_ref().unwrap_err();
        assert_eq!(
            (e.line, e.file.as_deref()),
            (Some(3), Some(Path::new("in.jsonl")))
        );
        assert!(e.to_string().starts_with("in.jsonl:3: "), "{e}");
        assert!(results[3].is_ok());

        let e = read_all(r#"{"text":"abc","spans":[{"start":-1,"end":2,"label":"ORG"}]}"#)
            .remove(0)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("spans[0].start"));
        assert!(e.to_string().contains("offset -1 is negative"), "{e}");

        let e = read_all(r#"{"text":"abc","spans":[{"start":0,"end":2,"lable":"ORG"}]}"#)
            .remove(0)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("spans[0].lable"), "{e}");

        let e =
            read_all(r#"{"text":"abc","spans":[{"start":0,"end":2,"label":"ORG","text":"ab!"}]}"#)
                .remove(0)
                .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("spans[0].text"));

        let e = read_all(r#"{"text":"abc","offset_unit":"utf16"}"#)
            .remove(0)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("offset_unit"));
    }

    #[test]
    fn empty_blank_binary_and_bad_utf8() {
        assert!(matches!(
            read_all("")[0].as_ref().unwrap_err().kind,
            FormatErrorKind::Empty
        ));
        assert!(matches!(
            read_all("\n  \n")[0].as_ref().unwrap_err().kind,
            FormatErrorKind::NoRecords
        ));
        let e = NativeReader::new(&b"\x00\x01\x02"[..], None)
            .next()
            .unwrap()
            .unwrap_err();
        assert!(matches!(e.kind, FormatErrorKind::Binary(0)));
        let input = b"{\"text\":\"ok\"}\n{\"text\":\"b\xFFd\"}\n";
        let results: Vec<_> = NativeReader::new(&input[..], None).collect();
        let e = results[1].as_ref().unwrap_err();
        assert!(matches!(e.kind, FormatErrorKind::InvalidUtf8(24)), "{e}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn bom_dropped_crlf_lines_and_default_ids() {
        let input = "\u{feff}{\"text\":\"a\\r\\nb\"}\r\n{\"text\":\"c\"}\r\n";
        let docs: Vec<_> = read_all(input)
            .into_iter()
            .map(|r| r.unwrap().doc)
            .collect();
        assert_eq!(docs[0].text, "a\r\nb");
        assert_eq!((docs[0].id.as_str(), docs[1].id.as_str()), ("in-1", "in-2"));
    }

    fn doc_strategy() -> impl Strategy<Value = AnnotatedDocument> {
        let text = prop::collection::vec(
            prop::sample::select(vec![
                "a", "b ", "é", "😀", "🇰🇵", "\r\n", "\"", "\\", "김", "e\u{301}", "\u{200b}", "\t",
                "</span>",
            ]),
            1..80,
        )
        .prop_map(|v| v.concat());
        (
            text,
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    any::<prop::sample::Index>(),
                    0usize..3,
                ),
                0..12,
            ),
        )
            .prop_map(|(text, raw)| {
                let n = text.chars().count();
                let mut doc = AnnotatedDocument::plain("gen", text);
                for (k, (a, b, label)) in raw.into_iter().enumerate() {
                    let (x, y) = (a.index(n + 1), b.index(n + 1));
                    let (start, end) = (x.min(y), x.max(y));
                    if start == end {
                        continue;
                    }
                    doc.spans.push(SpanRecord {
                        uid: Some(format!("s{k}")),
                        start,
                        end,
                        label: ["PERSON", "ORG", "CLAIM"][label].into(),
                        layer: Some("gold".into()),
                        author: Some("gen".into()),
                        attrs: Attrs::new(),
                        note: (k % 3 == 0).then(|| format!("note {k} “quoted”")),
                        created: None,
                    });
                }
                doc
            })
    }

    proptest! {
        #[test]
        fn write_read_write_is_byte_identical(docs in prop::collection::vec(doc_strategy(), 1..5)) {
            let once = write_all(&docs);
            let back: Vec<_> = read_all(&once).into_iter().map(|r| r.unwrap().doc).collect();
            prop_assert_eq!(&back, &docs);
            prop_assert_eq!(write_all(&back), once);
        }
    }
}
