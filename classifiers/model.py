"""The learned, calibrated combiner: logistic heads over the engine's signals, stored as plain arrays + JSON.

Two calibrated binary heads say whether the case has a behavior problem and whether it has an information
problem; "both" is their conjunction, so it needs no examples of its own to exist. Two multinomial heads name
the subtype within each kind. Inputs are the signal values (FEATURES), the rule cascade's verdict as one-hot
features (the learned part sits on top of the deterministic evidence) and, optionally, down-weighted
sentence embeddings of input and output. Gradient-boosted trees over the signals (`classifiers.trees`) may then
overrule the cascade's label where they are sure of another (`TREES_MAY_OVERRULE`).

A model directory holds `model.npz` (numbers only, loaded with allow_pickle=False) and `manifest.json`
(feature set, thresholds, calibration, training data hash, library versions, validation figures). Nothing
is unpickled, so loading a user-supplied directory cannot run code.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from classifiers.cascade import NOMINAL_CONFIDENCE, RULES, Verdict, decide
from classifiers.glossary import describe
from classifiers.records import BEHAVIOR_SUBTYPES, INFORMATION_SUBTYPES
from classifiers.signals import EMBEDDED, FEATURES, Signals
from classifiers.trees import PARAMS as TREE_PARAMS, TreeEnsemble

CASCADE_FEATURES: tuple[str, ...] = ("casc_behavior_conf", "casc_information_conf", "casc_both") + tuple(
    f"rule_{r}" for r in RULES) + tuple(f"casc_{s}" for s in BEHAVIOR_SUBTYPES + INFORMATION_SUBTYPES)
FORMAT_VERSION = 1


@dataclass(frozen=True)
class FeatureConfig:
    """Which inputs the combiner reads; written to the manifest so a model is always read as trained."""

    use_embeddings: bool = False
    """Append the input and output embeddings (2 x 384) to the signal features."""
    embedding_weight: float = 0.25
    """Scale of the embedding block after standardisation: under L2 a small scale keeps it a tie-breaker."""
    signal_weight: float = 0.0
    """Scale of the raw signal block after standardisation. 0 (the default) leaves the cascade's verdict as
    the only input to the label heads: leave-one-source-out, every weight above 0 lowered accuracy, because
    raw signal values (lengths, specificity) identify the source rather than the failure. Trained on the
    hand-written sets as well, the signals do carry to other hand-written sets (+0.03 to +0.04 accuracy on the
    700 never-read cases, with 29 sets read) but still cost the held-out benchmarks (llmbar 0.81 -> 0.62-0.63,
    worst source 0.50-0.58): `bench/combiner_choice.py`. The signals reach the label through the trees instead
    (`classifiers.trees`), which leave the rules that read a benchmark's own prior alone (`TREES_KEEP_RULES`)."""
    cascade_detail: bool = False
    """Also give the cascade's rule and subtype as one-hot features; off by default for the same reason (a
    rule seen in one source only gets no weight when that source is held out)."""

    def __post_init__(self) -> None:
        if not 0.0 < self.embedding_weight <= 1.0:
            raise ValueError("embedding_weight must be in (0, 1]")
        if not 0.0 <= self.signal_weight <= 1.0:
            raise ValueError("signal_weight must be in [0, 1]")


def feature_names(cfg: FeatureConfig) -> list[str]:
    names = list(FEATURES) + list(CASCADE_FEATURES)
    if cfg.use_embeddings:
        names += [f"emb_{t}_{i}" for t in EMBEDDED for i in range(384)]
    return names


