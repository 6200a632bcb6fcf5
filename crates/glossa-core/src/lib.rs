//! Glossa's domain: documents, spans, relations, label schemas, offsets and quote anchoring.
//!
//! This crate does no IO, no SQL and no async. Every other Glossa crate builds on it.
//! Offsets are Unicode code points everywhere; [`offsets`] is the one place that converts
//! them to and from UTF-8 bytes and UTF-16 code units.

pub mod error;
pub mod model;
pub mod offsets;
pub mod op;
pub mod quote;
pub mod reanchor;
pub mod record;
pub mod rules;
pub mod schema;

pub use error::{CoreError, CoreErrorKind};
pub use model::{
    AnchorState, Attrs, Author, DocStatus, Document, DocumentSummary, DocumentView, Layer,
    MarkedDocument, OpKind, Operation, Relation, RelationId, ReviewStatus, Revision, Role, Span,
    SpanId, SpanMark, SpanMarks, GOLD_LAYER, SYSTEM_AUTHOR,
};
pub use offsets::{ForwardSlicer, IndexedText, OffsetIndex};
pub use quote::{QuoteSelector, QUOTE_CONTEXT};
pub use reanchor::{Placement, Reanchor};
pub use record::{AnnotatedDocument, CheckedDocument, RelationRecord, SpanRecord};
pub use schema::{ArgConstraint, AttrKind, AttributeDef, LabelDef, LabelKind, RelationDef, Schema};
