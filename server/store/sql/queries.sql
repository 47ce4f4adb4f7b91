-- Portable queries shared by every engine (SQLite >= 3.35 and PostgreSQL >= 12).
-- Placeholders are `:name`; the PostgreSQL engine rewrites them for psycopg.
-- Times are float seconds since the epoch from the store's clock; `deferred` and `current` are 0/1.
-- Queue item states: ready | leased | done | dead | superseded.

-- name: schema_version
SELECT MAX(version) AS version FROM store_schema_version

-- name: set_schema_version
INSERT INTO store_schema_version (version, applied_at) VALUES (:version, :now)

-- name: find_diagnosis
SELECT * FROM diagnoses WHERE case_id = :case_id AND revision = :revision

-- name: latest_diagnosis
SELECT * FROM diagnoses WHERE case_id = :case_id ORDER BY seq DESC LIMIT 1

-- name: retire_diagnoses
UPDATE diagnoses SET current = 0 WHERE case_id = :case_id AND current = 1

-- name: insert_diagnosis
INSERT INTO diagnoses (case_id, revision, record_json, diagnosis_json, label, route, model, current, created_at)
VALUES (:case_id, :revision, :record_json, :diagnosis_json, :label, :route, :model, 1, :now)
RETURNING seq

-- name: insert_subtype
INSERT INTO diagnosis_subtypes (diagnosis_seq, subtype) VALUES (:seq, :subtype)
ON CONFLICT (diagnosis_seq, subtype) DO NOTHING

-- name: list_diagnoses
-- Keyset pagination, newest first: the page starts strictly after (after_created, after_seq).
-- One row per (diagnosis, queue item), items in enqueue order; a diagnosis without items has item_id NULL.
WITH page AS (
  SELECT d.* FROM diagnoses d
  WHERE d.current = 1
    AND (:any_label = 1 OR d.label = :label)
    AND (:any_route = 1 OR d.route = :route)
    AND (:any_model = 1 OR d.model = :model)
    AND (:any_subtype = 1 OR EXISTS (
          SELECT 1 FROM diagnosis_subtypes s WHERE s.diagnosis_seq = d.seq AND s.subtype = :subtype))
    AND d.created_at >= :since AND d.created_at < :until
    AND (d.created_at < :after_created OR (d.created_at = :after_created AND d.seq < :after_seq))
  ORDER BY d.created_at DESC, d.seq DESC
  LIMIT :limit
)
SELECT page.*, q.item_id AS item_id FROM page
LEFT JOIN queue_items q ON q.case_id = page.case_id AND q.revision = page.revision
ORDER BY page.created_at DESC, page.seq DESC, q.seq

-- name: items_of_revision
SELECT item_id FROM queue_items WHERE case_id = :case_id AND revision = :revision ORDER BY seq

-- name: supersede_items
UPDATE queue_items
SET state = 'superseded', lease_token = '', lease_expires_at = NULL, done_at = :now, note = :note
WHERE case_id = :case_id AND revision <> :revision AND state IN ('ready', 'leased', 'dead')
RETURNING seq

-- name: insert_item
-- The unique key (queue, case_id, revision) makes enqueue idempotent.
INSERT INTO queue_items (item_id, queue, case_id, revision, payload_json, deferred, state, attempts,
                         lease_token, lease_expires_at, available_at, last_error, created_at, done_at, note)
VALUES (:item_id, :queue, :case_id, :revision, :payload_json, :deferred, 'ready', 0,
        '', NULL, :now, '', :now, NULL, '')
ON CONFLICT (queue, case_id, revision) DO NOTHING

-- name: reap_expired
-- An expired lease ended one attempt (counted when it was leased): back to ready, or dead when spent.
UPDATE queue_items
SET state = CASE WHEN attempts >= :max_attempts THEN 'dead' ELSE 'ready' END,
    lease_token = '', lease_expires_at = NULL, available_at = :now, last_error = 'lease expired'
