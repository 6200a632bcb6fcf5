//! Operations as data: every change to a project, named by global ids only, so that any copy
//! of the project can replay another's work and reach the same state (see `docs/model.md`).
//!
//! An [`Op`] is one person's (or Glossa's) action: an edit, an undo, an import of a document.
//! It holds [`Change`]s, applied in order. Its global id is (replica, seq); its [`Stamp`]
//! (Lamport clock, author uid, replica, seq) orders it among concurrent operations:
//! last writer wins per field, by stamp.

use serde::{Deserialize, Serialize};

use crate::model::{AnchorState, Attrs, DocStatus, OpKind, ReviewStatus, Role};
use crate::schema::Schema;

/// The total order of operations: Lamport clock, then author uid, then the replica and its
/// sequence number (which make it unique).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// The Lamport clock.
    pub lamport: u64,
    /// The author's global id.
    pub author: String,
    /// The copy of the project that made it.
    pub replica: String,
    /// Its number among that copy's operations, from 1.
    pub seq: u64,
}

/// One operation, as it travels between copies of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// Where it was made, when, and by whom: its global id and order.
    pub stamp: Stamp,
    /// When it was made (ms since the Unix epoch).
    pub time: i64,
    /// What kind of action it was (for history and undo).
    pub kind: OpKind,
    /// The document it changes, if one.
    pub doc_id: Option<String>,
    /// The operation it undoes or redoes, as (replica, seq).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers_to: Option<(String, u64)>,
    /// What it changes, in order.
    pub changes: Vec<Change>,
}

/// A span's whole state, as a create (or a restore after a delete) sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanState {
    /// Global id.
    pub gid: String,
    /// The document.
    pub doc_id: String,
    /// User-visible id within the document.
    pub uid: String,
    /// The revision the offsets refer to, by its hash.
    pub revision: String,
    /// Start (code points).
    pub start: usize,
    /// End (code points).
    pub end: usize,
    /// Label.
    pub label: String,
    /// Layer.
    pub layer: String,
    /// Attributes.
    pub attrs: Attrs,
    /// Note.
    pub note: Option<String>,
    /// The author's global id.
    pub author: String,
    /// Anchor state.
    pub anchor: AnchorState,
    /// Anchoring confidence.
    pub confidence: f64,
    /// When it was made (ms since the Unix epoch).
    pub created: i64,
}

/// Fields of a span that an edit sets; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SpanFields {
    /// New revision (by hash), with new bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// New start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// New end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// New label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// New attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attrs: Option<Attrs>,
    /// New note (`Some(None)` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Option<String>>,
    /// New anchor state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<AnchorState>,
    /// New confidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

impl SpanFields {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A relation's whole state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationState {
    /// Global id.
    pub gid: String,
    /// The document.
    pub doc_id: String,
    /// The source span's global id.
    pub from: String,
    /// The target span's global id.
    pub to: String,
    /// Relation type.
    pub label: String,
    /// The author's global id.
    pub author: String,
    /// When it was made (ms since the Unix epoch).
    pub created: i64,
}

/// One change an operation makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A person (or Glossa) joins the project.
    Author {
        /// Global id.
        uid: String,
        /// Display name.
        name: String,
        /// Role.
        role: Role,
    },
    /// A new document, with its first revision.
    Document {
        /// Document id.
        doc_id: String,
        /// Metadata.
        meta: serde_json::Map<String, serde_json::Value>,
        /// The status the file brought.
        status: DocStatus,
        /// The text's hash ([`crate::rules::revision_hash`]).
        hash: String,
        /// The text; empty in a copy's own log, which keeps texts once, with its revisions,
        /// and filled when the operation travels.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    /// A new revision of a document's text (it becomes the current one).
    Revision {
        /// Document id.
        doc_id: String,
        /// The text's hash.
        hash: String,
        /// The text (empty in a copy's own log, as for [`Change::Document`]).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    /// A document's metadata and recorded status.
    DocumentFields {
        /// Document id.
        doc_id: String,
        /// Metadata.
        meta: serde_json::Map<String, serde_json::Value>,
        /// Recorded status.
        status: DocStatus,
    },
    /// A span is created, or restored after a delete.
    Span(SpanState),
    /// Fields of a span change.
    SpanFields {
        /// The span.
        gid: String,
        /// What changes.
        fields: SpanFields,
    },
    /// A span is deleted (its relations go with it). Wins over concurrent edits.
    SpanDelete {
        /// The span.
        gid: String,
    },
    /// A relation is created, or restored.
    Relation(RelationState),
    /// A relation is deleted.
    RelationDelete {
        /// The relation.
        gid: String,
    },
    /// An author's status of a document.
    Status {
        /// Document id.
        doc_id: String,
        /// The author's global id.
        author: String,
        /// Status.
        status: DocStatus,
    },
    /// The label schema.
    Schema(Schema),
    /// A document's review status.
    Review {
        /// Document id.
        doc_id: String,
        /// Review status.
        status: ReviewStatus,
    },
}
