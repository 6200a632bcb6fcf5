// A stand-in for the Rust backend in headless Chromium: mockIPC from @tauri-apps/api/mocks
// answers the app's commands from an in-memory project (the two samples, code-point offsets,
// an undo stack), and records every call in window.__calls for the tests to read.
// Built to an IIFE by vite.mock.config.ts and injected before the app loads.
import { mockIPC } from "@tauri-apps/api/mocks";
import schemaJson from "../fixtures/default-schema.json";
import kursk from "../../../tests/fixtures/kursk-dprk-pows.txt?raw";
import tricky from "../../../tests/fixtures/tricky.txt?raw";
import type { MarkedDocument } from "../../src/api/types/MarkedDocument";
import type { Relation } from "../../src/api/types/Relation";
import type { Schema } from "../../src/api/types/Schema";
import type { Span } from "../../src/api/types/Span";

type Doc = { id: string; text: string; status: "todo" | "in_progress" | "done" };
type Args = Record<string, unknown>;
/** An edit, as what it removed and what it added (undo swaps them). */
type Change = { removed: { spans: Span[]; relations: Relation[] }; added: { spans: Span[]; relations: Relation[] } };

declare global {
  interface Window {
    __calls: { cmd: string; args: Args }[];
    __mockDocs?: Doc[];
    __mockSpans?: Span[];
    __mockRelations?: Relation[];
  }
}

const cps = (s: string) => Array.from(s);
const schema = schemaJson as Schema;
const docs: Doc[] = window.__mockDocs ?? [
  { id: "kursk-dprk-pows", text: kursk, status: "todo" },
  { id: "tricky", text: tricky, status: "todo" },
];
let spans: Span[] = window.__mockSpans ?? [];
let relations: Relation[] = window.__mockRelations ?? [];
let nextId = spans.length + 1;
let author: string | null = null;
const undo: Change[] = [];
const redo: Change[] = [];
const now = () => new Date().toISOString();
const fail = (code: string, message: string) => Promise.reject({ code, message });
const none = () => ({ spans: [] as Span[], relations: [] as Relation[] });

function apply(removed: Change["removed"], added: Change["added"]): void {
  const gone = new Set(removed.spans.map((s) => s.id));
  const goneRel = new Set(removed.relations.map((r) => r.id));
  spans = spans.filter((s) => !gone.has(s.id)).concat(added.spans);
  relations = relations.filter((r) => !goneRel.has(r.id)).concat(added.relations);
}

function edit(change: Change): void {
  apply(change.removed, change.added);
  undo.push(change);
  redo.length = 0;
}

/** Document `id` as `open_document` answers: spans as rows naming each label and layer once. */
function view(id: string): MarkedDocument | undefined {
  const d = docs.find((x) => x.id === id);
  if (!d) return undefined;
  const own = spans.filter((s) => s.doc_id === id).sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
  const ids = new Set(own.map((s) => s.id));
  const [labels, layers]: string[][] = [[], []];
  const intern = (names: string[], name: string) => (names.includes(name) ? names : (names.push(name), names)).indexOf(name);
  return {
    document: { id, title: id, source_path: null, meta: {}, status: d.status, revision: 1, text: d.text },
    marks: { labels, layers, rows: own.map((s) => [s.id, s.start, s.end, intern(labels, s.label), intern(layers, s.layer)]) },
    relations: relations.filter((r) => ids.has(r.from)),
  };
}

/** An import that reports progress on its channel, as the backend does, before answering. */
async function importing(channel: { id: number }) {
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } }).__TAURI_INTERNALS__;
  const steps = [
    { bytes_done: 0, bytes_total: 3000, documents: 256 },
    { bytes_done: 1000, bytes_total: 3000, documents: 700 },
    { bytes_done: 2000, bytes_total: 3000, documents: 1500 },
  ];
  for (const [index, message] of steps.entries()) {
    internals.runCallback(channel.id, { message, index });
    await new Promise((r) => setTimeout(r, 600));
  }
  return { files: 3, counts: { documents: 2000, updated: 0, spans: 1, relations: 0, reanchored: 0, orphaned: 0 }, skipped: [], ignored: [] };
}