WHERE state = 'leased' AND lease_expires_at <= :now AND (:any_queue = 1 OR queue = :queue)
RETURNING seq

-- name: lease_candidates
SELECT seq FROM queue_items
WHERE queue = :queue AND state = 'ready' AND available_at <= :now AND (:include_deferred = 1 OR deferred = 0)
ORDER BY created_at, seq
LIMIT :limit

-- name: lease_item
UPDATE queue_items
SET state = 'leased', attempts = attempts + 1, lease_token = :token, lease_expires_at = :expires
WHERE seq = :seq AND state = 'ready'
RETURNING *

-- name: get_item
SELECT * FROM queue_items WHERE item_id = :item_id

-- name: extend_lease
UPDATE queue_items SET lease_expires_at = :expires
WHERE item_id = :item_id AND state = 'leased' AND lease_token = :token AND lease_expires_at > :now
RETURNING *

-- name: ack
UPDATE queue_items SET state = 'done', lease_token = '', lease_expires_at = NULL, done_at = :now
WHERE item_id = :item_id AND state = 'leased' AND lease_token = :token AND lease_expires_at > :now
RETURNING seq

-- name: nack
UPDATE queue_items
SET state = CASE WHEN attempts >= :max_attempts THEN 'dead' ELSE 'ready' END,
    lease_token = '', lease_expires_at = NULL, available_at = :available_at, last_error = :error
WHERE item_id = :item_id AND state = 'leased' AND lease_token = :token AND lease_expires_at > :now
RETURNING state

-- name: queue_stats
SELECT queue, state, deferred, COUNT(*) AS n, MIN(created_at) AS oldest
FROM queue_items
WHERE (:any_queue = 1 OR queue = :queue)
GROUP BY queue, state, deferred

-- name: list_dead_letters
SELECT * FROM queue_items
WHERE queue = :queue AND state = 'dead' AND seq > :after_seq
ORDER BY seq
LIMIT :limit

-- name: redrive_all
UPDATE queue_items
SET state = 'ready', attempts = 0, available_at = :now, lease_token = '', lease_expires_at = NULL
WHERE queue = :queue AND state = 'dead'
RETURNING seq

-- name: redrive_one
UPDATE queue_items
SET state = 'ready', attempts = 0, available_at = :now, lease_token = '', lease_expires_at = NULL
WHERE queue = :queue AND state = 'dead' AND item_id = :item_id
RETURNING seq

-- name: list_items
SELECT * FROM queue_items
WHERE queue = :queue AND state IN (:s0, :s1, :s2, :s3, :s4)
ORDER BY created_at, seq

-- name: close_item
UPDATE queue_items
SET state = 'done', note = :note, done_at = :now, lease_token = '', lease_expires_at = NULL
WHERE item_id = :item_id AND state IN ('ready', 'leased', 'dead')
RETURNING seq

-- name: insert_feedback
INSERT INTO feedback (feedback_id, case_id, revision, label, subtypes_json, comment, author, created_at)
VALUES (:feedback_id, :case_id, :revision, :label, :subtypes_json, :comment, :author, :now)

-- name: list_feedback
SELECT f.*, d.record_json FROM feedback f
LEFT JOIN diagnoses d ON d.case_id = f.case_id AND d.revision = f.revision
ORDER BY f.created_at, f.seq

-- name: insert_classifier_version
-- Retraining on the same records and seed reproduces the same version id: keep one row, refreshed.
INSERT INTO classifier_versions (version, path, metrics_json, feedback_count, active, created_at)
VALUES (:version, :path, :metrics_json, :feedback_count, 0, :now)
ON CONFLICT (version) DO UPDATE SET path = excluded.path, metrics_json = excluded.metrics_json,
  feedback_count = excluded.feedback_count

-- name: list_classifier_versions
SELECT * FROM classifier_versions ORDER BY created_at, version

-- name: deactivate_classifier_versions
UPDATE classifier_versions SET active = 0 WHERE active = 1

-- name: activate_classifier_version
UPDATE classifier_versions SET active = 1 WHERE version = :version