def design_matrix(signals: Sequence[Signals], embeddings: Mapping[str, Any], cfg: FeatureConfig) -> np.ndarray:
    """Rows of raw (unstandardised) features for a batch, in `feature_names(cfg)` order."""
    rows = []
    for s in signals:
        vd = decide(s)
        casc = dict.fromkeys(CASCADE_FEATURES, 0.0)
        # The cascade's confidence signed by kind: "0.8 sure it is behavior" and "0.8 sure it is information"
        # must push the heads in opposite directions, whichever rules fired in the training sources.
        strength = NOMINAL_CONFIDENCE.get(vd.rule, vd.confidence)
        casc["casc_behavior_conf"] = strength if vd.label in ("behavior", "both") else 0.0
        casc["casc_information_conf"] = strength if vd.label in ("information", "both") else 0.0
        casc["casc_both"] = float(vd.label == "both")
        for sub in vd.subtypes:
            casc[f"casc_{sub}"] = 1.0
        casc[f"rule_{vd.rule}"] = 1.0
        rows.append(np.concatenate([s.vector(), np.array([casc[k] for k in CASCADE_FEATURES])]))
    x = np.vstack(rows) if rows else np.zeros((0, len(FEATURES) + len(CASCADE_FEATURES)))
    if cfg.use_embeddings:
        blocks = [np.asarray(embeddings[t], dtype=np.float64) for t in EMBEDDED]
        if any(b.shape[1] != 384 for b in blocks):
            raise ValueError("embedding features need the 384-dim MiniLM embedder, not a static table")
        x = np.hstack([x, *blocks])
    return x


SUBTYPE_VIEW = FeatureConfig(signal_weight=1.0, cascade_detail=True)
"""The subtype heads always read every signal and the cascade's subtype: naming the kind of failure within a
label is what the raw signals are good at, and a wrong subtype never changes the route."""


def scale_blocks(x: np.ndarray, cfg: FeatureConfig) -> np.ndarray:
    """Weight the standardised blocks: signals, cascade verdict, embeddings (in place, returned)."""
    n_sig, n_casc = len(FEATURES), len(CASCADE_FEATURES)
    x[:, :n_sig] *= cfg.signal_weight
    if not cfg.cascade_detail:
        x[:, n_sig + 3 : n_sig + n_casc] = 0.0
    if cfg.use_embeddings:
        x[:, n_sig + n_casc :] *= cfg.embedding_weight
    return x


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class Heads:
    """All numbers of a trained combiner (what model.npz stores)."""

    mean: np.ndarray
    scale: np.ndarray
    beh_coef: np.ndarray
    beh_intercept: float
    info_coef: np.ndarray
    info_intercept: float
    beh_platt: tuple[float, float]
    info_platt: tuple[float, float]
    beh_sub_classes: tuple[str, ...]
    beh_sub_coef: np.ndarray
    beh_sub_intercept: np.ndarray
    info_sub_classes: tuple[str, ...]
    info_sub_coef: np.ndarray
    info_sub_intercept: np.ndarray


def label_probabilities(p_beh: np.ndarray, p_info: np.ndarray) -> np.ndarray:
    """(n, 3) probabilities of behavior / information / both from the two heads.

    Every case is a known failure, so "neither" is ruled out. "both" takes the joint probability only where
    each head is more sure than not; the rest is shared between the two single kinds in proportion to their
    heads (so p_beh 0.45 vs p_info 0.55 reads as information at 0.55, not as a three-way coin toss).
    """
    both = np.where(np.minimum(p_beh, p_info) >= 0.5, p_beh * p_info, 0.0)
    total = p_beh + p_info
    safe = np.where(total > 1e-9, total, 1.0)
    share_b = np.where(total > 1e-9, p_beh / safe, 0.5)
    out = np.stack([share_b * (1 - both), (1 - share_b) * (1 - both), both], axis=1)
    return out


LABEL_ORDER = ("behavior", "information", "both")


Calibration = tuple[np.ndarray, np.ndarray]
"""An isotonic table: cascade confidences (increasing) and the share of training cases the cascade got right."""


def fit_cascade_calibration(confidence: np.ndarray, correct: np.ndarray) -> Calibration:
    """Isotonic map from the cascade's confidence to how often its label was right on the training cases."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(confidence, correct)
    return np.asarray(iso.X_thresholds_, dtype=np.float64), np.asarray(iso.y_thresholds_, dtype=np.float64)


RuleRecord = Mapping[str, tuple[int, int]]
"""Each cascade rule's track record on the training cases: (verdicts it gave, how many were right)."""

RULE_RECORD_PRIOR = 20.0
"""Pseudo-cases of the confidence table in a rule's track record: a rule seen a few times barely moves it."""


def fit_rule_record(verdicts: Sequence[Verdict], truth: Sequence[str]) -> dict[str, tuple[int, int]]:
    """How often each rule's label was right on the training cases (rules that never fired are absent)."""
    record: dict[str, list[int]] = {}
    for vd, t in zip(verdicts, truth):
        counts = record.setdefault(vd.rule, [0, 0])
        counts[0] += 1
        counts[1] += int(vd.label == t)
    return {rule: (n, right) for rule, (n, right) in sorted(record.items())}


