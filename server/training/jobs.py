"""The training job store: jobs, their leases and their event log, in the service's SQLite file.

Own tables (`sql/training.sql`) and own connection, so the trainer part does not reach into the queue store.
Invariants:

- a job is leased by one worker at a time; the lease token fences out a worker whose lease expired (its
  heartbeat, progress and completion then raise `LeaseLost`);
- a running job whose lease expired is leasable again, and the next worker resumes from its checkpoint;
  after `max_attempts` leases it fails with `lease_expired` instead of looping forever;
- events get a gap-free per-job sequence number, so a watcher resumes from the last seq it saw.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from server.errors import Conflict, LeaseLost, NotFound

TERMINAL = ("succeeded", "failed", "cancelled", "validation_failed")
STATES = ("validating", "queued", "running", *TERMINAL)

_NAME = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)


def _queries() -> dict[str, str]:
    text = resources.files("server.training").joinpath("sql", "training.sql").read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}


@dataclass(frozen=True)
class JobRecord:
    """One training job as stored; `spec` holds the selection and the resolved hyperparameters."""

    job_id: str
    idempotency_key: str
    state: str
    base_model: str
    backend: str
    spec: dict[str, Any]
    report: dict[str, Any]
    dataset_hash: str
    error: dict[str, Any] | None
    worker_id: str
    lease_token: str
    lease_expires_at: float | None
    attempts: int
    cancel_requested: bool
    result: dict[str, Any]
    """metrics, verification, artifact_path, manifest (as the worker uploaded them)."""
    adapter_ready: bool
    closed_items: int
    created_at: float
    updated_at: float
    last_event_seq: int = 0


@dataclass(frozen=True)
class JobEvent:
    job_id: str
    seq: int
    created_at: float
    state: str
    body: dict[str, Any] = field(default_factory=dict)
    """kind, step, loss, learning_rate, tokens_per_second, peak_memory_bytes, message, details..."""


class JobStore:
    """Training jobs in SQLite; thread-safe (one connection behind a lock, WAL for concurrent readers)."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time):
        self._q = _queries()
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30.0)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        with self._lock:
            self._conn.executescript(self._q["schema"])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- reading -------------------------------------------------------------------------------------------

    def _row(self, row: sqlite3.Row) -> JobRecord:
        seq = self._conn.execute(self._q["last_seq"], {"job_id": row["job_id"]}).fetchone()[0]
        return JobRecord(
            job_id=row["job_id"],
            idempotency_key=row["idempotency_key"] or "",
            state=row["state"],
            base_model=row["base_model"],
            backend=row["backend"],
            spec=json.loads(row["spec_json"]),
            report=json.loads(row["report_json"] or "{}"),
            dataset_hash=row["dataset_hash"],
            error=json.loads(row["error_json"]) if row["error_json"] else None,
            worker_id=row["worker_id"],
            lease_token=row["lease_token"],
            lease_expires_at=row["lease_expires_at"],
            attempts=row["attempts"],
            cancel_requested=bool(row["cancel_requested"]),
            result=json.loads(row["result_json"] or "{}"),
            adapter_ready=bool(row["adapter_ready"]),
            closed_items=row["closed_items"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            last_event_seq=int(seq),
        )

    def get(self, job_id: str) -> JobRecord:
        with self._lock:
            row = self._conn.execute(self._q["get_job"], {"job_id": job_id}).fetchone()
            if row is None:
                raise NotFound(f"training job {job_id!r} does not exist")
            return self._row(row)

    def dataset(self, job_id: str) -> tuple[str, str]:
        """(dataset JSON, its hash) as built at validation time."""
        with self._lock:
            row = self._conn.execute(self._q["get_job"], {"job_id": job_id}).fetchone()
            if row is None:
                raise NotFound(f"training job {job_id!r} does not exist")
            return row["dataset_json"] or "{}", row["dataset_hash"]

    def list_jobs(self, state: str, page_size: int, page_token: str) -> tuple[list[JobRecord], str]:
        """Newest first; the page token is '<created_at>:<job_id>' of the last job returned."""
        after_created: float | None = None
        after_id = ""
        if page_token:
            created, _, after_id = page_token.partition(":")
            after_created = float(created)
        with self._lock:
            rows = self._conn.execute(
                self._q["list_jobs"],
                {"state": state, "after_created": after_created, "after_id": after_id, "limit": page_size + 1},
            ).fetchall()
            jobs = [self._row(r) for r in rows[:page_size]]
        token = f"{jobs[-1].created_at!r}:{jobs[-1].job_id}" if len(rows) > page_size else ""
        return jobs, token

    def events_after(self, job_id: str, after_seq: int, limit: int = 500) -> list[JobEvent]:
        with self._lock:
            rows = self._conn.execute(
                self._q["events_after"], {"job_id": job_id, "after_seq": after_seq, "limit": limit}
            ).fetchall()
        return [JobEvent(job_id, r["seq"], r["created_at"], r["state"], json.loads(r["body_json"])) for r in rows]

    def wait_for_change(self, timeout: float) -> None:
        """Block until any job changes or `timeout` passes (watchers poll on top of this)."""
        with self._changed:
            self._changed.wait(timeout)

    # -- writing -------------------------------------------------------------------------------------------

    def _append(self, job_id: str, state: str, bodies: Sequence[Mapping[str, Any]]) -> int:
        seq = self._conn.execute(self._q["last_seq"], {"job_id": job_id}).fetchone()[0]
        for body in bodies:
            seq += 1
            self._conn.execute(
                self._q["insert_event"],
                {"job_id": job_id, "seq": seq, "now": self._clock(), "state": state,
                 "body_json": json.dumps(dict(body), sort_keys=True, default=str)},
            )
        return int(seq)

    def _tx(self) -> _Tx:
        return _Tx(self)

    def create(self, idempotency_key: str, base_model: str, backend: str, spec: Mapping[str, Any]) -> tuple[JobRecord, bool]:
        """Insert a job in `validating`; with a known idempotency key, return the first job instead."""
        with self._tx():
            if idempotency_key:
                row = self._conn.execute(self._q["get_job_by_key"], {"idempotency_key": idempotency_key}).fetchone()
                if row is not None:
                    return self._row(row), False
            job_id = "tj-" + uuid.uuid4().hex[:16]
            self._conn.execute(
                self._q["insert_job"],
                {"job_id": job_id, "idempotency_key": idempotency_key or None, "state": "validating",
                 "base_model": base_model, "backend": backend, "spec_json": json.dumps(dict(spec), sort_keys=True),
                 "now": self._clock()},
            )
            self._append(job_id, "validating", [{"kind": "state", "message": "job created; validating"}])
        return self.get(job_id), True

    def set_validated(
        self, job_id: str, state: str, spec: Mapping[str, Any], report: Mapping[str, Any],
        dataset_json: str | None, dataset_hash: str, error: Mapping[str, Any] | None,
    ) -> JobRecord:
        with self._tx():
            self._conn.execute(
                self._q["set_validated"],
                {"job_id": job_id, "state": state, "spec_json": json.dumps(dict(spec), sort_keys=True),
                 "report_json": json.dumps(dict(report), sort_keys=True), "dataset_json": dataset_json,
                 "dataset_hash": dataset_hash, "error_json": json.dumps(dict(error)) if error else None,
                 "now": self._clock()},
            )
            message = "dataset built; waiting for a worker" if state == "queued" else (error or {}).get("message", "")
            self._append(job_id, state, [{"kind": "dataset", "message": message, "details": dict(report)}])
        return self.get(job_id)

    def lease(self, worker_id: str, lease_seconds: float, max_attempts: int) -> tuple[JobRecord, str] | None:
        """Lease the oldest runnable job; cancelled or worn-out jobs met on the way are finished."""
        while True:
            with self._tx():
                now = self._clock()
                row = self._conn.execute(self._q["next_leasable"], {"now": now}).fetchone()
                if row is None:
                    return None
                job = self._row(row)
                if job.cancel_requested:
                    self._finish(job.job_id, "cancelled", None, job.result, False, 0,
                                 "cancelled while no worker held it")
                    continue
                if job.attempts >= max_attempts:
                    error: dict[str, Any] = {"code": "lease_expired", "message": f"the worker lease expired {job.attempts} times",
                             "details": {"last_worker": job.worker_id}}
                    self._finish(job.job_id, "failed", error, job.result, False, 0, error["message"])
                    continue
                token = uuid.uuid4().hex
                changed = self._conn.execute(
                    self._q["take_lease"],
                    {"job_id": job.job_id, "worker_id": worker_id, "lease_token": token,
                     "expires": now + lease_seconds, "now": now, "old_token": job.lease_token},
                ).rowcount
                if not changed:
                    continue
                resumed = job.state == "running"
                message = f"leased by {worker_id} (attempt {job.attempts + 1})"
                if resumed:
                    message += f"; the lease of {job.worker_id} expired, resuming from its checkpoint"
                self._append(job.job_id, "running", [{"kind": "state", "message": message,
                                                      "details": {"worker_id": worker_id, "resumed": resumed}}])
            return self.get(job.job_id), token

    def holder(self, job_id: str, lease_token: str) -> JobRecord:
        """The job if `lease_token` is its current, unexpired lease; else LeaseLost."""
        job = self.get(job_id)
        if job.state != "running" or not lease_token or job.lease_token != lease_token:
            raise LeaseLost(f"lease token for training job {job_id!r} is not current (state {job.state})")
        if job.lease_expires_at is not None and job.lease_expires_at < self._clock():
            raise LeaseLost(f"the lease on training job {job_id!r} expired")
        return job

    def heartbeat(self, job_id: str, lease_token: str, lease_seconds: float) -> JobRecord:
        with self._tx():
            self.holder(job_id, lease_token)
            now = self._clock()
            self._conn.execute(
                self._q["extend_lease"],
                {"job_id": job_id, "lease_token": lease_token, "expires": now + lease_seconds, "now": now},
            )
        return self.get(job_id)

    def append_events(self, job_id: str, lease_token: str, bodies: Sequence[Mapping[str, Any]]) -> JobRecord:
        with self._tx():
            job = self.holder(job_id, lease_token)
            self._append(job_id, job.state, bodies)
        return self.get(job_id)

    def request_cancel(self, job_id: str) -> JobRecord:
        with self._tx():
            job = self.get(job_id)
            if job.state in ("succeeded", "failed", "validation_failed"):
                raise Conflict(f"training job {job_id!r} already ended ({job.state})")
            if job.state in ("validating", "queued"):
                self._finish(job_id, "cancelled", None, job.result, False, 0, "cancelled before it ran")
            elif job.state == "running" and not job.cancel_requested:
                self._conn.execute(self._q["request_cancel"], {"job_id": job_id, "now": self._clock()})
                self._append(job_id, "running", [{"kind": "state", "message": "cancel requested"}])
        return self.get(job_id)

    def finish(
        self, job_id: str, lease_token: str, state: str, error: Mapping[str, Any] | None,
        result: Mapping[str, Any], adapter_ready: bool, closed_items: int, message: str,
        close: Callable[[], int] | None = None,
    ) -> JobRecord:
        """End a leased job. `close` (closing fixed queue items in the queue store) runs after the lease
        check, so a fenced-out worker never closes items, but outside this store's transaction: the queue
        store writes the same SQLite file and would wait on our write lock."""
        if close is not None:
            with self._tx():
                self.holder(job_id, lease_token)
                # Hold the lease through the close, so no successor starts on a job that is finishing.
                self._conn.execute(self._q["extend_lease"], {"job_id": job_id, "lease_token": lease_token,
                                                             "expires": self._clock() + 600, "now": self._clock()})
            closed_items = close()
        with self._tx():
            self.holder(job_id, lease_token)
            self._finish(job_id, state, error, result, adapter_ready, closed_items, message)
        return self.get(job_id)

    def _finish(
        self, job_id: str, state: str, error: Mapping[str, Any] | None, result: Mapping[str, Any],
        adapter_ready: bool, closed_items: int, message: str,
    ) -> None:
        self._conn.execute(
            self._q["finish"],
            {"job_id": job_id, "state": state, "error_json": json.dumps(dict(error)) if error else None,
             "result_json": json.dumps(dict(result), sort_keys=True, default=str), "adapter_ready": int(adapter_ready),
             "closed_items": closed_items, "now": self._clock()},
        )
        body: dict[str, Any] = {"kind": "state", "message": message}
        if error:
            body["details"] = {"error": dict(error)}
        self._append(job_id, state, [body])


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT under the store lock; notifies watchers after each commit."""

    def __init__(self, store: JobStore):
        self.store = store

    def __enter__(self) -> None:
        self.store._lock.acquire()
        self.store._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            self.store._conn.execute("ROLLBACK" if exc_type else "COMMIT")
            if not exc_type:
                self.store._changed.notify_all()
        finally:
            self.store._lock.release()
