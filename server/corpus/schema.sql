-- The corpus part's tables, in the service's SQLite file next to the store's own tables.
-- Documents are the unit clients upsert; passages are what the indexes hold (chunks of a document).
CREATE TABLE IF NOT EXISTS corpus_documents (
    corpus      TEXT NOT NULL,
    doc_id      TEXT NOT NULL,
    text        TEXT NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL DEFAULT '',   -- ISO-8601 as the client gave it ('' = unknown)
    metadata    TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
    PRIMARY KEY (corpus, doc_id)
);

CREATE TABLE IF NOT EXISTS corpus_passages (
    corpus      TEXT NOT NULL,
    passage_id  TEXT NOT NULL,              -- <doc_id>#<seq>
    doc_id      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    embedding   BLOB,                       -- float32 unit vector; NULL until embedded
    PRIMARY KEY (corpus, passage_id)
);
CREATE INDEX IF NOT EXISTS corpus_passages_doc ON corpus_passages (corpus, doc_id);

-- A knowledge gap: RAG queue items that share a topic, with the recommended fix.
CREATE TABLE IF NOT EXISTS corpus_gaps (
    gap_id      TEXT PRIMARY KEY,
    corpus      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open',   -- open | resolved
    title       TEXT NOT NULL,
    centroid    BLOB NOT NULL,                  -- float32 unit vector of the cases' question + fact
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    resolved_at TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT ''        -- the evidence that closed it
);
CREATE INDEX IF NOT EXISTS corpus_gaps_state ON corpus_gaps (corpus, state);

CREATE TABLE IF NOT EXISTS corpus_gap_cases (
    item_id     TEXT PRIMARY KEY,               -- the RAG queue item
    gap_id      TEXT NOT NULL REFERENCES corpus_gaps (gap_id),
    case_id     TEXT NOT NULL,
    question    TEXT NOT NULL,
    fact        TEXT NOT NULL,                  -- the reference (the missing fact), or '' without one
    finding     TEXT NOT NULL,                  -- JSON of the latest retrieval finding
    added_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corpus_gap_cases_gap ON corpus_gap_cases (gap_id);
