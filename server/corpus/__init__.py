"""The RAG side: named corpora, per-case retrieval diagnosis, knowledge-gap tickets and verified fixes.

`install(server, settings, deps)` (in `service.py`) adds `CorpusService`, the retrieval-diagnosis refiner
and the corpus store's closer to a formfact server.
"""

from __future__ import annotations

from server.corpus.diagnosis import Analyzer, RetrievalRefiner, apply_finding
from server.corpus.index import Corpora, CorpusIndex, IndexOptions, chunk
from server.corpus.models import CorpusStats, Document, Finding, Gap, GapCase, Hit, Passage

__all__ = [
    "Analyzer",
    "Corpora",
    "CorpusIndex",
    "CorpusStats",
    "Document",
    "Finding",
    "Gap",
    "GapCase",
    "Hit",
    "IndexOptions",
    "Passage",
    "RetrievalRefiner",
    "apply_finding",
    "chunk",
]
