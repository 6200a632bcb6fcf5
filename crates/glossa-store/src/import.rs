//! [`ImportBatch`]: bulk loading inside one transaction. Nothing is visible until
//! [`ImportBatch::commit`]; dropping the batch rolls everything back, so an import applies
//! completely or not at all.

use std::collections::HashMap;
use std::path::Path;
use ts_rs::TS;

use glossa_core::op::{Change, RelationState, SpanFields, SpanState};
use glossa_core::reanchor::{settle, Settling};
use glossa_core::{AnchorState, CheckedDocument, DocStatus, OpKind, Reanchor, SYSTEM_AUTHOR};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::edits::{LogCursor, NewOperation};
use crate::error::{FResult, Fail};
use crate::ids::new_gid;
use crate::rows::{attrs_json, author_id, parse_anchor};
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
    /// Spans carried to a new revision exactly (their words and context unchanged, or their
    /// words found unchanged elsewhere by a unique match).
    pub reanchored: u64,
    /// Spans placed on a new revision by a guess (their words changed, or the match was
    /// ambiguous): to re-check.
    pub fuzzy: u64,
    /// Spans left on an old revision because their words are gone: to re-check.
    pub orphaned: u64,
    /// Spans of other layers an update left as they were (a replacing import touches only
    /// the layers it brings).
    pub kept: u64,
    /// Authors named in the files that the import created, in order (not the importing
    /// author, nor the system author that records re-anchoring).
    pub new_authors: Vec<String>,
}

/// Spans per multi-row `INSERT` during an import (fewer statement executions).
const SPANS_PER_INSERT: usize = 32;

/// `INSERT INTO spans … VALUES (…), (…)` for `rows` rows of 14 positional parameters each.
fn multi_insert_sql(rows: usize) -> String {
    const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    format!(
        "INSERT INTO spans (doc, uid, revision, start, \"end\", label, layer, attrs, note, author,
             created, updated, text, gid) VALUES {}",
        vec![ROW; rows].join(", ")
    )
}

/// Page cache during an import, in KiB (negative `cache_size` means KiB in SQLite).
pub(crate) const IMPORT_CACHE_KIB: i64 = -16384;

/// Settings for a bulk write (an import, applying another copy's operations): a bigger page
/// cache keeps it from spilling pages mid-transaction.
pub(crate) fn bulk_pragmas(conn: &rusqlite::Connection) -> FResult<()> {
    conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
    Ok(())
}

/// An open import transaction.
pub struct ImportBatch<'s> {
    tx: Transaction<'s>,
    path: &'s Path,
    now: i64,
    authors: Authors,
    counts: ImportCounts,
    /// Who imports: the author of each document's operation.
    importer: String,
    /// The changes of the document being written, recorded as its operation.
    changes: Vec<Change>,
    /// Whether the document being written is new, its operation read from its rows later.
    lazy: bool,
    /// Where the log stands, for the batch's operations.
    log: LogCursor,
    /// The newest span and relation row ids the batch has written.
    last_rows: (i64, i64),
    /// The note that tells other programs who holds the project (see [`ImportBatch::announce`]).
    busy_note: Option<BusyNote>,
}

/// A note beside the project naming who holds it, removed when the import ends either way.
struct BusyNote(std::path::PathBuf);

impl Drop for BusyNote {
    fn drop(&mut self) {
        // Best effort: a note left by a killed process only words a busy error.
        drop(std::fs::remove_file(&self.0));
    }
}

/// The file beside a project that says who holds its write lock for a long import.
pub(crate) fn busy_note_path(project: &Path) -> std::path::PathBuf {
    let mut name = project.as_os_str().to_owned();
    name.push("-busy");
    std::path::PathBuf::from(name)
}

impl Store {
    /// Starts an import. Nothing is written until [`ImportBatch::commit`].
    pub fn begin_import(&mut self) -> Result<ImportBatch<'_>, StoreError> {
        bulk_pragmas(&self.conn).map_err(|f| f.at(&self.path))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| Fail::from(e).at(&self.path))?;
        let log = LogCursor::load(&tx).map_err(|f| f.at(&self.path))?;
        Ok(ImportBatch {
            tx,
            path: &self.path,
            now: now(),
            authors: Authors::default(),
            counts: ImportCounts::default(),
            importer: "import".into(),
            changes: Vec::new(),
            lazy: false,
            log,
            last_rows: (0, 0),
            busy_note: None,
        })
    }
}

