//! spaCy-ready JSONL (`docs/formats/spacy.md`), the shape Prodigy and spaCy users load: one
//! document per line, `{"id", "text", "meta", "tokens": [{"text", "start", "end", "id",
//! "ws"}], "spans": [{"start", "end", "label", "token_start", "token_end"}]}`. Tokens are
//! those of `spacy.blank("en")` ([`crate::tokens`]), whitespace tokens included, so token
//! indices agree with spaCy's; `token_end` is inclusive, as in Prodigy. Offsets are code
//! points (Python `str` indices), as `Doc.char_span` takes them.
//!
//! By default the spans are for `doc.ents`: the chosen labels (`--labels`, by default the
//! entity labels), without overlaps. With `--spans-key KEY` every span of the chosen labels
//! (by default all labels) goes in, overlaps included, and the line says `"spans_key": KEY`
//! for `doc.spans[KEY]`. Spans whose ends are not token boundaries are left out and reported.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use glossa_core::{AnnotatedDocument, DocStatus};

use crate::error::FormatError;
use crate::fidelity::{account, Fidelity, Holds};
use crate::format::{token_spans, DocumentWriter, ExportSettings, Output, TokensNeeded};
use crate::read::{doc_id, invalid, json_lines, span, Emit};
use crate::tokens::Tokenized;

/// Writes spaCy JSONL.
pub struct Writer {
    labels: Vec<String>,
    spans_key: Option<String>,
}

impl Writer {
    /// A writer for the settings' labels and spans key.
    pub fn new(settings: &ExportSettings) -> Self {
        let labels = match (&settings.labels, &settings.spans_key) {
            (None, Some(_)) => settings
                .schema
                .labels
                .iter()
                .map(|l| l.name.clone())
                .collect(),
            _ => settings.tag_labels(),
        };
        Self {
            labels,
            spans_key: settings.spans_key.clone(),
        }
    }
}

#[derive(Serialize)]
struct OutToken<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize, Deserialize)]
struct OutSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    token_start: Option<usize>,
    #[serde(default)]
    token_end: Option<usize>,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Map::is_empty")]
    meta: &'a Map<String, Value>,
    tokens: Vec<OutToken<'a>>,
    spans: Vec<OutSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spans_key: Option<&'a str>,
    offset_unit: &'static str,
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let owned;
        let tok = match tokens {
            Some(t) => t,
            None => {
                owned = Tokenized::new(&doc.text)?;
                &owned
            }
        };
        let byte_of: Vec<usize> = doc
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(doc.text.len()))
            .collect();
        let slice = |s: usize, e: usize| &doc.text[byte_of[s]..byte_of[e]];
        let mut kept = vec![false; doc.spans.len()];
        let mut spans = Vec::new();
        for (i, r) in token_spans(doc, tok, &self.labels, self.spans_key.is_some(), report) {
            let s = &doc.spans[i];
            kept[i] = true;
            spans.push(OutSpan {
                start: s.start,
                end: s.end,
                label: s.label.clone(),
                token_start: Some(r.start),
                token_end: Some(r.end - 1),
            });
        }
        let tokens = tok
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| OutToken {
                text: slice(t.start, t.end),
                start: t.start,
                end: t.end,
                id: i,
                ws: t.end < byte_of.len() - 1 && slice(t.end, t.end + 1) == " " && !t.space,
            })
            .collect();
        let line = Line {
            id: &doc.id,
            text: &doc.text,
            meta: &doc.meta,
            tokens,
            spans,
            spans_key: self.spans_key.as_deref(),
            offset_unit: crate::native::OFFSET_UNIT,
        };
        let w = out.main();
        w.write_all(&serde_json::to_vec(&line).map_err(std::io::Error::from)?)?;
        w.write_all(b"\n")?;
        account(
            report,
            doc,
            Holds {
                meta: true,
                ..Holds::default()
            },
            &|i| kept[i],
        );
        Ok(())
    }

    fn tokens(&self) -> TokensNeeded {
        TokensNeeded::Words
    }
}

#[derive(Deserialize)]
struct InLine {
    id: Option<Value>,
    text: String,
    #[serde(default)]
    meta: Map<String, Value>,
    #[serde(default)]
    spans: Vec<OutSpan>,
    offset_unit: Option<String>,
}

/// Reads spaCy / Prodigy JSONL: `text` and `spans` (`start`, `end`, `label`); tokens are
/// not needed.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    json_lines(
        path,
        |l: InLine, line| {
            if let Some(u) = l
                .offset_unit
                .as_deref()
                .filter(|u| *u != crate::native::OFFSET_UNIT)
            {
                return Err(invalid(
                    "offset_unit",
                    format!(
                        "offset unit {u:?} is not supported; Glossa reads \"codepoint\" offsets"
                    ),
                ));
            }
            let mut spans = Vec::new();
            for (i, s) in l.spans.into_iter().enumerate() {
                if s.label.is_empty() {
                    return Err(invalid(&format!("spans[{i}].label"), "empty label"));
                }
                spans.push(span(s.start, s.end, s.label, format!("T{}", i + 1)));
            }
            let id =
                l.id.or_else(|| l.meta.get("id").cloned())
                    .map(|v| doc_id(Some(&v), path, line))
                    .unwrap_or_else(|| doc_id(None, path, line));
            Ok(AnnotatedDocument {
                id,
                meta: l.meta,
                status: DocStatus::Todo,
                text: l.text,
                spans,
                relations: Vec::new(),
            })
        },
        emit,
    )
}
