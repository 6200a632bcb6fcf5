//! Every dataset format through the API: round trips (for each importable format,
//! import(export(project)) holds what the format holds, and exporting it again gives the same
//! output), the fidelity report, `--strict`, and bad input that imports nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use glossa_api::{ExportOptions, Format, ImportFormat, ImportOptions, LossKind, Project};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

const SAMPLES: [&str; 2] = ["kursk-dprk-pows.gold.jsonl", "tricky.gold.jsonl"];

fn project(dir: &Path, name: &str) -> Project {
    let mut p = Project::create(&dir.join(name), "test", None).unwrap();
    let files: Vec<PathBuf> = SAMPLES.iter().map(|f| fixture(f)).collect();
    p.import(&files, &ImportOptions::default(), &mut |_| {})
        .unwrap();
    p
}

/// A project holding the samples' texts only.
fn texts_only(dir: &Path, name: &str) -> Project {
    let texts = dir.join(format!("{name}.texts.jsonl"));
    let mut lines = String::new();
    for f in SAMPLES {
        for line in std::fs::read_to_string(fixture(f)).unwrap().lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let o = v.as_object_mut().unwrap();
            o.remove("spans");
            o.remove("relations");
            lines += &format!("{v}\n");
        }
    }
    std::fs::write(&texts, lines).unwrap();
    let mut p = Project::create(&dir.join(name), "test", None).unwrap();
    p.import(&[texts], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    p
}

/// Every file of an export, concatenated by name (a file, or a folder's files sorted).
fn read_export(path: &Path) -> String {
    if path.is_dir() {
        let mut names: Vec<PathBuf> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                format!(
                    "== {}\n{}",
                    p.file_name().unwrap().to_string_lossy(),
                    std::fs::read_to_string(p).unwrap()
                )
            })
            .collect()
    } else {
        std::fs::read_to_string(path).unwrap()
    }
}

/// The native export with what no format but the native one holds left out: (doc id,
/// text, spans as (start, end, label, text)).
fn spans_of(p: &Project) -> BTreeSet<(String, usize, usize, String)> {
    let mut out = Vec::new();
    p.export(&mut out, &ExportOptions::default()).unwrap();
    let mut set = BTreeSet::new();
    for line in String::from_utf8(out).unwrap().lines() {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        for s in d["spans"].as_array().unwrap() {
            set.insert((
                d["id"].as_str().unwrap().to_string(),
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
                s["label"].as_str().unwrap().to_string(),
            ));
        }
    }
    set
}

fn created_removed(s: &str) -> String {
    let re = "\"created\":\"";
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(re) {
        out += &rest[..at];
        let after = &rest[at + re.len()..];
        let end = after.find('"').unwrap();
        rest = &after[end + 1..];
        out += "\"created\":\"…\"";
    }
    out + rest
}

#[test]
fn every_importable_format_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let original = project(dir.path(), "original.glossa");
    let all_spans = spans_of(&original);
    for format in Format::ALL {
        let Some(reader) = ImportFormat::of(format) else {
            continue;
        };
        let name = format.name();
        let first = dir.path().join(format!("first.{name}"));
        let report = original
            .export_to_path(&first, &ExportOptions::new(format))
            .unwrap();
        let mut copy = if format.annotates_existing() {
            texts_only(dir.path(), &format!("{name}.glossa"))
        } else {
            Project::create(&dir.path().join(format!("{name}.glossa")), "test", None).unwrap()
        };
        let opts = ImportOptions {
            format: reader,
            ..ImportOptions::default()
        };
        copy.import(std::slice::from_ref(&first), &opts, &mut |_| {})
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Exporting the copy gives the same output: it holds all the format held.
        let second = dir.path().join(format!("second.{name}"));
        copy.export_to_path(&second, &ExportOptions::new(format))
            .unwrap();
        assert_eq!(
            created_removed(&read_export(&first)),
            created_removed(&read_export(&second)),
            "{name}: export(import(export)) differs from export"
        );
        // The spans come back with the same offsets, labels and document ids, except those
        // the fidelity report says the format left out.
        let dropped = report
            .fidelity
            .losses
            .iter()
            .filter(|l| {
                matches!(
                    l.kind,
                    LossKind::OverlappingSpans
                        | LossKind::UnalignedSpans
                        | LossKind::SpansNotExported
                )
            })
            .map(|l| l.count)
            .sum::<u64>() as usize;
        let back = spans_of(&copy);
        match format {
            // Token formats rebuild the text from tokens: compare span texts and labels.
            Format::Conll | Format::Hf => {
                assert_eq!(back.len(), all_spans.len() - dropped, "{name}")
            }
            _ => {
                assert!(
                    back.is_subset(&all_spans),
                    "{name}: {:?}",
                    back.difference(&all_spans).next()
                );
                assert_eq!(back.len(), all_spans.len() - dropped, "{name}");
            }
        }
    }
}

