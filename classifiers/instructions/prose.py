"""Rules on the shape and wording of a reply: lengths per item, bullets, sections and paragraphs, casing,
required and banned words, counted letters and words, placeholders, titles, reading level, tables and lists,
fences, a bare value, one line, no preamble, separators.
"""

from __future__ import annotations

import json
import re
from typing import Sequence

from classifiers.formats import fenced_body
from classifiers.instructions.common import (
    InstructionResult, _ITEM, _NUM, _count_bound, _length_rule, _n, _prompt_sentences, _sentences, _words,
    without_code_blocks,
)
from classifiers.instructions.fields import field_label, field_values


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
    # (The prose is cut out only where a reading level is asked for.)
    asked = [text for text in instructions or _prompt_sentences(prompt) if _READING_LEVEL.search(text)]
    found = [res for text in asked if (res := _rule_reading_level(text, _read_prose(text, output))) is not None]
    return next((res for res in found if not res.passed), found[0] if found else None)


def check_register(instructions: Sequence[str], output: str, prompt: str) -> InstructionResult | None:
    """The register asked for, kept or not: a reading level ("plain English", "8th-grade"), or a plain, warm
    voice the output breaks with legal boilerplate. A failed one is a style fault, whatever else the answer does."""
    reading = check_reading_level(instructions, output, prompt)
    if reading is not None and not reading.passed:
        return reading
    texts = instructions or _prompt_sentences(prompt)
    plain = next((res for text in texts if (res := _rule_plain_register(text, output)) is not None), None)
    return plain or reading


# A line of code: SQL's clauses, or a line that ends as code does or uses an operator prose has not.
_CODE_LINE = re.compile(r"^\s*(?:SELECT|FROM|WHERE|JOIN|LEFT|INNER|GROUP BY|ORDER BY|HAVING|LIMIT|WITH|AND|OR|ON|"
                        r"INSERT|UPDATE|DELETE|CREATE|ALTER)\b|[;{}(\[,]\s*$|=>|::|==|\w\(\)", re.M)


def _read_prose(instr: str, output: str) -> str:
    """The prose a reading-level rule reads: the field it names ("sig_plain: rewrite the directions in plain
    English" reads the sig_plain values of a JSON record), else the output less its code. A JSON payload with
    no such field has no prose to grade; a query's clauses are no sentences."""
    if (label := field_label(instr)) and (values := field_values(label, output)):
        return "\n".join(v if re.search(r"[.!?]\s*$", v) else v + "." for v in values)
    text = without_code_blocks(output)
    if text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
            return ""
        except ValueError:
            pass
    return "\n".join(line for line in text.splitlines() if not _CODE_LINE.search(line))


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


# "Do not wrap it in a code block", "no markdown code fences", "without ``` fences", "don't use backticks", and
# of code, "raw Python code, with no markdown formatting" (a fence is Markdown).
_NO_FENCE = re.compile(r"(?:do not|don't|never)\s+wrap[^.]*(?:```|fence|code block)|"
                       r"\b(?:no|without(?: any)?|(?:do not|don't|never) use)\s+(?:markdown\s+|md\s+)?(?:code\s+)?"
                       r"(?:fences?|fenced (?:code )?blocks?|code blocks?|backticks|```)|"
                       r"\bcode\b[^.]{0,40}\b(?:no|without(?: any)?)\s+markdown(?:\s+formatting)?\b", re.I)


def _rule_no_fence(instr: str, output: str) -> InstructionResult | None:
    if _NO_FENCE.search(instr):
        ok = "```" not in output
        return InstructionResult("no code fences", ok, "no fences" if ok else "output uses ``` fences")
    return None


_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$", re.M)


def _rule_table(instr: str, output: str) -> InstructionResult | None:
    # "in a table", "as a markdown table", "in table form", a clause ending "... in table."; not "the replicas for
    # key X in table billing.invoices", which names a database table.
    if re.search(r"\b(?:as|in|into) (?:(?:a |an |one )(?:markdown |md |html )?table\b|"
                 r"(?:markdown |md |html )?table(?: form(?:at)?\b|(?=\s*[.,;:!?)]|\s*$)))|\bmarkdown table\b|"
                 r"\b(?:return|format|output|give|answer|present)\w*\b[^.]{0,30}\b(?:a|an|one) (?:markdown )?table\b",
                 instr, re.I):
        ok = bool(_TABLE_ROW.search(output)) and bool(re.search(r"^\s*\|?\s*:?-{3,}", output, re.M))
        return InstructionResult("a table", ok, "has a table" if ok else "no table rows (| ... |) in the output")
    return None


_EXACT_COLUMNS = re.compile(r"\b(?:exactly|only) (?:these|the following|(?:\d+|two|three|four|five|six|seven) )?\s*columns?"
                            r"\s*(?:\([^)]*\))?\s*:\s*([^\n]+?)\.?\s*$", re.I)


def _rule_exact_columns(instr: str, output: str) -> InstructionResult | None:
    """'A markdown table with exactly these columns: Feature | 529 Plan | Coverdell ESA': the table's header row
    has those columns and no others."""
    m = _EXACT_COLUMNS.search(instr)
    header = _TABLE_ROW.search(output) if m else None
    if m is None or header is None:
        return None  # no table at all is the table rule's to say
    names = [n.strip(" `'\"*") for n in re.split(r"\s*\|\s*|,\s*(?:and\s+)?|\s+and\s+", m.group(1))]
    names = [n.lower() for n in names if n]
    cells = [c.strip(" `*").lower() for c in header.group(1).split("|")]
    if len(names) < 2:
        return None
    extra, missing = [c for c in cells if c not in names], [n for n in names if n not in cells]
    return InstructionResult(f"exactly the columns {', '.join(names)}", not extra and not missing,
                             f"extra column {extra[0]!r}" if extra else f"no column {missing[0]!r}" if missing
                             else "the columns asked for")


