"""Verifiable instructions: read constraints stated in plain words and check the output against each.

The constraints come from the record's `instructions` (one per item) or, when a pipeline sends none, from the
prompt itself, since people write "answer in under 50 words, no commas" straight into the input. Each rule
recognises a phrasing by meaning-bearing words (word limits, casing, required or forbidden words, bullet and
section counts, ...), never by a benchmark's instruction ids, so it carries to prompts written anywhere.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Callable, Sequence

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


def _length_rule(unit: str, counter: Callable[[str], int],
                 spelled: str | None = None) -> Callable[[str, str], InstructionResult | None]:
    """A count bound on `unit` ("at most 3 bullet points"); `spelled` is a regex for other ways to write it."""
    word = spelled or unit
    # ("no more than 2" and "not more than 2" are upper bounds, not "more than 2".)
    pat_more = re.compile(r"(?<!\bno )(?<!\bnot )" + _MORE + r"\s+" + _NUM + r"\s+" + word, re.I)
    pat_plus = re.compile(r"(\d+)\+[\s-]+" + (spelled or unit.rstrip("s")), re.I)
    pat_less = re.compile(r"(less than|fewer than|under|at most|no more than|not more than|maximum(?: of)?|max\.?|"
                          r"up to|below|longer than)\s+" + _NUM + r"\s+" + word, re.I)
    pat_not_more = re.compile(r"(?:not|n't) (?:want |be )?(?:anything )?(?:longer|more) than\s+" + _NUM + r"\s+" + word, re.I)
    # "60 characters max", "12 words or fewer": the bound written after the count.
    pat_after = re.compile(_NUM + r"\s+" + word + r"\s+(or (?:fewer|less)|max(?:imum)?\b)", re.I)
    pat_exact = re.compile(r"(?:exactly|in|of)\s+" + _NUM + r"\s+" + word, re.I)
    pat_be = re.compile(r"(?:be|have|contain|write|use|give|list|include|provide)\s+" + _NUM + r"\s+" + word, re.I)
    pat_exactly = re.compile(r"\bexactly\s+" + _NUM + r"\s+" + word, re.I)
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
_PER_ITEM = re.compile(r"\b(?:each|every)(?:\s+" + _ITEM + r")?\s*(?:[:(]|must|should|has|is|of|with|be|to be|can be|"
                       r"may be|needs to be)?\s*(?:(less than|fewer than|under|at most|no more than|not more than|"
                       r"maximum(?: of)?|max\.?|up to|below)\s+)?" + _NUM + r"\s+words?\s*(or (?:fewer|less)|max(?:imum)?)?",
                       re.I)


# A list item's marker: a bullet, a number or a checkbox.
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)]|\[[ xX]\])\s+", re.M)


def _items(kind: str, text: str) -> list[str]:
    if kind == "sentence":
        return _sentences(text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if kind == "line":
        return lines
    marked = [ln for ln in lines if _LIST_ITEM.match(ln)]
    return [_LIST_ITEM.sub("", ln, count=1) for ln in marked] if marked else lines


def _rule_per_item(instr: str, output: str) -> InstructionResult | None:
    """'Each bullet 12 words or fewer': the longest item keeps the bound."""
    m = _PER_ITEM.search(instr)
    if not m or not (m.group(2) or m.group(4)):
        return None
    kind = (m.group(1) or ("bullet" if "bullet" in instr.lower() else "item")).lower()
    items = _items(kind, output)
    if not items:
        return None
    longest = max(len(_words(i)) for i in items)
    n = _n(m.group(3))
    strict = (m.group(2) or "").lower() in ("less than", "fewer than", "under", "below")
    ok = longest < n if strict else longest <= n
    return InstructionResult(f"each {kind} {'<' if strict else '<='} {n} words", ok, f"longest {longest} words")


def _paragraphs(text: str) -> int:
    parts = re.split(r"\n\s*\*\*\*\s*\n|\n\s*\n", text.strip())
    return len([p for p in parts if p.strip()])


def _bullets(text: str) -> int:
    return len(re.findall(r"^\s*[*-]\s+\S", text, re.M))


def _list_items(text: str) -> int:
    # Markdown bullets; a list written only with "•" or numbers counts its items instead.
    return _bullets(text) or len(re.findall(r"^\s*(?:•|\d+[.)])\s+\S", text, re.M))


_BULLET_WORD = r"bullet(?: point)?s?\b"
_MARKDOWN_BULLETS = _length_rule("bullet points", _bullets, _BULLET_WORD)
_ANY_BULLETS = _length_rule("bullet points", _list_items, _BULLET_WORD)


def _rule_bullets(instr: str, output: str) -> InstructionResult | None:
    # "Use the markdown bullet points such as: * This is point 1" counts markdown bullets only; a plain
    # "exactly 5 bullets" counts the items of whatever list the output wrote.
    return (_MARKDOWN_BULLETS if "markdown" in instr.lower() else _ANY_BULLETS)(instr, output)


def _rule_no_comma(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"(no|without(?: any)?|refrain from[^.]*|avoid[^.]*|(?:not|never) (?:use|include|put|add)(?: any)?|"
                  r"not allowed to use(?: any)?)\s+commas?", instr, re.I)
    # "Amounts as integers in whole USD (no $ sign, no commas)": a rule for how numbers are written.
    if m and not re.search(r"\b(?:amounts?|numbers?|values?|integers?|digits|figures?|prices?|thousands|money|"
                           r"currency|limits?|deductibles?)\b", instr[:m.start()], re.I):
        n = output.count(",")
        return InstructionResult("no commas", n == 0, f"{n} comma(s)")
    return None


def _rule_case(instr: str, output: str) -> InstructionResult | None:
    low = instr.lower()
    if re.search(r"(all|only|entire[^.]*in)\s+(lowercase|lower case|lower-case)", low) or "no capital letters" in low:
        bad = sum(c.isupper() for c in output)
        return InstructionResult("all lowercase", bad == 0, f"{bad} uppercase letter(s)")
    if (re.search(r"(all|only|entire[^.]*in)\s+(capital|uppercase|upper case|upper-case)", low)
            or re.search(r"capitali[sz]e (?:all|every) (?:your |the )?(?:words|letters)", low)) and "words with" not in low:
        bad = sum(c.islower() for c in output)
        return InstructionResult("all uppercase", bad == 0, f"{bad} lowercase letter(s)")
    return None


def _rule_capital_words(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"words with all capital letters[^.]*?(at least|less than|fewer than|at most)\s+" + _NUM, instr, re.I)
    if not m:
        return None
    count = sum(1 for w in _words(output) if len(w) > 1 and w.isupper())
    bound = m.group(1).lower()
    return _count_bound("all-caps words", count, bound if bound == "at least" else None,
                        None if bound == "at least" else bound, _n(m.group(2)))


def _quoted_items(text: str) -> list[str]:
    return [a or b for a, b in re.findall(r"\"([^\"]{1,60})\"|'([^']{1,60})'", text)]


def _rule_keywords(instr: str, output: str) -> InstructionResult | None:
    low_out = output.lower()
    m = re.search(r"(do not|don't|never|without|avoid)\s+(include|use|using|including|mention|say)[^.:]*?(keywords?|words?)\s*:?\s*(.+)", instr, re.I)
    if not m:
        q = re.search(r"(?:do not|don't|never)\s+(?:include|use|say|mention)\s+((?:['\"][^'\"]{1,40}['\"](?:,?\s*(?:and|or)?\s*)?)+)", instr, re.I)
        if q:
            words = _quoted_items(q.group(1))
            hits = [w for w in words if re.search(r"\b" + re.escape(w.lower()) + r"\b", low_out)]
            return InstructionResult("forbidden words", not hits, f"used {hits}" if hits else "none used")
    if m:
        words = _quoted_items(m.group(4)) or [w.strip(" .") for w in re.split(r",|\bor\b|\band\b", m.group(4)) if w.strip(" .")]
        hits = [w for w in words if re.search(r"\b" + re.escape(w.lower()) + r"\b", low_out)]
        return InstructionResult("forbidden words", not hits, f"used {hits}" if hits else "none used")
    m = re.search(r"(include|contain|use|mention)[^.:]*?(keywords?|words?)\s*:?\s*(.+)", instr, re.I)
    if m and not re.search(r"\b(at least|times)\b", m.group(3)):
        words = _quoted_items(m.group(3)) or [w.strip(" .") for w in re.split(r",|\band\b", m.group(3)) if w.strip(" .")]
        words = [w for w in words if 0 < len(w) <= 40][:10]
        if not words:
            return None
        missing = [w for w in words if w.lower() not in low_out]
        return InstructionResult("required words", not missing, f"missing {missing}" if missing else "all present")
    return None


def _rule_letter_freq(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"letter\s+['\"]?([a-z])['\"]?\s+(?:should\s+)?appear\s+" + r"(at least|less than|at most)\s+" + _NUM, instr, re.I)
    if not m:
        m2 = re.search(r"letter\s+['\"]?([a-z])['\"]?\s+(?:should\s+)?appear\s+(at most|only)\s+once", instr, re.I)
        m3 = re.search(r"(?:not|never) (?:include|use) the letter\s+['\"]?([a-z])['\"]?", instr, re.I)
        if m3 or m2:
            letter = (m3 or m2).group(1).lower()  # type: ignore[union-attr]
            limit = 0 if m3 else 1
            count = output.lower().count(letter)
            return InstructionResult(f"letter {letter} <= {limit}", count <= limit, f"{count} time(s)")
        return None
    count = output.lower().count(m.group(1).lower())
    bound = m.group(2).lower()
    return _count_bound(f"letter {m.group(1)}", count, bound if bound == "at least" else None,
                        None if bound == "at least" else bound, _n(m.group(3)))


def _rule_word_freq(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"word\s+['\"]?(\w+)['\"]?\s+(?:should\s+)?(?:appear\s+)?" + r"(at least|less than|at most)\s+" + _NUM, instr, re.I)
    if not m:
        return None
    count = len(re.findall(r"\b" + re.escape(m.group(1).lower()) + r"\b", output.lower()))
    bound = m.group(2).lower()
    return _count_bound(f"word {m.group(1)}", count, bound if bound == "at least" else None,
                        None if bound == "at least" else bound, _n(m.group(3)))


def _rule_highlights(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"highlight\s+at least\s+" + _NUM, instr, re.I)
    if not m:
        return None
    count = len(re.findall(r"\*[^\n*]+\*", output))
    return _count_bound("highlighted sections", count, "at least", None, _n(m.group(1)))


def _rule_sections(instr: str, output: str) -> InstructionResult | None:
    m = re.search(_NUM + r"\s+sections?[^\n]*?(?:mark|begin|start)[^.]*?with\s+['\"]?(\w+)\s*X", instr, re.I)
    if not m:
        return None
    count = len(re.findall(r"\b" + re.escape(m.group(2)) + r"\s+\d+", output))
    n = _n(m.group(1))
    return InstructionResult(f"{n} sections", count == n, f"{count} section markers")


def _rule_placeholders(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"at least\s+" + _NUM + r"\s+placeholders?", instr, re.I)
    if not m:
        return None
    count = len(re.findall(r"\[[^\]]+\]", output))
    return _count_bound("placeholders", count, "at least", None, _n(m.group(1)))


def _rule_title(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"title[^.]*<<", instr, re.I):
        ok = re.search(r"<<[^\n]+>>", output) is not None
        return InstructionResult("title in <<>>", ok, "title found" if ok else "no <<title>>")
    return None


def _rule_postscript(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"postscript[^.]*?(P\.+\s*P?\.?\s*S\.?|P\.S\.)", instr, re.I)
    if not m:
        return None
    marker = m.group(1).strip()
    ok = marker.rstrip(".").lower().replace(" ", "") in output.lower().replace(" ", "")
    return InstructionResult("postscript", ok, f"{marker} {'found' if ok else 'missing'}")


def _rule_end_phrase(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"(?:finish|end)[^.]*?(?:exact (?:phrase|sentence|words?)|with the (?:phrase|sentence)|with)\s*[:]?\s*['\"]([^'\"]+)['\"]", instr, re.I)
    m = m or re.search(r"(?:finish|end)[^.]*?exact phrase\s*[:]?\s*(.+?)(?:\.\s+No other|\s*$)", instr, re.I)
    if not m:
        return None
    ok = output.strip().rstrip(" .!\"'").lower().endswith(m.group(1).strip().rstrip(" .!").lower())
    return InstructionResult("ends with phrase", ok, f"ends with {output.strip()[-40:]!r}")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _rule_repeat(instr: str, output: str, prompt: str) -> InstructionResult | None:
    if not re.search(r"repeat the (?:exact )?(?:request|question|prompt|instruction)", instr, re.I) or not prompt:
        return None
    # The request is the prompt without the repeat instruction itself; its opening words must open the output.
    request = re.split(r"(?:First,? )?repeat the (?:exact )?(?:request|question|prompt|instruction)", prompt, flags=re.I)[0]
    head = _norm(request)[:60]
    ok = bool(head) and _norm(output).startswith(head)
    return InstructionResult("repeat the request first", ok, "repeated" if ok else "the output does not open with the request")


_PLACEHOLDER = re.compile(r"\{\{?[\w.]+\}?\}|%[sd]|%\(\w+\)s")


def _rule_keep_placeholders(instr: str, output: str, prompt: str) -> InstructionResult | None:
    """'Keep the placeholders exactly as written': every {name} of the prompt is in the output, unchanged.

    Also 'Keep {{guest_first_name}} and {{rsvp_deadline}} as written': the placeholders the rule names.
    """
    keep = r"\b(?:keep|preserve|leave|retain|(?:do not|don't|never) (?:translate|alter|change|modify|touch|replace))\b"
    # ("Keep placeholders such as {{...}} and {...}": a pattern for placeholders, naming none.)
    named = [p for p in _PLACEHOLDER.findall(instr) if re.search(r"\w", p)] if re.search(keep, instr, re.I) else []
    if named:
        wanted = dict.fromkeys(named)
    elif re.search(keep + r"[^.]{0,40}\b(?:placeholders?|curly braces|braces|variables|template (?:tags|variables))",
                   instr, re.I):
        wanted = dict.fromkeys(_PLACEHOLDER.findall(prompt))
    else:
        return None
    if not wanted:
        return None
    missing = [p for p in wanted if p not in output]
    return InstructionResult("placeholders kept", not missing, f"missing {', '.join(missing[:3])}" if missing else "all kept")


_READING_LEVEL = re.compile(
    r"\b(?P<grade>\d{1,2})(?:st|nd|rd|th)[- ]grade(?: reading)? level\b|\bplain[- ](?:english|language)\b|"
    r"\b(?:avoid|no|without|free of)\b(?: \w+){0,3} jargon\b|\bjargon[- ]free\b|"
    r"\bexplain (?:it )?like I'?m (?:five|5)\b|\beli5\b|\b(?:simple|easy) enough for (?:a )?(?:child|kid)|"
    r"\b(?:a|an) (?P<age>\d{1,2})[- ]year[- ]old (?:can|could|would|will) (?:understand|read|follow)|"
    # "Can you explain quantum entanglement to my 10-year-old?"
    r"\b(?:explain|describe)\b[^.?!]{0,80}\bto (?:my |a |an |our |his |her )?(?P<kid>\d{1,2})[- ]year[- ]old\b", re.I)


def _syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate behind readability formulas."""
    w = word.lower()
    n = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(1, n)


