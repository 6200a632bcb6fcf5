//! The v2 model's promise: copies of a project that receive the same operations, in any order
//! that keeps each copy's own order, end in the same state. Three reviewers edit one document
//! concurrently in their own copies (creates, label and boundary changes, deletes, relations,
//! undo and redo, on their own layers and on shared gold spans); every interleaving of their
//! logs, applied in batches to fresh copies, gives byte-identical native exports, and so do
//! their own copies once they have exchanged everything.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic

use std::collections::BTreeMap;
use std::path::Path;

use glossa_api::core::op::Op;
use glossa_api::core::{Role, SpanId};
use glossa_api::{AddSpan, ExportOptions, ImportOptions, Project, SpanPatch};
use proptest::prelude::*;

const TEXT: &str = "Kim Jong Un met Vladimir Putin in Pyongyang on Tuesday. NATO said the \
    claim that 500 soldiers crossed the border was false. Zelenskyy thanked the allies.";

const AUTHORS: [&str; 3] = ["alice", "bob", "carol"];

/// One step of an author's work, with numbers the step reads modulo what exists.
#[derive(Debug, Clone)]
enum Step {
    Create {
        start: usize,
        len: usize,
        label: u8,
        gold: bool,
    },
    Relabel {
        pick: usize,
        label: u8,
    },
    Resize {
        pick: usize,
        grow: bool,
    },
    Delete {
        pick: usize,
    },
    Link {
        pick: usize,
        other: usize,
    },
    Undo,
    Redo,
    Done,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..150usize, 1..12usize, 0..4u8, any::<bool>())
            .prop_map(|(start, len, label, gold)| Step::Create { start, len, label, gold }),
        2 => (any::<usize>(), 0..4u8).prop_map(|(pick, label)| Step::Relabel { pick, label }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(pick, grow)| Step::Resize { pick, grow }),
        2 => any::<usize>().prop_map(|pick| Step::Delete { pick }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(pick, other)| Step::Link { pick, other }),
        2 => Just(Step::Undo),
        1 => Just(Step::Redo),
        1 => Just(Step::Done),
    ]
}

const LABELS: [&str; 4] = ["PERSON", "ORG", "GPE", "CLAIM"];

