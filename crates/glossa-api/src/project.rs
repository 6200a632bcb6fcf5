//! [`Project`]: an open project file, its documents, schema and statistics.

use std::path::Path;
use ts_rs::TS;

use glossa_core::{DocumentSummary, DocumentView, Operation, Schema};
use glossa_store::{Stats, Store};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// What a front end shows about the open project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProjectInfo {
    /// The project's name.
    pub name: String,
    /// The project file.
    pub path: String,
    /// Its label schema.
    pub schema: Schema,
}

/// An open project.
#[derive(Debug)]
pub struct Project {
    pub(crate) store: Store,
    pub(crate) schema: Schema,
    /// The text of the document last opened or edited (see `open_text`).
    pub(crate) open_text: Option<crate::open_text::OpenText>,
}

/// What a label rename did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct RenameReport {
    /// Whether the label was merged into an existing one.
    pub merged: bool,
    /// Spans relabelled.
    #[ts(type = "number")]
    pub spans: u64,
    /// Documents they are in.
    #[ts(type = "number")]
    pub documents: u64,
}

impl Project {
    /// Creates a project file at `path`; `schema` defaults to "news claims & entities".
    pub fn create(path: &Path, name: &str, schema: Option<Schema>) -> ApiResult<Self> {
        let schema = schema.unwrap_or_else(Schema::news_default);
        schema
            .validate()
            .map_err(|e| ApiError::invalid(format!("schema: {e}")))?;
        let store = Store::create(path, name, &schema)?;
        Ok(Self {
            store,
            schema,
            open_text: None,
        })
    }

