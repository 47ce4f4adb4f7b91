"""Fact-level agreement: do two texts state the same specific values (numbers, dates, codes, names)?

Embedding similarity says an output and a reference are about the same thing; it cannot tell "30 days" from
"60 days" or `RET-22` from `RET-07`. The values an answer commits to can: when the output states values the
reference does not, and misses ones it does, on the same topic, the facts are wrong (an information
failure), not the form. Structured payloads are compared leaf by leaf: two JSON objects with the same keys
and a different `total` disagree on a fact, whatever their wording.

A "fact" here is a token a reader could check: a number (with number words read as digits), a token mixing
letters and digits (`INV-30917`, `v4`, `16.003`), a command-line flag (`--atomic`), a snake_case identifier,
or a capitalised name that does not open a sentence.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import string
from dataclasses import dataclass
from typing import Any, Iterable

from classifiers.formats import json_candidates

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "ninety": "90", "hundred": "100",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_NUMBER_WORD = r"(?i:" + "|".join(_NUMBER_WORDS) + r")"


def _token_pattern(word: str) -> re.Pattern[str]:
    return re.compile(
        r"(?P<mdate>\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
        + _MONTH + r"(?:,?\s+\d{4})?\b)|"
        # An ISO date-time states a date and a time: "2025-07-14T06:00" is "07/14/2025 6:00 AM".
        r"(?P<isodt>\b\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?Z?(?![\w:-]))|"
        r"(?P<date>\b\d{1,2}/\d{1,2}/\d{4}\b)|"
        r"(?P<flag>(?<![\w-])--?[A-Za-z][\w-]*)|"
        r"(?P<time>\b\d{1,2}:\d{2}(?:\s?(?i:[ap]\.?m)\b\.?)?|\b\d{1,2}\s?(?i:[ap]\.?m)\b\.?)|"
        # The 24-hour clock written as on a rate confirmation or a roster: "0600 hrs" is 6:00.
        r"(?P<hrs>\b(?:[01]\d|2[0-3])[0-5]\d(?=\s?hrs\b))|"
        r"(?P<temp>\d+(?:\.\d+)?(?:\s?°\s?|)[CF](?![\w-]))|"
        # (A comma groups thousands only before three digits: "80,6,2180.50" in a CSV row is three values.)
        # A short unit written on the number ("47.5s", "5GB", "30d") is read with it: the value is the number.
        # A unit joined by a hyphen is read with it too: "a 30-minute break" states 30, as "30 minutes" does.
        r"(?P<measure>(?<![\w.-])\d+(?:\.\d+)?-[A-Za-z][a-z]{2,}\b(?!-))|"
        r"(?P<num>[$€£]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:%|[A-Za-z]{1,3})?)(?![\w-])|"
        r"(?P<code>\b[A-Za-z§._-]*+\d[\w.-]*+)|"
        r"(?P<ident>\b[a-z][a-z0-9]*_[a-z0-9_]+\b)|"
        r"(?P<word>\b(?:" + _NUMBER_WORD + r"\b|" + word + r"))"
    )


# Facts are read from capitalised words only (most words are lower-case and never a fact: skipping them in
# the pattern keeps this linear and fast); the lookup set takes every word.
_TOKEN = _token_pattern(r"[A-Z][\w'&]*\b")
_ANY_TOKEN = _token_pattern(r"[A-Za-z][\w'&]*\b")
_SENTENCE_OPENERS = frozenset(".!?:;\n([")
# Capitalised words that name nothing in particular (sentence openers after a list marker, pronouns).
_COMMON = frozenset(
    "i a an the yes no not this that these those it its if but and or so to of in on at for by with from as "
    "is are was were be my your our their his her we you they he she there here what which who when where why "
    "how however also please note sure great thanks hi hello dear sorry unfortunately first second then next "
    "finally step answer summary total none null true false".split()
)


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence (or a line, or a parenthesis)."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] in _SENTENCE_OPENERS


def _month_date(tok: str) -> str:
    """`July 1, 2024` and `1 July 2024` are 2024-07-01; without a year, `December 31` is 12-31."""
    low = tok.lower()
    month = next(i for i, m in enumerate(_MONTHS, 1) if re.search(r"\b" + m, low))
    nums = re.findall(r"\d+", low)
    day = next(int(n) for n in nums if len(n) <= 2)
    year = next((n for n in nums if len(n) == 4), None)
    return f"{year}-{month:02d}-{day:02d}" if year else f"{month:02d}-{day:02d}"


def _norm_number(tok: str) -> str:
    t = tok.lstrip("$€£").rstrip("%").replace(",", "")
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t or "0"


_TEMPLATE_SLOT = re.compile(r"\{\{?\s*[A-Za-z_][\w.]*\s*\}?\}")


@functools.lru_cache(maxsize=4096)
def fact_tokens(text: str, every_word: bool = False) -> frozenset[str]:
    """The checkable values a text states, normalised (`$1,200.00` and `1200` are the same fact).

    With `every_word`, every word counts (lower-cased): the set a stated fact is looked up in. Cached: a
    record's reference and context are read by more than one signal.
    """
    out: set[str] = set()
    if "{" in text:
        # A template's placeholders ({patron_name}, {{count}}) are slots, not stated values.
        text = _TEMPLATE_SLOT.sub(" ", text)
    for m in (_ANY_TOKEN if every_word else _TOKEN).finditer(text):
        kind, tok = m.lastgroup, m.group()
        if kind == "mdate":
            out.add(_month_date(tok))
        elif kind == "date":
            out.add(_norm_value(tok))
        elif kind == "isodt":
            day, clock = re.split(r"[T ]", tok, maxsplit=1)
            hour, minute = clock.split(":")[:2]
            out.update((day, f"{int(hour)}:{minute}"))
        elif kind == "flag":
            out.add(tok.lower())
        elif kind == "time":
            # `2am`, `2:00 a.m.` and `02:00` are one time, as are `3:59 PM` and `15:59`.
            hour, _, minute = re.sub(r"[^\d:]", "", tok).partition(":")
            h = int(hour)
            if meridiem := re.search(r"[ap]", tok, re.I):
                h = h % 12 + (12 if meridiem.group().lower() == "p" else 0)
            out.add(f"{h}:{minute or '00'}")
        elif kind == "hrs":
            out.add(f"{int(tok[:2])}:{tok[2:]}")
        elif kind == "temp":
            # `-2°C`, `-2C` and `-2` (in a forecast table) are one value; the unit is read from context.
            out.add(_norm_number(re.sub(r"[\s°CF]", "", tok)))
        elif kind == "num":
            out.add(_norm_number(tok.rstrip(string.ascii_letters)))
        elif kind == "measure":
            out.add(_norm_number(tok.split("-")[0]))
        elif kind in ("code", "ident"):
            out.add(tok.lower().strip(".-"))
        else:
            low = tok.lower()
            if low in _NUMBER_WORDS:
                out.add(_NUMBER_WORDS[low])
            elif every_word or (tok[0].isupper() and low not in _COMMON and not _opens_sentence(text, m.start())):
                out.add(low)
    return frozenset(out)


def _leaves(payload: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """(path, raw value) for every scalar in a JSON payload."""
    if isinstance(payload, dict):
        for k, v in payload.items():
            yield from _leaves(v, f"{path}/{k}")
    elif isinstance(payload, list):
        for i, v in enumerate(payload):
            yield from _leaves(v, f"{path}/{i}")
    else:
        yield path, payload


def _norm_leaf(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _norm_number(repr(value))
    return _norm_value(str(value))


def _kind(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "bool" if isinstance(value, bool) else "null"
    if isinstance(value, (int, float)) or _NUMERIC.match(str(value).strip()):
        return "number"
    return "text"


def _is_label(value: Any) -> bool:
    """A lower-case one-word category (`bug`, `high`, `public_works`): which to use is the schema's business."""
    return isinstance(value, str) and bool(re.fullmatch(r"[a-z][a-z_-]*", value))


