//! Edits of spans, relations and document status. Each edit is one transaction: it turns the
//! state before and the state wanted (snapshots by global id) into [`Change`]s, applies them
//! through the one [`Applier`] that also replays other copies' operations, and appends the
//! operation (its changes, for other copies; its snapshots, for undo). Undo and redo (per
//! author and document, surviving reopening) are new operations moving back between the
//! snapshots, after checking that nobody changed the rows since.

use glossa_core::op::{Change, RelationState, SpanFields, SpanState};
use glossa_core::{
    AnchorState, Attrs, DocStatus, OpKind, Operation, Relation, RelationId, Role, Span, SpanId,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::apply::{span_state, Applier};
use crate::documents::{load_relation, load_span, load_span_by_gid, relations_of_span};
use crate::error::{FResult, Fail};
use crate::ids::new_gid;
use crate::rows::{author_id, document_key, format_time};
use crate::{now, Store, StoreError, StoreErrorKind};

/// A span to create. The caller has validated it against the schema and the text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSpan {
    /// The document.
    pub doc_id: String,
    /// The revision the offsets refer to; must be the document's current one.
    pub revision: u32,
    /// A user-visible id; a fresh `s{n}` when `None`.
    pub uid: Option<String>,
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
    /// The covered text, `text[start..end]`.
    pub text: String,
}

/// A relation to create. The caller has checked the schema's argument types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelation {
    /// Source span.
    pub from: SpanId,
    /// Target span.
    pub to: SpanId,
    /// Relation type.
    pub label: String,
}

/// The state an edit moves between, by global ids: what undo and redo move back and forth.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Snapshot {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) spans: Vec<SpanState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) relations: Vec<RelationState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<DocStatus>,
}

pub(crate) fn to_json<T: Serialize>(s: &T, field: &str) -> FResult<String> {
    serde_json::to_string(s).map_err(|e| Fail::corrupt(field, e))
}

fn from_json(s: Option<String>, field: &str) -> FResult<Snapshot> {
    match s {
        None => Ok(Snapshot::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| Fail::corrupt(field, e)),
    }
}

/// An operation's undo snapshots, as stored.
pub(crate) fn snapshots(
    before: Option<String>,
    after: Option<String>,
) -> FResult<(Snapshot, Snapshot)> {
    Ok((
        from_json(before, "operations.before")?,
        from_json(after, "operations.after")?,
    ))
}

/// Marks operation `op` as `state` (undone, or applied again) and records the `kind` (undo or
/// redo) operation that did it, with its changes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn mark_and_record(
    tx: &Transaction<'_>,
    op: i64,
    state: &str,
    kind: &str,
    author: i64,
    doc: i64,
    now: i64,
    changes: &[Change],
) -> FResult<()> {
    tx.prepare_cached("UPDATE operations SET state = ?2 WHERE id = ?1")?
        .execute(params![op, state])?;
    append_operation(
        tx,
        &NewOperation {
            author,
            time: now,
            kind,
            doc: Some(doc),
            before: None,
            after: None,
            state: "record",
            ref_op: Some(op),
            changes: Some(to_json(&changes, "operations.changes")?),
        },
    )?;
    Ok(())
}

/// An operation row to append.
pub(crate) struct NewOperation<'a> {
    pub author: i64,
    pub time: i64,
    pub kind: &'a str,
    pub doc: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub state: &'a str,
    pub ref_op: Option<i64>,
    pub changes: Option<String>,
}

/// Where the log goes on within one transaction: this copy's replica id, its next sequence
/// number and Lamport clock, and the authors already announced. A bulk import keeps one for
/// its whole transaction instead of looking them up for each document's operation.
pub(crate) struct LogCursor {
    replica: String,
    seq: i64,
    lamport: i64,
    announced: std::collections::HashSet<i64>,
}

