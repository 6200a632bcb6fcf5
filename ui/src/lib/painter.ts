// Which spans the painter holds, as numbers: the spans that reach a window of the text, found
// by binary search in spans sorted by start, and those nested in another span (painted with a
// second underline). TextView.svelte turns them into DOM ranges and highlights.
import type { Mark } from "./marks";
import { firstWhere } from "./viewport.ts";

/**
 * The stretch `[lo, hi)` of `spans` (sorted by start) that may reach code points
 * `[from, to)`: a span reaching the window starts at most `longest` before it. Callers still
 * skip the spans of the stretch that end before `from`.
 */
export function stretchNear(spans: Mark[], from: number, to: number, longest: number): [number, number] {
  const lo = firstWhere(0, spans.length, (i) => spans[i]!.start < from - longest);
  let hi = lo;
  while (hi < spans.length && spans[hi]!.start < to) hi++;
  return [lo, hi];
}

/**
 * The spans of `spans[lo..hi)` (sorted by start, then end) that lie inside another span of the
 * stretch, skipping those ending before `from`. `outer` is scratch space, reused between calls
 * (this runs on every frame of a scroll).
 */
export function nestedIn(spans: Mark[], lo: number, hi: number, from: number, outer: Mark[] = []): Mark[] {
  const out: Mark[] = [];
  outer.length = 0;
  for (let i = lo; i < hi; i++) {
    const s = spans[i]!;
    if (s.end < from) continue;
    while (outer.length && outer[outer.length - 1]!.end <= s.start) outer.pop();
    if (outer.some((o) => o.start <= s.start && o.end >= s.end)) out.push(s);
    outer.push(s);
  }
  return out;
}