#[test]
fn lossless_formats_report_nothing_and_lossy_ones_report_what_they_drop() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.glossa");
    let jsonl = p
        .export_to_path(
            &dir.path().join("a.jsonl"),
            &ExportOptions::new(Format::Jsonl),
        )
        .unwrap();
    assert!(jsonl.fidelity.is_lossless());
    let conll = p
        .export_to_path(
            &dir.path().join("a.conll"),
            &ExportOptions::new(Format::Conll),
        )
        .unwrap();
    let kinds: Vec<LossKind> = conll.fidelity.losses.iter().map(|l| l.kind).collect();
    // The gold article has 4 ATTRIBUTED_TO relations and CLAIM spans; "Russia" inside
    // "Russian" is not a token.
    assert!(kinds.contains(&LossKind::Relations));
    assert!(kinds.contains(&LossKind::SpansNotExported));
    let unaligned = conll
        .fidelity
        .losses
        .iter()
        .find(|l| l.kind == LossKind::UnalignedSpans)
        .unwrap();
    assert!(
        unaligned.examples[0].contains("\"Russia\""),
        "{:?}",
        unaligned.examples
    );
    let relations = conll
        .fidelity
        .losses
        .iter()
        .find(|l| l.kind == LossKind::Relations)
        .unwrap();
    assert_eq!(relations.count, 4);
    // doccano holds relations but not attributes.
    let doccano = p
        .export_to_path(
            &dir.path().join("a.doccano"),
            &ExportOptions::new(Format::Doccano),
        )
        .unwrap();
    assert!(!doccano
        .fidelity
        .losses
        .iter()
        .any(|l| l.kind == LossKind::Relations));
    assert!(doccano
        .fidelity
        .losses
        .iter()
        .any(|l| l.kind == LossKind::Attributes));
}

#[test]
fn strict_refuses_a_lossy_export_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.glossa");
    for format in [Format::Conll, Format::Brat, Format::LabelStudio] {
        let out = dir.path().join(format!("strict-{}", format.name()));
        let opts = ExportOptions {
            strict: true,
            ..ExportOptions::new(format)
        };
        let e = p.export_to_path(&out, &opts).unwrap_err();
        assert!(e.message.contains("--strict"), "{e}");
        assert!(!out.exists(), "{}", format.name());
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".glossa-export") || n.starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let ok = ExportOptions {
        strict: true,
        ..ExportOptions::new(Format::Jsonl)
    };
    p.export_to_path(&dir.path().join("ok.jsonl"), &ok).unwrap();
}

