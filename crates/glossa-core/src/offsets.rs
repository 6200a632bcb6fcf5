//! Offsets: the one place that converts between Unicode code points (Glossa's unit), UTF-16
//! code units (the web view's unit) and UTF-8 bytes (Rust's `str` unit).
//!
//! [`OffsetIndex`] is built once per text in O(n) and answers each conversion in O(64) steps,
//! keeping one checkpoint every [`CHECKPOINT`] code points (so a 50 MB text costs well under
//! 1 MB of index). Pure-ASCII texts need no checkpoints at all.

use crate::error::{CoreError, CoreErrorKind};

/// Code points between two checkpoints.
pub const CHECKPOINT: usize = 64;

/// Converts offsets over one text. All offsets are positions *between* characters, so the
/// text's length is a valid offset.
#[derive(Debug, Clone)]
pub struct OffsetIndex<'a> {
    text: &'a str,
    ascii: bool,
    /// `(byte, utf16)` at code point `i * CHECKPOINT`.
    checkpoints: Vec<(usize, usize)>,
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
                checkpoints: Vec::new(),
                len_cp: text.len(),
                len_utf16: text.len(),
            };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let (mut cp, mut u16s) = (0usize, 0usize);
        // Byte by byte: a byte that is not a continuation byte (0x80..=0xBF) starts a
        // character, and a 4-byte character (lead byte 0xF0 or above) is a surrogate pair.
        for (byte, &b) in text.as_bytes().iter().enumerate() {
            if (b as i8) >= -0x40 {
                if cp % CHECKPOINT == 0 {
                    checkpoints.push((byte, u16s));
                }
                cp += 1;
                u16s += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        if cp % CHECKPOINT == 0 {
            checkpoints.push((text.len(), u16s));
        }
        Self {
            text,
            ascii: false,
            checkpoints,
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

    fn check_cp(&self, cp: usize) -> Result<(), CoreError> {
        if cp > self.len_cp {
            return Err(CoreError::at(
                "",
                CoreErrorKind::PastEnd {
                    offset: cp,
                    len: self.len_cp,
                },
            ));
        }
        Ok(())
    }

    /// `(byte, utf16)` of code point `cp`, which must be in range.
    fn locate_cp(&self, cp: usize) -> (usize, usize) {
        if self.ascii {
            return (cp, cp);
        }
        let (mut byte, mut u16s) = self.checkpoints[cp / CHECKPOINT];
        for ch in self.text[byte..].chars().take(cp % CHECKPOINT) {
            byte += ch.len_utf8();
            u16s += ch.len_utf16();
        }
        (byte, u16s)
    }

    /// Code point offset to UTF-8 byte offset.
    pub fn cp_to_byte(&self, cp: usize) -> Result<usize, CoreError> {
        self.check_cp(cp)?;
        Ok(self.locate_cp(cp).0)
    }

    /// Code point offset to UTF-16 offset.
    pub fn cp_to_utf16(&self, cp: usize) -> Result<usize, CoreError> {
        self.check_cp(cp)?;
        Ok(self.locate_cp(cp).1)
    }

    /// UTF-8 byte offset to code point offset; the byte must start a character (or be the end).
    pub fn byte_to_cp(&self, byte: usize) -> Result<usize, CoreError> {
        self.unit_to_cp(byte, self.text.len(), "utf-8", |c| c.0, char::len_utf8)
    }

    /// UTF-16 offset to code point offset; the offset must not split a surrogate pair.
    pub fn utf16_to_cp(&self, u16_offset: usize) -> Result<usize, CoreError> {
        self.unit_to_cp(
            u16_offset,
            self.len_utf16,
            "utf-16",
            |c| c.1,
            char::len_utf16,
        )
    }

    fn unit_to_cp(
        &self,
        offset: usize,
        len: usize,
        unit: &'static str,
        key: impl Fn(&(usize, usize)) -> usize,
        width: impl Fn(char) -> usize,
    ) -> Result<usize, CoreError> {
        if offset > len {
            return Err(CoreError::at("", CoreErrorKind::PastEnd { offset, len }));
        }
        if self.ascii {
            return Ok(offset);
        }
        // The last checkpoint at or before `offset`.
        let block = self.checkpoints.partition_point(|c| key(c) <= offset) - 1;
        let (byte, _) = self.checkpoints[block];
        let mut pos = key(&self.checkpoints[block]);
        let mut cp = block * CHECKPOINT;
        for ch in self.text[byte..].chars() {
            if pos >= offset {
                break;
            }
            pos += width(ch);
            cp += 1;
        }
        if pos == offset {
            Ok(cp)
        } else {
            Err(CoreError::at(
                "",
                CoreErrorKind::InsideCharacter { offset, unit },
            ))
        }
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
        let s = self.locate_cp(start.min(self.len_cp)).0;
        let e = self.locate_cp(end.min(self.len_cp)).0;
        (s, e)
    }
}

/// Length of `text` in code points.
pub fn len_codepoints(text: &str) -> usize {
    text.chars().count()
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

    fn check_all(text: &str) {
        let idx = OffsetIndex::new(text);
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
        check_all(&"é".repeat(CHECKPOINT * 3));
        check_all(&"x".repeat(CHECKPOINT * 2 - 1).replace('x', "🙂"));
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
