"""Metrics over labels: pure functions, shared by `formfact eval`, the benchmarks and `formfact diagnose`
(whose summary table calls `per_label_precision_recall`).

Every case counts. A prediction of `unknown` (sent to review) is a wrong answer for accuracy and F1, and is
what coverage measures; accuracy on the covered part is reported beside it. Nothing here imports numpy-heavy
libraries beyond numpy, and nothing reads files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from classifiers.records import LABELS

EVAL_LABELS = ("information", "behavior", "both")
"""The labels a labelled record can carry; `unknown` is a prediction only."""


def accuracy(truth: Sequence[str], pred: Sequence[str]) -> float:
    if not truth:
        return 0.0
    return sum(t == p for t, p in zip(truth, pred, strict=True)) / len(truth)


def per_label_precision_recall(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, tuple[float, float, int]]:
    """{label: (precision, recall, support)} for each label that occurs in truth or predictions.

    A prediction of `unknown` counts against recall of the true label (every case counts).
    """
    out: dict[str, tuple[float, float, int]] = {}
    for label, row in per_label_scores(truth, predicted, labels).items():
        if row["support"] or row["predicted"]:
            out[label] = (row["precision"], row["recall"], int(row["support"]))
    return out


def per_label_scores(truth: Sequence[str], pred: Sequence[str],
                     labels: Sequence[str] = EVAL_LABELS) -> dict[str, dict[str, float]]:
    """Precision, recall, F1, support and predicted count per label (0.0 where undefined)."""
    out: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(truth, pred, strict=True))
        n_pred = sum(p == lab for p in pred)
        n_true = sum(t == lab for t in truth)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_true if n_true else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[lab] = {"precision": prec, "recall": rec, "f1": f1, "support": float(n_true), "predicted": float(n_pred)}
    return out


def macro_f1(truth: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None) -> float:
    """Mean F1 over the labels present in `truth` (a label no case carries cannot be scored)."""
    labs = [lab for lab in (labels or EVAL_LABELS) if lab in set(truth)]
    if not labs:
        return 0.0
    pr = per_label_scores(truth, pred, labs)
    return float(np.mean([pr[lab]["f1"] for lab in labs]))


def confusion_matrix(truth: Sequence[str], pred: Sequence[str],
                     labels: Sequence[str] = EVAL_LABELS + ("unknown",)) -> list[list[int]]:
    """Rows are true labels, columns predicted labels, both in `labels` order."""
    index = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, pred, strict=True):
        if t in index and p in index:
            m[index[t]][index[p]] += 1
    return m


def cohen_kappa(truth: Sequence[str], pred: Sequence[str]) -> float:
    """Agreement beyond chance between truth and prediction (1 perfect, 0 chance)."""
    n = len(truth)
    if n == 0:
        return 0.0
    po = accuracy(truth, pred)
    ct, cp = Counter(truth), Counter(pred)
    pe = sum(ct[k] * cp.get(k, 0) for k in ct) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


UNCOVERED = ("unknown", "error")
"""Predictions that leave the case to a person: review, or a case the engine could not diagnose."""


def coverage(pred: Sequence[str]) -> float:
    """Share of cases not sent to review (neither `unknown` nor `error`)."""
    return sum(p not in UNCOVERED for p in pred) / len(pred) if pred else 0.0


def covered_accuracy(truth: Sequence[str], pred: Sequence[str]) -> float:
    pairs = [(t, p) for t, p in zip(truth, pred, strict=True) if p not in UNCOVERED]
    return sum(t == p for t, p in pairs) / len(pairs) if pairs else 0.0


def subtype_recall(truth: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, dict[str, float]]:
    """Per true subtype: how often the prediction names it, and how many cases carry it."""
    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for ts, ps in zip(truth, pred, strict=True):
        for s in ts:
            total[s] += 1
            hit[s] += s in ps
    return {s: {"recall": hit[s] / total[s], "support": float(total[s])} for s in sorted(total)}


def reliability(correct: Sequence[bool], confidence: Sequence[float], bins: int = 10) -> dict[str, object]:
    """Reliability-diagram data and expected calibration error over equal-width confidence bins."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf >= lo) & ((conf < hi) | (hi == 1.0) & (conf <= hi))
        if not mask.any():
            continue
        acc, mean_conf = float(ok[mask].mean()), float(conf[mask].mean())
        rows.append({"lo": float(lo), "hi": float(hi), "count": int(mask.sum()), "accuracy": acc,
                     "confidence": mean_conf})
        ece += mask.sum() / len(conf) * abs(acc - mean_conf)
    return {"bins": rows, "ece": float(ece)}


REVIEW_SHARES = (0.9, 0.8)
"""Coverages `formfact eval` reports accuracy at: the most confident 90% and 80% of the cases."""


def accuracy_at_coverage(correct: Sequence[bool], confidence: Sequence[float], share: float) -> float:
    """Accuracy on the most confident `share` of the cases: what is left if the least confident rest went to review.

    The threshold a model ships with is chosen on its training data; on another team's cases this says what a
    review queue of a given size would buy. Ties in confidence keep file order, so the figure is deterministic.
    """
    if not correct:
        return 0.0
    keep = max(1, round(share * len(correct)))
    order = sorted(range(len(correct)), key=lambda i: -confidence[i])[:keep]
    return sum(bool(correct[i]) for i in order) / keep


@dataclass(frozen=True)
class Report:
    """Everything `formfact eval` reports, as plain numbers."""

    n: int
    accuracy: float
    macro_f1: float
    kappa: float
    coverage: float
    covered_accuracy: float
    per_label: Mapping[str, Mapping[str, float]]
    confusion: list[list[int]]
    confusion_labels: tuple[str, ...]
    subtype_recall: Mapping[str, Mapping[str, float]]
    reliability: Mapping[str, object]
    accuracy_at_coverage: Mapping[str, float]
    """Keyed by coverage ("0.90"): accuracy on that most confident share of the cases (see REVIEW_SHARES)."""

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def report(truth: Sequence[str], pred: Sequence[str], truth_subtypes: Sequence[Sequence[str]],
           pred_subtypes: Sequence[Sequence[str]], confidence: Sequence[float]) -> Report:
    """All metrics of one evaluation run."""
    base: tuple[str, ...] = EVAL_LABELS + ("unknown",)
    labels = base + tuple(sorted((set(truth) | set(pred)) - set(base)))
    right = [t == p for t, p in zip(truth, pred)]
    return Report(
        n=len(truth),
        accuracy=accuracy(truth, pred),
        macro_f1=macro_f1(truth, pred),
        kappa=cohen_kappa(truth, pred),
        coverage=coverage(pred),
        covered_accuracy=covered_accuracy(truth, pred),
        per_label=per_label_scores(truth, pred),
        confusion=confusion_matrix(truth, pred, labels),
        confusion_labels=labels,
        subtype_recall=subtype_recall(truth_subtypes, pred_subtypes),
        reliability=reliability(right, confidence),
        accuracy_at_coverage={f"{share:.2f}": accuracy_at_coverage(right, confidence, share) for share in REVIEW_SHARES},
    )
