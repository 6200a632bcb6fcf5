//! brat standoff (`docs/formats/brat.md`): a folder with one `<id>.txt` (the text, exactly)
//! and one `<id>.ann` per document, and `annotation.conf` generated from the schema.
//! `.ann` lines: `T` spans (`T3\tCLAIM 10 42\ttext`, offsets in code points, as brat's
//! Python offsets are), `R` relations (`R1\tATTRIBUTED_TO Arg1:T3 Arg2:T1`), `A` attributes
//! (`A1\tcheckworthiness T3 CFS`; a true boolean attribute has no value) and `#` notes
//! (`#1\tAnnotatorNotes T3\tnote`). brat lines cannot hold a newline, so a span over a line
//! break is written as fragments (`0 5;6 9`) around it; on import, fragments separated only
//! by whitespace are joined back, and other discontinuous spans are refused.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use glossa_core::{
    AnnotatedDocument, AttrKind, DocStatus, LabelKind, RelationRecord, Schema, SpanRecord,
};

use crate::error::{FormatError, FormatErrorKind};
use crate::fidelity::{account, describe_span, Fidelity, Holds, LossKind};
use crate::format::{file_stem, DocumentWriter, ExportSettings, Output};
use crate::read::{emit_all, invalid, read_file, span, stem_of, Emit, Record};
use crate::tokens::Tokenized;

/// The configuration file brat reads from the folder.
pub const CONF_FILE: &str = "annotation.conf";

/// Writes the brat folder.
pub struct Writer {
    schema: Schema,
    taken: HashSet<String>,
}

impl Writer {
    /// A writer for the project's schema.
    pub fn new(settings: &ExportSettings) -> Self {
        Self {
            schema: settings.schema.clone(),
            taken: HashSet::new(),
        }
    }
}

/// Fragments of `start..end` (code points) without line breaks.
fn fragments(chars: &[char], start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = None;
    for (i, &c) in chars.iter().enumerate().take(end).skip(start) {
        let brk = matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
        match (brk, at) {
            (false, None) => at = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                at = None;
            }
            _ => {}
        }
    }
    if let Some(s) = at {
        out.push((s, end));
    }
    out
}

fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t']).collect::<Vec<_>>().join(" ")
}

impl DocumentWriter for Writer {
    fn write(
        &mut self,
        out: &mut dyn Output,
        doc: &AnnotatedDocument,
        _tokens: Option<&Tokenized>,
        report: &mut Fidelity,
    ) -> Result<(), FormatError> {
        let stem = file_stem(&doc.id, &mut self.taken);
        if stem != doc.id {
            report.add(LossKind::DocumentIds, || format!("{} → {stem}", doc.id));
        }
        let chars: Vec<char> = doc.text.chars().collect();
        let mut ann = String::new();
        let mut t_of: HashMap<&str, usize> = HashMap::new();
        let mut kept = vec![false; doc.spans.len()];
        let (mut a, mut notes) = (0, 0);
        for (i, s) in doc.spans.iter().enumerate() {
            let frags = fragments(&chars, s.start, s.end);
            if frags.is_empty() {
                report.add(LossKind::SpansNotExported, || {
                    format!("{} (only line breaks)", describe_span(doc, s))
                });
                continue;
            }
            kept[i] = true;
            let t = t_of.len() + 1;
            if let Some(uid) = s.uid.as_deref() {
                t_of.insert(uid, t);
            }
            let offsets: Vec<String> = frags.iter().map(|(s, e)| format!("{s} {e}")).collect();
            let text: Vec<String> = frags
                .iter()
                .map(|&(s, e)| chars[s..e].iter().collect())
                .collect();
            ann += &format!(
                "T{t}\t{} {}\t{}\n",
                s.label,
                offsets.join(";"),
                text.join(" ")
            );
            for (name, v) in &s.attrs {
                match v {
                    Value::Bool(true) => {
                        a += 1;
                        ann += &format!("A{a}\t{name} T{t}\n");
                    }
                    Value::String(v) if !v.is_empty() && !v.contains(char::is_whitespace) => {
                        a += 1;
                        ann += &format!("A{a}\t{name} T{t} {v}\n");
                    }
                    other => report.add(LossKind::Attributes, || {
                        format!(
                            "{} {name}={other} (brat attribute values are single words)",
                            describe_span(doc, s)
                        )
                    }),
                }
            }
            if let Some(note) = &s.note {
                notes += 1;
                let line = one_line(note);
                if &line != note {
                    report.add(LossKind::Notes, || {
                        format!(
                            "{} (line breaks in the note became spaces)",
                            describe_span(doc, s)
                        )
                    });
                }
                ann += &format!("#{notes}\tAnnotatorNotes T{t}\t{line}\n");
            }
        }
        for (k, r) in doc.relations.iter().enumerate() {
            if let (Some(x), Some(y)) = (t_of.get(r.from.as_str()), t_of.get(r.to.as_str())) {
                ann += &format!("R{}\t{} Arg1:T{x} Arg2:T{y}\n", k + 1, r.label);
            }
        }
        out.file(&format!("{stem}.txt"), doc.text.as_bytes())?;
        out.file(&format!("{stem}.ann"), ann.as_bytes())?;
        account(
            report,
            doc,
            Holds {
                attrs: true,
                notes: true,
                relations: true,
                ..Holds::default()
            },
            &|i| kept[i],
        );
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Output, _: &mut Fidelity) -> Result<(), FormatError> {
        out.file(CONF_FILE, annotation_conf(&self.schema).as_bytes())?;
        Ok(())
    }
}