window.__calls = [];
mockIPC((cmd, payload) => {
  const args = (payload ?? {}) as Args;
  window.__calls.push({ cmd, args });
  switch (cmd) {
    case "start":
      return { project: { name: "Mock project", path: "/mock/project.glossa", schema }, author };
    case "set_author":
      author = String(args.name).trim();
      return author;
    case "recent_projects":
      return ["/mock/project.glossa"];
    case "list_documents":
      return docs.map((d) => {
        const all = spans.filter((s) => s.doc_id === d.id);
        const own = all.filter((s) => s.layer === author).length;
        const gold = all.filter((s) => s.layer === "gold").length;
        return { id: d.id, title: d.id, status: d.status === "todo" && own ? "in_progress" : d.status, revision: 1, chars: cps(d.text).length, spans: all.length, own, gold, review: "unreviewed" };
      });
    case "open_document":
      return view(String(args.docId)) ?? fail("not_found", `document "${String(args.docId)}" not found`);
    case "get_span":
      return spans.find((s) => s.id === args.id) ?? fail("not_found", `span ${String(args.id)} not found`);
    case "get_schema":
      return schema;
    case "add_span": {
      const req = args.req as { doc_id: string; start: number; end: number; label: string; attrs: Span["attrs"] };
      const d = docs.find((x) => x.id === req.doc_id);
      if (!d) return fail("not_found", "no such document");
      if (!schema.labels.some((l) => l.name === req.label)) return fail("invalid_input", `unknown label "${req.label}"`);
      const chars = cps(d.text);
      if (req.start < 0 || req.end > chars.length || req.start >= req.end) return fail("invalid_input", "bad offsets");
      const span: Span = {
        id: nextId, gid: `gid-${nextId}`, uid: `s${nextId}`, doc_id: req.doc_id, revision: 1, start: req.start, end: req.end, label: req.label,
        layer: author ?? "", attrs: req.attrs ?? {}, note: null, author: author ?? "", created: now(), updated: now(),
        text: chars.slice(req.start, req.end).join(""), anchor: "exact", confidence: 1,
      };
      nextId++;
      edit({ removed: none(), added: { spans: [span], relations: [] } });
      return span;
    }
    case "update_span": {
      const p = args.patch as { label: string | null; attrs: Span["attrs"] | null; note: string | null };
      const s = spans.find((x) => x.id === args.id);
      if (!s) return fail("not_found", "no such span");
      const n: Span = { ...s, label: p.label ?? s.label, attrs: p.attrs ?? s.attrs, note: p.note === null ? s.note : p.note || null, updated: now() };
      edit({ removed: { spans: [s], relations: [] }, added: { spans: [n], relations: [] } });
      return n;
    }
    case "delete_span": {
      const s = spans.find((x) => x.id === args.id);
      if (!s) return fail("not_found", "no such span");
      edit({ removed: { spans: [s], relations: relations.filter((r) => r.from === s.id || r.to === s.id) }, added: none() });
      return s;
    }
    case "add_relation": {
      const r: Relation = { id: nextId, gid: `gid-${nextId++}`, from: args.from as number, to: args.to as number, label: String(args.label), author: author ?? "", created: now() };
      edit({ removed: none(), added: { spans: [], relations: [r] } });
      return r;
    }
    case "delete_relation": {
      const r = relations.find((x) => x.id === args.id);
      if (!r) return fail("not_found", "no such relation");
      edit({ removed: { spans: [], relations: [r] }, added: none() });
      return r;
    }
    case "undo":
    case "redo": {
      const [from, to] = cmd === "undo" ? [undo, redo] : [redo, undo];
      const op = from.pop();
      if (!op) return cmd === "undo" ? { operation: null, skipped: [] } : null;
      to.push(op);
      if (cmd === "undo") apply(op.added, op.removed);
      else apply(op.removed, op.added);
      const done = { id: 1, author, time: now(), kind: "create_span", doc_id: null, before: null, after: null, undone: cmd === "undo" };
      return cmd === "undo" ? { operation: done, skipped: [] } : done;
    }
    case "plugin:event|listen":
      return 1;
    case "plugin:event|unlisten":
      return null;
    case "set_status": {
      const d = docs.find((x) => x.id === args.docId);
      if (d) d.status = args.status as Doc["status"];
      return null;
    }
    case "set_schema":
      return args.schema;
    case "get_stats":
      return { documents: docs.length, spans: spans.length };
    case "plugin:dialog|open":
      return ["/mock/import.jsonl"];
    case "plugin:dialog|save":
      return "/mock/export.jsonl";
    case "import_files":
      return importing(args.onProgress as { id: number });
    case "export_file":
      return {
        format: args.opts.format,
        documents: docs.length,
        spans: spans.length,
        relations: relations.length,
        files: [args.path],
        fidelity: args.opts.format === "jsonl" ? { losses: [] } : {
          losses: [
            {
              kind: "relations",
              message: "relations left out",
              remedy: "native JSONL, brat, Label Studio and W3C keep relations",
              count: relations.length,
              examples: ['kursk-dprk-pows: CLAIM "Russian or North Korean forces" → ATTRIBUTED_TO PERSON "Volodymyr Zelenskyy"'],
            },
          ],
        },
      };
    default:
      return fail("internal", `the mock backend has no command ${cmd}`);
  }
});
