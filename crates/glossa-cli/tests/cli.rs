//! The `glossa` CLI end to end: each subcommand's output and errors are snapshot-tested, and
//! every kind of bad input from the foundation issue is covered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic

use std::path::{Path, PathBuf};
use std::process::Command;

use insta::assert_snapshot;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

struct Env {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn snapshot(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Env {
    fn new() -> Self {
        let env = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        for name in [
            "kursk-dprk-pows.gold.jsonl",
            "kursk-dprk-pows.txt",
            "tricky.gold.jsonl",
            "tricky.txt",
        ] {
            std::fs::copy(fixture(name), env.path(name)).unwrap();
        }
        env
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn run(&self, args: &[&str]) -> Out {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("glossa"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("GLOSSA_AUTHOR")
            .output()
            .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        out.stdout
    }

    fn project(&self) -> &Self {
        self.ok(&["init", "p.glossa"]);
        self
    }

    fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["stats", "p.glossa", "--json"])).unwrap()
    }

    fn export(&self, args: &[&str]) -> Vec<serde_json::Value> {
        let mut all = vec!["export", "p.glossa", "--format", "jsonl"];
        all.extend_from_slice(args);
        self.ok(&all)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// `text[start:end]` by code points, as Python slices.
fn cp_slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn round_trip_on_the_samples() {
    let env = Env::new();
    assert_snapshot!(env.run(&["init", "p.glossa"]).snapshot());
    assert_snapshot!(env
        .run(&[
            "import",
            "p.glossa",
            "kursk-dprk-pows.gold.jsonl",
            "tricky.gold.jsonl"
        ])
        .snapshot());
    assert_snapshot!(env.run(&["docs", "p.glossa"]).snapshot());
    assert_snapshot!(env.run(&["show", "p.glossa", "tricky"]).snapshot());
    assert_snapshot!(env.run(&["stats", "p.glossa"]).snapshot());
    let first = env.run(&["export", "p.glossa", "--format", "jsonl"]).stdout;
    // Every exported span's text is the code-point slice of the document text.
    for line in first.lines() {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(doc["offset_unit"], "codepoint");
        let text = doc["text"].as_str().unwrap();
        for s in doc["spans"].as_array().unwrap() {
            let slice = cp_slice(
                text,
                s["start"].as_u64().unwrap(),
                s["end"].as_u64().unwrap(),
            );
            assert_eq!(slice, s["text"].as_str().unwrap());
        }
    }
    // The spans are the gold ones, with the same offsets and attributes.
    let gold: serde_json::Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/kursk-dprk-pows.gold.jsonl"
    ))
    .unwrap();
    let exported: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    let key = |s: &serde_json::Value| {
        (
            s["id"].to_string(),
            s["start"].as_u64(),
            s["end"].as_u64(),
            s["label"].to_string(),
            s.get("attrs").cloned(),
        )
    };
    let mut a: Vec<_> = gold["spans"].as_array().unwrap().iter().map(key).collect();
    let mut b: Vec<_> = exported["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(a, b);
    assert_eq!(
        gold["relations"].as_array().unwrap().len(),
        exported["relations"].as_array().unwrap().len()
    );

    // Export, import into a new project, export again: byte-identical.
    let out = env.run(&[
        "export", "p.glossa", "--format", "jsonl", "--out", "a.jsonl",
    ]);
    assert_snapshot!(out.snapshot());
    assert_eq!(std::fs::read_to_string(env.path("a.jsonl")).unwrap(), first);
    env.ok(&["init", "q.glossa"]);
    env.ok(&["import", "q.glossa", "a.jsonl"]);
    let second = env.ok(&["export", "q.glossa", "--format", "jsonl"]);
    assert_eq!(first, second);
}

#[test]
fn text_folder_import_and_layers() {
    let env = Env::new();
    env.project();
    env.write("corpus/a.txt", "Alpha text.\n");
    env.write("corpus/sub/b.md", "# Beta\n");
    env.write("corpus/notes.pdf", "%PDF");
    assert_snapshot!(env
        .run(&["import", "p.glossa", "corpus", "--author", "alice"])
        .snapshot());
    assert_snapshot!(env.run(&["docs", "p.glossa", "--json"]).snapshot());
    env.ok(&[
        "import",
        "p.glossa",
        "tricky.gold.jsonl",
        "--author",
        "alice",
    ]);
    assert_eq!(
        env.export(&["--layer", "gold"])[2]["spans"]
            .as_array()
            .unwrap()
            .len(),
        12
    );
    assert_eq!(
        env.export(&["--layer", "alice"])[2]["spans"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        env.export(&["--layer", "gold"])[2]["spans"][0]["author"],
        "alice"
    );
}

#[test]
fn schema_export_import_and_init_with_schema() {
    let env = Env::new();
    env.project();
    assert_snapshot!(env.run(&["schema", "p.glossa"]).snapshot());
    env.ok(&["schema", "p.glossa", "--export", "schema.json"]);
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("schema.json")).unwrap()).unwrap();
    schema["labels"][0]["name"] = "HUMAN".into();
    schema["relations"][0]["to"]["labels"][0] = "HUMAN".into();
    env.write("schema2.json", serde_json::to_string(&schema).unwrap());
    env.ok(&["init", "q.glossa", "--schema", "schema2.json"]);
    assert!(env.ok(&["schema", "q.glossa"]).contains("HUMAN"));
    // A schema that drops a label in use is refused.
    env.ok(&["import", "p.glossa", "tricky.gold.jsonl"]);
    assert_snapshot!(env
        .run(&["schema", "p.glossa", "--import", "schema2.json"])
        .snapshot());
    // An invalid schema names its field.
    schema["labels"][1]["hotkey"] = "1".into();
    env.write("bad-schema.json", serde_json::to_string(&schema).unwrap());
    assert_snapshot!(env
        .run(&["init", "r.glossa", "--schema", "bad-schema.json"])
        .snapshot());
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    let out = env.run(&["export", "p.glossa", "--format", "nope"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert_eq!(env.run(&["frobnicate"]).code, 2);
    assert_eq!(env.run(&["import", "p.glossa"]).code, 2);
}

#[test]
fn missing_and_foreign_project_files() {
    let env = Env::new();
    assert_snapshot!(env.run(&["docs", "nope.glossa"]).snapshot());
    assert_snapshot!(env.run(&["docs", "tricky.txt"]).snapshot());
    env.project();
    assert_snapshot!(env.run(&["init", "p.glossa"]).snapshot());
    assert_snapshot!(env.run(&["show", "p.glossa", "nope"]).snapshot());
}

// ---- bad input: each import fails whole, naming file, line and field ----

fn failed_import(env: &Env, name: &str, bytes: impl AsRef<[u8]>) -> String {
    env.write(name, bytes);
    let out = env.run(&["import", "p.glossa", name]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert_eq!(
        env.stats()["documents"],
        0,
        "a failed import must leave nothing"
    );
    out.snapshot()
}

#[test]
fn bad_input_empty_binary_and_invalid_utf8() {
    let env = Env::new();
    env.project();
    assert_snapshot!(failed_import(&env, "empty.txt", ""));
    assert_snapshot!(failed_import(&env, "empty.jsonl", ""));
    assert_snapshot!(failed_import(&env, "blank.jsonl", "\n\n"));
    assert_snapshot!(failed_import(
        &env,
        "image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    ));
    assert_snapshot!(failed_import(&env, "latin1.txt", b"caf\xe9 cr\xe8me\n"));
    assert_snapshot!(failed_import(
        &env,
        "latin1.jsonl",
        b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n"
    ));
}

#[test]
fn bad_input_malformed_json_on_line_3_of_5() {
    let env = Env::new();
    env.project();
    let good = |i: u32| format!("{{\"id\": \"d{i}\", \"text\": \"Document {i}.\"}}\n");
    let input = format!(
        "{}{}{{\"id\": \"d3\", \"text\": \"broken\n{}{}",
        good(1),
        good(2),
        good(4),
        good(5)
    );
    assert_snapshot!(failed_import(&env, "five.jsonl", &input));
    // With --skip-invalid the four good records are imported and the bad one is listed.
    let out = env.run(&["import", "p.glossa", "five.jsonl", "--skip-invalid"]);
    assert_snapshot!(out.snapshot());
    assert_eq!(env.stats()["documents"], 4);
}

#[test]
fn bad_input_offsets_and_labels() {
    let env = Env::new();
    env.project();
    let doc = |span: &str| {
        format!("{{\"id\": \"d\", \"text\": \"Putin met NATO.\", \"spans\": [{{\"start\": 0, \"end\": 5, \"label\": \"PERSON\"}}, {span}]}}\n")
    };
    assert_snapshot!(failed_import(
        &env,
        "start-after-end.jsonl",
        doc(r#"{"start": 14, "end": 10, "label": "ORG"}"#)
    ));
    assert_snapshot!(failed_import(
        &env,
        "negative.jsonl",
        doc(r#"{"start": -3, "end": 4, "label": "ORG"}"#)
    ));
    assert_snapshot!(failed_import(
        &env,
        "past-end.jsonl",
        doc(r#"{"start": 10, "end": 99, "label": "ORG"}"#)
    ));
    assert_snapshot!(failed_import(
        &env,
        "unknown-label.jsonl",
        doc(r#"{"start": 10, "end": 14, "label": "ORGANISATION"}"#)
    ));
    assert_snapshot!(failed_import(
        &env,
        "bad-attr.jsonl",
        doc(r#"{"start": 10, "end": 14, "label": "CLAIM", "attrs": {"checkworthiness": "HIGH"}}"#)
    ));
    assert_snapshot!(failed_import(
        &env,
        "text-mismatch.jsonl",
        doc(r#"{"start": 10, "end": 14, "label": "ORG", "text": "OTAN"}"#)
    ));
    let bad_relation = "{\"id\": \"d\", \"text\": \"Putin met NATO.\", \"spans\": [{\"id\": \"a\", \"start\": 0, \"end\": 5, \"label\": \"PERSON\"}, {\"id\": \"b\", \"start\": 10, \"end\": 14, \"label\": \"ORG\"}], \"relations\": [{\"from\": \"a\", \"to\": \"b\", \"label\": \"ATTRIBUTED_TO\"}]}\n";
    assert_snapshot!(failed_import(&env, "relation-types.jsonl", bad_relation));
}

#[test]
fn bad_input_duplicate_ids_and_update() {
    let env = Env::new();
    env.project();
    env.ok(&["import", "p.glossa", "tricky.gold.jsonl"]);
    let out = env.run(&["import", "p.glossa", "tricky.gold.jsonl"]);
    assert_snapshot!(out.snapshot());
    assert_eq!(env.stats()["documents"], 1);
    // Two records with one id in one file.
    env.write(
        "twice.jsonl",
        "{\"id\": \"x\", \"text\": \"a\"}\n{\"id\": \"x\", \"text\": \"b\"}\n",
    );
    assert_snapshot!(env.run(&["import", "p.glossa", "twice.jsonl"]).snapshot());
    assert_eq!(env.stats()["documents"], 1);

    // --update with an edited text: a new revision, spans re-anchored by their quotes.
    let edited = std::fs::read_to_string(env.path("tricky.txt"))
        .unwrap()
        .replacen("Kim Jong Un", "Chairman Kim Jong Un", 1);
    env.write("update/tricky.txt", &edited);
    assert_snapshot!(env
        .run(&["import", "p.glossa", "update/tricky.txt", "--update"])
        .snapshot());
    let doc = &env.export(&[])[0];
    assert_eq!(doc["text"], edited);
    for s in doc["spans"].as_array().unwrap() {
        let slice = cp_slice(
            &edited,
            s["start"].as_u64().unwrap(),
            s["end"].as_u64().unwrap(),
        );
        assert_eq!(slice, s["text"].as_str().unwrap());
    }
    assert_eq!(doc["spans"][0]["start"], 9);
}

#[test]
fn bom_dropped_and_crlf_kept() {
    let env = Env::new();
    env.project();
    env.write("bom.txt", b"\xEF\xBB\xBFNATO said\r\nno.\r\n");
    env.write("bom.jsonl", "\u{feff}{\"id\": \"j\", \"text\": \"a\\r\\nNATO\", \"spans\": [{\"start\": 3, \"end\": 7, \"label\": \"ORG\"}]}\r\n");
    env.ok(&["import", "p.glossa", "bom.txt", "bom.jsonl"]);
    let docs = env.export(&[]);
    assert_eq!(docs[0]["text"], "NATO said\r\nno.\r\n");
    assert_eq!(docs[1]["spans"][0]["text"], "NATO");
    // The tricky sample (CRLF, emoji, combining marks) keeps its exact bytes and offsets.
    env.ok(&["import", "p.glossa", "tricky.txt"]);
    let tricky = env.ok(&["show", "p.glossa", "tricky", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&tricky).unwrap();
    assert_eq!(
        v["document"]["text"].as_str().unwrap().as_bytes(),
        std::fs::read(env.path("tricky.txt")).unwrap()
    );
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_50_mb_document_imports_with_bounded_memory() {
    let env = Env::new();
    env.project();
    let sentence =
        "Ukrainian forces captured 500 soldiers near Kursk — reportedly 🇰🇵 — on January 9.\r\n";
    let big = sentence.repeat(50 * 1024 * 1024 / sentence.len() + 1);
    env.write("big.txt", &big);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("glossa"))
        .args(["import", "p.glossa", "big.txt"])
        .current_dir(env.dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert!(status.success());
    // About three copies of the document at most: the file, the text, and SQLite's copy.
    assert!(
        peak < 4 * 52 * 1024,
        "peak RSS {peak} KiB for a {} byte document",
        big.len()
    );
    let docs: serde_json::Value =
        serde_json::from_str(&env.ok(&["docs", "p.glossa", "--json"])).unwrap();
    assert_eq!(docs[0]["chars"], big.chars().count());
}

#[test]
fn authors_roles_history_undo_and_an_update_that_keeps_other_layers() {
    let env = Env::new();
    env.project();
    env.ok(&["import", "p.glossa", "tricky.txt", "--author", "ana"]);
    // Pre-annotations go to their own layer; the file names a person, who is created.
    env.write(
        "ner.jsonl",
        format!(
            "{}\n",
            serde_json::json!({
                "id": "tricky2",
                "text": "Kim met Putin.",
                "spans": [
                    {"id": "m1", "start": 0, "end": 3, "label": "PERSON"},
                    {"id": "b1", "start": 8, "end": 13, "label": "PERSON", "layer": "ben", "author": "ben"}
                ]
            })
        ),
    );
    let out = env.ok(&[
        "import",
        "p.glossa",
        "ner.jsonl",
        "--layer",
        "model",
        "--author",
        "ner-model",
    ]);
    assert!(
        out.contains("Added 1 author named in the files: ben."),
        "{out}"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "p.glossa", "tricky2", "--json"])).unwrap();
    let layers: Vec<&str> = shown["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, ["model", "ben"]);

    // Roles.
    assert_eq!(
        env.ok(&["authors", "p.glossa", "--add", "rita", "--role", "reviewer"]),
        "Added rita (reviewer).\n"
    );
    let authors: serde_json::Value =
        serde_json::from_str(&env.ok(&["authors", "p.glossa", "--json"])).unwrap();
    let rita = authors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "rita")
        .unwrap();
    assert_eq!(rita["role"], "reviewer");
    assert_eq!(rita["uid"].as_str().unwrap().len(), 36);
    let bad = env.run(&["authors", "p.glossa", "--add", "x", "--role", "system"]);
    assert_eq!(bad.code, 2, "{}", bad.snapshot());

    // History, by document and author; undo with nothing of bob's to undo.
    let log: serde_json::Value =
        serde_json::from_str(&env.ok(&["log", "p.glossa", "--author", "ner-model", "--json"]))
            .unwrap();
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    // Newest first: the import's summary, the document's import, the author joining.
    assert_eq!(kinds, ["import", "import", "add_author"]);
    assert_eq!(
        env.ok(&["undo", "p.glossa", "--doc", "tricky2", "--author", "bob"]),
        "Nothing to undo.\n"
    );
    assert_eq!(
        env.ok(&["redo", "p.glossa", "--doc", "tricky2", "--author", "bob"]),
        "Nothing to redo.\n"
    );

    // An update of the text re-anchors every layer's spans and reports it.
    env.write(
        "tricky2.jsonl",
        format!(
            "{}\n",
            serde_json::json!({"id": "tricky2", "text": "Yesterday Kim met Putin."})
        ),
    );
    let out = env.ok(&["import", "p.glossa", "tricky2.jsonl", "--update"]);
    assert!(
        out.contains("(2 re-anchored, 0 fuzzy, 0 orphaned)"),
        "{out}"
    );
    let log = env.ok(&["log", "p.glossa", "--doc", "tricky2"]);
    assert!(
        log.lines()
            .next()
            .unwrap()
            .contains("reanchor by glossa:system in tricky2"),
        "{log}"
    );
}

#[test]
fn a_project_of_a_newer_glossa_is_named_as_such() {
    let env = Env::new();
    env.project();
    let conn = rusqlite_free_version_bump(&env.path("p.glossa"));
    assert!(conn);
    let out = env.run(&["docs", "p.glossa"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("made by a newer Glossa (schema v99); this one reads up to v3"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("not a Glossa project"),
        "{}",
        out.stderr
    );
}

/// Sets the project's `user_version` to 99 by patching the SQLite header (bytes 60..64), as a
/// newer Glossa's file would have it.
fn rusqlite_free_version_bump(path: &Path) -> bool {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[60..64].copy_from_slice(&99u32.to_be_bytes());
    std::fs::write(path, bytes).is_ok()
}

#[test]
fn show_lists_orphaned_spans_and_flags_their_relations() {
    let env = Env::new();
    env.project();
    let text = "Putin said the talks went well. Kim Jong Un agreed with him.";
    env.write(
        "d.jsonl",
        format!(
            "{}\n",
            serde_json::json!({"id": "d", "text": text, "spans": [
                {"id": "c", "start": 0, "end": 31, "label": "CLAIM"},
                {"id": "k", "start": 32, "end": 43, "label": "PERSON"}
            ], "relations": [{"from": "c", "to": "k", "label": "ATTRIBUTED_TO"}]})
        ),
    );
    env.ok(&["import", "p.glossa", "d.jsonl"]);
    env.write(
        "d.txt",
        "Putin said the talks went well. Nobody else spoke.",
    );
    let out = env.ok(&["import", "p.glossa", "d.txt", "--update"]);
    assert!(
        out.contains("(1 re-anchored, 0 fuzzy, 1 orphaned)"),
        "{out}"
    );
    assert!(out.contains("1 span to re-check"), "{out}");
    let shown = env.ok(&["show", "p.glossa", "d"]);
    assert!(
        shown.contains("c -ATTRIBUTED_TO-> k  [an end is orphaned: to re-check]"),
        "{shown}"
    );
    assert!(
        shown.contains("1 orphaned span (their words are gone"),
        "{shown}"
    );
    assert!(
        shown.contains("\"Kim Jong Un\"  [gold, by import, on revision 1]"),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "p.glossa", "d", "--json"])).unwrap();
    assert_eq!(json["orphaned_spans"][0]["anchor"], "orphaned");
}

/// `export --docs`, `--only-annotated` and `--status` choose the documents written.
#[test]
fn export_filters_choose_the_documents() {
    let env = Env::new();
    env.project();
    env.write("plain.txt", "A document nobody annotated.");
    env.write(
        "finished.jsonl",
        r#"{"id": "finished", "text": "Kyiv.", "status": "done", "spans": [{"start": 0, "end": 4, "label": "GPE"}]}"#,
    );
    env.ok(&[
        "import",
        "p.glossa",
        "kursk-dprk-pows.gold.jsonl",
        "tricky.gold.jsonl",
        "plain.txt",
        "finished.jsonl",
    ]);
    let ids = |docs: Vec<serde_json::Value>| -> Vec<String> {
        docs.iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(env.export(&[])).len(), 4);
    assert_eq!(
        ids(env.export(&["--docs", "tricky,plain"])),
        ["tricky", "plain"]
    );
    assert_eq!(
        ids(env.export(&["--only-annotated"])),
        ["kursk-dprk-pows", "tricky", "finished"]
    );
    assert_eq!(ids(env.export(&["--status", "done"])), ["finished"]);
    assert_eq!(
        ids(env.export(&[
            "--status",
            "todo",
            "--only-annotated",
            "--docs",
            "plain,tricky"
        ])),
        Vec::<String>::new(),
        "tricky has spans, so it is in progress; plain has none"
    );
    let typo = env.run(&["export", "p.glossa", "--docs", "tricy"]);
    assert_ne!(typo.code, 0);
    assert!(
        typo.stderr.contains(r#"--docs: no document "tricy""#),
        "{}",
        typo.stderr
    );
    let bad = env.run(&["export", "p.glossa", "--status", "finished"]);
    assert!(
        bad.stderr
            .contains("expected one of: todo, in_progress, done"),
        "{}",
        bad.stderr
    );
}

/// `relabel` renames and merges on every span, refuses across kinds, and `--undo` takes the
/// latest back.
#[test]
fn relabel_renames_merges_and_undoes() {
    let env = Env::new();
    env.project();
    env.ok(&[
        "import",
        "p.glossa",
        "kursk-dprk-pows.gold.jsonl",
        "tricky.gold.jsonl",
    ]);
    let labels = |env: &Env| -> Vec<String> {
        let mut v: Vec<String> = env
            .export(&[])
            .iter()
            .flat_map(|d| {
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
    let before = labels(&env);
    let out = env.ok(&["relabel", "p.glossa", "PERSON", "PER", "--author", "ana"]);
    assert!(out.starts_with("Renamed PERSON → PER: "), "{out}");
    assert!(!labels(&env).contains(&"PERSON".to_string()));
    let refused = env.run(&["relabel", "p.glossa", "CLAIM", "PER", "--author", "ana"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("only labels of one kind merge"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        env.ok(&["relabel", "p.glossa", "--undo", "--author", "ana"]),
        "Undid ana's latest rename.\n"
    );
    assert_eq!(labels(&env), before);
    assert_eq!(
        env.ok(&["relabel", "p.glossa", "--undo", "--author", "ana"]),
        "ana has no rename to undo.\n"
    );
}
