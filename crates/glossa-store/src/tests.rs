//! Store tests: creation, refusal of foreign files, migrations, import atomicity, edits with
//! undo/redo that survive reopening, and the export stream.

use std::path::{Path, PathBuf};

use glossa_core::{
    AnnotatedDocument, Attrs, DocStatus, OffsetIndex, RelationRecord, Schema, SpanRecord,
};
use rusqlite::Connection;

use super::*;

const TRICKY: &str = include_str!("../../../tests/fixtures/tricky.txt");

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.glossa");
    (dir, path)
}

fn span(uid: &str, start: usize, end: usize, label: &str) -> SpanRecord {
    SpanRecord {
        uid: Some(uid.into()),
        start,
        end,
        label: label.into(),
        layer: Some("gold".into()),
        author: Some("ann".into()),
        attrs: Attrs::new(),
        note: None,
        created: None,
    }
}

fn tricky_doc() -> AnnotatedDocument {
    let mut doc = AnnotatedDocument::plain("tricky", TRICKY);
    doc.spans = vec![
        span("c1", 194, 226, "CLAIM"),
        span("p1", 0, 11, "PERSON"),
        span("p2", 13, 16, "PERSON"),
    ];
    doc.relations = vec![RelationRecord {
        from: "c1".into(),
        to: "p1".into(),
        label: "ATTRIBUTED_TO".into(),
        author: None,
    }];
    doc
}

fn checked(doc: AnnotatedDocument) -> glossa_core::CheckedDocument {
    doc.check(&Schema::news_default()).unwrap()
}

fn with_doc(path: &Path) -> Store {
    let mut store = Store::create(path, "test", &Schema::news_default()).unwrap();
    let mut batch = store.begin_import().unwrap();
    batch.add_document(&checked(tricky_doc()), None).unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    store
}

fn schema_dump(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    let mut out: Vec<String> = rows.map(Result::unwrap).collect();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    out.push(format!("user_version {version}"));
    out
}

#[test]
fn migrations_are_valid() {
    migrations::migrations().validate().unwrap();
}

#[test]
fn v1_file_upgrades_to_the_fresh_schema() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.glossa");
    let (_dir, path) = temp();
    std::fs::copy(&fixture, &path).unwrap();
    let v1 = Connection::open(&path).unwrap();
    let count = |sql: &str| -> i64 { v1.query_row(sql, [], |r| r.get(0)).unwrap() };
    let (spans, relations, operations) = (
        count("SELECT count(*) FROM spans"),
        count("SELECT count(*) FROM relations"),
        count("SELECT count(*) FROM operations"),
    );
    drop(v1);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        migrations::latest_version()
    );
    // The v1 file was kept beside it, unchanged.
    let backup = PathBuf::from(format!("{}.v1-backup", path.display()));
    let kept = Connection::open(&backup).unwrap();
    let version: i64 = kept
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    drop(kept);
    // Every span, relation and operation survived, with global ids.
    let view = store.document_view("tricky").unwrap();
    assert_eq!(view.spans.len() as i64, spans);
    assert_eq!(view.relations.len() as i64, relations);
    assert!(view
        .spans
        .iter()
        .all(|s| s.gid.len() == 36 && s.anchor == glossa_core::AnchorState::Exact));
    assert!(view.relations.iter().all(|r| r.gid.len() == 36));
    let mut gids: Vec<_> = view.spans.iter().map(|s| s.gid.clone()).collect();
    gids.sort();
    gids.dedup();
    assert_eq!(gids.len(), view.spans.len());
    // The v1 log is kept, followed by what other copies need to replay the project: the
    // authors, and each document's whole state, as the system author's operations.
    let history = store.history(None, 100).unwrap();
    assert_eq!(history.len() as i64, operations + 2);
    let newest: Vec<_> = history
        .iter()
        .take(2)
        .map(|o| (o.kind, o.author.as_str()))
        .collect();
    assert_eq!(
        newest,
        [
            (glossa_core::OpKind::Snapshot, glossa_core::SYSTEM_AUTHOR),
            (glossa_core::OpKind::AddAuthor, glossa_core::SYSTEM_AUTHOR)
        ]
    );
    assert!(store.authors().unwrap().iter().all(|a| a.uid.len() == 36));
    // Alice's status survived as hers.
    assert_eq!(
        store.person_status("tricky", "alice").unwrap(),
        DocStatus::InProgress
    );
    // The undo history survived: alice's undone delete redoes, then her edits undo in order.
    let redone = store.redo("alice", "tricky").unwrap().unwrap();
    assert_eq!(redone.kind, glossa_core::OpKind::DeleteSpan);
    assert_eq!(
        store.document_view("tricky").unwrap().spans.len() as i64,
        spans - 1
    );
    let kinds: Vec<_> = (0..3)
        .map(|_| {
            store
                .undo("alice", "tricky")
                .unwrap()
                .operation
                .unwrap()
                .kind
        })
        .collect();
    use glossa_core::OpKind::*;
    assert_eq!(kinds, [DeleteSpan, SetStatus, UpdateSpan]);
    // New operations continue the upgraded log's sequence.
    let seqs: Vec<i64> = store
        .conn
        .prepare("SELECT seq FROM operations ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    drop(store);
    let (_dir2, fresh) = temp();
    drop(Store::create(&fresh, "fresh", &Schema::news_default()).unwrap());
    assert_eq!(schema_dump(&path), schema_dump(&fresh));
}