/// Imports `content` written to `name` as `format` into an empty project (or one with the
/// samples' texts for W3C and CSV); returns the error message, after checking that nothing
/// was imported.
fn bad_import(format: ImportFormat, name: &str, content: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut p = if matches!(format, ImportFormat::W3c | ImportFormat::Csv) {
        texts_only(dir.path(), "p.glossa")
    } else {
        // A schema that forbids overlapping spans.
        let mut schema = glossa_api::core::Schema::news_default();
        schema.allow_overlaps = false;
        Project::create(&dir.path().join("p.glossa"), "t", Some(schema)).unwrap()
    };
    let before = p.stats().unwrap();
    for (file, text) in content {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let opts = ImportOptions {
        format,
        ..ImportOptions::default()
    };
    let e = p
        .import(&[dir.path().join(name)], &opts, &mut |_| {})
        .unwrap_err();
    let after = p.stats().unwrap();
    assert_eq!(
        (before.documents, before.spans),
        (after.documents, after.spans),
        "{e}"
    );
    e.to_string()
}

#[test]
fn bad_input_names_file_line_and_field_and_imports_nothing() {
    // brat: offsets past the text.
    let e = bad_import(
        ImportFormat::Brat,
        "b",
        &[
            ("b/d.txt", "Kim met Putin."),
            ("b/d.ann", "T1\tPERSON 0 3\tKim\nT2\tPERSON 8 40\tPutin\n"),
        ],
    );
    assert!(
        e.contains("d.ann:2") && e.contains("offsets") && e.contains("past the end"),
        "{e}"
    );
    // brat: a discontinuous span (a word between the fragments) is refused clearly.
    let e = bad_import(
        ImportFormat::Brat,
        "b",
        &[
            ("b/d.txt", "Kim met Putin."),
            ("b/d.ann", "T1\tPERSON 0 3;8 13\tKim Putin\n"),
        ],
    );
    assert!(e.contains("d.ann:1") && e.contains("discontinuous"), "{e}");
    // Label Studio: a region whose text disagrees with its offsets.
    let task = r#"[{"id": 1, "data": {"text": "Kim met Putin."}, "annotations": [{"result": [
{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PERSON"]}},
{"id": "b", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 8, "end": 13, "text": "Putin!", "labels": ["PERSON"]}}]}]}]"#;
    let e = bad_import(ImportFormat::LabelStudio, "t.json", &[("t.json", task)]);
    assert!(
        e.contains("t.json:1") && e.contains("result[1].value.text") && e.contains("disagrees"),
        "{e}"
    );
    // CoNLL: I- after O.
    let conll = "-DOCSTART- -X- -X- O\n\nKim -X- _ B-PERSON\nmet -X- _ O\nPutin -X- _ I-PERSON\n";
    let e = bad_import(ImportFormat::Conll, "c.conll", &[("c.conll", conll)]);
    assert!(
        e.contains("c.conll:5") && e.contains("field tag") && e.contains("broken IOB2"),
        "{e}"
    );
    // doccano: overlapping spans where the schema forbids overlaps.
    let line =
        r#"{"text": "Kim Jong Un met Putin.", "label": [[0, 3, "PERSON"], [0, 11, "PERSON"]]}"#;
    let e = bad_import(
        ImportFormat::Doccano,
        "d.jsonl",
        &[("d.jsonl", &format!("{{\"text\": \"ok\"}}\n{line}\n"))],
    );
    assert!(e.contains("d.jsonl:2") && e.contains("overlap"), "{e}");
    // CSV: a row whose text disagrees with the document.
    let csv = "doc_id,span_id,start,end,label,text,layer,author,attributes,note\ntricky,x1,13,16,PERSON,김정은,gold,a,,\ntricky,x2,13,16,PERSON,Kim,gold,a,,\n";
    let e = bad_import(ImportFormat::Csv, "s.csv", &[("s.csv", csv)]);
    assert!(e.contains("s.csv:3") && e.contains("disagrees"), "{e}");
    // W3C: a span of a document the project does not have.
    let w3c = r#"{"@context": "http://www.w3.org/ns/anno.jsonld", "items": [
{"id": "a1", "type": "Annotation", "motivation": "tagging", "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"}], "target": {"source": "urn:glossa:doc:nope", "selector": [{"type": "TextQuoteSelector", "exact": "x"}, {"type": "TextPositionSelector", "start": 0, "end": 1}]}}]}"#;
    let e = bad_import(ImportFormat::W3c, "w.jsonld", &[("w.jsonld", w3c)]);
    assert!(
        e.contains("w.jsonld:2") && e.contains("not in the project"),
        "{e}"
    );
}

