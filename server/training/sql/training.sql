-- Training jobs and their event log, in the service's SQLite file (own tables, own connection).
-- Sections start with "-- name: <query>"; placeholders are :name.

-- name: schema
CREATE TABLE IF NOT EXISTS training_jobs (
    job_id            TEXT PRIMARY KEY,
    idempotency_key   TEXT UNIQUE,
    state             TEXT NOT NULL,
    base_model        TEXT NOT NULL,
    backend           TEXT NOT NULL,
    spec_json         TEXT NOT NULL,
    report_json       TEXT NOT NULL DEFAULT '{}',
    dataset_json      TEXT,
    dataset_hash      TEXT NOT NULL DEFAULT '',
    error_json        TEXT,
    worker_id         TEXT NOT NULL DEFAULT '',
    lease_token       TEXT NOT NULL DEFAULT '',
    lease_expires_at  REAL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    result_json       TEXT NOT NULL DEFAULT '{}',
    adapter_ready     INTEGER NOT NULL DEFAULT 0,
    closed_items      INTEGER NOT NULL DEFAULT 0,
    created_at        REAL NOT NULL,
    updated_at        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS training_jobs_state ON training_jobs (state, created_at);
CREATE TABLE IF NOT EXISTS training_events (
    job_id      TEXT NOT NULL REFERENCES training_jobs (job_id),
    seq         INTEGER NOT NULL,
    created_at  REAL NOT NULL,
    state       TEXT NOT NULL,
    body_json   TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- name: insert_job
INSERT INTO training_jobs (job_id, idempotency_key, state, base_model, backend, spec_json, created_at, updated_at)
VALUES (:job_id, :idempotency_key, :state, :base_model, :backend, :spec_json, :now, :now)

-- name: get_job
SELECT * FROM training_jobs WHERE job_id = :job_id

-- name: get_job_by_key
SELECT * FROM training_jobs WHERE idempotency_key = :idempotency_key

-- name: list_jobs
SELECT * FROM training_jobs
WHERE (:state = '' OR state = :state) AND (:after_created IS NULL OR created_at < :after_created
       OR (created_at = :after_created AND job_id < :after_id))
ORDER BY created_at DESC, job_id DESC
LIMIT :limit

-- name: set_validated
UPDATE training_jobs
SET state = :state, spec_json = :spec_json, report_json = :report_json, dataset_json = :dataset_json,
    dataset_hash = :dataset_hash, error_json = :error_json, updated_at = :now
WHERE job_id = :job_id AND state = 'validating'

-- name: next_leasable
-- A queued job, or a running one whose worker stopped heartbeating (it resumes from its checkpoint).
SELECT * FROM training_jobs
WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < :now)
ORDER BY created_at, job_id
LIMIT 1

-- name: take_lease
UPDATE training_jobs
SET state = 'running', worker_id = :worker_id, lease_token = :lease_token, lease_expires_at = :expires,
    attempts = attempts + 1, updated_at = :now
WHERE job_id = :job_id AND lease_token = :old_token

-- name: extend_lease
UPDATE training_jobs SET lease_expires_at = :expires, updated_at = :now
WHERE job_id = :job_id AND lease_token = :lease_token AND state = 'running'

-- name: request_cancel
UPDATE training_jobs SET cancel_requested = 1, updated_at = :now WHERE job_id = :job_id

-- name: finish
UPDATE training_jobs
SET state = :state, error_json = :error_json, result_json = :result_json, adapter_ready = :adapter_ready,
    closed_items = :closed_items, lease_token = '', lease_expires_at = NULL, updated_at = :now
WHERE job_id = :job_id

-- name: last_seq
SELECT COALESCE(MAX(seq), 0) FROM training_events WHERE job_id = :job_id

-- name: insert_event
INSERT INTO training_events (job_id, seq, created_at, state, body_json)
VALUES (:job_id, :seq, :now, :state, :body_json)

-- name: events_after
SELECT seq, created_at, state, body_json FROM training_events
WHERE job_id = :job_id AND seq > :after_seq ORDER BY seq LIMIT :limit
