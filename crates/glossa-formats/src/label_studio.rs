//! Label Studio JSON tasks (`docs/formats/label-studio.md`): a JSON array of tasks
//! `{"id", "data": {"text", "doc_id", "meta"}, "annotations": [{"result": [...]}]}`, one
//! annotation per layer, each span a `labels` region (`value.start/end/text/labels`,
//! `from_name: "label"`, `to_name: "text"`), its attributes per-region `choices` (or `textarea`
//! for text attributes) and its note a per-region `textarea` named `note`, relations as
//! `type: relation`. The labeling config is written beside the tasks as
//! `label-studio-config.xml`. Offsets are code points, as Label Studio's are.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use glossa_core::{
    AnnotatedDocument, AttrKind, Attrs, DocStatus, RelationRecord, Schema, GOLD_LAYER,
};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::{account, Fidelity, Holds, LossKind};
use crate::format::{DocumentWriter, ExportSettings, Output};
use crate::read::{
    emit_all, invalid, parse_json, read_file, span, stem_of, Emit, LineCounter, Record,
};
use crate::tokens::Tokenized;

/// The name of the labeling config written beside the tasks.
pub const CONFIG_FILE: &str = "label-studio-config.xml";

/// Writes Label Studio tasks.
pub struct Writer {
    schema: Schema,
    tasks: u64,
}

impl Writer {
    /// A writer for the project's schema.
    pub fn new(settings: &ExportSettings) -> Self {
        Self {
            schema: settings.schema.clone(),
            tasks: 0,
        }
    }
}

fn chars_slice(chars: &[char], s: usize, e: usize) -> String {
    chars[s.min(chars.len())..e.min(chars.len())]
        .iter()
        .collect()
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let chars: Vec<char> = doc.text.chars().collect();
        let mut layers: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        let mut layer_of: HashMap<&str, &str> = HashMap::new();
        for s in &doc.spans {
            let layer = s.layer.as_deref().unwrap_or(GOLD_LAYER);
            let id = s.uid.clone().unwrap_or_default();
            if let Some(uid) = s.uid.as_deref() {
                layer_of.insert(uid, layer);
            }
            let text = chars_slice(&chars, s.start, s.end);
            let results = layers.entry(layer).or_default();
            results.push(json!({
                "id": id, "from_name": "label", "to_name": "text", "type": "labels",
                "origin": "manual",
                "value": {"start": s.start, "end": s.end, "text": text, "labels": [s.label]},
            }));
            for (name, v) in &s.attrs {
                let (kind, value) = match v {
                    Value::String(t) if self.is_text_attr(name) => {
                        ("textarea", json!({"text": [t]}))
                    }
                    Value::String(t) => ("choices", json!({"choices": [t]})),
                    other => ("choices", json!({"choices": [other.to_string()]})),
                };
                let mut value = value;
                value["start"] = s.start.into();
                value["end"] = s.end.into();
                results.push(json!({
                    "id": id, "from_name": name, "to_name": "text", "type": kind,
                    "origin": "manual", "value": value,
                }));
            }
            if let Some(note) = &s.note {
                results.push(json!({
                    "id": id, "from_name": "note", "to_name": "text", "type": "textarea",
                    "origin": "manual",
                    "value": {"start": s.start, "end": s.end, "text": [note]},
                }));
            }
        }
        let mut lost_relations = 0;
        for r in &doc.relations {
            match (layer_of.get(r.from.as_str()), layer_of.get(r.to.as_str())) {
                (Some(a), Some(b)) if a == b => {
                    if let Some(results) = layers.get_mut(a) {
                        results.push(json!({
                            "from_id": r.from, "to_id": r.to, "type": "relation",
                            "direction": "right", "labels": [r.label],
                        }));
                    }
                }
                _ => lost_relations += 1,
            }
        }
        report.add_n(LossKind::Relations, lost_relations, || {
            format!("{}: relations between spans of different layers", doc.id)
        });
        self.tasks += 1;
        let mut data = Map::new();
        data.insert("text".into(), doc.text.clone().into());
        data.insert("doc_id".into(), doc.id.clone().into());
        if !doc.meta.is_empty() {
            data.insert("meta".into(), Value::Object(doc.meta.clone()));
        }
        if doc.status != DocStatus::Todo {
            data.insert("status".into(), doc.status.as_str().into());
        }
        let annotations: Vec<Value> = layers
            .into_iter()
            .enumerate()
            .map(|(i, (layer, result))| {
                json!({"id": i + 1, "ground_truth": layer == GOLD_LAYER, "result": result})
            })
            .collect();
        let task = json!({"id": self.tasks, "data": data, "annotations": annotations});
        let w = out.main();
        w.write_all(if self.tasks == 1 { b"[\n" } else { b",\n" })?;
        w.write_all(&serde_json::to_vec(&task).map_err(std::io::Error::from)?)?;
        account(
            report,
            doc,
            Holds {
                ids: true,
                attrs: true,
                notes: true,
                relations: true,
                authors: false,
                layers: false,
                meta: true,
                status: true,
            },
            &|_| true,
        );
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        out.main()
            .write_all(if self.tasks == 0 { b"[]\n" } else { b"\n]\n" })?;
        out.file(CONFIG_FILE, labeling_config(&self.schema).as_bytes())?;
        Ok(())
    }
}

