//! Quote selectors, after the W3C `TextQuoteSelector` and the Hypothesis client: a span's
//! exact text with some context, so it can be found again when the document's text changes
//! (see [`crate::reanchor`]).

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
}
