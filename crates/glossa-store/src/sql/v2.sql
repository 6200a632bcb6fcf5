-- Glossa project schema, version 2: global identity, anchor states, per-person status and
-- an operation log with replica sequence numbers and Lamport clocks. Additive over v1; the
-- migration's hook (migrations.rs) fills the new ids and hashes of existing rows.
-- Append-only: never edit this file once released; add v3.sql instead.

-- Authors: a global id (the name is a display name, unique per project), a role.
ALTER TABLE authors ADD COLUMN uid TEXT;
ALTER TABLE authors ADD COLUMN role TEXT NOT NULL DEFAULT 'annotator'
    CHECK (role IN ('annotator', 'reviewer', 'system'));
CREATE UNIQUE INDEX authors_by_uid ON authors (uid);

-- Spans: a global id, and how sure Glossa is that the span sits on its words.
ALTER TABLE spans ADD COLUMN gid TEXT;
ALTER TABLE spans ADD COLUMN anchor TEXT NOT NULL DEFAULT 'exact'
    CHECK (anchor IN ('exact', 'moved', 'fuzzy', 'orphaned', 'confirmed'));
ALTER TABLE spans ADD COLUMN confidence REAL NOT NULL DEFAULT 1.0;
CREATE UNIQUE INDEX spans_by_gid ON spans (gid);

-- Relations: a global id.
ALTER TABLE relations ADD COLUMN gid TEXT;
CREATE UNIQUE INDEX relations_by_gid ON relations (gid);

-- Revisions: identified across copies by the SHA-256 of their text.
ALTER TABLE revisions ADD COLUMN hash TEXT;

-- A document's review status (a reviewer's, for the whole document).
ALTER TABLE documents ADD COLUMN review TEXT NOT NULL DEFAULT 'unreviewed'
    CHECK (review IN ('unreviewed', 'in_review', 'reviewed'));

-- Status per (document, annotator). `documents.status` stays the status a file brought in.
CREATE TABLE doc_status (
    doc     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    author  INTEGER NOT NULL REFERENCES authors (id),
    status  TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
    updated INTEGER NOT NULL,
    PRIMARY KEY (doc, author)
) STRICT, WITHOUT ROWID;

-- Operations: who (the author), where (the replica, a copy of the project) and the replica's
-- own sequence number make an operation's global id; the Lamport clock orders them.
ALTER TABLE operations ADD COLUMN replica TEXT;
ALTER TABLE operations ADD COLUMN seq INTEGER;
ALTER TABLE operations ADD COLUMN lamport INTEGER;
-- The operation as data (a JSON array of changes naming everything by global id): what other
-- copies replay. NULL for v1 operations, whose effect the migration's `snapshot` operation
-- per document carries instead. `before` and `after` stay this copy's undo snapshots.
ALTER TABLE operations ADD COLUMN changes TEXT;
CREATE INDEX operations_by_doc_clock ON operations (doc, lamport);
-- The next Lamport clock is one more than the highest: an index, not a scan of the log.
CREATE INDEX operations_by_clock ON operations (lamport);
-- Imports whose changes are still to be read from their document's rows (apply.rs).
CREATE INDEX operations_pending ON operations (doc) WHERE changes = '"pending"';
CREATE UNIQUE INDEX operations_by_replica ON operations (replica, seq);

DROP TRIGGER operations_immutable;
CREATE TRIGGER operations_immutable
BEFORE UPDATE OF id, author, time, kind, doc, before, after, ref_op, replica, seq, lamport
ON operations
WHEN old.seq IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'operations are immutable except their state');
END;
-- An import's changes are written out once, from its document's rows, when first needed.
CREATE TRIGGER operations_changes_written_once
BEFORE UPDATE OF changes ON operations
WHEN old.seq IS NOT NULL AND old.changes IS NOT '"pending"'
BEGIN
    SELECT RAISE(ABORT, 'operations are immutable except their state');
END;
