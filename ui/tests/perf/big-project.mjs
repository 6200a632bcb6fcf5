// The real-window benchmarks' setup: an app-data folder whose recent project holds the
// benchmark document (corpus.mjs) as annotator Ana's spans, written through the glossa CLI.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigDocument } from "./corpus.mjs";
import { dataDir, glossa } from "../e2e/driver.mjs";

/** Returns { text, spans, data, project }; `options` go to bigDocument. */
export function bigProject(options) {
  const { text, spans } = bigDocument(options);
  const data = dataDir();
  const project = join(data, "big.glossa");
  const jsonl = join(data, "big.jsonl");
  writeFileSync(jsonl, JSON.stringify({ id: "big", text, spans: spans.map((s) => ({ ...s, layer: "Ana", author: "Ana" })) }) + "\n");
  glossa("init", project);
  glossa("import", project, jsonl);
  mkdirSync(join(data, "org.glossa.app"), { recursive: true });
  writeFileSync(join(data, "org.glossa.app", "settings.json"), JSON.stringify({ author: "Ana", recent: [project] }));
  return { text, spans, data, project };
}
