"""A learned reading of harmful requests: TF-IDF word uni- and bigrams of the prompt, logistic regression.

The phrase tables in `language` name the requests they have seen ("backdate the invoice", "so the auditors don't
notice"); new wording slips past them. This head reads the prompt's words as a whole: a brute-force tool aimed
at a competitor's login page, a PIP written to push out a pregnant employee, a phishing page on a lookalike
domain. It is trained on the hand-written sets in `bench/data` whose errors have been read (never on the shared
benchmark data, so leave-one-source-out stays honest), with `bench/train_harm_head.py`.

The shipped head is plain arrays (`models/harm.npz`: vocabulary, idf, weights, bias; loaded without pickle).
Its transform is sklearn's `TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)` rewritten in a few lines,
so scoring needs no sklearn and costs one tokenisation per prompt.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

THRESHOLD = 0.8
"""Probability from which a prompt reads as a harmful request (precision 0.93, recall 0.66 in grouped
cross-validation over the read sets when it was chosen; see `bench/train_harm_head.py`)."""

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # sklearn's default token pattern
MAX_CHARS = 4000
"""Only the prompt's opening is read: a pasted document after the request is not the request."""


def _terms(text: str) -> Counter[str]:
    words = _TOKEN.findall(text[:MAX_CHARS].lower())
    return Counter(words + [f"{a} {b}" for a, b in zip(words, words[1:])])


@dataclass(frozen=True)
class HarmHead:
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    bias: float

    def vector(self, text: str) -> np.ndarray:
        """The prompt's TF-IDF vector: sublinear term frequency times idf, L2-normalised."""
        x = np.zeros(len(self.vocabulary))
        for term, n in _terms(text).items():
            j = self.vocabulary.get(term)
            if j is not None:
                x[j] = (1.0 + math.log(n)) * self.idf[j]
        norm = float(np.linalg.norm(x))
        return x / norm if norm else x

    def probability(self, text: str) -> float:
        """How likely the prompt asks for something harmful (0..1): `vector(text) @ weights + bias`, summed over
        the prompt's own terms only."""
        found = [(j, (1.0 + math.log(n)) * float(self.idf[j])) for term, n in _terms(text).items()
                 if (j := self.vocabulary.get(term)) is not None]
        norm = math.sqrt(sum(x * x for _, x in found))
        z = self.bias + (sum(float(self.weights[j]) * x for j, x in found) / norm if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-z))

    def save(self, path: Path) -> None:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(path, terms=np.array(terms, dtype=str), idf=self.idf, weights=self.weights,
                            bias=np.array([self.bias]))

    @classmethod
    def load(cls, path: Path) -> HarmHead:
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            idf, weights, bias = z["idf"], z["weights"], float(z["bias"][0])
        if not (len(terms) == len(idf) == len(weights)):
            raise ValueError(f"{path}: vocabulary, idf and weights differ in length")
        return cls({t: i for i, t in enumerate(terms)}, idf, weights, bias)


def fit(prompts: Sequence[str], harmful: Sequence[bool], c: float = 4.0) -> HarmHead:
    """Train a head: sklearn fits the vectoriser and the regression, the head keeps their arrays."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    x = vec.fit_transform([p[:MAX_CHARS] for p in prompts])
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, np.asarray(harmful, dtype=int))
    vocabulary = {str(t): int(i) for t, i in vec.vocabulary_.items()}
    return HarmHead(vocabulary, np.asarray(vec.idf_, dtype=np.float64), model.coef_[0].astype(np.float64),
                    float(model.intercept_[0]))


HEAD_FILE = "harm.npz"


@lru_cache(maxsize=1)
def shipped_head() -> HarmHead | None:
    """The head shipped in the package, or None where it is absent (then only the phrase tables speak)."""
    path = Path(str(resources.files("classifiers") / "models" / HEAD_FILE))
    return HarmHead.load(path) if path.is_file() else None
