//! Offsets: the one place that converts between Unicode code points (Glossa's unit), UTF-16
//! code units (the web view's unit) and UTF-8 bytes (Rust's `str` unit).
//!
//! [`OffsetIndex`] is built once per text in O(n) and answers each conversion by a binary
//! search and a walk of at most [`BLOCK`] bytes. It keeps, for every block of [`BLOCK`] bytes,
//! the code point and UTF-16 offsets where the block starts; counting them is a plain byte
//! count (a byte that is not `0x80..=0xBF` starts a character; one of `0xF0..` starts a
//! surrogate pair), which the compiler vectorizes. A 50 MB text costs 12.5 MB of index; a
//! pure-ASCII text none.

use std::borrow::Cow;

use crate::error::{CoreError, CoreErrorKind};

/// Bytes per index block.
pub const BLOCK: usize = 64;

fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

fn utf16_width(lead: u8) -> usize {
    if lead >= 0xF0 {
        2
    } else {
        1
    }
}

/// `(code points, UTF-16 units)` of the characters that start in `bytes`.
fn count(bytes: &[u8]) -> (usize, usize) {
    let cps = bytes.iter().filter(|&&b| starts_char(b)).count();
    let pairs = bytes.iter().filter(|&&b| b >= 0xF0).count();
    (cps, cps + pairs)
}

/// Converts offsets over one text. All offsets are positions *between* characters, so the
/// text's length is a valid offset.
#[derive(Debug, Clone)]
pub struct OffsetIndex<'a> {
    text: &'a str,
    ascii: bool,
    /// `(code point, utf16)` offsets at byte `i * BLOCK` (borrowed from an [`IndexedText`]).
    blocks: Cow<'a, [(usize, usize)]>,
    len_cp: usize,
    len_utf16: usize,
}

