-- SQLite schema and the queries whose SQL is SQLite's own. Loaded after queries.sql; same names override.

-- name: schema
CREATE TABLE IF NOT EXISTS store_schema_version (
  version INTEGER NOT NULL,
  applied_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS diagnoses (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  record_json TEXT NOT NULL,
  diagnosis_json TEXT NOT NULL,
  label TEXT NOT NULL,
  route TEXT NOT NULL,
  model TEXT NOT NULL,
  current INTEGER NOT NULL,
  created_at REAL NOT NULL,
  UNIQUE (case_id, revision)
);
CREATE INDEX IF NOT EXISTS diagnoses_listing ON diagnoses (current, created_at, seq);
CREATE INDEX IF NOT EXISTS diagnoses_case ON diagnoses (case_id, seq);

CREATE TABLE IF NOT EXISTS diagnosis_subtypes (
  diagnosis_seq INTEGER NOT NULL REFERENCES diagnoses (seq),
  subtype TEXT NOT NULL,
  PRIMARY KEY (diagnosis_seq, subtype)
);
CREATE INDEX IF NOT EXISTS diagnosis_subtypes_by_subtype ON diagnosis_subtypes (subtype, diagnosis_seq);

CREATE TABLE IF NOT EXISTS feedback (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  feedback_id TEXT NOT NULL UNIQUE,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  label TEXT NOT NULL,
  subtypes_json TEXT NOT NULL,
  comment TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS classifier_versions (
  version TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  feedback_count INTEGER NOT NULL,
  active INTEGER NOT NULL,
  created_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS queue_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  item_id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  deferred INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  lease_token TEXT NOT NULL,
  lease_expires_at REAL,
  available_at REAL NOT NULL,
  last_error TEXT NOT NULL,
  created_at REAL NOT NULL,
  done_at REAL,
  note TEXT NOT NULL,
  UNIQUE (queue, case_id, revision)
);
CREATE INDEX IF NOT EXISTS queue_items_lease ON queue_items (queue, state, created_at, seq);
CREATE INDEX IF NOT EXISTS queue_items_case ON queue_items (case_id, revision);
CREATE INDEX IF NOT EXISTS queue_items_expiry ON queue_items (state, lease_expires_at);

-- name: lock_case
-- Nothing to do: every write transaction already holds SQLite's single write lock (BEGIN IMMEDIATE).
SELECT 1
