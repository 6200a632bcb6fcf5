//! The formats Glossa reads and writes, and what every writer shares: the [`Output`] it
//! writes to, the [`DocumentWriter`] interface, and [`ExportSettings`].

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use glossa_core::{AnnotatedDocument, LabelKind, Schema};

use crate::error::FormatError;
use crate::fidelity::Fidelity;
use crate::tokens::Tokenized;
use crate::{brat, claims_tsv, conll, doccano, hf, label_studio, native, spacy, span_csv, w3c};

/// A file format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Native JSONL, lossless (`docs/formats/native.md`).
    #[default]
    Jsonl,
    /// doccano sequence labeling JSONL, with its relation variant.
    Doccano,
    /// Label Studio JSON tasks, with the labeling config beside them.
    LabelStudio,
    /// spaCy-ready JSONL: text, spans with token indices, tokens.
    Spacy,
    /// CoNLL-2003 IOB2.
    Conll,
    /// Hugging Face `datasets` JSONL with `dataset_info.json` (a folder).
    Hf,
    /// brat standoff: `.txt` and `.ann` per document plus `annotation.conf` (a folder).
    Brat,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// One CSV row per span.
    Csv,
    /// CheckThat!-style claim detection TSV: one row per sentence (export only).
    ClaimsTsv,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 10] = [
        Self::Jsonl,
        Self::Doccano,
        Self::LabelStudio,
        Self::Spacy,
        Self::Conll,
        Self::Hf,
        Self::Brat,
        Self::W3c,
        Self::Csv,
        Self::ClaimsTsv,
    ];

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::Doccano => "doccano",
            Self::LabelStudio => "label-studio",
            Self::Spacy => "spacy",
            Self::Conll => "conll",
            Self::Hf => "hf",
            Self::Brat => "brat",
            Self::W3c => "w3c",
            Self::Csv => "csv",
            Self::ClaimsTsv => "claims-tsv",
        }
    }

    /// The format named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether Glossa imports it.
    pub fn can_import(self) -> bool {
        self != Self::ClaimsTsv
    }

    /// Whether an export is a folder of files rather than one file.
    pub fn is_folder(self) -> bool {
        matches!(self, Self::Brat | Self::Hf)
    }

    /// Whether importing it adds annotations to documents already in the project (the format
    /// does not carry whole texts).
    pub fn annotates_existing(self) -> bool {
        matches!(self, Self::W3c | Self::Csv)
    }

    /// For a folder format, the file within it that gets the main stream.
    pub fn main_file(self) -> Option<&'static str> {
        match self {
            Self::Hf => Some(crate::hf::DATA_FILE),
            _ => None,
        }
    }
}

/// How to export, beyond the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSettings {
    /// The project's schema (label configs, tag names, `annotation.conf`).
    pub schema: Schema,
    /// Labels to export as tags (CoNLL, HF, spaCy); `None` means every entity label.
    pub labels: Option<Vec<String>>,
    /// spaCy: put all spans, overlaps included, in `doc.spans[KEY]` instead of `doc.ents`.
    pub spans_key: Option<String>,
}

impl ExportSettings {
    /// Settings for `schema` with defaults.
    pub fn new(schema: Schema) -> Self {
        Self {
            schema,
            labels: None,
            spans_key: None,
        }
    }

    /// The labels token formats tag: `--labels`, or every entity label of the schema.
    pub fn tag_labels(&self) -> Vec<String> {
        match &self.labels {
            Some(l) => l.clone(),
            None => self
                .schema
                .labels
                .iter()
                .filter(|l| l.kind == LabelKind::Entity)
                .map(|l| l.name.clone())
                .collect(),
        }
    }
}

/// Where a writer writes: a main stream, and files beside it (or in the export folder).
pub trait Output {
    /// The main stream (unused by folder formats).
    fn main(&mut self) -> &mut dyn Write;
    /// Writes one more file, named `name` within the export folder or beside the main file.
    fn file(&mut self, name: &str, bytes: &[u8]) -> io::Result<()>;
}

/// Writes documents in one format, one at a time.
pub trait DocumentWriter {
    /// Writes one document, adding what the format cannot hold to `report`.
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError>;

    /// Writes what follows the last document (by default nothing).
    fn finish(&mut self, _out: &mut dyn Output, _report: &mut Fidelity) -> Result<(), FormatError> {
        Ok(())
    }

    /// The tokens [`DocumentWriter::write`] wants; a caller may compute them ahead, on
    /// another thread, and pass them in (a writer given none computes them itself).
    fn tokens(&self) -> TokensNeeded {
        TokensNeeded::None
    }
}

