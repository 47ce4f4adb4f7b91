"""Failure records as other tools write them, read as formfact's.

Teams export failed cases from their eval tools (DeepEval, Ragas, promptfoo, LangSmith, Braintrust, Weave,
Phoenix, TruLens, Langfuse, MLflow, Guardrails AI, LangWatch, Datadog, RAGChecker, a pytest run): other field
names, outputs given as JSON objects or chat messages, passages as objects, checks as metrics, feedback scores or
maps of results. `normalise` and `check_objects` turn those shapes into formfact's before `records.parse_record`
validates the record: a case refused for its spelling would be a case lost, and `formfact eval` would score it as
a wrong answer. What still does not fit is left for validation to refuse, by field.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, TypeGuard

CHECK_REASON_KEYS = ("reason", "detail", "details", "message", "explanation", "comment", "feedback", "reasoning")
"""Where eval tools put a check's explanation (formfact's own name first; LangChain's evaluators say `reasoning`)."""
CHECK_NAME_KEYS = ("name", "metric", "check", "key", "type", "test", "evaluator", "eval", "grader", "assertion",
                   "criteria", "evaluator_id", "metricName", "evaluator_slug", "monitor_name", "evaluatorSlug",
                   "evaluatorName", "risk_name", "evaluator_key")
"""Where eval tools put a check's name: DeepEval and Ragas say `metric`, LangSmith feedback `key`, promptfoo
`type` or `assertion.type`, OpenAI Evals `eval`, Amazon Bedrock's evaluation jobs `metricName`, Traceloop's
monitors `evaluator_slug` (beside the team's own `monitor_name`), Lunary's evaluators `evaluatorSlug` (beside its
`evaluatorName`), IBM Granite Guardian `risk_name`, Agenta's evaluation results `evaluator_key`."""
_LOWER_IS_BETTER = re.compile(r"toxic|bias|hallucinat|harm|pii|leak|error|latency|cost|duration|perplexity|avoid|"
                              r"distance|loss|noise_sensitivity|self_knowledge|refusal|stereotyp|moderation", re.I)
"""Scores that measure a fault: RAGChecker's noise sensitivity and self-knowledge are shares of claims the answer
took from irrelevant passages or from no passage at all; Amazon Bedrock's Refusal, Harmfulness and Stereotyping
come closer to 1 the more the response refuses, harms or stereotypes; Opik's Moderation is 0 for safe text."""
_HIGHER_IS_BETTER = frozenset({"Moderation"})
"""Names `_LOWER_IS_BETTER` would read the wrong way round: Braintrust's autoevals scorer `Moderation` scores 1 where
the moderation API flagged nothing (Opik names its moderation score "moderation_metric", and scores safe text 0)."""
_CHECK_SETTINGS = re.compile(r"threshold|config|settings|params|parameters", re.I)
AZURE_SEVERITY_PASS = 3
"""The highest severity (0-7) of Azure AI Content Safety that passes, as the Azure AI Evaluation SDK's threshold."""
SCORE_KEYS = ("score", "value", "result")
"""Where a check's number is: formfact's own name first, then Langfuse's `value`, TruLens's and Amazon Bedrock's
`result`."""
PASS_SCORE = 0.5
"""A score in [0, 1] given with no outcome and no threshold passes from here (DeepEval's default threshold;
LangSmith's boolean feedback is a score of 0 or 1)."""
CHECK_OUTCOME_KEYS = ("passed", "pass", "passing", "success", "ok", "status", "result", "outcome", "verdict", "label",
                      "is_passed")
