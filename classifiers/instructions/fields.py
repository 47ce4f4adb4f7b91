"""The part of an answer an instruction is about.

"Excerpt: a verbatim quotation, at most 40 words" bounds each excerpt of the answer, not the whole table it
sits in; "coverage_summary: at most 40 words" bounds one value of a JSON answer. An instruction that opens
with a label is read against that field's values wherever the answer has such a field (a JSON key, a Markdown
table column, a "Label:" line); where it has none, the label names the whole answer ("SMS channel: at most
320 characters") and the instruction is read against all of it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_LABEL = re.compile(r"^\s*([A-Za-z][\w/ -]{0,40}?)\s*:\s+\S")
_GENERIC = frozenset(("note", "notes", "important", "rule", "rules", "requirement", "requirements", "constraint",
                      "constraints", "format", "style", "tone", "length", "limit", "hard limit", "output",
                      "response", "reply", "answer", "instruction", "instructions", "reminder", "tip", "warning"))
"""Labels that introduce a rule rather than name a part of the answer ("Format: JSON only")."""
_FENCE = re.compile(r"^\s*```[\w-]*\s*\n(.*?)\n?```\s*$", re.S)


def _norm(label: str) -> str:
    return re.sub(r"[\s_-]+", " ", label.strip().lower())


def field_label(instr: str) -> str | None:
    """The field an instruction opens with ("Excerpt" in "Excerpt: at most 40 words"), if any."""
    m = _LABEL.match(instr)
    if not m or len(m.group(1).split()) > 4 or _norm(m.group(1)) in _GENERIC:
        return None
    return m.group(1)


def field_values(label: str, output: str) -> list[str] | None:
    """The answer's values for the field, or None when the answer has no such field.

    Looked for, in order: keys of a JSON answer (at any depth), the column of a Markdown table, "Label:" lines.
    """
    want = _norm(label)
    for find in (_json_values, _table_values, _line_values):
        values = find(want, output)
        if values:
            return values
    return None


def _json_values(want: str, output: str) -> list[str]:
    text = output.strip()
    if m := _FENCE.match(text):
        text = m.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        # A payload that does not parse still shows its fields: "summary": "..." in a dict with a stray comma.
        return [json.loads(f'"{v}"') for k, v in re.findall(r'"([^"\\]{1,60})"\s*:\s*"((?:[^"\\]|\\.)*)"', text)
                if _norm(k) == want and _decodes(v)]
    found: list[str] = []
    _collect(data, want, found)
    return found


def _decodes(value: str) -> bool:
    try:
        json.loads(f'"{value}"')
    except ValueError:
        return False
    return True


def _collect(node: Any, want: str, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if _norm(str(key)) == want and value is not None:
                found.append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            else:
                _collect(value, want, found)
    elif isinstance(node, list):
        for item in node:
            _collect(item, want, found)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table_values(want: str, output: str) -> list[str]:
    lines = output.splitlines()
    for i, line in enumerate(lines[:-1]):
        if "|" not in line or not re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*", lines[i + 1]):
            continue
        header = [_norm(c.strip("*_ ")) for c in _cells(line)]
        if want not in header:
            continue
        col = header.index(want)
        values = []
        for row in lines[i + 2:]:
            if "|" not in row:
                break
            cells = _cells(row)
            if col < len(cells):
                values.append(cells[col])
        return values
    return []


def _line_values(want: str, output: str) -> list[str]:
    values = []
    for m in re.finditer(r"^[\s>*_#-]*([A-Za-z][\w/ -]{0,40}?)[*_]*\s*:[*_]*[ \t]+(\S[^\n]*)$", output, re.M):
        if _norm(m.group(1)) == want:
            values.append(m.group(2).strip())
    return values
