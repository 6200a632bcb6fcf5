// The annotate screen's keys: one table that the key handler dispatches through, the help
// overlay (?) lists, and README.md's key section is checked against (tests/unit/keymap.test.ts).
// Label keys come from the schema and are listed apart.

export type Command =
  | "next-span"
  | "previous-span"
  | "link"
  | "confirm-link"
  | "delete"
  | "done"
  | "undo"
  | "redo"
  | "next-document"
  | "previous-document"
  | "find"
  | "find-next"
  | "find-previous"
  | "help"
  | "cancel";

/** A key with its modifiers (Ctrl stands for Cmd on a Mac). Shift is compared only for letters and named keys. */
export type Binding = { key: string; ctrl?: boolean; shift?: boolean; alt?: boolean };

export type KeyEntry = { command: Command; bindings: Binding[]; description: string };

export const KEYMAP: KeyEntry[] = [
  { command: "next-span", bindings: [{ key: "j" }], description: "Select the next span" },
  { command: "previous-span", bindings: [{ key: "k" }], description: "Select the previous span" },
  { command: "link", bindings: [{ key: "r" }], description: "Link the selected span to the next one you pick (asks which relation when several fit)" },
  { command: "confirm-link", bindings: [{ key: "Enter" }], description: "While linking: link to the selected span" },
  { command: "delete", bindings: [{ key: "Delete" }, { key: "Backspace" }], description: "Delete the selected span or relation (nothing is selected after)" },
  { command: "done", bindings: [{ key: "d" }], description: "Mark the document done, or reopen it" },
  { command: "undo", bindings: [{ key: "z", ctrl: true }], description: "Undo your last edit in this document" },
  { command: "redo", bindings: [{ key: "z", ctrl: true, shift: true }, { key: "y", ctrl: true }], description: "Redo" },
  { command: "next-document", bindings: [{ key: "ArrowRight", alt: true }], description: "Next document" },
  { command: "previous-document", bindings: [{ key: "ArrowLeft", alt: true }], description: "Previous document" },
  { command: "find", bindings: [{ key: "f", ctrl: true }], description: "Find in the document" },
  { command: "find-next", bindings: [{ key: "F3" }, { key: "g", ctrl: true }], description: "Next match" },
  { command: "find-previous", bindings: [{ key: "F3", shift: true }, { key: "g", ctrl: true, shift: true }], description: "Previous match" },
  { command: "help", bindings: [{ key: "?" }], description: "Show or hide this list of keys" },
  { command: "cancel", bindings: [{ key: "Escape" }], description: "Cancel: close the picker, stop linking, clear the selection" },
];

/** What a label key does (listed with the schema's labels). */
export const LABEL_KEYS =
  "With text selected: tag it with that label (Alt while selecting: exact characters). With a span selected and on screen: relabel it (the message says what changed, with Undo).";

/** A key event's parts (a KeyboardEvent has them). */
export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean };

function matches(b: Binding, e: KeyPress): boolean {
  const shiftMatters = b.key.length > 1 || /^[a-z]$/i.test(b.key);
  return (
    e.key.toLowerCase() === b.key.toLowerCase() &&
    (e.ctrlKey || e.metaKey) === (b.ctrl ?? false) &&
    e.altKey === (b.alt ?? false) &&
    (!shiftMatters || e.shiftKey === (b.shift ?? false))
  );
}

/** The command a key press means, if any. */
export function commandFor(e: KeyPress): Command | null {
  return KEYMAP.find((entry) => entry.bindings.some((b) => matches(b, e)))?.command ?? null;
}

/** Keys a label may not use: the unmodified single letters above. */
export const COMMAND_LETTERS: string[] = KEYMAP.flatMap((e) => e.bindings)
  .filter((b) => /^[a-z]$/.test(b.key) && !b.ctrl && !b.alt && !b.shift)
  .map((b) => b.key);

const NAMES: Record<string, string> = { ArrowRight: "→", ArrowLeft: "←", Delete: "Del", Escape: "Esc" };

/** A binding as people write it: "Ctrl+Shift+Z", "Alt+→", "j". */
export function describeBinding(b: Binding): string {
  const key = NAMES[b.key] ?? (b.key.length === 1 && (b.ctrl || b.alt) ? b.key.toUpperCase() : b.key);
  return [b.ctrl && "Ctrl", b.alt && "Alt", b.shift && "Shift", key].filter(Boolean).join("+");
}

/** The table as Markdown, as README.md holds it. */
export function keymapMarkdown(): string {
  const rows = KEYMAP.map((e) => `| ${e.bindings.map((b) => `\`${describeBinding(b)}\``).join(" or ")} | ${e.description} |`);
  return ["| Keys | What they do |", "|---|---|", "| a label's key | " + LABEL_KEYS + " |", ...rows].join("\n");
}
