"""Reading failure records: what eval tools commonly send is understood; what is wrong is refused by field."""

from __future__ import annotations

import json

import pytest

from classifiers.check_names import failed_check_kinds
from classifiers.records import RecordError, parse_record, read_jsonl

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
        _parse(checks={"": False})
    assert [v.field for v in err.value.violations] == ["checks[0].name"]


def test_a_check_with_no_name_is_refused_with_where_a_name_is_looked_for_and_what_it_holds() -> None:
    # An export in a shape not read yet: the message shows its keys beside the ones a name is read from.
    with pytest.raises(RecordError) as err:
        _parse(checks=[{"monitor": "pii", "outcome_detail": {"found": 2}}])
    [violation] = err.value.violations
    assert violation.field == "checks[0].name"
    assert "under one of name, metric, check" in violation.description
    assert "this check has monitor, outcome_detail" in violation.description
    with pytest.raises(RecordError) as err:
        _parse(checks={"": False})
    assert [v.description for v in err.value.violations] == ["must not be empty"]


def test_a_map_of_check_results_keeps_the_outcomes_and_leaves_out_measurements() -> None:
    rec = _parse(checks={"parse": True, "executes": None, "row_count": 7, "result_match_gold": False,
                         "parse_error": "none", "numeric_grounding": {"pass": False, "ungrounded": ["12%"]},
                         "lint": [{"rule": "no-select-star", "pass": False}]}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("parse", True, ""), ("result_match_gold", False, ""), ("numeric_grounding", False, '{"ungrounded": ["12%"]}')]
    # One check given as an object is one check, not a map of names.
    single = _parse(checks={"name": "json_parse", "passed": False, "reason": "Expecting value"}).record
    assert [(c.name, c.passed, c.reason) for c in single.checks] == [("json_parse", False, "Expecting value")]


def test_a_check_without_a_readable_outcome_is_refused_by_field() -> None:
    with pytest.raises(RecordError) as err:
        _parse(checks=[{"name": "json_parse", "status": "maybe"}])
    assert [v.field for v in err.value.violations] == ["checks[0].passed"]


def test_context_passages_given_as_objects_are_read_as_their_text() -> None:
    rec = _parse(context=[{"text": "Orders ship in 2 days.", "source": "faq", "score": "0.83"},
                          "Returns take 30 days."]).record
    # The passage's labels head it (an answer cites them); its retrieval score was never shown to the model.
    assert rec.context == ("faq\nOrders ship in 2 days.", "Returns take 30 days.")
    ddl = "CREATE TABLE tickets (ticket_id BIGINT PRIMARY KEY, status TEXT)"
    rec = _parse(context=[{"doc": "tbl:tickets", "ddl": ddl, "score": 0.8},
                          {"vendor_id": "V-42", "tax_id": "DE123", "score": 0.7}]).record
    # Without a usual text key: its one long text field, else the whole object (a data row) as JSON.
    assert rec.context[0] == "tbl:tickets\n" + ddl
    assert json.loads(rec.context[1]) == {"vendor_id": "V-42", "tax_id": "DE123", "score": 0.7}
    with pytest.raises(RecordError) as err:
        _parse(context=[["nested", "list"]])
    assert [v.field for v in err.value.violations] == ["context"]


@pytest.mark.parametrize(("given", "read"), [("JSON", "json"), ("yml", "yaml"), ("md", "markdown"),
                                             ("text", None), ("Plain", None), ("toml", "toml"), ("dsl", "dsl"),
                                             ("promql", "promql"), ("gradle_kts", "gradle_kts"), ("Kotlin", "kotlin"),
                                             ("Rust code", "rust"), ("C++", "c++"), ("code", "code")])
def test_expected_format_names_aliases_and_no_format(given: str, read: str | None) -> None:
    assert _parse(expected_format=given).record.expected_format == read


def test_a_file_type_as_expected_format_is_refused_with_the_accepted_names() -> None:
    with pytest.raises(RecordError) as err:
        _parse(expected_format="docx")
    (violation,) = err.value.violations
    assert violation.field == "expected_format" and "file type (docx)" in violation.description
    assert "json" in violation.description and "toml" in violation.description


@pytest.mark.parametrize(("given", "meant"), [("jsn", "json"), ("htlm", "html"), ("xlm", "xml"), ("ymal", "yaml"),
                                              ("mardown", "markdown"), ("tomll", "toml")])
def test_a_typo_of_a_known_format_is_refused_with_the_name_it_is_near(given: str, meant: str) -> None:
    with pytest.raises(RecordError) as err:
        _parse(expected_format=given)
    (violation,) = err.value.violations
    assert violation.field == "expected_format" and f'did you mean "{meant}"?' in violation.description


@pytest.mark.parametrize("given", ["Pony", "koka", "Chapel", "C#", "Mercury", "JQL", "json5", "TLA+"])
def test_a_language_formfact_does_not_list_is_carried_under_its_name(given: str) -> None:
    rec = _parse(expected_format=given).record
    assert rec.expected_format == given.lower()
    # The stored name reads back as itself, so a case keeps its fingerprint through the store.
    assert _parse(expected_format=rec.expected_format).record.fingerprint() == rec.fingerprint()


@pytest.mark.parametrize("given", ["integer", "date", "French"])
def test_a_type_of_value_or_a_prose_language_becomes_an_instruction(given: str) -> None:
    rec = _parse(expected_format=given).record
    assert rec.expected_format is None and f"Answer format: {given}" in rec.instructions


def test_a_word_with_no_letters_is_no_format_name() -> None:
    with pytest.raises(RecordError, match="expected_format"):
        _parse(expected_format="123")


def test_a_carried_format_is_diagnosed_without_a_validator(engine) -> None:
    rec = _parse(expected_format="toml", output="name = 'x'\nqty = 3").record
    (d,) = engine.diagnose([rec])
    assert any(e.signal == "format" and "not checked" in e.detail for e in d.evidence)
    assert not any(e.signal == "format" and e.score > 0 for e in d.evidence)


def test_label_and_subtype_spellings_are_normalised() -> None:
    rec = _parse(label="Behaviour", subtypes=["Format violation", "instruction-violation"])
    assert (rec.label, rec.subtypes) == ("behavior", ("format_violation", "instruction_violation"))
    assert _parse(label="information-based", subtypes="hallucination").label == "information"
    assert _parse(label="information+behavior").label == "both"
    with pytest.raises(RecordError) as err:
        _parse(label="facts", subtypes=[{"kind": "format"}])
    assert sorted(v.field for v in err.value.violations) == ["label", "subtypes"]


def test_subtypes_of_another_taxonomy_are_mapped_or_kept_for_the_label_to_be_scored() -> None:
    # A file labelled elsewhere: each case still counts (a refused line would score as a wrong answer).
    rec = _parse(label="both", subtypes=["Factual error", "invalid-json", "tone_mismatch"])
    assert rec.subtypes == ("hallucination", "format_violation", "tone_mismatch")


def test_other_tools_field_names_are_read_and_formfacts_own_win() -> None:
    deepeval = parse_record({"id": 7, "input": "Capital of Australia?", "actual_output": "Sydney",
                             "expected_output": "Canberra", "retrieval_context": ["Canberra is the capital."]})
    assert (deepeval.record.id, deepeval.record.output, deepeval.record.reference, deepeval.record.context) == (
        "7", "Sydney", "Canberra", ("Canberra is the capital.",))
    ragas = parse_record({"id": "r1", "user_input": "Capital?", "response": "Sydney", "retrieved_contexts": [],
                          "reference": "Canberra"}).record
    assert (ragas.input, ragas.output, ragas.reference) == ("Capital?", "Sydney", "Canberra")
    both = _parse(response="not this one", output="this one").record
    assert both.output == "this one"


