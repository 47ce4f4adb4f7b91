"""The engine's signals: one fixed-order feature vector and human-readable evidence per failure record.

`extract` runs every signal over a batch: format/schema validators, verifiable instructions, the pipeline's
checks, refusal/abstention/cutoff language, harm cues, reference agreement, relevance and grounding. The
cascade reads the named values; the learned combiner reads the same vector (FEATURES fixes its order, and the
shipped model's manifest records it). Embedding calls are batched across the whole batch.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from classifiers.check_names import CHECK_KINDS, failed_check_kinds, passed_content_checks
from classifiers.embedding import TextEmbedder
from classifiers.facts import compare as compare_facts
from classifiers.facts import fact_tokens, held_facts, invented_citations, unsourced_ids
from classifiers.formats import VALIDATORS, holds_statement, schema_from_instructions, validate
from classifiers.grounding import content_tokens, ground, log_words, recall
from classifiers.harm import THRESHOLD as HARM_THRESHOLD
from classifiers.harm import shipped_head
from classifiers.instructions import (TASK_UNDONE_CONSTRAINTS, check_instructions, check_prompt_requests,
                                     check_register, check_reply_language)
from classifiers.instructions.sql import holds_query
from classifiers.language import declines, read_cues
from classifiers.records import Evidence, FailureRecord
from classifiers.sql_schema import invented_names, unlisted_values


FEATURES: tuple[str, ...] = (
    "fmt_expected", "fmt_fail", "fmt_wrapped", "schema_fail",
    "instr_count", "instr_fail_share", "instr_any_fail",
    "refusal", "abstention", "cutoff", "time_sensitive", "stale_years", "harm_request", "harm_comply", "off_register",
    "deflection", "general_knowledge",
    "has_reference", "ref_long", "ref_sim", "ref_token_recall", "ref_fact_recall", "fact_conflict", "fact_conflict_hard",
    "rel_io", "rel_ir", "rel_gap",
    "has_context", "out_support", "unsupported_sentences", "ref_in_context", "ref_in_top_bm25", "ref_facts_in_context",
    "out_len", "in_len", "len_ratio", "n_questions", "explanatory", "specificity", "list_structure",
    "transform_task", "open_task", "stated_constraints", "instr_unchecked", "instr_style", "asks_steps", "thin_steps",
    "elided_items", "parts_unanswered",
    "thin_answer", "not_a_message", "follow_context", "same_question", "payload_output", "sql_invented",
    "claims_unsupported", "guessed_value", "harm_learned", "unsourced_id", "sql_unlisted_value", "task_not_done",
    "invented_citation", "content_check_passed", "ref_gap_in_context", "ref_gap_in_directive",
    "checks_failed", "checks_passed",
) + tuple(f"check_{k}" for k in CHECK_KINDS)
SAME_QUESTION_TERMS = 4
"""`same_question`: how many of the question's words the reference must use for the output, using all of them
too, to be an answer to the same question."""
THIN_REFERENCE_WORDS = 20
THIN_SHARE = 0.4
"""`thin_answer`: a reference of at least THIN_REFERENCE_WORDS words, an output under THIN_SHARE of them."""
CHECK_COUNT_CAP = 3
"""`checks_failed`, `checks_passed`: how many of the pipeline's checks failed / passed, over this (capped at 1)."""
INSTRUCTION_COUNT_CAP = 5
UNCHECKED_RULE_CAP = 3
QUESTION_CAP = 4
"""`instr_count`, `instr_unchecked`, `n_questions`: their counts over these (capped at 1)."""
DIRECTIVE_GAP_SCALE = 10
"""`ref_gap_in_directive`: the count of missing reference words in the context's rules, over this (capped at 1)."""
EMBEDDED = ("input", "output")
"""Texts whose embeddings the learned combiner may append to FEATURES."""


@dataclass
class Signals:
    """All signal values and findings for one record."""

    values: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)
    certain: tuple[str, str] | None = None
    """(label, subtype) when a deterministic validator is certain (e.g. the payload does not parse)."""
    check_kinds: dict[str, str] = field(default_factory=dict)
    instructed: bool = False
    """Whether the record states instructions or an expected format, as no record of the public benchmarks does
    whose priors some rules read (see `classifiers.model.TREES_KEEP_RULES`)."""

    def vector(self) -> np.ndarray:
        return np.array([self.values[f] for f in FEATURES], dtype=np.float64)