def _dated(facts: frozenset[str]) -> set[str]:
    """The days of the year the full dates among `facts` name (2025-06-18 names 06-18)."""
    return {tok[5:] for tok in facts if re.fullmatch(r"\d{4}-\d{2}-\d{2}", tok)}


def held_facts(facts: frozenset[str], pool: frozenset[str]) -> frozenset[str]:
    """The facts `pool` states too; a date without its year ("18 June", 06-18) is held by the same day of any
    year ("2025-06-18")."""
    days = _dated(pool)
    return frozenset(f for f in facts if f in pool or (re.fullmatch(r"\d{2}-\d{2}", f) and f in days))


def _fact_differs(ref: Any, out: Any) -> bool:
    """Two field values state different facts (not merely different types, spellings or category labels).

    A value where the reference has null (or null where it has one) is a difference: an invented or a
    missing fact.
    """
    if _norm_leaf(ref) == _norm_leaf(out) or _same_in_other_form(ref, out):
        return False
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in (ref, out)):
        return False  # an empty string where the reference has null states no value either (a convention broken)
    if isinstance(ref, str) and isinstance(out, str) and len(ref.split()) > 8 and len(out.split()) > 8:
        # Two free-text fields (a justification, a summary) differ when the output drops most of the
        # reference's values, not when it words them otherwise or adds one.
        ref_facts, out_facts = fact_tokens(ref), fact_tokens(out, every_word=True)
        return bool(ref_facts) and len(ref_facts & out_facts) < len(ref_facts) / 2
    kinds = {_kind(ref), _kind(out)}
    if kinds == {"number", "text"}:
        # "0.05 mg/L" where the reference has 0.01 is another value; "14.8%" or "36.4x" for 14.8 is another type.
        # So is "Section 7" for 8: a text's only number is its value.
        texts = [re.sub(r"^([-+]?)\s*[$€£]", r"\1", str(x).strip()).lstrip("+") for x in (ref, out)]  # -£54.20
        nums = [_LEADING_NUMBER.match(t) or _only_number(t) for t in texts]
        return all(nums) and _norm_number(nums[0].group(1)) != _norm_number(nums[1].group(1))  # type: ignore[union-attr]
    if len(kinds) == 2 and "null" not in kinds:
        return False
    return not (_is_label(ref) or _is_label(out))


