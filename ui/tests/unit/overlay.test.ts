// Label tags and relation arcs: where they go.
import { test } from "node:test";
import assert from "node:assert/strict";
import { layoutArcs, placeTags, type Box, type Metrics } from "../../src/lib/overlay.ts";

const m: Metrics = { tagHeight: 12, gap: 3, rise: 10, step: 7, left: 0, right: 600 };
const box = (left: number, right: number, top = 100): Box => ({ left, right, top, bottom: top + 20 });
const width = (label: string) => label.length * 6;

test("a tag sits above the start of its span", () => {
  const [t] = placeTags([{ id: 1, label: "PERSON", box: box(40, 120) }], width, m);
  assert.deepEqual(t, { id: 1, label: "PERSON", x: 40, y: 88, width: 36 });
});

test("tags on one line never overlap: a tag moves right of the one before it", () => {
  const tags = placeTags(
    [
      { id: 2, label: "CLAIM", box: box(40, 300) },
      { id: 1, label: "PERSON", box: box(40, 120) },
      { id: 3, label: "GPE", box: box(60, 90) },
      { id: 4, label: "ORG", box: box(10, 50, 140) },
    ],
    width,
    m,
  );
  const line = tags.filter((t) => t.y === 88).sort((a, b) => a.x - b.x);
  assert.deepEqual(line.map((t) => t.id), [1, 2, 3]);
  for (let i = 1; i < line.length; i++) assert.ok(line[i]!.x >= line[i - 1]!.x + line[i - 1]!.width + m.gap);
  // Another line is laid out on its own.
  assert.equal(tags.find((t) => t.id === 4)!.x, 10);
});

test("an arc on one line runs from span to span above their tags, with its arrow at the target", () => {
  const [a] = layoutArcs([{ id: 7, label: "ATTRIBUTED_TO", from: box(300, 400), to: box(40, 120) }], m);
  assert.equal(a!.paths.length, 1);
  // Drawn left to right (from the target), so the arrow is at the path's start.
  assert.deepEqual(a!.arrow, { path: 0, atStart: true });
  assert.match(a!.paths[0]!, /^M 80 88 /);
  assert.match(a!.paths[0]!, / 350 88$/);
  assert.equal(a!.labelX, 215);
  assert.equal(a!.labelY, 88 - m.rise);
  assert.equal(a!.level, 0);
});

test("overlapping arcs on a line nest: the wider one is higher; disjoint ones share a level", () => {
  const arcs = layoutArcs(
    [
      { id: 1, label: "A", from: box(0, 20), to: box(400, 420) },
      { id: 2, label: "B", from: box(100, 120), to: box(200, 220) },
      { id: 3, label: "C", from: box(450, 470), to: box(550, 570) },
    ],
    m,
  );
  const level = (id: number) => arcs.find((a) => a.id === id)!.level;
  assert.equal(level(2), 0);
  assert.equal(level(3), 0);
  assert.equal(level(1), 1);
  assert.ok(arcs.find((a) => a.id === 1)!.labelY < arcs.find((a) => a.id === 2)!.labelY);
});

test("an arc between lines leaves the first at the right edge and enters the second from the left", () => {
  const [a] = layoutArcs([{ id: 1, label: "R", from: box(100, 140, 100), to: box(30, 70, 150) }], m);
  assert.equal(a!.paths.length, 2);
  assert.match(a!.paths[0]!, /^M 120 88 .* L 600 78$/);
  assert.match(a!.paths[1]!, /^M 0 128 .* 50 138$/);
  assert.deepEqual(a!.arrow, { path: 1, atStart: false });
});
