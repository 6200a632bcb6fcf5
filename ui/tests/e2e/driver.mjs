// Starts the built Glossa app under tauri-driver (WebKitWebDriver) and connects WebdriverIO.
// The caller runs inside Xvfb (xvfb-run); every session gets the app-data folder it is given.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { remote } from "webdriverio";
import { pointInPage, where } from "../shared/positions.mjs";
import { afterNextPaint } from "../shared/paint.mjs";

export const root = resolve(import.meta.dirname, "../../..");
export const app = process.env.GLOSSA_APP ?? join(root, "target/debug/glossa-app");
export const cli = process.env.GLOSSA_CLI ?? join(root, "target/debug/glossa");
export const shots = join(root, "ui/tests/screenshots");
mkdirSync(shots, { recursive: true });

let port = 4444;

/** A fresh app-data folder. */
export function dataDir() {
  return mkdtempSync(join(tmpdir(), "glossa-e2e-"));
}

/** The default project inside an app-data folder. */
export function defaultProject(data) {
  return join(data, "org.glossa.app", "default.glossa");
}

/** Launches the app with `data` as XDG_DATA_HOME; returns { browser, close }. */
export async function launch(data) {
  const p = port;
  port += 2; // tauri-driver's own WebKitWebDriver listens on the next port
  const driver = spawn("tauri-driver", ["--port", String(p), "--native-port", String(p + 1)], {
    env: { ...process.env, XDG_DATA_HOME: data },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (d) => (log = (log + d).slice(-20000));
  driver.stdout.on("data", keep);
  driver.stderr.on("data", keep);
  await new Promise((r) => setTimeout(r, 800));
  try {
    const browser = await remote({
      hostname: "127.0.0.1",
      port: p,
      logLevel: "error",
      connectionRetryTimeout: Number(process.env.WDIO_TIMEOUT ?? 30000),
      connectionRetryCount: 1,
      capabilities: { "tauri:options": { application: app } },
    });
    const close = async () => {
      await browser.deleteSession().catch(() => {});
      driver.kill();
    };
    return { browser, close, log: () => log };
  } catch (e) {
    driver.kill();
    throw new Error(`could not start the app: ${e}\n--- tauri-driver log\n${log}`);
  }
}

/** Runs the glossa CLI, returning stdout (throws on failure). */
export function glossa(...args) {
  const r = spawnSync(cli, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`glossa ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Viewport coordinates of code point `cp`'s leading edge (or, with `before`, trailing edge of the one before). */
async function pixel(browser, text, cp, before) {
  const { para, off } = where(text, cp);
  return browser.execute(`return (${pointInPage})(arguments[0])`, [para, off, before]);
}

/** Drags the real mouse (WebDriver pointer input) across `[start, end)` code points of `text`. */
export async function dragSelect(browser, text, start, end) {
  const a = await pixel(browser, text, start, false);
  const b = await pixel(browser, text, end, true);
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ x: a.x, y: a.y })
    .down({ button: 0 })
    .move({ x: b.x, y: b.y, duration: 150 })
    .up({ button: 0 })
    .perform();
}

/** Clicks the character at code point `cp` of `text`. */
export async function clickAt(browser, text, cp) {
  const pt = await pixel(browser, text, cp, false);
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ x: pt.x + 2, y: pt.y })
    .down({ button: 0 })
    .up({ button: 0 })
    .perform();
}

/**
 * Saves what the person sees: the app window's pixels on the X screen (ImageMagick `import`),
 * once the page has drawn its next frame. Not WebDriver's screenshot: WebKit's snapshot waits
 * for a presentation update that WebKitGTK's CPU drawing (the app's choice without a GPU,
 * src-tauri/src/rendering.rs) does not always send, and then hangs.
 */
export async function screenshot(browser, file) {
  await browser.executeAsync(`const done = arguments[arguments.length - 1]; ${afterNextPaint}.then(() => setTimeout(done, 50));`);
  const { x, y, width, height } = await browser.getWindowRect();
  execFileSync("import", ["-window", "root", "-crop", `${width}x${height}+${x}+${y}`, "+repage", file]);
}
