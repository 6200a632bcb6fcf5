//! The re-anchoring benchmark: how spans fare when their document's text is edited.
//!
//! - **Scenarios** over generated documents (`--docs`, at least 200): edits outside spans
//!   (insertions, deletions, a moved line, typo fixes, whitespace, line endings), edits inside
//!   spans, a duplicated passage, a whole rewrite. Each span's true place after the edit is
//!   known; a span counts as *exact* when re-anchoring placed it there as exact or moved,
//!   *flagged* when it marked it fuzzy or orphaned, and *misplaced* when it reported exact or
//!   moved anywhere else (or for words that are gone). Targets: edits outside spans ≥ 99.5 %
//!   exact and none misplaced; no scenario misplaces a span.
//! - **Speed**: a 1 MB document with 10,000 spans, a few edits, re-anchored in the project
//!   (`import --update`: new revision, re-anchoring, the system's operation), median of runs.
//!
//! With `GLOSSA_BENCH_DEBUG` set, each misplaced span is printed with its old and new text.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use glossa_core::reanchor::{settle, Settling};
use glossa_core::{AnchorState, AnnotatedDocument, Placement, Reanchor};
use serde::Serialize;

use crate::{corpus, figure, Figure};

/// One span before the edit, and where it truly is after it (`None`: its words are gone or
/// changed).
struct Truth {
    start: usize,
    end: usize,
    label: String,
    after: Option<(usize, usize)>,
}

/// An edited text with the truth about its spans.
struct Edited {
    text: String,
    spans: Vec<Truth>,
}

/// Counts of one scenario.
#[derive(Debug, Default, Serialize)]
pub struct Outcome {
    scenario: &'static str,
    /// Whether the edits leave every span's words alone (the ≥ 99.5 % exact target).
    outside_spans: bool,
    spans: u64,
    /// Spans whose words the edit left as they were (the others' right answer is a flag).
    kept: u64,
    exact: u64,
    flagged: u64,
    misplaced: u64,
    /// Fuzzy placements at another place than the truth (flagged, so allowed, but counted).
    fuzzy_elsewhere: u64,
}

