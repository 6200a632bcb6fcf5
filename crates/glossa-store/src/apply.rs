//! The deterministic apply: one function turns operations from any source (this copy's edits,
//! another copy's log) into rows, so that copies holding the same operations hold the same
//! state, whatever order the operations arrived in (see `docs/model.md`).
//!
//! - [`Applier::apply`] applies one [`Change`] to the rows. Edits of this copy go through it
//!   too, so a local edit and its replay elsewhere write the same rows.
//! - [`Store::apply`] takes a batch of operations: those already seen are skipped
//!   (idempotence); an operation that sorts after everything its document has seen is applied
//!   at once; otherwise the document is rebuilt by replaying all its operations in stamp order
//!   (convergence). Last writer wins per field because later stamps are applied later; a
//!   delete wins over concurrent edits because an edit of a missing span changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use glossa_core::op::{Change, Op, RelationState, SpanFields, SpanState, Stamp};
use glossa_core::{IndexedText, OpKind};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{FResult, Fail};
use crate::rows::{attrs_json, parse_time};
use crate::{Store, StoreError};

/// A span row's id, document row, revision number, start and end.
type SpanRow = (i64, i64, u32, usize, usize);

/// Applies changes inside one transaction, caching what it looks up.
pub(crate) struct Applier<'t, 'c> {
    tx: &'t Transaction<'c>,
    authors: HashMap<String, i64>,
    docs: HashMap<String, i64>,
    texts: HashMap<(i64, u32), IndexedText>,
    revisions: HashMap<(i64, String), u32>,
}

impl<'t, 'c> Applier<'t, 'c> {
    pub(crate) fn new(tx: &'t Transaction<'c>) -> Self {
        Self {
            tx,
            authors: HashMap::new(),
            docs: HashMap::new(),
            texts: HashMap::new(),
            revisions: HashMap::new(),
        }
    }

    /// Tells the applier the rows of a document and an author the caller has at hand.
    pub(crate) fn knows(&mut self, doc_id: &str, doc: i64, author_uid: &str, author: i64) {
        self.docs.insert(doc_id.to_string(), doc);
        self.authors.insert(author_uid.to_string(), author);
    }

