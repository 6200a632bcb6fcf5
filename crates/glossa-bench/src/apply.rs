//! The apply benchmark: one copy of a project receives another copy's operations (span
//! creates, relabels and deletes) and applies them in one batch (`Project::apply`), as team
//! exchange will. Median of runs, each on a fresh copy of the origin.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use glossa_api::core::op::Op;
use glossa_api::{AddSpan, ImportOptions, Project, SpanPatch};

use crate::{corpus, figure, Figure};

/// Makes `count` operations in a copy of a 100-document origin, then times applying them to
/// fresh copies of the origin.
pub fn run(count: usize, runs: usize, dir: &Path) -> Result<(Figure, usize)> {
    let mut rng = fastrand::Rng::with_seed(99);
    let file = dir.join("apply-origin.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&file)?);
    let mut ids = Vec::new();
    for n in 0..100 {
        let doc = corpus::document(&mut rng, n, 2_000, 20);
        glossa_formats::native::write_document(&mut w, &doc)?;
        ids.push(doc.id);
    }
    drop(w);
    let origin_path = dir.join("apply-origin.glossa");
    let _ = std::fs::remove_file(&origin_path);
    let mut origin = Project::create(&origin_path, "apply", None)?;
    origin.import(&[file], &ImportOptions::default(), &mut |_| {})?;

    let copy_path = dir.join("apply-alice.glossa");
    let _ = std::fs::remove_file(&copy_path);
    let mut copy = origin.fork(&copy_path)?;
    let mut made = 0;
    let mut mine: Vec<(String, glossa_api::core::SpanId)> = Vec::new();
    while made < count {
        let doc = &ids[rng.usize(..ids.len())];
        let roll = rng.u8(..10);
        if roll < 7 || mine.is_empty() {
            let start = rng.usize(..1_900);
            let s = copy.add_span(
                "alice",
                &AddSpan {
                    doc_id: doc.clone(),
                    revision: 1,
                    start,
                    end: start + 1 + rng.usize(..20),
                    label: ["PERSON", "ORG", "GPE"][rng.usize(..3)].into(),
                    layer: None,
                    attrs: Default::default(),
                    note: None,
                },
            )?;
            mine.push((s.doc_id, s.id));
        } else if roll < 9 {
            let (_, id) = &mine[rng.usize(..mine.len())];
            copy.update_span(
                "alice",
                *id,
                1,
                &SpanPatch {
                    label: Some(["PERSON", "ORG", "GPE"][rng.usize(..3)].into()),
                    ..SpanPatch::default()
                },
            )?;
        } else {
            let (_, id) = mine.swap_remove(rng.usize(..mine.len()));
            copy.delete_span("alice", id, 1)?;
        }
        made += 1;
    }
    let me = copy.replica()?;
    let ops: Vec<Op> = copy
        .operations_since(&BTreeMap::new())?
        .into_iter()
        .filter(|o| o.stamp.replica == me)
        .collect();
    let mut times = Vec::new();
    for run in 0..runs {
        let path = dir.join(format!("apply-fresh{run}.glossa"));
        let _ = std::fs::remove_file(&path);
        let mut fresh = origin.fork(&path)?;
        let t = Instant::now();
        let report = fresh.apply(&ops)?;
        times.push(t.elapsed());
        anyhow::ensure!(report.applied as usize == ops.len(), "applied {report:?}");
    }
    Ok((figure(times, 1e3), ops.len()))
}
