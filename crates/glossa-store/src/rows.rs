//! Row-level helpers shared by the store's modules: decoding spans and relations, writing span
//! rows, and resolving authors and documents.

use std::time::{Duration, SystemTime};

use glossa_core::{AnchorState, Attrs, Relation, RelationId, Span, SpanId};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::{FResult, Fail};

/// Columns of [`span_from_row`], for `FROM spans s JOIN documents d … JOIN authors a …`.
pub(crate) const SPAN_COLUMNS: &str = "s.id, s.uid, d.doc_id, s.revision, s.start, s.\"end\", \
    s.label, s.layer, s.attrs, s.note, a.name, s.created, s.updated, s.text, s.gid, s.anchor, \
    s.confidence";

/// The joins that [`SPAN_COLUMNS`] needs.
pub(crate) const SPAN_FROM: &str =
    "spans s JOIN documents d ON d.id = s.doc JOIN authors a ON a.id = s.author";

/// Columns of [`relation_from_row`], for `FROM relations r JOIN authors a …`.
pub(crate) const RELATION_COLUMNS: &str =
    "r.id, r.from_span, r.to_span, r.label, a.name, r.created, r.gid";

/// A stored time (ms since the epoch) as RFC 3339 with milliseconds.
pub(crate) fn format_time(ms: i64) -> String {
    let t = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    humantime::format_rfc3339_millis(t).to_string()
}

/// An RFC 3339 time (as [`format_time`] writes it) back to ms since the epoch.
pub(crate) fn parse_time(s: &str, field: &str) -> FResult<i64> {
    let t = humantime::parse_rfc3339(s).map_err(|e| Fail::corrupt(field, format!("{s:?}: {e}")))?;
    let ms = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    Ok(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// Parses a stored attrs column.
pub(crate) fn parse_attrs(json: Option<String>) -> FResult<Attrs> {
    match json {
        None => Ok(Attrs::new()),
        Some(s) => serde_json::from_str(&s).map_err(|e| Fail::corrupt("spans.attrs", e)),
    }
}

/// The attrs column value for `attrs` (NULL when empty).
pub(crate) fn attrs_json(attrs: &Attrs) -> FResult<Option<String>> {
    if attrs.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(attrs)
        .map(Some)
        .map_err(|e| Fail::corrupt("spans.attrs", e))
}

pub(crate) fn to_usize(v: i64, field: &str) -> FResult<usize> {
    usize::try_from(v).map_err(|_| Fail::corrupt(field, format!("negative value {v}")))
}

/// Decodes a row selected with [`SPAN_COLUMNS`].
pub(crate) fn span_from_row(r: &Row<'_>) -> FResult<Span> {
    Ok(Span {
        id: SpanId(r.get(0)?),
        uid: r.get(1)?,
        doc_id: r.get(2)?,
        revision: r.get(3)?,
        start: to_usize(r.get(4)?, "spans.start")?,
        end: to_usize(r.get(5)?, "spans.end")?,
        label: r.get(6)?,
        layer: r.get(7)?,
        attrs: parse_attrs(r.get(8)?)?,
        note: r.get(9)?,
        author: r.get(10)?,
        created: format_time(r.get(11)?),
        updated: format_time(r.get(12)?),
        text: r.get(13)?,
        gid: r.get(14)?,
        anchor: parse_anchor(&r.get::<_, String>(15)?)?,
        confidence: r.get(16)?,
    })
}

/// Parses a stored anchor state.
pub(crate) fn parse_anchor(s: &str) -> FResult<AnchorState> {
    AnchorState::parse(s)
        .ok_or_else(|| Fail::corrupt("spans.anchor", format!("unknown anchor state {s:?}")))
}

/// Decodes a row selected with [`RELATION_COLUMNS`].
pub(crate) fn relation_from_row(r: &Row<'_>) -> FResult<Relation> {
    Ok(Relation {
        id: RelationId(r.get(0)?),
        from: SpanId(r.get(1)?),
        to: SpanId(r.get(2)?),
        label: r.get(3)?,
        author: r.get(4)?,
        created: format_time(r.get(5)?),
        gid: r.get(6)?,
    })
}

/// The id of author `name`, creating the author if new.
pub(crate) fn author_id(conn: &Connection, name: &str, now: i64) -> FResult<i64> {
    let mut find = conn.prepare_cached("SELECT id FROM authors WHERE name = ?1")?;
    if let Some(id) = find.query_row([name], |r| r.get(0)).optional()? {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO authors (name, created, uid) VALUES (?1, ?2, ?3)")?
        .execute(params![name, now, crate::ids::new_gid()])?;
    Ok(conn.last_insert_rowid())
}

/// `(rowid, current revision)` of document `doc_id`.
pub(crate) fn document_key(conn: &Connection, doc_id: &str) -> FResult<(i64, u32)> {
    conn.prepare_cached("SELECT id, revision FROM documents WHERE doc_id = ?1")?
        .query_row([doc_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Fail::not_found(format!("document {doc_id:?}")))
}