# Questions that ask for understanding rather than one fact: why/how, meaning, differences, consequences,
# or a question wrapped in the asker's own background ("I was reading ... what does that mean?"). "How many /
# much / old ..." asks for one fact, not an explanation.
_EXPLAIN = re.compile(
    r"^\s*(why|how(?!\s+(?:many|much|old|long|far|fast|big|large|tall|often|high|deep|soon)\b)|explain|eli5|"
    r"what makes|what causes|what happens)\b|\b(why|how come)\b|"
    r"\bwhat (?:does|do) (?:that|this|it|they|[\w\s]{1,30}) mean\b|\bdifference between\b|"
    r"\bin (?:simple|layman'?s?|plain) (?:words|terms)\b|\b(?:explain|understand)\b|"
    r"\b(?:is it|would it|does it|will it|could it) (?:be |have |make |ever )?(?:possible|inevitable|true|"
    r"serious|bad|good|better|worse|impact|affect)|"
    r"\bI (?:ask because|was (?:reading|wondering|looking)|had a|read|heard|keep hearing|don't get|don't understand)\b|"
    r"\bwhat (?:makes|distinguishes|prevents|causes|determines|is the purpose|is the point|are the origins|does "
    r"(?:it|that|this|she|he|they) do)\b|\bhow (?:does|do|did|is|are|can|would)\b[^?]{0,80}\b(?:work|happen|possible)\b|"
    r"^\s*if\b[^?]{5,200},\s*(?:what|how|why)\b|\bexplanation\b",
    re.I)
# Tasks that transform material the prompt supplies (summaries, rewrites, translations, extraction): a
# failure there is unfaithfulness to that material, not missing world knowledge.
_TRANSFORM = re.compile(
    r"\b(summari[sz]e|summary of|extract (?:the|all)|based on the (?:following|above|"
    r"given|provided)|according to the (?:passage|text|article|document|context|source))\b|"
    # Asked to rewrite, not told that something rewrites ("will ALTER TABLE rewrite the table?").
    r"(?:^|[.!?:]\s+|\b(?:please|to|and|then|can you|could you)\s+)(rewrite|paraphrase|translate)\b", re.I | re.M)
_TRANSFORM_TASK = re.compile(r"summar|translat|rewrit|paraphras|extract|simplif|rephras")
_OPEN_TASK = re.compile(r"creative|brainstorm|copywrit|story|poem|slogan|open[-_ ]ended")
# Open-ended generation (write a poem, create a password, draft a plan): many answers are right, so a short
# reference the output does not contain shows a different answer, not wrong facts.
_OPEN = re.compile(r"^\W*(?:please\s+)?(?:write|create|compose|generate|draft|design|invent|brainstorm|"
                   r"add an? (?:line|sentence|verse|title|ending|paragraph|slogan)|"
                   r"come up with|make up)\b|\bhelp me (?:write|create|draft|come up with)\b", re.I)
# Explicit output constraints stated in the prompt (length, casing, letters, placeholders, fixed phrasing),
# whether or not a validator can check them: a failed answer to such a prompt most likely broke one.
_CONSTRAINT = re.compile(
    r"\b(?:(?:make|be) sure (?:to |that )?(?:not to |you )?(?:use|include|italicize|highlight|wrap|end|start|"
    r"mention|avoid|only|repeat|the (?:letter|word)|your (?:entire )?(?:response|answer|reply)(?! (?:is|are) "
    r"(?:accurate|correct|factual|true|based|grounded|helpful|clear|relevant)))|"
    # (Asking for an accurate or well-grounded answer is not an output constraint.)
    r"(?:your|the) (?:entire )?(?:response|answer|reply|output|poem|essay|story|letter)s? "
    r"(?:should|must|needs? to|has to|is to|cannot|can't|may not)(?! (?:be )?(?:accurate|correct|factual|true|"
    r"based|grounded|helpful|clear|relevant|cite|reference))|do not use|don't use|without using|refrain from|"
    r"(?:at least|at most|exactly|less than|more than|fewer than|no more than) (?:\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twice|once) (?:words?|sentences?|paragraphs?|sections?|bullets?|bullet points?|times|"
    r"placeholders?|letters?|lines?|characters?)|in all (?:capital|lowercase|uppercase|caps)|(?:lower|upper)case "
    r"letters|capital letters|wrap(?:ped)? (?:your|the) entire|(?:end|finish) (?:your (?:response|answer|reply)|it) "
    r"with|italicize|placeholders?|repeat the request|choose (?:one )?from|one of the following options|"
    r"no other words|in (?:\d+|two|three|four|five) (?:parts|sections|paragraphs)|letter \W?[a-z]\W? "
    r"(?:should|must|appears?))", re.I)
# A request for a walk-through: an answer of a line or two cannot meet it.
_STEPS = re.compile(r"\bstep[- ]by[- ]step\b|\bwalk (?:me|us) through\b|\bin detail\b|\bdetailed\b|"
                    r"\bshow (?:each|every|all|your|the) (?:steps?|working|work|calculations?)\b|"
                    r"\b(?:list|extract) (?:all|every)\b|\bevery (?:line item|item|step)\b|\bfull list\b|"
                    r"\b(?:line[- ]by[- ]line|itemi[sz]ed|full) breakdown\b", re.I)
