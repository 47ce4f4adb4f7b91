"""Training the learned combiner: fit, calibrate, pick the review threshold, write a model version.

`fit` turns signals + labels into a `LearnedCombiner`: L2 logistic heads (scikit-learn), Platt calibration
fitted on out-of-fold decision values (what CalibratedClassifierCV(method="sigmoid", ensemble=False) does,
kept as two numbers per head), and the confidence threshold below which a case goes to review, chosen on
those out-of-fold predictions. With enough cases (`classifiers.trees.MIN_CASES`) it also fits the trees that may
overrule the rules; the out-of-fold figures are the heads' alone, the held-out ones (`train_model`) the whole
model's. `train_model` is the entry point for `formfact train-classifier` and the
admin RetrainClassifier RPC; `compare` is the "not worse" gate before a new version replaces the current.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from classifiers.cascade import RULES, decide
from classifiers.embedding import TextEmbedder
from classifiers.evaluation import accuracy, coverage, covered_accuracy, macro_f1
from classifiers.model import (
    CASCADE_FEATURES,
    LABEL_ORDER,
    FeatureConfig,
    Heads,
    SUBTYPE_VIEW,
    LearnedCombiner,
    capped_confidence,
    final_label,
    fit_cascade_calibration,
    fit_rule_record,
    design_matrix,
    label_probabilities,
    scale_blocks,
)
from classifiers.records import BEHAVIOR_SUBTYPES, INFORMATION_SUBTYPES, LabelledRecord
from classifiers.signals import FEATURES, Signals, extract
from classifiers.trees import fit_trees

EVAL_ONLY_SOURCES = ("realtimeqa", "faithbench")
"""Sources of the shared data whose licences allow evaluation only (see its README): never trained on
unless a caller asks for it explicitly."""
MIN_COVERAGE = 0.90
TARGET_COVERED_ACCURACY = 0.95


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of the combiner, written to the manifest."""

    c: float = 0.5
    """Inverse L2 strength of every logistic head."""
    folds: int = 5
    """Folds for the out-of-fold predictions that calibration and the threshold are fitted on."""
    features: FeatureConfig = FeatureConfig()
    max_threshold: float = 0.55
    """Ceiling of the review threshold. Validation folds rarely look like the next domain: a threshold fitted
    to reach 95% covered accuracy in-sample sent whole unseen sources to review (leave-one-source-out
    coverage 0.08 on halueval2 and realtimeqa at 0.68-0.71), so the engine only abstains where its best
    label is more likely wrong than right."""
    max_tree_threshold: float = 0.5
    """Ceiling of the review threshold when the confidence is the trees' probability of the final label. Out of
    fold those probabilities are calibrated (expected calibration error 0.012 over the hand-written sets read,
    folds by set), so below 0.5 the label is more likely wrong than right: such cases were right 29% of the
    time there."""

    def __post_init__(self) -> None:
        if self.c <= 0 or self.folds < 2:
            raise ValueError("c must be > 0 and folds >= 2")
        if not (0 < self.max_threshold < 1 and 0 < self.max_tree_threshold < 1):
            raise ValueError("max_threshold and max_tree_threshold must lie in (0, 1)")


@dataclass(frozen=True)
class TrainResult:
    """A trained model version and its held-out figures."""

    model_dir: Path
    version: str
    figures: Mapping[str, float]
    n_train: int
    n_heldout: int


def _targets(records: Sequence[LabelledRecord]) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    y_beh = np.array([r.label in ("behavior", "both") for r in records], dtype=int)
    y_info = np.array([r.label in ("information", "both") for r in records], dtype=int)
    beh_sub = [next((s for s in r.subtypes if s in BEHAVIOR_SUBTYPES), "") for r in records]
    info_sub = [next((s for s in r.subtypes if s in INFORMATION_SUBTYPES), "") for r in records]
    return y_beh, y_info, beh_sub, info_sub


