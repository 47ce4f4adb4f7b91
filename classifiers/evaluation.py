"""Evaluation metrics over gold and predicted labels (pure functions, no model code).

`per_label_precision_recall` is also used by `formfact diagnose` for its summary table.
"""

from __future__ import annotations

from typing import Sequence

from classifiers.records import LABELS


def per_label_precision_recall(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS
) -> dict[str, tuple[float, float, int]]:
    """{label: (precision, recall, support)} for each label that occurs in truth or predictions.

    A prediction of `unknown` counts against recall of the true label (every case counts).
    """
    out: dict[str, tuple[float, float, int]] = {}
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        n_pred = sum(p == label for p in predicted)
        n_true = sum(t == label for t in truth)
        if n_pred == 0 and n_true == 0:
            continue
        out[label] = (tp / n_pred if n_pred else 0.0, tp / n_true if n_true else 0.0, n_true)
    return out
