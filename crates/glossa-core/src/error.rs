//! The one error type of `glossa-core`: a validation failure at a named field.

use std::fmt;

/// What went wrong, without where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreErrorKind {
    /// A label that the schema does not define.
    #[error("unknown label {label:?}; known labels: {known}")]
    UnknownLabel {
        /// The label that was given.
        label: String,
        /// The schema's labels, comma separated.
        known: String,
    },
    /// A relation type that the schema does not define.
    #[error("unknown relation type {label:?}; known relation types: {known}")]
    UnknownRelation {
        /// The relation label that was given.
        label: String,
        /// The schema's relation types, comma separated.
        known: String,
    },
    /// A relation whose argument does not have an allowed label.
    #[error("{relation} cannot {side} a {label} span; allowed: {allowed}")]
    RelationArgument {
        /// The relation type.
        relation: String,
        /// `start from` or `point to`.
        side: &'static str,
        /// The label of the offending span.
        label: String,
        /// What the schema allows.
        allowed: String,
    },
    /// An attribute that the label does not define.
    #[error("label {label} has no attribute {attr:?}; its attributes: {known}")]
    UnknownAttribute {
        /// The span's label.
        label: String,
        /// The attribute that was given.
        attr: String,
        /// The label's attributes, comma separated (or `none`).
        known: String,
    },
    /// An attribute value outside what the schema allows.
    #[error("value {value} is not allowed; expected {expected}")]
    AttributeValue {
        /// The value that was given, as JSON.
        value: String,
        /// What is expected.
        expected: String,
    },
    /// A negative offset.
    #[error("offset {0} is negative")]
    NegativeOffset(i64),
    /// A span whose start is after its end.
    #[error("span start {start} is after its end {end}")]
    StartAfterEnd {
        /// Start offset (code points).
        start: usize,
        /// End offset (code points).
        end: usize,
    },
    /// An offset past the end of the text.
    #[error("offset {offset} is past the end of the text ({len} code points)")]
    PastEnd {
        /// The offset (code points).
        offset: usize,
        /// The text length (code points).
        len: usize,
    },
    /// An empty span.
    #[error("span is empty (start = end = {0})")]
    EmptySpan(usize),
    /// A UTF-16 offset that falls inside a surrogate pair, or a byte offset inside a character.
    #[error("offset {offset} is inside a character ({unit})")]
    InsideCharacter {
        /// The offset.
        offset: usize,
        /// `utf-16` or `utf-8`.
        unit: &'static str,
    },
    /// Two spans (or labels, or documents) with the same id.
    #[error("duplicate id {0:?}")]
    DuplicateId(String),
    /// A relation that names a span id that the document does not have.
    #[error("no span with id {0:?} in this document")]
    MissingSpan(String),
    /// A required value is missing or blank.
    #[error("{0}")]
    Invalid(String),
}

/// A validation failure: what went wrong and at which field (for example `spans[3].label`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreError {
    /// The field path, outermost first (`spans[3].end`); empty for the whole value.
    pub field: String,
    /// What went wrong.
    pub kind: CoreErrorKind,
}

impl CoreError {
    /// A new error at `field`.
    pub fn at(field: impl Into<String>, kind: CoreErrorKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// Puts this error inside `outer`: `label` becomes `spans[3].label`.
    #[must_use]
    pub fn within(mut self, outer: &str) -> Self {
        self.field = if self.field.is_empty() {
            outer.to_string()
        } else if self.field.starts_with('[') {
            format!("{outer}{}", self.field)
        } else {
            format!("{outer}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "field {}: {}", self.field, self.kind)
        }
    }
}

impl std::error::Error for CoreError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_field_paths() {
        let e = CoreError::at("label", CoreErrorKind::DuplicateId("x".into()))
            .within("spans[3]")
            .within("doc");
        assert_eq!(e.field, "doc.spans[3].label");
        assert_eq!(
            e.to_string(),
            "field doc.spans[3].label: duplicate id \"x\""
        );
    }
}
