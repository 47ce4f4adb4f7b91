"""Corpus scale benchmark: BM25 ingest throughput, Search latency (p50/p99), memory and ranking agreement.

Passages: the shared corpus (4,461 passages) plus synthetic passages whose words are drawn from the shared
corpus's word distribution with its passage lengths, up to 10k / 100k / 1M. Queries: 200 questions of the
shared failures (realtimeqa, halueval_qa). Engines (all Okapi BM25, k1=1.5, b=0.75, same tokens):

- rank_bm25 (reference), bm25s (Robertson variant, sparse matrix), inverted (formfact's incremental index);
- store: the server's real write path, `CorpusIndex.upsert` into SQLite + the inverted index (no embeddings),
  and `CorpusIndex.search(..., "bm25")` including the passage fetch from SQLite.

Each (size, engine) runs in its own process so peak RSS is its own. Agreement: share of queries whose top-10
list equals rank_bm25's (or, at 1M where rank_bm25 is not run, bm25s's), and the mean top-10 overlap.
An upsert row: time to make one changed passage searchable (inverted: one incremental add; rank_bm25 and
bm25s: one rebuild, which is what an upsert costs them).

Usage: python bench/corpus_search.py [--sizes 10000,100000,1000000] [--engines rank_bm25,bm25s,inverted,store]
Writes bench/results/corpus_search_<sizes>.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "bench/results"

from bench._memory import peak_rss_mb as peak_mb, rss_mb  # noqa: E402


def passages(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """The shared corpus plus synthetic passages drawn from its word distribution, n in all."""
    import re

    real = [json.loads(line) for line in open(DATA / "corpus.jsonl")]
    out = [(r["id"], r["text"]) for r in real][:n]
    words = [w for r in real for w in re.findall(r"\S+", r["text"])]
    vocab, counts = np.unique(np.array(words, dtype=object), return_counts=True)
    probs = counts / counts.sum()
    lengths = np.array([len(r["text"].split()) for r in real])
    rng = np.random.default_rng(seed)
    need = n - len(out)
    chunk = 50_000
    for start in range(0, need, chunk):
        m = min(chunk, need - start)
        lens = rng.choice(lengths, size=m)
        ids = rng.choice(len(vocab), size=int(lens.sum()), p=probs)
        pos = 0
        for j, ln in enumerate(lens):
            out.append((f"syn-{start + j}", " ".join(vocab[ids[pos:pos + ln]])))
            pos += ln
    return out


def queries() -> list[str]:
    qs = [json.loads(line) for line in open(DATA / "failures.jsonl")]
    qs = [q["input"] for q in qs if q["metadata"]["source"] in ("realtimeqa", "halueval_qa")]
    return qs[:200]


def child(size: int, engine: str) -> dict:
    from classifiers.retrieval import make_keyword_index, tokenize

    data = passages(size)
    qs = queries()
    qtoks = [tokenize(q) for q in qs]
    gc.collect()
    base = rss_mb()
    res: dict = {"size": size, "engine": engine}
    lat: list[float] = []
    tops: list[list[str]] = []
    if engine == "store":
        import tempfile

        from server.corpus.index import Corpora, IndexOptions
        from server.corpus.models import Document

        tmp = tempfile.mkdtemp(dir=RESULTS)
        corpora = Corpora(Path(tmp) / "bench.db", IndexOptions(bm25_engine="inverted", embeddings=False))
        corpus = corpora.get("bench")
        t = time.perf_counter()
        for i in range(0, len(data), 1000):
            corpus.upsert([Document(k, v) for k, v in data[i:i + 1000]])
        res["ingest_s"] = time.perf_counter() - t
        res["rss_mb"] = rss_mb() - base
        for q in qs:
            t = time.perf_counter()
            found = corpus.search(q, 10, "bm25")
            lat.append(time.perf_counter() - t)
            tops.append([h.passage.doc_id for h in found])
        t = time.perf_counter()
        for i in range(20):
            corpus.upsert([Document(f"syn-{i}", f"replacement passage number {i} about harbour cranes")])
        res["upsert_ms"] = (time.perf_counter() - t) / 20 * 1000
        db_bytes = sum(f.stat().st_size for f in Path(tmp).iterdir())
        res["db_mb"] = db_bytes / 2**20
        corpora.close()
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)
    else:
        index = make_keyword_index(engine)
        keys = [k for k, _ in data]
        t = time.perf_counter()
        toks = [tokenize(v) for _, v in data]
        res["tokenize_s"] = time.perf_counter() - t
        t = time.perf_counter()
        for i in range(0, len(toks), 10_000):
            index.add(keys[i:i + 10_000], toks[i:i + 10_000])
        index.search(["warm"], 1)  # the library engines build on first search
        res["index_s"] = time.perf_counter() - t
        res["ingest_s"] = res["tokenize_s"] + res["index_s"]
        del toks
        gc.collect()
        res["rss_mb"] = rss_mb() - base
        for qt in qtoks:
            t = time.perf_counter()
            hits = index.search(qt, 10)
            lat.append(time.perf_counter() - t)
            tops.append([k for k, _ in hits])
        t = time.perf_counter()
        reps = 20 if engine == "inverted" else 1
        for i in range(reps):
            index.add([f"syn-{i}"], [tokenize(f"replacement passage number {i} about harbour cranes")])
            index.search(["harbour"], 1)
        res["upsert_ms"] = (time.perf_counter() - t) / reps * 1000
    lat_ms = np.array(lat) * 1000
    res.update(p50_ms=float(np.percentile(lat_ms, 50)), p99_ms=float(np.percentile(lat_ms, 99)),
               passages_per_s=size / res["ingest_s"], peak_rss_mb=peak_mb())
    (RESULTS / f"_tops_{size}_{engine}.json").write_text(json.dumps(tops))
    return res


def agreement(size: int, engine: str, ref: str) -> tuple[float, float] | None:
    a, b = RESULTS / f"_tops_{size}_{engine}.json", RESULTS / f"_tops_{size}_{ref}.json"
    if not a.exists() or not b.exists():
        return None
    x, y = json.loads(a.read_text()), json.loads(b.read_text())
    same = float(np.mean([p == q for p, q in zip(x, y)]))
    overlap = float(np.mean([len(set(p) & set(q)) / max(len(q), 1) for p, q in zip(x, y)]))
    return same, overlap


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--engines", default="rank_bm25,bm25s,inverted,store")
    ap.add_argument("--rank-bm25-max", type=int, default=100_000,
                    help="largest size rank_bm25 runs at (1M: its pure-Python scoring takes seconds per query)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per (size, engine) run")
    ap.add_argument("--child", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return 0

    rows = []
    for size in map(int, args.sizes.split(",")):
        for engine in args.engines.split(","):
            if engine == "rank_bm25" and size > args.rank_bm25_max:
                rows.append({"size": size, "engine": engine, "skipped": f"not run above {args.rank_bm25_max} passages"})
                continue
            try:
                out = subprocess.run([sys.executable, __file__, "--child", str(size), engine], capture_output=True,
                                     text=True, timeout=args.timeout, env=dict(os.environ, HF_HUB_OFFLINE="1"))
                row = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else \
                    {"size": size, "engine": engine, "skipped": f"failed: {out.stderr.strip()[-300:]}"}
            except subprocess.TimeoutExpired:
                row = {"size": size, "engine": engine, "skipped": f"over {args.timeout}s"}
            rows.append(row)
            print(json.dumps(row), flush=True)
        ref = "rank_bm25" if size <= args.rank_bm25_max else "bm25s"
        for row in rows:
            # store rows are chunked documents (1,200-character passages), not the same passage set.
            if row["size"] == size and "skipped" not in row and row["engine"] not in (ref, "store"):
                pair = agreement(size, row["engine"], ref)
                if pair:
                    row["agree_ref"], row["same_top10"], row["top10_overlap"] = ref, pair[0], pair[1]

    print(f"\n{'passages':>9} {'engine':10} {'ingest p/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'upsert ms':>10} "
          f"{'index MB':>9} {'peak MB':>8}  agreement with reference")
    for r in rows:
        if "skipped" in r:
            print(f"{r['size']:>9} {r['engine']:10} skipped: {r['skipped']}")
            continue
        agree = f"{r['same_top10']:.0%} identical top-10, {r['top10_overlap']:.1%} overlap vs {r['agree_ref']}" \
            if "agree_ref" in r else ("(reference)" if r["engine"] != "store" else "n/a (chunked documents)")
        print(f"{r['size']:>9} {r['engine']:10} {r['passages_per_s']:>11,.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
              f"{r['upsert_ms']:>10.2f} {r['rss_mb']:>9.0f} {r['peak_rss_mb']:>8.0f}  {agree}")
    for f in RESULTS.glob("_tops_*.json"):
        f.unlink()
    path = RESULTS / f"corpus_search_{args.sizes.replace(',', '_')}.json"
    path.write_text(json.dumps(rows, indent=1))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
