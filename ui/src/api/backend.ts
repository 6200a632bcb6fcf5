// The only module that talks to the Rust backend. Every call is a Tauri command of
// src-tauri/src/commands.rs; every type comes from ./types (generated from Rust by ts-rs).
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";

import type { AddSpan } from "./types/AddSpan";
import type { ApiError } from "./types/ApiError";
import type { DocStatus } from "./types/DocStatus";
import type { DocumentSummary } from "./types/DocumentSummary";
import type { ExportOptions } from "./types/ExportOptions";
import type { ExportReport } from "./types/ExportReport";
import type { Format } from "./types/Format";
import type { ImportOptions } from "./types/ImportOptions";
import type { ImportProgress } from "./types/ImportProgress";
import type { ImportReport } from "./types/ImportReport";
import type { MarkedDocument } from "./types/MarkedDocument";
import type { Operation } from "./types/Operation";
import type { ProjectInfo } from "./types/ProjectInfo";
import type { Relation } from "./types/Relation";
import type { RenameReport } from "./types/RenameReport";
import type { Schema } from "./types/Schema";
import type { Session } from "./types/Session";
import type { Span } from "./types/Span";
import type { SpanPatch } from "./types/SpanPatch";
import type { Stats } from "./types/Stats";
import type { UndoOutcome } from "./types/UndoOutcome";

/** A failed call: the backend's ApiError, as an Error a component can show. */
export class BackendError extends Error {
  readonly code: ApiError["code"];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
  }
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw isApiError(e) ? new BackendError(e) : new BackendError({ code: "internal", message: String(e) });
  }
}

export const backend = {
  start: () => call<Session>("start"),
  setAuthor: (name: string) => call<string>("set_author", { name }),
  openProject: (path: string) => call<ProjectInfo>("open_project", { path }),
  createProject: (path: string, name: string) => call<ProjectInfo>("create_project", { path, name }),
  recentProjects: () => call<string[]>("recent_projects"),
  listDocuments: () => call<DocumentSummary[]>("list_documents"),
  openDocument: (docId: string) => call<MarkedDocument>("open_document", { docId }),
  getSpan: (id: number) => call<Span>("get_span", { id }),
  // Every edit names the revision of the document's text it was made on (the one on screen);
  // one made on a revision the document has left is refused ("stale") and the backend sends
  // `document-changed` (see onDocumentChanged).
  addSpan: (req: AddSpan) => call<Span>("add_span", { req }),
  updateSpan: (id: number, revision: number, patch: SpanPatch) => call<Span>("update_span", { id, revision, patch }),
  deleteSpan: (id: number, revision: number) => call<Span>("delete_span", { id, revision }),
  addRelation: (from: number, to: number, label: string, revision: number) =>
    call<Relation>("add_relation", { from, to, label, revision }),
  deleteRelation: (id: number, revision: number) => call<Relation>("delete_relation", { id, revision }),
  /** Undoes the annotator's latest edit of `docId`, skipping (and reporting) edits changed since by others. */
  undo: (docId: string) => call<UndoOutcome>("undo", { docId }),
  redo: (docId: string) => call<Operation | null>("redo", { docId }),
  /** Calls `f` when the open document's text changed under the window (an edit was refused as stale). */
  onDocumentChanged: (f: () => void): Promise<UnlistenFn> => listen("document-changed", () => f()),
  setStatus: (docId: string, status: DocStatus) => call<null>("set_status", { docId, status }),
  getSchema: () => call<Schema>("get_schema"),
  setSchema: (schema: Schema) => call<Schema>("set_schema", { schema }),
  /** Renames label `from` to `to` (merging into `to` if it exists), spans and schema: one undoable operation. */
  renameLabel: (from: string, to: string) => call<RenameReport>("rename_label", { from, to }),
  /** Undoes the annotator's latest rename; false when there is none. */
  undoRename: () => call<boolean>("undo_rename"),
  /** Imports `paths`; `onProgress` hears how far it got (after each file and every 256 documents). */
  importFiles: (paths: string[], options: ImportOptions, onProgress: (p: ImportProgress) => void = () => {}) => {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call<ImportReport>("import_files", { paths, options, onProgress: channel });
  },
  exportFile: (path: string, opts: ExportOptions) => call<ExportReport>("export_file", { path, opts }),
  stats: () => call<Stats>("get_stats"),
};

/** File dialogs (the dialog plugin): the chosen path(s), or null when cancelled. */
export const dialogs = {
  openProject: async (): Promise<string | null> =>
    (await openDialog({ multiple: false, filters: [{ name: "Glossa project", extensions: ["glossa"] }] })) as string | null,
  saveProject: (): Promise<string | null> =>
    saveDialog({ filters: [{ name: "Glossa project", extensions: ["glossa"] }], defaultPath: "project.glossa" }),
  importFiles: async (): Promise<string[] | null> =>
    (await openDialog({
      multiple: true,
      filters: [{ name: "Documents and datasets", extensions: ["txt", "md", "jsonl", "json", "jsonld", "conll", "csv", "ann"] }],
    })) as string[] | null,
  importFolder: async (): Promise<string | null> => (await openDialog({ directory: true })) as string | null,
  /** A file for one-file formats; a new folder's name for brat and hf. */
  exportFile: (format: Format, extension: string): Promise<string | null> =>
    saveDialog(
      extension
        ? { filters: [{ name: format, extensions: [extension] }], defaultPath: `export.${extension}` }
        : { defaultPath: `export-${format}` },
    ),
};
