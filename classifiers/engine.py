"""The diagnosis engine: failure records in, diagnoses out, in order and deterministically.

`load_engine()` returns the shipped default model (the learned, calibrated combiner when its artifacts are
present in the package, the v1 rule cascade otherwise); `load_engine(path)` loads a trained model directory.
Signals are computed once per batch (embeddings batched and cached); the combiner decides, the
deterministic validators keep the last word where they are certain.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Mapping, Protocol, Sequence

from classifiers.cascade import Verdict, decide
from classifiers.embedding import TextEmbedder, default_embedder
from classifiers.records import Diagnosis, Evidence, FailureRecord, route_for
from classifiers.signals import Signals, extract

log = logging.getLogger(__name__)

RULES_VERSION = "v1-rules"
STATIC_FILE = "static.npz"
"""A model directory's distilled static embedding table, when it was trained with one."""
UNKNOWN_BELOW = 0.5
"""The rule cascade's threshold: a verdict under this confidence is `unknown` and goes to review."""

_ACTIONS = {
    "format_violation": "Finetune on examples whose output is the bare payload in the expected format.",
    "schema_violation": "Finetune on examples whose payload has exactly the schema's fields and types.",
    "instruction_violation": "Finetune on examples that keep every stated constraint (length, casing, words).",
    "off_task": "Finetune on examples that answer the instruction actually given.",
    "insufficient_detail": "Finetune on complete answers that address every part of the question.",
    "style": "Finetune on concise answers in the wanted tone, without padding.",
    "unsafe": "Finetune on refusals (with safe alternatives) for harmful requests.",
    "over_refusal": "Finetune on helpful answers to safe requests that look risky.",
    "context_ignored": "Finetune on answers that stay faithful to the given context.",
    "hallucination": "Add an authoritative source for these facts to the RAG corpus.",
    "outdated_knowledge": "Add current documents on this topic to the RAG corpus.",
    "missing_knowledge": "Add documents that cover this question to the RAG corpus.",
    "retrieval_miss": "Fix retrieval so the passage holding the answer ranks in the top results.",
    "corpus_gap": "Write or ingest a document that answers this question.",
}


class Combiner(Protocol):
    version: str

    @property
    def manifest(self) -> Mapping[str, object]: ...

    def predict(self, signals: Sequence[Signals], embeddings: dict[str, object]) -> list[Verdict]: ...


def action_for(label: str, subtypes: Sequence[str]) -> str:
    """One sentence a person can act on."""
    if label == "unknown" or not subtypes:
        return "Review this case by hand: the signals are weak or conflict."
    if label == "both":
        beh = next((s for s in subtypes if s in _ACTIONS and not _ACTIONS[s].startswith(("Add", "Fix", "Write"))), None)
        info = next((s for s in subtypes if s != beh), None)
        parts = [_ACTIONS[s].rstrip(".") for s in (info, beh) if s]
        return "; then ".join(parts) + "." if parts else "Fix the facts first, then the behavior."
    return _ACTIONS.get(subtypes[0], "Review this case by hand.")


class Engine:
    """Diagnoses failure records; one instance is safe to share across threads."""

    def __init__(self, combiner: Combiner | None = None, embedder: TextEmbedder | None = None,
                 unknown_below: float = UNKNOWN_BELOW) -> None:
        self._combiner = combiner
        self._embedder: TextEmbedder = embedder or default_embedder()
        self._unknown_below = unknown_below
        self.version: str = combiner.version if combiner is not None else RULES_VERSION

    @property
    def embedder(self) -> TextEmbedder:
        """The embedder the signals use (the one the model was trained with)."""
        return self._embedder

    @property
    def manifest(self) -> dict[str, object]:
        """The trained model's manifest (empty for the v1 rules alone)."""
        return dict(self._combiner.manifest) if self._combiner is not None else {}

    def signals(self, records: Sequence[FailureRecord]) -> tuple[list[Signals], dict[str, object]]:
        sigs, emb = extract(records, self._embedder)
        return sigs, dict(emb)

    def diagnose(self, records: Sequence[FailureRecord]) -> list[Diagnosis]:
        """Diagnose a batch, in order; identical input gives identical output."""
        if not records:
            return []
        sigs, emb = self.signals(records)
        if self._combiner is not None:
            verdicts = self._combiner.predict(sigs, emb)
        else:
            verdicts = [self._rules(s) for s in sigs]
        return [self._diagnosis(r, s, vd) for r, s, vd in zip(records, sigs, verdicts)]

    def diagnose_each(self, records: Sequence[FailureRecord]) -> list[Diagnosis | Exception]:
        """`diagnose`, but a case that raises comes back as its exception and the others as diagnoses.

        The batch is tried whole first (one embedding call); only when it raises is it retried case by case,
        so one case that trips a bug costs its own answer, not its batch's.
        """
        try:
            return list(self.diagnose(records))
        except Exception as exc:  # noqa: BLE001 - find the case that raised; the others still get answers
            if len(records) == 1:
                log.exception("case %s could not be diagnosed", records[0].id)
                return [exc]
        return [d for rec in records for d in self.diagnose_each([rec])]

    def _rules(self, s: Signals) -> Verdict:
        vd = decide(s)
        if vd.confidence < self._unknown_below:
            return Verdict("unknown", (), vd.confidence, f"weak signals ({vd.reason})")
        return vd

    def _diagnosis(self, rec: FailureRecord, s: Signals, vd: Verdict) -> Diagnosis:
        # Strongest findings first; the decision's own reason leads so a person sees why at a glance.
        findings = sorted(s.evidence, key=lambda e: (-e.score, e.signal, e.detail))
        evidence = (Evidence("decision", vd.reason, round(vd.confidence, 4)),) + tuple(
            Evidence(e.signal, e.detail, round(float(e.score), 4)) for e in findings[:8])
        return Diagnosis(
            id=rec.id,
            label=vd.label,
            subtypes=tuple(vd.subtypes),
            confidence=round(float(vd.confidence), 4),
            route=route_for(vd.label),
            evidence=evidence,
            action=action_for(vd.label, vd.subtypes),
            classifier_version=self.version,
        )


def default_model_dir() -> Path:
    """Where the shipped default model lives inside the package."""
    return Path(str(resources.files("classifiers") / "models" / "default"))


def shipped_embedder() -> TextEmbedder:
    """The embedder the shipped default model was trained with (its static table, else MiniLM)."""
    static = default_model_dir() / STATIC_FILE
    if static.is_file():
        from classifiers.static_embedding import StaticEmbedder

        return StaticEmbedder(static)
    return default_embedder()


def load_engine(model_dir: Path | None = None) -> Engine:
    """Load a trained model directory, or the shipped default (None); falls back to the v1 rules.

    Raises:
        FileNotFoundError: an explicit `model_dir` holds no model.
    """
    path = Path(model_dir) if model_dir is not None else default_model_dir()
    if (path / "manifest.json").is_file():
        from classifiers.model import LearnedCombiner  # local: the combiner module needs the engine's types

        combiner = LearnedCombiner.load(path)
        return Engine(combiner, combiner.embedder())
    if model_dir is not None:
        raise FileNotFoundError(f"no manifest.json in {path}")
    return Engine()