    /// Opens an existing project file.
    pub fn open(path: &Path) -> ApiResult<Self> {
        let store = Store::open(path)?;
        let schema = store.schema()?;
        Ok(Self {
            store,
            schema,
            open_text: None,
        })
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The project's name.
    pub fn name(&self) -> ApiResult<String> {
        Ok(self.store.name()?)
    }

    /// Name, file and schema.
    pub fn info(&self) -> ApiResult<ProjectInfo> {
        Ok(ProjectInfo {
            name: self.name()?,
            path: self.path().display().to_string(),
            schema: self.schema.clone(),
        })
    }

    /// The label schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Replaces the label schema, as `author`'s operation. Refused if it is invalid, or if
    /// spans or relations use a label the new schema lacks.
    pub fn set_schema(&mut self, author: &str, schema: Schema) -> ApiResult<()> {
        crate::edit::check_author(author)?;
        schema
            .validate()
            .map_err(|e| ApiError::invalid(format!("schema: {e}")))?;
        let missing: Vec<String> = self
            .store
            .labels_in_use()?
            .into_iter()
            .filter(|(label, _)| schema.label(label).is_none() && schema.relation(label).is_none())
            .map(|(label, n)| format!("{label} ({n} in use)"))
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::invalid(format!(
                "schema: the project uses labels the new schema lacks: {}",
                missing.join(", ")
            )));
        }
        self.store.set_schema(author, &schema)?;
        self.schema = schema;
        Ok(())
    }

    /// Renames label `from` to `to` in the schema and on every span, or merges it into `to`
    /// when that is a label already ([`Schema::renamed`]): one operation of `author`'s, which
    /// [`Project::undo_rename`] takes back.
    pub fn rename_label(&mut self, author: &str, from: &str, to: &str) -> ApiResult<RenameReport> {
        crate::edit::check_author(author)?;
        let (schema, merged) = self
            .schema
            .renamed(from, to)
            .map_err(|e| ApiError::invalid(format!("rename: {e}")))?;
        let done = self.store.rename_label(author, from, to.trim(), &schema)?;
        self.schema = schema;
        Ok(RenameReport {
            merged,
            spans: done.spans,
            documents: done.documents,
        })
    }

    /// Undoes `author`'s latest label rename or merge, spans and schema together; `false`
    /// when there is none to undo.
    pub fn undo_rename(&mut self, author: &str) -> ApiResult<bool> {
        let undone = self.store.undo_rename(author)?.is_some();
        if undone {
            self.schema = self.store.schema()?;
        }
        Ok(undone)
    }

    /// Every document in import order, with everyone's status combined. A `todo` document
    /// that has spans shows as `in_progress`.
    pub fn documents(&self) -> ApiResult<Vec<DocumentSummary>> {
        self.documents_for(None)
    }

    /// Every document in import order, with `person`'s own status and span count when given
    /// (else everyone's combined status). A `todo` document that has spans (the person's own,
    /// when given) shows as `in_progress`.
    pub fn documents_for(&self, person: Option<&str>) -> ApiResult<Vec<DocumentSummary>> {
        let mut docs = self.store.documents(person)?;
        for d in &mut docs {
            let started = if person.is_some() { d.own } else { d.spans };
            d.status = d.status.effective(started > 0);
        }
        Ok(docs)
    }

    /// One document with its text, spans and relations.
    pub fn document(&self, doc_id: &str) -> ApiResult<DocumentView> {
        let mut view = self.store.document_view(doc_id)?;
        view.document.status = view.document.status.effective(!view.spans.is_empty());
        Ok(view)
    }

    /// A document's orphaned spans (their words are gone from its current text), to re-check.
    pub fn orphaned_spans(&self, doc_id: &str) -> ApiResult<Vec<glossa_core::Span>> {
        Ok(self.store.orphaned_spans(doc_id)?)
    }

    /// One document as the annotate screen opens it: text, span marks and relations. The
    /// project keeps the text for the span edits that follow.
    pub fn marked_document(&mut self, doc_id: &str) -> ApiResult<glossa_core::MarkedDocument> {
        let mut view = self.store.marked_document(doc_id)?;
        self.keep_text(doc_id, view.document.revision, view.document.text.clone());
        view.document.status = view.document.status.effective(!view.marks.rows.is_empty());
        Ok(view)
    }

    /// Every revision of a document, oldest first.
    pub fn revisions(&self, doc_id: &str) -> ApiResult<Vec<glossa_core::Revision>> {
        Ok(self.store.revisions(doc_id)?)
    }

    /// Every author in the project.
    pub fn authors(&self) -> ApiResult<Vec<glossa_core::Author>> {
        Ok(self.store.authors()?)
    }

    /// One span.
    pub fn span(&self, id: glossa_core::SpanId) -> ApiResult<glossa_core::Span> {
        Ok(self.store.span(id)?)
    }

    /// A span's quote selector: its exact text with 32 code points of context on each side,
    /// from the revision its offsets refer to (for re-anchoring and W3C exports).
    pub fn quote(&self, id: glossa_core::SpanId) -> ApiResult<glossa_core::QuoteSelector> {
        let span = self.store.span(id)?;
        let text = self.store.revision_text(&span.doc_id, span.revision)?;
        let index = glossa_core::OffsetIndex::new(&text);
        Ok(glossa_core::QuoteSelector::new(
            &index, span.start, span.end,
        )?)
    }

    /// Counts over the project (statuses as [`Project::documents`] shows them).
    pub fn stats(&self) -> ApiResult<Stats> {
        let mut stats = self.store.stats()?;
        stats.documents_by_status.clear();
        for d in self.documents()? {
            *stats
                .documents_by_status
                .entry(d.status.as_str().to_string())
                .or_default() += 1;
        }
        Ok(stats)
    }

    /// The history, newest first (of one document, and of one author, when given).
    pub fn history(
        &self,
        doc_id: Option<&str>,
        author: Option<&str>,
        limit: usize,
    ) -> ApiResult<Vec<Operation>> {
        let mut ops = self.store.history(doc_id, usize::MAX)?;
        ops.retain(|o| author.is_none_or(|a| o.author == a));
        ops.truncate(limit);
        Ok(ops)
    }

    /// Makes a copy of the project at `to` that can exchange operations with this one (a new
    /// replica of the same project).
    pub fn fork(&self, to: &Path) -> ApiResult<Project> {
        let store = self.store.fork(to)?;
        let schema = store.schema()?;
        Ok(Self {
            store,
            schema,
            open_text: None,
        })
    }

    /// The operations other copies can replay that `seen` (the highest sequence number
    /// already had, per replica) does not cover.
    pub fn operations_since(
        &self,
        seen: &std::collections::BTreeMap<String, u64>,
    ) -> ApiResult<Vec<glossa_core::op::Op>> {
        Ok(self.store.operations_since(seen)?)
    }

    /// Applies operations from another copy: idempotent and convergent (`docs/model.md`).
    pub fn apply(&mut self, ops: &[glossa_core::op::Op]) -> ApiResult<glossa_store::ApplyReport> {
        let report = self.store.apply(ops)?;
        self.schema = self.store.schema()?;
        Ok(report)
    }

    /// This copy's replica id.
    pub fn replica(&self) -> ApiResult<String> {
        Ok(self.store.replica()?)
    }

    /// Adds author `name` with `role`, or changes an existing author's role. Returns whether
    /// the author is new.
    pub fn set_author_role(&mut self, name: &str, role: glossa_core::Role) -> ApiResult<bool> {
        crate::edit::check_author(name)?;
        if role == glossa_core::Role::System {
            return Err(ApiError::invalid(
                "the system role is Glossa's own; give people annotator or reviewer",
            ));
        }
        Ok(self.store.set_author_role(name, role)?)
    }
}
