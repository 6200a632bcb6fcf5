// The annotate screen's keys: what a press means, and README.md's table made from the same keymap.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMAND_LETTERS, commandFor, describeBinding, keymapMarkdown } from "../../src/lib/keymap.ts";

const press = (key: string, mods: Partial<{ ctrl: boolean; shift: boolean; alt: boolean; meta: boolean }> = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

test("key presses map to their commands, modifiers included", () => {
  assert.equal(commandFor(press("j")), "next-span");
  assert.equal(commandFor(press("J", { shift: true })), null);
  assert.equal(commandFor(press("z", { ctrl: true })), "undo");
  assert.equal(commandFor(press("Z", { ctrl: true, shift: true })), "redo");
  assert.equal(commandFor(press("z", { meta: true })), "undo");
  assert.equal(commandFor(press("y", { ctrl: true })), "redo");
  assert.equal(commandFor(press("ArrowRight", { alt: true })), "next-document");
  assert.equal(commandFor(press("ArrowRight")), null);
  assert.equal(commandFor(press("?", { shift: true })), "help");
  assert.equal(commandFor(press("f", { ctrl: true })), "find");
  assert.equal(commandFor(press("F3", { shift: true })), "find-previous");
  assert.equal(commandFor(press("1")), null);
});

test("the letters that are commands, which labels may not take", () => {
  assert.deepEqual([...COMMAND_LETTERS].sort(), ["d", "j", "k", "r"]);
});

test("bindings read as people write them", () => {
  assert.equal(describeBinding({ key: "z", ctrl: true, shift: true }), "Ctrl+Shift+Z");
  assert.equal(describeBinding({ key: "ArrowLeft", alt: true }), "Alt+←");
  assert.equal(describeBinding({ key: "j" }), "j");
});

test("README.md's key table is the keymap's", () => {
  const readme = readFileSync(join(import.meta.dirname, "../../../../README.md"), "utf8");
  const start = readme.indexOf("<!-- keys:start -->");
  const end = readme.indexOf("<!-- keys:end -->");
  assert.ok(start > 0 && end > start, "README.md marks its key table with <!-- keys:start --> and <!-- keys:end -->");
  assert.equal(readme.slice(start + "<!-- keys:start -->".length, end).trim(), keymapMarkdown());
});
