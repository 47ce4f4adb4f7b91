"""The trees that may overrule the cascade: flattened exactly and stored without pickles."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

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
