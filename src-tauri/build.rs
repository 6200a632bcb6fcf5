//! Declares the app's commands so Tauri's capability system covers them (see
//! `capabilities/main.json`, which grants the main window exactly these).

/// Every command the web view may call; keep in step with `src/commands.rs`.
const COMMANDS: &[&str] = &[
    "start",
    "set_author",
    "open_project",
    "create_project",
    "recent_projects",
    "list_documents",
    "open_document",
    "get_span",
    "add_span",
    "update_span",
    "delete_span",
    "add_relation",
    "delete_relation",
    "undo",
    "redo",
    "set_status",
    "get_schema",
    "set_schema",
    "rename_label",
    "undo_rename",
    "import_files",
    "export_file",
    "get_stats",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build failed: {e}"));
}
