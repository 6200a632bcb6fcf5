//! CoNLL-2003-style IOB2 (`docs/formats/conll.md`): `-DOCSTART- -X- -X- O` before each
//! document, one `token -X- _ TAG` line per token, a blank line after each sentence. Tokens
//! are spaCy's English tokens without whitespace ([`crate::tokens`]); sentences are Unicode
//! sentences, joined where a span would cross them. Only the chosen labels become tags
//! (`--labels`, by default the schema's entity labels); spans that overlap a longer one, or
//! whose ends are not token boundaries, are left out and reported.
//!
//! The tagging here serves the Hugging Face format too, and the IOB2 decoding both readers.

use std::path::Path;

use glossa_core::{AnnotatedDocument, DocStatus};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::{account, Fidelity, Holds, LossKind};
use crate::format::{token_spans, DocumentWriter, ExportSettings, Output, TokensNeeded};
use crate::read::{invalid, read_file, span, stem_of, Emit, Record};
use crate::tokens::Tokenized;

/// One sentence: tokens and their IOB2 tags.
pub(crate) type Sentence = Vec<(String, String)>;

/// Tags `doc`'s tokens with IOB2 tags of `labels`, reporting what is left out.
pub(crate) fn tag(
    doc: &AnnotatedDocument,
    tokens: Option<&Tokenized>,
    labels: &[String],
    report: &mut Fidelity,
) -> Result<Vec<Sentence>, FormatError> {
    let owned;
    let tok = match tokens {
        Some(t) if !t.sentences.is_empty() || doc.text.trim().is_empty() => t,
        _ => {
            owned = Tokenized::with_sentences(&doc.text)?;
            &owned
        }
    };
    let mut tags = vec![None::<(usize, bool)>; tok.tokens.len()];
    let mut kept = vec![false; doc.spans.len()];
    let mut joins = Vec::new();
    for (i, range) in token_spans(doc, tok, labels, false, report) {
        kept[i] = true;
        let mut first = true;
        for t in range.clone() {
            if !tok.tokens[t].space {
                tags[t] = Some((i, first));
                first = false;
            }
        }
        joins.push(range);
    }
    let mut sent = tok.sentence_of_tokens();
    // A span never crosses a sentence break: join the sentences it touches.
    for r in joins {
        let s0 = sent[r.start];
        for t in r.start..r.end {
            let old = sent[t];
            if old != s0 {
                for x in sent.iter_mut().filter(|x| **x == old) {
                    *x = s0;
                }
            }
        }
    }
    let chars: Vec<char> = doc.text.chars().collect();
    let mut out: Vec<Sentence> = Vec::new();
    let mut current = None;
    for (t, token) in tok.tokens.iter().enumerate() {
        if token.space {
            continue;
        }
        if current != Some(sent[t]) {
            out.push(Vec::new());
            current = Some(sent[t]);
        }
        let tag = match tags[t] {
            None => "O".to_string(),
            Some((i, true)) => format!("B-{}", doc.spans[i].label),
            Some((i, false)) => format!("I-{}", doc.spans[i].label),
        };
        let text: String = chars[token.start..token.end].iter().collect();
        if let Some(s) = out.last_mut() {
            s.push((text, tag));
        }
    }
    account(report, doc, Holds::default(), &|i| kept[i]);
    report.add(LossKind::Text, || doc.id.clone());
    Ok(out)
}

/// Writes CoNLL IOB2.
pub struct Writer {
    labels: Vec<String>,
}

