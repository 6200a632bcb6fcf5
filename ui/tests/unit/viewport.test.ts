// The text view's window: blocks, estimates, and the lines painted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BLOCK, blocksOf, blocksWanted, estimatedHeight, firstWhere, metricsOf, paintWindow } from "../../src/lib/viewport.ts";
import { nestedIn, stretchNear } from "../../src/lib/painter.ts";
import type { Mark } from "../../src/lib/marks.ts";

const para = (i: number, text = "x") => ({ start: i * 10, text });

test("lines come in blocks of BLOCK", () => {
  const b = blocksOf(Array.from({ length: BLOCK * 2 + 5 }, (_, i) => para(i)));
  assert.deepEqual(b.map((x) => [x.first, x.lines.length]), [[0, BLOCK], [BLOCK, BLOCK], [2 * BLOCK, 5]]);
  assert.deepEqual(blocksOf([]), []);
});

test("firstWhere finds the end of a prefix by binary search", () => {
  const xs = [1, 3, 5, 7, 9];
  assert.equal(firstWhere(0, xs.length, (i) => xs[i]! < 6), 3);
  assert.equal(firstWhere(0, xs.length, () => true), 5);
  assert.equal(firstWhere(0, xs.length, () => false), 0);
  assert.equal(firstWhere(2, 2, () => true), 2);
});

test("a block's estimate wraps each line at the column's width", () => {
  const m = metricsOf(400, 20, 50); // 40 characters a row, 4 px after each line
  assert.deepEqual(m, { perRow: 40, rowHeight: 50, gap: 4 });
  const b = { first: 0, lines: [para(0, "a".repeat(100)), para(1, ""), para(2, "b".repeat(40))] };
  assert.equal(estimatedHeight(b, m), (3 + 1 + 1) * 50 + 3 * 4);
  assert.equal(metricsOf(10, 20, 50).perRow, 20, "never fewer than 20 characters a row");
});

test("the blocks held are those on screen, one either side, and the selection's", () => {
  assert.deepEqual(blocksWanted(3, 4, null, 10), [2, 5]);
  assert.deepEqual(blocksWanted(0, 0, null, 10), [0, 1]);
  assert.deepEqual(blocksWanted(8, 9, null, 10), [7, 9]);
  assert.deepEqual(blocksWanted(5, 5, [1, 5], 10), [1, 6]);
});

test("the painted lines are those on screen and as many again either side, within the blocks held", () => {
  assert.deepEqual(paintWindow(40, 49, [1, 2], 200), [32, 59]);
  assert.deepEqual(paintWindow(70, 79, [1, 2], 200), [60, 89].map((x, i) => (i === 1 ? Math.min(x, 3 * BLOCK - 1) : x)) as [number, number]);
  assert.deepEqual(paintWindow(0, 9, [0, 1], 20), [0, 19]);
});

const m = (id: number, start: number, end: number): Mark => ({ id, start, end, label: "L", layer: "a" });

test("the spans near a window: by binary search, reaching back by the longest span", () => {
  const spans = [m(1, 0, 5), m(2, 10, 50), m(3, 20, 25), m(4, 60, 65), m(5, 100, 105)];
  assert.deepEqual(stretchNear(spans, 30, 70, 40), [0, 4]);
  assert.deepEqual(stretchNear(spans, 30, 70, 5), [3, 4]);
  assert.deepEqual(stretchNear(spans, 200, 300, 40), [5, 5]);
});

test("nested spans: those inside another of the stretch", () => {
  const spans = [m(1, 0, 30), m(2, 5, 10), m(3, 8, 40), m(4, 12, 20), m(5, 50, 60), m(6, 50, 55)];
  assert.deepEqual(nestedIn(spans, 0, spans.length, 0).map((s) => s.id), [2, 4, 6]);
  // A span ending before the window is neither nested nor an outer one.
  assert.deepEqual(nestedIn(spans, 0, spans.length, 31).map((s) => s.id), [6]);
  assert.deepEqual(nestedIn(spans, 0, spans.length, 15).map((s) => s.id), [4, 6]);
});
