// Developer tool: the frames around creating a span in the real window. For each create,
// prints the marks (ms after the key press reached the page) and each animation frame's start
// and the end of its drawing (task after the frame).
import { bigProject, selectForCreate } from "./big-project.mjs";
import { createTargets } from "./corpus.mjs";
import { launch } from "../e2e/driver.mjs";
import { painted, spansPainted, watchPainted } from "../shared/paint.mjs";

const { text, data } = bigProject({ spans: Number(process.env.SPANS ?? 10_000) });
const s = await launch(data);
const { browser } = s;
try {
  await (await browser.$("button=big")).waitForExist({ timeout: 30000 });
  await browser.execute(watchPainted(spansPainted));
  await (await browser.$("button=big")).click();
  await browser.executeAsync(`const done = arguments[0]; ${painted}.then(done);`);
  await browser.pause(2000);
  for (const start of createTargets(text, Number(process.env.CREATES ?? 10))) {
    await selectForCreate(browser, text, start);
    await browser.pause(Number(process.env.PAUSE ?? 300));
    await browser.execute(() => {
      performance.clearMarks();
      window.__t0 = undefined;
      window.__frames = [];
      window.addEventListener("keydown", () => {
        window.__t0 = performance.now();
        const frame = () => {
          const f = { raf: performance.now() - window.__t0 };
          window.__frames.push(f);
          const c = new MessageChannel();
          c.port1.onmessage = () => (f.drawn = performance.now() - window.__t0);
          c.port2.postMessage(0);
          if (f.raf < 200) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }, { capture: true, once: true });
    });
    await browser.keys("3");
    await browser.pause(400);
    const out = await browser.execute(() => ({
      marks: performance.getEntriesByType("mark").map((m) => `${m.name.replace("glossa:", "")}@${Math.round(m.startTime - window.__t0)}`),
      frames: window.__frames.map((f) => `${Math.round(f.raf)}-${Math.round(f.drawn)}`),
    }));
    console.log(out.marks.join(" "), "|", out.frames.join(" "));
  }
} finally {
  await s.close();
}