/// Writes `tests/fixtures/v1.glossa`. Run once, with schema version 1, and commit the file:
/// `cargo test -p glossa-store -- --ignored write_v1_fixture`.
#[test]
#[ignore]
fn write_v1_fixture() {
    assert_eq!(
        migrations::latest_version(),
        1,
        "the fixture must be written at version 1"
    );
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.glossa");
    let _ = std::fs::remove_file(&fixture);
    let mut store = with_doc(&fixture);
    // A history to carry over: alice's creates, an update, a relation, a status change, a
    // delete, and an undo of that delete (an undone operation and its `undo` record), and
    // bob's create on his own layer.
    let kyiv = store
        .create_span("alice", &new_span(&store, 77, 81, "GPE"))
        .unwrap();
    let claim = store
        .create_span("alice", &new_span(&store, 194, 226, "CLAIM"))
        .unwrap();
    let person = store
        .create_span("alice", &new_span(&store, 126, 136, "PERSON"))
        .unwrap();
    store
        .create_relation(
            "alice",
            &NewRelation {
                from: claim.id,
                to: person.id,
                label: "ATTRIBUTED_TO".into(),
            },
        )
        .unwrap();
    let mut edited = claim.clone();
    edited
        .attrs
        .insert("checkworthiness".into(), serde_json::json!("CFS"));
    store.update_span("alice", &edited).unwrap();
    store
        .set_status("alice", "tricky", DocStatus::InProgress)
        .unwrap();
    store.delete_span("alice", kyiv.id).unwrap();
    store.undo("alice", "tricky").unwrap();
    let mut bobs = new_span(&store, 13, 16, "PERSON");
    bobs.layer = "bob".into();
    store.create_span("bob", &bobs).unwrap();
    store
        .conn
        .pragma_update(None, "journal_mode", "DELETE")
        .unwrap();
}

#[test]
fn refuses_files_that_are_not_projects() {
    let (dir, path) = temp();
    std::fs::write(&path, "hello, I am text").unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(matches!(e.kind, StoreErrorKind::NotAProject(_)), "{e}");
    assert!(e.to_string().contains("p.glossa"), "{e}");

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    let e = Store::open(&other).unwrap_err();
    assert!(e.to_string().contains("another application"), "{e}");
    // Refused without being changed: no tables were added.
    let n: i64 = Connection::open(&other)
        .unwrap()
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);

    let e = Store::open(&dir.path().join("missing.glossa")).unwrap_err();
    assert!(matches!(e.kind, StoreErrorKind::NotFound(_)));
    let e = Store::create(&other, "x", &Schema::news_default()).unwrap_err();
    assert!(matches!(e.kind, StoreErrorKind::AlreadyExists));
}

