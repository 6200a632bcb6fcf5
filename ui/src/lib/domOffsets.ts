// Text offsets ↔ places in the text view's DOM, as numbers. The view holds one <p> per line
// (its `data-i` the line's index), each one text node, and only the lines of the blocks it
// has mounted; TextView.svelte finds the nodes, these say which line and where in it.
import type { Paragraph } from "./paragraphs";
import { paragraphAt } from "./paragraphs.ts";
import { BLOCK } from "./viewport.ts";

/**
 * Where UTF-16 offset `u16` is among the lines the mounted blocks (`mounted`, first and last,
 * inclusive) hold: the line to find and the offset in its text. An offset in a line that is not
 * mounted (a span reaching past the lines shown) lands on the nearest end of the lines shown.
 * `line` is the offset's own line, whether mounted or not.
 */
export function placeOf(paras: Paragraph[], mounted: [number, number], u16: number): { line: number; at: number; off: number } {
  const line = paragraphAt(paras, u16);
  let at = line;
  let off = u16 - (paras[line]?.start ?? 0);
  const k = Math.floor(line / BLOCK);
  if (k < mounted[0] || k > mounted[1]) {
    const before = k < mounted[0];
    at = before ? mounted[0] * BLOCK : Math.min(paras.length, (mounted[1] + 1) * BLOCK) - 1;
    off = before ? 0 : (paras[at]?.text.length ?? 0);
  }
  return { line, at, off: Math.max(0, Math.min(off, paras[at]?.text.length ?? 0)) };
}

/**
 * The UTF-16 offset of a DOM position in line `i`: `offset` into its text node (`inText`), or,
 * on the line's element, before (0) or after (more) its text. `null` for no such line.
 */
export function offsetInLine(paras: Paragraph[], i: number, inText: boolean, offset: number): number | null {
  const para = paras[i];
  if (!para) return null;
  return inText ? para.start + offset : para.start + (offset > 0 ? para.text.length : 0);
}