/// The benchmark's report.
#[derive(Serialize)]
pub struct Report {
    machine: String,
    documents: usize,
    scenarios: Vec<Outcome>,
    big_document_chars: usize,
    big_document_spans: usize,
    reanchor_core_ms: Figure,
    reanchor_update_ms: Figure,
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// Replaces `[a, b)` (code points) of the text with `with`, for spans that do not touch
/// `[a, b)`; spans that do are gone (`None`) when `inside` is set, else the edit must avoid
/// them.
fn replace(doc: &AnnotatedDocument, a: usize, b: usize, with: &str) -> Edited {
    let text = chars(&doc.text);
    let delta = with.chars().count() as isize - (b - a) as isize;
    let mut out: String = text[..a].iter().collect();
    out.push_str(with);
    out.extend(&text[b..]);
    let spans = doc
        .spans
        .iter()
        .map(|s| Truth {
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            after: if s.end <= a {
                Some((s.start, s.end))
            } else if s.start >= b {
                Some((
                    (s.start as isize + delta) as usize,
                    (s.end as isize + delta) as usize,
                ))
            } else {
                None
            },
        })
        .collect();
    Edited { text: out, spans }
}

/// A code point position no span covers or touches, near `want`.
fn free_position(doc: &AnnotatedDocument, want: usize) -> Option<usize> {
    let n = doc.text.chars().count();
    (want..n)
        .chain((0..want).rev())
        .find(|&p| doc.spans.iter().all(|s| p + 1 < s.start || p > s.end))
}

/// The lines of a text as code point ranges, each with its line break.
fn lines(text: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.iter().enumerate() {
        if *c == '\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Applies a code-point position map to every span (spans wholly in one mapped stretch move
/// with it; others are gone).
fn remap(
    doc: &AnnotatedDocument,
    text: String,
    map: impl Fn(usize, usize) -> Option<(usize, usize)>,
) -> Edited {
    Edited {
        text,
        spans: doc
            .spans
            .iter()
            .map(|s| Truth {
                start: s.start,
                end: s.end,
                label: s.label.clone(),
                after: map(s.start, s.end),
            })
            .collect(),
    }
}

type Scenario = fn(&AnnotatedDocument, &mut fastrand::Rng) -> Option<Edited>;

fn scenarios() -> Vec<(&'static str, bool, Scenario)> {
    vec![
        ("insert a sentence (outside spans)", true, |d, rng| {
            let n = d.text.chars().count();
            let p = free_position(d, rng.usize(..n))?;
            Some(replace(
                d,
                p,
                p,
                " Officials in Brussels declined to comment on the report.",
            ))
        }),
        ("delete words (outside spans)", true, |d, rng| {
            let n = d.text.chars().count();
            let p = free_position(d, rng.usize(..n))?;
            let q = (p..n.min(p + 15))
                .take_while(|&q| d.spans.iter().all(|s| q + 1 < s.start || q > s.end))
                .last()?;
            (q > p).then(|| replace(d, p, q, ""))
        }),
        ("move a line (outside spans)", true, |d, rng| {
            let text = chars(&d.text);
            let ls = lines(&text);
            if ls.len() < 3 {
                return None;
            }
            // Move line i to the end of the text.
            let i = rng.usize(..ls.len() - 1);
            let (a, b) = ls[i];
            let mut out: String = text[..a].iter().collect();
            out.extend(&text[b..]);
            let moved_to = out.chars().count();
            if !out.ends_with('\n') {
                return None;
            }
            out.extend(&text[a..b]);
            Some(remap(d, out, |s, e| {
                if e <= a {
                    Some((s, e))
                } else if s >= b {
                    Some((s - (b - a), e - (b - a)))
                } else if s >= a && e <= b {
                    Some((moved_to + (s - a), moved_to + (e - a)))
                } else {
                    None
                }
            }))
        }),
        ("fix a typo (outside spans)", true, |d, rng| {
            let text = chars(&d.text);
            let n = text.len();
            let p = free_position(d, rng.usize(..n))?;
            let c = text[p];
            if !c.is_alphabetic() {
                return None;
            }
            let fixed = if c.is_lowercase() {
                c.to_uppercase().next()?
            } else {
                'x'
            };
            Some(replace(d, p, p + 1, &fixed.to_string()))
        }),
        ("whitespace (outside spans)", true, |d, rng| {
            let text = chars(&d.text);
            let spaces: Vec<usize> = (0..text.len())
                .filter(|&i| text[i] == ' ' && d.spans.iter().all(|s| i + 1 < s.start || i > s.end))
                .collect();
            let p = *spaces.get(rng.usize(..spaces.len().max(1)))?;
            Some(replace(d, p, p + 1, "  "))
        }),
        ("line endings CRLF → LF", true, |d, _| {
            let text = chars(&d.text);
            let crs: Vec<usize> = (0..text.len()).filter(|&i| text[i] == '\r').collect();
            if crs.is_empty() {
                return None;
            }
            let out: String = text.iter().filter(|&&c| c != '\r').collect();
            Some(remap(d, out, |s, e| {
                let before = |p: usize| crs.iter().filter(|&&c| c < p).count();
                if crs.iter().any(|&c| c >= s && c < e) {
                    return None;
                }
                Some((s - before(s), e - before(e)))
            }))
        }),
        ("edit inside a span", false, |d, rng| {
            let s = &d.spans[rng.usize(..d.spans.len())];
            let m = s.start + (s.end - s.start) / 2;
            let mut e = replace(d, m, m + 1, "-");
            // Other spans over the same place lose their words too; the rest keep them.
            for t in &mut e.spans {
                if t.start <= m && m < t.end {
                    t.after = None;
                }
            }
            Some(e)
        }),
        ("duplicate a passage", false, |d, rng| {
            let text = chars(&d.text);
            let ls = lines(&text);
            let (a, b) = ls[rng.usize(..ls.len())];
            let copy: String = text[a..b].iter().collect();
            // The copy goes in at the end; every span keeps its own place.
            let mut out = d.text.clone();
            if !out.ends_with('\n') {
                out.push_str("\r\n");
            }
            out.push_str(&copy);
            Some(remap(d, out, |s, e| Some((s, e))))
        }),
        ("rewrite the whole text", false, |d, rng| {
            let other = corpus::document(rng, 99_999, d.text.chars().count(), 1);
            Some(remap(d, other.text, |_, _| None))
        }),
    ]
}

/// Re-anchors spans (start, end, label; one layer) of `old` onto `new` as the store does:
/// the diff, each span's placement, then settling.
fn place_all<'a>(
    old: &str,
    new: &str,
    spans: impl Iterator<Item = (usize, usize, &'a str)>,
) -> Vec<Placement> {
    let diff = Reanchor::new(old, new);
    let mut placed: Vec<Settling<'_>> = spans
        .map(|(start, end, label)| Settling {
            layer: "gold",
            label,
            placement: diff.place(start, end),
        })
        .collect();
    settle(&[], &mut placed, true);
    placed.into_iter().map(|s| s.placement).collect()
}

/// Runs every scenario over `docs` generated documents.
fn run_scenarios(docs: usize) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (name, outside, make) in scenarios() {
        let mut rng = fastrand::Rng::with_seed(2027);
        let mut o = Outcome {
            scenario: name,
            outside_spans: outside,
            ..Outcome::default()
        };
        let mut made = 0;
        let mut n = 0;
        while made < docs && n < docs * 4 {
            let doc = corpus::document(&mut rng, n, 2_000, 20);
            n += 1;
            let Some(edited) = make(&doc, &mut rng) else {
                continue;
            };
            made += 1;
            let placed = place_all(
                &doc.text,
                &edited.text,
                edited
                    .spans
                    .iter()
                    .map(|t| (t.start, t.end, t.label.as_str())),
            );
            for (t, &p) in edited.spans.iter().zip(&placed) {
                o.spans += 1;
                o.kept += u64::from(t.after.is_some());
                let here = Some((p.start, p.end)) == t.after;
                match p.state {
                    AnchorState::Exact | AnchorState::Moved | AnchorState::Confirmed => {
                        if here {
                            o.exact += 1;
                        } else {
                            o.misplaced += 1;
                            if std::env::var_os("GLOSSA_BENCH_DEBUG").is_some() {
                                let old: String = doc
                                    .text
                                    .chars()
                                    .skip(t.start.saturating_sub(20))
                                    .take(t.end - t.start + 40)
                                    .collect();
                                let new: String = edited
                                    .text
                                    .chars()
                                    .skip(p.start.saturating_sub(20))
                                    .take(p.end - p.start + 40)
                                    .collect();
                                eprintln!("{name}: {p:?} {old:?} -> {new:?}");
                            }
                        }
                    }
                    AnchorState::Fuzzy => {
                        o.flagged += 1;
                        if !here {
                            o.fuzzy_elsewhere += 1;
                        }
                    }
                    AnchorState::Orphaned => o.flagged += 1,
                }
            }
        }
        outcomes.push(o);
    }
    outcomes
}

/// A 1 MB document with 10,000 spans, and the same text after a few edits.
fn big_document() -> (AnnotatedDocument, String) {
    let mut rng = fastrand::Rng::with_seed(31);
    let doc = corpus::document(&mut rng, 0, 1_000_000, 10_000);
    let text = chars(&doc.text);
    let n = text.len();
    let mut edited: String = text[..n / 10].iter().collect();
    edited.push_str("A new sentence goes here. ");
    edited.extend(&text[n / 10..n / 2]);
    edited.extend(&text[n / 2 + 40..]);
    edited.push_str("\r\nA closing line.");
    (doc, edited)
}

/// Measures and reports.
pub fn run(docs: usize, runs: usize, dir: &Path, machine: String) -> Result<Report> {
    let scenarios = run_scenarios(docs.max(200));
    let (doc, edited) = big_document();
    let mut core = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        place_all(
            &doc.text,
            &edited,
            doc.spans.iter().map(|s| (s.start, s.end, s.label.as_str())),
        );
        core.push(t.elapsed());
    }
    let mut update: Vec<Duration> = Vec::new();
    let file = dir.join("big.jsonl");
    let changed = dir.join("big-edited.txt");
    for run in 0..runs {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file)?);
        glossa_formats::native::write_document(&mut w, &doc)?;
        drop(w);
        std::fs::write(&changed, &edited)?;
        let project = dir.join(format!("big{run}.glossa"));
        let _ = std::fs::remove_file(&project);
        let mut p = glossa_api::Project::create(&project, "big", None)?;
        p.import(
            std::slice::from_ref(&file),
            &glossa_api::ImportOptions::default(),
            &mut |_| {},
        )?;
        // The edited text as a plain-text update of the same document.
        let as_text = dir.join(format!("{}.txt", doc.id));
        std::fs::rename(&changed, &as_text)?;
        let opts = glossa_api::ImportOptions {
            update: true,
            ..glossa_api::ImportOptions::default()
        };
        let t = Instant::now();
        let report = p.import(std::slice::from_ref(&as_text), &opts, &mut |_| {})?;
        update.push(t.elapsed());
        anyhow::ensure!(
            report.counts.reanchored + report.counts.fuzzy + report.counts.orphaned == 10_000,
            "re-anchored {:?}",
            report.counts
        );
        std::fs::remove_file(&as_text)?;
    }
    Ok(Report {
        machine,
        documents: docs.max(200),
        scenarios,
        big_document_chars: doc.text.chars().count(),
        big_document_spans: doc.spans.len(),
        reanchor_core_ms: figure(core, 1e3),
        reanchor_update_ms: figure(update, 1e3),
    })
}

