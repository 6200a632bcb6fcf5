// Benchmark, the real window (WebKitGTK through tauri-driver, under Xvfb) with the real
// backend: a project holding the 1 MB / 10,000-span document. Measures cold start to an
// interactive window, opening the document, creating one span (key press to painted and
// persisted), scrolling top to bottom, and the memory of the app with its WebKit processes
// (2 s after the document opened, and again 2 s after the creates and the scroll, as well as
// the moment the scroll ends). Open and create are timed in the page: the clock starts at the
// click or key press and stops after the frame drawn with the result. Cold start is timed
// from outside and ends after the next frame once the driver's script arrives (an upper bound).
// "Painted" is the task after the next animation frame (the frame has been drawn); cold start
// runs from the app's process start (/proc) to the first screen painted with its data.
// Set GLOSSA_APP / GLOSSA_CLI to the release binaries for representative figures.
import { bigProject, selectForCreate } from "./big-project.mjs";
import { createTargets } from "./corpus.mjs";
import { addedSpanPainted, afterNextPaint, painted, spansPainted, watchPainted } from "../shared/paint.mjs";
import { pssByProcess, startedAt, treePss } from "./processes.mjs";
import { app, glossa, launch } from "../e2e/driver.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const CREATES = 5; // spans created per run
const { text, spans, data, project } = bigProject({ spans: Number(process.env.SPANS ?? 10_000) });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;



const trivial = [], ipc = [], cold = [], viaDriver = [], inPage = [], open = [], create = [], scroll = [], memory = [], memoryOpen = [], memoryAtOnce = [], frameLists = [], byProcess = [];
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const s = await launch(data);
  const { browser } = s;
  try {
    await (await browser.$("button=big")).waitForExist({ timeout: 30000 });
    // Cold start: from the app's process starting to the first screen holding its data and
    // painted (the page's clock is the epoch-based performance.timeOrigin).
    const ready = await browser.executeAsync(`const done = arguments[0];
      const wait = () => performance.getEntriesByName("glossa:ready").length ? ${afterNextPaint}.then((t) => done({ origin: performance.timeOrigin, t })) : setTimeout(wait, 5);
      wait();`);
    cold.push(ready.origin + ready.t - startedAt(app));
    viaDriver.push(performance.now() - t0);
    inPage.push(ready.t);
    // The clock starts just before the click; the page itself watches for the painted screen.
    await browser.execute(`performance.clearMarks(); window.__t0 = performance.now(); ${watchPainted(spansPainted)}`);
    await (await browser.$("button=big")).click();
    open.push(await browser.executeAsync(`const done = arguments[0]; ${painted}.then((t) => done(t - window.__t0));`));
    await browser.pause(2000);
    memoryOpen.push(treePss(app) / 1024);
    byProcess.push({ open: pssByProcess(app) });
    // Five spans, each on a word near the top: select it with the mouse, press the label's key.
    for (const start of createTargets(text, CREATES)) {
      await selectForCreate(browser, text, start);
      // The clock starts when the key press reaches the page (not when the driver sends it),
      // and the page watches from then on for the frame drawn with the new span.
      await browser.execute(`performance.clearMarks(); window.__t0 = undefined; window.__painted = undefined;
        window.addEventListener("keydown", () => { window.__t0 = performance.now(); ${watchPainted(addedSpanPainted)} }, { capture: true, once: true });`);
      await browser.keys("3");
      // Persisted: the backend answered the add; painted: the frame drawn after the painter
      // got the spans that include it.
      const made = await browser.executeAsync(`const done = arguments[0]; ${painted}.then((t) => done(t - window.__t0));`);
      create.push(made);
      ipc.push(await browser.execute(() => {
        const at = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
        return {
          before_ipc: Math.round(at("glossa:add-span-sent") - window.__t0),
          ipc: Math.round(at("glossa:add-span-answered") - at("glossa:add-span-sent")),
          answer_to_painter: Math.round(at("glossa:spans-painted") - at("glossa:add-span-answered")),
        };
      }));
    }
    // Bare IPC round trips with the document open, straight from the page (no UI work): five
    // get_stats, then three add_span.
    trivial.push(await browser.executeAsync(async (done) => {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await window.__TAURI_INTERNALS__.invoke("get_stats");
        times.push(Math.round(performance.now() - t));
      }
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await window.__TAURI_INTERNALS__.invoke("add_span", { req: { doc_id: "big", revision: 1, start: 10 + i, end: 11 + i, label: "PERSON", layer: null, attrs: {}, note: null } });
        times.push(Math.round(performance.now() - t));
      }
      done(times);
    }));
    await browser.setTimeout({ script: 120000 });
    scroll.push(await browser.executeAsync((done) => {
      const el = document.querySelector(".text-scroll");
      el.scrollTop = 0;
      let last = performance.now();
      let worst = 0;
      const frames = [];
      const step = () => {
        const t = performance.now();
        worst = Math.max(worst, t - last);
        frames.push(Math.round(t - last));
        last = t;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
          window.__frames = frames;
          return done(worst);
        }
        el.scrollTop += Math.round(el.clientHeight * 0.9);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(() => {
        last = performance.now();
        requestAnimationFrame(step);
      });
    }));
    frameLists.push(await browser.execute(() => window.__frames));
    // As with the open document: first the moment the scroll ends, then settled (2 s later).
    memoryAtOnce.push(treePss(app) / 1024);
    await browser.pause(2000);
    memory.push(treePss(app) / 1024);
    byProcess[byProcess.length - 1].after = pssByProcess(app);
  } finally {
    await s.close();
  }
}
const spansNow = glossa("stats", project, "--json");
console.log(JSON.stringify({
  where: "real window: WebKitGTK via tauri-driver under Xvfb, real backend",
  app,
  document: { bytes: Buffer.byteLength(text), spans: spans.length },
  runs: RUNS,
  cold_start_to_interactive_ms: round(median(cold)),
  cold_start_through_the_driver_ms: round(median(viaDriver)),
  webview_navigation_to_interactive_ms: round(median(inPage)),
  open_to_interactive_ms: round(median(open)),
  create_span_ms: round(median(create)),
  scroll_longest_frame_ms: round(median(scroll)),
  memory_with_document_open_mib: round(median(memoryOpen)),
  memory_after_creating_and_scrolling_mib: round(median(memory)),
  memory_the_moment_the_scroll_ends_mib: round(median(memoryAtOnce)),
  memory_by_process_mib: byProcess,
  create_span_runs: create.length,
  add_span_ipc_ms: ipc,
  raw_ipc_ms_get_stats_then_add_span: trivial,
  spans_after: JSON.parse(spansNow).spans,
  scroll_frames: frameLists.map((f) => ({ frames: f.length, over_50ms: f.filter((x) => x > 50).length, p95: [...f].sort((a, b) => a - b)[Math.floor(f.length * 0.95)] })),
  samples: { cold: cold.map(round), via_driver: viaDriver.map(round), open: open.map(round), create: create.map(round), scroll: scroll.map(round), memory_open: memoryOpen.map(round), memory: memory.map(round), memory_at_once: memoryAtOnce.map(round) },
}, null, 2));
