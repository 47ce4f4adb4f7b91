"""server/corpus/gaps.py: the recommended fix of a gap follows its cases' findings, with their evidence."""

from __future__ import annotations

from server.corpus.gaps import with_fix
from server.corpus.models import Finding, Gap, GapCase


def gap(*findings: Finding) -> Gap:
    cases = tuple(GapCase(f"i{n}", f"c{n}", f"question {n}?", f"fact {n}", f, "2026-01-01") for n, f in enumerate(findings))
    return Gap("gap-1", "kb", "open", "t", "2026-01-01", "2026-01-01", cases=cases)


def test_retrieval_miss_found_by_embeddings_only_recommends_hybrid_for_a_bm25_application() -> None:
    f = Finding("retrieval_miss", "d#0", "d", bm25_rank=0, embedding_rank=2, hybrid_rank=3,
                detail="passage d#0 holds the fact; embeddings rank it 2nd, BM25 does not have it in its top 10")
    g = with_fix(gap(f, f), "bm25")
    assert (g.fix_kind, g.fix_target, g.size) == ("improve_retrieval", "hybrid", 2)
    assert "embeddings rank it 2nd, BM25 does not have it in its top 10" in g.fix_detail
    assert with_fix(gap(f), "hybrid").fix_target == "tune hybrid"


def test_majority_finding_decides_and_stale_document_is_named() -> None:
    stale = Finding("outdated_knowledge", stale_passage="old#0", stale_doc="old", detail="old says X")
    g = with_fix(gap(stale, stale, Finding("corpus_gap")), "hybrid")
    assert (g.fix_kind, g.fix_target) == ("update_document", "old")
    add = with_fix(gap(Finding("corpus_gap"), Finding("corpus_gap"), stale), "hybrid")
    assert add.fix_kind == "add_document" and "fact 0; fact 1" in add.fix_detail
