"""The domain records every part speaks: failure records in, diagnoses out.

A `FailureRecord` is one failed eval case as an eval pipeline sends it (over gRPC or as one JSONL line).
A `Diagnosis` is what formfact says about it. Both are plain frozen dataclasses: only the gRPC edge knows
about protobuf messages, and it converts at the boundary.

`parse_record` is the single validator for incoming records; the CLI (JSONL) and the gRPC edge both call it,
so a bad record gets the same field-level complaint whichever way it arrives. What other eval tools write
(their field names, chat messages, checks as metrics or feedback scores) is first read as formfact's record by
`classifiers.intake`; a format given as a description ("valid JSON object", "PostgreSQL") is read here.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable, Mapping

from classifiers.formats import fences_asked
from classifiers.intake import (CHECK_NAME_KEYS, CHECK_REASON_KEYS, SCORE_KEYS, SUBTYPE_ALIASES, check_fields,
                                check_objects, is_number, normalise, not_run)

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
FORMAT_ALIASES = {"yml": "yaml", "md": "markdown", "htm": "html", "html5": "html", "xhtml": "html", "svg": "xml",
                  "patch": "diff", "py": "python", "js": "javascript", "ts": "typescript", "tex": "latex"}
NO_FORMAT = frozenset({"", "text", "txt", "plain", "plaintext", "plain_text", "prose", "free_text", "freeform",
                       "free-form", "natural_language", "none", "null", "any"})
"""`expected_format` values that say "no particular format": read as absent."""
SQL_DIALECTS = frozenset({"postgresql", "postgres", "psql", "mysql", "mariadb", "sqlite", "tsql", "mssql", "plsql",
                          "oracle", "bigquery", "snowflake", "redshift", "duckdb", "hiveql", "sparksql", "trino",
                          "presto", "ansi"})
"""Words that name a SQL dialect: an `expected_format` of "PostgreSQL" asks for SQL."""
CODE_LANGUAGES = frozenset({"bash", "shell", "sh", "zsh", "powershell", "dockerfile", "hcl", "terraform", "go",
                            "golang", "java", "kotlin", "swift", "rust", "ruby", "php", "cpp", "csharp", "scala",
                            "perl", "lua", "dart", "elixir", "haskell", "julia", "matlab", "jsx", "tsx", "vue",
                            "solidity", "groovy", "gradle", "kts", "makefile", "cmake", "nginx", "bicep", "bicepparam",
                            "nix", "starlark", "jsonnet", "cue", "rego", "protobuf", "proto", "objc", "fsharp",
                            "clojure", "erlang", "ocaml", "zig", "vba", "sas", "apex", "abap", "cobol", "fortran",
                            "verilog", "vhdl", "elm", "purescript", "reasonml", "rescript", "gleam", "nim", "crystal",
                            "racket", "scheme", "lisp", "prolog", "smalltalk", "ada", "pascal", "delphi", "tcl", "awk",
                            "coffeescript", "haxe", "vbnet", "assembly", "asm", "wat", "glsl", "hlsl", "wgsl", "cuda",
                            "qml", "xaml", "mojo", "odin", "ballerina", "gdscript", "justfile", "raku", "perl6",
                            "fennel", "janet", "hy", "lfe", "idris", "lean", "sml", "jcl", "rexx", "jenkinsfile",
                            "systemverilog", "vbscript", "menhir", "ocamllex", "ocamlyacc", "tonel", "agda", "coq",
                            "idris2", "lean4", "meson", "earthfile", "vagrantfile", "forth", "bqn", "qsharp", "cairo",
                            "move", "vyper", "supercollider", "sclang", "inform7", "mdx",
                            # Templates that mix markup and code.
                            "razor", "cshtml", "jinja", "jinja2", "erb", "handlebars", "liquid", "twig", "heex", "eex",
                            "leex", "ejs", "pug", "mustache", "blade", "svelte", "astro",
                            # Configuration files in a language's own syntax.
                            "properties", "env", "dotenv", "conf", "hocon", "caddyfile", "apacheconf", "htaccess",
                            "haproxy", "systemd", "vcl", "dhall", "pkl", "kdl", "bzl", "bazel", "ino", "arduino",
                            "micropython", "edn", "json5", "jsonc", "hjson", "ron",
                            # Statistics languages and their notebooks.
                            "r", "rscript", "rmarkdown", "rmd", "stata",
                            # Query languages other than SQL.
                            "promql", "logql", "kql", "spl", "cypher", "sparql", "jq", "xpath", "jsonpath", "jql",
                            "cql", "aql", "hql", "pql", "eql"})
"""Programming and query languages given as `expected_format`: carried under their own name (not validated).

