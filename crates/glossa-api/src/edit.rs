//! Edits: spans, relations and document status, each checked against the schema and the
//! text, saved at once as one operation, and undoable per author.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use glossa_core::rules::{check_relation_layers, may_write_layer, overlap_conflict, Extent};
use glossa_core::schema::check_bounds;
use glossa_core::{Attrs, DocStatus, Layer, Operation, Relation, RelationId, Span, SpanId};
use glossa_store::{NewRelation, NewSpan, UndoOutcome};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::project::Project;

/// A span to add. Offsets are code points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AddSpan {
    /// The document.
    pub doc_id: String,
    /// The revision of the document's text the offsets refer to (the one on screen).
    pub revision: u32,
    /// Start (code points).
    pub start: usize,
    /// End (code points).
    pub end: usize,
    /// Label.
    pub label: String,
    /// Layer; the author's own when `None`.
    #[serde(default)]
    pub layer: Option<String>,
    /// Attributes.
    #[serde(default)]
    pub attrs: Attrs,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Changes to a span; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SpanPatch {
    /// New label.
    #[serde(default)]
    pub label: Option<String>,
    /// New attributes (replacing all).
    #[serde(default)]
    pub attrs: Option<Attrs>,
    /// New note (`Some(None)` clears it).
    #[serde(default)]
    pub note: Option<Option<String>>,
    /// New start (code points).
    #[serde(default)]
    pub start: Option<usize>,
    /// New end (code points).
    #[serde(default)]
    pub end: Option<usize>,
}