#[test]
fn refuses_a_newer_schema() {
    let (_dir, path) = temp();
    drop(Store::create(&path, "x", &Schema::news_default()).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let e = Store::open(&path).unwrap_err();
    assert!(
        e.to_string()
            .contains("made by a newer Glossa (schema v99); this one reads up to v3"),
        "{e}"
    );
    assert!(!e.to_string().contains("not a Glossa project"), "{e}");
}

#[test]
fn schema_round_trips_and_project_uses_wal_and_foreign_keys() {
    let (_dir, path) = temp();
    let store = Store::create(&path, "news", &Schema::news_default()).unwrap();
    assert_eq!(store.schema().unwrap(), Schema::news_default());
    assert_eq!(store.name().unwrap(), "news");
    let mode: String = store
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = store
        .conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
    let page: i64 = store
        .conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    assert_eq!(page, PAGE_SIZE);
}

#[test]
fn dropped_import_leaves_nothing() {
    let (_dir, path) = temp();
    let mut store = Store::create(&path, "x", &Schema::news_default()).unwrap();
    {
        let mut batch = store.begin_import().unwrap();
        batch.add_document(&checked(tricky_doc()), None).unwrap();
        assert!(batch.has_document("tricky").unwrap());
        let e = batch
            .add_document(&checked(tricky_doc()), None)
            .unwrap_err();
        assert!(e.kind.is_duplicate(), "{e}");
    }
    assert_eq!(
        store.stats().unwrap(),
        Stats {
            authors: 0,
            ..Stats::default()
        }
    );
}

#[test]
fn import_stores_quotes_and_export_stream_returns_the_document() {
    let (_dir, path) = temp();
    let store = with_doc(&path);
    let view = store.document_view("tricky").unwrap();
    let claim = view.spans.iter().find(|s| s.uid == "c1").unwrap();
    assert_eq!(claim.text, "500 soldiers crossed the border.");
    // Spans come back sorted by start.
    let starts: Vec<_> = view.spans.iter().map(|s| s.start).collect();
    assert_eq!(starts, [0, 13, 194]);
    let mut seen = Vec::new();
    store
        .for_each_document(None, |d| -> Result<(), StoreError> {
            seen.push(d);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].text, TRICKY);
    assert_eq!(seen[0].relations[0].from, "c1");
    assert_eq!(seen[0].spans[0].author.as_deref(), Some("ann"));
    let mut only_alice = 0;
    store
        .for_each_document(Some("alice"), |d| -> Result<(), StoreError> {
            only_alice += d.spans.len() + d.relations.len();
            Ok(())
        })
        .unwrap();
    assert_eq!(only_alice, 0);
}

fn new_span(store: &Store, start: usize, end: usize, label: &str) -> NewSpan {
    let doc = store.document("tricky").unwrap();
    let index = OffsetIndex::new(&doc.text);
    NewSpan {
        doc_id: "tricky".into(),
        revision: doc.revision,
        uid: None,
        start,
        end,
        label: label.into(),
        layer: "alice".into(),
        attrs: Attrs::new(),
        note: None,
        text: index.slice(start, end).unwrap().to_string(),
    }
}

#[test]
fn edits_undo_and_redo_survive_reopening() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let kyiv = store
        .create_span("alice", &new_span(&store, 77, 81, "GPE"))
        .unwrap();
    assert_eq!(kyiv.text, "Kyiv");
    // A new span's ids are global (UUIDv7), its uid the same.
    assert_eq!(kyiv.gid.len(), 36);
    assert_eq!(kyiv.uid, kyiv.gid);
    let claim = store
        .create_span("alice", &new_span(&store, 194, 226, "CLAIM"))
        .unwrap();
    let person = store
        .create_span("alice", &new_span(&store, 126, 136, "PERSON"))
        .unwrap();
    let rel = store
        .create_relation(
            "alice",
            &NewRelation {
                from: claim.id,
                to: person.id,
                label: "ATTRIBUTED_TO".into(),
            },
        )
        .unwrap();
    let mut edited = claim.clone();
    edited
        .attrs
        .insert("checkworthiness".into(), serde_json::json!("CFS"));
    store.update_span("alice", &edited).unwrap();
    store.delete_span("alice", person.id).unwrap();
    assert!(store
        .document_view("tricky")
        .unwrap()
        .relations
        .iter()
        .all(|r| r.id != rel.id));
    drop(store);

    // Undo the delete after reopening: the span and its relation come back.
    let mut store = Store::open(&path).unwrap();
    let op = store.undo("alice", "tricky").unwrap().operation.unwrap();
    assert_eq!(op.kind, glossa_core::OpKind::DeleteSpan);
    let view = store.document_view("tricky").unwrap();
    // Restored under their global ids (the local row ids are this copy's business).
    assert!(view.spans.iter().any(|s| s.gid == person.gid));
    assert!(view.relations.iter().any(|r| r.gid == rel.gid));
    // Undo the attribute change.
    store.undo("alice", "tricky").unwrap().operation.unwrap();
    assert!(store.span(claim.id).unwrap().attrs.is_empty());
    drop(store);

    let mut store = Store::open(&path).unwrap();
    let op = store.redo("alice", "tricky").unwrap().unwrap();
    assert_eq!(op.kind, glossa_core::OpKind::UpdateSpan);
    assert_eq!(
        store.span(claim.id).unwrap().attrs["checkworthiness"],
        "CFS"
    );
    // Bob's history is his own.
    assert!(store.undo("bob", "tricky").unwrap().operation.is_none());
    // A new edit discards alice's redo stack (the undone delete).
    store
        .set_status("alice", "tricky", DocStatus::Done)
        .unwrap();
    assert!(store.redo("alice", "tricky").unwrap().is_none());
    assert_eq!(
        store.person_status("tricky", "alice").unwrap(),
        DocStatus::Done
    );
    store.undo("alice", "tricky").unwrap().operation.unwrap();
    assert_eq!(
        store.person_status("tricky", "alice").unwrap(),
        DocStatus::Todo
    );
    let kinds: Vec<_> = store
        .history(Some("tricky"), 100)
        .unwrap()
        .iter()
        .map(|o| o.kind)
        .collect();
    assert!(kinds.len() >= 10, "{kinds:?}");
}