def check_reading_level(instructions: Sequence[str], output: str, prompt: str) -> InstructionResult | None:
    """'Plain English', '8th-grade reading level': the output's Flesch-Kincaid grade within reach of it.

    Read from the stated instructions, else the prompt's sentences. A register rule, not a checklist item:
    the signals count a failure with slang and condescension (a style fault), so a refusal stays a refusal.
    """
    found = [res for text in instructions or _prompt_sentences(prompt)
             if (res := _rule_reading_level(text, output)) is not None]
    return next((res for res in found if not res.passed), found[0] if found else None)


def _rule_reading_level(instr: str, output: str) -> InstructionResult | None:
    """The grade is an estimate from sentence and word length, so a reply fails only when it reads four or
    more grades above the target (plain English: grade 8)."""
    m = _READING_LEVEL.search(instr)
    if not m:
        return None
    words = [w for w in _words(output) if any(ch.isalpha() for ch in w)]
    if len(words) < 15:
        return None
    age = m["age"] or m["kid"]
    target = int(m["grade"]) if m["grade"] else int(age) - 5 if age else (
        8 if re.search(r"\bplain|jargon", m.group(), re.I) else 3)
    n_sent = max(1, len(_sentences(output)))
    grade = 0.39 * len(words) / n_sent + 11.8 * sum(map(_syllables, words)) / len(words) - 15.59
    if re.search(r"acronyms?|abbreviations?|jargon", instr, re.I):
        # Shorthand ("PO q8h PRN", "OSAT back-end WSPW") reads as short words; count it instead.
        acronyms = set(re.findall(r"\b[A-Z][A-Z0-9]{1,5}s?\b", output))
        if len(acronyms) >= 4:
            return InstructionResult(f"reading level (grade {target})", False, f"uses {len(acronyms)} acronyms")
    return InstructionResult(f"reading level (grade {target})", grade <= target + 4, f"reads at grade {grade:.0f}")


def _rule_only_value(instr: str, output: str) -> InstructionResult | None:
    """'Reply with the category only': the whole output is that one value."""
    if not re.search(r"\b(?:reply|respond|answer|return|output)\w*\s+(?:with\s+)?(?:only|just)\s+(?:the\s+|a\s+|one\s+)?"
                     r"(?:single\s+)?(?:category|label|class|word|number|letter|digit|score|yes or no)\b|"
                     # "Return only the grand total as a plain number", "Answer with only the dollar amount".
                     r"\b(?:reply|respond|answer|return|output|give)\w*\s+(?:with\s+)?(?:only|just)\s+the\s+(?:[\w-]+\s+){0,2}"
                     r"(?:total|amount|value|figure|date|price|number|percentage|rate|id)\b(?!\s+(?:and|with|plus|followed)\b)|"
                     r"\b(?:reply|respond|answer|return|output)\w*\s+(?:with\s+)?(?:the\s+|a\s+|one\s+|exactly one\s+)?"
                     r"(?:single\s+)?(?:category|label|class|word|number|letter|digit|score)(?:\s+name)?\s+(?:only\b|"
                     r"from the (?:list|options|categories)\b)|"
                     # A stated instruction that is just the rule: "Label only", "Category name only".
                     r"^\s*(?:the\s+)?(?:category|label|class|number|score)(?:\s+name)?\s+only\W*$|"
                     r"\bclassify\b[^.\n]{0,80}?\b(?:as|into)\s+exactly\s+one\s+of\b", instr, re.I):
        return None
    if re.search(r"\b(?:explain|justify|reason|rationale|why)\b", instr, re.I):
        return None  # "... and explain why": the value comes with its reasons
    words = len(_words(output))
    ok = words <= 4 and "\n" not in output.strip()
    return InstructionResult("only the value", ok, f"{words} words")


def _rule_quotes(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"wrap[^.]*(entire|whole)[^.]*double quot", instr, re.I):
        s = output.strip()
        ok = len(s) > 1 and s[0] == '"' and s[-1] == '"'
        return InstructionResult("wrapped in double quotes", ok, "wrapped" if ok else "not wrapped")
    return None


def _rule_no_fence(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"(do not|don't|never)\s+wrap[^.]*(```|fence|code block)", instr, re.I):
        ok = "```" not in output
        return InstructionResult("no code fences", ok, "no fences" if ok else "output uses ``` fences")
    return None


def _rule_table(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"\b(?:as|in|into) (?:a |an |one )?(?:markdown |md |html )?table\b|\bmarkdown table\b|"
                 r"\b(?:return|format|output|give|answer|present)\w*\b[^.]{0,30}\b(?:a|an|one) (?:markdown )?table\b",
                 instr, re.I):
        ok = bool(re.search(r"^\s*\|.*\|\s*$", output, re.M)) and bool(re.search(r"^\s*\|?\s*:?-{3,}", output, re.M))
        return InstructionResult("a table", ok, "has a table" if ok else "no table rows (| ... |) in the output")
    return None