def _only_number(text: str) -> re.Match[str] | None:
    found = list(_ANY_NUMBER.finditer(text))
    return found[0] if len(found) == 1 else None


def _same_in_other_form(ref: Any, out: Any) -> bool:
    """One value written two ways: a schema fault, not a fact fault.

    `22/10/2025` for 2025-10-22 (day first), `8:15 PM` for 20:15, 87 for a share of 0.87, `851631` for HTS code
    8516.31.0000, `Mobile Pantry` for MOBILE_PANTRY, `Meals & Entertainment` for the category Meals, a short
    upper-case code (`HH`, `EUR`) spelled out. Two codes (`FB`, `META`) or two dates still differ.
    """
    if ref is None or out is None or isinstance(ref, bool) or isinstance(out, bool):
        return False
    r, o = str(ref).strip(), str(out).strip()
    if _renderings(r) & _renderings(o):
        return True
    numbers = _kind(ref) == "number" and _kind(out) == "number"
    short, long = sorted((re.sub(r"\D", "", r), re.sub(r"\D", "", o)), key=len)
    if not numbers and len(short) >= 4 and len(short) + len(long) >= 0.8 * (len(r) + len(o)) \
            and long.startswith(short) and not long[len(short):].strip("0"):
        return True  # the same code with or without its separators or trailing zeros
    if numbers:
        a, b = (float(_norm_number(x)) for x in (r, o))
        return bool(a and b) and any(abs(x - 100 * y) < 1e-6 * abs(x) and 0 < abs(y) <= 1 for x, y in ((a, b), (b, a)))
    if _kind(ref) == "text" and _kind(out) == "text":
        r_code, o_code = bool(_CODE.fullmatch(r)), bool(_CODE.fullmatch(o))
        name = o if r_code else r
        spelled_out = r_code != o_code and (any(ch.islower() for ch in name) or not any(ch.isdigit() for ch in name))
        if spelled_out or (r_code and (r.startswith(o) or o.startswith(r))):
            # An enum code against its spelled-out name (`HIGH`, `Class 1`) or a longer code: the schema's
            # business. (Against another code, `I11.9` for the ICD code `I10`, it is another value.)
            return True
        if _DATE_LIKE.search(r) or _DATE_LIKE.search(o):
            return False  # (`2025-03-02` and `2025-02-03` share their numbers, not their date)
        rw, ow = _words(r), _words(o)
        return bool(rw and ow) and (rw <= ow or ow <= rw)
    return False


def _words(value: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*", value.lower().replace("_", " ")))


_CODE = re.compile(r"[A-Z][A-Z0-9]{1,4}")
_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}:\d{2}|" + _MONTH)
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})\s*([ap])\.?m\.?$", re.I)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}")


def _renderings(value: str) -> set[str]:
    """ISO forms a date or clock time may stand for (both orders of an ambiguous `03/11/2025`)."""
    m = _DMY.match(value)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
        return {f"{y}-{mo:02d}-{d:02d}" for mo, d in ((a, b), (b, a)) if 1 <= mo <= 12 and 1 <= d <= 31}
    m = _CLOCK.match(value)
    if m:
        h = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
        return {f"{h:02d}:{m.group(2)}"}
    return {value} if _ISO.fullmatch(value) else set()


