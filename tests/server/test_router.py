"""The router is a pure function: each label lands in the right queue with the payload its team needs."""

from __future__ import annotations

from classifiers.records import Diagnosis, Evidence, FailureRecord, parse_record, route_for
from server.router import missed_facts, route

RECORD = FailureRecord(
    id="c1",
    input="Who wrote Dune? Answer in JSON.",
    output="Dune was written by Isaac Asimov.",
    reference="Frank Herbert wrote Dune. It was published in 1965.",
    context=("Dune is a 1965 novel by Frank Herbert.",),
    expected_format="json",
    instructions=("Answer in one sentence.",),
)


def diag(label: str, subtypes: tuple[str, ...]) -> Diagnosis:
    return Diagnosis("c1", label, subtypes, 0.9, route_for(label),
                     (Evidence("reference_agreement", "output contradicts reference", 0.8),
                      Evidence("context_grounding", "reference is in context passage 1", 0.7)),
                     "Add the fact to the knowledge base.", "test")


def test_information_goes_to_rag_with_question_missed_facts_and_retrieval_evidence() -> None:
    [item] = route(RECORD, diag("information", ("hallucination",)))
    assert item.queue == "rag" and not item.deferred
    assert item.payload["question"] == RECORD.input
    assert item.payload["missed_facts"] == ["Frank Herbert wrote Dune.", "It was published in 1965."]
    assert [e["signal"] for e in item.payload["retrieval_evidence"]] == ["context_grounding"]


def test_behavior_goes_to_finetune_with_sft_and_preference_pair() -> None:
    [item] = route(RECORD, diag("behavior", ("format_violation",)))
    assert item.queue == "finetune" and not item.deferred
    p = item.payload
    assert p["completion"] == RECORD.reference and p["needs_correction"] is False
    assert p["rejected"] == RECORD.output
    assert [m["role"] for m in p["messages"]] == ["system", "user"]
    assert "Answer in one sentence." in p["messages"][1]["content"]
    assert "JSON only" in p["messages"][1]["content"]


def test_the_prompt_names_the_language_the_answer_was_owed_in() -> None:
    record = parse_record({"id": "c3", "input": "Write a Koka function that doubles a list.", "output": "def f(x)",
                           "expected_format": "Koka"}).record
    [item] = route(record, diag("behavior", ("format_violation",)))
    assert "Answer in KOKA only." in item.payload["messages"][-1]["content"]


def test_without_reference_the_pair_needs_a_correction() -> None:
    record = FailureRecord(id="c2", input="Say hi in French.", output="Hello")
    [item] = route(record, diag("behavior", ("instruction_violation",)))
    assert item.payload["completion"] is None and item.payload["needs_correction"] is True


def test_both_goes_to_rag_now_and_finetune_deferred() -> None:
    items = route(RECORD, diag("both", ("hallucination", "insufficient_detail")))
    assert [(i.queue, i.deferred) for i in items] == [("rag", False), ("finetune", True)]


def test_unknown_goes_to_review_with_all_evidence() -> None:
    [item] = route(RECORD, diag("unknown", ()))
    assert item.queue == "review"
    assert len(item.payload["evidence"]) == 2 and item.payload["record"]["id"] == "c1"


def test_missed_facts_keeps_only_what_the_output_lacks() -> None:
    record = FailureRecord(id="c3", input="q", output="Frank Herbert wrote it.",
                           reference="Frank Herbert wrote Dune. It was published in 1965.")
    assert missed_facts(record) == ["It was published in 1965."]