# A request for a whole work product (a schedule, a procedure, a plan): like a walk-through, a line or two of
# prose cannot be it.
_ARTIFACT = re.compile(r"\b(?:write|build|create|draft|prepare|produce|give me|make|generate|put together|design|"
                       r"outline|lay out)\b[^.?!]{0,60}\b(?:schedule|procedure|plan|checklist|timeline|itinerary|agenda|"
                       r"runbook|playbook|sop|analysis|comparison|guide|outline|roadmap|breakdown|template)s?\b|"
                       r"\b(?:week|day|month|phase|hour)[- ]by[- ](?:week|day|month|phase|hour)\b", re.I)
# A message to be written for someone ("draft an email to the dispatcher", "write the reply to this customer"),
# and the openings a message has: a subject line, a greeting ("Team:", "Hi Ana,"), a sentence to the reader.
_MESSAGE_TASK = re.compile(r"\b(?:draft|write|compose|prepare)\b[^.?!\n]{0,60}?\b(?:e-?mail|letter|note|message|reply|"
                           r"response|notice|announcement|memo|notification|text)\b", re.I)
_MESSAGE_OPENING = re.compile(r"^\W*(?:subject|hi|hello|dear|hey|good (?:morning|afternoon|evening)|greetings|to:|re:|"
                              r"thank|thanks|we|i|i'm|your|you|notice|attention|important|update|announcement|"
                              r"reminder|congrat\w*|welcome)\b|\A\W*(?:\w+ ){0,2}\w+[,:] ", re.I | re.M)
# The prompt tells the model to work from a document it was given: "following our Terraform conventions",
# "using the data dictionary entry", "per the scheduling policy". With such a document in the context, an
# output that does not match what it prescribes set the document aside (the document was there to be used).
_FOLLOW_DOCUMENT = re.compile(
    r"\b(?:follow(?:ing|s)?|per|according to|in line with|conform(?:ing)? to|adher\w* to|comply(?:ing)? with|"
    r"respect(?:ing)?|using|based on|apply(?:ing)?)\b[^.?!\n]{0,40}\b(?:conventions?|polic(?:y|ies)|rules?|"
    r"guidelines?|dictionary|spec(?:ification)?|standards?|style guide|playbook|criteria|requirements)\b", re.I)
# A structured payload (a JSON record, a SQL statement) rather than prose, inside a code fence or not: its keys
# and keywords are not the document's words, so word-overlap grounding cannot say whether it departs from it.
# (A statement in capitals, or one whose next words are SQL's: prose opens with "Create a gateway", "Update the
# firmware", "Select the VM" too. A query may open with comment lines: "-- SPN 110 = engine oil pressure".)
_PAYLOAD = re.compile(r"\A\s*(?:```[\w-]*\s*)?(?:--[^\n]*\n\s*)*(?:[{\[]|(?-i:SELECT|WITH|INSERT|UPDATE|DELETE|CREATE)\b|"
                      r"select\s+(?:\*|distinct\b|[\w.]+\s*(?:,|\bas\b|\bfrom\b))|with\s+\w+\s+as\s*\(|insert\s+into\b|"
                      r"update\s+[\w.]+\s+set\b|delete\s+from\b|create\s+(?:or\s+replace\s+|temp\w*\s+|unique\s+)?"
                      r"(?:table|index|view|function|procedure|schema|database|trigger|type|extension|sequence|"
                      r"materialized)\b)", re.I)
# "PostgreSQL doesn't support the MERGE statement, so here is ...": the output opens by saying a product lacks a
# feature and works around it. Where the feature exists, the model's knowledge of the product is what failed.
_UNSUPPORTED = re.compile(r"\A\W*(?!i\s)(?:[\w.#+`-]+\s){1,4}(?:doesn't|does not|don't|do not)\s+(?:natively\s+|"
                          r"directly\s+|yet\s+)?(?:support|have|provide|offer|include|allow)\b(?:[^.\n]{0,100}?\b(?:so|"
                          r"instead|(?:has|have|need|needs) to be|must be)\b|"
                          # "... doesn't support the MERGE statement. The idiomatic Postgres equivalent is ...".
                          r"[^\n]{0,160}?\b(?:equivalent|alternative|workaround) (?:is|would be)\b)", re.I)
# A comment in the answer that marks a value as a guess ("// typical for downtown", "-- assumes a 48-hour window"):
# the model filled in what it did not know.
_GUESS_COMMENT = re.compile(r"(?://|#|/\*|--)[^\n]{0,120}?\b(?:typical(?:ly)?|usually|assum(?:e|ed|es|ing)|"
                            r"estimat(?:e|ed)|approx\w*|likely|probably|as of now|guess\w*)\b", re.I)
