// The document text as the web view renders it: one block per line, each holding its line's
// text exactly (without the line break), with its UTF-16 start offset in the whole text.
// Document text only ever reaches the DOM as text nodes, never as HTML.

export type Paragraph = { start: number; text: string };

/** Splits `text` at line breaks (`\n`, with a preceding `\r` kept out of the line). */
export function paragraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    out.push({ start, text: text.slice(start, lineEnd) });
    if (nl < 0) return out;
    start = nl + 1;
  }
}

/** The index of the paragraph holding UTF-16 offset `u` (the last one starting at or before it). */
export function paragraphAt(paras: Paragraph[], u: number): number {
  let lo = 0;
  let hi = paras.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((paras[mid]?.start ?? 0) <= u) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const words = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;

/**
 * Widens `[start, end)` (UTF-16) to whole words: a start inside a word moves to the word's
 * start, an end inside a word to its end; surrounding spaces are trimmed.
 */
export function snapToWords(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start] ?? "")) start++;
  while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
  if (!words || start >= end) return [start, end];
  const base = Math.max(0, start - 64);
  let [s0, e0] = [start, end];
  for (const seg of words.segment(text.slice(base, Math.min(text.length, end + 64)))) {
    const s = base + seg.index;
    const e = s + seg.segment.length;
    if (!seg.isWordLike) continue;
    if (s < start && e > start) s0 = s;
    if (s < end && e > end) e0 = e;
  }
  [start, end] = [s0, e0];
  return [start, end];
}