_TABLE_ONLY = re.compile(r"\bno (?:other )?(?:text|prose|commentary|explanations?|notes?|sentences?) (?:outside|before|after|"
                         r"around|besides) the table\b|\b(?:only|just) the table\b|\bthe table only\b", re.I)


def _rule_table_only(instr: str, output: str) -> InstructionResult | None:
    """'No text outside the table': every line of the output is a row of the table."""
    if not _TABLE_ONLY.search(instr) or not _TABLE_ROW.search(output):
        return None
    stray = next((line for line in output.splitlines() if line.strip() and not line.strip().startswith("|")), None)
    return InstructionResult("the table only", stray is None,
                             "nothing outside the table" if stray is None else f"says {stray.strip()[:50]!r}")


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


# A plain, warm register asked for ("Warm, casual, short sentences. Never sound like a legal document"), and an
# answer in the boilerplate of contracts and notices.
_ASKS_PLAIN_TONE = re.compile(r"\b(?:casual|conversational|warm|friendly|chatty|informal)\b|\bnever sound like a (?:legal|"
                              r"lawyer|contract)|\bno legal(?:ese| jargon)\b|\b(?:avoid|without) legalese\b", re.I)
_LEGALESE = re.compile(r"\b(?:pursuant to|hereinafter|herein|hereby|hereunder|thereof|therein|thereunder|thereto|"
                       r"heretofore|whereupon|wherein|whereby|foregoing|aforementioned|aforesaid|obligors?|inter alia|"
                       r"notwithstanding|in accordance with|shall be deemed|said (?:order|packaging|account|item|party|"
                       r"request|policy))\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"fourteen|fifteen|twenty|thirty|forty|forty-five|sixty|ninety)[\w-]* \(\d+\)", re.I)


def _rule_plain_register(instr: str, output: str) -> InstructionResult | None:
    """'Warm and casual': an answer with two or more marks of legal boilerplate ("pursuant to", "the foregoing",
    "fourteen (14) days") is in the register of a notice. Only the breach is reported."""
    if not _ASKS_PLAIN_TONE.search(instr):
        return None
    marks = _LEGALESE.findall(output)
    if len(marks) < 2:
        return None  # (a persona's "warm" is read by no checker otherwise; a kept one says nothing new)
    return InstructionResult("a plain, warm register", False,
                             f"uses {len(marks)} marks of legal boilerplate ({marks[0]!r})")


# A line asked for as one part of the answer ("Include a one-line disclaimer", "end with a one-line summary"):
# no rule on the whole reply's length.
_ONE_LINE_PART = re.compile(r"\b(?:include|add|append|prepend|end with|start with|begin with|followed by|plus)\b"
                            r"[^.;]{0,30}\b(?:single|one)[- ]line\b|\b(?:single|one)[- ]line (?:disclaimer|summary|"
                            r"note|comment|docstring|description|explanation|caption|reason|rationale|justification|"
                            r"warning|caveat|header|footer|intro|tl;?dr)\b", re.I)


def _rule_one_line(instr: str, output: str) -> InstructionResult | None:
    if _ONE_LINE_PART.search(instr):
        return None
    if re.search(r"\b(?:in|on|as) (?:one|a single) line\b|\bone[- ]liner?\b|\b(?:only )?a single (?:shell )?command\b|"
                 r"\b(?:the )?command only\b|\b(?:only|just) the command\b|"
                 r"\b(?:a single|one) (?:[\w-]+ )?line(?! (?:per|for|of|break|item))\b", instr, re.I) and not re.search(
                 r"\b(?:per|each|every)\b|\b(?:json|csv|yaml|xml)\b", instr, re.I):  # "a single expense line as JSON"
        text = output
        if re.search(r"\bone[- ]liner\b", instr, re.I) and (block := fenced_body(output)) is not None:
            # "Give me a one-liner to retry them all": the command is the one line, not the answer around it.
            text = block
        lines = [ln for ln in text.strip().splitlines() if ln.strip()]
        ok = len(lines) <= 1 and len(text.split()) <= 60
        return InstructionResult("one line", ok, f"{len(lines)} lines, {len(text.split())} words")
    return None


_PREAMBLE = re.compile(r"^\s*(?:(?:sure|certainly|of course|absolutely|great question)\b|here(?:'s| is| are)\b|below (?:is|are)\b|"
                       r"the following\b)|^\W*(?:\S+\s+){2,}[^\n]{0,140}:\s*\n", re.I)


def _rule_no_intro(instr: str, output: str) -> InstructionResult | None:
    if re.search(r"\b(?:no|without(?: an?)?|skip(?: the)?|don't add(?: an?)?|do not add(?: an?)?)\s+"
                 r"(?:intro(?:duction)?|preamble|lead-in|opening (?:line|sentence))\b|\bno other text\b|"
                 r"\bnothing else\s*(?:[.;,:)!]|$)|\bstart (?:directly|straight) with\b", instr, re.I):
        # ("Output the SQL and nothing else.", not a user's "Nothing else changed; ...".)
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
