//! How the CLI prints results: human-readable tables, or JSON with `--json`.

use std::io::{self, Write};
use std::path::Path;

use glossa_api::core::{
    AnchorState, Author, DocumentSummary, DocumentView, Operation, Schema, Span,
};
use glossa_api::{
    ExportReport, ImportProgress, ImportReport, Project, RenameReport, Stats, UndoOutcome,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// After `init`.
pub fn created(out: &mut impl Write, p: &Project) -> anyhow::Result<()> {
    let s = p.schema();
    writeln!(
        out,
        "Created project {} (schema \"{}\": {}, {}).",
        p.path().display(),
        s.name,
        plural(s.labels.len() as u64, "label", "labels"),
        plural(s.relations.len() as u64, "relation type", "relation types")
    )?;
    Ok(())
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub fn progress_bar(terminal: bool) -> ProgressBar {
    let target = if terminal {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(0), target);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {binary_bytes}/{binary_total_bytes} {msg}")
    {
        bar.set_style(style);
    }
    bar
}

/// Moves the progress bar.
pub fn progress(bar: &ProgressBar, p: ImportProgress) {
    bar.set_length(p.bytes_total);
    bar.set_position(p.bytes_done);
    bar.set_message(format!("{} documents", p.documents));
}

/// After `import`.
pub fn imported(out: &mut impl Write, r: &ImportReport, project: &Path) -> anyhow::Result<()> {
    let c = &r.counts;
    write!(
        out,
        "Imported {} ({}, {}) from {} into {}",
        plural(c.documents, "new document", "new documents"),
        plural(c.spans, "span", "spans"),
        plural(c.relations, "relation", "relations"),
        plural(r.files, "file", "files"),
        project.display()
    )?;
    if c.updated > 0 {
        write!(
            out,
            "; updated {}",
            plural(c.updated, "document", "documents")
        )?;
        if c.reanchored + c.fuzzy + c.orphaned > 0 {
            write!(
                out,
                " ({} re-anchored, {} fuzzy, {} orphaned)",
                c.reanchored, c.fuzzy, c.orphaned
            )?;
        }
    }
    writeln!(out, ".")?;
    if c.fuzzy + c.orphaned > 0 {
        writeln!(
            out,
            "{} to re-check: their words changed or are gone (glossa show marks them).",
            plural(c.fuzzy + c.orphaned, "span", "spans")
        )?;
    }
    if !c.new_authors.is_empty() {
        writeln!(
            out,
            "Added {} named in the files: {}.",
            plural(c.new_authors.len() as u64, "author", "authors"),
            c.new_authors.join(", ")
        )?;
    }
    if !r.skipped.is_empty() {
        writeln!(
            out,
            "Skipped {}:",
            plural(r.skipped.len() as u64, "invalid record", "invalid records")
        )?;
        for s in &r.skipped {
            writeln!(out, "  {}", s.message)?;
        }
    }
    if !r.ignored.is_empty() {
        writeln!(
            out,
            "Ignored {} no reader takes:",
            plural(r.ignored.len() as u64, "file", "files")
        )?;
        for f in &r.ignored {
            writeln!(out, "  {f}")?;
        }
    }
    Ok(())
}

/// After `export` (on stderr, so stdout holds only the data).
pub fn exported(
    out: &mut impl Write,
    r: &ExportReport,
    to: Option<&Path>,
    as_json: bool,
) -> anyhow::Result<()> {
    if as_json {
        return json(out, r);
    }
    if let Some(path) = to {
        writeln!(
            out,
            "Exported {} ({}, {}) as {} to {}.",
            plural(r.documents, "document", "documents"),
            plural(r.spans, "span", "spans"),
            plural(r.relations, "relation", "relations"),
            r.format.name(),
            path.display()
        )?;
        for f in r.files.iter().skip(1) {
            writeln!(out, "  also {f}")?;
        }
    }
    if r.fidelity.is_lossless() {
        writeln!(out, "Fidelity: lossless.")?;
    } else {
        writeln!(
            out,
            "Fidelity: the {} format could not hold:",
            r.format.name()
        )?;
        for l in &r.fidelity.losses {
            writeln!(out, "  {:>6}  {}", l.count, l.message)?;
            for e in &l.examples {
                writeln!(out, "          e.g. {e}")?;
            }
            writeln!(out, "          to keep them: {}", l.remedy)?;
        }
    }
    Ok(())
}

fn json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `docs`.
pub fn docs(out: &mut impl Write, docs: &[DocumentSummary], as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return json(out, &docs);
    }
    let w = docs
        .iter()
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    writeln!(
        out,
        "{:<w$}  {:<11}  {:>5}  {:>7}  TITLE",
        "ID", "STATUS", "SPANS", "CHARS"
    )?;
    for d in docs {
        writeln!(
            out,
            "{:<w$}  {:<11}  {:>5}  {:>7}  {}",
            d.id,
            d.status.as_str(),
            d.spans,
            d.chars,
            d.title
        )?;
    }
    Ok(())
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| text.to_string())
}

