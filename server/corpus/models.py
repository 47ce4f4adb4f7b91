"""The corpus part's plain dataclasses: documents, passages, search hits, retrieval findings and gaps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Document:
    """A client's unit of knowledge; chunked into passages for the indexes."""

    id: str
    text: str
    source: str = ""
    updated_at: str = ""
    """ISO-8601 time the content was last true/edited ('' = unknown); used to tell stale from current."""
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    id: str
    doc_id: str
    seq: int
    text: str
    source: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Hit:
    """One search result; ranks are 1-based and 0 when that retriever did not return the passage."""

    passage: Passage
    score: float
    bm25_rank: int = 0
    embedding_rank: int = 0


@dataclass(frozen=True)
class CorpusStats:
    corpus: str
    documents: int
    passages: int
    embedded: int
    bm25_engine: str


@dataclass(frozen=True)
class Finding:
    """What the corpus says about one information failure (the refiner's and the gap verifier's answer)."""

    subtype: str
    """retrieval_miss | corpus_gap | outdated_knowledge | context_ignored | '' (nothing to say)."""
    fact_passage: str = ""
    """The passage holding the missing fact ('' when none holds it)."""
    fact_doc: str = ""
    stale_passage: str = ""
    """A passage stating what the output says, older than the fact (outdated_knowledge)."""
    stale_doc: str = ""
    bm25_rank: int = 0
    """Rank of the fact passage for the question alone, 0 = not in the top `depth`."""
    embedding_rank: int = 0
    hybrid_rank: int = 0
    support: float = 0.0
    """How strongly the fact passage holds the fact (0..1)."""
    depth: int = 10
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class GapCase:
    item_id: str
    case_id: str
    question: str
    fact: str
    finding: Finding
    added_at: str


@dataclass(frozen=True)
class Gap:
    gap_id: str
    corpus: str
    state: str
    title: str
    created_at: str
    updated_at: str
    resolved_at: str = ""
    resolution: str = ""
    cases: tuple[GapCase, ...] = ()
    fix_kind: str = ""
    """add_document | update_document | improve_retrieval"""
    fix_target: str = ""
    """The document to update, or the retriever to switch to."""
    fix_detail: str = ""

    @property
    def size(self) -> int:
        return len(self.cases)
