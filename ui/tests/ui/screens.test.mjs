// The UI in headless Chromium with mocked IPC: every screen, the keyboard flows, exact
// offsets on the tricky document, and document text that is never HTML. Screenshots of each
// screen land in ui/tests/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { calls, clickAt, dragSelect, nameAnnotator, openDocument, root, shots, start } from "./chromium.mjs";

const article = readFileSync(join(root, "tests/fixtures/kursk-dprk-pows.txt"), "utf8");
const tricky = readFileSync(join(root, "tests/fixtures/tricky.txt"), "utf8");
let env;
before(async () => (env = await start()));
after(async () => env?.close());

const listed = (page) => page.getByTestId("span-list").locator(".entry").allTextContents();

test("first run asks for a name; the document list shows status, counts and filters", async () => {
  const page = await env.newPage();
  await page.getByTestId("author-name").waitFor();
  await page.screenshot({ path: join(shots, "ui-first-run.png") });
  await nameAnnotator(page);
  await page.getByTestId("doc-link").first().waitFor();
  assert.deepEqual(await page.getByTestId("doc-link").allTextContents(), ["kursk-dprk-pows", "tricky"]);
  await page.getByTestId("doc-filter").fill("tri");
  assert.deepEqual(await page.getByTestId("doc-link").allTextContents(), ["tricky"]);
  await page.getByTestId("doc-filter").fill("");
  await page.screenshot({ path: join(shots, "ui-documents.png") });
  assert.deepEqual(await calls(page, "set_author"), [{ name: "Ana" }]);
});

test("annotate by keyboard: label, next/previous, attribute, relation, delete, undo, redo, done", async () => {
  const page = await env.newPage();
  await nameAnnotator(page);
  await openDocument(page, "kursk-dprk-pows");
  await dragSelect(page, article, 1428, 1447);
  await page.getByTestId("label-picker").waitFor();
  // The picker says what a label marks, from the schema.
  await page.getByTestId("label-picker").locator("[data-label=NORP]").hover();
  assert.equal(await page.getByTestId("picker-description").textContent(), "NORP: Nationalities, religious or political groups.");
  await page.keyboard.press("1");
  await page.getByTestId("span-list").getByText("Volodymyr Zelenskyy").waitFor();
  await dragSelect(page, article, 1490, 1598);
  await page.keyboard.press("c");
  const claim = "Russian or North Korean forces often kill wounded North Korean soldiers to cover up their involvement in the war";
  await page.getByTestId("span-list").getByText(claim).waitFor();
  assert.deepEqual((await calls(page, "add_span")).map((a) => [a.req.start, a.req.end, a.req.label]), [
    [1428, 1447, "PERSON"],
    [1488, 1600, "CLAIM"],
  ]);
  // The claim's attributes are proper controls.
  await page.locator("[data-attr=checkworthiness] select").selectOption("CFS");
  await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "update_span" && c.args.patch.attrs?.checkworthiness === "CFS"));
  // r, then pick the source: ATTRIBUTED_TO.
  await page.keyboard.press("r");
  await clickAt(page, article, 1432);
  // Three relation types fit a CLAIM and a PERSON: the chooser asks, titled with both spans.
  const chooser = page.getByTestId("relation-chooser");
  await chooser.waitFor();
  assert.equal(
    await chooser.getByRole("heading").textContent(),
    "CLAIM “Russian or North Korean forces often…” → PERSON “Volodymyr Zelenskyy”: which relation?",
  );
  assert.deepEqual(await chooser.locator("[data-relation-type]").allTextContents(), ["ATTRIBUTED_TO 1", "ABOUT 2", "CUE 3"]);
  await page.keyboard.press("1");
  await page.getByTestId("relation-list").getByText("ATTRIBUTED_TO").waitFor();
  assert.deepEqual((await calls(page, "add_relation")).map((a) => a.label), ["ATTRIBUTED_TO"]);
  await page.screenshot({ path: join(shots, "ui-annotate.png") });
  // k selects the previous span (the PERSON); relabel it with 2 (ORG).
  await page.keyboard.press("k");
  await page.keyboard.press("2");
  await page.getByTestId("span-list").locator("summary", { hasText: "ORG" }).waitFor();
  // Delete it, then undo and redo.
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=span-list] .entry").length === 1);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=span-list] .entry").length === 2);
  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=span-list] .entry").length === 1);
  assert.deepEqual(await listed(page), [claim]);
  // d marks the document done.
  await page.keyboard.press("d");
  await page.getByTestId("doc-status").getByText("done").waitFor();
  // Alt+→ opens the next document, and the text shown is all and only its own.
  await page.keyboard.press("Alt+ArrowRight");
  await page.getByRole("heading", { name: "tricky" }).waitFor();
  const shown = await page.evaluate(() => [...document.querySelectorAll("[data-testid=doc-text] p")].map((p) => p.textContent).join("\n"));
  assert.equal(shown, tricky.replaceAll("\r\n", "\n"));
});

