"""CorpusService over gRPC: the only module of the corpus part that sees protobuf.

`install` wires the part into a formfact server: it opens the corpora (their own SQLite connection),
registers the servicer, appends the retrieval-diagnosis refiner and the store's closer to the deps.
Writes (upsert, delete, ingest) re-check open gaps afterwards, so a fix resolves its gap without a
separate call; `Verify` does the same on demand.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from classifiers.records import FieldViolation
from classifiers.retrieval import RETRIEVERS
from server._proto.formfact.v1 import corpus_pb2, corpus_pb2_grpc
from server.config import Settings
from server.corpus.diagnosis import Analyzer, RetrievalRefiner
from server.corpus.gaps import GapTracker
from server.corpus.index import Corpora, IndexOptions
from server.corpus.models import Document, Gap
from server.corpus.verify import Resolution, Verifier
from server.errors import InvalidArgument
from server.grpc_errors import handle

if TYPE_CHECKING:
    from server.app import Deps

log = logging.getLogger(__name__)

SERVICE = corpus_pb2.DESCRIPTOR.services_by_name["CorpusService"].full_name
MAX_K = 100


def corpus_db_path(settings: Settings) -> Path:
    if settings.corpus_db_path is not None:
        return Path(settings.corpus_db_path)
    if isinstance(settings.db_path, Path):
        return settings.db_path
    return Path("corpus.db")  # db_path is a PostgreSQL URL: the corpus keeps its own SQLite file


def _iso(ts: Timestamp) -> str:
    if ts.seconds == 0 and ts.nanos == 0:
        return ""
    return ts.ToDatetime(tzinfo=timezone.utc).isoformat(timespec="milliseconds")


def _ts(iso: str) -> Timestamp | None:
    if not iso:
        return None
    ts = Timestamp()
    ts.FromDatetime(datetime.fromisoformat(iso))
    return ts


def to_document(msg: corpus_pb2.Document) -> Document:
    return Document(msg.id, msg.text, msg.source, _iso(msg.updated_at), dict(msg.metadata))


def from_document(doc: Document) -> corpus_pb2.Document:
    msg = corpus_pb2.Document(id=doc.id, text=doc.text, source=doc.source, metadata=dict(doc.metadata))
    ts = _ts(doc.updated_at)
    if ts is not None:
        msg.updated_at.CopyFrom(ts)
    return msg


def from_resolution(r: Resolution) -> corpus_pb2.GapResolution:
    return corpus_pb2.GapResolution(gap_id=r.gap_id, corpus=r.corpus, resolved=r.resolved, evidence=r.evidence,
                                    items_closed=r.items_closed)


def from_gap(g: Gap) -> corpus_pb2.Gap:
    msg = corpus_pb2.Gap(
        gap_id=g.gap_id, corpus=g.corpus, state=g.state, title=g.title, size=g.size, fix_kind=g.fix_kind,
        fix_target=g.fix_target, fix_detail=g.fix_detail, resolution=g.resolution,
        cases=[corpus_pb2.GapCase(
            item_id=c.item_id, case_id=c.case_id, question=c.question, fact=c.fact, subtype=c.finding.subtype,
            fact_passage_id=c.finding.fact_passage, stale_passage_id=c.finding.stale_passage,
            bm25_rank=c.finding.bm25_rank, embedding_rank=c.finding.embedding_rank,
            hybrid_rank=c.finding.hybrid_rank, detail=c.finding.detail) for c in g.cases],
    )
    for field, iso in (("created_at", g.created_at), ("resolved_at", g.resolved_at)):
        ts = _ts(iso)
        if ts is not None:
            getattr(msg, field).CopyFrom(ts)
    return msg


class CorpusServicer(corpus_pb2_grpc.CorpusServiceServicer):
    def __init__(self, settings: Settings, corpora: Corpora, gaps: GapTracker, verifier: Verifier):
        self.settings = settings
        self.corpora = corpora
        self.gaps = gaps
        self.verifier = verifier

    def _name(self, corpus: str) -> str:
        return corpus or self.settings.corpus_default

    def _after_write(self, corpus: str) -> list[corpus_pb2.GapResolution]:
        try:
            return [from_resolution(r) for r in self.verifier.verify(corpus)]
        except Exception:  # the write is durable; a failed re-check must not turn it into an error
            log.exception("gap re-check after a write to %s failed", corpus)
            return []

    @handle
    def UpsertDocuments(self, request: corpus_pb2.UpsertDocumentsRequest, context: grpc.ServicerContext
                        ) -> corpus_pb2.UpsertDocumentsResponse:
        if not request.documents:
            raise InvalidArgument("no documents", (FieldViolation("documents", "must not be empty"),))
        name = self._name(request.corpus)
        docs = [to_document(d) for d in request.documents]
        passages = self.corpora.get(name).upsert(docs)
        return corpus_pb2.UpsertDocumentsResponse(documents=len(docs), passages=passages,
                                                  gaps_checked=self._after_write(name))

    @handle
    def DeleteDocuments(self, request: corpus_pb2.DeleteDocumentsRequest, context: grpc.ServicerContext
                        ) -> corpus_pb2.DeleteDocumentsResponse:
        if not request.ids:
            raise InvalidArgument("no ids", (FieldViolation("ids", "must not be empty"),))
        name = self._name(request.corpus)
        deleted = self.corpora.get(name).delete(list(request.ids))
        return corpus_pb2.DeleteDocumentsResponse(deleted=deleted, gaps_checked=self._after_write(name))

    @handle
    def GetDocument(self, request: corpus_pb2.GetDocumentRequest, context: grpc.ServicerContext) -> corpus_pb2.Document:
        name = self._name(request.corpus)
        self.corpora.get(name)  # validates the name
        return from_document(self.corpora.store.get_document(name, request.id))

    @handle
    def Ingest(self, request_iterator: Iterator[corpus_pb2.IngestRequest], context: grpc.ServicerContext
               ) -> Iterator[corpus_pb2.IngestProgress]:
        name = ""
        docs = passages = 0
        for request in request_iterator:
            name = name or self._name(request.corpus)
            batch = [to_document(d) for d in request.documents]
            if batch:
                passages += self.corpora.get(name).upsert(batch)
                docs += len(batch)
            yield corpus_pb2.IngestProgress(documents=docs, passages=passages)
        if name:
            yield corpus_pb2.IngestProgress(documents=docs, passages=passages, gaps_checked=self._after_write(name))

    @handle
    def Search(self, request: corpus_pb2.SearchRequest, context: grpc.ServicerContext) -> corpus_pb2.SearchResponse:
        bad = []
        if not request.query.strip():
            bad.append(FieldViolation("query", "must not be blank"))
        if request.k < 0 or request.k > MAX_K:
            bad.append(FieldViolation("k", f"must be between 1 and {MAX_K}"))
        retriever = request.retriever or "hybrid"
        if retriever not in RETRIEVERS:
            bad.append(FieldViolation("retriever", f"must be one of {', '.join(RETRIEVERS)}"))
        if bad:
            raise InvalidArgument("invalid search", tuple(bad))
        hits = self.corpora.get(self._name(request.corpus)).search(request.query, request.k or 10, retriever)
        return corpus_pb2.SearchResponse(hits=[corpus_pb2.SearchHit(
            passage_id=h.passage.id, document_id=h.passage.doc_id, text=h.passage.text, score=h.score,
            bm25_rank=h.bm25_rank, embedding_rank=h.embedding_rank, source=h.passage.source,
            updated_at=h.passage.updated_at) for h in hits])

    @handle
    def Stats(self, request: corpus_pb2.CorpusStatsRequest, context: grpc.ServicerContext) -> corpus_pb2.CorpusStatsResponse:
        names = [request.corpus] if request.corpus else self.corpora.names()
        out = []
        for name in names:
            s = self.corpora.get(name).stats()
            out.append(corpus_pb2.CorpusStats(corpus=s.corpus, documents=s.documents, passages=s.passages,
                                              embedded=s.embedded, bm25_engine=s.bm25_engine))
        return corpus_pb2.CorpusStatsResponse(corpora=out)

    @handle
    def ListGaps(self, request: corpus_pb2.ListGapsRequest, context: grpc.ServicerContext) -> corpus_pb2.ListGapsResponse:
        state = request.state or "open"
        if state not in ("open", "resolved", "all"):
            raise InvalidArgument("invalid state", (FieldViolation("state", "must be open, resolved or all"),))
        gaps = self.gaps.list(request.corpus, "" if state == "all" else state)
        return corpus_pb2.ListGapsResponse(gaps=[from_gap(g) for g in gaps])

    @handle
    def GetGap(self, request: corpus_pb2.GetGapRequest, context: grpc.ServicerContext) -> corpus_pb2.Gap:
        if not request.gap_id:
            raise InvalidArgument("no gap id", (FieldViolation("gap_id", "is required"),))
        return from_gap(self.gaps.get(request.gap_id))

    @handle
    def Verify(self, request: corpus_pb2.VerifyRequest, context: grpc.ServicerContext) -> corpus_pb2.VerifyResponse:
        return corpus_pb2.VerifyResponse(gaps=[from_resolution(r) for r in self.verifier.verify(request.corpus)])


def open_refiner(settings: Settings) -> tuple[RetrievalRefiner, Callable[[], None]]:
    """The retrieval-diagnosis refiner over the settings' corpus, without a server (the in-process CLI path),
    so a file diagnosed in-process gets what the server would answer; returns it with its closer."""
    corpora = Corpora(corpus_db_path(settings), IndexOptions(bm25_engine=settings.corpus_bm25_engine))
    return RetrievalRefiner(Analyzer(corpora, settings.corpus_default, settings.corpus_retriever)), corpora.close


def install(server: grpc.Server, settings: Settings, deps: Deps) -> list[str]:
    """Add CorpusService, the retrieval-diagnosis refiner and the corpus store's closer."""
    if settings.corpus_retriever not in RETRIEVERS:
        raise ValueError(f"corpus_retriever must be one of {', '.join(RETRIEVERS)}")
    corpora = Corpora(corpus_db_path(settings), IndexOptions(bm25_engine=settings.corpus_bm25_engine))
    analyzer = Analyzer(corpora, settings.corpus_default, settings.corpus_retriever)
    gaps = GapTracker(corpora.store, deps.store, analyzer, settings.corpus_gap_threshold)
    verifier = Verifier(gaps, settings.corpus_retriever, settings.corpus_top_k)
    corpus_pb2_grpc.add_CorpusServiceServicer_to_server(CorpusServicer(settings, corpora, gaps, verifier), server)
    deps.refiners.append(RetrievalRefiner(analyzer))
    deps.closers.append(corpora.close)
    return [SERVICE]