impl<'a> OffsetIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        if text.is_ascii() {
            return Self {
                text,
                ascii: true,
                blocks: Cow::Borrowed(&[]),
                len_cp: text.len(),
                len_utf16: text.len(),
            };
        }
        let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
        let (mut cp, mut u16s) = (0, 0);
        for chunk in text.as_bytes().chunks(BLOCK) {
            blocks.push((cp, u16s));
            let (c, u) = count(chunk);
            cp += c;
            u16s += u;
        }
        Self {
            text,
            ascii: false,
            blocks: Cow::Owned(blocks),
            len_cp: cp,
            len_utf16: u16s,
        }
    }

    /// The indexed text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Length in code points.
    pub fn len_codepoints(&self) -> usize {
        self.len_cp
    }

    /// Length in UTF-16 code units.
    pub fn len_utf16(&self) -> usize {
        self.len_utf16
    }

    fn past_end(offset: usize, len: usize) -> CoreError {
        CoreError::at("", CoreErrorKind::PastEnd { offset, len })
    }

    /// Walks from the block holding position `target` (in the unit `key` picks) to the
    /// character start where that unit's offset equals `target`; returns `(byte, cp, utf16)`,
    /// or `None` when `target` falls inside a character.
    fn walk(
        &self,
        target: usize,
        key: impl Fn(usize, usize) -> usize,
    ) -> Option<(usize, usize, usize)> {
        let block = self
            .blocks
            .partition_point(|&(c, u)| key(c, u) <= target)
            .saturating_sub(1);
        let (mut cp, mut u16s) = self.blocks[block];
        let bytes = self.text.as_bytes();
        for (i, &b) in bytes.iter().enumerate().skip(block * BLOCK) {
            if starts_char(b) {
                match key(cp, u16s).cmp(&target) {
                    std::cmp::Ordering::Equal => return Some((i, cp, u16s)),
                    std::cmp::Ordering::Greater => return None,
                    std::cmp::Ordering::Less => {}
                }
                cp += 1;
                u16s += utf16_width(b);
            }
        }
        (key(cp, u16s) == target).then_some((bytes.len(), cp, u16s))
    }

    /// `(byte, utf16)` of code point `cp`.
    fn locate_cp(&self, cp: usize) -> Result<(usize, usize), CoreError> {
        if cp > self.len_cp {
            return Err(Self::past_end(cp, self.len_cp));
        }
        if self.ascii {
            return Ok((cp, cp));
        }
        let (byte, _, u16s) = self
            .walk(cp, |c, _| c)
            .ok_or_else(|| Self::past_end(cp, self.len_cp))?;
        Ok((byte, u16s))
    }

    /// Code point offset to UTF-8 byte offset.
    pub fn cp_to_byte(&self, cp: usize) -> Result<usize, CoreError> {
        Ok(self.locate_cp(cp)?.0)
    }

    /// Code point offset to UTF-16 offset.
    pub fn cp_to_utf16(&self, cp: usize) -> Result<usize, CoreError> {
        Ok(self.locate_cp(cp)?.1)
    }

    /// UTF-8 byte offset to code point offset; the byte must start a character (or be the end).
    pub fn byte_to_cp(&self, byte: usize) -> Result<usize, CoreError> {
        let len = self.text.len();
        if byte > len {
            return Err(Self::past_end(byte, len));
        }
        if !self.text.is_char_boundary(byte) {
            return Err(CoreError::at(
                "",
                CoreErrorKind::InsideCharacter {
                    offset: byte,
                    unit: "utf-8",
                },
            ));
        }
        if self.ascii {
            return Ok(byte);
        }
        let block = byte / BLOCK;
        let Some(&(cp, _)) = self.blocks.get(block) else {
            return Ok(self.len_cp);
        };
        Ok(cp + count(&self.text.as_bytes()[block * BLOCK..byte]).0)
    }

    /// UTF-16 offset to code point offset; the offset must not split a surrogate pair.
    pub fn utf16_to_cp(&self, u16_offset: usize) -> Result<usize, CoreError> {
        if u16_offset > self.len_utf16 {
            return Err(Self::past_end(u16_offset, self.len_utf16));
        }
        if self.ascii {
            return Ok(u16_offset);
        }
        self.walk(u16_offset, |_, u| u)
            .map(|(_, cp, _)| cp)
            .ok_or_else(|| {
                CoreError::at(
                    "",
                    CoreErrorKind::InsideCharacter {
                        offset: u16_offset,
                        unit: "utf-16",
                    },
                )
            })
    }

    /// The text between two code point offsets.
    pub fn slice(&self, start: usize, end: usize) -> Result<&'a str, CoreError> {
        if start > end {
            return Err(CoreError::at(
                "",
                CoreErrorKind::StartAfterEnd { start, end },
            ));
        }
        let (s, e) = (self.cp_to_byte(start)?, self.cp_to_byte(end)?);
        Ok(&self.text[s..e])
    }

    /// The code point range `[start, end)` clamped to the text, as byte offsets.
    pub fn byte_range_clamped(&self, start: usize, end: usize) -> (usize, usize) {
        let at = |cp: usize| {
            self.cp_to_byte(cp.min(self.len_cp))
                .unwrap_or(self.text.len())
        };
        (at(start), at(end))
    }
}

/// Length of `text` in code points.
pub fn len_codepoints(text: &str) -> usize {
    text.chars().count()
}

/// Slices one text by code point ranges, walking it forward from the last start instead of
/// indexing it: for ranges that come in increasing order of start (a document's spans, sorted),
/// it costs one pass over the text and the ranges. A start before the last one walks again from
/// the beginning, so any order gives the same slices as [`OffsetIndex::slice`].
#[derive(Debug, Clone)]
pub struct ForwardSlicer<'a> {
    text: &'a str,
    /// The code point offset of the last start, and its byte offset.
    cp: usize,
    byte: usize,
}