test("tricky Unicode: the backend receives code-point offsets", async () => {
  const page = await env.newPage();
  await nameAnnotator(page);
  await openDocument(page, "tricky");
  const want = [
    [13, 16, "1", "김정은"],
    [77, 81, "3", "Kyiv"],
    [194, 226, "c", "500 soldiers crossed the border."],
    [240, 250, "1", "Zelenskyy\u0301"],
    [277, 284, "1", "المتحدث"], // right to left
  ];
  for (const [s, e, key] of want) {
    await dragSelect(page, tricky, s, e);
    await page.keyboard.press(key);
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=span-list] .entry").length === n, want.indexOf(want.find((w) => w[0] === s)) + 1);
  }
  const got = (await calls(page, "add_span")).map((a) => [a.req.start, a.req.end]);
  assert.deepEqual(got, want.map(([s, e]) => [s, e]));
  const texts = Array.from(tricky);
  assert.deepEqual(want.map(([s, e]) => texts.slice(s, e).join("")), want.map((w) => w[3]));
  await page.screenshot({ path: join(shots, "ui-tricky.png") });
});

test("a long document: only the blocks on screen hold lines; the span list pages long groups and reveals a late span; late text keeps exact offsets", async () => {
  const lines = Array.from({ length: 400 }, (_, i) => `Line ${i}: the minister said the budget rose by ${i} percent.`);
  const text = lines.join("\n");
  const at = (line, word) => lines.slice(0, line).join("\n").length + (line > 0 ? 1 : 0) + lines[line].indexOf(word);
  const s0 = at(380, "minister");
  const span = { id: 1, uid: "u1", doc_id: "long", revision: 1, start: s0, end: s0 + 8, label: "PERSON", layer: "Ana", attrs: {}, note: null,
    author: "Ana", created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z", text: "minister" };
  // And sixty DATE spans, one a line from the top: more than the span list shows at first.
  const dates = Array.from({ length: 60 }, (_, i) => ({ ...span, id: 2 + i, uid: `d${i}`, start: at(i, "Line"), end: at(i, "Line") + 4, label: "DATE", text: "Line" }));
  // Thirty relations between them: the relation list pages too.
  const rels = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, gid: `r${i}`, from: 2 + i, to: 3 + i, label: "ABOUT", author: "Ana", created: "" }));
  const page = await env.newPage(
    `window.__mockDocs = [{ id: "long", text: ${JSON.stringify(text)}, status: "todo" }]; window.__mockSpans = ${JSON.stringify([span, ...dates])}; window.__mockRelations = ${JSON.stringify(rels)};`,
  );
  await nameAnnotator(page);
  await openDocument(page, "long");
  const relationList = page.getByTestId("relation-list");
  await relationList.locator("li").first().waitFor();
  assert.equal(await relationList.locator("li").count(), 25);
  await page.getByTestId("more-relations").click();
  assert.equal(await relationList.locator("li").count(), 30);
  const group = page.getByTestId("span-list").locator("details", { hasText: "DATE" });
  assert.equal(await group.locator(".entry").count(), 25);
  assert.equal(await group.locator(".entry").first().textContent(), "Line");
  await group.getByRole("button", { name: "Show 35 more of 35" }).click();
  assert.equal(await group.locator(".entry").count(), 60);
  // Only the blocks on screen and next to it hold their lines; the others are empty boxes
  // of an estimated height.
  const blocks = () => page.evaluate(() => [...document.querySelectorAll("[data-testid=doc-text] > .block")].map((b) => [b.children.length, b.getBoundingClientRect().height]));
  const atTop = await blocks();
  assert.equal(atTop.length, Math.ceil(400 / 32));
  assert.deepEqual(atTop.slice(0, 2).map(([n]) => n), [32, 32]);
  assert.ok(atTop.slice(3).every(([n, h]) => n === 0 && h > 300), JSON.stringify(atTop));
  await page.getByTestId("span-list").locator(".entry").first().click();
  // The painted window follows the scroll on the next frame.
  await page.waitForFunction(() => CSS.highlights.get("gl-l0")?.size > 0);
  const revealed = await page.evaluate(() => {
    const scroller = document.querySelector(".text-scroll").getBoundingClientRect();
    const line = document.querySelector('[data-testid=doc-text] p[data-i="380"]').getBoundingClientRect();
    const painted = [...CSS.highlights.get("gl-l0")].map((r) => [r.startContainer.parentElement.dataset.i, r.startOffset, r.endOffset]);
    return { inView: line.top >= scroller.top && line.bottom <= scroller.bottom, painted };
  });
  assert.deepEqual(revealed, { inView: true, painted: [["380", lines[380].indexOf("minister"), lines[380].indexOf("minister") + 8]] });
  const there = await blocks();
  assert.deepEqual([there[0][0], there[11][0]], [0, 32]);
  // Lines are placed by their offset in the scroller (TextView reads offsetTop).
  assert.ok(await page.evaluate(() => document.querySelector("[data-testid=doc-text] p").offsetParent === document.querySelector(".text-scroll")));
  // The selected span's highlight stays on its own text: scrolled away, its lines' elements
  // go back to the pool and take other lines, and the highlight must not follow them.
  const chosen = () => page.evaluate(() => [...CSS.highlights.get("gl-selected")].map((r) => {
    const x = new Range();
    x.setStart(r.startContainer, r.startOffset);
    x.setEnd(r.endContainer, r.endOffset);
    return x.toString();
  }));
  assert.deepEqual(await chosen(), ["minister"]);
  await page.evaluate(() => (document.querySelector(".text-scroll").scrollTop = 0));
  await page.waitForFunction(() => document.querySelector("[data-testid=doc-text] > .block").children.length > 0);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await chosen(), [""]);
  await page.getByTestId("span-list").locator(".entry", { hasText: "minister" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=doc-text] p[data-i="380"]'));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await chosen(), ["minister"]);
  // Scrolling back and forth (blocks emptied and filled again from the pool of line
  // elements, in the same frame too): every painted range still covers its own span's text.
  const painted = () => page.evaluate(() => {
    const out = [];
    for (const [name, h] of CSS.highlights) {
      if (!name.startsWith("gl-l")) continue;
      for (const r of h) {
        const x = new Range();
        x.setStart(r.startContainer, r.startOffset);
        x.setEnd(r.endContainer, r.endOffset);
        out.push(x.toString());
      }
    }
    return out;
  });
  for (const steps of [[0], [1400], [300, 2600], [900, 100], [0], [1100, 1300, 500]]) {
    await page.evaluate(async (steps) => {
      const el = document.querySelector(".text-scroll");
      for (const top of steps) {
        el.scrollTop = top;
        el.dispatchEvent(new Event("scroll"));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }, steps);
    const texts = await painted();
    assert.ok(texts.length > 0 && texts.every((t) => t === "Line" || t === "minister"), `${steps}: ${JSON.stringify(texts)}`);
  }
  await page.getByTestId("span-list").locator(".entry", { hasText: "minister" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=doc-text] p[data-i="391"]'));
  const s1 = at(391, "budget");
  await dragSelect(page, text, s1, s1 + 6);
  await page.keyboard.press("3");
  await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "add_span"));
  const [add] = await calls(page, "add_span");
  assert.deepEqual([add.req.start, add.req.end, add.req.label], [s1, s1 + 6, "GPE"]);
});

