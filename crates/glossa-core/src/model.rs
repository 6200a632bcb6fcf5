//! The stored domain: documents, spans, relations and operations, as the API hands them out.

use std::collections::BTreeMap;
use std::fmt;
use ts_rs::TS;

use serde::{Deserialize, Serialize};

/// The layer that holds adjudicated, reference annotations. Every other layer is named after
/// the annotator who owns it.
pub const GOLD_LAYER: &str = "gold";

/// Whose annotations a span belongs to: the adjudicated gold layer, or one annotator's
/// (named after them). Stored and exported as its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(into = "String", from = "String")]
#[ts(type = "string")]
pub enum Layer {
    /// The adjudicated reference layer, `gold`.
    Gold,
    /// An annotator's own layer.
    Annotator(String),
}

impl Layer {
    /// The layer called `name` (`gold` is the gold layer).
    pub fn parse(name: &str) -> Self {
        if name == GOLD_LAYER {
            Self::Gold
        } else {
            Self::Annotator(name.to_string())
        }
    }

    /// Its name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Gold => GOLD_LAYER,
            Self::Annotator(name) => name,
        }
    }
}

impl From<String> for Layer {
    fn from(name: String) -> Self {
        Self::parse(&name)
    }
}

impl From<Layer> for String {
    fn from(layer: Layer) -> Self {
        layer.as_str().to_string()
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span's attributes, by name. Values are JSON scalars, typed by the schema.
pub type Attrs = BTreeMap<String, serde_json::Value>;

/// A span's stable internal id (unique within a project).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct SpanId(pub i64);

/// A relation's stable internal id (unique within a project).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
pub struct RelationId(pub i64);

/// Where a document stands in the annotation work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Not started.
    #[default]
    Todo,
    /// Someone has annotated part of it.
    InProgress,
    /// Marked done.
    Done,
}

impl DocStatus {
    /// The name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    /// The status to show: a `todo` document that has spans is in progress.
    pub fn effective(self, has_spans: bool) -> Self {
        if self == Self::Todo && has_spans {
            Self::InProgress
        } else {
            self
        }
    }

    /// A document's status over everyone: its recorded (imported) status when nobody set
    /// one, else done when everyone who set one is done, else in progress.
    pub fn combined(recorded: Self, people: impl IntoIterator<Item = Self>) -> Self {
        let mut any = false;
        let mut all_done = true;
        for s in people {
            any = true;
            all_done &= s == Self::Done;
        }
        match (any, all_done) {
            (false, _) => recorded,
            (true, true) => Self::Done,
            (true, false) => Self::InProgress,
        }
    }

    /// Parses [`DocStatus::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "todo" => Some(Self::Todo),
            "in_progress" => Some(Self::InProgress),
            "done" => Some(Self::Done),
            _ => None,
        }
    }
}

impl fmt::Display for DocStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a document stands in review (set by reviewers, for the whole document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Nobody has reviewed it.
    #[default]
    Unreviewed,
    /// A reviewer is at it.
    InReview,
    /// Reviewed: its gold layer is settled.
    Reviewed,
}

impl ReviewStatus {
    /// The name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unreviewed => "unreviewed",
            Self::InReview => "in_review",
            Self::Reviewed => "reviewed",
        }
    }

    /// Parses [`ReviewStatus::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Unreviewed, Self::InReview, Self::Reviewed]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A document at its current revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Document {
    /// Stable, user-visible id (for a file, its stem).
    pub id: String,
    /// Display title.
    pub title: String,
    /// The file it was imported from, if any.
    pub source_path: Option<String>,
    /// Free-form metadata (a JSON object).
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Annotation status.
    pub status: DocStatus,
    /// Current revision number (1 for a new document).
    pub revision: u32,
    /// The text exactly as imported (UTF-8, BOM dropped, CRLF kept).
    pub text: String,
}

/// One stored version of a document's text. Revisions never change; spans point at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Revision {
    /// 1 for the imported text, then counting up.
    pub number: u32,
    /// When it was stored (RFC 3339).
    pub created: String,
    /// Its length in code points.
    pub chars: usize,
}

/// What an author may do. Annotators write their own layer; reviewers also write `gold`;
/// the system author records what Glossa did by itself (re-anchoring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Writes their own layer.
    #[default]
    Annotator,
    /// Writes their own layer and `gold`.
    Reviewer,
    /// Glossa itself (re-anchoring after a text change).
    System,
}

