"""Passage retrieval: BM25 (three engines), embedding search and hybrid reciprocal-rank fusion.

Pure index code: no store, no server. The corpus part of the server keeps one `KeywordIndex` and one
`VectorIndex` per named corpus and feeds them from its SQLite tables; the retrieval-diagnosis refiner and
the benchmarks search them.

BM25 engines, all scoring the same Okapi variant (k1, b, Robertson idf) so their rankings agree:

- `rank_bm25`: the reference implementation (`rank_bm25.BM25Okapi`). It has no incremental update, so the
  index is rebuilt lazily on the first search after a change: fine for a few thousand passages.
- `bm25s`: sparse-matrix BM25 (`bm25s.BM25(method="robertson")`), fast to query, also rebuilt lazily.
- `inverted`: an incremental inverted index written here (append-only postings with tombstones, global
  statistics kept as counters, compaction when half the slots are dead). Upserts cost O(tokens), never a
  rebuild, which is what the server needs at 100k-1M passages.

Negative idf (a term in more than half the passages) is floored differently by rank_bm25 (eps * mean idf)
and bm25s (0); `inverted` follows rank_bm25. Stop words are dropped by `tokenize`, so this rarely matters.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

BM25_ENGINES = ("rank_bm25", "bm25s", "inverted")
RETRIEVERS = ("bm25", "embedding", "hybrid")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours yourself
    yourselves s t don wasn weren""".split()
)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stop words; a trailing plural `s` is cut so `months` meets `month`."""
    out = []
    for tok in _TOKEN.findall(text.lower()):
        if tok in STOPWORDS:
            continue
        if len(tok) > 4 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        out.append(tok)
    return out


@dataclass(frozen=True)
class BM25Params:
    """The Okapi BM25 constants every engine uses."""

    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    """rank_bm25's floor for negative idf, as a fraction of the mean idf."""


class KeywordIndex(Protocol):
    """A BM25 index over string keys; `add` of a known key replaces it."""

    engine: str

    def add(self, keys: Sequence[str], docs: Sequence[Sequence[str]]) -> None: ...

    def remove(self, keys: Iterable[str]) -> None: ...

    def search(self, query: Sequence[str], k: int) -> list[tuple[str, float]]: ...

    def __len__(self) -> int: ...


