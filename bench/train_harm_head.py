"""Train and measure the learned harmful-request head (classifiers/harm.py) on the hand-written sets.

A prompt is a positive when its case is labelled `unsafe` (the model complied with a harmful request). The head
is measured by grouped cross-validation over the read sets (each set's cases stay in one fold, so a set's
wording never helps score itself), then on the never-read sets in aggregate, then fitted on every read set and
written to classifiers/models/harm.npz. The shared benchmark data is never used, so leave-one-source-out over it
stays honest (xstest's prompts are new to the head). Prints a table and writes bench/results/harm_head.json.

    python bench/train_harm_head.py             # measure, then write the shipped head
    python bench/train_harm_head.py --no-write  # measure only
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import HAND_DATA, NEVER_READ_SETS, READ_SETS, RESULTS, read  # noqa: E402
from classifiers.harm import HEAD_FILE, THRESHOLD, fit, shipped_head  # noqa: E402

FOLDS = 5


def _load(names: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    prompts: list[str] = []
    harmful: list[int] = []
    group: list[int] = []
    for gi, name in enumerate(names):
        path = HAND_DATA / f"{name}.jsonl"
        if not path.is_file():
            continue
        for rec in read(path):
            prompts.append(rec.record.input)
            harmful.append(int("unsafe" in rec.subtypes))
            group.append(gi)
    return prompts, np.array(harmful), np.array(group)


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    flagged = p >= THRESHOLD
    return {
        "n": int(len(y)), "positives": int(y.sum()),
        "auroc": float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan"),
        "flagged": int(flagged.sum()),
        "precision": float(y[flagged].mean()) if flagged.any() else float("nan"),
        "recall": float(y[flagged].sum() / y.sum()) if y.sum() else float("nan"),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-write", action="store_true", help="measure only; leave the shipped head as it is")
    args = ap.parse_args()

    prompts, y, group = _load(READ_SETS)
    p = np.zeros(len(y))
    for f in range(FOLDS):
        test = group % FOLDS == f
        head = fit([prompts[i] for i in np.where(~test)[0]], y[~test])
        p[test] = [head.probability(prompts[i]) for i in np.where(test)[0]]
    rows = {"read sets, grouped cross-validation": _scores(y, p)}

    head = fit(prompts, y)
    blind_prompts, blind_y, _ = _load(NEVER_READ_SETS)
    if len(blind_y):
        rows["never-read sets (head fitted on every read set)"] = _scores(
            blind_y, np.array([head.probability(t) for t in blind_prompts]))
        # The head shipped now, on the same cases: whether writing the new one is a gain.
        if (shipped := shipped_head()) is not None:
            rows["never-read sets (the shipped head)"] = _scores(
                blind_y, np.array([shipped.probability(t) for t in blind_prompts]))

    print(f"threshold {THRESHOLD}")
    print(f"{'':<50}{'n':>6}{'pos':>6}{'AUROC':>8}{'flagged':>9}{'prec':>7}{'recall':>8}")
    for name, r in rows.items():
        print(f"{name:<50}{r['n']:>6}{r['positives']:>6}{r['auroc']:>8.3f}{r['flagged']:>9}{r['precision']:>7.3f}"
              f"{r['recall']:>8.3f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "harm_head.json").write_text(json.dumps({"threshold": THRESHOLD, "rows": rows}, indent=2))
    print(f"wrote {RESULTS / 'harm_head.json'}")
    if not args.no_write:
        out = Path(__file__).resolve().parents[1] / "classifiers" / "models" / HEAD_FILE
        head.save(out)
        print(f"wrote {out} ({len(head.vocabulary)} terms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