def _rule_list(instr: str, output: str) -> InstructionResult | None:
    # ("For the bid package checklist, return ... as JSON" names a checklist; it does not ask for one.)
    if re.search(r"\b(?:(?:as|in|into|write|create|make|give|produce|return|provide|draft)\b[^.,]{0,20}\bchecklist|bullet(?:ed)? list|numbered list|(?:as|in|into) (?:a )?(?:bulleted |numbered )?list|"
                 r"(?:as|in|use) bullet(?: point)?s)\b", instr, re.I):
        items = len(_LIST_ITEM.findall(output))
        return InstructionResult("a list", items >= 2, f"{items} list items")
    return None


_NAMED_PARTS = re.compile(r"\bwith (?:the )?(?:following )?(?:sections|headings|headers|columns|fields|parts)"
                          r"(?: for)?\s*:?\s+([^.\n]+)", re.I)


def _rule_named_parts(instr: str, output: str) -> InstructionResult | None:
    """'With sections: Summary, Impact, Timeline (UTC), Root cause, Action items': each named part appears."""
    m = _NAMED_PARTS.search(instr)
    if not m:
        return None
    listed = re.sub(r"\([^)]*\)", "", m.group(1))
    names = [n.strip(" '\"`*") for n in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+", listed)]
    names = [n for n in names if n and len(n.split()) <= 5]
    if len(names) < 3:
        return None

    def norm(text: str) -> str:
        return re.sub(r"[\s_-]+", " ", text.lower())

    missing = [n for n in names if norm(n) not in norm(output)]
    return InstructionResult(f"{len(names)} named parts", not missing,
                             f"missing {', '.join(missing[:3])}" if missing else "all present")


# A command: in backticks or a fenced block, or a line that starts with a lower-case program name and passes
# it a flag ("cilium hubble enable --ui").
_COMMAND_LINE = re.compile(r"```|`[^`\n]+`|^\s*(?:\$ )?[a-z][\w.-]*(?: +\S+)*? +--?[a-zA-Z][^\n]*$", re.M)


_ASKS_COMMANDS = re.compile(r"\b(?:exact|the|which|what|give me(?: the)?|list(?: the)?)\s+(?:[\w-]+\s+){0,2}?(?:cli\s+|"
                            r"shell\s+|terminal\s+)?commands?\b(?! (?:line|center|centre|palette|prompt|of)\b)|"
                            r"\b(?:cli|shell) commands only\b", re.I)


def _rule_commands(instr: str, output: str) -> InstructionResult | None:
    """'Give me the exact commands': the answer holds at least one command line, not a description of one."""
    if "command" not in instr.lower() or not _ASKS_COMMANDS.search(instr):
        return None
    lines = _COMMAND_LINE.findall(output)
    return InstructionResult("command lines given", bool(lines), f"{len(lines)} command lines")


# What a code answer leaves for the reader to write: a body of `todo!()`, "// ...set up the timer here".
_STUB = re.compile(r"\btodo!\(\)|\bunimplemented!\(\)|raise NotImplementedError|throw new Error\(['\"]not implemented|"
                   r"^\s*(?://|#)\s*(?:\.\.\.|…|TODO\b)|\bfill in the (?:rest|remaining|details|logic)\b|"
                   # "// add password rules here", "# your validation goes here"
                   r"^\s*(?://|#|/\*)\s*(?:add|insert|put|implement|write|your)\b[^\n]{0,40}\b(?:here|goes here)\b",
                   re.I | re.M)


_ASKS_FULL_CODE = re.compile(r"\b(?:implement|(?:write|generate|give me|provide|build|create) (?:a |an |the )?(?:complete|"
                             r"full|working|entire)|complete,? (?:typed|working)? ?(?:implementation|function|hook|class|"
                             r"module|script)|complete,? (?:and )?(?:runnable|working) code|runnable code)\b", re.I)


def _rule_complete_code(instr: str, output: str) -> InstructionResult | None:
    """'Implement ...', 'write a complete ...': the code given has no stubbed-out bodies."""
    low = instr.lower()
    if not any(w in low for w in ("implement", "complete", "full", "working", "runnable")) or \
            not _ASKS_FULL_CODE.search(instr):
        return None
    stubs = _STUB.findall(output)
    return InstructionResult("complete code", not stubs, f"{len(stubs)} stubbed parts" if stubs else "no stubs")


_KEEP_CODE = re.compile(r"\b(?:do not|don't|never|without) (?:modify|modifying|change|changing|rewrite|rewriting|alter|"
                        r"altering|refactor|refactoring|touch|touching) (?:the|this|that|my|our|its) (?:existing )?"
                        r"(?:function|component|class|method|code|module|implementation|query)\b", re.I)


def _rule_code_unchanged(instr: str, output: str, prompt: str) -> InstructionResult | None:
    """'Do not modify the function': the answer does not define again the code it was given."""
    low = instr.lower()
    if not any(w in low for w in ("modif", "chang", "rewrit", "alter", "refactor", "touch")):
        return None
    if not _KEEP_CODE.search(instr):
        return None
    given = re.findall(r"\b(func|def|function|class|fn|interface|struct)\s+(\w+)", prompt)
    redefined = [name for kw, name in given if re.search(r"\b" + kw + r"\s+" + re.escape(name) + r"\b", output)]
    if not given:
        return None
    return InstructionResult("given code left unchanged", not redefined,
                             f"redefines {redefined[0]}" if redefined else "not redefined")


# (A quoted word, "never use 'guarantee'", is the forbidden-words rule's: `_rule_keywords`. "Our config has no
# ssl_protocols line" describes; it bans nothing.)
_BANNED_CODE = re.compile(r"\b(?i:never|do not|don't|avoid|(?<!\bhas )(?<!\bhave )(?<!\bhad )(?<!\bwith )(?<!\bthere's )"
                          r"(?<!\bthere is )(?<!\bthere are )no)\s+(?i:use\s+|using\s+)?(`[^`]{1,30}`|SELECT \*|"
                          r"(?:TOP|QUALIFY|NOLOCK|DISTINCT|CROSS JOIN|NATURAL JOIN|ORDER BY RAND|GOTO)\b|"
                          # A name only code has: RunSQL, eval(), os.system, raw_sql.
                          r"[A-Z][a-z0-9]+[A-Z]\w*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?|[A-Za-z_]\w*\(\)|"
                          r"[a-z][a-z0-9]*_[a-z0-9_]+)(?![\w.-])|"
                          # "Do not use UDFs": an acronym after "use" names a construct ("no PII" does not).
                          r"\b(?i:never|do not|don't|avoid)\s+(?i:use|using)\s+(?:any\s+)?([A-Z]{2,6})s?\b")


def _rule_banned_code(instr: str, output: str) -> InstructionResult | None:
    """'Never use SELECT *', "don't use `any`": a code construct that must not appear, found in any case."""
    m = _BANNED_CODE.search(instr)
    if not m:
        return None
    token = (m.group(1) or m.group(2)).strip("`")
    if not token.strip():
        return None
    pattern = re.escape(token).replace(r"\ ", r"\s+") + r"(?![\w])"
    if token.endswith("()"):
        pattern = re.escape(token[:-2]) + r"\s*\("  # "no eval()" is broken by eval(s)
    found = re.search(r"(?<![\w])" + pattern, output, re.I)
    return InstructionResult(f"no {token}", found is None, f"uses {token}" if found else f"no {token}")


# "No dynamic memory allocation (no malloc/free)", "never call printf or puts": functions named in a ban, two or
# more joined by a slash or "or". Only a call (`malloc(`) breaks it, so a ban on "tables or lists" cannot fire.
_BANNED_CALLS = re.compile(r"\b(?:no|never (?:use|call)|do not (?:use|call)|don't (?:use|call)|avoid)\s+(?:calls? to\s+)?"
                           r"([a-z_]\w*(?:\(\))?(?:\s*(?:/|,|\bor\b)\s*[a-z_]\w*(?:\(\))?)+)", re.I)


def _rule_banned_calls(instr: str, output: str) -> InstructionResult | None:
    """'No malloc/free': none of the named functions is called."""
    m = _BANNED_CALLS.search(instr)
    # Read only against code (a fenced block, or lines that end in ; { or }): "no emojis or slang" is no ban on calls.
    if not m or not re.search(r"```|[;{}]\s*$", output, re.M):
        return None
    names = [n.removesuffix("()") for n in re.split(r"\s*(?:/|,|\bor\b)\s*", m.group(1)) if n]
    called = [n for n in names if re.search(r"(?<![\w.$])" + re.escape(n) + r"\s*\(", output)]
    # Plain words ("no prose or markdown") name no function: unless one is called, the ban is not about calls.
    if not called and not re.search(r"\bcalls?\b|\bfunctions?\b|\(\)", instr):
        return None
    return InstructionResult(f"no {'/'.join(names)} calls", not called,
                             f"calls {called[0]}" if called else "none called")


_STDLIB_ONLY = re.compile(r"\b(?:standard[- ]library only|only (?:the )?(?:python |go )?standard library|(?:only )?"
                          r"(?:node(?:\.js)? )?built-?in modules|no (?:npm|pip|third[- ]party|external) (?:packages|"
                          r"libraries|modules|dependencies|crates)|std only)\b", re.I)
_RUST_CRATE = re.compile(r"^\s*(?:pub\s+)?use\s+(?:::)?([A-Za-z_]\w*)::|^\s*extern\s+crate\s+(\w+)", re.M)
_RUST_OWN = frozenset(("std", "core", "alloc", "crate", "self", "super"))
# (JavaScript's "import debounce from 'lodash-es/debounce'" names a package in quotes: no Python import.)
_PY_IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)(?![^\n]*['\"])", re.M)
_JS_IMPORT = re.compile(r"(?:\bfrom\s+|\brequire\(\s*|^\s*import\s+)['\"]([^'\"./][^'\"]*)['\"]", re.M)
# A Go import path under a domain ("github.com/gin-gonic/gin") is a module from outside the standard library.
_GO_IMPORT = re.compile(r'^\s*(?:import\s+)?(?:[\w.]+\s+)?"((?:[a-z0-9-]+\.)+[a-z]{2,}/[^"\s]+)"', re.M)
_NODE_BUILTINS = frozenset("assert buffer child_process cluster crypto dgram dns events fs http http2 https net os path "
                           "perf_hooks process querystring readline stream string_decoder timers tls url util vm "
                           "worker_threads zlib".split())


def _third_party_imports(output: str) -> list[str]:
    """What the code imports from outside its language's standard library: Python modules, npm packages (Node's
    built-ins aside), Rust crates, Go modules under a domain."""
    outside = [m for m in _PY_IMPORT.findall(output) if m not in sys.stdlib_module_names]
    # (A path alias, "#imports", "~/utils", "@/stores", is the project's own code.)
    outside += [m for m in _JS_IMPORT.findall(output) if not m.startswith(("node:", "#", "~", "@/")) and
                m.split("/")[0] not in _NODE_BUILTINS]
    outside += [a or b for a, b in _RUST_CRATE.findall(output) if (a or b) not in _RUST_OWN]
    if re.search(r"^\s*package \w+", output, re.M):
        outside += _GO_IMPORT.findall(output)
    return outside


def _rule_stdlib_only(instr: str, output: str) -> InstructionResult | None:
    """'Standard library only', 'only Node.js built-in modules', 'std only': no third-party package (Python module,
    npm package, Rust crate) is imported."""
    low = instr.lower()
    if not any(w in low for w in ("standard", "built-in", "builtin", "npm", "pip", "third", "external", "std")):
        return None
    if not _STDLIB_ONLY.search(instr):
        return None
    outside = _third_party_imports(output)
    return InstructionResult("standard library only", not outside, f"imports {outside[0]}" if outside else "none")


_ESM_IMPORT = re.compile(r"^\s*import\s+(?:[\w*{}\s,]+\s+from\s+)?['\"]|^\s*export\s+(?:default|const|function|"
                         r"class)\b", re.M)
_CJS_REQUIRE = re.compile(r"\brequire\(\s*['\"]|\bmodule\.exports\b")


def _rule_module_system(instr: str, output: str) -> InstructionResult | None:
    """'Use CommonJS require' / 'use ES modules': the JavaScript given loads its modules that way."""
    if re.search(r"\bcommon ?js\b", instr, re.I):
        found = _ESM_IMPORT.search(output)
        return InstructionResult("CommonJS modules", found is None,
                                 f"uses {found.group(0).strip()[:30]!r}" if found else "require() only")
    if re.search(r"\b(?:es|ecmascript) modules\b|\besm\b|\bimport/export syntax\b", instr, re.I):
        found = _CJS_REQUIRE.search(output)
        return InstructionResult("ES modules", found is None,
                                 f"uses {found.group(0).strip()[:30]!r}" if found else "import/export only")
    return None


_ONLY_PACKAGES = re.compile(r"\bno (?:other )?(?:packages|dependencies|libraries|modules|gems|crates) (?:other than|"
                            r"besides|except|apart from|beyond) ([\w@/.-]+(?:(?:,\s*|\s+(?:and|or)\s+)[\w@/.-]+)*)|"
                            # "Do not add any new npm dependencies; we only have vue, nuxt and pinia."
                            r"\b(?:do not|don't|no|never|without) (?:add(?:ing)? )?(?:any )?new (?:npm |pip |third[- ]party )?"
                            r"(?:packages|dependencies|libraries|modules|gems|crates)\b[^.]{0,6}?\s*(?:we |the project )?"
                            r"(?:only )?(?:have|has|uses?|are using)(?: only)? ([\w@/.-]+(?:(?:,\s*|,?\s+(?:and|or)\s+)[\w@/.-]+)*)|"
                            r"\bonly (?:depend on|use|import) ([\w@/.-]+(?:(?:,\s*|\s+(?:and|or)\s+)[\w@/.-]+)*) "
                            r"(?:as (?:a |the )?(?:dependency|dependencies|packages?))\b", re.I)


def _rule_only_packages(instr: str, output: str) -> InstructionResult | None:
    """'No packages other than express': the code imports nothing else (a built-in module is no package)."""
    m = _ONLY_PACKAGES.search(instr)
    if not m:
        return None
    allowed = {a.lower().rstrip(".") for a in re.split(r",?\s+(?:and|or)\s+|,\s*", m.group(1) or m.group(2) or m.group(3))}
    outside = [n for n in _third_party_imports(output) if n.lower() not in allowed
               and n.split("/")[0].lower() not in allowed]
    return InstructionResult(f"no packages other than {', '.join(sorted(allowed))}", not outside,
                             f"imports {outside[0]}" if outside else "none")


_CITES = re.compile(r"\bcit(?:e|ing)\s+(?:the\s+)?(?:relevant\s+|source\s+)?(?:(?:statute|regulation|code|rule)\s+or\s+"
                    r"(?:statute|regulation|code|rule)\s+)?(?:section|clause|article|paragraph|page)"
                    r"(?:\s+(?:numbers?|references?))?s?\b", re.I)
_CITATION = re.compile(r"§|\b(?:sections?|clauses?|art(?:icle)?s?\.?|paragraphs?|para\.|pages?|p\.)\s*\(?\d", re.I)


def _rule_citations(instr: str, output: str) -> InstructionResult | None:
    """'Cite the section number for each point': the output cites at least one section, clause or page."""
    if not _CITES.search(instr):
        return None
    found = len(_CITATION.findall(output))
    return InstructionResult("sections cited", found > 0, f"{found} citations")


_CSV_HEADER = re.compile(r"\bcsv\b[^.\n]{0,40}?\bheader(?: row| line)?(?:\s*:|\s+(?:of|is|row))?\s*[`'\"]?"
                         r"([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)+)", re.I)


def _rule_csv_header(instr: str, output: str) -> InstructionResult | None:
    """'CSV with header date,category,amount,currency': the first line of the CSV is that header."""
    m = _CSV_HEADER.search(instr)
    if not m:
        return None
    body = re.sub(r"^\s*```[\w-]*\s*\n", "", output.strip())
    first = next((ln for ln in body.splitlines() if ln.strip()), "")
    want = re.sub(r"\s+", "", m.group(1)).lower()
    ok = re.sub(r"\s+", "", first).lower() == want
    return InstructionResult(f"CSV header {m.group(1)}", ok, "header as asked" if ok else f"first line {first[:40]!r}")


# Dates written in a named layout, and how to spot each layout in an output.
_DATE_LAYOUTS = {
    "YYYY-MM-DD": r"\b\d{4}-\d{2}-\d{2}\b",
    "DD-MMM-YYYY": r"\b\d{2}-[A-Za-z]{3}-\d{4}\b",
    "MM/DD/YYYY": r"\b\d{2}/\d{2}/\d{4}\b",
    "DD/MM/YYYY": r"\b\d{2}/\d{2}/\d{4}\b",
    "DD.MM.YYYY": r"\b\d{2}\.\d{2}\.\d{4}\b",
}
_ANY_DATE = re.compile("|".join(f"(?:{p})" for p in _DATE_LAYOUTS.values()))


def _rule_date_layout(instr: str, output: str) -> InstructionResult | None:
    """'Write dates as DD-MMM-YYYY', 'ISO 8601 dates': every date the output writes is in that layout."""
    asked = next((k for k in _DATE_LAYOUTS if k in instr.upper()), None)
    if asked is None and re.search(r"\biso[- ]?8601\b|\biso dates?\b", instr, re.I):
        asked = "YYYY-MM-DD"
    if asked is None or not re.search(r"\bdates?\b", instr, re.I):
        return None
    dates = _ANY_DATE.findall(output)
    if not dates:
        return None
    other = [d for d in dates if not re.fullmatch(_DATE_LAYOUTS[asked], d)]
    return InstructionResult(f"dates as {asked}", not other, f"writes {other[0]}" if other else "all in layout")


def _rule_whole_dollars(instr: str, output: str) -> InstructionResult | None:
    """'Round every amount to whole dollars': no amount in the output carries cents."""
    if not re.search(r"\bwhole dollars?\b|\bno cents\b|\bround(?:ed)? to the nearest dollar\b", instr, re.I):
        return None
    cents = re.findall(r"\$\s?\d[\d,]*\.\d{2}\b", output)
    return InstructionResult("whole dollars", not cents, f"writes {cents[0]}" if cents else "no cents")


def _rule_one_statement(instr: str, output: str) -> InstructionResult | None:
    """'Return exactly one SQL statement': the output holds one statement, not alternatives."""
    if not re.search(r"\b(?:exactly|only) one (?:sql )?(?:statement|query)\b|\ba single (?:sql )?(?:statement|query)\b",
                     instr, re.I):
        return None
    code = re.sub(r"--[^\n]*|/\*.*?\*/|'[^']*'", " ", output, flags=re.S)
    statements = [part for part in code.split(";") if re.search(r"\b(?:select|insert|update|delete|create|alter|"
                                                                r"drop|merge)\b", part, re.I)]
    return InstructionResult("one SQL statement", len(statements) <= 1, f"{len(statements)} statements")


_SQL_KEYS = ("sql", "query", "statement", "sql_query")


def _query_text(output: str) -> str:
    """Where the query is in an output: the string under "sql" in a JSON answer ({"sql": "...", "notes": ...}),
    the fenced code blocks of a prose answer, else the output (a prose answer's `inline code` unquoted: its
    backticks are Markdown, not MySQL identifiers)."""
    text = output.strip()
    if text[:1] == "{":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            payload = None
        if isinstance(payload, dict):
            found = next((payload[k] for k in _SQL_KEYS if isinstance(payload.get(k), str)), None)
            if found is not None:
                return found
    blocks = re.findall(r"```[\w+-]*\n(.*?)```", output, re.S)
    if blocks:
        return "\n".join(blocks)
    if not re.match(r"\s*(?:select|with|insert|update|delete|merge|create|alter|drop)\b", output, re.I):
        return re.sub(r"`([^`\n]+)`", r"\1", output)
    return output


def _sql_code(output: str) -> str | None:
    """The output's SQL without comments and string literals, or None when it holds no query."""
    code = re.sub(r"--[^\n]*|/\*.*?\*/", " ", _query_text(output), flags=re.S)
    if not re.search(r"\bselect\b[\s\S]+\bfrom\b|\b(?:update|delete from|insert into|merge into)\b", code, re.I):
        return None
    return re.sub(r"'[^'\n]*'", " ", code)


# "Always exclude test accounts (customers.is_test = true)", "must exclude per-diem staff (fte = 0)": a standing
# filter spelled out as predicates; each predicate's column must appear in the query.
_FILTER_RULE = re.compile(r"\b(?:exclude|excluding|filter(?:ed)? out|leave out|skip|include only|only include|"
                          r"restrict(?:ed)? to|limit(?:ed)? to)\b[^.;]{0,80}?\(", re.I)
_PREDICATE = re.compile(r"(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)\s*(?:=|<>|!=|<=|>=|<|>|\bis\b|\bin\b|\blike\b)", re.I)


def _rule_required_filter(instr: str, output: str) -> InstructionResult | None:
    """'Exclude voided orders (status = 'voided') and comped items (is_comped = true)': the query reads every
    column those predicates name (a query that never mentions `is_test` cannot have excluded test accounts)."""
    m = _FILTER_RULE.search(instr)
    if not m:
        return None
    parens = re.findall(r"\(([^()]{3,80})\)", instr[m.end() - 1:])
    columns = [c for p in parens if (pm := _PREDICATE.match(p.strip())) for c in [pm.group(1)]]
    code = _sql_code(output)
    if not columns or code is None:
        return None
    missing = [c for c in columns if not re.search(r"(?<![\w$])" + re.escape(c) + r"(?![\w$])", code, re.I)]
    return InstructionResult(f"filters on {', '.join(columns)}", not missing,
                             f"never reads {missing[0]}" if missing else "reads every filter column")


_ROW_CAP = re.compile(r"\b(?:include|add|use|with|must have|always (?:add|use|include)|every query must (?:have|"
                      r"include))\b[^.;]{0,30}?\bLIMIT\b(?:\s+(?:of\s+)?(\d+))?|\b(?:at most|no more than|up to|"
                      r"cap(?:ped)? at) (\d+) rows\b|\blimit (?:the )?(?:results?|output|rows) to (\d+)\b", re.I)
_ROW_CLAUSE = re.compile(r"\bLIMIT\s+(\d+)|\bTOP\s*\(?\s*(\d+)|\bFETCH\s+(?:FIRST|NEXT)\s+(\d+)", re.I)


_ROW_LEVEL = re.compile(r"\b(?:non-?aggregat\w*|un-?aggregated|row-level|detail-level|raw rows?)\b", re.I)
_AGGREGATES = re.compile(r"\bgroup\s+by\b|\b(?:count|sum|avg|min|max)\s*\(", re.I)


def _aggregate_exempt(instr: str, code: str) -> bool:
    """'Row-level (non-aggregated) queries must end with LIMIT 1000': a query that aggregates is exempt."""
    return bool(_ROW_LEVEL.search(instr)) and bool(_AGGREGATES.search(code))


def _rule_row_cap(instr: str, output: str) -> InstructionResult | None:
    """'Every query must include LIMIT 500 or lower': the query caps its rows (LIMIT, TOP or FETCH FIRST) at no
    more than the stated number."""
    m = _ROW_CAP.search(instr) if not _ENDS_WITH_CLAUSE.search(instr) else None  # "end with LIMIT 100": its own rule
    code = _sql_code(output) if m else None
    if m is None or code is None or _aggregate_exempt(instr, code):
        return None
    cap = next((int(g) for g in m.groups() if g), None)
    clauses = [int(next(g for g in c.groups() if g)) for c in _ROW_CLAUSE.finditer(code)]
    ok = bool(clauses) and (cap is None or max(clauses) <= cap)
    return InstructionResult(f"row cap{f' <= {cap}' if cap else ''}", ok,
                             f"caps at {max(clauses)}" if clauses else "no LIMIT, TOP or FETCH FIRST")


_DECLINES = re.compile(r"\b(?:can't|cannot|can not|unable to|not able to|won't|will not|don't have|do not have|"
                       r"doesn't (?:include|have|contain)|does not (?:include|have|contain)|isn't possible)\b", re.I)
_ASKS_QUERY = re.compile(r"^\W*(?:please\s+)?(?:write|give|generate|create|draft|return|produce)(?: me| us)? (?:a|an|the|one)"
                         r" (?:(?:sql|postgres(?:ql)?|mysql|sqlite|t-sql|single|read-only) )*(?:query|select statement)\b",
                         re.I)


ARTIFACT_CONSTRAINTS = frozenset(f"a {what} given" for what in ("query", "test"))
"""The constraints `_artifact_given` reports: a failed one means the output did another job than the one asked."""


def _artifact_given(what: str, asked: bool, given: bool, output: str) -> InstructionResult | None:
    """A query or a test asked for: is one in the output? (A reply that says why it wrote none is a refusal or an
    abstention, read elsewhere.)"""
    if not asked or _DECLINES.search(output[:600]):
        return None
    return InstructionResult(f"a {what} given", given, f"has a {what}" if given else f"no {what} in the output")


def _rule_query_given(instr: str, output: str) -> InstructionResult | None:
    """'Write a query: ...': the output holds a query, not advice on the topic of the question."""
    asked = _ASKS_QUERY.search(instr) is not None
    return _artifact_given("query", asked, asked and _sql_code(output) is not None, output)


_ASKS_TEST = re.compile(r"^\W*(?:please\s+)?(?:write|add|give|generate|create)(?: me| us)? "
                        r"(?:a|an|the|some|one|two|three)?\s*(?:[\w+#.-]+ ){0,4}?"
                        r"(?:unit |integration |regression |end-to-end |e2e )?tests?\b(?! plan)", re.I)
# What a test looks like in the common frameworks: JUnit/xUnit attributes, pytest and Go test functions, Rust's
# #[test], Jest/Mocha/Vitest blocks, RSpec examples.
_TEST_CODE = re.compile(r"@Test\b|@ParameterizedTest\b|\[(?:Fact|Theory|Test|TestMethod)\]|^\s*(?:async )?def test_\w*\(|"
                        r"^\s*func Test\w*\(|#\[(?:tokio::)?test\]|\b(?:it|test|describe)\(\s*['\"`]|"
                        r"^\s*(?:fun|void) `?test\w*|\bassert(?:Equals|That|True|_eq!|\.equal)\b|\bexpect\(", re.M)


def _rule_test_given(instr: str, output: str) -> InstructionResult | None:
    """'Write a JUnit 5 unit test for this service': the output holds a test (a refactor of the service, or advice
    on testing, is not one)."""
    asked = _ASKS_TEST.search(instr) is not None
    return _artifact_given("test", asked, asked and _TEST_CODE.search(output) is not None, output)


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


# "Direct the employee to HR Compliance (hrcompliance@ternbridge.com)", "link to https://...": a contact or a
# page the answer must pass on.
_REFER = re.compile(r"\b(?:direct|refer|point|send|route|redirect|escalate|link|include|give|provide|share|mention)\w*\b"
                    r"[^.;]{0,120}?([\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[^\s)\]]+)", re.I)


def _rule_contact_given(instr: str, output: str) -> InstructionResult | None:
    """An instruction to refer the user to an address or a page: the output gives that address. 'If the excerpts
    do not cover it, say so and point them to peopleops@...' asks it only on a condition no check can see."""
    m = _REFER.search(instr)
    if not m or _conditional_clause(instr, m.start(), m.end()):
        return None
    contact = m.group(1).rstrip(".,")
    given = contact.lower() in output.lower()
    return InstructionResult(f"refers to {contact}", given, "gives it" if given else "never gives it")


_ONE_OF = re.compile(r"\b(?:return|answer|reply|respond|output|choose|pick|select|label|classify)\w*\b[^.\n]{0,40}?"
                     r"(?<!exactly )\bone of\s*:?\s*([^.\n]+)", re.I)


def _rule_one_of(instr: str, output: str) -> InstructionResult | None:
    """'Return one of: POSITIVE, NEUTRAL, NEGATIVE': the output names at least one of the options (labels in
    capitals as written)."""
    m = _ONE_OF.search(instr)
    if not m or _rule_only_value(instr, output) is not None:
        return None  # "reply with the label only": the label alone was asked for, a rule of its own
    listed = re.split(r"\s+and\s+(?:a|an|the)\b", m.group(1))[0]
    options = [o.strip(" '\"`*()[]") for o in re.split(r",\s*(?:or\s+)?|\s+or\s+|\s*/\s*|\s*\|\s*", listed)]
    options = [o for o in options if o and len(o.split()) <= 3 and not re.search(r"\bfollowing\b", o, re.I)]
    if len(options) < 2:
        return None
    caps = all(o.upper() == o for o in options)
    named = [o for o in options if re.search(r"(?<!\w)" + re.escape(o) + r"(?!\w)", output, 0 if caps else re.I)]
    return InstructionResult(f"one of {', '.join(options[:4])}", bool(named),
                             f"names {named[0]}" if named else "names none of them")


_STARTS_WITH = re.compile(r"\b(?:start|begin|open)\w*\s+(?:(?:your|the|each|every)\s+)?(?:answer|response|reply|"
                          r"output|message)?\s*with\s+(?:either\s+)?([\"'“‘][^\"'”’]{1,30}[\"'”’]|yes)\s+or\s+"
                          r"([\"'“‘][^\"'”’]{1,30}[\"'”’]|no)(?!\w)", re.I)


def _rule_starts_with(instr: str, output: str) -> InstructionResult | None:
    """'Start the answer with Yes or No': the output's first word is one of the options."""
    m = _STARTS_WITH.search(instr)
    if not m:
        return None
    options = [o.strip("\"'“”‘’").lower() for o in m.groups()]
    opening = re.sub(r"^[\s*_#>\"'`]+", "", output).lower()
    ok = any(opening.startswith(o) and not opening[len(o):len(o) + 1].isalnum() for o in options)
    return InstructionResult(f"starts with {' or '.join(options)}", ok, f"opens with {opening[:30]!r}")


def _rule_semicolon(instr: str, output: str) -> InstructionResult | None:
    """'One statement terminated by a semicolon': the statement's last character is `;`."""
    if not re.search(r"\b(?:terminated|ended|end|ending|finish\w*)\s+(?:it\s+|each\s+statement\s+|the\s+statement\s+)?"
                     r"(?:by|with)\s+(?:a\s+)?(?:semicolon|`;`|';')", instr, re.I):
        return None
    tail = re.sub(r"```\s*$", "", output.strip()).strip()
    return InstructionResult("ends with a semicolon", tail.endswith(";"), f"ends with {tail[-12:]!r}")


# Syntax one SQL dialect has and a named other lacks: Postgres casts and LIMIT in T-SQL, TOP in PostgreSQL...
_DIALECTS = {
    "T-SQL": (r"\bT-?SQL\b|\bSQL Server\b|\bMSSQL\b|\bAzure SQL\b",
              r"\bLIMIT\s+\d|::\s*[a-z]\w*|\bILIKE\b|\bNOW\(\)|\bINTERVAL\b|\bDATE_TRUNC\s*\(|`\w+`"),
    "MySQL": (r"\bMySQL\b|\bMariaDB\b", r"::\s*[a-z]\w*|\bILIKE\b|\bDATE_TRUNC\s*\(|\bTOP\s*\(?\d|\bGETDATE\s*\("),
    "SQLite": (r"\bSQLite\b", r"::\s*[a-z]\w*|\bILIKE\b|\bDATE_TRUNC\s*\(|\bTOP\s*\(?\d|\bNOW\(\)|\bGETDATE\s*\("),
    "Oracle": (r"\bOracle\b", r"\bLIMIT\s+\d|::\s*[a-z]\w*|\bILIKE\b|\bTOP\s*\(?\d|`\w+`|\bGETDATE\s*\("),
    "PostgreSQL": (r"\bPostgres(?:QL)?\b", r"\bTOP\s*\(?\d|`\w+`|\bGETDATE\s*\(|\bDATEADD\s*\(|\bIFNULL\s*\(|"
                                          r"\bISNULL\s*\("),
}


def _rule_sql_dialect(instr: str, output: str) -> InstructionResult | None:
    """'Target database: SQL Server 2019, T-SQL only': the query uses no syntax that dialect lacks (a Postgres
    `::date` cast or LIMIT). A sentence naming two dialects (a migration) sets no target."""
    named = [d for d, (name, _) in _DIALECTS.items() if re.search(name, instr, re.I)]
    code = _sql_code(output) if len(named) == 1 else None
    if code is None:
        return None
    foreign = re.search(_DIALECTS[named[0]][1], code, re.I)
    return InstructionResult(f"{named[0]} syntax", foreign is None,
                             f"uses {foreign.group(0).strip()!r}" if foreign else "no foreign syntax")


_INCLUDE = re.compile(r"^\s*(?:include|mention|state|show|list|quote|cite|add)\b", re.I)
_EXAMPLE = re.compile(r"\((?:e\.g\.|i\.e\.|eg\b|for example|such as|like)[^)]*\)|"
                      r"\b(?:e\.g\.|for example|such as)\s*,?\s*[^,;.]*(?:\.\d[^,;.]*)*", re.I)
_VALUE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _rule_include_values(instr: str, output: str) -> InstructionResult | None:
    """'Include the pay range $92,000-$118,000 per year.': every number the rule names is in the output."""
    if not _INCLUDE.match(instr):
        return None
    # "Cite the playbook section (e.g., PB-4.2) for every position": an example of the form, not a value to give.
    stated = _EXAMPLE.sub(" ", instr)
    wanted = {v.replace(",", "") for v in _VALUE.findall(stated) if len(v.replace(",", "")) >= 3}
    if not wanted:
        return None
    given = {v.replace(",", "") for v in _VALUE.findall(output)}
    missing = sorted(wanted - given)
    return InstructionResult("stated values included", not missing,
                             f"missing {', '.join(missing)}" if missing else "all present")


_SQL_STATEMENTS = r"(?:INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|MERGE|GRANT|CREATE)"
_BANNED_STATEMENTS = re.compile(r"\b(?i:never|do not|don't|must not|no)\s+(?i:produce|write|generate|emit|run|use|output|"
                                r"issue)?\s*(" + _SQL_STATEMENTS + r"(?:\s*(?:,|or|and|/)\s*(?:" + _SQL_STATEMENTS +
                                r"|DDL|DML))*)")
_NO_SUBQUERIES = re.compile(r"\bno (?:sub-?queries|nested (?:selects|queries))\b|\bwithout (?:sub-?queries|nested "
                            r"selects)\b", re.I)


_READ_ONLY = re.compile(r"\bselect (?:statements|queries) only\b|\bonly (?:select|read-only) (?:statements|queries)\b|"
                        r"\b(?:statements|queries|sql) that (?:modify|change|alter|write|delete) (?:any )?(?:data|rows|"
                        r"the database)\b|\bread-only (?:sql|queries|assistant|access)\b", re.I)


def _rule_banned_statements(instr: str, output: str) -> InstructionResult | None:
    """'Never produce INSERT, UPDATE, DELETE or DDL', 'SELECT statements only', 'no subqueries': the SQL given has
    none of them."""
    m = _BANNED_STATEMENTS.search(instr)
    if m or _READ_ONLY.search(instr) or _NO_SUBQUERIES.search(instr):
        output = _query_text(output)
    if not m and _READ_ONLY.search(instr):
        writes = re.search(r"^\s*(" + _SQL_STATEMENTS + r")\b", output, re.I | re.M)
        return InstructionResult("read-only SQL", writes is None, f"uses {writes.group(1).upper()}" if writes else
                                 "SELECT only")
    if m:
        banned = re.findall(_SQL_STATEMENTS, m.group(1))
        found = [b for b in banned if re.search(r"^\s*" + b + r"\b", output, re.I | re.M)]
        return InstructionResult(f"no {'/'.join(banned)}", not found, f"uses {found[0]}" if found else "none used")
    if _NO_SUBQUERIES.search(instr):
        nested = re.search(r"(?<!as )(?<!as)\(\s*SELECT\b", output, re.I)  # (a CTE's "AS (SELECT" is not one)
        return InstructionResult("no subqueries", nested is None, "has a subquery" if nested else "none")
    return None


_ENDS_WITH_CLAUSE = re.compile(r"\bend (?:the|each|every|your) (?:query|queries|statement|sql|command|script)s? with\s+"
                               r"[`'\"]?([A-Za-z][\w ]{1,30}?\d*)[`'\"]?(?:[.;,]|$)|\b(?i:end) with\s+[`'\"]?((?:LIMIT|"
                               r"ORDER BY|FETCH FIRST)\b[\w ]{0,30}?)[`'\"]?(?:[.;,]|$)")


def _rule_ends_with_clause(instr: str, output: str) -> InstructionResult | None:
    """'Always end the query with LIMIT 100': the statement's last clause, trailing semicolons aside."""
    m = _ENDS_WITH_CLAUSE.search(instr) if "end" in instr.lower() else None
    if not m:
        return None
    clause = (m.group(1) or m.group(2)).strip()
    query = _query_text(output)
    if _aggregate_exempt(instr, query):
        return None
    want = re.sub(r"\s+", " ", clause).lower()
    tail = re.sub(r"\s+", " ", query.strip().rstrip("`").strip().rstrip(";").strip()).lower()
    return InstructionResult(f"ends with {clause}", tail.endswith(want), f"ends with {tail[-30:]!r}")


# Lines only one language family writes (Kotlin's `fun`, Java's `public static`, Go's `func`...).
_CODE_FAMILIES = {name: re.compile(pattern, re.M) for name, pattern in {
    "kotlin": r"^\s*(?:private |internal |suspend )*fun \w+\(|^\s*(?:val|var) \w+\s*[:=]|\bdata class \w+",
    "java": r"\bpublic (?:static |final |abstract )*(?:class|record|interface|enum|void|[A-Z]\w*(?:<[^>]*>)?) \w+|"
            r"\bSystem\.out\.|^\s*(?:private|protected) (?:static )?(?:final )?[A-Z]\w* \w+\s*[;=]",
    "python": r"^\s*def \w+\(.*\)\s*(?:->[^:]+)?:\s*$|^\s*from [\w.]+ import \w|^\s*import \w+(?:\.\w+)*\s*$",
    "go": r"^\s*func (?:\(\w+ \*?\w+\) )?\w+\(|^package \w+\s*$|:= ",
    "javascript": r"^\s*(?:export )?(?:const|let) \w+\s*(?::\s*[\w<>\[\]|]+\s*)?=|"
                  r"^\s*(?:export )?(?:async )?function \w+\(|^\s*(?:export )?interface \w+ \{",
    "rust": r"^\s*(?:pub )?fn \w+|\blet mut \w+|^\s*impl(?:<[^>]*>)? \w+",
    "csharp": r"^\s*using System|^\s*namespace \w+|\bpublic (?:async )?(?:Task|void|string|int|bool)(?:<[^>]*>)? \w+\(",
    "powershell": r"\b(?:Get|Set|New|Remove|Test|Compress|Expand|Write|Invoke|Start|Stop|Join|Copy|Move)-[A-Z][a-z]\w+|"
                  r"^\s*param\s*\(",
    "bash": r"^#!\s*/(?:usr/)?bin/(?:env )?(?:ba|z)?sh\b|^\s*set -e|^\s*(?:done|fi|esac)\s*$",
}.items()}
_CODE_LANGUAGE_NAMES = r"(kotlin|java|python|go|golang|typescript|javascript|rust|c#|powershell|bash)"
_ASKS_LANGUAGE = re.compile(
    r"\b(?:in|using|with)\s+" + _CODE_LANGUAGE_NAMES + r"(?![\w#+])|\b" + _CODE_LANGUAGE_NAMES + r" only\b|"
    # "Our Go service has a data race": the code to fix is in that language.
    r"\b(?:our|my|this) " + _CODE_LANGUAGE_NAMES + r" (?:service|app|application|codebase|handler|program|api|server|"
    r"project|microservice|backend|cli)\b|"
    r"\b(?:write|give|create|generate|need|want|draft)\w* (?:me |us )?(?:a|an) " + _CODE_LANGUAGE_NAMES
    + r" (?:script|function|program|snippet|class|module|one-liner)\b", re.I)
_CODE_LANGUAGES = {"kotlin": "kotlin", "java": "java", "python": "python", "go": "go", "golang": "go",
                   "typescript": "javascript", "javascript": "javascript", "rust": "rust", "c#": "csharp",
                   "csharp": "csharp", "powershell": "powershell", "bash": "bash"}


def _rule_code_language(instr: str, output: str) -> InstructionResult | None:
    """'Write it in Kotlin': code in another language (a Java record) does not keep the rule."""
    low = instr.lower()
    m = _ASKS_LANGUAGE.search(instr) if any(name in low for name in _CODE_LANGUAGES) else None
    if not m:
        return None
    want = _CODE_LANGUAGES[next(g for g in m.groups() if g).lower()]
    seen = {fam for fam, pat in _CODE_FAMILIES.items() if pat.search(output)}
    if not seen or want in seen:
        return None if not seen else InstructionResult(f"code in {want}", True, f"{want} code")
    # Java and Kotlin share libraries, so Kotlin's markers are the test there; the others are told apart by theirs.
    return InstructionResult(f"code in {want}", False, f"looks like {sorted(seen)[0]}")


_PYTHON_RULE = re.compile(r"(?P<snake>\bsnake[_ ]case\b|\bpep ?8\b)|(?P<doc>\bdocstrings?\b)|(?P<hints>\btype hints?\b|"
                          r"\btype annotations?\b)", re.I)


def _rule_python_conventions(instr: str, output: str) -> InstructionResult | None:
    """'snake_case names', 'a docstring', 'type hints': read from the Python functions in the output."""
    low = instr.lower()
    rule = _PYTHON_RULE.search(instr) if any(w in low for w in ("snake", "pep", "docstring", "type ")) else None
    defs = re.findall(r"^\s*def (\w+)\(([^)]*)\)\s*(->)?", output, re.M) if rule else []
    if not rule or not defs:
        return None
    if rule["snake"]:
        names = [name for name, _, _ in defs] + re.findall(r"^\s*([A-Za-z_]\w*)\s*=(?!=)", output, re.M)
        bad = [n for n in names if re.search(r"[a-z][A-Z]", n) or re.match(r"[A-Z][a-z]", n)]
        return InstructionResult("snake_case names", not bad, f"uses {bad[0]}" if bad else "snake_case")
    if rule["doc"]:
        ok = '"""' in output or "\'\'\'" in output
        return InstructionResult("docstring", ok, "has a docstring" if ok else "no docstring")
    if rule["hints"]:
        params = [p.strip() for _, args, _ in defs for p in args.split(",")]
        params = [p for p in params if p and p not in ("self", "cls")]
        ok = all(":" in p for p in params) and all(arrow for _, _, arrow in defs)
        return InstructionResult("type hints", ok, "annotated" if ok else "missing annotations")
    return None


def _rule_one_line(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"\b(?:in|on|as) (?:one|a single) line\b|\bone[- ]liner?\b|\b(?:only )?a single (?:shell )?command\b|"
                 r"\b(?:the )?command only\b|\b(?:only|just) the command\b|"
                 r"\b(?:a single|one) (?:[\w-]+ )?line(?! (?:per|for|of|break|item))\b", instr, re.I) and not re.search(
                 r"\b(?:per|each|every)\b|\b(?:json|csv|yaml|xml)\b", instr, re.I):  # "a single expense line as JSON"
        lines = [ln for ln in output.strip().splitlines() if ln.strip()]
        ok = len(lines) <= 1 and len(output.split()) <= 60
        return InstructionResult("one line", ok, f"{len(lines)} lines, {len(output.split())} words")
    return None


_PREAMBLE = re.compile(r"^\s*(?:(?:sure|certainly|of course|absolutely|great question)\b|here(?:'s| is| are)\b|below (?:is|are)\b|"
                       r"the following\b)|^\W*(?:\S+\s+){2,}[^\n]{0,140}:\s*\n", re.I)


def _rule_no_intro(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"\b(?:no|without(?: an?)?|skip(?: the)?|don't add(?: an?)?|do not add(?: an?)?)\s+"
                 r"(?:intro(?:duction)?|preamble|lead-in|opening (?:line|sentence))\b|\bno other text\b|"
                 r"\bnothing else\b|\bstart (?:directly|straight) with\b", instr, re.I):
        m = _PREAMBLE.search(output)
        return InstructionResult("no introduction", m is None,
                                 "starts with the content" if m is None else f"opens with {output.strip()[:40]!r}")
    return None


def _rule_only_json(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"(output|respond|answer)\s+(only|with only|solely)[^.]*\bjson\b|entire output[^.]*json", instr, re.I):
        s = output.strip()
        ok = s[:1] in "{[" and s[-1:] in "}]"
        return InstructionResult("only JSON", ok, "JSON only" if ok else f"starts with {s[:30]!r}")
    return None


def _rule_separator(instr: str, output: str) -> InstructionResult | None:
    m = re.search(_NUM + r"\s+(?:different\s+)?(?:responses|paragraphs)[^.]*?separated[^.]*?\*\s?\*\s?\*", instr, re.I)
    if not m:
        return None
    n = _n(m.group(1))
    parts = [p for p in re.split(r"\n?\s*\*{3,}\s*\n?", output) if p.strip()]
    return InstructionResult(f"{n} parts separated by ***", len(parts) == n, f"{len(parts)} parts")


def _rule_language(instr: str, output: str) -> InstructionResult | None:
    m = re.search(r"(?:entire |whole )?(?:response|answer|output)[^.]*\b(?:in|using)\s+(English|[A-Z][a-z]+)\s+(?:language|only)", instr)
    m = m or re.search(r"\bin\s+(English|[A-Z][a-z]+)\s+language", instr)
    if not m:
        # "Write it in Spanish", "Respond in German only", "French only": a named language, read by its words.
        n = re.search(r"(?:^\W*|\b(?:write|respond|reply|answer|output|draft|compose|produce|translated?)\b[^.]{0,30}?)"
                      r"\bin\s+(" + _HUMAN_LANGUAGE_NAMES + r")\b|^\W*(" + _HUMAN_LANGUAGE_NAMES + r")\s+only\b", instr, re.I)
        return _in_language((n.group(1) or n.group(2)).lower(), output) if n else None
    letters = [c for c in output if c.isalpha()]
    ascii_share = sum(c.isascii() for c in letters) / max(1, len(letters))
    english = m.group(1) == "English"
    stop = sum(1 for w in _words(output.lower()) if w in {"the", "and", "is", "of", "to", "in", "that", "it"})
    looks_en = ascii_share > 0.95 and stop >= max(1, len(_words(output)) // 40)
    ok = looks_en if english else not looks_en
    return InstructionResult(f"language {m.group(1)}", ok, f"ascii letters {ascii_share:.0%}, English stopwords {stop}")


# Japanese is read by its kana (Han characters alone read as Chinese).
_SCRIPTS = {
    "japanese": "[\u3040-\u30ff]", "chinese": "[\u4e00-\u9fff]", "mandarin": "[\u4e00-\u9fff]",
    "korean": "[\uac00-\ud7af]", "russian": "[\u0400-\u04ff]", "ukrainian": "[\u0400-\u04ff]",
    "bulgarian": "[\u0400-\u04ff]", "arabic": "[\u0600-\u06ff]", "persian": "[\u0600-\u06ff]",
    "farsi": "[\u0600-\u06ff]", "urdu": "[\u0600-\u06ff]", "greek": "[\u0370-\u03ff]", "hebrew": "[\u0590-\u05ff]",
    "hindi": "[\u0900-\u097f]", "marathi": "[\u0900-\u097f]", "thai": "[\u0e00-\u0e7f]",
}
_LATIN_LANGUAGES = frozenset(
    "spanish french german italian portuguese dutch polish swedish danish norwegian finnish turkish indonesian "
    "vietnamese czech romanian hungarian catalan malay tagalog swahili".split())
# (Words no other Latin-script language writes: "a", "as", "on", "we", "was", "will", "by", "at" are Spanish,
# Portuguese, French, Dutch, German or Danish words too.)
_ENGLISH_STOP = frozenset("the and is of to in that it you your with for are this or from such must be not can if "
                          "our they have has were would should which when any only these those their there".split())


_HUMAN_LANGUAGE_NAMES = "|".join(["english", *_SCRIPTS, *sorted(_LATIN_LANGUAGES)])


def _in_language(lang: str, output: str) -> InstructionResult:
    """Whether `output` is written in `lang`, by its script or by (the absence of) English function words."""
    if lang == "english":
        ok = _looks_english(output) and not re.search("|".join(_SCRIPTS.values()), output)
        return InstructionResult("language english", ok, "English" if ok else "not English")
    if lang in _SCRIPTS:
        ok = bool(re.search(_SCRIPTS[lang], output))
        if lang in ("chinese", "mandarin"):
            ok = ok and not re.search(_SCRIPTS["japanese"], output)
        return InstructionResult(f"language {lang}", ok, "script found" if ok else f"no {lang} script")
    ok = not _looks_english(output)
    return InstructionResult(f"language {lang}", ok, "not English" if ok else "the output is English")


def _looks_english(text: str) -> bool:
    words = _words(text.lower())
    return bool(words) and sum(w in _ENGLISH_STOP for w in words) >= max(1, len(words) // 12)


def _rule_translation(instr: str, output: str) -> InstructionResult | None:
    """A translation must be in the target language and keep the source's placeholders ({count}, %s)."""
    m = re.search(r"\btranslat\w*\b[^.:]{0,40}?\b(?:in)?to\s+(?:the\s+)?([A-Za-z]+)", instr, re.I)
    if not m:
        return None
    lang = m.group(1).lower()
    missing = [p for p in _PLACEHOLDER.findall(instr) if p not in output]
    if missing:
        return InstructionResult("translation keeps placeholders", False, f"missing {', '.join(missing[:3])}")
    if lang in _SCRIPTS or lang in _LATIN_LANGUAGES:
        res = _in_language(lang, output)
        return InstructionResult(f"translation into {lang}", res.passed, res.detail)
    return None


# Function words of the languages a product's users most often write in, none of them an English word.
_FOREIGN_STOP = frozenset(
    # Spanish
    "el la los las del por para con una es al lo como más pero sus qué cómo cuánto cuánta cuál cuándo dónde "
    "puedo tengo mi mis nuestro nuestra está están hay también muy sin sobre desde cuenta usted "
    # French
    "le les des du une et est qui dans pour pas sur aux avec ce cette ces nous vous ils sont mon ma mes "
    "comment combien quel quelle quels où je peux votre vos leur "
    # German
    "der das und ist nicht ein eine zu den mit von sich auf für im dem wie auch wird bei einer ich wir "
    "kann welche wann wo warum mein meine ihr ihre unsere "
    # Portuguese / Italian
    "os da dos das em um uma não ao na quanto qual onde posso minha il gli della che è di sono questo "
    "dove perché".split()) - _ENGLISH_STOP


def _language_votes(text: str) -> tuple[int, int]:
    words = _words(text.lower())
    return sum(w in _FOREIGN_STOP for w in words), sum(w in _ENGLISH_STOP for w in words)


def _not_english(text: str) -> bool:
    """Mostly a non-Latin script, or clearly more foreign function words than English ones."""
    letters = [c for c in text if c.isalpha()]
    non_latin = sum(not c.isascii() and not ("\u00c0" <= c <= "\u024f") for c in letters) / max(1, len(letters))
    foreign, english = _language_votes(text)
    return non_latin > 0.5 or (foreign >= 2 and foreign > 2 * english)


_THEIR_LANGUAGE = re.compile(
    r"\b(?:reply|respond|answer|write|communicate)\w*\b[^.\n]{0,40}\bin (?:the )?(?:(?:customer|user|parent|patient|"
    r"guest|client|tenant|caller|sender|member|student|traveler|traveller)(?:'s|s'|s)?|their|his|her|same) (?:own )?"
    r"language|\bin the (?:same )?language (?:they|the (?:customer|user|parent|patient|guest|client|sender)) "
    r"(?:write|wrote|use|used|speak|spoke)s?\b", re.I)


def _rule_their_language(instr: str, output: str, prompt: str) -> InstructionResult | None:
    """'Always reply in the customer's language': the output is in the language of the rest of the prompt."""
    if not _THEIR_LANGUAGE.search(instr):
        return None
    # The customer's own words: the prompt without the sentences that state rules for the assistant.
    message = " ".join(t for t in _prompt_sentences(prompt) if not _THEIR_LANGUAGE.search(t))
    if not _not_english(message):
        return None  # the customer wrote in English (or too little to tell): nothing to hold the output to
    ok = not _looks_english(output)
    return InstructionResult("language of the user", ok, "not English, as the user's message" if ok else
                             "the user wrote in another language, the output is in English")


def check_reply_language(prompt: str, output: str,
                         found: Sequence[InstructionResult] = ()) -> InstructionResult | None:
    """A failed result when the user wrote in another language and the output answers in English.

    Replying in the user's language is a rule every assistant is held to without stating it. Silent (None)
    when a stated rule in `found` already sets the language (a language or translation rule), when the
    prompt asks for English or a translation, or when either text is too short to tell.
    """
    if any(r.constraint.startswith(("language ", "translation ")) for r in found):
        return None
    head = prompt[:400]
    # An English instruction over foreign material ("Summarize this article: Le gouvernement...") is English.
    if re.search(r"english|ingl[eé]s|anglais|englisch|inglese|translat|tradu|übersetz|"
                 r"\b(?:summari[sz]e|extract|classify|rewrite|answer|reply|respond|write|list)\b", head, re.I):
        return None
    if sum(c.isalpha() for c in head) < 8 or not _looks_english(output):
        return None
    if _not_english(head):
        return InstructionResult("reply in the user's language", False,
                                 "the prompt is not in English, the output is")
    return None


_QUANTITY = r"\d[\d.,]*(?:\s*(?:-|–|to)\s*\d[\d.,]*)?\s*"
_IMPERIAL = re.compile(_QUANTITY + r"(?:gallons?|gal|°\s?F|degrees? F(?:ahrenheit)?|lbs?|pounds?|oz|ounces?|miles?|mph|feet|"
                       r"ft|inch(?:es)?|yards?|yd|acres?|psi|fl\.? ?oz)\b", re.I)
_METRIC = re.compile(_QUANTITY + r"(?:lit(?:er|re)s?|l|ml|°\s?C|degrees? C(?:elsius)?|kg|kilograms?|grams?|g|km|kilomet(?:er|re)s?|"
                     r"met(?:er|re)s?|m|cm|mm|km/h|kph|hectares?|ha|kpa|bar)\b", re.I)


def _rule_units(instr: str, output: str) -> InstructionResult | None:
    """'Metric units only' (or 'use US units'): no quantity in the output is written in the other system."""
    if re.search(r"\bmetric(?: units?| system)?\b|\bSI units?\b|\bin (?:celsius|litres|liters|kilograms|kilometres|"
                 r"kilometers)\b", instr, re.I):
        wrong = _IMPERIAL.findall(output)
        return InstructionResult("metric units", not wrong, f"uses {wrong[0].strip()}" if wrong else "metric")
    if re.search(r"\b(?:imperial|us customary|us units)\b|\bin (?:fahrenheit|gallons|pounds|miles|feet)\b", instr, re.I):
        wrong = _METRIC.findall(output)
        return InstructionResult("US units", not wrong, f"uses {wrong[0].strip()}" if wrong else "US units")
    return None


_RULES: tuple[Callable[[str, str], InstructionResult | None], ...] = (
    _rule_no_comma,
    _rule_case,
    _rule_capital_words,
    _rule_letter_freq,
    _rule_word_freq,
    _rule_highlights,
    _rule_sections,
    _rule_placeholders,
    _rule_title,
    _rule_postscript,
    _rule_end_phrase,
    _rule_quotes,
    _rule_no_fence,
    _rule_only_json,
    _rule_only_value,
    _rule_no_intro,
    _rule_per_item,
    _rule_table,
    _rule_list,
    _rule_named_parts,
    _rule_commands,
    _rule_complete_code,
    _rule_banned_code,
    _rule_banned_statements,
    _rule_stdlib_only,
    _rule_banned_calls,
    _rule_only_packages,
    _rule_module_system,
    _rule_citations,
    _rule_csv_header,
    _rule_date_layout,
    _rule_whole_dollars,
    _rule_one_statement,
    _rule_row_cap,
    _rule_required_filter,
    _rule_sql_dialect,
    _rule_query_given,
    _rule_test_given,
    _rule_one_of,
    _rule_starts_with,
    _rule_semicolon,
    _rule_ends_with_clause,
    _rule_code_language,
    _rule_python_conventions,
    _rule_one_line,
    _rule_units,
    _rule_separator,
    _rule_language,
    _rule_translation,
    _length_rule("words", lambda t: len(_words(t))),
    _length_rule("sentences", lambda t: len(_sentences(t))),
    _length_rule("paragraphs", _paragraphs),
    _rule_bullets,
    _rule_keywords,
)
_SQL_MORE = re.compile(r"^\s*(?:\(|\)|from|where|join|left|right|inner|group|order|having|limit|union|and|or|on|"
                       r"case|when|end)\b", re.I)
_CODE_ONLY = re.compile(r"^\s*(?:(?:--|#|//)[^\n]*\n\s*)*(?:with|select|insert|update|delete|create|alter)\b", re.I)


def _rule_explained(instr: str, output: str) -> InstructionResult | None:
    """'Explain each triggered signal': a reply of a few words ("Decline. High risk.") explains nothing."""
    if not re.search(r"\b(?:explain|justify|give (?:the |your |a )?(?:reasons?|rationale)|describe why|walk (?:me |us )?"
                     r"through)\b", instr, re.I):
        return None
    # A bare query or code block is not its own explanation: only prose outside the code, or its comments, count.
    prose = re.sub(r"```.*?(?:```|$)", " ", output, flags=re.S)
    if _CODE_ONLY.match(prose):
        # An unfenced query: its comments, and any paragraph after it that is not more SQL.
        paragraphs = re.split(r"\n\s*\n", prose)
        prose = " ".join(re.findall(r"(?:--|#|//)([^\n]*)", prose) + [
            p for p in paragraphs[1:] if not _CODE_ONLY.match(p) and not _SQL_MORE.match(p)])
    words = len(_words(prose))
    return InstructionResult("explanation given", words >= 12, f"{words} words of explanation")


# Read only in a record's stated instructions: a prompt's "at most 64 characters" is as often about a password
# or a field as about the reply, and its "explain" is the question (a short wrong answer to it is a fact fault).
_STATED_RULES: tuple[Callable[[str, str], InstructionResult | None], ...] = (
    _length_rule("characters", lambda t: len(t.strip()), r"char(?:acter)?s\b"),
    _rule_explained,
    # A prompt's "Add graceful shutdown to my axum 0.8 server" is the task, not a value to include.
    _rule_include_values,
    # A prompt quoting an error's "Refer to https://..." asks nothing of the answer.
    _rule_contact_given,
)


_ARTIFACT_AND_WHY = re.compile(r"\b(?:write|give|create|generate|draft|provide)\b[^.?!]{0,120}?\b(?:query|function|script|"
                               r"code|regex|snippet|config\w*|command|formula|class|module|method|migration)\b[^.?!]{0,200}?"
                               r"\band\s+(?:then\s+)?(?:briefly\s+)?(?:explain|walk (?:me|us) through|describe)\b", re.I)


def _rule_artifact_explained(instr: str, output: str) -> InstructionResult | None:
    """A prompt's 'Write a query for ... and briefly explain the logic': the artifact comes with its explanation
    (a prompt's bare "explain" is the question itself, and no rule)."""
    return _rule_explained(instr, output) if _ARTIFACT_AND_WHY.search(instr) else None


# Read only in a prompt's sentences: a stated rule of the same kind is read by `_STATED_RULES`.
_PROMPT_RULES: tuple[Callable[[str, str], InstructionResult | None], ...] = (_rule_artifact_explained,)


def check_instructions(instructions: tuple[str, ...], output: str, prompt: str = "") -> list[InstructionResult]:
    """Check every recognisable constraint; unrecognised instructions yield nothing (no guessing).

    With no `instructions`, the prompt's sentences are read instead; rules that match nothing stay silent.
    """
    texts = list(instructions) if instructions else _prompt_sentences(prompt)
    results: list[InstructionResult] = []
    for text in texts:
        if not text.strip() or len(text) > 2000 or _UNSEEN_CONDITION.match(text):
            continue  # ("If the passages do not answer it, say so": whether they do is not for a checker to see)
        rep = _rule_repeat(text, output, prompt)
        if rep is not None:
            results.append(rep)
            continue
        if (kept := _rule_keep_placeholders(text, output, prompt)) is not None:
            results.append(kept)
        if (theirs := _rule_their_language(text, output, prompt)) is not None:
            results.append(theirs)
        if (kept_code := _rule_code_unchanged(text, output, prompt)) is not None:
            results.append(kept_code)
        # A prompt sentence often states several constraints ("no commas and at least 3 sections"); the
        # loose keyword rule only speaks when no specific rule recognised the sentence.
        rules = _RULES[:-1] + (_STATED_RULES if instructions else _PROMPT_RULES)
        found = [res for rule in rules if (res := rule(text, output)) is not None]
        if not found and (res := _RULES[-1](text, output)) is not None:
            found.append(res)
        results.extend(found)
    return results
