"""Many threads on one store, as gRPC workers use it: no item is ever leased twice, no save is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from server.store import QueueItemDraft, Store


def test_threads_leasing_one_queue_never_share_an_item(store: Store, enqueue) -> None:
    expected = {enqueue(store, f"c{i}") for i in range(60)}
    start = threading.Barrier(4)

    def worker() -> list[str]:
        start.wait()
        got: list[str] = []
        while True:
            batch = store.lease("rag", 3, 300)
            if not batch:
                return got
            for item in batch:
                store.ack(item.item_id, item.lease_token)
            got += [item.item_id for item in batch]

    with ThreadPoolExecutor(4) as pool:
        results = [f.result() for f in [pool.submit(worker) for _ in range(4)]]
    leased = [i for r in results for i in r]
    assert len(leased) == len(set(leased)) == 60
    assert set(leased) == expected
    assert store.stats("rag")[0].done == 60


def test_threads_saving_the_same_case_create_it_once(store: Store, make_record, make_diagnosis) -> None:
    start = threading.Barrier(4)

    def save(n: int) -> list[tuple[bool, tuple[str, ...]]]:
        start.wait()
        created: list[tuple[bool, tuple[str, ...]]] = []
        for i in range(10):
            stored = store.save_diagnosis(make_record(f"c{i}"), make_diagnosis(f"c{i}"),
                                          [QueueItemDraft("rag", {"by": n})])
            created.append((stored.created, stored.item_ids))
        return created

    with ThreadPoolExecutor(4) as pool:
        results = [f.result() for f in [pool.submit(save, n) for n in range(4)]]
    for i in range(10):
        outcomes = [r[i] for r in results]
        assert sum(created for created, _ in outcomes) == 1
        assert len({ids for _, ids in outcomes}) == 1  # every replay saw the first save's item
    assert len(store.list_items("rag")) == 10


def test_two_store_instances_share_one_database_safely(make_store, enqueue) -> None:
    """Two opened stores on one database stand for two server processes (or replicas)."""
    first, second = make_store(), make_store()
    expected = {enqueue(first, f"c{i}") for i in range(40)}
    start = threading.Barrier(4)

    def worker(store: Store) -> list[str]:
        start.wait()
        got: list[str] = []
        while batch := store.lease("rag", 2, 300):
            got += [item.item_id for item in batch]
        return got

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(worker, s) for s in (first, second, first, second)]
        leased = [i for f in futures for i in f.result()]
    assert len(leased) == len(set(leased)) == 40 and set(leased) == expected
    assert second.stats("rag")[0].leased == 40
