//! Schema migrations, applied with `rusqlite_migration` (the version lives in `user_version`).
//! Append-only: a released migration is never edited. v2's hook gives the rows that v1 made
//! their global ids, revision hashes and operation sequence numbers.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};
use serde_json::Value;

use crate::ids::new_gid;

/// Every migration, oldest first.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("sql/v1.sql")),
        M::up_with_hook(include_str!("sql/v2.sql"), fill_v2),
    ])
}

/// The schema version a fresh project has.
pub fn latest_version() -> usize {
    2
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
    Ok(())
}

/// Gives the spans and relations in v1 operations' snapshots the global ids their rows now
/// have (a fresh one, the same in every snapshot, for rows deleted since), and spans their
/// anchor state, so undo and redo of v1 edits compare and restore whole v2 rows.
fn give_snapshots_ids(tx: &Transaction<'_>) -> HookResult {
    let ops: Vec<(i64, Option<String>, Option<String>)> = tx
        .prepare("SELECT id, before, after FROM operations WHERE seq IS NULL ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut gids: HashMap<(&'static str, i64), String> = HashMap::new();
    let mut gid_of = |table: &'static str, id: i64| -> rusqlite::Result<String> {
        if let Some(g) = gids.get(&(table, id)) {
            return Ok(g.clone());
        }
        let stored: Option<String> = tx
            .query_row(
                &format!("SELECT gid FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let g = stored.unwrap_or_else(new_gid);
        gids.insert((table, id), g.clone());
        Ok(g)
    };
    let mut set = tx.prepare("UPDATE operations SET before = ?2, after = ?3 WHERE id = ?1")?;
    for (id, before, after) in ops {
        let mut fix = |json: Option<String>| -> rusqlite::Result<Option<String>> {
            let Some(json) = json else { return Ok(None) };
            let Ok(mut v) = serde_json::from_str::<Value>(&json) else {
                return Ok(Some(json));
            };
            for (key, table) in [("spans", "spans"), ("relations", "relations")] {
                let Some(items) = v.get_mut(key).and_then(Value::as_array_mut) else {
                    continue;
                };
                for item in items {
                    let Some(obj) = item.as_object_mut() else {
                        continue;
                    };
                    let Some(row) = obj.get("id").and_then(Value::as_i64) else {
                        continue;
                    };
                    if !obj.contains_key("gid") {
                        obj.insert("gid".into(), Value::String(gid_of(table, row)?));
                    }
                    if table == "spans" {
                        obj.entry("anchor").or_insert_with(|| Value::from("exact"));
                        obj.entry("confidence").or_insert_with(|| Value::from(1.0));
                    }
                }
            }
            Ok(Some(v.to_string()))
        };
        let (before, after) = (fix(before)?, fix(after)?);
        set.execute(params![id, before, after])?;
    }
    Ok(())
}