#[test]
fn undo_skips_an_edit_someone_else_changed_since_and_goes_on() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let first = store
        .create_span("alice", &new_span(&store, 13, 16, "PERSON"))
        .unwrap();
    let s = store
        .create_span("alice", &new_span(&store, 77, 81, "GPE"))
        .unwrap();
    let mut bobs = s.clone();
    bobs.label = "LOC".into();
    store.update_span("bob", &bobs).unwrap();
    // Alice's latest edit (the GPE span) was changed by bob: undo reports and skips it, and
    // undoes the edit before it instead of getting stuck.
    let out = store.undo("alice", "tricky").unwrap();
    assert_eq!(out.skipped.len(), 1);
    assert!(
        out.skipped[0].reason.contains("changed since"),
        "{:?}",
        out.skipped
    );
    assert_eq!(store.span(s.id).unwrap().label, "LOC");
    assert_eq!(out.operation.unwrap().kind, glossa_core::OpKind::CreateSpan);
    assert!(store.span(first.id).is_err());
    // The skipped edit has left the stack: nothing more to undo.
    let out = store.undo("alice", "tricky").unwrap();
    assert!(out.operation.is_none() && out.skipped.is_empty());
}

#[test]
fn undo_and_redo_are_per_document() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let mut batch = store.begin_import().unwrap();
    batch
        .add_document(
            &checked(AnnotatedDocument::plain("other", "Kim met Putin.")),
            None,
        )
        .unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let in_tricky = store
        .create_span("alice", &new_span(&store, 77, 81, "GPE"))
        .unwrap();
    let other = store.document("other").unwrap();
    let in_other = store
        .create_span(
            "alice",
            &NewSpan {
                doc_id: "other".into(),
                revision: other.revision,
                uid: None,
                start: 0,
                end: 3,
                label: "PERSON".into(),
                layer: "alice".into(),
                attrs: Attrs::new(),
                note: None,
                text: "Kim".into(),
            },
        )
        .unwrap();
    // Undo in "tricky" undoes the edit in "tricky", though the one in "other" is newer.
    let op = store.undo("alice", "tricky").unwrap().operation.unwrap();
    assert_eq!(op.doc_id.as_deref(), Some("tricky"));
    assert!(store.span(in_tricky.id).is_err());
    assert!(store.span(in_other.id).is_ok());
    assert!(store.undo("alice", "tricky").unwrap().operation.is_none());
    assert!(store.redo("alice", "other").unwrap().is_none());
    assert!(store.redo("alice", "tricky").unwrap().is_some());
    let view = store.document_view("tricky").unwrap();
    assert!(view.spans.iter().any(|s| s.gid == in_tricky.gid));
}

