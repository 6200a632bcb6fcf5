//! Edits of spans, relations and document status. Each edit is one transaction that changes
//! the rows and appends an operation holding JSON snapshots of the state before and after.
//! Undo and redo (per author, surviving reopening) move between those snapshots, after checking
//! that nobody changed the rows since.

use glossa_core::{
    AnchorState, Attrs, DocStatus, OpKind, Operation, Relation, RelationId, Span, SpanId,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::documents::{load_relation, load_span, relations_of_span};
use crate::error::{FResult, Fail};
use crate::ids::new_gid;
use crate::rows::{
    attrs_json, author_id, document_key, format_time, insert_span, parse_time, write_span_row,
    SpanRow, INSERT_SPAN, UPDATE_SPAN,
};
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

/// The state an operation moves between.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Snapshot {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spans: Vec<Span>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    relations: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<DocStatus>,
}

fn to_json(s: &Snapshot) -> FResult<String> {
    serde_json::to_string(s).map_err(|e| Fail::corrupt("operations.after", e))
}

fn from_json(s: Option<String>, field: &str) -> FResult<Snapshot> {
    match s {
        None => Ok(Snapshot::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| Fail::corrupt(field, e)),
    }
}

fn record(
    tx: &Transaction<'_>,
    author: &str,
    now: i64,
    kind: OpKind,
    doc: i64,
    before: &Snapshot,
    after: &Snapshot,
) -> FResult<i64> {
    let author = author_id(tx, author, now)?;
    tx.prepare_cached(
        "UPDATE operations SET state = 'discarded'
         WHERE author = ?1 AND doc = ?2 AND state = 'undone'",
    )?
    .execute([author, doc])?;
    append_operation(
        tx,
        &NewOperation {
            author,
            time: now,
            kind: kind.as_str(),
            doc: Some(doc),
            before: Some(to_json(before)?),
            after: Some(to_json(after)?),
            state: "applied",
            ref_op: None,
        },
    )
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
}

/// Appends an operation to the log with this copy's replica id, its next sequence number and
/// the next Lamport clock value, and returns its row id.
pub(crate) fn append_operation(tx: &Transaction<'_>, op: &NewOperation<'_>) -> FResult<i64> {
    let replica: String = tx
        .prepare_cached("SELECT value FROM project WHERE key = 'replica'")?
        .query_row([], |r| r.get(0))?;
    let (seq, lamport): (i64, i64) = tx
        .prepare_cached(
            "SELECT coalesce((SELECT max(seq) FROM operations WHERE replica = ?1), 0) + 1,
                    coalesce((SELECT max(lamport) FROM operations), 0) + 1",
        )?
        .query_row([&replica], |r| Ok((r.get(0)?, r.get(1)?)))?;
    tx.prepare_cached(
        "INSERT INTO operations (author, time, kind, doc, before, after, state, ref_op, replica,
             seq, lamport)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        op.author, op.time, op.kind, op.doc, op.before, op.after, op.state, op.ref_op, replica,
        seq, lamport
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Author `name`'s row id, if they exist.
fn find_author(conn: &rusqlite::Connection, name: &str) -> FResult<Option<i64>> {
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

fn span_doc(tx: &Transaction<'_>, span: &Span) -> FResult<i64> {
    Ok(document_key(tx, &span.doc_id)?.0)
}

fn write_span(tx: &Transaction<'_>, s: &Span, insert: bool, now: i64) -> FResult<()> {
    let (doc, _) = document_key(tx, &s.doc_id)?;
    let row = SpanRow {
        id: Some(s.id.0),
        gid: &s.gid,
        doc,
        uid: &s.uid,
        revision: s.revision,
        start: s.start,
        end: s.end,
        label: &s.label,
        layer: &s.layer,
        attrs: attrs_json(&s.attrs)?,
        note: s.note.as_deref(),
        author: author_id(tx, &s.author, now)?,
        created: parse_time(&s.created, "span.created")?,
        updated: parse_time(&s.updated, "span.updated")?,
        text: &s.text,
        anchor: s.anchor,
        confidence: s.confidence,
    };
    let mut stmt = tx.prepare_cached(if insert { INSERT_SPAN } else { UPDATE_SPAN })?;
    write_span_row(&mut stmt, &row)
}

fn insert_relation(tx: &Transaction<'_>, r: &Relation, now: i64) -> FResult<()> {
    let from =
        load_span(tx, r.from)?.ok_or_else(|| Fail::not_found(format!("span {}", r.from.0)))?;
    let doc = span_doc(tx, &from)?;
    let author = author_id(tx, &r.author, now)?;
    tx.prepare_cached(
        "INSERT INTO relations (id, doc, from_span, to_span, label, author, created, gid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        r.id.0,
        doc,
        r.from.0,
        r.to.0,
        r.label,
        author,
        parse_time(&r.created, "relation.created")?,
        r.gid
    ])
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Fail::conflict(
                "relation",
                format!("these spans are already linked by {}", r.label),
            )
        }
        e => e.into(),
    })?;
    Ok(())
}