def _logreg(c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=seed)


def _binary_head(x: np.ndarray, y: np.ndarray, cfg: TrainConfig, seed: int,
                 groups: Sequence[str] | None) -> tuple[np.ndarray, float, tuple[float, float], np.ndarray]:
    """Coefficients, intercept, Platt (a, b) and the calibrated out-of-fold probabilities."""
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold, cross_val_predict

    if y.min() == y.max():
        # One class only (e.g. feedback with no information cases): a constant head, no calibration.
        const = 8.0 if y[0] else -8.0
        return np.zeros(x.shape[1]), const, (1.0, 0.0), np.full(len(y), float(y[0]))
    if groups is not None:
        # Out-of-fold by group (data source): calibration and threshold then see the confidence the model
        # has on a kind of data it never trained on, which is what new traffic looks like.
        splits = list(LeaveOneGroupOut().split(x, y, groups))
        oof = np.zeros(len(y))
        for tr, te in splits:
            if y[tr].min() == y[tr].max():
                oof[te] = 8.0 if y[tr][0] else -8.0
                continue
            oof[te] = _logreg(cfg.c, seed).fit(x[tr], y[tr]).decision_function(x[te])
    else:
        folds = max(2, min(cfg.folds, int(np.bincount(y).min())))
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        oof = cross_val_predict(_logreg(cfg.c, seed), x, y, cv=cv, method="decision_function")
    platt = _logreg(1e4, seed).set_params(class_weight=None).fit(oof.reshape(-1, 1), y)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    model = _logreg(cfg.c, seed).fit(x, y)
    p_oof = 1.0 / (1.0 + np.exp(-np.clip(a * oof + b, -40, 40)))
    return model.coef_[0].astype(np.float64), float(model.intercept_[0]), (a, b), p_oof