impl Writer {
    fn is_text_attr(&self, name: &str) -> bool {
        self.schema
            .labels
            .iter()
            .flat_map(|l| &l.attributes)
            .any(|a| a.name == name && a.kind == AttrKind::Text)
    }
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// The Label Studio labeling config for `schema`.
pub fn labeling_config(schema: &Schema) -> String {
    let mut x = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for l in &schema.labels {
        x += &format!(
            "    <Label value=\"{}\" background=\"{}\"/>\n",
            esc(&l.name),
            esc(&l.color)
        );
    }
    x += "  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n";
    if !schema.relations.is_empty() {
        x += "  <Relations>\n";
        for r in &schema.relations {
            x += &format!("    <Relation value=\"{}\"/>\n", esc(&r.name));
        }
        x += "  </Relations>\n";
    }
    let mut attrs: BTreeMap<&str, (&AttrKind, Vec<&str>)> = BTreeMap::new();
    for l in &schema.labels {
        for a in &l.attributes {
            let entry = attrs.entry(&a.name).or_insert((&a.kind, Vec::new()));
            entry.1.push(&l.name);
        }
    }
    for (name, (kind, labels)) in attrs {
        let when = esc(&labels.join(","));
        match kind {
            AttrKind::Text => {
                x += &format!(
                    "  <TextArea name=\"{}\" toName=\"text\" perRegion=\"true\" visibleWhen=\"region-selected\" whenLabelValue=\"{when}\"/>\n",
                    esc(name)
                );
            }
            AttrKind::Enum { .. } | AttrKind::Bool => {
                let options: Vec<String> = match kind {
                    AttrKind::Enum { options, .. } => options.clone(),
                    _ => vec!["true".into(), "false".into()],
                };
                x += &format!(
                    "  <Choices name=\"{}\" toName=\"text\" perRegion=\"true\" choice=\"single\" visibleWhen=\"region-selected\" whenLabelValue=\"{when}\">\n",
                    esc(name)
                );
                for o in options {
                    x += &format!("    <Choice value=\"{}\"/>\n", esc(&o));
                }
                x += "  </Choices>\n";
            }
        }
    }
    x += "  <TextArea name=\"note\" toName=\"text\" perRegion=\"true\" visibleWhen=\"region-selected\"/>\n</View>\n";
    x
}

#[derive(Deserialize)]
struct InTask {
    id: Option<Value>,
    data: Map<String, Value>,
    #[serde(default)]
    annotations: Vec<InAnnotation>,
}

#[derive(Deserialize)]
struct InAnnotation {
    #[serde(default)]
    result: Vec<InResult>,
    #[serde(default)]
    was_cancelled: bool,
}

#[derive(Deserialize)]
struct InResult {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    from_name: Option<String>,
    #[serde(default)]
    value: Map<String, Value>,
    from_id: Option<String>,
    to_id: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
}

fn uint(v: Option<&Value>, field: &str) -> Result<usize, FormatError> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| invalid(field, "expected a non-negative integer offset"))
}

/// Reads a Label Studio JSON export (an array of tasks, or one task). Each task's line is
/// where it starts in the file.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    emit_all(read_all(path)?, emit);
    Ok(())
}

fn read_all(path: &Path) -> Result<Vec<Result<Record, FormatError>>, FormatError> {
    let text = read_file(path)?;
    let trimmed = text.trim_start();
    let raws: Vec<&serde_json::value::RawValue> = if trimmed.starts_with('[') {
        parse_json(&text).map_err(|e| e.in_file(path).on_line(1))?
    } else {
        vec![parse_json(&text).map_err(|e| e.in_file(path).on_line(1))?]
    };
    if raws.is_empty() {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    let mut lines = LineCounter::new(&text);
    let stem = stem_of(path, "task");
    Ok(raws
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let line = lines.line_of(raw.get());
            task(raw.get(), i, &stem)
                .map(|doc| Record { line, doc })
                .map_err(|e| {
                    let field = e.field.clone().map(|f| format!("[{i}].{f}"));
                    FormatError { field, ..e }.in_file(path).on_line(line)
                })
        })
        .collect())
}

