// Offsets: the one place in the web view that converts between UTF-16 code units (what the
// DOM, Selection and Range use) and Unicode code points (what Glossa stores and exports).
// Tested against glossa-core's conversion on samples/unicode/tricky.txt (tests/unit).

const BLOCK = 64;

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Converts offsets over one text, in O(64) per conversion after an O(n) build. */
export class OffsetMap {
  readonly text: string;
  readonly lengthUtf16: number;
  readonly lengthCodepoints: number;
  /** Code points that start before UTF-16 offset `i * BLOCK`. */
  private readonly blocks: Int32Array;

  constructor(text: string) {
    this.text = text;
    this.lengthUtf16 = text.length;
    const blocks = new Int32Array(Math.floor(text.length / BLOCK) + 1);
    let cps = 0;
    for (let i = 0; i < text.length; i++) {
      if (i % BLOCK === 0) blocks[i / BLOCK] = cps;
      if (!this.continues(i)) cps++;
    }
    if (text.length % BLOCK === 0) blocks[text.length / BLOCK] = cps;
    this.blocks = blocks;
    this.lengthCodepoints = cps;
  }

  /** Whether the unit at `i` is the second half of a surrogate pair. */
  private continues(i: number): boolean {
    return i > 0 && isLow(this.text.charCodeAt(i)) && isHigh(this.text.charCodeAt(i - 1));
  }

  /** UTF-16 offset to code point offset. Throws inside a surrogate pair or out of range. */
  utf16ToCp(u: number): number {
    if (!Number.isInteger(u) || u < 0 || u > this.lengthUtf16) {
      throw new RangeError(`UTF-16 offset ${u} is outside 0..${this.lengthUtf16}`);
    }
    if (u < this.lengthUtf16 && this.continues(u)) {
      throw new RangeError(`UTF-16 offset ${u} splits a surrogate pair`);
    }
    const block = Math.floor(u / BLOCK);
    let cp = this.blocks[block] ?? 0;
    for (let i = block * BLOCK; i < u; i++) if (!this.continues(i)) cp++;
    return cp;
  }

  /** Code point offset to UTF-16 offset. Throws out of range. */
  cpToUtf16(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.lengthCodepoints) {
      throw new RangeError(`code point offset ${cp} is outside 0..${this.lengthCodepoints}`);
    }
    // The last block that starts at or before `cp`.
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.blocks[mid] ?? 0) <= cp) lo = mid;
      else hi = mid - 1;
    }
    let count = this.blocks[lo] ?? 0;
    for (let i = lo * BLOCK; i < this.lengthUtf16; i++) {
      if (this.continues(i)) continue;
      if (count === cp) return i;
      count++;
    }
    return this.lengthUtf16;
  }

  /** The text between two code point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.cpToUtf16(start), this.cpToUtf16(end));
  }
}
