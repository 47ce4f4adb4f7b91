"""The domain records every part speaks: failure records in, diagnoses out.

A `FailureRecord` is one failed eval case as an eval pipeline sends it (over gRPC or as one JSONL line).
A `Diagnosis` is what formfact says about it. Both are plain frozen dataclasses: only the gRPC edge knows
about protobuf messages, and it converts at the boundary.

`parse_record` is the single validator for incoming records; the CLI (JSONL) and the gRPC edge both call it,
so a bad record gets the same field-level complaint whichever way it arrives. It reads what eval tools commonly
write (DeepEval's and Ragas's field names, chat messages, outputs given as JSON objects, checks under other keys,
formats given as descriptions): a case refused for its spelling would be a case lost, and `formfact eval`
would score it as a wrong answer.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping

LABELS = ("information", "behavior", "both", "unknown")
INFORMATION_SUBTYPES = (
    "missing_knowledge",
    "outdated_knowledge",
    "hallucination",
    "retrieval_miss",
    "corpus_gap",
)
BEHAVIOR_SUBTYPES = (
    "format_violation",
    "schema_violation",
    "instruction_violation",
    "off_task",
    "insufficient_detail",
    "style",
    "unsafe",
    "over_refusal",
    "context_ignored",
)
SUBTYPES = INFORMATION_SUBTYPES + BEHAVIOR_SUBTYPES
EXPECTED_FORMATS = ("json", "yaml", "xml", "html", "sql", "csv", "markdown")
"""The formats formfact validates."""
CARRIED_FORMATS = ("toml", "ini", "jsonl", "ndjson", "tsv", "latex", "python", "javascript", "typescript", "regex",
                   "graphql", "cron", "mermaid", "dot", "dsl", "code", "diff")
"""Text formats accepted and carried (to the router's prompts and the trainer) but not validated."""
FORMAT_ALIASES = {"yml": "yaml", "md": "markdown", "htm": "html", "patch": "diff"}
NO_FORMAT = frozenset({"", "text", "plain", "plaintext", "plain_text", "prose", "free_text", "freeform", "free-form",
                       "natural_language", "none", "null", "any"})
"""`expected_format` values that say "no particular format": read as absent."""
SQL_DIALECTS = frozenset({"postgresql", "postgres", "psql", "mysql", "mariadb", "sqlite", "tsql", "mssql", "plsql",
                          "oracle", "bigquery", "snowflake", "redshift", "duckdb", "hiveql", "sparksql", "trino",
                          "presto", "ansi"})
"""Words that name a SQL dialect: an `expected_format` of "PostgreSQL" asks for SQL."""
CODE_LANGUAGES = frozenset({"bash", "shell", "sh", "zsh", "powershell", "dockerfile", "hcl", "terraform", "go",
                            "golang", "java", "kotlin", "swift", "rust", "ruby", "php", "cpp", "csharp", "scala",
                            "perl", "lua", "dart", "elixir", "haskell", "julia", "matlab", "jsx", "tsx", "vue",
                            "solidity"})
"""Programming languages given as `expected_format`: carried as "code" (not validated)."""
FORMAT_SHAPES = frozenset({"table", "list", "bullets", "bulleted", "numbered", "email", "letter", "paragraph",
                           "essay", "outline", "sentence", "summary", "report", "memo", "steps"})
"""Shapes of prose ("bullet list", "email") given as `expected_format`: read as an instruction, not a format."""
CHECK_REASON_KEYS = ("reason", "detail", "details", "message", "explanation", "comment", "feedback")
"""Where eval tools put a check's explanation (formfact's own name first)."""
CHECK_NAME_KEYS = ("name", "metric", "check", "key", "type", "test", "evaluator", "eval", "grader", "assertion")
"""Where eval tools put a check's name: DeepEval and Ragas say `metric`, LangSmith feedback `key`, promptfoo
`type` or `assertion.type`, OpenAI Evals `eval`."""
_LOWER_IS_BETTER = re.compile(r"toxic|bias|hallucinat|harm|pii|leak|error|latency|cost|duration|perplexity|"
                              r"distance|loss", re.I)
_CHECK_SETTINGS = re.compile(r"threshold|config|settings|params|parameters", re.I)
PASS_SCORE = 0.5
"""A score in [0, 1] given with no outcome and no threshold passes from here (DeepEval's default threshold;
LangSmith's boolean feedback is a score of 0 or 1)."""
CHECK_OUTCOME_KEYS = ("passed", "pass", "success", "ok", "status", "result", "outcome", "verdict", "label")
_CHECK_STATUS = {"pass": True, "passed": True, "ok": True, "success": True, "true": True, "fail": False,
                 "failed": False, "failure": False, "error": False, "false": False, "warn": True, "warning": True,
                 # The labels of classification evals (Phoenix, OpenAI Evals): the label, not the score, says
                 # which way it went ("hallucinated" scores 1 on Phoenix's hallucination eval).
                 "correct": True, "incorrect": False, "factual": True, "hallucinated": False, "relevant": True,
                 "irrelevant": False, "unrelated": False, "faithful": True, "unfaithful": False, "grounded": True,
                 "ungrounded": False, "toxic": False, "non-toxic": True, "non_toxic": True}
_NOT_RUN = frozenset({"skipped", "skip", "not_run", "not run", "n/a", "na", "pending", "not_applicable"})
_PASSAGE_KEYS = ("text", "content", "page_content", "passage", "body", "snippet", "chunk", "document")
_INSTRUCTION_KEYS = ("text", "instruction", "description", "content", "constraint", "rule")
LABEL_ALIASES = {"behaviour": "behavior", "behavior-based": "behavior", "behavior_based": "behavior",
                 "information-based": "information", "information_based": "information", "info": "information",
                 "information+behavior": "both", "behavior+information": "both", "information_and_behavior": "both",
                 "behavior_and_information": "both", "information & behavior": "both", "mixed": "both"}
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
ROUTES = ("rag", "finetune", "review")


@dataclass(frozen=True)
class Limits:
    """Size bounds for one record; the gRPC edge and the CLI enforce the same ones."""

    max_id_chars: int = 256
    max_text_chars: int = 100_000
    """Bound on `input`, `output`, `reference` and each context passage."""
    max_list_items: int = 64
    """Bound on `context`, `instructions`, `checks` and `metadata` entries."""
    max_item_chars: int = 20_000
    """Bound on one instruction, check reason, metadata value or schema (as JSON)."""


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Check:
    """An assertion the eval pipeline already ran on the output (e.g. `json_valid`, `faithfulness`)."""

    name: str
    passed: bool
    score: float | None = None
    reason: str = ""


@dataclass(frozen=True)
class FailureRecord:
    """One failed eval case. `metadata` is carried and filterable, never a classifier feature."""

    id: str
    input: str
    output: str
    reference: str | None = None
    context: tuple[str, ...] = ()
    expected_format: str | None = None
    schema: Mapping[str, Any] | None = None
    instructions: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    task: str | None = None
    model: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A stable hash of the case content (not its id): a changed case is a new revision."""
        body = self._content()
        blob = json.dumps(body, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The JSONL form (the inverse of `parse_record`)."""
        out = {"id": self.id, **self._content(), "metadata": dict(self.metadata)}
        out["context"] = list(self.context) or None
        out["instructions"] = list(self.instructions) or None
        out["checks"] = out["checks"] or None
        return out

    def _content(self) -> dict[str, Any]:
        # Built by hand, not with dataclasses.asdict: asdict deep-copies every value and is the slowest
        # step of storing a case. The schema is copied one level, as the JSONL form always did.
        return {
            "input": self.input,
            "output": self.output,
            "reference": self.reference,
            "context": self.context,
            "expected_format": self.expected_format,
            "schema": dict(self.schema) if self.schema is not None else None,
            "instructions": self.instructions,
            "checks": [{"name": c.name, "passed": c.passed, "score": c.score, "reason": c.reason} for c in self.checks],
            "task": self.task,
            "model": self.model,
        }


@dataclass(frozen=True)
class Evidence:
    """One signal's finding: which signal, what it saw, and how strongly (0..1)."""

    signal: str
    detail: str
    score: float


@dataclass(frozen=True)
class Diagnosis:
    """formfact's answer for one failure record."""

    id: str
    label: str
    subtypes: tuple[str, ...]
    confidence: float
    route: str
    evidence: tuple[Evidence, ...]
    action: str
    classifier_version: str

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["subtypes"] = list(self.subtypes)
        out["evidence"] = [{"signal": e.signal, "detail": e.detail, "score": e.score} for e in self.evidence]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnosis:
        return cls(
            id=data["id"],
            label=data["label"],
            subtypes=tuple(data.get("subtypes") or ()),
            confidence=float(data["confidence"]),
            route=data["route"],
            evidence=tuple(Evidence(**e) for e in data.get("evidence") or ()),
            action=data.get("action", ""),
            classifier_version=data.get("classifier_version", ""),
        )


def route_for(label: str) -> str:
    """The primary route of a label: facts go to RAG, form goes to finetuning, doubt goes to a person."""
    return {"information": "rag", "both": "rag", "behavior": "finetune"}.get(label, "review")


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class RecordError(ValueError):
    """A failure record is malformed; `violations` names each bad field."""

    def __init__(self, violations: Iterable[FieldViolation]):
        self.violations = tuple(violations)
        super().__init__("; ".join(f"{v.field}: {v.description}" for v in self.violations))


@dataclass(frozen=True)
class LabelledRecord:
    """A failure record with its ground truth, as read from an evaluation JSONL file."""

    record: FailureRecord
    label: str | None = None
    subtypes: tuple[str, ...] = ()


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


def _messages_text(value: Any) -> Any:
    """A prompt given as chat messages ([{"role", "content"}, ...]) as one text; anything else as it is."""
    if isinstance(value, list) and value and all(isinstance(m, Mapping) and isinstance(m.get("content"), str)
                                                 for m in value):
        return "\n\n".join(m["content"] for m in value)
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


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
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
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            data[name] = str(value)
    return data


def _checks_of_map(checks: Mapping[str, Any], depth: int = 0) -> list[Any]:
    """The checks in an object: one check ({"name", "passed"}), or names mapped to results.

    {"json_parse": false, "toxicity": "pass", "grounding": {"pass": false, "ungrounded": ["12%"]}} holds three
    checks. An export that nests them ({"langfuse": {"scores": [...]}, "trulens": {"feedback_results": [...]}}) is
    read down to three levels. A result that is no outcome (a row count, an error message, null for a check not
    run) is a measurement, not a check, and is left out rather than refusing the case.
    """
    name, outcome = _check_fields(checks)
    if name is not None and outcome is not None:
        return [checks]
    out: list[Any] = []
    for key, value in checks.items():
        if _CHECK_SETTINGS.search(str(key)):
            continue  # {"ragas_thresholds": {"faithfulness": 0.7}}: how the checks were set, not their results
        if isinstance(value, bool):
            out.append({"name": str(key), "passed": value})
        elif isinstance(value, str) and value.strip().lower() in _CHECK_STATUS:
            out.append({"name": str(key), "status": value})
        elif isinstance(value, (int, float)) and 0.0 <= value <= 1.0:
            # Braintrust's {"valid_json": 1, "factuality": 0.2}: scorers' scores in [0, 1]. (A count such as
            # "row_count": 7 is not on that scale; only a check name the engine knows ever becomes evidence.)
            out.append({"name": str(key), "score": value})
        elif isinstance(value, Mapping) and (outcome := _check_fields({"name": "_", **value})[1]) is not None:
            detail = {k: v for k, v in value.items() if k not in CHECK_OUTCOME_KEYS}
            out.append({"name": str(key), "reason": json.dumps(detail, ensure_ascii=False) if detail else "",
                        "passed": outcome, **({"score": value["score"]} if "score" in value else {})})
        elif isinstance(value, Mapping) and depth < 2:
            out += _checks_of_map(value, depth + 1)
        elif isinstance(value, list):
            # A test run's assertions, or a list of graders or scores: each item that is a check is one.
            out += [c for c in value if isinstance(c, Mapping) and None not in _check_fields(c)]
    return out


def _read_format(value: str) -> tuple[str | None, str | None, bool]:
    """(format, instruction, understood) for an `expected_format` string.

    "JSON", "application/json", "valid JSON object" and "PostgreSQL" name a format; "plain text" names none; a
    shape of prose ("bullet list", "one paragraph") becomes an instruction the output had to follow. A single
    unknown word ("docx", "jsn") is not understood: the caller refuses it rather than guess.
    """
    whole = value.strip().lower()
    whole = FORMAT_ALIASES.get(whole, whole)
    if whole in NO_FORMAT or whole.replace(" ", "_") in NO_FORMAT:
        return None, None, True
    if whole in EXPECTED_FORMATS + CARRIED_FORMATS:
        return whole, None, True
    words = re.findall(r"[a-z0-9]+", whole.replace("t-sql", "tsql").replace("spark sql", "sparksql"))
    for word in words:
        word = FORMAT_ALIASES.get(word, word)
        if word in EXPECTED_FORMATS + CARRIED_FORMATS:
            return word, None, True
        if word in SQL_DIALECTS:
            return "sql", None, True
        if word in CODE_LANGUAGES:
            return "code", None, True
    if all(w in NO_FORMAT for w in words):
        return None, None, True
    if len(words) > 1 or (words and words[0] in FORMAT_SHAPES):
        return None, f"Answer format: {value.strip()}", True
    return None, None, False


def _check_fields(c: Mapping[str, Any]) -> tuple[Any, Any]:
    """(name, outcome) of a check object under whichever keys its tool used; None where absent or unreadable."""
    name = next((c[k] for k in CHECK_NAME_KEYS if isinstance(c.get(k), str) and c.get(k)), None)
    if name is None and isinstance(c.get("assertion"), Mapping):
        name = c["assertion"].get("type")  # promptfoo: {"assertion": {"type": "is-json"}, "pass": false}
    given = [c[k] for k in CHECK_OUTCOME_KEYS if isinstance(c.get(k), (bool, str))]
    outcome = next((v if isinstance(v, bool) else _CHECK_STATUS.get(v.strip().lower()) for v in given), None)
    flags = [v for v in c.values() if isinstance(v, bool)]
    if outcome is None and len(flags) == 1:
        outcome = flags[0]  # a scorer's one verdict under its own name: {"grounded": false, "score": 0.25}
    # (Langfuse writes a score's number as "value", TruLens as "result".)
    score = c.get("score", next((c[k] for k in ("value", "result") if isinstance(c.get(k), (int, float))), None))
    threshold = c.get("threshold", PASS_SCORE)
    if outcome is None and isinstance(score, (int, float)) and isinstance(threshold, (int, float)) \
            and not isinstance(score, bool) and not isinstance(threshold, bool) \
            and ("threshold" in c or 0.0 <= score <= 1.0):
        # DeepEval, Ragas, LangSmith: higher is better, passing at the threshold; a toxicity, bias or
        # hallucination score is a rate of the fault, and passes at or below it.
        lower_better = isinstance(name, str) and _LOWER_IS_BETTER.search(name) is not None
        outcome = score <= threshold if lower_better else score >= threshold
    return name, outcome


def parse_record(data: Any, limits: Limits = DEFAULT_LIMITS) -> LabelledRecord:
    """Validate one record (a decoded JSON object) and build the dataclass.

    Raises:
        RecordError: with one violation per bad field; nothing is half-parsed.
    """
    if not isinstance(data, Mapping):
        raise RecordError([FieldViolation("record", "must be a JSON object")])
    data = _normalise(data)
    bad: list[FieldViolation] = []

    def text(name: str, required: bool, max_chars: int = limits.max_text_chars) -> str | None:
        value = data.get(name)
        if value is None:
            if required:
                bad.append(FieldViolation(name, "is required"))
            return None
        if not isinstance(value, str):
            bad.append(FieldViolation(name, f"must be a string, got {type(value).__name__}"))
            return None
        if len(value) > max_chars:
            bad.append(FieldViolation(name, f"is {len(value)} characters; the limit is {max_chars}"))
            return None
        return value

    def str_list(name: str, max_chars: int) -> tuple[str, ...]:
        value = data.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad.append(FieldViolation(name, "must be a list of strings" + (
                " (or of passages with a \"text\" field)" if name == "context" else "")))
            return ()
        if len(value) > limits.max_list_items:
            bad.append(FieldViolation(name, f"has {len(value)} items; the limit is {limits.max_list_items}"))
            return ()
        for i, v in enumerate(value):
            if len(v) > max_chars:
                bad.append(FieldViolation(f"{name}[{i}]", f"is {len(v)} characters; the limit is {max_chars}"))
                return ()
        return tuple(value)

    case_id = text("id", True, limits.max_id_chars)
    if case_id is not None and not case_id.strip():
        bad.append(FieldViolation("id", "must not be blank"))
    inp = text("input", True)
    if inp is not None and not inp.strip():
        bad.append(FieldViolation("input", "must not be blank"))
    out = text("output", False)
    if "output" not in data or data.get("output") is None:
        bad.append(FieldViolation("output", "is required (it may be an empty string)"))
    reference = text("reference", False)

    fmt = data.get("expected_format")
    if fmt is not None:
        fmt, shape, understood = _read_format(fmt) if isinstance(fmt, str) else (None, None, False)
        if shape is not None:
            data["instructions"] = [*(data.get("instructions") or ()), shape]
        if not understood:
            bad.append(FieldViolation("expected_format", f"must be one of {', '.join(EXPECTED_FORMATS)} (validated), "
                                                         f"{', '.join(CARRIED_FORMATS)} (carried), a description "
                                                         "such as \"bullet list\", or null"))

    schema = data.get("schema")
    if isinstance(schema, str) and schema.strip():
        if schema.lstrip()[:1] in "{[":
            try:
                schema = json.loads(schema)
            except json.JSONDecodeError as exc:
                bad.append(FieldViolation("schema", f"is not valid JSON: {exc.msg}"))
                schema = None
        else:
            # "CREATE TABLE orders (...)" or "orders(id, total)": a database schema in words, which the engine
            # reads where it reads any document the model was given.
            context = data.get("context")
            data["context"] = [*(context if isinstance(context, list) else [context] if context else []), schema]
            schema = None
    context = str_list("context", limits.max_text_chars)
    instructions = str_list("instructions", limits.max_item_chars)
    if schema is not None and schema != "":
        if not isinstance(schema, dict):
            bad.append(FieldViolation("schema", "must be a JSON Schema object"))
            schema = None
        elif len(json.dumps(schema)) > limits.max_item_chars:
            bad.append(FieldViolation("schema", f"is larger than {limits.max_item_chars} characters"))
            schema = None
    else:
        schema = None

    checks: list[Check] = []
    raw_checks = data.get("checks") or []
    if isinstance(raw_checks, str):
        raw_checks = [raw_checks]
    if isinstance(raw_checks, Mapping):
        raw_checks = _checks_of_map(raw_checks)
    if isinstance(raw_checks, list):
        # ["json_parse", "faithfulness"]: a case in a failure file listed by the checks it failed.
        raw_checks = [{"name": c, "passed": False} if isinstance(c, str) else c for c in raw_checks]
    if not isinstance(raw_checks, list) or len(raw_checks) > limits.max_list_items:
        bad.append(FieldViolation("checks", f"must be a list of at most {limits.max_list_items} checks (objects, "
                                            "or names of failed checks) or an object of names and outcomes"))
    else:
        for i, c in enumerate(raw_checks):
            name, passed = _check_fields(c) if isinstance(c, Mapping) else (None, None)
            if not isinstance(name, str) or not name:
                bad.append(FieldViolation(f"checks[{i}].name", "is required"))
                continue
            if passed is None and (any(str(c.get(k)).strip().lower() in _NOT_RUN for k in CHECK_OUTCOME_KEYS)
                                   or ("score" in c and c["score"] is None)):
                continue  # a check that was skipped, or left unscored, says nothing about the output
            if not isinstance(passed, bool):
                bad.append(FieldViolation(f"checks[{i}].passed", "must be true or false (or a status "
                                                                 "\"pass\"/\"fail\", or a score and a threshold)"))
                continue
            score = c.get("score")
            if not isinstance(score, (int, float)) or isinstance(score, bool):
                score = None  # a grade on another scale ("B+", "4/5"): the outcome is what counts
            reason = next((c[k] for k in CHECK_REASON_KEYS if c.get(k)), "")
            checks.append(Check(name, passed, None if score is None else float(score),
                                str(reason)[: limits.max_item_chars]))

    metadata: dict[str, str] = {}
    raw_meta = data.get("metadata") or {}
    if not isinstance(raw_meta, Mapping) or len(raw_meta) > limits.max_list_items:
        bad.append(FieldViolation("metadata", f"must be an object of at most {limits.max_list_items} entries"))
    else:
        for k, v in raw_meta.items():
            # JSONL metadata may hold numbers or lists; the wire form is a string map.
            metadata[str(k)] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)

    label = data.get("label")
    if isinstance(label, str):
        label = LABEL_ALIASES.get(label.strip().lower(), label.strip().lower())
    if label is not None and label not in LABELS:
        bad.append(FieldViolation("label", f"must be one of {', '.join(LABELS)}"))
    subtypes = data.get("subtypes") or []
    if isinstance(subtypes, str):
        subtypes = [subtypes]
    if isinstance(subtypes, list) and all(isinstance(s, str) for s in subtypes):
        # "Format violation", "format-violation" and "format_violation" are one subtype; "factual_error" is
        # another taxonomy's hallucination. A subtype formfact has no name for is kept: the label is what is
        # scored, and `formfact eval` lists such subtypes apart (formfact never names them).
        subtypes = [re.sub(r"[\s-]+", "_", s.strip().lower()) for s in subtypes]
        subtypes = [SUBTYPE_ALIASES.get(s, s) for s in subtypes if s]
    else:
        bad.append(FieldViolation("subtypes", "must be a list of strings"))
        subtypes = []

    task = text("task", False, limits.max_item_chars)
    model = text("model", False, limits.max_item_chars)
    if bad:
        raise RecordError(bad)
    record = FailureRecord(
        id=case_id or "",
        input=inp or "",
        output=out or "",
        reference=reference or None,
        context=context,
        expected_format=fmt,
        schema=schema,
        instructions=instructions,
        checks=tuple(checks),
        task=task or None,
        model=model or None,
        metadata=metadata,
    )
    return LabelledRecord(record, label, tuple(subtypes))


