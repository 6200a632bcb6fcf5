//! [`AnnotatedDocument`]: one document with its annotations as a file format carries it, the
//! currency between readers, writers and the store. Spans refer to each other by their
//! user-visible ids (`uid`), as in every annotation format.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreErrorKind};
use crate::model::{Attrs, DocStatus};
use crate::offsets::OffsetIndex;
use crate::rules::{check_relation_layers, overlaps};
use crate::schema::{check_bounds, Schema};

/// A document and its spans and relations, as read from or written to a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotatedDocument {
    /// The document id.
    pub id: String,
    /// Metadata (a JSON object); `title` in it becomes the display title.
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Annotation status.
    pub status: DocStatus,
    /// The text.
    pub text: String,
    /// Spans over the text.
    pub spans: Vec<SpanRecord>,
    /// Relations between the spans, by uid.
    pub relations: Vec<RelationRecord>,
}

/// A span in a file: offsets in code points, other span fields optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanRecord {
    /// The span's id within the document; assigned on import when missing.
    pub uid: Option<String>,
    /// Start (code points).
    pub start: usize,
    /// End, exclusive (code points).
    pub end: usize,
    /// Label name.
    pub label: String,
    /// Layer (`gold` or an annotator); defaulted on import when missing.
    pub layer: Option<String>,
    /// Author; defaulted on import when missing.
    pub author: Option<String>,
    /// Attributes.
    pub attrs: Attrs,
    /// Note.
    pub note: Option<String>,
    /// When the span was made (RFC 3339), when known: the store fills it in on export; the
    /// native format does not carry it (the operation log does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// A relation in a file, naming its spans by uid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationRecord {
    /// Source span uid.
    pub from: String,
    /// Target span uid.
    pub to: String,
    /// Relation type.
    pub label: String,
    /// Author; defaulted to the source span's author when missing.
    pub author: Option<String>,
}

/// A validated document, measured: what a store writes. Only
/// [`AnnotatedDocument::check`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedDocument {
    doc: AnnotatedDocument,
    chars: usize,
    byte_ranges: Vec<(usize, usize)>,
    /// The text's revision hash, taken while checking (an import checks on its reader
    /// thread, so the writer need not).
    hash: String,
}

impl CheckedDocument {
    /// The document.
    pub fn doc(&self) -> &AnnotatedDocument {
        &self.doc
    }

    /// Its text length in code points.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// Its text's revision hash ([`crate::rules::revision_hash`]).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The covered text of span `i`.
    pub fn span_text(&self, i: usize) -> &str {
        let (s, e) = self.byte_ranges[i];
        &self.doc.text[s..e]
    }
}

/// A fresh span uid `s{n}` (counting up from `n`) that `taken` does not hold.
pub fn fresh_uid(mut n: u64, mut taken: impl FnMut(&str) -> bool) -> String {
    loop {
        let uid = format!("s{n}");
        if !taken(&uid) {
            return uid;
        }
        n += 1;
    }
}