impl<'a> ForwardSlicer<'a> {
    /// A slicer over `text`, at its start.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            cp: 0,
            byte: 0,
        }
    }

    /// The byte offset `n` code points after byte offset `byte`, if the text has them.
    fn advance(&self, byte: usize, n: usize) -> Option<usize> {
        let rest = &self.text[byte..];
        match rest.char_indices().nth(n) {
            Some((i, _)) => Some(byte + i),
            None => (rest.chars().count() == n).then_some(self.text.len()),
        }
    }

    fn past_end(&self, offset: usize) -> CoreError {
        CoreError::at(
            "",
            CoreErrorKind::PastEnd {
                offset,
                len: self.text.chars().count(),
            },
        )
    }

    /// The text of code points `[start, end)`.
    pub fn slice(&mut self, start: usize, end: usize) -> Result<&'a str, CoreError> {
        if start > end {
            return Err(CoreError::at(
                "",
                CoreErrorKind::StartAfterEnd { start, end },
            ));
        }
        if start < self.cp {
            (self.cp, self.byte) = (0, 0);
        }
        let s = self
            .advance(self.byte, start - self.cp)
            .ok_or_else(|| self.past_end(start))?;
        (self.cp, self.byte) = (start, s);
        let e = self
            .advance(s, end - start)
            .ok_or_else(|| self.past_end(end))?;
        Ok(&self.text[s..e])
    }
}

/// A text that owns its offset index: for converting over one text again and again without
/// indexing it each time (the API keeps the document being annotated this way).
#[derive(Debug, Clone)]
pub struct IndexedText {
    text: String,
    ascii: bool,
    blocks: Vec<(usize, usize)>,
    len_cp: usize,
    len_utf16: usize,
}

impl IndexedText {
    /// Indexes `text` (in O(n), as [`OffsetIndex::new`]).
    pub fn new(text: String) -> Self {
        let (ascii, blocks, len_cp, len_utf16) = {
            let index = OffsetIndex::new(&text);
            (
                index.ascii,
                index.blocks.into_owned(),
                index.len_cp,
                index.len_utf16,
            )
        };
        Self {
            text,
            ascii,
            blocks,
            len_cp,
            len_utf16,
        }
    }

