// Schema helpers for the UI: label lookup, hotkeys, and which relation types may link two
// spans (the backend enforces the same rules; this only chooses what to offer).
import type { ArgConstraint } from "../api/types/ArgConstraint";
import type { LabelDef } from "../api/types/LabelDef";
import type { RelationDef } from "../api/types/RelationDef";
import type { Schema } from "../api/types/Schema";

/** Keys that are commands on the annotate screen, so no label may use them (the same list
 * as glossa-core's COMMAND_KEYS, which refuses them when a schema is saved). */
export const COMMAND_KEYS = ["j", "k", "d", "r"];

export function labelByHotkey(schema: Schema, key: string): LabelDef | undefined {
  const k = key.toLowerCase();
  return schema.labels.find((l) => l.hotkey?.toLowerCase() === k);
}

function allows(c: ArgConstraint, label: LabelDef | undefined): boolean {
  if (!label) return false;
  const labels = c.labels ?? [];
  const kinds = c.kinds ?? [];
  return (labels.length === 0 && kinds.length === 0) || labels.includes(label.name) || kinds.includes(label.kind);
}

/** Relation types whose argument types accept a `from` → `to` link. */
export function relationsBetween(schema: Schema, from: string, to: string): RelationDef[] {
  const f = schema.labels.find((l) => l.name === from);
  const t = schema.labels.find((l) => l.name === to);
  return schema.relations.filter((r) => allows(r.from, f) && allows(r.to, t));
}

/** `#rrggbb` with alpha, for highlight backgrounds. */
export function tint(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
