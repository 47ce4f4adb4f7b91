"""The store on PostgreSQL, for several server replicas sharing one database.

Same Protocol, same queries and same semantics as `SQLiteStore` (the logic lives in `SQLStore`); what is
PostgreSQL's own: `SELECT ... FOR UPDATE SKIP LOCKED` picks lease candidates, so concurrent leasers on any
replica take disjoint items without blocking each other, and an advisory lock per case id serialises saves
of one case. Each thread holds its own psycopg connection. psycopg is imported only by this module, which
`open_store` imports only for a `postgresql://` URL.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping

import psycopg
from psycopg.rows import dict_row

from server.errors import Unavailable
from server.store.connections import ThreadConnections
from server.store.queries import for_pyformat
from server.store.sqlstore import SQLStore, Tx

CONNECT_TIMEOUT_SECONDS = 10


class PostgresStore(SQLStore):
    """The `Store` on a PostgreSQL database named by a libpq URL (schema created when absent)."""

    engine = "postgres"

    def __init__(self, url: str, max_attempts: int = 5, clock: Callable[[], float] = time.time):
        super().__init__(max_attempts, clock)
        self.url = url
        self._connections = ThreadConnections(self._connect, lambda: Unavailable("the store is closed"))
        self._migrate()

    def __repr__(self) -> str:
        return "PostgresStore(<url>)"  # the URL may hold a password

    def _prepare_queries(self, queries: dict[str, str]) -> dict[str, str]:
        return {name: for_pyformat(sql) for name, sql in queries.items()}

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            # autocommit: transactions are explicit (`conn.transaction()`), never left open between calls.
            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row,
                                   connect_timeout=CONNECT_TIMEOUT_SECONDS)
            # An accepted case must be durable before the RPC answers, whatever the server's default.
            conn.execute("SET synchronous_commit = on")
        except psycopg.Error as exc:
            raise Unavailable(f"cannot connect to PostgreSQL: {exc}") from exc
        return conn

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Tx]:
        conn = self._connections.get()

        def execute(sql: str, params: Mapping[str, Any]) -> list[Any]:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description is not None else []

        try:
            with conn.transaction():
                if not write:
                    # One snapshot for all the reads of a call, as SQLite's read transaction gives.
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield Tx(self._queries, execute)
        except (psycopg.OperationalError, psycopg.errors.DeadlockDetected,
                psycopg.errors.SerializationFailure) as exc:
            # A lost connection is dropped so this thread reconnects on its next call.
            if conn.broken:
                self._connections.forget()
            raise Unavailable(f"PostgreSQL: {exc}") from exc

    def close(self) -> None:
        """Close every thread's connection; later calls raise Unavailable."""
        self._connections.close_all()
