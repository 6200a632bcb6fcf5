//! Re-anchoring: carrying spans from one revision of a text to the next without ever reporting
//! a guess as exact.
//!
//! 1. **Diff.** The two texts are diffed by code point ([`similar`], Myers, with a deadline).
//!    A span whose words lie in one unchanged stretch, with most of its context carried along
//!    beside it, is `exact` at the mapped place.
//! 2. **Quote.** Otherwise its words are searched for in the text the diff did not account for
//!    (inserted text: a moved paragraph). A unique match whose surrounding text agrees with the
//!    span's old context is `moved`; several equally good matches, or a weak one, are `fuzzy`.
//! 3. **Edited inside.** A span whose ends map through the diff but whose words changed is
//!    `fuzzy` when the new words are still similar, else `orphaned`.
//!
//! Afterwards a placed span that would coincide with a span of its layer already there, or
//! break the overlap rule, is `orphaned` instead (see [`settle`]).

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};

use crate::model::AnchorState;
use crate::quote::{QuoteSelector, QUOTE_CONTEXT};

/// How long the diff may take before it settles for a coarser (still correct) answer.
const DIFF_DEADLINE: Duration = Duration::from_millis(150);

/// The share of a span's available context (up to [`QUOTE_CONTEXT`] code points each side)
/// that must come along with it for an `exact` placement.
const MIN_CARRIED_CONTEXT: f64 = 0.5;

/// The shortest unchanged stretch that counts as carrying context along.
const MIN_CARRIED_RUN: usize = 8;

/// How far a span's unchanged surroundings must reach into its context (on one side) for an
/// exact placement: some three words, as two unrelated texts share one or two words in a row
/// by chance (the re-anchoring benchmark's rewrites did, at 8).
const MIN_REACH: usize = 16;

/// Code points of agreeing context (both sides together, of at most 64) a quote match needs to
/// count as `moved`; fewer (but at least [`MIN_FUZZY_CONTEXT`]) make it `fuzzy`. Half the
/// context: some four words agreeing by chance is rare enough (the re-anchoring benchmark's
/// rewrites, in a 40-word vocabulary, misplace nothing at this level; at 16 they did).
const MIN_MOVED_CONTEXT: usize = 32;

/// Agreeing context below which a quote match is no evidence at all.
const MIN_FUZZY_CONTEXT: usize = 8;

/// How similar (0–1) a span's new words must be to its old ones to stay as `fuzzy`.
const MIN_EDITED_SIMILARITY: f32 = 0.6;

/// Where a span goes on the new text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// New start (code points); for an orphaned span, its old start.
    pub start: usize,
    /// New end (code points); for an orphaned span, its old end.
    pub end: usize,
    /// How sure the placement is.
    pub state: AnchorState,
    /// From 0 to 1.
    pub confidence: f64,
}

impl Placement {
    fn orphaned(start: usize, end: usize) -> Self {
        Self {
            start,
            end,
            state: AnchorState::Orphaned,
            confidence: 0.0,
        }
    }
}

/// An unchanged stretch: `len` code points at `old` in the old text and `new` in the new one.
#[derive(Debug, Clone, Copy)]
struct Same {
    old: usize,
    new: usize,
    len: usize,
}

