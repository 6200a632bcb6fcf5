// App-wide state: the session (project, annotator), the document list, the current screen,
// and messages. Components read it and call these functions; only ../api talks to Rust.
import { backend, BackendError } from "../api/backend";
import type { DocumentSummary } from "../api/types/DocumentSummary";
import type { ProjectInfo } from "../api/types/ProjectInfo";

export type Screen = "projects" | "documents" | "annotate" | "schema";

export const app = $state({
  screen: "documents" as Screen,
  project: null as ProjectInfo | null,
  author: null as string | null,
  documents: [] as DocumentSummary[],
  docId: null as string | null,
  message: null as Message | null,
  dialog: null as "import" | "export" | null,
  ready: false,
  /** Whether spans show their label's tag in the text. */
  showTags: true,
  /** The screen the person asked for while the current one holds unsaved changes (it asks). */
  leaving: null as Screen | null,
});

let leaveGuard: (() => boolean) | null = null;

/** Lets a screen with unsaved changes stop the person leaving it unasked (`null`: none). */
export function guardLeaving(hasChanges: (() => boolean) | null): void {
  leaveGuard = hasChanges;
}

/** Shows `screen`; if the current one has unsaved changes, asks first (unless `force`). */
export function go(screen: Screen, force = false): void {
  if (!force && screen !== app.screen && leaveGuard?.()) {
    app.leaving = screen;
    return;
  }
  app.leaving = null;
  app.screen = screen;
}

/** A message to the person: where it happened, and an action it offers (Undo). */
export type Message = { text: string; error: boolean; place: string; action: MessageAction | null };
export type MessageAction = { label: string; run: () => unknown };

/**
 * Where the person is: the screen, and on the annotate screen the document. A message belongs
 * to the place it happened in and is shown only there (`shownMessage`).
 */
export function place(): string {
  return app.screen === "annotate" ? `annotate:${app.docId ?? ""}` : app.screen;
}

/** The message to show here, if any: one from another screen or document is not. */
export function shownMessage(): Message | null {
  return app.message && app.message.place === place() ? app.message : null;
}

let messageTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows a short message here (errors stay until replaced or dismissed; others fade, slower when they offer an action). */
export function notify(text: string, error = false, action: MessageAction | null = null, at = place()): void {
  app.message = { text, error, place: at, action };
  clearTimeout(messageTimer);
  if (!error) messageTimer = setTimeout(() => (app.message = null), action ? 8000 : 4000);
}

/** Runs `f`, reporting a failure as an error message; returns undefined on failure. */
export async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
  // A failure belongs to where it was asked for, even if the person has moved on since.
  const at = place();
  try {
    return await f();
  } catch (e) {
    notify(e instanceof BackendError ? e.message : String(e), true, null, at);
    return undefined;
  }
}

/** Forgets a message once the person leaves the place it belongs to. */
export function leftPlace(): void {
  if (app.message && app.message.place !== place()) app.message = null;
}

export async function start(): Promise<void> {
  const session = await attempt(() => backend.start());
  if (!session) return;
  app.project = session.project;
  app.author = session.author;
  await refreshDocuments();
  app.ready = true;
  // For the benchmarks (ui/tests/perf): the first screen has its data.
  performance.mark("glossa:ready");
}

export async function refreshDocuments(): Promise<void> {
  const docs = await attempt(() => backend.listDocuments());
  if (docs) app.documents = docs;
}

export async function setProject(info: ProjectInfo | undefined): Promise<void> {
  if (!info) return;
  app.project = info;
  app.docId = null;
  app.screen = "documents";
  await refreshDocuments();
  notify(`Opened ${info.name}`);
}

/** Keeps the document list's span count (and derived status) in step after a local edit,
 * without asking the backend for the whole list again. */
export function countSpans(docId: string, delta: number): void {
  const d = app.documents.find((x) => x.id === docId);
  if (!d) return;
  d.spans = Math.max(0, d.spans + delta);
  d.own = Math.max(0, d.own + delta);
  if (d.status !== "done") d.status = d.own > 0 ? "in_progress" : "todo";
}

export function openDocument(id: string): void {
  app.docId = id;
  app.screen = "annotate";
}

/** The document `step` places after (or before) the open one, if any. */
export function neighbour(step: number): string | null {
  const i = app.documents.findIndex((d) => d.id === app.docId);
  return app.documents[i + step]?.id ?? null;
}
