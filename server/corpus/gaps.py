"""Knowledge-gap tickets: RAG queue items grouped by topic, each with the fix it needs and its size.

`GapTracker.sync` reads the RAG queue (ready and leased items), analyses each new item's case against its
corpus, and puts it in a gap: the open gap of the same corpus whose centroid (mean embedding of
question + missing fact) is closest, when the cosine is at least `threshold`, else a new gap. Listing sorts
gaps biggest first, so the biggest gap is fixed first. `verify` (the other half) closes gaps whose facts
became retrievable.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from dataclasses import replace
from datetime import datetime, timezone

import numpy as np

from classifiers.records import FailureRecord
from classifiers.retrieval import Embedder
from server.corpus.diagnosis import Analyzer
from server.corpus.models import Finding, Gap, GapCase
from server.corpus.store import CorpusStore
from server.errors import NotFound
from server.store.base import QueueItem, Store

log = logging.getLogger(__name__)

KNOWLEDGE_SUBTYPES = ("retrieval_miss", "corpus_gap", "outdated_knowledge")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def record_for(store: Store, item: QueueItem) -> FailureRecord:
    """The case behind a RAG item: the stored diagnosis's record, else what the payload carries."""
    try:
        return store.get_diagnosis(item.case_id).record
    except NotFound:
        p = item.payload
        return FailureRecord(id=item.case_id, input=str(p.get("question") or ""), output=str(p.get("output") or ""),
                             reference=p.get("reference") or None)


class GapTracker:
    """Builds and reads gap tickets; thread-safe (one sync at a time)."""

    def __init__(self, corpus_store: CorpusStore, store: Store, analyzer: Analyzer, threshold: float = 0.6):
        self.corpus_store = corpus_store
        self.store = store
        self.analyzer = analyzer
        self.threshold = threshold
        self._lock = threading.Lock()
        self._skipped: set[str] = set()

    def sync(self) -> int:
        """Assign every new RAG item to a gap; returns how many were added."""
        with self._lock:
            known = self.corpus_store.known_items() | self._skipped
            added = 0
            for item in self.store.list_items("rag", ("ready", "leased")):
                if item.item_id in known:
                    continue
                record = record_for(self.store, item)
                corpus = self.analyzer.corpus_for(record)
                finding = self.analyzer.analyze(record, corpus)
                if finding.subtype not in KNOWLEDGE_SUBTYPES and finding.subtype != "":
                    # context_ignored: not a knowledge gap (a finetune item carries it).
                    self._skipped.add(item.item_id)
                    continue
                if finding.subtype == "":
                    finding = replace(finding, subtype="corpus_gap")
                self._place(corpus, item, record, finding)
                added += 1
            return added

    def _place(self, corpus: str, item: QueueItem, record: FailureRecord, finding: Finding) -> None:
        fact = (record.reference or "").strip()
        vec = Embedder.encode([f"{record.input} {fact}".strip()])[0]
        best_id, best_sim, best_vec, best_n = "", -1.0, None, 0
        for gap_id, centroid, n in self.corpus_store.open_centroids(corpus):
            sim = float(centroid @ vec) / max(float(np.linalg.norm(centroid)), 1e-9)
            if sim > best_sim:
                best_id, best_sim, best_vec, best_n = gap_id, sim, centroid, n
        now = now_iso()
        if best_vec is not None and best_sim >= self.threshold:
            gap_id = best_id
            centroid = (best_vec * best_n + vec) / (best_n + 1)
        else:
            gap_id = "gap-" + uuid.uuid4().hex[:12]
            centroid = vec
            self.corpus_store.create_gap(gap_id, corpus, record.input[:160], vec, now)
        case = GapCase(item.item_id, record.id, record.input, fact, finding, now)
        self.corpus_store.add_gap_case(gap_id, case, centroid)

    def list(self, corpus: str = "", state: str = "open") -> list[Gap]:
        """Gaps with their cases and recommended fix, biggest first."""
        self.sync()
        gaps = [with_fix(g, self.analyzer.retriever) for g in self.corpus_store.list_gaps(corpus, state)]
        return sorted(gaps, key=lambda g: (-g.size, g.created_at))

    def get(self, gap_id: str) -> Gap:
        self.sync()
        return with_fix(self.corpus_store.get_gap(gap_id), self.analyzer.retriever)


def with_fix(gap: Gap, retriever: str) -> Gap:
    """The gap with its recommended fix: the commonest finding among its cases decides, with evidence."""
    if not gap.cases:
        return gap
    kinds = Counter(c.finding.subtype for c in gap.cases)
    subtype = kinds.most_common(1)[0][0]
    cases = [c for c in gap.cases if c.finding.subtype == subtype]
    if subtype == "outdated_knowledge":
        doc = Counter(c.finding.stale_doc for c in cases).most_common(1)[0][0]
        return replace(gap, fix_kind="update_document", fix_target=doc,
                       fix_detail=f"update document {doc!r}: {cases[0].finding.detail}")
    if subtype == "retrieval_miss":
        f = cases[0].finding
        by_emb = sum(1 for c in cases if 0 < c.finding.embedding_rank and
                     (c.finding.bm25_rank == 0 or c.finding.embedding_rank < c.finding.bm25_rank))
        by_bm25 = sum(1 for c in cases if 0 < c.finding.bm25_rank and
                      (c.finding.embedding_rank == 0 or c.finding.bm25_rank < c.finding.embedding_rank))
        if retriever == "bm25" and by_emb:
            target = "hybrid"
        elif retriever == "embedding" and by_bm25:
            target = "hybrid"
        else:
            target = "tune " + retriever
        return replace(gap, fix_kind="improve_retrieval", fix_target=target,
                       fix_detail=f"improve retrieval ({target}): {len(cases)} case(s) have the fact in the corpus; "
                                  f"e.g. {f.detail}")
    facts = sorted({c.fact for c in cases if c.fact})
    listed = "; ".join(facts[:5]) + (" ..." if len(facts) > 5 else "")
    return replace(gap, fix_kind="add_document", fix_target="",
                   fix_detail=f"add a document stating: {listed or 'the answer to: ' + cases[0].question}")
