// Line splitting and word snapping, the two text helpers of the annotate screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { paragraphAt, paragraphs, snapToWords } from "../../src/lib/paragraphs.ts";

test("paragraphs keep each line's text and UTF-16 start, without CR or LF", () => {
  const paras = paragraphs("ab\r\n\ncd\nef");
  assert.deepEqual(paras, [
    { start: 0, text: "ab" },
    { start: 4, text: "" },
    { start: 5, text: "cd" },
    { start: 8, text: "ef" },
  ]);
  assert.equal(paragraphAt(paras, 6), 2);
  assert.equal(paragraphAt(paras, 4), 1);
});

test("a selection snaps to whole words on both ends, trimming spaces", () => {
  const text = "noting that Russian or North Korean forces often kill in the war.";
  const from = text.indexOf("ssian");
  const to = text.indexOf("war") + 1;
  const [s, e] = snapToWords(text, from, to);
  assert.equal(text.slice(s, e), "Russian or North Korean forces often kill in the war");
  const [a, b] = snapToWords(text, text.indexOf(" Russian"), text.indexOf(" or") + 1);
  assert.equal(text.slice(a, b), "Russian");
});

test("snapping keeps combining marks and Hangul inside their words", () => {
  const text = "Combining: Zelenskyy\u0301 vs 김정은 met";
  const [s, e] = snapToWords(text, text.indexOf("lensky"), text.indexOf("\u0301"));
  assert.equal(text.slice(s, e), "Zelenskyy\u0301");
  const [h0, h1] = snapToWords(text, text.indexOf("정"), text.indexOf("정") + 1);
  assert.equal(text.slice(h0, h1), "김정은");
});