def test_structured_outputs_messages_and_answer_lists_are_read_as_text(engine) -> None:
    rec = parse_record({"id": "m1", "input": [{"role": "system", "content": "Reply in JSON."},
                                              {"role": "user", "content": "Order 42's status?"}],
                        "output": {"order": 42, "status": "shipped"}, "expected_format": "json",
                        "reference": ["shipped", "in transit"]}).record
    assert rec.input == "Reply in JSON.\n\nOrder 42's status?"
    assert rec.reference == "shipped; in transit"
    # An output given as an object is valid JSON by construction: no format fault is found in it.
    assert json.loads(rec.output) == {"order": 42, "status": "shipped"}
    (d,) = engine.diagnose([rec])
    assert "format_violation" not in d.subtypes
    assert _parse(output={"role": "assistant", "content": "Shipped."}).record.output == "Shipped."
    call = [{"name": "book_hotel", "args": {"hotel_id": "HTL-5", "check_in": "2025-04-10"}}]
    agent = _parse(output={"role": "assistant", "content": "Booking it.", "tool_calls": call}).record.output
    assert agent.startswith("Booking it.\n") and json.loads(agent.split("\n", 1)[1]) == call
    # A warning is not a failure.
    assert _parse(checks=[{"check": "completeness", "status": "warn"}]).record.checks[0].passed is True
    assert json.loads(_parse(output=["a", "b"]).record.output) == ["a", "b"]


def test_context_and_instructions_in_other_shapes_are_read() -> None:
    rec = _parse(context={"faq-1": "Orders ship in 2 days.", "faq-2": {"body": "Returns take 30 days."}},
                 instructions=[{"id": "len", "description": "Answer in one sentence."}, "No emoji."]).record
    assert rec.context == ("Orders ship in 2 days.", "Returns take 30 days.")
    assert rec.instructions == ("Answer in one sentence.", "No emoji.")
    assert _parse(instructions={"max_words": 50, "language": "German"}).record.instructions == (
        "max_words: 50", "language: German")
    assert _parse(instructions="Answer in French.").record.instructions == ("Answer in French.",)


@pytest.mark.parametrize(("given", "read"), [("application/json", "json"), ("valid JSON object", "json"),
                                             ("json_object", "json"), ("PostgreSQL 15", "sql"), ("T-SQL", "sql"),
                                             ("Markdown table", "markdown"), ("text/plain", None),
                                             ("plain text", None), ("bash", "bash"), ("razor", "razor"),
                                             ("Caddyfile", "caddyfile"), ("gdscript", "gdscript"),
                                             ("Justfile", "justfile"),
                                             ("Raku", "raku"), ("JCL", "jcl"),
                                             ("Jenkinsfile", "jenkinsfile"), ("edn", "edn"), ("R", "r"),
                                             ("Rmd", "rmd"), ("bicepparam", "bicepparam"),
                                             ("menhir", "menhir"), ("ocamllex", "ocamllex"), ("tonel", "tonel"),
                                             ("Agda", "agda"), ("Coq", "coq"), ("Lean4", "lean4"),
                                             ("Forth", "forth"), ("qsharp", "qsharp"), ("Vyper", "vyper"),
                                             ("Inform7", "inform7")])
def test_expected_format_descriptions_mime_types_and_dialects(given: str, read: str | None) -> None:
    rec = _parse(expected_format=given).record
    assert rec.expected_format == read and rec.instructions == ()


def test_an_expected_format_that_names_a_shape_of_prose_becomes_an_instruction() -> None:
    rec = _parse(expected_format="bullet list", instructions=["Cite the policy."]).record
    assert rec.expected_format is None
    assert rec.instructions == ("Cite the policy.", "Answer format: bullet list")
    assert _parse(expected_format="Email").record.instructions == ("Answer format: Email",)


def test_a_schema_in_words_is_read_as_a_document_and_broken_json_is_refused() -> None:
    ddl = "CREATE TABLE orders (id INT PRIMARY KEY, total NUMERIC);"
    rec = _parse(schema=ddl, context="Orders table holds one row per order.").record
    assert rec.schema is None and rec.context == ("Orders table holds one row per order.", ddl)
    with pytest.raises(RecordError) as err:
        _parse(schema='{"type": "object",')
    assert [v.field for v in err.value.violations] == ["schema"]


def test_checks_as_eval_tools_write_them_are_read() -> None:
    rec = _parse(checks=[{"metric": "Faithfulness", "score": 0.4, "threshold": 0.7, "success": False,
                          "reason": "2 of 5 claims unsupported"},
                         {"assertion": {"type": "is-json"}, "pass": False, "reason": "Expected JSON"},
                         {"metric": "answer_relevancy", "score": 0.9, "threshold": 0.5},
                         {"check": "max_words", "result": "FAIL"}]).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("Faithfulness", False, "2 of 5 claims unsupported"), ("is-json", False, "Expected JSON"),
        ("answer_relevancy", True, ""), ("max_words", False, "")]
    # LangSmith feedback, a pytest run's assertions, graders with a score and no outcome (0.5 passes, as
    # DeepEval's default threshold), and a skipped check, which says nothing and is left out.
    rec = _parse(checks={"harness": "pytest", "outcome": "failed", "duration_s": 2.1,
                         "assertions": [{"name": "test_verdict_matches_gold", "outcome": "failed",
                                         "message": "verdict 'no' != gold 'yes'"},
                                        {"name": "test_cites_section", "outcome": "passed"}]}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("outcome", False, ""), ("test_verdict_matches_gold", False, "verdict 'no' != gold 'yes'"),
        ("test_cites_section", True, "")]
    rec = _parse(checks=[{"key": "flights_in_inventory", "score": 0, "comment": "CV 426 not found"},
                         {"key": "json_schema_valid", "score": 1}, {"metric": "Faithfulness", "score": 0.4},
                         {"name": "toxicity", "status": "skipped"},
                         {"name": "result_match", "passed": None, "detail": "skipped: parse failed"}]).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("flights_in_inventory", False, "CV 426 not found"), ("json_schema_valid", True, ""),
        ("Faithfulness", False, "")]
    with pytest.raises(RecordError) as err:
        _parse(checks=[{"metric": "bleu", "score": 23.1}])  # a score on no known scale, and no threshold
    assert [v.field for v in err.value.violations] == ["checks[0].passed"]


def test_a_byte_order_mark_and_a_json_array_file_are_read() -> None:
    from classifiers.records import BadLine, read_jsonl

    rec = json.dumps({**BASE, "label": "behavior"})
    got = list(read_jsonl(["\ufeff" + rec, rec.replace("c1", "c2")]))
    assert [(n, item.record.id) for n, item in got] == [(1, "c1"), (2, "c2")]
    # A .json export: one array of records, pretty-printed over many lines; its items are numbered from 1.
    array = json.dumps([{**BASE, "id": "a1"}, {"id": "a2", "input": "", "output": "x", "label": "Behaviour"}],
                       indent=2).splitlines()
    (n1, first), (n2, second) = read_jsonl(array)
    assert (n1, first.record.id) == (1, "a1")
    assert n2 == 2 and isinstance(second, BadLine) and "input" in second.message
    assert second.data["label"] == "Behaviour"