    /// The index over the text, borrowing it (no work).
    pub fn index(&self) -> OffsetIndex<'_> {
        OffsetIndex {
            text: &self.text,
            ascii: self.ascii,
            blocks: Cow::Borrowed(&self.blocks),
            len_cp: self.len_cp,
            len_utf16: self.len_utf16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TRICKY: &str = include_str!("../../../tests/fixtures/tricky.txt");

    /// The obvious O(n) conversions, to check the index against.
    fn naive(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let (mut b, mut u) = (0, 0);
        for ch in text.chars() {
            out.push((b, u));
            b += ch.len_utf8();
            u += ch.len_utf16();
        }
        out.push((b, u));
        out
    }

    /// Checks every conversion over `text`, by a fresh index and by an [`IndexedText`]'s.
    fn check_all(text: &str) {
        check_index(&OffsetIndex::new(text), text);
        let owned = IndexedText::new(text.to_string());
        check_index(&owned.index(), text);
        assert_eq!(owned.index().text(), text);
    }

    fn check_index(idx: &OffsetIndex<'_>, text: &str) {
        let table = naive(text);
        assert_eq!(idx.len_codepoints(), table.len() - 1);
        for (cp, &(b, u)) in table.iter().enumerate() {
            assert_eq!(idx.cp_to_byte(cp).unwrap(), b, "cp {cp} -> byte");
            assert_eq!(idx.cp_to_utf16(cp).unwrap(), u, "cp {cp} -> utf16");
            assert_eq!(idx.byte_to_cp(b).unwrap(), cp, "byte {b} -> cp");
            assert_eq!(idx.utf16_to_cp(u).unwrap(), cp, "utf16 {u} -> cp");
        }
        assert!(idx.cp_to_byte(table.len()).is_err());
        assert!(idx.utf16_to_cp(idx.len_utf16() + 1).is_err());
    }

    #[test]
    fn tricky_sample_offsets_all_differ() {
        let idx = OffsetIndex::new(TRICKY);
        // 🇰🇵 is two astral code points: four UTF-16 units and eight bytes.
        let flag = TRICKY.find('🇰').unwrap();
        let cp = idx.byte_to_cp(flag).unwrap();
        assert_eq!(
            idx.cp_to_utf16(cp + 2).unwrap() - idx.cp_to_utf16(cp).unwrap(),
            4
        );
        assert_eq!(idx.cp_to_byte(cp + 2).unwrap() - flag, 8);
        assert!(idx.len_codepoints() < idx.len_utf16());
        assert!(idx.len_utf16() < TRICKY.len());
        // The gold CLAIM span of the sample, by code points.
        assert_eq!(
            idx.slice(194, 226).unwrap(),
            "500 soldiers crossed the border."
        );
        assert_eq!(idx.slice(13, 16).unwrap(), "김정은");
        check_all(TRICKY);
    }

    /// The web view's converter (`ui/src/lib/offsets.ts`) is tested against this table of the
    /// tricky sample; the committed copy must match what this module computes.
    /// `UPDATE_FIXTURES=1 cargo test -p glossa-core` rewrites it.
    #[test]
    fn ui_offset_fixture_matches() {
        let idx = OffsetIndex::new(TRICKY);
        let table: Vec<usize> = (0..=idx.len_codepoints())
            .map(|cp| idx.cp_to_utf16(cp).unwrap())
            .collect();
        let fixture =
            serde_json::json!({ "text": TRICKY, "cp_to_utf16": table }).to_string() + "\n";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../ui/tests/fixtures/tricky-offsets.json");
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&path, &fixture).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            fixture,
            "run UPDATE_FIXTURES=1 cargo test -p glossa-core"
        );
    }

    #[test]
    fn rejects_offsets_inside_characters() {
        let idx = OffsetIndex::new("a😀b");
        assert_eq!(idx.utf16_to_cp(3).unwrap(), 2);
        assert!(matches!(
            idx.utf16_to_cp(2).unwrap_err().kind,
            CoreErrorKind::InsideCharacter { unit: "utf-16", .. }
        ));
        assert!(idx.byte_to_cp(2).is_err());
        assert_eq!(idx.byte_to_cp(5).unwrap(), 2);
    }

    #[test]
    fn ascii_and_empty() {
        check_all("");
        check_all("plain ascii\r\nwith crlf");
        check_all(&"é".repeat(BLOCK * 3));
        check_all(&"x".repeat(BLOCK * 2 - 1).replace('x', "🙂"));
        check_all(&format!("{}{}", "a".repeat(BLOCK - 1), "🙂é".repeat(BLOCK)));
    }

    fn unicode_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a",
            " ",
            "\r\n",
            "\n",
            "\t",
            "é",
            "e\u{301}",
            "ý",
            "김",
            "ق",
            "😀",
            "🇰🇵",
            "👨\u{200d}👩\u{200d}👧",
            "\u{200b}",
            "“",
            "\u{feff}",
            "𝔘",
        ]);
        prop::collection::vec(
            prop_oneof![
                pieces.prop_map(str::to_string),
                any::<char>().prop_map(String::from)
            ],
            0..300,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        /// The forward slicer gives what the index gives, for ranges in any order.
        #[test]
        fn forward_slicer_matches_the_index(
            text in "(\\PC|\r\n|🇰🇵|é|김){0,80}",
            ranges in proptest::collection::vec((0usize..90, 0usize..12), 0..12),
            sorted in any::<bool>(),
        ) {
            let index = OffsetIndex::new(&text);
            let mut ranges: Vec<(usize, usize)> = ranges.into_iter().map(|(s, n)| (s, s + n)).collect();
            if sorted {
                ranges.sort_unstable();
            }
            let mut slicer = ForwardSlicer::new(&text);
            for (start, end) in ranges {
                let want = index.slice(start, end);
                let got = slicer.slice(start, end);
                prop_assert_eq!(got.as_ref().ok(), want.as_ref().ok(), "{}..{}", start, end);
                prop_assert_eq!(got.is_err(), want.is_err());
            }
        }
    }

    proptest! {
        #[test]
        fn round_trips_over_arbitrary_unicode(text in unicode_text()) {
            check_all(&text);
        }

        #[test]
        fn slices_match_char_iteration(text in unicode_text(), a in 0usize..400, b in 0usize..400) {
            let idx = OffsetIndex::new(&text);
            let n = idx.len_codepoints();
            let (s, e) = (a.min(b).min(n), a.max(b).min(n));
            let expected: String = text.chars().skip(s).take(e - s).collect();
            prop_assert_eq!(idx.slice(s, e).unwrap(), expected.as_str());
        }
    }
}