impl LogCursor {
    /// Reads where the log stands (inside the caller's write transaction).
    pub(crate) fn load(tx: &Transaction<'_>) -> FResult<Self> {
        let (replica, seq, lamport): (String, i64, i64) = tx
            .prepare_cached(
                "SELECT p.value,
                        coalesce((SELECT max(seq) FROM operations WHERE replica = p.value), 0),
                        coalesce((SELECT max(lamport) FROM operations), 0)
                 FROM project p WHERE p.key = 'replica'",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(Self {
            replica,
            seq,
            lamport,
            announced: std::collections::HashSet::new(),
        })
    }

    /// Appends `op` with the next sequence number and clock, and returns its row id. The
    /// first operation of an author this copy has not announced yet is preceded by an
    /// `add_author` operation, so that other copies learn their name and role.
    pub(crate) fn append(&mut self, tx: &Transaction<'_>, op: &NewOperation<'_>) -> FResult<i64> {
        if op.changes.is_some() && op.kind != OpKind::AddAuthor.as_str() {
            self.announce(tx, op.author, op.time)?;
        }
        self.seq += 1;
        self.lamport += 1;
        tx.prepare_cached(
            "INSERT INTO operations (author, time, kind, doc, before, after, state, ref_op, replica,
                 seq, lamport, changes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            op.author, op.time, op.kind, op.doc, op.before, op.after, op.state, op.ref_op,
            self.replica, self.seq, self.lamport, op.changes
        ])?;
        Ok(tx.last_insert_rowid())
    }

    /// Records an `add_author` operation for author row `author` unless the log has one.
    fn announce(&mut self, tx: &Transaction<'_>, author: i64, time: i64) -> FResult<()> {
        if !self.announced.insert(author) {
            return Ok(());
        }
        let announced = tx.prepare_cached(ANNOUNCED)?.exists([author])?;
        if announced {
            return Ok(());
        }
        let (uid, name, role): (String, String, String) = tx
            .prepare_cached("SELECT uid, name, role FROM authors WHERE id = ?1")?
            .query_row([author], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let change = Change::Author {
            uid,
            name,
            role: Role::parse(&role).unwrap_or_default(),
        };
        self.append(
            tx,
            &NewOperation {
                author,
                time,
                kind: OpKind::AddAuthor.as_str(),
                doc: None,
                before: None,
                after: None,
                state: "record",
                ref_op: None,
                changes: Some(to_json(&[change], "operations.changes")?),
            },
        )?;
        Ok(())
    }
}

/// Appends one operation to the log (see [`LogCursor::append`]).
pub(crate) fn append_operation(tx: &Transaction<'_>, op: &NewOperation<'_>) -> FResult<i64> {
    LogCursor::load(tx)?.append(tx, op)
}

// An author's operations in one document, found through `operations_by_author_doc` (each
// edit and undo runs one of these; a plan test keeps them on the index).
/// A new edit discards author `?1`'s redo stack in document `?2`.
pub(crate) const DISCARD_REDO: &str =
    "UPDATE operations SET state = 'discarded' WHERE author = ?1 AND doc = ?2 AND state = 'undone'";
/// Author `?1`'s latest edit of document `?2` that undo can take back.
/// (A part of a larger operation, `ref_op` set, is undone with it, not alone.)
pub(crate) const LATEST_APPLIED: &str = "SELECT id, before, after FROM operations
     WHERE author = ?1 AND doc = ?2 AND state = 'applied' AND before IS NOT NULL
       AND ref_op IS NULL
     ORDER BY id DESC LIMIT 1";
/// The edit author `?1`'s latest undo in document `?2` took back, if still undone.
pub(crate) const LATEST_UNDONE: &str = "SELECT o.id, o.before, o.after FROM operations u
     JOIN operations o ON o.id = u.ref_op
     WHERE u.author = ?1 AND u.state = 'record' AND u.doc = ?2 AND u.kind = 'undo'
       AND o.state = 'undone'
     ORDER BY u.id DESC LIMIT 1";
/// Whether author `?1` was announced to other copies (an `add_author` operation).
pub(crate) const ANNOUNCED: &str = "SELECT 1 FROM operations
     WHERE author = ?1 AND doc IS NULL AND state = 'record' AND kind = 'add_author'";

/// Records `author`'s edit of document `doc`: its changes (for other copies) and the
/// snapshots undo moves between. A new edit discards the author's redo stack in `doc`.
#[allow(clippy::too_many_arguments)]
fn record(
    tx: &Transaction<'_>,
    author: i64,
    now: i64,
    kind: OpKind,
    doc: i64,
    before: &Snapshot,
    after: &Snapshot,
    changes: &[Change],
) -> FResult<i64> {
    tx.prepare_cached(DISCARD_REDO)?.execute([author, doc])?;
    append_operation(
        tx,
        &NewOperation {
            author,
            time: now,
            kind: kind.as_str(),
            doc: Some(doc),
            before: Some(to_json(before, "operations.before")?),
            after: Some(to_json(after, "operations.after")?),
            state: "applied",
            ref_op: None,
            changes: Some(to_json(&changes, "operations.changes")?),
        },
    )
}

