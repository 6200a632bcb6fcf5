// The real window, end to end: the built app under tauri-driver and Xvfb, driven as a person
// would (real pointer drags and key presses), checked through the UI and through `glossa
// export` of the project file the app writes.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clickAt, dataDir, defaultProject, dragSelect, glossa, launch, root, screenshot, shots } from "./driver.mjs";

const article = readFileSync(join(root, "tests/fixtures/kursk-dprk-pows.txt"), "utf8");
const tricky = readFileSync(join(root, "tests/fixtures/tricky.txt"), "utf8");
const cps = (s) => Array.from(s);
const data = dataDir();
const sessions = [];
after(async () => {
  for (const s of sessions) await s.close();
});

async function open(docTitle, browser) {
  await (await browser.$("button=Documents")).click();
  const link = await browser.$(`button=${docTitle}`);
  await link.waitForExist({ timeout: 10000 });
  await link.click();
  await (await browser.$("[data-testid=doc-text] p")).waitForExist({ timeout: 10000 });
}

async function spanTexts(browser) {
  return browser.execute(() => [...document.querySelectorAll("[data-testid=span-list] .entry")].map((e) => e.textContent));
}

async function relationCount(browser) {
  return browser.execute(() => document.querySelectorAll("[data-testid=relation-list] li:not(.muted)").length);
}

