"""What the store keeps: everything after close and reopen, and every returned save after a SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from server.store import DiagnosisFilter, Store, open_store

REPO = Path(__file__).resolve().parents[2]


def test_close_and_reopen_keeps_everything(make_store, clock, enqueue) -> None:
    store: Store = make_store(max_attempts=2)
    a, b, c = (enqueue(store, f"c{i}") for i in range(3))
    enqueue(store, "d", "finetune", deferred=True)
    held = store.lease("rag", 3, 600)
    store.ack(held[0].item_id, held[0].lease_token)
    store.nack(held[1].item_id, held[1].lease_token, 30, "first try failed")
    feedback = store.add_feedback("c0", "behavior", ["style"], "tone", "ann")
    before = (store.get_diagnosis("c1"), store.stats(), store.list_items("rag", ("ready", "leased", "done")))
    store.close()

    reopened: Store = make_store(max_attempts=2)
    assert (reopened.get_diagnosis("c1"), reopened.stats(), reopened.list_items("rag", ("ready", "leased", "done"))) \
        == before
    assert [f.feedback_id for f in reopened.list_feedback()] == [feedback.feedback_id]
    # The lease held across the reopen still fences: its token works, a guess does not.
    reopened.ack(held[2].item_id, held[2].lease_token)
    assert {i.item_id: i.state for i in reopened.list_items("rag", ("ready", "done"))} == {
        a: "done", b: "ready", c: "done"}
    assert len(reopened.list_diagnoses(DiagnosisFilter(), 50, "").items) == 4


CRASH_WRITER = """
import sys
from classifiers.records import Diagnosis, FailureRecord
from server.store import QueueItemDraft, open_store

store = open_store(sys.argv[1])
for i in range(100_000):
    record = FailureRecord(id=f"c{i}", input="question " * 50, output=f"answer {i} " * 200, model="m")
    diagnosis = Diagnosis(id=record.id, label="both", subtypes=("format_violation",), confidence=0.5,
                          route="rag", evidence=(), action="", classifier_version="crash")
    store.save_diagnosis(record, diagnosis, [QueueItemDraft("rag", {"i": i}),
                                             QueueItemDraft("finetune", {"i": i}, deferred=True)])
    print(i, flush=True)  # only after save_diagnosis returned: this save must survive
"""


def test_saves_that_returned_survive_sigkill(store_url: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", CRASH_WRITER, store_url], cwd=REPO, stdout=subprocess.PIPE,
                             text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert child.stdout is not None
    returned = []
    for line in child.stdout:
        returned.append(int(line))
        if len(returned) == 60:
            # The writer is saving back to back, so the kill lands inside or between transactions.
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL and returned == list(range(60))

    store = open_store(store_url)
    try:
        if "://" not in store_url:
            conn = store._connection()  # type: ignore[attr-defined]
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for i in returned:
            stored = store.get_diagnosis(f"c{i}")
            assert stored.record.output == f"answer {i} " * 200 and len(stored.item_ids) == 2
        rag = store.list_items("rag")
        finetune = store.list_items("finetune")
        cases = [item.case_id for item in rag]
        # Exactly once each; a save killed before commit left nothing behind, not half of itself.
        assert len(cases) == len(set(cases)) >= 60
        assert sorted(i.case_id for i in finetune) == sorted(cases)
        listed, token = 0, ""
        while True:
            page = store.list_diagnoses(DiagnosisFilter(), 500, token)
            listed += len(page.items)
            token = page.next_token
            if not token:
                break
        assert listed == len(cases)
        assert store.lease("rag", 1, 30)[0].case_id == "c0"  # and the database still takes writes
    finally:
        store.close()


def test_a_dropped_postgres_connection_is_replaced(postgres_url: str, enqueue) -> None:
    import psycopg

    from server.errors import Unavailable

    store = open_store(postgres_url)
    try:
        enqueue(store, "c1")
        pid = store._connections.get().info.backend_pid  # type: ignore[attr-defined]
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(Unavailable):
            store.stats()
        assert store.stats("rag")[0].depth == 1  # this thread reconnected
    finally:
        store.close()
