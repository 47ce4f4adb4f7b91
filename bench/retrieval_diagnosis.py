"""How often the retrieval-diagnosis refiner picks the right RAG subtype on the shared data.

Scored set (the information cases with a gold passage whose expected subtype the issue names):
- realtimeqa `retrieval_miss` records (open-book; the retrieved documents that missed are in `context`):
  full corpus -> retrieval_miss; gold passage removed -> corpus_gap;
- realtimeqa `context_ignored` records (labelled behavior; the gold string is in the context shown):
  context_ignored in both variants;
- halueval_qa records (no context): full corpus -> retrieval_miss (the gold passage is in the corpus but was
  not shown); gold passage removed -> corpus_gap.
An extra row scores the realtimeqa closed-book records (outdated_knowledge / missing_knowledge labels, no
context) by the halueval rule; they are reported apart because the issue names no expected subtype for them.

Each case is fed to the refiner as an `information` diagnosis (the refiner's job is to split information
failures; the engine's label is measured elsewhere). Gold ids are used only to delete the gold documents for
the gap variant and to score. The corpus (with its embeddings) is cached in bench/results/ between runs.

Usage: python bench/retrieval_diagnosis.py [--data ../shared/data] [--db bench/results/corpus_cache.db]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._cache import SHARED_DATA  # noqa: E402
from classifiers.records import Diagnosis, parse_record  # noqa: E402
from server.corpus.diagnosis import Analyzer, RetrievalRefiner  # noqa: E402
from server.corpus.index import Corpora  # noqa: E402
from server.corpus.models import Document  # noqa: E402


def expected(rec_source: str, subtype: str, gap: bool) -> str | None:
    if rec_source == "realtimeqa" and subtype == "context_ignored":
        return "context_ignored"
    if (rec_source == "realtimeqa" and subtype == "retrieval_miss") or rec_source == "halueval_qa":
        return "corpus_gap" if gap else "retrieval_miss"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=SHARED_DATA)
    ap.add_argument("--db", type=Path, default=ROOT / "bench/results/corpus_cache.db")
    ap.add_argument("--out", type=Path, default=ROOT / "bench/results/retrieval_diagnosis.json")
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)

    docs = {d["id"]: Document(d["id"], d["text"], d["source"]) for d in map(json.loads, open(args.data / "corpus.jsonl"))}
    corpora = Corpora(args.db)
    index = corpora.get("shared")
    if index.stats().documents != len(docs):
        index.upsert(list(docs.values()))
    t0 = time.perf_counter()
    index.ensure_embeddings()
    print(f"corpus: {index.stats()} (embedding catch-up {time.perf_counter() - t0:.1f}s)")
    refine = RetrievalRefiner(Analyzer(corpora, "shared"))

    rows: list[dict[str, Any]] = []
    for line in open(args.data / "failures.jsonl"):
        raw = json.loads(line)
        src, sub = raw["metadata"]["source"], raw["subtypes"][0]
        if src not in ("realtimeqa", "halueval_qa"):
            continue
        record = parse_record(raw).record
        gold = [g for g in json.loads(record.metadata["gold_passage_ids"]) if g in docs]
        base = Diagnosis(record.id, "information", (), 0.5, "rag", (), "", "bench")
        for gap in (False, True):
            if gap:
                index.delete(gold)
            t = time.perf_counter()
            got = refine(record, base)
            ms = (time.perf_counter() - t) * 1000
            if gap:
                index.upsert([docs[g] for g in gold])
            exp = expected(src, sub, gap)
            group = f"{src}/{sub}" if exp else f"{src}/{sub} (closed-book, extra)"
            exp = exp or ("corpus_gap" if gap else "retrieval_miss")
            rows.append({"id": record.id, "group": group, "variant": "gold removed" if gap else "full corpus",
                         "expected": exp, "got": got.subtypes[0] if got.subtypes else "", "label": got.label,
                         "route": got.route, "ms": round(ms, 1),
                         "evidence": [e.detail for e in got.evidence if e.signal == "corpus_retrieval"]})

    table: Counter[tuple[str, str, str]] = Counter()
    for r in rows:
        table[(r["group"], r["variant"], "n")] += 1
        table[(r["group"], r["variant"], "ok")] += r["got"] == r["expected"]
    print(f"\n{'group':48} {'variant':13} {'n':>4} {'right':>5} {'acc':>6}")
    summary = []
    for group, variant in sorted({(g, v) for g, v, _ in table}):
        n, ok = table[(group, variant, "n")], table[(group, variant, "ok")]
        summary.append({"group": group, "variant": variant, "n": n, "right": ok, "accuracy": ok / n})
        print(f"{group:48} {variant:13} {n:>4} {ok:>5} {ok / n:>6.1%}")
    scored = [r for r in rows if "extra" not in r["group"]]
    totals = {}
    for which in ("full corpus", "gold removed", ""):
        sel = [r for r in scored if not which or r["variant"] == which]
        ok = sum(r["got"] == r["expected"] for r in sel)
        totals[which or "both variants"] = {"n": len(sel), "right": ok, "accuracy": ok / len(sel)}
        print(f"{'SCORED SET':48} {which or 'both':13} {len(sel):>4} {ok:>5} {ok / len(sel):>6.1%}")
    confusion = Counter((r["expected"], r["got"]) for r in scored)
    print("\nconfusion (expected -> got):", dict(confusion))
    lat = sorted(float(r["ms"]) for r in rows)
    print(f"refiner latency per case: p50 {lat[len(lat) // 2]:.0f} ms, p99 {lat[int(len(lat) * 0.99)]:.0f} ms")
    args.out.write_text(json.dumps({"summary": summary, "totals": totals,
                                    "confusion": {f"{a}->{b}": n for (a, b), n in confusion.items()},
                                    "rows": rows}, indent=1))
    print(f"wrote {args.out}")
    corpora.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
