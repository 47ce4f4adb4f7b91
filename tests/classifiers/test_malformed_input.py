"""Records mangled at random are read or refused by field, never raised on, and what is read is diagnosed.

The seeds are the README's example records and one check list of each export shape the intake reads specially;
each mutation puts a value of another JSON type (a list, an object, a number, a bool, null) somewhere in a seed
or drops a key. The generator is seeded, so a failure here reproduces.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from classifiers.records import RecordError, parse_record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "failures.jsonl"

EXPORT_CHECKS: list[Any] = [
    {"action": "GUARDRAIL_INTERVENED", "assessments": [{"contextualGroundingPolicy": {"filters": [
        {"type": "GROUNDING", "threshold": 0.7, "score": 0.1, "action": "BLOCKED", "detected": True}]}}]},
    [{"evaluation_id": "eval_1", "status": "processed", "name": "faithfulness", "score": 0.2, "label": "fail"}],
    {"scores": {"Factuality": 0.4, "Moderation": 1}, "metadata": {"Factuality": {"rationale": "the date is wrong"}}},
    {"before_request_hooks": [], "after_request_hooks": [{"id": "h1", "verdict": False, "checks": [
        {"id": "default.jsonSchema", "verdict": False, "data": {"explanation": "must be number"}}]}]},
    [{"evaluator": {"name": "tone", "spec": {"return_type": "number"}}, "judgment": 2, "output": "curt"}],
    [{"name": "correctness", "value": 0, "dataType": "BOOLEAN", "comment": "wrong year"}],
    {"validation_passed": False, "validation_summaries": [{"validator_name": "ValidJson", "validator_status": "fail"}]},
    [{"type": "output", "name": "self check facts", "decisions": ["refuse"], "stop": True, "executed_actions": []}],
    {"faithfulness/v1/score": "no", "faithfulness/v1/justification": "not in the context"},
    {"schema_check": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}},
    {"guard_model": "Llama-Guard-3-8B", "llama_guard_3": [{"turn": "Agent", "generation": "unsafe\nS2"}]},
    [{"goal": {"name": "Faithfulness", "subtype": "metricThreshold", "thresholds": [
        {"insightName": "metrics", "measurement": "faithfulness"}]}, "status": "failing",
      "row": {"faithfulness": 0.4}}],
    {"sql_parses-hcone-bool": 1, "faithfulness": 85, "helicone-score-feedback": 0},
    [{"name": "consistency", "value": 2.0, "value_type": "float", "is_issue": True}],
    {"granite_guardian": {"results": [{"risk_name": "groundedness", "label": "Yes", "prob_of_risk": 0.87}]},
     "pipeline": {"json_parse": False, "json_parse_error": "Expecting value", "char_count": 442, "max_chars": 160}},
    [{"evaluatorSlug": "topics", "result": ["financing"]}, {"evaluatorSlug": "sql", "result": {"pass": False}}],
    [{"metric_label": "YAML Parses", "metric_definition": {"name": "yaml-parse"}, "outputs": [
        {"type": "NUMBER", "name": "score", "value": 0.0}, {"type": "STRING", "name": "log", "value": "bad"}]}],
    {"shieldgemma": {"policies": {"Harassment": {"p_yes": 0.1, "violation": False}}}, "custom": {"json_parse": True}},
    {"REASONING": ["faithful"], "SCORE": "PASS"},
    [{"name": "is_json", "output": "Passed", "output_type": "Pass/Fail"},
     {"spanId": "s1", "ltUserScore": -1, "Test": {"name": "Factual Accuracy", "min": -1, "max": 1}}],
]

OTHER_TYPES: list[Any] = [None, True, False, 0, 1, 7, -1, 0.5, 1.5, "", "pass", "fail", "unsafe\nS1", [], {},
                          ["processed"], {"name": 3}, [{"score": "high"}], {"$schema": 7}]


def _mutated(value: Any, rng: random.Random, rate: float) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < rate / 2:
                continue
            out[key] = rng.choice(OTHER_TYPES) if roll < rate else _mutated(item, rng, rate)
        return out
    if isinstance(value, list):
        return [rng.choice(OTHER_TYPES) if rng.random() < rate else _mutated(v, rng, rate) for v in value]
    return value


def _seeds() -> list[dict[str, Any]]:
    examples = [json.loads(line) for line in EXAMPLES.read_text().splitlines() if line.strip()]
    shaped = [{**examples[i % len(examples)], "checks": checks} for i, checks in enumerate(EXPORT_CHECKS)]
    shaped.append({**examples[0], "expected_format": "json array", "schema": {"type": "array"}})
    return examples + shaped


def _mangled(n: int, seed: int) -> list[Any]:
    rng = random.Random(seed)
    seeds = _seeds()
    return [_mutated(rng.choice(seeds), rng, rate=rng.choice([0.05, 0.15, 0.3])) for _ in range(n)]


def test_a_mangled_record_is_read_or_refused_by_field_never_raised() -> None:
    read = refused = 0
    for data in _mangled(20000, seed=20261208):
        try:
            parse_record(data)
            read += 1
        except RecordError as exc:
            assert exc.violations and all(v.field and v.description for v in exc.violations)
            refused += 1
    # Both outcomes occur, so the mutations reach past the first required field.
    assert read > 100 and refused > 100


def test_every_mangled_record_that_is_read_is_diagnosed(engine) -> None:  # type: ignore[no-untyped-def]
    records = []
    for data in _mangled(600, seed=7):
        try:
            records.append(parse_record(data).record)
        except RecordError:
            continue
    answers = engine.diagnose_each(records)
    failed = [(rec.id, repr(a)) for rec, a in zip(records, answers) if isinstance(a, Exception)]
    assert len(records) > 50 and failed == []