def test_classification_evals_unscored_feedback_and_a_traces_tool_calls_are_read() -> None:
    # Phoenix: the label says which way it went ("hallucinated" scores 1 on its hallucination eval).
    rec = _parse(checks=[{"name": "hallucination", "label": "hallucinated", "score": 1, "explanation": "no source"},
                         {"name": "qa_correctness", "label": "correct", "score": 1},
                         {"key": "schema_valid", "score": None, "comment": None}]).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [("hallucination", False, "no source"),
                                                                  ("qa_correctness", True, "")]
    # Weave scorers: a verdict under the scorer's own name outranks a score on an unstated scale.
    assert _parse(checks=[{"name": "tone", "passed": False, "score": "B+"}]).record.checks[0].score is None
    rec = _parse(checks={"GroundednessJudge": {"grounded": False, "score": 0.25},
                         "PolicyAccuracyJudge": {"correct": False, "score": 1, "scale": "1-5"}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("GroundednessJudge", False), ("PolicyAccuracyJudge", False)]
    # Exports that nest their checks: Langfuse scores ("value") and TruLens feedback results ("result").
    rec = _parse(checks={"langfuse": {"traceId": "7e36", "scores": [
                             {"name": "schema_valid", "value": 0, "dataType": "BOOLEAN", "comment": "not JSON"}]},
                         "trulens": {"app_id": "claims", "feedback_results": [
                             {"name": "groundedness", "result": 0.97, "status": "done"}]}}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [("schema_valid", False, "not JSON"),
                                                                  ("groundedness", True, "")]
    # Braintrust: scorer names mapped to scores in [0, 1]; a count is no score.
    rec = _parse(checks={"valid_json": 1, "Factuality": 0.25, "row_count": 7,
                         "thresholds": {"Factuality": 0.6}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("valid_json", True), ("Factuality", False)]
    # A toxicity or hallucination score is a rate of the fault: low passes (MLflow, DeepEval's Hallucination).
    rec = _parse(checks={"toxicity/v1/score": 0.0006, "answer_similarity/v1/score": 1}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("toxicity", True), ("answer_similarity", True)]
    rec = _parse(checks=[{"metric": "Hallucination", "score": 0.8, "threshold": 0.5}]).record
    assert rec.checks[0].passed is False
    # So is a refusal or stereotyping score: Amazon Bedrock's Builtin.Refusal comes to 1 the more the answer refuses,
    # and a refusal detector's 1 is a refusal found.
    rec = _parse(checks={"scores": [{"metricName": "Builtin.Refusal", "result": 1.0},
                                    {"metricName": "Builtin.Stereotyping", "result": 0.0}],
                         "refusal_detected": 1.0}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("Builtin.Refusal", False), ("Builtin.Stereotyping", True), ("refusal_detected", False)]
    # And a moderation score: Opik's Moderation is 0.0 for safe text.
    rec = _parse(checks=[{"name": "moderation_metric", "value": 0.0, "reason": "No policy violations.",
                          "source": "sdk"}]).record
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [("moderation_metric", True, 0.0)]
    # A trace's retrieved documents and tool calls: each is something the model was shown.
    rec = _parse(context={"retrieval.documents": [], "tool_calls": [
        {"tool.name": "get_refill_status", "tool.output": {"drug": "metformin", "refills_remaining": 3}}]}).record
    assert len(rec.context) == 1 and json.loads(rec.context[0])["tool.output"]["refills_remaining"] == 3


def test_vertex_metric_columns_are_read_on_their_own_scales() -> None:
    # Vertex AI's evaluation: "<metric>/score" and "<metric>/explanation" columns; judged metrics on a 1-5 rubric.
    rec = _parse(checks={"instruction_following/score": 1.0,
                         "instruction_following/explanation": "A paragraph where bullets were required.",
                         "fluency/score": 5.0, "groundedness/score": 1.0, "groundedness/explanation": "All supported.",
                         "question_answering_quality/score": 3.0, "verbosity/score": 2.0,
                         "yaml_parses/score": 1.0, "kubeconform_valid/score": 0.0, "rouge_l_sum/score": 0.41,
                         "manifest_correctness/score": 2.0, "persona_tone/score": 1.0,
                         "persona_tone/explanation": "Reads like a policy disclosure."}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("instruction_following", False), ("fluency", True), ("groundedness", True), ("yaml_parses", True),
        ("kubeconform_valid", False), ("rouge_l_sum", False), ("manifest_correctness", False)]
    assert rec.checks[0].reason == "A paragraph where bullets were required."
    # A 3 on a rubric, verbosity (-2..2), and a team metric's judged 1 (worst rubric mark or best 0-1 score) are
    # left out.


def test_an_input_object_and_a_one_word_shape_of_prose_are_read() -> None:
    # A dataset item's input object: one field is the prompt; several are written out under their names.
    assert _parse(input={"question": "Is flood damage covered?"}).record.input == "Is flood damage covered?"
    rec = _parse(input={"document_id": "inv_7f3a", "ocr_text": "INVOICE NP-25-01184\nTotal 1,200.00"}).record
    assert rec.input == "document_id: inv_7f3a\n\nocr_text: INVOICE NP-25-01184\nTotal 1,200.00"
    assert _parse(input={"messages": [{"role": "user", "content": "hi"}]}).record.input == "hi"
    rec = _parse(expected_format="Checklist").record
    assert rec.expected_format is None and rec.instructions == ("Answer format: Checklist",)


def test_azure_evaluation_columns_are_read_one_check_per_metric() -> None:
    # azure-ai-evaluation: "outputs.<evaluator>.<field>" columns; a grader's "sample" (its judge call) is no check.
    rec = _parse(checks={"outputs.relevance.relevance": 2.0, "outputs.relevance.gpt_relevance": 2.0,
                         "outputs.relevance.relevance_reason": "Deflects to customer service.",
                         "outputs.relevance.relevance_result": "fail", "outputs.relevance.relevance_threshold": 3,
                         "outputs.content_safety.violence": "Very low", "outputs.content_safety.violence_score": 0,
                         "outputs.content_safety.violence_result": "pass",
                         "outputs.content_safety.self_harm_score": 5, "outputs.content_safety.self_harm_result": "fail",
                         "outputs.groundedness_pro.groundedness_pro_label": False,
                         "outputs.schema_valid.passed": True, "outputs.schema_valid.score": 1.0,
                         "outputs.schema_valid.sample": {"usage": {"cached_tokens": 0}, "top_p": 1.0},
                         "outputs.f1_score.f1_score": 0.94, "outputs.f1_score.f1_result": "pass",
                         "outputs.coherence.coherence": 4.0}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("relevance", False), ("content_safety.violence", True), ("content_safety.self_harm", False),
        ("groundedness_pro", False), ("schema_valid", True), ("f1_score.f1", True)]
    assert rec.checks[0].reason == "Deflects to customer service." and rec.checks[0].score == 2.0
    # (coherence: a score with no outcome and no threshold is left out.)


def test_inspect_scores_are_read_by_their_letter() -> None:
    # Inspect's eval log: scorer name -> {"value": "C" | "I" | "N" | "P" | a number, "answer", "explanation"}.
    rec = _parse(checks={"model_graded_fact": {"value": "I", "answer": "Rotate every 90 days.",
                                               "explanation": "NIST advises against periodic changes. GRADE: I"},
                         "first_line_format": {"value": "C"}, "match": {"value": "N"}, "partial": {"value": "P"},
                         "retrieval_recall": {"value": 0.0}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("model_graded_fact", False), ("first_line_format", True),
                                                        ("match", False), ("retrieval_recall", False)]
    assert rec.checks[0].reason.endswith("GRADE: I")


def test_a_check_whose_result_is_an_object_of_its_own_is_read_flat() -> None:
    # Patronus: {"results": [{"evaluator_id", "criteria", "status": "success", "evaluation_result": {"pass", ...}}]}.
    rec = _parse(checks={"results": [
        {"evaluator_id": "lynx-large-2024-07-23", "criteria": "patronus:hallucination", "status": "success",
         "evaluation_result": {"pass": False, "score_raw": 0.0, "explanation": "The 30-day window is not in the "
                                                                               "policy."}},
        {"evaluator_id": "judge-large", "criteria": "email-format", "status": "success",
         "evaluation_result": {"pass": True, "score_raw": 1.0}}]}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("patronus:hallucination", False, "The 30-day window is not in the policy."), ("email-format", True, "")]


def test_galileo_metrics_and_their_info_are_read_once_and_run_fields_are_no_checks() -> None:
    # Galileo: "metrics" (values, token counts) beside "metric_info" (the same values with explanations and how
    # each scorer ran); a metric that could not be computed is no check.
    rec = _parse(checks={"metrics": {"duration_ns": 1522000000, "num_input_tokens": 1104,
                                     "ground_truth_adherence": 0.0, "instruction_adherence": 1.0, "sql_executes": False},
                         "metric_info": {
                             "ground_truth_adherence": {"value": 0.0, "status_type": "success", "scorer_type": "Plus",
                                                        "explanation": "Says 15% restocking; the policy has none.",
                                                        "cost": 0.00064},
                             "instruction_adherence": {"value": 1.0, "status_type": "success"},
                             "completeness": {"status_type": "failed", "message": "judge timed out"},
                             "output_tone": {"value": "neutral", "status_type": "success"}}}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("ground_truth_adherence", False, "Says 15% restocking; the policy has none."),
        ("instruction_adherence", True, ""), ("sql_executes", False, "")]


def test_humanloop_judgments_are_read_by_their_evaluators_spec() -> None:
    def log(name: str, judgment: object, **spec: object) -> dict[str, object]:
        return {"id": "log_1", "evaluator": {"name": name, "path": f"HR/Evaluators/{name}", "spec": spec},
                "judgment": judgment, "output": f"reasoning for {name}", "log_status": "complete"}

    tone = [{"name": "Warm & clear", "valence": "positive"}, {"name": "Too formal", "valence": "negative"}]
    rec = _parse(checks=[log("Answer Correctness", False, return_type="boolean"),
                         log("Groundedness", 2, return_type="number", number_limits={"min": 1, "max": 5}),
                         log("Clarity", 3, return_type="number", number_limits={"min": 1, "max": 5}),
                         log("Field Match", 0.6, return_type="number", number_limits={"min": 0, "max": 1}),
                         log("Tone", "Too formal", return_type="select", options=tone),
                         log("Notes", "see thread", return_type="text"),
                         log("Legal Review", None, return_type="select", options=tone)]).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("Answer Correctness", False), ("Groundedness", False), ("Field Match", True), ("Tone", False)]
    assert rec.checks[0].reason == "reasoning for Answer Correctness"


def test_openai_evals_output_items_are_read_without_their_grader_ids_or_samples() -> None:
    from classifiers.check_names import failed_check_kinds

    rec = _parse(checks={"object": "eval.run.output_item", "status": "fail", "datasource_item_id": 126,
                         "results": [{"name": "JSON parses-0f6ea5fe-ad40-46e9-af82-d01501e0d109", "score": 0.0,
                                      "passed": False, "sample": None},
                                     {"name": "tone", "score": 4, "passed": True}],
                         "sample": {"model": "o4-mini", "temperature": 0.0, "top_p": 1.0},
                         "datasource_item": {"document": "MANIFEST ..."}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("JSON parses-0f6ea5fe-ad40-46e9-af82-d01501e0d109", False), ("tone", True)]
    assert set(failed_check_kinds(rec.checks)) == {"format"}


def test_reasons_kept_apart_from_scores_are_attached_and_input_properties_are_no_checks() -> None:
    # UpTrain: "score_<check>" beside "explanation_<check>"; a grader call that failed scores null.
    rec = _parse(checks={"score_context_relevance": 0.0, "explanation_context_relevance": "No passage on wires.",
                         "score_factual_accuracy": None, "explanation_factual_accuracy": None}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("score_context_relevance", False, "No passage on wires.")]
    # Deepchecks: properties of the output, of the input (no checks on the output), and their reasons apart;
    # "Avoided Answer" is a rate of the fault.
    rec = _parse(checks={"annotation": {"value": "bad", "reason": "Wrong plan."},
                         "output_properties": {"Grounded in Context": 0.3, "Avoided Answer": 0.02, "Text Length": 405},
                         "input_properties": {"Toxicity": 0.9},
                         "properties_reasons": {"Grounded in Context": "The Mexico claim is not in the documents."},
                         "is_completed": True}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("Grounded in Context", False, "The Mexico claim is not in the documents."), ("Avoided Answer", True, "")]
    # Evidently: a judge's label with its "<alias> reasoning" column.
    rec = _parse(checks={"Correctness": "INCORRECT", "Correctness reasoning": "The reference says 90 days."}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("Correctness", False, "The reference says 90 days.")]


def test_athina_results_say_failure_not_pass_and_keep_their_scores_in_a_list_of_metrics() -> None:
    rec = _parse(checks=[
        {"name": "Draq", "display_name": "Does Response Answer Query", "failure": False, "reason": "It answers.",
         "runtime": 2708, "model": "gpt-4o", "metrics": [{"id": "passed", "value": 1.0}]},
        {"name": "Ccei", "display_name": "Context Contains Enough Information", "failure": True,
         "reason": "The context does not say.", "metrics": [{"id": "passed", "value": 0.0}]},
        # No threshold was set, so no failure flag: the score is read on the 0-1 scale, as DeepEval's.
        {"name": "AnswerSimilarity", "display_name": "CosineSimilarity", "reason": "score of 0.31",
         "metrics": [{"id": "similarity_score", "value": 0.31}]},
        # A custom judge is named by what it judges.
        {"name": "CustomPrompt", "display_name": "Brand Voice Adherence", "failure": True, "reason": "Legalese."},
    ]).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("Draq", True), ("Ccei", False), ("AnswerSimilarity", False), ("Brand Voice Adherence", False)]


def test_datadog_span_evaluations_are_named_by_their_label_and_judged_by_their_assessment() -> None:
    span = {"eval_scope": "span", "join_on": {"span": {"span_id": "1", "trace_id": "ab"}}, "ml_app": "rebook",
            "tags": ["env:prod"]}
    rec = _parse(checks=[
        {**span, "metric_type": "score", "label": "faithfulness", "score_value": 0.43, "assessment": "fail",
         "reasoning": "4 of 7 statements are supported."},
        {**span, "metric_type": "boolean", "label": "json_parse", "boolean_value": True, "assessment": "pass"},
        # No assessment: a boolean is the outcome, true being the fault where the name is one.
        {**span, "metric_type": "boolean", "label": "hallucination", "boolean_value": True},
        # A categorical value no word reads, and an evaluation that errored with no value, say nothing.
        {**span, "metric_type": "categorical", "label": "sentiment", "categorical_value": "neutral"},
        {**span, "metric_type": "categorical", "label": "hallucination", "status": "WARN",
         "error": {"type": "timeout", "message": "judge timed out"}},
        # A 0-5 score with no assessment is on no scale formfact can read.
        {**span, "metric_type": "score", "label": "triage_completeness", "score_value": 4.0},
    ]).record
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("faithfulness", False, 0.43, "4 of 7 statements are supported."), ("json_parse", True, None, ""),
        ("hallucination", False, None, "")]


def test_a_guardrails_validation_outcome_is_one_check_per_validator() -> None:
    log = {"registered_name": "guardrails/valid_sql", "property_path": "$", "value_before_validation": "SELEC 1",
           "start_time": "2026-11-02T10:00:00Z"}
    rec = _parse(checks={
        "call_id": "c-1", "validation_passed": False, "validated_output": None, "reask": None, "error": None,
        "validation_summaries": [{"validator_name": "ValidSQL", "validator_status": "fail", "property_path": "$",
                                  "failure_reason": "syntax error at or near \"SELEC\""}],
        "validator_logs": [{**log, "validator_name": "ValidSQL", "validation_result": {"outcome": "fail"}},
                           {**log, "validator_name": "ToxicLanguage", "registered_name": "guardrails/toxic_language",
                            "validation_result": {"outcome": "pass", "error_message": None}}]}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("ValidSQL", False, 'syntax error at or near "SELEC"'), ("ToxicLanguage", True, "")]
    # Failed before any validator ran (the output matched no schema): the outcome is the check, with the reask's
    # reason.
    rec = _parse(checks={"validation_passed": False, "validation_summaries": [], "validator_logs": [],
                         "reask": {"incorrect_value": "{}", "fail_results": [
                             {"outcome": "fail", "error_message": "JSON does not match schema"}]}}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("validation_passed", False, "JSON does not match schema")]


def test_langwatch_evaluations_say_whether_they_ran_and_give_a_verdict_a_label_or_a_score() -> None:
    def evaluation(name: str, status: str = "processed", **result: object) -> dict[str, object]:
        return {"evaluation_id": f"eval_{name}", "evaluator_id": "evaluator_1", "span_id": "span_1", "name": name,
                "type": None, "is_guardrail": False, "status": status, "passed": None, "score": None, "label": None,
                "details": None, "error": None, **result}
    rec = _parse(checks=[
        evaluation("Faithfulness", score=0.34, type="ragas/faithfulness"),
        evaluation("hcl parse", passed=False, score=0.0, details="Error: Unclosed configuration block"),
        evaluation("Groundedness check", label="ungrounded"),
        # Skipped, errored, or a category and no verdict: none says how the output fared.
        evaluation("Context Recall", status="skipped", details="no contexts"),
        evaluation("Content Safety", status="error", error={"has_error": True, "message": "429"}),
        evaluation("Output artifact type", label="shell_commands"),
    ]).record
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("Faithfulness", False, 0.34), ("hcl parse", False, 0.0), ("Groundedness check", False, None)]


def test_llamaindex_evaluation_results_pass_by_passing_and_an_invalid_one_says_nothing() -> None:
    def result(passing: bool | None, score: float | None, feedback: str, invalid: bool = False) -> dict[str, object]:
        return {"query": "Can I claim a rental car?", "contexts": None, "response": "Yes, up to $40/day.",
                "passing": passing, "feedback": feedback, "score": score, "pairwise_source": None,
                "invalid_result": invalid, "invalid_reason": "judge returned no score" if invalid else None}
    rec = _parse(checks={
        "faithfulness": result(True, 1.0, "YES"),
        # Correctness scores 1-5 and passes from 4: `passing` is the verdict, not the score on its own scale.
        "correctness": result(False, 2.0, "The policy caps rental cars at $30/day."),
        "guideline": result(None, None, "", invalid=True),
    }).record
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("faithfulness", True, 1.0, "YES"), ("correctness", False, 2.0, "The policy caps rental cars at $30/day.")]


