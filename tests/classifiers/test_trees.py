"""The trees that may overrule the cascade: flattened exactly, stored without pickles, overruling only where allowed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from classifiers.model import CASCADE_FEATURES, TREES_KEEP_RULES, LearnedCombiner, trees_may_overrule
from classifiers.signals import FEATURES
from classifiers.trees import MIN_CASES, PARAMS, TreeEnsemble, fit_trees


def _data(n: int = MIN_CASES + 100, n_features: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_features))
    y = np.where(x[:, 0] > 0.5, 2, np.where(x[:, 1] + 0.3 * x[:, 2] > 0, 1, 0))
    x[rng.random(size=x.shape) < 0.05] = np.nan  # missing values take the side the split learned for them
    return x, y


def test_flattened_trees_give_scikit_learns_probabilities() -> None:
    x, y = _data()
    model = HistGradientBoostingClassifier(**PARAMS).fit(x, y)
    trees = TreeEnsemble.from_sklearn(model)
    x_new, _ = _data(seed=1)
    np.testing.assert_allclose(trees.probabilities(x_new), model.predict_proba(x_new), rtol=0, atol=1e-12)
    np.testing.assert_allclose(trees.probabilities(x_new[:1]), model.predict_proba(x_new[:1]), rtol=0, atol=1e-12)


def test_arrays_round_trip_and_broken_trees_are_refused() -> None:
    x, y = _data()
    trees = fit_trees(x, y)
    assert trees is not None
    again = TreeEnsemble.from_arrays({k: v.astype(np.float64) for k, v in trees.arrays().items()})
    np.testing.assert_array_equal(again.probabilities(x), trees.probabilities(x))
    broken = trees.arrays()
    broken["left"] = broken["left"].copy()
    broken["left"][int(trees.roots[0, 0])] = len(trees.value) + 5
    with pytest.raises(ValueError, match="do not form trees"):
        TreeEnsemble.from_arrays(broken)
    looping = trees.arrays()
    looping["right"] = looping["right"].copy()
    inner = int(np.flatnonzero(~trees.leaf)[1])
    looping["right"][inner] = inner  # a node that is its own child would never reach a leaf
    with pytest.raises(ValueError, match="do not form trees"):
        TreeEnsemble.from_arrays(looping)
    with pytest.raises(ValueError, match="missing: baseline"):
        TreeEnsemble.from_arrays({k: v for k, v in trees.arrays().items() if k != "baseline"})


def test_too_few_cases_or_a_missing_label_fit_no_trees() -> None:
    x, y = _data()
    assert fit_trees(x[: MIN_CASES - 1], y[: MIN_CASES - 1]) is None
    two = y != 2
    assert fit_trees(x[two], y[two]) is None


@pytest.mark.parametrize("rule, certain, cascade, tree, p, allowed", [
    ("context_lacks", False, "information", "behavior", 0.7, True),
    ("context_lacks", False, "information", "information", 0.9, False),  # nothing to overrule
    ("context_lacks", False, "information", "behavior", 0.45, False),  # a near tie keeps the rules' label
    ("validator", True, "behavior", "both", 0.8, True),
    ("validator", True, "behavior", "information", 0.95, False),  # a failed validator's fault is certain
    *[(rule, False, "information", "behavior", 0.99, False) for rule in sorted(TREES_KEEP_RULES)],
])
def test_where_the_trees_may_overrule(rule: str, certain: bool, cascade: str, tree: str, p: float,
                                      allowed: bool) -> None:
    assert trees_may_overrule(rule, certain, cascade, tree, p) is allowed


def test_trees_are_saved_with_the_model_and_a_bad_table_refused(trained_dir: Path, tmp_path: Path) -> None:
    comb = LearnedCombiner.load(trained_dir)
    x, y = _data(n_features=len(FEATURES) + len(CASCADE_FEATURES))
    comb.trees = fit_trees(x, y)
    comb.save(tmp_path / "with_trees")
    loaded = LearnedCombiner.load(tmp_path / "with_trees")
    assert loaded.trees is not None and comb.trees is not None
    np.testing.assert_array_equal(loaded.trees.probabilities(x), comb.trees.probabilities(x))
    manifest = json.loads((tmp_path / "with_trees" / "manifest.json").read_text())
    assert manifest["trees"]["keep_rules"] == sorted(TREES_KEEP_RULES)
    bad = tmp_path / "bad"
    shutil.copytree(tmp_path / "with_trees", bad)
    arrays = dict(np.load(bad / "model.npz"))
    arrays["tree_feature"] = arrays["tree_feature"] + 10_000
    np.savez(bad / "model.npz", **arrays)
    with pytest.raises(ValueError, match="features this engine does not compute"):
        LearnedCombiner.load(bad)
