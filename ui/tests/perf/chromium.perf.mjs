// Benchmark, headless Chromium against the built UI with the mock backend: a 1 MB document
// with 10,000 spans and 2,000 relations, label tags and arcs shown. Measures (medians over runs): time from opening the document to an
// interactive annotate screen (spans painted, the next frame drawn); creating one span from the
// key press to painted and persisted (the backend call answered); and scrolling the text from
// top to bottom (the longest frame). Prints JSON.
import { bigDocument, createTargets } from "./corpus.mjs";
import { addedSpanPainted, painted, spansPainted, watchPainted } from "../shared/paint.mjs";
import { dragSelect, nameAnnotator, start } from "../ui/chromium.mjs";

const RUNS = Number(process.env.RUNS ?? 5);
const { text, spans, relations } = bigDocument();
const chars = Array.from(text);
const seeded = spans.map((s, i) => ({ id: i + 1, uid: `s${i + 1}`, doc_id: "big", revision: 1, start: s.start, end: s.end,
  label: s.label, layer: "Ana", attrs: {}, note: null, author: "Ana", created: "", updated: "",
  text: chars.slice(s.start, s.end).join("") }));
const linked = relations.map((r, i) => ({ id: i + 1, gid: `r${i + 1}`, from: r.from + 1, to: r.to + 1, label: r.label, author: "Ana", created: "" }));
const seed = `window.__mockDocs = [{ id: "big", text: ${JSON.stringify(text)}, status: "todo" }];
window.__mockSpans = ${JSON.stringify(seeded)};
window.__mockRelations = ${JSON.stringify(linked)};`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const env = await start();
const open = [], create = [], scrollMax = [], shown = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const page = await env.newPage(seed);
    await nameAnnotator(page);
    await page.getByRole("button", { name: "big", exact: true }).waitFor();
    // The clock starts just before the click; the page itself watches for the painted screen.
    const t0 = await page.evaluate(`performance.clearMarks(); ${watchPainted(spansPainted)} performance.now()`);
    await page.getByRole("button", { name: "big", exact: true }).click();
    open.push((await page.evaluate(painted)) - t0);
    // Tags and arcs are drawn a frame after the spans: they count in what the screen shows.
    // (A build without the overlay, to compare against, draws neither.)
    await page.waitForFunction(() => !document.querySelector("[data-testid=overlay]") || document.querySelectorAll("[data-testid=relation-arc]").length > 0);
    shown.push(await page.evaluate(() => ({
      tags: document.querySelectorAll("[data-testid=span-tag]").length,
      arcs: document.querySelectorAll("[data-testid=relation-arc]").length,
    })));

    // One span: select a word, then time the key press to the repaint after the backend answered.
    const [s] = createTargets(text, 1);
    await dragSelect(page, text, s, s + 4);
    await page.getByTestId("label-picker").waitFor();
    // The clock starts when the key press reaches the page, and the page watches from then on
    // for the frame drawn with the new span (persisted: the backend answered the add).
    await page.evaluate(`performance.clearMarks(); window.__t0 = undefined;
      window.addEventListener("keydown", () => { window.__t0 = performance.now(); ${watchPainted(addedSpanPainted)} }, { capture: true, once: true });`);
    await page.keyboard.press("3");
    create.push((await page.evaluate(painted)) - (await page.evaluate(() => window.__t0)));

    // Scroll from top to bottom, most of a screen a frame (as with Page Down), and keep the longest frame.
    scrollMax.push(await page.evaluate(async () => {
      const el = document.querySelector(".text-scroll");
      el.scrollTop = 0;
      await new Promise((r) => requestAnimationFrame(r));
      let last = performance.now();
      let worst = 0;
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
        el.scrollTop += Math.round(el.clientHeight * 0.9);
        await new Promise((r) => requestAnimationFrame(r));
        const t = performance.now();
        worst = Math.max(worst, t - last);
        last = t;
      }
      return worst;
    }));
    await page.close();
  }
} finally {
  await env.close();
}
const round = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({
  where: "headless Chromium, mock backend",
  document: { bytes: Buffer.byteLength(text), codepoints: Array.from(text).length, spans: spans.length, relations: relations.length },
  drawn_after_open: shown[0],
  runs: RUNS,
  open_to_interactive_ms: round(median(open)),
  create_span_ms: round(median(create)),
  scroll_longest_frame_ms: round(median(scrollMax)),
  samples: { open: open.map(round), create: create.map(round), scroll: scrollMax.map(round) },
}, null, 2));
