//! `glossa-api` as the front ends use it: edits checked against the schema and the text,
//! undo/redo across reopening, atomic imports, and lossless export round trips.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic

use std::path::{Path, PathBuf};

use glossa_api::core::{Attrs, DocStatus};
use glossa_api::{AddSpan, ErrorCode, ExportOptions, ImportOptions, Project, SpanPatch};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn project_with_samples(dir: &Path) -> Project {
    let mut p = Project::create(&dir.join("p.glossa"), "test", None).unwrap();
    let files = [fixture("kursk-dprk-pows.gold.jsonl"), fixture("tricky.txt")];
    p.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    p
}

fn export_string(p: &Project) -> String {
    let mut out = Vec::new();
    p.export(&mut out, &ExportOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn add(doc: &str, start: usize, end: usize, label: &str) -> AddSpan {
    AddSpan {
        doc_id: doc.into(),
        revision: 1,
        start,
        end,
        label: label.into(),
        layer: None,
        attrs: Attrs::new(),
        note: None,
    }
}

#[test]
fn annotating_the_tricky_document_keeps_code_point_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    // 김정은 at code points 13..16 (UTF-16 13..16, bytes 13..22), 📰 is astral.
    let kim = p
        .add_span("alice", &add("tricky", 13, 16, "PERSON"))
        .unwrap();
    assert_eq!(kim.text, "김정은");
    assert_eq!(kim.layer, "alice");
    let claim = p
        .add_span("alice", &add("tricky", 194, 226, "CLAIM"))
        .unwrap();
    assert_eq!(claim.text, "500 soldiers crossed the border.");
    let quote = p.quote(claim.id).unwrap();
    assert_eq!(quote.exact, claim.text);
    assert!(quote.prefix.ends_with("claim: “"), "{quote:?}");
    assert_eq!(quote.suffix.chars().count(), 32);
    let view = p.document("tricky").unwrap();
    let text = &view.document.text;
    for s in &view.spans {
        let slice: String = text.chars().skip(s.start).take(s.end - s.start).collect();
        assert_eq!(slice, s.text);
    }
    // The annotate screen's view: the same spans as marks, and the same status.
    let marked = p.marked_document("tricky").unwrap();
    assert_eq!(marked.document, view.document);
    assert_eq!(marked.document.status, DocStatus::InProgress);
    let ids: Vec<_> = marked.marks.rows.iter().map(|m| (m.0, m.1, m.2)).collect();
    let want: Vec<_> = view.spans.iter().map(|s| (s.id, s.start, s.end)).collect();
    assert_eq!(ids, want);
}

/// The project keeps the open document's text for span edits; a new revision of the
/// document (an update import) must replace it, never be annotated with the old text.
#[test]
fn span_edits_use_the_current_revision_after_an_update() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "Alpha beta gamma").unwrap();
    let mut p = Project::create(&dir.path().join("p.glossa"), "test", None).unwrap();
    p.import(
        std::slice::from_ref(&file),
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    p.marked_document("notes").unwrap();
    let first = p.add_span("alice", &add("notes", 0, 5, "PERSON")).unwrap();
    assert_eq!((first.text.as_str(), first.revision), ("Alpha", 1));
    std::fs::write(&file, "Delta, beta and gamma").unwrap();
    let update = ImportOptions {
        update: true,
        ..ImportOptions::default()
    };
    p.import(&[file], &update, &mut |_| {}).unwrap();
    // The window still shows revision 1: its edit is refused as stale, nothing is stored.
    let stale = p.add_span("alice", &add("notes", 0, 6, "ORG")).unwrap_err();
    assert_eq!(stale.code, ErrorCode::Stale);
    assert!(stale.message.contains("changed"), "{stale}");
    assert_eq!(p.document("notes").unwrap().spans.len(), 0);
    // "Alpha" is gone from the text: its span stays on revision 1, orphaned.
    assert_eq!(
        p.span(first.id).unwrap().anchor,
        glossa_api::core::AnchorState::Orphaned
    );
    let second = p
        .add_span(
            "alice",
            &AddSpan {
                revision: 2,
                ..add("notes", 0, 6, "ORG")
            },
        )
        .unwrap();
    assert_eq!((second.text.as_str(), second.revision), ("Delta,", 2));
    let patch = SpanPatch {
        label: None,
        attrs: None,
        note: None,
        start: Some(7),
        end: Some(11),
    };
    assert_eq!(
        p.update_span("alice", second.id, 1, &patch)
            .unwrap_err()
            .code,
        ErrorCode::Stale
    );
    assert_eq!(
        p.update_span("alice", second.id, 2, &patch).unwrap().text,
        "beta"
    );
    // A span of the old revision keeps its bounds.
    let err = p.update_span("alice", first.id, 2, &patch).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn edits_are_checked_against_schema_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    let e = p
        .add_span("alice", &add("tricky", 5, 400, "PERSON"))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("past the end"), "{e}");
    let e = p
        .add_span("alice", &add("tricky", 0, 3, "VILLAIN"))
        .unwrap_err();
    assert!(e.message.contains("known labels"), "{e}");
    let e = p
        .add_span("alice", &add("nope", 0, 3, "PERSON"))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = p
        .add_span("gold", &add("tricky", 0, 3, "PERSON"))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);

    let claim = p
        .add_span("alice", &add("tricky", 194, 226, "CLAIM"))
        .unwrap();
    let date = p.add_span("alice", &add("tricky", 51, 61, "DATE")).unwrap();
    let person = p
        .add_span("alice", &add("tricky", 126, 136, "PERSON"))
        .unwrap();
    let e = p
        .add_relation("alice", claim.id, date.id, "ATTRIBUTED_TO", 1)
        .unwrap_err();
    assert_eq!(
        e.message,
        "field to: ATTRIBUTED_TO cannot point to a DATE span; allowed: PERSON | ORG"
    );
    let rel = p
        .add_relation("alice", claim.id, person.id, "ATTRIBUTED_TO", 1)
        .unwrap();
    let e = p
        .add_relation("alice", claim.id, person.id, "ATTRIBUTED_TO", 1)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // Relabelling the source to a DATE would break the relation: refused.
    let patch = SpanPatch {
        label: Some("DATE".into()),
        ..SpanPatch::default()
    };
    assert!(p.update_span("alice", person.id, 1, &patch).is_err());
    // Gold spans and alice's spans cannot be linked.
    let gold_person = p
        .document("kursk-dprk-pows")
        .unwrap()
        .spans
        .into_iter()
        .find(|s| s.label == "PERSON")
        .unwrap();
    let e = p
        .add_relation("alice", claim.id, gold_person.id, "ATTRIBUTED_TO", 1)
        .unwrap_err();
    assert!(
        e.message.contains("one document") || e.message.contains("one layer"),
        "{e}"
    );
    p.delete_relation("alice", rel.id, 1).unwrap();
    let attrs: Attrs = [("checkworthiness".to_string(), serde_json::json!("CFS"))].into();
    let patch = SpanPatch {
        attrs: Some(attrs),
        note: Some(Some("check ISW".into())),
        end: Some(225),
        ..SpanPatch::default()
    };
    let updated = p.update_span("alice", claim.id, 1, &patch).unwrap();
    assert_eq!(updated.text, "500 soldiers crossed the border");
    assert_eq!(updated.note.as_deref(), Some("check ISW"));
}

