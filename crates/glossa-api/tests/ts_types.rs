//! The TypeScript types of everything the web view exchanges with the backend are generated
//! from the Rust types (ts-rs) into `ui/src/api/types/`. This test fails when the committed
//! files drift from the Rust types; `UPDATE_TYPES=1 cargo test -p glossa-api --test ts_types`
//! rewrites them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may panic

use std::collections::BTreeMap;
use std::path::Path;

use glossa_api::core::{
    Author, DocumentSummary, MarkedDocument, Operation, QuoteSelector, Revision, Schema, Span,
};
use glossa_api::{
    AddSpan, ApiError, ExportOptions, ExportReport, ImportOptions, ImportProgress, ImportReport,
    LayerFilter, RenameReport, Session, Settings, SpanPatch, Stats, UndoOutcome,
};
use ts_rs::{Config, TS};

/// Every type the web view exchanges, with 64-bit integers as `number`: every count and id
/// Glossa sends stays far below 2^53, and JSON over IPC arrives as JavaScript numbers.
fn generate(dir: &Path) {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    Session::export_all(&cfg).unwrap();
    Settings::export_all(&cfg).unwrap();
    DocumentSummary::export_all(&cfg).unwrap();
    MarkedDocument::export_all(&cfg).unwrap();
    Span::export_all(&cfg).unwrap();
    Operation::export_all(&cfg).unwrap();
    Revision::export_all(&cfg).unwrap();
    Author::export_all(&cfg).unwrap();
    QuoteSelector::export_all(&cfg).unwrap();
    Schema::export_all(&cfg).unwrap();
    AddSpan::export_all(&cfg).unwrap();
    SpanPatch::export_all(&cfg).unwrap();
    ApiError::export_all(&cfg).unwrap();
    ImportOptions::export_all(&cfg).unwrap();
    ImportReport::export_all(&cfg).unwrap();
    ImportProgress::export_all(&cfg).unwrap();
    ExportReport::export_all(&cfg).unwrap();
    ExportOptions::export_all(&cfg).unwrap();
    LayerFilter::export_all(&cfg).unwrap();
    Stats::export_all(&cfg).unwrap();
    UndoOutcome::export_all(&cfg).unwrap();
    RenameReport::export_all(&cfg).unwrap();
}

/// Every `.ts` file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            out.insert(name, std::fs::read_to_string(path).unwrap());
        }
    }
    out
}

#[test]
fn typescript_types_match_the_committed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path());
    let generated = files(tmp.path());
    let committed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/types");
    if std::env::var_os("UPDATE_TYPES").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        std::fs::create_dir_all(&committed_dir).unwrap();
        for (name, text) in &generated {
            let path = committed_dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    let committed = files(&committed_dir);
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "ui/src/api/types is out of date: run UPDATE_TYPES=1 cargo test -p glossa-api --test ts_types"
    );
    for (name, text) in &generated {
        assert_eq!(
            text, &committed[name],
            "ui/src/api/types/{name} is out of date: run UPDATE_TYPES=1 cargo test -p glossa-api --test ts_types"
        );
    }
}
