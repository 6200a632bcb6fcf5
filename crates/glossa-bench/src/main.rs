//! `glossa-bench`: measures the figures the foundation issue asks for on a generated corpus
//! (10,000 documents of ~2,000 characters with 20 spans each, by default) and prints medians.
//!
//! ```text
//! cargo run --release -p glossa-bench            # all measurements, a Markdown table
//! cargo run --release -p glossa-bench -- --json  # the same as JSON
//! ```
//!
//! Peak RSS of an import is measured in a child process (`glossa-bench import-rss`), which
//! reports its own `VmHWM` from `/proc/self/status`.

mod apply;
mod corpus;
mod formats;
mod reanchor;

/// mimalloc, not glibc malloc: imports allocate documents on a reader thread and free them on
/// the writer thread, where glibc's arenas cost a quarter of the import time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use glossa_api::{AddSpan, ExportOptions, ImportOptions, Project};
use serde::Serialize;

/// Benchmarks Glossa's import, export, document open and span insert.
#[derive(Parser)]
struct Args {
    /// Documents in the corpus.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// Characters per document (about).
    #[arg(long, default_value_t = 2_000)]
    chars: usize,
    /// Spans per document.
    #[arg(long, default_value_t = 20)]
    spans: usize,
    /// Runs of import and export (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Document opens and span inserts to time.
    #[arg(long, default_value_t = 2_000)]
    ops: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Keep the corpus and projects in this folder (default: a temporary one).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    #[command(subcommand)]
    child: Option<Child>,
}

#[derive(Subcommand)]
enum Child {
    /// Write the generated corpus (native JSONL) and exit: the interop checks' third corpus.
    Corpus {
        /// The file to write.
        out: PathBuf,
    },
    /// Export the corpus in every format and import every importable format: medians.
    Formats,
    /// Re-anchoring: the edit scenarios over generated documents (at least 200) and the 1 MB
    /// document's re-anchoring time.
    Reanchor,
    /// Applying operations from another copy of a project (`--ops` of them; 100,000 for the
    /// issue's figure).
    Apply,
    /// Import one file into a new project and print peak RSS in KiB (used internally).
    ImportRss {
        /// The corpus file.
        corpus: PathBuf,
        /// The project file to create.
        project: PathBuf,
    },
}

#[derive(Serialize)]
struct Report {
    machine: String,
    docs: usize,
    spans: usize,
    corpus_bytes: u64,
    import_ms: Figure,
    export_ms: Figure,
    open_document_us: Figure,
    span_insert_us: Figure,
    import_peak_rss_mib: f64,
}

#[derive(Serialize)]
struct Figure {
    median: f64,
    p95: f64,
    min: f64,
    samples: usize,
}