The list is not exhaustive: any other single word is carried as a language too (`_read_format`). It holds the names
that are one edit away from a format formfact knows ("jql" from "sql", "mdx" from "md"), which would otherwise be
refused as typos, and the names the tests pin down."""
FILE_TYPES = frozenset({"docx", "doc", "odt", "pdf", "xlsx", "xls", "ods", "pptx", "ppt", "png", "jpg", "jpeg",
                        "gif", "webp", "mp3", "mp4", "wav", "zip", "gz", "tar", "parquet", "avro", "exe", "bin"})
"""File types that are not text an output can be in: refused as an `expected_format`."""
FORMAT_SHAPES = frozenset({"table", "list", "bullets", "bulleted", "numbered", "email", "letter", "paragraph",
                           "essay", "outline", "sentence", "summary", "report", "memo", "steps", "checklist",
                           "bullet", "faq", "headline", "title", "caption", "tweet", "poem", "haiku", "story",
                           "dialogue",
                           # The type of a one-value answer.
                           "number", "integer", "int", "float", "decimal", "boolean", "bool", "date", "datetime",
                           "time", "timestamp", "url", "uri", "uuid", "string", "word", "percentage", "percent",
                           "currency", "enum", "label", "category", "rating", "score",
                           # The language of a prose answer.
                           "english", "french", "german", "spanish", "italian", "portuguese", "dutch", "polish",
                           "swedish", "chinese", "japanese", "korean", "arabic", "russian", "hindi", "turkish"})
"""Shapes of prose ("bullet list", "email"), types of a value ("integer") and languages of prose ("French") given
as `expected_format`: read as an instruction, not a format."""
LABEL_ALIASES = {"behaviour": "behavior", "behavior-based": "behavior", "behavior_based": "behavior",
                 "information-based": "information", "information_based": "information", "info": "information",
                 "information+behavior": "both", "behavior+information": "both", "information_and_behavior": "both",
                 "behavior_and_information": "both", "information & behavior": "both", "mixed": "both"}
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


def label_name(label: str) -> str:
    """A label as spelled anywhere ("Behaviour", "information-based") in formfact's words; unknown ones lowercased."""
    return LABEL_ALIASES.get(label.strip().lower(), label.strip().lower())


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


def _read_format(value: str) -> tuple[str | None, str | None, str | None]:
    """(format, instruction, problem) for an `expected_format` string.

    "JSON", "application/json", "valid JSON object" and "PostgreSQL" name a format; "plain text" names none; a
    shape of prose ("bullet list", "one paragraph"), a type of value ("integer") or a prose language ("French")
    becomes an instruction the output had to follow. A language ("Rust code", "Kotlin") is carried under its own
    name ("rust", "kotlin"), so that the evidence and the trainer's prompts say which; so is any other single word
    ("Pony", "Koka"), a language formfact does not list. Three kinds of word are refused, with the problem said:
    one edit away from a format formfact knows ("jsn", "htlm": a typo would otherwise turn off the validator the
    pipeline asked for), a file type that is not text ("docx"), and a word with no letters ("123").
    """
    whole = value.strip().lower()
    whole = FORMAT_ALIASES.get(whole, whole)
    if whole in NO_FORMAT or whole.replace(" ", "_") in NO_FORMAT:
        return None, None, None
    if whole in EXPECTED_FORMATS + CARRIED_FORMATS:
        return whole, None, None
    words = re.findall(r"[a-z0-9]+", whole.replace("t-sql", "tsql").replace("spark sql", "sparksql"))
    # "sql_code_block": the payload was owed inside code fences; the words stay, as an instruction, so that the
    # validator does not count the fences as a fault.
    fenced = f"Answer format: {value.strip()}" if fences_asked([whole]) else None
    for word in words:
        word = FORMAT_ALIASES.get(word, word)
        if word in EXPECTED_FORMATS:
            return word, fenced, None
        if word in CARRIED_FORMATS:
            return word, None, None
        if word in SQL_DIALECTS:
            return "sql", fenced, None
        if word in CODE_LANGUAGES:
            return _language_name(whole, word), None, None
    if all(w in NO_FORMAT for w in words):
        return None, None, None
    if len(words) > 1 or words[0] in FORMAT_SHAPES:
        return None, f"Answer format: {value.strip()}", None
    (word,) = words
    if word in FILE_TYPES:
        return None, None, f"names a file type ({word}), not a text format the output can be in"
    near = next((name for name in _FORMAT_NAMES if _one_edit_apart(word, name)), None)
    if near is not None:
        return None, None, f'is "{value.strip()}": did you mean "{near}"?'
    if not re.search(r"[a-z]", word):
        return None, None, f'is "{value.strip()}", which names no format'
    return _language_name(whole, word), None, None


