//! Reading documents: the document list, one document with its spans and relations, one span,
//! and the export stream that walks every document in import order.

use std::collections::HashMap;

use glossa_core::{
    AnnotatedDocument, Author, DocStatus, Document, DocumentSummary, DocumentView, MarkedDocument,
    Relation, RelationRecord, ReviewStatus, Revision, Role, Span, SpanId, SpanMarks, SpanRecord,
};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{FResult, Fail};
use crate::rows::{
    document_key, format_time, parse_attrs, relation_from_row, span_from_row, to_usize,
    RELATION_COLUMNS, SPAN_COLUMNS, SPAN_FROM,
};
use crate::{Store, StoreError};

fn parse_status(s: &str) -> FResult<DocStatus> {
    DocStatus::parse(s)
        .ok_or_else(|| Fail::corrupt("documents.status", format!("unknown status {s:?}")))
}

fn parse_meta(s: &str) -> FResult<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(s).map_err(|e| Fail::corrupt("documents.meta", e))
}

/// The relations that `condition` (an SQL condition on `r`, with one parameter) picks, in
/// creation order.
fn relations_where(conn: &Connection, condition: &str, param: i64) -> FResult<Vec<Relation>> {
    let sql = format!(
        "SELECT {RELATION_COLUMNS} FROM relations r JOIN authors a ON a.id = r.author
         WHERE {condition} ORDER BY r.id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([param])?;
    let mut relations = Vec::new();
    while let Some(r) = rows.next()? {
        relations.push(relation_from_row(r)?);
    }
    Ok(relations)
}

/// The relations of the document with key `doc`, in creation order.
fn relations_of(conn: &Connection, doc: i64) -> FResult<Vec<Relation>> {
    relations_where(conn, "r.doc = ?1", doc)
}

/// Loads document `doc_id` at its current revision, without spans.
pub(crate) fn load_document(conn: &Connection, doc_id: &str) -> FResult<Document> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.doc_id, d.title, d.source_path, d.meta, d.status, d.revision, r.text
         FROM documents d JOIN revisions r ON r.doc = d.id AND r.number = d.revision
         WHERE d.doc_id = ?1",
    )?;
    let mut rows = stmt.query([doc_id])?;
    let r = rows
        .next()?
        .ok_or_else(|| Fail::not_found(format!("document {doc_id:?}")))?;
    let meta: String = r.get(3)?;
    let status: String = r.get(4)?;
    Ok(Document {
        id: r.get(0)?,
        title: r.get(1)?,
        source_path: r.get(2)?,
        meta: parse_meta(&meta)?,
        status: parse_status(&status)?,
        revision: r.get(5)?,
        text: r.get(6)?,
    })
}

