// What is drawn over the text besides the highlights: a label tag at each span (as brat and
// INCEpTION show them) and each relation as a labelled, directed arc between its spans. Pure
// geometry, from boxes in the text's content coordinates (the caller reads them from the DOM):
// no DOM here, so it is tested under node.

/** A rectangle in content coordinates (pixels from the text's top left, scrolling included). */
export type Box = { left: number; top: number; right: number; bottom: number };

/** A span to tag: the box of its first line. */
export type TagInput = { id: number; label: string; box: Box };

/** A placed tag: its left and top, and its width. */
export type Tag = { id: number; label: string; x: number; y: number; width: number };

/** Geometry of tags and arcs, in pixels. */
export type Metrics = {
  /** A tag's height: it sits that far above its span's line. */
  tagHeight: number;
  /** Space between two tags on one line. */
  gap: number;
  /** An arc's rise above the tags, at level 0, and per level above. */
  rise: number;
  step: number;
  /** The text column's left and right edge: where an arc between lines leaves one and enters the next. */
  left: number;
  right: number;
};

/** Two boxes are on one line when their tops are this close. */
const SAME_LINE = 2;

/**
 * Places a tag above the start of each span, in reading order; a tag that would overlap the
 * one before it on its line moves right of it. `width` measures a label's tag.
 */
export function placeTags(spans: TagInput[], width: (label: string) => number, m: Metrics): Tag[] {
  const order = [...spans].sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left || a.id - b.id);
  const out: Tag[] = [];
  let lineTop = -Infinity;
  let nextFree = -Infinity;
  for (const s of order) {
    if (Math.abs(s.box.top - lineTop) > SAME_LINE) {
      lineTop = s.box.top;
      nextFree = -Infinity;
    }
    const w = width(s.label);
    const x = Math.max(s.box.left, nextFree);
    out.push({ id: s.id, label: s.label, x, y: s.box.top - m.tagHeight, width: w });
    nextFree = x + w + m.gap;
  }
  return out;
}

/** A relation to draw: the boxes of its spans' first lines. */
export type ArcInput = { id: number; label: string; from: Box; to: Box };

/**
 * A drawn arc: one path on one line, or two for spans on different lines (leaving the first
 * line at its right edge and entering the second from its left, as brat draws them). The
 * arrowhead is at the `to` span; the label at `labelX, labelY`.
 */
export type Arc = {
  id: number;
  label: string;
  paths: string[];
  /** Which path's end holds the arrowhead, and whether at its start (an arc drawn leftwards across lines). */
  arrow: { path: number; atStart: boolean };
  labelX: number;
  labelY: number;
  /** How many arcs below it it spans over on its line (0 for the lowest). */
  level: number;
};

const centre = (b: Box) => (b.left + b.right) / 2;

/** An interval an arc covers on one line, and the line. */
type Stretch = { line: number; from: number; to: number };

/**
 * Lays out arcs: each rises above its spans' tags, higher for each arc on its line whose
 * stretch it overlaps, so that arcs nest instead of crossing; shorter arcs go lower.
 */
export function layoutArcs(relations: ArcInput[], m: Metrics): Arc[] {
  type Plan = { r: ArcInput; stretches: Stretch[]; width: number };
  const plans: Plan[] = relations.map((r) => {
    const [a, b] = r.from.top < r.to.top - SAME_LINE || (Math.abs(r.from.top - r.to.top) <= SAME_LINE && centre(r.from) <= centre(r.to)) ? [r.from, r.to] : [r.to, r.from];
    const stretches: Stretch[] =
      Math.abs(a.top - b.top) <= SAME_LINE
        ? [{ line: a.top, from: centre(a), to: centre(b) }]
        : [
            { line: a.top, from: centre(a), to: m.right },
            { line: b.top, from: m.left, to: centre(b) },
          ];
    const width = stretches.reduce((w, s) => w + (s.to - s.from), 0);
    return { r, stretches, width };
  });
  // Narrow arcs first, so wide ones arch over them.
  const order = plans.map((_, i) => i).sort((i, j) => plans[i]!.width - plans[j]!.width || plans[i]!.r.id - plans[j]!.r.id);
  const taken: (Stretch & { level: number })[] = [];
  const levels = new Array<number>(plans.length).fill(0);
  for (const i of order) {
    const p = plans[i]!;
    let level = 0;
    for (;;) {
      const clash = p.stretches.some((s) =>
        taken.some((t) => t.level === level && Math.abs(t.line - s.line) <= SAME_LINE && t.from < s.to + 1 && s.from < t.to + 1),
      );
      if (!clash) break;
      level++;
    }
    levels[i] = level;
    for (const s of p.stretches) taken.push({ ...s, level });
  }
  return plans.map((p, i) => {
    const level = levels[i]!;
    const h = m.rise + level * m.step;
    const base = (line: number) => line - m.tagHeight;
    const curve = (s: Stretch, leave: boolean, enter: boolean) => {
      const y = base(s.line);
      const top = y - h;
      // Up from a span with a rounded corner, across, and down into a span; a line's edge is
      // reached (or left) level.
      const r = Math.max(0, Math.min(10, (s.to - s.from) / 2, h));
      const start = leave ? `M ${s.from} ${y} Q ${s.from} ${top} ${s.from + r} ${top}` : `M ${s.from} ${top}`;
      return enter ? `${start} L ${s.to - r} ${top} Q ${s.to} ${top} ${s.to} ${y}` : `${start} L ${s.to} ${top}`;
    };
    const forward = p.r.from.top < p.r.to.top - SAME_LINE || (Math.abs(p.r.from.top - p.r.to.top) <= SAME_LINE && centre(p.r.from) <= centre(p.r.to));
    const [first, second] = p.stretches;
    const paths = second ? [curve(first!, true, false), curve(second, false, true)] : [curve(first!, true, true)];
    // The arrow points into `to`: the last path's end when drawn forwards, else the first path's start.
    const arrow = forward ? { path: paths.length - 1, atStart: false } : { path: 0, atStart: true };
    const labelOn = first!;
    return {
      id: p.r.id,
      label: p.r.label,
      paths,
      arrow,
      labelX: second ? labelOn.from + Math.min(60, (labelOn.to - labelOn.from) / 2) : (labelOn.from + labelOn.to) / 2,
      labelY: base(labelOn.line) - h,
      level,
    };
  });
}