/// Prints the report as Markdown.
pub fn print(r: &Report) {
    println!("machine: {}", r.machine);
    println!(
        "scenarios over {} generated documents of 20 spans each:",
        r.documents
    );
    println!();
    println!("| scenario | spans | words kept | exact (of kept) | flagged (fuzzy or orphaned) | misplaced (reported exact or moved) | fuzzy elsewhere |");
    println!("|---|---|---|---|---|---|---|");
    for o in &r.scenarios {
        let pct = |n: u64, of: u64| 100.0 * n as f64 / of.max(1) as f64;
        println!(
            "| {} | {} | {} | {:.2} % | {:.2} % | {} | {} |",
            o.scenario,
            o.spans,
            o.kept,
            pct(o.exact, o.kept),
            pct(o.flagged, o.spans),
            o.misplaced,
            o.fuzzy_elsewhere
        );
    }
    println!();
    println!(
        "1 MB document ({} code points, {} spans) after an edit: re-anchoring {:.1} ms (core, median of {}), update import with re-anchoring {:.1} ms (median, p95 {:.1})",
        r.big_document_chars,
        r.big_document_spans,
        r.reanchor_core_ms.median,
        r.reanchor_core_ms.samples,
        r.reanchor_update_ms.median,
        r.reanchor_update_ms.p95
    );
}
