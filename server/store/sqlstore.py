"""The queue and diagnosis logic shared by every SQL engine, written once against named queries.

`SQLStore` implements the `Store` Protocol; an engine subclass (`SQLiteStore`, `PostgresStore`) supplies only
a connection and a transaction (`_transaction`), and the engine's `.sql` file. So both engines run the very
same semantics, and the same test suite checks both.

Lease bookkeeping, the invariants every method keeps:
- `attempts` counts deliveries: a lease adds one. A lease that ends in nack or expiry with
  `attempts >= max_attempts` moves the item to `dead`; an ack moves it to `done`.
- Expired leases are reaped lazily, inside the write transaction of the next lease / stats / listing of
  that queue, so no background thread is needed and the injectable clock alone decides expiry.
- A lease token is valid only while its item is `leased` with that token and the lease has not expired;
  otherwise ack / nack / extend raise `LeaseLost` (or `NotFound` for an unknown item).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Mapping, Sequence

from classifiers.records import LABELS, ROUTES, SUBTYPES, Diagnosis, FailureRecord, FieldViolation
from server.errors import FormfactError, InvalidArgument, LeaseLost, NotFound
from server.store import codec
from server.store.base import (
    QUEUES,
    ClassifierVersion,
    DiagnosisFilter,
    Feedback,
    Page,
    QueueItem,
    QueueItemDraft,
    QueueStats,
    StoredDiagnosis,
)
from server.store.queries import load_queries, split_statements

SCHEMA_VERSION = 1
STATES = ("ready", "leased", "done", "dead", "superseded")
DEFAULT_PAGE_SIZE = 50
MAX_ERROR_CHARS = 10_000
"""A nack's error text is cut to this: a worker may send a whole traceback, the row needs only its gist."""

Row = Mapping[str, Any]


class Tx:
    """One open transaction: runs named queries and returns their rows."""

    def __init__(self, queries: Mapping[str, str], execute: Callable[[str, Mapping[str, Any]], list[Row]]):
        self._queries = queries
        self._execute = execute

    def all(self, name: str, **params: Any) -> list[Row]:
        return self._execute(self._queries[name], params)

    def one(self, name: str, **params: Any) -> Row | None:
        rows = self.all(name, **params)
        return rows[0] if rows else None

    def script(self, sql: str) -> None:
        """Run one statement that is not a named query (a schema statement)."""
        self._execute(sql, {})


def _invalid(field: str, description: str) -> InvalidArgument:
    return InvalidArgument(f"{field} {description}", (FieldViolation(field, description),))


def _check_queue(queue: str) -> None:
    if queue not in QUEUES:
        raise _invalid("queue", f"must be one of {', '.join(QUEUES)}")


def _check_page_size(page_size: int) -> int:
    if page_size < 0:
        raise _invalid("page_size", "must not be negative")
    return page_size or DEFAULT_PAGE_SIZE


