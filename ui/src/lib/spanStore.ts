// The annotate screen's span state: the open document with its spans over all layers and its
// relations; the shown layer's spans in (start, end, id) order; every span by id; the layers
// present. Each change returns a new state that shares what it did not touch — an edit
// touches one span, not the thousands around it — so a screen holds it as raw state and
// repaints what changed. (The review screen will hold one per layer it shows.)
import type { Document } from "../api/types/Document";
import type { Relation } from "../api/types/Relation";
import type { Mark } from "./marks";

/** The open document: its text, its spans over all layers as marks, and its relations. */
export type View = { document: Document; marks: Mark[]; relations: Relation[] };

export type SpanState = {
  view: View;
  /** The layer shown. */
  layer: string;
  /** The shown layer's spans, in (start, end, id) order. */
  spans: Mark[];
  /**
   * Every span of the document by id, all layers. The one part updated in place (copying ten
   * thousand entries per edit would cost more than the edit): hold it only through the newest
   * state.
   */
  byId: Map<number, Mark>;
  /** The layers that have spans. */
  present: string[];
};

/** An edit the backend confirmed: spans added or changed, span ids deleted (their relations go too), and a change to the relations. */
export type Edit = { edited?: Mark[]; gone?: number[]; relations?: (rs: Relation[]) => Relation[] };

const order = (a: Mark, b: Mark) => a.start - b.start || a.end - b.end || a.id - b.id;

/** The state of `view` showing `layer`. */
export function spanState(view: View, layer: string): SpanState {
  return {
    view,
    layer,
    spans: view.marks.filter((s) => s.layer === layer),
    byId: new Map(view.marks.map((s) => [s.id, s])),
    present: [...new Set(view.marks.map((s) => s.layer))],
  };
}

/** `list` with `m` inserted in (start, end, id) order. */
export function insertSorted(list: Mark[], m: Mark): Mark[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list[mid]!, m) < 0) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), m, ...list.slice(lo)];
}

/**
 * `s` with edit `e` applied. A changed span that keeps its bounds keeps its place in the lists;
 * one that moved is taken out and put back in order; a span whose layer changed leaves or joins
 * the shown spans.
 */
export function applyEdit(s: SpanState, e: Edit): SpanState {
  const edited = e.edited ?? [];
  const dead = new Set(e.gone ?? []);
  const changed = new Map<number, Mark>();
  const moved: Mark[] = [];
  for (const m of edited) {
    const was = s.byId.get(m.id);
    if (!was) moved.push(m);
    else if (was.start === m.start && was.end === m.end && was.layer === m.layer) changed.set(m.id, m);
    else {
      dead.add(m.id);
      moved.push(m);
    }
  }
  const patch = (list: Mark[], keep: (m: Mark) => boolean) => {
    let out = dead.size || changed.size ? list.filter((m) => !dead.has(m.id)).map((m) => changed.get(m.id) ?? m) : list;
    for (const m of moved) if (keep(m)) out = insertSorted(out, m);
    return out;
  };
  const marks = patch(s.view.marks, () => true);
  const spans = patch(s.spans, (m) => m.layer === s.layer);
  for (const id of e.gone ?? []) s.byId.delete(id);
  for (const m of edited) s.byId.set(m.id, m);
  const gone = new Set(e.gone ?? []);
  let relations = gone.size ? s.view.relations.filter((r) => !gone.has(r.from) && !gone.has(r.to)) : s.view.relations;
  if (e.relations) relations = e.relations(relations);
  const present = edited.some((m) => !s.present.includes(m.layer)) ? [...new Set([...s.present, ...edited.map((m) => m.layer)])] : s.present;
  return { ...s, view: { ...s.view, marks, relations }, spans, present };
}

/** The relations whose both ends are spans of the shown layer. */
export function shownRelations(s: SpanState): Relation[] {
  const shown = (id: number) => s.byId.get(id)?.layer === s.layer;
  return s.view.relations.filter((r) => shown(r.from) && shown(r.to));
}