fn as_i64(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Project {
    /// Adds a span as `author`.
    pub fn add_span(&mut self, author: &str, req: &AddSpan) -> ApiResult<Span> {
        check_author(author)?;
        let layer = req
            .layer
            .clone()
            .unwrap_or_else(|| Layer::Annotator(author.to_string()).into());
        self.check_layer(author, &layer)?;
        let (revision, text) = self.current_text(&req.doc_id)?;
        if revision != req.revision {
            return Err(stale(&req.doc_id, revision));
        }
        let index = text.index();
        let (start, end) =
            check_bounds(as_i64(req.start), as_i64(req.end), index.len_codepoints())?;
        let quote = index.slice(start, end)?.to_string();
        self.schema.check_span(&req.label, &req.attrs)?;
        self.check_overlap(&req.doc_id, &layer, start, end, None)?;
        let new = NewSpan {
            doc_id: req.doc_id.clone(),
            revision,
            uid: None,
            start,
            end,
            label: req.label.clone(),
            layer,
            attrs: req.attrs.clone(),
            note: req.note.clone(),
            text: quote,
        };
        Ok(self.store.create_span(author, &new)?)
    }

    /// Refuses `[start, end)` in `layer` if the schema forbids overlaps and another span of
    /// the layer (other than `except`) overlaps it.
    fn check_overlap(
        &self,
        doc_id: &str,
        layer: &str,
        start: usize,
        end: usize,
        except: Option<SpanId>,
    ) -> ApiResult<()> {
        if self.schema.allow_overlaps {
            return Ok(());
        }
        let view = self.store.document_view(doc_id)?;
        let others = view.spans.iter().filter(|s| Some(s.id) != except).map(|s| {
            (
                Extent {
                    layer: &s.layer,
                    start: s.start,
                    end: s.end,
                },
                s,
            )
        });
        match overlap_conflict(false, Extent { layer, start, end }, others) {
            Some(s) => Err(ApiError::invalid(format!(
                "[{start}, {end}) overlaps {} {:?} [{}, {}), and the schema forbids overlapping spans",
                s.label, s.text, s.start, s.end
            ))),
            None => Ok(()),
        }
    }

    /// Refuses an edit of `layer` by `author` unless their role allows it: annotators write
    /// their own layer, reviewers also `gold`.
    pub(crate) fn check_layer(&self, author: &str, layer: &str) -> ApiResult<()> {
        let role = self.store.author_role(author)?.unwrap_or_default();
        if may_write_layer(author, role, layer) {
            return Ok(());
        }
        let why = if layer == glossa_core::GOLD_LAYER {
            "writing gold needs the reviewer role (glossa authors PROJECT --add NAME --role reviewer)"
        } else {
            "each annotator writes only their own layer"
        };
        Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("{author} ({role}) may not change the {layer} layer: {why}"),
        ))
    }

    /// Refuses an edit made against revision `revision` of document `doc_id` when the
    /// document has moved on.
    fn check_revision(&self, doc_id: &str, revision: u32) -> ApiResult<()> {
        let current = self.store.document_revision(doc_id)?;
        if current == revision {
            Ok(())
        } else {
            Err(stale(doc_id, current))
        }
    }

    /// Changes a span as `author`.
    pub fn update_span(
        &mut self,
        author: &str,
        id: SpanId,
        revision: u32,
        patch: &SpanPatch,
    ) -> ApiResult<Span> {
        check_author(author)?;
        let mut span = self.store.span(id)?;
        self.check_layer(author, &span.layer)?;
        self.check_revision(&span.doc_id, revision)?;
        if let Some(label) = &patch.label {
            span.label = label.clone();
        }
        if let Some(attrs) = &patch.attrs {
            span.attrs = attrs.clone();
        }
        if let Some(note) = &patch.note {
            span.note = note.clone().filter(|n| !n.is_empty());
        }
        self.schema.check_span(&span.label, &span.attrs)?;
        if patch.start.is_some() || patch.end.is_some() {
            let (revision, text) = self.current_text(&span.doc_id)?;
            if revision != span.revision {
                return Err(ApiError::new(
                    crate::ErrorCode::Conflict,
                    "this span belongs to an older revision of the document; its bounds cannot change",
                ));
            }
            let index = text.index();
            let (start, end) = check_bounds(
                as_i64(patch.start.unwrap_or(span.start)),
                as_i64(patch.end.unwrap_or(span.end)),
                index.len_codepoints(),
            )?;
            span.text = index.slice(start, end)?.to_string();
            (span.start, span.end) = (start, end);
            self.check_overlap(&span.doc_id, &span.layer, start, end, Some(id))?;
        }
        for r in &self.store.span_relations(id)? {
            let other = self.store.span(if r.from == id { r.to } else { r.from })?;
            let (from, to) = if r.from == id {
                (&span.label, &other.label)
            } else {
                (&other.label, &span.label)
            };
            self.schema
                .check_relation(&r.label, from, to)
                .map_err(|e| {
                    ApiError::invalid(format!(
                        "relabelling would break relation {} ({e}); delete the relation first",
                        r.label
                    ))
                })?;
        }
        Ok(self.store.update_span(author, &span)?)
    }

    /// Deletes a span and its relations as `author`.
    pub fn delete_span(&mut self, author: &str, id: SpanId, revision: u32) -> ApiResult<Span> {
        check_author(author)?;
        let span = self.store.span(id)?;
        self.check_layer(author, &span.layer)?;
        self.check_revision(&span.doc_id, revision)?;
        Ok(self.store.delete_span(author, id)?)
    }

    /// Links two spans as `author`, enforcing the schema's argument types.
    pub fn add_relation(
        &mut self,
        author: &str,
        from: SpanId,
        to: SpanId,
        label: &str,
        revision: u32,
    ) -> ApiResult<Relation> {
        check_author(author)?;
        let (a, b) = (self.store.span(from)?, self.store.span(to)?);
        self.check_layer(author, &a.layer)?;
        self.check_revision(&a.doc_id, revision)?;
        if from == to {
            return Err(ApiError::invalid("a relation needs two different spans"));
        }
        if a.doc_id != b.doc_id {
            return Err(ApiError::invalid(
                "a relation must link spans of one document",
            ));
        }
        check_relation_layers(&a.layer, &b.layer)?;
        self.schema.check_relation(label, &a.label, &b.label)?;
        Ok(self.store.create_relation(
            author,
            &NewRelation {
                from,
                to,
                label: label.to_string(),
            },
        )?)
    }

    /// Deletes a relation as `author`.
    pub fn delete_relation(
        &mut self,
        author: &str,
        id: RelationId,
        revision: u32,
    ) -> ApiResult<Relation> {
        check_author(author)?;
        let relation = self.store.relation(id)?;
        let from = self.store.span(relation.from)?;
        self.check_layer(author, &from.layer)?;
        self.check_revision(&from.doc_id, revision)?;
        Ok(self.store.delete_relation(author, id)?)
    }

    /// Sets a document's status as `author`.
    pub fn set_status(&mut self, author: &str, doc_id: &str, status: DocStatus) -> ApiResult<()> {
        check_author(author)?;
        Ok(self.store.set_status(author, doc_id, status)?)
    }

    /// Sets a document's review status as `author`, who must be a reviewer.
    pub fn set_review(
        &mut self,
        author: &str,
        doc_id: &str,
        status: glossa_core::ReviewStatus,
    ) -> ApiResult<()> {
        check_author(author)?;
        let role = self.store.author_role(author)?.unwrap_or_default();
        if role != glossa_core::Role::Reviewer {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "{author} ({role}) may not set a review status: that needs the reviewer role"
                ),
            ));
        }
        Ok(self.store.set_review(author, doc_id, status)?)
    }

    /// Undoes `author`'s latest edit of document `doc_id`, skipping (and reporting) edits
    /// that someone changed since.
    pub fn undo(&mut self, author: &str, doc_id: &str) -> ApiResult<UndoOutcome> {
        Ok(self.store.undo(author, doc_id)?)
    }

    /// Redoes `author`'s most recently undone edit of document `doc_id`; `None` when there is
    /// nothing to redo.
    pub fn redo(&mut self, author: &str, doc_id: &str) -> ApiResult<Option<Operation>> {
        Ok(self.store.redo(author, doc_id)?)
    }
}

/// The answer to an edit made on a revision the document has left.
fn stale(doc_id: &str, current: u32) -> ApiError {
    ApiError::new(
        ErrorCode::Stale,
        format!("document {doc_id:?} changed (it is now at revision {current}); reloaded, make the edit again"),
    )
}

/// Refuses a blank author name or the reserved `gold`.
pub(crate) fn check_author(author: &str) -> ApiResult<()> {
    if author.trim().is_empty() || author.trim() != author {
        return Err(ApiError::invalid(format!(
            "author {author:?} is blank or padded"
        )));
    }
    if author == glossa_core::GOLD_LAYER || author == glossa_core::SYSTEM_AUTHOR {
        return Err(ApiError::invalid(format!(
            "{author:?} is reserved (the gold layer, or Glossa itself), not an author name"
        )));
    }
    Ok(())
}
