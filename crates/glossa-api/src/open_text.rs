//! The text of the document being annotated, kept with its offset index. Span edits come one
//! after another in one document, and each needs its text (the bounds, the span's quote):
//! reading and indexing a 1 MB text takes about 2 ms, while checking that the kept text is
//! still the document's current revision is one indexed lookup.

use glossa_core::IndexedText;

use crate::error::ApiResult;
use crate::project::Project;

/// One document's text at one revision, indexed.
pub(crate) struct OpenText {
    doc_id: String,
    revision: u32,
    text: IndexedText,
}

impl std::fmt::Debug for OpenText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenText")
            .field("doc_id", &self.doc_id)
            .field("revision", &self.revision)
            .field("code_points", &self.text.index().len_codepoints())
            .finish()
    }
}

impl Project {
    /// Keeps `text` as document `doc_id`'s text at `revision`.
    pub(crate) fn keep_text(&mut self, doc_id: &str, revision: u32, text: String) {
        self.open_text = Some(OpenText {
            doc_id: doc_id.to_string(),
            revision,
            text: IndexedText::new(text),
        });
    }

    /// Document `doc_id`'s current text, indexed, and its revision: the kept one while the
    /// document is still at that revision, else read from the store (and kept).
    pub(crate) fn current_text(&mut self, doc_id: &str) -> ApiResult<(u32, &IndexedText)> {
        let revision = self.store.document_revision(doc_id)?;
        let open = match self.open_text.take() {
            Some(t) if t.doc_id == doc_id && t.revision == revision => t,
            _ => {
                let doc = self.store.document(doc_id)?;
                OpenText {
                    doc_id: doc_id.to_string(),
                    revision: doc.revision,
                    text: IndexedText::new(doc.text),
                }
            }
        };
        let open = self.open_text.insert(open);
        Ok((open.revision, &open.text))
    }
}