# "Show the calculation in one line": a worked answer, and a short one.
_BRIEF = re.compile(r"\b(?:one|single|a) (?:line|sentence)\b(?!-by-)|\bbrief(?:ly)?\b|\bconcise(?:ly)?\b|\bshort\b", re.I)
# A list item: a bullet or a number.
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
# Code, not prose: a fence, a line that ends as code does, an assignment, a shell prompt, a pipe.
_CODE_LINES = re.compile(r"```|[;{}(\[|\\]\s*$|^\s*(?:\$ |[$@]?[A-Za-z_][\w.]*\s*=[^=])", re.M)
# An answer that stands in for what it leaves out ("...and 4 more similar items", "etc.").
_ELIDED = re.compile(r"(?:\.\.\.|…)\s*(?:and|plus|\+)\s*\d+\s+(?:more|other)|\band \d+ (?:more|others) "
                     r"(?:similar|like)|\betc\.?\s*[\]}\"]|"
                     # Parts of the job handed back: "You can add timeouts and logging on top of this as needed."
                     r"\byou can (?:add|implement|fill in|wire up|handle)\b[^.\n]{0,80}?\b(?:on top of (?:this|that|it)|"
                     r"yourself|later|as needed)\b|\bleft as an exercise\b|"
                     # "(b) and (c) follow the same pattern", "the remaining endpoints are similar".
                     r"\bfollows? the same (?:pattern|approach|logic|structure|steps)\b|"
                     r"\bthe (?:rest|others|remaining \w+) (?:are|is|follow|work|look) (?:similar|the same|analogous)|"
                     # "Remaining 6 entries follow the same format and have been omitted for brevity" (not code's
                     # "getters and setters omitted for brevity").
                     r"\b(?:remaining|other|rest of the)\b[^.\n]{0,60}\bomitted\b",
                     re.I)
# A request in numbered parts: "(1) ... (2) ... (3) ..." or "1) ... 2) ..." inline, or "1." at the start of lines.
_PART_INLINE = re.compile(r"(?:^|[\s:;,])\(?([1-9])\)\s+")
_PART_LINE = re.compile(r"^\s*([1-9])[.)]\s+", re.M)
PART_TERMS = 0.34
"""`parts_unanswered`: the share of a part's content words the output must use for that part to count as answered
(unless the output numbers its answer to it)."""


_WH = r"(?:what|how|when|where|which|who|why|whether)\b"
# "Explain how the guaranty works: what percentage SBA guarantees, what fee is involved, and what happens if ...".
_WH_LIST = re.compile(r"[:\u2014]\s*(" + _WH + r"[^.?!:\n]*)", re.I)
_WH_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?(?=" + _WH + r")|\s+(?:and|or)\s+(?=" + _WH + r")", re.I)


def numbered_parts(prompt: str) -> list[str]:
    """The parts of a request numbered 1, 2, 3, ... in order (three or more), else none. Three or more questions
    listed after a colon ("...: what it covers, what it costs, and when it starts") are parts too."""
    for pattern in (_PART_INLINE, _PART_LINE):
        run: list[re.Match[str]] = []
        for m in pattern.finditer(prompt):
            if int(m.group(1)) == len(run) + 1:
                run.append(m)
        if len(run) >= 3:
            ends = [m.start() for m in run[1:]] + [len(prompt)]
            return [prompt[m.end():end] for m, end in zip(run, ends)]
    for m in _WH_LIST.finditer(prompt):
        listed = [part.strip() for part in _WH_SPLIT.split(m.group(1)) if part.strip()]
        if len(listed) >= 3:
            return listed
    return []


def answered_parts(parts: Sequence[str], output: str) -> int:
    """How many of the parts the output answers: it numbers an answer to the part, or uses its words."""
    said = set(content_tokens(output))
    answered = 0
    for k, part in enumerate(parts, 1):
        words = set(content_tokens(part[:200]))
        numbered = re.search(rf"(?:^|\s|\(){k}[.):]", output) is not None
        if numbered or (words and len(words & said) / len(words) >= PART_TERMS):
            answered += 1
    return answered


# An instruction about the payload's form (the validators read those); the others state content or conduct.
_FORM_WORDS = re.compile(r"\b(?:json|yaml|xml|html|sql|csv|markdown|table|list|format\w*|dialect|schema|keys?|"
                         r"fields?|columns?|header|object|array|null)\b", re.I)
# A stated rule about tone, voice or register rather than content.
_STYLE_RULE = re.compile(r"\b(?:tone|voice|register|formal|informal|friendly|empathetic|empathy|plain (?:english|"
                         r"language)|reading level|jargon|blameless|polite|courteous|professional|casual|upbeat)\b",
                         re.I)
# A tone the prompt itself requires ("Required tone: empathetic and professional", "warm and professional",
# "in a friendly, encouraging voice"): a rule no validator reads, like a stated tone instruction.
_PROMPT_TONE = re.compile(
    r"\b(?:tone|voice|register)\b\s*(?::|should|must|is|needs)|\b(?:in|with|use|keep|keeping|using) (?:a |an |the )?"
    r"(?:[\w-]+,? (?:and )?){0,2}(?:tone|voice|register)\b|\b(?:warm|empathetic|friendly|encouraging|polite|courteous|"
    r"reassuring|upbeat|apologetic|non-judgmental|respectful|supportive|kind),? (?:and|but) (?:warm|empathetic|"
    r"friendly|professional|encouraging|polite|formal|respectful|concise|non-judgmental|supportive)\b", re.I)
