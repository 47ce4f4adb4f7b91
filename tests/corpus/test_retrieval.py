"""classifiers/retrieval.py: the three BM25 engines agree, the incremental one stays exact, RRF and vectors."""

from __future__ import annotations

import random

import numpy as np
import pytest

from classifiers.retrieval import BM25_ENGINES, InvertedBM25, VectorIndex, make_keyword_index, rrf, tokenize

WORDS = ("river bank money loan water fish boat city bridge train music guitar piano song election vote "
         "senate court judge law storm rain wind snow coast harbor market price stock bond").split()


def synthetic(n: int, seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(WORDS) for _ in range(rng.randint(3, 25))] for _ in range(n)]


def test_tokenize_drops_stop_words_and_plural_s() -> None:
    assert tokenize("The strikes could last for MONTHS, not weeks.") == ["strike", "last", "month", "week"]
    assert tokenize("Glass class") == ["glass", "class"]


@pytest.mark.parametrize("engine", ["bm25s", "inverted"])
def test_engines_rank_like_rank_bm25(engine: str) -> None:
    docs = synthetic(400)
    keys = [f"p{i}" for i in range(len(docs))]
    ref, other = make_keyword_index("rank_bm25"), make_keyword_index(engine)
    ref.add(keys, docs)
    other.add(keys, docs)
    rng = random.Random(1)
    for _ in range(50):
        q = [rng.choice(WORDS) for _ in range(3)]
        assert [k for k, _ in other.search(q, 10)] == [k for k, _ in ref.search(q, 10)]


def test_inverted_scores_equal_rank_bm25_after_upserts_and_deletes() -> None:
    docs = synthetic(300, seed=2)
    keys = [f"p{i}" for i in range(len(docs))]
    ref, inv = make_keyword_index("rank_bm25"), InvertedBM25()
    ref.add(keys, docs)
    inv.add(keys, docs)
    # Replace a third, delete a third: the incremental engine must equal a fresh rank_bm25 build.
    new = synthetic(100, seed=3)
    ref.add(keys[:100], new)
    inv.add(keys[:100], new)
    ref.remove(keys[100:200])
    inv.remove(keys[100:200])
    assert len(inv) == len(ref) == 200
    for q in (["river", "bank"], ["storm", "coast", "harbor"], ["piano"]):
        # Every passage's score, not only the top: ties may order differently after replacements.
        a, b = dict(inv.search(q, 1000)), dict(ref.search(q, 1000))
        assert a.keys() == b.keys() and a
        assert np.allclose([a[k] for k in sorted(a)], [b[k] for k in sorted(a)])
        assert not a.keys() & set(keys[100:200])


def test_inverted_compacts_when_most_slots_are_dead() -> None:
    docs = synthetic(3000, seed=4)
    keys = [f"p{i}" for i in range(len(docs))]
    inv = InvertedBM25()
    inv.add(keys, docs)
    inv.remove(keys[:2500])
    assert len(inv._slot_key) == 500  # compacted: dead slots dropped
    ref = make_keyword_index("rank_bm25")
    ref.add(keys[2500:], docs[2500:])
    assert [k for k, _ in inv.search(["bank", "loan"], 10)] == [k for k, _ in ref.search(["bank", "loan"], 10)]


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown BM25 engine"):
        make_keyword_index("lucene")
    assert set(BM25_ENGINES) == {"rank_bm25", "bm25s", "inverted"}


def test_empty_indexes_return_nothing() -> None:
    for engine in BM25_ENGINES:
        assert make_keyword_index(engine).search(["river"], 5) == []
    assert VectorIndex(4).search(np.ones(4, dtype=np.float32), 3) == []


def test_vector_index_cosine_top_k_with_replace_and_remove() -> None:
    idx = VectorIndex(3)
    eye = np.eye(3, dtype=np.float32)
    idx.add(["x", "y", "z"], eye)
    assert [k for k, _ in idx.search(np.array([1, 0.1, 0], dtype=np.float32), 2)] == ["x", "y"]
    idx.add(["x"], eye[2:3])  # x now points along z
    idx.remove(["z"])
    top = idx.search(np.array([0, 0, 1], dtype=np.float32), 1)
    assert top[0][0] == "x" and top[0][1] == pytest.approx(1.0)
    assert len(idx) == 2 and "z" not in idx


def test_rrf_rewards_agreement() -> None:
    fused = rrf([["a", "b", "c"], ["b", "a", "d"]])
    assert [k for k, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert {k for k, _ in fused} == {"a", "b", "c", "d"}
