-- Glossa project schema, version 3: undo, redo and a new edit look up one author's operations
-- in one document. v1's index by (author, state) made SQLite read the whole document's log (by
-- `operations_by_doc_clock`) for each edit, or every document's for an undo: an edit slowed
-- with every earlier edit of its document. Append-only: never edit this file once released.

DROP INDEX operations_by_author;
CREATE INDEX operations_by_author_doc ON operations (author, doc, state, id);