def rule_capped(p: float, rule: str, record: RuleRecord | None) -> float:
    """`p` capped by the rule's track record, shrunk towards `p` by RULE_RECORD_PRIOR pseudo-cases.

    The confidence table pools rules by their stated confidence, and a rule that is exact on the benchmarks
    it was written against can be a coin toss on another team's failures (on the hand-written sets of other
    domains one rule at 0.92 was right 59% of the time). Only ever lowers: a rule's record caps its verdicts,
    never vouches for a weak one.
    """
    if not record or rule not in record:
        return p
    n, right = record[rule]
    return min(p, (right + RULE_RECORD_PRIOR * p) / (n + RULE_RECORD_PRIOR))


def capped_confidence(probs: np.ndarray, verdicts: Sequence[Verdict], certain: Sequence[bool],
                      calibration: Calibration | None = None, rule_record: RuleRecord | None = None) -> np.ndarray:
    """The confidence the review threshold reads: the cascade's where the heads agree with its label.

    The heads calibrate each rule as a whole, and leave-one-source-out that calibration did not tell right
    from wrong (a rule's reliability is set by whichever source dominates it, so holding that source out
    sent it wholesale to review: coverage 0.13 on halueval2 without optional fields). The cascade's
    confidence says how much evidence backs this one case (an information verdict reached only by finding no
    behavior problem in generic prose is weak), which carried over between sources (bench/loso.py
    --ship-sources: covered accuracy 0.958 at coverage 0.973, where the heads' confidence gave 0.927 at
    1.000). Where the heads overrule the cascade, and where a validator failed, their calibrated probability
    stands here (`LearnedCombiner.predict` then gives a failed validator the larger of it and the validator's
    confidence, capped by the validator's record). With a `calibration` table the cascade's confidence is
    read through it (same order, so the same cases go to review, but the number is a probability), then capped
    by the deciding rule's `rule_record` (see `rule_capped`).
    """
    conf = probs.max(axis=1).copy()
    for i, (vd, sure) in enumerate(zip(verdicts, certain)):
        if not sure and vd.label == LABEL_ORDER[int(np.argmax(probs[i]))]:
            p = vd.confidence if calibration is None else float(
                np.interp(vd.confidence, calibration[0], calibration[1]))
            conf[i] = rule_capped(p, vd.rule, rule_record)
    return conf


TREES_KEEP_RULES = frozenset({"fallback_information", "explanation_generic", "reference_fits_better"})
"""Verdicts the trees never overrule: the three rules that read a benchmark's own prior.

"A well-formed, on-task answer with no behavior problem found is information" (halueval2: 100 of 100), "a why/how
question answered without specifics is behavior" (haluquestqa) and "the reference fits the input better than
the output does" (llmbar) are right on the public benchmarks they were written from, and weak on the
hand-written sets of other domains that dominate the trees' training data (right there 0.79-0.84, 0.32-0.35 and
0.46-0.59 of the time). Allowed to overrule them, trees trained without the held-out benchmark overruled them
wholesale on it: leave-one-source-out accuracy fell to 0.59 on halueval2, 0.70 on haluquestqa and 0.66 on
llmbar, where the rules keep 0.97, 0.81 and 0.81 (bench/tree_override.py). Keeping them, the worst source stays
at 0.807 and the never-read hand-written sets still gain (0.824 -> 0.842).

They are kept only on a record that, like every record of those benchmarks, states no instructions and no
expected format (`Signals.instructed`). A record that does is of the hand-written kind, where these rules are
weakest (`fallback_information` is right on 183 of the 247 read cases that state either, 102 of the 153 with
instructions, against 545 of the 620 that state neither), and there the trees may overrule them. Trees and
cascade alone: grouped cross-validation over the read sets 0.8846 -> 0.8866, the never-read sets 0.8616 ->
0.8653, leave-one-source-out unchanged (bench/tree_override.py)."""
TREES_MIN_PROBABILITY = 0.5
"""The trees overrule the cascade only with a label they give at least this probability: below it their
choice among three labels is a near tie. Grouped cross-validation over the hand-written sets read chose it:
accuracy 0.880 at 0.5, 0.880 / 0.875 / 0.873 at 0.6 / 0.7 / 0.8, the rules alone 0.869 (bench/tree_override.py)."""