function exported(layer) {
  return glossa("export", defaultProject(data), "--format", "jsonl", "--layer", layer)
    .trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

test("first run: the default project opens and asks the annotator's name once", async () => {
  const s = await launch(data);
  sessions.push(s);
  const { browser } = s;
  const name = await browser.$("[data-testid=author-name]");
  await name.waitForExist({ timeout: 20000 });
  await screenshot(browser, join(shots, "first-run.png"));
  await name.setValue("Ana");
  await (await browser.$("button=Start annotating")).click();
  await (await browser.$("[data-testid=author]")).waitUntil(async function () {
    return (await this.getText()) === "Ana";
  });
  const docs = await browser.execute(() => [...document.querySelectorAll("[data-testid=doc-link]")].map((b) => b.textContent));
  assert.deepEqual(docs, ["kursk-dprk-pows", "tricky"]);
  await screenshot(browser, join(shots, "documents.png"));
});

test("select text, apply labels by hotkey, set a CLAIM attribute, link it to its source", async () => {
  const { browser } = sessions[0];
  await open("kursk-dprk-pows", browser);
  // "Volodymyr Zelenskyy" (1428..1447): drag across it, press 1 (PERSON).
  await dragSelect(browser, article, 1428, 1447);
  await (await browser.$("[data-testid=label-picker]")).waitForExist({ timeout: 5000 });
  await browser.keys("1");
  await browser.waitUntil(async () => (await spanTexts(browser)).includes("Volodymyr Zelenskyy"), { timeout: 5000 });
  // The claim after "noting that" (1488..1600), dragged from inside its first word to inside
  // its last: selection snaps to whole words. Press c (CLAIM).
  await dragSelect(browser, article, 1490, 1598);
  await browser.keys("c");
  const claim = "Russian or North Korean forces often kill wounded North Korean soldiers to cover up their involvement in the war";
  await browser.waitUntil(async () => (await spanTexts(browser)).includes(claim), { timeout: 5000 });
  // The new claim is selected: its attributes are proper controls.
  const worth = await browser.$("[data-attr=checkworthiness] select");
  await worth.selectByAttribute("value", "CFS");
  await browser.waitUntil(async () => exported("Ana")[0]?.spans.some((s) => s.attrs?.checkworthiness === "CFS"), { timeout: 5000 });
  // r, then click the PERSON span: ATTRIBUTED_TO.
  await browser.keys("r");
  await clickAt(browser, article, 1432);
  // Several relation types fit: the chooser asks; 1 is ATTRIBUTED_TO.
  await (await browser.$("[data-testid=relation-chooser]")).waitForExist({ timeout: 5000 });
  await browser.keys("1");
  await browser.waitUntil(async () => (await relationCount(browser)) === 1, { timeout: 5000 });
  await screenshot(browser, join(shots, "annotate.png"));

  const doc = exported("Ana").find((d) => d.id === "kursk-dprk-pows");
  const person = doc.spans.find((s) => s.label === "PERSON");
  const claimSpan = doc.spans.find((s) => s.label === "CLAIM");
  assert.deepEqual([person.start, person.end, person.text], [1428, 1447, "Volodymyr Zelenskyy"]);
  assert.deepEqual([claimSpan.start, claimSpan.end], [1488, 1600]);
  assert.equal(claimSpan.attrs.checkworthiness, "CFS");
  assert.deepEqual(doc.relations.map((r) => [r.from, r.to, r.label]), [[claimSpan.id, person.id, "ATTRIBUTED_TO"]]);
});

test("labels are tags in the text without hovering; the relation is an arc, and a click on it selects it", async () => {
  const { browser } = sessions[0];
  await browser.waitUntil(async () => (await browser.execute(() => document.querySelectorAll("[data-testid=span-tag]").length)) >= 2, { timeout: 5000 });
  const tags = await browser.execute(() => [...document.querySelectorAll("[data-testid=span-tag]")].map((t) => t.textContent));
  assert.deepEqual(tags.sort(), ["CLAIM", "PERSON"]);
  // A point on the arc's line, on screen: the real pointer clicks it.
  const pt = await browser.execute(() => {
    const path = document.querySelector("[data-testid=relation-arc] path.line");
    const svg = path.ownerSVGElement.getBoundingClientRect();
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    return { x: Math.round(svg.left + p.x), y: Math.round(svg.top + p.y) };
  });
  await browser.action("pointer", { parameters: { pointerType: "mouse" } }).move({ x: pt.x, y: pt.y }).down({ button: 0 }).up({ button: 0 }).perform();
  const panel = await browser.$("[data-testid=relation-panel]");
  await panel.waitForExist({ timeout: 5000 });
  assert.match(await panel.getText(), /ATTRIBUTED_TO/);
  assert.equal(await browser.execute(() => document.querySelector("[data-testid=relation-arc]").classList.contains("chosen")), true);
  await browser.keys("Escape");
});

test("undo and redo through the operation log", async () => {
  const { browser } = sessions[0];
  await (await browser.$("[data-testid=doc-text]")).click();
  await browser.keys(["Control", "z"]);
  await browser.waitUntil(async () => (await relationCount(browser)) === 0, { timeout: 5000 });
  await browser.keys(["Control", "Shift", "z"]);
  await browser.waitUntil(async () => (await relationCount(browser)) === 1, { timeout: 5000 });
  assert.equal(exported("Ana")[0].relations.length, 1);
});

test("quit and relaunch: everything is still there, and the name is remembered", async () => {
  await sessions.shift().close();
  const s = await launch(data);
  sessions.push(s);
  const { browser } = s;
  await (await browser.$("[data-testid=doc-link]")).waitForExist({ timeout: 20000 });
  assert.equal(await (await browser.$("[data-testid=author-name]")).isExisting(), false);
  await open("kursk-dprk-pows", browser);
  await browser.waitUntil(async () => (await spanTexts(browser)).length === 2, { timeout: 5000 });
  assert.equal(await relationCount(browser), 1);
});

test("the tricky Unicode document: exact code-point offsets in glossa export", async () => {
  const { browser } = sessions[0];
  await open("tricky", browser);
  const want = [
    [13, 16, "1", "김정은"],
    [194, 226, "c", "500 soldiers crossed the border."],
    [240, 250, "1", "Zelenskyy\u0301"],
    [277, 284, "1", "المتحدث"], // right to left: dragged from its right edge to its left
    [315, 319, "2", "NATO"],
  ];
  for (const [start, end, key] of want) {
    await dragSelect(browser, tricky, start, end);
    await browser.keys(key);
    await browser.pause(300);
  }
  await screenshot(browser, join(shots, "tricky.png"));
  const doc = exported("Ana").find((d) => d.id === "tricky");
  assert.equal(doc.text, tricky);
  const got = doc.spans.map((s) => [s.start, s.end, s.text]);
  for (const s of doc.spans) assert.equal(cps(doc.text).slice(s.start, s.end).join(""), s.text);
  assert.deepEqual(got, want.map(([a, b, , t]) => [a, b, t]));
});

test("document text is never HTML: markup in a document stays literal and runs nothing", async () => {
  const { browser } = sessions[0];
  const evil = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> </span><b>bold?</b> & done';
  const file = join(data, "xss.jsonl");
  writeFileSync(file, JSON.stringify({ id: "xss", text: evil }) + "\n");
  glossa("import", defaultProject(data), file);
  await open("xss", browser);
  const result = await browser.execute(() => {
    const text = document.querySelector("[data-testid=doc-text]");
    return {
      elements: [...text.querySelectorAll("*")].map((e) => e.tagName),
      content: text.textContent,
      xss: window.__xss ?? null,
      imgs: document.querySelectorAll("img").length,
    };
  });
  assert.deepEqual(result.elements, ["DIV", "P"]);
  assert.equal(result.content, evil);
  assert.equal(result.xss, null);
  assert.equal(result.imgs, 0);
  await screenshot(browser, join(shots, "xss.png"));
});

test("a long import reports its progress to the window through the real channel", async () => {
  const { browser } = sessions[0];
  const file = join(data, "many.jsonl");
  writeFileSync(file, Array.from({ length: 600 }, (_, i) => JSON.stringify({ id: `many-${i}`, text: `Document ${i} in Kyiv.` })).join("\n") + "\n");
  // The command as the import dialog calls it, with a channel of our own to listen on.
  const got = await browser.executeAsync((path, done) => {
    const seen = [];
    const t = window.__TAURI_INTERNALS__;
    const id = t.transformCallback((m) => ("message" in m ? seen.push(m.message) : null));
    t.invoke("import_files", { paths: [path], options: { format: "auto", author: "Ana", skip_invalid: false, update: false }, onProgress: `__CHANNEL__:${id}` })
      .then((report) => setTimeout(() => done({ report, seen }), 200), (e) => done({ error: String(e?.message ?? e), seen }));
  }, file);
  assert.equal(got.error, undefined);
  assert.equal(got.report.counts.documents, 600);
  assert.deepEqual(got.seen.map((p) => p.documents), [256, 512, 600]);
  assert.equal(got.seen.at(-1).bytes_done, got.seen.at(-1).bytes_total);
});

test("the text changes under the window: the edit made on the old text is refused, the window reloads", async () => {
  const { browser } = sessions[0];
  const file = join(data, "changing.txt");
  const before = "Kim met Putin in Kyiv on Monday.";
  const after = "On Monday, Kim met Vladimir Putin in Kyiv.";
  writeFileSync(file, before);
  glossa("import", defaultProject(data), file);
  await open("changing", browser);
  // Another program (here the CLI) gives the document a new revision meanwhile.
  writeFileSync(file, after);
  glossa("import", defaultProject(data), file, "--update");
  // The window still shows the old text: "Putin" there is 8..13.
  await dragSelect(browser, before, 8, 13);
  await browser.keys("1");
  const message = await browser.$("[data-testid=message]");
  await message.waitForExist({ timeout: 5000 });
  assert.match(await message.getText(), /changed.*reloaded/);
  // The backend's document-changed event reloads the document: the new text shows, and
  // nothing was stored on it.
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector("[data-testid=doc-text]").textContent)) === after,
    { timeout: 5000 },
  );
  assert.equal(exported("Ana").find((d) => d.id === "changing").spans.length, 0);
  // The same edit on the new text lands on its words.
  await dragSelect(browser, after, 28, 33);
  await browser.keys("1");
  await browser.waitUntil(async () => exported("Ana").find((d) => d.id === "changing").spans.length === 1, { timeout: 5000 });
  const span = exported("Ana").find((d) => d.id === "changing").spans[0];
  assert.deepEqual([span.start, span.end, span.text], [28, 33, "Putin"]);
});

