"""Diagnosis throughput and latency: in-process batches, the gRPC stream, and unary Diagnose from one client.

    python bench/diagnose_speed.py                 # 300 cases of the shared data
    python bench/diagnose_speed.py --limit 0       # all 1,063
    python bench/diagnose_speed.py --no-grpc       # in-process only

In-process numbers are measured twice: cold (a fresh embedding cache, what new traffic costs) and warm (the
same texts again: the cache's effect). The gRPC runs use a real server from `server.app.create_server` on a
temporary SQLite store, so they include validation, conversion, storage and queueing. Memory: what loading
the engine adds to the process (resident MiB) and the process's peak. Prints a table and writes
bench/results/diagnose_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import RESULTS, read  # noqa: E402
from bench._memory import peak_rss_mb, rss_mb  # noqa: E402
from classifiers import load_engine  # noqa: E402
from classifiers.engine import Engine  # noqa: E402


def _in_process(engine: Engine, records: list[Any], batch: int) -> dict[str, float]:
    out: dict[str, float] = {}
    engine.embedder.clear_cache()
    for name in ("cold", "warm"):
        t0 = time.perf_counter()
        for i in range(0, len(records), batch):
            engine.diagnose(records[i : i + batch])
        dt = time.perf_counter() - t0
        out[f"in_process_{name}_cases_per_s"] = len(records) / dt
        out[f"in_process_{name}_seconds"] = dt
    return out


def _grpc(engine: Engine, records: list[Any], unary_n: int) -> dict[str, float]:
    """Stream and unary through a real server that uses `engine` (its embedder cache is cleared first)."""
    from server.app import Deps, create_server
    from server.client import FormfactClient
    from server.config import Settings
    from server.store import open_store

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env({}, port=0, host="127.0.0.1", db_path=Path(tmp) / "bench.db")
        store = open_store(settings.db_path)
        engine.embedder.clear_cache()
        server, port = create_server(settings, Deps(store=store, engine=engine))
        try:
            with FormfactClient(f"127.0.0.1:{port}") as client:
                dicts = [r.to_dict() for r in records]
                t0 = time.perf_counter()
                n = sum(1 for _ in client.diagnose_stream(iter(dicts)))
                dt = time.perf_counter() - t0
                out["grpc_stream_cases_per_s"] = n / dt
                # Unary latency on fresh texts (a new id and a changed output so no cache hit is measured).
                lat = []
                for i, d in enumerate(dicts[:unary_n]):
                    d = dict(d, id=f"unary-{i}", output=d["output"] + " (unary)")
                    t = time.perf_counter()
                    client.diagnose(d)
                    lat.append((time.perf_counter() - t) * 1000)
                lat.sort()
                out["unary_n"] = len(lat)
                out["unary_p50_ms"] = statistics.median(lat)
                out["unary_p99_ms"] = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
                out["unary_mean_ms"] = statistics.fmean(lat)
        finally:
            server.stop(None)
            store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=300, help="cases of the shared data (0: all)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--unary", type=int, default=100, help="unary calls for the latency percentiles")
    ap.add_argument("--no-grpc", action="store_true")
    ap.add_argument("--classifier", type=Path, default=None, help="a model directory (default: the shipped one)")
    args = ap.parse_args()
    import torch

    recs = read()
    # Interleave sources so a limited run is a fair sample, not the first source only.
    recs = sorted(recs, key=lambda r: r.record.fingerprint())
    records = [r.record for r in (recs[: args.limit] if args.limit else recs)]
    result: dict[str, Any] = {"cases": len(records), "batch": args.batch, "torch_threads": torch.get_num_threads(),
                              "cpus": os.cpu_count(), "machine": platform.machine(),
                              "load_avg_1m": os.getloadavg()[0]}
    t0 = time.perf_counter()
    rss_before = rss_mb()
    engine = load_engine(args.classifier)
    engine.diagnose(records[:1])
    result["load_seconds"] = time.perf_counter() - t0
    result["engine_load_rss_mb"] = rss_mb() - rss_before  # the model, its embedding table, the signal tables
    result["engine"] = engine.version
    result.update(_in_process(engine, records, args.batch))
    if not args.no_grpc:
        result.update(_grpc(engine, records, args.unary))
    result["peak_rss_mb"] = peak_rss_mb()  # the whole benchmark process, torch (for its thread count) included
    print(f"{'measure':<34}{'value':>12}")
    for k, v in result.items():
        print(f"{k:<34}{v:>12.2f}" if isinstance(v, float) else f"{k:<34}{v!s:>12}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "diagnose_speed" + (f"_{args.classifier.name}" if args.classifier else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS / name}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