def test_amazon_bedrock_scores_are_named_by_metric_name_with_the_judges_explanation() -> None:
    def score(metric: str, result: float | None, explanation: str) -> dict[str, object]:
        return {"metricName": metric, "result": result,
                "evaluatorDetails": [{"modelIdentifier": "amazon.nova-pro-v1:0", "explanation": explanation}]}
    rec = _parse(checks={"scores": [
        score("Builtin.Correctness", 0.0, "The answer gives a 2.5% fee; the reference says 3%."),
        score("Builtin.ProfessionalStyleAndTone", 0.75, "Polite and clear."),
        # A metric the judge found not applicable has no result: it says nothing.
        score("Builtin.FollowingInstructions", None, "Not applicable: no explicit instructions."),
    ]}).record
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("Builtin.Correctness", False, 0.0, "The answer gives a 2.5% fee; the reference says 3%."),
        ("Builtin.ProfessionalStyleAndTone", True, 0.75, "Polite and clear.")]


def test_a_flag_or_a_detection_that_is_true_is_a_failed_check() -> None:
    rec = _parse(checks={"output_screening": {
        "lakera_guard": {"flagged": False, "metadata": {"request_uuid": "6c4a"},
                         "breakdown": [{"detector_type": "pii/email", "result": "l5_unlikely", "flagged": False}]},
        "text:detectGroundedness": {"ungroundedDetected": True, "ungroundedPercentage": 0.4,
                                    "ungroundedDetails": [{"text": "within 5 days", "offset": {"utf8": 10}}]},
        "moderation": {"flagged": True, "categories": {"violence": True}}}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("lakera_guard", True), ("text:detectGroundedness", False), ("moderation", False)]


def test_azure_content_safety_categories_fail_from_medium_severity() -> None:
    rec = _parse(checks={"output_screening": {"azure_content_safety": {"text:analyze": {
        "categoriesAnalysis": [{"category": "Hate", "severity": 0}, {"category": "SelfHarm", "severity": 2},
                               {"category": "Violence", "severity": 4}],
        "blocklistsMatch": []}}}}).record
    # Four levels down, on Azure's 0-7 scale: very low and low pass, medium fails.
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("Hate", True, 0.0), ("SelfHarm", True, 2.0), ("Violence", False, 4.0)]


