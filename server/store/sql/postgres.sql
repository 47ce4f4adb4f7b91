-- PostgreSQL schema and the queries whose SQL is PostgreSQL's own. Loaded after queries.sql; same names
-- override. Times are DOUBLE PRECISION seconds (not timestamptz) so both engines share every other query
-- and the store's injectable clock decides expiry here too.

-- name: schema
-- Two servers starting at once must not race on CREATE TABLE; the lock ends with the transaction.
SELECT pg_advisory_xact_lock(7243010);

CREATE TABLE IF NOT EXISTS store_schema_version (
  version INTEGER NOT NULL,
  applied_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS diagnoses (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  record_json TEXT NOT NULL,
  diagnosis_json TEXT NOT NULL,
  label TEXT NOT NULL,
  route TEXT NOT NULL,
  model TEXT NOT NULL,
  current INTEGER NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  UNIQUE (case_id, revision)
);
CREATE INDEX IF NOT EXISTS diagnoses_listing ON diagnoses (current, created_at, seq);
CREATE INDEX IF NOT EXISTS diagnoses_case ON diagnoses (case_id, seq);

CREATE TABLE IF NOT EXISTS diagnosis_subtypes (
  diagnosis_seq BIGINT NOT NULL REFERENCES diagnoses (seq),
  subtype TEXT NOT NULL,
  PRIMARY KEY (diagnosis_seq, subtype)
);
CREATE INDEX IF NOT EXISTS diagnosis_subtypes_by_subtype ON diagnosis_subtypes (subtype, diagnosis_seq);

CREATE TABLE IF NOT EXISTS feedback (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  feedback_id TEXT NOT NULL UNIQUE,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  label TEXT NOT NULL,
  subtypes_json TEXT NOT NULL,
  comment TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL
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
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  case_id TEXT NOT NULL,
  revision TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  deferred INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  lease_token TEXT NOT NULL,
  lease_expires_at DOUBLE PRECISION,
  available_at DOUBLE PRECISION NOT NULL,
  last_error TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  done_at DOUBLE PRECISION,
  note TEXT NOT NULL,
  UNIQUE (queue, case_id, revision)
);
CREATE INDEX IF NOT EXISTS queue_items_lease ON queue_items (queue, state, created_at, seq);
CREATE INDEX IF NOT EXISTS queue_items_case ON queue_items (case_id, revision);
CREATE INDEX IF NOT EXISTS queue_items_expiry ON queue_items (state, lease_expires_at);

-- name: lock_case
-- Serialises saves of one case across connections and replicas, until the transaction ends.
SELECT pg_advisory_xact_lock(hashtextextended(CAST(:case_id AS TEXT), 0))

-- name: lease_candidates
-- SKIP LOCKED: concurrent leasers take disjoint rows instead of queueing behind each other's locks.
SELECT seq FROM queue_items
WHERE queue = :queue AND state = 'ready' AND available_at <= :now AND (:include_deferred = 1 OR deferred = 0)
ORDER BY created_at, seq
LIMIT :limit
FOR UPDATE SKIP LOCKED