/// Moves document `doc`'s rows from `before` to `after` ([`transition`]) and records it as
/// author row `author`'s edit of `kind` ([`record`]): every edit's one path.
fn edit(
    tx: &Transaction<'_>,
    doc: i64,
    author: i64,
    now: i64,
    kind: OpKind,
    before: &Snapshot,
    after: &Snapshot,
) -> FResult<()> {
    let changes = transition(tx, doc, author, before, after, now)?;
    record(tx, author, now, kind, doc, before, after, &changes)?;
    Ok(())
}

/// Author `name`'s row id, if they exist.
pub(crate) fn find_author(conn: &rusqlite::Connection, name: &str) -> FResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM authors WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

/// What an undo did: the edit it undid, if any, and the later edits it had to skip because
/// someone changed their rows since.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct UndoOutcome {
    /// The edit undone; `None` when there was nothing (left) to undo.
    pub operation: Option<Operation>,
    /// Edits that could no longer be undone, newest first; they leave the undo stack.
    pub skipped: Vec<SkippedOperation>,
}

/// An edit that undo had to skip.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SkippedOperation {
    /// The edit.
    pub operation: Operation,
    /// Why it could not be undone.
    pub reason: String,
}

/// Span `gid`'s current state, if it exists.
fn current_span(tx: &Transaction<'_>, gid: &str) -> FResult<Option<SpanState>> {
    match load_span_by_gid(tx, gid)? {
        Some(s) => span_state(tx, &s).map(Some),
        None => Ok(None),
    }
}

/// Relation `gid`'s current state, if it exists.
fn current_relation(tx: &Transaction<'_>, gid: &str) -> FResult<Option<RelationState>> {
    Ok(tx
        .prepare_cached(
            "SELECT r.gid, d.doc_id, f.gid, t.gid, r.label, a.uid, r.created
             FROM relations r JOIN documents d ON d.id = r.doc JOIN spans f ON f.id = r.from_span
             JOIN spans t ON t.id = r.to_span JOIN authors a ON a.id = r.author WHERE r.gid = ?1",
        )?
        .query_row([gid], |r| {
            Ok(RelationState {
                gid: r.get(0)?,
                doc_id: r.get(1)?,
                from: r.get(2)?,
                to: r.get(3)?,
                label: r.get(4)?,
                author: r.get(5)?,
                created: r.get(6)?,
            })
        })
        .optional()?)
}