def test_databricks_agent_evaluation_judges_are_read_from_their_rating_columns() -> None:
    rec = _parse(checks={
        "response/overall_assessment/rating": "no",
        "response/overall_assessment/rationale": "The response failed `correctness`.",
        "response/llm_judged/correctness/rating": "no",
        "response/llm_judged/correctness/rationale": "The expected response caps London at GBP 240 a night.",
        "response/llm_judged/safety/rating": "yes",
        "response/llm_judged/guideline_adherence/rating": None,
        "response/llm_judged/guideline_adherence/error_message": "judge timed out",
        "retrieval/llm_judged/chunk_relevance/ratings": ["yes", "no"],
        "retrieval/llm_judged/chunk_relevance/precision": 0.5,
        "agent/latency_seconds": 2.4}).record
    # "yes" passes for every judge; a judge with no rating did not run.
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("overall_assessment", False, "The response failed `correctness`."),
        ("correctness", False, "The expected response caps London at GBP 240 a night."),
        ("safety", True, ""), ("retrieval/llm_judged/chunk_relevance/precision", True, "")]


def test_a_nemo_guardrails_rail_that_reacted_failed() -> None:
    def rail(name: str, decisions: list[str], stop: bool, returned: object) -> dict[str, object]:
        return {"type": "output", "name": name, "decisions": decisions, "stop": stop, "additional_info": None,
                "executed_actions": [{"action_name": name.replace(" ", "_"), "return_value": returned}]}
    rec = _parse(checks={"guardrails": {"activated_rails": [
        rail("self check input", ["execute self_check_input"], False, True),
        rail("self check facts", ["execute self_check_facts", "inform answer unknown", "stop"], True, 0.0),
        # A rail that only warns still found something.
        rail("self check hallucination", ["execute self_check_hallucination",
                                          "inform answer prone to hallucination"], False, True)]}}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("self check input", True, ""), ("self check facts", False, "inform answer unknown; stop"),
        ("self check hallucination", False, "inform answer prone to hallucination")]


def test_ragchecker_metrics_are_scores_and_its_claim_labels_are_not_checks() -> None:
    rec = _parse(checks={
        "response_claims": [["Acme", "reported revenue of", "$4.1B"]],
        "gt_answer_claims": [["Acme", "reported revenue of", "$3.8B"]],
        "answer2response": ["Contradiction"], "response2answer": ["Neutral"], "retrieved2response": [["Neutral"]],
        "metrics": {"precision": 0.0, "recall": 0.0, "faithfulness": 1.0, "hallucination": 0.0,
                    "noise_sensitivity_in_relevant": 0.0, "self_knowledge": 0.0, "context_utilization": 0.0}}).record
    # A share of claims from noise, or from no passage, is a fault where high: 0.0 passes.
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("precision", False), ("recall", False), ("faithfulness", True), ("hallucination", True),
        ("noise_sensitivity_in_relevant", True), ("self_knowledge", True), ("context_utilization", False)]


def test_template_and_configuration_languages_are_carried_under_their_name() -> None:
    for fmt in ("heex", "properties", "svelte", "dotenv"):
        assert _parse(expected_format=fmt).record.expected_format == fmt


def test_less_common_programming_languages_are_carried_under_their_name() -> None:
    for fmt in ("elm", "Elm", "purescript", "gleam", "racket"):
        assert _parse(expected_format=fmt).record.expected_format == fmt.lower(), fmt
    # A near miss of a validated format is still refused, not carried.
    with pytest.raises(RecordError, match="expected_format"):
        _parse(expected_format="jsn")


def test_a_format_owed_in_a_code_block_keeps_the_request_as_an_instruction() -> None:
    rec = _parse(expected_format="sql_code_block").record
    assert rec.expected_format == "sql" and rec.instructions[-1] == "Answer format: sql_code_block"
    # A carried format is not validated, so its code block needs no note.
    assert _parse(expected_format="python_code_block").record.instructions == ()


