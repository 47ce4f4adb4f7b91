"""Named corpora: documents chunked into passages, kept durable in SQLite and searchable in memory.

`CorpusIndex` is one corpus (one application's knowledge base). A write goes to SQLite first (one
transaction) and then, under the same lock, to the BM25 index and the vector index: the indexes never hold
what the store does not, and a restart rebuilds them from the store (embeddings are cached in the passage
rows, so a restart does not re-embed). Upserts update the indexes incrementally; embeddings of new passages
are computed lazily, in batches, before the next embedding or hybrid search, so bulk ingest runs at BM25 speed.

`Corpora` holds every named corpus of a database and opens each on first use.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from classifiers.records import FieldViolation
from classifiers.retrieval import BM25_ENGINES, RETRIEVERS, Embedder, KeywordIndex, VectorIndex, make_keyword_index, rrf, tokenize
from server.corpus.models import CorpusStats, Document, Hit, Passage
from server.corpus.store import CorpusStore
from server.errors import InvalidArgument

CORPUS_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class IndexOptions:
    """How a corpus indexes and searches (from Settings)."""

    bm25_engine: str = "auto"
    """rank_bm25 | bm25s | inverted | auto (rank_bm25 up to `rank_bm25_max` passages, else inverted)."""
    rank_bm25_max: int = 5_000
    """Above this many passages auto mode uses `inverted`: same rankings, and bench/corpus_search.py measured
    rank_bm25 at p50 24 ms / 10k and 307 ms / 100k passages against 0.2 / 0.5 ms, plus a rebuild per upsert."""
    chunk_chars: int = 1200
    """Longest passage; documents are cut at sentence ends into passages of at most this many characters."""
    embeddings: bool = True
    """Keep an embedding index (off for BM25-only benchmarks)."""


def chunk(doc: Document, max_chars: int) -> list[Passage]:
    """Cut a document at sentence ends into passages of at most max_chars (a longer sentence is cut hard)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(doc.text.strip()):
        while len(sentence) > max_chars:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current or not pieces:
        pieces.append(current)
    return [Passage(f"{doc.id}#{i}", doc.id, i, text, doc.source, doc.updated_at) for i, text in enumerate(pieces)]


def validate_documents(docs: Sequence[Document], prefix: str = "documents") -> None:
    bad = []
    for i, d in enumerate(docs):
        if not d.id.strip() or len(d.id) > 256 or "#" in d.id:
            bad.append(FieldViolation(f"{prefix}[{i}].id", "must be 1-256 characters without '#'"))
        if not d.text.strip():
            bad.append(FieldViolation(f"{prefix}[{i}].text", "must not be blank"))
        elif len(d.text) > 1_000_000:
            bad.append(FieldViolation(f"{prefix}[{i}].text", "is longer than 1,000,000 characters"))
    if bad:
        raise InvalidArgument("invalid documents", tuple(bad))