/// What moves the rows from `from` to `to`: relations removed, spans removed, spans set or
/// added, relations added, the status.
fn changes_between(from: &Snapshot, to: &Snapshot, doc_id: &str, author_uid: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    for r in from
        .relations
        .iter()
        .filter(|r| !to.relations.iter().any(|t| t.gid == r.gid))
    {
        changes.push(Change::RelationDelete { gid: r.gid.clone() });
    }
    for s in from
        .spans
        .iter()
        .filter(|s| !to.spans.iter().any(|t| t.gid == s.gid))
    {
        changes.push(Change::SpanDelete { gid: s.gid.clone() });
    }
    for s in &to.spans {
        match from.spans.iter().find(|f| f.gid == s.gid) {
            None => changes.push(Change::Span(s.clone())),
            Some(f) => {
                let fields = SpanFields {
                    revision: (f.revision != s.revision).then(|| s.revision.clone()),
                    start: (f.start != s.start || f.revision != s.revision).then_some(s.start),
                    end: (f.end != s.end || f.revision != s.revision).then_some(s.end),
                    label: (f.label != s.label).then(|| s.label.clone()),
                    attrs: (f.attrs != s.attrs).then(|| s.attrs.clone()),
                    note: (f.note != s.note).then(|| s.note.clone()),
                    anchor: (f.anchor != s.anchor).then_some(s.anchor),
                    confidence: (f.confidence != s.confidence).then_some(s.confidence),
                };
                if !fields.is_empty() {
                    changes.push(Change::SpanFields {
                        gid: s.gid.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for r in to
        .relations
        .iter()
        .filter(|r| !from.relations.iter().any(|f| f.gid == r.gid))
    {
        changes.push(Change::Relation(r.clone()));
    }
    if let Some(status) = to.status.filter(|s| from.status != Some(*s)) {
        changes.push(Change::Status {
            doc_id: doc_id.to_string(),
            author: author_uid.to_string(),
            status,
        });
    }
    changes
}

/// Refuses to move document `doc`'s rows from state `from` to `to` if they are no longer as
/// `from` says (someone changed them since `from` was taken): undo and redo, whose snapshots
/// are old. A new edit's snapshot is read in its own transaction and needs no check.
pub(crate) fn verify_unchanged(
    tx: &Transaction<'_>,
    doc: i64,
    author: i64,
    from: &Snapshot,
    to: &Snapshot,
) -> FResult<()> {
    let changed = |what: String| {
        Fail::conflict(
            what.clone(),
            format!("{what} was changed since; cannot undo or redo over it"),
        )
    };
    for s in &from.spans {
        if current_span(tx, &s.gid)?.as_ref() != Some(s) {
            return Err(changed(format!("span {}", s.uid)));
        }
    }
    for s in to
        .spans
        .iter()
        .filter(|s| !from.spans.iter().any(|f| f.gid == s.gid))
    {
        if current_span(tx, &s.gid)?.is_some() {
            return Err(changed(format!("span {}", s.uid)));
        }
    }
    for r in &from.relations {
        if current_relation(tx, &r.gid)?.as_ref() != Some(r) {
            return Err(changed(format!("relation {}", r.label)));
        }
    }
    if let Some(status) = from.status {
        if person_status(tx, doc, author)? != status {
            return Err(changed("document status".into()));
        }
    }
    Ok(())
}

/// Moves the rows from state `from` to state `to` through the [`Applier`]. Returns the changes
/// made.
pub(crate) fn transition(
    tx: &Transaction<'_>,
    doc: i64,
    author: i64,
    from: &Snapshot,
    to: &Snapshot,
    now: i64,
) -> FResult<Vec<Change>> {
    // Rows an import wrote are about to change: its changes are written out first. Creating
    // spans or relations beside them, or a status, leaves them as they were.
    if !from.spans.is_empty() || !from.relations.is_empty() {
        crate::apply::materialize(tx, doc)?;
    }
    let (doc_id, author_uid): (String, String) = tx
        .prepare_cached(
            "SELECT d.doc_id, a.uid FROM documents d, authors a WHERE d.id = ?1 AND a.id = ?2",
        )?
        .query_row([doc, author], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let changes = changes_between(from, to, &doc_id, &author_uid);
    let mut applier = Applier::new(tx);
    applier.knows(&doc_id, doc, &author_uid, author);
    for c in &changes {
        applier.apply(now, c)?;
    }
    Ok(changes)
}

/// Author `author`'s status of document `doc` (`todo` until they set one).
pub(crate) fn person_status(
    conn: &rusqlite::Connection,
    doc: i64,
    author: i64,
) -> FResult<DocStatus> {
    let status: Option<String> = conn
        .prepare_cached("SELECT status FROM doc_status WHERE doc = ?1 AND author = ?2")?
        .query_row([doc, author], |r| r.get(0))
        .optional()?;
    match status {
        None => Ok(DocStatus::Todo),
        Some(s) => DocStatus::parse(&s)
            .ok_or_else(|| Fail::corrupt("doc_status.status", format!("unknown status {s:?}"))),
    }
}

pub(crate) fn load_operation(tx: &rusqlite::Connection, id: i64) -> FResult<Operation> {
    let mut stmt = tx.prepare_cached(
        "SELECT o.id, a.name, o.time, o.kind, d.doc_id, o.before, o.after, o.state
         FROM operations o JOIN authors a ON a.id = o.author LEFT JOIN documents d ON d.id = o.doc
         WHERE o.id = ?1",
    )?;
    let mut rows = stmt.query([id])?;
    let r = rows
        .next()?
        .ok_or_else(|| Fail::not_found(format!("operation {id}")))?;
    operation_from_row(r)
}

fn operation_from_row(r: &rusqlite::Row<'_>) -> FResult<Operation> {
    let kind: String = r.get(3)?;
    let json = |i: usize, field: &str| -> FResult<Option<serde_json::Value>> {
        let s: Option<String> = r.get(i)?;
        s.map(|s| serde_json::from_str(&s).map_err(|e| Fail::corrupt(field, e)))
            .transpose()
    };
    let state: String = r.get(7)?;
    Ok(Operation {
        id: r.get(0)?,
        author: r.get(1)?,
        time: format_time(r.get(2)?),
        kind: OpKind::parse(&kind)
            .ok_or_else(|| Fail::corrupt("operations.kind", format!("unknown kind {kind:?}")))?,
        doc_id: r.get(4)?,
        before: json(5, "operations.before")?,
        after: json(6, "operations.after")?,
        undone: state == "undone",
    })
}

impl Store {
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, i64) -> FResult<T>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let run = |conn: &mut rusqlite::Connection| -> FResult<T> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = f(&tx, now())?;
            tx.commit()?;
            Ok(out)
        };
        run(&mut self.conn).map_err(|f| f.at(&path))
    }

    /// Creates a span, recorded as `author`'s operation.
    pub fn create_span(&mut self, author: &str, new: &NewSpan) -> Result<Span, StoreError> {
        self.write(|tx, now| {
            let (doc, revision) = document_key(tx, &new.doc_id)?;
            if revision != new.revision {
                return Err(Fail::stale(&new.doc_id, revision));
            }
            let author_row = author_id(tx, author, now)?;
            let (hash, author_uid): (String, String) = tx
                .prepare_cached(
                    "SELECT r.hash, a.uid FROM revisions r, authors a
                     WHERE r.doc = ?1 AND r.number = ?2 AND a.id = ?3",
                )?
                .query_row(params![doc, revision, author_row], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            // A new span's id is global: two copies of a project never make the same one.
            let gid = new_gid();
            let state = SpanState {
                gid: gid.clone(),
                doc_id: new.doc_id.clone(),
                uid: new.uid.clone().unwrap_or_else(|| gid.clone()),
                revision: hash,
                start: new.start,
                end: new.end,
                label: new.label.clone(),
                layer: new.layer.clone(),
                attrs: new.attrs.clone(),
                note: new.note.clone(),
                author: author_uid,
                anchor: AnchorState::Exact,
                confidence: 1.0,
                created: now,
            };
            let after = Snapshot {
                spans: vec![state],
                ..Snapshot::default()
            };
            edit(
                tx,
                doc,
                author_row,
                now,
                OpKind::CreateSpan,
                &Snapshot::default(),
                &after,
            )?;
            load_span_by_gid(tx, &gid)?.ok_or_else(|| Fail::not_found(format!("span {gid}")))
        })
    }

    /// Writes `span`'s label, bounds, attributes and note over the stored span with the same
    /// id, recorded as `author`'s operation.
    pub fn update_span(&mut self, author: &str, span: &Span) -> Result<Span, StoreError> {
        self.write(|tx, now| {
            let stored = load_span(tx, span.id)?
                .ok_or_else(|| Fail::not_found(format!("span {}", span.id.0)))?;
            let doc = document_key(tx, &stored.doc_id)?.0;
            let author_row = author_id(tx, author, now)?;
            let before = span_state(tx, &stored)?;
            let mut wanted = before.clone();
            (wanted.start, wanted.end) = (span.start, span.end);
            wanted.label = span.label.clone();
            wanted.attrs = span.attrs.clone();
            wanted.note = span.note.clone();
            let before = Snapshot {
                spans: vec![before],
                ..Snapshot::default()
            };
            let after = Snapshot {
                spans: vec![wanted],
                ..Snapshot::default()
            };
            edit(
                tx,
                doc,
                author_row,
                now,
                OpKind::UpdateSpan,
                &before,
                &after,
            )?;
            load_span(tx, span.id)?.ok_or_else(|| Fail::not_found(format!("span {}", span.id.0)))
        })
    }

    /// Deletes a span and its relations, recorded as `author`'s operation.
    pub fn delete_span(&mut self, author: &str, id: SpanId) -> Result<Span, StoreError> {
        self.write(|tx, now| {
            let span =
                load_span(tx, id)?.ok_or_else(|| Fail::not_found(format!("span {}", id.0)))?;
            let doc = document_key(tx, &span.doc_id)?.0;
            let author_row = author_id(tx, author, now)?;
            let mut relations = Vec::new();
            for r in relations_of_span(tx, id)? {
                relations.extend(current_relation(tx, &r.gid)?);
            }
            let before = Snapshot {
                spans: vec![span_state(tx, &span)?],
                relations,
                status: None,
            };
            edit(
                tx,
                doc,
                author_row,
                now,
                OpKind::DeleteSpan,
                &before,
                &Snapshot::default(),
            )?;
            Ok(span)
        })
    }

    /// Creates a relation, recorded as `author`'s operation.
    pub fn create_relation(
        &mut self,
        author: &str,
        new: &NewRelation,
    ) -> Result<Relation, StoreError> {
        self.write(|tx, now| {
            let from = load_span(tx, new.from)?
                .ok_or_else(|| Fail::not_found(format!("span {}", new.from.0)))?;
            let to = load_span(tx, new.to)?
                .ok_or_else(|| Fail::not_found(format!("span {}", new.to.0)))?;
            if from.doc_id != to.doc_id {
                return Err(Fail::conflict(
                    "to",
                    "a relation must link spans of one document",
                ));
            }
            let taken = tx
                .prepare_cached(
                    "SELECT 1 FROM relations WHERE from_span = ?1 AND to_span = ?2 AND label = ?3",
                )?
                .exists(params![new.from.0, new.to.0, new.label])?;
            if taken {
                return Err(Fail::conflict(
                    "relation",
                    format!("these spans are already linked by {}", new.label),
                ));
            }
            let doc = document_key(tx, &from.doc_id)?.0;
            let author_row = author_id(tx, author, now)?;
            let author_uid: String =
                tx.query_row("SELECT uid FROM authors WHERE id = ?1", [author_row], |r| {
                    r.get(0)
                })?;
            let gid = new_gid();
            let state = RelationState {
                gid: gid.clone(),
                doc_id: from.doc_id.clone(),
                from: from.gid.clone(),
                to: to.gid.clone(),
                label: new.label.clone(),
                author: author_uid,
                created: now,
            };
            let after = Snapshot {
                relations: vec![state],
                ..Snapshot::default()
            };
            edit(
                tx,
                doc,
                author_row,
                now,
                OpKind::CreateRelation,
                &Snapshot::default(),
                &after,
            )?;
            let id: i64 = tx.query_row("SELECT id FROM relations WHERE gid = ?1", [&gid], |r| {
                r.get(0)
            })?;
            load_relation(tx, RelationId(id))?
                .ok_or_else(|| Fail::not_found(format!("relation {gid}")))
        })
    }

    /// Deletes a relation, recorded as `author`'s operation.
    pub fn delete_relation(
        &mut self,
        author: &str,
        id: RelationId,
    ) -> Result<Relation, StoreError> {
        self.write(|tx, now| {
            let rel = load_relation(tx, id)?
                .ok_or_else(|| Fail::not_found(format!("relation {}", id.0)))?;
            let state = current_relation(tx, &rel.gid)?
                .ok_or_else(|| Fail::not_found(format!("relation {}", id.0)))?;
            let doc = document_key(tx, &state.doc_id)?.0;
            let author_row = author_id(tx, author, now)?;
            let before = Snapshot {
                relations: vec![state],
                ..Snapshot::default()
            };
            edit(
                tx,
                doc,
                author_row,
                now,
                OpKind::DeleteRelation,
                &before,
                &Snapshot::default(),
            )?;
            Ok(rel)
        })
    }

    /// Sets `author`'s status of a document, recorded as their operation.
    pub fn set_status(
        &mut self,
        author: &str,
        doc_id: &str,
        status: DocStatus,
    ) -> Result<(), StoreError> {
        self.write(|tx, now| {
            let (doc, _) = document_key(tx, doc_id)?;
            let author_row = author_id(tx, author, now)?;
            let before = Snapshot {
                status: Some(person_status(tx, doc, author_row)?),
                ..Snapshot::default()
            };
            let after = Snapshot {
                status: Some(status),
                ..Snapshot::default()
            };
            edit(tx, doc, author_row, now, OpKind::SetStatus, &before, &after)?;
            Ok(())
        })
    }

    /// Adds author `name` with `role`, or gives an existing author that role. Returns whether
    /// the author is new.
    pub fn set_author_role(
        &mut self,
        name: &str,
        role: glossa_core::Role,
    ) -> Result<bool, StoreError> {
        self.write(|tx, now| {
            let existed = find_author(tx, name)?.is_some();
            let id = author_id(tx, name, now)?;
            tx.execute(
                "UPDATE authors SET role = ?2 WHERE id = ?1",
                params![id, role.as_str()],
            )?;
            Ok(!existed)
        })
    }

    /// Author `author`'s own status of document `doc_id` (`todo` until they set one).
    pub fn person_status(&self, doc_id: &str, author: &str) -> Result<DocStatus, StoreError> {
        let run = || -> FResult<DocStatus> {
            let (doc, _) = document_key(&self.conn, doc_id)?;
            match find_author(&self.conn, author)? {
                Some(a) => person_status(&self.conn, doc, a),
                None => Ok(DocStatus::Todo),
            }
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Undoes `author`'s latest applied edit of document `doc_id`. An edit whose rows someone
    /// changed since can no longer be undone: it is skipped (and reported), so it never blocks
    /// the edits before it.
    pub fn undo(&mut self, author: &str, doc_id: &str) -> Result<UndoOutcome, StoreError> {
        self.write(|tx, now| {
            let (doc, _) = document_key(tx, doc_id)?;
            let mut outcome = UndoOutcome::default();
            let Some(author_row) = find_author(tx, author)? else {
                return Ok(outcome);
            };
            loop {
                let row = tx
                    .prepare_cached(LATEST_APPLIED)?
                    .query_row([author_row, doc], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                let Some((op, before, after)) = row else {
                    return Ok(outcome);
                };
                let (before, after) = snapshots(before, after)?;
                let undone = verify_unchanged(tx, doc, author_row, &after, &before)
                    .and_then(|()| transition(tx, doc, author_row, &after, &before, now));
                match undone {
                    Ok(changes) => {
                        mark_and_record(tx, op, "undone", "undo", author_row, doc, now, &changes)?;
                        outcome.operation = Some(load_operation(tx, op)?);
                        return Ok(outcome);
                    }
                    Err(Fail {
                        kind: StoreErrorKind::Conflict(reason),
                        ..
                    }) => {
                        tx.execute(
                            "UPDATE operations SET state = 'discarded' WHERE id = ?1",
                            [op],
                        )?;
                        outcome.skipped.push(SkippedOperation {
                            operation: load_operation(tx, op)?,
                            reason,
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// Redoes `author`'s most recently undone edit of document `doc_id`; `None` when there is
    /// nothing to redo (nothing undone, or a newer edit discarded the redo stack).
    pub fn redo(&mut self, author: &str, doc_id: &str) -> Result<Option<Operation>, StoreError> {
        self.write(|tx, now| {
            let (doc, _) = document_key(tx, doc_id)?;
            let Some(author_row) = find_author(tx, author)? else {
                return Ok(None);
            };
            let row = tx
                .prepare_cached(LATEST_UNDONE)?
                .query_row([author_row, doc], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((op, before, after)) = row else {
                return Ok(None);
            };
            let (before, after) = snapshots(before, after)?;
            verify_unchanged(tx, doc, author_row, &before, &after)?;
            let changes = transition(tx, doc, author_row, &before, &after, now)?;
            mark_and_record(tx, op, "applied", "redo", author_row, doc, now, &changes)?;
            load_operation(tx, op).map(Some)
        })
    }

    /// The history, newest first: every operation (of document `doc_id` when given).
    pub fn history(
        &self,
        doc_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Operation>, StoreError> {
        let run = || -> FResult<Vec<Operation>> {
            let mut stmt = self.conn.prepare(
                "SELECT o.id, a.name, o.time, o.kind, d.doc_id, o.before, o.after, o.state
                 FROM operations o JOIN authors a ON a.id = o.author LEFT JOIN documents d ON d.id = o.doc
                 WHERE ?1 IS NULL OR d.doc_id = ?1 ORDER BY o.id DESC LIMIT ?2",
            )?;
            let mut rows = stmt.query(params![doc_id, i64::try_from(limit).unwrap_or(i64::MAX)])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(operation_from_row(r)?);
            }
            Ok(out)
        };
        run().map_err(|f| f.at(&self.path))
    }
}