# A stated rule of conduct: what the answer must never do or say, or who alone may do a thing.
_CONDUCT_RULE = re.compile(r"\b(?:never|do not|don't|must not|mustn't|may not|should not|shouldn't|cannot|can't|"
                           r"avoid|refrain|not (?:to )?(?:mention|promise|offer|name|blame|state|predict|disclose|"
                           r"share|give|recommend|reveal|speculate)|only (?:supervisors|managers|admins|agents|staff|"
                           r"a |an |the )|prohibited|forbidden|no (?:promises|discounts|refunds|guarantees|legal|"
                           r"medical|financial|personal|names|speculation|competitor))\b", re.I)
_SPECIFIC = re.compile(r"\b(\d[\d,.]*|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)\b")


def _round(x: float) -> float:
    # Rounded so that float noise from batching (padding) cannot flip a decision between runs.
    return round(float(x), 4)


_ASKED_FORMAT = re.compile(
    r"\b(?:output|respond|answer|reply|return|format|give|write)\w*\b[^.\n]{0,60}?\b(?:as|in|with|using)\s+"
    r"(?:a\s+|an\s+|valid\s+|only\s+)*(json|yaml|xml|html|sql|csv)\b", re.I)


_PROGRAM_PART = re.compile(r"\b(?:action|function|endpoint|controller|handler|route|method|view|resolver|middleware|"
                           r"lambda|script|class)s?\b", re.I)


def asked_format(rec: FailureRecord) -> tuple[str | None, tuple[str, ...]]:
    """The expected format and the texts describing it: the record's field, else what the prompt asks for.

    Pipelines often put "output the result as a JSON string ..." in the prompt and leave `expected_format`
    empty; the same validator then applies.
    """
    if rec.expected_format:
        return rec.expected_format, rec.instructions
    for text in (*rec.instructions, rec.input[-3000:]):
        m = _ASKED_FORMAT.search(text)
        if m and _PROGRAM_PART.search(text[max(text.rfind(c, 0, m.start()) for c in ".\n") + 1:m.end()]):
            # "Write the update action ... and respond with JSON", "a handler for GET /books/{id} that returns the
            # book as JSON": the JSON is what the code sends; the answer is the code.
            break
        if m:
            sentence = [ln for ln in text.splitlines() if m.group(0) in ln] or [text]
            return m.group(1).lower(), (sentence[0],)
    return None, ()


