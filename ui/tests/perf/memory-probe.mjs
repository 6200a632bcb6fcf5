// Developer tool: where the memory of the app and its WebKit processes goes, with the big
// document open. Prints proportional set size (PSS, MiB) per process and its largest mappings
// at each stage. Env: SPANS, GLOSSA_APP, CREATES, CALLS, SCROLLS, SETTLE (ms to wait after
// scrolling), UNREGISTER, CLEAR (see below).
import { readFileSync } from "node:fs";
import { bigProject, selectForCreate } from "./big-project.mjs";
import { createTargets } from "./corpus.mjs";
import { app, launch } from "../e2e/driver.mjs";
import { processTree } from "./processes.mjs";

const { data, text } = bigProject({ spans: Number(process.env.SPANS ?? 10_000) });

/** PSS (KiB) of one process by mapping (library file name, or [anon], [heap], ...). */
function mappings(pid) {
  const by = new Map();
  let name = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] ? head[1].split("/").pop() : "[anon]";
      continue;
    }
    const pss = /^Pss:\s+(\d+)/.exec(line);
    if (pss) by.set(name, (by.get(name) ?? 0) + Number(pss[1]));
  }
  return by;
}

function report(stage) {
  const out = { stage, total_mib: 0, processes: [] };
  for (const p of processTree(app)) {
    const by = mappings(p.pid);
    const total = [...by.values()].reduce((a, b) => a + b, 0) / 1024;
    out.total_mib += total;
    const top = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 10))
      .map(([n, k]) => `${n} ${(k / 1024).toFixed(1)}`);
    out.processes.push({ cmd: p.cmd.split("/").pop(), mib: Math.round(total * 10) / 10, top });
  }
  out.total_mib = Math.round(out.total_mib * 10) / 10;
  console.log(JSON.stringify(out, null, 1));
}

const s = await launch(data);
const { browser } = s;
try {
  await (await browser.$("button=big")).waitForExist({ timeout: 30000 });
  await browser.pause(3000);
  report("documents list");
  await (await browser.$("button=big")).click();
  await (await browser.$(".text-scroll")).waitForExist({ timeout: 30000 });
  await browser.pause(4000);
  report("annotate, big document open");
  // CREATES: that many spans made as a person does (select a word with the mouse, press 3).
  for (const start of createTargets(text, Number(process.env.CREATES ?? 0))) {
    await selectForCreate(browser, text, start);
    await browser.keys("3");
    await browser.pause(300);
  }
  if (process.env.CREATES) {
    await browser.pause(3000);
    report(`after ${process.env.CREATES} creates`);
  }
  // CALLS: that many add_span and get_stats calls straight from the page (the backend's share).
  if (process.env.CALLS) {
    await browser.executeAsync(async (n, done) => {
      for (let i = 0; i < n; i++) {
        await window.__TAURI_INTERNALS__.invoke("add_span", { req: { doc_id: "big", revision: 1, start: 10 + i, end: 11 + i, label: "PERSON", layer: null, attrs: {}, note: null } });
        await window.__TAURI_INTERNALS__.invoke("get_stats");
      }
      done();
    }, Number(process.env.CALLS));
    await browser.pause(3000);
    report(`after ${process.env.CALLS} add_span and get_stats calls`);
  }
  // UNREGISTER: keep maintaining the highlights but take them out of the registry (nothing painted).
  if (process.env.UNREGISTER) await browser.execute(() => CSS.highlights.clear());
  await browser.setTimeout({ script: 120000 });
  // SCROLLS: how many passes from top to bottom (a report after each).
  for (let pass = 1; pass <= Number(process.env.SCROLLS ?? 1); pass++) {
    await browser.executeAsync((done) => {
      const el = document.querySelector(".text-scroll");
      el.scrollTop = 0;
      const step = () => {
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return done();
        el.scrollTop += Math.round(el.clientHeight * 0.9);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
    await browser.pause(4000);
    report(`scrolled to the end (pass ${pass})`);
  }
  if (process.env.SETTLE) {
    await browser.pause(Number(process.env.SETTLE));
    report(`scrolled, then ${process.env.SETTLE} ms idle`);
  }
  if (process.env.CLEAR) {
    await browser.execute(() => { document.querySelector(".text").textContent = ""; CSS.highlights?.clear(); });
    await browser.pause(8000);
    report("text DOM and highlights removed");
  }
} finally {
  // LOG: print what the app and WebKit wrote (e.g. with JSC_logGC=1, JavaScriptCore's collections).
  if (process.env.LOG) console.error(s.log());
  await s.close();
}
