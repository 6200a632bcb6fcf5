// Counts worded for their number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { count } from "../../src/lib/words.ts";

test("one takes the singular, every other number the plural", () => {
  assert.equal(count(1, "new document"), "1 new document");
  assert.equal(count(0, "new document"), "0 new documents");
  assert.equal(count(2, "span"), "2 spans");
  assert.equal(count(1, "relation type", "relation types"), "1 relation type");
  assert.equal(count(3, "entry", "entries"), "3 entries");
  assert.equal(count(12345, "span"), "12,345 spans");
});