/// Loads span `id`, if it exists.
pub(crate) fn load_span(conn: &Connection, id: SpanId) -> FResult<Option<Span>> {
    let sql = format!("SELECT {SPAN_COLUMNS} FROM {SPAN_FROM} WHERE s.id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id.0])?;
    rows.next()?.map(span_from_row).transpose()
}

/// Loads span `gid`, if it exists.
pub(crate) fn load_span_by_gid(conn: &Connection, gid: &str) -> FResult<Option<Span>> {
    let sql = format!("SELECT {SPAN_COLUMNS} FROM {SPAN_FROM} WHERE s.gid = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([gid])?;
    rows.next()?.map(span_from_row).transpose()
}

/// Loads relation `id`, if it exists.
pub(crate) fn load_relation(
    conn: &Connection,
    id: glossa_core::RelationId,
) -> FResult<Option<glossa_core::Relation>> {
    let sql = format!(
        "SELECT {RELATION_COLUMNS} FROM relations r JOIN authors a ON a.id = r.author WHERE r.id = ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([id.0])?;
    rows.next()?.map(relation_from_row).transpose()
}

/// Relations that start or end at span `id`.
pub(crate) fn relations_of_span(conn: &Connection, id: SpanId) -> FResult<Vec<Relation>> {
    relations_where(conn, "r.from_span = ?1 OR r.to_span = ?1", id.0)
}

impl Store {
    /// Every document, in import order, with span counts at its current revision. Its status
    /// is `person`'s own when given (their recorded one until they set one), else everyone's
    /// combined ([`DocStatus::combined`]).
    pub fn documents(&self, person: Option<&str>) -> Result<Vec<DocumentSummary>, StoreError> {
        let run = || -> FResult<Vec<DocumentSummary>> {
            let mut stmt = self.conn.prepare(
                "SELECT d.doc_id, d.title, d.status, d.revision, d.chars,
                        (SELECT count(*) FROM spans s WHERE s.doc = d.id AND s.revision = d.revision),
                        (SELECT group_concat(p.status) FROM doc_status p
                         WHERE p.doc = d.id AND (?1 IS NULL OR p.author = (SELECT id FROM authors WHERE name = ?1))),
                        d.review,
                        (SELECT count(*) FROM spans s
                         WHERE s.doc = d.id AND s.revision = d.revision AND s.layer = ?1),
                        (SELECT count(*) FROM spans s
                         WHERE s.doc = d.id AND s.revision = d.revision AND s.layer = ?2)
                 FROM documents d ORDER BY d.id",
            )?;
            let mut rows = stmt.query(rusqlite::params![person, glossa_core::GOLD_LAYER])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let recorded: String = r.get(2)?;
                let people: Option<String> = r.get(6)?;
                let people = people
                    .iter()
                    .flat_map(|p| p.split(','))
                    .map(parse_status)
                    .collect::<FResult<Vec<_>>>()?;
                out.push(DocumentSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    status: DocStatus::combined(parse_status(&recorded)?, people),
                    revision: r.get(3)?,
                    chars: r.get(4)?,
                    spans: r.get(5)?,
                    own: r.get(8)?,
                    gold: r.get(9)?,
                    review: {
                        let review: String = r.get(7)?;
                        ReviewStatus::parse(&review).ok_or_else(|| {
                            Fail::corrupt("documents.review", format!("unknown status {review:?}"))
                        })?
                    },
                });
            }
            Ok(out)
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Whether document `doc_id` exists.
    pub fn has_document(&self, doc_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM documents WHERE doc_id = ?1",
                [doc_id],
                |_| Ok(()),
            )
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| Fail::from(e).at(&self.path))
    }

    /// Document `doc_id` at its current revision, without spans.
    pub fn document(&self, doc_id: &str) -> Result<Document, StoreError> {
        load_document(&self.conn, doc_id).map_err(|f| f.at(&self.path))
    }

    /// The current revision number of document `doc_id` (without reading its text).
    pub fn document_revision(&self, doc_id: &str) -> Result<u32, StoreError> {
        document_key(&self.conn, doc_id)
            .map(|(_, revision)| revision)
            .map_err(|f| f.at(&self.path))
    }

    /// Document `doc_id` with its current spans (ordered by start, end) and their relations.
    pub fn document_view(&self, doc_id: &str) -> Result<DocumentView, StoreError> {
        let run = || -> FResult<DocumentView> {
            let document = load_document(&self.conn, doc_id)?;
            let (doc, revision) = document_key(&self.conn, doc_id)?;
            let sql = format!(
                "SELECT {SPAN_COLUMNS} FROM {SPAN_FROM}
                 WHERE s.doc = ?1 AND s.revision = ?2 ORDER BY s.start, s.\"end\", s.id"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params![doc, revision])?;
            let mut spans = Vec::new();
            while let Some(r) = rows.next()? {
                spans.push(span_from_row(r)?);
            }
            Ok(DocumentView {
                document,
                spans,
                relations: relations_of(&self.conn, doc)?,
            })
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Document `doc_id`'s orphaned spans: those whose words a newer revision lost, left on
    /// the revision they were made on (ordered by revision, start, end).
    pub fn orphaned_spans(&self, doc_id: &str) -> Result<Vec<Span>, StoreError> {
        let run = || -> FResult<Vec<Span>> {
            let (doc, revision) = document_key(&self.conn, doc_id)?;
            let sql = format!(
                "SELECT {SPAN_COLUMNS} FROM {SPAN_FROM}
                 WHERE s.doc = ?1 AND s.revision < ?2 ORDER BY s.revision, s.start, s.\"end\", s.id"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params![doc, revision])?;
            let mut spans = Vec::new();
            while let Some(r) = rows.next()? {
                spans.push(span_from_row(r)?);
            }
            Ok(spans)
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Document `doc_id` with its current spans as marks (ordered by start, end, id) and their
    /// relations: the annotate screen's view, read without the spans' other columns.
    pub fn marked_document(&self, doc_id: &str) -> Result<MarkedDocument, StoreError> {
        let run = || -> FResult<MarkedDocument> {
            let document = load_document(&self.conn, doc_id)?;
            let (doc, revision) = document_key(&self.conn, doc_id)?;
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, start, \"end\", label, layer FROM spans
                 WHERE doc = ?1 AND revision = ?2 ORDER BY start, \"end\", id",
            )?;
            let mut rows = stmt.query(rusqlite::params![doc, revision])?;
            let mut marks = SpanMarks::default();
            while let Some(r) = rows.next()? {
                let label = r
                    .get_ref(3)?
                    .as_str()
                    .map_err(|e| Fail::corrupt("spans.label", e))?;
                let layer = r
                    .get_ref(4)?
                    .as_str()
                    .map_err(|e| Fail::corrupt("spans.layer", e))?;
                marks.push(
                    SpanId(r.get(0)?),
                    to_usize(r.get(1)?, "spans.start")?,
                    to_usize(r.get(2)?, "spans.end")?,
                    label,
                    layer,
                );
            }
            Ok(MarkedDocument {
                document,
                marks,
                relations: relations_of(&self.conn, doc)?,
            })
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Every revision of document `doc_id`, oldest first.
    pub fn revisions(&self, doc_id: &str) -> Result<Vec<Revision>, StoreError> {
        let run = || -> FResult<Vec<Revision>> {
            let (doc, _) = document_key(&self.conn, doc_id)?;
            let mut stmt = self
                .conn
                .prepare("SELECT number, created, length(text) FROM revisions WHERE doc = ?1 ORDER BY number")?;
            let mut rows = stmt.query([doc])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(Revision {
                    number: r.get(0)?,
                    created: format_time(r.get(1)?),
                    chars: r.get(2)?,
                });
            }
            Ok(out)
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// The text of revision `number` of document `doc_id`.
    pub fn revision_text(&self, doc_id: &str, number: u32) -> Result<String, StoreError> {
        let run = || -> FResult<String> {
            let (doc, _) = document_key(&self.conn, doc_id)?;
            self.conn
                .query_row(
                    "SELECT text FROM revisions WHERE doc = ?1 AND number = ?2",
                    rusqlite::params![doc, number],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| Fail::not_found(format!("revision {number} of document {doc_id:?}")))
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Every author, in order of first appearance.
    pub fn authors(&self) -> Result<Vec<Author>, StoreError> {
        let run = || -> FResult<Vec<Author>> {
            let mut stmt = self
                .conn
                .prepare("SELECT name, created, uid, role FROM authors ORDER BY id")?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let role: String = r.get(3)?;
                out.push(Author {
                    name: r.get(0)?,
                    created: format_time(r.get(1)?),
                    uid: r.get(2)?,
                    role: Role::parse(&role).ok_or_else(|| {
                        Fail::corrupt("authors.role", format!("unknown role {role:?}"))
                    })?,
                });
            }
            Ok(out)
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// The relations from or to span `id`.
    pub fn span_relations(&self, id: SpanId) -> Result<Vec<Relation>, StoreError> {
        relations_of_span(&self.conn, id).map_err(|f| f.at(&self.path))
    }

    /// Relation `id`.
    pub fn relation(&self, id: glossa_core::RelationId) -> Result<Relation, StoreError> {
        load_relation(&self.conn, id)
            .and_then(|r| r.ok_or_else(|| Fail::not_found(format!("relation {}", id.0))))
            .map_err(|f| f.at(&self.path))
    }

    /// The role of author `name`, if they exist.
    pub fn author_role(&self, name: &str) -> Result<Option<Role>, StoreError> {
        let run = || -> FResult<Option<Role>> {
            let role: Option<String> = self
                .conn
                .prepare_cached("SELECT role FROM authors WHERE name = ?1")?
                .query_row([name], |r| r.get(0))
                .optional()?;
            role.map(|r| {
                Role::parse(&r)
                    .ok_or_else(|| Fail::corrupt("authors.role", format!("unknown role {r:?}")))
            })
            .transpose()
        };
        run().map_err(|f| f.at(&self.path))
    }

    /// Span `id`.
    pub fn span(&self, id: SpanId) -> Result<Span, StoreError> {
        load_span(&self.conn, id)
            .and_then(|s| s.ok_or_else(|| Fail::not_found(format!("span {}", id.0))))
            .map_err(|f| f.at(&self.path))
    }

    /// Calls `f` with every document in import order, as an [`AnnotatedDocument`] holding its
    /// current text, its spans at the current revision (only layer `layer` when given), sorted
    /// by start and end, and the relations between those spans. Streams: one document is in
    /// memory at a time.
    pub fn for_each_document<E: From<StoreError>>(
        &self,
        layer: Option<&str>,
        mut f: impl FnMut(AnnotatedDocument) -> Result<(), E>,
    ) -> Result<(), E> {
        let path = &self.path;
        let fail = |e: Fail| E::from(e.at(path));
        let conn = &self.conn;
        let authors: HashMap<i64, String> = (|| -> FResult<_> {
            let mut stmt = conn.prepare("SELECT id, name FROM authors")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })()
        .map_err(fail)?;
        let mut docs = conn
            .prepare(
                "SELECT d.id, d.doc_id, d.meta, d.status, r.text
                 FROM documents d JOIN revisions r ON r.doc = d.id AND r.number = d.revision
                 ORDER BY d.id",
            )
            .map_err(|e| fail(e.into()))?;
        let mut spans = conn
            .prepare(
                "SELECT s.doc, s.id, s.uid, s.start, s.\"end\", s.label, s.layer, s.attrs, s.note, s.author, s.created, s.gid
                 FROM spans s JOIN documents d ON d.id = s.doc
                 WHERE s.revision = d.revision AND (?1 IS NULL OR s.layer = ?1)
                 ORDER BY s.doc, s.start, s.\"end\", s.id",
            )
            .map_err(|e| fail(e.into()))?;
        let mut rels = conn
            .prepare(
                "SELECT doc, from_span, to_span, label, author, gid FROM relations ORDER BY doc, id",
            )
            .map_err(|e| fail(e.into()))?;
        let mut doc_rows = docs.query([]).map_err(|e| fail(e.into()))?;
        let mut span_rows = spans.query([layer]).map_err(|e| fail(e.into()))?;
        let mut rel_rows = rels.query([]).map_err(|e| fail(e.into()))?;
        let author_name = |id: i64| authors.get(&id).cloned();

        // Merge join on the document rowid: each stream is ordered by it.
        let mut next_span = next_span_row(&mut span_rows).map_err(fail)?;
        let mut next_rel = next_rel_row(&mut rel_rows).map_err(fail)?;
        while let Some(r) = doc_rows.next().map_err(|e| fail(e.into()))? {
            let (doc, record) = (|| -> FResult<(i64, AnnotatedDocument)> {
                let meta: String = r.get(2)?;
                let status: String = r.get(3)?;
                let doc: i64 = r.get(0)?;
                Ok((
                    doc,
                    AnnotatedDocument {
                        id: r.get(1)?,
                        meta: parse_meta(&meta)?,
                        status: parse_status(&status)?,
                        text: r.get(4)?,
                        spans: Vec::new(),
                        relations: Vec::new(),
                    },
                ))
            })()
            .map_err(fail)?;
            let mut record = record;
            let mut uids: HashMap<i64, String> = HashMap::new();
            // Spans at one place, and relations, go in the order of their global ids, the
            // same in every copy of the project (row ids are this copy's).
            let mut gids: Vec<String> = Vec::new();
            while let Some(s) = next_span.take_if(|s| s.doc <= doc) {
                if s.doc == doc {
                    uids.insert(s.id, s.record.uid.clone().unwrap_or_default());
                    let mut rec = s.record;
                    rec.author = author_name(s.author);
                    record.spans.push(rec);
                    gids.push(s.gid);
                }
                next_span = next_span_row(&mut span_rows).map_err(fail)?;
            }
            if record
                .spans
                .windows(2)
                .any(|w| (w[0].start, w[0].end) == (w[1].start, w[1].end))
            {
                let mut order: Vec<usize> = (0..record.spans.len()).collect();
                order.sort_by(|&a, &b| {
                    let (x, y) = (&record.spans[a], &record.spans[b]);
                    (x.start, x.end, &gids[a]).cmp(&(y.start, y.end, &gids[b]))
                });
                let mut spans: Vec<Option<SpanRecord>> = std::mem::take(&mut record.spans)
                    .into_iter()
                    .map(Some)
                    .collect();
                record.spans = order.into_iter().filter_map(|i| spans[i].take()).collect();
            }
            let mut relations: Vec<(String, RelationRecord)> = Vec::new();
            while let Some(rel) = next_rel.take_if(|x| x.doc <= doc) {
                if let (true, Some(from), Some(to)) =
                    (rel.doc == doc, uids.get(&rel.from), uids.get(&rel.to))
                {
                    relations.push((
                        rel.gid,
                        RelationRecord {
                            from: from.clone(),
                            to: to.clone(),
                            label: rel.label,
                            author: author_name(rel.author),
                        },
                    ));
                }
                next_rel = next_rel_row(&mut rel_rows).map_err(fail)?;
            }
            relations.sort_by(|a, b| a.0.cmp(&b.0));
            record.relations = relations.into_iter().map(|(_, r)| r).collect();
            f(record)?;
        }
        Ok(())
    }
}

struct SpanRowOut {
    doc: i64,
    id: i64,
    author: i64,
    gid: String,
    record: SpanRecord,
}

struct RelRowOut {
    doc: i64,
    from: i64,
    to: i64,
    label: String,
    author: i64,
    gid: String,
}

fn next_span_row(rows: &mut rusqlite::Rows<'_>) -> FResult<Option<SpanRowOut>> {
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let (start, end): (i64, i64) = (r.get(3)?, r.get(4)?);
    Ok(Some(SpanRowOut {
        doc: r.get(0)?,
        id: r.get(1)?,
        author: r.get(9)?,
        gid: r.get(11)?,
        record: SpanRecord {
            uid: Some(r.get(2)?),
            start: usize::try_from(start).map_err(|e| Fail::corrupt("spans.start", e))?,
            end: usize::try_from(end).map_err(|e| Fail::corrupt("spans.end", e))?,
            label: r.get(5)?,
            layer: Some(r.get(6)?),
            author: None,
            attrs: parse_attrs(r.get(7)?)?,
            note: r.get(8)?,
            created: Some(crate::rows::format_time(r.get(10)?)),
        },
    }))
}

fn next_rel_row(rows: &mut rusqlite::Rows<'_>) -> FResult<Option<RelRowOut>> {
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    Ok(Some(RelRowOut {
        doc: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        label: r.get(3)?,
        author: r.get(4)?,
        gid: r.get(5)?,
    }))
}
