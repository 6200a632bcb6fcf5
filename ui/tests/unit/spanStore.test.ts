// The annotate screen's span state: built from a document, changed by edits in step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyEdit, insertSorted, shownRelations, spanState, type View } from "../../src/lib/spanStore.ts";
import type { Mark } from "../../src/lib/marks.ts";

const m = (id: number, start: number, end: number, label = "PERSON", layer = "Ana"): Mark => ({ id, start, end, label, layer });
const rel = (id: number, from: number, to: number) => ({ id, gid: `r${id}`, from, to, label: "ABOUT", author: "Ana", created: "" });
const view = (): View => ({
  document: { id: "d", title: "d", source_path: null, meta: {}, status: "todo", revision: 1, text: "x".repeat(100) } as View["document"],
  marks: [m(1, 0, 4), m(2, 10, 14, "GPE", "gold"), m(3, 20, 30, "CLAIM"), m(4, 40, 44)],
  relations: [rel(1, 3, 4), rel(2, 3, 2)],
});
const ids = (ms: Mark[]) => ms.map((x) => x.id);

test("a view shows one layer's spans, knows every span and the layers present", () => {
  const s = spanState(view(), "Ana");
  assert.deepEqual(ids(s.spans), [1, 3, 4]);
  assert.equal(s.byId.size, 4);
  assert.deepEqual(s.present, ["Ana", "gold"]);
  // A relation is shown when both its spans are.
  assert.deepEqual(shownRelations(s).map((r) => r.id), [1]);
  assert.deepEqual(ids(spanState(view(), "gold").spans), [2]);
});

test("insertSorted keeps (start, end, id) order", () => {
  assert.deepEqual(ids(insertSorted([m(1, 0, 4), m(4, 40, 44)], m(9, 20, 22))), [1, 9, 4]);
  assert.deepEqual(ids(insertSorted([m(1, 0, 4), m(5, 0, 4)], m(3, 0, 4))), [1, 3, 5]);
  assert.deepEqual(ids(insertSorted([], m(1, 0, 1))), [1]);
});

test("an added span goes in order; a deleted one takes its relations with it", () => {
  let s = spanState(view(), "Ana");
  s = applyEdit(s, { edited: [m(5, 15, 18)] });
  assert.deepEqual(ids(s.spans), [1, 5, 3, 4]);
  assert.equal(s.view.marks.length, 5);
  s = applyEdit(s, { gone: [4] });
  assert.deepEqual(ids(s.spans), [1, 5, 3]);
  assert.equal(s.byId.has(4), false);
  assert.deepEqual(s.view.relations.map((r) => r.id), [2]);
});

test("a relabel keeps the span's place; a span that moved is put back in order", () => {
  let s = spanState(view(), "Ana");
  const before = s.spans;
  s = applyEdit(s, { edited: [m(1, 0, 4, "ORG")] });
  assert.deepEqual(ids(s.spans), [1, 3, 4]);
  assert.equal(s.spans[0]!.label, "ORG");
  assert.notEqual(s.spans, before, "a new list, so the screen repaints");
  s = applyEdit(s, { edited: [m(1, 50, 54)] });
  assert.deepEqual(ids(s.spans), [3, 4, 1]);
  assert.deepEqual(ids(s.view.marks), [2, 3, 4, 1]);
});

test("a span of another layer is known but not shown; a new layer becomes present", () => {
  let s = spanState(view(), "Ana");
  s = applyEdit(s, { edited: [m(7, 60, 64, "GPE", "Bob")] });
  assert.deepEqual(ids(s.spans), [1, 3, 4]);
  assert.equal(s.byId.get(7)?.layer, "Bob");
  assert.deepEqual(s.present, ["Ana", "gold", "Bob"]);
});

test("relations change through the edit's function", () => {
  let s = spanState(view(), "Ana");
  s = applyEdit(s, { relations: (rs) => [...rs, rel(3, 1, 4)] });
  assert.deepEqual(shownRelations(s).map((r) => r.id), [1, 3]);
});
