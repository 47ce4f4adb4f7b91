"""Reading failure records: what eval tools commonly send is understood; what is wrong is refused by field."""

from __future__ import annotations

import pytest

from classifiers.records import RecordError, parse_record

BASE = {"id": "c1", "input": "Return the order as JSON.", "output": "{}"}


def _parse(**extra):
    return parse_record({**BASE, **extra})


def test_check_explanations_and_statuses_under_other_tools_names_are_read() -> None:
    rec = _parse(checks=[{"name": "json_parse", "passed": False, "detail": "Expecting value: line 1"},
                         {"name": "answer_match", "status": "FAIL", "message": "'67' not found"},
                         {"name": "toxicity", "status": "pass"}]).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("json_parse", False, "Expecting value: line 1"), ("answer_match", False, "'67' not found"),
        ("toxicity", True, "")]


def test_checks_listed_by_name_failed_and_checks_mapped_to_outcomes_are_read() -> None:
    rec = _parse(checks=["json_parse", {"name": "toxicity", "passed": True}]).record
    assert [(c.name, c.passed) for c in rec.checks] == [("json_parse", False), ("toxicity", True)]
    rec = _parse(checks={"json_parse": False, "answer_match": "FAIL", "toxicity": "pass"}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("json_parse", False), ("answer_match", False),
                                                        ("toxicity", True)]
    with pytest.raises(RecordError) as err:
        _parse(checks={"json_parse": "maybe", "": False})
    assert [v.field for v in err.value.violations] == ["checks[0].passed", "checks[1].name"]


def test_a_check_without_a_readable_outcome_is_refused_by_field() -> None:
    with pytest.raises(RecordError) as err:
        _parse(checks=[{"name": "json_parse", "status": "maybe"}])
    assert [v.field for v in err.value.violations] == ["checks[0].passed"]


def test_context_passages_given_as_objects_are_read_as_their_text() -> None:
    rec = _parse(context=[{"text": "Orders ship in 2 days.", "source": "faq"}, "Returns take 30 days."]).record
    assert rec.context == ("Orders ship in 2 days.", "Returns take 30 days.")
    with pytest.raises(RecordError) as err:
        _parse(context=[{"title": "no text here"}])
    assert [v.field for v in err.value.violations] == ["context"]


@pytest.mark.parametrize(("given", "read"), [("JSON", "json"), ("yml", "yaml"), ("md", "markdown"),
                                             ("text", None), ("Plain", None), ("toml", "toml"), ("dsl", "dsl")])
def test_expected_format_names_aliases_and_no_format(given: str, read: str | None) -> None:
    assert _parse(expected_format=given).record.expected_format == read


def test_an_unknown_expected_format_is_refused_with_the_accepted_names() -> None:
    with pytest.raises(RecordError) as err:
        _parse(expected_format="docx")
    (violation,) = err.value.violations
    assert violation.field == "expected_format" and "json" in violation.description and "toml" in violation.description


def test_a_carried_format_is_diagnosed_without_a_validator(engine) -> None:
    rec = _parse(expected_format="toml", output="name = 'x'\nqty = 3").record
    (d,) = engine.diagnose([rec])
    assert any(e.signal == "format" and "not checked" in e.detail for e in d.evidence)
    assert not any(e.signal == "format" and e.score > 0 for e in d.evidence)


def test_label_and_subtype_spellings_are_normalised_and_unknown_ones_refused() -> None:
    rec = _parse(label="Behaviour", subtypes=["Format violation", "instruction-violation"])
    assert (rec.label, rec.subtypes) == ("behavior", ("format_violation", "instruction_violation"))
    assert _parse(label="information-based", subtypes="hallucination").label == "information"
    with pytest.raises(RecordError) as err:
        _parse(label="facts", subtypes=["vibes"])
    assert sorted(v.field for v in err.value.violations) == ["label", "subtypes"]