test("document text is never HTML: markup stays literal and nothing runs", async () => {
  const evil = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> </span><b>bold?</b> &amp; done';
  const page = await env.newPage(`window.__mockDocs = [{ id: "xss", text: ${JSON.stringify(evil)}, status: "todo" }];`);
  await nameAnnotator(page);
  await openDocument(page, "xss");
  const r = await page.evaluate(() => {
    const text = document.querySelector("[data-testid=doc-text]");
    return { tags: [...text.querySelectorAll("*")].map((e) => e.tagName), content: text.textContent, xss: window.__xss ?? null, imgs: document.images.length };
  });
  assert.deepEqual(r, { tags: ["DIV", "P"], content: evil, xss: null, imgs: 0 });
});

test("schema, projects, import and export screens", async () => {
  const page = await env.newPage();
  await nameAnnotator(page);
  await page.getByRole("button", { name: "Schema" }).click();
  await page.getByRole("button", { name: "Save schema" }).waitFor();
  await page.screenshot({ path: join(shots, "ui-schema.png") });
  // A hotkey that is a command key is refused with a clear message.
  await page.getByLabel("Hotkey").first().fill("j");
  await page.getByRole("button", { name: "Save schema" }).click();
  await page.getByTestId("message").getByText("command key").waitFor();
  await page.getByLabel("Hotkey").first().fill("1");
  await page.getByLabel("Colour").first().fill("#123456");
  await page.getByRole("button", { name: "Save schema" }).click();
  const saved = await calls(page, "set_schema");
  assert.equal(saved.at(-1).schema.labels[0].color, "#123456");
  // Attributes with proper controls: CLAIM's checkworthiness values and what they mean.
  const claimRow = page.locator("tr[data-label=CLAIM]");
  await claimRow.getByLabel("Description").fill("A checkable statement of fact, as said.");
  await claimRow.getByTestId("edit-attributes").click();
  const editor = page.getByTestId("attribute-editor");
  await editor.getByLabel("What CFS means").fill("check-worthy: a fact-checker should look at it");
  await editor.getByLabel("What CFS means").press("Tab");
  // A new relation type, from claims to claims.
  await page.getByTestId("add-relation-type").click();
  const rel = page.locator("tr[data-relation=RELATION4]");
  await rel.getByLabel("Relation name").fill("SUPPORTS");
  await page.locator("tr[data-relation=SUPPORTS]").getByLabel("From labels").fill("CLAIM");
  await page.locator("tr[data-relation=SUPPORTS]").getByLabel("To labels").fill("CLAIM");
  await page.locator("tr[data-relation=SUPPORTS]").getByLabel("Relation description").fill("One claim backs another.");
  await page.screenshot({ path: join(shots, "ui-schema-editor.png") });
  await page.getByRole("button", { name: "Save schema" }).click();
  await page.waitForFunction(() => window.__calls.filter((c) => c.cmd === "set_schema").length === 2);
  const schema = (await calls(page, "set_schema")).at(-1).schema;
  const claim = schema.labels.find((l) => l.name === "CLAIM");
  assert.equal(claim.description, "A checkable statement of fact, as said.");
  assert.equal(claim.attributes.find((a) => a.name === "checkworthiness").meanings.CFS, "check-worthy: a fact-checker should look at it");
  assert.deepEqual(schema.relations.at(-1), { name: "SUPPORTS", description: "One claim backs another.", from: { labels: ["CLAIM"], kinds: [] }, to: { labels: ["CLAIM"], kinds: [] } });
  // Leaving with unsaved changes asks: Stay keeps the screen, Discard leaves.
  await claimRow.getByLabel("Description").fill("changed");
  await page.getByRole("button", { name: "Documents" }).click();
  await page.getByTestId("leave-dialog").waitFor();
  await page.getByRole("button", { name: "Stay" }).click();
  assert.equal(await claimRow.getByLabel("Description").inputValue(), "changed");
  await page.getByRole("button", { name: "Documents" }).click();
  await page.getByTestId("discard-leave").click();
  await page.getByTestId("doc-filter").waitFor();

  await page.getByRole("button", { name: "Projects" }).click();
  await page.getByText("/mock/project.glossa").first().waitFor();
  await page.screenshot({ path: join(shots, "ui-projects.png") });

  await page.getByRole("button", { name: "Import…" }).click();
  await page.getByRole("button", { name: "Choose files…" }).click();
  await page.getByText("/mock/import.jsonl").waitFor();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  // Progress from the backend's channel: a bar that fills by bytes, and the documents read.
  await page.getByTestId("io-progress").filter({ hasText: "1,500 documents read" }).waitFor();
  assert.equal(await page.getByTestId("io-progress").locator("progress").evaluate((p) => p.value / p.max), 2 / 3);
  await page.screenshot({ path: join(shots, "ui-import-progress.png") });
  await page.getByTestId("io-report").waitFor();
  assert.equal(await page.getByTestId("io-progress").count(), 0);
  // Counts are worded for their number.
  assert.match(await page.getByTestId("io-report").textContent(), /^Imported 2,000 new documents \(1 span, 0 relations\) from 3 files/);
  await page.screenshot({ path: join(shots, "ui-import.png") });
  await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Export…" }).click();
  await page.getByTestId("run-export").click();
  await page.getByTestId("io-report").getByText("/mock/export.jsonl").waitFor();
  // With no gold spans, the default layer is the person's own, never all layers merged.
  assert.deepEqual(await calls(page, "export_file"), [
    {
      path: "/mock/export.jsonl",
      opts: { format: "jsonl", layer: "Ana", labels: [], spans_key: null, strict: false, status: null, docs: [], only_annotated: false },
    },
  ]);
  await page.getByTestId("io-report").getByText("Fidelity: lossless.").waitFor();
  // Another format: its options, and the fidelity report the backend returns.
  await page.getByTestId("export-format").selectOption("conll");
  await page.getByLabel("Labels").fill("PERSON, ORG");
  await page.getByLabel("Strict").check();
  // All layers in a token format: the dialog says what merging drops.
  await page.getByTestId("export-layer").selectOption("all");
  await page.getByTestId("merge-warning").waitFor();
  await page.getByTestId("export-layer").selectOption("gold");
  assert.equal(await page.getByTestId("merge-warning").count(), 0);
  // Filters: done documents only, with spans in the layer, from a chosen list.
  await page.getByTestId("only-done").check();
  await page.getByTestId("only-annotated").check();
  await page.getByTestId("pick-docs").check();
  await page.getByTestId("doc-picks").getByLabel("tricky").check();
  await page.getByTestId("run-export").click();
  await page.getByTestId("io-report").getByText("relations left out").waitFor();
  const second = (await calls(page, "export_file")).at(-1);
  assert.deepEqual(second.opts, {
    format: "conll",
    layer: "gold",
    labels: ["PERSON", "ORG"],
    spans_key: null,
    strict: true,
    status: "done",
    docs: ["tricky"],
    only_annotated: true,
  });
  await page.getByTestId("io-report").getByText("To keep them:").first().waitFor();
  await page.screenshot({ path: join(shots, "ui-export.png") });
});

