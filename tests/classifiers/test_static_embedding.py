"""The distilled static embedding shipped with the default model: unit vectors, meaning kept, no torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from classifiers.engine import STATIC_FILE, default_model_dir
from classifiers.static_embedding import StaticEmbedder


def test_vectors_are_unit_and_deterministic() -> None:
    emb = StaticEmbedder(default_model_dir() / STATIC_FILE)
    texts = ["The cat sat on the mat.", "A kitten rested on the rug.", "Quarterly tax filing deadlines", ""]
    a, b = emb.embed(texts), emb.embed(texts)
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a[:3], axis=1), 1.0, atol=1e-5)
    assert not a[3].any()
    assert a[0] @ a[1] > a[0] @ a[2]


def test_diagnosing_with_the_static_table_never_imports_torch() -> None:
    code = (
        "import sys\n"
        "from classifiers import load_engine\n"
        "from classifiers.records import FailureRecord\n"
        "e = load_engine()\n"
        "d = e.diagnose([FailureRecord(id='a', input='What is the capital of Peru?', output='Cusco.', reference='Lima')])\n"
        "assert d[0].label == 'information', d\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