class CorpusIndex:
    """One named corpus: the store rows plus a BM25 index and an embedding index over its passages."""

    def __init__(self, name: str, store: CorpusStore, options: IndexOptions):
        self.name = name
        self.options = options
        self._store = store
        self._write = threading.RLock()
        self._embed_lock = threading.Lock()
        self._pending: set[str] = set()
        self._version: dict[str, int] = {}
        """Bumped when a passage id is rewritten, so an embedding of its older text is not stored."""
        self.vectors = VectorIndex(Embedder.dim)
        self.keyword: KeywordIndex = make_keyword_index(self._engine_for(store.counts(name)[1]))
        self._load()

    def _engine_for(self, n_passages: int) -> str:
        engine = self.options.bm25_engine
        if engine == "auto":
            return "rank_bm25" if n_passages <= self.options.rank_bm25_max else "inverted"
        return engine

    def _load(self) -> None:
        for batch in self._store.iter_passages(self.name):
            self.keyword.add([p.id for p, _ in batch], [tokenize(p.text) for p, _ in batch])
            have = [(p.id, blob) for p, blob in batch if blob is not None]
            if have:
                self.vectors.add([i for i, _ in have], np.stack([np.frombuffer(b, dtype=np.float32) for _, b in have]))
            self._pending.update(p.id for p, blob in batch if blob is None)

    # --- writes -----------------------------------------------------------------------------------------
    def upsert(self, docs: Sequence[Document]) -> int:
        """Store and index documents (replacing same-id ones); returns the number of passages written."""
        validate_documents(docs)
        passages = [p for d in docs for p in chunk(d, self.options.chunk_chars)]
        tokens = [tokenize(p.text) for p in passages]
        with self._write:
            removed = self._store.upsert(self.name, docs, passages)
            self._drop(removed)
            self._maybe_switch_engine(len(self.keyword) + len(passages))
            self.keyword.add([p.id for p in passages], tokens)
            if self.options.embeddings:
                self._pending.update(p.id for p in passages)
                for p in passages:
                    self._version[p.id] = self._version.get(p.id, 0) + 1
        return len(passages)

    def delete(self, doc_ids: Sequence[str]) -> int:
        with self._write:
            removed, deleted = self._store.delete(self.name, doc_ids)
            self._drop(removed)
        return deleted

    def _drop(self, passage_ids: list[str]) -> None:
        if passage_ids:
            self.keyword.remove(passage_ids)
            self.vectors.remove(passage_ids)
            self._pending.difference_update(passage_ids)

    def _maybe_switch_engine(self, n_after: int) -> None:
        """In auto mode, move from rank_bm25 to the incremental engine once the corpus outgrows it."""
        if self.options.bm25_engine != "auto" or self.keyword.engine != "rank_bm25":
            return
        if n_after > self.options.rank_bm25_max:
            bigger = make_keyword_index("inverted")
            docs = self.keyword._docs  # type: ignore[attr-defined]
            bigger.add(list(docs), list(docs.values()))
            self.keyword = bigger

    def ensure_embeddings(self, batch: int = 256) -> int:
        """Embed passages written since the last embedding search; returns how many were embedded."""
        if not self.options.embeddings:
            return 0
        done = 0
        with self._embed_lock:
            while True:
                with self._write:
                    ids = sorted(self._pending)[:batch]
                    seen = {i: self._version.get(i, 0) for i in ids}
                if not ids:
                    return done
                found = self._store.get_passages(self.name, ids)
                live = [i for i in ids if i in found]
                vecs = Embedder.encode([found[i].text for i in live])
                with self._write:
                    # A passage deleted or rewritten while we embedded it keeps (or lost) its pending mark:
                    # store only the vectors of texts that are still current.
                    keep = [n for n, i in enumerate(live) if i in self._pending and self._version.get(i, 0) == seen[i]]
                    if keep:
                        self._store.set_embeddings(self.name, [live[n] for n in keep], vecs[keep])
                        self.vectors.add([live[n] for n in keep], vecs[keep])
                    self._pending.difference_update(i for i in ids if self._version.get(i, 0) == seen[i])
                done += len(live)

    # --- reads ------------------------------------------------------------------------------------------
    def ranked(self, query: str, retriever: str, depth: int) -> tuple[list[str], list[str], list[str]]:
        """(hybrid, bm25, embedding) passage-id rankings of a query, each at most `depth` long."""
        if retriever not in RETRIEVERS:
            raise InvalidArgument("invalid retriever", (FieldViolation("retriever", f"must be one of {', '.join(RETRIEVERS)}"),))
        bm25 = [k for k, _ in self.keyword.search(tokenize(query), depth)] if retriever != "embedding" else []
        emb: list[str] = []
        if retriever != "bm25" and self.options.embeddings:
            self.ensure_embeddings()
            emb = [k for k, _ in self.vectors.search(Embedder.encode([query])[0], depth)]
        fused = [k for k, _ in rrf([r for r in (bm25, emb) if r])][:depth]
        return fused, bm25, emb

    def search(self, query: str, k: int = 10, retriever: str = "hybrid") -> list[Hit]:
        """Top-k passages for a query, with each retriever's rank (within the top 50) of each hit."""
        depth = max(k, 50)
        if retriever not in RETRIEVERS:
            raise InvalidArgument("invalid retriever", (FieldViolation("retriever", f"must be one of {', '.join(RETRIEVERS)}"),))
        bm25 = self.keyword.search(tokenize(query), depth) if retriever != "embedding" else []
        emb: list[tuple[str, float]] = []
        if retriever != "bm25" and self.options.embeddings:
            self.ensure_embeddings()
            emb = self.vectors.search(Embedder.encode([query])[0], depth)
        b_rank = {p: i for i, (p, _) in enumerate(bm25, 1)}
        e_rank = {p: i for i, (p, _) in enumerate(emb, 1)}
        scored = {"bm25": bm25, "embedding": emb}.get(retriever) or rrf([[p for p, _ in r] for r in (bm25, emb) if r])
        top = scored[:k]
        found = self._store.get_passages(self.name, [p for p, _ in top])
        return [Hit(found[p], s, b_rank.get(p, 0), e_rank.get(p, 0)) for p, s in top if p in found]

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        return self._store.get_passages(self.name, ids)

    def stats(self) -> CorpusStats:
        docs, passages, embedded = self._store.counts(self.name)
        return CorpusStats(self.name, docs, passages, embedded, self.keyword.engine)


class Corpora:
    """Every named corpus in one database; each is loaded from the store on first use."""

    def __init__(self, db_path: Path | str, options: IndexOptions | None = None):
        self.options = options or IndexOptions()
        if self.options.bm25_engine not in (*BM25_ENGINES, "auto"):
            raise ValueError(f"unknown BM25 engine {self.options.bm25_engine!r}")
        self.store = CorpusStore(db_path)
        self._open: dict[str, CorpusIndex] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> CorpusIndex:
        if not CORPUS_NAME.match(name or ""):
            raise InvalidArgument("invalid corpus name", (FieldViolation("corpus", "must match [A-Za-z0-9_.-]{1,64}"),))
        with self._lock:
            index = self._open.get(name)
            if index is None:
                index = self._open[name] = CorpusIndex(name, self.store, self.options)
            return index

    def names(self) -> list[str]:
        with self._lock:
            return sorted(set(self.store.corpora()) | set(self._open))

    def close(self) -> None:
        self.store.close()
