// Developer tool, not a test: a CPU profile (Chrome DevTools protocol) of creating one span on
// the 1 MB / 10,000-span document in headless Chromium with the mock backend; prints self time
// by function. Build first: npm run build && npx vite build --config tests/ui/vite.mock.config.ts
// (for readable names, build the UI with --minify false). Run: node tests/perf/profile-create.mjs
import { bigDocument, createTargets } from "./corpus.mjs";
import { dragSelect, nameAnnotator, start } from "../ui/chromium.mjs";
const { text, spans } = bigDocument();
const chars = Array.from(text);
const seeded = spans.map((s, i) => ({ id: i + 1, uid: `s${i + 1}`, doc_id: "big", revision: 1, start: s.start, end: s.end,
  label: s.label, layer: "Ana", attrs: {}, note: null, author: "Ana", created: "", updated: "",
  text: chars.slice(s.start, s.end).join("") }));
const seed = `window.__mockDocs = [{ id: "big", text: ${JSON.stringify(text)}, status: "todo" }];
window.__mockSpans = ${JSON.stringify(seeded)};`;
const env = await start();
try {
  const page = await env.newPage(seed);
  await nameAnnotator(page);
  await page.getByRole("button", { name: "big", exact: true }).click();
  await page.evaluate(async () => { while (!performance.getEntriesByName("glossa:spans-painted").length) await new Promise((r) => setTimeout(r, 5)); });
  const [s] = createTargets(text, 1);
  await dragSelect(page, text, s, s + 4);
  await page.getByTestId("label-picker").waitFor();
  const client = await page.context().newCDPSession(page);
  await client.send("Profiler.enable");
  await client.send("Profiler.setSamplingInterval", { interval: 100 });
  await page.evaluate(() => { performance.clearMarks(); window.__calls.length = 0; });
  await client.send("Profiler.start");
  await page.keyboard.press("3");
  await page.evaluate(async () => {
    while (!(window.__calls.some((c) => c.cmd === "add_span") && performance.getEntriesByName("glossa:spans-painted").length)) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
  const { profile } = await client.send("Profiler.stop");
  const dt = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0) * dt);
  }
  console.log("total ms", (profile.endTime - profile.startTime) / 1000);
  console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ms  ${k}`).join("\n"));
} finally { await env.close(); }
