// Where a code point of a document sits on screen, for tests that drive a real pointer:
// the annotate screen renders one <p data-i> per line (line breaks, and a CR before them, are not
// in the DOM), so a code point maps to a paragraph and a UTF-16 offset inside it.

/** Paragraph index and UTF-16 offset in it of code point `cp` of `text`. */
export function where(text, cp) {
  const u16 = Array.from(text).slice(0, cp).join("").length;
  let start = 0;
  let para = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    const lineEnd = end > start && text[end - 1] === "\r" ? end - 1 : end;
    if (u16 <= lineEnd || nl < 0) return { para, off: Math.min(u16, lineEnd) - start };
    start = nl + 1;
    para++;
  }
}

/**
 * Runs in the page: scrolls the text pane to paragraph `para` and returns the viewport point
 * on the leading edge of the character at `off` (or the trailing edge of the one before it).
 */
export function pointInPage([para, off, before]) {
  const p = document.querySelector(`[data-testid=doc-text] p[data-i="${para}"]`);
  const scroller = p.closest(".text-scroll");
  scroller.scrollTop += p.getBoundingClientRect().top - scroller.getBoundingClientRect().top - scroller.clientHeight / 3;
  const node = p.firstChild;
  const r = document.createRange();
  const at = before ? Math.max(0, off - 1) : off;
  r.setStart(node, at);
  r.setEnd(node, Math.min(at + 1, node.length));
  const rect = r.getClientRects()[0];
  // Right-to-left letters (Hebrew, Arabic) lead on their right edge and trail on their left.
  const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(r.toString());
  const leading = rtl ? rect.right - 1 : rect.left + 1;
  const trailing = rtl ? rect.left + 1 : rect.right - 1;
  return { x: Math.round(before ? trailing : leading), y: Math.round(rect.top + rect.height / 2) };
}
