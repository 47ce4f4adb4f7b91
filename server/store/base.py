"""The storage seam: what the service needs from a database, as plain dataclasses and one Protocol.

The service code sees only `Store`; `SQLiteStore` is the default engine and a PostgreSQL engine implements
the same Protocol. Queue semantics every engine must honour:

- at-least-once delivery: a leased item whose lease expires is leased again;
- a lease token fences the old holder out: ack/nack/extend with a stale token raise `LeaseLost`;
- after `max_attempts` leases that ended in nack or expiry, an item moves to the dead letters;
- enqueue is idempotent on (case id, revision): the same case twice adds nothing; a changed case
  (new revision) supersedes the older revision's items that are not yet done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Sequence

from classifiers.records import Diagnosis, FailureRecord

QUEUES = ("rag", "finetune", "review")


@dataclass(frozen=True)
class QueueItemDraft:
    """An item the router wants enqueued."""

    queue: str
    payload: dict[str, Any]
    deferred: bool = False


@dataclass(frozen=True)
class QueueItem:
    item_id: str
    queue: str
    case_id: str
    revision: str
    payload: dict[str, Any]
    attempts: int
    state: str
    """ready | leased | done | dead | superseded"""
    deferred: bool
    created_at: datetime
    lease_token: str = ""
    lease_expires_at: datetime | None = None
    last_error: str = ""


@dataclass(frozen=True)
class StoredDiagnosis:
    diagnosis: Diagnosis
    record: FailureRecord
    revision: str
    created_at: datetime
    item_ids: tuple[str, ...] = ()
    created: bool = True
    """False when the same case and revision was already stored (idempotent replay)."""


@dataclass(frozen=True)
class DiagnosisFilter:
    label: str | None = None
    subtype: str | None = None
    route: str | None = None
    model: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class QueueStats:
    queue: str
    depth: int
    leased: int
    oldest_age_seconds: float
    dead_letters: int
    deferred: int
    done: int


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    case_id: str
    label: str
    subtypes: tuple[str, ...]
    comment: str
    author: str
    created_at: datetime
    record: FailureRecord | None = None


@dataclass(frozen=True)
class ClassifierVersion:
    """A classifier model trained by this server (the shipped default is the version "default")."""

    version: str
    path: str
    """Directory holding the model files."""
    metrics: dict[str, Any]
    """Held-out figures it was judged on."""
    feedback_count: int
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    next_token: str = ""


class Store(Protocol):
    """Diagnoses, feedback and the three queues, in one database."""

    def save_diagnosis(
        self, record: FailureRecord, diagnosis: Diagnosis, items: Sequence[QueueItemDraft]
    ) -> StoredDiagnosis:
        """Store a diagnosis and enqueue its items in one transaction, durable on return.

        Idempotent on (record.id, record.fingerprint()): a replay returns the stored one with created=False.
        """
        ...

    def save_diagnoses(
        self, entries: Sequence[tuple[FailureRecord, Diagnosis, Sequence[QueueItemDraft]]]
    ) -> list[StoredDiagnosis]:
        """`save_diagnosis` for a batch, in order, in one transaction (all or nothing), durable on return."""
        ...

    def get_diagnosis(self, case_id: str) -> StoredDiagnosis:
        """The latest revision's diagnosis; raises NotFound."""
        ...

    def list_diagnoses(self, flt: DiagnosisFilter, page_size: int, page_token: str) -> Page:
        """Newest first; Page.items are StoredDiagnosis."""
        ...

    def add_feedback(self, case_id: str, label: str, subtypes: Sequence[str], comment: str, author: str) -> Feedback:
        """Raises NotFound when the case was never diagnosed."""
        ...

    def list_feedback(self) -> list[Feedback]:
        """All feedback, oldest first, each with the record it corrects."""
        ...

    def lease(self, queue: str, max_items: int, lease_seconds: float, include_deferred: bool = False) -> list[QueueItem]:
        ...

    def extend_lease(self, item_id: str, lease_token: str, lease_seconds: float) -> QueueItem:
        ...

    def ack(self, item_id: str, lease_token: str) -> None:
        ...

    def nack(self, item_id: str, lease_token: str, retry_delay_seconds: float, error: str) -> bool:
        """Returns True when the item went to the dead letters."""
        ...

    def stats(self, queue: str | None = None) -> list[QueueStats]:
        ...

    def list_dead_letters(self, queue: str, page_size: int, page_token: str) -> Page:
        ...

    def redrive(self, queue: str, item_ids: Sequence[str] = ()) -> int:
        ...

    def list_items(self, queue: str, states: Sequence[str] = ("ready",)) -> list[QueueItem]:
        """Items of a queue in the given states, oldest first (for the trainer and the gap builder)."""
        ...

    def close_items(self, item_ids: Sequence[str], note: str) -> int:
        """Mark items done without a lease (a verified fix closed them); returns how many changed."""
        ...

    def save_classifier_version(self, version: str, path: str, metrics: dict[str, Any],
                                feedback_count: int) -> ClassifierVersion:
        """Record a trained classifier (inactive)."""
        ...

    def list_classifier_versions(self) -> list[ClassifierVersion]:
        """Oldest first; at most one is active (none: the shipped default is)."""
        ...

    def activate_classifier_version(self, version: str | None) -> None:
        """Make `version` the active one (None: back to the shipped default); raises NotFound."""
        ...

    def close(self) -> None:
        ...