/// `show`.
pub fn show(
    out: &mut impl Write,
    v: &DocumentView,
    orphans: &[Span],
    as_json: bool,
) -> anyhow::Result<()> {
    if as_json {
        if orphans.is_empty() {
            return json(out, v);
        }
        let mut value = serde_json::to_value(v)?;
        value["orphaned_spans"] = serde_json::to_value(orphans)?;
        return json(out, &value);
    }
    let d = &v.document;
    writeln!(
        out,
        "{} — {} (revision {}, {})",
        d.id, d.title, d.revision, d.status
    )?;
    writeln!(out, "{}", plural(v.spans.len() as u64, "span:", "spans:"))?;
    for s in &v.spans {
        write!(
            out,
            "  {:<5} {:>6}..{:<6} {:<9} {}",
            s.uid,
            s.start,
            s.end,
            s.label,
            quoted(&s.text)
        )?;
        write!(out, "  [{}, by {}]", s.layer, s.author)?;
        for (k, val) in &s.attrs {
            write!(
                out,
                " {k}={}",
                val.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| val.to_string())
            )?;
        }
        if let Some(note) = &s.note {
            write!(out, " note={}", quoted(note))?;
        }
        if s.anchor != AnchorState::Exact {
            write!(out, " anchor={} ({:.2})", s.anchor, s.confidence)?;
            if s.revision != d.revision {
                write!(out, " on revision {}", s.revision)?;
            }
        }
        writeln!(out)?;
    }
    if !v.relations.is_empty() {
        writeln!(
            out,
            "{}",
            plural(v.relations.len() as u64, "relation:", "relations:")
        )?;
        let uid = |id| {
            v.spans
                .iter()
                .chain(orphans)
                .find(|s| s.id == id)
                .map(|s| s.uid.as_str())
                .unwrap_or("?")
        };
        let orphaned = |id| orphans.iter().any(|s| s.id == id);
        for r in &v.relations {
            write!(out, "  {} -{}-> {}", uid(r.from), r.label, uid(r.to))?;
            if orphaned(r.from) || orphaned(r.to) {
                write!(out, "  [an end is orphaned: to re-check]")?;
            }
            writeln!(out)?;
        }
    }
    if !orphans.is_empty() {
        writeln!(
            out,
            "{} (their words are gone from the current text; to re-check):",
            plural(orphans.len() as u64, "orphaned span", "orphaned spans")
        )?;
        for s in orphans {
            writeln!(
                out,
                "  {:<5} {:>6}..{:<6} {:<9} {}  [{}, by {}, on revision {}]",
                s.uid,
                s.start,
                s.end,
                s.label,
                quoted(&s.text),
                s.layer,
                s.author,
                s.revision
            )?;
        }
    }
    Ok(())
}

/// One operation in a line: what, by whom, when, where.
pub fn describe(op: &Operation) -> String {
    let doc = op
        .doc_id
        .as_deref()
        .map(|d| format!(" in {d}"))
        .unwrap_or_default();
    format!(
        "{} by {}{doc}",
        op.kind.as_str().replace('_', " "),
        op.author
    )
}

