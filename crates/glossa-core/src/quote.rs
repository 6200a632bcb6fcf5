//! Quote selectors and re-anchoring, after the W3C `TextQuoteSelector` and the Hypothesis
//! client: a span remembers its exact text and some context so it can be found again when the
//! document's text changes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;
use crate::offsets::OffsetIndex;

/// Code points of context kept before and after a span.
pub const QUOTE_CONTEXT: usize = 32;

/// A span's exact text with up to [`QUOTE_CONTEXT`] code points of prefix and suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
pub struct QuoteSelector {
    /// The covered text.
    pub exact: String,
    /// Up to 32 code points just before the span.
    pub prefix: String,
    /// Up to 32 code points just after the span.
    pub suffix: String,
}

impl QuoteSelector {
    /// The selector of `[start, end)` (code points) in the indexed text.
    pub fn new(index: &OffsetIndex<'_>, start: usize, end: usize) -> Result<Self, CoreError> {
        if start > end {
            return Err(CoreError::at(
                "",
                crate::CoreErrorKind::StartAfterEnd { start, end },
            ));
        }
        let (s, e) = (index.cp_to_byte(start)?, index.cp_to_byte(end)?);
        let (p, _) = index.byte_range_clamped(start.saturating_sub(QUOTE_CONTEXT), start);
        let (_, x) = index.byte_range_clamped(end + QUOTE_CONTEXT, end + QUOTE_CONTEXT);
        let text = index.text();
        Ok(Self {
            exact: text[s..e].to_string(),
            prefix: text[p..s].to_string(),
            suffix: text[e..x].to_string(),
        })
    }
}

/// Finds `quote` in `text` again and returns its code point range, or `None` when the exact
/// text no longer occurs. Among several occurrences it prefers the one whose surrounding text
/// agrees most with the quote's prefix and suffix, then the one nearest `hint_start` (the
/// span's old start).
pub fn anchor(quote: &QuoteSelector, hint_start: usize, text: &str) -> Option<(usize, usize)> {
    if quote.exact.is_empty() {
        return None;
    }
    let index = OffsetIndex::new(text);
    let exact_len = quote.exact.chars().count();
    let mut best: Option<((usize, usize), (usize, usize))> = None; // (score, -distance), range
    for (byte, _) in text.match_indices(quote.exact.as_str()) {
        let before = &text[..byte];
        let after = &text[byte + quote.exact.len()..];
        let prefix_agree = before
            .chars()
            .rev()
            .zip(quote.prefix.chars().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix_agree = after
            .chars()
            .zip(quote.suffix.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let Ok(start) = index.byte_to_cp(byte) else {
            continue;
        };
        let score = prefix_agree + suffix_agree;
        let distance = start.abs_diff(hint_start);
        let better = match best {
            None => true,
            Some(((s, d), _)) => score > s || (score == s && distance < d),
        };
        if better {
            best = Some(((score, distance), (start, start + exact_len)));
        }
    }
    best.map(|(_, range)| range)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRICKY: &str = include_str!("../../../tests/fixtures/tricky.txt");

    #[test]
    fn selector_takes_32_code_points_of_context() {
        let idx = OffsetIndex::new(TRICKY);
        let q = QuoteSelector::new(&idx, 194, 226).unwrap();
        assert_eq!(q.exact, "500 soldiers crossed the border.");
        assert_eq!(q.prefix.chars().count(), 32);
        assert!(q.prefix.ends_with("claim: “"));
        assert_eq!(q.suffix.chars().count(), 32);
        assert!(q.suffix.starts_with("”\r\nCombining"));
        let start = QuoteSelector::new(&idx, 0, 3).unwrap();
        assert_eq!((start.exact.as_str(), start.prefix.as_str()), ("Kim", ""));
        let n = idx.len_codepoints();
        assert_eq!(QuoteSelector::new(&idx, n - 2, n).unwrap().suffix, "");
    }

    #[test]
    fn reanchors_after_an_edit_before_the_span() {
        let idx = OffsetIndex::new(TRICKY);
        let q = QuoteSelector::new(&idx, 240, 250).unwrap();
        assert_eq!(q.exact, "Zelenskyy\u{301}");
        let edited = TRICKY.replacen("Kim Jong Un", "Chairman Kim Jong Un", 1);
        let (s, e) = anchor(&q, 240, &edited).unwrap();
        assert_eq!((s, e), (249, 259));
        let edited_idx = OffsetIndex::new(&edited);
        assert_eq!(edited_idx.slice(s, e).unwrap(), q.exact);
    }

    #[test]
    fn prefers_matching_context_over_nearness() {
        let text = "NATO said. Later NATO said again.";
        let idx = OffsetIndex::new(text);
        let q = QuoteSelector::new(&idx, 17, 21).unwrap();
        let edited = "Intro. NATO said. Later NATO said again.";
        assert_eq!(anchor(&q, 0, edited), Some((24, 28)));
        assert_eq!(anchor(&q, 0, "nothing here"), None);
    }
}