class _RebuildingIndex:
    """Shared part of the two library engines: keep the token lists, rebuild on the next search."""

    engine = ""

    def __init__(self, params: BM25Params | None = None):
        self.params = params or BM25Params()
        self._docs: dict[str, list[str]] = {}
        self._keys: list[str] = []
        self._model: Any = None
        self._lock = threading.Lock()

    def add(self, keys: Sequence[str], docs: Sequence[Sequence[str]]) -> None:
        with self._lock:
            for key, doc in zip(keys, docs):
                self._docs[key] = list(doc)
            self._model = None

    def remove(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._docs.pop(key, None)
            self._model = None

    def __len__(self) -> int:
        return len(self._docs)

    def _ensure(self) -> Any:
        with self._lock:
            if self._model is None and self._docs:
                self._keys = list(self._docs)
                self._model = self._build([self._docs[k] for k in self._keys])
            return self._model

    def _build(self, docs: list[list[str]]) -> Any:
        raise NotImplementedError


class RankBM25Index(_RebuildingIndex):
    """rank_bm25.BM25Okapi: the reference scores; O(N) per query term, rebuilt after each change."""

    engine = "rank_bm25"

    def _build(self, docs: list[list[str]]) -> Any:
        from rank_bm25 import BM25Okapi

        # rank_bm25 divides by zero on an all-empty corpus; an empty passage still counts as a document.
        return BM25Okapi(docs, k1=self.params.k1, b=self.params.b, epsilon=self.params.epsilon)

    def search(self, query: Sequence[str], k: int) -> list[tuple[str, float]]:
        model = self._ensure()
        if model is None or not query:
            return []
        scores = model.get_scores(list(query))
        return _top(scores, k, self._keys)


class BM25sIndex(_RebuildingIndex):
    """bm25s with the Robertson variant: a sparse score matrix, fast queries, rebuilt after each change."""

    engine = "bm25s"

    def _build(self, docs: list[list[str]]) -> Any:
        import bm25s

        model = bm25s.BM25(method="robertson", k1=self.params.k1, b=self.params.b)
        model.index(docs, show_progress=False)
        return model

    def search(self, query: Sequence[str], k: int) -> list[tuple[str, float]]:
        model = self._ensure()
        known = [t for t in query if t in model.vocab_dict] if model is not None else []
        if not known:
            return []
        scores = model.get_scores(known)
        return _top(scores, k, self._keys)


class InvertedBM25:
    """Incremental Okapi BM25 (rank_bm25's variant): append-only postings, tombstones, live statistics."""

    engine = "inverted"

    def __init__(self, params: BM25Params | None = None):
        self.params = params or BM25Params()
        self._lock = threading.RLock()
        self._vocab: dict[str, int] = {}
        self._post_slot: list[array] = []
        self._post_tf: list[array] = []
        self._df = np.zeros(1024, dtype=np.int64)
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._slot_key: list[str | None] = []
        self._slot_terms: list[array] = []
        self._slot_tfs: list[array] = []
        self._key_slot: dict[str, int] = {}
        self._len = np.zeros(1024, dtype=np.float32)
        self._alive = np.zeros(1024, dtype=bool)
        self._total_len = 0.0
        self._n_alive = 0
        self._avg_idf: float | None = None

    def __len__(self) -> int:
        return self._n_alive

    def add(self, keys: Sequence[str], docs: Sequence[Sequence[str]]) -> None:
        with self._lock:
            self._remove_locked([k for k in keys if k in self._key_slot])
            for key, doc in zip(keys, docs):
                self._append(key, doc)
            self._avg_idf = None

    def remove(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._remove_locked(list(keys))
            self._avg_idf = None
            dead = len(self._slot_key) - self._n_alive
            if dead > 1000 and dead > self._n_alive:
                self._compact()

    def _append(self, key: str, doc: Sequence[str]) -> None:
        counts: dict[int, int] = {}
        vocab = self._vocab
        for tok in doc:
            tid = vocab.get(tok)
            if tid is None:
                tid = vocab[tok] = len(vocab)
                self._post_slot.append(array("i"))
                self._post_tf.append(array("f"))
            counts[tid] = counts.get(tid, 0) + 1
        slot = len(self._slot_key)
        self._grow(slot + 1, len(vocab))
        terms = array("i", counts.keys())
        tfs = array("f", counts.values())
        for tid, tf in counts.items():
            self._post_slot[tid].append(slot)
            self._post_tf[tid].append(tf)
            self._cache.pop(tid, None)
        self._df[np.frombuffer(terms, dtype=np.int32)] += 1
        self._slot_key.append(key)
        self._slot_terms.append(terms)
        self._slot_tfs.append(tfs)
        self._key_slot[key] = slot
        self._len[slot] = len(doc)
        self._alive[slot] = True
        self._total_len += len(doc)
        self._n_alive += 1

    def _grow(self, n_slots: int, n_terms: int) -> None:
        if n_slots > len(self._len):
            size = max(n_slots, 2 * len(self._len))
            self._len = np.resize(self._len, size)
            alive = np.zeros(size, dtype=bool)
            alive[: len(self._alive)] = self._alive
            self._alive = alive
        if n_terms > len(self._df):
            df = np.zeros(max(n_terms, 2 * len(self._df)), dtype=np.int64)
            df[: len(self._df)] = self._df
            self._df = df

    def _remove_locked(self, keys: list[str]) -> None:
        for key in keys:
            slot = self._key_slot.pop(key, None)
            if slot is None:
                continue
            # Postings keep the dead slot (masked by _alive at query time); only the counters change.
            self._df[np.frombuffer(self._slot_terms[slot], dtype=np.int32)] -= 1
            self._alive[slot] = False
            self._slot_key[slot] = None
            self._total_len -= float(self._len[slot])
            self._n_alive -= 1

    def _compact(self) -> None:
        """Rebuild postings from the live slots only; called when dead slots outnumber live ones."""
        live = [(self._slot_key[s], self._slot_terms[s], self._slot_tfs[s], self._len[s])
                for s in range(len(self._slot_key)) if self._alive[s]]
        inv = {tid: tok for tok, tid in self._vocab.items()}
        self.__init__(self.params)  # type: ignore[misc]
        for key, terms, tfs, _ in live:
            doc = [inv[t] for t, n in zip(terms, tfs) for _ in range(int(n))]
            self._append(key, doc)  # type: ignore[arg-type]

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        hit = self._cache.get(tid)
        if hit is None:
            hit = (np.array(self._post_slot[tid], dtype=np.int64), np.array(self._post_tf[tid], dtype=np.float32))
            self._cache[tid] = hit
        return hit

    def _mean_idf(self) -> float:
        if self._avg_idf is None:
            df = self._df[: len(self._vocab)]
            df = df[df > 0]
            n = self._n_alive
            self._avg_idf = float(np.mean(np.log(n - df + 0.5) - np.log(df + 0.5))) if len(df) else 0.0
        return self._avg_idf

    def search(self, query: Sequence[str], k: int) -> list[tuple[str, float]]:
        with self._lock:
            if not self._n_alive or not query:
                return []
            p, n = self.params, self._n_alive
            avgdl = self._total_len / n
            scores = np.zeros(len(self._slot_key), dtype=np.float64)
            for tok in query:  # repeated query words count again, as in rank_bm25
                tid = self._vocab.get(tok)
                if tid is None or self._df[tid] <= 0:
                    continue
                df = float(self._df[tid])
                idf = math.log(n - df + 0.5) - math.log(df + 0.5)
                if idf < 0:
                    idf = p.epsilon * self._mean_idf()
                slots, tf = self._postings(tid)
                dl = self._len[slots]
                part = idf * tf * (p.k1 + 1) / (tf + p.k1 * (1 - p.b + p.b * dl / avgdl))
                scores[slots] += part * self._alive[slots]
            return _top(scores, k, self._slot_key)


def make_keyword_index(engine: str, params: BM25Params | None = None) -> KeywordIndex:
    """The BM25 engine by name (one of BM25_ENGINES)."""
    if engine == "rank_bm25":
        return RankBM25Index(params)
    if engine == "bm25s":
        return BM25sIndex(params)
    if engine == "inverted":
        return InvertedBM25(params)
    raise ValueError(f"unknown BM25 engine {engine!r}; choose one of {', '.join(BM25_ENGINES)}")


def _top(scores: np.ndarray, k: int, keys: Sequence[str | None]) -> list[tuple[str, float]]:
    """The k best non-zero scores, best first; ties broken by position so every engine agrees.

    Non-zero, not positive: in a tiny corpus every term is in over half the passages, rank_bm25's idf floor
    (eps * mean idf) turns negative, and the passages holding the query words must still come back.
    """
    scores = np.asarray(scores, dtype=np.float64)
    pos = np.flatnonzero(scores != 0)
    if not len(pos):
        return []
    if len(pos) > k:
        part = np.argpartition(-scores[pos], k - 1)[:k]
        pos = pos[part]
    order = np.lexsort((pos, -scores[pos]))
    return [(keys[i], float(scores[i])) for i in pos[order] if keys[i] is not None]  # type: ignore[misc]


class VectorIndex:
    """Unit vectors in one growable matrix; cosine top-k by one matrix-vector product."""

    def __init__(self, dim: int):
        self.dim = dim
        self._lock = threading.Lock()
        self._mat = np.zeros((256, dim), dtype=np.float32)
        self._alive = np.zeros(256, dtype=bool)
        self._slot_key: list[str | None] = []
        self._key_slot: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._key_slot)

    def __contains__(self, key: object) -> bool:
        return key in self._key_slot

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(keys), self.dim)
        with self._lock:
            for key, vec in zip(keys, vectors):
                slot = self._key_slot.get(key)
                if slot is None:
                    slot = len(self._slot_key)
                    if slot >= len(self._mat):
                        self._mat = np.resize(self._mat, (2 * len(self._mat), self.dim))
                        alive = np.zeros(len(self._mat), dtype=bool)
                        alive[: len(self._alive)] = self._alive
                        self._alive = alive
                    self._slot_key.append(key)
                    self._key_slot[key] = slot
                self._mat[slot] = vec
                self._alive[slot] = True

    def remove(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                slot = self._key_slot.pop(key, None)
                if slot is not None:
                    self._alive[slot] = False
                    self._slot_key[slot] = None

    def vector(self, key: str) -> np.ndarray | None:
        slot = self._key_slot.get(key)
        return None if slot is None else self._mat[slot].copy()

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        with self._lock:
            n = len(self._slot_key)
            if not self._key_slot:
                return []
            sims = self._mat[:n] @ np.asarray(vector, dtype=np.float32)
            sims = np.where(self._alive[:n], sims, -np.inf)
            k = min(k, len(self._key_slot))
            top = np.argpartition(-sims, k - 1)[:k]
            top = top[np.lexsort((top, -sims[top]))]
            return [(self._slot_key[i], float(sims[i])) for i in top]  # type: ignore[misc]


def rrf(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion (Cormack et al. 2009): score = sum over rankings of 1 / (k + rank)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


class Embedder:
    """The shipped sentence-transformers model (all-MiniLM-L6-v2), loaded on first use, shared per process."""

    dim = 384

    @classmethod
    def model(cls) -> SentenceTransformer:
        from classifiers.embedding import load_minilm

        return load_minilm()  # type: ignore[no-any-return]

    @classmethod
    def encode(cls, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, cls.dim), dtype=np.float32)
        vecs = cls.model().encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                  show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)