impl Role {
    /// The name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Annotator => "annotator",
            Self::Reviewer => "reviewer",
            Self::System => "system",
        }
    }

    /// Parses [`Role::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Annotator, Self::Reviewer, Self::System]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of the system author, who records re-anchoring.
pub const SYSTEM_AUTHOR: &str = "glossa:system";

/// How sure Glossa is that a span sits on the words it was made on, after the text changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnchorState {
    /// Made on this text, or carried through a text change with its words and their
    /// context unchanged.
    #[default]
    Exact,
    /// Its words were found unchanged elsewhere (a moved paragraph), by a unique match of
    /// their text and context.
    Moved,
    /// Placed by a guess (its words changed, or they occur several times alike): to re-check.
    Fuzzy,
    /// Its words are gone; it stays on the revision it was made on: to re-check.
    Orphaned,
    /// A person checked it after re-anchoring.
    Confirmed,
}

impl AnchorState {
    /// The name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Moved => "moved",
            Self::Fuzzy => "fuzzy",
            Self::Orphaned => "orphaned",
            Self::Confirmed => "confirmed",
        }
    }

    /// Parses [`AnchorState::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Exact,
            Self::Moved,
            Self::Fuzzy,
            Self::Orphaned,
            Self::Confirmed,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// Whether a person should look at it (fuzzy or orphaned).
    pub fn needs_recheck(self) -> bool {
        matches!(self, Self::Fuzzy | Self::Orphaned)
    }
}

impl fmt::Display for AnchorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named person who annotates; their layer carries their name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Author {
    /// The global id, the same in every copy of the project.
    pub uid: String,
    /// The display name, unique in a project.
    pub name: String,
    /// What they may write.
    pub role: Role,
    /// When they first appeared in the project (RFC 3339).
    pub created: String,
}

/// One line of a document list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentSummary {
    /// Document id.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Annotation status.
    pub status: DocStatus,
    /// Current revision number.
    pub revision: u32,
    /// Text length in code points.
    pub chars: usize,
    /// Number of spans over all layers.
    pub spans: usize,
    /// Spans in the person's own layer (0 when listed for no one).
    pub own: usize,
    /// Spans in the gold layer.
    pub gold: usize,
    /// Review status.
    pub review: ReviewStatus,
}

/// A document with all its spans and relations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DocumentView {
    /// The document.
    pub document: Document,
    /// Its spans, ordered by start, then end.
    pub spans: Vec<Span>,
    /// Relations between its spans.
    pub relations: Vec<Relation>,
}

/// A document as the annotate screen opens it: its text, its spans as [`SpanMarks`] (what
/// painting and listing them takes) and its relations. A span's other fields (attributes,
/// note, author, times) are read one span at a time, when it is selected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MarkedDocument {
    /// The document.
    pub document: Document,
    /// Its spans over all layers, ordered by start, end, id.
    pub marks: SpanMarks,
    /// Relations between its spans.
    pub relations: Vec<Relation>,
}

/// Spans reduced to id, range, label and layer, with each label and layer name sent once:
/// some 30 bytes of JSON a span instead of some 300, so a document with ten thousand spans
/// opens with a fraction of the memory and parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpanMarks {
    /// Label names, indexed by a [`SpanMark`]'s fourth field.
    pub labels: Vec<String>,
    /// Layer names, indexed by a [`SpanMark`]'s fifth field.
    pub layers: Vec<String>,
    /// The spans.
    pub rows: Vec<SpanMark>,
}

impl SpanMarks {
    /// Appends a span, sharing its label and layer names with the spans before it.
    pub fn push(&mut self, id: SpanId, start: usize, end: usize, label: &str, layer: &str) {
        let label = intern(&mut self.labels, label);
        let layer = intern(&mut self.layers, layer);
        self.rows.push(SpanMark(id, start, end, label, layer));
    }
}

/// The index of `name` in `names`, added if missing (documents have a handful of labels and
/// layers, so a scan beats a map).
fn intern(names: &mut Vec<String>, name: &str) -> u32 {
    let i = names.iter().position(|n| n == name).unwrap_or_else(|| {
        names.push(name.to_owned());
        names.len() - 1
    });
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// One span of [`SpanMarks`], sent as `[id, start, end, label, layer]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpanMark(
    /// The span's id.
    pub SpanId,
    /// Start, in code points.
    pub usize,
    /// End (exclusive), in code points.
    pub usize,
    /// Index into [`SpanMarks::labels`].
    pub u32,
    /// Index into [`SpanMarks::layers`].
    pub u32,
);

