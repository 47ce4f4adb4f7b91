"""The trees that may overrule the cascade: flattened exactly, stored without pickles, overruling only where allowed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from classifiers.cascade import Verdict, decide
from classifiers.engine import Engine
from classifiers.model import (
    CASCADE_FEATURES, LABEL_ORDER, TREES_KEEP_RULES, LearnedCombiner, design_matrix, final_label, kept_rule,
    trees_may_overrule)
from classifiers.records import FailureRecord, LabelledRecord
from classifiers.signals import FEATURES
from classifiers.training import _out_of_fold_trees
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


@pytest.mark.parametrize("rule", sorted(TREES_KEEP_RULES))
def test_a_kept_rule_is_kept_only_where_the_record_states_no_instructions_or_format(rule: str) -> None:
    assert not trees_may_overrule(rule, False, "information", "behavior", 0.99, instructed=False)
    assert trees_may_overrule(rule, False, "information", "behavior", 0.99, instructed=True)
    # Instructions lift the keep, not the other limits: a near tie still leaves the rule's label.
    assert not trees_may_overrule(rule, False, "information", "behavior", 0.45, instructed=True)


@pytest.mark.parametrize("record, instructed", [
    (FailureRecord(id="a", input="Who wrote Dune?", output="Isaac Asimov."), False),
    (FailureRecord(id="b", input="Who wrote Dune?", output="Isaac Asimov.", instructions=("Answer in one line.",)),
     True),
    (FailureRecord(id="c", input="List the authors.", output="[]", expected_format="json"), True),
])
def test_signals_say_whether_the_record_states_instructions_or_a_format(engine: Engine, record: FailureRecord,
                                                                       instructed: bool) -> None:
    sigs, _ = engine.signals([record])
    assert sigs[0].instructed is instructed


def test_trees_are_saved_with_the_model_and_a_bad_table_refused(trained_dir: Path, tmp_path: Path) -> None:
    comb = LearnedCombiner.load(trained_dir)
    x, y = _data(n_features=len(FEATURES) + len(CASCADE_FEATURES))
    comb.trees = fit_trees(x, y)
    comb.tree_confidence = True
    comb.save(tmp_path / "with_trees")
    loaded = LearnedCombiner.load(tmp_path / "with_trees")
    assert loaded.trees is not None and comb.trees is not None and loaded.tree_confidence
    np.testing.assert_array_equal(loaded.trees.probabilities(x), comb.trees.probabilities(x))
    manifest = json.loads((tmp_path / "with_trees" / "manifest.json").read_text())
    assert manifest["trees"]["keep_rules"] == sorted(TREES_KEEP_RULES) and manifest["trees"]["confidence"] is True
    assert manifest["trees"]["kept_where_instructed"] is False and not loaded.kept_where_instructed
    # A model written before the trees gave the confidence (no such key) keeps the heads' confidence, and one
    # written before `kept_rule` read the record keeps TREES_KEEP_RULES on every record, as it was trained to.
    older = tmp_path / "older"
    shutil.copytree(tmp_path / "with_trees", older)
    del manifest["trees"]["confidence"], manifest["trees"]["kept_where_instructed"]
    (older / "manifest.json").write_text(json.dumps(manifest))
    assert not LearnedCombiner.load(older).tree_confidence
    assert LearnedCombiner.load(older).kept_where_instructed
    bad = tmp_path / "bad"
    shutil.copytree(tmp_path / "with_trees", bad)
    arrays = dict(np.load(bad / "model.npz"))
    arrays["tree_feature"] = arrays["tree_feature"] + 10_000
    np.savez(bad / "model.npz", **arrays)
    with pytest.raises(ValueError, match="features this engine does not compute"):
        LearnedCombiner.load(bad)


def _verdict(label: str, rule: str) -> Verdict:
    return Verdict(label, (), 0.8, "a rule", rule)


def _tree_row(**p: float) -> np.ndarray:
    return np.array([p.get(label, 0.0) for label in LABEL_ORDER])


@pytest.mark.parametrize("vd, certain, tree_row, expected", [
    # The trees agree: the label stays, and its confidence is their probability of it.
    (_verdict("information", "context_lacks"), False, _tree_row(information=0.9, behavior=0.1),
     ("information", 0.9, False)),
    # They overrule where they may.
    (_verdict("information", "context_lacks"), False, _tree_row(information=0.2, behavior=0.8),
     ("behavior", 0.8, True)),
    # A near tie: the label stays, with the low probability they give it (a case for review).
    (_verdict("information", "context_lacks"), False, _tree_row(information=0.3, behavior=0.45, both=0.25),
     ("information", 0.3, False)),
    # A rule they may not overrule keeps its label, and their doubt may not send it to review either.
    (_verdict("information", "fallback_information"), False, _tree_row(information=0.25, behavior=0.75),
     ("information", 0.5, False)),
    # A failed validator is never overruled to information; the label stays behavior at the trees' 0.05.
    (_verdict("behavior", "validator"), True, _tree_row(information=0.95, behavior=0.05),
     ("behavior", 0.05, False)),
])
def test_the_trees_give_the_confidence_of_the_final_label(vd: Verdict, certain: bool, tree_row: np.ndarray,
                                                          expected: tuple[str, float, bool]) -> None:
    label, conf, overruled = final_label(vd, certain, vd.label, 0.6, 0.1, tree_row, None, True)
    assert (label, overruled) == (expected[0], expected[2]) and conf == pytest.approx(expected[1])
    # Without tree confidence, the confidence of the rules and heads stands wherever the trees did not overrule.
    _, rules_conf, _ = final_label(vd, certain, vd.label, 0.6, 0.1, None, None, False)
    label, conf, overruled = final_label(vd, certain, vd.label, 0.6, 0.1, tree_row, None, False)
    assert label == expected[0] and conf == pytest.approx(expected[1] if overruled else rules_conf)


def test_on_a_record_with_instructions_the_trees_overrule_a_kept_rule_and_may_send_it_to_review() -> None:
    vd = _verdict("information", "fallback_information")
    sure, unsure = _tree_row(information=0.25, behavior=0.75), _tree_row(information=0.3, behavior=0.45, both=0.25)
    assert final_label(vd, False, vd.label, 0.6, 0.1, sure, None, True, False) == ("information", 0.5, False)
    label, conf, overruled = final_label(vd, False, vd.label, 0.6, 0.1, sure, None, True, True)
    assert (label, overruled) == ("behavior", True) and conf == pytest.approx(0.75)
    # Their doubt with no sure alternative is no longer lifted to their bar: the case may go to review.
    label, conf, overruled = final_label(vd, False, vd.label, 0.6, 0.1, unsure, None, True, True)
    assert (label, overruled) == ("information", False) and conf == pytest.approx(0.3)


def test_out_of_fold_tree_probabilities_come_from_trees_that_never_saw_the_case() -> None:
    x, y = _data(n=MIN_CASES + 700)
    groups = [f"g{i % 10}" for i in range(len(y))]
    oof = _out_of_fold_trees(x, y, groups, 5, 0)
    assert oof is not None and oof.shape == (len(y), 3)
    np.testing.assert_allclose(oof.sum(axis=1), 1.0)
    in_sample = fit_trees(x, y)
    assert in_sample is not None
    # Held-out probabilities are less sure of the true label than those of trees trained on it.
    truth = np.arange(len(y)), y
    assert oof[truth].mean() < in_sample.probabilities(x)[truth].mean()
    # Folds that leave fewer than MIN_CASES to train on give no trees, so no tree confidence.
    assert _out_of_fold_trees(x[: MIN_CASES + 100], y[: MIN_CASES + 100], None, 2, 0) is None


def test_with_tree_confidence_each_verdict_carries_the_trees_probability_of_its_label(
        trained_dir: Path, engine: Engine, labelled_records: list[LabelledRecord]) -> None:
    comb = LearnedCombiner.load(trained_dir)
    x, y = _data(n_features=len(FEATURES) + len(CASCADE_FEATURES))
    comb.trees, comb.tree_confidence, comb.threshold = fit_trees(x, y), True, 0.5
    assert comb.trees is not None
    sigs, emb = engine.signals([r.record for r in labelled_records])
    verdicts = comb.predict(sigs, emb)
    tree_p = comb.trees.probabilities(design_matrix(sigs, emb, comb.cfg)[:, : len(FEATURES) + len(CASCADE_FEATURES)])
    assert len(verdicts) == len(labelled_records)
    for vd, p, s in zip(verdicts, tree_p, sigs):
        if vd.label == "unknown":  # below the threshold, and never a failed validator
            assert vd.confidence < 0.5 and s.certain is None
        else:
            tree_conf = float(p[LABEL_ORDER.index(vd.label)])
            if kept_rule(decide(s).rule, s.instructed) and "overrule" not in vd.reason:
                tree_conf = max(tree_conf, 0.5)
            assert vd.confidence == round(tree_conf, 4)
            assert vd.confidence >= 0.5 or s.certain is not None


def test_contributions_add_up_to_the_scores_and_find_the_feature_that_decides() -> None:
    x, y = _data()  # label 2 ("both") exactly where feature 0 > 0.5
    trees = fit_trees(x, y)
    assert trees is not None
    for row in (np.array([2.0, -1.0, 0.0, 0.3, -0.2, 0.1]), np.array([np.nan, 1.0, 0.5, 0.0, 0.0, 0.0])):
        moved = trees.contributions(row, PARAMS["learning_rate"])
        raw = trees.baseline + moved.sum(axis=0)
        np.testing.assert_allclose(np.exp(raw) / np.exp(raw).sum(), trees.probabilities(row[None, :])[0],
                                   rtol=0, atol=1e-9)
    moved = trees.contributions(np.array([2.0, -1.0, 0.0, 0.3, -0.2, 0.1]), PARAMS["learning_rate"])
    toward_both = moved[:, 2] - moved.mean(axis=1)
    assert int(np.argmax(toward_both)) == 0 and toward_both[0] > 5 * np.abs(toward_both[3:]).max()


def test_an_overruled_case_says_what_the_trees_rested_on(trained_dir: Path,
                                                        labelled_records: list[LabelledRecord]) -> None:
    comb = LearnedCombiner.load(trained_dir)
    names = [*FEATURES, *CASCADE_FEATURES]
    # Trees that call every case with a reference "behavior" and every other case "information": the opposite
    # of what the rules make of the fixture's cases, so they overrule them.
    x, _ = _data(n_features=len(names))
    x = np.nan_to_num(x)
    x[:, names.index("has_reference")] = np.arange(len(x)) % 2
    y = np.where(x[:, names.index("has_reference")] > 0.5, 0, 1)
    y[:30] = 2  # every label must be present for the trees to fit
    comb.trees = fit_trees(x, y)
    comb.tree_confidence = True
    engine = Engine(comb, comb.embedder())
    out = engine.diagnose([r.record for r in labelled_records])
    overruled = [d for d in out if "trees over the signals overrule" in d.evidence[0].detail]
    assert overruled
    for d in overruled:
        assert "resting most on: a reference answer is given: " in d.evidence[0].detail, d.evidence[0].detail
        assert "[has_reference " in d.evidence[0].detail
        assert d.evidence[0].detail.endswith(f"(log-odds toward {d.label})")
    # A case sent to review says where the trees lean, and on what.
    comb.threshold = 1.0
    reviewed = [d for d in engine.diagnose([r.record for r in labelled_records]) if d.label == "unknown"]
    assert reviewed
    for d in reviewed:
        lean = d.evidence[0].detail.split("they lean to ")[1].split()[0]
        assert "resting most on: a reference answer is given: " in d.evidence[0].detail
        assert d.evidence[0].detail.endswith(f"(log-odds toward {lean})")