/// What tokenization a writer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokensNeeded {
    /// None.
    None,
    /// Words ([`Tokenized::new`]).
    Words,
    /// Words and sentences ([`Tokenized::with_sentences`]).
    Sentences,
}

impl TokensNeeded {
    /// Tokenizes `text` as needed.
    pub fn tokenize(self, text: &str) -> Result<Option<Tokenized>, FormatError> {
        Ok(match self {
            Self::None => None,
            Self::Words => Some(Tokenized::new(text)?),
            Self::Sentences => Some(Tokenized::with_sentences(text)?),
        })
    }
}

/// A writer for `format`.
pub fn writer(format: Format, settings: &ExportSettings) -> Box<dyn DocumentWriter> {
    match format {
        Format::Jsonl => Box::new(native::NativeWriter),
        Format::Doccano => Box::new(doccano::Writer),
        Format::LabelStudio => Box::new(label_studio::Writer::new(settings)),
        Format::Spacy => Box::new(spacy::Writer::new(settings)),
        Format::Conll => Box::new(conll::Writer::new(settings)),
        Format::Hf => Box::new(hf::Writer::new(settings)),
        Format::Brat => Box::new(brat::Writer::new(settings)),
        Format::W3c => Box::new(w3c::Writer::default()),
        Format::Csv => Box::new(span_csv::Writer::default()),
        Format::ClaimsTsv => Box::new(claims_tsv::Writer::new(settings)),
    }
}

/// Indices of spans (in `order`) that do not overlap an earlier kept one: longest first among
/// those starting together, as CoNLL-style tagging needs.
pub(crate) fn non_overlapping(spans: &[(usize, usize)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].0, std::cmp::Reverse(spans[i].1), i));
    let mut keep = vec![false; spans.len()];
    let mut reach = 0;
    for i in order {
        let (s, e) = spans[i];
        if s >= reach {
            keep[i] = true;
            reach = e;
        }
    }
    keep
}

/// The spans a token format writes: those of `labels`, without overlaps unless
/// `overlaps` allows them, whose ends are token boundaries; each as (span index, token range).
/// Everything left out is reported.
pub(crate) fn token_spans(
    doc: &AnnotatedDocument,
    tok: &crate::tokens::Tokenized,
    labels: &[String],
    overlaps: bool,
    report: &mut Fidelity,
) -> Vec<(usize, std::ops::Range<usize>)> {
    use crate::fidelity::{describe_span, LossKind};
    let chosen: Vec<usize> = (0..doc.spans.len())
        .filter(|&i| {
            let ok = labels.contains(&doc.spans[i].label);
            if !ok {
                report.add(LossKind::SpansNotExported, || {
                    describe_span(doc, &doc.spans[i])
                });
            }
            ok
        })
        .collect();
    let keep = if overlaps {
        vec![true; chosen.len()]
    } else {
        let ranges: Vec<_> = chosen
            .iter()
            .map(|&i| (doc.spans[i].start, doc.spans[i].end))
            .collect();
        non_overlapping(&ranges)
    };
    let mut out = Vec::new();
    for (k, &i) in chosen.iter().enumerate() {
        let s = &doc.spans[i];
        if !keep[k] {
            report.add(LossKind::OverlappingSpans, || describe_span(doc, s));
        } else if let Some(range) = tok.align(s.start, s.end) {
            out.push((i, range));
        } else {
            report.add(LossKind::UnalignedSpans, || describe_span(doc, s));
        }
    }
    out
}

/// A file name for a document id: characters other than letters, digits, `.`, `_` and `-`
/// become `_`, and a leading `.` too; `taken` makes it unique.
pub(crate) fn file_stem(id: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() || stem.starts_with('.') {
        stem.insert(0, '_');
    }
    let base = stem.clone();
    let mut n = 2;
    while !taken.insert(stem.to_lowercase()) {
        stem = format!("{base}-{n}");
        n += 1;
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.name()));
        }
    }

    #[test]
    fn keeps_longest_of_overlapping_spans() {
        assert_eq!(
            non_overlapping(&[(0, 5), (0, 10), (3, 4), (10, 12), (11, 13)]),
            [false, true, false, true, false]
        );
    }

    #[test]
    fn file_stems_are_safe_and_unique() {
        let mut taken = Default::default();
        assert_eq!(file_stem("a/b", &mut taken), "a_b");
        assert_eq!(file_stem("a:b", &mut taken), "a_b-2");
        assert_eq!(file_stem(".hidden", &mut taken), "_.hidden");
        assert_eq!(file_stem("김정은", &mut taken), "김정은");
    }
}
