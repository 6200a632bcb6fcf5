//! Hugging Face `datasets` JSONL (`docs/formats/hf.md`): a folder holding `data.jsonl`, one
//! sentence per line `{"id", "doc_id", "tokens", "ner_tags"}` with integer tags, and
//! `dataset_info.json` naming the tags as a `ClassLabel` (`O`, then `B-`/`I-` of each label).
//! `datasets.load_dataset("json", data_files=…, features=…)` loads it. Tokens, sentences and
//! tags are CoNLL's ([`crate::conll`]).

use std::path::Path;

use serde::Deserialize;
use serde_json::json;

use glossa_core::AnnotatedDocument;

use crate::conll::{decode, tag, Sentence};
use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::Fidelity;
use crate::format::{DocumentWriter, ExportSettings, Output, TokensNeeded};
use crate::read::{invalid, lines, parse_json, read_file, stem_of, Emit, Record};
use crate::tokens::Tokenized;

/// The data file within the folder.
pub const DATA_FILE: &str = "data.jsonl";
/// The features file within the folder.
pub const INFO_FILE: &str = "dataset_info.json";

/// Writes the Hugging Face folder.
pub struct Writer {
    labels: Vec<String>,
    names: Vec<String>,
}

/// The tag names for `labels`: `O`, then `B-L`, `I-L` for each.
pub fn tag_names(labels: &[String]) -> Vec<String> {
    let mut names = vec!["O".to_string()];
    for l in labels {
        names.push(format!("B-{l}"));
        names.push(format!("I-{l}"));
    }
    names
}

impl Writer {
    /// A writer tagging the settings' labels.
    pub fn new(settings: &ExportSettings) -> Self {
        let labels = settings.tag_labels();
        Self {
            names: tag_names(&labels),
            labels,
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
        let w = out.main();
        for (i, s) in sentences.iter().enumerate() {
            let tokens: Vec<&str> = s.iter().map(|(t, _)| t.as_str()).collect();
            let tags: Vec<usize> = s
                .iter()
                .map(|(_, tag)| self.names.iter().position(|n| n == tag).unwrap_or(0))
                .collect();
            let line = json!({
                "id": format!("{}#{}", doc.id, i + 1),
                "doc_id": doc.id,
                "tokens": tokens,
                "ner_tags": tags,
            });
            w.write_all(&serde_json::to_vec(&line).map_err(std::io::Error::from)?)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        let info = json!({
            "description": "Exported by Glossa: one sentence per row, IOB2 tags.",
            "features": {
                "id": {"dtype": "string", "_type": "Value"},
                "doc_id": {"dtype": "string", "_type": "Value"},
                "tokens": {"feature": {"dtype": "string", "_type": "Value"}, "_type": "List"},
                "ner_tags": {"feature": {"names": self.names, "_type": "ClassLabel"}, "_type": "List"},
            }
        });
        let bytes = serde_json::to_vec_pretty(&info).map_err(std::io::Error::from)?;
        out.file(INFO_FILE, &bytes)?;
        Ok(())
    }

    fn tokens(&self) -> TokensNeeded {
        TokensNeeded::Sentences
    }
}

#[derive(Deserialize)]
struct Row {
    doc_id: Option<String>,
    tokens: Vec<String>,
    ner_tags: Vec<serde_json::Value>,
}

/// Reads a Hugging Face folder (or its `data.jsonl`, with `dataset_info.json` beside it):
/// rows with the same `doc_id` in a row make one document.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    let (data, dir) = if path.is_dir() {
        (path.join(DATA_FILE), path.to_path_buf())
    } else {
        (
            path.to_path_buf(),
            path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        )
    };
    let info_path = dir.join(INFO_FILE);
    let names: Vec<String> = match std::fs::metadata(&info_path) {
        Ok(_) => {
            let info: serde_json::Value =
                parse_json(&read_file(&info_path)?).map_err(|e| e.in_file(&info_path))?;
            match info
                .pointer("/features/ner_tags/feature/names")
                .and_then(|n| n.as_array())
            {
                Some(n) => n
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                None => {
                    return Err(invalid("features.ner_tags.feature.names", "no tag names")
                        .in_file(&info_path))
                }
            }
        }
        Err(_) => Vec::new(),
    };
    let text = read_file(&data)?;
    let stem = stem_of(&data, "doc");
    // The document being read: id, first line, sentences, line per sentence.
    type Doc = (String, u64, Vec<Sentence>, Vec<u64>);
    let mut doc: Option<Doc> = None;
    let finish = |d: Option<Doc>, emit: Emit<'_>| {
        let Some((id, line, sentences, lines)) = d else {
            return true;
        };
        let at = |s: usize, t: usize| {
            FormatError::new(FormatErrorKind::Invalid(String::new()))
                .in_file(&data)
                .on_line(lines[s])
                .at_field(format!("ner_tags[{t}]"))
        };
        emit(decode(id, &sentences, &at).map(|doc| Record { line, doc }))
    };
    let mut any = false;
    for (line, l) in lines(&text) {
        any = true;
        let row: Row = match parse_json(l) {
            Ok(r) => r,
            Err(e) => {
                if !emit(Err(e.in_file(&data).on_line(line))) {
                    return Ok(());
                }
                continue;
            }
        };
        if row.tokens.len() != row.ner_tags.len() {
            let e = invalid(
                "ner_tags",
                format!(
                    "{} tags for {} tokens",
                    row.ner_tags.len(),
                    row.tokens.len()
                ),
            );
            if !emit(Err(e.in_file(&data).on_line(line))) {
                return Ok(());
            }
            continue;
        }
        let mut sentence = Vec::new();
        let mut bad = None;
        for (i, (t, tag)) in row.tokens.into_iter().zip(row.ner_tags).enumerate() {
            let name = match &tag {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => {
                    n.as_u64().and_then(|n| names.get(n as usize)).cloned()
                }
                _ => None,
            };
            match name {
                Some(n) => sentence.push((t, n)),
                None => {
                    bad = Some(invalid(
                        &format!("ner_tags[{i}]"),
                        format!(
                            "tag {tag} is not one of the {} names in {INFO_FILE}",
                            names.len()
                        ),
                    ));
                    break;
                }
            }
        }
        if let Some(e) = bad {
            if !emit(Err(e.in_file(&data).on_line(line))) {
                return Ok(());
            }
            continue;
        }
        let id = row.doc_id.unwrap_or_else(|| format!("{stem}-{line}"));
        match doc.as_mut() {
            Some(d) if d.0 == id => {
                d.2.push(sentence);
                d.3.push(line);
            }
            _ => {
                if !finish(doc.replace((id, line, vec![sentence], vec![line])), emit) {
                    return Ok(());
                }
            }
        }
    }
    if !any {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(&data));
    }
    finish(doc, emit);
    Ok(())
}