def kept_rule(rule: str, instructed: bool, keep: frozenset[str] = TREES_KEEP_RULES) -> bool:
    """Whether the trees must leave a verdict of this rule alone: a rule of `keep`, on a record that states no
    instructions and no expected format."""
    return rule in keep and not instructed


def trees_may_overrule(rule: str, certain: bool, cascade_label: str, tree_label: str, p: float,
                       keep: frozenset[str] = TREES_KEEP_RULES, min_p: float = TREES_MIN_PROBABILITY,
                       instructed: bool = False) -> bool:
    """Whether the trees' label (at probability `p`) replaces the cascade's: not on a kept rule (`kept_rule`), never
    information over a failed validator (its behavior fault is certain: only "both" or "behavior" may stand),
    and only when sure enough."""
    return (tree_label != cascade_label and not kept_rule(rule, instructed, keep) and p >= min_p
            and not (certain and tree_label == "information"))


def final_label(vd: Verdict, certain: bool, heads_label: str, heads_conf: float, p_info: float,
                tree_row: np.ndarray | None, record: RuleRecord | None,
                tree_confidence: bool, instructed: bool = False) -> tuple[str, float, bool]:
    """One case's label and confidence: the heads' reading, then the rules that keep the last word, then the trees.

    Returns (label, confidence, whether the trees overruled). With `tree_confidence` the confidence is the
    trees' probability of the final label whatever gave it: where they doubt a label but have no sure
    alternative, it is low, and the case goes to review (a failed validator's never does). A rule they must
    leave alone (`kept_rule`; `instructed` as `Signals.instructed`) keeps at least the trees'
    overruling bar: they may not overrule it by review either.
    """
    label, conf = heads_label, heads_conf
    if vd.rule == "abstained_payload" or (vd.label == "both" and not certain):
        # The validator failed only because the model said what it lacked instead of the payload; or the
        # cascade found a behavior fault and values that contradict the reference: a conjunction of two pieces
        # of evidence that the heads, trained on single-label cases, cannot weigh.
        label, conf = vd.label, rule_capped(max(conf, vd.confidence), vd.rule, record)
    elif certain:
        # A deterministic validator that failed keeps the last word: this is a behavior problem (and "both"
        # where the cascade also found the facts wrong or missing). The behavior is certain, the label less so:
        # its rule's record says how often the facts were wrong as well.
        label = "both" if vd.label == "both" or p_info >= 0.9 else "behavior"
        conf = rule_capped(max(conf, vd.confidence), vd.rule, record)
    overruled = False
    if tree_row is not None:
        k = int(np.argmax(tree_row))
        overruled = trees_may_overrule(vd.rule, certain, label, LABEL_ORDER[k], float(tree_row[k]),
                                       instructed=instructed)
        if overruled:
            label = LABEL_ORDER[k]
        if overruled or tree_confidence:
            conf = float(tree_row[LABEL_ORDER.index(label)])
            if not overruled and kept_rule(vd.rule, instructed):
                # The trees may not overrule these rules, so their doubt may not send the case to review either
                # (on the benchmark held out, it sent a tenth of the cases there, 94% of them right).
                conf = max(conf, TREES_MIN_PROBABILITY)
    return label, conf, overruled