_UUID = re.compile(r"(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_EVALUATOR_KINDS = frozenset({"llm", "code", "human", "ai", "function", "python", "heuristic", "rule"})
"""What kind of evaluator a "type" names, beside the evaluator's own name under another key."""
_GENERIC_NAME = re.compile(r"(?i)^(?:custom[_ ]?\w*|llm[_ -]?(?:judge|grader|eval\w*)|prompt|grader|evaluator|eval)$")
"""Names of a kind of evaluator rather than of what it checks: its display name says that."""
_FAILURE_KEY = re.compile(r"(?i)^(?:failure|failed|is_failure|(?:is_)?flagged|(?:is_)?issue|(?:is_)?violation|"
                          r"violated|\w*detected|"
                          r"(?:has|contains)_(?:hallucinations?|pii|toxicity|toxic_content|bias|secrets?)|"
                          r"is_(?:hallucinat\w*|toxic|biased|unsafe|harmful))$")
"""Keys whose true means the check failed: Athina's `failure`, the `flagged` of Lakera Guard and OpenAI's
moderation, Okareo's `is_issue`, a policy's `violation` (ShieldGemma's, as teams keep it), Azure AI Content
Safety's `attackDetected` and `ungroundedDetected`, a fault found (W&B Weave's HallucinationFreeScorer:
`has_hallucination`; Traceloop's detectors: `has_pii`, `has_secret`)."""
_MEASURE_FLAGS = frozenset({"is_entity_dense"})
"""Flags that measure a property, not the check's verdict: W&B Weave's SummarizationScorer gives its verdict as
`summarization_eval_score` (0, 0.5 or 1) beside whether the summary is dense in entities."""
_CHECK_STATUS = {"pass": True, "passed": True, "ok": True, "success": True, "true": True, "fail": False,
                 "failed": False, "failure": False, "error": False, "false": False, "warn": True, "warning": True,
                 # The labels of classification evals (Phoenix, OpenAI Evals): the label, not the score, says
                 # which way it went ("hallucinated" scores 1 on Phoenix's hallucination eval).
                 "correct": True, "incorrect": False, "factual": True, "hallucinated": False, "relevant": True,
                 "irrelevant": False, "unrelated": False, "faithful": True, "unfaithful": False, "grounded": True,
                 "ungrounded": False, "toxic": False, "non-toxic": True, "non_toxic": True, "safe": True,
                 "unsafe": False, "passing": True, "failing": False}
_NOT_RUN = frozenset({"skipped", "skip", "not_run", "not run", "n/a", "na", "pending", "not_applicable"})
_PASSAGE_KEYS = ("text", "content", "page_content", "passage", "body", "snippet", "chunk", "document")
_INSTRUCTION_KEYS = ("text", "instruction", "description", "content", "constraint", "rule")
FIELD_ALIASES = {
    "input": ("prompt", "question", "query", "user_input"),
    "output": ("actual_output", "response", "completion", "model_output", "generation", "prediction"),
    "reference": ("expected_output", "ground_truth", "gold_answer", "reference_answer"),
    "context": ("retrieval_context", "retrieved_contexts", "contexts"),
}
"""Other tools' names for formfact's fields (DeepEval, Ragas, OpenAI evals): read where formfact's name is absent."""
SUBTYPE_ALIASES = {
    **dict.fromkeys(("factual_error", "factual_inaccuracy", "incorrect_fact", "wrong_fact", "fabrication",
                     "fabricated_fact", "made_up_fact", "confabulation"), "hallucination"),
    **dict.fromkeys(("outdated", "stale_knowledge", "outdated_information", "outdated_fact", "stale_fact"),
                    "outdated_knowledge"),
    **dict.fromkeys(("missing_information", "knowledge_gap", "lack_of_knowledge", "unknown_fact"),
                    "missing_knowledge"),
    **dict.fromkeys(("retrieval_failure", "retrieval_error", "bad_retrieval", "irrelevant_context"), "retrieval_miss"),
    **dict.fromkeys(("format_error", "invalid_format", "invalid_json", "malformed_output", "parse_error"),
                    "format_violation"),
    **dict.fromkeys(("schema_error", "schema_mismatch", "missing_field", "missing_key", "wrong_type"),
                    "schema_violation"),
    **dict.fromkeys(("instruction_following", "ignored_instruction", "instruction_not_followed",
                     "constraint_violation"), "instruction_violation"),
    **dict.fromkeys(("off_topic", "irrelevant_answer", "wrong_task"), "off_task"),
    **dict.fromkeys(("incomplete", "incomplete_answer", "too_short", "lack_of_detail", "insufficient_details",
                     "missing_detail"), "insufficient_detail"),
    **dict.fromkeys(("tone", "wrong_tone", "verbosity", "too_verbose"), "style"),
    **dict.fromkeys(("harmful", "toxicity", "toxic", "safety", "unsafe_content", "pii_leak", "privacy_leak"),
                    "unsafe"),
    **dict.fromkeys(("overrefusal", "excessive_refusal", "unnecessary_refusal", "refusal"), "over_refusal"),
    **dict.fromkeys(("unfaithful", "unfaithfulness", "ignored_context", "context_contradiction", "ungrounded"),
                    "context_ignored"),
}
"""Common names for formfact's subtypes in other taxonomies."""


def _lower_is_better(name: str) -> bool:
    """Whether a score of this name measures a fault (passing low) rather than a quality."""
    return name not in _HIGHER_IS_BETTER and _LOWER_IS_BETTER.search(name) is not None


def _passage_text(passage: Any, keys: tuple[str, ...] = _PASSAGE_KEYS) -> Any:
    """A passage's text when it comes as an object; anything else as it is (the caller validates)."""
    if isinstance(passage, Mapping):
        return next((passage[k] for k in keys if isinstance(passage.get(k), str)), passage)
    return passage


_RETRIEVAL_KEYS = frozenset({"score", "similarity", "distance", "rank", "relevance", "relevance_score", "embedding"})


def _shown_text(passage: Any) -> Any:
    """What the model was shown of a retrieved passage given as an object.

    Its text under a usual key, or else its one long text field ({"doc": "tbl:orders", "ddl": "CREATE TABLE ..."}),
    headed by the passage's short labels (its id, title, source: what an answer cites it by); else the object
    itself as JSON (a data row: {"vendor_id": "V-42", "tax_id": "DE123"}). Retrieval scores were not shown.
    """
    if not isinstance(passage, Mapping):
        return passage
    text = _passage_text(passage)
    if not isinstance(text, str):
        long_texts = sorted((v for v in passage.values() if isinstance(v, str) and len(v) >= 40), key=len)
        if not long_texts:
            return json.dumps(passage, ensure_ascii=False)
        text = long_texts[-1]
    labels = [v for k, v in passage.items() if isinstance(v, str) and v != text and v.strip() and len(v) < 200
              and k.lower() not in _RETRIEVAL_KEYS]
    return " | ".join(labels) + "\n" + text if labels else text


def _as_text(value: Any, answers: bool = False) -> Any:
    """A structured output or gold answer as the text a validator reads; a string or null as it is.

    A JSON payload given as an object or array is serialised (it is valid JSON by construction), a chat message
    gives its content, a number is written out, and a gold answer given as a list of accepted answers (`answers`)
    is joined.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("content"), str) and "role" in value:
        # An assistant message: its text, and the tool calls it made (an agent's answer is often the call).
        calls = value.get("tool_calls") or value.get("function_call")
        return value["content"] + ("\n" + json.dumps(calls, ensure_ascii=False) if calls else "")
    if answers and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False)


def is_number(value: Any) -> TypeGuard[int | float]:
    """An int or a float, not a bool (JSON's true is no score)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_one_of(value: Any, words: frozenset[str]) -> TypeGuard[str]:
    """`value` is one of `words`; a list or an object in its place (a record's JSON may hold anything) is not."""
    return isinstance(value, str) and value in words


def _messages_text(value: Any) -> Any:
    """A prompt given as chat messages ([{"role", "content"}, ...]) or as a dataset item's input object as one
    text; anything else as it is.

    An input object ({"document_id": "inv_7f3a", "ocr_text": "..."}, {"question": "..."}) is what the prompt
    template was filled with: one field is the prompt itself; several are each written out under their name.
    """
    if isinstance(value, list) and value and all(isinstance(m, Mapping) and isinstance(m.get("content"), str)
                                                 for m in value):
        return "\n\n".join(m["content"] for m in value)
    if isinstance(value, Mapping) and value:
        if isinstance(value.get("messages"), list) and len(value) == 1:
            return _messages_text(value["messages"])
        fields = {str(k): v if isinstance(v, str) else json.dumps(_messages_text(v), ensure_ascii=False)
                  for k, v in value.items() if v is not None}
        if len(fields) == 1:
            return next(iter(fields.values()))
        return "\n\n".join(f"{k}: {v}" for k, v in fields.items())
    return value


def _instruction_items(value: Any) -> Any:
    """Instructions given as objects ({"text": ...}) or as a name -> value map ({"max_words": 50}) as strings."""

    def one(item: Any) -> Any:
        if not isinstance(item, Mapping):
            return item
        text = _passage_text(item, _INSTRUCTION_KEYS)
        # An object with no text of its own ({"id": "length", "kwargs": {...}}) is read whole.
        return text if isinstance(text, str) else json.dumps(item, ensure_ascii=False)

    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for k, v in value.items()]
    if isinstance(value, list):
        return [one(v) for v in value]
    return value


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Other tools' field names and shapes read as formfact's; what still does not fit is left to validation."""
    data = dict(data)
    for name, aliases in FIELD_ALIASES.items():
        if data.get(name) is None:
            data[name] = next((data[a] for a in aliases if data.get(a) is not None), None)
    if isinstance(data.get("id"), int) and not isinstance(data["id"], bool):
        data["id"] = str(data["id"])
    data["input"] = _messages_text(data.get("input"))
    data["output"] = _as_text(data.get("output"))
    data["reference"] = _as_text(data.get("reference"), answers=True)
    context = data.get("context")
    if isinstance(context, Mapping) and not any(k in context for k in _PASSAGE_KEYS):
        # {"doc-1": "...", "doc-2": "..."}, or a trace's {"retrieval.documents": [...], "tool_calls": [...]}:
        # every document and every tool call (with its output) is something the model was shown.
        context = [p for v in context.values() for p in (v if isinstance(v, list) else [v])]
    if isinstance(context, (list, Mapping)):
        # Retrievers hand passages over as objects ({"text": ..., "source": ...}); the text is what was shown.
        data["context"] = [_shown_text(p) for p in (context if isinstance(context, list) else [context])]
    data["instructions"] = _instruction_items(data.get("instructions"))
    for name in ("task", "model"):
        value = data.get(name)
        if isinstance(value, Mapping) and isinstance(value.get("name"), str):
            data[name] = value["name"]
        elif is_number(value):
            data[name] = str(value)
    return data


# Vertex AI's evaluation writes each metric as flat columns, "<metric>/score" and "<metric>/explanation". Its
# model-judged metrics score on a rubric from 1 to 5 (verbosity from -2 to 2, not a pass or a fail); groundedness,
# safety and exact match score 0 or 1. MLflow's eval_results_table writes a versioned metric,
# "answer_correctness/v1/score" beside "answer_correctness/v1/justification": its LLM-judged metrics, built in or
# made with make_genai_metric, score from 1 to 5; its computed ones (toxicity, a 0-1 rate of the fault; a reading
# grade level) give no justification.
_METRIC_COLUMN = re.compile(r"^(.+)/(score|explanation|justification|confidence)$")
_METRIC_VERSION = re.compile(r"/v\d+$")
_RUBRIC_METRICS = re.compile(r"^(?:pointwise_)?(?:coherence|fluency|instruction_following|text_quality|"
                             r"(?:summarization|question_answering)_(?:quality|helpfulness|relevance|correctness)|"
                             r"multi_turn_\w+|tool_call_quality)$")
_BINARY_METRICS = re.compile(r"^(?:groundedness|safety|exact_match|tool_call_valid|tool_name_match)$")


def _flat_columns(checks: Mapping[str, Any], column: re.Pattern[str]) -> dict[str, dict[str, Any]]:
    """Flat columns grouped by what they measure: {"groundedness/score": 1, "groundedness/explanation": "..."} as
    {"groundedness": {"score": 1, "explanation": "..."}}, for a `column` pattern with those two groups."""
    columns: dict[str, dict[str, Any]] = {}
    for key, value in checks.items():
        if (m := column.match(str(key))) is not None:
            columns.setdefault(m.group(1), {})[m.group(2)] = value
    return columns


def _rubric_outcome(mark: float, low: float, high: float) -> bool | None:
    """A judge's mark on a rubric from `low` to `high` (1-5, 1-10): its top quarter passes, its bottom quarter
    fails, its middle says neither."""
    share = (mark - low) / (high - low)
    return True if share >= 0.75 else False if share <= 0.25 else None


def _metric_columns(checks: Mapping[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """The checks written as "<metric>/score" columns, and the keys they used.

    A rubric score of 1 or 2 fails and 4 or 5 passes (3 says nothing); a 0-1 score passes from 0.5; a score above 5
    (a reading grade level) is on no scale the record states. A model judge's score of exactly 1 on a Vertex AI
    metric of the team's own is left out: it is the worst mark on a rubric and the best on a 0-1 scale, and nothing
    says which (a computed 0-1 check, `yaml_parses/score`, has no explanation). An MLflow judge's justified score is
    on its 1-5 rubric. A check is named by its metric, without MLflow's version ("answer_correctness").
    """
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for metric, fields in _flat_columns(checks, _METRIC_COLUMN).items():
        score = fields.get("score")
        if not is_number(score):
            continue
        used.update(f"{metric}/{f}" for f in fields)
        metric_name = _METRIC_VERSION.sub("", metric)
        name = re.sub(r"[^a-z0-9]+", "_", metric_name.lower()).strip("_")
        said = fields.get("explanation", fields.get("justification"))
        explained = isinstance(said, str) and said.strip() != ""
        if name == "verbosity" or score > 5:
            continue
        rubric = bool(_RUBRIC_METRICS.match(name)) or score > 1 or (explained and metric_name != metric)
        if not rubric and score == 1 and explained and not _BINARY_METRICS.match(name):
            continue  # the worst rubric mark or the best 0-1 score: nothing says which
        if rubric:
            if (on_rubric := _rubric_outcome(score, 1, 5)) is None:
                continue
            passed = on_rubric
        else:
            # (MLflow writes "toxicity/v1/score": a rate of the fault, passing low.)
            passed = score <= PASS_SCORE if _lower_is_better(name) else score >= PASS_SCORE
        out.append({"name": metric_name, "passed": passed, "score": score, "reason": said if explained else ""})
    return out, used


# Databricks' Mosaic AI Agent Evaluation writes its judges' verdicts as flat columns of its eval_results table:
# "response/llm_judged/correctness/rating" ("yes" or "no") beside ".../rationale"; a custom metric under
# "metric/<name>/". "yes" passes for every judge (safety's "yes" is safe).
_RATING_COLUMN = re.compile(r"^(.+)/(rating|rationale)$")


def _rating_columns(checks: Mapping[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """The checks written as "<judge>/rating" columns, named by the judge ("correctness"), and the keys they used."""
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for judge, fields in _flat_columns(checks, _RATING_COLUMN).items():
        rating = str(fields.get("rating")).strip().lower()
        if rating not in ("yes", "no"):
            continue  # a judge that errored or did not run
        used.update(f"{judge}/{f}" for f in fields)
        reason = fields.get("rationale")
        out.append({"name": judge.rsplit("/", 1)[-1], "passed": rating == "yes",
                    "reason": reason if isinstance(reason, str) else ""})
    return out, used


# The Azure AI Evaluation SDK writes a result row as flat "outputs.<evaluator>.<field>" columns: per metric its
# value ("relevance": 4.0, "violence": "Very low"), "_result" ("pass"/"fail"), "_reason", "_threshold", a
# "gpt_" copy of the score; a grader writes "passed", "score" and "sample" (its whole judge call).
_EVALUATOR_COLUMN = re.compile(r"^outputs\.([^.]+)\.([^.]+)$")
_COLUMN_PART = re.compile(r"^(?:gpt_)?(.*?)(?:_(result|reason|threshold|score|label|passed))?$")


def _evaluator_columns(checks: Mapping[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """The checks written as "outputs.<evaluator>.<field>" columns, one per metric, and the keys they used."""
    metrics: dict[tuple[str, str], dict[str, Any]] = {}
    used = set()
    for key, value in checks.items():
        if (m := _EVALUATOR_COLUMN.match(str(key))) is None:
            continue
        used.add(key)
        evaluator, field = m.groups()
        if field in ("passed", "valid", "errors", "score", "sample", "reason", "result", "label", "threshold"):
            # (a code evaluator's own {"valid": false, "errors": [...]}: its verdict and its reason)
            metric, part = evaluator, {"valid": "passed", "errors": "reason"}.get(field, field)
        else:
            part_match = _COLUMN_PART.match(field)
            assert part_match is not None  # the pattern matches every string
            metric, part = part_match.group(1), part_match.group(2) or "value"
        metrics.setdefault((evaluator, metric), {}).setdefault(part, value)
    out = []
    for (evaluator, metric), parts in metrics.items():
        result, flag = parts.get("result"), parts.get("passed", parts.get("label"))
        score = next((v for v in (parts.get("score"), parts.get("value"))
                      if is_number(v)), None)
        threshold = parts.get("threshold")
        if isinstance(result, str) and result.strip().lower() in _CHECK_STATUS:
            passed = _CHECK_STATUS[result.strip().lower()]
        elif isinstance(flag, bool):
            passed = flag
        elif score is not None and is_number(threshold):
            passed = score >= threshold
        else:
            continue  # a score with no outcome and no threshold: on no scale this record states
        reason = parts.get("reason")
        if isinstance(reason, list):
            reason = "; ".join(map(str, reason))
        out.append({"name": metric if metric == evaluator else f"{evaluator}.{metric}", "passed": passed,
                    **({"score": score} if score is not None else {}),
                    "reason": reason if isinstance(reason, str) else ""})
    return out, used


def _guard_outcome(outcome: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A Guardrails AI validation outcome as one check per validator.

    {"validation_passed": false, "validation_summaries": [{"validator_name": "ValidSQL", "validator_status": "fail",
    "failure_reason": ...}], "validator_logs": [{"validator_name", "validation_result": {"outcome", "error_message"}}],
    "reask": ...}: the summaries, then the logs of validators they do not name. Where no validator failed and the
    outcome did not pass (the output did not parse, or matched no schema, before any validator ran: the reask says
    why), the outcome itself is the failed check; where no validator ran and it passed, it is the passed one.
    """
    found: dict[str, dict[str, Any]] = {}
    summaries = outcome.get("validation_summaries") or []
    logs = outcome.get("validator_logs") or []
    for entry in [*summaries, *logs] if isinstance(summaries, list) and isinstance(logs, list) else []:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("validator_name") or entry.get("registered_name")
        result = entry["validation_result"] if isinstance(entry.get("validation_result"), Mapping) else entry
        verdict = _verdict(result.get("validator_status", result.get("outcome")))
        if isinstance(name, str) and name and name not in found and verdict is not None:
            reason = result.get("failure_reason") or result.get("error_message") or ""
            found[name] = {"name": name, "passed": verdict, "reason": str(reason)}
    checks = list(found.values())
    passed = outcome["validation_passed"]
    if (passed and not checks) or (not passed and all(c["passed"] for c in checks)):
        reask = outcome.get("reask")
        fails = reask.get("fail_results") if isinstance(reask, Mapping) else None
        said = [str(f["error_message"]) for f in (fails if isinstance(fails, list) else [])
                if isinstance(f, Mapping) and f.get("error_message")]
        error = outcome.get("error")
        checks.append({"name": "validation_passed", "passed": passed,
                       "reason": "; ".join(said) or (str(error) if error else "")})
    return checks


_GUARDRAIL_ACTIONS = frozenset({"NONE", "GUARDRAIL_INTERVENED"})
# Amazon Bedrock Guardrails: each policy's findings, under the list that holds them, and how a finding is named.
_GUARDRAIL_FINDINGS = {
    "contextualGroundingPolicy": ("filters", "type", ""),
    "contentPolicy": ("filters", "type", "content_policy:"),
    "topicPolicy": ("topics", "name", "denied_topic:"),
    "wordPolicy": ("customWords", "match", "ban_list:"),
    "sensitiveInformationPolicy": ("piiEntities", "type", "pii:"),
}
_REASONING_VERDICTS = {"valid": True, "invalid": False, "impossible": False}
"""Amazon Bedrock's automated reasoning findings that say whether the answer's claims follow from the policy's
rules (the others say it could not tell: `satisfiable`, `translationAmbiguous`, `tooComplex`, `noTranslations`)."""


def _guardrail_assessment(assessment: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An Amazon Bedrock Guardrails assessment ({"contextualGroundingPolicy": {"filters": [{"type": "GROUNDING",
    "score": 0.08, "threshold": 0.7, "action": "BLOCKED", "detected": true}]}, "topicPolicy": {"topics": [...]},
    ...}) as one check per finding: what a filter detected failed. Its regexes for sensitive data are named by the
    team (`pii:room_number`); an automated reasoning finding is valid or not against the policy's rules."""
    out = []
    for policy, (key, name_key, prefix) in _GUARDRAIL_FINDINGS.items():
        section = assessment.get(policy)
        findings = section.get(key) if isinstance(section, Mapping) else None
        if policy == "sensitiveInformationPolicy" and isinstance(section, Mapping):
            findings = [*(findings or []), *({**r, "type": r.get("name")} for r in section.get("regexes") or []
                                             if isinstance(r, Mapping))]
        for f in findings if isinstance(findings, list) else []:
            if isinstance(f, Mapping) and isinstance(f.get("detected"), bool) and f.get(name_key):
                # (Its contextual grounding filter judges the whole answer against the source: a groundedness.)
                name = f"{prefix}{str(f[name_key]).lower()}".replace("grounding", "groundedness")
                out.append({"name": name, "passed": not f["detected"],
                            **({"score": f["score"]} if is_number(f.get("score")) else {})})
    section = assessment.get("automatedReasoningPolicy")
    for finding in section.get("findings") or [] if isinstance(section, Mapping) else []:
        kind = next((k for k in _REASONING_VERDICTS if isinstance(finding, Mapping) and k in finding), None)
        if kind is not None:
            rules = finding[kind].get("contradictingRules") if isinstance(finding[kind], Mapping) else None
            said = f"contradicts rules {', '.join(str(r.get('identifier')) for r in rules if isinstance(r, Mapping))}" \
                if isinstance(rules, list) and rules else ""
            out.append({"name": "automated_reasoning", "passed": _REASONING_VERDICTS[kind], "reason": said})
    return out


def _checks_of_map(checks: Mapping[str, Any], depth: int = 0) -> list[Any]:
    """The checks in an object: one check ({"name", "passed"}), or names mapped to results.

    {"json_parse": false, "toxicity": "pass", "grounding": {"pass": false, "ungrounded": ["12%"]}} holds three
    checks. An export that nests them ({"langfuse": {"scores": [...]}, "trulens": {"feedback_results": [...]}}) is
    read down to four levels (Azure AI Content Safety's {"output_screening": {"azure_content_safety": {"text:analyze":
    {"categoriesAnalysis": [...]}}}}). A result that is no outcome (a row count, an error message, null for a check not
    run) is a measurement, not a check, and is left out rather than refusing the case.
    """
    if isinstance(checks.get("validation_passed"), bool) and any(
            k in checks for k in ("validation_summaries", "validator_logs", "reask")):
        return _guard_outcome(checks)
    if _is_one_of(checks.get("action"), _GUARDRAIL_ACTIONS) and isinstance(checks.get("assessments"), list):
        return [c for a in checks["assessments"] if isinstance(a, Mapping) for c in _guardrail_assessment(a)]
    if _is_one_of(checks.get("SCORE"), _LYNX_SCORES) and "REASONING" in checks:
        return [_lynx_verdict(checks)]
    if isinstance(checks.get("overall_eval_metric_results"), list):
        return [c for c in map(_adk_metric, checks["overall_eval_metric_results"]) if c is not None]
    name, outcome = check_fields(checks)
    if name is not None and outcome is not None:
        return [checks]
    graded, columns = _metric_columns(checks)
    evaluated, evaluator_columns = _evaluator_columns(checks)
    rated, rating_columns = _rating_columns(checks)
    limited, limit_columns = _limit_checks(checks)
    out: list[Any] = [*graded, *evaluated, *rated, *limited]
    columns |= evaluator_columns | rating_columns | limit_columns
    if _scorer_metadata(checks):
        columns.add("metadata")  # what each score's scorer noted: its reason (`_reasons_by_name`), not a check
    percent = _percent_scores(checks)
    for key, value in checks.items():
        if key in columns or key in _PROMPT_SCREENS or _CHECK_SETTINGS.search(str(key)) or _RUN_FIELDS.match(str(key)):
            continue  # {"ragas_thresholds": {"faithfulness": 0.7}}: how the checks were set, not their results
        if isinstance(value, Mapping) and value.get("invalid_result") is True:
            continue  # a LlamaIndex evaluation that could not be scored says nothing
        if isinstance(value, Mapping) and str(key).lower() in _CONTAINERS:
            out += _checks_of_map(value, depth + 1) if depth < 3 else []
        elif isinstance(value, bool):
            out.append({"name": str(key), "passed": value})
        elif (flag := _HELICONE_BOOL.match(str(key))) is not None and value in (0, 1):
            # Helicone keeps a boolean score as 0 or 1
            out.append({"name": flag.group(1) or "user_feedback", "passed": value == 1})
        elif percent and isinstance(value, int) and 0 <= value <= 100:
            out.append({"name": str(key), "score": value / 100})
        elif isinstance(value, str) and (verdict := guard_generation(value)) is not None:
            out.append({"name": str(key), **verdict})  # {"llama_guard_3": "unsafe\nS2"}
        elif isinstance(value, str) and value.strip().lower() in _CHECK_STATUS:
            out.append({"name": str(key), "status": value})
        elif isinstance(value, (int, float)) and 0.0 <= value <= 1.0:
            # Braintrust's {"valid_json": 1, "factuality": 0.2}: scorers' scores in [0, 1]. (A count such as
            # "row_count": 7 is not on that scale; only a check name the engine knows ever becomes evidence.)
            out.append({"name": str(key), "score": value})
        elif isinstance(value, Mapping) and (result := _scorer_result(str(key), value)) is not None:
            out.append(result)
        elif isinstance(value, Mapping) and depth < 3:
            out += _checks_of_map(value, depth + 1)
        elif isinstance(value, list):
            # A test run's assertions, or a list of graders or scores: each item that is a check is one.
            items = [c for item in value for c in (_hook_checks(item) or [item])]
            out += [c for c in (_with_result(item, str(key)) for item in items)
                    if isinstance(c, Mapping) and None not in check_fields(c)]
    reasons = _reasons_by_name(checks)  # each map's own: {"pipeline": {"json_parse": false, "json_parse_error": ...}}
    for i, c in enumerate(out):
        name = c.get("name") if isinstance(c, Mapping) else None
        said = reasons.get(name, reasons.get(name.removeprefix("score_"))) if isinstance(name, str) else None
        if said and not _reason_of(c):
            out[i] = {**c, "reason": said}  # a new object: the caller's stays as it was
    return out if depth > 0 else _once_each(out)


_HELICONE_BOOL = re.compile(r"^(.+)-hcone-bool$|^helicone-score-feedback$")
"""Helicone's scores API takes integers and booleans, and keeps a boolean as 0 or 1 under "<name>-hcone-bool"; a
user's thumbs up or down is its "helicone-score-feedback"."""


def _percent_scores(checks: Mapping[str, Any]) -> bool:
    """Whether a map's whole-number scores are percentages.

    Helicone's are (its docs turn a 0-1 score into 0-100: 0.92 is sent as 92), and so is a map whose values are
    all whole numbers from 0 to 100 with one above 10, which no 1-5 or 1-10 rubric gives. (A 1 there is 1%, not a
    pass.)"""
    numbers = [v for k, v in checks.items() if not _HELICONE_BOOL.match(str(k))]
    if not numbers or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100 for v in numbers):
        return False
    return len(numbers) < len(checks) or max(numbers) > 10


_PROMPT_SCREENS = frozenset({"before_request_hooks", "input_guardrails", "input_rails", "input_guardrail_results"})
"""Where a gateway keeps its screens of the prompt (Portkey's hooks before the request): a prompt flagged says
nothing of how the answer failed."""


def _hook_checks(hook: Any) -> list[dict[str, Any]]:
    """A Portkey guardrail hook ({"type": "guardrail", "verdict": false, "checks": [{"id": "default.jsonSchema",
    "verdict": false, "data": {"explanation": ...}}], ...}) as one check per check it ran, named by its id; empty
    for anything else."""
    if not (isinstance(hook, Mapping) and hook.get("type") == "guardrail" and isinstance(hook.get("checks"), list)):
        return []
    out = []
    for c in hook["checks"]:
        if not (isinstance(c, Mapping) and isinstance(c.get("id"), str) and isinstance(c.get("verdict"), bool)):
            continue
        data = c["data"] if isinstance(c.get("data"), Mapping) else {}
        errors = data.get("validationErrors")
        said = data.get("explanation") or "; ".join(
            str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in
            (errors if isinstance(errors, list) else []))
        out.append({"name": c["id"], "passed": c["verdict"], "reason": str(said)})
    return out


_LIMIT = re.compile(r"(?i)^(max|min)_(\w+?)s?$|^(\w+?)s?_(max|min|limit)$")


def _limit_checks(checks: Mapping[str, Any]) -> tuple[list[dict[str, Any]], set[str]]:
    """Measurements beside their limits ({"char_count": 442, "max_chars": 160}, {"word_count": 148, "max_words":
    120}) as checks that the measure kept within its limit, and the keys they used."""
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for key, limit in checks.items():
        m = _LIMIT.match(str(key))
        if m is None or not is_number(limit):
            continue
        bound = (m.group(1) or m.group(4)).lower()
        stem = m.group(2) or m.group(3)
        measured = next((k for k in (f"{stem}_count", f"{stem}s", f"n_{stem}s", f"num_{stem}s", f"{stem}_length",
                                     stem) if k != key and is_number(checks.get(k))), None)
        if measured is None:
            continue
        value = checks[measured]
        within = value >= limit if bound == "min" else value <= limit
        side = "minimum" if bound == "min" else "maximum"
        out.append({"name": measured, "passed": within, "reason": f"{value:g} against a {side} of {limit:g}"})
        used |= {str(key), measured}
    return out, used


def _scorer_result(name: str, result: Mapping[str, Any]) -> dict[str, Any] | None:
    """A scorer's result under its name ({"faithfulness": {"passed": false, "reason": ...}}) as one flat check, or
    None where it holds no outcome.

    W&B Weave keeps each scorer's result under the scorer's name; its class scorers return no verdict where they
    measure ({"ContextEntityRecallScorer": {"recall": 0.69}}, {"SummarizationScorer": {"summarization_eval_score":
    0.0, "entity_density": 0.05, ...}}): such a result is read by its number named a score, or else its one number.
    """
    flags = [k for k, v in result.items() if (isinstance(v, bool) or v is None) and k not in CHECK_OUTCOME_KEYS
             and not _FAILURE_KEY.match(str(k)) and k not in _MEASURE_FLAGS]
    if not any(k in result for k in CHECK_OUTCOME_KEYS) and (len(flags) > 1 or flags and _GENERIC_NAME.match(name)):
        # Checks grouped under a name ({"pipeline": {"json_parse": false, "schema_valid": null}}), or under one that
        # names no check ({"custom": {"json_parse": false}}): read one by one.
        return None
    outcome = check_fields({"name": name, **result})[1]
    score = result.get("score")
    if outcome is None and name.lower().endswith("scorer"):
        numbers = {k: v for k, v in result.items() if is_number(v) and not _RUN_FIELDS.match(str(k))}
        scores = [v for k, v in numbers.items() if str(k).endswith("score")]
        own = scores if len(scores) == 1 else list(numbers.values()) if len(numbers) == 1 else []
        if own and 0.0 <= own[0] <= 1.0:
            score = own[0]
            outcome = check_fields({"name": name, "score": score})[1]
    if outcome is None:
        return None
    detail = {k: v for k, v in result.items()
              if k not in CHECK_OUTCOME_KEYS and k not in ("value", "score") and not _RUN_FIELDS.match(k)}
    said = next((result[k] for k in CHECK_REASON_KEYS if isinstance(result.get(k), str) and result[k]), None)
    reason = said if said is not None else json.dumps(detail, ensure_ascii=False) if detail else ""
    return {"name": name, "reason": reason, "passed": outcome, **({"score": score} if score is not None else {})}


def _once_each(checks: list[Any]) -> list[Any]:
    """One check per name, where an export gives it twice (Galileo's `metrics` beside its `metric_info`): the one
    that gives a reason."""
    kept: dict[Any, Any] = {}
    for c in checks:
        name = check_fields(c)[0] if isinstance(c, Mapping) else None
        key = name if isinstance(name, str) else id(c)
        if key not in kept or (not _reason_of(kept[key]) and _reason_of(c)):
            kept[key] = c
    return list(kept.values())


def _reason_of(check: Any) -> str:
    return next((str(check[k]) for k in CHECK_REASON_KEYS if isinstance(check, Mapping) and check.get(k)), "")


def check_fields(c: Mapping[str, Any]) -> tuple[Any, Any]:
    """(name, outcome) of a check object under whichever keys its tool used; None where absent or unreadable."""
    names = [(k, c[k]) for k in CHECK_NAME_KEYS if isinstance(c.get(k), str) and c.get(k)]
    while len(names) > 1 and (names[0][0] == "type" and names[0][1].strip().lower() in _EVALUATOR_KINDS
                              or _UUID.fullmatch(names[0][1].strip())):
        # Keywords AI's {"type": "llm", "evaluator_id": "7a4c1e26-...", "evaluator_slug": "faithfulness"}: a kind of
        # evaluator and an id, before its name
        names = names[1:]
    name = names[0][1] if names else None
    if isinstance(name, str) and _GENERIC_NAME.match(name) and isinstance(c.get("display_name"), str) \
            and c["display_name"].strip():
        name = c["display_name"]  # Athina's {"name": "CustomPrompt", "display_name": "Brand Voice Adherence"}
    if name is None and isinstance(c.get("assertion"), Mapping):
        name = c["assertion"].get("type")  # promptfoo: {"assertion": {"type": "is-json"}, "pass": false}
    given = [c[k] for k in CHECK_OUTCOME_KEYS if isinstance(c.get(k), (bool, str))]
    outcome = next((v if isinstance(v, bool) else _CHECK_STATUS.get(v.strip().lower()) for v in given), None)
    if outcome is None:
        # A finding's flag is the verdict the other way round: Athina's {"failure": false} and Lakera Guard's
        # {"flagged": false} passed, Azure's {"ungroundedDetected": true} failed.
        outcome = next((not v for k, v in c.items() if isinstance(v, bool) and _FAILURE_KEY.match(str(k))), None)
    flags = [v for k, v in c.items() if isinstance(v, bool) and not _FAILURE_KEY.match(str(k))
             and k not in _MEASURE_FLAGS]
    if outcome is None and len(flags) == 1:
        outcome = flags[0]  # a scorer's one verdict under its own name: {"grounded": false, "score": 0.25}
    if outcome is None and not flags:
        # Or its verdict word there (Traceloop's toxicity detector: {"is_safe": "unsafe"}).
        words = [_verdict(v) for k, v in c.items() if str(k).startswith("is_") and isinstance(v, str)]
        outcome = words[0] if len(words) == 1 else None
    value = c.get("value")
    if outcome is None and isinstance(value, str):
        # Inspect's scorers: "C" correct, "I" incorrect, "N" no answer ("P", partial credit, says neither).
        value = value.strip()
        outcome = {"C": True, "I": False, "N": False}.get(value) if len(value) == 1 else _CHECK_STATUS.get(value.lower())
    # (Langfuse writes a score's number as "value", TruLens as "result", Athina in a list of metrics.)
    score = c.get("score", next((c[k] for k in SCORE_KEYS[1:] if is_number(c.get(k))), None))
    if score is None and isinstance(c.get("metrics"), list):
        score = next((m["value"] for m in c["metrics"] if isinstance(m, Mapping) and is_number(m.get("value"))), None)
    threshold = c.get("threshold", PASS_SCORE)
    if outcome is None and is_number(score) and is_number(threshold) and ("threshold" in c or 0.0 <= score <= 1.0):
        # DeepEval, Ragas, LangSmith: higher is better, passing at the threshold; a toxicity, bias or
        # hallucination score is a rate of the fault, and passes at or below it.
        lower_better = isinstance(name, str) and _lower_is_better(name)
        outcome = score <= threshold if lower_better else score >= threshold
    return name, outcome


_RESULT_KEYS = ("evaluation_result", "evaluation", "result", "score")
"""Where a check keeps its result as an object of its own (Orq.ai's evaluatorq: {"evaluatorName", "score": {"value",
"explanation", "pass"}})."""
_VALUE_TYPES = frozenset({"bool", "boolean", "number", "float", "int", "integer", "string", "str", "text", "error"})
_CONTAINERS = frozenset({"metrics", "metric_info", "scores", "results", "checks", "evaluations", "evaluation_results",
                         "feedback", "feedback_scores", "assertions", "graders"})
"""Keys under which exports group their checks: read as groups, never as one check."""
_RUN_FIELDS = re.compile(r"(?i)^(?:status(?:_type)?|state|scorer_type|model(?:_alias)?|num_\w+|cost|latency\w*|"
                         r"duration\w*|\w*tokens?|error(?:_message)?|message|created_\w+|updated_\w+|id|"
                         r"sample|datasource_item|usage|inputs?|outputs?|input_\w+|is_completed|completed)$")
"""Fields that say how an evaluator ran (its status, cost, token counts, its own judge call: OpenAI Evals'
"sample") or what it read (the data source item, Deepchecks' `input_properties`), not how the output fared."""
_REASONS = re.compile(r"(?i)^(?:\w+_)?(?:reasons|explanations)$")
_NO_REASON = frozenset({"", "none", "null", "n/a", "-"})
"""What a reason column holds where there was nothing to say ("parse_error": "none")."""
_REASON_COLUMN = re.compile(r"(?i)^(?:explanation|reason)_(.+)$|^(.+?)[ _](?:reasoning|reason|explanation|error)$")


_NOTE_KEYS = ("rationale", *CHECK_REASON_KEYS, "errors", "error")
"""Where a scorer's metadata gives its reason (autoevals' `rationale`, a validator's `errors`)."""


def _scorer_metadata(checks: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """What each scorer noted beside its score, where an export keeps it apart: Braintrust's {"scores":
    {"Factuality": 0.4}, "metadata": {"Factuality": {"choice": "A", "rationale": ...}}}. Empty where the metadata
    is not by the scores' names."""
    scores, metadata = checks.get("scores"), checks.get("metadata")
    if not (isinstance(scores, Mapping) and isinstance(metadata, Mapping) and metadata) or any(
            k not in scores or not isinstance(v, Mapping) for k, v in metadata.items()):
        return {}
    return {str(k): v for k, v in metadata.items()}


def _reasons_by_name(checks: Mapping[str, Any]) -> dict[str, str]:
    """Reasons an export keeps apart from its scores: Deepchecks' {"properties_reasons": {"Grounded in Context":
    "..."}}, UpTrain's "explanation_factual_accuracy" beside "score_factual_accuracy", Evidently's "Correctness
    reasoning" beside "Correctness"."""
    found: dict[str, str] = {}
    for name, note in _scorer_metadata(checks).items():
        said = next((note[k] for k in _NOTE_KEYS if note.get(k)), None)
        if isinstance(said, list):
            said = "; ".join(map(str, said))
        found[name] = str(said) if said is not None else json.dumps(note, ensure_ascii=False)
    for key, value in checks.items():
        if isinstance(value, Mapping) and _REASONS.match(str(key)):
            found.update({str(k): v for k, v in value.items() if isinstance(v, str)})
        elif isinstance(value, str) and (m := _REASON_COLUMN.match(str(key))) is not None and \
                value.strip().lower() not in _NO_REASON:
            found[m.group(1) or m.group(2)] = value
    return found


def _judgment(check: Mapping[str, Any]) -> dict[str, Any]:
    """A Humanloop evaluator log ({"evaluator": {"name", "spec"}, "judgment", "output"}) as a flat check.

    The evaluator's spec says how to read the judgment: a boolean as it is; a number against its limits (a 1-5
    rubric fails at 2 and passes at 4, a 0-1 score passes from 0.5; the valence says which end is good); a choice
    by its option's valence. A text judgment, or none (a review still pending), is no outcome.
    """
    evaluator = check["evaluator"]
    spec: Mapping[str, Any] = evaluator["spec"] if isinstance(evaluator.get("spec"), Mapping) else {}
    judgment, passed = check.get("judgment"), None
    if isinstance(judgment, bool):
        passed = judgment
    elif isinstance(judgment, (int, float)):
        limits: Mapping[str, Any] = spec["number_limits"] if isinstance(spec.get("number_limits"), Mapping) else {}
        low, high = limits.get("min", 0), limits.get("max", 1)
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high > low:
            if spec.get("number_valence") == "negative":
                judgment, low, high = -judgment, -high, -low
            share = (judgment - low) / (high - low)
            passed = _rubric_outcome(judgment, low, high) if high - low >= 3 else share >= 0.5
    elif isinstance(judgment, str):
        options: list[Any] = spec["options"] if isinstance(spec.get("options"), list) else []
        valence = next((o.get("valence") for o in options if isinstance(o, Mapping) and o.get("name") == judgment),
                       None)
        passed = {"positive": True, "negative": False}.get(valence) if isinstance(valence, str) else None
    name = evaluator.get("name") or evaluator.get("path")
    reason = check.get("stdout") or check.get("output") or check.get("error") or ""
    flat: dict[str, Any] = {"name": name, "reason": reason if isinstance(reason, str) else ""}
    if passed is None:
        flat["status"] = "skipped"  # no outcome: left out, as a check that was not run
    else:
        flat["passed"] = passed
    return flat


def _verdict(word: Any) -> bool | None:
    """The outcome a status word says ("pass", "fail", "hallucinated"); None for any other value."""
    return _CHECK_STATUS.get(word.strip().lower()) if isinstance(word, str) else None


def _outcome_or_skipped(flat: dict[str, Any]) -> dict[str, Any]:
    """`flat` as it is where an outcome can be read from it (a score in [0, 1] is read as any score), else marked
    skipped: a check with no outcome says nothing, and a case is not refused for it."""
    return flat if "passed" in flat or check_fields(flat)[1] is not None else {**flat, "status": "skipped"}


def _span_evaluation(check: Mapping[str, Any]) -> dict[str, Any]:
    """A Datadog LLM Observability evaluation ({"label": "faithfulness", "metric_type": "score", "score_value": 0.94,
    "assessment": "pass", "reasoning": ...}) as a flat check.

    `label` names the evaluation (elsewhere a label is an outcome). Its `assessment` is the outcome; without one, a
    boolean value is (true is a fault where the name is one: "hallucination"), a score in [0, 1] is read as any
    score, and a categorical value by its word ("correct", "hallucinated"). Anything else, or no value at all (an
    evaluation that errored), says nothing.
    """
    name = check["label"]
    value = check.get(f"{check['metric_type']}_value")
    reason = check.get("reasoning") or check.get("reason") or ""
    flat: dict[str, Any] = {"name": name, "reason": reason if isinstance(reason, str) else ""}
    passed = _verdict(check.get("assessment"))
    if passed is None and isinstance(value, bool):
        passed = not value if _lower_is_better(name) else value
    if passed is None:
        passed = _verdict(value)
    if passed is not None:
        flat["passed"] = passed
    if is_number(value):
        flat["score"] = value
    return _outcome_or_skipped(flat)


_EVALUATION_STATUS = frozenset({"processed", "skipped", "error"})


def _trace_evaluation(check: Mapping[str, Any]) -> dict[str, Any]:
    """A LangWatch evaluation ({"evaluation_id", "name": "Faithfulness", "type": "ragas/faithfulness", "status":
    "processed", "passed": null, "score": 0.58, "label": null, "details": ..., "is_guardrail": false}) as a flat
    check.

    `status` says whether the evaluator ran ("skipped", "error": it says nothing); `passed` is the outcome where the
    evaluator gives one, else a label that is one, else a score in [0, 1] read as any score. A score on another
    scale, or a category ("shell_commands"), says nothing.
    """
    name = check.get("name") or check.get("type") or check.get("evaluator_id")
    details = check.get("details")
    flat: dict[str, Any] = {"name": name, "reason": details if isinstance(details, str) else ""}
    if check["status"] != "processed":
        return {**flat, "status": "skipped"}
    passed = check["passed"] if isinstance(check.get("passed"), bool) else _verdict(check.get("label"))
    if passed is not None:
        flat["passed"] = passed
    if is_number(check.get("score")):
        flat["score"] = check["score"]
    return _outcome_or_skipped(flat)


def _activated_rail(rail: Mapping[str, Any]) -> dict[str, Any]:
    """A NeMo Guardrails rail from a generation's log ({"type": "output", "name": "self check facts", "decisions":
    ["execute self_check_facts", "inform answer unknown", "stop"], "executed_actions": [...], "stop": true}).

    The rail ran its actions ("execute ..."); any other decision is its reaction to what it found: a message in place
    of the answer, a warning ("inform answer prone to hallucination"), a stop. A rail that reacted failed; one that
    only ran its actions passed. (Its actions' return values mean "allowed" for one rail and "found" for another.)
    """
    reacted = [str(d) for d in rail["decisions"] if not str(d).startswith("execute ")]
    return {"name": rail.get("name") or "rail", "passed": not (rail["stop"] or reacted), "reason": "; ".join(reacted)}


_GUARD_GENERATION = re.compile(r"^\s*(safe|unsafe)\s*(?:\n\s*(S\d{1,2}(?:\s*,\s*S\d{1,2})*)\s*)?$")
"""What Llama Guard generates: "safe", or "unsafe" and on the next line the hazards it found ("unsafe\nS2,S10")."""
_HAZARDS = {"S1": "violent crimes", "S2": "non-violent crimes", "S3": "sex-related crimes",
            "S4": "child sexual exploitation", "S5": "defamation", "S6": "specialized advice", "S7": "privacy",
            "S8": "intellectual property", "S9": "indiscriminate weapons", "S10": "hate", "S11": "suicide & self-harm",
            "S12": "sexual content", "S13": "elections", "S14": "code interpreter abuse"}
"""The MLCommons hazard categories that Llama Guard 3 and 4 name by code."""
_PROMPT_TURNS = frozenset({"user", "prompt", "input", "human", "request"})


def guard_generation(text: Any) -> dict[str, Any] | None:
    """A safety classifier's raw generation ("unsafe\nS2") as {"passed", "reason"}; None for any other value."""
    m = _GUARD_GENERATION.match(text) if isinstance(text, str) else None
    if m is None:
        return None
    codes = re.findall(r"S\d+", m.group(2) or "")
    found = ", ".join(f"{c} ({_HAZARDS.get(c, 'a hazard of its own taxonomy')})" for c in codes)
    return {"passed": m.group(1) == "safe", "reason": f"hazards found: {found}" if found else ""}


def _screened_turn(check: Mapping[str, Any], owner: str) -> dict[str, Any] | None:
    """One turn screened by Llama Guard ({"turn": "Agent", "generation": "unsafe\nS2"}) as a check named by the item
    or by the field that holds the list (`owner`). A turn of the prompt is None: a prompt flagged says nothing of
    how the answer failed."""
    turn = next((str(check[k]).strip().lower() for k in ("turn", "role", "screened", "stage") if k in check), "")
    if turn in _PROMPT_TURNS:
        return None
    verdict = next(v for v in map(guard_generation, check.values()) if v is not None)
    name = check_fields(check)[0]
    return {"name": name if isinstance(name, str) else owner, **verdict}


_RISK = frozenset({"Yes", "No", "yes", "no"})


def _risk_assessment(check: Mapping[str, Any]) -> dict[str, Any]:
    """IBM Granite Guardian's answer for one risk ({"risk_name": "groundedness", "label": "Yes", "prob_of_risk":
    0.87}) as a check: "Yes" (a risk found) failed; without a label, a probability of risk from 0.5 did. The
    probability is the reason's, not a score: a score reads higher as better."""
    p = check.get("prob_of_risk")
    label = check.get("label")
    if not (_is_one_of(label, _RISK) or is_number(p)):
        return {"name": check["risk_name"], "status": "skipped"}  # neither an answer nor a probability
    found = label.lower() == "yes" if _is_one_of(label, _RISK) else is_number(p) and p >= 0.5
    said = f"risk {'found' if found else 'not found'}" + (f" (probability of risk {p:.3f})" if is_number(p) else "")
    return {"name": check["risk_name"], "passed": not found, "reason": said}


_TEST_STATUS = frozenset({"passing", "failing", "error", "skipped"})
_METRIC_INSIGHTS = frozenset({"metrics", "customMetric"})


def _test_result(check: Mapping[str, Any]) -> dict[str, Any]:
    """An Openlayer test's result on one row ({"goal": {"name", "subtype", "thresholds": [{"insightName",
    "measurement", ...}]}, "status": "passing", "statusMessage", "row": {...}}) as a flat check.

    A test on a metric is named by the metric it holds to a threshold ("faithfulness", or a custom metric's own
    name), a PII test "pii", any other (an LLM rubric) by the goal's name. The row's explanation (the judge's) is
    the reason, else the status message; a test that errored was not run."""
    goal, row = check["goal"], check.get("row")
    row = row if isinstance(row, Mapping) else {}
    limits = goal.get("thresholds")
    limit = limits[0] if isinstance(limits, list) and limits and isinstance(limits[0], Mapping) else {}
    name = goal["name"]
    if _is_one_of(limit.get("insightName"), _METRIC_INSIGHTS) and isinstance(limit.get("measurement"), str):
        name = limit["measurement"]
    elif str(goal.get("subtype", "")).lower() == "containspii":
        name = "pii"
    said = next((v for v in (row.get("explanation"), check.get("statusMessage")) if isinstance(v, str) and v), "")
    out = {"name": name, "status": "skipped" if check["status"] == "error" else check["status"], "reason": said}
    score = next((row[k] for k in ("score", name) if is_number(row.get(k))), None)  # a judge's, or the metric's value
    return out if score is None else {**out, "score": score}


def _metric_outputs(check: Mapping[str, Any]) -> dict[str, Any]:
    """A Vellum test suite's metric result ({"metric_label", "metric_definition": {"name"}, "outputs": [{"type":
    "NUMBER", "name": "score", "value": 0.2}, {"type": "STRING", "name": "log", "value": ...}]}) as a flat check:
    named by its label, scored by its "score" output, its text outputs the reason. A score that is an ERROR output,
    or none at all, was not run."""
    definition = check.get("metric_definition")
    definition = definition if isinstance(definition, Mapping) else {}
    name = next((v for v in (check.get("metric_label"), definition.get("label"), definition.get("name"))
                 if isinstance(v, str) and v.strip()), None)
    outputs = [o for o in check["outputs"] if isinstance(o, Mapping)]
    score = next((o["value"] for o in outputs if o.get("name") == "score" and o.get("type") == "NUMBER"
                  and is_number(o.get("value"))), None)
    said = "; ".join(o["value"] for o in outputs if o.get("type") == "STRING" and isinstance(o.get("value"), str))
    out = {"name": name, "reason": said}
    return {**out, "score": score} if score is not None else {**out, "status": "skipped"}


def _tripwire(result: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI Agents SDK guardrail result ({"guardrail": {"name"}, "output": {"tripwire_triggered": true,
    "output_info": {...}}}) as a check: a tripwire triggered failed it, and what the guardrail returned is the
    reason."""
    name = result["guardrail"].get("name")
    info = result["output"].get("output_info")
    said = info if isinstance(info, str) else json.dumps(info, ensure_ascii=False) if info is not None else ""
    return {"name": name if isinstance(name, str) and name.strip() else "guardrail",
            "passed": not result["output"]["tripwire_triggered"], "reason": said}


_ADK_STATUS = {1: True, 2: False, "PASSED": True, "FAILED": False}
"""Google ADK's EvalStatus, as its eval history writes it (a number) or as its name; 3, NOT_EVALUATED, says nothing."""


def _adk_metric(metric: Any) -> dict[str, Any] | None:
    """One of an ADK eval case's overall metric results ({"metric_name": "tool_trajectory_avg_score", "threshold":
    1.0, "score": 0.5, "eval_status": 2}) as a check. (Its per-invocation results repeat them turn by turn.)"""
    if not isinstance(metric, Mapping) or not isinstance(metric.get("metric_name"), str):
        return None
    status = metric.get("eval_status")
    passed = _ADK_STATUS.get(status) if isinstance(status, (int, str)) and not isinstance(status, bool) else None
    out: dict[str, Any] = {"name": metric["metric_name"]}
    out.update({"passed": passed} if passed is not None else {"status": "skipped"})
    return {**out, "score": metric["score"]} if is_number(metric.get("score")) else out


_LYNX_SCORES = frozenset({"PASS", "FAIL"})


def _lynx_verdict(output: Mapping[str, Any]) -> dict[str, Any]:
    """Patronus Lynx's raw output ({"REASONING": [...], "SCORE": "PASS" | "FAIL"}) as a faithfulness check: PASS is an
    answer faithful to the document it was given."""
    said = output["REASONING"]
    said = " ".join(map(str, said)) if isinstance(said, list) else str(said)
    return {"name": "faithfulness", "passed": output["SCORE"] == "PASS", "reason": f"Lynx: {said}"}


def _typed_output(check: Mapping[str, Any]) -> dict[str, Any]:
    """A Future AGI eval result ({"name", "output", "output_type": "Pass/Fail" | "score" | "choices", "reason"}) as a
    flat check: "Passed" or "Failed", a 0-1 score, or choices (a label such as a tone), which is no verdict."""
    kind, value = check["output_type"].strip().lower(), check.get("output")
    flat = {k: v for k, v in check.items() if k not in ("output", "output_type")}
    if kind == "pass/fail" and isinstance(value, str):
        return {**flat, "status": value}
    if kind == "score" and is_number(value):
        return {**flat, "score": value}
    return {**flat, "status": "skipped"}


def _annotation(check: Mapping[str, Any]) -> dict[str, Any]:
    """A Langtrace evaluation: an annotator's score on its test's scale ({"ltUserScore": -1, "Test": {"name", "min",
    "max"}}), read as a 0-1 score placed on that scale (so it passes from the scale's middle), or a user's thumbs
    ({"userScore": -1}), which fails below zero."""
    test = check.get("Test")
    reason = check.get("reason") if isinstance(check.get("reason"), str) else ""
    if isinstance(test, Mapping) and is_number(check.get("ltUserScore")):
        low, high, value = test.get("min"), test.get("max"), check["ltUserScore"]
        name = test.get("name") if isinstance(test.get("name"), str) and test["name"].strip() else "annotation"
        if is_number(low) and is_number(high) and high > low:
            return {"name": name, "score": (value - low) / (high - low), "reason": reason}
        return {"name": name, "status": "skipped"}
    if is_number(check.get("userScore")):
        return {"name": "user_feedback", "passed": check["userScore"] > 0, "reason": reason}
    return {"name": "annotation", "status": "skipped"}


def _with_result(check: Any, owner: str = "llama_guard") -> Any:
    """A check whose result is an object of its own (Patronus: {"evaluator_id", "criteria", "status": "success",
    "evaluation_result": {"pass": false, "explanation": ...}}; Traceloop: {"evaluator_slug": "pii-detector",
    "result": {"has_pii": true}}) as one flat check; the result's fields win (the outer "status" says the evaluator
    ran, not how the output fared). A Humanloop evaluator log likewise, an Amazon Bedrock score with its judge's
    explanation, a NeMo Guardrails rail (`_activated_rail`), an Azure AI Content Safety category with its severity,
    an Openlayer test result (`_test_result`), a Vellum metric's outputs (`_metric_outputs`), a Future AGI eval
    (`_typed_output`), a Langtrace annotation (`_annotation`), a Granite Guardian risk (`_risk_assessment`), an
    OpenAI Agents SDK guardrail (`_tripwire`), and a turn screened by Llama Guard (`_screened_turn`, named by the
    item or else by `owner`, the field that holds the list; None where the turn is the prompt's)."""
    if not isinstance(check, Mapping):
        return check
    if any(guard_generation(v) is not None for v in check.values()) and check_fields(check)[1] is None:
        return _screened_turn(check, owner)
    if isinstance(check.get("risk_name"), str) and ("prob_of_risk" in check or _is_one_of(check.get("label"), _RISK)):
        return _risk_assessment(check)
    if "judgment" in check and isinstance(check.get("evaluator"), Mapping):
        return _judgment(check)
    if isinstance(check.get("guardrail"), Mapping) and isinstance(check.get("output"), Mapping) and isinstance(
            check["output"].get("tripwire_triggered"), bool):
        return _tripwire(check)
    if isinstance(check.get("outputs"), list) and ("metric_label" in check or "metric_definition" in check):
        return _metric_outputs(check)
    if isinstance(check.get("output_type"), str) and "output" in check and check_fields(check)[0] is not None:
        return _typed_output(check)
    if ("ltUserScore" in check or "userScore" in check) and ("spanId" in check or "Test" in check):
        return _annotation(check)
    goal = check.get("goal")
    if isinstance(goal, Mapping) and isinstance(goal.get("name"), str) and goal["name"].strip() and _is_one_of(
            check.get("status"), _TEST_STATUS):
        return _test_result(check)
    if isinstance(check.get("metric_type"), str) and isinstance(check.get("label"), str) and check["label"]:
        return _span_evaluation(check)
    if "evaluation_id" in check and _is_one_of(check.get("status"), _EVALUATION_STATUS):
        return _trace_evaluation(check)
    if isinstance(check.get("stop"), bool) and isinstance(check.get("decisions"), list) and "executed_actions" in check:
        return _activated_rail(check)
    if isinstance(check.get("category"), str) and is_number(check.get("severity")) and check_fields(check)[0] is None:
        # Azure AI Content Safety's categoriesAnalysis: {"category": "Hate", "severity": 4} on its 0-7 scale.
        # Its evaluators pass a severity up to 3 (very low or low) and fail it from 4 (medium) on.
        return {"name": check["category"], "passed": check["severity"] <= AZURE_SEVERITY_PASS,
                "score": check["severity"]}
    details = check.get("evaluatorDetails")
    if isinstance(details, list) and details and isinstance(details[0], Mapping) and not _reason_of(check):
        # Amazon Bedrock: {"metricName": "Builtin.Correctness", "result": 0.5, "evaluatorDetails":
        # [{"modelIdentifier": ..., "explanation": ...}]}: the judge's explanation is the reason.
        return {**check, "explanation": str(details[0].get("explanation") or "")}
    key = next((k for k in _RESULT_KEYS if isinstance(check.get(k), Mapping)), None)
    if key is None and isinstance(check.get("result"), list) and check_fields(check)[0] is not None:
        # A classifier's findings, no verdict (Lunary's topics evaluator: {"result": ["financing"]}): says nothing.
        return _outcome_or_skipped({k: v for k, v in check.items() if k != "result"})
    if key is None:
        return check
    outer = {k: v for k, v in check.items() if k != key and k not in CHECK_OUTCOME_KEYS}
    # (Agenta's result says what type its value is, {"type": "bool", "value": false}: a type, not the check's name)
    flat = {**outer, **{k: v for k, v in check[key].items() if not (k == "type" and _is_one_of(v, _VALUE_TYPES))}}
    if _is_one_of(check[key].get("type"), _VALUE_TYPES) and check[key]["type"] == "error":
        return {**flat, "status": "skipped"}  # the evaluator failed to run
    # A result that only measures (Traceloop's word counter: {"word_count": 142}) is no check: left out. (One with no
    # name either is refused, under the keys it has.)
    return _outcome_or_skipped(flat) if key == "result" and check_fields(flat)[0] is not None else flat


def check_objects(raw: Any) -> Any:
    """The `checks` field as a list of check objects, whichever form it came in; anything else as it is.

    A list of objects; the names of the checks that failed (["json_parse"], or one name: a case in a failure
    file listed by its failed checks), where Llama Guard's raw generation ("unsafe\nS2") is its verdict; or an
    object of names and results (`_checks_of_map`).
    """
    if not raw:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, Mapping):
        raw = _checks_of_map(raw)
    if isinstance(raw, list):
        read = [(c, _named_check(c) if isinstance(c, str) else _with_result(c)) for c in raw]
        # (a check object read as None is a screen of the prompt, no check of the answer: left out)
        raw = [flat for c, flat in read if not (isinstance(c, Mapping) and flat is None)]
    return raw


def _named_check(name: str) -> dict[str, Any]:
    """A check given by its name alone failed; Llama Guard's raw generation given alone is its verdict."""
    verdict = guard_generation(name)
    return {"name": name, "passed": False} if verdict is None else {"name": "llama_guard", **verdict}


def not_run(check: Mapping[str, Any]) -> bool:
    """A check that was skipped or left unscored ("status": "skipped", "passed": null, "score": null): it says
    nothing."""
    return any(str(check.get(k)).strip().lower() in _NOT_RUN for k in CHECK_OUTCOME_KEYS) or any(
        k in check and check[k] is None for k in (*CHECK_OUTCOME_KEYS, "score"))
