//! Words and sentences, the same in every token-based format (spaCy, CoNLL, Hugging Face,
//! claims TSV).
//!
//! Words follow spaCy's English tokenizer (`spacy.blank("en")`): its algorithm, ported from
//! `spacy/tokenizer.pyx` (split on whitespace; peel prefixes and suffixes; split infixes; special
//! cases), run over its own rules — the prefix, suffix, infix and URL patterns and the 1,347
//! special cases — dumped from spaCy into `data/spacy-en.json` by
//! `scripts/spacy-tokenizer-data.py`. The patterns use look-around, so they run on
//! `fancy-regex`. Like spaCy, whitespace other than one plain space after a word is a token of
//! its own ([`Token::space`]).
//!
//! Sentences are Unicode (UAX #29) sentence boundaries from `unicode-segmentation`.
//!
//! Offsets are code points, like every offset outside the web view.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use fancy_regex::Regex;
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{FormatError, FormatErrorKind};

/// One token: its code-point range, and whether it is whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start (code points).
    pub start: usize,
    /// End, exclusive (code points).
    pub end: usize,
    /// A whitespace token (spaCy keeps runs of whitespace other than a single space as tokens;
    /// CoNLL and Hugging Face leave them out).
    pub space: bool,
}

/// A document's tokens and sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokenized {
    /// Tokens in text order, whitespace tokens included.
    pub tokens: Vec<Token>,
    /// Sentences ([`sentences`]), when asked for ([`Tokenized::with_sentences`]).
    pub sentences: Vec<Range<usize>>,
}

/// The sentences of `text` as code-point ranges, trailing whitespace excluded, empty ones
/// dropped.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut sentences: Vec<(usize, usize)> = Vec::new();
    for (at, s) in text.split_sentence_bound_indices() {
        let trimmed = s.trim_end_matches(is_space);
        let lead = trimmed.len() - trimmed.trim_start_matches(is_space).len();
        if trimmed.len() > lead {
            let (start, end) = (at + lead, at + trimmed.len());
            // A "sentence" of punctuation alone (a closing quote after `. `) belongs to the
            // one before it.
            match sentences.last_mut() {
                Some(last) if !text[start..end].chars().any(char::is_alphanumeric) => last.1 = end,
                _ => sentences.push((start, end)),
            }
        }
    }
    let mut conv = CodePoints::new(text);
    sentences
        .into_iter()
        .map(|(s, e)| conv.at(s)..conv.at(e))
        .collect()
}

impl Tokenized {
    /// Tokenizes `text` into words (no sentences).
    pub fn new(text: &str) -> Result<Self, FormatError> {
        let rules = rules()?;
        let mut bytes = Vec::new();
        rules.tokenize(text, &mut bytes)?;
        let mut conv = CodePoints::new(text);
        let tokens = bytes
            .into_iter()
            .map(|(s, e)| Token {
                start: conv.at(s),
                end: conv.at(e),
                space: text[s..e].chars().all(is_space),
            })
            .collect();
        Ok(Self {
            tokens,
            sentences: Vec::new(),
        })
    }

    /// Tokenizes `text` into words and sentences.
    pub fn with_sentences(text: &str) -> Result<Self, FormatError> {
        Ok(Self {
            sentences: sentences(text),
            ..Self::new(text)?
        })
    }

    /// The index of the token starting at `start` and of the one ending at `end`, as an
    /// exclusive token range, when both are token boundaries.
    pub fn align(&self, start: usize, end: usize) -> Option<Range<usize>> {
        let first = self.tokens.binary_search_by_key(&start, |t| t.start).ok()?;
        let last = self.tokens.binary_search_by_key(&end, |t| t.end).ok()?;
        (last >= first).then_some(first..last + 1)
    }

    /// The sentence index of each token (whitespace tokens included), by where it starts.
    pub fn sentence_of_tokens(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.tokens.len());
        let mut s = 0;
        for t in &self.tokens {
            while s + 1 < self.sentences.len() && self.sentences[s + 1].start <= t.start {
                s += 1;
            }
            out.push(s);
        }
        out
    }
}

/// Python's `str.isspace`, which spaCy splits on.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Converts ascending byte offsets to code points in one pass.
struct CodePoints<'a> {
    text: &'a str,
    byte: usize,
    cp: usize,
}

impl<'a> CodePoints<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            cp: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.cp = 0;
        }
        self.cp += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.cp
    }
}