#[test]
fn an_edit_on_an_old_revision_is_stale() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let old = new_span(&store, 77, 81, "GPE");
    let mut batch = store.begin_import().unwrap();
    batch
        .update_document(
            &checked(AnnotatedDocument::plain(
                "tricky",
                format!("New first line.\n{TRICKY}"),
            )),
            None,
            false,
        )
        .unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let e = store.create_span("alice", &old).unwrap_err();
    assert!(
        matches!(e.kind, StoreErrorKind::Stale { current: 2, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("changed"), "{e}");
}

#[test]
fn operation_log_is_append_only() {
    let (_dir, path) = temp();
    let store = with_doc(&path);
    assert!(store.conn.execute("DELETE FROM operations", []).is_err());
    assert!(store
        .conn
        .execute("UPDATE operations SET kind = 'x'", [])
        .is_err());
}

#[test]
fn update_reanchors_or_replaces() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let edited = TRICKY
        .replacen("Kim Jong Un", "Chairman Kim Jong Un", 1)
        .replacen("김정은", "", 1);
    let mut batch = store.begin_import().unwrap();
    batch
        .update_document(
            &checked(AnnotatedDocument::plain("tricky", edited.clone())),
            None,
            false,
        )
        .unwrap();
    let counts = batch.commit("ann", &serde_json::json!({})).unwrap();
    assert_eq!((counts.reanchored, counts.orphaned), (2, 1));
    let log = store.history(Some("tricky"), 1).unwrap();
    assert_eq!(log[0].kind, glossa_core::OpKind::Reanchor);
    assert_eq!(log[0].author, glossa_core::SYSTEM_AUTHOR);
    let view = store.document_view("tricky").unwrap();
    assert_eq!(view.document.revision, 2);
    let index = OffsetIndex::new(&edited);
    for s in &view.spans {
        assert_eq!(index.slice(s.start, s.end).unwrap(), s.text);
    }
    assert_eq!(store.stats().unwrap().orphaned_spans, 1);
    let revisions = store.revisions("tricky").unwrap();
    assert_eq!(
        revisions
            .iter()
            .map(|r| (r.number, r.chars))
            .collect::<Vec<_>>(),
        [(1, 352), (2, 358)]
    );
    assert_eq!(
        store
            .authors()
            .unwrap()
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["ann", "import", glossa_core::SYSTEM_AUTHOR]
    );

    // A replacing import touches only the layers it brings: alice's span stays.
    let alices = store
        .create_span("alice", &new_span(&store, 0, 3, "PERSON"))
        .unwrap();
    let mut batch = store.begin_import().unwrap();
    let mut replacement = AnnotatedDocument::plain("tricky", edited);
    replacement.spans = vec![span("x", 0, 8, "PERSON")];
    batch
        .update_document(&checked(replacement), None, true)
        .unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(
        (stats.spans, stats.orphaned_spans, stats.relations),
        (2, 0, 0)
    );
    assert_eq!(store.span(alices.id).unwrap(), alices);
}

