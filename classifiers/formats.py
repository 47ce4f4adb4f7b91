"""Format and schema validators: does the output parse as the `expected_format`, and match its schema?

Each validator is deterministic and returns a `FormatResult`. A payload that only parses after the engine
strips code fences or surrounding prose is still a format violation (the caller asked for the payload, not
for a chat message around it), but the extracted payload is schema-checked anyway so the evidence says both
"wrapped in prose" and "the fields inside are (not) right".
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from typing import Any, Callable, Iterable, Mapping
from xml.etree import ElementTree

import jsonschema
import yaml
from referencing.exceptions import Unresolvable

_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\s*\n?(.*?)```", re.DOTALL)


@dataclass(frozen=True)
class FormatResult:
    """The verdict of one validator.

    `ok` means the whole output is a clean payload of the format; `wrapped` means a payload was found only
    inside fences or prose; `schema_ok` is None when no schema was checked.
    """

    ok: bool
    detail: str
    wrapped: bool = False
    schema_ok: bool | None = None
    schema_detail: str = ""


def fenced_body(text: str) -> str | None:
    """The body of the text's first fenced code block, stripped; None where it has none."""
    m = _FENCE.search(text)
    return m.group(1).strip() if m else None


_FENCES_ASKED = re.compile(r"code[ _-]?blocks?\b|\bfenced\b|\bfences\b|```", re.I)
_NOT_BEFORE = re.compile(r"\b(?:no|not|without|never|avoid|raw|don'?t|outside)\b[^.;,:]*$", re.I)


def fences_asked(texts: Iterable[str]) -> bool:
    """Whether a text asks for the payload inside code fences ("sql_code_block", "use a single sql code block; no
    prose"), not forbids them ("no code fences", "raw JSON, not in a code block")."""
    return any(m and not _NOT_BEFORE.search(t[max(0, m.start() - 40):m.start()])
               for t in texts for m in [_FENCES_ASKED.search(t)])


def json_candidates(text: str) -> list[str]:
    """Substrings that might be the JSON payload inside prose: fenced blocks, then outermost {...}/[...]."""
    out: list[str] = []
    fenced = fenced_body(text)
    if fenced:
        out.append(fenced)
    spans = []
    for open_c, close_c in (("{", "}"), ("[", "]")):
        start, end = text.find(open_c), text.rfind(close_c)
        if 0 <= start < end:
            spans.append((start, text[start : end + 1]))
    # The outermost bracket first: `[{...}]` is a list of objects, not the object inside it.
    out.extend(span for _, span in sorted(spans))
    return out


def _parse_json(text: str) -> tuple[bool, Any, str]:
    try:
        return True, json.loads(text), ""
    except (json.JSONDecodeError, RecursionError) as exc:
        return False, None, f"{exc.msg if isinstance(exc, json.JSONDecodeError) else 'too deep'}"


@functools.lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    """A validator for one schema, built once: checking the schema itself costs more than using it."""
    schema = json.loads(schema_json)
    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    if dialect is not None and not isinstance(dialect, str):
        # jsonschema looks a dialect up as a URI and raises a TypeError on anything else
        raise jsonschema.SchemaError(f"$schema must be a URI string, not {type(dialect).__name__}")
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    return validator_cls(schema)


def check_schema(payload: Any, schema: Mapping[str, Any]) -> tuple[bool, str]:
    """Validate a decoded payload against a JSON Schema; an invalid schema is reported, not raised."""
    try:
        validator = _validator(json.dumps(schema, sort_keys=True))
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
    except jsonschema.SchemaError as exc:
        return True, f"schema itself is invalid ({exc.message}); not checked"
    except (Unresolvable, RecursionError, re.error) as exc:
        # A "$ref" to a URL (nothing is fetched: the service runs offline), a schema that refers to itself
        # without end, a "pattern" Python cannot compile: the schema cannot be applied here.
        return True, f"schema could not be applied ({type(exc).__name__}: {str(exc)[:120]}); not checked"
    if not errors:
        return True, "payload matches the schema"
    first = errors[0]
    where = "/".join(str(p) for p in first.path) or "(root)"
    return False, f"{len(errors)} schema error(s); first at {where}: {first.message[:200]}"


