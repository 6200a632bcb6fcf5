// The UI's UTF-16 ↔ code point conversion, checked against glossa-core's on the tricky
// sample (the fixture is written and checked by a Rust test), and on edge cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { OffsetMap } from "../../src/lib/offsets.ts";

const fixture = JSON.parse(
  readFileSync(new URL("../../../tests/fixtures/tricky-offsets.json", import.meta.url), "utf8"),
) as { text: string; cp_to_utf16: number[] };

test("matches glossa-core on the tricky sample in both directions", () => {
  const map = new OffsetMap(fixture.text);
  assert.equal(map.lengthCodepoints + 1, fixture.cp_to_utf16.length);
  fixture.cp_to_utf16.forEach((u16, cp) => {
    assert.equal(map.cpToUtf16(cp), u16, `cp ${cp}`);
    assert.equal(map.utf16ToCp(u16), cp, `utf16 ${u16}`);
  });
  // Python's text[194:226] on the sample.
  assert.equal(map.slice(194, 226), "500 soldiers crossed the border.");
  assert.equal(map.slice(13, 16), "김정은");
});

test("refuses offsets inside a surrogate pair and out of range", () => {
  const map = new OffsetMap("a😀b");
  assert.equal(map.utf16ToCp(3), 2);
  assert.throws(() => map.utf16ToCp(2), /surrogate/);
  assert.throws(() => map.cpToUtf16(4), /outside/);
  assert.equal(map.cpToUtf16(3), 4);
});

test("agrees with Array.from over long texts crossing block boundaries", () => {
  const pieces = ["a", "é", "😀", "🇰🇵", "\r\n", "김", "e\u0301", "👨‍👩‍👧"];
  let text = "";
  for (let i = 0; i < 2000; i++) text += pieces[(i * 7 + (i >> 3)) % pieces.length];
  const map = new OffsetMap(text);
  const cps = Array.from(text);
  assert.equal(map.lengthCodepoints, cps.length);
  let u16 = 0;
  cps.forEach((ch, cp) => {
    assert.equal(map.cpToUtf16(cp), u16);
    assert.equal(map.utf16ToCp(u16), cp);
    u16 += ch.length;
  });
});