    /// The row of the author with global id `uid` (an author not yet known is added under
    /// their id, until their `Author` change names them).
    pub(crate) fn author_row(&mut self, uid: &str, time: i64) -> FResult<i64> {
        if let Some(&id) = self.authors.get(uid) {
            return Ok(id);
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM authors WHERE uid = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached("INSERT INTO authors (name, created, uid) VALUES (?1, ?2, ?1)")?
                    .execute(params![uid, time])?;
                self.tx.last_insert_rowid()
            }
        };
        self.authors.insert(uid.to_string(), id);
        Ok(id)
    }

    /// The row of document `doc_id`, if it exists.
    pub(crate) fn doc_row(&mut self, doc_id: &str) -> FResult<Option<i64>> {
        if let Some(&id) = self.docs.get(doc_id) {
            return Ok(Some(id));
        }
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM documents WHERE doc_id = ?1")?
            .query_row([doc_id], |r| r.get(0))
            .optional()?;
        if let Some(id) = found {
            self.docs.insert(doc_id.to_string(), id);
        }
        Ok(found)
    }

    /// The number of document `doc`'s revision with hash `hash`, if known.
    fn revision_number(&mut self, doc: i64, hash: &str) -> FResult<Option<u32>> {
        if let Some(&n) = self.revisions.get(&(doc, hash.to_string())) {
            return Ok(Some(n));
        }
        let n: Option<u32> = self
            .tx
            .prepare_cached("SELECT number FROM revisions WHERE doc = ?1 AND hash = ?2")?
            .query_row(params![doc, hash], |r| r.get(0))
            .optional()?;
        if let Some(n) = n {
            self.revisions.insert((doc, hash.to_string()), n);
        }
        Ok(n)
    }

    /// The text of revision `number` of document `doc`, indexed.
    fn text(&mut self, doc: i64, number: u32) -> FResult<&IndexedText> {
        if !self.texts.contains_key(&(doc, number)) {
            let text: String = self
                .tx
                .prepare_cached("SELECT text FROM revisions WHERE doc = ?1 AND number = ?2")?
                .query_row(params![doc, number], |r| r.get(0))?;
            self.texts.insert((doc, number), IndexedText::new(text));
        }
        self.texts
            .get(&(doc, number))
            .ok_or_else(|| Fail::not_found(format!("revision {number}")))
    }

    /// Span `gid`'s row id, document row, revision number, start and end, if it exists.
    fn span_row(&self, gid: &str) -> FResult<Option<SpanRow>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id, doc, revision, start, \"end\" FROM spans WHERE gid = ?1")?
            .query_row([gid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?)
    }

    /// Adds the revision with `hash` (and `text`, empty when this copy has it already) to
    /// document `doc`, unless it has it, and makes it current.
    fn add_revision(&mut self, doc: i64, hash: &str, text: &str, time: i64) -> FResult<u32> {
        let number = match self.revision_number(doc, hash)? {
            Some(n) => n,
            None if text.is_empty() => {
                return Err(Fail::corrupt(
                    "operations.changes",
                    format!("revision {hash} arrived without its text"),
                ))
            }
            None => {
                let n: u32 = self
                    .tx
                    .prepare_cached(
                        "SELECT coalesce(max(number), 0) + 1 FROM revisions WHERE doc = ?1",
                    )?
                    .query_row([doc], |r| r.get(0))?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO revisions (doc, number, text, created, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![doc, n, text, time, hash])?;
                n
            }
        };
        self.tx
            .prepare_cached(
                "UPDATE documents SET revision = ?2, chars = ?3, updated = ?4 WHERE id = ?1",
            )?
            .execute(params![doc, number, text.chars().count() as i64, time])?;
        Ok(number)
    }

    /// Applies one change made at `time`.
    pub(crate) fn apply(&mut self, time: i64, change: &Change) -> FResult<()> {
        match change {
            Change::Author { uid, name, role } => {
                let id = self.author_row(uid, time)?;
                // A display name another author already has is told apart by the id.
                let taken = self
                    .tx
                    .prepare_cached("SELECT 1 FROM authors WHERE name = ?1 AND id != ?2")?
                    .exists(params![name, id])?;
                let shown = if taken {
                    format!("{name} ({})", &uid[uid.len().saturating_sub(6)..])
                } else {
                    name.clone()
                };
                self.tx
                    .prepare_cached("UPDATE authors SET name = ?2, role = ?3 WHERE id = ?1")?
                    .execute(params![id, shown, role.as_str()])?;
            }
            Change::Document {
                doc_id,
                meta,
                status,
                hash,
                text,
            } => {
                let doc = match self.doc_row(doc_id)? {
                    Some(doc) => doc,
                    None => {
                        self.tx
                            .prepare_cached(
                                "INSERT INTO documents (doc_id, title, meta, status, revision, chars, created, updated)
                                 VALUES (?1, ?1, '{}', 'todo', 1, 0, ?2, ?2)",
                            )?
                            .execute(params![doc_id, time])?;
                        let id = self.tx.last_insert_rowid();
                        self.docs.insert(doc_id.clone(), id);
                        id
                    }
                };
                self.set_document_fields(doc, doc_id, meta, *status)?;
                self.add_revision(doc, hash, text, time)?;
            }
            Change::Revision { doc_id, hash, text } => {
                let doc = self.need_doc(doc_id)?;
                self.add_revision(doc, hash, text, time)?;
            }
            Change::DocumentFields {
                doc_id,
                meta,
                status,
            } => {
                let doc = self.need_doc(doc_id)?;
                self.set_document_fields(doc, doc_id, meta, *status)?;
            }
            Change::Span(s) => self.put_span(s, time)?,
            Change::SpanFields { gid, fields } => self.set_span_fields(gid, fields, time)?,
            Change::SpanDelete { gid } => {
                self.tx
                    .prepare_cached("DELETE FROM spans WHERE gid = ?1")?
                    .execute([gid])?;
            }
            Change::Relation(r) => self.put_relation(r, time)?,
            Change::RelationDelete { gid } => {
                self.tx
                    .prepare_cached("DELETE FROM relations WHERE gid = ?1")?
                    .execute([gid])?;
            }
            Change::Status {
                doc_id,
                author,
                status,
            } => {
                let doc = self.need_doc(doc_id)?;
                let author = self.author_row(author, time)?;
                self.tx
                    .prepare_cached(
                        "INSERT INTO doc_status (doc, author, status, updated) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (doc, author) DO UPDATE SET status = excluded.status,
                             updated = excluded.updated",
                    )?
                    .execute(params![doc, author, status.as_str(), time])?;
            }
            Change::Schema(schema) => crate::labels::write_schema(self.tx, schema)?,
            Change::Review { doc_id, status } => {
                let doc = self.need_doc(doc_id)?;
                self.tx
                    .prepare_cached("UPDATE documents SET review = ?2 WHERE id = ?1")?
                    .execute(params![doc, status.as_str()])?;
            }
        }
        Ok(())
    }

    fn need_doc(&mut self, doc_id: &str) -> FResult<i64> {
        self.doc_row(doc_id)?
            .ok_or_else(|| Fail::not_found(format!("document {doc_id:?}")))
    }

    fn set_document_fields(
        &mut self,
        doc: i64,
        doc_id: &str,
        meta: &serde_json::Map<String, serde_json::Value>,
        status: glossa_core::DocStatus,
    ) -> FResult<()> {
        let title = meta.get("title").and_then(|t| t.as_str()).unwrap_or(doc_id);
        let json = serde_json::to_string(meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
        self.tx
            .prepare_cached(
                "UPDATE documents SET title = ?2, meta = ?3, status = ?4 WHERE id = ?1",
            )?
            .execute(params![doc, title, json, status.as_str()])?;
        Ok(())
    }

    /// Creates (or restores, or overwrites) span `s`. A span on a revision this copy does not
    /// have yet waits: the revision's arrival rebuilds the document, replaying it.
    fn put_span(&mut self, s: &SpanState, time: i64) -> FResult<()> {
        let Some(doc) = self.doc_row(&s.doc_id)? else {
            return Ok(());
        };
        let Some(number) = self.revision_number(doc, &s.revision)? else {
            return Ok(());
        };
        let author = self.author_row(&s.author, time)?;
        let words = self
            .text(doc, number)?
            .index()
            .slice(s.start, s.end)
            .map_err(|e| Fail::corrupt("spans.end", e))?
            .to_string();
        self.tx
            .prepare_cached(
                "INSERT INTO spans (doc, uid, revision, start, \"end\", label, layer, attrs, note,
                     author, created, updated, text, gid, anchor, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT (gid) DO UPDATE SET doc = excluded.doc, uid = excluded.uid,
                     revision = excluded.revision, start = excluded.start, \"end\" = excluded.\"end\",
                     label = excluded.label, layer = excluded.layer, attrs = excluded.attrs,
                     note = excluded.note, author = excluded.author, created = excluded.created,
                     updated = excluded.updated, text = excluded.text, anchor = excluded.anchor,
                     confidence = excluded.confidence",
            )?
            .execute(params![
                doc,
                s.uid,
                number,
                s.start as i64,
                s.end as i64,
                s.label,
                s.layer,
                attrs_json(&s.attrs)?,
                s.note,
                author,
                s.created,
                time,
                words,
                s.gid,
                s.anchor.as_str(),
                s.confidence
            ])?;
        Ok(())
    }

    /// Sets fields of span `gid`; a span that does not exist (deleted, or not yet here) is
    /// left alone.
    fn set_span_fields(&mut self, gid: &str, f: &SpanFields, time: i64) -> FResult<()> {
        let Some((id, doc, mut number, start, end)) = self.span_row(gid)? else {
            return Ok(());
        };
        if let Some(hash) = &f.revision {
            match self.revision_number(doc, hash)? {
                Some(n) => number = n,
                None => return Ok(()),
            }
        }
        let (start, end) = (f.start.unwrap_or(start), f.end.unwrap_or(end));
        let words = self
            .text(doc, number)?
            .index()
            .slice(start, end)
            .map_err(|e| Fail::corrupt("spans.end", e))?
            .to_string();
        self.tx
            .prepare_cached(
                "UPDATE spans SET revision = ?2, start = ?3, \"end\" = ?4, text = ?5, updated = ?6,
                     label = coalesce(?7, label), attrs = CASE WHEN ?8 THEN ?9 ELSE attrs END,
                     note = CASE WHEN ?10 THEN ?11 ELSE note END, anchor = coalesce(?12, anchor),
                     confidence = coalesce(?13, confidence)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                number,
                start as i64,
                end as i64,
                words,
                time,
                f.label,
                f.attrs.is_some(),
                f.attrs.as_ref().map(attrs_json).transpose()?.flatten(),
                f.note.is_some(),
                f.note.clone().flatten(),
                f.anchor.map(|a| a.as_str()),
                f.confidence
            ])?;
        Ok(())
    }

    /// Creates (or restores) relation `r`, when both its spans exist.
    fn put_relation(&mut self, r: &RelationState, time: i64) -> FResult<()> {
        let (Some(from), Some(to)) = (self.span_row(&r.from)?, self.span_row(&r.to)?) else {
            return Ok(());
        };
        let author = self.author_row(&r.author, time)?;
        self.tx
            .prepare_cached(
                "INSERT INTO relations (doc, from_span, to_span, label, author, created, gid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                from.1, from.0, to.0, r.label, author, r.created, r.gid
            ])?;
        Ok(())
    }
}

