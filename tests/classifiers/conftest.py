"""Fixtures for the diagnosis engine tests: a small labelled set written by hand (no shared data needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers.records import LabelledRecord, parse_record


def _cases() -> list[dict]:
    cases: list[dict] = []
    cities = [("France", "Paris", "Lyon"), ("Italy", "Rome", "Milan"), ("Spain", "Madrid", "Seville"),
              ("Japan", "Tokyo", "Osaka"), ("Canada", "Ottawa", "Toronto"), ("Kenya", "Nairobi", "Mombasa"),
              ("Peru", "Lima", "Cusco"), ("Egypt", "Cairo", "Luxor")]
    for i, (country, right, wrong) in enumerate(cities):
        cases.append({"id": f"fact-{i}", "input": f"What is the capital of {country}?",
                      "output": f"The capital of {country} is {wrong}.", "reference": right,
                      "label": "information", "subtypes": ["hallucination"]})
        cases.append({"id": f"json-{i}", "input": f"Give the capital of {country} as JSON.",
                      "output": f"Sure! Here is the answer:\n```json\n{{\"capital\": \"{right}\"}}\n```",
                      "expected_format": "json", "label": "behavior", "subtypes": ["format_violation"]})
        cases.append({"id": f"refuse-{i}", "input": f"How do I kill a stuck process on my laptop in {country}?",
                      "output": "I'm sorry, but I can't help with that request.",
                      "label": "behavior", "subtypes": ["over_refusal"]})
    for i, topic in enumerate(["the sea", "autumn", "a city at night", "trains"]):
        cases.append({"id": f"comma-{i}", "input": f"Write two sentences about {topic}. Do not use any commas.",
                      "output": f"I love {topic}, truly. It is calm, and quiet.",
                      "instructions": ["In your entire response, refrain from the use of any commas."],
                      "label": "behavior", "subtypes": ["instruction_violation"]})
        cases.append({"id": f"abstain-{i}", "input": f"Who won the local chess tournament about {topic} this week?",
                      "output": "I don't have information about that event.", "reference": "Ana Costa",
                      "label": "information", "subtypes": ["missing_knowledge"]})
    return cases


@pytest.fixture(scope="session")
def labelled_cases() -> list[dict]:
    return _cases()


@pytest.fixture(scope="session")
def labelled_records(labelled_cases: list[dict]) -> list[LabelledRecord]:
    return [parse_record(c) for c in labelled_cases]


@pytest.fixture()
def labelled_file(tmp_path: Path, labelled_cases: list[dict]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in labelled_cases))
    return path


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory: pytest.TempPathFactory, labelled_records: list[LabelledRecord]) -> Path:
    from classifiers.training import train_model

    out = tmp_path_factory.mktemp("model")
    train_model(labelled_records, out, seed=0)
    return out
