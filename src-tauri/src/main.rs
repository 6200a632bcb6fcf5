//! Glossa's desktop app: a Tauri window over `glossa-api`. This crate holds no business logic
//! and no SQL: [`commands`] are thin, [`state`] keeps the open project and settings,
//! [`rendering`] picks CPU drawing on machines without a GPU, and [`script_engine`] tunes the
//! page's JavaScript engine for memory (both through [`env_defaults`]).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod env_defaults;
mod rendering;
mod script_engine;
mod state;

use anyhow::Context;
use tauri::Manager;

fn main() -> anyhow::Result<()> {
    rendering::prefer_cpu_drawing_without_gpu();
    script_engine::prefer_lean_engine();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&dir)?;
            app.manage(state::AppState::load(dir)?);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::start,
            commands::set_author,
            commands::open_project,
            commands::create_project,
            commands::recent_projects,
            commands::list_documents,
            commands::open_document,
            commands::get_span,
            commands::add_span,
            commands::update_span,
            commands::delete_span,
            commands::add_relation,
            commands::delete_relation,
            commands::undo,
            commands::redo,
            commands::set_status,
            commands::get_schema,
            commands::set_schema,
            commands::rename_label,
            commands::undo_rename,
            commands::import_files,
            commands::export_file,
            commands::get_stats,
        ])
        .run(tauri::generate_context!())
        .context("running the Glossa window")
}
