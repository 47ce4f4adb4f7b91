"""What every instruction rule shares: the result, number words and bounds, words and sentences, the
length rules, and the helpers for an artifact asked for and for a conditional clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable


_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100}
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|fifty|hundred)"
_LESS = r"(less than|fewer than|under|at most|no more than|not more than|maximum of|up to|below)"
_MORE = r"(at least|more than|over|minimum of|no less than|not less than|\d+\+)"


def _n(tok: str) -> int:
    return int(tok) if tok.isdigit() else _NUM_WORDS[tok.lower()]


@dataclass(frozen=True)
class InstructionResult:
    """One recognised constraint and whether the output keeps it."""

    constraint: str
    passed: bool
    detail: str


def _prompt_sentences(prompt: str) -> list[str]:
    """A prompt's sentences and lines: where its rules are read when none are stated apart."""
    return re.split(r"(?<=[.!?])\s+|\n", prompt)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9\u00C0-\u024F']+", text)


# A full stop after these is an abbreviation ("p. 14", "U.S. law", "e.g. this"), not a sentence end.
_ABBREV = re.compile(r"(?:\b[A-Za-z]|\b(?:e\.g|i\.e|etc|vs|no|nos|p|pp|vol|fig|inc|ltd|co|corp|dr|mr|mrs|ms|st|"
                     r"jr|sr|approx|dept|est|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|art|sec|para|cf))\.$", re.I)


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", text.strip()):
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + piece
        elif piece.strip():
            out.append(piece)
    return out


def _count_bound(kind: str, count: int, low: str | None, high: str | None, n: int) -> InstructionResult:
    if low is not None:
        ok = count >= n if "at least" in low or "minimum" in low or "no less" in low or "not less" in low or "+" in low else count > n
        return InstructionResult(f"{kind} >= {n}", ok, f"{count} {kind}")
    assert high is not None
    strict = high in ("less than", "fewer than", "under", "below")
    ok = count < n if strict else count <= n
    return InstructionResult(f"{kind} {'<' if strict else '<='} {n}", ok, f"{count} {kind}")


# "exactly 3 short bullets", "at most 2 brief paragraphs": a word between the count and the unit.
_ADJ = r"(?:(?:short|brief|concise|key|main|clear|simple|separate|full|complete)\s+)?"


def _length_rule(unit: str, counter: Callable[[str], int],
                 spelled: str | None = None) -> Callable[[str, str], InstructionResult | None]:
    """A count bound on `unit` ("at most 3 bullet points"); `spelled` is a regex for other ways to write it."""
    # "exactly one word", "at most 1 sentence": the unit in the singular as well.
    word = spelled or unit.rstrip("s") + r"s?\b"
    # ("no more than 2" and "not more than 2" are upper bounds, not "more than 2".)
    pat_more = re.compile(r"(?<!\bno )(?<!\bnot )" + _MORE + r"\s+" + _NUM + r"\s+" + _ADJ + word, re.I)
    pat_plus = re.compile(r"(\d+)\+[\s-]+" + (spelled or unit.rstrip("s")), re.I)
    pat_less = re.compile(r"(less than|fewer than|under|at most|no more than|not more than|maximum(?: of)?|max\.?|"
                          r"up to|below|longer than)\s+" + _NUM + r"\s+" + _ADJ + word, re.I)
    pat_not_more = re.compile(r"(?:not|n't) (?:want |be )?(?:anything )?(?:longer|more) than\s+" + _NUM + r"\s+" + _ADJ
                              + word, re.I)
    # "60 characters max", "12 words or fewer": the bound written after the count.
    pat_after = re.compile(_NUM + r"\s+" + _ADJ + word + r"\s+(or (?:fewer|less)|max(?:imum)?\b)", re.I)
    pat_exact = re.compile(r"(?:exactly|in|of)\s+" + _NUM + r"\s+" + _ADJ + word, re.I)
    pat_be = re.compile(r"(?:be|have|contain|write|use|give|list|include|provide)\s+" + _NUM + r"\s+" + _ADJ + word, re.I)
    pat_exactly = re.compile(r"\bexactly\s+" + _NUM + r"\s+" + _ADJ + word, re.I)
    pat_one = re.compile(r"(?:^\W*|\b(?:answer|respond|reply|explain)\w* in (?:just |only )?)" + _NUM
                         + r"\s+(?:short\s+|brief\s+|concise\s+)?" + (spelled or unit.rstrip("s") + r"s?\b"), re.I)

    key = unit[:4].lower()

    def rule(instr: str, output: str) -> InstructionResult | None:
        if key not in instr.lower():
            # Most instructions name no unit of this rule: skip the patterns and the count.
            return None
        # A bound on each item ("each bullet under 12 words") is not a bound on the whole; _rule_per_item reads it.
        instr = _PER_ITEM_CLAUSE.sub(" ", instr)
        count = counter(output)
        if m := pat_plus.search(instr):
            return _count_bound(unit, count, "at least", None, int(m.group(1)))
        if m := pat_not_more.search(instr):
            return _count_bound(unit, count, None, "at most", _n(m.group(1)))
        if m := pat_more.search(instr):
            return _count_bound(unit, count, m.group(1).lower(), None, _n(m.group(2)))
        if m := pat_less.search(instr):
            return _count_bound(unit, count, None, m.group(1).lower(), _n(m.group(2)))
        if m := pat_after.search(instr):
            return _count_bound(unit, count, None, "at most", _n(m.group(1)))
        if (m := pat_exactly.search(instr)) or (
                unit.startswith(("paragraph", "bullet")) and (m := pat_exact.search(instr) or pat_be.search(instr))):
            n = _n(m.group(1))
            return InstructionResult(f"{unit} == {n}", count == n, f"{count} {unit}")
        if m := pat_one.search(instr):
            # "Answer in one sentence", "One short paragraph": a count stated as the whole answer's shape.
            n = _n(m.group(1))
            return InstructionResult(f"{unit} <= {n}", count <= n, f"{count} {unit}")
        return None

    return rule