def _is_fact(value: Any) -> bool:
    return _kind(value) in ("number", "bool") or (isinstance(value, str) and not _is_label(value) and value != "")


_LEADING_NUMBER = re.compile(r"\s*[$€£]?(-?\d[\d,]*(?:\.\d+)?)")
_ANY_NUMBER = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.\d+)?)(?![\w.])")
_MONTH_DATE = re.compile(r"(?:" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
                         + _MONTH + r"(?:,?\s+\d{4})?)")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMERIC = re.compile(r"^[$€£]?-?\d[\d,]*(?:\.\d+)?%?$")


def _norm_value(value: str) -> str:
    """One spelling per value: `$1,240.00` is 1240, `04/03/2025` is 2025-04-03, long text is its facts."""
    v = value.strip().lower()
    if _NUMERIC.match(v):
        return _norm_number(v)
    m = _US_DATE.match(v)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    if _MONTH_DATE.fullmatch(v):
        return _month_date(v)  # "March 3rd, 2025" is 2025-03-03
    if len(v.split()) > 4:
        # Free text in a field (a summary) is compared by the values it states, not its wording.
        return " ".join(sorted(fact_tokens(value)))
    return v


def _json(text: str) -> Any:
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`").partition("\n")[2]
    if not body.startswith(("{", "[")):
        return None
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return None
    return payload if isinstance(payload, (dict, list)) else None


_LINE_COMMENT = re.compile(r"(?m)(?<=[,{\[\s])\s*(?://|#)[^\n\"']*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_]\w*)(\s*:)")


def _json_lenient(text: str) -> Any:
    """The JSON object or array in a reply that does not parse as sent, or None.

    Reads each place a payload may sit (`formats.json_candidates`: the fenced block, the outermost brackets)
    without line comments or trailing commas; then as a Python literal (single quotes, None/True/False), with
    bare keys quoted.
    """
    for candidate in json_candidates(text):
        body = _TRAILING_COMMA.sub(r"\1", _LINE_COMMENT.sub("", candidate))
        for attempt in (body, _BARE_KEY.sub(r'\1"\2"\3', body)):
            try:
                payload = json.loads(attempt)
            except (json.JSONDecodeError, RecursionError):
                try:
                    payload = ast.literal_eval(attempt)
                except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                    continue
            if isinstance(payload, (dict, list)):
                return payload
    return None


@dataclass(frozen=True)
class FactAgreement:
    """How the values an output states compare with a reference's."""

    ref_recall: float
    """Share of the reference's facts the output also states (1.0 when the reference states none)."""
    conflict: bool
    """The output misses a reference fact and states one of its own instead: a different value."""
    hard: bool
    """The conflict is over a number, date, code or identifier (or most of the reference's facts): a
    paraphrase cannot explain it."""
    detail: str


def compare(output: str, reference: str, given: str = "", asked: str = "") -> FactAgreement:
    """Compare the facts of `output` with `reference`.

    `given` is text the model was shown: a value from it is not a fault. `asked` is the question: a
    reference value it already states ("Name *two* countries that use the *Euro*") restates the question,
    it is not part of the answer an output must carry.
    """
    ref_json, out_json = _json(reference), _json(output)
    if ref_json is not None and out_json is None:
        # A payload that does not parse as sent (prose around it, comments, a Python dict) still states its
        # values field by field.
        out_json = _json_lenient(output)
    if ref_json is not None and out_json is not None:
        try:
            return _compare_json(ref_json, out_json) or _compare_text(output, reference, given, ref_json, asked)
        except RecursionError:
            ref_json = None  # nested deeper than the leaf walk goes: compare the texts instead
    return _compare_text(output, reference, given, ref_json, asked)


def _path_words(path: str) -> frozenset[str]:
    """The words of a field's path, singular and lower case, list positions kept (`/hsa_limits/self`,
    `/hsaLimitSelf` and `/hsa_limit_self` are all {hsa, limit, self})."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", path.replace("_", "/").replace("-", "/"))
    return frozenset(w.lower()[:-1] if len(w) > 3 and re.search(r"[^s]s$", w.lower()) else w.lower() for w in words)


def _reshaped(ref_leaves: dict[str, Any], out_leaves: dict[str, Any]) -> dict[str, str]:
    """Output paths the reference lacks, mapped to the reference path with the same words, or failing that with
    the same field name (when just one field on each side has them)."""
    def unmatched(leaves: dict[str, Any], other: dict[str, Any]) -> dict[frozenset[str], list[str]]:
        by_words: dict[frozenset[str], list[str]] = {}
        for p in leaves:
            if p not in other:
                by_words.setdefault(_path_words(p), []).append(p)
        return by_words
    ref_by, out_by = unmatched(ref_leaves, out_leaves), unmatched(out_leaves, ref_leaves)
    moved = {outs[0]: ref_by[w][0] for w, outs in out_by.items()
             if w and len(outs) == 1 and len(ref_by.get(w, ())) == 1}
    # Then by the field's own name, where the schema fault nested or flattened it (`/q30_pct` for
    # `/metrics/q30_pct`), again where just one field on each side left has that name.
    def by_name(paths: Iterable[str]) -> dict[frozenset[str], list[str]]:
        named: dict[frozenset[str], list[str]] = {}
        for p in paths:
            named.setdefault(_path_words(p.rsplit("/", 1)[-1]), []).append(p)
        return named
    ref_named = by_name(p for ps in ref_by.values() for p in ps if p not in moved.values())
    out_named = by_name(p for ps in out_by.values() for p in ps if p not in moved)
    # (A list position is no name: `/items/0` and `/languages/0` are not the same field.)
    moved.update({outs[0]: ref_named[w][0] for w, outs in out_named.items()
                  if any(not word.isdigit() for word in w) and len(outs) == 1 and len(ref_named.get(w, ())) == 1})
    return moved


def _compare_json(ref_json: Any, out_json: Any) -> FactAgreement | None:
    """Field-by-field agreement of two JSON payloads; None when they share no field."""
    ref_leaves, out_leaves = dict(_leaves(ref_json)), dict(_leaves(out_json))
    # A field moved or renamed by the schema fault (`hsa_limits/self` for `hsa_limit_self`) is still the same
    # field: paired by the words of its path where just one field on each side has them.
    moved = _reshaped(ref_leaves, out_leaves)
    out_leaves = {moved.get(p, p): v for p, v in out_leaves.items()}
    shared = [p for p in ref_leaves if p in out_leaves]
    if not shared:
        return None
    # A value written another way (`22/10/2025` for 2025-10-22) is the reference's fact all the same.
    same = sum(_norm_leaf(ref_leaves[p]) == _norm_leaf(out_leaves[p])
               or _same_in_other_form(ref_leaves[p], out_leaves[p]) for p in shared)
    differ = [p for p in shared if _fact_differs(ref_leaves[p], out_leaves[p])]
    extra = [p for p in out_leaves if p not in ref_leaves and _is_fact(out_leaves[p])]
    # A field the reference lacks may be a renamed or reshaped one (a schema fault), so alone it is weak.
    return FactAgreement(same / len(ref_leaves), bool(differ or extra), bool(differ),
                         f"{len(differ)} of {len(shared)} shared fields state other values than the reference"
                         + (f" (first: {differ[0]})" if differ else "")
                         + (f"; {len(extra)} field(s) the reference lacks" if extra else ""))


def _compare_text(output: str, reference: str, given: str, ref_json: Any, asked: str = "") -> FactAgreement:
    """Agreement of the facts two texts state (a JSON reference contributes its values)."""
    ref: frozenset[str]
    if ref_json is not None:
        # A JSON reference states its values, not its keys; each value is a fact, its first word included.
        values = [str(v) for _, v in _leaves(ref_json) if v is not None and not isinstance(v, bool)]
        ref = frozenset().union(*(fact_tokens(v, every_word=len(v.split()) <= 4) for v in values))
    else:
        ref = fact_tokens(reference)
    # The answer's own values, without those the question states (unless that would leave none).
    ref = (ref - fact_tokens(asked, every_word=True)) or ref
    out = fact_tokens(output)
    known = fact_tokens(reference, every_word=True) | fact_tokens(given, every_word=True)
    ref_recall = len(held_facts(ref, fact_tokens(output, every_word=True))) / len(ref) if ref else 1.0
    novel_facts = sorted(out - known - _dated(known))
    conflict = bool(ref) and ref_recall < 1.0 and bool(novel_facts)
    # A different number, code or identifier cannot be a paraphrase; different names or words only when
    # most of the reference's are gone.
    hard = conflict and (ref_recall < 0.5 or any(ch.isdigit() or ch == "_" or f.startswith("-")
                                                 for f in novel_facts for ch in f))
    detail = (f"{len(ref & out)} of {len(ref)} reference facts stated"
              + (f"; states {', '.join(novel_facts[:4])} the reference does not" if novel_facts else ""))
    verdicts = _VERDICT.match(output), _VERDICT.match(reference)
    if verdicts[0] and verdicts[1] and verdicts[0].group(1).lower() != verdicts[1].group(1).lower():
        # "Yes. The rule requires ..." where the gold answer opens "No.": the opposite verdict on the question
        # asked is a fact that differs, whatever words the two share.
        return FactAgreement(ref_recall, True, True, f"answers {verdicts[0].group(1)!r} where the reference answers "
                             f"{verdicts[1].group(1)!r}; " + detail)
    return FactAgreement(ref_recall, conflict, hard, detail)


_VERDICT = re.compile(r"\W*(yes|no)\b(?!\s+(?:problem|worries|need|one|longer|more|less)\b)", re.I)


_ID_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*")
_ID_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_VERSION = re.compile(r"v?\d+(?:\.\d+)+", re.I)
_ID_DATE = re.compile(r"(?:19|20)\d\d(?:[-.]\d\d?){0,2}(?:T\w*)?|\d\d?[-.]\d\d?[-.](?:19|20)?\d\d|\d{4}s")
SOURCE_CHARS = 150
"""`unsourced_ids`: the input and context must hold at least this much text to be a source document."""


def unsourced_ids(output: str, source: str) -> list[str]:
    """Identifiers the output states that its source document does not hold (a tax id, a ticket number, a UUID).

    An extraction or conversion copies such values; one that appears nowhere in the source was made up. Only
    values no rendering or arithmetic could produce count: letters mixed with at least four digits
    ("PGE-INC-448170"), digit groups joined by hyphens with a group of five or more ("74-3318290"), or a bare
    integer of seven or more digits. Amounts with decimals, dates, years, decades, short ranges and a source number
    in other units (30 days as 2592000000 ms) are left out: those a model computes or reformats.
    """
    if len(source) < SOURCE_CHARS:
        return []
    flat = re.sub(r"[^a-z0-9]", "", _ID_THOUSANDS.sub("", source).lower())
    found = []
    for m in _ID_TOKEN.finditer(_ID_THOUSANDS.sub("", output)):
        tok = m.group(0).strip(".")
        digits = sum(ch.isdigit() for ch in tok)
        if digits < 4 or _ID_DATE.fullmatch(tok) or _VERSION.fullmatch(tok):
            continue
        groups = re.split(r"[-.]", tok)
        mixed = any(ch.isalpha() for ch in tok)
        if not mixed and not (len(groups) > 1 and "." not in tok and max(map(len, groups)) >= 5) \
                and not re.fullmatch(r"\d{7,}", tok):
            continue
        if re.sub(r"[^a-z0-9]", "", tok.lower()) not in flat and not _converted(tok, source):
            found.append(tok)
    return sorted(set(found))


_UNIT_FACTORS = (60, 3600, 86_400, 604_800, 60_000, 3_600_000, 86_400_000, 604_800_000, 1024, 1024 ** 2, 1024 ** 3)
"""Minutes to weeks in seconds or milliseconds, sizes in KiB to GiB. (Not "2M" as 2000000: a limit the source never states
is made up as easily as written out.)"""


def _converted(tok: str, source: str) -> bool:
    """A bare integer that is a number of the source in other units: "retention 30 days" as 2592000000 (ms)."""
    if not tok.isdigit():
        return False
    value = int(tok)
    amounts = {float(n) for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", source[:20_000])}
    return any(n > 0 and abs(n * f - value) < 0.5 for n in amounts for f in _UNIT_FACTORS)


_CITATION = re.compile(r"(?:§§?\s*|\b(?:[Ss]ection|[Ss]ec\.|[Cc]lause|[Aa]rticle|[Aa]rt\.|[Cc]ondition|[Pp]aragraph)\s+)"
                       r"(\d+(?:\.\d+)*)")
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def invented_citations(output: str, source: str) -> list[str]:
    """Sections, clauses or articles the output cites by a number its source document never states.

    An answer over a handbook or a contract that quotes "§7.4" or "Section 6.5 (Tolling)" where the excerpt stops at
    6.3 has made up a part of the document, and the claim it hangs on it: an invented fact, not a passage set aside.
    """
    stated = set(_SECTION_NUMBER.findall(source))
    return sorted({m.group(1) for m in _CITATION.finditer(output) if m.group(1) not in stated})
