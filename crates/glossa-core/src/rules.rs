//! The domain rules that imports, edits and every front end share, each written once here:
//! span overlap, relations within one layer, and who may write a layer (the status to show is
//! [`crate::DocStatus::effective`]); and the hash that names a revision.

use crate::error::{CoreError, CoreErrorKind};
use crate::model::{Role, GOLD_LAYER};

/// Whether `[a_start, a_end)` and `[b_start, b_end)` share a code point.
pub fn overlaps(a_start: usize, a_end: usize, b_start: usize, b_end: usize) -> bool {
    a_start < b_end && b_start < a_end
}

/// A span as the overlap rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent<'a> {
    /// Its layer.
    pub layer: &'a str,
    /// Start (code points).
    pub start: usize,
    /// End (code points).
    pub end: usize,
}

/// The first of `others` that `span` may not coexist with when the schema forbids overlaps:
/// a span of the same layer sharing a code point. `None` when overlaps are allowed.
pub fn overlap_conflict<'a, T>(
    allow_overlaps: bool,
    span: Extent<'_>,
    others: impl IntoIterator<Item = (Extent<'a>, T)>,
) -> Option<T> {
    if allow_overlaps {
        return None;
    }
    others
        .into_iter()
        .find(|(o, _)| o.layer == span.layer && overlaps(o.start, o.end, span.start, span.end))
        .map(|(_, t)| t)
}

/// Refuses a relation between spans of different layers: a relation belongs to one layer.
pub fn check_relation_layers(from_layer: &str, to_layer: &str) -> Result<(), CoreError> {
    if from_layer == to_layer {
        return Ok(());
    }
    Err(CoreError::at(
        "",
        CoreErrorKind::Invalid(format!(
            "a relation must link spans of one layer (these are in {from_layer} and {to_layer})"
        )),
    ))
}

/// Whether `author` (with `role`) may edit spans of `layer`: everyone writes their own
/// layer, reviewers write `gold` too, and the system author (re-anchoring) writes any.
pub fn may_write_layer(author: &str, role: Role, layer: &str) -> bool {
    match role {
        Role::System => true,
        Role::Reviewer => layer == author || layer == GOLD_LAYER,
        Role::Annotator => layer == author,
    }
}

/// The hash that identifies a revision's text in every copy of a project: SHA-256 of its
/// UTF-8 bytes, in lowercase hex.
pub fn revision_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_is_per_layer_and_half_open() {
        assert!(overlaps(0, 5, 4, 6));
        assert!(!overlaps(0, 5, 5, 6));
        let others = [
            (
                Extent {
                    layer: "bob",
                    start: 0,
                    end: 10,
                },
                1,
            ),
            (
                Extent {
                    layer: "alice",
                    start: 5,
                    end: 10,
                },
                2,
            ),
        ];
        let span = Extent {
            layer: "alice",
            start: 0,
            end: 6,
        };
        assert_eq!(overlap_conflict(false, span, others), Some(2));
        assert_eq!(overlap_conflict(true, span, others), None);
    }

    #[test]
    fn layer_ownership() {
        assert!(may_write_layer("alice", Role::Annotator, "alice"));
        assert!(!may_write_layer("alice", Role::Annotator, "gold"));
        assert!(!may_write_layer("alice", Role::Annotator, "bob"));
        assert!(may_write_layer("rita", Role::Reviewer, "gold"));
        assert!(!may_write_layer("rita", Role::Reviewer, "bob"));
    }

    #[test]
    fn revision_hash_is_sha256() {
        assert_eq!(
            revision_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