def validate_json(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    stripped = text.strip()
    ok, payload, err = _parse_json(stripped)
    wrapped = False
    if not ok:
        for cand in json_candidates(stripped):
            c_ok, c_payload, _ = _parse_json(cand)
            if c_ok:
                payload, wrapped = c_payload, True
                break
        if not wrapped:
            return FormatResult(False, f"output is not valid JSON ({err})")
    schema_ok: bool | None = None
    schema_detail = ""
    if schema is not None:
        schema_ok, schema_detail = check_schema(payload, schema)
    if wrapped:
        return FormatResult(False, "JSON payload is wrapped in code fences or prose", True, schema_ok, schema_detail)
    return FormatResult(True, "output is valid JSON", False, schema_ok, schema_detail)


def validate_yaml(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    body = text.strip()
    fenced = fenced_body(body)
    wrapped = fenced is not None and fenced != body
    try:
        # A stream of documents ("---" between a Deployment and its Service) is YAML as much as one document.
        documents = [d for d in yaml.safe_load_all(fenced if wrapped else body) if d is not None]
    except yaml.YAMLError as exc:
        return FormatResult(False, f"output is not valid YAML ({str(exc).splitlines()[0][:120]})")
    if not documents or not all(isinstance(d, (dict, list)) for d in documents):
        # Any prose is a valid YAML scalar; a YAML answer is a mapping or a sequence.
        return FormatResult(False, "output is YAML only as a plain scalar, not a mapping or list")
    if any(isinstance(d, dict) and any(isinstance(k, str) and len(k.split()) > 6 for k in d) for d in documents):
        # "Sure! You'll want a workflow that has three steps: first ..." parses as a one-key mapping.
        return FormatResult(False, "output is prose that YAML reads as a mapping (a key of many words)")
    schema_ok, schema_detail = None, ""
    if schema is not None:
        schema_ok, schema_detail = check_schema(documents[0] if len(documents) == 1 else documents, schema)
    if wrapped:
        return FormatResult(False, "YAML payload is wrapped in code fences", True, schema_ok, schema_detail)
    return FormatResult(True, "output is valid YAML", False, schema_ok, schema_detail)


def validate_xml(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    body = text.strip()
    fenced = fenced_body(body)
    target = fenced if fenced is not None else body
    try:
        ElementTree.fromstring(target)
    except ElementTree.ParseError as exc:
        return FormatResult(False, f"output is not well-formed XML ({exc})")
    if fenced is not None:
        return FormatResult(False, "XML payload is wrapped in code fences", True)
    return FormatResult(True, "output is well-formed XML")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
         "track", "wbr", "!doctype"}


class _TagBalance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags += 1
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag in self.stack:
            # HTML closes some elements implicitly (<p>, <li>, <td>); any other left open inside is an error.
            while self.stack and (open_tag := self.stack.pop()) != tag:
                self._unclosed(open_tag)
        else:
            self.errors.append(f"</{tag}> closes nothing")

    def close(self) -> None:
        super().close()
        while self.stack:
            self._unclosed(self.stack.pop())

    def _unclosed(self, tag: str) -> None:
        if tag not in _OPTIONAL_END:
            self.errors.append(f"<{tag}> is never closed")


_OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
                           "colgroup", "caption", "rp", "rt", "html", "head", "body"})
"""Elements whose end tag HTML lets a writer leave out."""


