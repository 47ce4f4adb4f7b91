"""The ONNX backends bench/embedding_backends.py measures embed like MiniLM: the same network, run another way."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

pytest.importorskip("onnxruntime", reason="the ONNX backends need the bench extra (pip install -e '.[bench]')")

from bench.embedding_backends import MINILM_MAX_TOKENS, OnnxEncoder, export_onnx, footprint, minilm_files  # noqa: E402
from classifiers.embedding import Embedder, load_minilm  # noqa: E402

TEXTS = ["How do I reset my password?", "The invoice total is $1,240.50, due on 2025-03-01.",
         "SELECT name FROM users WHERE id = 3;", "", "Refunds take 5-7 business days to reach your card."]


def test_onnx_float32_matches_minilm_and_int8_stays_close(tmp_path: Path) -> None:
    fp32, int8 = export_onnx(tmp_path)
    assert load_minilm().max_seq_length == MINILM_MAX_TOKENS
    tokenizer = minilm_files()[1]
    teacher = Embedder().embed(TEXTS)
    same = Embedder(encoder=OnnxEncoder(fp32, tokenizer, MINILM_MAX_TOKENS)).embed(TEXTS)
    quantized = Embedder(encoder=OnnxEncoder(int8, tokenizer, MINILM_MAX_TOKENS)).embed(TEXTS)
    filled = [i for i, t in enumerate(TEXTS) if t]
    assert np.allclose(same[filled], teacher[filled], atol=1e-4)
    assert not same[TEXTS.index("")].any()  # empty text embeds as zeros, as with MiniLM
    cosines = np.sum(quantized[filled] * teacher[filled], axis=1)
    assert cosines.min() > 0.85 and not np.allclose(quantized[filled], teacher[filled], atol=1e-4)
    # Unit vectors, in input order whatever the length-sorted batching did.
    assert np.allclose(np.linalg.norm(same[filled], axis=1), 1.0, atol=1e-5)
    assert np.argmax(same[filled] @ teacher[filled].T, axis=1).tolist() == list(range(len(filled)))


def test_the_onnx_backend_runs_without_pytorch(tmp_path: Path) -> None:
    _, int8 = export_onnx(tmp_path)
    # footprint() builds the backend in a fresh process and refuses a measure taken with PyTorch loaded.
    assert 0 < footprint("minilm-onnx-int8", int8) < footprint("minilm", minilm_files()[0])