fn export(p: &Project) -> String {
    let mut out = Vec::new();
    p.export(&mut out, &ExportOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// The origin: the document with two gold spans, imported.
fn origin(dir: &Path) -> Project {
    let mut p = Project::create(&dir.join("origin.glossa"), "team", None).unwrap();
    let file = dir.join("doc.jsonl");
    let line = serde_json::json!({
        "id": "doc",
        "text": TEXT,
        "spans": [
            {"id": "g1", "start": 0, "end": 11, "label": "PERSON"},
            {"id": "g2", "start": 56, "end": 60, "label": "ORG"}
        ]
    });
    std::fs::write(&file, format!("{line}\n")).unwrap();
    p.import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    p
}

/// Runs `steps` as `author` (a reviewer) in their own copy, ignoring refused edits.
fn work(p: &mut Project, author: &str, steps: &[Step]) {
    p.set_author_role(author, Role::Reviewer).unwrap();
    for s in steps {
        let view = p.document("doc").unwrap();
        let rev = view.document.revision;
        let mine: Vec<_> = view
            .spans
            .iter()
            .filter(|s| s.layer == author || s.layer == "gold")
            .collect();
        let pick = |i: usize| mine.get(i % mine.len().max(1)).map(|s| s.id);
        let _ = match s {
            Step::Create {
                start,
                len,
                label,
                gold,
            } => p
                .add_span(
                    author,
                    &AddSpan {
                        doc_id: "doc".into(),
                        revision: rev,
                        start: *start,
                        end: start + len,
                        label: LABELS[*label as usize].into(),
                        layer: gold.then(|| "gold".into()),
                        attrs: Default::default(),
                        note: None,
                    },
                )
                .map(drop),
            Step::Relabel { pick: i, label } => match pick(*i) {
                Some(id) => p
                    .update_span(
                        author,
                        id,
                        rev,
                        &SpanPatch {
                            label: Some(LABELS[*label as usize].into()),
                            ..SpanPatch::default()
                        },
                    )
                    .map(drop),
                None => Ok(()),
            },
            Step::Resize { pick: i, grow } => match mine.get(i % mine.len().max(1)) {
                Some(s) => p
                    .update_span(
                        author,
                        s.id,
                        rev,
                        &SpanPatch {
                            end: Some(if *grow {
                                s.end + 1
                            } else {
                                s.end.saturating_sub(1)
                            }),
                            ..SpanPatch::default()
                        },
                    )
                    .map(drop),
                None => Ok(()),
            },
            Step::Delete { pick: i } => match pick(*i) {
                Some(id) => p.delete_span(author, id, rev).map(drop),
                None => Ok(()),
            },
            Step::Link { pick: i, other } => {
                let claim = mine.iter().filter(|s| s.label == "CLAIM").nth(i % 3);
                let entity = mine
                    .iter()
                    .filter(|s| s.label != "CLAIM")
                    .nth(other % mine.len().max(1));
                match (claim, entity) {
                    (Some(c), Some(e)) => {
                        p.add_relation(author, c.id, e.id, "ABOUT", rev).map(drop)
                    }
                    _ => Ok(()),
                }
            }
            Step::Undo => p.undo(author, "doc").map(drop),
            Step::Redo => p.redo(author, "doc").map(drop),
            Step::Done => p
                .set_status(author, "doc", glossa_api::core::DocStatus::Done)
                .map(drop),
        };
    }
}

/// The operations `p` made itself.
fn own_ops(p: &Project) -> Vec<Op> {
    let me = p.replica().unwrap();
    p.operations_since(&BTreeMap::new())
        .unwrap()
        .into_iter()
        .filter(|o| o.stamp.replica == me)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_interleaving_of_three_authors_converges(
        work_of in prop::array::uniform3(prop::collection::vec(step(), 1..14)),
        orders in prop::collection::vec(prop::collection::vec((0..3usize, 1..4usize), 1..40), 3),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let origin = origin(dir.path());
        // Each author works in a copy of the origin.
        let mut logs: Vec<Vec<Op>> = Vec::new();
        let mut copies = Vec::new();
        for (i, author) in AUTHORS.iter().enumerate() {
            let mut copy = origin.fork(&dir.path().join(format!("{author}.glossa"))).unwrap();
            work(&mut copy, author, &work_of[i]);
            logs.push(own_ops(&copy));
            copies.push(copy);
        }
        // Fresh copies of the origin receive the three logs interleaved in different orders
        // (each author's own order kept), in batches of 1 to 3 operations.
        let mut exports = Vec::new();
        for (k, order) in orders.iter().enumerate() {
            let mut fresh = origin.fork(&dir.path().join(format!("fresh{k}.glossa"))).unwrap();
            let mut next = [0usize; 3];
            let mut pending: Vec<Op> = Vec::new();
            let mut choices = order.iter().cycle();
            while next.iter().zip(&logs).any(|(n, l)| *n < l.len()) {
                let &(who, batch) = choices.next().unwrap();
                let who = (who..who + 3).map(|w| w % 3).find(|&w| next[w] < logs[w].len()).unwrap();
                pending.push(logs[who][next[who]].clone());
                next[who] += 1;
                if pending.len() >= batch {
                    fresh.apply(&pending).unwrap();
                    pending.clear();
                }
            }
            fresh.apply(&pending).unwrap();
            // Applying everything again changes nothing.
            let all: Vec<Op> = logs.concat();
            let again = fresh.apply(&all).unwrap();
            prop_assert_eq!(again.applied, 0);
            exports.push(export(&fresh));
        }
        // The authors' own copies, after exchanging everything, agree too.
        for copy in &mut copies {
            copy.apply(&logs.concat()).unwrap();
            exports.push(export(copy));
        }
        for e in &exports[1..] {
            prop_assert_eq!(e, &exports[0]);
        }
    }
}

#[test]
fn a_delete_wins_over_a_concurrent_edit_and_the_later_label_wins() {
    let dir = tempfile::tempdir().unwrap();
    let origin = origin(dir.path());
    let gold = |p: &Project, uid: &str| -> SpanId {
        p.document("doc")
            .unwrap()
            .spans
            .iter()
            .find(|s| s.uid == uid)
            .unwrap()
            .id
    };
    let mut a = origin.fork(&dir.path().join("a.glossa")).unwrap();
    let mut b = origin.fork(&dir.path().join("b.glossa")).unwrap();
    a.set_author_role("alice", Role::Reviewer).unwrap();
    b.set_author_role("bob", Role::Reviewer).unwrap();
    // g1: alice deletes it while bob relabels it. g2: both relabel it.
    a.delete_span("alice", gold(&a, "g1"), 1).unwrap();
    let relabel = |label: &str| SpanPatch {
        label: Some(label.into()),
        ..SpanPatch::default()
    };
    b.update_span("bob", gold(&b, "g1"), 1, &relabel("ORG"))
        .unwrap();
    a.update_span("alice", gold(&a, "g2"), 1, &relabel("GPE"))
        .unwrap();
    b.update_span("bob", gold(&b, "g2"), 1, &relabel("PERSON"))
        .unwrap();
    let (ops_a, ops_b) = (own_ops(&a), own_ops(&b));
    a.apply(&ops_b).unwrap();
    b.apply(&ops_a).unwrap();
    assert_eq!(export(&a), export(&b));
    let spans = a.document("doc").unwrap().spans;
    assert!(spans.iter().all(|s| s.uid != "g1"), "the delete wins");
    let g2 = spans.iter().find(|s| s.uid == "g2").unwrap();
    // Both edits have the same Lamport clock (each copy's next after the origin's), so the
    // author uid decides, the same way in both copies.
    assert!(g2.label == "GPE" || g2.label == "PERSON");
}

#[test]
fn concurrent_schema_changes_settle_on_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let origin = origin(dir.path());
    let mut a = origin.fork(&dir.path().join("a.glossa")).unwrap();
    let mut b = origin.fork(&dir.path().join("b.glossa")).unwrap();
    let mut sa = a.schema().clone();
    sa.labels[0].description = "from alice".into();
    let mut sb = b.schema().clone();
    sb.labels[0].description = "from bob".into();
    a.set_schema("alice", sa).unwrap();
    b.set_schema("bob", sb).unwrap();
    let (ops_a, ops_b) = (own_ops(&a), own_ops(&b));
    assert!(ops_a
        .iter()
        .any(|o| o.kind == glossa_api::core::OpKind::SetSchema));
    a.apply(&ops_b).unwrap();
    b.apply(&ops_a).unwrap();
    assert_eq!(a.schema(), b.schema());
    // Reopened, the stored schema is the same too.
    let path_a = dir.path().join("a.glossa");
    drop(a);
    assert_eq!(Project::open(&path_a).unwrap().schema(), b.schema());
}

#[test]
fn an_empty_project_replays_imports_and_the_edits_beside_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut origin = origin(dir.path());
    origin.set_author_role("alice", Role::Reviewer).unwrap();
    // A span made beside the imported ones (the import's changes are still read from its
    // rows), then a relabel of an imported one (they are written out first), then another.
    let add = |p: &mut Project, start: usize, end: usize| {
        p.add_span(
            "alice",
            &AddSpan {
                doc_id: "doc".into(),
                revision: 1,
                start,
                end,
                label: "GPE".into(),
                layer: None,
                attrs: Default::default(),
                note: None,
            },
        )
        .unwrap()
    };
    add(&mut origin, 34, 43);
    let before = origin.operations_since(&BTreeMap::new()).unwrap();
    let import = before
        .iter()
        .find(|o| o.kind == glossa_api::core::OpKind::Import)
        .unwrap();
    let spans_in_import = import
        .changes
        .iter()
        .filter(|c| matches!(c, glossa_api::core::op::Change::Span(_)))
        .count();
    assert_eq!(
        spans_in_import, 2,
        "the import's changes hold only its own spans"
    );
    let g1 = origin
        .document("doc")
        .unwrap()
        .spans
        .iter()
        .find(|s| s.uid == "g1")
        .unwrap()
        .id;
    origin
        .update_span(
            "alice",
            g1,
            1,
            &SpanPatch {
                label: Some("ORG".into()),
                ..SpanPatch::default()
            },
        )
        .unwrap();
    add(&mut origin, 47, 53);
    let mut empty = Project::create(&dir.path().join("empty.glossa"), "x", None).unwrap();
    empty
        .apply(&origin.operations_since(&BTreeMap::new()).unwrap())
        .unwrap();
    assert_eq!(export(&empty), export(&origin));
    assert_eq!(empty.document("doc").unwrap().spans.len(), 4);
}

/// A rename (schema and spans) and its undo reach another copy as operations, and both
/// copies end the same, each step of the way.
#[test]
fn a_rename_and_its_undo_converge() {
    let dir = tempfile::tempdir().unwrap();
    let origin = origin(dir.path());
    let mut a = origin.fork(&dir.path().join("a.glossa")).unwrap();
    let mut b = origin.fork(&dir.path().join("b.glossa")).unwrap();
    let r = a.rename_label("alice", "PERSON", "PER").unwrap();
    assert_eq!(r.spans, 1);
    b.apply(&own_ops(&a)).unwrap();
    assert_eq!(export(&a), export(&b));
    assert!(export(&b).contains(r#""label":"PER""#));
    assert_eq!(a.schema(), b.schema());
    a.undo_rename("alice").unwrap();
    b.apply(&own_ops(&a)).unwrap();
    assert_eq!(export(&a), export(&b));
    assert!(export(&b).contains(r#""label":"PERSON""#));
    let path_b = dir.path().join("b.glossa");
    drop(b);
    assert_eq!(Project::open(&path_b).unwrap().schema(), a.schema());
}
