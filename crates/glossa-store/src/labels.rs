//! The `labels` and `relation_types` tables: the project's label schema.

use glossa_core::{ArgConstraint, LabelDef, LabelKind, RelationDef, Schema};
use rusqlite::Connection;
use rusqlite::OptionalExtension;

use crate::error::{FResult, Fail};

fn parse_kind(s: &str) -> FResult<LabelKind> {
    match s {
        "entity" => Ok(LabelKind::Entity),
        "claim" => Ok(LabelKind::Claim),
        "other" => Ok(LabelKind::Other),
        _ => Err(Fail::corrupt("labels.kind", format!("unknown kind {s:?}"))),
    }
}

/// Replaces the stored schema with `schema` (inside the caller's transaction).
pub(crate) fn write_schema(conn: &Connection, schema: &Schema) -> FResult<()> {
    conn.execute_batch("DELETE FROM labels; DELETE FROM relation_types;")?;
    conn.execute(
        "INSERT OR REPLACE INTO project (key, value) VALUES ('allow_overlaps', ?1)",
        [if schema.allow_overlaps {
            "true"
        } else {
            "false"
        }],
    )?;
    let mut put = conn.prepare(
        "INSERT INTO labels (name, position, kind, color, hotkey, description, attributes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, l) in schema.labels.iter().enumerate() {
        let attrs = serde_json::to_string(&l.attributes)
            .map_err(|e| Fail::corrupt("labels.attributes", e))?;
        put.execute(rusqlite::params![
            l.name,
            i,
            l.kind.as_str(),
            l.color,
            l.hotkey,
            l.description,
            attrs
        ])?;
    }
    let mut put = conn.prepare(
        "INSERT INTO relation_types (name, position, arg_from, arg_to, description)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, r) in schema.relations.iter().enumerate() {
        let from = serde_json::to_string(&r.from)
            .map_err(|e| Fail::corrupt("relation_types.arg_from", e))?;
        let to =
            serde_json::to_string(&r.to).map_err(|e| Fail::corrupt("relation_types.arg_to", e))?;
        put.execute(rusqlite::params![r.name, i, from, to, r.description])?;
    }
    conn.execute(
        "INSERT INTO project (key, value) VALUES ('schema_name', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [&schema.name],
    )?;
    Ok(())
}

/// Reads the stored schema.
pub(crate) fn read_schema(conn: &Connection, name: String) -> FResult<Schema> {
    let mut stmt = conn.prepare(
        "SELECT name, kind, color, hotkey, description, attributes FROM labels ORDER BY position",
    )?;
    let mut rows = stmt.query([])?;
    let mut labels = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        let attrs: String = r.get(5)?;
        labels.push(LabelDef {
            name: r.get(0)?,
            kind: parse_kind(&kind)?,
            color: r.get(2)?,
            hotkey: r.get(3)?,
            description: r.get(4)?,
            attributes: serde_json::from_str(&attrs)
                .map_err(|e| Fail::corrupt("labels.attributes", e))?,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT name, arg_from, arg_to, description FROM relation_types ORDER BY position",
    )?;
    let mut rows = stmt.query([])?;
    let mut relations = Vec::new();
    while let Some(r) = rows.next()? {
        let arg = |i: usize, field: &str| -> FResult<ArgConstraint> {
            let s: String = r.get(i)?;
            serde_json::from_str(&s).map_err(|e| Fail::corrupt(field, e))
        };
        relations.push(RelationDef {
            name: r.get(0)?,
            from: arg(1, "relation_types.arg_from")?,
            to: arg(2, "relation_types.arg_to")?,
            description: r.get(3)?,
        });
    }
    let allow_overlaps: Option<String> = conn
        .query_row(
            "SELECT value FROM project WHERE key = 'allow_overlaps'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Schema {
        name,
        labels,
        relations,
        allow_overlaps: allow_overlaps.as_deref() != Some("false"),
    })
}

/// Span labels and relation types in use, with their counts.
pub(crate) fn in_use(conn: &Connection) -> FResult<Vec<(String, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT label, count(*) FROM spans GROUP BY label
         UNION ALL SELECT label, count(*) FROM relations GROUP BY label",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
