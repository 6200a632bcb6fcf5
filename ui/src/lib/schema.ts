// Schema helpers for the UI: label lookup, hotkeys, and which relation types may link two
// spans (the backend enforces the same rules; this only chooses what to offer).
import type { ArgConstraint } from "../api/types/ArgConstraint";
import type { LabelDef } from "../api/types/LabelDef";
import type { RelationDef } from "../api/types/RelationDef";
import type { Schema } from "../api/types/Schema";

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

/** Text colour that reads on a `#rrggbb` background: black on light colours, else white (WCAG relative luminance). */
export function inkOn(hex: string): "#111" | "#fff" {
  const n = Number.parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  // Contrast with white (1.05 / (l + 0.05)) against contrast with black ((l + 0.05) / 0.05).
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#fff" : "#111";
}
