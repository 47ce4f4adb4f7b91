"""Benchmark helper: compute engine signals for a labelled file, with an on-disk embedding cache.

The cache (bench/results/, git-ignored) only spares re-embedding the same texts between benchmark runs; it
stores texts as JSON and vectors as a plain .npz, never pickles.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.embedding import Embedder
from classifiers.records import BadLine, LabelledRecord, read_jsonl
from classifiers.signals import Signals, extract

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The shared material's data folder, beside the project root (../shared/data)."""
DATA = SHARED_DATA / "failures.jsonl"
HAND_DATA = Path(__file__).resolve().parent / "data"
READ_SETS = ["ood_cases", "ood_holdout"] + [f"ood_test{i}" for i in (2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 16, 17, 18, 19,
                                                                  *range(21, 69), 83, 84, 87, 88, 93, 94, 95, 96,
                                                                  105, 106, 109, 110, 113, 114, 117, 118, 121, 122,
                                                                  125, 126, 129, 130, 133, 134, 137, 138, 141, 142,
                                                                  145, 146, 149, 150, 153, 154,
                                                                  157, 158, 161, 162, 165, 166, 169, 170, 173,
                                                                  174, 177, 178, 181, 182, 185, 186, 189, 190,
                                                                  193, 194, 197, 198, 201, 202, 209, 210, 213, 214,
                                                                  217, 218, 221, 222, 223, 224)] + [
    f"ood_free{i}" for i in (*range(7, 19), 23, 24, 25, 26)]
"""The hand-written sets whose errors the rule work has read (see bench/data/README.md): they may train."""
NEVER_READ_SETS = [f"ood_test{i}" for i in (10, 11, 13, 20, *range(69, 83), 85, 86, 89, 90, 91, 92,
                                             *range(97, 105), 107, 108, 111, 112, 115, 116, 119, 120, 123, 124,
                                             127, 128, 131, 132, 135, 136, 139, 140, 143, 144, 147, 148, 151,
                                             152, 155, 156, 159, 160, 163, 164, 167,
                                             168, 171, 172, 175, 176, 179, 180, 183, 184, 187, 188, 191, 192,
                                             195, 196, 199, 200, 203, 204, 205, 206, 207, 208, 211, 212,
                                             215, 216, 219, 220, 225, 226,
                                             227, 228, *range(229, 341))] + [
    f"ood_free{i}" for i in (*range(1, 7), *range(19, 23), *range(27, 83))]
"""The hand-written sets only ever scored in aggregate: they may only measure."""
RESULTS = Path(__file__).resolve().parent / "results"


def read(path: Path = DATA, drop_fields: bool = False) -> list[LabelledRecord]:
    recs = []
    with path.open(encoding="utf-8") as fh:
        for line_no, item in read_jsonl(fh):
            if isinstance(item, BadLine):
                # A benchmark that skipped a case would report on another set than it names.
                raise SystemExit(f"{path}:{line_no}: {item.message}")
            recs.append(item)
    if drop_fields:
        # input + output [+ reference] only: what a pipeline that sends nothing else gives the engine.
        recs = [dataclasses.replace(r, record=dataclasses.replace(
            r.record, expected_format=None, instructions=(), context=(), schema=None, checks=())) for r in recs]
    return recs


def cached_embedder(name: str = "emb_cache") -> tuple[Embedder, Any]:
    emb = Embedder()
    texts_path, vecs_path = RESULTS / f"{name}.json", RESULTS / f"{name}.npz"
    if texts_path.exists() and vecs_path.exists():
        texts = json.loads(texts_path.read_text())
        with np.load(vecs_path, allow_pickle=False) as z:
            vecs = z["v"]
        emb._cache.update(zip(texts, vecs))
    n0 = len(emb._cache)

    def save() -> None:
        if len(emb._cache) > n0:
            RESULTS.mkdir(parents=True, exist_ok=True)
            keys = list(emb._cache)
            texts_path.write_text(json.dumps(keys))
            np.savez(vecs_path, v=np.stack([emb._cache[k] for k in keys]))

    return emb, save


def signals(recs: list[LabelledRecord], embedder: Embedder) -> tuple[list[Signals], dict[str, np.ndarray]]:
    return extract([r.record for r in recs], embedder)
