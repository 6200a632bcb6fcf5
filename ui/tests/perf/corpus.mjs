// The benchmark document: about 1 MB of news-like text in lines of about 400 characters, with
// 10,000 spans on word boundaries (entities and some claims) and 2,000 relations (a claim
// ABOUT an entity just after it), from a fixed seed.
const WORDS = ["Ukrainian", "forces", "reported", "capturing", "soldiers", "in", "the", "Kursk", "region", "amid",
  "combat", "operations", "according", "to", "ISW", "analysts", "said", "Kyiv", "café", "José", "Martí", "김정은",
  "Pyongyang", "🇰🇵", "NATO", "drone", "strikes", "continued", "while", "troops", "advanced", "on", "January", "9"];
const LABELS = ["PERSON", "ORG", "GPE", "LOC", "DATE", "CLAIM"];

export function bigDocument({ bytes = 1_000_000, spans = 10_000, relations = 2_000, seed = 7, drop = [] } = {}) {
  const words_ = WORDS.filter((w) => !drop.includes(w));
  let x = seed;
  const rand = (n) => ((x = (x * 1103515245 + 12345) >>> 0) % n);
  const parts = [];
  const words = []; // [startCp, endCp]
  let cp = 0;
  let size = 0;
  let line = 0;
  while (size < bytes) {
    const w = words_[rand(words_.length)];
    const n = Array.from(w).length;
    words.push([cp, cp + n]);
    parts.push(w);
    cp += n;
    size += Buffer.byteLength(w);
    line += n;
    const sep = line > 400 ? "\n" : " ";
    if (sep === "\n") line = 0;
    parts.push(sep);
    cp += 1;
    size += 1;
  }
  const text = parts.join("");
  const out = [];
  const stride = Math.floor(words.length / spans);
  for (let k = 0; k < spans; k++) {
    const first = k * stride;
    const last = Math.min(first + rand(3), words.length - 1);
    out.push({ start: words[first][0], end: words[last][1], label: LABELS[rand(LABELS.length)] });
  }
  // Relations by span index: every fifth span becomes a claim ABOUT the span after it (the
  // generator's labels hold almost no claims), up to `relations` of them.
  const links = [];
  for (let i = 0; i + 1 < out.length && links.length < relations; i += 5) {
    out[i].label = "CLAIM";
    if (out[i + 1].label === "CLAIM") out[i + 1].label = "GPE";
    links.push({ from: i, to: i + 1, label: "ABOUT" });
  }
  return { text, spans: out, relations: links };
}

/**
 * Where the benchmarks create spans: the code point starts of `count` words "Kyiv" near the top
 * of `text` (from character 5,000, at least 200 characters apart), four code points each.
 */
export function createTargets(text, count) {
  const out = [];
  for (let from = 5000; out.length < count; ) {
    const at = text.indexOf(" Kyiv ", from);
    from = at + 200;
    out.push(Array.from(text.slice(0, at + 1)).length);
  }
  return out;
}
