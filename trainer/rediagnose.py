"""Re-diagnosis of regenerated answers: does the failure the case was queued for still show?

A case counts as fixed when none of its original behavior subtypes is flagged again. Two judges:

- `ValidatorRediagnoser` (default): the deterministic validators and instruction checks of `classifiers`
  that flag format, schema and instruction failures in the first place; a case they cannot judge (e.g.
  off_task) goes to the full engine, loaded on first need;
- `EngineRediagnoser`: the full `classifiers` engine for every case.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol, Sequence

from classifiers.records import FailureRecord, parse_record

CHECKABLE = {"format_violation", "schema_violation", "instruction_violation"}


@dataclass(frozen=True)
class Finding:
    failing: bool
    """True when one of the case's original subtypes is flagged again."""
    flagged: tuple[str, ...]
    """Behavior subtypes the judge flagged in the new answer."""
    evidence: str


class Rediagnoser(Protocol):
    name: str

    def judge(self, examples: Sequence[Mapping[str, Any]], outputs: Sequence[str]) -> list[Finding]:
        ...


def record_with_output(example: Mapping[str, Any], output: str) -> FailureRecord:
    """The example's failure record with the regenerated answer in place of the failed one."""
    data = dict(example.get("record") or {})
    if not data:
        prompt = next((m["content"] for m in reversed(example["messages"]) if m.get("role") == "user"), "")
        data = {"id": example["case_id"], "input": prompt, "expected_format": example.get("expected_format"),
                "schema": example.get("schema"), "instructions": example.get("instructions") or None}
    data["output"] = output
    data.pop("label", None)
    data.pop("subtypes", None)
    return dataclasses.replace(parse_record(data).record, output=output)


def _verdict(example: Mapping[str, Any], flagged: set[str], evidence: str) -> Finding:
    original = set(example.get("subtypes") or ()) or CHECKABLE
    return Finding(bool(flagged & original), tuple(sorted(flagged)), evidence)


class EngineRediagnoser:
    """Re-diagnose with the same engine the service runs."""

    name = "engine"

    def __init__(self, engine: Any | None = None, loader: Callable[[], Any] | None = None):
        self._engine = engine
        self._loader = loader

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from classifiers import load_engine

            self._engine = (self._loader or load_engine)()
        return self._engine

    def judge(self, examples: Sequence[Mapping[str, Any]], outputs: Sequence[str]) -> list[Finding]:
        if not examples:
            return []
        records = [record_with_output(e, o) for e, o in zip(examples, outputs)]
        out = []
        for ex, d in zip(examples, self.engine.diagnose_each(records)):
            if isinstance(d, Exception):
                # Not judged is not fixed: the case stays open, and the others are still judged.
                out.append(Finding(True, (), f"could not be re-diagnosed: {type(d).__name__}: {d}"[:500]))
                continue
            behavior = {s for s in d.subtypes} if d.label in ("behavior", "both") else set()
            evidence = f"engine says {d.label} {list(d.subtypes)}: " + "; ".join(
                f"{e.signal}: {e.detail}" for e in d.evidence[:3])
            out.append(_verdict(ex, behavior, evidence[:500]))
        return out


class ValidatorRediagnoser:
    """The deterministic format/schema validators and instruction checks; the engine for the rest."""

    name = "validators"

    def __init__(self, fallback: Rediagnoser | None = None):
        self._fallback = fallback or EngineRediagnoser()

    def _check(self, example: Mapping[str, Any], output: str) -> Finding | None:
        from classifiers import formats, instructions

        record = record_with_output(example, output)
        original = set(example.get("subtypes") or ())
        if original and not original <= CHECKABLE:
            return None
        flagged: set[str] = set()
        notes: list[str] = []
        # A carried format (toml, a DSL) has no validator: the checks cannot say whether it is fixed.
        fmt = record.expected_format if record.expected_format in formats.VALIDATORS else None
        if record.expected_format and fmt is None:
            return None
        if fmt:
            result = formats.validate(fmt, output, record.schema, record.instructions)
            notes.append(result.detail)
            if not result.ok:
                flagged.add("format_violation")
            if result.schema_ok is False:
                flagged.add("schema_violation")
                notes.append(result.schema_detail)
        elif record.schema is not None:
            result = formats.validate("json", output, record.schema)
            notes.append(result.detail)
            if not result.ok or result.schema_ok is False:
                flagged.add("schema_violation")
        if record.instructions:
            checks = instructions.check_instructions(record.instructions, output, record.input)
            failed = [c for c in checks if not c.passed]
            notes.extend(f"{c.constraint}: {c.detail}" for c in failed[:3])
            if failed:
                flagged.add("instruction_violation")
            elif not checks and "instruction_violation" in original:
                return None  # no instruction was recognised: the checks cannot say
        if not fmt and record.schema is None and not record.instructions:
            return None
        return _verdict(example, flagged, "; ".join(notes)[:500] or "every validator passed")

    def judge(self, examples: Sequence[Mapping[str, Any]], outputs: Sequence[str]) -> list[Finding]:
        results: list[Finding | None] = [self._check(e, o) for e, o in zip(examples, outputs)]
        rest = [i for i, r in enumerate(results) if r is None]
        if rest:
            judged = self._fallback.judge([examples[i] for i in rest], [outputs[i] for i in rest])
            for i, finding in zip(rest, judged):
                results[i] = finding
        return [r for r in results if r is not None]


def make(kind: str) -> Rediagnoser:
    """`validators` (default) or `engine`."""
    if kind == "engine":
        return EngineRediagnoser()
    if kind == "validators":
        return ValidatorRediagnoser()
    raise ValueError(f"unknown re-diagnosis {kind!r}: use validators or engine")