def _multi_head(x: np.ndarray, labels: list[str], cfg: TrainConfig, seed: int,
                fallback: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    keep = [i for i, s in enumerate(labels) if s]
    classes = sorted({labels[i] for i in keep})
    if len(classes) < 2:
        only = classes[0] if classes else fallback
        return (only,), np.zeros((1, x.shape[1])), np.zeros(1)
    model = _logreg(cfg.c, seed).fit(x[keep], [labels[i] for i in keep])
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # sklearn stores one row for two classes: expand to a softmax over both.
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return tuple(model.classes_), coef.astype(np.float64), intercept.astype(np.float64)


def choose_threshold(truth: Sequence[str], probs: np.ndarray, ceiling: float = 1.0,
                     conf: np.ndarray | None = None, pred: Sequence[str] | None = None) -> float:
    """The lowest confidence threshold whose covered accuracy reaches the target on out-of-fold data.

    When no threshold keeping MIN_COVERAGE reaches TARGET_COVERED_ACCURACY, coverage wins: the threshold
    that keeps exactly MIN_COVERAGE of cases (a review queue that swallows half the traffic helps nobody).
    """
    conf = probs.max(axis=1) if conf is None else conf
    pred = [LABEL_ORDER[int(k)] for k in probs.argmax(axis=1)] if pred is None else pred
    ok = np.array([t == p for t, p in zip(truth, pred)])
    # The highest threshold that still keeps MIN_COVERAGE, ties included (confidences come in few levels).
    cap = float(np.sort(conf)[::-1][max(0, int(np.ceil(MIN_COVERAGE * len(conf))) - 1)]) - 1e-6
    for t in np.round(np.arange(0.34, 0.99, 0.01), 2):
        kept = conf >= t
        if kept.mean() < MIN_COVERAGE:
            break
        if kept.any() and ok[kept].mean() >= TARGET_COVERED_ACCURACY:
            return float(min(t, ceiling))
    return float(np.floor(min(cap, 0.9, ceiling) * 1e4) / 1e4)


def source_groups(records: Sequence[LabelledRecord]) -> list[str] | None:
    """Validation groups from metadata.source, else metadata.domain (used only to split, never as a feature);
    None when fewer than three groups are named, then folds are random."""
    groups = [r.record.metadata.get("source") or r.record.metadata.get("domain") or "unsourced" for r in records]
    return groups if len(set(groups)) >= 3 else None


def fit(signals: Sequence[Signals], embeddings: Mapping[str, Any], records: Sequence[LabelledRecord],
        cfg: TrainConfig = TrainConfig(), seed: int = 0, version: str | None = None) -> tuple[LearnedCombiner, dict[str, float]]:
    """Fit a combiner; returns it with its out-of-fold (validation) figures."""
    groups = source_groups(records)
    x_raw = design_matrix(signals, embeddings, cfg.features)
    mean = x_raw.mean(axis=0)
    scale = x_raw.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x_raw - mean) / scale
    x = scale_blocks(z.copy(), cfg.features)
    x_sub = scale_blocks(z, SUBTYPE_VIEW)
    y_beh, y_info, beh_sub, info_sub = _targets(records)
    bc, bi, bp, p_beh = _binary_head(x, y_beh, cfg, seed, groups)
    ic, ii, ip, p_info = _binary_head(x, y_info, cfg, seed, groups)
    bsc, bs_coef, bs_int = _multi_head(x_sub, beh_sub, cfg, seed, "instruction_violation")
    isc, is_coef, is_int = _multi_head(x_sub, info_sub, cfg, seed, "hallucination")
    probs = label_probabilities(p_beh, p_info)
    truth = [r.label or "" for r in records]
    verdicts = [decide(s) for s in signals]
    certain = [s.certain is not None for s in signals]
    # The rules are not fitted, so their hit rate on the training cases is an honest calibration sample.
    free = [i for i, c in enumerate(certain) if not c]
    calibration = None
    if len(free) >= 2:
        calibration = fit_cascade_calibration(np.array([verdicts[i].confidence for i in free]),
                                              np.array([float(verdicts[i].label == truth[i]) for i in free]))
    # Every rule's record, the certain validator's included: its behavior finding stands, but on other
    # domains about one in six of its payloads also has wrong facts (a `both` it reads as behavior alone).
    record = fit_rule_record(verdicts, truth)
    conf = capped_confidence(probs, verdicts, certain, calibration, record)
    threshold = choose_threshold(truth, probs, cfg.max_threshold, conf)
    n_base = len(FEATURES) + len(CASCADE_FEATURES)
    y_label = np.array([LABEL_ORDER.index(t) for t in truth])
    trees = fit_trees(x_raw[:, :n_base], y_label)
    forced = [LABEL_ORDER[int(k)] for k in probs.argmax(axis=1)]
    oof_trees = None if trees is None else _out_of_fold_trees(x_raw[:, :n_base], y_label, groups, cfg.folds, seed)
    if oof_trees is not None:
        # The confidence becomes the trees' probability of the final label: the threshold is chosen on what
        # trees that never saw a case's group give it, through the same steps as `predict`.
        final = [final_label(verdicts[i], certain[i], forced[i], float(conf[i]), float(p_info[i]), oof_trees[i],
                             record, True, signals[i].instructed) for i in range(len(truth))]
        forced = [label for label, _, _ in final]
        conf = np.array([c for _, c, _ in final])
        threshold = choose_threshold(truth, probs, cfg.max_tree_threshold, conf, forced)
    pred = [label if conf[i] >= threshold or certain[i] else "unknown" for i, label in enumerate(forced)]
    figures = {
        "oof_accuracy_forced": accuracy(truth, forced),
        "oof_macro_f1_forced": macro_f1(truth, forced),
        "oof_accuracy": accuracy(truth, pred),
        "oof_macro_f1": macro_f1(truth, pred),
        "oof_coverage": coverage(pred),
        "oof_covered_accuracy": covered_accuracy(truth, pred),
        "threshold": threshold,
    }
    heads = Heads(mean, scale, bc, bi, ic, ii, bp, ip, bsc, bs_coef, bs_int, isc, is_coef, is_int)
    from classifiers.cascade import REVISION

    # The rules are part of the model: the same coefficients over a changed cascade are a new version.
    parts: list[np.ndarray] = [bc, ic, np.array([bi, ii, REVISION], dtype=np.float64), bs_coef.ravel(), is_coef.ravel()]
    if calibration is not None:  # the table changes which cases go to review, so it is part of the version
        parts += [calibration[0], calibration[1]]
    if record:  # so is each rule's track record
        parts.append(np.array([x for rule in sorted(record) for x in (RULES.index(rule), *record[rule])],
                              dtype=np.float64))
    if trees is not None:  # and the trees that may overrule the rules (and may give the confidence), and where:
        # the last 1.0 marks a model whose trees may overrule TREES_KEEP_RULES on instructed records (`kept_rule`)
        parts += [trees.threshold, trees.value, trees.feature.astype(np.float64),
                  np.array([float(oof_trees is not None), threshold, 1.0])]
    digest = hashlib.sha256(np.concatenate(parts).tobytes()).hexdigest()[:8]
    version = version or f"lr-{time.strftime('%Y.%m.%d', time.gmtime())}-{digest}"
    return LearnedCombiner(heads, cfg.features, threshold, version, calibration=calibration,
                           rule_record=record, trees=trees, tree_confidence=oof_trees is not None), figures


