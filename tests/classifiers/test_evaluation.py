"""Metric functions on hand-computed examples; every case counts, unknown and error are wrong."""

from __future__ import annotations

import pytest

from classifiers.evaluation import (
    accuracy,
    accuracy_at_coverage,
    cohen_kappa,
    confusion_matrix,
    coverage,
    covered_accuracy,
    macro_f1,
    per_label_precision_recall,
    reliability,
    report,
    subtype_recall,
)

TRUTH = ["information", "information", "behavior", "behavior", "both"]
PRED = ["information", "behavior", "behavior", "unknown", "both"]


def test_accuracy_and_coverage() -> None:
    assert accuracy(TRUTH, PRED) == pytest.approx(3 / 5)
    assert coverage(PRED) == pytest.approx(4 / 5)
    assert covered_accuracy(TRUTH, PRED) == pytest.approx(3 / 4)
    assert coverage(["error", "behavior"]) == 0.5


def test_per_label_precision_recall_keeps_the_summary_shape() -> None:
    table = per_label_precision_recall(TRUTH, PRED)
    assert table["information"] == (1.0, 0.5, 2)
    assert table["behavior"] == (0.5, 0.5, 2)
    assert table["unknown"] == (0.0, 0.0, 0)


def test_macro_f1_and_kappa() -> None:
    # F1: information 2/3, behavior 1/2, both 1.
    assert macro_f1(TRUTH, PRED) == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    assert cohen_kappa(TRUTH, TRUTH) == 1.0
    assert cohen_kappa(["a", "b"], ["b", "a"]) < 0


def test_confusion_rows_are_truth() -> None:
    m = confusion_matrix(TRUTH, PRED, ("information", "behavior", "both", "unknown"))
    assert m[0] == [1, 1, 0, 0]
    assert m[1] == [0, 1, 0, 1]
    assert sum(map(sum, m)) == len(TRUTH)


def test_subtype_recall_and_reliability() -> None:
    rec = subtype_recall([["hallucination"], ["style", "hallucination"]], [["hallucination"], ["style"]])
    assert rec["hallucination"]["recall"] == 0.5 and rec["style"]["recall"] == 1.0
    rel = reliability([True, False, True, True], [0.95, 0.92, 0.55, 0.58])
    assert rel["ece"] == pytest.approx(0.5 * abs(0.5 - 0.935) + 0.5 * abs(1.0 - 0.565))


def test_report_counts_error_predictions() -> None:
    rep = report(TRUTH + ["behavior"], PRED + ["error"], [()] * 6, [()] * 6, [0.9] * 6)
    assert rep.n == 6 and rep.accuracy == pytest.approx(3 / 6)
    assert rep.confusion_labels == ("information", "behavior", "both", "unknown", "error")
    assert sum(map(sum, rep.confusion)) == 6


def test_accuracy_on_the_most_confident_share_leaves_the_least_confident_to_review() -> None:
    right = [True, False, True, True, False, True, True, True, True, False]
    conf = [0.9, 0.3, 0.8, 0.7, 0.95, 0.6, 0.85, 0.75, 0.65, 0.5]
    # Keeping 8 of 10 drops the two least confident (0.3 wrong, 0.5 wrong): 7 right of 8.
    assert accuracy_at_coverage(right, conf, 0.8) == pytest.approx(7 / 8)
    # All of them: plain accuracy; the single most confident (0.95) is wrong.
    assert accuracy_at_coverage(right, conf, 1.0) == pytest.approx(7 / 10)
    assert accuracy_at_coverage(right, conf, 0.1) == 0.0
    rep = report(["behavior"] * 10, ["behavior" if r else "information" for r in right], [()] * 10, [()] * 10, conf)
    assert rep.accuracy_at_coverage == {"0.90": pytest.approx(7 / 9), "0.80": pytest.approx(7 / 8)}