test("reading the text: label tags, relation arcs to click, find, and the keys", async () => {
  const page = await env.newPage();
  await nameAnnotator(page);
  await openDocument(page, "kursk-dprk-pows");
  await dragSelect(page, article, 1428, 1447);
  await page.keyboard.press("1");
  await dragSelect(page, article, 1490, 1598);
  await page.keyboard.press("c");
  await page.keyboard.press("r");
  await clickAt(page, article, 1432);
  await page.getByTestId("relation-chooser").waitFor();
  await page.keyboard.press("1");
  await page.getByTestId("relation-list").getByText("ATTRIBUTED_TO").waitFor();
  // Each span's label is in the text without hovering, and the relation is an arc.
  await page.getByTestId("span-tag").filter({ hasText: "PERSON" }).waitFor();
  assert.deepEqual((await page.getByTestId("span-tag").allTextContents()).sort(), ["CLAIM", "PERSON"]);
  const arc = page.getByTestId("relation-arc");
  await arc.waitFor();
  assert.equal(await arc.locator("text").textContent(), "ATTRIBUTED_TO");
  await page.screenshot({ path: join(shots, "ui-tags-arcs.png") });
  // Clicking the arc selects the relation; Delete deletes it.
  await arc.locator("path.hit").first().click({ force: true });
  await page.getByTestId("relation-panel").waitFor();
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "delete_relation"));
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=relation-arc]").length === 0);
  // The tags toggle hides them.
  await page.getByTestId("show-tags").uncheck();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=span-tag]").length === 0);
  await page.getByTestId("show-tags").check();
  // Ctrl+F finds, Enter goes to the next match.
  await page.keyboard.press("Control+f");
  await page.getByTestId("find-input").fill("north korean");
  await page.getByTestId("find-count").filter({ hasText: /matches/ }).waitFor();
  const total = Number((await page.getByTestId("find-count").textContent()).match(/\d+/)[0]);
  assert.equal(total, article.match(/north korean/gi).length);
  await page.getByTestId("find-input").press("Enter");
  await page.getByTestId("find-count").filter({ hasText: `1 of ${total}` }).waitFor();
  await page.getByTestId("find-input").press("Shift+Enter");
  await page.getByTestId("find-count").filter({ hasText: `${total} of ${total}` }).waitFor();
  await page.keyboard.press("Escape");
  // ? shows the keys, from the same table as the README.
  await page.locator("[data-testid=doc-text]").click();
  await page.keyboard.press("?");
  await page.getByTestId("keys-help").getByText("Select the next span").waitFor();
  await page.screenshot({ path: join(shots, "ui-keys-help.png") });
  await page.keyboard.press("Escape");
  assert.equal(await page.getByTestId("keys-help").count(), 0);
});
