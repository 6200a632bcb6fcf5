//! The generated benchmark corpus: documents of about 2,000 characters of news-like text
//! (with Hangul, accents, Arabic and emoji), each with 20 spans and a relation, from a seed.

use glossa_core::{AnnotatedDocument, Attrs, RelationRecord, SpanRecord};

const WORDS: &[&str] = &[
    "Ukrainian",
    "forces",
    "reported",
    "capturing",
    "soldiers",
    "in",
    "the",
    "Kursk",
    "region",
    "amid",
    "ongoing",
    "combat",
    "operations",
    "according",
    "to",
    "ISW",
    "analysts",
    "said",
    "Kyiv",
    "café",
    "José",
    "Martí",
    "김정은",
    "Pyongyang",
    "🇰🇵",
    "📰",
    "👨\u{200d}👩\u{200d}👧",
    "Zelenskyy\u{301}",
    "قال",
    "NATO",
    "drone",
    "strikes",
    "continued",
    "while",
    "troops",
    "“stabilize",
    "gains”",
    "on",
    "January",
    "9",
];

const LABELS: &[&str] = &[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "QUANTITY", "EVENT", "CLAIM",
];

/// Document `n` of the corpus with `spans` spans.
pub fn document(
    rng: &mut fastrand::Rng,
    n: usize,
    target_chars: usize,
    spans: usize,
) -> AnnotatedDocument {
    let mut text = String::with_capacity(target_chars * 2);
    let mut words: Vec<(usize, usize)> = Vec::new(); // code point ranges of words
    let mut len = 0;
    while len < target_chars {
        let w = WORDS[rng.usize(..WORDS.len())];
        let wl = w.chars().count();
        words.push((len, len + wl));
        text.push_str(w);
        len += wl;
        let sep = if rng.u8(..12) == 0 { ".\r\n" } else { " " };
        text.push_str(sep);
        len += sep.chars().count();
    }
    let mut doc = AnnotatedDocument::plain(format!("doc-{n:05}"), text);
    let stride = (words.len() / spans).max(1);
    for k in 0..spans {
        let first = (k * stride).min(words.len() - 1);
        let last = (first + rng.usize(0..3)).min(words.len() - 1);
        let label = LABELS[rng.usize(..LABELS.len())];
        let mut attrs = Attrs::new();
        if label == "CLAIM" {
            attrs.insert(
                "checkworthiness".into(),
                serde_json::json!(["NFS", "UFS", "CFS"][rng.usize(..3)]),
            );
        }
        doc.spans.push(SpanRecord {
            uid: Some(format!("s{k}")),
            start: words[first].0,
            end: words[last].1,
            label: label.into(),
            layer: Some("gold".into()),
            author: Some("bench".into()),
            attrs,
            note: None,
            created: None,
        });
    }
    let claim = doc
        .spans
        .iter()
        .find(|s| s.label == "CLAIM")
        .and_then(|s| s.uid.clone());
    let source = doc
        .spans
        .iter()
        .find(|s| s.label == "PERSON")
        .and_then(|s| s.uid.clone());
    if let (Some(from), Some(to)) = (claim, source) {
        doc.relations.push(RelationRecord {
            from,
            to,
            label: "ATTRIBUTED_TO".into(),
            author: None,
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_documents_are_valid_and_non_ascii() {
        let schema = glossa_core::Schema::news_default();
        let mut rng = fastrand::Rng::with_seed(7);
        for n in 0..50 {
            let doc = document(&mut rng, n, 2_000, 20);
            assert!(!doc.text.is_ascii());
            assert!(doc.text.chars().count() >= 2_000);
            assert_eq!(doc.spans.len(), 20);
            doc.clone().check(&schema).unwrap();
        }
    }
}
