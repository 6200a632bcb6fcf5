//! Claim detection TSV in the CheckThat! style (`docs/formats/claims-tsv.md`), export only:
//! one row per sentence, `doc_id\tsentence_id\ttext\tlabel`, where `label` is 1 when the
//! sentence overlaps a span of a claim label (CLAIM) whose `checkworthiness` is `CFS` (check-worthy factual
//! sentence, ClaimBuster's scale) and 0 otherwise. Sentences are Unicode sentences
//! ([`crate::tokens`]); `sentence_id` counts from 1 within a document. Fields are quoted by
//! the `csv` crate when they hold a tab, quote or line break.

use glossa_core::{AnnotatedDocument, LabelKind};

use crate::error::FormatError;
use crate::fidelity::{account, describe_span, Fidelity, Holds, LossKind};
use crate::format::{DocumentWriter, ExportSettings, Output};
use crate::tokens::sentences;
use crate::tokens::Tokenized;

/// The attribute and value that make a claim check-worthy.
pub const CHECK_WORTHY: (&str, &str) = ("checkworthiness", "CFS");

/// Writes sentence rows.
pub struct Writer {
    started: bool,
    claims: Vec<String>,
}

impl Writer {
    /// A writer; claims are spans of the schema's claim labels.
    pub fn new(settings: &ExportSettings) -> Self {
        Self {
            started: false,
            claims: settings
                .schema
                .labels
                .iter()
                .filter(|l| l.kind == LabelKind::Claim)
                .map(|l| l.name.clone())
                .collect(),
        }
    }
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b'\t')
            .has_headers(false)
            .from_writer(out.main());
        let io = |e: csv::Error| FormatError::from(std::io::Error::other(e.to_string()));
        if !self.started {
            w.write_record(["doc_id", "sentence_id", "text", "label"])
                .map_err(io)?;
            self.started = true;
        }
        let is_claim = |label: &str| self.claims.iter().any(|c| c == label);
        let worthy: Vec<(usize, usize)> = doc
            .spans
            .iter()
            .filter(|s| is_claim(&s.label))
            .filter(|s| {
                s.attrs.get(CHECK_WORTHY.0).and_then(|v| v.as_str()) == Some(CHECK_WORTHY.1)
            })
            .map(|s| (s.start, s.end))
            .collect();
        let chars: Vec<char> = doc.text.chars().collect();
        for (i, s) in sentences(&doc.text).iter().enumerate() {
            let label = worthy.iter().any(|&(a, b)| a < s.end && s.start < b);
            let text: String = chars[s.clone()].iter().collect();
            w.write_record([
                doc.id.as_str(),
                &(i + 1).to_string(),
                &text,
                if label { "1" } else { "0" },
            ])
            .map_err(io)?;
        }
        w.flush()?;
        for s in &doc.spans {
            if !is_claim(&s.label) {
                report.add(LossKind::SpansNotExported, || describe_span(doc, s));
            }
        }
        let claims = |i: usize| is_claim(&doc.spans[i].label);
        account(report, doc, Holds::default(), &claims);
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        if !self.started {
            out.main()
                .write_all(b"doc_id\tsentence_id\ttext\tlabel\n")?;
        }
        Ok(())
    }
}