def validate_html(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    body = text.strip()
    fenced = fenced_body(body)
    parser = _TagBalance()
    parser.feed(fenced if fenced is not None else body)
    parser.close()
    if parser.tags == 0:
        return FormatResult(False, "output holds no HTML tags")
    if parser.errors:
        return FormatResult(False, f"malformed HTML: {parser.errors[0]}")
    if fenced is not None:
        return FormatResult(False, "HTML is wrapped in code fences", True)
    if not body.startswith("<"):
        return FormatResult(False, "HTML is preceded by prose", True)
    return FormatResult(True, "output is HTML with balanced tags")


# Cheap, dialect-free grammar faults: GROUP/ORDER without BY, or a statement ending on a clause keyword.
_SQL_BROKEN = re.compile(r"\b(?:group|order|partition)\s+(?!by\b)\w+|\b(?:select|from|where|and|or|by|join|on|"
                         r"having|limit|set|values)\s*;?\s*$", re.I)
_SQL_START = re.compile(r"^\s*(?:(?:with|select|insert|update|delete|create|alter|drop|merge|replace|explain|vacuum|"
                        r"pragma|reindex)\b|copy\s+into\b|copy\s+[\w.\"]+\s*(?:\([^)]*\)\s*)?(?:from|to)\s+(?:'|stdin|"
                        r"stdout|program|@)|(?:grant|revoke)\s+[\w\s,]+?\s+on\b|truncate\s+table\b|truncate\s+[\w.]+\s*;|"
                        r"analy[sz]e\s+[\w.]+\s*(?:;|$)|unload\s*\(|upsert\s+into\b|values\s*\(|declare\s+@|"
                        r"call\s+[\w.]+\s*\(|comment\s+on\b|refresh\s+materialized\b|lock\s+table\b|"
                        r"(?:begin(?:\s+transaction)?|commit|rollback)\s*;|use\s+[\w.]+\s*;|"
                        r"set\s+[\w.]+\s*(?:=|to\b)|show\s+[\w.]+\s*(?:;|$))", re.I)
"""The first word of a SQL statement: queries and DML, DDL, loads (COPY, UNLOAD), grants, maintenance, transaction
control. Words that also open English sentences ("Use", "Set", "Show") count only in a statement's shape."""
_SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def _sql_payload(text: str) -> tuple[str, bool]:
    """The SQL an output gives, without comments (its first fenced block, else all of it), and whether it was
    fenced. Comments are SQL too ("-- assumes a 48-hour window" above the query); an apostrophe in one is no quote."""
    body = text.strip()
    fenced = fenced_body(body)
    return _SQL_COMMENT.sub(" ", fenced if fenced is not None else body), fenced is not None


def holds_statement(text: str) -> bool:
    """Whether the output, or its first fenced block, opens with a SQL statement (a query, DDL, a COPY, a GRANT)."""
    return bool(_SQL_START.match(_sql_payload(text)[0]))


def validate_sql(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    target, fenced = _sql_payload(text)
    if not _SQL_START.match(target):
        return FormatResult(False, "output does not start with a SQL statement")
    # Balanced quotes and parentheses outside string literals: a cheap, dialect-free syntax check.
    depth, quote = 0, ""
    for ch in target:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return FormatResult(False, "SQL has an unmatched ')'")
    if quote or depth:
        return FormatResult(False, "SQL has an unclosed quote or parenthesis")
    bare = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", " x ", target)
    m = _SQL_BROKEN.search(bare)
    if m:
        return FormatResult(False, f"SQL does not parse near {m.group(0).strip()!r}")
    if fenced:
        return FormatResult(False, "SQL is wrapped in code fences", True)
    return FormatResult(True, "output looks like a SQL statement")


def validate_csv(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    body = text.strip()
    fenced = fenced_body(body)
    target = fenced if fenced is not None else body
    lines = [ln.strip() for ln in target.splitlines() if ln.strip()]
    if lines and sum(ln.startswith("|") and ln.endswith("|") for ln in lines) >= max(1, len(lines) // 2):
        return FormatResult(False, "output is a markdown table, not CSV")
    if target[:1] in "[{" and _parse_json(target)[0]:
        return FormatResult(False, "output is JSON, not CSV")
    try:
        dialect = csv.Sniffer().sniff(target[:4096], delimiters=",;\t|")
        rows = list(csv.reader(io.StringIO(target), dialect))
    except csv.Error as exc:
        return FormatResult(False, f"output is not CSV ({exc})")
    rows = [r for r in rows if r]
    widths = {len(r) for r in rows}
    if len(rows) < 1 or max(widths) < 2:
        return FormatResult(False, "output has no delimited columns")
    if len(widths) > 1:
        return FormatResult(False, f"CSV rows have differing column counts {sorted(widths)}")
    if fenced is not None:
        return FormatResult(False, "CSV is wrapped in code fences", True)
    return FormatResult(True, f"output is CSV with {len(rows)} rows of {widths.pop()} columns")


_MD_MARK = re.compile(r"^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>\s|\|.*\||```)|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\)", re.M)


def validate_markdown(text: str, schema: Mapping[str, Any] | None = None) -> FormatResult:
    if not text.strip():
        return FormatResult(False, "output is empty")
    if text.count("```") % 2:
        return FormatResult(False, "markdown has an unclosed code fence")
    if not _MD_MARK.search(text):
        # Plain prose is valid markdown; a structure the prompt asked for (a table, a list) is checked by the
        # instruction rules, which know what was asked.
        return FormatResult(True, "output is markdown (plain prose, no markdown structure)")
    return FormatResult(True, "output is markdown")


VALIDATORS: dict[str, Callable[[str, Mapping[str, Any] | None], FormatResult]] = {
    "csv": validate_csv,
    "html": validate_html,
    "json": validate_json,
    "markdown": validate_markdown,
    "sql": validate_sql,
    "xml": validate_xml,
    "yaml": validate_yaml,
}


_ONE_BLOCK = re.compile(r"```[^\n`]*\n(?:(?!```).)*```", re.DOTALL)
_PAYLOAD_ONLY = re.compile(r"\bonly\b|\bsolo\b|\bnothing else\b|\bno (?:other )?(?:text|prose|commentary|"
                           r"explanation)|\bsin texto\b", re.I)


def validate(fmt: str, text: str, schema: Mapping[str, Any] | None = None,
             asked: Iterable[str] = ()) -> FormatResult:
    """Run the validator for `fmt` (one of records.EXPECTED_FORMATS).

    `asked` are the texts that describe the format (the record's instructions): where they ask for the payload
    in code fences ("sql_code_block"), a payload found in fences is as asked, alone or, where nothing says "only
    the query", with a line of prose beside it.
    """
    res = VALIDATORS[fmt](text, schema)
    asked = tuple(asked)
    if res.wrapped and fenced_body(text) is not None and fences_asked(asked) and (
            _ONE_BLOCK.fullmatch(text.strip()) or not any(_PAYLOAD_ONLY.search(t) for t in asked)):
        return replace(res, ok=True, wrapped=False, detail=f"{res.detail}, as asked")
    return res


def schema_from_instructions(instructions: tuple[str, ...]) -> dict[str, Any] | None:
    """Infer a JSON Schema from a JSON example stated in the instructions (`matching {"answer": "string"}`).

    Pipelines often describe the shape by example instead of sending a schema; the types named in the
    example ("string", "int", "float", "bool", "list") become the schema's property types.
    """
    for ins in instructions:
        for cand in json_candidates(ins):
            # "[{...}, ...]" says "a list of these": drop the ellipsis so the example parses.
            ok, example, _ = _parse_json(re.sub(r",\s*\.\.\.\s*(?=[\]}])", "", cand))
            if ok and isinstance(example, (dict, list)):
                return _example_to_schema(example)
    return None


def _example_to_schema(example: Any) -> dict[str, Any]:
    if isinstance(example, dict):
        return {"type": "object", "properties": {k: _example_to_schema(v) for k, v in example.items()},
                "required": list(example)}
    if isinstance(example, list):
        items = [e for e in example if e != "..."]
        return {"type": "array", "items": _example_to_schema(items[0])} if items else {"type": "array"}
    if isinstance(example, str):
        low = example.lower()
        for word, typ in (("int", "integer"), ("float", "number"), ("number", "number"), ("bool", "boolean"),
                          ("list", "array")):
            if low.startswith(word):
                return {"type": typ}
        return {"type": "string"}
    if isinstance(example, bool):
        return {"type": "boolean"}
    if isinstance(example, int):
        return {"type": "integer"}
    if isinstance(example, float):
        return {"type": "number"}
    return {}