def _cheap(rec: FailureRecord) -> Signals:
    v: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    ev: list[Evidence] = []
    certain: tuple[str, str] | None = None
    out = rec.output

    no_payload = False
    fmt, fmt_texts = asked_format(rec)
    if fmt and fmt not in VALIDATORS:
        # A format formfact has no validator for (toml, a DSL): carried, never guessed at.
        ev.append(Evidence("format", f"{fmt}: no validator for this format; not checked", 0.0))
    elif fmt:
        v["fmt_expected"] = 1.0
        schema = rec.schema or (schema_from_instructions(fmt_texts) if fmt == "json" else None)
        res = validate(fmt, out, schema, fmt_texts)
        if fmt == "sql" and not holds_query(out) and not holds_statement(out):
            # A query was owed and none was written (advice on why sales dropped): the output did another job, so
            # its facts are not the answer's.
            no_payload = True
        if not res.ok:
            v["fmt_wrapped" if res.wrapped else "fmt_fail"] = 1.0
            ev.append(Evidence("format", f"{fmt}: {res.detail}", 1.0 if not res.wrapped else 0.9))
            certain = ("behavior", "format_violation")
        else:
            ev.append(Evidence("format", f"{fmt}: {res.detail}", 0.0))
        if res.schema_ok is False:
            v["schema_fail"] = 1.0
            ev.append(Evidence("schema", res.schema_detail, 0.95))
            if certain is None:
                certain = ("behavior", "schema_violation")
        elif res.schema_ok:
            ev.append(Evidence("schema", res.schema_detail, 0.0))
    elif rec.schema is not None:
        res = validate("json", out, rec.schema)
        if res.schema_ok is False:
            v["schema_fail"] = 1.0
            ev.append(Evidence("schema", res.schema_detail, 0.95))
            certain = ("behavior", "schema_violation")

    # Checked one instruction at a time, to know which ones no rule could read.
    per_instruction = [check_instructions((i,), out, rec.input) for i in rec.instructions]
    checks = [c for found in per_instruction for c in found] if rec.instructions else check_instructions(
        (), out, rec.input)
    checks += check_prompt_requests(rec.input, out) if rec.instructions else []
    reply = check_reply_language(rec.input, out, checks)
    checks += [reply] if reply is not None else []
    # Stated rules of conduct or tone no checker can read ("never promise a delivery date", "blameless
    # style"): the grader held the output to them, so a failed case with such rules and no fact shown wrong
    # most likely broke one. (An unread rule of shape, "answer with a code snippet", is usually kept.)
    unchecked = [i for i, found in zip(rec.instructions, per_instruction)
                 if not found and not _FORM_WORDS.search(i) and (_CONDUCT_RULE.search(i) or _STYLE_RULE.search(i))]
    v["instr_unchecked"] = min(len(unchecked), UNCHECKED_RULE_CAP) / UNCHECKED_RULE_CAP
    prompt_tone = bool(_PROMPT_TONE.search(rec.input[:4000]))
    v["instr_style"] = float(prompt_tone or any(_STYLE_RULE.search(i) for i in unchecked))
    if checks:
        fails = [c for c in checks if not c.passed]
        v["instr_count"] = min(len(checks), INSTRUCTION_COUNT_CAP) / INSTRUCTION_COUNT_CAP
        v["instr_fail_share"] = len(fails) / len(checks)
        v["instr_any_fail"] = float(bool(fails))
        # A query or a test asked for and not given, or code left stubbed: its facts are not the answer's.
        v["task_not_done"] = float(any(c.constraint in TASK_UNDONE_CONSTRAINTS for c in fails))
        for c in fails[:4]:
            ev.append(Evidence("instructions", f"violated '{c.constraint}' ({c.detail})", 0.9))
        if not fails:
            ev.append(Evidence("instructions", f"{len(checks)} checkable constraint(s) all kept", 0.0))
    v["task_not_done"] = max(v["task_not_done"], float(no_payload))

    # General-knowledge language only says the context was set aside where there is a context.
    cues = read_cues(rec.input, out, general=bool(rec.context))
    # The phrase tables name the harmful requests they have seen; the learned head reads new wording.
    head = shipped_head()
    v["harm_learned"] = head.probability(rec.input) if head is not None else 0.0
    harm_request = max(cues.harm_request, 0.7 if v["harm_learned"] >= HARM_THRESHOLD else 0.0)
    # The preferred answer declines, and the output did not: the request was one to turn down (17 of the 18 read
    # cases where this holds are labelled unsafe).
    ref_declines = rec.reference is not None and cues.refusal < 0.5 and declines(rec.reference[:600])
    if ref_declines:
        harm_request = max(harm_request, 0.7)
    v.update(refusal=cues.refusal, abstention=cues.abstention, cutoff=cues.cutoff,
             time_sensitive=cues.time_sensitive, stale_years=cues.stale_years, harm_request=harm_request,
             harm_comply=max(harm_request, cues.harmful_advice) * (1.0 - cues.refusal),
             off_register=cues.off_register, general_knowledge=cues.general_knowledge)
    if cues.harmful_advice:
        ev.append(Evidence("harm", "the output advises hiding, evading or skipping a safety control",
                           cues.harmful_advice))
    if cues.off_register:
        ev.append(Evidence("register", "the output uses chat slang, emoji or a condescending tone", cues.off_register))
    reading = check_register(rec.instructions, out, rec.input)
    if reading is not None and not reading.passed:
        # Jargon where plain language was asked for, or a notice's boilerplate where a warm voice was, is the same
        # fault of register.
        v["off_register"] = max(v["off_register"], 0.8)
        ev.append(Evidence("register", f"asked for {reading.constraint}; the output {reading.detail}", 0.8))
    if cues.refusal:
        ev.append(Evidence("refusal", "the output declines the request", cues.refusal))
    if cues.abstention:
        ev.append(Evidence("abstention", "the output says it does not know / has no information", cues.abstention))
    if cues.cutoff:
        ev.append(Evidence("cutoff", "the output cites a knowledge cutoff or stale date", cues.cutoff))
    if cues.harm_request:
        ev.append(Evidence("harm", "the prompt asks about harming people, property or privacy", cues.harm_request))
    elif ref_declines:
        ev.append(Evidence("harm", "the reference declines the request; the output complies", harm_request))
    elif harm_request:
        ev.append(Evidence("harm", f"the prompt reads as a harmful request to the learned head "
                           f"(p={v['harm_learned']:.2f})", harm_request))

    kinds = failed_check_kinds(rec.checks)
    for k in CHECK_KINDS:
        v[f"check_{k}"] = float(k in kinds)
    # How many checks failed and passed, whatever their names say (a name no table knows still failed): two
    # failed checks point to two faults more often than one does, and passed ones vouch for something.
    failed = sum(not c.passed for c in rec.checks)
    v["checks_failed"] = min(failed, CHECK_COUNT_CAP) / CHECK_COUNT_CAP
    v["checks_passed"] = min(len(rec.checks) - failed, CHECK_COUNT_CAP) / CHECK_COUNT_CAP
    for k, why in kinds.items():
        ev.append(Evidence(f"check:{k}", why, 0.8))
    vouched = passed_content_checks(rec.checks)
    v["content_check_passed"] = float(bool(vouched))
    if vouched:
        ev.append(Evidence("check:content", f"{vouched[0]} passed: the content matches the gold answer or source", 0.6))

    words_in, words_out = len(rec.input.split()), len(out.split())
    v["out_len"] = log_words(out)
    v["in_len"] = log_words(rec.input)
    v["len_ratio"] = max(-1.0, min(1.0, math.log((words_out + 1) / (words_in + 1)) / 4))
    n_asked = rec.input.count("?") + len(re.findall(r"\b(additionally|also)\b", rec.input, re.I))
    v["n_questions"] = min(QUESTION_CAP, n_asked) / QUESTION_CAP
    v["explanatory"] = float(bool(_EXPLAIN.search(rec.input)))
    # A why/how question is answered with "it varies" in good faith; a question for one value is not.
    # In an explanation a hedge ("it depends on the engine") can be part of a fair answer; beside a gold answer
    # that states the point plainly, it is the model not knowing it.
    v["deflection"] = cues.deflection * (1.0 if rec.reference else 1.0 - v["explanatory"])
    # The pipeline's own task name, when it sends one ("summarization", "creative_writing"), says the same.
    task = (rec.task or "").lower()
    v["transform_task"] = float(bool(_TRANSFORM.search(rec.input[:2000]) or _TRANSFORM_TASK.search(task)))
    v["open_task"] = float(bool(_OPEN.search(rec.input[:500]) or _OPEN_TASK.search(task)))
    v["stated_constraints"] = float(prompt_tone or bool(_CONSTRAINT.search(rec.input[:4000])))
    toks = out.split()
    v["specificity"] = len(_SPECIFIC.findall(out)) / max(1, len(toks))
    asks = rec.input[:2000]
    worked = [asks, *rec.instructions]  # "show each step", unless in one line
    walk_through = any(_STEPS.search(t) and not _BRIEF.search(t) for t in worked)
    v["asks_steps"] = float(walk_through or bool(out.lstrip()[:1] not in "[{<" and _ARTIFACT.search(asks)))
    # A walk-through or a work product answered in a line or two: under about 25 words; a walk-through also in
    # under about 45 words of prose with no list and no code ("Create a gateway, then a connection; the tunnel
    # should come up"). (A schedule of that length, its times and rooms in a paragraph, can be whole.)
    v["thin_steps"] = float(bool(v["asks_steps"]) and (v["out_len"] < 0.41 or (
        walk_through and v["out_len"] < 0.48 and not _LIST_LINE.search(out) and not _CODE_LINES.search(out))))
    v["elided_items"] = float(bool(_ELIDED.search(out)))
    # "Three questions: (1) ... (2) ... (3) ...", answered one of three: the reply stops short of the request.
    parts = numbered_parts(rec.input[:3000])
    answered = answered_parts(parts, out) if parts else 0
    v["parts_unanswered"] = float(bool(parts) and answered <= len(parts) / 2)
    if v["parts_unanswered"]:
        ev.append(Evidence("detail", f"the request has {len(parts)} parts, numbered or listed; the output answers "
                           f"{answered}", 0.7))
    # Asked for a message, the output opens like none (an essay on the topic instead of the email).
    v["not_a_message"] = float(bool(_MESSAGE_TASK.search(rec.input[:600])) and not _MESSAGE_OPENING.search(out))
    v["payload_output"] = float(bool(_PAYLOAD.match(out)))
    v["claims_unsupported"] = float(bool(_UNSUPPORTED.match(out[:400])))
    v["guessed_value"] = float(bool(_GUESS_COMMENT.search(out)))
    source = "\n".join((rec.input, *rec.context, *rec.instructions))
    unsourced = unsourced_ids(out, source)
    v["unsourced_id"] = float(bool(unsourced))
    if unsourced:
        ev.append(Evidence("facts", f"the output states {', '.join(unsourced[:3])}, which the input and context "
                           "do not hold", 0.7))
    unlisted = unlisted_values(out, rec.input + "\n" + "\n".join(rec.context))
    v["sql_unlisted_value"] = float(bool(unlisted))
    if unlisted:
        ev.append(Evidence("context", f"the query compares {', '.join(unlisted[:2])}, a value the schema's notes do "
                           "not list", 0.75))
    invented = invented_names(out, rec.input + "\n" + "\n".join(rec.context))
    if invented:
        v["sql_invented"] = 1.0
        ev.append(Evidence("facts", f"the query uses {', '.join(invented[:3])}, which the given schema does not have",
                           0.9))
    v["list_structure"] = float(len(_LIST_LINE.findall(out)) >= 2)
    v["has_reference"] = float(bool(rec.reference))
    # A reference of more than a few words is a whole preferred answer, not a fact to look for.
    ref_words = len((rec.reference or "").split())
    v["ref_long"] = float(ref_words > 8)
    # A full answer of a paragraph or more, met with under 40% of its words: the output leaves most of
    # what was owed unsaid (a one-line recommendation where the reference itemises each quote).
    v["thin_answer"] = float(ref_words >= THIN_REFERENCE_WORDS and len(toks) < THIN_SHARE * ref_words)
    if rec.reference:
        ref_terms, out_terms = content_tokens(rec.reference), set(content_tokens(out))
        v["ref_token_recall"] = recall(ref_terms, out_terms)
        # The words of the question that the gold answer takes up ("HSA", "self-only", "2025", "maximum"):
        # an output that takes up every one of them answers the same question, whatever its values.
        asked = set(content_tokens(rec.input[:800])) & set(ref_terms)
        v["same_question"] = float(len(asked) >= SAME_QUESTION_TERMS and asked <= out_terms)
        facts = compare_facts(out, rec.reference, "\n".join((rec.input, *rec.context)), rec.input)
        v["ref_fact_recall"] = facts.ref_recall
        v["fact_conflict"] = float(facts.conflict)
        v["fact_conflict_hard"] = float(facts.hard)
        ev.append(Evidence("facts", f"output vs reference: {facts.detail}", 0.8 if facts.conflict else 0.0))
    if rec.context:
        v["has_context"] = 1.0
        v["follow_context"] = float(bool(_FOLLOW_DOCUMENT.search(rec.input[:4000])))
        g = ground(rec.input, out, rec.reference, rec.context)
        cited = invented_citations(out, source)
        v["invented_citation"] = float(bool(cited))
        if cited:
            ev.append(Evidence("facts", f"the output cites {', '.join(cited[:3])}, a section number the given "
                               "document does not state", 0.7))
        v.update(out_support=g.out_support, unsupported_sentences=g.unsupported_sentences,
                 ref_in_context=g.ref_in_context, ref_in_top_bm25=g.ref_in_top_bm25)
        ev.append(Evidence("grounding", f"{g.out_support:.0%} of the output's words are in the context; "
                           f"{g.unsupported_sentences:.0%} of its sentences are unsupported"
                           + (f" (least supported: {g.worst_sentence!r})" if g.unsupported_sentences else ""),
                           g.unsupported_sentences))
        if rec.reference:
            ref_facts = fact_tokens(rec.reference)
            ctx_facts = fact_tokens("\n".join(rec.context))
            v["ref_facts_in_context"] = (len(held_facts(ref_facts, ctx_facts)) / len(ref_facts) if ref_facts
                                         else g.ref_in_context)
            v["ref_gap_in_context"] = g.ref_gap_in_context
            v["ref_gap_in_directive"] = min(g.ref_gap_in_directive, DIRECTIVE_GAP_SCALE) / DIRECTIVE_GAP_SCALE
            ev.append(Evidence("retrieval", f"{g.ref_in_context:.0%} of the reference's words are in the best "
                               "context passage", 1.0 - g.ref_in_context))
    return Signals(v, ev, certain, kinds, bool(rec.instructions or rec.expected_format))