/// The authors a batch has resolved, and those it created.
#[derive(Default)]
struct Authors {
    ids: HashMap<String, (i64, String)>,
    created: Vec<String>,
}

/// The id of author `name` (or `import`), through the batch's cache; an author the project
/// does not have yet is created and listed (an import may bring other people's layers).
fn author_of(
    tx: &Transaction<'_>,
    cache: &mut Authors,
    now: i64,
    name: Option<&str>,
) -> FResult<(i64, String)> {
    let name = name.unwrap_or("import");
    if let Some(found) = cache.ids.get(name) {
        return Ok(found.clone());
    }
    let known = tx
        .prepare_cached("SELECT 1 FROM authors WHERE name = ?1")?
        .exists([name])?;
    let id = author_id(tx, name, now)?;
    let uid: String = tx
        .prepare_cached("SELECT uid FROM authors WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if !known {
        cache.created.push(name.to_string());
    }
    cache.ids.insert(name.to_string(), (id, uid.clone()));
    Ok((id, uid))
}

impl ImportBatch<'_> {
    /// Tells other programs that open the project while this import holds it who is importing
    /// (their busy error says "import by NAME since TIME"), until the batch ends.
    pub fn announce(&mut self, by: &str) {
        self.importer = by.to_string();
        let note = busy_note_path(self.path);
        let text = format!(
            "import by {by} since {}",
            crate::rows::format_time(self.now)
        );
        if std::fs::write(&note, text).is_ok() {
            self.busy_note = Some(BusyNote(note));
        }
    }

    fn author(&mut self, name: &str) -> FResult<i64> {
        Ok(author_of(&self.tx, &mut self.authors, self.now, Some(name))?.0)
    }

    /// Records `changes` as one operation of document `doc` by author row `author`.
    fn record(&mut self, kind: OpKind, author: i64, doc: i64, changes: &[Change]) -> FResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let json =
            serde_json::to_string(changes).map_err(|e| Fail::corrupt("operations.changes", e))?;
        self.log.append(
            &self.tx,
            &NewOperation {
                author,
                time: self.now,
                kind: kind.as_str(),
                doc: Some(doc),
                before: None,
                after: None,
                state: "record",
                ref_op: None,
                changes: Some(json),
            },
        )?;
        Ok(())
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
        let hash = checked.hash();
        self.tx
            .prepare_cached(
                "INSERT INTO revisions (doc, number, text, created, hash) VALUES (?1, 1, ?2, ?3, ?4)",
            )?
            .execute(params![rowid, doc.text, self.now, hash])?;
        self.counts.documents += 1;
        // The operation's changes are what the rows now hold: they are read from the rows
        // when first needed (`apply::PENDING`), not written twice here.
        self.lazy = true;
        let inserted = self.insert_spans(rowid, 1, hash, checked, &|_| true, HashMap::new());
        self.lazy = false;
        inserted?;
        let importer = self.importer.clone();
        let author = self.author(&importer)?;
        // Row ids only grow (AUTOINCREMENT), so the newest of each, now, bound this import's.
        let imported = crate::apply::Imported {
            spans_upto: self.last_rows.0,
            relations_upto: self.last_rows.1,
        };
        self.log.append(
            &self.tx,
            &NewOperation {
                author,
                time: self.now,
                kind: OpKind::Import.as_str(),
                doc: Some(rowid),
                before: None,
                after: Some(
                    serde_json::to_string(&imported)
                        .map_err(|e| Fail::corrupt("operations.after", e))?,
                ),
                state: "record",
                ref_op: None,
                changes: Some(crate::apply::PENDING.to_string()),
            },
        )?;
        Ok(())
    }

    /// Inserts the document's spans that `pick` takes (by index), and its relations between
    /// spans that are inserted or already stored (`ids`, by uid).
    fn insert_spans(
        &mut self,
        rowid: i64,
        revision: u32,
        hash: &str,
        checked: &CheckedDocument,
        pick: &dyn Fn(usize) -> bool,
        mut ids: HashMap<String, (i64, String)>,
    ) -> FResult<()> {
        let doc = checked.doc();
        let picked: Vec<usize> = (0..doc.spans.len()).filter(|&i| pick(i)).collect();
        ids.reserve(picked.len());
        let mut gids: Vec<String> = Vec::with_capacity(SPANS_PER_INSERT);
        for chunk in picked.chunks(SPANS_PER_INSERT) {
            let mut insert = self.tx.prepare_cached(&multi_insert_sql(chunk.len()))?;
            let mut k = 0;
            let mut bind = |v: &dyn rusqlite::ToSql| {
                k += 1;
                insert.raw_bind_parameter(k, v)
            };
            for &i in chunk {
                let span = &doc.spans[i];
                let uid = span.uid.as_deref().ok_or_else(|| {
                    Fail::conflict(
                        format!("document {:?} spans[{i}].id", doc.id),
                        "span has no id",
                    )
                })?;
                let (author, author_uid) = author_of(
                    &self.tx,
                    &mut self.authors,
                    self.now,
                    span.author.as_deref(),
                )?;
                let gid = new_gid();
                let layer = span.layer.as_deref().unwrap_or(glossa_core::GOLD_LAYER);
                if !self.lazy {
                    self.changes.push(Change::Span(SpanState {
                        gid: gid.clone(),
                        doc_id: doc.id.clone(),
                        uid: uid.to_string(),
                        revision: hash.to_string(),
                        start: span.start,
                        end: span.end,
                        label: span.label.clone(),
                        layer: layer.to_string(),
                        attrs: span.attrs.clone(),
                        note: span.note.clone(),
                        author: author_uid,
                        anchor: AnchorState::Exact,
                        confidence: 1.0,
                        created: self.now,
                    }));
                }
                gids.push(gid);
                bind(&rowid)?;
                bind(&uid)?;
                bind(&revision)?;
                bind(&(span.start as i64))?;
                bind(&(span.end as i64))?;
                bind(&span.label)?;
                bind(&layer)?;
                bind(&attrs_json(&span.attrs)?)?;
                bind(&span.note)?;
                bind(&author)?;
                bind(&self.now)?;
                bind(&self.now)?;
                bind(&checked.span_text(i))?;
                bind(
                    gids.last()
                        .ok_or_else(|| Fail::corrupt("spans.gid", "none made"))?,
                )?;
            }
            insert.raw_execute()?;
            // One statement's rows take consecutive ids, ending at the last insert's.
            self.last_rows.0 = self.tx.last_insert_rowid();
            let first = self.last_rows.0 - chunk.len() as i64 + 1;
            for ((j, &i), gid) in chunk.iter().enumerate().zip(gids.drain(..)) {
                if let Some(uid) = doc.spans[i].uid.as_deref() {
                    ids.insert(uid.to_string(), (first + j as i64, gid));
                }
            }
        }
        for (i, rel) in doc.relations.iter().enumerate() {
            let span = |uid: &str, side: &str| {
                ids.get(uid).cloned().ok_or_else(|| {
                    Fail::conflict(
                        format!("document {:?} relations[{i}].{side}", doc.id),
                        format!("no span {uid:?}"),
                    )
                })
            };
            let (from, to) = (span(&rel.from, "from")?, span(&rel.to, "to")?);
            let (author, author_uid) = author_of(
                &self.tx,
                &mut self.authors,
                self.now,
                Some(rel.author.as_deref().unwrap_or("import")),
            )?;
            let gid = new_gid();
            let added = self
                .tx
                .prepare_cached(
                    "INSERT INTO relations (doc, from_span, to_span, label, author, created, gid)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (from_span, to_span, label) DO NOTHING",
                )?
                .execute(params![
                    rowid, from.0, to.0, rel.label, author, self.now, gid
                ])?;
            if added > 0 {
                self.last_rows.1 = self.tx.last_insert_rowid();
            }
            if added > 0 && !self.lazy {
                self.changes.push(Change::Relation(RelationState {
                    gid,
                    doc_id: doc.id.clone(),
                    from: from.1,
                    to: to.1,
                    label: rel.label.clone(),
                    author: author_uid,
                    created: self.now,
                }));
            }
            self.counts.relations += added as u64;
        }
        self.counts.spans += picked.len() as u64;
        Ok(())
    }

    /// Updates an existing document from `doc`. A changed text becomes a new revision, and
    /// the spans it does not bring are re-anchored to it (see [`glossa_core::reanchor`]),
    /// recorded as one `reanchor` operation by the system author. Status and metadata that
    /// `doc` does not carry are kept. With `replace_annotations`, the spans of the layers
    /// `doc` brings (and of `layer`) become `doc`'s: a span with the same uid keeps its id and
    /// creation time, a new one is added, a missing one deleted; other layers are untouched.
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
        crate::apply::materialize(&self.tx, rowid)?;
        let (old_text, old_meta, old_status): (String, String, String) = self
            .tx
            .prepare_cached(
                "SELECT r.text, d.meta, d.status FROM documents d
                 JOIN revisions r ON r.doc = d.id AND r.number = d.revision WHERE d.id = ?1",
            )?
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let revision = if old_text == doc.text {
            old_rev
        } else {
            old_rev + 1
        };
        if revision != old_rev {
            self.tx
                .prepare_cached(
                    "INSERT INTO revisions (doc, number, text, created, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![rowid, revision, doc.text, self.now, checked.hash()])?;
        }
        // Metadata: the file's keys over the stored ones. Status: the stored one unless the
        // file sets one (`todo` is what a file without a status brings).
        let mut meta: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&old_meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
        meta.extend(doc.meta.clone());
        let status = if doc.status == DocStatus::Todo {
            old_status
        } else {
            doc.status.as_str().to_string()
        };
        let title = meta
            .get("title")
            .and_then(|t| t.as_str())
            .unwrap_or(&doc.id)
            .to_string();
        let meta = serde_json::to_string(&meta).map_err(|e| Fail::corrupt("documents.meta", e))?;
        self.tx
            .prepare_cached(
                "UPDATE documents SET title = ?2, source_path = coalesce(?3, source_path), meta = ?4,
                     status = ?5, revision = ?6, chars = ?7, updated = ?8 WHERE id = ?1",
            )?
            .execute(params![
                rowid,
                title,
                source_path,
                meta,
                status,
                revision,
                checked.chars() as i64,
                self.now
            ])?;
        self.counts.updated += 1;
        if revision != old_rev {
            self.changes.push(Change::Revision {
                doc_id: doc.id.clone(),
                hash: checked.hash().to_string(),
                text: String::new(),
            });
        }
        let (new_meta, new_status): (serde_json::Map<String, serde_json::Value>, String) = (
            serde_json::from_str(&meta).map_err(|e| Fail::corrupt("documents.meta", e))?,
            status,
        );
        if new_meta.iter().collect::<Vec<_>>()
            != serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&old_meta)
                .map_err(|e| Fail::corrupt("documents.meta", e))?
                .iter()
                .collect::<Vec<_>>()
            || doc.status != DocStatus::Todo
        {
            self.changes.push(Change::DocumentFields {
                doc_id: doc.id.clone(),
                meta: new_meta,
                status: DocStatus::parse(&new_status).unwrap_or_default(),
            });
        }
        let touched: Vec<String> = if replace {
            let mut layers: Vec<String> =
                doc.spans.iter().filter_map(|s| s.layer.clone()).collect();
            layers.sort();
            layers.dedup();
            layers
        } else {
            Vec::new()
        };
        let hash = checked.hash();
        if replace {
            self.replace_layers(rowid, revision, hash, checked, &touched)?;
        }
        let changes = std::mem::take(&mut self.changes);
        let importer = self.importer.clone();
        let author = self.author(&importer)?;
        self.record(OpKind::Import, author, rowid, &changes)?;
        if revision != old_rev {
            self.reanchor(rowid, hash, revision, &doc.text, &touched)?;
        }
        Ok(())
    }

    /// Re-anchors document `rowid`'s spans outside the `skip` layers to its new revision
    /// `revision` with text `text`: those of the previous revision, and orphans of older ones.
    fn reanchor(
        &mut self,
        rowid: i64,
        hash: &str,
        revision: u32,
        text: &str,
        skip: &[String],
    ) -> FResult<()> {
        struct Old {
            id: i64,
            gid: String,
            revision: u32,
            start: usize,
            end: usize,
            label: String,
            layer: String,
            anchor: AnchorState,
        }
        let mut olds: Vec<Old> = Vec::new();
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT s.id, s.gid, s.revision, s.start, s.\"end\", s.label, s.layer, s.anchor
                 FROM spans s
                 WHERE s.doc = ?1 AND s.revision < ?2
                   AND (s.revision = ?2 - 1 OR s.anchor = 'orphaned')
                 ORDER BY s.revision DESC, s.start, s.\"end\", s.id",
            )?;
            let mut rows = stmt.query(params![rowid, revision])?;
            while let Some(r) = rows.next()? {
                let layer: String = r.get(6)?;
                if skip.contains(&layer) {
                    continue;
                }
                olds.push(Old {
                    id: r.get(0)?,
                    gid: r.get(1)?,
                    revision: r.get(2)?,
                    start: crate::rows::to_usize(r.get(3)?, "spans.start")?,
                    end: crate::rows::to_usize(r.get(4)?, "spans.end")?,
                    label: r.get(5)?,
                    layer,
                    anchor: parse_anchor(&r.get::<_, String>(7)?)?,
                });
            }
        }
        if olds.is_empty() {
            return Ok(());
        }
        let allow_overlaps: bool = self
            .tx
            .query_row(
                "SELECT value FROM project WHERE key = 'allow_overlaps'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .as_deref()
            != Some("false");
        // Diff each old revision (usually just the previous one) against the new text once.
        let mut placements = Vec::with_capacity(olds.len());
        let mut diffs: HashMap<u32, Reanchor> = HashMap::new();
        for old in &olds {
            let diff = match diffs.entry(old.revision) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let old_text: String = self
                        .tx
                        .prepare_cached(
                            "SELECT text FROM revisions WHERE doc = ?1 AND number = ?2",
                        )?
                        .query_row(params![rowid, old.revision], |r| r.get(0))?;
                    v.insert(Reanchor::new(&old_text, text))
                }
            };
            placements.push(diff.place(old.start, old.end));
        }
        let mut settling: Vec<Settling<'_>> = olds
            .iter()
            .zip(&placements)
            .map(|(o, p)| Settling {
                layer: &o.layer,
                label: &o.label,
                placement: *p,
            })
            .collect();
        settle(&[], &mut settling, allow_overlaps);
        let new_index = glossa_core::OffsetIndex::new(text);
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut changes = Vec::with_capacity(olds.len());
        for (old, s) in olds.iter().zip(&settling) {
            let p = s.placement;
            before.push(serde_json::json!({
                "gid": old.gid, "revision": old.revision, "start": old.start, "end": old.end,
                "anchor": old.anchor.as_str(),
            }));
            if p.state == AnchorState::Orphaned {
                self.tx
                    .prepare_cached("UPDATE spans SET anchor = 'orphaned', confidence = 0, updated = ?2 WHERE id = ?1")?
                    .execute(params![old.id, self.now])?;
                self.counts.orphaned += 1;
                changes.push(Change::SpanFields {
                    gid: old.gid.clone(),
                    fields: SpanFields {
                        anchor: Some(AnchorState::Orphaned),
                        confidence: Some(0.0),
                        ..SpanFields::default()
                    },
                });
                after.push(serde_json::json!({
                    "gid": old.gid, "revision": old.revision, "start": old.start, "end": old.end,
                    "anchor": "orphaned", "confidence": 0.0,
                }));
                continue;
            }
            let words = new_index
                .slice(p.start, p.end)
                .map_err(|e| Fail::corrupt("spans.end", e))?;
            self.tx
                .prepare_cached(
                    "UPDATE spans SET revision = ?2, start = ?3, \"end\" = ?4, text = ?5, anchor = ?6,
                         confidence = ?7, updated = ?8 WHERE id = ?1",
                )?
                .execute(params![
                    old.id,
                    revision,
                    p.start as i64,
                    p.end as i64,
                    words,
                    p.state.as_str(),
                    p.confidence,
                    self.now
                ])?;
            changes.push(Change::SpanFields {
                gid: old.gid.clone(),
                fields: SpanFields {
                    revision: Some(hash.to_string()),
                    start: Some(p.start),
                    end: Some(p.end),
                    anchor: Some(p.state),
                    confidence: Some(p.confidence),
                    ..SpanFields::default()
                },
            });
            if p.state == AnchorState::Fuzzy {
                self.counts.fuzzy += 1;
            } else {
                self.counts.reanchored += 1;
            }
            after.push(serde_json::json!({
                "gid": old.gid, "revision": revision, "start": p.start, "end": p.end,
                "anchor": p.state.as_str(), "confidence": p.confidence,
            }));
        }
        let system = self.author(SYSTEM_AUTHOR)?;
        self.tx
            .prepare_cached("UPDATE authors SET role = 'system' WHERE id = ?1")?
            .execute([system])?;
        self.log.append(
            &self.tx,
            &NewOperation {
                author: system,
                time: self.now,
                kind: glossa_core::OpKind::Reanchor.as_str(),
                doc: Some(rowid),
                before: Some(serde_json::json!({ "spans": before }).to_string()),
                after: Some(
                    serde_json::json!({ "revision": revision, "spans": after }).to_string(),
                ),
                state: "record",
                ref_op: None,
                changes: Some(
                    serde_json::to_string(&changes)
                        .map_err(|e| Fail::corrupt("operations.changes", e))?,
                ),
            },
        )?;
        Ok(())
    }

    /// Makes the spans of `layers` in document `rowid` the ones `checked` brings (on revision
    /// `revision`), keeping the id and creation time of spans whose uid it brings again.
    fn replace_layers(
        &mut self,
        rowid: i64,
        revision: u32,
        hash: &str,
        checked: &CheckedDocument,
        layers: &[String],
    ) -> FResult<()> {
        let doc = checked.doc();
        let incoming: HashMap<(&str, &str), usize> = doc
            .spans
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some(((s.layer.as_deref()?, s.uid.as_deref()?), i)))
            .collect();
        // Every stored span of the document, by (layer, uid).
        let mut stored: Vec<(i64, String, String, String, i64)> = Vec::new();
        {
            let mut stmt = self.tx.prepare_cached(
                "SELECT id, layer, uid, gid, created FROM spans WHERE doc = ?1 ORDER BY id",
            )?;
            let mut rows = stmt.query([rowid])?;
            while let Some(r) = rows.next()? {
                stored.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
            }
        }
        let mut ids: HashMap<String, (i64, String)> = HashMap::new();
        let mut kept_incoming = vec![false; doc.spans.len()];
        for (id, layer, uid, gid, created) in &stored {
            if !layers.contains(layer) {
                self.counts.kept += 1;
                // Relations of the file may still point at spans of other layers by uid only
                // within their own layer, so these do not join `ids`.
                continue;
            }
            match incoming.get(&(layer.as_str(), uid.as_str())) {
                Some(&i) => {
                    let span = &doc.spans[i];
                    let (author, author_uid) = author_of(
                        &self.tx,
                        &mut self.authors,
                        self.now,
                        span.author.as_deref(),
                    )?;
                    self.changes.push(Change::Span(SpanState {
                        gid: gid.clone(),
                        doc_id: doc.id.clone(),
                        uid: uid.clone(),
                        revision: hash.to_string(),
                        start: span.start,
                        end: span.end,
                        label: span.label.clone(),
                        layer: layer.clone(),
                        attrs: span.attrs.clone(),
                        note: span.note.clone(),
                        author: author_uid,
                        anchor: AnchorState::Exact,
                        confidence: 1.0,
                        created: *created,
                    }));
                    self.tx
                        .prepare_cached(
                            "UPDATE spans SET revision = ?2, start = ?3, \"end\" = ?4, label = ?5,
                                 attrs = ?6, note = ?7, author = ?8, text = ?9, anchor = 'exact',
                                 confidence = 1.0,
                                 updated = ?10
                             WHERE id = ?1",
                        )?
                        .execute(params![
                            id,
                            revision,
                            span.start as i64,
                            span.end as i64,
                            span.label,
                            attrs_json(&span.attrs)?,
                            span.note,
                            author,
                            checked.span_text(i),
                            self.now
                        ])?;
                    kept_incoming[i] = true;
                    ids.insert(uid.clone(), (*id, gid.clone()));
                }
                None => {
                    self.changes.push(Change::SpanDelete { gid: gid.clone() });
                    self.tx
                        .prepare_cached("DELETE FROM spans WHERE id = ?1")?
                        .execute([id])?;
                }
            }
        }
        self.counts.spans += kept_incoming.iter().filter(|k| **k).count() as u64;
        self.insert_spans(rowid, revision, hash, checked, &|i| !kept_incoming[i], ids)
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
            b.log.append(
                &b.tx,
                &NewOperation {
                    author,
                    time: b.now,
                    kind: "import",
                    doc: None,
                    before: None,
                    after: Some(summary.to_string()),
                    state: "record",
                    ref_op: None,
                    changes: None,
                },
            )?;
            Ok(())
        };
        run(&mut self).map_err(|f| f.at(path))?;
        let mut counts = self.counts.clone();
        counts.new_authors = std::mem::take(&mut self.authors.created);
        counts
            .new_authors
            .retain(|a| a != SYSTEM_AUTHOR && a != author);
        self.tx.commit().map_err(|e| Fail::from(e).at(path))?;
        Ok(counts)
    }

    /// What the batch has written so far.
    pub fn counts(&self) -> &ImportCounts {
        &self.counts
    }
}