/// The code-point diff of two texts, line by line first (a 1 MB text has some ten thousand
/// lines, and an edit touches few), then code point by code point within changed lines.
fn diff(old: &[char], new: &[char]) -> Vec<DiffOp> {
    let deadline = Some(Instant::now() + DIFF_DEADLINE);
    let lines = |text: &[char]| -> (Vec<usize>, usize) {
        // Line starts, and the number of lines (each with its '\n').
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, c)| **c == '\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < text.len()),
        );
        let n = starts.len();
        starts.push(text.len());
        (starts, n)
    };
    let (old_starts, old_n) = lines(old);
    let (new_starts, new_n) = lines(new);
    let old_lines: Vec<&[char]> = (0..old_n)
        .map(|i| &old[old_starts[i]..old_starts[i + 1]])
        .collect();
    let new_lines: Vec<&[char]> = (0..new_n)
        .map(|i| &new[new_starts[i]..new_starts[i + 1]])
        .collect();
    let by_line = capture_diff_slices_deadline(Algorithm::Myers, &old_lines, &new_lines, deadline);
    let mut ops = Vec::with_capacity(by_line.len());
    for op in by_line {
        let (os, oe, ns, ne) = match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                let (os, ns) = (old_starts[old_index], new_starts[new_index]);
                let n = old_starts[old_index + len] - os;
                ops.push(DiffOp::Equal {
                    old_index: os,
                    new_index: ns,
                    len: n,
                });
                continue;
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_index + old_len, new_index, new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, old_index, new_index, new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index,
                old_index + old_len,
                new_index,
                new_index + new_len,
            ),
        };
        let (oa, ob) = (old_starts[os], old_starts[oe]);
        let (na, nb) = (new_starts[ns], new_starts[ne]);
        for op in
            capture_diff_slices_deadline(Algorithm::Myers, &old[oa..ob], &new[na..nb], deadline)
        {
            ops.push(match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => DiffOp::Equal {
                    old_index: oa + old_index,
                    new_index: na + new_index,
                    len,
                },
                DiffOp::Delete {
                    old_index,
                    old_len,
                    new_index,
                } => DiffOp::Delete {
                    old_index: oa + old_index,
                    old_len,
                    new_index: na + new_index,
                },
                DiffOp::Insert {
                    old_index,
                    new_index,
                    new_len,
                } => DiffOp::Insert {
                    old_index: oa + old_index,
                    new_index: na + new_index,
                    new_len,
                },
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => DiffOp::Replace {
                    old_index: oa + old_index,
                    old_len,
                    new_index: na + new_index,
                    new_len,
                },
            });
        }
    }
    ops
}

/// Positions by their first code point and the one after it (if any).
type StartIndex = HashMap<(char, Option<char>), Vec<usize>>;

/// The diff of two texts, ready to place spans of the old one on the new one.
pub struct Reanchor {
    old: Vec<char>,
    new: Vec<char>,
    /// Unchanged stretches, in order (increasing in both texts).
    same: Vec<Same>,
    /// The other diff operations as (old start, old end, new start, new end), in order.
    changed: Vec<(usize, usize, usize, usize)>,
    /// Where each code point (and pair) starts in the text the diff did not account for,
    /// made on the first search.
    unaccounted_index: OnceLock<StartIndex>,
}

