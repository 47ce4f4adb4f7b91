"""Training, saving and safely loading a combiner; the not-worse comparison."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from classifiers import load_engine
from classifiers.model import LearnedCombiner
from classifiers.records import LabelledRecord
from classifiers.training import TrainConfig, choose_threshold, compare, data_hash, train_model


def test_trained_model_manifest_and_predictions(trained_dir: Path, labelled_records: list[LabelledRecord]) -> None:
    manifest = json.loads((trained_dir / "manifest.json").read_text())
    for key in ("features", "training_data_sha256", "libraries", "validation", "threshold", "version"):
        assert key in manifest
    assert manifest["training_data_sha256"] == data_hash([r for r in labelled_records])
    assert "scikit-learn" in manifest["libraries"]
    defaults = TrainConfig()
    assert manifest["train_config"] == {
        "c": defaults.c, "folds": defaults.folds, "max_threshold": defaults.max_threshold,
        "max_tree_threshold": defaults.max_tree_threshold,
    }
    engine = load_engine(trained_dir)
    assert engine.version == manifest["version"]
    out = engine.diagnose([r.record for r in labelled_records])
    right = sum(d.label == r.label for d, r in zip(out, labelled_records))
    assert right / len(out) >= 0.9


def test_reload_gives_identical_diagnoses(trained_dir: Path, tmp_path: Path,
                                          labelled_records: list[LabelledRecord]) -> None:
    comb = LearnedCombiner.load(trained_dir)
    comb.save(tmp_path)
    records = [r.record for r in labelled_records]
    assert load_engine(tmp_path).diagnose(records) == load_engine(trained_dir).diagnose(records)


def test_loading_refuses_pickles_and_mismatched_arrays(trained_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "pickled"
    shutil.copytree(trained_dir, bad)
    with np.load(trained_dir / "model.npz") as z:
        arrays = dict(z)
    arrays["mean"] = np.array([object()] * len(arrays["mean"]), dtype=object)
    np.savez(bad / "model.npz", **arrays)
    with pytest.raises(ValueError):
        LearnedCombiner.load(bad)
    short = tmp_path / "short"
    shutil.copytree(trained_dir, short)
    arrays = dict(np.load(trained_dir / "model.npz"))
    arrays["beh_coef"] = arrays["beh_coef"][:-1]
    np.savez(short / "model.npz", **arrays)
    with pytest.raises(ValueError, match="beh_coef"):
        LearnedCombiner.load(short)
    other = tmp_path / "other"
    shutil.copytree(trained_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["format_version"] = 99
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="format"):
        LearnedCombiner.load(other)


def test_compare_not_worse(trained_dir: Path, labelled_records: list[LabelledRecord]) -> None:
    assert compare(trained_dir, trained_dir, labelled_records)
    assert compare(trained_dir, load_engine(trained_dir), labelled_records)


def test_too_few_records_is_a_clear_error(tmp_path: Path, labelled_records: list[LabelledRecord]) -> None:
    with pytest.raises(ValueError, match="at least 20"):
        train_model(labelled_records[:5], tmp_path)


def test_threshold_keeps_coverage_and_respects_ceiling() -> None:
    probs = np.array([[0.9, 0.05, 0.05]] * 8 + [[0.4, 0.35, 0.25]] * 2)
    truth = ["behavior"] * 8 + ["information"] * 2
    t = choose_threshold(truth, probs)
    assert t <= 0.9
    kept = probs.max(axis=1) >= t
    assert kept.mean() >= 0.8
    assert choose_threshold(truth, probs, ceiling=0.5) <= 0.5


def test_train_config_validates() -> None:
    with pytest.raises(ValueError):
        TrainConfig(c=0)
    with pytest.raises(ValueError):
        TrainConfig(max_tree_threshold=1.5)


def test_trained_versions_carry_their_embedding(trained_dir: Path) -> None:
    manifest = json.loads((trained_dir / "manifest.json").read_text())
    assert manifest["embedder_file"] == "static.npz"
    assert (trained_dir / "static.npz").is_file()
    assert manifest["libraries"]["embedding"].startswith("static-minilm")


def test_review_confidence_follows_the_cascade_where_the_heads_agree() -> None:
    from classifiers.cascade import Verdict
    from classifiers.model import capped_confidence

    probs = np.array([[0.1, 0.9, 0.0], [0.1, 0.9, 0.0], [0.8, 0.2, 0.0]])
    verdicts = [Verdict("information", ("hallucination",), 0.4, "weak"),
                Verdict("information", ("hallucination",), 0.4, "weak"),
                Verdict("information", ("hallucination",), 0.4, "weak")]
    conf = capped_confidence(probs, verdicts, [False, True, False])
    # Agreeing: the cascade's per-case evidence; a certain validator and an overruled cascade: the heads'.
    assert conf.tolist() == [0.4, 0.9, 0.8]


def test_cascade_calibration_maps_confidence_to_a_hit_rate(trained_dir: Path, tmp_path: Path) -> None:
    from classifiers.cascade import Verdict
    from classifiers.model import capped_confidence, fit_cascade_calibration

    # Rules at 0.5 were right 1 time in 4, rules at 0.9 always: the table says so, in the same order.
    table = fit_cascade_calibration(np.array([0.5, 0.5, 0.5, 0.5, 0.9, 0.9]), np.array([1, 0, 0, 0, 1, 1.0]))
    probs = np.array([[0.1, 0.9, 0.0], [0.1, 0.9, 0.0]])
    verdicts = [Verdict("information", ("hallucination",), c, "r") for c in (0.5, 0.9)]
    assert capped_confidence(probs, verdicts, [False, False], table).tolist() == [0.25, 1.0]
    # The shipped manifest carries the table; a table that is not increasing is refused on load.
    manifest = json.loads((trained_dir / "manifest.json").read_text())
    assert manifest["cascade_calibration"] is not None
    bad = tmp_path / "bad"
    shutil.copytree(trained_dir, bad)
    manifest["cascade_calibration"] = {"confidence": [0.9, 0.5], "p_correct": [1.0, 0.2]}
    (bad / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="cascade_calibration"):
        LearnedCombiner.load(bad)


def test_a_rules_track_record_caps_its_confidence_and_never_raises_it() -> None:
    from classifiers.cascade import Verdict
    from classifiers.model import RULE_RECORD_PRIOR, capped_confidence, fit_rule_record

    verdicts = [Verdict("behavior", ("off_task",), 0.9, "r", "reference_fits_better")] * 4 + [
        Verdict("information", ("hallucination",), 0.9, "r", "fact_conflict")] * 2
    truth = ["behavior", "information", "information", "information", "information", "information"]
    record = fit_rule_record(verdicts, truth)
    assert record == {"fact_conflict": (2, 2), "reference_fits_better": (4, 1)}
    probs = np.array([[0.9, 0.1, 0.0], [0.1, 0.9, 0.0]])
    conf = capped_confidence(probs, [verdicts[0], verdicts[-1]], [False, False], None, record)
    # Right 1 time in 4: pulled from 0.9 towards 1/4 by 4 cases against RULE_RECORD_PRIOR pseudo-cases at 0.9.
    assert conf[0] == pytest.approx((1 + RULE_RECORD_PRIOR * 0.9) / (4 + RULE_RECORD_PRIOR))
    # A perfect record does not vouch for more than the verdict's own confidence.
    assert conf[1] == pytest.approx(0.9)


def test_rule_record_is_saved_and_a_bad_one_refused(trained_dir: Path, tmp_path: Path,
                                                    labelled_records: list[LabelledRecord]) -> None:
    manifest = json.loads((trained_dir / "manifest.json").read_text())
    record = manifest["rule_record"]
    assert record and all(0 <= e["right"] <= e["n"] for e in record.values())
    assert sum(e["n"] for e in record.values()) <= len(labelled_records)
    assert LearnedCombiner.load(trained_dir).rule_record == {r: (e["n"], e["right"]) for r, e in record.items()}
    bad = tmp_path / "bad"
    shutil.copytree(trained_dir, bad)
    manifest["rule_record"] = {"no_such_rule": {"n": 3, "right": 1}}
    (bad / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="rule_record"):
        LearnedCombiner.load(bad)
    manifest["rule_record"] = {next(iter(record)): {"n": 3, "right": 5}}
    (bad / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="rule_record"):
        LearnedCombiner.load(bad)


def test_a_failed_validator_keeps_its_label_with_the_confidence_its_record_allows(engine) -> None:
    from classifiers.engine import Engine, default_model_dir
    from classifiers.records import FailureRecord

    rec = FailureRecord(id="j", input="Give the capital of Peru as JSON.", expected_format="json",
                        output='Sure! Here is the answer:\n```json\n{"capital": "Lima"}\n```')
    (sig,), emb = engine.signals([rec])
    assert sig.certain is not None
    shipped = LearnedCombiner.load(default_model_dir())

    def with_record(record: dict[str, tuple[int, int]]) -> LearnedCombiner:
        return LearnedCombiner(shipped.heads, shipped.cfg, shipped.threshold, shipped.version,
                               calibration=shipped.calibration, rule_record=record)

    (free,) = with_record({}).predict([sig], emb)
    # A validator right 1 time in 10 on the training cases: the payload is still a format fault (never sent to
    # review), and the confidence in the label drops towards that record.
    poor = with_record({"validator": (200, 20)})
    (capped,) = poor.predict([sig], emb)
    assert free.label == capped.label == "behavior" and capped.subtypes == ("format_violation",)
    assert free.confidence >= 0.97
    assert capped.confidence < shipped.threshold
    assert Engine(combiner=poor, embedder=engine.embedder).diagnose([rec])[0].label == "behavior"