class LearnedCombiner:
    """A trained combiner; `predict` turns a batch of signals into verdicts."""

    def __init__(self, heads: Heads, cfg: FeatureConfig, threshold: float, version: str,
                 manifest: dict[str, Any] | None = None, static_path: Path | None = None,
                 calibration: Calibration | None = None, rule_record: RuleRecord | None = None,
                 trees: TreeEnsemble | None = None, tree_confidence: bool = False,
                 kept_where_instructed: bool = False) -> None:
        self.trees = trees
        """Trees over the signals and the cascade's verdict that may overrule it (None: the cascade's label)."""
        self.kept_where_instructed = kept_where_instructed
        """Whether the trees leave `TREES_KEEP_RULES` alone on records that state instructions or a format too, as
        models trained before `kept_rule` looked at the record did (their manifests lack `kept_where_instructed`)."""
        self.tree_confidence = tree_confidence and trees is not None
        """Whether the confidence is the trees' probability of the final label (and the threshold was chosen on
        it), rather than the heads' reading capped by the rule's record."""
        self.calibration = calibration
        """Isotonic table over the cascade's confidence (None: read it as is)."""
        self.rule_record = dict(rule_record or {})
        """Each rule's track record on the training cases; caps the confidence of its verdicts."""
        self.heads = heads
        self.cfg = cfg
        self.threshold = threshold
        self.version = version
        self.manifest = manifest or {}
        self.static_path = static_path
        """The static embedding table the signals were computed with (None: the MiniLM transformer)."""

    def embedder(self) -> Any:
        """The embedder this model was trained with; diagnosing with another would shift every similarity."""
        if self.static_path is not None:
            from classifiers.static_embedding import StaticEmbedder

            return StaticEmbedder(self.static_path)
        from classifiers.embedding import default_embedder

        return default_embedder()

    def probabilities(self, x_raw: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Calibrated p(behavior problem), p(information problem), and the two subtype distributions."""
        h = self.heads
        z = (x_raw - h.mean) / h.scale
        x = scale_blocks(z.copy(), self.cfg)
        x_sub = scale_blocks(z, SUBTYPE_VIEW)
        zb = x @ h.beh_coef + h.beh_intercept
        zi = x @ h.info_coef + h.info_intercept
        p_beh = _sigmoid(h.beh_platt[0] * zb + h.beh_platt[1])
        p_info = _sigmoid(h.info_platt[0] * zi + h.info_platt[1])
        sub_b = _softmax(x_sub @ h.beh_sub_coef.T + h.beh_sub_intercept)
        sub_i = _softmax(x_sub @ h.info_sub_coef.T + h.info_sub_intercept)
        return p_beh, p_info, sub_b, sub_i

    def predict(self, signals: Sequence[Signals], embeddings: Mapping[str, Any]) -> list[Verdict]:
        if not signals:
            return []
        x_raw = design_matrix(signals, embeddings, self.cfg)
        p_beh, p_info, sub_b, sub_i = self.probabilities(x_raw)
        probs = label_probabilities(p_beh, p_info)
        verdicts = [decide(s) for s in signals]
        capped = capped_confidence(probs, verdicts, [s.certain is not None for s in signals], self.calibration,
                                   self.rule_record)
        n_base = len(FEATURES) + len(CASCADE_FEATURES)
        tree_p = None if self.trees is None else self.trees.probabilities(x_raw[:, :n_base])
        out = []
        for i, s in enumerate(signals):
            k = int(np.argmax(probs[i]))
            label, conf = LABEL_ORDER[k], float(capped[i])
            beh_sub = self.heads.beh_sub_classes[int(np.argmax(sub_b[i]))]
            info_sub = self.heads.info_sub_classes[int(np.argmax(sub_i[i]))]
            # The cascade names subtypes the training data may never have shown (e.g. retrieval_miss); its
            # subtype wins wherever its label agrees in kind with the combiner's.
            vd = verdicts[i]
            beh_sub = next((x for x in vd.subtypes if x in BEHAVIOR_SUBTYPES), beh_sub)
            info_sub = next((x for x in vd.subtypes if x in INFORMATION_SUBTYPES), info_sub)
            reason = (f"{vd.reason}; learned combiner: p(behavior problem)={p_beh[i]:.2f}, "
                      f"p(information problem)={p_info[i]:.2f}")
            if s.certain is not None and vd.rule != "abstained_payload":
                # The failed validator names the behavior fault.
                beh_sub = next((x for x in vd.subtypes if x in BEHAVIOR_SUBTYPES), s.certain[1])
            label, conf, overruled = final_label(vd, s.certain is not None, label, conf, float(p_info[i]),
                                                 None if tree_p is None else tree_p[i], self.rule_record,
                                                 self.tree_confidence,
                                                 s.instructed and not self.kept_where_instructed)
            if overruled:
                reason += f"; trees over the signals overrule the rules: {label} at {conf:.2f}"
                reason += self._tree_basis(x_raw[i, :n_base], label)
            elif self.tree_confidence:
                reason += f"; trees over the signals give it p={conf:.2f}"
            if conf < self.threshold and s.certain is None:  # a failed validator is never sent to review
                if self.tree_confidence and tree_p is not None:
                    # For the person who reviews it: where the trees lean, and on what.
                    lean = LABEL_ORDER[int(np.argmax(tree_p[i]))]
                    reason += f"; they lean to {lean} at {float(np.max(tree_p[i])):.2f}"
                    reason += self._tree_basis(x_raw[i, :n_base], lean)
                out.append(Verdict("unknown", (), round(conf, 4), f"confidence {conf:.2f} below threshold "
                                   f"{self.threshold:.2f}; {reason}"))
                continue
            subs = {"behavior": (beh_sub,), "information": (info_sub,), "both": (beh_sub, info_sub)}[label]
            out.append(Verdict(label, subs, round(conf, 4), reason))
        return out

    def _tree_basis(self, row: np.ndarray, label: str, top: int = 3) -> str:
        """What the trees' `label` rests on, for a person reading an overruled or a reviewed case: the signals that
        moved its raw score most above the other labels', in words with their names (", resting most on: a
        correctness check failed: yes [check_fact +0.46], ... (log-odds toward information)")."""
        assert self.trees is not None
        params = (self.manifest.get("trees") or {}).get("params") or TREE_PARAMS
        moved = self.trees.contributions(row, float(params["learning_rate"]))
        toward = moved[:, LABEL_ORDER.index(label)] - moved.mean(axis=1)
        names = (*FEATURES, *CASCADE_FEATURES)
        best = [int(j) for j in np.argsort(-toward, kind="stable")[:top] if toward[j] > 0]
        if not best:
            return ""
        return ", resting most on: " + ", ".join(f"{describe(names[j], row[j])} [{names[j]} {toward[j]:+.2f}]"
                                                 for j in best) + f" (log-odds toward {label})"

    # -- storage ---------------------------------------------------------------------------------------------
    def save(self, out_dir: Path, extra_manifest: Mapping[str, Any] | None = None) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        h = self.heads
        arrays: dict[str, Any] = {
            "mean": h.mean, "scale": h.scale, "beh_coef": h.beh_coef, "info_coef": h.info_coef,
            "beh_sub_coef": h.beh_sub_coef, "beh_sub_intercept": h.beh_sub_intercept,
            "info_sub_coef": h.info_sub_coef, "info_sub_intercept": h.info_sub_intercept}
        if self.trees is not None:
            arrays.update({f"tree_{k}": v for k, v in self.trees.arrays().items()})
        np.savez(out_dir / "model.npz", **arrays)
        if self.static_path is not None:
            target = out_dir / "static.npz"
            if self.static_path.resolve() != target.resolve():
                shutil.copyfile(self.static_path, target)
            self.static_path = target
        manifest = dict(self.manifest)
        manifest.update(extra_manifest or {})
        manifest.update({
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "feature_config": asdict(self.cfg),
            "features": feature_names(self.cfg)[: len(FEATURES) + len(CASCADE_FEATURES)],
            "embedded_texts": list(EMBEDDED) if self.cfg.use_embeddings else [],
            "threshold": self.threshold,
            "beh_intercept": h.beh_intercept,
            "info_intercept": h.info_intercept,
            "beh_platt": list(h.beh_platt),
            "info_platt": list(h.info_platt),
            "beh_sub_classes": list(h.beh_sub_classes),
            "info_sub_classes": list(h.info_sub_classes),
            "embedder_file": "static.npz" if self.static_path is not None else None,
            "cascade_calibration": None if self.calibration is None else {
                "confidence": self.calibration[0].tolist(), "p_correct": self.calibration[1].tolist()},
            "rule_record": {rule: {"n": n, "right": right} for rule, (n, right) in sorted(self.rule_record.items())},
            "trees": None if self.trees is None else {
                "iterations": int(self.trees.roots.shape[0]), "nodes": int(len(self.trees.value)),
                "params": TREE_PARAMS, "keep_rules": sorted(TREES_KEEP_RULES),
                "min_probability": TREES_MIN_PROBABILITY, "confidence": self.tree_confidence,
                "kept_where_instructed": self.kept_where_instructed},
        })
        self.manifest = manifest
        (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, model_dir: Path) -> LearnedCombiner:
        """Load a model directory written by `save`; validates shapes against the manifest.

        Raises:
            ValueError: the directory is from another format version or its arrays do not fit.
        """
        manifest = json.loads((model_dir / "manifest.json").read_text())
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{model_dir}: unsupported model format {manifest.get('format_version')!r}")
        cfg = FeatureConfig(**manifest["feature_config"])
        names = feature_names(cfg)
        if manifest["features"] != names[: len(FEATURES) + len(CASCADE_FEATURES)]:
            raise ValueError(f"{model_dir}: trained on a different feature set than this engine computes")
        with np.load(model_dir / "model.npz", allow_pickle=False) as z:
            arrays = {k: np.asarray(z[k], dtype=np.float64) for k in z.files}
        n = len(names)
        for key in ("mean", "scale", "beh_coef", "info_coef"):
            if arrays[key].shape != (n,):
                raise ValueError(f"{model_dir}: {key} has shape {arrays[key].shape}, expected ({n},)")
        heads = Heads(
            mean=arrays["mean"], scale=arrays["scale"],
            beh_coef=arrays["beh_coef"], beh_intercept=float(manifest["beh_intercept"]),
            info_coef=arrays["info_coef"], info_intercept=float(manifest["info_intercept"]),
            beh_platt=(float(manifest["beh_platt"][0]), float(manifest["beh_platt"][1])),
            info_platt=(float(manifest["info_platt"][0]), float(manifest["info_platt"][1])),
            beh_sub_classes=tuple(manifest["beh_sub_classes"]), beh_sub_coef=arrays["beh_sub_coef"],
            beh_sub_intercept=arrays["beh_sub_intercept"],
            info_sub_classes=tuple(manifest["info_sub_classes"]), info_sub_coef=arrays["info_sub_coef"],
            info_sub_intercept=arrays["info_sub_intercept"],
        )
        if heads.beh_sub_coef.shape != (len(heads.beh_sub_classes), n):
            raise ValueError(f"{model_dir}: behavior subtype head does not fit the feature set")
        if heads.info_sub_coef.shape != (len(heads.info_sub_classes), n):
            raise ValueError(f"{model_dir}: information subtype head does not fit the feature set")
        from classifiers.cascade import REVISION

        if manifest.get("cascade_revision", REVISION) != REVISION:
            # The model calibrated another revision of the rules: its confidences would not mean what they say.
            raise ValueError(f"{model_dir}: trained on cascade revision {manifest.get('cascade_revision')}, "
                             f"this engine runs revision {REVISION}")
        static = manifest.get("embedder_file")
        if static is not None and (static != "static.npz" or not (model_dir / static).is_file()):
            raise ValueError(f"{model_dir}: embedder file {static!r} missing")
        calib = manifest.get("cascade_calibration")
        table = None
        if calib is not None:
            xs = np.asarray(calib["confidence"], dtype=np.float64)
            ys = np.asarray(calib["p_correct"], dtype=np.float64)
            if xs.shape != ys.shape or xs.ndim != 1 or not len(xs) or np.any(np.diff(xs) < 0):
                raise ValueError(f"{model_dir}: cascade_calibration is not an increasing table")
            table = (xs, ys)
        record: dict[str, tuple[int, int]] = {}
        for rule, entry in (manifest.get("rule_record") or {}).items():
            seen, right = (entry.get("n"), entry.get("right")) if isinstance(entry, dict) else (None, None)
            if rule not in RULES or not isinstance(seen, int) or not isinstance(right, int) or not 0 <= right <= seen:
                raise ValueError(f"{model_dir}: rule_record entry {rule!r} is not a known rule with 0 <= right <= n")
            record[rule] = (seen, right)
        trees = None
        if manifest.get("trees") is not None:
            try:
                trees = TreeEnsemble.from_arrays({k[5:]: v for k, v in arrays.items() if k.startswith("tree_")})
            except ValueError as exc:
                raise ValueError(f"{model_dir}: {exc}") from None
            if trees.n_features_used() > len(FEATURES) + len(CASCADE_FEATURES):
                raise ValueError(f"{model_dir}: the trees read features this engine does not compute")
        tree_confidence = trees is not None and manifest["trees"].get("confidence", False) is True
        kept_where_instructed = trees is not None and manifest["trees"].get("kept_where_instructed", True) is True
        return cls(heads, cfg, float(manifest["threshold"]), str(manifest["version"]), manifest,
                   model_dir / static if static else None, table, record, trees, tree_confidence,
                   kept_where_instructed)
