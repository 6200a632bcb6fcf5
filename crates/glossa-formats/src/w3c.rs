//! W3C Web Annotation JSON-LD (`docs/formats/w3c.md`). One file:
//! `{"@context": "http://www.w3.org/ns/anno.jsonld", "@graph": [pages…, collection]}` with one
//! `AnnotationPage` per document (`partOf` the `AnnotationCollection`, `startIndex`, `next`)
//! and the collection naming `first`, `last` and `total`. Each span is an `Annotation` with
//! motivation `tagging`: a `TextualBody` with purpose `tagging` holding the label, one with
//! purpose `classifying` per attribute (`name=value`, the value as JSON unless a string), one
//! with purpose `commenting` holding the note; `creator` (a `Person` named after the author),
//! `created`, and a target whose `source` is `urn:glossa:doc:<id>` and whose selectors are a
//! `TextQuoteSelector` (exact, 32 code points of prefix and suffix) and a
//! `TextPositionSelector` (code points, as the specification requires). A relation is an
//! `Annotation` with motivation `linking`: its target is the source span's annotation, its
//! body the label and the target span's annotation.
//!
//! The format does not carry whole texts, so importing it adds annotations to documents
//! already in the project, finding a span again by its quote when its position no longer
//! fits.

use std::collections::HashMap;
use std::path::Path;

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::{json, value::RawValue, Value};

use glossa_core::{AnnotatedDocument, Attrs, OffsetIndex, QuoteSelector, RelationRecord};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::{account, Fidelity, Holds};
use crate::format::{DocumentWriter, Output};
use crate::read::{invalid, parse_json, read_file, span, AttachedSpan, Attachment, LineCounter};
use crate::tokens::Tokenized;

/// The Web Annotation JSON-LD context.
pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
const COLLECTION: &str = "urn:glossa:export";

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn dec(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The IRI of a document.
pub fn doc_iri(id: &str) -> String {
    format!("urn:glossa:doc:{}", enc(id))
}

fn span_iri(doc: &str, uid: &str) -> String {
    format!("urn:glossa:doc:{}:span:{}", enc(doc), enc(uid))
}

fn page_iri(n: u64) -> String {
    format!("{COLLECTION}:page:{n}")
}

/// Writes the W3C collection.
#[derive(Default)]
pub struct Writer {
    pages: u64,
    total: u64,
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let index = OffsetIndex::new(&doc.text);
        let w = out.main();
        self.pages += 1;
        if self.pages == 1 {
            writeln!(w, "{{\"@context\": \"{CONTEXT}\", \"@graph\": [")?;
        }
        let page = json!({
            "id": page_iri(self.pages),
            "type": "AnnotationPage",
            "partOf": COLLECTION,
            "startIndex": self.total,
            "next": page_iri(self.pages + 1),
        });
        // The page without its closing brace, then its items one per line.
        let head = serde_json::to_string(&page).map_err(std::io::Error::from)?;
        write!(w, "{}, \"items\": [", &head[..head.len() - 1])?;
        let mut first = true;
        let mut item = |w: &mut dyn std::io::Write, v: Value| -> Result<(), FormatError> {
            w.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            w.write_all(&serde_json::to_vec(&v).map_err(std::io::Error::from)?)?;
            Ok(())
        };
        for (i, s) in doc.spans.iter().enumerate() {
            let quote = QuoteSelector::new(&index, s.start, s.end)
                .map_err(|e| FormatError::from(e.within(&format!("spans[{i}]"))))?;
            let uid = s.uid.clone().unwrap_or_else(|| format!("s{i}"));
            let mut body =
                vec![json!({"type": "TextualBody", "purpose": "tagging", "value": s.label})];
            for (name, v) in &s.attrs {
                let v = match v {
                    Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                body.push(json!({"type": "TextualBody", "purpose": "classifying", "value": format!("{name}={v}")}));
            }
            if let Some(note) = &s.note {
                body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": note}));
            }
            let mut a = json!({
                "id": span_iri(&doc.id, &uid),
                "type": "Annotation",
                "motivation": "tagging",
                "body": body,
                "target": {
                    "source": doc_iri(&doc.id),
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
                        {"type": "TextPositionSelector", "start": s.start, "end": s.end},
                    ],
                },
            });
            if let Some(author) = &s.author {
                a["creator"] = json!({"id": format!("urn:glossa:author:{}", enc(author)), "type": "Person", "name": author});
            }
            if let Some(created) = &s.created {
                a["created"] = created.clone().into();
            }
            item(w, a)?;
            self.total += 1;
        }
        for (k, r) in doc.relations.iter().enumerate() {
            let mut a = json!({
                "id": format!("urn:glossa:doc:{}:relation:{}", enc(&doc.id), k + 1),
                "type": "Annotation",
                "motivation": "linking",
                "body": [
                    {"type": "TextualBody", "purpose": "tagging", "value": r.label},
                    span_iri(&doc.id, &r.to),
                ],
                "target": span_iri(&doc.id, &r.from),
            });
            if let Some(author) = &r.author {
                a["creator"] = json!({"id": format!("urn:glossa:author:{}", enc(author)), "type": "Person", "name": author});
            }
            item(w, a)?;
            self.total += 1;
        }
        w.write_all(b"\n]},\n")?;
        account(
            report,
            doc,
            Holds {
                ids: true,
                attrs: true,
                notes: true,
                relations: true,
                authors: true,
                layers: false,
                meta: false,
                status: false,
            },
            &|_| true,
        );
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        let w = out.main();
        if self.pages == 0 {
            writeln!(w, "{{\"@context\": \"{CONTEXT}\", \"@graph\": [")?;
        }
        let mut c = json!({
            "id": COLLECTION,
            "type": "AnnotationCollection",
            "label": "Annotations exported by Glossa",
            "total": self.total,
        });
        if self.pages > 0 {
            c["first"] = page_iri(1).into();
            c["last"] = page_iri(self.pages).into();
        }
        w.write_all(&serde_json::to_vec(&c).map_err(std::io::Error::from)?)?;
        w.write_all(b"\n]}\n")?;
        Ok(())
    }
}