#[test]
fn an_update_keeps_status_meta_and_the_ids_of_spans_it_brings_again() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    let mut batch = store.begin_import().unwrap();
    let mut doc = tricky_doc();
    doc.id = "meta".into();
    doc.status = DocStatus::Done;
    doc.meta.insert("source".into(), serde_json::json!("wire"));
    batch.add_document(&checked(doc.clone()), None).unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let before = store.document_view("meta").unwrap();
    // The same spans again, one relabelled, and no status or meta: status and meta stay, and
    // the spans keep their ids and creation times.
    let mut again = doc.clone();
    again.status = DocStatus::Todo;
    again.meta.clear();
    again.spans[1].label = "ORG".into();
    let mut batch = store.begin_import().unwrap();
    batch.update_document(&checked(again), None, true).unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let after = store.document_view("meta").unwrap();
    assert_eq!(after.document.status, DocStatus::Done);
    assert_eq!(after.document.meta["source"], "wire");
    let ids = |v: &glossa_core::DocumentView| -> Vec<(String, String, String)> {
        v.spans
            .iter()
            .map(|s| (s.uid.clone(), s.gid.clone(), s.created.clone()))
            .collect()
    };
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(after.relations.len(), 1);
    assert_eq!(after.relations[0].gid, before.relations[0].gid);
    let p1 = after.spans.iter().find(|s| s.uid == "p1").unwrap();
    assert_eq!(p1.label, "ORG");
}

#[test]
fn deleting_the_sentence_of_a_span_orphans_it_rather_than_moving_it_to_another_mention() {
    let (_dir, path) = temp();
    let mut store = Store::create(&path, "t", &Schema::news_default()).unwrap();
    let text = "Putin met Kim on Tuesday. Later, in Moscow, Putin said the talks went well. NATO was not told.";
    let mut doc = AnnotatedDocument::plain("d", text);
    let second = text.rfind("Putin").unwrap();
    doc.spans = vec![
        span("a", 0, 5, "PERSON"),
        span("b", second, second + 5, "PERSON"),
    ];
    let mut batch = store.begin_import().unwrap();
    batch.add_document(&checked(doc), None).unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let edited = text.replace(" Later, in Moscow, Putin said the talks went well.", "");
    let mut batch = store.begin_import().unwrap();
    batch
        .update_document(&checked(AnnotatedDocument::plain("d", edited)), None, false)
        .unwrap();
    let counts = batch.commit("ann", &serde_json::json!({})).unwrap();
    assert_eq!(
        (counts.reanchored, counts.fuzzy, counts.orphaned),
        (1, 0, 1)
    );
    let view = store.document_view("d").unwrap();
    assert_eq!(view.spans.len(), 1);
    assert_eq!(view.spans[0].uid, "a");
    assert_eq!(view.spans[0].anchor, glossa_core::AnchorState::Exact);
    let b = store.history(Some("d"), 1).unwrap().remove(0);
    assert_eq!(b.kind, glossa_core::OpKind::Reanchor);
    let spans = b.after.unwrap()["spans"].clone();
    assert!(spans
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["anchor"] == "orphaned"));
}

#[test]
fn marked_document_agrees_with_the_full_view() {
    let (_dir, path) = temp();
    let mut store = with_doc(&path);
    // A second layer and a label the gold layer lacks, at a start the gold spans share.
    store
        .create_span("alice", &new_span(&store, 0, 11, "ORG"))
        .unwrap();
    store
        .create_span("alice", &new_span(&store, 77, 81, "PERSON"))
        .unwrap();
    let full = store.document_view("tricky").unwrap();
    let marked = store.marked_document("tricky").unwrap();
    assert_eq!(marked.document, full.document);
    assert_eq!(marked.relations, full.relations);
    assert_eq!(marked.marks.labels, ["PERSON", "ORG", "CLAIM"]);
    assert_eq!(marked.marks.layers, ["gold", "alice"]);
    let expanded: Vec<_> = marked
        .marks
        .rows
        .iter()
        .map(|m| {
            (
                m.0,
                m.1,
                m.2,
                marked.marks.labels[m.3 as usize].as_str(),
                marked.marks.layers[m.4 as usize].as_str(),
            )
        })
        .collect();
    let spans: Vec<_> = full
        .spans
        .iter()
        .map(|s| (s.id, s.start, s.end, s.label.as_str(), s.layer.as_str()))
        .collect();
    assert_eq!(expanded, spans);
    // On the wire a mark is an array, and the marks name each label once.
    let json = serde_json::to_value(&marked.marks).unwrap();
    assert_eq!(
        json["rows"][0],
        serde_json::json!([spans[0].0 .0, 0, 11, 0, 0])
    );
}