/// `log`.
pub fn log(out: &mut impl Write, ops: &[Operation], as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return json(out, &ops);
    }
    for op in ops {
        let undone = if op.undone { " (undone)" } else { "" };
        writeln!(out, "{:>6}  {}  {}{undone}", op.id, op.time, describe(op))?;
    }
    Ok(())
}

/// `undo`.
pub fn undone(out: &mut impl Write, o: &UndoOutcome) -> anyhow::Result<()> {
    for s in &o.skipped {
        writeln!(
            out,
            "Skipped {} (it can no longer be undone: {}).",
            describe(&s.operation),
            s.reason
        )?;
    }
    match &o.operation {
        Some(op) => writeln!(out, "Undid {}.", describe(op))?,
        None => writeln!(out, "Nothing to undo.")?,
    }
    Ok(())
}

/// `authors`.
pub fn authors(out: &mut impl Write, authors: &[Author], as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return json(out, &authors);
    }
    for a in authors {
        writeln!(out, "{:<20} {:<10} {}", a.name, a.role, a.uid)?;
    }
    Ok(())
}

/// `stats`.
pub fn stats(out: &mut impl Write, s: &Stats, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return json(out, s);
    }
    writeln!(
        out,
        "documents   {} ({} revisions, {} characters)",
        s.documents, s.revisions, s.chars
    )?;
    writeln!(
        out,
        "spans       {} ({} orphaned)",
        s.spans, s.orphaned_spans
    )?;
    writeln!(out, "relations   {}", s.relations)?;
    writeln!(out, "authors     {}", s.authors)?;
    writeln!(out, "operations  {}", s.operations)?;
    for (title, map) in [
        ("by label", &s.spans_by_label),
        ("by layer", &s.spans_by_layer),
        ("relations", &s.relations_by_label),
        ("status", &s.documents_by_status),
    ] {
        if map.is_empty() {
            continue;
        }
        let items: Vec<String> = map.iter().map(|(k, v)| format!("{k} {v}")).collect();
        writeln!(out, "{title:<11} {}", items.join(", "))?;
    }
    Ok(())
}

/// `schema` with no option.
pub fn schema(out: &mut impl Write, s: &Schema) -> io::Result<()> {
    writeln!(out, "Schema \"{}\"", s.name)?;
    writeln!(out, "Labels:")?;
    for l in &s.labels {
        let kind = format!("{:?}", l.kind).to_lowercase();
        write!(
            out,
            "  {:<10} {:<7} {} key {}",
            l.name,
            kind,
            l.color,
            l.hotkey.as_deref().unwrap_or("-")
        )?;
        if !l.attributes.is_empty() {
            let names: Vec<&str> = l.attributes.iter().map(|a| a.name.as_str()).collect();
            write!(out, "  attributes: {}", names.join(", "))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Relations:")?;
    for r in &s.relations {
        let side = |c: &glossa_api::core::ArgConstraint| {
            let mut parts: Vec<String> = c.labels.clone();
            parts.extend(
                c.kinds
                    .iter()
                    .map(|k| format!("any {}", format!("{k:?}").to_lowercase())),
            );
            if parts.is_empty() {
                "any".to_string()
            } else {
                parts.join("|")
            }
        };
        writeln!(out, "  {:<14} {} → {}", r.name, side(&r.from), side(&r.to))?;
    }
    Ok(())
}

/// After `relabel FROM TO`.
pub fn relabelled(
    out: &mut impl Write,
    from: &str,
    to: &str,
    r: &RenameReport,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} {from} → {to}: {} in {}.",
        if r.merged { "Merged" } else { "Renamed" },
        plural(r.spans, "span", "spans"),
        plural(r.documents, "document", "documents")
    )?;
    Ok(())
}

/// After `relabel --undo`.
pub fn relabel_undone(out: &mut impl Write, author: &str, undone: bool) -> anyhow::Result<()> {
    if undone {
        writeln!(out, "Undid {author}'s latest rename.")?;
    } else {
        writeln!(out, "{author} has no rename to undo.")?;
    }
    Ok(())
}
