//! The fidelity report: what an export could not carry into its target format, with counts
//! and a few examples, so that nothing is dropped silently. `--strict` turns any loss into an
//! error.

use serde::Serialize;
use ts_rs::TS;

use glossa_core::{AnnotatedDocument, DocStatus, SpanRecord};

/// Examples kept per kind of loss.
const EXAMPLES: usize = 3;

/// A kind of information a format could not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// Spans left out because they overlap or nest in another span (CoNLL, HF, spaCy ents).
    OverlappingSpans,
    /// Spans left out because their ends are not token boundaries.
    UnalignedSpans,
    /// Spans left out because their label was not chosen (`--labels`) or the format holds
    /// only some labels.
    SpansNotExported,
    /// Relations left out.
    Relations,
    /// Span attributes left out.
    Attributes,
    /// Span notes left out, or changed to fit the format.
    Notes,
    /// Span and relation authors left out.
    Authors,
    /// Layers (gold or an annotator's) left out.
    Layers,
    /// Span ids not kept (renumbered by the format).
    SpanIds,
    /// Document ids not kept, or changed to fit the format (file names).
    DocumentIds,
    /// Document metadata left out.
    Metadata,
    /// Document status left out.
    Status,
    /// Document text not kept exactly (token formats keep only the tokens).
    Text,
}

impl LossKind {
    /// Whether a loss of this kind leaves spans out of the file (the others lose a part of
    /// spans or documents that are written).
    pub fn drops_spans(self) -> bool {
        matches!(
            self,
            Self::OverlappingSpans | Self::UnalignedSpans | Self::SpansNotExported
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Self::OverlappingSpans => "spans overlapping or nested in another span, left out",
            Self::UnalignedSpans => "spans whose ends are not token boundaries, left out",
            Self::SpansNotExported => "spans of labels this export does not hold, left out",
            Self::Relations => "relations left out",
            Self::Attributes => "span attributes left out",
            Self::Notes => "span notes left out or changed",
            Self::Authors => "authors left out",
            Self::Layers => "layers left out",
            Self::SpanIds => "span ids renumbered",
            Self::DocumentIds => "document ids not kept, or changed to fit file names",
            Self::Metadata => "document metadata left out",
            Self::Status => "document status left out",
            Self::Text => "document text kept only as tokens",
        }
    }
}

impl LossKind {
    /// How to keep what this kind of loss drops: another format or option.
    pub fn remedy(self) -> &'static str {
        match self {
            Self::OverlappingSpans => {
                "the spaCy format with a spans key (--spans-key) keeps overlapping and nested spans, as do native JSONL, brat and Label Studio"
            }
            Self::UnalignedSpans => {
                "character-offset formats (native JSONL, spaCy, brat, Label Studio, doccano) keep spans inside words"
            }
            Self::SpansNotExported => {
                "choose the labels to tag (--labels), or a character-offset format, which holds every label"
            }
            Self::Relations => "native JSONL, brat, Label Studio and W3C keep relations",
            Self::Attributes => "native JSONL, brat, Label Studio, W3C and CSV keep span attributes",
            Self::Notes => "native JSONL, brat, W3C and CSV keep notes",
            Self::Authors => "native JSONL, Label Studio and W3C keep who made each span",
            Self::Layers => "export one layer at a time (--layer), or native JSONL, which keeps every layer",
            Self::SpanIds => "native JSONL, brat and W3C keep span ids",
            Self::DocumentIds => "native JSONL keeps document ids as they are",
            Self::Metadata => "native JSONL keeps document metadata",
            Self::Status => "native JSONL keeps document status",
            Self::Text => "character-offset formats keep the text exactly",
        }
    }
}

/// One kind of loss: how often, and examples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Loss {
    /// What was lost.
    pub kind: LossKind,
    /// In words.
    pub message: String,
    /// How to keep it ([`LossKind::remedy`]).
    pub remedy: String,
    /// How many items.
    #[ts(type = "number")]
    pub count: u64,
    /// Up to three examples (`doc-id: LABEL [start, end) "text"`).
    pub examples: Vec<String>,
}

/// What an export could not hold, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Fidelity {
    /// The losses, in [`LossKind`] order; empty when the export holds everything.
    pub losses: Vec<Loss>,
}

impl Fidelity {
    /// True when nothing was lost.
    pub fn is_lossless(&self) -> bool {
        self.losses.is_empty()
    }

    /// Counts one lost item; `example` is called only while examples are still wanted.
    pub fn add(&mut self, kind: LossKind, example: impl FnOnce() -> String) {
        self.add_n(kind, 1, example);
    }

    /// Counts `n` lost items of one kind with one example.
    pub fn add_n(&mut self, kind: LossKind, n: u64, example: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        let at = match self.losses.binary_search_by(|l| l.kind.cmp(&kind)) {
            Ok(at) => at,
            Err(at) => {
                self.losses.insert(
                    at,
                    Loss {
                        kind,
                        message: kind.describe().into(),
                        remedy: kind.remedy().into(),
                        count: 0,
                        examples: Vec::new(),
                    },
                );
                at
            }
        };
        let loss = &mut self.losses[at];
        loss.count += n;
        if loss.examples.len() < EXAMPLES {
            loss.examples.push(example());
        }
    }

