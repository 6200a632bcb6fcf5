//! `glossa-bench formats`: exports the corpus project in every format and imports every
//! importable format back into a new project, timing each (medians of `--runs`).

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use glossa_api::{ExportOptions, Format, ImportFormat, ImportOptions, Project};
use serde::Serialize;

use crate::{figure, import_into, machine, Args, Figure};

#[derive(Serialize)]
struct Row {
    format: &'static str,
    export_ms: Figure,
    import_ms: Option<Figure>,
    bytes: u64,
    spans_imported: Option<u64>,
}

fn size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn remove(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
    let _ = std::fs::remove_file(path);
}

/// Runs the format benchmark over the corpus at `corpus`.
pub fn run(args: &Args, corpus: &Path, dir: &Path) -> Result<()> {
    let project = dir.join("formats.glossa");
    let p = import_into(corpus, &project)?;
    // The texts alone, for the formats that annotate documents already in a project.
    let texts = dir.join("texts.jsonl");
    {
        let mut out = BufWriter::new(std::fs::File::create(&texts)?);
        for line in std::fs::read_to_string(corpus)?.lines() {
            let mut v: serde_json::Value = serde_json::from_str(line)?;
            if let Some(o) = v.as_object_mut() {
                o.remove("spans");
                o.remove("relations");
            }
            serde_json::to_writer(&mut out, &v)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    let mut rows = Vec::new();
    for format in Format::ALL {
        let out = dir.join(format!("export-{}", format.name()));
        let mut export = Vec::new();
        // Each run writes a new path, and earlier runs' output is deleted only at the end: a
        // user's export does not follow the deletion of 20,000 files (brat), which slows ext4's
        // inode allocation for a while.
        let run_path = |n: usize| dir.join(format!("export-{}-run{n}", format.name()));
        for n in 0..args.runs {
            remove(&run_path(n));
            let _ = std::process::Command::new("sync").status();
            let t = Instant::now();
            p.export_to_path(&run_path(n), &ExportOptions::new(format))
                .with_context(|| format!("export {}", format.name()))?;
            export.push(t.elapsed());
        }
        remove(&out);
        std::fs::rename(run_path(0), &out)?;
        for n in 1..args.runs {
            remove(&run_path(n));
        }
        if let Some(label_studio_config) = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().contains("-run0.label-studio-config"))
        {
            std::fs::rename(
                label_studio_config,
                dir.join(format!("export-{}.label-studio-config.xml", format.name())),
            )?;
        }
        let mut import = Vec::new();
        let mut spans = None;
        if let Some(reader) = ImportFormat::of(format) {
            for _ in 0..args.runs {
                let target = dir.join("import.glossa");
                let _ = std::fs::remove_file(&target);
                let mut q = Project::create(&target, "bench", None)?;
                if format.annotates_existing() {
                    q.import(
                        std::slice::from_ref(&texts),
                        &ImportOptions::default(),
                        &mut |_| {},
                    )?;
                }
                let opts = ImportOptions {
                    format: reader,
                    ..ImportOptions::default()
                };
                let t = Instant::now();
                q.import(std::slice::from_ref(&out), &opts, &mut |_| {})
                    .with_context(|| format!("import {}", format.name()))?;
                import.push(t.elapsed());
                spans = Some(q.stats()?.spans);
            }
        }
        rows.push(Row {
            format: format.name(),
            bytes: size(&out),
            export_ms: figure(export, 1e3),
            import_ms: (!import.is_empty()).then(|| figure(import, 1e3)),
            spans_imported: spans,
        });
    }
    if args.json {
        let report = serde_json::json!({
            "machine": machine(),
            "docs": args.docs,
            "spans": args.docs * args.spans,
            "runs": args.runs,
            "formats": rows,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} documents, {} spans, {} runs, on {}",
            args.docs,
            args.docs * args.spans,
            args.runs,
            machine()
        );
        println!(
            "{:<13} {:>12} {:>12} {:>10} {:>10}",
            "format", "export ms", "import ms", "MB", "spans in"
        );
        for r in rows {
            println!(
                "{:<13} {:>12.0} {:>12} {:>10.1} {:>10}",
                r.format,
                r.export_ms.median,
                r.import_ms
                    .map_or("-".into(), |f| format!("{:.0}", f.median)),
                r.bytes as f64 / 1e6,
                r.spans_imported.map_or("-".into(), |s| s.to_string()),
            );
        }
    }
    Ok(())
}
