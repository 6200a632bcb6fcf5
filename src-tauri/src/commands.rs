//! The Tauri commands: each a few lines over `glossa-api`. Offsets are code points; the web
//! view converts to and from UTF-16 in `ui/src/lib/offsets.ts`. Commands that read or edit
//! documents are `async`: Tauri runs them off the main thread, which stays free to paint.

use std::path::PathBuf;

use glossa_api::core::{
    DocStatus, DocumentSummary, MarkedDocument, Operation, Relation, RelationId, Schema, Span,
    SpanId,
};
use glossa_api::{
    AddSpan, ApiResult, ErrorCode, ExportOptions, ExportReport, ImportOptions, ImportProgress,
    ImportReport, Project, ProjectInfo, RenameReport, Session, SpanPatch, Stats, UndoOutcome,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, State};

use crate::state::AppState;

/// Opens the most recent project (or the default one, created with the samples on first run).
#[tauri::command]
pub fn start(state: State<'_, AppState>) -> ApiResult<Session> {
    let recent = state
        .settings()?
        .recent
        .first()
        .map(PathBuf::from)
        .filter(|p| p.exists());
    let project = match recent {
        Some(path) => {
            Project::open(&path).or_else(|_| Project::open_or_create_default(&state.dir))?
        }
        None => Project::open_or_create_default(&state.dir)?,
    };
    let project = state.set_project(project)?;
    Ok(Session {
        project,
        author: state.settings()?.author.clone(),
    })
}

/// Sets and saves the annotator's name.
#[tauri::command]
pub fn set_author(state: State<'_, AppState>, name: String) -> ApiResult<String> {
    let mut settings = state.settings()?;
    settings.set_author(&name)?;
    settings.save(&state.dir)?;
    Ok(settings.author.clone().unwrap_or_default())
}

/// Opens a project file.
#[tauri::command]
pub fn open_project(state: State<'_, AppState>, path: PathBuf) -> ApiResult<ProjectInfo> {
    state.set_project(Project::open(&path)?)
}

/// Creates a project file with the default schema and opens it.
#[tauri::command]
pub fn create_project(
    state: State<'_, AppState>,
    path: PathBuf,
    name: String,
) -> ApiResult<ProjectInfo> {
    state.set_project(Project::create(&path, &name, None)?)
}

/// Recently opened projects, newest first.
#[tauri::command]
pub fn recent_projects(state: State<'_, AppState>) -> ApiResult<Vec<String>> {
    Ok(state.settings()?.recent.clone())
}

/// The document list.
#[tauri::command]
pub async fn list_documents(state: State<'_, AppState>) -> ApiResult<Vec<DocumentSummary>> {
    let author = state.settings()?.author.clone();
    state.with_project(|p| p.documents_for(author.as_deref()))
}

/// One document as the annotate screen opens it: text, span marks and relations.
#[tauri::command]
pub async fn open_document(
    state: State<'_, AppState>,
    doc_id: String,
) -> ApiResult<MarkedDocument> {
    state.with_project(|p| p.marked_document(&doc_id))
}

/// One span, whole.
#[tauri::command]
pub async fn get_span(state: State<'_, AppState>, id: SpanId) -> ApiResult<Span> {
    state.with_project(|p| p.span(id))
}

/// Adds a span as the current annotator.
#[tauri::command]
pub async fn add_span(app: AppHandle, state: State<'_, AppState>, req: AddSpan) -> ApiResult<Span> {
    reload_if_stale(&app, state.as_author(|p, a| p.add_span(a, &req)))
}

/// Changes a span, made on revision `revision` of its document.
#[tauri::command]
pub async fn update_span(
    app: AppHandle,
    state: State<'_, AppState>,
    id: SpanId,
    revision: u32,
    patch: SpanPatch,
) -> ApiResult<Span> {
    reload_if_stale(
        &app,
        state.as_author(|p, a| p.update_span(a, id, revision, &patch)),
    )
}

/// Deletes a span and its relations.
#[tauri::command]
pub async fn delete_span(
    app: AppHandle,
    state: State<'_, AppState>,
    id: SpanId,
    revision: u32,
) -> ApiResult<Span> {
    reload_if_stale(&app, state.as_author(|p, a| p.delete_span(a, id, revision)))
}

