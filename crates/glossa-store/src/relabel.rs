//! Renaming a label, or merging it into another, as one operation a person can undo: the
//! schema's change (an operation of no document) and each document's spans relabelled (one
//! operation per document, its `ref_op` naming the schema's, so that other copies replay each
//! document's part in that document's order). Undo takes the whole back, or nothing.

use glossa_core::op::Change;
use glossa_core::{OpKind, Operation, Schema};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::apply::{span_state, Applier};
use crate::documents::load_span;
use crate::edits::{
    append_operation, load_operation, mark_and_record, snapshots, to_json, transition,
    verify_unchanged, NewOperation, Snapshot, DISCARD_REDO,
};
use crate::error::{Fail, StoreError};
use crate::rows::author_id;
use crate::Store;

/// The schema's part of a rename: the schema before (for undo) and what was renamed.
#[derive(Serialize, Deserialize)]
struct SchemaBefore {
    schema: Schema,
    from: String,
    to: String,
}

/// What a rename changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Relabelled {
    /// Spans whose label changed.
    pub spans: u64,
    /// Documents they are in.
    pub documents: u64,
}

/// Author `?1`'s latest rename that undo can take back.
pub(crate) const LATEST_RENAME: &str = "SELECT id, before FROM operations
     WHERE author = ?1 AND doc IS NULL AND state = 'applied' AND kind = 'rename_label'
     ORDER BY id DESC LIMIT 1";

impl Store {
    /// Renames label `from` to `to` (or merges it into `to`), with `schema` the schema after
    /// it (the caller made it with [`Schema::renamed`]): every span labelled `from`, in every
    /// layer and revision, takes `to`, recorded as `author`'s one `rename_label` operation.
    pub fn rename_label(
        &mut self,
        author: &str,
        from: &str,
        to: &str,
        schema: &Schema,
    ) -> Result<Relabelled, StoreError> {
        let name = self.setting("schema_name")?.unwrap_or_default();
        self.write(|tx, now| {
            let author_row = author_id(tx, author, now)?;
            let before = SchemaBefore {
                schema: crate::labels::read_schema(tx, name)?,
                from: from.to_string(),
                to: to.to_string(),
            };
            let change = Change::Schema(schema.clone());
            Applier::new(tx).apply(now, &change)?;
            let head = append_operation(
                tx,
                &NewOperation {
                    author: author_row,
                    time: now,
                    kind: OpKind::RenameLabel.as_str(),
                    doc: None,
                    before: Some(to_json(&before, "operations.before")?),
                    after: None,
                    state: "applied",
                    ref_op: None,
                    changes: Some(to_json(&[change], "operations.changes")?),
                },
            )?;
            let mut done = Relabelled::default();
            let docs: Vec<i64> = tx
                .prepare_cached("SELECT DISTINCT doc FROM spans WHERE label = ?1 ORDER BY doc")?
                .query_map([from], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for doc in docs {
                let ids: Vec<i64> = tx
                    .prepare_cached(
                        "SELECT id FROM spans WHERE doc = ?1 AND label = ?2 ORDER BY id",
                    )?
                    .query_map(params![doc, from], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut was = Snapshot::default();
                for id in ids {
                    let span = load_span(tx, glossa_core::SpanId(id))?
                        .ok_or_else(|| Fail::not_found(format!("span {id}")))?;
                    was.spans.push(span_state(tx, &span)?);
                }
                let mut now_is = was.clone();
                for s in &mut now_is.spans {
                    s.label = to.to_string();
                }
                done.spans += was.spans.len() as u64;
                done.documents += 1;
                let changes = transition(tx, doc, author_row, &was, &now_is, now)?;
                tx.prepare_cached(DISCARD_REDO)?
                    .execute([author_row, doc])?;
                append_operation(
                    tx,
                    &NewOperation {
                        author: author_row,
                        time: now,
                        kind: OpKind::RenameLabel.as_str(),
                        doc: Some(doc),
                        before: Some(to_json(&was, "operations.before")?),
                        after: Some(to_json(&now_is, "operations.after")?),
                        state: "applied",
                        ref_op: Some(head),
                        changes: Some(to_json(&changes, "operations.changes")?),
                    },
                )?;
            }
            Ok(done)
        })
    }

    /// Undoes `author`'s latest rename (or merge) of a label: every document's spans and the
    /// schema go back, or, if someone changed any of those spans since, nothing does (a
    /// conflict naming the span). Returns the rename undone, if there was one.
    pub fn undo_rename(&mut self, author: &str) -> Result<Option<Operation>, StoreError> {
        self.write(|tx, now| {
            let Some(author_row) = crate::edits::find_author(tx, author)? else {
                return Ok(None);
            };
            let Some((head, before)) = tx
                .prepare_cached(LATEST_RENAME)?
                .query_row([author_row], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .optional()?
            else {
                return Ok(None);
            };
            let parts: Vec<(i64, i64, Option<String>, Option<String>)> = tx
                .prepare_cached(
                    "SELECT id, doc, before, after FROM operations
                     WHERE ref_op = ?1 AND state = 'applied' AND kind = 'rename_label' ORDER BY id",
                )?
                .query_map([head], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            for (op, doc, was, now_is) in parts {
                let (was, now_is) = snapshots(was, now_is)?;
                verify_unchanged(tx, doc, author_row, &now_is, &was)?;
                let changes = transition(tx, doc, author_row, &now_is, &was, now)?;
                mark_and_record(tx, op, "undone", "undo", author_row, doc, now, &changes)?;
            }
            let before: SchemaBefore =
                serde_json::from_str(&before).map_err(|e| Fail::corrupt("operations.before", e))?;
            let change = Change::Schema(before.schema);
            Applier::new(tx).apply(now, &change)?;
            tx.prepare_cached("UPDATE operations SET state = 'undone' WHERE id = ?1")?
                .execute([head])?;
            append_operation(
                tx,
                &NewOperation {
                    author: author_row,
                    time: now,
                    kind: OpKind::Undo.as_str(),
                    doc: None,
                    before: None,
                    after: None,
                    state: "record",
                    ref_op: Some(head),
                    changes: Some(to_json(&[change], "operations.changes")?),
                },
            )?;
            load_operation(tx, head).map(Some)
        })
    }
}
