-- Glossa project schema, version 1. Times are milliseconds since the Unix epoch (UTC).
-- Migrations are append-only: never edit this file once
-- released; add v2.sql instead.

CREATE TABLE project (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE labels (
    name        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('entity', 'claim', 'other')),
    color       TEXT NOT NULL,
    hotkey      TEXT,
    description TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '[]' -- JSON array of attribute definitions
) STRICT;

CREATE TABLE relation_types (
    name        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    arg_from    TEXT NOT NULL, -- JSON {"labels": [...], "kinds": [...]}
    arg_to      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE authors (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
) STRICT;

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    doc_id      TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    source_path TEXT,
    meta        TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done')),
    revision    INTEGER NOT NULL,
    chars       INTEGER NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL
) STRICT;

CREATE TABLE revisions (
    id      INTEGER PRIMARY KEY,
    doc     INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    number  INTEGER NOT NULL,
    text    TEXT NOT NULL,
    created INTEGER NOT NULL,
    UNIQUE (doc, number)
) STRICT;

CREATE TABLE spans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    doc          INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    uid          TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    start        INTEGER NOT NULL CHECK (start >= 0),
    "end"        INTEGER NOT NULL CHECK ("end" > start),
    label        TEXT NOT NULL,
    layer        TEXT NOT NULL,
    attrs        TEXT,          -- JSON object, NULL when empty
    note         TEXT,
    author       INTEGER NOT NULL REFERENCES authors (id),
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    text         TEXT NOT NULL  -- the covered text (the quote selector's `exact`)
) STRICT;
-- `uid` is unique within a document. Imports validate it and new spans take a fresh `s{n}`;
-- a unique index here would cost a third of a bulk import's insert time.
CREATE INDEX spans_by_position ON spans (doc, start, "end");

CREATE TABLE relations (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    doc       INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    from_span INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
    to_span   INTEGER NOT NULL REFERENCES spans (id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    author    INTEGER NOT NULL REFERENCES authors (id),
    created   INTEGER NOT NULL,
    UNIQUE (from_span, to_span, label)
) STRICT;
CREATE INDEX relations_by_doc ON relations (doc);
CREATE INDEX relations_by_target ON relations (to_span);

-- The history. Rows are never deleted; only `state` ever changes (undo, redo, and a new edit
-- discarding an author's redo stack).
CREATE TABLE operations (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    author INTEGER NOT NULL REFERENCES authors (id),
    time   INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    doc    INTEGER REFERENCES documents (id),
    before TEXT, -- JSON snapshot
    after  TEXT, -- JSON snapshot
    state  TEXT NOT NULL CHECK (state IN ('applied', 'undone', 'discarded', 'record')),
    ref_op INTEGER REFERENCES operations (id)
) STRICT;
CREATE INDEX operations_by_author ON operations (author, state, id);

CREATE TRIGGER operations_append_only BEFORE DELETE ON operations
BEGIN
    SELECT RAISE(ABORT, 'the operation log is append-only');
END;
CREATE TRIGGER operations_immutable
BEFORE UPDATE OF id, author, time, kind, doc, before, after, ref_op ON operations
BEGIN
    SELECT RAISE(ABORT, 'operations are immutable except their state');
END;