/// A labeled range of a document's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Span {
    /// Internal id (this copy's handle for it).
    pub id: SpanId,
    /// The global id, the same in every copy of the project and stable through edits,
    /// re-anchoring, undo and export.
    pub gid: String,
    /// User-visible id, unique within the document (`e0`, `c22`, `s17`).
    pub uid: String,
    /// The document's id.
    pub doc_id: String,
    /// The revision the offsets refer to.
    pub revision: u32,
    /// Start, in code points.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// The label's name.
    pub label: String,
    /// `gold` or an annotator's name.
    pub layer: String,
    /// Attributes, typed by the schema.
    pub attrs: Attrs,
    /// A free-text note.
    pub note: Option<String>,
    /// Who made it.
    pub author: String,
    /// When it was made (RFC 3339).
    pub created: String,
    /// When it last changed (RFC 3339).
    pub updated: String,
    /// The covered text (its quote selector's `exact`; the prefix and suffix follow from the
    /// revision's text, which never changes).
    pub text: String,
    /// How sure Glossa is that it sits on its words after a text change.
    pub anchor: AnchorState,
    /// The anchoring's confidence, from 0 to 1 (1 for exact).
    pub confidence: f64,
}

/// A labeled link from one span to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Relation {
    /// Internal id (this copy's handle for it).
    pub id: RelationId,
    /// The global id, the same in every copy of the project.
    pub gid: String,
    /// The source span (for ATTRIBUTED_TO, the claim).
    pub from: SpanId,
    /// The target span.
    pub to: SpanId,
    /// The relation type.
    pub label: String,
    /// Who made it.
    pub author: String,
    /// When it was made (RFC 3339).
    pub created: String,
}

/// What an operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// A span was created.
    CreateSpan,
    /// A span's label, attributes, note or bounds changed.
    UpdateSpan,
    /// A span (and its relations) was deleted.
    DeleteSpan,
    /// A relation was created.
    CreateRelation,
    /// A relation was deleted.
    DeleteRelation,
    /// A document's status changed.
    SetStatus,
    /// Documents were imported.
    Import,
    /// Spans were carried to a document's new revision (by the system author).
    Reanchor,
    /// A document's whole state, carried over from an older Glossa's project file.
    Snapshot,
    /// The label schema changed.
    SetSchema,
    /// A label was renamed, or merged into another: the schema, and each document's spans
    /// (one operation per document, tied to the schema's; undone together).
    RenameLabel,
    /// A reviewer set a document's review status.
    SetReview,
    /// A person joined the project (or changed role).
    AddAuthor,
    /// An earlier operation was undone.
    Undo,
    /// An undone operation was redone.
    Redo,
}

impl OpKind {
    /// The name used in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateSpan => "create_span",
            Self::UpdateSpan => "update_span",
            Self::DeleteSpan => "delete_span",
            Self::CreateRelation => "create_relation",
            Self::DeleteRelation => "delete_relation",
            Self::SetStatus => "set_status",
            Self::Import => "import",
            Self::Reanchor => "reanchor",
            Self::Snapshot => "snapshot",
            Self::SetSchema => "set_schema",
            Self::RenameLabel => "rename_label",
            Self::SetReview => "set_review",
            Self::AddAuthor => "add_author",
            Self::Undo => "undo",
            Self::Redo => "redo",
        }
    }

    /// Parses [`OpKind::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::CreateSpan,
            Self::UpdateSpan,
            Self::DeleteSpan,
            Self::CreateRelation,
            Self::DeleteRelation,
            Self::SetStatus,
            Self::Import,
            Self::Reanchor,
            Self::Snapshot,
            Self::SetSchema,
            Self::RenameLabel,
            Self::SetReview,
            Self::AddAuthor,
            Self::Undo,
            Self::Redo,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether undo can reverse it.
    pub fn is_undoable(self) -> bool {
        matches!(
            self,
            Self::CreateSpan
                | Self::UpdateSpan
                | Self::DeleteSpan
                | Self::CreateRelation
                | Self::DeleteRelation
                | Self::SetStatus
        )
    }
}

/// One entry of the append-only history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Operation {
    /// Sequence number, increasing.
    pub id: i64,
    /// Who did it.
    pub author: String,
    /// When (RFC 3339).
    pub time: String,
    /// What was done.
    pub kind: OpKind,
    /// The document it touched, if one.
    pub doc_id: Option<String>,
    /// State before (JSON), if any.
    pub before: Option<serde_json::Value>,
    /// State after (JSON), if any.
    pub after: Option<serde_json::Value>,
    /// Whether it is currently undone.
    pub undone: bool,
}
