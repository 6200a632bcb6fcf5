// Find in the document.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findAll, stepMatch } from "../../src/lib/find.ts";

test("matches ignore case and keep UTF-16 positions in the original text", () => {
  const text = "Kim met KIM. 김정은 met kim (Kim?)";
  assert.deepEqual(findAll(text, "kim"), [
    [0, 3],
    [8, 11],
    [21, 24],
    [26, 29],
  ]);
  assert.deepEqual(findAll(text, "김정은"), [[13, 16]]);
  assert.deepEqual(findAll(text, "(Kim?)"), [[25, 31]]);
  assert.deepEqual(findAll(text, ""), []);
  assert.deepEqual(findAll("😀a😀a", "a"), [
    [2, 3],
    [5, 6],
  ]);
});

test("next and previous wrap around", () => {
  assert.equal(stepMatch(3, -1, 1), 0);
  assert.equal(stepMatch(3, -1, -1), 2);
  assert.equal(stepMatch(3, 2, 1), 0);
  assert.equal(stepMatch(3, 0, -1), 2);
  assert.equal(stepMatch(0, -1, 1), -1);
});