def _out_of_fold_trees(x: np.ndarray, y: np.ndarray, groups: Sequence[str] | None, folds: int,
                       seed: int) -> np.ndarray | None:
    """The trees' label probabilities for every case from trees fitted without its fold (folds by group where
    groups are named); None when a fold leaves too few cases to fit trees on."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    if groups is not None and len(set(groups)) >= folds:
        splits = list(GroupKFold(folds).split(x, y, groups))
    else:
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y))
    out = np.zeros((len(y), len(LABEL_ORDER)))
    for train, test in splits:
        trees = fit_trees(x[train], y[train])
        if trees is None:
            return None
        out[test] = trees.probabilities(x[test])
    return out


def data_hash(records: Sequence[LabelledRecord]) -> str:
    """A hash of the training cases' content and labels (not their ids or metadata)."""
    h = hashlib.sha256()
    for key in sorted(f"{r.record.fingerprint()}:{r.label}:{','.join(r.subtypes)}" for r in records):
        h.update(key.encode())
    return h.hexdigest()


def library_versions(embedder: TextEmbedder) -> dict[str, str]:
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "embedding": embedder.name}


def _cascade_revision() -> int:
    from classifiers.cascade import REVISION

    return REVISION


def _split(records: Sequence[LabelledRecord], heldout_share: float, seed: int) -> tuple[list[int], list[int]]:
    # Split by content fingerprint so the same case never sits on both sides, stable for a given seed.
    keyed = sorted(range(len(records)), key=lambda i: hashlib.sha256(
        f"{seed}:{records[i].record.fingerprint()}".encode()).hexdigest())
    n_held = int(round(len(records) * heldout_share))
    return sorted(keyed[n_held:]), sorted(keyed[:n_held])


