//! [`ImportBatch`]: bulk loading inside one transaction. Nothing is visible until
//! [`ImportBatch::commit`]; dropping the batch rolls everything back, so an import applies
//! completely or not at all.

use std::collections::HashMap;
use std::path::Path;
use ts_rs::TS;

use glossa_core::{anchor, CheckedDocument, OffsetIndex, QuoteSelector};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::error::{FResult, Fail};
use crate::rows::{attrs_json, author_id};
use crate::{now, Store, StoreError, StoreErrorKind};

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ImportCounts {
    /// New documents.
    pub documents: u64,
    /// Existing documents replaced or given a new revision.
    pub updated: u64,
    /// Spans written.
    pub spans: u64,
    /// Relations written.
    pub relations: u64,
    /// Spans carried to a new revision by re-anchoring.
    pub reanchored: u64,
    /// Spans left on an old revision because their text is gone.
    pub orphaned: u64,
}

/// Spans per multi-row `INSERT` during an import (fewer statement executions).
const SPANS_PER_INSERT: usize = 32;

/// `INSERT INTO spans … VALUES (…), (…)` for `rows` rows of 13 positional parameters each.
fn multi_insert_sql(rows: usize) -> String {
    const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    format!(
        "INSERT INTO spans (doc, uid, revision, start, \"end\", label, layer, attrs, note, author,
             created, updated, text) VALUES {}",
        vec![ROW; rows].join(", ")
    )
}

/// Page cache during an import, in KiB (negative `cache_size` means KiB in SQLite).
const IMPORT_CACHE_KIB: i64 = -16384;

/// An open import transaction.
pub struct ImportBatch<'s> {
    tx: Transaction<'s>,
    path: &'s Path,
    now: i64,
    authors: HashMap<String, i64>,
    counts: ImportCounts,
}

impl Store {
    /// Starts an import. Nothing is written until [`ImportBatch::commit`].
    pub fn begin_import(&mut self) -> Result<ImportBatch<'_>, StoreError> {
        // A bigger page cache keeps a bulk load from spilling pages mid-transaction.
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)
            .map_err(|e| Fail::from(e).at(&self.path))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| Fail::from(e).at(&self.path))?;
        Ok(ImportBatch {
            tx,
            path: &self.path,
            now: now(),
            authors: HashMap::new(),
            counts: ImportCounts::default(),
        })
    }
}

/// The id of author `name` (or `import`), through the batch's cache.
fn author_of(
    tx: &Transaction<'_>,
    cache: &mut HashMap<String, i64>,
    now: i64,
    name: Option<&str>,
) -> FResult<i64> {
    let name = name.unwrap_or("import");
    if let Some(&id) = cache.get(name) {
        return Ok(id);
    }
    let id = author_id(tx, name, now)?;
    cache.insert(name.to_string(), id);
    Ok(id)
}