#[derive(Deserialize)]
struct Top<'a> {
    #[serde(rename = "@graph", borrow, default)]
    graph: Vec<Node<'a>>,
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Node<'a> {
    #[serde(borrow, default)]
    items: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct InAnnotation {
    id: Option<String>,
    motivation: Option<String>,
    #[serde(default)]
    body: Option<OneOrMany<BodyItem>>,
    target: TargetItem,
    creator: Option<Value>,
}

/// JSON-LD allows one value or an array of them. (Read by hand rather than as an untagged
/// enum, which would buffer every value first.)
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value or an array of values")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(OneOrMany::Many(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(OneOrMany::One)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                T::deserialize(serde::de::IntoDeserializer::<E>::into_deserializer(s))
                    .map(OneOrMany::One)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An IRI (a string) or an object.
enum StrOr<T> {
    Str(String),
    Obj(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StrOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = StrOr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an IRI or an object")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(StrOr::Str(s.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(StrOr::Obj)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

type BodyItem = StrOr<InBody>;
type TargetItem = StrOr<InResource>;

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            Self::Many(v) => v,
            Self::One(t) => vec![t],
        }
    }
}

#[derive(Deserialize)]
struct InBody {
    id: Option<String>,
    purpose: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
struct InResource {
    id: Option<String>,
    source: Option<String>,
    selector: Option<OneOrMany<InSelector>>,
}

#[derive(Deserialize)]
struct InSelector {
    #[serde(rename = "type")]
    kind: String,
    exact: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    start: Option<u64>,
    end: Option<u64>,
}

/// Reads a W3C export into annotations of existing documents, one per document.
///
/// Pages are read one at a time and their documents' annotations handed to `emit` (which
/// returns false to stop): relations link annotations of one page.
pub fn read(
    path: &Path,
    emit: &mut dyn FnMut(Result<Attachment, FormatError>) -> bool,
) -> Result<(), FormatError> {
    let text = read_file(path)?;
    let top: Top = parse_json(&text).map_err(|e| e.in_file(path).on_line(1))?;
    let mut lines = LineCounter::new(&text);
    let pages: Vec<Vec<&RawValue>> = std::iter::once(top.items)
        .chain(top.graph.into_iter().map(|n| n.items))
        .filter(|p| !p.is_empty())
        .collect();
    if pages.is_empty() {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    for items in pages {
        for r in read_page(path, items, &mut lines) {
            if !emit(r) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The annotations of one page, by document.
fn read_page(
    path: &Path,
    items: Vec<&RawValue>,
    lines: &mut LineCounter<'_>,
) -> Vec<Result<Attachment, FormatError>> {
    let mut docs: Vec<Attachment> = Vec::new();
    let mut by_doc: HashMap<String, usize> = HashMap::new();
    let mut span_ids: HashMap<String, (String, String)> = HashMap::new();
    let mut links = Vec::new();
    let mut errors = Vec::new();
    for raw in items {
        let line = lines.line_of(raw.get());
        let fail = |e: FormatError| e.in_file(path).on_line(line);
        let a: InAnnotation = match parse_json(raw.get()) {
            Ok(a) => a,
            Err(e) => {
                errors.push(fail(e));
                continue;
            }
        };
        let author = a
            .creator
            .as_ref()
            .and_then(|c| c.get("name").or(c.get("nickname")))
            .and_then(Value::as_str)
            .map(str::to_string);
        let bodies: Vec<BodyItem> = a.body.map(OneOrMany::into_vec).unwrap_or_default();
        let text_bodies = || {
            bodies.iter().filter_map(|b| match b {
                StrOr::Obj(b) => Some(b),
                StrOr::Str(_) => None,
            })
        };
        let tag = text_bodies()
            .find(|b| b.purpose.as_deref() == Some("tagging"))
            .and_then(|b| b.value.clone());
        if a.motivation.as_deref() == Some("linking") {
            let to = bodies.iter().find_map(|b| match b {
                StrOr::Str(s) => Some(s.clone()),
                StrOr::Obj(b) if b.value.is_none() => b.id.clone(),
                StrOr::Obj(_) => None,
            });
            let from = match &a.target {
                StrOr::Str(s) => Some(s.clone()),
                StrOr::Obj(r) => r.id.clone(),
            };
            match (from, to, tag) {
                (Some(f), Some(t), Some(l)) => links.push((f, t, l, author, line)),
                _ => errors.push(fail(invalid("body", "a linking annotation needs a tagging body, a target annotation and a body annotation"))),
            }
            continue;
        }
        let Some(label) = tag else {
            errors.push(fail(invalid(
                "body",
                "no TextualBody with purpose \"tagging\" holds the label",
            )));
            continue;
        };
        let StrOr::Obj(target) = a.target else {
            errors.push(fail(invalid(
                "target",
                "a tagging annotation's target needs a source and selectors",
            )));
            continue;
        };
        let source = target.source.unwrap_or_default();
        let doc_id = source
            .strip_prefix("urn:glossa:doc:")
            .map(dec)
            .unwrap_or_else(|| source.clone());
        if doc_id.is_empty() {
            errors.push(fail(invalid(
                "target.source",
                "the target names no source document",
            )));
            continue;
        }
        let selectors: Vec<InSelector> =
            target.selector.map(OneOrMany::into_vec).unwrap_or_default();
        let find = |t: &str| selectors.iter().find(|s| s.kind == t);
        let (Some(pos), Some(quote)) = (find("TextPositionSelector"), find("TextQuoteSelector"))
        else {
            errors.push(fail(invalid(
                "target.selector",
                "expected a TextPositionSelector and a TextQuoteSelector",
            )));
            continue;
        };
        let num = |n: Option<u64>| n.and_then(|n| usize::try_from(n).ok());
        let (Some(start), Some(end)) = (num(pos.start), num(pos.end)) else {
            errors.push(fail(invalid(
                "target.selector.start",
                "TextPositionSelector start and end must be non-negative integers",
            )));
            continue;
        };
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut attrs = Attrs::new();
        let mut note = None;
        for b in text_bodies() {
            match (b.purpose.as_deref(), b.value.as_deref()) {
                (Some("classifying"), Some(v)) => {
                    let (k, v) = v.split_once('=').unwrap_or((v, ""));
                    let v = match v {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        other => Value::String(other.to_string()),
                    };
                    attrs.insert(k.to_string(), v);
                }
                (Some("commenting"), Some(v)) => note = Some(v.to_string()),
                _ => {}
            }
        }
        let iri = a.id.clone().unwrap_or_default();
        let uid = iri
            .rsplit_once(":span:")
            .map(|(_, u)| dec(u))
            .unwrap_or_else(|| {
                if iri.is_empty() {
                    format!("w{line}")
                } else {
                    iri.clone()
                }
            });
        span_ids.insert(iri, (doc_id.clone(), uid.clone()));
        let k = *by_doc.entry(doc_id.clone()).or_insert_with(|| {
            docs.push(Attachment {
                doc_id: doc_id.clone(),
                spans: Vec::new(),
                relations: Vec::new(),
            });
            docs.len() - 1
        });
        let mut span = span(start, end, label, uid);
        span.attrs = attrs;
        span.note = note;
        span.author = author;
        docs[k].spans.push(AttachedSpan {
            span,
            quote: QuoteSelector {
                exact: s(&quote.exact),
                prefix: s(&quote.prefix),
                suffix: s(&quote.suffix),
            },
            line,
            field: "target.selector".into(),
        });
    }
    for (from, to, label, author, line) in links {
        match (span_ids.get(&from), span_ids.get(&to)) {
            (Some((d, f)), Some((d2, t))) if d == d2 => {
                if let Some(&k) = by_doc.get(d) {
                    docs[k].relations.push(RelationRecord { from: f.clone(), to: t.clone(), label, author });
                }
            }
            _ => errors.push(
                invalid("target", format!("the linked annotations {from} and {to} are not tagging annotations of one document in this page"))
                    .in_file(path)
                    .on_line(line),
            ),
        }
    }
    errors
        .into_iter()
        .map(Err)
        .chain(docs.into_iter().map(Ok))
        .collect()
}