/// Moves the rows from state `from` to state `to`, refusing if the rows are no longer as
/// `from` says (someone changed them since).
fn transition(
    tx: &Transaction<'_>,
    doc: Option<i64>,
    author: i64,
    from: &Snapshot,
    to: &Snapshot,
    now: i64,
) -> FResult<()> {
    let changed = |what: String| {
        Fail::conflict(
            what.clone(),
            format!("{what} was changed since; cannot undo or redo over it"),
        )
    };
    for s in &from.spans {
        if load_span(tx, s.id)?.as_ref() != Some(s) {
            return Err(changed(format!("span {}", s.uid)));
        }
    }
    for s in to
        .spans
        .iter()
        .filter(|s| !from.spans.iter().any(|f| f.id == s.id))
    {
        if load_span(tx, s.id)?.is_some() {
            return Err(changed(format!("span {}", s.uid)));
        }
    }
    for r in &from.relations {
        if load_relation(tx, r.id)?.as_ref() != Some(r) {
            return Err(changed(format!("relation {}", r.id.0)));
        }
    }
    if let (Some(doc), Some(status)) = (doc, from.status) {
        if person_status(tx, doc, author)? != status {
            return Err(changed("document status".into()));
        }
    }
    for r in from
        .relations
        .iter()
        .filter(|r| !to.relations.iter().any(|t| t.id == r.id))
    {
        tx.prepare_cached("DELETE FROM relations WHERE id = ?1")?
            .execute([r.id.0])?;
    }
    for s in from
        .spans
        .iter()
        .filter(|s| !to.spans.iter().any(|t| t.id == s.id))
    {
        tx.prepare_cached("DELETE FROM spans WHERE id = ?1")?
            .execute([s.id.0])?;
    }
    for s in &to.spans {
        let existed = from.spans.iter().any(|f| f.id == s.id);
        write_span(tx, s, !existed, now)?;
    }
    for r in to
        .relations
        .iter()
        .filter(|r| !from.relations.iter().any(|f| f.id == r.id))
    {
        insert_relation(tx, r, now)?;
    }
    if let (Some(doc), Some(status)) = (doc, to.status) {
        tx.prepare_cached(
            "INSERT INTO doc_status (doc, author, status, updated) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (doc, author) DO UPDATE SET status = excluded.status,
                 updated = excluded.updated",
        )?
        .execute(params![doc, author, status.as_str(), now])?;
    }
    Ok(())
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

fn load_operation(tx: &rusqlite::Connection, id: i64) -> FResult<Operation> {
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
    fn write<T>(
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
            // A new span's id is global: two copies of a project never make the same one.
            let gid = new_gid();
            let uid = new.uid.clone().unwrap_or_else(|| gid.clone());
            let author_row = author_id(tx, author, now)?;
            let id = insert_span(
                tx,
                &SpanRow {
                    id: None,
                    gid: &gid,
                    doc,
                    uid: &uid,
                    revision,
                    start: new.start,
                    end: new.end,
                    label: &new.label,
                    layer: &new.layer,
                    attrs: attrs_json(&new.attrs)?,
                    note: new.note.as_deref(),
                    author: author_row,
                    created: now,
                    updated: now,
                    text: &new.text,
                    anchor: AnchorState::Exact,
                    confidence: 1.0,
                },
            )?;
            let span =
                load_span(tx, SpanId(id))?.ok_or_else(|| Fail::not_found(format!("span {id}")))?;
            let after = Snapshot {
                spans: vec![span.clone()],
                ..Snapshot::default()
            };
            record(
                tx,
                author,
                now,
                OpKind::CreateSpan,
                doc,
                &Snapshot::default(),
                &after,
            )?;
            Ok(span)
        })
    }

    /// Writes `span`'s label, bounds, quote, attributes and note over the stored span with
    /// the same id, recorded as `author`'s operation.
    pub fn update_span(&mut self, author: &str, span: &Span) -> Result<Span, StoreError> {
        self.write(|tx, now| {
            let before = load_span(tx, span.id)?
                .ok_or_else(|| Fail::not_found(format!("span {}", span.id.0)))?;
            let mut after = span.clone();
            after.updated = format_time(now);
            (after.doc_id, after.created, after.author, after.revision) = (
                before.doc_id.clone(),
                before.created.clone(),
                before.author.clone(),
                before.revision,
            );
            write_span(tx, &after, false, now)?;
            let doc = span_doc(tx, &before)?;
            let snap = |s: Span| Snapshot {
                spans: vec![s],
                ..Snapshot::default()
            };
            record(
                tx,
                author,
                now,
                OpKind::UpdateSpan,
                doc,
                &snap(before),
                &snap(after.clone()),
            )?;
            Ok(after)
        })
    }

    /// Deletes a span and its relations, recorded as `author`'s operation.
    pub fn delete_span(&mut self, author: &str, id: SpanId) -> Result<Span, StoreError> {
        self.write(|tx, now| {
            let span =
                load_span(tx, id)?.ok_or_else(|| Fail::not_found(format!("span {}", id.0)))?;
            let relations = relations_of_span(tx, id)?;
            let doc = span_doc(tx, &span)?;
            let before = Snapshot {
                spans: vec![span.clone()],
                relations,
                status: None,
            };
            transition(
                tx,
                Some(doc),
                author_id(tx, author, now)?,
                &before,
                &Snapshot::default(),
                now,
            )?;
            record(
                tx,
                author,
                now,
                OpKind::DeleteSpan,
                doc,
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
            let from = load_span(tx, new.from)?.ok_or_else(|| Fail::not_found(format!("span {}", new.from.0)))?;
            let to = load_span(tx, new.to)?.ok_or_else(|| Fail::not_found(format!("span {}", new.to.0)))?;
            if from.doc_id != to.doc_id {
                return Err(Fail::conflict("to", "a relation must link spans of one document"));
            }
            let next: i64 = tx.query_row(
                "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'relations'), 0) + 1",
                [],
                |r| r.get(0),
            )?;
            let relation = Relation {
                id: RelationId(next),
                gid: new_gid(),
                from: new.from,
                to: new.to,
                label: new.label.clone(),
                author: author.to_string(),
                created: format_time(now),
            };
            insert_relation(tx, &relation, now)?;
            let doc = span_doc(tx, &from)?;
            let after = Snapshot { relations: vec![relation.clone()], ..Snapshot::default() };
            record(tx, author, now, OpKind::CreateRelation, doc, &Snapshot::default(), &after)?;
            Ok(relation)
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
            let from = load_span(tx, rel.from)?
                .ok_or_else(|| Fail::not_found(format!("span {}", rel.from.0)))?;
            let doc = span_doc(tx, &from)?;
            let before = Snapshot {
                relations: vec![rel.clone()],
                ..Snapshot::default()
            };
            transition(
                tx,
                Some(doc),
                author_id(tx, author, now)?,
                &before,
                &Snapshot::default(),
                now,
            )?;
            record(
                tx,
                author,
                now,
                OpKind::DeleteRelation,
                doc,
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
            transition(tx, Some(doc), author_row, &before, &after, now)?;
            record(tx, author, now, OpKind::SetStatus, doc, &before, &after)?;
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
                    .prepare_cached(
                        "SELECT id, before, after FROM operations
                         WHERE author = ?1 AND doc = ?2 AND state = 'applied'
                         ORDER BY id DESC LIMIT 1",
                    )?
                    .query_row([author_row, doc], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                let Some((op, before, after)) = row else {
                    return Ok(outcome);
                };
                let (before, after) = (
                    from_json(before, "operations.before")?,
                    from_json(after, "operations.after")?,
                );
                match transition(tx, Some(doc), author_row, &after, &before, now) {
                    Ok(()) => {
                        tx.execute("UPDATE operations SET state = 'undone' WHERE id = ?1", [op])?;
                        append_operation(
                            tx,
                            &NewOperation {
                                author: author_row,
                                time: now,
                                kind: "undo",
                                doc: Some(doc),
                                before: None,
                                after: None,
                                state: "record",
                                ref_op: Some(op),
                            },
                        )?;
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
                .prepare_cached(
                    "SELECT o.id, o.before, o.after FROM operations u
                     JOIN operations o ON o.id = u.ref_op
                     WHERE u.author = ?1 AND u.doc = ?2 AND u.kind = 'undo' AND o.state = 'undone'
                     ORDER BY u.id DESC LIMIT 1",
                )?
                .query_row([author_row, doc], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((op, before, after)) = row else {
                return Ok(None);
            };
            let (before, after) = (
                from_json(before, "operations.before")?,
                from_json(after, "operations.after")?,
            );
            transition(tx, Some(doc), author_row, &before, &after, now)?;
            tx.execute(
                "UPDATE operations SET state = 'applied' WHERE id = ?1",
                [op],
            )?;
            append_operation(
                tx,
                &NewOperation {
                    author: author_row,
                    time: now,
                    kind: "redo",
                    doc: Some(doc),
                    before: None,
                    after: None,
                    state: "record",
                    ref_op: Some(op),
                },
            )?;
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