#[test]
fn undo_and_redo_through_the_api_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.glossa");
    let mut p = project_with_samples(dir.path());
    let before = export_string(&p);
    let s = p.add_span("alice", &add("tricky", 77, 81, "GPE")).unwrap();
    p.update_span(
        "alice",
        s.id,
        1,
        &SpanPatch {
            label: Some("LOC".into()),
            ..SpanPatch::default()
        },
    )
    .unwrap();
    p.set_status("alice", "tricky", DocStatus::Done).unwrap();
    let after = export_string(&p);
    drop(p);

    let mut p = Project::open(&path).unwrap();
    for _ in 0..3 {
        p.undo("alice", "tricky").unwrap().operation.unwrap();
    }
    assert!(p.undo("alice", "tricky").unwrap().operation.is_none());
    assert_eq!(export_string(&p), before);
    drop(p);

    let mut p = Project::open(&path).unwrap();
    for _ in 0..3 {
        p.redo("alice", "tricky").unwrap().unwrap();
    }
    assert!(p.redo("alice", "tricky").unwrap().is_none());
    assert_eq!(export_string(&p), after);
    // Redone under its global id (a re-created row may have another local id).
    let spans = p.document("tricky").unwrap().spans;
    assert_eq!(spans.iter().find(|x| x.gid == s.gid).unwrap().label, "LOC");
}

