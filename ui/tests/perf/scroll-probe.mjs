// Developer tool: scroll frame times in the real window for variants of the document and
// of the text view's CSS. Env: SPANS, DROP (comma-separated words left out of the corpus),
// CSS (extra rules applied at run time), GLOSSA_APP.
import { bigProject } from "./big-project.mjs";
import { launch } from "../e2e/driver.mjs";

const drop = (process.env.DROP ?? "").split(",").filter(Boolean);
const { spans, data } = bigProject({ spans: Number(process.env.SPANS ?? 10_000), drop });
const s = await launch(data);
const { browser } = s;
try {
  await (await browser.$("button=big")).waitForExist({ timeout: 30000 });
  await (await browser.$("button=big")).click();
  await (await browser.$(".text-scroll")).waitForExist({ timeout: 30000 });
  await browser.pause(1500);
  if (process.env.CSS) await browser.execute((css) => { const sh = new CSSStyleSheet(); sh.replaceSync(css); document.adoptedStyleSheets = [...document.adoptedStyleSheets, sh]; }, process.env.CSS);
  await browser.setTimeout({ script: 120000 });
  for (let r = 0; r < Number(process.env.RUNS ?? 2); r++) {
    const frames = await browser.executeAsync((done) => {
      const el = document.querySelector(".text-scroll");
      el.scrollTop = 0;
      let last = performance.now();
      const frames = [];
      const step = () => {
        const t = performance.now();
        frames.push(Math.round(t - last));
        last = t;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 || frames.length > 300) return done(frames);
        el.scrollTop += Math.round(el.clientHeight * 0.9);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(() => { last = performance.now(); requestAnimationFrame(step); });
    });
    const sorted = [...frames].sort((a, b) => a - b);
    const q = (p) => sorted[Math.floor((sorted.length - 1) * p)];
    console.log(JSON.stringify({ drop, css: process.env.CSS ?? "", spans: spans.length, frames: frames.length, p50: q(0.5), p95: q(0.95), max: q(1) }));
  }
  if (process.env.HOLD) await browser.pause(Number(process.env.HOLD));
} finally {
  await s.close();
}