def _language_name(whole: str, word: str) -> str:
    """The name a language is carried under: the whole value when it is one name ("c++", "f#", "lean4"),
    else the word that named it ("rust" in "Rust code"). Re-reading the name gives the name again."""
    name = whole.rstrip(".,;:")
    return name if re.fullmatch(r"[a-z0-9][a-z0-9_+#.\-]*", name) else word


_FORMAT_NAMES = (*EXPECTED_FORMATS, *CARRIED_FORMATS, *FORMAT_ALIASES, "text", "plain", "none")
"""The names a typo is checked against: the formats formfact knows, their aliases and the words for no format."""


def _one_edit_apart(word: str, name: str) -> bool:
    """Whether `word` (3 letters or more) becomes `name` by one insertion, deletion, change or swap of neighbours."""
    if len(word) < 3 or word == name or abs(len(word) - len(name)) > 1:
        return False
    if len(word) == len(name):
        diff = [i for i, (a, b) in enumerate(zip(word, name)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == name[diff[1]] and word[diff[1]] == name[diff[0]])
    short, long_ = sorted((word, name), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _no_name(check: Any) -> str:
    """Why a check has no name: where one is looked for, and what the check holds instead (an export in a shape
    not read yet shows its own keys)."""
    if isinstance(check, Mapping) and check.get("name") == "":
        return "must not be empty"
    held = f"; this check has {', '.join(sorted(map(str, check))[:10])}" if isinstance(check, Mapping) and check else ""
    return f"is required (under one of {', '.join(CHECK_NAME_KEYS)}{held})"


def _finite(value: Any) -> Any:
    """`value` with each float that is no number (NaN, Infinity) as None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _as_json(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[FieldViolation]]:
    """The record with NaN and Infinity read as no value, and the fields that hold no text.

    Python's json module writes a float that is no number as NaN or Infinity (Ragas scores a metric its judge could
    not score NaN), which is no JSON and which no store takes: such a score is read as not scored (null). A lone
    UTF-16 surrogate ("\\ud800" escaped in the JSON, or a byte of the file that is not UTF-8) is no character of
    any text, so nothing downstream could embed, store or print it: its field is refused.
    """
    def encodes(value: Any) -> bool:
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    try:
        try:
            blob = json.dumps(data, ensure_ascii=False, allow_nan=False)
        except ValueError:
            data = _finite(data)
            blob = json.dumps(data, ensure_ascii=False)
        blob.encode("utf-8")
    except UnicodeEncodeError:
        return data, [FieldViolation(str(k) if encodes(k) else "record", "holds a lone UTF-16 surrogate (an escape "
                                     "such as \\ud800 with no pair, or bytes that are not UTF-8), which is no text")
                      for k, v in data.items() if not (encodes(k) and encodes(v))]
    except RecursionError:
        return data, [FieldViolation("record", "is nested too deeply to read")]
    except TypeError:
        pass  # a value JSON has no form for (from Python, not from JSON): the field's own check refuses it
    return data, []


def parse_record(data: Any, limits: Limits = DEFAULT_LIMITS) -> LabelledRecord:
    """Validate one record (a decoded JSON object) and build the dataclass.

    Raises:
        RecordError: with one violation per bad field; nothing is half-parsed.
    """
    if not isinstance(data, Mapping):
        raise RecordError([FieldViolation("record", "must be a JSON object")])
    data, not_text = _as_json(data)
    if not_text:
        raise RecordError(not_text)
    data = normalise(data)
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
        fmt, shape, problem = _read_format(fmt) if isinstance(fmt, str) else (None, None, "is not a string")
        if shape is not None and isinstance(data.get("instructions") or [], list):
            # (instructions of a wrong type are left as they are, for `str_list` to refuse)
            data["instructions"] = [*(data.get("instructions") or ()), shape]
        if problem is not None:
            bad.append(FieldViolation("expected_format", f"{problem}; give one of {', '.join(EXPECTED_FORMATS)} "
                                                         f"(validated), {', '.join(CARRIED_FORMATS)} or a language "
                                                         "name (carried), a description such as \"bullet list\", "
                                                         "or null"))

    schema = data.get("schema")
    if isinstance(schema, str) and schema.strip():
        if schema.lstrip()[:1] in "{[":
            try:
                schema = json.loads(schema)
            except (json.JSONDecodeError, RecursionError) as exc:
                bad.append(FieldViolation("schema", f"is not valid JSON: {_json_problem(exc)}"))
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
    raw_checks = check_objects(data.get("checks"))
    if not isinstance(raw_checks, list) or len(raw_checks) > limits.max_list_items:
        bad.append(FieldViolation("checks", f"must be a list of at most {limits.max_list_items} checks (objects, "
                                            "or names of failed checks) or an object of names and outcomes"))
    else:
        for i, c in enumerate(raw_checks):
            name, passed = check_fields(c) if isinstance(c, Mapping) else (None, None)
            if not isinstance(name, str) or not name:
                bad.append(FieldViolation(f"checks[{i}].name", _no_name(c)))
                continue
            if passed is None and not_run(c):
                continue  # a check that was skipped, or left unscored, says nothing about the output
            if not isinstance(passed, bool):
                bad.append(FieldViolation(f"checks[{i}].passed", "must be true or false (or a status "
                                                                 "\"pass\"/\"fail\", or a score and a threshold)"))
                continue
            # A grade on another scale ("B+", "4/5") is no score: the outcome is what counts.
            score = next((c[k] for k in SCORE_KEYS if is_number(c.get(k))), None)
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
        label = label_name(label)
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


def _json_problem(exc: json.JSONDecodeError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    return f"{exc.msg} (column {exc.colno})"


def read_lines(path: Path | str) -> list[str]:
    """The lines of a JSONL file ('-': standard input), for `read_jsonl`.

    Split at line ends only: `str.splitlines` also splits at U+2028 and U+0085, which a JSON string may hold as they
    are. Bytes that are not UTF-8 are kept (as surrogates), so that `read_jsonl` refuses their line, not the file.
    """
    data = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    return data.decode("utf-8", errors="surrogateescape").replace("\r\n", "\n").split("\n")


def undecodable(line: str) -> str | None:
    """Why a line read with errors="surrogateescape" (`read_lines`) is not text: the first byte that is not UTF-8;
    None where it is text."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(line[exc.start])
        byte = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character U+{code:04X}"
        return f"not valid UTF-8: {byte} at column {exc.start + 1}"
    return None


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
    if first.startswith("[") and not any(map(undecodable, lines)):
        try:
            whole = json.loads("\n".join(lines))
        except (json.JSONDecodeError, RecursionError):
            whole = None
        if isinstance(whole, list):
            items = list(enumerate(whole, start=1))
    if items is None:
        items = []
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if (undecoded := undecodable(line)) is not None:
                items.append((line_no, BadLine(line_no, undecoded)))
                continue
            try:
                items.append((line_no, json.loads(line)))
            except (json.JSONDecodeError, RecursionError) as exc:
                items.append((line_no, BadLine(line_no, f"not valid JSON: {_json_problem(exc)}")))
    for line_no, data in items:
        if isinstance(data, BadLine):
            yield line_no, data
            continue
        try:
            yield line_no, parse_record(data, limits)
        except RecordError as exc:
            case_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
            yield line_no, BadLine(line_no, str(exc), case_id, data)