#[derive(Deserialize)]
struct RulesFile {
    prefix: String,
    suffix: String,
    infix: String,
    url: String,
    special: HashMap<String, Vec<String>>,
}

struct Rules {
    prefix: Regex,
    suffix: Regex,
    infix: Regex,
    url: Regex,
    special: HashMap<String, Vec<usize>>,
}

/// How whitespace-separated chunks split into tokens: byte ranges within the chunk.
type SplitCache = rustc_hash::FxHashMap<Box<str>, Box<[(u32, u32)]>>;

/// Chunks remembered per thread before the cache starts over.
const CACHE_LIMIT: usize = 200_000;

thread_local! {
    static CACHE: std::cell::RefCell<SplitCache> =
        std::cell::RefCell::new(SplitCache::default());
}

const RULES_JSON: &str = include_str!("../data/spacy-en.json");

fn rules() -> Result<&'static Rules, FormatError> {
    static RULES: OnceLock<Result<Rules, String>> = OnceLock::new();
    RULES
        .get_or_init(Rules::load)
        .as_ref()
        .map_err(|e| FormatError::new(FormatErrorKind::Invalid(e.clone())).in_file("spacy-en.json"))
}

fn regex_error(field: &str, e: fancy_regex::Error) -> String {
    format!("field {field}: the pattern does not compile: {e}")
}

impl Rules {
    fn load() -> Result<Self, String> {
        let file: RulesFile = serde_json::from_str(RULES_JSON).map_err(|e| e.to_string())?;
        let special = file
            .special
            .into_iter()
            .map(|(k, pieces)| (k, pieces.iter().map(String::len).collect()))
            .collect();
        Ok(Self {
            prefix: Regex::new(&file.prefix).map_err(|e| regex_error("prefix", e))?,
            suffix: Regex::new(&file.suffix).map_err(|e| regex_error("suffix", e))?,
            infix: Regex::new(&file.infix).map_err(|e| regex_error("infix", e))?,
            url: Regex::new(&file.url).map_err(|e| regex_error("url", e))?,
            special,
        })
    }

    /// spaCy's `Tokenizer._tokenize_affixes`: byte ranges of the tokens of `text`. Like spaCy,
    /// it remembers how each whitespace-separated chunk splits (chunks repeat: words).
    fn tokenize(&self, text: &str, out: &mut Vec<(usize, usize)>) -> Result<(), FormatError> {
        CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            self.tokenize_cached(text, out, &mut cache)
        })
    }

    fn tokenize_cached(
        &self,
        text: &str,
        out: &mut Vec<(usize, usize)>,
        cache: &mut SplitCache,
    ) -> Result<(), FormatError> {
        let mut chunk = |s: usize, e: usize, out: &mut Vec<(usize, usize)>| {
            let key = &text[s..e];
            if let Some(splits) = cache.get(key) {
                out.extend(
                    splits
                        .iter()
                        .map(|&(a, b)| (s + a as usize, s + b as usize)),
                );
                return Ok(());
            }
            let from = out.len();
            self.span(text, s, e, out)?;
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            let splits = out[from..]
                .iter()
                .map(|&(a, b)| ((a - s) as u32, (b - s) as u32))
                .collect();
            cache.insert(key.into(), splits);
            Ok::<(), FormatError>(())
        };
        let Some(first) = text.chars().next() else {
            return Ok(());
        };
        let mut in_ws = is_space(first);
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if is_space(c) != in_ws {
                if start < i {
                    chunk(start, i, out)?;
                }
                start = if c == ' ' { i + 1 } else { i };
                in_ws = !in_ws;
            }
        }
        if start < text.len() {
            chunk(start, text.len(), out)?;
        }
        Ok(())
    }

    fn special(&self, text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) -> bool {
        let Some(pieces) = self.special.get(&text[s..e]) else {
            return false;
        };
        let mut at = s;
        for len in pieces {
            out.push((at, at + len));
            at += len;
        }
        true
    }

    fn is_special(&self, s: &str) -> bool {
        self.special.contains_key(s)
    }

    /// spaCy's `_tokenize`: `_split_affixes` then `_attach_tokens`.
    fn span(
        &self,
        text: &str,
        mut s: usize,
        mut e: usize,
        out: &mut Vec<(usize, usize)>,
    ) -> Result<(), FormatError> {
        if self.special(text, s, e, out) {
            return Ok(());
        }
        let mut prefixes = Vec::new();
        let mut suffixes = Vec::new();
        let mut last = usize::MAX;
        while s < e && e - s != last {
            if self.is_special(&text[s..e]) {
                break;
            }
            last = e - s;
            let pre = match_len(&self.prefix, &text[s..e])?;
            if pre != 0 && s + pre < e && self.is_special(&text[s + pre..e]) {
                prefixes.push((s, s + pre));
                s += pre;
                break;
            }
            let suf = match_len(&self.suffix, &text[s + pre..e])?;
            if suf != 0 && s < e - suf && self.is_special(&text[s..e - suf]) {
                suffixes.push((e - suf, e));
                e -= suf;
                break;
            }
            if pre != 0 && suf != 0 && pre + suf <= e - s {
                prefixes.push((s, s + pre));
                suffixes.push((e - suf, e));
                s += pre;
                e -= suf;
            } else if pre != 0 {
                prefixes.push((s, s + pre));
                s += pre;
            } else if suf != 0 {
                suffixes.push((e - suf, e));
                e -= suf;
            }
        }
        out.extend(prefixes);
        if s < e && !self.special(text, s, e, out) {
            let word = &text[s..e];
            if self.url.is_match(word).map_err(fancy)? {
                out.push((s, e));
            } else {
                let mut at = 0;
                for m in self.infix.find_iter(word) {
                    let m = m.map_err(fancy)?;
                    if m.start() == 0 {
                        continue;
                    }
                    if m.start() != at {
                        out.push((s + at, s + m.start()));
                    }
                    if m.start() != m.end() {
                        out.push((s + m.start(), s + m.end()));
                    }
                    at = m.end();
                }
                if at < word.len() {
                    out.push((s + at, e));
                }
            }
        }
        out.extend(suffixes.into_iter().rev());
        Ok(())
    }
}

