"""ThreadConnections: one connection per thread, ended threads' connections closed, nothing after close."""

from __future__ import annotations

import threading

import pytest

from server.errors import Unavailable
from server.store.connections import ThreadConnections


class Conn:
    """A stand-in connection that records whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def _in_thread(pool: ThreadConnections[Conn]) -> Conn:
    got: list[Conn] = []
    t = threading.Thread(target=lambda: got.append(pool.get()))
    t.start()
    t.join()
    return got[0]


def test_each_thread_keeps_its_own_connection() -> None:
    pool = ThreadConnections(Conn, lambda: Unavailable("closed"))
    mine = pool.get()
    assert pool.get() is mine
    theirs = _in_thread(pool)
    assert theirs is not mine and not mine.closed


def test_ended_threads_connections_are_closed_on_the_next_open() -> None:
    pool = ThreadConnections(Conn, lambda: Unavailable("closed"))
    ended = [_in_thread(pool) for _ in range(3)]
    # Each new thread's first get closed the connections of the threads that had ended before it.
    assert [c.closed for c in ended] == [True, True, False] and pool.open_count() == 1
    pool.get()
    assert all(c.closed for c in ended) and pool.open_count() == 1


def test_forget_and_close_all() -> None:
    pool = ThreadConnections(Conn, lambda: Unavailable("closed"))
    first = pool.get()
    pool.forget()
    assert first.closed and pool.get() is not first
    second = pool.get()
    pool.close_all()
    assert second.closed
    with pytest.raises(Unavailable):
        pool.get()