/// brat's `annotation.conf` for `schema`.
pub fn annotation_conf(schema: &Schema) -> String {
    let mut c = String::from("# Written by Glossa from the project's schema.\n[entities]\n");
    for l in &schema.labels {
        c += &format!("{}\n", l.name);
    }
    c += "\n[relations]\n";
    let args = |labels: &[String], kinds: &[LabelKind]| {
        let mut names: Vec<&str> = labels.iter().map(String::as_str).collect();
        for l in &schema.labels {
            if kinds.contains(&l.kind) && !names.contains(&l.name.as_str()) {
                names.push(&l.name);
            }
        }
        if names.is_empty() {
            "<ENTITY>".to_string()
        } else {
            names.join("|")
        }
    };
    for r in &schema.relations {
        c += &format!(
            "{} Arg1:{}, Arg2:{}\n",
            r.name,
            args(&r.from.labels, &r.from.kinds),
            args(&r.to.labels, &r.to.kinds)
        );
    }
    c += "<OVERLAP> Arg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n";
    let mut attrs: BTreeMap<&str, (Vec<&str>, Option<&Vec<String>>)> = BTreeMap::new();
    for l in &schema.labels {
        for a in &l.attributes {
            let e = attrs.entry(&a.name).or_insert((Vec::new(), None));
            e.0.push(&l.name);
            if let AttrKind::Enum { options, .. } = &a.kind {
                e.1 = Some(options);
            }
        }
    }
    for (name, (labels, options)) in attrs {
        match options {
            Some(o) => c += &format!("{name} Arg:{}, Value:{}\n", labels.join("|"), o.join("|")),
            None => c += &format!("{name} Arg:{}\n", labels.join("|")),
        }
    }
    c
}

/// The `.ann` files of `path` (a folder, searched recursively and sorted, or one `.ann`).
fn ann_files(path: &Path) -> Result<Vec<PathBuf>, FormatError> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| FormatError::from(e).in_file(&dir))? {
            let p = entry
                .map_err(|e| FormatError::from(e).in_file(&dir))?
                .path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ann") {
                out.push(p);
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(FormatError::new(FormatErrorKind::NoRecords).in_file(path));
    }
    Ok(out)
}

/// Reads a brat folder (or one `.ann` file with its `.txt`): one document per `.ann`, its id
/// the file stem.
pub fn read(path: &Path, emit: Emit<'_>) -> Result<(), FormatError> {
    emit_all(read_all(path)?, emit);
    Ok(())
}

fn read_all(path: &Path) -> Result<Vec<Result<Record, FormatError>>, FormatError> {
    Ok(ann_files(path)?
        .into_iter()
        .map(|ann| {
            let txt = ann.with_extension("txt");
            let text = read_file(&txt)?;
            let doc = read_ann(&ann, text)?;
            Ok(Record { line: 1, doc })
        })
        .collect())
}

