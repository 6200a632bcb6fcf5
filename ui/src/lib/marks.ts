// Span marks: the annotate screen's spans reduced to id, range, label and layer, which is all
// that painting, listing and stepping through them takes. They arrive as compact rows
// (`SpanMarks`, each label and layer name sent once) and are expanded here, sharing those
// names; a span's other fields (attributes, note, author) are read when it is selected.
import type { Span } from "../api/types/Span";
import type { SpanMarks } from "../api/types/SpanMarks";

/** A span as the annotate screen holds it. Offsets are code points. */
export type Mark = { id: number; start: number; end: number; label: string; layer: string };

/** Expands the backend's rows; throws on a row naming a label or layer that is not listed. */
export function marksOf(m: SpanMarks): Mark[] {
  return m.rows.map(([id, start, end, l, y], i) => {
    const label = m.labels[l];
    const layer = m.layers[y];
    if (label === undefined || layer === undefined) {
      throw new RangeError(`span mark ${i} (span ${id}): label ${l} or layer ${y} is not listed`);
    }
    return { id, start, end, label, layer };
  });
}

/** The mark of a whole span (as edits return them). */
export function markOf(s: Span): Mark {
  return { id: s.id, start: s.start, end: s.end, label: s.label, layer: s.layer };
}