/// The `changes` of an import's operation whose rows nobody has changed since: they still are
/// what the import wrote (its `after` column says which, [`Imported`]), so its changes are read
/// from them when first needed ([`materialize`]) instead of being written twice during a bulk
/// import. New spans and relations beside them change nothing of that.
pub(crate) const PENDING: &str = "\"pending\"";

/// The rows an import wrote for a new document: its first revision, and its spans and
/// relations up to these row ids (later rows of the document are other operations').
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) struct Imported {
    pub spans_upto: i64,
    pub relations_upto: i64,
}

/// Document `doc`'s state as changes that make it: the document with its revisions (texts by
/// hash), its spans, relations, statuses and review status — or, with `imported`, only what
/// its import wrote.
pub(crate) fn document_changes(
    conn: &rusqlite::Connection,
    doc: i64,
    imported: Option<Imported>,
) -> FResult<Vec<Change>> {
    let whole = imported.is_none();
    let (spans_upto, relations_upto) =
        imported.map_or((i64::MAX, i64::MAX), |i| (i.spans_upto, i.relations_upto));
    let (doc_id, meta, status, review): (String, String, String, String) = conn
        .prepare_cached("SELECT doc_id, meta, status, review FROM documents WHERE id = ?1")?
        .query_row([doc], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let meta: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
    let status = glossa_core::DocStatus::parse(&status)
        .ok_or_else(|| Fail::corrupt("documents.status", format!("unknown status {status:?}")))?;
    let mut changes = Vec::new();
    let hashes: Vec<String> = conn
        .prepare_cached("SELECT hash FROM revisions WHERE doc = ?1 ORDER BY number")?
        .query_map([doc], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for (i, hash) in hashes
        .into_iter()
        .enumerate()
        .take(if whole { usize::MAX } else { 1 })
    {
        changes.push(if i == 0 {
            Change::Document {
                doc_id: doc_id.clone(),
                meta: meta.clone(),
                status,
                hash,
                text: String::new(),
            }
        } else {
            Change::Revision {
                doc_id: doc_id.clone(),
                hash,
                text: String::new(),
            }
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT s.gid, s.uid, r.hash, s.start, s.\"end\", s.label, s.layer, s.attrs, s.note,
                a.uid, s.anchor, s.confidence, s.created
         FROM spans s JOIN revisions r ON r.doc = s.doc AND r.number = s.revision
         JOIN authors a ON a.id = s.author WHERE s.doc = ?1 AND s.id <= ?2 ORDER BY s.id",
    )?;
    let mut rows = stmt.query(params![doc, spans_upto])?;
    while let Some(r) = rows.next()? {
        changes.push(Change::Span(SpanState {
            gid: r.get(0)?,
            doc_id: doc_id.clone(),
            uid: r.get(1)?,
            revision: r.get(2)?,
            start: crate::rows::to_usize(r.get(3)?, "spans.start")?,
            end: crate::rows::to_usize(r.get(4)?, "spans.end")?,
            label: r.get(5)?,
            layer: r.get(6)?,
            attrs: crate::rows::parse_attrs(r.get(7)?)?,
            note: r.get(8)?,
            author: r.get(9)?,
            anchor: crate::rows::parse_anchor(&r.get::<_, String>(10)?)?,
            confidence: r.get(11)?,
            created: r.get(12)?,
        }));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.gid, f.gid, t.gid, r.label, a.uid, r.created FROM relations r
         JOIN spans f ON f.id = r.from_span JOIN spans t ON t.id = r.to_span
         JOIN authors a ON a.id = r.author WHERE r.doc = ?1 AND r.id <= ?2 ORDER BY r.id",
    )?;
    let mut rows = stmt.query(params![doc, relations_upto])?;
    while let Some(r) = rows.next()? {
        changes.push(Change::Relation(RelationState {
            gid: r.get(0)?,
            doc_id: doc_id.clone(),
            from: r.get(1)?,
            to: r.get(2)?,
            label: r.get(3)?,
            author: r.get(4)?,
            created: r.get(5)?,
        }));
    }
    let review = glossa_core::ReviewStatus::parse(&review)
        .ok_or_else(|| Fail::corrupt("documents.review", format!("unknown status {review:?}")))?;
    if !whole {
        return Ok(changes);
    }
    if review != glossa_core::ReviewStatus::Unreviewed {
        changes.push(Change::Review {
            doc_id: doc_id.clone(),
            status: review,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT a.uid, p.status FROM doc_status p JOIN authors a ON a.id = p.author
         WHERE p.doc = ?1 ORDER BY a.id",
    )?;
    let mut rows = stmt.query([doc])?;
    while let Some(r) = rows.next()? {
        let status: String = r.get(1)?;
        changes.push(Change::Status {
            doc_id: doc_id.clone(),
            author: r.get(0)?,
            status: glossa_core::DocStatus::parse(&status).ok_or_else(|| {
                Fail::corrupt("doc_status.status", format!("unknown status {status:?}"))
            })?,
        });
    }
    Ok(changes)
}

/// Writes out the changes of document `doc`'s pending import operation (see [`PENDING`]),
/// before anything changes its rows.
pub(crate) fn materialize(tx: &Transaction<'_>, doc: i64) -> FResult<()> {
    let pending: Option<(i64, Option<String>)> = tx
        .prepare_cached(
            "SELECT id, after FROM operations WHERE doc = ?1 AND changes = '\"pending\"'",
        )?
        .query_row([doc], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((op, after)) = pending {
        let changes = serde_json::to_string(&document_changes(tx, doc, imported(after)?)?)
            .map_err(|e| Fail::corrupt("operations.changes", e))?;
        tx.prepare_cached("UPDATE operations SET changes = ?2 WHERE id = ?1")?
            .execute(params![op, changes])?;
    }
    Ok(())
}

/// Applies one `change` made by `author` at `now` and records it as their operation of
/// `kind` (of document row `doc`, when one): what a change that undo does not move
/// (schema, review status) takes.
pub(crate) fn apply_as(
    tx: &Transaction<'_>,
    now: i64,
    author: &str,
    kind: OpKind,
    doc: Option<i64>,
    change: Change,
) -> FResult<()> {
    Applier::new(tx).apply(now, &change)?;
    let author = crate::rows::author_id(tx, author, now)?;
    let changes =
        serde_json::to_string(&[change]).map_err(|e| Fail::corrupt("operations.changes", e))?;
    crate::edits::append_operation(
        tx,
        &crate::edits::NewOperation {
            author,
            time: now,
            kind: kind.as_str(),
            doc,
            before: None,
            after: None,
            state: "record",
            ref_op: None,
            changes: Some(changes),
        },
    )?;
    Ok(())
}

/// The rows a pending import wrote, from its operation's `after` column.
fn imported(after: Option<String>) -> FResult<Option<Imported>> {
    after
        .map(|a| serde_json::from_str(&a).map_err(|e| Fail::corrupt("operations.after", e)))
        .transpose()
}

/// What [`Store::apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ApplyReport {
    /// Operations applied.
    pub applied: u64,
    /// Operations this copy already had.
    pub known: u64,
    /// Documents rebuilt because operations arrived out of order.
    pub rebuilt: u64,
}

/// The stamp of the newest operation document `doc` has seen.
fn newest_stamp(tx: &Transaction<'_>, doc: i64) -> FResult<Option<Stamp>> {
    Ok(tx
        .prepare_cached(
            "SELECT o.lamport, a.uid, o.replica, o.seq FROM operations o JOIN authors a ON a.id = o.author
             WHERE o.doc = ?1 AND o.changes IS NOT NULL
               AND o.lamport = (SELECT max(lamport) FROM operations
                                WHERE doc = ?1 AND changes IS NOT NULL)
             ORDER BY a.uid DESC, o.replica DESC, o.seq DESC LIMIT 1",
        )?
        .query_row([doc], stamp_from_row)
        .optional()?)
}

/// A stamp selected as `lamport, author uid, replica, seq`.
fn stamp_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stamp> {
    Ok(Stamp {
        lamport: r.get(0)?,
        author: r.get(1)?,
        replica: r.get(2)?,
        seq: r.get(3)?,
    })
}

/// The stamp of the newest schema operation this copy has: the operations of no document
/// that carry a schema (`set_schema`, a rename's schema part, and the undo of a rename).
fn newest_schema_stamp(tx: &Transaction<'_>) -> FResult<Option<Stamp>> {
    Ok(tx
        .prepare_cached(
            "SELECT o.lamport, a.uid, o.replica, o.seq FROM operations o JOIN authors a ON a.id = o.author
             WHERE o.doc IS NULL AND o.kind IN ('set_schema', 'rename_label', 'undo')
             ORDER BY o.lamport DESC, a.uid DESC, o.replica DESC, o.seq DESC LIMIT 1",
        )?
        .query_row([], stamp_from_row)
        .optional()?)
}

/// Replays every operation of document `doc` in stamp order over its emptied spans and
/// statuses (its revisions, immutable and named by hash, stay).
fn rebuild(tx: &Transaction<'_>, doc: i64) -> FResult<()> {
    tx.prepare_cached("DELETE FROM spans WHERE doc = ?1")?
        .execute([doc])?;
    tx.prepare_cached("DELETE FROM doc_status WHERE doc = ?1")?
        .execute([doc])?;
    let ops: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT o.time, o.changes FROM operations o JOIN authors a ON a.id = o.author
             WHERE o.doc = ?1 AND o.changes IS NOT NULL
             ORDER BY o.lamport, a.uid, o.replica, o.seq",
        )?
        .query_map([doc], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut applier = Applier::new(tx);
    for (time, changes) in ops {
        let changes: Vec<Change> =
            serde_json::from_str(&changes).map_err(|e| Fail::corrupt("operations.changes", e))?;
        for c in &changes {
            applier.apply(time, c)?;
        }
    }
    Ok(())
}

/// Reads an operation row (selected with [`OP_COLUMNS`]); a pending import's changes are read
/// from its document's rows.
fn op_from_row(conn: &rusqlite::Connection, r: &rusqlite::Row<'_>) -> FResult<Op> {
    let kind: String = r.get(5)?;
    let changes: String = r.get(7)?;
    let changes = if changes == PENDING {
        let doc: i64 = r.get(10)?;
        serde_json::to_string(&document_changes(conn, doc, imported(r.get(11)?)?)?)
            .map_err(|e| Fail::corrupt("operations.changes", e))?
    } else {
        changes
    };
    let refers: Option<String> = r.get(8)?;
    let refers_seq: Option<u64> = r.get(9)?;
    Ok(Op {
        stamp: stamp_from_row(r)?,
        time: r.get(4)?,
        kind: OpKind::parse(&kind)
            .ok_or_else(|| Fail::corrupt("operations.kind", format!("unknown kind {kind:?}")))?,
        doc_id: r.get(6)?,
        refers_to: refers.zip(refers_seq),
        changes: serde_json::from_str(&changes)
            .map_err(|e| Fail::corrupt("operations.changes", e))?,
    })
}

const OP_COLUMNS: &str =
    "o.lamport, a.uid, o.replica, o.seq, o.time, o.kind, d.doc_id, o.changes, \
    r.replica, r.seq, o.doc, o.after";
const OP_FROM: &str = "operations o JOIN authors a ON a.id = o.author \
    LEFT JOIN documents d ON d.id = o.doc LEFT JOIN operations r ON r.id = o.ref_op";

impl Store {
    /// Every operation other copies can replay, in this copy's log order, that `seen` (the
    /// highest sequence number already had, per replica) does not cover.
    pub fn operations_since(&self, seen: &BTreeMap<String, u64>) -> Result<Vec<Op>, StoreError> {
        let run = || -> FResult<Vec<Op>> {
            let sql = format!(
                "SELECT {OP_COLUMNS} FROM {OP_FROM} WHERE o.changes IS NOT NULL ORDER BY o.id"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let replica: String = r.get(2)?;
                let seq: u64 = r.get(3)?;
                if seen.get(&replica).is_some_and(|&s| seq <= s) {
                    continue;
                }
                let mut op = op_from_row(&self.conn, r)?;
                for change in &mut op.changes {
                    if let Change::Document {
                        doc_id, hash, text, ..
                    }
                    | Change::Revision { doc_id, hash, text } = change
                    {
                        if text.is_empty() {
                            *text = self.revision_text_by_hash(doc_id, hash)?;
                        }
                    }
                }
                out.push(op);
            }
            Ok(out)
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Makes a copy of the project at `to` (whole and consistent, `VACUUM INTO`) that is a
    /// replica of its own: the same project, ids and log, with a new replica id, so that the
    /// two can exchange operations.
    pub fn fork(&self, to: &std::path::Path) -> Result<Store, StoreError> {
        let run = || -> FResult<()> {
            if to.exists() {
                return Err(Fail::from(crate::StoreErrorKind::AlreadyExists));
            }
            self.conn
                .execute("VACUUM INTO ?1", [to.display().to_string()])?;
            Ok(())
        };
        run().map_err(|f| f.at(to))?;
        let mut copy = Store::open(to)?;
        copy.set_setting("replica", &crate::ids::new_gid())?;
        Ok(copy)
    }

    fn revision_text_by_hash(&self, doc_id: &str, hash: &str) -> FResult<String> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.text FROM revisions r JOIN documents d ON d.id = r.doc
                 WHERE d.doc_id = ?1 AND r.hash = ?2",
            )?
            .query_row([doc_id, hash], |r| r.get(0))?)
    }

    /// This copy's replica id.
    pub fn replica(&self) -> Result<String, StoreError> {
        self.setting("replica").map(Option::unwrap_or_default)
    }

    /// Applies operations from another copy (or a bundle): idempotent, and convergent —
    /// copies that apply the same operations, in any order that keeps each replica's own
    /// order, end in the same state.
    pub fn apply(&mut self, ops: &[Op]) -> Result<ApplyReport, StoreError> {
        // A big batch writes much: the import's page cache keeps it from spilling.
        crate::import::bulk_pragmas(&self.conn).map_err(|f| f.at(&self.path))?;
        self.write(|tx, _now| {
            let mut report = ApplyReport::default();
            let mut fresh: Vec<&Op> = Vec::new();
            let mut seen: HashSet<(&str, u64)> = HashSet::new();
            // Per replica, the highest sequence number this copy has: anything above it is new
            // without a look-up (a copy's operations arrive in their order).
            let mut highest: HashMap<&str, u64> = HashMap::new();
            for op in ops {
                let replica = op.stamp.replica.as_str();
                let top = match highest.get(replica) {
                    Some(&top) => top,
                    None => {
                        let top: u64 = tx
                            .prepare_cached(
                                "SELECT coalesce(max(seq), 0) FROM operations WHERE replica = ?1",
                            )?
                            .query_row([replica], |r| r.get(0))?;
                        highest.insert(replica, top);
                        top
                    }
                };
                let known = op.stamp.seq <= top
                    && tx
                        .prepare_cached("SELECT 1 FROM operations WHERE replica = ?1 AND seq = ?2")?
                        .exists(params![op.stamp.replica, op.stamp.seq])?;
                if known || !seen.insert((op.stamp.replica.as_str(), op.stamp.seq)) {
                    report.known += 1;
                } else {
                    fresh.push(op);
                }
            }
            fresh.sort_by(|a, b| a.stamp.cmp(&b.stamp));
            let mut to_rebuild: BTreeSet<i64> = BTreeSet::new();
            let mut applier = Applier::new(tx);
            let mut newest: HashMap<i64, Option<Stamp>> = HashMap::new();
            for op in &fresh {
                if let Some(doc) = op
                    .doc_id
                    .as_deref()
                    .map(|d| applier.doc_row(d))
                    .transpose()?
                    .flatten()
                {
                    if let std::collections::hash_map::Entry::Vacant(v) = newest.entry(doc) {
                        materialize(tx, doc)?;
                        v.insert(newest_stamp(tx, doc)?);
                    }
                }
            }
            for op in fresh {
                let doc_before = match &op.doc_id {
                    Some(d) => applier.doc_row(d)?,
                    None => None,
                };
                let in_order = match doc_before {
                    Some(doc) if !to_rebuild.contains(&doc) => newest
                        .get(&doc)
                        .and_then(Option::as_ref)
                        .is_none_or(|s| *s < op.stamp),
                    Some(_) => false,
                    // A schema older than the one in place changes nothing (last writer wins).
                    None if op.changes.iter().any(|c| matches!(c, Change::Schema(_))) => {
                        newest_schema_stamp(tx)?.is_none_or(|s| s < op.stamp)
                    }
                    None => true,
                };
                if in_order {
                    for c in &op.changes {
                        applier.apply(op.time, c)?;
                    }
                }
                let doc = match &op.doc_id {
                    Some(d) => applier.doc_row(d)?,
                    None => None,
                };
                if let Some(doc) = doc {
                    if !in_order {
                        to_rebuild.insert(doc);
                    }
                    let stamp = newest.entry(doc).or_insert(None);
                    if stamp.as_ref().is_none_or(|s| *s < op.stamp) {
                        *stamp = Some(op.stamp.clone());
                    }
                }
                insert_op(tx, &mut applier, op, doc)?;
                report.applied += 1;
            }
            drop(applier);
            for &doc in &to_rebuild {
                rebuild(tx, doc)?;
            }
            report.rebuilt = to_rebuild.len() as u64;
            Ok(report)
        })
    }
}

/// Stores a received operation in the log.
fn insert_op(
    tx: &Transaction<'_>,
    applier: &mut Applier<'_, '_>,
    op: &Op,
    doc: Option<i64>,
) -> FResult<()> {
    let author = applier.author_row(&op.stamp.author, op.time)?;
    let ref_op: Option<i64> = match &op.refers_to {
        Some((replica, seq)) => tx
            .prepare_cached("SELECT id FROM operations WHERE replica = ?1 AND seq = ?2")?
            .query_row(params![replica, seq], |r| r.get(0))
            .optional()?,
        None => None,
    };
    // Texts are kept once, in the revisions the changes added; the log names them by hash.
    let mut changes = op.changes.clone();
    for change in &mut changes {
        if let Change::Document { text, .. } | Change::Revision { text, .. } = change {
            text.clear();
        }
    }
    let changes =
        serde_json::to_string(&changes).map_err(|e| Fail::corrupt("operations.changes", e))?;
    tx.prepare_cached(
        "INSERT INTO operations (author, time, kind, doc, state, ref_op, replica, seq, lamport, changes)
         VALUES (?1, ?2, ?3, ?4, 'record', ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        author,
        op.time,
        op.kind.as_str(),
        doc,
        ref_op,
        op.stamp.replica,
        op.stamp.seq,
        op.stamp.lamport,
        changes
    ])?;
    Ok(())
}

/// A span row's whole state for an operation: the revision by hash, the author by uid.
pub(crate) fn span_state(tx: &Transaction<'_>, s: &glossa_core::Span) -> FResult<SpanState> {
    let (revision, author): (String, String) = tx
        .prepare_cached(
            "SELECT r.hash, a.uid FROM documents d JOIN revisions r ON r.doc = d.id AND r.number = ?2,
                 authors a WHERE d.doc_id = ?1 AND a.name = ?3",
        )?
        .query_row(params![s.doc_id, s.revision, s.author], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(SpanState {
        gid: s.gid.clone(),
        doc_id: s.doc_id.clone(),
        uid: s.uid.clone(),
        revision,
        start: s.start,
        end: s.end,
        label: s.label.clone(),
        layer: s.layer.clone(),
        attrs: s.attrs.clone(),
        note: s.note.clone(),
        author,
        anchor: s.anchor,
        confidence: s.confidence,
        created: parse_time(&s.created, "span.created")?,
    })
}