#[test]
fn a_write_during_a_long_import_is_refused_as_busy_naming_the_importer() {
    let (_dir, path) = temp();
    let mut importing = with_doc(&path);
    let mut other = Store::open(&path).unwrap();
    other
        .set_busy_timeout(std::time::Duration::from_millis(50))
        .unwrap();
    let span = new_span(&other, 77, 81, "GPE");
    let mut batch = importing.begin_import().unwrap();
    batch.announce("ana");
    // Reading works meanwhile (WAL); writing waits, then says who holds the project.
    assert_eq!(other.documents(None).unwrap().len(), 1);
    let e = other.create_span("alice", &span).unwrap_err();
    assert!(matches!(e.kind, StoreErrorKind::Busy(_)), "{e}");
    assert!(
        e.to_string().contains("project busy (import by ana since"),
        "{e}"
    );
    drop(batch);
    // The import gone (rolled back here), the write goes through and the note is gone.
    other.create_span("alice", &span).unwrap();
    assert!(!crate::import::busy_note_path(&path).exists());
}

#[test]
fn an_orphan_is_retried_at_the_next_revision() {
    let (_dir, path) = temp();
    let mut store = Store::create(&path, "t", &Schema::news_default()).unwrap();
    let text = "Putin met Kim on Tuesday. Later, in Moscow, Putin said the talks went well.";
    let mut doc = AnnotatedDocument::plain("d", text);
    doc.spans = vec![span("k", 10, 13, "PERSON")];
    let mut batch = store.begin_import().unwrap();
    batch.add_document(&checked(doc), None).unwrap();
    batch.commit("ann", &serde_json::json!({})).unwrap();
    let update = |store: &mut Store, text: &str| {
        let mut batch = store.begin_import().unwrap();
        batch
            .update_document(&checked(AnnotatedDocument::plain("d", text)), None, false)
            .unwrap();
        batch.commit("ann", &serde_json::json!({})).unwrap()
    };
    // Revision 2 drops the sentence with "Kim": orphaned, left on revision 1.
    let counts = update(
        &mut store,
        "Later, in Moscow, Putin said the talks went well.",
    );
    assert_eq!(counts.orphaned, 1);
    assert!(store.document_view("d").unwrap().spans.is_empty());
    // Revision 3 brings it back: the orphan is retried from its own revision and lands.
    let counts = update(&mut store, text);
    assert_eq!((counts.reanchored, counts.orphaned), (1, 0));
    let view = store.document_view("d").unwrap();
    assert_eq!(view.document.revision, 3);
    assert_eq!(view.spans.len(), 1);
    assert_eq!(view.spans[0].text, "Kim");
    assert_eq!(view.spans[0].revision, 3);
}

/// Each edit, undo and redo looks up one author's operations in one document: by index, not
/// by reading the document's (or every document's) log, which made every edit slower than
/// the one before.
#[test]
fn an_authors_operations_in_a_document_are_found_by_index() {
    let (_dir, path) = temp();
    let store = with_doc(&path);
    for sql in [
        crate::edits::DISCARD_REDO,
        crate::edits::LATEST_APPLIED,
        crate::edits::LATEST_UNDONE,
        crate::edits::ANNOUNCED,
    ] {
        let mut stmt = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let params = vec![1; stmt.parameter_count()];
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.first().is_some_and(
                |p| p.contains("operations_by_author_doc (author=? AND doc=? AND state=?)")
            ),
            "{sql}\n{plan:#?}"
        );
    }
}