impl ImportBatch<'_> {
    fn author(&mut self, name: &str) -> FResult<i64> {
        author_of(&self.tx, &mut self.authors, self.now, Some(name))
    }

    /// Whether document `doc_id` exists (already stored, or added earlier in this batch).
    pub fn has_document(&self, doc_id: &str) -> Result<bool, StoreError> {
        self.existing(doc_id)
            .map(|o| o.is_some())
            .map_err(|f| f.at(self.path))
    }

    fn existing(&self, doc_id: &str) -> FResult<Option<(i64, u32)>> {
        Ok(self
            .tx
            .prepare_cached("SELECT id, revision FROM documents WHERE doc_id = ?1")?
            .query_row([doc_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Adds a new document with its spans and relations. Its defaults should be filled (every
    /// span has a uid, layer and author). A duplicate id is
    /// [`StoreErrorKind::DuplicateDocument`] and writes nothing; any other error fails the
    /// whole batch (the caller drops it).
    pub fn add_document(
        &mut self,
        doc: &CheckedDocument,
        source_path: Option<&str>,
    ) -> Result<(), StoreError> {
        self.add_inner(doc, source_path)
            .map_err(|f| f.at(self.path))
    }

    fn add_inner(&mut self, checked: &CheckedDocument, source_path: Option<&str>) -> FResult<()> {
        let doc = checked.doc();
        let meta =
            serde_json::to_string(&doc.meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
        self.tx
            .prepare_cached(
                "INSERT INTO documents (doc_id, title, source_path, meta, status, revision, chars, created, updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?7)",
            )?
            .execute(params![
                doc.id,
                doc.title(),
                source_path,
                meta,
                doc.status.as_str(),
                checked.chars() as i64,
                self.now
            ])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    Fail::new("id", StoreErrorKind::DuplicateDocument(doc.id.clone()))
                }
                e => e.into(),
            })?;
        let rowid = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached(
                "INSERT INTO revisions (doc, number, text, created) VALUES (?1, 1, ?2, ?3)",
            )?
            .execute(params![rowid, doc.text, self.now])?;
        self.counts.documents += 1;
        self.insert_annotations(rowid, 1, checked)
    }

    fn insert_annotations(
        &mut self,
        rowid: i64,
        revision: u32,
        checked: &CheckedDocument,
    ) -> FResult<()> {
        let doc = checked.doc();
        let mut ids: HashMap<&str, i64> = HashMap::with_capacity(doc.spans.len());
        for (c, chunk) in doc.spans.chunks(SPANS_PER_INSERT).enumerate() {
            let mut insert = self.tx.prepare_cached(&multi_insert_sql(chunk.len()))?;
            let mut k = 0;
            let mut bind = |v: &dyn rusqlite::ToSql| {
                k += 1;
                insert.raw_bind_parameter(k, v)
            };
            for (j, span) in chunk.iter().enumerate() {
                let i = c * SPANS_PER_INSERT + j;
                let uid = span.uid.as_deref().ok_or_else(|| {
                    Fail::conflict(
                        format!("document {:?} spans[{i}].id", doc.id),
                        "span has no id",
                    )
                })?;
                let author = author_of(
                    &self.tx,
                    &mut self.authors,
                    self.now,
                    span.author.as_deref(),
                )?;
                bind(&rowid)?;
                bind(&uid)?;
                bind(&revision)?;
                bind(&(span.start as i64))?;
                bind(&(span.end as i64))?;
                bind(&span.label)?;
                bind(&span.layer.as_deref().unwrap_or(glossa_core::GOLD_LAYER))?;
                bind(&attrs_json(&span.attrs)?)?;
                bind(&span.note)?;
                bind(&author)?;
                bind(&self.now)?;
                bind(&self.now)?;
                bind(&checked.span_text(i))?;
            }
            insert.raw_execute()?;
            // One statement's rows take consecutive ids, ending at the last insert's.
            let first = self.tx.last_insert_rowid() - chunk.len() as i64 + 1;
            for (j, span) in chunk.iter().enumerate() {
                if let Some(uid) = span.uid.as_deref() {
                    ids.insert(uid, first + j as i64);
                }
            }
        }
        for (i, rel) in doc.relations.iter().enumerate() {
            let span = |uid: &str, side: &str| {
                ids.get(uid).copied().ok_or_else(|| {
                    Fail::conflict(
                        format!("document {:?} relations[{i}].{side}", doc.id),
                        format!("no span {uid:?}"),
                    )
                })
            };
            let (from, to) = (span(&rel.from, "from")?, span(&rel.to, "to")?);
            let author = self.author(rel.author.as_deref().unwrap_or("import"))?;
            self.tx
                .prepare_cached(
                    "INSERT INTO relations (doc, from_span, to_span, label, author, created)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![rowid, from, to, rel.label, author, self.now])?;
        }
        self.counts.spans += doc.spans.len() as u64;
        self.counts.relations += doc.relations.len() as u64;
        Ok(())
    }

    /// Updates an existing document from `doc`. A changed text becomes a new revision. With
    /// `replace_annotations`, the document's spans and relations are replaced by `doc`'s;
    /// otherwise its current spans are re-anchored to the new text by their quote selectors,
    /// and those whose text is gone stay on the old revision (orphaned).
    pub fn update_document(
        &mut self,
        doc: &CheckedDocument,
        source_path: Option<&str>,
        replace_annotations: bool,
    ) -> Result<(), StoreError> {
        self.update_inner(doc, source_path, replace_annotations)
            .map_err(|f| f.at(self.path))
    }

    fn update_inner(
        &mut self,
        checked: &CheckedDocument,
        source_path: Option<&str>,
        replace: bool,
    ) -> FResult<()> {
        let doc = checked.doc();
        let (rowid, old_rev) = self
            .existing(&doc.id)?
            .ok_or_else(|| Fail::not_found(format!("document {:?}", doc.id)))?;
        let old_text: String = self
            .tx
            .prepare_cached("SELECT text FROM revisions WHERE doc = ?1 AND number = ?2")?
            .query_row(params![rowid, old_rev], |r| r.get(0))?;
        let revision = if old_text == doc.text {
            old_rev
        } else {
            old_rev + 1
        };
        if revision != old_rev {
            self.tx
                .prepare_cached(
                    "INSERT INTO revisions (doc, number, text, created) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![rowid, revision, doc.text, self.now])?;
        }
        let meta =
            serde_json::to_string(&doc.meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
        self.tx
            .prepare_cached(
                "UPDATE documents SET title = ?2, source_path = coalesce(?3, source_path), meta = ?4,
                     status = ?5, revision = ?6, chars = ?7, updated = ?8 WHERE id = ?1",
            )?
            .execute(params![
                rowid,
                doc.title(),
                source_path,
                meta,
                doc.status.as_str(),
                revision,
                checked.chars() as i64,
                self.now
            ])?;
        self.counts.updated += 1;
        if replace {
            self.tx
                .prepare_cached("DELETE FROM spans WHERE doc = ?1")?
                .execute([rowid])?;
            return self.insert_annotations(rowid, revision, checked);
        }
        if revision == old_rev {
            return Ok(());
        }
        let mut moved = Vec::new();
        let old_index = OffsetIndex::new(&old_text);
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT id, start, \"end\" FROM spans WHERE doc = ?1 AND revision = ?2",
            )?;
            let mut rows = stmt.query(params![rowid, old_rev])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let (start, end): (usize, usize) = (r.get(1)?, r.get(2)?);
                let quote = QuoteSelector::new(&old_index, start, end)
                    .map_err(|e| Fail::corrupt("spans.end", e))?;
                match anchor(&quote, start, &doc.text) {
                    Some((s, e)) => moved.push((id, s, e)),
                    None => self.counts.orphaned += 1,
                }
            }
        }
        for (id, s, e) in moved {
            self.tx
                .prepare_cached("UPDATE spans SET revision = ?2, start = ?3, \"end\" = ?4, updated = ?5 WHERE id = ?1")?
                .execute(params![id, revision, s as i64, e as i64, self.now])?;
            self.counts.reanchored += 1;
        }
        Ok(())
    }

    /// Commits everything, recording one `import` operation by `author` with `summary`.
    pub fn commit(
        mut self,
        author: &str,
        summary: &serde_json::Value,
    ) -> Result<ImportCounts, StoreError> {
        let path = self.path;
        let run = |b: &mut Self| -> FResult<()> {
            let author = b.author(author)?;
            b.tx.execute(
                "INSERT INTO operations (author, time, kind, after, state) VALUES (?1, ?2, 'import', ?3, 'record')",
                params![author, b.now, summary.to_string()],
            )?;
            Ok(())
        };
        run(&mut self).map_err(|f| f.at(path))?;
        let counts = self.counts.clone();
        self.tx.commit().map_err(|e| Fail::from(e).at(path))?;
        Ok(counts)
    }

    /// What the batch has written so far.
    pub fn counts(&self) -> &ImportCounts {
        &self.counts
    }
}