class SQLStore:
    """Diagnoses, feedback and the three queues over one SQL database (see the module docstring)."""

    engine = ""
    """The name of the engine's `.sql` file in `server/store/sql/`."""

    def __init__(self, max_attempts: int = 5, clock: Callable[[], float] = time.time):
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.max_attempts = max_attempts
        self._clock = clock
        self._queries = self._prepare_queries(load_queries(self.engine))

    # -- engine hooks ------------------------------------------------------------------------------------

    def _prepare_queries(self, queries: dict[str, str]) -> dict[str, str]:
        """An engine may rewrite placeholders here."""
        return queries

    def _transaction(self, write: bool) -> AbstractContextManager[Tx]:
        """A transaction that commits on success and rolls back on error; `write` takes the write lock."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Create the schema if absent and record its version; refuse a database from a newer server."""
        with self._transaction(write=True) as tx:
            for statement in split_statements(self._queries["schema"]):
                tx.script(statement)
            row = tx.one("schema_version")
            version = None if row is None else row["version"]
            if version is None:
                tx.all("set_schema_version", version=SCHEMA_VERSION, now=self._clock())
            elif int(version) > SCHEMA_VERSION:
                raise FormfactError(f"database schema version {version} is newer than this server's {SCHEMA_VERSION}")

    # -- diagnoses -----------------------------------------------------------------------------------------

    def save_diagnosis(
        self, record: FailureRecord, diagnosis: Diagnosis, items: Sequence[QueueItemDraft]
    ) -> StoredDiagnosis:
        """Store a diagnosis and enqueue its items in one durable transaction (see `Store.save_diagnosis`).

        A new revision of a known case becomes the current one and supersedes the older revisions' items that
        are not done. A replay of any stored revision, even an older one, returns it unchanged with
        created=False: it does not make that revision current again.
        """
        [stored] = self.save_diagnoses([(record, diagnosis, items)])
        return stored

    def save_diagnoses(
        self, entries: Sequence[tuple[FailureRecord, Diagnosis, Sequence[QueueItemDraft]]]
    ) -> list[StoredDiagnosis]:
        """`save_diagnosis` for a batch, in order, in one transaction: one durable commit for all of them.

        All or nothing: a batch that cannot be stored stores none of its cases.
        """
        prepared = []
        for record, diagnosis, items in entries:
            if not record.id:
                raise _invalid("record.id", "is required")
            for i, draft in enumerate(items):
                if draft.queue not in QUEUES:
                    raise _invalid(f"items[{i}].queue", f"must be one of {', '.join(QUEUES)}")
            # Serialise before the transaction: a bad payload fails fast and holds no lock.
            prepared.append((record, diagnosis, items, record.fingerprint(), codec.record_to_json(record),
                             codec.diagnosis_to_json(diagnosis),
                             [codec.dump_json(d.payload, f"items[{i}].payload") for i, d in enumerate(items)]))
        if not prepared:
            return []
        out = []
        with self._transaction(write=True) as tx:
            # Saves of one case are serialised (SQLite: the write lock; PostgreSQL: an advisory lock), so two
            # revisions racing cannot both end up current and a replay always sees the first save. The locks
            # are taken up front in one order, so two batches that share cases cannot deadlock.
            for case_id in sorted({p[0].id for p in prepared}):
                tx.all("lock_case", case_id=case_id)
            now = self._clock()
            for record, diagnosis, items, revision, record_json, diagnosis_json, payloads in prepared:
                out.append(self._save_one(tx, now, record, diagnosis, items, revision, record_json,
                                          diagnosis_json, payloads))
        return out

    def _save_one(self, tx: Tx, now: float, record: FailureRecord, diagnosis: Diagnosis,
                  items: Sequence[QueueItemDraft], revision: str, record_json: str, diagnosis_json: str,
                  payloads: list[str]) -> StoredDiagnosis:
        existing = tx.one("find_diagnosis", case_id=record.id, revision=revision)
        if existing is not None:
            return codec.stored_from_row(existing, self._item_ids(tx, record.id, revision), created=False)
        tx.all("retire_diagnoses", case_id=record.id)
        tx.all("supersede_items", case_id=record.id, revision=revision, now=now,
               note=f"superseded by revision {revision}")
        row = tx.one("insert_diagnosis", case_id=record.id, revision=revision, record_json=record_json,
                     diagnosis_json=diagnosis_json, label=diagnosis.label, route=diagnosis.route,
                     model=record.model or "", now=now)
        assert row is not None  # INSERT ... RETURNING always yields the row
        for subtype in sorted(set(diagnosis.subtypes)):
            tx.all("insert_subtype", seq=row["seq"], subtype=subtype)
        for draft, payload in zip(items, payloads):
            tx.all("insert_item", item_id=uuid.uuid4().hex, queue=draft.queue, case_id=record.id,
                   revision=revision, payload_json=payload, deferred=int(draft.deferred), now=now)
        item_ids = self._item_ids(tx, record.id, revision)
        return StoredDiagnosis(diagnosis, record, revision, codec.from_seconds(now), item_ids, created=True)

    def get_diagnosis(self, case_id: str) -> StoredDiagnosis:
        with self._transaction(write=False) as tx:
            row = tx.one("latest_diagnosis", case_id=case_id)
            if row is None:
                raise NotFound(f"no diagnosis for case {case_id!r}")
            return codec.stored_from_row(row, self._item_ids(tx, case_id, row["revision"]), created=False)

    def list_diagnoses(self, flt: DiagnosisFilter, page_size: int, page_token: str) -> Page:
        """Only each case's latest revision is listed, newest first (keyset pages, stable under inserts)."""
        size = _check_page_size(page_size)
        for name, value, allowed in (("label", flt.label, LABELS), ("subtype", flt.subtype, SUBTYPES),
                                     ("route", flt.route, ROUTES)):
            if value and value not in allowed:
                raise _invalid(name, f"must be one of {', '.join(allowed)}")
        since = codec.to_seconds(flt.since, "since") if flt.since else -codec.FAR_FUTURE
        until = codec.to_seconds(flt.until, "until") if flt.until else codec.FAR_FUTURE
        key = codec.filter_key({"label": flt.label, "subtype": flt.subtype, "route": flt.route,
                                "model": flt.model, "since": since, "until": until})
        position = codec.decode_token(page_token, "diagnoses", key) or [codec.FAR_FUTURE, 2**62]
        with self._transaction(write=False) as tx:
            rows = tx.all(
                "list_diagnoses",
                any_label=int(not flt.label), label=flt.label or "",
                any_route=int(not flt.route), route=flt.route or "",
                any_model=int(not flt.model), model=flt.model or "",
                any_subtype=int(not flt.subtype), subtype=flt.subtype or "",
                since=since, until=until, after_created=float(position[0]), after_seq=int(position[1]),
                limit=size + 1,
            )
        # Regroup the (diagnosis, item) rows; they arrive ordered, so each diagnosis's rows are adjacent.
        grouped: dict[int, tuple[Row, list[str]]] = {}
        for r in rows:
            entry = grouped.setdefault(int(r["seq"]), (r, []))
            if r["item_id"] is not None:
                entry[1].append(r["item_id"])
        found = list(grouped.values())
        page = [codec.stored_from_row(r, tuple(ids), created=False) for r, ids in found[:size]]
        token = ""
        if len(found) > size:
            last = found[size - 1][0]
            token = codec.encode_token("diagnoses", [float(last["created_at"]), int(last["seq"])], key)
        return Page(page, token)

    def _item_ids(self, tx: Tx, case_id: str, revision: str) -> tuple[str, ...]:
        return tuple(r["item_id"] for r in tx.all("items_of_revision", case_id=case_id, revision=revision))

    # -- feedback ------------------------------------------------------------------------------------------

    def add_feedback(self, case_id: str, label: str, subtypes: Sequence[str], comment: str, author: str) -> Feedback:
        if label not in LABELS:
            raise _invalid("label", f"must be one of {', '.join(LABELS)}")
        for i, subtype in enumerate(subtypes):
            if subtype not in SUBTYPES:
                raise _invalid(f"subtypes[{i}]", "is not a known subtype")
        feedback_id = uuid.uuid4().hex
        with self._transaction(write=True) as tx:
            row = tx.one("latest_diagnosis", case_id=case_id)
            if row is None:
                raise NotFound(f"case {case_id!r} was never diagnosed")
            now = self._clock()
            tx.all("insert_feedback", feedback_id=feedback_id, case_id=case_id, revision=row["revision"],
                   label=label, subtypes_json=codec.dump_json(list(subtypes), "subtypes"), comment=comment,
                   author=author, now=now)
            record = codec.record_from_json(row["record_json"])
        return Feedback(feedback_id, case_id, label, tuple(subtypes), comment, author, codec.from_seconds(now), record)

    def list_feedback(self) -> list[Feedback]:
        with self._transaction(write=False) as tx:
            return [codec.feedback_from_row(r) for r in tx.all("list_feedback")]

    # -- queues --------------------------------------------------------------------------------------------

    def _reap(self, tx: Tx, now: float, queue: str | None) -> None:
        tx.all("reap_expired", max_attempts=self.max_attempts, now=now, any_queue=int(queue is None),
               queue=queue or "")

    def lease(self, queue: str, max_items: int, lease_seconds: float, include_deferred: bool = False) -> list[QueueItem]:
        """Up to `max_items` ready items, oldest first, each with its own fresh lease token."""
        _check_queue(queue)
        if max_items < 1:
            raise _invalid("max_items", "must be at least 1")
        if not lease_seconds > 0:
            raise _invalid("lease_seconds", "must be positive")
        with self._transaction(write=True) as tx:
            now = self._clock()
            self._reap(tx, now, queue)
            candidates = tx.all("lease_candidates", queue=queue, now=now, include_deferred=int(include_deferred),
                                limit=max_items)
            leased = []
            for candidate in candidates:
                row = tx.one("lease_item", seq=candidate["seq"], token=secrets.token_hex(16),
                             expires=now + lease_seconds)
                if row is not None:
                    leased.append(codec.item_from_row(row))
        return leased

    def _lost(self, tx: Tx, item_id: str) -> FormfactError:
        """Why a fenced update matched nothing: the item is unknown, or the caller's lease is gone."""
        row = tx.one("get_item", item_id=item_id)
        if row is None:
            return NotFound(f"no queue item {item_id!r}")
        return LeaseLost(f"lease on item {item_id!r} is lost (state {row['state']}): it expired or was re-leased")

    def extend_lease(self, item_id: str, lease_token: str, lease_seconds: float) -> QueueItem:
        if not lease_seconds > 0:
            raise _invalid("lease_seconds", "must be positive")
        with self._transaction(write=True) as tx:
            now = self._clock()
            row = tx.one("extend_lease", item_id=item_id, token=lease_token, now=now, expires=now + lease_seconds)
            if row is None:
                raise self._lost(tx, item_id)
            return codec.item_from_row(row)

    def ack(self, item_id: str, lease_token: str) -> None:
        with self._transaction(write=True) as tx:
            if tx.one("ack", item_id=item_id, token=lease_token, now=self._clock()) is None:
                raise self._lost(tx, item_id)

    def nack(self, item_id: str, lease_token: str, retry_delay_seconds: float, error: str) -> bool:
        if not retry_delay_seconds >= 0:
            raise _invalid("retry_delay_seconds", "must not be negative")
        with self._transaction(write=True) as tx:
            now = self._clock()
            row = tx.one("nack", item_id=item_id, token=lease_token, now=now, max_attempts=self.max_attempts,
                         available_at=now + retry_delay_seconds, error=error[:MAX_ERROR_CHARS])
            if row is None:
                raise self._lost(tx, item_id)
            return bool(row["state"] == "dead")

    def stats(self, queue: str | None = None) -> list[QueueStats]:
        """Per queue: depth counts ready items (delayed ones too) that are not deferred; the oldest age is
        that of the oldest item still waiting or in work (ready and not deferred, or leased)."""
        if queue:
            _check_queue(queue)
        names = (queue,) if queue else QUEUES
        counts: dict[str, dict[str, Any]] = {
            q: {"depth": 0, "leased": 0, "dead": 0, "deferred": 0, "done": 0, "oldest": None} for q in names
        }
        with self._transaction(write=True) as tx:
            now = self._clock()
            self._reap(tx, now, queue or None)
            rows = tx.all("queue_stats", any_queue=int(not queue), queue=queue or "")
        for r in rows:
            c = counts.get(r["queue"])
            if c is None:
                continue
            n, state, deferred = int(r["n"]), r["state"], bool(r["deferred"])
            if state == "ready":
                c["deferred" if deferred else "depth"] += n
            elif state in ("leased", "dead", "done"):
                c[state] += n
            if (state == "ready" and not deferred) or state == "leased":
                oldest = float(r["oldest"])
                c["oldest"] = oldest if c["oldest"] is None else min(c["oldest"], oldest)
        return [
            QueueStats(q, c["depth"], c["leased"], 0.0 if c["oldest"] is None else max(0.0, now - c["oldest"]),
                       c["dead"], c["deferred"], c["done"])
            for q, c in counts.items()
        ]

    def list_dead_letters(self, queue: str, page_size: int, page_token: str) -> Page:
        """Dead items of a queue in the order they were enqueued; Page.items are QueueItem."""
        _check_queue(queue)
        size = _check_page_size(page_size)
        position = codec.decode_token(page_token, "dead", queue) or [0]
        with self._transaction(write=True) as tx:
            self._reap(tx, self._clock(), queue)
            rows = tx.all("list_dead_letters", queue=queue, after_seq=int(position[0]), limit=size + 1)
        token = codec.encode_token("dead", [int(rows[size - 1]["seq"])], queue) if len(rows) > size else ""
        return Page([codec.item_from_row(r) for r in rows[:size]], token)

    def redrive(self, queue: str, item_ids: Sequence[str] = ()) -> int:
        """Dead items back to ready with attempts reset (all of the queue's, or the named ones)."""
        _check_queue(queue)
        with self._transaction(write=True) as tx:
            now = self._clock()
            self._reap(tx, now, queue)
            if not item_ids:
                return len(tx.all("redrive_all", queue=queue, now=now))
            return sum(len(tx.all("redrive_one", queue=queue, item_id=i, now=now)) for i in _unique(item_ids))

    def list_items(self, queue: str, states: Sequence[str] = ("ready",)) -> list[QueueItem]:
        _check_queue(queue)
        wanted = list(dict.fromkeys(states))
        for i, state in enumerate(wanted):
            if state not in STATES:
                raise _invalid(f"states[{i}]", f"must be one of {', '.join(STATES)}")
        # The query takes exactly five state slots; '' matches no item.
        slots = {f"s{i}": (wanted[i] if i < len(wanted) else "") for i in range(len(STATES))}
        with self._transaction(write=True) as tx:
            self._reap(tx, self._clock(), queue)
            rows = tx.all("list_items", queue=queue, **slots)
        return [codec.item_from_row(r) for r in rows]

    # -- classifier versions -------------------------------------------------------------------------------

    def save_classifier_version(self, version: str, path: str, metrics: dict[str, Any],
                                feedback_count: int) -> ClassifierVersion:
        now = self._clock()
        with self._transaction(write=True) as tx:
            tx.all("insert_classifier_version", version=version, path=path,
                   metrics_json=codec.dump_json(metrics, "metrics"), feedback_count=feedback_count, now=now)
            rows = tx.all("list_classifier_versions")
        return next(_version_from_row(r) for r in rows if r["version"] == version)

    def list_classifier_versions(self) -> list[ClassifierVersion]:
        with self._transaction(write=False) as tx:
            return [_version_from_row(r) for r in tx.all("list_classifier_versions")]

    def activate_classifier_version(self, version: str | None) -> None:
        with self._transaction(write=True) as tx:
            if version is not None and not any(r["version"] == version for r in tx.all("list_classifier_versions")):
                raise NotFound(f"no classifier version {version!r}")
            tx.all("deactivate_classifier_versions")
            if version is not None:
                tx.all("activate_classifier_version", version=version)

    def close_items(self, item_ids: Sequence[str], note: str) -> int:
        with self._transaction(write=True) as tx:
            now = self._clock()
            return sum(len(tx.all("close_item", item_id=i, note=note, now=now)) for i in _unique(item_ids))


def _version_from_row(row: Row) -> ClassifierVersion:
    return ClassifierVersion(row["version"], row["path"], json.loads(row["metrics_json"]), int(row["feedback_count"]),
                             bool(row["active"]), codec.from_seconds(row["created_at"]))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
