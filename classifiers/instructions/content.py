"""Rules on what a reply must carry and how it writes values: citations, a CSV header, date layouts, whole
dollars, a contact to refer to, one of the listed options, an opening word, stated values, units, and an
explanation where one was asked for.
"""

from __future__ import annotations

import re

from classifiers.instructions.common import (
    BANNED_ADVICE, InstructionResult, _conditional_clause, _words, without_code_blocks,
)
from classifiers.instructions.prose import _rule_only_value


_CITES = re.compile(r"\bcit(?:e|ing)\s+(?:the\s+)?(?:relevant\s+|source\s+)?(?:(?:statute|regulation|code|rule)\s+or\s+"
                    r"(?:statute|regulation|code|rule)\s+)?(?:section|clause|article|paragraph|page)"
                    r"(?:\s+(?:numbers?|references?))?s?\b", re.I)
_CITATION = re.compile(r"§|\b(?:sections?|clauses?|art(?:icle)?s?\.?|paragraphs?|para\.|pages?|p\.)\s*\(?\d|"
                       # A passage's own id in brackets: "[CV-OW-1.1]", "[HR-4.2]".
                       r"(?-i:\[[A-Z][A-Za-z]*(?:[-.][A-Za-z0-9]+)*[-.]?\d[\w.-]*\])", re.I)


def _rule_citations(instr: str, output: str) -> InstructionResult | None:
    """'Cite the section number for each point': the output cites at least one section, clause or page. ('Cite
    sections where helpful' leaves it to the answer: no rule.)"""
    if not _CITES.search(instr) or re.search(r"\b(?:where|when|if|as) (?:helpful|relevant|applicable|possible|"
                                             r"appropriate|useful|needed)\b", instr, re.I):
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


# "Never quote prices", "Do not state or estimate a compensation amount", "must not promise any credit or refund
# amount": a support assistant kept from naming figures it may not commit to.
_NO_AMOUNTS = re.compile(r"\b(?:never|do not|don't|must not|may not|should not)\b[^.;]{0,60}?"
                         r"\b(?:state|quote|promise|give|mention|disclose|estimate|provide|share|apply|offer)\w*\b"
                         r"[^.;]{0,50}?\b(?:amounts?|prices?|figures?|payouts?)\b", re.I)
_MONEY = re.compile(r"[$€£¥₹]\s?\d[\d,]*(?:\.\d+)?|\b(?:USD|EUR|GBP|CAD|AUD|SDR)\s?\d[\d,]*(?:\.\d+)?|"
                    r"\b\d[\d,]*(?:\.\d+)?\s?(?:USD|EUR|GBP|CAD|AUD|SDR|dollars|euros|pounds)\b")


def _rule_no_amounts(instr: str, output: str) -> InstructionResult | None:
    """'Never quote prices or estimates': the output names no sum of money. (A rate is left alone: "do not quote
    a projected interest rate" is not broken by the loan's fixed margin.)"""
    m = _NO_AMOUNTS.search(instr)
    if not m or _conditional_clause(instr, m.start(), m.end()):
        return None
    found = _MONEY.search(output)
    return InstructionResult("no amounts quoted", found is None, f"quotes {found.group(0)}" if found else "none")


# "Never promise or issue refunds or credits", "Do not promise or apply credits": a support assistant that may
# not commit the company to money back; and an output that says it already did ("I've gone ahead and issued a
# full refund", "I've applied a $40 credit", "I've added 5,000 goodwill points").
_NO_COMMITMENT = re.compile(r"\b(?:never|do not|don't|must not|may not|should not|cannot)\b[^.;]{0,40}?"
                            r"\b(?:promise|issue|apply|grant|offer|approve|process|authori[sz]e|commit to)\w*\b"
                            r"[^.;]{0,40}?\b(?:refunds?|credits?|compensation|waivers?|goodwill|reimbursements?)\b",
                            re.I)
_COMMITTED = re.compile(r"\b(?:I|we)(?:'ve| have|'ll| will| am| are)?\s+(?:already\s+|just\s+)?(?:gone ahead and\s+)?"
                        r"(?:issued|applied|processed|credited|added|approved|refunded|waived|granted|posted|issue|"
                        r"apply|process|credit|add|approve|refund|waive|grant|post)\b"
                        # up to the end of the sentence ("$5.00" does not end it)
                        r"(?:[^.!?\n]|\.(?=\d)){0,60}?"
                        r"\b(?:refund|credit|compensation|waiver|reimburse\w*|points|voucher)", re.I)


def _rule_no_commitment(instr: str, output: str) -> InstructionResult | None:
    """'Never promise or issue refunds': the output does not say it granted one."""
    m = _NO_COMMITMENT.search(instr)
    if not m or _conditional_clause(instr, m.start(), m.end()):
        return None
    done = _COMMITTED.search(output)
    return InstructionResult("no refund or credit granted", done is None,
                             f"says {done.group(0)[:60]!r}" if done else "grants none")


# "Never suggest restarting, scaling or redeploying the production portal", "do not recommend upgrading Dagster":
# actions an answer may not advise, named as gerunds.
_NO_ADVICE = re.compile(r"\b(?:never|do not|don't|must not|should not)\s+(?:suggest|recommend|advise|propose)\s+"
                        r"((?:\w+ing\b(?:,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)?)+)", re.I)
