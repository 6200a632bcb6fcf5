// The real-window benchmarks' setup: an app-data folder whose recent project holds the
// benchmark document (corpus.mjs) as annotator Ana's spans, written through the glossa CLI;
// and the mouse selection each benchmark create starts from.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigDocument } from "./corpus.mjs";
import { dataDir, dragSelect, glossa } from "../e2e/driver.mjs";

/** Returns { text, spans, data, project }; `options` go to bigDocument. */
export function bigProject(options) {
  const { text, spans, relations } = bigDocument(options);
  const data = dataDir();
  const project = join(data, "big.glossa");
  const jsonl = join(data, "big.jsonl");
  const doc = {
    id: "big",
    text,
    spans: spans.map((s, i) => ({ id: `s${i}`, ...s, layer: "Ana", author: "Ana" })),
    relations: relations.map((r) => ({ from: `s${r.from}`, to: `s${r.to}`, label: r.label, author: "Ana" })),
  };
  writeFileSync(jsonl, JSON.stringify(doc) + "\n");
  glossa("init", project);
  glossa("import", project, jsonl);
  mkdirSync(join(data, "org.glossa.app"), { recursive: true });
  writeFileSync(join(data, "org.glossa.app", "settings.json"), JSON.stringify({ author: "Ana", recent: [project] }));
  return { text, spans, relations, data, project };
}

/** Selects code points `[start, start + 4)` of `text` with the mouse and waits for the label picker. */
export async function selectForCreate(browser, text, start) {
  await dragSelect(browser, text, start, start + 4);
  await (await browser.$("[data-testid=label-picker]")).waitForExist({ timeout: 5000 });
}