impl Reanchor {
    /// Diffs `old` and `new`.
    pub fn new(old: &str, new: &str) -> Self {
        let old: Vec<char> = old.chars().collect();
        let new: Vec<char> = new.chars().collect();
        let ops = diff(&old, &new);
        let mut same = Vec::new();
        let mut changed = Vec::new();
        for op in ops {
            match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => match same.last_mut() {
                    Some(s @ Same { .. })
                        if s.old + s.len == old_index && s.new + s.len == new_index =>
                    {
                        s.len += len;
                    }
                    _ => same.push(Same {
                        old: old_index,
                        new: new_index,
                        len,
                    }),
                },
                DiffOp::Delete {
                    old_index,
                    old_len,
                    new_index,
                } => changed.push((old_index, old_index + old_len, new_index, new_index)),
                DiffOp::Insert {
                    old_index,
                    new_index,
                    new_len,
                } => changed.push((old_index, old_index, new_index, new_index + new_len)),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => changed.push((
                    old_index,
                    old_index + old_len,
                    new_index,
                    new_index + new_len,
                )),
            }
        }
        Self {
            old,
            new,
            same,
            changed,
            unaccounted_index: OnceLock::new(),
        }
    }

    /// Whether the texts are the same.
    pub fn unchanged(&self) -> bool {
        self.changed.is_empty()
    }

    /// The unchanged stretch holding old position `p`, if any.
    fn same_at_old(&self, p: usize) -> Option<Same> {
        let i = self.same.partition_point(|s| s.old + s.len <= p);
        self.same.get(i).copied().filter(|s| s.old <= p)
    }

    /// Where old position `p` (a boundary between code points) lands in the new text.
    fn map(&self, p: usize) -> usize {
        if let Some(s) = self.same_at_old(p) {
            return s.new + (p - s.old);
        }
        if p > 0 {
            if let Some(s) = self.same_at_old(p - 1) {
                return s.new + (p - s.old);
            }
        }
        let i = self.changed.partition_point(|c| c.1 < p);
        match self.changed.get(i) {
            Some(&(os, _, ns, ne)) => {
                if p <= os {
                    ns
                } else {
                    ne
                }
            }
            None => self.new.len(),
        }
    }

    /// How many of `[from, to)` (old positions) the diff carried into the new window
    /// `[lo, hi)`.
    fn carried(&self, from: usize, to: usize, lo: usize, hi: usize) -> usize {
        let mut n = 0;
        let mut i = self.same.partition_point(|s| s.old + s.len <= from);
        while let Some(s) = self.same.get(i).filter(|s| s.old < to) {
            i += 1;
            // Short stretches are what any two texts share by chance (a diff of two unrelated
            // texts aligns letters here and there); carried context comes in runs.
            if s.len < MIN_CARRIED_RUN {
                continue;
            }
            let (a, b) = (s.old.max(from), (s.old + s.len).min(to));
            let (na, nb) = (s.new + (a - s.old), s.new + (b - s.old));
            n += nb.min(hi).saturating_sub(na.max(lo));
        }
        n
    }

    /// How far the unchanged text around span `[start, end)` (inside stretch `s`) reaches into
    /// its context on its better side: its own stretch, continued across gaps of a code point
    /// or two (a dropped `\r`, a fixed letter) by stretches of some length. The start and end
    /// of both texts count as reaching all the way.
    fn reach(&self, s: Same, start: usize, end: usize) -> usize {
        const GAP: usize = 3;
        const LINK: usize = 4;
        let i = self.same.partition_point(|x| x.old < s.old);
        let mut left = start - s.old;
        let mut cur = s;
        let mut j = i;
        while left < MIN_REACH {
            if cur.old == 0 && cur.new == 0 {
                left = usize::MAX;
                break;
            }
            let Some(p) = j.checked_sub(1).and_then(|k| self.same.get(k)).copied() else {
                break;
            };
            let linked = p.len >= LINK
                && cur.old - (p.old + p.len) <= GAP
                && cur.new - (p.new + p.len) <= GAP;
            if !linked {
                break;
            }
            left += p.len;
            cur = p;
            j -= 1;
        }
        let mut right = s.old + s.len - end;
        let mut cur = s;
        let mut j = i;
        while right < MIN_REACH {
            if cur.old + cur.len == self.old.len() && cur.new + cur.len == self.new.len() {
                right = usize::MAX;
                break;
            }
            let Some(n) = self.same.get(j + 1).copied() else {
                break;
            };
            let linked = n.len >= LINK
                && n.old - (cur.old + cur.len) <= GAP
                && n.new - (cur.new + cur.len) <= GAP;
            if !linked {
                break;
            }
            right += n.len;
            cur = n;
            j += 1;
        }
        left.max(right)
    }

    /// Code points of the old context of `[start, end)` that agree with the new text around
    /// `[ns, ne)`: matching outward from both ends, as far as [`QUOTE_CONTEXT`].
    fn agreeing_context(&self, start: usize, end: usize, ns: usize, ne: usize) -> usize {
        let before = self.old[..start]
            .iter()
            .rev()
            .zip(self.new[..ns].iter().rev())
            .take(QUOTE_CONTEXT)
            .take_while(|(a, b)| a == b)
            .count();
        let after = self.old[end..]
            .iter()
            .zip(self.new[ne..].iter())
            .take(QUOTE_CONTEXT)
            .take_while(|(a, b)| a == b)
            .count();
        before + after
    }

    /// Where span `[start, end)` of the old text goes.
    pub fn place(&self, start: usize, end: usize) -> Placement {
        let n_old = self.old.len();
        if start >= end || end > n_old {
            return Placement::orphaned(start, end);
        }
        // 1. Through the diff, words unchanged and context carried along.
        if let Some(s) = self.same_at_old(start).filter(|s| end <= s.old + s.len) {
            let (ns, ne) = (s.new + (start - s.old), s.new + (end - s.old));
            let (cs, ce) = (
                start.saturating_sub(QUOTE_CONTEXT),
                (end + QUOTE_CONTEXT).min(n_old),
            );
            let available = (start - cs) + (ce - end);
            let window = (
                ns.saturating_sub(2 * QUOTE_CONTEXT),
                (ne + 2 * QUOTE_CONTEXT).min(self.new.len()),
            );
            let carried =
                self.carried(cs, start, window.0, ns) + self.carried(end, ce, ne, window.1);
            // The span's own stretch reaches on into its context on one side at least (two
            // unrelated texts share words, seldom words with their neighbours).
            let reach = self.reach(s, start, end);
            let room = start.max(n_old - end);
            let anchored = reach >= MIN_REACH.min(room);
            // A long span's own words are evidence too: up to a context's worth of them count
            // as carried context (a sentence still standing where it was, though what follows
            // it was rewritten; a lone word is no such evidence).
            let own = (end - start).min(QUOTE_CONTEXT);
            let evidence = (carried + own) as f64;
            if available == 0
                || (anchored && evidence >= MIN_CARRIED_CONTEXT * (available + own) as f64)
            {
                // The same words with context as good in inserted text (a duplicated
                // passage the diff may have aligned either way) make it a guess.
                let here = self.agreeing_context(start, end, ns, ne);
                let rival = self
                    .search(start, end)
                    .filter(|p| self.agreeing_context(start, end, p.start, p.end) >= here);
                return match rival {
                    None => Placement {
                        start: ns,
                        end: ne,
                        state: AnchorState::Exact,
                        confidence: 1.0,
                    },
                    Some(_) => Placement {
                        start: ns,
                        end: ne,
                        state: AnchorState::Fuzzy,
                        confidence: 0.5,
                    },
                };
            }
        }
        // 2. The same words in text the diff did not account for.
        if let Some(p) = self.search(start, end) {
            return p;
        }
        // 3. Ends mapped through the diff, words changed.
        let (ns, ne) = (self.map(start), self.map(end));
        if ns < ne {
            let old_words: String = self.old[start..end].iter().collect();
            let new_words: String = self.new[ns..ne].iter().collect();
            let ratio =
                similar::TextDiff::from_chars(old_words.as_str(), new_words.as_str()).ratio();
            let context = self.agreeing_context(start, end, ns, ne);
            if ratio >= MIN_EDITED_SIMILARITY
                && context >= MIN_FUZZY_CONTEXT.min(start + (n_old - end))
            {
                return Placement {
                    start: ns,
                    end: ne,
                    state: AnchorState::Fuzzy,
                    confidence: f64::from(ratio) * 0.9,
                };
            }
        }
        Placement::orphaned(start, end)
    }

    /// Searches the text the diff did not account for (inserted or replaced text: a moved
    /// paragraph lands there) for the span's words, scoring each match by its agreeing
    /// context. Text the diff carried over from elsewhere holds other words, not these.
    fn search(&self, start: usize, end: usize) -> Option<Placement> {
        let words = &self.old[start..end];
        let len = words.len();
        if len == 0 {
            return None;
        }
        let hint = self.map(start);
        // (score, distance, start) of the best match, and how many tie with it.
        let mut best: Option<(usize, usize, usize)> = None;
        let mut ties = 0;
        for &p in self.candidates(words) {
            if self.new.get(p..p + len) != Some(words) || !self.unaccounted(p, p + len) {
                continue;
            }
            let score = self.agreeing_context(start, end, p, p + len);
            let distance = p.abs_diff(hint);
            match best {
                Some((s, d, _)) if score < s || (score == s && distance >= d) => {
                    if score == s {
                        ties += 1;
                    }
                }
                Some((s, _, _)) => {
                    ties = if score == s { ties + 1 } else { 0 };
                    best = Some((score, distance, p));
                }
                None => best = Some((score, distance, p)),
            }
        }
        let (score, _, ns) = best?;
        let available = start.min(QUOTE_CONTEXT) + (self.old.len() - end).min(QUOTE_CONTEXT);
        let confidence = if available == 0 {
            1.0
        } else {
            score as f64 / available as f64
        };
        let state = if ties == 0 && score >= MIN_MOVED_CONTEXT.min(available) {
            AnchorState::Moved
        } else if score >= MIN_FUZZY_CONTEXT.min(available) {
            AnchorState::Fuzzy
        } else {
            return None;
        };
        Some(Placement {
            start: ns,
            end: ns + len,
            state,
            confidence: if state == AnchorState::Fuzzy {
                confidence * 0.5
            } else {
                confidence
            },
        })
    }

    /// Positions in the new text where `words` may start: those of its first two code points
    /// in text the diff did not account for.
    fn candidates(&self, words: &[char]) -> &[usize] {
        let key = (words[0], words.get(1).copied());
        let index = self.unaccounted_index.get_or_init(|| {
            let mut index = StartIndex::new();
            for &(_, _, ns, ne) in &self.changed {
                for p in ns..ne {
                    let c = self.new[p];
                    index.entry((c, None)).or_default().push(p);
                    if let Some(&d) = self.new.get(p + 1) {
                        index.entry((c, Some(d))).or_default().push(p);
                    }
                }
            }
            index
        });
        index.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Whether new positions `[a, b)` lie in text the diff did not account for.
    fn unaccounted(&self, a: usize, b: usize) -> bool {
        let i = self.changed.partition_point(|c| c.3 <= a);
        self.changed
            .get(i)
            .is_some_and(|&(_, _, ns, ne)| ns <= a && b <= ne)
    }
}

