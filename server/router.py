"""The router: a pure function from (record, diagnosis) to the queue items that fix the failure.

information -> rag; behavior -> finetune; both -> rag now, plus a finetune item kept deferred until the
facts are fixed (fixing form on top of wrong facts teaches the model to be confidently wrong); unknown ->
review, where a person decides.
"""

from __future__ import annotations

import json
import re
from typing import Any

from classifiers.records import Diagnosis, FailureRecord
from server.store.base import QueueItemDraft

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\w+")
_RETRIEVAL_SIGNALS = ("retrieval", "context", "corpus", "grounding")


def route(record: FailureRecord, diagnosis: Diagnosis) -> list[QueueItemDraft]:
    """The queue items for one diagnosed case (empty never: every case lands somewhere)."""
    if diagnosis.label == "information":
        return [QueueItemDraft("rag", rag_payload(record, diagnosis))]
    if diagnosis.label == "behavior":
        return [QueueItemDraft("finetune", finetune_payload(record, diagnosis))]
    if diagnosis.label == "both":
        return [
            QueueItemDraft("rag", rag_payload(record, diagnosis)),
            QueueItemDraft("finetune", finetune_payload(record, diagnosis, deferred=True), deferred=True),
        ]
    return [QueueItemDraft("review", review_payload(record, diagnosis))]


def missed_facts(record: FailureRecord) -> list[str]:
    """Reference sentences whose content words the output mostly lacks: the facts the output missed."""
    if not record.reference:
        return []
    said = {w.lower() for w in _WORD.findall(record.output)}
    missed = []
    for sentence in _SENTENCE.split(record.reference.strip()):
        words = {w.lower() for w in _WORD.findall(sentence) if len(w) > 2}
        if not words:
            continue
        if len(words & said) / len(words) < 0.6:
            missed.append(sentence.strip())
    return missed


def _common(record: FailureRecord, diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "case_id": record.id,
        "label": diagnosis.label,
        "subtypes": list(diagnosis.subtypes),
        "confidence": diagnosis.confidence,
        "model": record.model,
        "task": record.task,
        "action": diagnosis.action,
    }


def rag_payload(record: FailureRecord, diagnosis: Diagnosis) -> dict[str, Any]:
    """What a RAG team needs: the question, the facts missed or contradicted, and the retrieval evidence."""
    return {
        **_common(record, diagnosis),
        "question": record.input,
        "output": record.output,
        "reference": record.reference,
        # An output can name every word of the reference and still contradict it ("A won more than B"):
        # the diagnosis says the facts are wrong, so the reference is then the fact to look up.
        "missed_facts": missed_facts(record) or ([record.reference] if record.reference else []),
        "context_passages": len(record.context),
        "retrieval_evidence": [
            {"signal": e.signal, "detail": e.detail, "score": e.score}
            for e in diagnosis.evidence
            if any(key in e.signal for key in _RETRIEVAL_SIGNALS)
        ],
    }


def training_prompt(record: FailureRecord) -> str:
    """The user turn a finetuned model must answer: the input plus the constraints it was given."""
    parts = [record.input]
    if record.instructions:
        parts.append("Instructions:\n" + "\n".join(f"- {i}" for i in record.instructions))
    if record.expected_format:
        parts.append(f"Answer in {record.expected_format.upper()} only.")
    if record.schema is not None:
        parts.append("The answer must follow this JSON Schema:\n" + json.dumps(record.schema, sort_keys=True))
    return "\n\n".join(parts)


def finetune_payload(record: FailureRecord, diagnosis: Diagnosis, deferred: bool = False) -> dict[str, Any]:
    """A chat-format SFT pair plus a preference pair (rejected = the failed output)."""
    messages = []
    if record.context:
        messages.append({"role": "system", "content": "Use this context:\n\n" + "\n\n".join(record.context)})
    messages.append({"role": "user", "content": training_prompt(record)})
    return {
        **_common(record, diagnosis),
        "messages": messages,
        "completion": record.reference,
        "needs_correction": record.reference is None,
        "rejected": record.output,
        "expected_format": record.expected_format,
        "schema": dict(record.schema) if record.schema is not None else None,
        "instructions": list(record.instructions),
        "record": record.to_dict(),
        "deferred": deferred,
    }


def review_payload(record: FailureRecord, diagnosis: Diagnosis) -> dict[str, Any]:
    """A person decides: the whole case and every piece of evidence the engine weighed."""
    return {
        **_common(record, diagnosis),
        "record": record.to_dict(),
        "evidence": [{"signal": e.signal, "detail": e.detail, "score": e.score} for e in diagnosis.evidence],
    }
