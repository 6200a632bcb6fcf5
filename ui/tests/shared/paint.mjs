// What the benchmarks call "painted": in the page, the task after the next animation frame
// (a MessageChannel message posted from a requestAnimationFrame callback) runs once that frame
// is drawn. Source text, to run in the page (WebDriver scripts, Playwright init scripts).

/** An expression giving a promise of `performance.now()` after the next frame is drawn. */
export const afterNextPaint =
  "new Promise((r) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => r(performance.now()); c.port2.postMessage(0); }))";