def train_model(records: Sequence[LabelledRecord], out_dir: Path, seed: int = 0, heldout_share: float = 0.2,
                cfg: TrainConfig = TrainConfig(), embedder: TextEmbedder | None = None,
                progress: Any = None, exclude_sources: Sequence[str] = EVAL_ONLY_SOURCES,
                training_files: Sequence[str] = ()) -> TrainResult:
    """Build a new model version from labelled records (seed data plus people's corrections).

    A held-out share (by content hash) measures the version; the version shipped is then refitted on all
    records. Records without a label, and records whose metadata.source is in `exclude_sources`, are ignored.
    `training_files` names the files the records came from, for the manifest (an evaluation must not count a
    set the model was trained on as unseen).

    Raises:
        ValueError: fewer than 20 labelled records, or labels outside information/behavior/both.
    """
    labelled = [r for r in records if r.label in ("information", "behavior", "both")
                and r.record.metadata.get("source") not in exclude_sources]
    if len(labelled) < 20:
        raise ValueError(f"need at least 20 labelled records, got {len(labelled)}")
    if embedder is None:
        from classifiers.engine import shipped_embedder

        # New versions embed like the shipped model, so versions stay comparable and swappable.
        embedder = shipped_embedder()
    sigs, emb = extract([r.record for r in labelled], embedder)
    if progress is not None:
        progress(1)
    train_idx, held_idx = _split(labelled, heldout_share, seed)
    sub = lambda idx: ([sigs[i] for i in idx], {k: v[idx] for k, v in emb.items()},  # noqa: E731
                       [labelled[i] for i in idx])
    candidate, oof = fit(*sub(train_idx), cfg=cfg, seed=seed)
    held_fig = evaluate_combiner(candidate, *sub(held_idx))
    if progress is not None:
        progress(1)
    final, full_oof = fit(sigs, emb, labelled, cfg=cfg, seed=seed)
    final.static_path = getattr(embedder, "path", None)
    figures = {**{f"heldout_{k}": v for k, v in held_fig.items()}, **full_oof}
    final.save(out_dir, {
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "training_data_sha256": data_hash(labelled),
        "training_files": list(training_files),
        "n_train": len(labelled),
        "seed": seed,
        "train_config": {
            "c": cfg.c, "folds": cfg.folds, "max_threshold": cfg.max_threshold,
            "max_tree_threshold": cfg.max_tree_threshold,
        },
        "cascade_revision": _cascade_revision(),
        "libraries": library_versions(embedder),
        "validation": figures,
    })
    return TrainResult(out_dir, final.version, figures, len(train_idx), len(held_idx))


def evaluate_combiner(comb: LearnedCombiner, signals: Sequence[Signals], embeddings: Mapping[str, Any],
                      records: Sequence[LabelledRecord]) -> dict[str, float]:
    """Accuracy, macro-F1, coverage and covered accuracy of a combiner on labelled signals."""
    verdicts = comb.predict(signals, embeddings)
    truth = [r.label or "" for r in records]
    pred = [v.label for v in verdicts]
    return {"accuracy": accuracy(truth, pred), "macro_f1": macro_f1(truth, pred), "coverage": coverage(pred),
            "covered_accuracy": covered_accuracy(truth, pred), "n": float(len(truth))}


def compare(candidate: Path | Any, current: Path | Any, heldout: Sequence[LabelledRecord],
            tolerance: float = 0.01) -> bool:
    """True when the candidate is not worse than the current model on `heldout`.

    Not worse: macro-F1 and accuracy each within `tolerance` of the current's or better. Either argument may
    be a model directory or an Engine.
    """
    from classifiers.engine import Engine, load_engine

    def engine(x: Path | Engine) -> Engine:
        return x if isinstance(x, Engine) else load_engine(Path(x))

    cand, cur = engine(candidate), engine(current)
    recs = [r for r in heldout if r.label in ("information", "behavior", "both")]
    if not recs:
        raise ValueError("no labelled held-out records to compare on")
    truth = [r.label or "" for r in recs]
    scores = []
    for eng in (cand, cur):
        pred = [d.label for d in eng.diagnose([r.record for r in recs])]
        scores.append((macro_f1(truth, pred), accuracy(truth, pred)))
    (cf, ca), (uf, ua) = scores
    return cf >= uf - tolerance and ca >= ua - tolerance


def read_labelled_jsonl(path: Path) -> list[LabelledRecord]:
    """Read a labelled JSONL file (seed data or feedback) with the shared record validator."""
    from classifiers.records import parse_record

    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(parse_record(json.loads(line)))
    return out