/// Links two spans.
#[tauri::command]
pub async fn add_relation(
    app: AppHandle,
    state: State<'_, AppState>,
    from: SpanId,
    to: SpanId,
    label: String,
    revision: u32,
) -> ApiResult<Relation> {
    reload_if_stale(
        &app,
        state.as_author(|p, a| p.add_relation(a, from, to, &label, revision)),
    )
}

/// Deletes a relation.
#[tauri::command]
pub async fn delete_relation(
    app: AppHandle,
    state: State<'_, AppState>,
    id: RelationId,
    revision: u32,
) -> ApiResult<Relation> {
    reload_if_stale(
        &app,
        state.as_author(|p, a| p.delete_relation(a, id, revision)),
    )
}

/// Undoes the annotator's latest edit of a document.
#[tauri::command]
pub async fn undo(state: State<'_, AppState>, doc_id: String) -> ApiResult<UndoOutcome> {
    state.as_author(|p, a| p.undo(a, &doc_id))
}

/// Redoes the annotator's latest undone edit of a document.
#[tauri::command]
pub async fn redo(state: State<'_, AppState>, doc_id: String) -> ApiResult<Option<Operation>> {
    state.as_author(|p, a| p.redo(a, &doc_id))
}

/// Tells the window, with a `document-changed` event, that an edit was refused because the
/// document's text changed under it, so the window reloads the document.
fn reload_if_stale<T>(app: &AppHandle, result: ApiResult<T>) -> ApiResult<T> {
    if let Err(e) = &result {
        if e.code == ErrorCode::Stale {
            // The window closing meanwhile is no reason to fail the command.
            drop(app.emit("document-changed", e));
        }
    }
    result
}

/// Sets a document's status.
#[tauri::command]
pub async fn set_status(
    state: State<'_, AppState>,
    doc_id: String,
    status: DocStatus,
) -> ApiResult<()> {
    state.as_author(|p, a| p.set_status(a, &doc_id, status))
}

/// The label schema.
#[tauri::command]
pub fn get_schema(state: State<'_, AppState>) -> ApiResult<Schema> {
    state.with_project(|p| Ok(p.schema().clone()))
}

/// Replaces the label schema.
#[tauri::command]
pub fn set_schema(state: State<'_, AppState>, schema: Schema) -> ApiResult<Schema> {
    state.as_author(|p, a| p.set_schema(a, schema).map(|()| p.schema().clone()))
}

/// Renames a label (or merges it into another) in the schema and on every span.
#[tauri::command]
pub fn rename_label(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> ApiResult<RenameReport> {
    state.as_author(|p, a| p.rename_label(a, &from, &to))
}

/// Undoes the current annotator's latest label rename; false when there is none.
#[tauri::command]
pub fn undo_rename(state: State<'_, AppState>) -> ApiResult<bool> {
    state.as_author(|p, a| p.undo_rename(a))
}

/// Imports files or folders as the current annotator, sending progress on `on_progress`.
#[tauri::command]
pub async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<PathBuf>,
    options: ImportOptions,
    on_progress: Channel<ImportProgress>,
) -> ApiResult<ImportReport> {
    // A progress message that cannot be delivered (the window closed) does not stop the import.
    let mut progress = |p| drop(on_progress.send(p));
    // On a connection of its own, so the window keeps reading (and other commands run) while
    // a long import holds the project's write lock.
    let path = state.with_project(|p| Ok(p.path().to_path_buf()))?;
    Project::open(&path)?.import(&paths, &options, &mut progress)
}

/// Exports to a file.
#[tauri::command]
pub async fn export_file(
    state: State<'_, AppState>,
    path: PathBuf,
    opts: ExportOptions,
) -> ApiResult<ExportReport> {
    state.with_project(|p| p.export_to_path(&path, &opts))
}

/// Project statistics.
#[tauri::command]
pub fn get_stats(state: State<'_, AppState>) -> ApiResult<Stats> {
    state.with_project(|p| p.stats())
}