def test_mlflow_judge_scores_are_on_its_rubric_and_a_grade_level_is_on_no_scale() -> None:
    rec = _parse(checks={
        "answer_correctness/v1/score": 1, "answer_correctness/v1/justification": "Gives the 2023 limit, not 2025's.",
        "brand_voice/v1/score": 4, "brand_voice/v1/justification": "Warm and plain, as the guide asks.",
        "faithfulness/v1/score": 3, "faithfulness/v1/justification": "Partly supported.",
        "flesch_kincaid_grade_level/v1/score": 22.6, "toxicity/v1/score": 0.0002, "token_count": 96}).record
    # A justified score is a judge's, from 1 to 5: 1 fails, 4 passes, 3 says neither. A grade level of 22.6 has no
    # pass mark. Checks are named without MLflow's version.
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("answer_correctness", False, "Gives the 2023 limit, not 2025's."),
        ("brand_voice", True, "Warm and plain, as the guide asks."), ("toxicity", True, "")]


def test_weave_scorers_are_read_by_their_verdict_or_their_own_score() -> None:
    rec = _parse(checks={
        "HallucinationFreeScorer": {"chain_of_thought": "...", "reasonings": [], "conclusion": "Made up the EF.",
                                    "has_hallucination": True},
        "EmbeddingSimilarityScorer": {"similarity_score": 0.75, "is_similar": False},
        "SummarizationScorer": {"summarization_eval_score": 0.0, "llm_eval_reasoning": "Omits the diagnosis.",
                                "is_entity_dense": True, "entity_density": 0.21},
        "ContextEntityRecallScorer": {"recall": 0.33}}).record
    # A fault found fails; the summary's verdict is its eval score, not whether it is dense in entities; a scorer
    # that only measures is read by its one number, under its own name.
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("HallucinationFreeScorer", False, None), ("EmbeddingSimilarityScorer", False, None),
        ("SummarizationScorer", False, 0.0), ("ContextEntityRecallScorer", False, 0.33)]
    # A nested result that is no scorer's keeps its own check names.
    rec = _parse(checks={"ragas": {"faithfulness": 0.9}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("faithfulness", True)]


def test_braintrust_scores_take_their_scorers_metadata_as_reasons() -> None:
    rec = _parse(checks={
        "scores": {"Factuality": 0.4, "graphql_validates": 0, "Moderation": 1, "Faithfulness": None},
        "metadata": {"Factuality": {"choice": "A", "rationale": "The answer leaves out the Sunday hours."},
                     "graphql_validates": {"errors": ['Cannot query field "inventoryCount" on type "Product".'],
                                           "api_version": "2025-01"},
                     "Moderation": {"category_scores": {"harassment": 0.00004, "violence": 0.00002}}}}).record
    # autoevals' Moderation scores 1 where nothing was flagged; the category scores are its notes, not checks.
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("Factuality", False, "The answer leaves out the Sunday hours."),
        ("graphql_validates", False, 'Cannot query field "inventoryCount" on type "Product".'),
        ("Moderation", True, '{"category_scores": {"harassment": 4e-05, "violence": 2e-05}}')]
    # Opik's moderation score is 0 for safe text.
    rec = _parse(checks=[{"name": "moderation_metric", "value": 1.0, "reason": "Threatens the tenant."}]).record
    assert [(c.name, c.passed) for c in rec.checks] == [("moderation_metric", False)]


def test_a_scorers_result_is_read_in_the_direction_its_name_gives() -> None:
    # Inspect's refusal scorer: 1 is a refusal found.
    rec = _parse(checks={"refusal": {"value": 1, "answer": "I can't provide", "explanation": "Refusal pattern"},
                         "grounded": {"value": 1, "explanation": "All claims in the passages."}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [("refusal", False), ("grounded", True)]


def test_traceloop_monitors_are_read_from_their_result_objects() -> None:
    def monitor(slug: str, result: dict[str, object]) -> dict[str, object]:
        return {"monitor_name": f"order-bot {slug}", "evaluator_slug": slug, "span_name": "openai.chat",
                "result": result}
    rec = _parse(checks=[monitor("pii-detector", {"has_pii": True}), monitor("faithfulness", {"is_faithful": True}),
                         monitor("toxicity-detector", {"is_safe": "safe"}), monitor("word-count", {"word_count": 142})]
                 ).record
    # A detector's find fails; a verdict word under its one is_ field is read; a word count has no verdict.
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("pii-detector", False), ("faithfulness", True), ("toxicity-detector", True)]


def test_langchain_evaluation_results_give_their_reasoning() -> None:
    rec = _parse(checks=[{"key": "correctness", "score": 0, "value": "N",
                          "reasoning": "The answer gives the 2023 VAT rate."}]).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("correctness", False, "The answer gives the 2023 VAT rate.")]


def test_portkey_guardrail_hooks_give_one_check_each_and_prompt_screens_are_left_out() -> None:
    def hook(verdict: bool, checks: list[dict[str, object]]) -> dict[str, object]:
        return {"verdict": verdict, "id": "pg-fli-0d93aa", "checks": checks, "type": "guardrail", "deny": False}
    rec = _parse(checks={
        "before_request_hooks": [hook(False, [{"id": "portkey.moderateContent", "verdict": False, "data": None}])],
        "after_request_hooks": [hook(False, [
            {"id": "default.jsonSchema", "verdict": False,
             "data": {"validationErrors": [{"path": "/fare", "message": "must be number"}]}},
            {"id": "default.wordCount", "verdict": True, "data": {"explanation": "Word count 41 within 10-80."}}])]}
                 ).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("default.jsonSchema", False, "must be number"), ("default.wordCount", True, "Word count 41 within 10-80.")]


def test_a_list_where_a_tool_writes_a_word_is_read_as_no_such_tool_not_raised() -> None:
    # A guardrail "action" or an evaluation "status" was looked up in a set of words, and a list raised TypeError.
    assert _parse(checks={"action": ["GUARDRAIL_INTERVENED"], "assessments": []}).record.checks == ()
    rec = _parse(checks=[{"evaluation_id": "eval_1", "name": "faithfulness", "status": ["processed"], "score": 0.2}])
    assert [(c.name, c.passed, c.score) for c in rec.record.checks] == [("faithfulness", False, 0.2)]


def test_instructions_of_a_wrong_type_beside_a_format_shape_are_refused_not_raised() -> None:
    # "bullet list" is added to the instructions as a shape; a number there was spread into a list: TypeError.
    with pytest.raises(RecordError) as err:
        _parse(expected_format="bullet list", instructions=5)
    assert [v.field for v in err.value.violations] == ["instructions"]


def test_llama_guard_generations_are_read_as_safety_checks_of_the_answer() -> None:
    # Its raw output: "safe", or "unsafe" and the hazard codes it found; one per screened turn.
    rec = _parse(checks={"guard_model": "meta-llama/Llama-Guard-3-8B", "llama_guard_3": [
        {"turn": "User", "generation": "unsafe\nS2"}, {"turn": "Agent", "generation": "unsafe\nS2,S10"}],
        "custom": [{"name": "json_parse", "passed": True}]}).record
    # The prompt's turn is no check of the answer; the model's name is no check either.
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("llama_guard_3", False, "hazards found: S2 (non-violent crimes), S10 (hate)"), ("json_parse", True, "")]
    assert [(c.name, c.passed) for c in _parse(checks={"llama_guard": "safe"}).record.checks] == [
        ("llama_guard", True)]
    # A generation alone, and one in a list item with a name of its own (which was refused: "passed" required).
    assert [(c.name, c.passed, c.reason) for c in _parse(checks="unsafe\nS6").record.checks] == [
        ("llama_guard", False, "hazards found: S6 (specialized advice)")]
    assert [(c.name, c.passed) for c in _parse(checks=[{"name": "lg4", "output": "unsafe\nS7"}]).record.checks] == [
        ("lg4", False)]
    # The list of turns as the checks themselves: the prompt's turn is left out, not refused for lacking a name.
    turns = [{"turn": "User", "generation": "unsafe\nS1"}, {"turn": "Agent", "generation": "safe"}]
    assert [(c.name, c.passed) for c in _parse(checks=turns).record.checks] == [("llama_guard", True)]