fn task(raw: &str, i: usize, stem: &str) -> Result<AnnotatedDocument, FormatError> {
    let t: InTask = parse_json(raw)?;
    let text = match t.data.get("text") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(invalid("data.text", "the task has no text")),
    };
    let id = match (t.data.get("doc_id"), &t.id) {
        (Some(Value::String(s)), _) => s.clone(),
        (_, Some(Value::Number(n))) => format!("{stem}-{n}"),
        (_, Some(Value::String(s))) => s.clone(),
        _ => format!("{stem}-{}", i + 1),
    };
    let meta = match t.data.get("meta") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let status = t
        .data
        .get("status")
        .and_then(Value::as_str)
        .and_then(DocStatus::parse)
        .unwrap_or(DocStatus::Todo);
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<glossa_core::SpanRecord> = Vec::new();
    let mut extras: Vec<(String, String, Value)> = Vec::new();
    let mut relations = Vec::new();
    for (a, ann) in t.annotations.iter().enumerate() {
        if ann.was_cancelled {
            continue;
        }
        for (r, res) in ann.result.iter().enumerate() {
            let field = |f: &str| format!("annotations[{a}].result[{r}].{f}");
            match res.kind.as_str() {
                "labels" => {
                    let start = uint(res.value.get("start"), &field("value.start"))?;
                    let end = uint(res.value.get("end"), &field("value.end"))?;
                    let label = match res.value.get("labels").and_then(Value::as_array) {
                        Some(l) if l.len() == 1 => l[0].as_str().unwrap_or_default().to_string(),
                        _ => {
                            return Err(invalid(
                                &field("value.labels"),
                                "expected exactly one label",
                            ))
                        }
                    };
                    if let Some(Value::String(quoted)) = res.value.get("text") {
                        if start <= end && end <= chars.len() {
                            let covered = chars_slice(&chars, start, end);
                            if &covered != quoted {
                                return Err(invalid(
                                    &field("value.text"),
                                    format!("the text {quoted:?} disagrees with the offsets [{start}, {end}), which cover {covered:?}"),
                                ));
                            }
                        }
                    }
                    let uid = res.id.clone().unwrap_or_else(|| format!("r{a}-{r}"));
                    spans.push(span(start, end, label, uid));
                }
                "choices" | "textarea" => {
                    let Some(id) = res.id.clone() else {
                        return Err(invalid(&field("id"), "a per-region result needs the region id"));
                    };
                    let name = res.from_name.clone().unwrap_or_default();
                    let v = if res.kind == "choices" {
                        match res.value.get("choices").and_then(Value::as_array) {
                            Some(c) if c.len() == 1 => match c[0].as_str() {
                                Some("true") => Value::Bool(true),
                                Some("false") => Value::Bool(false),
                                _ => c[0].clone(),
                            },
                            _ => return Err(invalid(&field("value.choices"), "expected one choice")),
                        }
                    } else {
                        match res.value.get("text").and_then(Value::as_array) {
                            Some(c) => Value::String(
                                c.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n"),
                            ),
                            None => return Err(invalid(&field("value.text"), "expected a list of texts")),
                        }
                    };
                    extras.push((id, name, v));
                }
                "relation" => {
                    let (Some(from), Some(to)) = (res.from_id.clone(), res.to_id.clone()) else {
                        return Err(invalid(&field("from_id"), "a relation needs from_id and to_id"));
                    };
                    let label = res.labels.first().cloned().unwrap_or_default();
                    relations.push(RelationRecord { from, to, label, author: None });
                }
                other => {
                    return Err(invalid(
                        &field("type"),
                        format!("result type {other:?} is not a text region, per-region choice, text area or relation"),
                    ))
                }
            }
        }
    }
    for (id, name, v) in extras {
        let Some(span) = spans.iter_mut().find(|s| s.uid.as_deref() == Some(&id)) else {
            return Err(invalid(
                "annotations",
                format!("a {name:?} result refers to region {id:?}, which is not a labels region"),
            ));
        };
        if name == "note" {
            span.note = v.as_str().map(str::to_string);
        } else {
            let attrs: &mut Attrs = &mut span.attrs;
            attrs.insert(name, v);
        }
    }
    Ok(AnnotatedDocument {
        id,
        meta,
        status,
        text,
        spans,
        relations,
    })
}
