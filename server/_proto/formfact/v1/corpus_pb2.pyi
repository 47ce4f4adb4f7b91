import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Document(_message.Message):
    __slots__ = ("id", "text", "source", "updated_at", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    source: str
    updated_at: _timestamp_pb2.Timestamp
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., source: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class UpsertDocumentsRequest(_message.Message):
    __slots__ = ("corpus", "documents")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    def __init__(self, corpus: _Optional[str] = ..., documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ...) -> None: ...

class GapResolution(_message.Message):
    __slots__ = ("gap_id", "corpus", "resolved", "evidence", "items_closed")
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_CLOSED_FIELD_NUMBER: _ClassVar[int]
    gap_id: str
    corpus: str
    resolved: bool
    evidence: str
    items_closed: int
    def __init__(self, gap_id: _Optional[str] = ..., corpus: _Optional[str] = ..., resolved: _Optional[bool] = ..., evidence: _Optional[str] = ..., items_closed: _Optional[int] = ...) -> None: ...

class UpsertDocumentsResponse(_message.Message):
    __slots__ = ("documents", "passages", "gaps_checked")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    GAPS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    documents: int
    passages: int
    gaps_checked: _containers.RepeatedCompositeFieldContainer[GapResolution]
    def __init__(self, documents: _Optional[int] = ..., passages: _Optional[int] = ..., gaps_checked: _Optional[_Iterable[_Union[GapResolution, _Mapping]]] = ...) -> None: ...

class DeleteDocumentsRequest(_message.Message):
    __slots__ = ("corpus", "ids")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, corpus: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteDocumentsResponse(_message.Message):
    __slots__ = ("deleted", "gaps_checked")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    GAPS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    gaps_checked: _containers.RepeatedCompositeFieldContainer[GapResolution]
    def __init__(self, deleted: _Optional[int] = ..., gaps_checked: _Optional[_Iterable[_Union[GapResolution, _Mapping]]] = ...) -> None: ...

class GetDocumentRequest(_message.Message):
    __slots__ = ("corpus", "id")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    id: str
    def __init__(self, corpus: _Optional[str] = ..., id: _Optional[str] = ...) -> None: ...

class IngestRequest(_message.Message):
    __slots__ = ("corpus", "documents")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    def __init__(self, corpus: _Optional[str] = ..., documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ...) -> None: ...

class IngestProgress(_message.Message):
    __slots__ = ("documents", "passages", "gaps_checked")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    GAPS_CHECKED_FIELD_NUMBER: _ClassVar[int]
    documents: int
    passages: int
    gaps_checked: _containers.RepeatedCompositeFieldContainer[GapResolution]
    def __init__(self, documents: _Optional[int] = ..., passages: _Optional[int] = ..., gaps_checked: _Optional[_Iterable[_Union[GapResolution, _Mapping]]] = ...) -> None: ...

class SearchRequest(_message.Message):
    __slots__ = ("corpus", "query", "k", "retriever")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    K_FIELD_NUMBER: _ClassVar[int]
    RETRIEVER_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    query: str
    k: int
    retriever: str
    def __init__(self, corpus: _Optional[str] = ..., query: _Optional[str] = ..., k: _Optional[int] = ..., retriever: _Optional[str] = ...) -> None: ...

class SearchHit(_message.Message):
    __slots__ = ("passage_id", "document_id", "text", "score", "bm25_rank", "embedding_rank", "source", "updated_at")
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    BM25_RANK_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_RANK_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    document_id: str
    text: str
    score: float
    bm25_rank: int
    embedding_rank: int
    source: str
    updated_at: str
    def __init__(self, passage_id: _Optional[str] = ..., document_id: _Optional[str] = ..., text: _Optional[str] = ..., score: _Optional[float] = ..., bm25_rank: _Optional[int] = ..., embedding_rank: _Optional[int] = ..., source: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class SearchResponse(_message.Message):
    __slots__ = ("hits",)
    HITS_FIELD_NUMBER: _ClassVar[int]
    hits: _containers.RepeatedCompositeFieldContainer[SearchHit]
    def __init__(self, hits: _Optional[_Iterable[_Union[SearchHit, _Mapping]]] = ...) -> None: ...

class CorpusStatsRequest(_message.Message):
    __slots__ = ("corpus",)
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    def __init__(self, corpus: _Optional[str] = ...) -> None: ...

class CorpusStats(_message.Message):
    __slots__ = ("corpus", "documents", "passages", "embedded", "bm25_engine")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    PASSAGES_FIELD_NUMBER: _ClassVar[int]
    EMBEDDED_FIELD_NUMBER: _ClassVar[int]
    BM25_ENGINE_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    documents: int
    passages: int
    embedded: int
    bm25_engine: str
    def __init__(self, corpus: _Optional[str] = ..., documents: _Optional[int] = ..., passages: _Optional[int] = ..., embedded: _Optional[int] = ..., bm25_engine: _Optional[str] = ...) -> None: ...

class CorpusStatsResponse(_message.Message):
    __slots__ = ("corpora",)
    CORPORA_FIELD_NUMBER: _ClassVar[int]
    corpora: _containers.RepeatedCompositeFieldContainer[CorpusStats]
    def __init__(self, corpora: _Optional[_Iterable[_Union[CorpusStats, _Mapping]]] = ...) -> None: ...

class GapCase(_message.Message):
    __slots__ = ("item_id", "case_id", "question", "fact", "subtype", "fact_passage_id", "stale_passage_id", "bm25_rank", "embedding_rank", "hybrid_rank", "detail")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    FACT_FIELD_NUMBER: _ClassVar[int]
    SUBTYPE_FIELD_NUMBER: _ClassVar[int]
    FACT_PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STALE_PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    BM25_RANK_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_RANK_FIELD_NUMBER: _ClassVar[int]
    HYBRID_RANK_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    case_id: str
    question: str
    fact: str
    subtype: str
    fact_passage_id: str
    stale_passage_id: str
    bm25_rank: int
    embedding_rank: int
    hybrid_rank: int
    detail: str
    def __init__(self, item_id: _Optional[str] = ..., case_id: _Optional[str] = ..., question: _Optional[str] = ..., fact: _Optional[str] = ..., subtype: _Optional[str] = ..., fact_passage_id: _Optional[str] = ..., stale_passage_id: _Optional[str] = ..., bm25_rank: _Optional[int] = ..., embedding_rank: _Optional[int] = ..., hybrid_rank: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class Gap(_message.Message):
    __slots__ = ("gap_id", "corpus", "state", "title", "size", "fix_kind", "fix_target", "fix_detail", "cases", "created_at", "resolved_at", "resolution")
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    FIX_KIND_FIELD_NUMBER: _ClassVar[int]
    FIX_TARGET_FIELD_NUMBER: _ClassVar[int]
    FIX_DETAIL_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    gap_id: str
    corpus: str
    state: str
    title: str
    size: int
    fix_kind: str
    fix_target: str
    fix_detail: str
    cases: _containers.RepeatedCompositeFieldContainer[GapCase]
    created_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    resolution: str
    def __init__(self, gap_id: _Optional[str] = ..., corpus: _Optional[str] = ..., state: _Optional[str] = ..., title: _Optional[str] = ..., size: _Optional[int] = ..., fix_kind: _Optional[str] = ..., fix_target: _Optional[str] = ..., fix_detail: _Optional[str] = ..., cases: _Optional[_Iterable[_Union[GapCase, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution: _Optional[str] = ...) -> None: ...

class ListGapsRequest(_message.Message):
    __slots__ = ("corpus", "state")
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    state: str
    def __init__(self, corpus: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class ListGapsResponse(_message.Message):
    __slots__ = ("gaps",)
    GAPS_FIELD_NUMBER: _ClassVar[int]
    gaps: _containers.RepeatedCompositeFieldContainer[Gap]
    def __init__(self, gaps: _Optional[_Iterable[_Union[Gap, _Mapping]]] = ...) -> None: ...

class GetGapRequest(_message.Message):
    __slots__ = ("gap_id",)
    GAP_ID_FIELD_NUMBER: _ClassVar[int]
    gap_id: str
    def __init__(self, gap_id: _Optional[str] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("corpus",)
    CORPUS_FIELD_NUMBER: _ClassVar[int]
    corpus: str
    def __init__(self, corpus: _Optional[str] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("gaps",)
    GAPS_FIELD_NUMBER: _ClassVar[int]
    gaps: _containers.RepeatedCompositeFieldContainer[GapResolution]
    def __init__(self, gaps: _Optional[_Iterable[_Union[GapResolution, _Mapping]]] = ...) -> None: ...