fn fancy(e: fancy_regex::Error) -> FormatError {
    FormatError::new(FormatErrorKind::Invalid(format!("tokenizer pattern: {e}")))
}

fn match_len(re: &Regex, s: &str) -> Result<usize, FormatError> {
    Ok(re
        .find(s)
        .map_err(fancy)?
        .map_or(0, |m| m.end() - m.start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let t = Tokenized::new(text).unwrap();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte = |cp: usize| chars.get(cp).map_or(text.len(), |c| c.0);
        t.tokens
            .iter()
            .map(|t| &text[byte(t.start)..byte(t.end)])
            .collect()
    }

    #[test]
    fn splits_like_spacy_english() {
        assert_eq!(
            words("Zelenskyy's aide wasn’t (ISW), U.S. troops—2024-11-05."),
            [
                "Zelenskyy",
                "'s",
                "aide",
                "was",
                "n’t",
                "(",
                "ISW",
                ")",
                ",",
                "U.S.",
                "troops—2024",
                "-",
                "11",
                "-",
                "05",
                "."
            ]
        );
    }

    #[test]
    fn whitespace_other_than_one_space_is_a_token() {
        assert_eq!(
            words("\nA  b\tc\r\n"),
            ["\n", "A", " ", "b", "\t", "c", "\r\n"]
        );
        let t = Tokenized::new("\nA  b").unwrap();
        assert!(t.tokens[0].space && !t.tokens[1].space && t.tokens[2].space);
    }

    #[test]
    fn offsets_are_code_points_on_tricky_text() {
        let text = include_str!("../../../tests/fixtures/tricky.txt");
        let t = Tokenized::with_sentences(text).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for tok in &t.tokens {
            assert!(tok.start < tok.end && tok.end <= chars.len());
        }
        let joined: String = t
            .tokens
            .iter()
            .flat_map(|t| chars[t.start..t.end].iter())
            .collect();
        let no_single_spaces: String = chars.iter().filter(|c| **c != ' ').collect();
        assert_eq!(joined.replace(' ', ""), no_single_spaces);
        assert!(t.sentences.len() >= 5, "{:?}", t.sentences);
    }

    #[test]
    fn aligns_spans_to_tokens() {
        let t = Tokenized::new("North Korean soldiers (POWs).").unwrap();
        assert_eq!(t.align(0, 12), Some(0..2));
        assert_eq!(t.align(0, 11), None);
        assert_eq!(t.align(23, 27), Some(4..5));
    }
}
