//! Schema migrations, applied with `rusqlite_migration` (the version lives in `user_version`).
//! Append-only: a released migration is never edited. v2's hook gives the rows that v1 made
//! their global ids, revision hashes and operation sequence numbers.

use std::collections::HashMap;

use rusqlite::{params, Transaction};
use rusqlite_migration::{HookError, HookResult, Migrations, M};
use serde_json::Value;

use crate::ids::new_gid;

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("sql/v1.sql")),
        M::up_with_hook(include_str!("sql/v2.sql"), fill_v2),
        M::up(include_str!("sql/v3.sql")),
    ])
}

/// The schema version a fresh project has.
pub fn latest_version() -> usize {
    3
}

/// Fills what v2 adds to existing rows: the project's id and this copy's replica id, global
/// ids of authors, spans and relations, revision hashes, each operation's replica, sequence
/// number and clock (in log order), and per-person status from the status operations.
fn fill_v2(tx: &Transaction<'_>) -> HookResult {
    let replica = new_gid();
    tx.execute(
        "INSERT OR IGNORE INTO project (key, value) VALUES ('uid', ?1), ('replica', ?2)",
        params![new_gid(), replica],
    )?;
    for table in ["authors", "spans", "relations"] {
        let column = if table == "authors" { "uid" } else { "gid" };
        let ids: Vec<i64> = tx
            .prepare(&format!("SELECT id FROM {table} ORDER BY id"))?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut set = tx.prepare(&format!("UPDATE {table} SET {column} = ?2 WHERE id = ?1"))?;
        for id in ids {
            set.execute(params![id, new_gid()])?;
        }
    }
    let texts: Vec<(i64, String)> = tx
        .prepare("SELECT id, text FROM revisions ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare("UPDATE revisions SET hash = ?2 WHERE id = ?1")?;
    for (id, text) in texts {
        set.execute(params![id, glossa_core::rules::revision_hash(&text)])?;
    }
    give_snapshots_ids(tx)?;
    tx.execute(
        "UPDATE operations SET replica = ?1, seq = id, lamport = id WHERE seq IS NULL",
        [&replica],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO doc_status (doc, author, status, updated)
         SELECT o.doc, o.author, json_extract(o.after, '$.status'), o.time
         FROM operations o WHERE o.kind = 'set_status' AND o.state = 'applied' ORDER BY o.id",
        [],
    )?;
    record_baseline(tx, &replica)?;
    Ok(())
}

/// Rewrites v1 operations' undo snapshots (spans and relations with local ids, revision
/// numbers and author names) as v2 ones (global ids, revision hashes, author uids), so undo
/// and redo of v1 edits keep working. A span or relation deleted since gets a fresh global id,
/// the same in every snapshot that holds it.
fn give_snapshots_ids(tx: &Transaction<'_>) -> HookResult {
    let ops: Vec<(i64, Option<String>, Option<String>)> = tx
        .prepare("SELECT id, before, after FROM operations WHERE seq IS NULL ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    // Local span id -> (gid, document id), from the rows and from every snapshot.
    let mut spans: HashMap<i64, (String, String)> = tx
        .prepare("SELECT s.id, s.gid, d.doc_id FROM spans s JOIN documents d ON d.id = s.doc")?
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<Result<_, _>>()?;
    let mut relations: HashMap<i64, String> = tx
        .prepare("SELECT id, gid FROM relations")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let authors: HashMap<String, String> = tx
        .prepare("SELECT name, uid FROM authors")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let hash_of = |doc_id: &str, number: i64| -> rusqlite::Result<String> {
        tx.query_row(
            "SELECT r.hash FROM revisions r JOIN documents d ON d.id = r.doc
             WHERE d.doc_id = ?1 AND r.number = ?2",
            params![doc_id, number],
            |r| r.get(0),
        )
    };
    let ms = |v: &Value| -> i64 {
        v.as_str()
            .and_then(|t| crate::rows::parse_time(t, "created").ok())
            .unwrap_or(0)
    };
    let mut set = tx.prepare("UPDATE operations SET before = ?2, after = ?3 WHERE id = ?1")?;
    for (id, before, after) in ops {
        let mut fix = |json: Option<String>| -> rusqlite::Result<Option<String>> {
            let Some(json) = json else { return Ok(None) };
            let Ok(v) = serde_json::from_str::<Value>(&json) else {
                return Ok(Some(json));
            };
            let mut out = serde_json::Map::new();
            if let Some(items) = v.get("spans").and_then(Value::as_array) {
                let mut states = Vec::new();
                for s in items {
                    let row = s["id"].as_i64().unwrap_or_default();
                    let doc_id = s["doc_id"].as_str().unwrap_or_default().to_string();
                    let gid = spans
                        .entry(row)
                        .or_insert_with(|| (new_gid(), doc_id.clone()))
                        .0
                        .clone();
                    let author = s["author"].as_str().unwrap_or_default();
                    states.push(serde_json::json!({
                        "gid": gid,
                        "doc_id": doc_id,
                        "uid": s["uid"],
                        "revision": hash_of(&doc_id, s["revision"].as_i64().unwrap_or(1))?,
                        "start": s["start"],
                        "end": s["end"],
                        "label": s["label"],
                        "layer": s["layer"],
                        "attrs": s["attrs"],
                        "note": s["note"],
                        "author": authors.get(author).cloned().unwrap_or_default(),
                        "anchor": "exact",
                        "confidence": 1.0,
                        "created": ms(&s["created"]),
                    }));
                }
                out.insert("spans".into(), Value::Array(states));
            }
            if let Some(items) = v.get("relations").and_then(Value::as_array) {
                let mut states = Vec::new();
                for r in items {
                    let end = |key: &str| {
                        spans
                            .get(&r[key].as_i64().unwrap_or_default())
                            .cloned()
                            .unwrap_or_default()
                    };
                    let ((from, doc_id), (to, _)) = (end("from"), end("to"));
                    let gid = relations
                        .entry(r["id"].as_i64().unwrap_or_default())
                        .or_insert_with(new_gid)
                        .clone();
                    let author = r["author"].as_str().unwrap_or_default();
                    states.push(serde_json::json!({
                        "gid": gid,
                        "doc_id": doc_id,
                        "from": from,
                        "to": to,
                        "label": r["label"],
                        "author": authors.get(author).cloned().unwrap_or_default(),
                        "created": ms(&r["created"]),
                    }));
                }
                out.insert("relations".into(), Value::Array(states));
            }
            if let Some(status) = v.get("status") {
                out.insert("status".into(), status.clone());
            }
            if v.get("spans").is_none() && v.get("relations").is_none() && v.get("status").is_none()
            {
                // Not a snapshot (an import's summary): as it was.
                return Ok(Some(json));
            }
            Ok(Some(Value::Object(out).to_string()))
        };
        let (before, after) = (fix(before)?, fix(after)?);
        set.execute(params![id, before, after])?;
    }
    Ok(())
}

/// Records, after the v1 log, what other copies need to replay this project: every author,
/// and each document's whole state (texts, spans, relations, statuses), as operations of the
/// system author. v1 operations carry no changes of their own.
fn record_baseline(tx: &Transaction<'_>, replica: &str) -> HookResult {
    let empty: bool = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM documents) AND NOT EXISTS (SELECT 1 FROM authors)",
        [],
        |r| r.get(0),
    )?;
    if empty {
        return Ok(());
    }
    let now = crate::now();
    tx.execute(
        "INSERT OR IGNORE INTO authors (name, created, uid, role) VALUES (?1, ?2, ?3, 'system')",
        params![glossa_core::SYSTEM_AUTHOR, now, new_gid()],
    )?;
    let system: i64 = tx.query_row(
        "SELECT id FROM authors WHERE name = ?1",
        [glossa_core::SYSTEM_AUTHOR],
        |r| r.get(0),
    )?;
    let (mut seq, mut lamport): (i64, i64) = tx.query_row(
        "SELECT coalesce(max(seq), 0), coalesce(max(lamport), 0) FROM operations",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut append = |doc: Option<i64>, kind: &str, changes: Vec<Value>| -> rusqlite::Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        seq += 1;
        lamport += 1;
        tx.execute(
            "INSERT INTO operations (author, time, kind, doc, state, replica, seq, lamport, changes)
             VALUES (?1, ?2, ?3, ?4, 'record', ?5, ?6, ?7, ?8)",
            params![system, now, kind, doc, replica, seq, lamport, Value::Array(changes).to_string()],
        )?;
        Ok(())
    };
    let authors: Vec<Value> = tx
        .prepare("SELECT uid, name, role FROM authors ORDER BY id")?
        .query_map([], |r| {
            Ok(serde_json::json!({
                "change": "author", "uid": r.get::<_, String>(0)?,
                "name": r.get::<_, String>(1)?, "role": r.get::<_, String>(2)?,
            }))
        })?
        .collect::<Result<_, _>>()?;
    append(None, "add_author", authors)?;
    let docs: Vec<i64> = tx
        .prepare("SELECT id FROM documents ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for doc in docs {
        let changes = crate::apply::document_changes(tx, doc, None)
            .map_err(|f| HookError::Hook(f.kind.to_string()))?;
        let changes: Vec<Value> = changes
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(|e| HookError::Hook(e.to_string()))?;
        append(Some(doc), "snapshot", changes)?;
    }
    Ok(())
}