#[test]
fn skip_invalid_imports_the_rest_and_lists_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("p.glossa"), "t", None).unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"text\":\"NATO\",\"spans\":[{\"start\":0,\"end\":4,\"label\":\"ORG\"}]}\n\
         {\"id\":\"b\",\"text\":\"x\",\"spans\":[{\"start\":0,\"end\":9,\"label\":\"ORG\"}]}\n\
         not json\n\
         {\"id\":\"c\",\"text\":\"y\"}\n",
    )
    .unwrap();
    let e = p
        .import(
            std::slice::from_ref(&input),
            &ImportOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
    assert!(e.message.contains("in.jsonl:2: field spans[0].end"), "{e}");
    assert_eq!(p.stats().unwrap().documents, 0);
    let opts = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = p.import(&[input], &opts, &mut |_| {}).unwrap();
    assert_eq!(report.counts.documents, 2);
    let lines: Vec<_> = report.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [Some(2), Some(3)]);
    assert_eq!(p.stats().unwrap().spans, 1);
}

#[test]
fn progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("p.glossa"), "t", None).unwrap();
    let mut seen = Vec::new();
    p.import(
        &[fixture("tricky.txt"), fixture("kursk-dprk-pows.txt")],
        &ImportOptions::default(),
        &mut |pr| seen.push(pr),
    )
    .unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].bytes_done, seen[1].bytes_total);
}

fn gen_doc() -> impl Strategy<Value = String> {
    let text = prop::collection::vec(
        prop::sample::select(vec![
            "Putin ",
            "NATO ",
            "é",
            "😀",
            "🇰🇵",
            "\r\n",
            "\"",
            "김정은 ",
            "e\u{301}",
            "\t",
            "<b>",
        ]),
        1..40,
    )
    .prop_map(|v| v.concat());
    (
        text,
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                0usize..4,
            ),
            0..8,
        ),
    )
        .prop_map(|(text, raw)| {
            let n = text.chars().count();
            let labels = ["PERSON", "ORG", "CLAIM", "GPE"];
            let mut spans = Vec::new();
            for (a, b, l) in raw {
                let (x, y) = (a.index(n + 1), b.index(n + 1));
                if x != y {
                    let mut s =
                        serde_json::json!({"start": x.min(y), "end": x.max(y), "label": labels[l]});
                    if labels[l] == "CLAIM" {
                        s["attrs"] = serde_json::json!({"verifiable": "yes"});
                    }
                    spans.push(s);
                }
            }
            serde_json::json!({"text": text, "spans": spans}).to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn export_import_export_is_byte_identical(docs in prop::collection::vec(gen_doc(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("gen.jsonl");
        std::fs::write(&input, docs.join("\n") + "\n").unwrap();
        let mut a = Project::create(&dir.path().join("a.glossa"), "a", None).unwrap();
        a.import(&[input], &ImportOptions::default(), &mut |_| {}).unwrap();
        let first = export_string(&a);
        let exported = dir.path().join("first.jsonl");
        std::fs::write(&exported, &first).unwrap();
        let mut b = Project::create(&dir.path().join("b.glossa"), "b", None).unwrap();
        b.import(&[exported], &ImportOptions::default(), &mut |_| {}).unwrap();
        prop_assert_eq!(export_string(&b), first);
    }
}

#[test]
fn annotators_write_only_their_own_layer_and_reviewers_gold() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    let alices = p.add_span("alice", &add("tricky", 77, 81, "GPE")).unwrap();
    // Bob may not touch alice's span, nor write gold or her layer.
    let e = p
        .update_span(
            "bob",
            alices.id,
            1,
            &SpanPatch {
                label: Some("LOC".into()),
                ..SpanPatch::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("alice layer"), "{e}");
    assert_eq!(
        p.delete_span("bob", alices.id, 1).unwrap_err().code,
        ErrorCode::Forbidden
    );
    let gold = AddSpan {
        layer: Some("gold".into()),
        ..add("tricky", 13, 16, "PERSON")
    };
    let e = p.add_span("bob", &gold).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("reviewer"), "{e}");
    let hers = AddSpan {
        layer: Some("alice".into()),
        ..add("tricky", 13, 16, "PERSON")
    };
    assert_eq!(
        p.add_span("bob", &hers).unwrap_err().code,
        ErrorCode::Forbidden
    );
    // A reviewer writes gold.
    assert!(p
        .set_author_role("rita", glossa_api::core::Role::Reviewer)
        .unwrap());
    assert_eq!(p.add_span("rita", &gold).unwrap().layer, "gold");
    assert_eq!(p.span(alices.id).unwrap().label, "GPE");
}

#[test]
fn a_documents_review_status_is_a_reviewers_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    use glossa_api::core::{ReviewStatus, Role};
    let review = |p: &Project| {
        p.documents()
            .unwrap()
            .into_iter()
            .find(|d| d.id == "tricky")
            .unwrap()
            .review
    };
    assert_eq!(review(&p), ReviewStatus::Unreviewed);
    let e = p
        .set_review("ana", "tricky", ReviewStatus::Reviewed)
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    p.set_author_role("rita", Role::Reviewer).unwrap();
    p.set_review("rita", "tricky", ReviewStatus::Reviewed)
        .unwrap();
    assert_eq!(review(&p), ReviewStatus::Reviewed);
    // It travels to other copies like every change.
    let copy = p.fork(&dir.path().join("copy.glossa")).unwrap();
    assert_eq!(review(&copy), ReviewStatus::Reviewed);
    let mut fresh = Project::create(&dir.path().join("fresh.glossa"), "t", None).unwrap();
    fresh
        .apply(&p.operations_since(&Default::default()).unwrap())
        .unwrap();
    assert_eq!(review(&fresh), ReviewStatus::Reviewed);
    assert_eq!(export_string(&fresh), export_string(&p));
}

/// The documents list shows a person's own span count and gold's apart, not every layer
/// added together, and a person's status follows their own spans.
#[test]
fn the_documents_list_counts_the_persons_own_spans_and_gold_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    let gold = |p: &Project| p.documents_for(Some("ana")).unwrap()[0].gold;
    let before = p.documents_for(Some("ana")).unwrap();
    assert!(gold(&p) > 0, "the sample has gold spans");
    assert_eq!(before[0].own, 0);
    assert_eq!(before[0].status, DocStatus::Todo);
    p.add_span("ana", &add("kursk-dprk-pows", 0, 4, "GPE"))
        .unwrap();
    p.add_span("bob", &add("kursk-dprk-pows", 5, 9, "GPE"))
        .unwrap();
    let ana = &p.documents_for(Some("ana")).unwrap()[0];
    assert_eq!(
        (ana.own, ana.gold, ana.spans),
        (1, before[0].gold, before[0].gold + 2)
    );
    assert_eq!(ana.status, DocStatus::InProgress);
    let carl = &p.documents_for(Some("carl")).unwrap()[0];
    assert_eq!((carl.own, carl.status), (0, DocStatus::Todo));
}

