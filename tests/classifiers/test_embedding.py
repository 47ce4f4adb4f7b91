"""The MiniLM transformer embedder (the static table's teacher): unit vectors, cache, batching-invariant."""

from __future__ import annotations

import numpy as np

from classifiers.embedding import Embedder


def test_minilm_embeds_unit_vectors_and_caches() -> None:
    emb = Embedder()
    texts = ["The cat sat on the mat.", "A kitten rested on the rug.", "Quarterly tax filing deadlines"]
    batch = emb.embed(texts)
    assert batch.shape == (3, 384)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert batch[0] @ batch[1] > batch[0] @ batch[2]
    emb.clear_cache()
    alone = np.vstack([emb.embed([t]) for t in texts])
    assert np.allclose(alone, batch, atol=1e-5)
    assert not emb.embed([""]).any()