#[test]
fn w3c_import_finds_a_moved_span_by_its_quote() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.glossa");
    let out = dir.path().join("a.jsonld");
    p.export_to_path(&out, &ExportOptions::new(Format::W3c))
        .unwrap();
    // Shift every position of the tricky document's annotations by one: the quotes still
    // find them.
    let shifted: String = read_export(&out)
        .lines()
        .map(|l| {
            if l.contains("urn:glossa:doc:tricky") && l.contains("TextPositionSelector") {
                let v: serde_json::Value = serde_json::from_str(l.trim_end_matches(',')).unwrap();
                let mut v = v;
                let sel = &mut v["target"]["selector"][1];
                let (s, e) = (sel["start"].as_u64().unwrap(), sel["end"].as_u64().unwrap());
                sel["start"] = (s + 1).into();
                sel["end"] = (e + 1).into();
                format!("{v}{}", if l.ends_with(',') { "," } else { "" })
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&out, shifted).unwrap();
    let mut copy = texts_only(dir.path(), "copy.glossa");
    copy.import(
        &[out],
        &ImportOptions {
            format: ImportFormat::W3c,
            ..ImportOptions::default()
        },
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(spans_of(&copy), spans_of(&p));
}

#[test]
fn a_schema_that_forbids_overlaps_refuses_overlapping_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = glossa_api::core::Schema::news_default();
    schema.allow_overlaps = false;
    let mut p = Project::create(&dir.path().join("p.glossa"), "t", Some(schema)).unwrap();
    let reopened = Project::open(&dir.path().join("p.glossa")).unwrap();
    assert!(!reopened.schema().allow_overlaps, "the setting is stored");
    drop(reopened);
    let text = dir.path().join("d.txt");
    std::fs::write(&text, "Kim Jong Un met Putin.").unwrap();
    p.import(&[text], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    let span = |start, end| glossa_api::AddSpan {
        doc_id: "d".into(),
        revision: 1,
        start,
        end,
        label: "PERSON".into(),
        layer: None,
        attrs: Default::default(),
        note: None,
    };
    p.add_span("ana", &span(0, 11)).unwrap();
    let e = p.add_span("ana", &span(4, 8)).unwrap_err();
    assert!(e.message.contains("forbids overlapping"), "{e}");
    // Another annotator's layer is separate.
    p.add_span("ben", &span(4, 8)).unwrap();
    p.add_span("ana", &span(16, 21)).unwrap();
}

#[test]
fn skip_invalid_imports_the_good_records_of_a_dataset_and_lists_the_bad() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(&dir.path().join("p.glossa"), "t", None).unwrap();
    let file = dir.path().join("d.jsonl");
    std::fs::write(
        &file,
        concat!(
            "{\"text\": \"Kim met Putin.\", \"label\": [[0, 3, \"PERSON\"]]}\n",
            "{\"text\": \"Bad offsets.\", \"label\": [[5, 99, \"PERSON\"]]}\n",
            "{\"text\": \"Unknown label.\", \"label\": [[0, 7, \"ALIEN\"]]}\n",
            "{\"text\": \"Putin met Kim.\", \"label\": [[10, 13, \"PERSON\"]]}\n",
        ),
    )
    .unwrap();
    let opts = ImportOptions {
        format: ImportFormat::Doccano,
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = p.import(&[file], &opts, &mut |_| {}).unwrap();
    assert_eq!(report.counts.documents, 2);
    assert_eq!(report.counts.spans, 2);
    let lines: Vec<Option<u64>> = report.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [Some(2), Some(3)], "{:?}", report.skipped);
    assert!(
        report.skipped[1].message.contains("ALIEN"),
        "{:?}",
        report.skipped
    );
}

/// The report counts the spans the file holds, not those chosen (issue 13: "13 reported, 11
/// in the CoNLL file"): for CoNLL, the entity lines that begin a span (`B-`); for the native
/// format, every span.
#[test]
fn the_export_report_counts_the_spans_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), "p.glossa");
    let native = p
        .export_to_path(&dir.path().join("all.jsonl"), &ExportOptions::default())
        .unwrap();
    let in_file: u64 = read_export(&dir.path().join("all.jsonl"))
        .lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            d["spans"].as_array().unwrap().len() as u64
        })
        .sum();
    assert_eq!(native.spans, in_file);
    let out = dir.path().join("p.conll");
    let conll = p
        .export_to_path(&out, &ExportOptions::new(Format::Conll))
        .unwrap();
    let begins = read_export(&out)
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .last()
                .is_some_and(|t| t.starts_with("B-"))
        })
        .count() as u64;
    assert!(conll.fidelity.spans_dropped() > 0, "the samples overlap");
    assert_eq!(conll.spans, begins);
    assert_eq!(conll.spans + conll.fidelity.spans_dropped(), native.spans);
    assert_eq!(conll.relations, 0, "CoNLL holds no relations");
}