@dataclass(frozen=True)
class BadLine:
    """A JSONL line that could not be read as a failure record."""

    line_no: int
    message: str
    case_id: str | None = None
    data: Any = None
    """The line's decoded JSON where it was valid JSON (an evaluation still reads its label from it)."""


def read_jsonl(lines: Iterable[str], limits: Limits = DEFAULT_LIMITS) -> Iterable[tuple[int, LabelledRecord | BadLine]]:
    """Yield (line number, record or BadLine) for each non-blank line; a bad line never stops the rest.

    A byte-order mark before the first line is ignored. A file that holds one JSON array of records (a `.json`
    export) is read too: its items are numbered from 1 in place of lines.
    """
    lines = list(lines)
    if lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    first = next((line.strip() for line in lines if line.strip()), "")
    items: list[tuple[int, Any]] | None = None
    if first.startswith("["):
        try:
            whole = json.loads("\n".join(lines))
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, list):
            items = list(enumerate(whole, start=1))
    if items is None:
        items = []
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                items.append((line_no, json.loads(line)))
            except json.JSONDecodeError as exc:
                items.append((line_no, BadLine(line_no, f"not valid JSON: {exc.msg} (column {exc.colno})")))
    for line_no, data in items:
        if isinstance(data, BadLine):
            yield line_no, data
            continue
        try:
            yield line_no, parse_record(data, limits)
        except RecordError as exc:
            case_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
            yield line_no, BadLine(line_no, str(exc), case_id, data)
