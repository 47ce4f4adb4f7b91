"""The default store engine: one SQLite file in WAL mode, safe to share between gRPC worker threads.

Each thread gets its own connection (sqlite3 connections must not be used from two threads at once); write
transactions start with `BEGIN IMMEDIATE`, so they take SQLite's single write lock up front and two
workers can never lease the same item. `synchronous=FULL` makes each commit durable before the RPC
answers: an accepted case survives a crash or power loss.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from server.errors import Unavailable
from server.store.connections import ThreadConnections
from server.store.sqlstore import SQLStore, Tx

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a transaction waits for another connection's write lock before the store reports Unavailable."""


class SQLiteStore(SQLStore):
    """The `Store` on one SQLite file (created with its schema when absent)."""

    engine = "sqlite"

    def __init__(self, path: Path | str, max_attempts: int = 5, clock: Callable[[], float] = time.time):
        super().__init__(max_attempts, clock)
        self.path = Path(path)
        if str(path) == ":memory:":
            # Every thread's connection would open its own empty database.
            raise ValueError("SQLiteStore needs a file path, not ':memory:'")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = ThreadConnections(self._connect, lambda: Unavailable("the store is closed"))
        self._migrate()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: the module opens no implicit transactions; ours are explicit.
            # check_same_thread=False only so close() may close it from another thread; one thread uses it.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                conn.close()
                raise Unavailable(f"SQLite refused WAL mode for {self.path} (got {mode})")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise Unavailable(f"cannot open SQLite database {self.path}: {exc}") from exc
        return conn

    def _connection(self) -> sqlite3.Connection:
        return self._connections.get()

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Tx]:
        conn = self._connection()

        def execute(sql: str, params: Mapping[str, Any]) -> list[Any]:
            return conn.execute(sql, params).fetchall()

        try:
            # A read transaction still needs BEGIN: it gives a consistent snapshot across its queries.
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield Tx(self._queries, execute)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            # Busy past the timeout, disk full, I/O error: the database is unavailable, not the request bad.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise Unavailable(f"SQLite database {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close every thread's connection; later calls raise Unavailable."""
        self._connections.close_all()
