"""Service configuration: frozen dataclasses built once at start-up, from flags and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping

from classifiers.records import Limits


@dataclass(frozen=True)
class Settings:
    host: str = "[::]"
    """Address the gRPC server binds."""
    port: int = 50051
    """Port the gRPC server binds; 0 picks a free one."""
    db_path: Path | str = Path("formfact.db")
    """SQLite database file (diagnoses, feedback, queues, corpus, training jobs), or a postgresql:// URL."""
    max_message_bytes: int = 8 * 1024 * 1024
    """Largest gRPC message accepted; larger ones get RESOURCE_EXHAUSTED."""
    max_workers: int = 8
    """Threads serving RPCs."""
    limits: Limits = field(default_factory=Limits)
    """Bounds on one failure record."""
    max_batch: int = 256
    """Stream records diagnosed together; also the bound on page sizes and lease counts."""
    max_attempts: int = 5
    """Leases (ended by nack or expiry) before an item moves to the dead letters."""
    grace_seconds: float = 10.0
    """How long in-flight RPCs may finish after SIGTERM."""
    classifier_dir: Path | None = None
    """A trained classifier directory to load instead of the shipped default (and instead of the active
    retrained version)."""
    seed_data: Path | None = None
    """Labelled JSONL that RetrainClassifier trains on together with people's feedback."""
    models_dir: Path | None = None
    """Where retrained classifier versions are written (default: `classifiers/` beside the SQLite file)."""
    corpus_default: str = "default"
    """Corpus a failure record is checked against when its metadata names none (`metadata.corpus`)."""
    corpus_bm25_engine: str = "auto"
    """BM25 engine of the corpora: rank_bm25 | bm25s | inverted | auto (rank_bm25 up to 5,000 passages, then
    the incremental `inverted` engine, which ranks the same and is incremental)."""
    corpus_retriever: str = "hybrid"
    """The retriever the application uses (bm25 | embedding | hybrid): gaps are verified against it."""
    corpus_top_k: int = 5
    """A gap is resolved when every case's fact passage is in this many top results of `corpus_retriever`."""
    corpus_gap_threshold: float = 0.6
    """Cosine (question + fact) above which a new RAG case joins an open gap instead of opening one."""
    corpus_db_path: Path | None = None
    """SQLite file for the corpus tables; default: `db_path` when it is a SQLite file, else `corpus.db`."""

    def resolved_models_dir(self) -> Path:
        if self.models_dir is not None:
            return self.models_dir
        if isinstance(self.db_path, Path):
            return self.db_path.resolve().parent / "classifiers"
        return Path("classifiers")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read FORMFACT_<FIELD> variables (e.g. FORMFACT_DB_PATH); keyword overrides win (CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"FORMFACT_{f.name.upper()}")
            if raw is None or f.name == "limits":
                continue
            if f.name == "db_path":
                values[f.name] = raw if "://" in raw else Path(raw)
            elif f.name in ("classifier_dir", "seed_data", "models_dir", "corpus_db_path"):
                values[f.name] = Path(raw)
            elif f.name in ("grace_seconds", "corpus_gap_threshold"):
                values[f.name] = float(raw)
            elif f.name in ("host", "corpus_default", "corpus_bm25_engine", "corpus_retriever"):
                values[f.name] = raw
            else:
                values[f.name] = int(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]