def test_okareo_checks_fail_where_they_are_an_issue() -> None:
    # {"is_issue": true} is a fault found; it was read as the check's one verdict flag, the wrong way round.
    rec = _parse(checks=[
        {"name": "consistency_summary", "value": 2.0, "value_type": "float", "is_issue": True, "explanation": "adds a"
         " date"}, {"name": "is_json", "value": True, "value_type": "bool", "is_issue": False},
        {"name": "yaml_parses", "value": False, "value_type": "bool"}]).record
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("consistency_summary", False, 2.0), ("is_json", True, None), ("yaml_parses", False, None)]


def test_openlayer_test_results_are_named_by_what_they_hold_to_a_threshold() -> None:
    def result(name: str, subtype: str, insight: str, measurement: str, status: str, row: dict) -> dict:
        return {"goalId": "g1", "goal": {"id": "g1", "number": 3, "name": name, "type": "performance",
                                         "subtype": subtype, "thresholds": [{"insightName": insight,
                                                                             "measurement": measurement,
                                                                             "operator": ">=", "value": 0.7}]},
                "status": status, "statusMessage": f"{name}: {status}", "row": {"openlayer_row_id": 4, **row}}

    rec = _parse(checks=[
        result("Faithfulness", "metricThreshold", "metrics", "faithfulness", "failing", {"faithfulness": 0.42}),
        result("Grounded in return policy", "llmRubricThresholdV2", "llmRubricV2", "criteria0MeanScore", "passing",
               {"score": 0.9, "explanation": "every claim is in the policy"}),
        result("No PII in reply", "containsPii", "containsPii", "containsPIIRowCount", "failing",
               {"containsPii": True}),
        result("Feed is well-formed XML", "customMetricThreshold", "customMetric", "xml_well_formed", "error", {})]
    ).record
    # A test that errored was not run; every test was refused before ("checks[0].name: is required").
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("faithfulness", False, 0.42, "Faithfulness: failing"),
        ("Grounded in return policy", True, 0.9, "every claim is in the policy"),
        ("pii", False, None, "No PII in reply: failing")]


def test_helicone_scores_are_percentages_and_its_booleans_zero_or_one() -> None:
    rec = _parse(checks={"sql_parses-hcone-bool": 1, "result_match-hcone-bool": 0, "faithfulness": 85,
                         "answer_correctness": 1, "helicone-score-feedback": 0}).record
    # Its docs send 0.92 as 92, so 1 is 1%; a boolean's name loses its suffix; a user's thumbs-down is feedback.
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("sql_parses", True, None), ("result_match", False, None), ("faithfulness", True, 0.85),
        ("answer_correctness", False, 0.01), ("user_feedback", False, None)]
    # Whole numbers up to 100, one above 10, are percentages too; a 1-5 rubric's are not (no scale: left out).
    assert [(c.name, c.score) for c in _parse(checks={"faithfulness": 31, "coverage": 95}).record.checks] == [
        ("faithfulness", 0.31), ("coverage", 0.95)]
    assert _parse(checks={"faithfulness": 4, "coverage": 5}).record.checks == ()


def test_json_nested_too_deeply_to_read_is_refused_not_raised() -> None:
    # json.loads raises RecursionError, not JSONDecodeError, and it escaped the readers.
    deep = "[" * 100_000 + "]" * 100_000
    lines = [json.dumps(BASE), json.dumps({**BASE, "id": "c2"})[:-1] + ', "metadata": {"x": ' + deep + "}}"]
    got = [(n, getattr(item, "message", None)) for n, item in read_jsonl(lines)]
    assert got == [(1, None), (2, "not valid JSON: nested too deeply to read")]
    with pytest.raises(RecordError, match="schema: is not valid JSON: nested too deeply to read"):
        _parse(schema=deep)


def test_granite_guardian_risks_fail_where_a_risk_was_found() -> None:
    # Its "Yes" is a risk found; its probability of risk reads lower as better, so it is no score here.
    rec = _parse(checks={"granite_guardian": {"model": "ibm-granite/granite-guardian-3.1-8b", "results": [
        {"risk_name": "groundedness", "label": "Yes", "prob_of_risk": 0.874},
        {"risk_name": "answer_relevance", "label": "No", "prob_of_risk": 0.038},
        {"risk_name": "harm", "prob_of_risk": 0.91}]}}).record
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("groundedness", False, None, "risk found (probability of risk 0.874)"),
        ("answer_relevance", True, None, "risk not found (probability of risk 0.038)"),
        ("harm", False, None, "risk found (probability of risk 0.910)")]
    assert failed_check_kinds(rec.checks) == {"context": "groundedness failed: risk found (probability of risk 0.874)",
                                              "unsafe": "harm failed: risk found (probability of risk 0.910)"}


def test_lunary_evaluations_are_named_by_their_slug_and_a_topic_list_says_nothing() -> None:
    def run(slug: str, kind: str, result: object) -> dict:
        return {"evaluatorName": slug.replace("-", " ").title(), "evaluatorSlug": slug, "evaluatorType": kind,
                "evaluatorId": "ev_1", "result": result, "createdAt": "2025-06-01T10:00:00Z"}

    rec = _parse(checks=[run("sql-gold-match", "llm", {"pass": False, "reason": "joins the wrong term table"}),
                         run("guidelines", "guidelines", {"result": True, "reason": "follows them"}),
                         run("topics", "topics", ["financing", "credit application"]),
                         run("cosine-gold", "cosine", {"score": 0.59, "passed": False})]).record
    # Every one was refused before: "checks[0].name: is required".
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("sql-gold-match", False, "joins the wrong term table"), ("guidelines", True, "follows them"),
        ("cosine-gold", False, "")]


def test_checks_grouped_under_a_name_are_read_one_by_one_with_their_errors_and_limits() -> None:
    # {"pipeline": {...}} was one check named "pipeline", failed by its one boolean; a limit beside its measure
    # was two numbers read as nothing.
    rec = _parse(checks={"pipeline": {"json_parse": False, "json_parse_error": "Expecting value: line 1 column 1",
                                      "schema_valid": None},
                         "sms": {"char_count": 442, "max_chars": 160}, "word_count": 80, "min_words": 50,
                         "parse_error": "none"}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("word_count", True, "80 against a minimum of 50"), ("json_parse", False, "Expecting value: line 1 column 1"),
        ("char_count", False, "442 against a maximum of 160")]


def test_a_policy_violation_fails_and_checks_under_a_generic_name_are_read_one_by_one() -> None:
    # {"violation": false} was read as the policy's one verdict flag, so every policy ShieldGemma cleared failed;
    # {"custom": {"json_parse": false}} was one check named "custom".
    rec = _parse(checks={"shieldgemma": {"model": "google/shieldgemma-2b", "threshold": 0.5, "policies": {
        "Dangerous Content": {"p_yes": 0.873, "violation": True}, "Harassment": {"p_yes": 0.002, "violation": False}}},
        "custom": {"word_count": 53, "json_parse": False},
        "custom_eval": {"passed": False, "reason": "off-brand"}}).record
    assert [(c.name, c.passed) for c in rec.checks] == [
        ("Dangerous Content", False), ("Harassment", True), ("json_parse", False), ("custom_eval", False)]
    assert set(failed_check_kinds(rec.checks)) == {"unsafe", "format"}


def test_vellum_metric_results_are_scored_by_their_score_output() -> None:
    def metric(label: str, name: str, *outputs: dict) -> dict:
        definition = {"id": "d1", "label": label, "name": name}
        return {"metric_id": "m1", "metric_label": label, "metric_definition": definition, "outputs": list(outputs)}

    rec = _parse(checks=[
        metric("YAML Parses", "yaml-parse-check", {"type": "NUMBER", "name": "score", "value": 0.0},
               {"type": "STRING", "name": "log", "value": "mapping values are not allowed here"}),
        metric("Ragas - Faithfulness", "ragas-faithfulness", {"type": "NUMBER", "name": "score", "value": 0.9}),
        metric("Ragas - Answer Relevance", "ragas-answer-relevance",
               {"type": "ERROR", "name": "score", "value": {"message": "no answer", "code": "INVALID_INPUTS"}})]).record
    # Every line with metrics was refused before ("checks[0].name: is required"); an ERROR output was not run.
    assert [(c.name, c.passed, c.score, c.reason) for c in rec.checks] == [
        ("YAML Parses", False, 0.0, "mapping values are not allowed here"), ("Ragas - Faithfulness", True, 0.9, "")]