// Issue 13's defects, each as a person meets it.
const keysText = ["NATO met Kim in Kyiv on Monday.", ...Array.from({ length: 120 }, (_, i) => `Filler line ${i} about nothing at all.`), "The end."].join("\n");

async function messageText(browser) {
  return browser.execute(() => document.querySelector("[data-testid=message]")?.textContent ?? null);
}

function keysSpans() {
  return exported("Ana").find((d) => d.id === "keys").spans.map((s) => [s.start, s.end, s.label]);
}

test("undoing a new span leaves no error behind; a label key relabels only a span on screen, and says so", async () => {
  const { browser } = sessions[0];
  const file = join(data, "keys.txt");
  writeFileSync(file, keysText);
  glossa("import", defaultProject(data), file);
  await open("keys", browser);
  await dragSelect(browser, keysText, 0, 4);
  await browser.keys("3");
  await browser.waitUntil(async () => keysSpans().length === 1, { timeout: 5000 });
  // Undo the span just made: the panel must not go looking for it.
  await browser.keys(["Control", "z"]);
  await browser.waitUntil(async () => keysSpans().length === 0, { timeout: 5000 });
  await browser.pause(500);
  assert.doesNotMatch((await messageText(browser)) ?? "", /not found/);
  assert.equal(await browser.execute(() => document.querySelector("[data-testid=message].error")), null);
  // Made again, it is selected. Scrolled off screen, a label key changes nothing.
  await dragSelect(browser, keysText, 0, 4);
  await browser.keys("3");
  await browser.waitUntil(async () => keysSpans().length === 1, { timeout: 5000 });
  await browser.execute(() => {
    const pane = document.querySelector(".text-scroll");
    pane.scrollTop = pane.scrollHeight;
  });
  await browser.pause(300);
  await browser.keys("2");
  await browser.pause(500);
  assert.deepEqual(keysSpans(), [[0, 4, "GPE"]]);
  assert.match(await messageText(browser), /off screen/);
  // j brings it back; now the key relabels it and the message says what changed, with undo.
  await browser.keys("j");
  await browser.pause(300);
  await browser.keys("2");
  await browser.waitUntil(async () => keysSpans()[0]?.[2] === "ORG", { timeout: 5000 });
  assert.match(await messageText(browser), /NATO: GPE → ORG/);
  await screenshot(browser, join(shots, "relabel-message.png"));
  await (await browser.$("[data-testid=message-action]")).click();

  await browser.waitUntil(async () => keysSpans()[0]?.[2] === "GPE", { timeout: 5000 });
});