impl AnnotatedDocument {
    /// A document with text and nothing else.
    pub fn plain(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            meta: serde_json::Map::new(),
            status: DocStatus::Todo,
            text: text.into(),
            spans: Vec::new(),
            relations: Vec::new(),
        }
    }

    /// Display title: `meta.title` when it is a string, else the id.
    pub fn title(&self) -> &str {
        self.meta
            .get("title")
            .and_then(|t| t.as_str())
            .unwrap_or(&self.id)
    }

    /// Gives every span without a uid a fresh one, and fills missing layers and authors.
    /// A relation without an author takes its source span's.
    pub fn fill_defaults(&mut self, layer: &str, author: &str) {
        let mut taken: BTreeSet<String> = self.spans.iter().filter_map(|s| s.uid.clone()).collect();
        let mut n = 1;
        for span in &mut self.spans {
            if span.uid.is_none() {
                let uid = fresh_uid(n, |u| taken.contains(u));
                n = uid[1..].parse::<u64>().unwrap_or(n) + 1;
                taken.insert(uid.clone());
                span.uid = Some(uid);
            }
            span.layer.get_or_insert_with(|| layer.to_string());
            span.author.get_or_insert_with(|| author.to_string());
        }
        let authors: HashMap<&str, &str> = self
            .spans
            .iter()
            .filter_map(|s| Some((s.uid.as_deref()?, s.author.as_deref()?)))
            .collect();
        for rel in &mut self.relations {
            if rel.author.is_none() {
                rel.author = Some(
                    authors
                        .get(rel.from.as_str())
                        .copied()
                        .unwrap_or(author)
                        .to_string(),
                );
            }
        }
    }

    /// Validates against `schema` (see [`AnnotatedDocument::validate`]) and measures the text
    /// in one pass, giving what a store needs.
    pub fn check(self, schema: &Schema) -> Result<CheckedDocument, CoreError> {
        let index = OffsetIndex::new(&self.text);
        let chars = index.len_codepoints();
        self.validate(schema, chars)?;
        let byte_ranges = self
            .spans
            .iter()
            .map(|s| Ok((index.cp_to_byte(s.start)?, index.cp_to_byte(s.end)?)))
            .collect::<Result<_, CoreError>>()?;
        Ok(CheckedDocument {
            hash: crate::rules::revision_hash(&self.text),
            doc: self,
            chars,
            byte_ranges,
        })
    }

    /// Refuses two spans of one layer that overlap (for schemas that forbid overlaps).
    fn check_no_overlaps(&self) -> Result<(), CoreError> {
        let mut order: Vec<usize> = (0..self.spans.len()).collect();
        order.sort_by_key(|&i| (self.spans[i].layer.as_deref(), self.spans[i].start, i));
        let mut prev: Option<usize> = None;
        for i in order {
            let s = &self.spans[i];
            if let Some(p) = prev
                .map(|p| &self.spans[p])
                .filter(|p| p.layer == s.layer && overlaps(p.start, p.end, s.start, s.end))
            {
                return Err(CoreError::at(
                    format!("spans[{i}]"),
                    CoreErrorKind::Invalid(format!(
                        "span [{}, {}) {} overlaps span [{}, {}) {}, and the schema forbids overlapping spans",
                        s.start, s.end, s.label, p.start, p.end, p.label
                    )),
                ));
            }
            if prev.is_none_or(|p| self.spans[p].layer != s.layer || s.end > self.spans[p].end) {
                prev = Some(i);
            }
        }
        Ok(())
    }

    /// Checks the document against `schema`: id, span bounds (`text_len` code points), labels,
    /// attributes, unique span ids, and relations (existing spans, same layer, argument types).
    /// The error's field names the offending value (`spans[3].label`).
    pub fn validate(&self, schema: &Schema, text_len: usize) -> Result<(), CoreError> {
        if self.id.trim().is_empty() {
            return Err(CoreError::at(
                "id",
                CoreErrorKind::Invalid("document id is blank".into()),
            ));
        }
        let mut by_uid: HashMap<&str, usize> = HashMap::with_capacity(self.spans.len());
        for (i, span) in self.spans.iter().enumerate() {
            let at = format!("spans[{i}]");
            let as_i64 = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
            check_bounds(as_i64(span.start), as_i64(span.end), text_len)
                .map_err(|e| e.within(&at))?;
            schema
                .check_span(&span.label, &span.attrs)
                .map_err(|e| e.within(&at))?;
            if let Some(uid) = &span.uid {
                if uid.trim().is_empty() {
                    return Err(CoreError::at(
                        format!("{at}.id"),
                        CoreErrorKind::Invalid("span id is blank".into()),
                    ));
                }
                if by_uid.insert(uid, i).is_some() {
                    return Err(CoreError::at(
                        format!("{at}.id"),
                        CoreErrorKind::DuplicateId(uid.clone()),
                    ));
                }
            }
            if span.layer.as_deref().is_some_and(|l| l.trim().is_empty()) {
                return Err(CoreError::at(
                    format!("{at}.layer"),
                    CoreErrorKind::Invalid("layer is blank".into()),
                ));
            }
        }
        if !schema.allow_overlaps {
            self.check_no_overlaps()?;
        }
        let mut seen = BTreeSet::new();
        for (i, rel) in self.relations.iter().enumerate() {
            let at = format!("relations[{i}]");
            let find = |uid: &str, field: &str| {
                by_uid.get(uid).map(|&j| &self.spans[j]).ok_or_else(|| {
                    CoreError::at(
                        format!("{at}.{field}"),
                        CoreErrorKind::MissingSpan(uid.into()),
                    )
                })
            };
            let (from, to) = (find(&rel.from, "from")?, find(&rel.to, "to")?);
            schema
                .check_relation(&rel.label, &from.label, &to.label)
                .map_err(|e| e.within(&at))?;
            check_relation_layers(
                from.layer.as_deref().unwrap_or("default"),
                to.layer.as_deref().unwrap_or("default"),
            )
            .map_err(|e| e.within(&at))?;
            if !seen.insert((&rel.from, &rel.to, &rel.label)) {
                return Err(CoreError::at(
                    &at,
                    CoreErrorKind::Invalid(format!(
                        "duplicate relation {} {} → {}",
                        rel.label, rel.from, rel.to
                    )),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(uid: Option<&str>, start: usize, end: usize, label: &str) -> SpanRecord {
        SpanRecord {
            uid: uid.map(str::to_string),
            start,
            end,
            label: label.into(),
            layer: None,
            author: None,
            attrs: Attrs::new(),
            note: None,
            created: None,
        }
    }

    #[test]
    fn fills_uids_around_taken_ones() {
        let mut doc = AnnotatedDocument::plain("d", "Putin said NATO");
        doc.spans = vec![
            span(None, 0, 5, "PERSON"),
            span(Some("s1"), 11, 15, "ORG"),
            span(None, 6, 10, "CLAIM"),
        ];
        doc.fill_defaults("gold", "ann");
        let uids: Vec<_> = doc.spans.iter().map(|s| s.uid.clone().unwrap()).collect();
        assert_eq!(uids, ["s2", "s1", "s3"]);
        assert!(doc.spans.iter().all(|s| s.layer.as_deref() == Some("gold")));
    }

    #[test]
    fn validation_names_fields() {
        let schema = Schema::news_default();
        let mut doc = AnnotatedDocument::plain("d", "Putin said NATO");
        doc.spans = vec![
            span(Some("a"), 0, 5, "PERSON"),
            span(Some("b"), 11, 16, "ORG"),
        ];
        let e = doc.validate(&schema, 15).unwrap_err();
        assert_eq!(e.field, "spans[1].end");
        doc.spans[1].end = 15;
        doc.relations = vec![RelationRecord {
            from: "a".into(),
            to: "b".into(),
            label: "ATTRIBUTED_TO".into(),
            author: None,
        }];
        let e = doc.validate(&schema, 15).unwrap_err();
        assert_eq!(e.field, "relations[0].from");
        doc.relations[0].from = "zz".into();
        assert_eq!(
            doc.validate(&schema, 15).unwrap_err().kind,
            CoreErrorKind::MissingSpan("zz".into())
        );
        doc.spans.push(span(Some("a"), 6, 10, "CLAIM"));
        doc.relations.clear();
        assert_eq!(doc.validate(&schema, 15).unwrap_err().field, "spans[2].id");
    }
}
