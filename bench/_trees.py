"""What the benchmarks of the trees read: every labelled case once, its signals and the cascade's verdict.

`bench/tree_override.py` (may the trees overrule the rules, and where) and `bench/tree_params.py` (which parameters)
fit the trees of `classifiers.trees` on the same features the shipped model gives them and score the same policy.

    data = tree_data()
    labels = data.policy_labels(probabilities, cases)     # the shipped overruling policy
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench._cache import NEVER_READ_SETS, READ_SETS, read, signals
from classifiers.cascade import Verdict, decide
from classifiers.engine import shipped_embedder
from classifiers.model import (
    CASCADE_FEATURES, LABEL_ORDER, TREES_KEEP_RULES, TREES_MIN_PROBABILITY, FeatureConfig, design_matrix,
    trees_may_overrule)
from classifiers.signals import FEATURES
from classifiers.training import EVAL_ONLY_SOURCES

DATA = Path(__file__).resolve().parent / "data"
NEVER_READ = "never-read"


@dataclass(frozen=True)
class TreeData:
    """The shared data, then the read sets, then the never-read sets, one row per case."""

    x: np.ndarray  # the trees' features: the signals and the cascade's verdict
    y: np.ndarray  # the true label, as an index into LABEL_ORDER
    verdicts: list[Verdict]
    cascade: np.ndarray  # the cascade's label, as an index
    certain: np.ndarray  # a failed validator decided
    instructed: np.ndarray  # the record states instructions or an expected format
    group: np.ndarray  # the shared data's source, the read set's name, or NEVER_READ
    sources: list[str]  # the shared data's sources
    trainable: np.ndarray  # what the shipped model trains on: the read sets and the trainable sources
    is_read: np.ndarray
    never: list[str]  # the never-read sets found
    n_shared: int

    def policy_labels(self, p: np.ndarray, cases: np.ndarray, keep: frozenset[str] = TREES_KEEP_RULES,
                      min_p: float = TREES_MIN_PROBABILITY, conditional: bool = True) -> np.ndarray:
        """The final labels of `cases` under an overruling policy, given the trees' probabilities `p` of them
        (the shipped one by default; `conditional`: keep `keep` only where a record states no instructions)."""
        out = self.cascade[cases].copy()
        for j, i in enumerate(cases):
            k = int(np.argmax(p[j]))
            if trees_may_overrule(self.verdicts[i].rule, bool(self.certain[i]), LABEL_ORDER[self.cascade[i]],
                                  LABEL_ORDER[k], float(p[j, k]), keep, min_p,
                                  conditional and bool(self.instructed[i])):
                out[j] = k
        return out


def tree_data() -> TreeData:
    shared = read()
    read_sets = {n: read(DATA / f"{n}.jsonl") for n in READ_SETS}
    never = [n for n in NEVER_READ_SETS if (DATA / f"{n}.jsonl").is_file()]
    never_recs = [r for n in never for r in read(DATA / f"{n}.jsonl")]
    recs = shared + [r for n in READ_SETS for r in read_sets[n]] + never_recs
    sigs, embs = signals(recs, shipped_embedder())  # type: ignore[arg-type]
    verdicts = [decide(s) for s in sigs]
    group = np.array([r.record.metadata.get("source", "?") for r in shared]
                     + [n for n in READ_SETS for _ in read_sets[n]] + [NEVER_READ] * len(never_recs))
    sources = sorted(set(group[: len(shared)]))
    return TreeData(
        x=design_matrix(sigs, embs, FeatureConfig())[:, : len(FEATURES) + len(CASCADE_FEATURES)],
        y=np.array([LABEL_ORDER.index(r.label or "") for r in recs]),
        verdicts=verdicts,
        cascade=np.array([LABEL_ORDER.index(v.label) for v in verdicts]),
        certain=np.array([s.certain is not None for s in sigs]),
        instructed=np.array([s.instructed for s in sigs]),
        group=group, sources=sources,
        trainable=np.array([g in READ_SETS or (g in sources and g not in EVAL_ONLY_SOURCES) for g in group]),
        is_read=np.isin(group, READ_SETS), never=never, n_shared=len(shared))