test("after a delete nothing is selected, so a second Delete removes nothing", async () => {
  const { browser } = sessions[0];
  await dragSelect(browser, keysText, 9, 12);
  await browser.keys("1");
  await browser.waitUntil(async () => keysSpans().length === 2, { timeout: 5000 });
  await clickAt(browser, keysText, 1);
  await (await browser.$("[data-testid=span-panel]")).waitForExist({ timeout: 5000 });
  await browser.keys("Delete");
  await browser.waitUntil(async () => keysSpans().length === 1, { timeout: 5000 });
  assert.equal(await (await browser.$("[data-testid=span-panel]")).isExisting(), false);
  await browser.keys("Delete");
  await browser.pause(500);
  assert.deepEqual(keysSpans(), [[9, 12, "PERSON"]]);
});

test("a message belongs to the screen and document it happened in", async () => {
  const { browser } = sessions[0];
  // Gold is read-only here: tagging there is refused with an error.
  await (await browser.$("[data-testid=layer-select]")).selectByAttribute("value", "gold");
  await dragSelect(browser, keysText, 16, 20);
  await browser.keys("3");
  await (await browser.$("[data-testid=message].error")).waitForExist({ timeout: 5000 });
  await open("changing", browser);
  await browser.pause(300);
  assert.equal(await messageText(browser), null);
  await open("keys", browser);
  await browser.pause(300);
  assert.equal(await messageText(browser), null);
});

