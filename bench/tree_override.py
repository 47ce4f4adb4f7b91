"""May gradient-boosted trees over the signals overrule the rule cascade, and where?

The combiner's label heads read only the cascade's verdict, so the shipped label is the cascade's. This script
fits the trees of `classifiers.trees` (on the signals and the cascade's verdict, the features the shipped model
gives them) and scores three policies, each at several minimum probabilities, against the cascade's label alone
(what the heads reproduce):

- the trees overrule every verdict they disagree with;
- the trees overrule every verdict but those of `TREES_KEEP_RULES`, wherever the record comes from;
- the same, but the trees may overrule those rules too on a record that states instructions or an expected format
  (`classifiers.model.kept_rule`; shipped). A failed validator is never overruled to information in any policy.

on three kinds of held-out data:

- grouped 5-fold cross-validation over the hand-written sets already read (each fold holds out whole sets;
  the trees train on the other read sets plus the trainable shared sources): what chose the parameters;
- leave-one-source-out over the shared data (the trees train on every read set and the other trainable
  shared sources), the issue's per-source target;
- the never-read hand-written sets (trained on everything read), aggregates only.

It then reads the shipped policy's confidence, the held-out trees' probability of the final label (at least
their overruling bar on a rule they may not overrule): how well it ranks right labels above wrong ones (AUROC),
its calibration (ECE), and what a review threshold would send to review and how often those cases were right.

Last, a learning curve: the shipped policy on the never-read sets with trees trained on a random share of the
read sets (two draws per share; the trainable shared sources always): whether more hand-written sets of the
same kind would still help the trees, or only new evidence would.

    python bench/tree_override.py      # about 2 minutes on 2 cores; writes bench/results/tree_override.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cache import READ_SETS, RESULTS  # noqa: E402
from bench._trees import NEVER_READ, tree_data  # noqa: E402
from classifiers.evaluation import reliability  # noqa: E402
from classifiers.model import LABEL_ORDER, TREES_KEEP_RULES, TREES_MIN_PROBABILITY, final_label  # noqa: E402
from classifiers.trees import fit_trees  # noqa: E402

MIN_PROBABILITIES = (0.5, 0.6, 0.7, 0.8)
CURVE_SHARES = (0.25, 0.5, 0.75)
REVIEW_THRESHOLDS = (0.4, 0.5, 0.55)
POLICIES = {"trees overrule any rule": (frozenset(), False),
            "trees keep TREES_KEEP_RULES everywhere": (TREES_KEEP_RULES, False),
            "keep them where uninstructed (shipped)": (TREES_KEEP_RULES, True)}
"""Policy name -> (the rules the trees leave alone, whether only on records that state no instructions or format)."""


def main() -> int:
    data = tree_data()
    x, y, verdicts, cascade, certain, instructed = (data.x, data.y, data.verdicts, data.cascade, data.certain,
                                                    data.instructed)
    group, sources, trainable, is_read, never = data.group, data.sources, data.trainable, data.is_read, data.never

    def tree_probs(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        trees = fit_trees(x[train], y[train])
        assert trees is not None
        return trees.probabilities(x[test])

    # Out-of-sample tree probabilities for every case once; the policies only read them.
    probs = np.zeros((len(y), 3))
    read_names = np.array(READ_SETS)
    for k in range(5):
        held = np.isin(group, read_names[k::5])
        probs[held] = tree_probs(trainable & ~held, held)
    for src in sources:
        held = group == src
        probs[held] = tree_probs(trainable & ~held, held)
    held = group == NEVER_READ
    probs[held] = tree_probs(trainable, held)

    def labels(keep: frozenset[str], min_p: float, p: np.ndarray = probs,
               cases: np.ndarray = np.arange(len(y)), conditional: bool = True) -> np.ndarray:
        """The final labels of `cases` (all by default) under a policy, given the trees' probabilities `p` of them."""
        return data.policy_labels(p, cases, keep, min_p, conditional)

    def row(name: str, pred: np.ndarray) -> dict[str, object]:
        loso = {s: float(np.mean(pred[group == s] == y[group == s])) for s in sources}
        shared_mask = np.isin(group, sources)
        return {"policy": name, "cv_read_accuracy": float(np.mean(pred[is_read] == y[is_read])),
                "never_read_accuracy": float(np.mean(pred[held] == y[held])),
                "loso_pooled_accuracy": float(np.mean(pred[shared_mask] == y[shared_mask])),
                "loso_worst": min(loso.values()), "loso_worst_source": min(loso, key=loso.__getitem__),
                "loso_per_source": loso}

    rows = [row("cascade label (no trees)", cascade)]
    for name, (keep, conditional) in POLICIES.items():
        for min_p in MIN_PROBABILITIES:
            rows.append(row(f"{name}, p >= {min_p}", labels(keep, min_p, conditional=conditional)))
    # The shipped policy's confidence: the held-out trees' probability of the final label. How well it ranks
    # right labels above wrong ones, how well it is calibrated, and what a review threshold would take.
    # (`final_label` as the shipped combiner calls it; the heads' reading is the cascade's, as on the shipped model,
    # and their p(information problem) follows it.)
    final = [final_label(v, bool(certain[i]), v.label, v.confidence, float(v.label != "behavior"), probs[i], None,
                         True, bool(instructed[i])) for i, v in enumerate(verdicts)]
    shipped = np.array([LABEL_ORDER.index(label) for label, _, _ in final])
    conf = np.array([c for _, c, _ in final])
    right = shipped == y
    confidence = []
    for name, mask in (("read sets (5 grouped folds)", is_read), ("never-read sets", held),
                       ("shared data (leave-one-source-out)", np.isin(group, sources))):
        entry: dict[str, object] = {"data": name, "n": int(mask.sum()), "accuracy": float(right[mask].mean()),
                                    "auroc": float(roc_auc_score(right[mask], conf[mask])),
                                    "ece": reliability(list(right[mask]), list(conf[mask]))["ece"]}
        for t in REVIEW_THRESHOLDS:
            review = mask & (conf < t) & ~certain  # a failed validator is never sent to review
            entry[f"review_below_{t}"] = {"share": float(review.sum() / mask.sum()),
                                          "right_in_review": float(right[review].mean()) if review.any() else None,
                                          "covered_accuracy": float(right[mask & ~review].mean())}
        confidence.append(entry)
    # The learning curve: never-read accuracy of the shipped policy, trees fitted on a share of the read sets.
    curve = []
    rng = np.random.default_rng(0)
    for share in (*CURVE_SHARES, 1.0):
        draws = []
        for _ in range(1 if share == 1.0 else 2):
            kept_sets = rng.permutation(read_names)[: max(1, round(share * len(read_names)))]
            train = trainable & (~is_read | np.isin(group, kept_sets))
            pred = labels(TREES_KEEP_RULES, TREES_MIN_PROBABILITY, tree_probs(train, held), np.flatnonzero(held))
            draws.append({"train_cases": int(train.sum()), "never_read_accuracy": float(np.mean(pred == y[held]))})
        curve.append({"share_of_read_sets": share, "draws": draws})
    print(f"read sets: {int(is_read.sum())} cases in 5 grouped folds; never-read: {int(held.sum())} cases in "
          f"{len(never)} sets; shared: {data.n_shared} cases in {len(sources)} sources")
    print(f"{'policy':<50}{'CV read':>9}{'never-read':>12}{'LOSO pooled':>13}{'LOSO worst':>26}")
    for r in rows:
        worst = f"{r['loso_worst']:.3f} ({r['loso_worst_source']})"
        print(f"{r['policy']:<50}{r['cv_read_accuracy']:>9.4f}{r['never_read_accuracy']:>12.4f}"
              f"{r['loso_pooled_accuracy']:>13.3f}{worst:>26}")
    print(f"\nconfidence = the trees' probability of the shipped label (p >= {TREES_MIN_PROBABILITY})")
    print(f"{'held out':<36}{'n':>7}{'accuracy':>10}{'AUROC':>8}{'ECE':>7}" +
          "".join(f"{'p<' + str(t) + ': review / right':>23}" for t in REVIEW_THRESHOLDS))
    for e in confidence:
        cells = ""
        for t in REVIEW_THRESHOLDS:
            at_t: dict[str, float | None] = e[f"review_below_{t}"]  # type: ignore[assignment]
            right_there = "-" if at_t["right_in_review"] is None else f"{at_t['right_in_review']:.2f}"
            cells += f"{at_t['share']:>16.3f} / {right_there:>4}"
        print(f"{e['data']:<36}{e['n']:>7}{e['accuracy']:>10.4f}{e['auroc']:>8.3f}{e['ece']:>7.3f}{cells}")
    print("\nlearning curve: the shipped policy on the never-read sets, trees fitted on a share of the read sets")
    print(f"{'share of read sets':<22}{'training cases':>16}{'never-read accuracy':>22}")
    for c in curve:
        fits: list[dict[str, float]] = c["draws"]  # type: ignore[assignment]
        cases = " / ".join(str(d["train_cases"]) for d in fits)
        accuracies = " / ".join(f"{d['never_read_accuracy']:.4f}" for d in fits)
        print(f"{c['share_of_read_sets']:<22}{cases:>16}{accuracies:>22}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "tree_override.json"
    out.write_text(json.dumps({"read_sets": READ_SETS, "never_read_sets": never, "rows": rows,
                               "confidence": confidence, "learning_curve": curve}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
