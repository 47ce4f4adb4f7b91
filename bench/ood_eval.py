"""Diagnosis quality on the hand-written out-of-distribution sets in bench/data (other domains than the shared data).

The shared data comes from ten public benchmarks; these sets were written apart from the classifier, by
authors who never saw its rules, over support, legal, SQL, extraction, devops, HR, finance and more. Rules
keyed to one benchmark's quirks fail here; general evidence carries over. Prints one table row per set
(accuracy, macro-F1 over information/behavior/both, per-label F1, coverage, covered accuracy, and how well
the confidence reads: expected calibration error, the AUROC of confidence for a right label, and the accuracy
on the most confident 90% of the cases, as if the rest went to review) and writes
bench/results/ood_eval.json.

    python bench/ood_eval.py                              # the shipped model on every set
    python bench/ood_eval.py --classifier path/to/model   # another trained version
    python bench/ood_eval.py --rules                      # the v1 rule cascade alone
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import RESULTS, read  # noqa: E402
from classifiers.engine import Engine, load_engine, shipped_embedder  # noqa: E402
from classifiers.evaluation import (  # noqa: E402
    accuracy,
    accuracy_at_coverage,
    coverage,
    covered_accuracy,
    macro_f1,
    per_label_scores,
    reliability,
)

DATA = Path(__file__).resolve().parent / "data"
LABELS = ("information", "behavior", "both")


def _auroc(right: list[bool], conf: list[float]) -> float:
    """How well the confidence ranks right labels above wrong ones (0.5: not at all); nan with one class."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(right, conf)) if 0 < sum(right) < len(right) else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", type=Path, nargs="*", help="labelled JSONL sets (default: every bench/data/*.jsonl)")
    ap.add_argument("--classifier", type=Path, default=None, help="a trained model directory (default: shipped)")
    ap.add_argument("--rules", action="store_true", help="the v1 rule cascade alone, no learned combiner")
    args = ap.parse_args()

    files = args.files or sorted(DATA.glob("*.jsonl"))
    engine = Engine(embedder=shipped_embedder()) if args.rules else load_engine(args.classifier)
    # Sets the model was trained on are marked and left out of the mean: their figures are in-sample.
    trained_on = set(engine.manifest.get("training_files", []))
    rows = []
    for path in files:
        recs = read(path)
        truth = [r.label or "" for r in recs]
        # A case the engine raises on is a wrong answer with no confidence (as in `formfact eval`), not a crash.
        outcomes = engine.diagnose_each([r.record for r in recs])
        for rec, d in zip(recs, outcomes):
            if isinstance(d, Exception):
                print(f"{path.name}: {rec.record.id}: not diagnosed: {d}", file=sys.stderr)
        pred = [d.label if not isinstance(d, Exception) else "error" for d in outcomes]
        right = [t == p for t, p in zip(truth, pred)]
        conf = [d.confidence if not isinstance(d, Exception) else 0.0 for d in outcomes]
        scores = per_label_scores(truth, pred, LABELS)
        rows.append({
            "set": path.name, "trained_on": path.name in trained_on, "n": len(recs), "accuracy": accuracy(truth, pred),
            "macro_f1": macro_f1(truth, pred, list(LABELS)),
            **{f"f1_{k}": scores[k]["f1"] for k in LABELS},
            "coverage": coverage(pred), "covered_accuracy": covered_accuracy(truth, pred),
            "ece": reliability(right, conf)["ece"], "auroc": _auroc(right, conf),
            "acc_at_90": accuracy_at_coverage(right, conf, 0.9),
        })
    cols = ("n", "accuracy", "macro_f1", "f1_information", "f1_behavior", "f1_both", "coverage", "covered_accuracy",
            "ece", "auroc", "acc_at_90")
    print(f"classifier {engine.version}")
    short = {"macro_f1": "macroF1", "f1_information": "F1 info", "f1_behavior": "F1 beh", "f1_both": "F1 both",
             "covered_accuracy": "cov.acc", "acc_at_90": "acc@90%"}
    print(f"{'set':<22}" + "".join(f"{short.get(c, c):>9}" for c in cols))
    for r in rows:
        name = r["set"] + (" *" if r["trained_on"] else "")
        print(f"{name:<22}" + "".join(f"{r[c]:>9}" if c == "n" else f"{r[c]:>9.3f}" for c in cols))
    unseen = [r for r in rows if not r["trained_on"]]
    if len(unseen) > 1:
        n = sum(r["n"] for r in unseen)
        pooled = {c: sum(r[c] * r["n"] for r in unseen) / n for c in cols if c != "n"}
        print(f"{'(weighted mean)':<22}{n:>9}" + "".join(f"{pooled[c]:>9.3f}" for c in cols if c != "n"))
    if len(unseen) < len(rows):
        print("* in the model's training data (manifest training_files): in-sample, left out of the mean")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "ood_eval.json"
    out.write_text(json.dumps({"classifier": engine.version, "rows": rows}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