/// Finds `quote` in `text` by its exact words and context (a W3C `TextQuoteSelector` whose
/// offsets no longer fit): the one occurrence whose surrounding text agrees best with the
/// prefix and suffix, when that agreement is strong and no other occurrence agrees as well.
/// `None` rather than a guess.
pub fn find_quote(quote: &QuoteSelector, text: &str) -> Option<(usize, usize)> {
    if quote.exact.is_empty() {
        return None;
    }
    let index = crate::offsets::OffsetIndex::new(text);
    let len = quote.exact.chars().count();
    let mut scores: Vec<(usize, usize)> = Vec::new();
    for (byte, _) in text.match_indices(quote.exact.as_str()) {
        let before = text[..byte]
            .chars()
            .rev()
            .zip(quote.prefix.chars().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let after = text[byte + quote.exact.len()..]
            .chars()
            .zip(quote.suffix.chars())
            .take_while(|(a, b)| a == b)
            .count();
        if let Ok(start) = index.byte_to_cp(byte) {
            scores.push((before + after, start));
        }
    }
    scores.sort_by_key(|s| std::cmp::Reverse(s.0));
    let available = quote.prefix.chars().count() + quote.suffix.chars().count();
    match scores.as_slice() {
        [(best, start), rest @ ..]
            if *best >= MIN_MOVED_CONTEXT.min(available)
                && rest.first().is_none_or(|(next, _)| next < best) =>
        {
            Some((*start, start + len))
        }
        _ => None,
    }
}

/// A span to settle: its layer and label, and where it goes (or where it already is).
#[derive(Debug, Clone, Copy)]
pub struct Settling<'a> {
    /// Its layer.
    pub layer: &'a str,
    /// Its label.
    pub label: &'a str,
    /// Its placement.
    pub placement: Placement,
}