fn figure(mut samples: Vec<Duration>, unit: f64) -> Figure {
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * unit;
    Figure {
        median: at(0.5),
        p95: at(0.95),
        min: at(0.0),
        samples: samples.len(),
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores")
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn import_into(corpus: &Path, project: &Path) -> Result<Project> {
    let _ = std::fs::remove_file(project);
    let mut p = Project::create(project, "bench", None)?;
    p.import(
        &[corpus.to_path_buf()],
        &ImportOptions {
            author: "bench".into(),
            ..ImportOptions::default()
        },
        &mut |_| {},
    )?;
    Ok(p)
}

/// Writes the seeded corpus to `path`; returns its ids and the generator, to go on drawing.
fn write_corpus(args: &Args, path: &Path) -> Result<(Vec<String>, fastrand::Rng)> {
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut ids = Vec::with_capacity(args.docs);
    for n in 0..args.docs {
        let doc = corpus::document(&mut rng, n, args.chars, args.spans);
        glossa_formats::native::write_document(&mut out, &doc)?;
        ids.push(doc.id);
    }
    out.flush()?;
    Ok((ids, rng))
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(Child::ImportRss { corpus, project }) = &args.child {
        import_into(corpus, project)?;
        println!("{}", peak_rss_kib());
        return Ok(());
    }
    if let Some(Child::Corpus { out }) = &args.child {
        write_corpus(&args, out)?;
        return Ok(());
    }
    if let Some(Child::Reanchor) = &args.child {
        let tmp = tempfile::tempdir()?;
        let report = reanchor::run(args.docs, args.runs, tmp.path(), machine())?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            reanchor::print(&report);
        }
        return Ok(());
    }
    if let Some(Child::Apply) = &args.child {
        let tmp = tempfile::tempdir()?;
        let (f, n) = apply::run(args.ops, args.runs, tmp.path())?;
        println!("machine: {}", machine());
        println!(
            "apply {n} operations from another copy: median {:.1} ms, p95 {:.1} ms, min {:.1} ms ({} runs)",
            f.median, f.p95, f.min, f.samples
        );
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let dir = match &args.work_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    let corpus = dir.join("corpus.jsonl");
    let (ids, mut rng) = write_corpus(&args, &corpus)?;
    if let Some(Child::Formats) = &args.child {
        return formats::run(&args, &corpus, &dir);
    }
    let corpus_bytes = std::fs::metadata(&corpus)?.len();
    let project = dir.join("bench.glossa");

    let mut import = Vec::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        drop(import_into(&corpus, &project)?);
        import.push(t.elapsed());
    }
    let mut p = Project::open(&project)?;
    let stats = p.stats()?;
    anyhow::ensure!(
        stats.spans == (args.docs * args.spans) as u64,
        "imported {} spans",
        stats.spans
    );

    let mut export = Vec::new();
    let out = dir.join("export.jsonl");
    for _ in 0..args.runs {
        let t = Instant::now();
        p.export_to_path(&out, &ExportOptions::default())?;
        export.push(t.elapsed());
    }
    anyhow::ensure!(
        std::fs::metadata(&out)?.len() > corpus_bytes / 2,
        "export too small"
    );

    let mut open = Vec::with_capacity(args.ops);
    for _ in 0..args.ops {
        let id = &ids[rng.usize(..ids.len())];
        let t = Instant::now();
        let view = p.document(id)?;
        open.push(t.elapsed());
        anyhow::ensure!(view.spans.len() >= args.spans, "document {id} lost spans");
    }

    let mut insert = Vec::with_capacity(args.ops);
    for _ in 0..args.ops {
        let id = &ids[rng.usize(..ids.len())];
        let start = rng.usize(..args.chars / 2);
        let req = AddSpan {
            doc_id: id.clone(),
            // Imported once, never updated: every document is at its first revision.
            revision: 1,
            start,
            end: start + 1 + rng.usize(..20),
            label: "ORG".into(),
            layer: None,
            attrs: Default::default(),
            note: None,
        };
        let t = Instant::now();
        p.add_span("bench-annotator", &req)?;
        insert.push(t.elapsed());
    }
    drop(p);

    let child = std::process::Command::new(std::env::current_exe()?)
        .arg("import-rss")
        .arg(&corpus)
        .arg(dir.join("rss.glossa"))
        .output()
        .context("running the import-rss child")?;
    anyhow::ensure!(
        child.status.success(),
        "import-rss failed: {}",
        String::from_utf8_lossy(&child.stderr)
    );
    let rss_kib: u64 = String::from_utf8(child.stdout)?.trim().parse()?;

    let report = Report {
        machine: machine(),
        docs: args.docs,
        spans: args.docs * args.spans,
        corpus_bytes,
        import_ms: figure(import, 1e3),
        export_ms: figure(export, 1e3),
        open_document_us: figure(open, 1e6),
        span_insert_us: figure(insert, 1e6),
        import_peak_rss_mib: rss_kib as f64 / 1024.0,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("machine: {}", report.machine);
    println!(
        "corpus: {} documents, {} spans, {:.1} MB of native JSONL",
        report.docs,
        report.spans,
        corpus_bytes as f64 / 1e6
    );
    println!();
    println!("| measurement | median | p95 | min | samples |");
    println!("|---|---|---|---|---|");
    for (name, f, unit) in [
        ("import (JSONL → project)", &report.import_ms, "ms"),
        ("export (project → JSONL)", &report.export_ms, "ms"),
        (
            "open one document with spans",
            &report.open_document_us,
            "µs",
        ),
        (
            "insert one span (own transaction)",
            &report.span_insert_us,
            "µs",
        ),
    ] {
        println!(
            "| {name} | {:.1} {unit} | {:.1} {unit} | {:.1} {unit} | {} |",
            f.median, f.p95, f.min, f.samples
        );
    }
    println!(
        "| peak RSS during import | {:.1} MiB | | | 1 |",
        report.import_peak_rss_mib
    );
    Ok(())
}
