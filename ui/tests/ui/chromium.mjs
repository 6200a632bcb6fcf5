// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the built
// UI (ui/dist, served by vite preview on 127.0.0.1), with the mock backend injected first.
import { join, resolve } from "node:path";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { preview } from "vite";
import { pointInPage, where } from "../shared/positions.mjs";

export const ui = resolve(import.meta.dirname, "../..");
export const root = resolve(ui, "..");
export const shots = join(ui, "tests/screenshots");
mkdirSync(shots, { recursive: true });

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Serves ui/dist and starts Chromium; returns { newPage, close }. */
export async function start() {
  const server = await preview({ root: ui, logLevel: "error", preview: { host: "127.0.0.1", port: 0, strictPort: false } });
  const url = server.resolvedUrls.local[0];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: FLAGS });
  /** A page with the mock backend; `before` runs in the page before the mock (to seed it). */
  async function newPage(before) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    page.on("pageerror", (e) => console.error("page error:", e));
    if (before) await page.addInitScript(before);
    await page.addInitScript({ path: join(ui, ".test-build/mock/mock.js") });
    await page.goto(url);
    return page;
  }
  async function close() {
    await browser.close();
    await new Promise((r) => server.httpServer.close(r));
  }
  return { newPage, close };
}

/** Names the annotator in the first-run prompt. */
export async function nameAnnotator(page, name = "Ana") {
  await page.getByTestId("author-name").fill(name);
  await page.getByRole("button", { name: "Start annotating" }).click();
}

/** Opens a document from the Documents screen. */
export async function openDocument(page, title) {
  await page.getByRole("button", { name: "Documents" }).click();
  await page.getByRole("button", { name: title, exact: true }).click();
  await page.getByTestId("doc-text").locator("p").first().waitFor();
}

/** Drags the mouse across code points `[start, end)` of `text`. */
export async function dragSelect(page, text, start, end) {
  const a = where(text, start);
  const b = where(text, end);
  const p1 = await page.evaluate(pointInPage, [a.para, a.off, false]);
  const p2 = await page.evaluate(pointInPage, [b.para, b.off, true]);
  await page.mouse.move(p1.x, p1.y);
  await page.mouse.down();
  await page.mouse.move(p2.x, p2.y, { steps: 5 });
  await page.mouse.up();
}

/** Clicks code point `cp` of `text`. */
export async function clickAt(page, text, cp) {
  const a = where(text, cp);
  const p = await page.evaluate(pointInPage, [a.para, a.off, false]);
  await page.mouse.click(p.x + 2, p.y);
}

/** The calls the mock backend received for `cmd`. */
export function calls(page, cmd) {
  return page.evaluate((c) => window.__calls.filter((x) => x.cmd === c).map((x) => x.args), cmd);
}
