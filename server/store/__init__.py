"""The store: diagnoses, feedback and the rag / finetune / review queues, behind one small Protocol.

`open_store` picks the engine from a path or URL: SQLite for a file path or `sqlite:///path`, PostgreSQL
for `postgresql://...` (psycopg is imported only then).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from server.store.base import (
    QUEUES,
    ClassifierVersion,
    DiagnosisFilter,
    Feedback,
    Page,
    QueueItem,
    QueueItemDraft,
    QueueStats,
    Store,
    StoredDiagnosis,
)
from server.store.sqlite import SQLiteStore

__all__ = [
    "ClassifierVersion",
    "DiagnosisFilter",
    "Feedback",
    "Page",
    "QUEUES",
    "QueueItem",
    "QueueItemDraft",
    "QueueStats",
    "SQLiteStore",
    "Store",
    "StoredDiagnosis",
    "open_store",
]


def open_store(url_or_path: str | Path, max_attempts: int = 5, clock: Callable[[], float] = time.time) -> Store:
    """Open (and create when absent) the store named by a path, `sqlite:///path` or `postgresql://...`.

    Raises:
        ValueError: the URL names an engine formfact does not have.
    """
    if isinstance(url_or_path, Path):
        return SQLiteStore(url_or_path, max_attempts, clock)
    text = str(url_or_path)
    scheme = urlparse(text).scheme if "://" in text else ""
    if scheme in ("postgresql", "postgres"):
        from server.store.postgres import PostgresStore  # psycopg only when PostgreSQL is used

        return PostgresStore(text, max_attempts, clock)
    if scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy spells them.
        path = unquote(text[len("sqlite:///"):]) if text.startswith("sqlite:///") else ""
        if not path:
            raise ValueError(f"a SQLite URL needs a path: sqlite:///file.db, got {text!r}")
        return SQLiteStore(path, max_attempts, clock)
    if scheme:
        raise ValueError(f"unknown store URL scheme {scheme!r}: use a path, sqlite:/// or postgresql://")
    return SQLiteStore(text, max_attempts, clock)
