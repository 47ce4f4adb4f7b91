"""server/corpus/index.py + store.py: durable named corpora whose indexes match the store, across restarts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from server.corpus.index import Corpora, IndexOptions, chunk
from server.corpus.models import Document
from server.errors import InvalidArgument, NotFound

from .conftest import FACTS


def test_chunk_cuts_at_sentence_ends_within_the_limit() -> None:
    doc = Document("d", " ".join(f"Sentence number {i} is here." for i in range(40)))
    passages = chunk(doc, 120)
    assert len(passages) > 5
    assert all(len(p.text) <= 120 for p in passages)
    assert [p.id for p in passages[:2]] == ["d#0", "d#1"]
    assert " ".join(p.text for p in passages) == doc.text
    assert chunk(Document("x", "y" * 250), 100)[-1].text == "y" * 50


def test_search_finds_the_passage_by_every_retriever(facts) -> None:  # type: ignore[no-untyped-def]
    for retriever in ("bm25", "embedding", "hybrid"):
        hits = facts.search("When did Vesuvius bury Pompeii?", 3, retriever)
        assert hits[0].passage.doc_id == "volcano", retriever
    hit = facts.search("highest mountain on Earth", 3, "hybrid")[0]
    assert hit.passage.doc_id == "everest" and hit.bm25_rank == 1 and hit.embedding_rank == 1


def test_restart_rebuilds_indexes_from_the_store_without_re_embedding(tmp_path: Path) -> None:
    c = Corpora(tmp_path / "f.db")
    c.get("kb").upsert(FACTS)
    before = c.get("kb").search("penguins dive deep in Antarctica", 3)
    assert c.get("kb").stats().embedded == len(FACTS)
    c.close()
    again = Corpora(tmp_path / "f.db")
    index = again.get("kb")
    assert len(index.vectors) == len(FACTS) and not index._pending  # embeddings came from the rows
    after = index.search("penguins dive deep in Antarctica", 3)
    assert [h.passage.id for h in after] == [h.passage.id for h in before]
    assert again.names() == ["kb"]
    again.close()


def test_upsert_replaces_and_delete_removes(facts) -> None:  # type: ignore[no-untyped-def]
    facts.upsert([Document("chess", "The world chess champion since 2024 is Gukesh Dommaraju of India.")])
    top = facts.search("world chess champion", 1, "bm25")[0]
    assert "Gukesh" in top.passage.text
    assert facts.delete(["chess", "missing"]) == 1
    assert all(h.passage.doc_id != "chess" for h in facts.search("world chess champion", 10, "hybrid"))
    assert facts.stats().documents == len(FACTS) - 1


def test_named_corpora_are_isolated(corpora) -> None:  # type: ignore[no-untyped-def]
    corpora.get("app-a").upsert([Document("a", "Alpha widgets are blue.")])
    corpora.get("app-b").upsert([Document("b", "Beta widgets are red.")])
    assert [h.passage.doc_id for h in corpora.get("app-a").search("widgets", 5, "bm25")] == ["a"]
    assert corpora.names() == ["app-a", "app-b"]
    with pytest.raises(InvalidArgument):
        corpora.get("bad name!")
    with pytest.raises(NotFound):
        corpora.store.get_document("app-a", "b")


def test_bad_documents_are_refused_with_field_violations(corpora) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as err:
        corpora.get("kb").upsert([Document("ok", "fine"), Document("a#b", " ")])
    fields = {v.field for v in err.value.violations}
    assert fields == {"documents[1].id", "documents[1].text"}
    assert corpora.get("kb").stats().documents == 0  # nothing half-written


def test_concurrent_upserts_leave_store_and_index_consistent(tmp_path: Path) -> None:
    c = Corpora(tmp_path / "f.db", IndexOptions(embeddings=False))
    index = c.get("kb")

    def writer(w: int) -> None:
        for i in range(30):
            # Writers overlap on ids 0-9, so replacements race with each other.
            index.upsert([Document(f"doc{(w * 7 + i) % 40}", f"writer {w} version {i} topic{(w * 7 + i) % 40}")])

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    docs, passages, _ = c.store.counts("kb")
    assert docs == passages == len(index.keyword) == 40
    for n in range(40):
        stored = c.store.get_document("kb", f"doc{n}").text
        hit = index.search(f"topic{n}", 1, "bm25")[0]
        assert hit.passage.text == stored  # the index serves what the store holds
    c.close()


def test_auto_engine_moves_to_the_incremental_index_when_the_corpus_grows(tmp_path: Path) -> None:
    c = Corpora(tmp_path / "f.db", IndexOptions(rank_bm25_max=5, embeddings=False))
    index = c.get("kb")
    index.upsert(FACTS[:4])
    assert index.keyword.engine == "rank_bm25"
    index.upsert(FACTS[4:])
    assert index.keyword.engine == "inverted"
    assert index.search("Golden Gate Bridge", 1, "bm25")[0].passage.doc_id == "bridge"
    c.close()
    reopened = Corpora(tmp_path / "f.db", IndexOptions(rank_bm25_max=5, embeddings=False))
    assert reopened.get("kb").keyword.engine == "inverted"
    reopened.close()