impl Writer {
    /// A writer tagging the settings' labels.
    pub fn new(settings: &ExportSettings) -> Self {
        Self {
            labels: settings.tag_labels(),
        }
    }
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let sentences = tag(doc, tokens, &self.labels, report)?;
        report.add(LossKind::DocumentIds, || doc.id.clone());
        let w = out.main();
        w.write_all(b"-DOCSTART- -X- -X- O\n\n")?;
        for s in sentences {
            for (token, tag) in s {
                writeln!(w, "{token} -X- _ {tag}")?;
            }
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    fn tokens(&self) -> TokensNeeded {
        TokensNeeded::Sentences
    }
}

/// Builds a document from tagged sentences: tokens joined by spaces, sentences by newlines,
/// spans from the IOB2 tags. `at(s, t)` names the place of token `t` of sentence `s` in
/// errors (its line and field).
pub(crate) fn decode(
    id: String,
    sentences: &[Sentence],
    at: &dyn Fn(usize, usize) -> FormatError,
) -> Result<AnnotatedDocument, FormatError> {
    let mut text = String::new();
    let mut cp = 0;
    let mut spans = Vec::new();
    for (si, s) in sentences.iter().enumerate() {
        if si > 0 {
            text.push('\n');
            cp += 1;
        }
        let mut open: Option<(usize, usize, String)> = None;
        for (ti, (token, tag)) in s.iter().enumerate() {
            if ti > 0 {
                text.push(' ');
                cp += 1;
            }
            let len = token.chars().count();
            let (kind, label) = match tag.split_once('-') {
                _ if tag == "O" => ('O', ""),
                Some(("B", l)) if !l.is_empty() => ('B', l),
                Some(("I", l)) if !l.is_empty() => ('I', l),
                _ => {
                    let mut e = at(si, ti);
                    e.kind = FormatErrorKind::Invalid(format!(
                        "tag {tag:?} is not IOB2 (O, B-LABEL or I-LABEL)"
                    ));
                    return Err(e);
                }
            };
            match kind {
                'I' => match &mut open {
                    Some((_, end, l)) if l == label => *end = cp + len,
                    _ => {
                        let mut e = at(si, ti);
                        e.kind = FormatErrorKind::Invalid(format!(
                            "broken IOB2 sequence: {tag} does not continue a {label} entity (it follows {})",
                            if ti == 0 { "the sentence start".to_string() } else { s[ti - 1].1.clone() }
                        ));
                        return Err(e);
                    }
                },
                _ => {
                    if let Some((start, end, l)) = open.take() {
                        spans.push(span(start, end, l, format!("T{}", spans.len() + 1)));
                    }
                    if kind == 'B' {
                        open = Some((cp, cp + len, label.to_string()));
                    }
                }
            }
            text.push_str(token);
            cp += len;
        }
        if let Some((start, end, l)) = open.take() {
            spans.push(span(start, end, l, format!("T{}", spans.len() + 1)));
        }
    }
    Ok(AnnotatedDocument {
        id,
        meta: Default::default(),
        status: DocStatus::Todo,
        text,
        spans,
        relations: Vec::new(),
    })
}

/// Reads a CoNLL file: documents split at `-DOCSTART-` lines, ids `{stem}-{n}`.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    let text = read_file(path)?;
    let stem = stem_of(path, "doc");
    // The document being read: first line, sentences, line of each token.
    let mut doc: Option<(u64, Vec<Sentence>, Vec<Vec<u64>>)> = None;
    let mut count = 0;
    // Decodes the document read so far and hands it on; false when the reading should stop.
    let mut finish = |doc: Option<(u64, Vec<Sentence>, Vec<Vec<u64>>)>, emit: Emit<'_>| {
        let Some((line, sentences, lines)) = doc else {
            return true;
        };
        count += 1;
        let at = |s: usize, t: usize| {
            FormatError::new(FormatErrorKind::Invalid(String::new()))
                .in_file(path)
                .on_line(lines[s][t])
                .at_field("tag")
        };
        emit(decode(format!("{stem}-{count}"), &sentences, &at).map(|doc| Record { line, doc }))
    };
    let mut any = false;
    let mut new_sentence = true;
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.trim_end_matches('\r');
        if line.starts_with("-DOCSTART-") {
            any = true;
            if !finish(doc.replace((n, Vec::new(), Vec::new())), emit) {
                return Ok(());
            }
            new_sentence = true;
            continue;
        }
        if line.trim().is_empty() {
            new_sentence = true;
            continue;
        }
        any = true;
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 2 {
            let e = invalid("tag", "expected at least two columns: token … TAG")
                .in_file(path)
                .on_line(n);
            if !emit(Err(e)) {
                return Ok(());
            }
            continue;
        }
        let d = doc.get_or_insert_with(|| (n, Vec::new(), Vec::new()));
        if new_sentence {
            d.1.push(Vec::new());
            d.2.push(Vec::new());
            new_sentence = false;
        }
        if let (Some(s), Some(l)) = (d.1.last_mut(), d.2.last_mut()) {
            s.push((cols[0].to_string(), cols[cols.len() - 1].to_string()));
            l.push(n);
        }
    }
    if !any {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    finish(doc, emit);
    Ok(())
}