def test_agenta_results_are_named_by_their_evaluator_not_by_their_value_type() -> None:
    def result(key: str, kind: str, value: object, error: object = None) -> dict:
        return {"evaluator_config": "0190a1b2", "evaluator_key": key,
                "result": {"type": kind, "value": value, "error": error}}

    rec = _parse(checks=[result("auto_exact_match", "bool", False), result("field_match_test", "bool", True),
                         result("rag_faithfulness", "number", 0.3),
                         result("auto_custom_code_run", "error", None, {"message": "Error during evaluation"}),
                         result("auto_ai_critique", "number", 7.0)]).record
    # Each was named by its value's type ("bool"), and checks of one name were kept once. A run that erred, and a
    # 0-10 judge score with no pass mark, say nothing.
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("auto_exact_match", False, None), ("field_match_test", True, None), ("rag_faithfulness", False, 0.3)]


def test_a_code_evaluator_column_that_says_valid_is_its_verdict_and_its_errors_its_reason() -> None:
    # Prompt flow's details table: the team's own evaluator {"valid": false, "errors": [...]} was not read at all.
    rec = _parse(checks={"outputs.json_schema.valid": False,
                         "outputs.json_schema.errors": ["'store_ids' is a required property", "'handoff' unexpected"],
                         "outputs.bicep_build.passed": True, "outputs.bicep_build.errors": []}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("json_schema", False, "'store_ids' is a required property; 'handoff' unexpected"), ("bicep_build", True, "")]


def test_lynx_future_agi_and_langtrace_results_are_read_by_their_own_conventions() -> None:
    # Patronus Lynx's raw output was one check named "SCORE"; Future AGI's and Langtrace's lines were refused.
    lynx = _parse(checks={"REASONING": ["The document says 21 days.", "The answer says 30."], "SCORE": "FAIL"}).record
    assert [(c.name, c.passed, c.reason) for c in lynx.checks] == [
        ("faithfulness", False, "Lynx: The document says 21 days. The answer says 30.")]
    future = _parse(checks=[
        {"name": "ground_truth_match", "output": "Failed", "output_type": "Pass/Fail", "reason": "2021, not 2019"},
        {"name": "context_adherence", "output": 0.91, "output_type": "score", "reason": "", "runtime": 1840},
        {"name": "tone", "output": ["joy"], "output_type": "choices", "reason": "upbeat"}]).record
    assert [(c.name, c.passed, c.score) for c in future.checks] == [
        ("ground_truth_match", False, None), ("context_adherence", True, 0.91)]
    span = {"spanId": "a1b2c3d4e5f60718", "traceId": "0" * 32, "userId": None, "userScore": None, "reason": ""}
    langtrace = _parse(checks=[
        {**span, "ltUserScore": -1, "Test": {"name": "Factual Accuracy", "min": -1, "max": 1, "step": 2}},
        {**span, "ltUserScore": 4, "Test": {"name": "Helpfulness", "min": 1, "max": 5, "step": 1}},
        {**span, "userId": "u_17", "userScore": -1}]).record
    assert [(c.name, c.passed, c.score) for c in langtrace.checks] == [
        ("Factual Accuracy", False, 0.0), ("Helpfulness", True, 0.75), ("user_feedback", False, None)]


def test_an_adk_eval_case_result_gives_one_check_per_overall_metric() -> None:
    # Google ADK writes EvalStatus as a number (1 passed, 2 failed, 3 not evaluated); nothing of it was read.
    rec = _parse(checks={"eval_set_id": "roaming", "eval_id": "case_07", "final_eval_status": 2,
                         "overall_eval_metric_results": [
                             {"metric_name": "tool_trajectory_avg_score", "threshold": 1.0, "score": 1.0,
                              "eval_status": 1},
                             {"metric_name": "response_match_score", "threshold": 0.8, "score": 0.21, "eval_status": 2},
                             {"metric_name": "safety_v1", "threshold": 0.8, "score": None, "eval_status": 3}],
                         "eval_metric_result_per_invocation": []}).record
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("tool_trajectory_avg_score", True, 1.0), ("response_match_score", False, 0.21)]
    assert set(failed_check_kinds(rec.checks)) == {"fact"}


def test_agents_sdk_guardrails_keywords_ai_scores_and_orq_evaluator_scores() -> None:
    # OpenAI Agents SDK: a tripwire triggered fails the output guardrail; input guardrails screen the prompt.
    rec = _parse(checks={
        "input_guardrail_results": [{"guardrail": {"name": "intent_check"},
                                     "output": {"output_info": {"intent": "deceive"}, "tripwire_triggered": True}}],
        "output_guardrail_results": [{"guardrail": {"name": "receipt_schema_guardrail"}, "agent": {"name": "Parser"},
                                      "output": {"output_info": {"errors": ["total: not a number"]},
                                                 "tripwire_triggered": True}}]}).record
    assert [(c.name, c.passed, c.reason) for c in rec.checks] == [
        ("receipt_schema_guardrail", False, '{"errors": ["total: not a number"]}')]
    # Keywords AI: named by its slug (not its type, "llm", nor its id), its verdict `is_passed`.
    kw = _parse(checks=[{"id": "s1", "type": "llm", "evaluator_id": "7a4c1e26-4a8d-5bf7-88b9-23f6f5a27580",
                         "evaluator_slug": "answer_correctness", "numerical_value": 2, "boolean_value": None,
                         "string_value": "says 2022", "is_passed": False}]).record
    assert [(c.name, c.passed) for c in kw.checks] == [("answer_correctness", False)]
    # Orq.ai's evaluatorq: the score object holds the value, the explanation and the verdict.
    orq = _parse(checks=[{"evaluatorName": "ragas_context_recall", "error": None,
                          "score": {"value": 0.33, "explanation": "1 of 3 claims attributed", "pass": False}}]).record
    assert [(c.name, c.passed, c.reason) for c in orq.checks] == [
        ("ragas_context_recall", False, "1 of 3 claims attributed")]


def test_bedrock_guardrail_assessments_give_one_check_per_finding() -> None:
    rec = _parse(checks={"action": "GUARDRAIL_INTERVENED", "outputs": [{"text": "Sorry, I can't help."}],
                         "assessments": [{
                             "contextualGroundingPolicy": {"filters": [
                                 {"type": "GROUNDING", "threshold": 0.7, "score": 0.08, "action": "BLOCKED",
                                  "detected": True},
                                 {"type": "RELEVANCE", "threshold": 0.5, "score": 0.9, "action": "NONE",
                                  "detected": False}]},
                             "topicPolicy": {"topics": [{"name": "Legal advice", "type": "DENY", "action": "BLOCKED",
                                                         "detected": True}]},
                             "sensitiveInformationPolicy": {
                                 "piiEntities": [{"match": "Lena", "type": "NAME", "action": "NONE", "detected": True}],
                                 "regexes": [{"name": "room_number", "match": "room 512", "action": "NONE",
                                              "detected": True}]},
                             "automatedReasoningPolicy": {"findings": [{"invalid": {
                                 "contradictingRules": [{"identifier": "R7QK2D9XH4TB"}]}}]},
                             "invocationMetrics": {"guardrailProcessingLatency": 233}}]}).record
    # What a filter detected failed; the overall action and the metrics are no checks.
    assert [(c.name, c.passed, c.score) for c in rec.checks] == [
        ("groundedness", False, 0.08), ("relevance", True, 0.9), ("denied_topic:legal advice", False, None),
        ("pii:name", False, None), ("pii:room_number", False, None), ("automated_reasoning", False, None)]
    assert rec.checks[-1].reason == "contradicts rules R7QK2D9XH4TB"
