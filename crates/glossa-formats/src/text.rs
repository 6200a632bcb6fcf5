//! Plain text documents (`.txt`, `.md`): bytes in, text out, exactly as written (a UTF-8 BOM
//! dropped, CRLF kept), refusing empty, binary and non-UTF-8 files.

use crate::error::{FormatError, FormatErrorKind};

/// Bytes checked for NUL to tell a binary file.
const SNIFF: usize = 8192;

/// The UTF-8 byte order mark.
pub const BOM: &str = "\u{feff}";

/// Fails if `bytes` look binary (a NUL byte among the first 8 KiB).
pub fn check_not_binary(bytes: &[u8]) -> Result<(), FormatError> {
    match bytes[..bytes.len().min(SNIFF)].iter().position(|&b| b == 0) {
        Some(at) => Err(FormatError::new(FormatErrorKind::Binary(at as u64))),
        None => Ok(()),
    }
}

/// Decodes UTF-8 `bytes`, naming the byte offset and line of the first invalid byte.
/// `base` is the offset of `bytes` in its file and `line` the line it starts on.
pub fn decode_utf8(bytes: Vec<u8>, base: u64, line: u64) -> Result<String, FormatError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let newlines = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        FormatError::new(FormatErrorKind::InvalidUtf8(base + at as u64)).on_line(line + newlines)
    })
}

/// A text document from a file's bytes: UTF-8, not empty, not binary; a BOM is dropped.
pub fn read_text(bytes: Vec<u8>) -> Result<String, FormatError> {
    if bytes.is_empty() {
        return Err(FormatError::new(FormatErrorKind::Empty));
    }
    check_not_binary(&bytes)?;
    let mut text = decode_utf8(bytes, 0, 1)?;
    if text.starts_with(BOM) {
        text.drain(..BOM.len());
    }
    if text.is_empty() {
        return Err(FormatError::new(FormatErrorKind::Empty));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_crlf_and_drops_bom() {
        let t = read_text(b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap();
        assert_eq!(t, "a\r\nb");
        let tricky = include_bytes!("../../../tests/fixtures/tricky.txt");
        assert_eq!(read_text(tricky.to_vec()).unwrap().as_bytes(), tricky);
    }

    #[test]
    fn names_invalid_utf8_offset_and_line() {
        let e = read_text(b"ok\nfine\nbad \xFF here".to_vec()).unwrap_err();
        assert!(matches!(e.kind, FormatErrorKind::InvalidUtf8(12)));
        assert_eq!(e.line, Some(3));
        assert_eq!(e.to_string(), "line 3: invalid UTF-8 at byte offset 12");
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert!(matches!(
            read_text(Vec::new()).unwrap_err().kind,
            FormatErrorKind::Empty
        ));
        assert!(matches!(
            read_text(b"\xEF\xBB\xBF".to_vec()).unwrap_err().kind,
            FormatErrorKind::Empty
        ));
        assert!(matches!(
            read_text(b"PK\x03\x04\0\0".to_vec()).unwrap_err().kind,
            FormatErrorKind::Binary(4)
        ));
    }
}