def extract(records: Sequence[FailureRecord], embedder: TextEmbedder) -> tuple[list[Signals], dict[str, np.ndarray]]:
    """Compute the signals of a batch; returns them with the batch's input and output embeddings."""
    sigs = [_cheap(r) for r in records]
    n = len(records)
    # Context passages are compared by tokens (grounding), not embedded: they are long, many, and the
    # token measures already say whether the output follows them.
    texts = [r.input for r in records] + [r.output for r in records] + [r.reference or "" for r in records]
    emb = embedder.embed(texts)
    e_in, e_out, e_ref = emb[:n], emb[n : 2 * n], emb[2 * n : 3 * n]
    for i, (r, s) in enumerate(zip(records, sigs)):
        v = s.values
        cal = embedder.calibrate
        v["rel_io"] = cal(float(e_in[i] @ e_out[i])) if r.output.strip() else 0.0
        if r.reference:
            v["ref_sim"] = cal(float(e_ref[i] @ e_out[i]))
            v["rel_ir"] = cal(float(e_in[i] @ e_ref[i]))
            v["rel_gap"] = v["rel_ir"] - v["rel_io"]
            s.evidence.append(Evidence("reference", f"output vs reference: similarity {v['ref_sim']:.2f}, "
                                       f"{v['ref_token_recall']:.0%} of the reference's words present",
                                       1.0 - max(v["ref_sim"], v["ref_token_recall"])))
        s.evidence.append(Evidence("relevance", f"output vs input similarity {v['rel_io']:.2f}"
                                   + (f" (reference vs input {v['rel_ir']:.2f})" if r.reference else ""),
                                   max(0.0, 1.0 - v["rel_io"])))
        for k in v:
            v[k] = _round(v[k])
    return sigs, {"input": e_in, "output": e_out}
