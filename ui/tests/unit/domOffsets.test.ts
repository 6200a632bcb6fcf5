// Offsets ↔ places among the text view's lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { offsetInLine, placeOf } from "../../src/lib/domOffsets.ts";
import { paragraphs } from "../../src/lib/paragraphs.ts";
import { BLOCK } from "../../src/lib/viewport.ts";

// BLOCK * 3 lines "line N", each followed by "\n".
const text = Array.from({ length: BLOCK * 3 }, (_, i) => `line ${i}`).join("\n");
const paras = paragraphs(text);

test("an offset in a mounted line is found in that line", () => {
  const u = paras[BLOCK + 2]!.start + 3;
  assert.deepEqual(placeOf(paras, [1, 1], u), { line: BLOCK + 2, at: BLOCK + 2, off: 3 });
});

test("an offset before or after the mounted lines lands on their nearest end", () => {
  const early = paras[3]!.start + 2;
  assert.deepEqual(placeOf(paras, [1, 1], early), { line: 3, at: BLOCK, off: 0 });
  const late = paras[2 * BLOCK + 5]!.start + 1;
  const last = 2 * BLOCK - 1;
  assert.deepEqual(placeOf(paras, [1, 1], late), { line: 2 * BLOCK + 5, at: last, off: paras[last]!.text.length });
});

test("a DOM position in a line's text or on its element gives the UTF-16 offset", () => {
  const p = paras[7]!;
  assert.equal(offsetInLine(paras, 7, true, 4), p.start + 4);
  assert.equal(offsetInLine(paras, 7, false, 0), p.start);
  assert.equal(offsetInLine(paras, 7, false, 1), p.start + p.text.length);
  assert.equal(offsetInLine(paras, 10_000, true, 0), null);
});
