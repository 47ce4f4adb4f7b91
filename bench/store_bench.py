"""Store throughput: durable saves, lease+ack round trips (one thread and four), and one listing page.

    python bench/store_bench.py                        # SQLite in a temp dir
    python bench/store_bench.py --url "$(scripts/start_postgres.sh)"   # also PostgreSQL

Prints one table row per engine and operation and writes bench/results/store_bench.json. Every save commits
durably (SQLite synchronous=FULL), so the SQLite save rate is bounded by the disk's fsync rate; the throwaway
PostgreSQL of scripts/start_postgres.sh runs with fsync off, so its save rate is not a durable one.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers.records import Diagnosis, Evidence, FailureRecord  # noqa: E402
from server.store import DiagnosisFilter, QueueItemDraft, Store, open_store  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "store_bench.json"


def _record(i: int) -> tuple[FailureRecord, Diagnosis]:
    record = FailureRecord(id=f"case-{i}", input=f"question {i} " * 20, output=f"answer {i} " * 40,
                           reference="the reference " * 10, model="m1")
    diagnosis = Diagnosis(id=record.id, label="information", subtypes=("missing_knowledge",), confidence=0.8,
                          route="rag", evidence=(Evidence("reference_agreement", "disagrees", 0.9),),
                          action="add a passage", classifier_version="bench")
    return record, diagnosis


def _timed(n: int, fn: Callable[[], Any]) -> dict[str, float]:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return {"n": n, "seconds": round(seconds, 4), "per_second": round(n / seconds, 1),
            "ms_each": round(1000 * seconds / n, 3)}


def bench(store: Store, n: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}

    def saves() -> None:
        for i in range(n):
            record, diagnosis = _record(i)
            store.save_diagnosis(record, diagnosis, [QueueItemDraft("rag", {"i": i})])

    out["save_diagnosis"] = _timed(n, saves)

    def replays() -> None:
        for i in range(n):
            record, diagnosis = _record(i)
            store.save_diagnosis(record, diagnosis, [QueueItemDraft("rag", {"i": i})])

    out["save_replay"] = _timed(n, replays)

    def lease_ack_one() -> None:
        for _ in range(n // 2):
            for item in store.lease("rag", 1, 60):
                store.ack(item.item_id, item.lease_token)

    out["lease1+ack"] = _timed(n // 2, lease_ack_one)

    def lease_ack_threads() -> None:
        def worker() -> None:
            while batch := store.lease("rag", 8, 60):
                for item in batch:
                    store.ack(item.item_id, item.lease_token)

        with ThreadPoolExecutor(4) as pool:
            for f in [pool.submit(worker) for _ in range(4)]:
                f.result()

    out["lease8+ack x4 threads"] = _timed(n - n // 2, lease_ack_threads)
    assert store.stats("rag")[0].done == n, "every item should have been acked exactly once"

    pages = 20
    out["list_diagnoses page 50"] = _timed(pages, lambda: [store.list_diagnoses(DiagnosisFilter(), 50, "")
                                                          for _ in range(pages)])
    out["stats"] = _timed(pages, lambda: [store.stats() for _ in range(pages)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400, help="diagnoses saved (and items leased) per engine")
    parser.add_argument("--url", default="", help="a postgresql:// URL to bench as well (a fresh schema is used)")
    args = parser.parse_args()

    targets: list[tuple[str, str]] = []
    tmp = tempfile.TemporaryDirectory()
    targets.append(("sqlite", str(Path(tmp.name) / "bench.db")))
    schema = ""
    if args.url:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.url else "?"
        targets.append(("postgres", f"{args.url}{sep}options=-csearch_path%3D{schema}"))

    results: dict[str, Any] = {"n": args.n, "python": platform.python_version(), "machine": platform.machine(),
                               "engines": {}}
    try:
        for engine, url in targets:
            store = open_store(url)
            try:
                results["engines"][engine] = bench(store, args.n)
            finally:
                store.close()
    finally:
        tmp.cleanup()
        if schema:
            with psycopg.connect(args.url, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")

    print(f"{'engine':<10} {'operation':<24} {'n':>6} {'per second':>11} {'ms each':>9}")
    for engine, ops in results["engines"].items():
        for op, r in ops.items():
            print(f"{engine:<10} {op:<24} {r['n']:>6} {r['per_second']:>11.1f} {r['ms_each']:>9.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