test("the export report counts the spans the file holds", async () => {
  const { browser } = sessions[0];
  // Overlapping spans: CoNLL keeps one of them.
  await dragSelect(browser, keysText, 0, 12);
  await browser.keys("2");
  await browser.waitUntil(async () => keysSpans().length === 2, { timeout: 5000 });
  await (await browser.$("button=Export…")).click();
  await (await browser.$("[data-testid=export-format]")).selectByAttribute("value", "conll");
  const out = join(data, "keys.conll");
  await (await browser.$("[data-testid=export-path]")).setValue(out);
  await (await browser.$("[data-testid=run-export]")).click();
  const report = await browser.$("[data-testid=io-report]");
  await report.waitForExist({ timeout: 10000 });
  const begins = readFileSync(out, "utf8").split("\n").filter((l) => /\sB-\S+$/.test(l)).length;
  const said = Number((await report.getText()).match(/\((\d+) spans?,/)?.[1]);
  assert.equal(said, begins);
  await (await browser.$("button=Close")).click();
});

test("an export with filters writes exactly the chosen documents and spans", async () => {
  const { browser } = sessions[0];
  await (await browser.$("button=Export…")).click();
  await (await browser.$("[data-testid=export-format]")).selectByAttribute("value", "jsonl");
  await (await browser.$("[data-testid=export-layer]")).selectByAttribute("value", "Ana");
  await (await browser.$("[data-testid=pick-docs]")).click();
  await (await browser.$("[data-testid=doc-picks] input[value=keys]")).click();
  await (await browser.$("[data-testid=only-annotated]")).click();
  const out = join(data, "keys-only.jsonl");
  const path = await browser.$("[data-testid=export-path]");
  await path.clearValue();
  await path.setValue(out);
  await (await browser.$("[data-testid=run-export]")).click();
  await (await browser.$("[data-testid=io-report]")).waitForExist({ timeout: 10000 });
  const docs = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(docs.map((d) => d.id), ["keys"]);
  assert.deepEqual(
    docs[0].spans.map((s) => [s.start, s.end, s.label, s.layer]),
    keysSpans().map(([a, b, l]) => [a, b, l, "Ana"]),
  );
  assert.match(await (await browser.$("[data-testid=io-report]")).getText(), /^Exported 1 document \(2 spans, 0 relations\)/);
  await screenshot(browser, join(shots, "export-dialog.png"));
  await (await browser.$("button=Close")).click();
});

test("import counts are worded for their number", async () => {
  const { browser } = sessions[0];
  const file = join(data, "one.txt");
  writeFileSync(file, "One more document.");
  await (await browser.$("button=Import…")).click();
  await (await browser.$("[data-testid=import-path]")).setValue(file);
  await browser.keys("Enter");
  await (await browser.$("[data-testid=run-import]")).click();
  const report = await browser.$("[data-testid=io-report]");
  await report.waitForExist({ timeout: 10000 });
  assert.match(await report.getText(), /^Imported 1 new document \(0 spans, 0 relations\) from 1 file/);
  await (await browser.$("button=Close")).click();
});

test("renaming a label moves every span and the schema, and one Undo takes it back", async () => {
  const { browser } = sessions[0];
  const labelsIn = () => exported("all").flatMap((d) => d.spans.map((s) => s.label));
  const persons = labelsIn().filter((l) => l === "PERSON").length;
  assert.ok(persons >= 2);
  await (await browser.$("button=Schema")).click();
  await (await browser.$("tr[data-label=PERSON] [data-testid=rename-label]")).click();
  const name = await browser.$("[data-testid=rename-form] input");
  await name.clearValue();
  await name.setValue("PER");
  await (await browser.$("[data-testid=rename-form] button[type=submit]")).click();
  await browser.waitUntil(async () => !labelsIn().includes("PERSON"), { timeout: 5000 });
  assert.equal(labelsIn().filter((l) => l === "PER").length, persons);
  assert.match(await messageText(browser), /^Renamed PERSON → PER: \d+ spans in \d+ documents/);
  await (await browser.$("tr[data-label=PER]")).waitForExist({ timeout: 5000 });
  await screenshot(browser, join(shots, "schema-rename.png"));
  await (await browser.$("[data-testid=message-action]")).click();
  await browser.waitUntil(async () => labelsIn().filter((l) => l === "PERSON").length === persons, { timeout: 5000 });
  assert.ok(!labelsIn().includes("PER"));
  await (await browser.$("tr[data-label=PERSON]")).waitForExist({ timeout: 5000 });
  const schemaFile = join(data, "schema-after-undo.json");
  glossa("schema", defaultProject(data), "--export", schemaFile);
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  assert.ok(schema.labels.some((l) => l.name === "PERSON") && !schema.labels.some((l) => l.name === "PER"));
});