_ITEM = r"(bullet(?: point)?|item|line|point|sentence|entry|row|answer|title|heading|headline|option|suggestion|name)"
_PER_ITEM_CLAUSE = re.compile(r"\b(?:each|every)\b(?:\s+(?:one|" + _ITEM[1:-1] + r")s?\b)?[^.;,]{0,40}?\b" + _NUM
                              + r"\s+\w+(?:\s+(?:or (?:fewer|less)|max(?:imum)?))?|"
                              r"\b" + _NUM + r"\s+\w+\s+(?:per|each|for each|a)\s+\w+", re.I)


_DECLINES = re.compile(r"\b(?:can't|cannot|can not|unable to|not able to|won't|will not|don't have|do not have|"
                       r"doesn't (?:include|have|contain)|does not (?:include|have|contain)|isn't possible)\b", re.I)


COMPLETE_CODE = "complete code"
"""The constraint `_rule_complete_code` reports: code asked for in full has no stubbed bodies."""
BANNED_ADVICE = "no banned action advised"
"""The constraint `_rule_no_advice` reports: the answer advises none of the actions the rules ban."""
TASK_UNDONE_CONSTRAINTS = frozenset({*(f"a {what} given" for what in ("query", "test")), COMPLETE_CODE, BANNED_ADVICE})
"""Constraints whose failure means the output did not do the job asked: a query or a test asked for and not given
(`_artifact_given`: the output did another job), code asked for in full and left as "// TODO" (what the gold code
has and the output lacks was not written, not unknown), or a fix the rules ban advised in place of the one they
allow (the gold answer's other fix is no fact the output got wrong)."""


def _artifact_given(what: str, asked: bool, given: bool, output: str) -> InstructionResult | None:
    """A query or a test asked for: is one in the output? (A reply that says why it wrote none is a refusal or an
    abstention, read elsewhere.)"""
    if not asked or _DECLINES.search(output[:600]):
        return None
    return InstructionResult(f"a {what} given", given, f"has a {what}" if given else f"no {what} in the output")


_CONDITION = re.compile(r"^\W*(?:if|when|whenever|unless|otherwise|in case|where|should)\b(?! possible\b)", re.I)
_UNSEEN_CONDITION = re.compile(r"^\W*(?:if|when|whenever|in case|where|should)\b[^,;:]*?(?:\b(?:not|no|never|unsure|"
                               r"uncertain|unable|unknown|missing|lacks?|insufficient|ambiguous|unclear)\b|n't\b)",
                               re.I)
"""A condition on what the model knows or was given ("if the passages do not cover it", "when unsure"): a
checker cannot see whether it held. ("When writing SQL, use PostgreSQL syntax" is checked: the output shows it.)"""
_TRAILING_CONDITION = re.compile(r"^[^.;:\n]{0,40}?,?\s*\b(?:if|when|whenever|unless|in case)\b", re.I)


def _conditional_clause(instr: str, start: int, end: int) -> bool:
    """Whether the clause around instr[start:end] applies only on a condition: it opens with one ("if the
    excerpts do not cover it, ...") or one follows it ("... to X if they ask about refunds")."""
    opening = max(instr.rfind(c, 0, start) for c in ".;:\n") + 1
    return bool(_CONDITION.match(instr[opening:start]) or _TRAILING_CONDITION.match(instr[end:]))


_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)


def without_code_blocks(text: str) -> str:
    """The text with its fenced code blocks (an unclosed one runs to the end) replaced by a space."""
    return _CODE_BLOCK.sub(" ", text)
