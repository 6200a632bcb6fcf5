//! doccano JSONL (`docs/formats/doccano.md`): sequence labeling
//! `{"text", "label": [[start, end, "LABEL"]]}` and, in the same line, the relation variant
//! `{"entities": [{"id", "label", "start_offset", "end_offset"}], "relations": [{"id",
//! "from_id", "to_id", "type"}]}`. Offsets are code points, as doccano's are (Python `str`
//! indices). Other keys are doccano metadata; Glossa writes its id as `id` and its metadata as
//! `meta`, and says `"offset_unit": "codepoint"`. On import, `entities` wins over `label` when
//! both are there.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use glossa_core::{AnnotatedDocument, DocStatus, RelationRecord};

use crate::error::FormatError;
use crate::fidelity::{account, Fidelity, Holds};
use crate::format::{DocumentWriter, Output};
use crate::read::{doc_id, invalid, json_lines, span, Emit};
use crate::tokens::Tokenized;

const HOLDS: Holds = Holds {
    ids: false,
    attrs: false,
    notes: false,
    relations: true,
    authors: false,
    layers: false,
    meta: true,
    status: false,
};

#[derive(Serialize, Deserialize)]
struct Entity {
    id: Value,
    label: String,
    start_offset: usize,
    end_offset: usize,
}

#[derive(Serialize, Deserialize)]
struct Relation {
    #[serde(default)]
    id: Value,
    from_id: Value,
    to_id: Value,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    entities: Vec<Entity>,
    relations: Vec<Relation>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    meta: &'a Map<String, Value>,
    offset_unit: &'static str,
}

#[derive(Deserialize)]
struct InLine {
    id: Option<Value>,
    text: String,
    label: Option<Vec<(i64, i64, String)>>,
    entities: Option<Vec<Entity>>,
    #[serde(default)]
    relations: Vec<Relation>,
    #[serde(default)]
    meta: Map<String, Value>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

/// Writes doccano JSONL.
pub struct Writer;

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let ids: HashMap<&str, usize> = doc
            .spans
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.uid.as_deref().map(|u| (u, i)))
            .collect();
        let line = Line {
            id: &doc.id,
            text: &doc.text,
            label: doc
                .spans
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str()))
                .collect(),
            entities: doc
                .spans
                .iter()
                .enumerate()
                .map(|(i, s)| Entity {
                    id: i.into(),
                    label: s.label.clone(),
                    start_offset: s.start,
                    end_offset: s.end,
                })
                .collect(),
            relations: doc
                .relations
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    Some(Relation {
                        id: i.into(),
                        from_id: (*ids.get(r.from.as_str())?).into(),
                        to_id: (*ids.get(r.to.as_str())?).into(),
                        kind: r.label.clone(),
                    })
                })
                .collect(),
            meta: &doc.meta,
            offset_unit: crate::native::OFFSET_UNIT,
        };
        let w = out.main();
        w.write_all(&serde_json::to_vec(&line).map_err(std::io::Error::from)?)?;
        w.write_all(b"\n")?;
        account(report, doc, HOLDS, &|_| true);
        Ok(())
    }
}

fn offset(v: i64, field: &str) -> Result<usize, FormatError> {
    usize::try_from(v).map_err(|_| invalid(field, format!("offset {v} is negative")))
}

fn key(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a doccano JSONL file: one document per line.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    json_lines(
        path,
        |l: InLine, line| {
            let mut spans = Vec::new();
            if let Some(entities) = l.entities {
                for e in entities {
                    spans.push(span(e.start_offset, e.end_offset, e.label, key(&e.id)));
                }
            } else if let Some(labels) = l.label {
                for (i, (s, e, label)) in labels.into_iter().enumerate() {
                    let s = offset(s, &format!("label[{i}][0]"))?;
                    let e = offset(e, &format!("label[{i}][1]"))?;
                    spans.push(span(s, e, label, i.to_string()));
                }
            }
            let mut relations = Vec::new();
            for (i, r) in l.relations.into_iter().enumerate() {
                let (from, to) = (key(&r.from_id), key(&r.to_id));
                for (end, id) in [("from_id", &from), ("to_id", &to)] {
                    if !spans.iter().any(|s| s.uid.as_deref() == Some(id)) {
                        return Err(invalid(
                            &format!("relations[{i}].{end}"),
                            format!("no entity has id {id}"),
                        ));
                    }
                }
                relations.push(RelationRecord {
                    from,
                    to,
                    label: r.kind,
                    author: None,
                });
            }
            let mut meta = l.meta;
            for (k, v) in l.rest {
                if k == "offset_unit" {
                    if v.as_str() != Some(crate::native::OFFSET_UNIT) {
                        return Err(invalid(
                            "offset_unit",
                            format!("offset unit {v} is not supported; Glossa reads \"codepoint\" offsets"),
                        ));
                    }
                    continue;
                }
                meta.entry(k).or_insert(v);
            }
            Ok(AnnotatedDocument {
                id: doc_id(l.id.as_ref(), path, line),
                meta,
                status: DocStatus::Todo,
                text: l.text,
                spans,
                relations,
            })
        },
        emit,
    )
}
