"""Re-diagnosis of regenerated answers with the real engine: a case the engine fails on stays open."""

from __future__ import annotations

from trainer import EngineRediagnoser, ValidatorRediagnoser


def _example(case_id: str) -> dict:
    return {
        "case_id": case_id,
        "subtypes": ["off_task"],
        "record": {"id": case_id, "input": "Summarise the incident report in two sentences for the on-call channel.",
                   "output": "Here is a poem about the sea."},
    }


def test_a_case_the_engine_fails_on_is_not_fixed_and_the_others_are_judged(engine, engine_bug: str) -> None:
    examples = [_example("case-1"), _example(engine_bug + "2"), _example("case-3")]
    answer = "The primary database failed over at 02:10 after a disk filled. Writes resumed at 02:14 with no data loss."
    findings = ValidatorRediagnoser(EngineRediagnoser(engine)).judge(examples, [answer] * 3)
    assert len(findings) == 3
    assert findings[1].failing and findings[1].flagged == ()
    assert findings[1].evidence.startswith("could not be re-diagnosed: ValueError")
    assert findings[0] == findings[2]
    assert findings[0].evidence.startswith("engine says")
