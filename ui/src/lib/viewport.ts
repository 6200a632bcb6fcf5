// The text view's window over a long document, as numbers: lines grouped in blocks, the
// blocks that hold their lines (those on screen, one either side, and those the selection
// reaches), a block's estimated height before it is first shown, and the lines whose spans
// are painted. TextView.svelte reads positions from the DOM and asks these.
import type { Paragraph } from "./paragraphs";

/** Lines per block: a block's lines are put in and taken out together. */
export const BLOCK = 32;

export type Block = { first: number; lines: Paragraph[] };

/** The document's lines in blocks of `BLOCK`. */
export function blocksOf(paras: Paragraph[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < paras.length; i += BLOCK) out.push({ first: i, lines: paras.slice(i, i + BLOCK) });
  return out;
}

/** The first index in `[lo, hi)` for which `below` is false (`below` holds for a prefix). */
export function firstWhere(lo: number, hi: number, below: (k: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Text metrics for estimates: characters per row, a row's height, the gap after a line (pixels). */
export type Metrics = { perRow: number; rowHeight: number; gap: number };

/** The metrics of a text column `width` pixels wide in a `fontSize`-pixel font with rows `lineHeight` high. */
export function metricsOf(width: number, fontSize: number, lineHeight: number): Metrics {
  return { perRow: Math.max(20, width / (fontSize * 0.5)), rowHeight: lineHeight, gap: fontSize * 0.2 };
}

/** A block's height before it was ever shown: each line wrapped at about `perRow` characters. */
export function estimatedHeight(b: Block, m: Metrics): number {
  let rows = 0;
  for (const l of b.lines) rows += Math.max(1, Math.ceil(l.text.length / m.perRow));
  return Math.round(rows * m.rowHeight + b.lines.length * m.gap);
}

/**
 * The blocks to hold their lines (first and last, inclusive): those from `b0` to `b1` (on
 * screen), one either side, and those the text selection reaches (`selected`), of `count`.
 */
export function blocksWanted(b0: number, b1: number, selected: [number, number] | null, count: number): [number, number] {
  return [Math.max(0, Math.min(b0 - 1, selected?.[0] ?? b0)), Math.min(count - 1, Math.max(b1 + 1, selected?.[1] ?? b1))];
}

/**
 * The lines whose spans are painted: those on screen (`first` to `last`) and as many again
 * either side, within the lines the `mounted` blocks hold, of `lines` in all.
 */
export function paintWindow(first: number, last: number, mounted: [number, number], lines: number): [number, number] {
  const margin = last - first + 1;
  const end = Math.min(lines, (mounted[1] + 1) * BLOCK) - 1;
  return [Math.max(mounted[0] * BLOCK, first - margin), Math.min(end, last + margin)];
}
