"""One database connection per thread, for engines whose connections must not be shared between threads.

gRPC serves RPCs from a fixed pool of worker threads, so each keeps one connection for its life. Threads
that end (a CLI's helper threads, a test's workers) leave their connection behind; it is closed the next
time any thread opens one, so a long-running server does not accumulate them.
"""

from __future__ import annotations

import threading
from typing import Callable, Generic, Protocol, TypeVar


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class ThreadConnections(Generic[C]):
    """Hands each thread its own connection, made by `connect` on first use."""

    def __init__(self, connect: Callable[[], C], on_closed: Callable[[], Exception]):
        self._connect = connect
        self._on_closed = on_closed
        self._lock = threading.Lock()
        self._by_thread: dict[threading.Thread, C] = {}
        self._closed = False

    def get(self) -> C:
        """This thread's connection, opened (and stale ones of ended threads closed) when it has none.

        Raises:
            Exception: `on_closed()` once `close_all` has run.
        """
        me = threading.current_thread()
        with self._lock:
            if self._closed:
                raise self._on_closed()
            conn = self._by_thread.get(me)
            if conn is not None:
                return conn
            ended = [t for t in self._by_thread if not t.is_alive()]
            stale = [self._by_thread.pop(t) for t in ended]
        for old in stale:
            old.close()
        conn = self._connect()  # outside the lock: connecting may be slow (PostgreSQL over a network)
        with self._lock:
            if self._closed:
                conn.close()
                raise self._on_closed()
            self._by_thread[me] = conn
        return conn

    def forget(self) -> None:
        """Drop this thread's connection (it broke); the next `get` opens a new one."""
        with self._lock:
            conn = self._by_thread.pop(threading.current_thread(), None)
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is gone either way
                pass

    def open_count(self) -> int:
        with self._lock:
            return len(self._by_thread)

    def close_all(self) -> None:
        """Close every thread's connection; later `get` calls raise `on_closed()`."""
        with self._lock:
            self._closed = True
            conns, self._by_thread = list(self._by_thread.values()), {}
        for conn in conns:
            conn.close()
