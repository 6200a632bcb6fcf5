// What the benchmarks call "painted": in the page, the task after the next animation frame
// (a MessageChannel message posted from a requestAnimationFrame callback) runs once that frame
// is drawn. Source text, to run in the page (WebDriver scripts, Playwright init scripts).

/** An expression giving a promise of `performance.now()` after the next frame is drawn. */
export const afterNextPaint =
  "new Promise((r) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => r(performance.now()); c.port2.postMessage(0); }))";

/** Source text: the time of the performance mark `name`, or NaN while there is none. */
const markTime = (name) => `(performance.getEntriesByName(${JSON.stringify(name)})[0]?.startTime ?? NaN)`;

/** Condition (source text): the UI handed its spans to the painter (a document opened). */
export const spansPainted = `!Number.isNaN(${markTime("glossa:spans-painted")})`;

/** Condition (source text): the painter got the spans after the backend answered an add (the
 * span is persisted and about to be painted). */
export const addedSpanPainted = `${markTime("glossa:spans-painted")} > ${markTime("glossa:add-span-answered")}`;

/**
 * A statement that, run in the page, waits for `condition` (source text, e.g. `spansPainted`):
 * the page checks it every millisecond (as often as timers allow) and, once it holds, sets
 * `window.__painted` to `performance.now()` after the next frame is drawn. Arm it in the task
 * where the timed action starts (a key press listener, or just before a click), so how long
 * the test driver takes to send its next script never counts.
 */
export const watchPainted = (condition) => `window.__painted = undefined;
  (function wait() {
    if (!(${condition})) return setTimeout(wait, 1);
    ${afterNextPaint}.then((t) => (window.__painted = t));
  })();`;

/** Source text of an async script (WebDriver or Playwright's evaluate wrapper) that answers
 * `window.__painted` once it is set. */
export const painted = `new Promise((r) => (function wait() { window.__painted === undefined ? setTimeout(wait, 5) : r(window.__painted); })())`;