fn read_ann(path: &Path, text: String) -> Result<AnnotatedDocument, FormatError> {
    let source = std::fs::read(path).map_err(|e| FormatError::from(e).in_file(path))?;
    let source = if source.is_empty() {
        String::new()
    } else {
        crate::text::read_text(source).map_err(|e| e.in_file(path))?
    };
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<SpanRecord> = Vec::new();
    let mut relations = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let n = i as u64 + 1;
        let at = |field: &str, msg: String| invalid(field, msg).in_file(path).on_line(n);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let id = cols.next().unwrap_or_default();
        let body = cols.next().unwrap_or_default();
        let rest = cols.next();
        match id.chars().next() {
            Some('T') => {
                let (label, offsets) = body
                    .split_once(' ')
                    .ok_or_else(|| at("type", format!("expected `LABEL START END` in {body:?}")))?;
                let mut frags = Vec::new();
                for (k, f) in offsets.split(';').enumerate() {
                    let mut p = f.split(' ');
                    let (Some(s), Some(e), None) = (p.next(), p.next(), p.next()) else {
                        return Err(at("offsets", format!("fragment {k} {f:?} is not `START END`")));
                    };
                    let parse = |v: &str, what: &str| {
                        v.parse::<usize>()
                            .map_err(|_| at("offsets", format!("{what} {v:?} is not a non-negative integer")))
                    };
                    let (s, e) = (parse(s, "start")?, parse(e, "end")?);
                    if s > e || e > chars.len() {
                        return Err(at(
                            "offsets",
                            format!("offsets {s} {e} are past the end of the text ({} code points in {})", chars.len(), path.with_extension("txt").display()),
                        ));
                    }
                    frags.push((s, e));
                }
                for w in frags.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    if b.0 < a.1 || !chars[a.1..b.0].iter().all(|c| c.is_whitespace()) {
                        return Err(at(
                            "offsets",
                            format!("discontinuous span {offsets:?}: Glossa spans are contiguous, and only fragments separated by whitespace are joined"),
                        ));
                    }
                }
                let (start, end) = (frags[0].0, frags[frags.len() - 1].1);
                let covered: Vec<String> = frags.iter().map(|&(s, e)| chars[s..e].iter().collect()).collect();
                let covered = covered.join(" ");
                if let Some(t) = rest {
                    if t != covered {
                        return Err(at("text", format!("the text {t:?} disagrees with the offsets, which cover {covered:?}")));
                    }
                }
                spans.push(span(start, end, label.to_string(), id.to_string()));
            }
            Some('R') => {
                let mut p = body.split(' ');
                let (Some(label), Some(a1), Some(a2)) = (p.next(), p.next(), p.next()) else {
                    return Err(at("arguments", format!("expected `TYPE Arg1:T1 Arg2:T2` in {body:?}")));
                };
                let arg = |a: &str| a.split_once(':').map(|(_, t)| t.to_string());
                let (Some(from), Some(to)) = (arg(a1), arg(a2)) else {
                    return Err(at("arguments", format!("expected `Arg1:T1 Arg2:T2` in {body:?}")));
                };
                relations.push(RelationRecord { from, to, label: label.to_string(), author: None });
            }
            Some('A' | 'M') => {
                let mut p = body.split(' ');
                let (Some(name), Some(target)) = (p.next(), p.next()) else {
                    return Err(at("attribute", format!("expected `NAME T1 [VALUE]` in {body:?}")));
                };
                let value = p.next().map_or(Value::Bool(true), |v| Value::String(v.to_string()));
                let span = spans
                    .iter_mut()
                    .find(|s| s.uid.as_deref() == Some(target))
                    .ok_or_else(|| at("attribute", format!("{target} is not a T annotation above this line")))?;
                span.attrs.insert(name.to_string(), value);
            }
            Some('#') => {
                let target = body.split(' ').nth(1).unwrap_or_default();
                let span = spans
                    .iter_mut()
                    .find(|s| s.uid.as_deref() == Some(target))
                    .ok_or_else(|| at("note", format!("{target} is not a T annotation above this line")))?;
                span.note = Some(rest.unwrap_or_default().to_string());
            }
            _ => {
                return Err(at(
                    "id",
                    format!("annotation {id:?} is not supported: Glossa reads T, R, A, M and # lines, not events (E), normalizations (N) or equivalences (*)"),
                ))
            }
        }
    }
    let id = stem_of(path, "");
    Ok(AnnotatedDocument {
        id,
        meta: Default::default(),
        status: DocStatus::Todo,
        text,
        spans,
        relations,
    })
}