/// Orphans placed spans that would coincide with another span of their layer and label, or
/// (when `allow_overlaps` is false) overlap another span of their layer. `fixed` are spans
/// already on the new text; `placed` are the re-anchored ones, changed in place. Earlier
/// placed spans win over later ones.
pub fn settle(fixed: &[Settling<'_>], placed: &mut [Settling<'_>], allow_overlaps: bool) {
    let mut taken = Taken::default();
    for f in fixed {
        taken.accept(f);
    }
    for s in placed.iter_mut() {
        if s.placement.state == AnchorState::Orphaned {
            continue;
        }
        if taken.clashes(s, allow_overlaps) {
            s.placement.state = AnchorState::Orphaned;
            s.placement.confidence = 0.0;
        } else {
            taken.accept(s);
        }
    }
}

/// The spans in place while settling, by layer.
#[derive(Default)]
struct Taken {
    /// (layer, label, start, end) of each.
    same: std::collections::HashSet<(String, String, usize, usize)>,
    /// Per layer, start → end of each extent.
    extents: HashMap<String, std::collections::BTreeMap<usize, usize>>,
}

impl Taken {
    fn accept(&mut self, s: &Settling<'_>) {
        let p = s.placement;
        self.same
            .insert((s.layer.to_string(), s.label.to_string(), p.start, p.end));
        let layer = self.extents.entry(s.layer.to_string()).or_default();
        let end = layer.entry(p.start).or_insert(p.end);
        *end = (*end).max(p.end);
    }