/// Renaming a label moves every span and the schema in one operation; undo takes it all
/// back; merging into a label of another kind is refused; the annotate screen's undo (one
/// document's) does not take a rename apart.
#[test]
fn renaming_and_merging_labels_is_one_undoable_operation() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = project_with_samples(dir.path());
    let labels = |p: &Project| -> Vec<String> {
        let mut v: Vec<String> = export_string(p)
            .lines()
            .flat_map(|l| {
                let d: serde_json::Value = serde_json::from_str(l).unwrap();
                d["spans"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["label"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        v.sort();
        v
    };
    p.add_span("ana", &add("tricky", 0, 4, "PERSON")).unwrap();
    let before = labels(&p);
    let persons = before.iter().filter(|l| *l == "PERSON").count() as u64;
    assert!(persons >= 2, "PERSON spans in both documents");

    let r = p.rename_label("ana", "PERSON", "PER").unwrap();
    assert_eq!((r.merged, r.spans, r.documents), (false, persons, 2));
    assert!(p.schema().label("PER").is_some() && p.schema().label("PERSON").is_none());
    let to = &p.schema().relation("ATTRIBUTED_TO").unwrap().to.labels;
    assert!(to.contains(&"PER".to_string()) && !to.contains(&"PERSON".to_string()));
    assert!(!labels(&p).contains(&"PERSON".to_string()));
    // One document's undo does not take the rename apart: the edit before it (the create)
    // is skipped, as the rename changed its span since.
    let one = p.undo("ana", "tricky").unwrap();
    assert!(one.operation.is_none());
    assert_eq!(one.skipped.len(), 1);
    assert!(!labels(&p).contains(&"PERSON".to_string()));
    assert!(p.undo_rename("ana").unwrap());
    assert_eq!(labels(&p), before);
    assert!(p.schema().label("PERSON").is_some() && p.schema().label("PER").is_none());
    // Reopened, the schema is the one undo put back.
    drop(p);
    let mut p = Project::open(&dir.path().join("p.glossa")).unwrap();
    assert!(p.schema().label("PERSON").is_some());
    assert!(!p.undo_rename("ana").unwrap(), "nothing left to undo");

    // Merge: NORP into GPE (both entities); CLAIM into PERSON is refused.
    let norps = before.iter().filter(|l| *l == "NORP").count() as u64;
    let r = p.rename_label("ana", "NORP", "GPE").unwrap();
    assert_eq!((r.merged, r.spans), (true, norps));
    assert!(p.schema().label("NORP").is_none());
    let e = p.rename_label("ana", "CLAIM", "PERSON").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("only labels of one kind merge"), "{e}");
    p.undo_rename("ana").unwrap();
    assert_eq!(labels(&p), before);
}
