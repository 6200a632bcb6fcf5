//! Project statistics: counts of documents, spans, relations and operations.

use std::collections::BTreeMap;
use ts_rs::TS;

use serde::Serialize;

use crate::error::FResult;
use crate::{Store, StoreError};

/// Counts over a whole project.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Stats {
    /// Documents.
    pub documents: u64,
    /// Stored revisions (at least one per document).
    pub revisions: u64,
    /// Characters (code points) over all current texts.
    pub chars: u64,
    /// Spans at their document's current revision.
    pub spans: u64,
    /// Spans left on an old revision (their text is gone).
    pub orphaned_spans: u64,
    /// Relations.
    pub relations: u64,
    /// Named annotators.
    pub authors: u64,
    /// Entries in the operation log.
    pub operations: u64,
    /// Current spans per label.
    pub spans_by_label: BTreeMap<String, u64>,
    /// Current spans per layer.
    pub spans_by_layer: BTreeMap<String, u64>,
    /// Relations per type.
    pub relations_by_label: BTreeMap<String, u64>,
    /// Documents per status.
    pub documents_by_status: BTreeMap<String, u64>,
}

impl Store {
    /// Counts over the whole project.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let run = || -> FResult<Stats> {
            let c = &self.conn;
            let count = |sql: &str| -> FResult<u64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
            let grouped = |sql: &str| -> FResult<BTreeMap<String, u64>> {
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<Result<_, _>>()?)
            };
            const CURRENT: &str =
                "spans s JOIN documents d ON d.id = s.doc AND s.revision = d.revision";
            Ok(Stats {
                documents: count("SELECT count(*) FROM documents")?,
                revisions: count("SELECT count(*) FROM revisions")?,
                chars: count("SELECT coalesce(sum(chars), 0) FROM documents")?,
                spans: count(&format!("SELECT count(*) FROM {CURRENT}"))?,
                orphaned_spans: count(
                    "SELECT count(*) FROM spans s JOIN documents d ON d.id = s.doc AND s.revision < d.revision",
                )?,
                relations: count("SELECT count(*) FROM relations")?,
                authors: count("SELECT count(*) FROM authors")?,
                operations: count("SELECT count(*) FROM operations")?,
                spans_by_label: grouped(&format!("SELECT s.label, count(*) FROM {CURRENT} GROUP BY s.label"))?,
                spans_by_layer: grouped(&format!("SELECT s.layer, count(*) FROM {CURRENT} GROUP BY s.layer"))?,
                relations_by_label: grouped("SELECT label, count(*) FROM relations GROUP BY label")?,
                documents_by_status: grouped("SELECT status, count(*) FROM documents GROUP BY status")?,
            })
        };
        run().map_err(|f| f.at(&self.path))
    }
}