    /// Spans left out of the file, over every kind that drops spans.
    pub fn spans_dropped(&self) -> u64 {
        self.counted(LossKind::drops_spans)
    }

    /// Relations left out of the file.
    pub fn relations_dropped(&self) -> u64 {
        self.counted(|k| k == LossKind::Relations)
    }

    fn counted(&self, kind: impl Fn(LossKind) -> bool) -> u64 {
        self.losses
            .iter()
            .filter(|l| kind(l.kind))
            .map(|l| l.count)
            .sum()
    }

    /// A one-paragraph summary for people (`lossless` or one line per kind).
    pub fn summary(&self) -> String {
        if self.is_lossless() {
            return "lossless: the format holds everything exported".into();
        }
        self.losses
            .iter()
            .map(|l| {
                format!(
                    "{} {}; e.g. {} (to keep them: {})",
                    l.count,
                    l.message,
                    l.examples.join("; "),
                    l.remedy
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `doc: LABEL [start, end) "text"`, for examples.
pub fn describe_span(doc: &AnnotatedDocument, s: &SpanRecord) -> String {
    format!(
        "{}: {} [{}, {}) {:?}",
        doc.id,
        s.label,
        s.start,
        s.end,
        quote(doc, s)
    )
}

/// The first 60 code points of the words span `s` covers.
fn quote(doc: &AnnotatedDocument, s: &SpanRecord) -> String {
    doc.text
        .chars()
        .skip(s.start)
        .take(s.end - s.start)
        .take(60)
        .collect()
}

/// Which of a document's parts a format carries, for [`account`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Holds {
    pub ids: bool,
    pub attrs: bool,
    pub notes: bool,
    pub relations: bool,
    pub authors: bool,
    pub layers: bool,
    pub meta: bool,
    pub status: bool,
}

/// Records what `holds` leaves out of `doc`, for the spans `kept` says were written.
pub(crate) fn account(
    report: &mut Fidelity,
    doc: &AnnotatedDocument,
    holds: Holds,
    kept: &dyn Fn(usize) -> bool,
) {
    if !holds.meta && !doc.meta.is_empty() {
        report.add(LossKind::Metadata, || {
            format!(
                "{}: {}",
                doc.id,
                serde_json::Value::Object(doc.meta.clone())
            )
        });
    }
    if !holds.status && doc.status != DocStatus::Todo {
        report.add(LossKind::Status, || {
            format!("{}: {}", doc.id, doc.status.as_str())
        });
    }
    let mut kept_uids = std::collections::HashSet::new();
    for (i, s) in doc.spans.iter().enumerate() {
        if !kept(i) {
            continue;
        }
        if let Some(uid) = &s.uid {
            kept_uids.insert(uid.as_str());
        }
        let ex = || describe_span(doc, s);
        if !holds.ids && s.uid.is_some() {
            report.add(LossKind::SpanIds, ex);
        }
        if !holds.attrs && !s.attrs.is_empty() {
            report.add(LossKind::Attributes, || {
                format!(
                    "{} {}",
                    ex(),
                    serde_json::to_string(&s.attrs).unwrap_or_default()
                )
            });
        }
        if !holds.notes && s.note.is_some() {
            report.add(LossKind::Notes, ex);
        }
        if !holds.authors && s.author.is_some() {
            report.add(LossKind::Authors, ex);
        }
        if !holds.layers && s.layer.is_some() {
            report.add(LossKind::Layers, ex);
        }
    }
    // A relation's ends named by their words, never by span ids (people do not see those).
    let end = |uid: &str| {
        doc.spans
            .iter()
            .find(|s| s.uid.as_deref() == Some(uid))
            .map(|s| format!("{} {:?}", s.label, quote(doc, s)))
            .unwrap_or_else(|| "a span".into())
    };
    for r in &doc.relations {
        let both = kept_uids.contains(r.from.as_str()) && kept_uids.contains(r.to.as_str());
        if !holds.relations || !both {
            report.add(LossKind::Relations, || {
                format!("{}: {} → {} {}", doc.id, end(&r.from), r.label, end(&r.to))
            });
        } else if !holds.authors && r.author.is_some() {
            report.add(LossKind::Authors, || {
                format!(
                    "{}: relation {} → {} {}",
                    doc.id,
                    end(&r.from),
                    r.label,
                    end(&r.to)
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_keeps_three_examples_in_kind_order() {
        let mut f = Fidelity::default();
        for i in 0..5 {
            f.add(LossKind::Relations, || format!("r{i}"));
        }
        f.add(LossKind::OverlappingSpans, || "o".into());
        assert_eq!(f.losses[0].kind, LossKind::OverlappingSpans);
        assert_eq!(f.losses[1].count, 5);
        assert_eq!(f.losses[1].examples, ["r0", "r1", "r2"]);
        assert!(!f.is_lossless());
        assert!(f.summary().contains("5 relations left out"));
    }
}