_GERUND = re.compile(r"(\w+)ing\b")
_DOUBLED = re.compile(r"([bcdfgklmnprstvz])\1$")
ADVICE_STEM_LETTERS = 4
"""`_rule_no_advice`: the shortest stem of a banned action read in the output ("log" of "logging" is a noun too)."""


def _rule_no_advice(instr: str, output: str) -> InstructionResult | None:
    """'Never suggest restarting or failing over the node': the output names none of those actions (their stem:
    "restart", "disabl[e]", "scal[e]"). Over the read sets, every answer that named one was a behavior case."""
    m = _NO_ADVICE.search(instr)
    if not m or _conditional_clause(instr, m.start(), m.end()):
        return None
    stems = {_DOUBLED.sub(r"\1", g) for g in _GERUND.findall(m.group(1))}
    stems = {stem for stem in stems if len(stem) >= ADVICE_STEM_LETTERS}
    if not stems:
        return None
    found = re.search(r"\b(?:" + "|".join(map(re.escape, sorted(stems))) + r")(?:e|es|ed|ing|s)?\b", output, re.I)
    return InstructionResult(BANNED_ADVICE, found is None, f"advises {found.group(0)!r}, which the rules ban" if found
                             else f"advises none of: {m.group(1).strip(' ,')}")


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


_SQL_MORE = re.compile(r"^\s*(?:\(|\)|from|where|join|left|right|inner|group|order|having|limit|union|and|or|on|"
                       r"case|when|end)\b", re.I)
_STARTS_WITH_SQL = re.compile(r"^\s*(?:(?:--|#|//)[^\n]*\n\s*)*(?:with|select|insert|update|delete|create|alter)\b",
                              re.I)


def _rule_explained(instr: str, output: str) -> InstructionResult | None:
    """'Explain each triggered signal': a reply of a few words ("Decline. High risk.") explains nothing."""
    if not re.search(r"\b(?:explain|justify|give (?:the |your |a )?(?:reasons?|rationale)|describe why|walk (?:me |us )?"
                     r"through)\b", instr, re.I):
        return None
    # A bare query or code block is not its own explanation: only prose outside the code, or its comments, count.
    prose = without_code_blocks(output)
    if _STARTS_WITH_SQL.match(prose):
        # An unfenced query: its comments, and any paragraph after it that is not more SQL.
        paragraphs = re.split(r"\n\s*\n", prose)
        prose = " ".join(re.findall(r"(?:--|#|//)([^\n]*)", prose) + [
            p for p in paragraphs[1:] if not _STARTS_WITH_SQL.match(p) and not _SQL_MORE.match(p)])
    words = len(_words(prose))
    return InstructionResult("explanation given", words >= 12, f"{words} words of explanation")


_ARTIFACT_AND_WHY = re.compile(r"\b(?:write|give|create|generate|draft|provide)\b[^.?!]{0,120}?\b(?:query|function|script|"
                               r"code|regex|snippet|config\w*|command|formula|class|module|method|migration)\b[^.?!]{0,200}?"
                               r"\band\s+(?:then\s+)?(?:briefly\s+)?(?:explain|walk (?:me|us) through|describe)\b|"
                               # "Write the query. Then explain your assumptions": the next sentence asks it.
                               r"^\W*(?:then|also|and|afterwards|next|finally),?\s+(?:briefly\s+)?(?:explain|describe)\s+"
                               r"(?:your|the|each)\s+(?:\w+\s+)?(?:assumptions?|logic|approach|reasoning|choices?|design|"
                               r"changes?)\b", re.I)


def _rule_artifact_explained(instr: str, output: str) -> InstructionResult | None:
    """A prompt's 'Write a query for ... and briefly explain the logic': the artifact comes with its explanation
    (a prompt's bare "explain" is the question itself, and no rule)."""
    return _rule_explained(instr, output) if _ARTIFACT_AND_WHY.search(instr) else None


# "Do not include supplier bank details (bank name, IBAN, BIC, account or sort code) in the output": fields a
# record must leave out, listed in the brackets.
_EXCLUDED = re.compile(r"\b(?:do not|don't|never|must not)\s+(?:include|output|return|extract|add)\b[^.;()]{0,60}"
                       r"\(([^()]{3,160})\)", re.I)
_JSON_KEY = re.compile(r'"([^"\\]{1,60})"\s*:')


def _rule_excluded_fields(instr: str, output: str) -> InstructionResult | None:
    """'Do not include bank details (IBAN, BIC, ...)': no key of the JSON answer names a listed field."""
    m = _EXCLUDED.search(instr)
    if not m or output.lstrip()[:1] not in "{[":
        return None
    items = [re.sub(r"[\s-]+", "_", i.strip().lower()) for i in re.split(r",|\bor\b|\band\b|/", m.group(1))]
    items = [i for i in items if 2 <= len(i) <= 30 and not i.startswith(("e.g", "i.e", "etc"))]
    if not items:
        return None
    keys = {re.sub(r"[\s-]+", "_", k.lower()) for k in _JSON_KEY.findall(output)}
    found = sorted({k for k in keys for i in items if k == i or k.endswith("_" + i) or k.startswith(i + "_")})
    return InstructionResult(f"leaves out {', '.join(items[:3])}", not found,
                             f"has {', '.join(found[:3])}" if found else "none present")