    fn clashes(&self, s: &Settling<'_>, allow_overlaps: bool) -> bool {
        let p = s.placement;
        if allow_overlaps {
            return self
                .same
                .contains(&(s.layer.to_string(), s.label.to_string(), p.start, p.end));
        }
        // Where overlaps are forbidden, a layer's spans in place do not overlap one another,
        // so their ends rise with their starts: the last one starting before the span's end
        // is the only one that can reach it.
        self.extents.get(s.layer).is_some_and(|taken| {
            taken
                .range(..p.end)
                .next_back()
                .is_some_and(|(&a, &b)| crate::rules::overlaps(a, b, p.start, p.end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(text: &str, needle: &str) -> (usize, usize) {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        (s, s + needle.chars().count())
    }

    fn slice(text: &str, p: Placement) -> String {
        text.chars().skip(p.start).take(p.end - p.start).collect()
    }

    const TEXT: &str = "Putin met Kim in Pyongyang on Tuesday. Later, in Moscow, Putin said the talks went well. NATO officials were not told.";

    #[test]
    fn an_edit_before_a_span_moves_it_exactly() {
        let new = TEXT.replace("Tuesday", "a cold Tuesday");
        let r = Reanchor::new(TEXT, &new);
        let (s, e) = cp(TEXT, "NATO");
        let p = r.place(s, e);
        assert_eq!(p.state, AnchorState::Exact);
        assert_eq!(slice(&new, p), "NATO");
    }

    #[test]
    fn deleting_the_sentence_orphans_its_span_instead_of_jumping() {
        // The second "Putin" goes with its sentence; the first stays. The span must not land
        // on the first one (which already carries an identical span).
        let b = TEXT.rfind("Putin").unwrap();
        let s = TEXT[..b].chars().count();
        let new = TEXT.replace(" Later, in Moscow, Putin said the talks went well.", "");
        let r = Reanchor::new(TEXT, &new);
        let p = r.place(s, s + 5);
        assert_eq!(p.state, AnchorState::Orphaned, "{p:?}");
        // The first "Putin" is exact.
        assert_eq!(r.place(0, 5).state, AnchorState::Exact);
    }

    #[test]
    fn a_moved_paragraph_is_found_by_its_quote() {
        let old = "First paragraph about the weather today.\n\nSecond paragraph where NATO met in Brussels to talk.\n\nThird paragraph on sports and games.";
        let new = "First paragraph about the weather today.\n\nThird paragraph on sports and games.\n\nSecond paragraph where NATO met in Brussels to talk.";
        let r = Reanchor::new(old, new);
        let (s, e) = cp(old, "NATO");
        let p = r.place(s, e);
        assert!(
            matches!(p.state, AnchorState::Exact | AnchorState::Moved),
            "{p:?}"
        );
        assert_eq!(slice(new, p), "NATO");
        assert_eq!(p.start, cp(new, "NATO").0);
    }

    #[test]
    fn an_edit_inside_a_span_is_fuzzy_and_a_rewrite_orphans() {
        let old = "The leader Kim Jong Un arrived in the capital yesterday morning.";
        let new = "The leader Kim Jong-un arrived in the capital yesterday morning.";
        let r = Reanchor::new(old, new);
        let (s, e) = cp(old, "Kim Jong Un");
        let p = r.place(s, e);
        assert_eq!(p.state, AnchorState::Fuzzy, "{p:?}");
        assert_eq!(slice(new, p), "Kim Jong-un");
        let r = Reanchor::new(
            old,
            "Something else entirely was written here by the editor.",
        );
        assert_eq!(r.place(s, e).state, AnchorState::Orphaned);
    }

    #[test]
    fn line_ending_changes_keep_spans_exact() {
        let old = "Title line\r\nKim spoke.\r\nPutin answered.\r\n";
        let new = old.replace("\r\n", "\n");
        let r = Reanchor::new(old, &new);
        for w in ["Title line", "Kim", "Putin answered."] {
            let (s, e) = cp(old, w);
            let p = r.place(s, e);
            assert_eq!(p.state, AnchorState::Exact, "{w}: {p:?}");
            assert_eq!(slice(&new, p), w);
        }
    }

    #[test]
    fn a_quote_is_found_only_when_its_context_decides() {
        let text = "NATO said. Later NATO said again.";
        let q = QuoteSelector {
            exact: "NATO".into(),
            prefix: "Later ".into(),
            suffix: " said again.".into(),
        };
        assert_eq!(find_quote(&q, &format!("Intro. {text}")), Some((24, 28)));
        // Both occurrences agree as little: no guess.
        let weak = QuoteSelector {
            exact: "NATO".into(),
            prefix: "xx ".into(),
            suffix: " said".into(),
        };
        assert_eq!(find_quote(&weak, text), None);
        assert_eq!(find_quote(&q, "nothing here"), None);
    }

    #[test]
    fn settling_orphans_a_span_that_lands_on_an_identical_one() {
        let fixed = [Settling {
            layer: "alice",
            label: "PERSON",
            placement: Placement {
                start: 0,
                end: 5,
                state: AnchorState::Exact,
                confidence: 1.0,
            },
        }];
        let mut placed = [Settling {
            layer: "alice",
            label: "PERSON",
            placement: Placement {
                start: 0,
                end: 5,
                state: AnchorState::Moved,
                confidence: 0.9,
            },
        }];
        settle(&fixed, &mut placed, true);
        assert_eq!(placed[0].placement.state, AnchorState::Orphaned);
    }
}
