// Find in the document: every match of a query, ignoring case, as UTF-16 ranges of the text.

/** Start and end (UTF-16) of each match of `query` in `text`, in order, without overlaps; none for an empty query. */
export function findAll(text: string, query: string): [number, number][] {
  if (query === "") return [];
  const escaped = query.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const out: [number, number][] = [];
  for (const m of text.matchAll(new RegExp(escaped, "giu"))) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** The match to go to from `current` (-1 for none yet) in direction `step`, wrapping around. */
export function stepMatch(count: number, current: number, step: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return step > 0 ? 0 : count - 1;
  return (current + step + count) % count;
}
