// Span marks: the compact rows the annotate screen opens a document with, expanded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { markOf, marksOf } from "../../src/lib/marks.ts";
import type { Span } from "../../src/api/types/Span.ts";

test("rows expand to marks that share the listed label and layer names", () => {
  const marks = marksOf({
    labels: ["PERSON", "CLAIM"],
    layers: ["gold", "Ana"],
    rows: [
      [7, 0, 11, 0, 0],
      [3, 0, 11, 1, 1],
      [9, 194, 226, 1, 0],
    ],
  });
  assert.deepEqual(marks, [
    { id: 7, start: 0, end: 11, label: "PERSON", layer: "gold" },
    { id: 3, start: 0, end: 11, label: "CLAIM", layer: "Ana" },
    { id: 9, start: 194, end: 226, label: "CLAIM", layer: "gold" },
  ]);
});

test("a row naming a label or layer that is not listed is refused, with its place", () => {
  assert.throws(() => marksOf({ labels: ["PERSON"], layers: ["gold"], rows: [[1, 0, 1, 0, 0], [2, 3, 4, 1, 0]] }), /span mark 1 \(span 2\): label 1/);
  assert.throws(() => marksOf({ labels: ["PERSON"], layers: ["gold"], rows: [[1, 0, 1, 0, 5]] }), /layer 5/);
});

test("a whole span reduces to its mark", () => {
  const s: Span = { id: 4, gid: "0193-g", uid: "s4", doc_id: "tricky", revision: 1, start: 77, end: 81, label: "GPE", layer: "Ana",
    attrs: { x: 1 }, note: "n", author: "Ana", created: "", updated: "", text: "Kyiv", anchor: "exact", confidence: 1 };
  assert.deepEqual(markOf(s), { id: 4, start: 77, end: 81, label: "GPE", layer: "Ana" });
});
