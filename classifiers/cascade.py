"""The v1 deterministic cascade: signal values -> label, subtypes, confidence.

Rules run from most to least certain: a validator that fails is a behavior problem whatever else is true
(and "both" when the output's values also contradict the reference's); a refusal of a failed case is
over-refusal, an abstention is a knowledge gap; then grounding, the values stated against the reference's,
and relevance. Every case here is a known failure, so a well-formed, on-task answer with no behavior problem
found is itself evidence for information (the facts were wrong), at moderate confidence. When the signals
are weak or pull both ways the confidence stays low and the engine says `unknown`.
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from classifiers.signals import Signals


@dataclass(frozen=True)
class Verdict:
    label: str
    subtypes: tuple[str, ...]
    confidence: float
    reason: str
    rule: str = ""
    """Which cascade rule decided (one of RULES); the learned combiner calibrates each rule's reliability."""


REVISION = 120
"""Bumped whenever a rule or a signal changes what the cascade decides; part of every model version. (118 was
a withdrawn revision's, model `4c3ff1d8`: never used again.)"""

RULES = ("validator", "both_validator", "both_instructions", "abstained_payload", "claimed_unsupported",
         "invented_schema", "unlisted_value", "check_both", "check_behavior", "instructions", "refusal",
         "context_abstention", "abstained_despite_context", "cutoff", "abstention", "deflection", "harm",
         "off_register", "thin_walkthrough", "check_retrieval", "check_fact", "context_held", "context_general",
         "context_unused", "context_lacks", "context_departs", "fact_conflict", "context_followed", "context_partial",
         "value_slip", "context_embellished", "context_prescribed", "payload_values", "same_question",
         "reference_same_task", "question_answered_otherwise", "reference_fits_better", "reference_missing",
         "reference_open", "thin_answer", "not_a_message", "unrelated", "unsourced_value", "transform_task",
         "explanation_generic", "stated_constraints", "invented_citation", "check_unsupported", "fallback_information",
         "check_context", "context_gap_held", "abstained_detail", "context_rule_unapplied")


FACT_TOPIC_SIM = 0.8
"""Output-reference similarity above which a difference in stated values is a fact error, not another task."""

SLIP_SIM = 0.95
"""Output-reference similarity above which the output is the reference's answer in the reference's form."""

SLIP_RECALL = 0.6
"""Share of the reference's values an output must keep for its differing ones to be slips, not another answer."""

KEPT_RECALL = 0.8
KEPT_SIM = 0.85
"""`context_embellished`: the share of the reference's values and the similarity at which an output given a
covering context is the reference's answer with something added."""

ABSTAINED_HELD_WORDS = 0.55
ABSTAINED_HELD_FACTS = 0.9
"""`abstained_despite_context`: the share of the reference's words and of its values the context holds at which
a model that says the passages lack the answer set them aside (over the read sets, abstentions after a
retrieval miss leave at most 0.8 of the values in the context, or all of them and half the words)."""

GAP_HELD = 0.7
"""`context_gap_held`: at least this share of the reference's words that the output lacks are in the context
(over the read sets, 30 of the 33 cases at or above it that reached `context_lacks` were context ignored)."""
DIRECTIVE_GAP = 0.4
"""`context_rule_unapplied`: four or more of the reference's missing words stand in a rule the context states (over
the read sets, 9 of the 11 cases that reached `context_lacks` with this many were behavior, none information)."""
UNUSED_REF_IN_CONTEXT = 0.55
UNUSED_OUT_SUPPORT = 0.45
"""`context_unused`: one passage holds at least this share of the reference's words while under this share of
the output's words are in the context: the answer was retrieved and the model did not use it."""

ANSWERED_OTHERWISE_SIM = 0.6
ANSWERED_OTHERWISE_LENGTH = 0.3
"""`question_answered_otherwise`: the similarity to a long reference, and the most `len_ratio` (the output's
length against the input's, on a log scale), at which an output to a question answered it with other content
rather than doing another task."""

SAME_TASK_GAP = 0.08
SAME_TASK_SIM = 0.7
SAME_TASK_RECALL = 0.45
SAME_TASK_LENGTH = 0.3
"""`reference_same_task`: at most this relevance gap below the reference, at least this similarity to it and
this share of its words, and a `len_ratio` (log length ratio to the request / 4) under this: the output is the
reference's kind of answer, not another task's (a poem from another perspective, an essay for a keyboard brief,
twenty countries where two were asked for)."""

OTHERWISE_SIM = 0.45
OTHERWISE_GAP = 0.1
OTHERWISE_LENGTH = 0.4
"""`reference_same_task`, second way: a question answered with values that contradict the reference needs only
this similarity to it, at most this relevance gap below it and a `len_ratio` under this length (the
contradiction is the evidence the words' overlap gives otherwise)."""

COMPACT_ANSWER = 0.58
"""`out_len` (log1p words / 8) under which an answer is compact: about 100 words."""

NOMINAL_CONFIDENCE = {"fallback_information": 0.6}
"""The strength the learned combiner reads for a rule whose verdict confidence also carries within-rule doubt
(see `elimination_confidence`): the label heads weigh the rule as a whole, the doubt caps the final confidence."""


def _info_subtype(v: dict[str, float]) -> str:
    if v["cutoff"] >= 0.5 or v["stale_years"]:
        return "outdated_knowledge"
    if v["abstention"] >= 0.8:
        return "missing_knowledge"
    if v["time_sensitive"] >= 0.5:
        return "outdated_knowledge"
    return "hallucination"


def information_evidence(v: dict[str, float], answer_owed_whole: bool = True) -> str | None:
    """The information subtype when the facts are independently shown wrong or missing, else None.

    Used to call a certain behavior failure "both": a fenced JSON whose answer also contradicts a short
    reference needs a format fix and a knowledge fix. `answer_owed_whole` is False where the fault is a broken
    instruction: an answer cut to a length or held to a rule need not carry the gold answer's passage-sized
    content, so that passage missing from both the context and the output says nothing about retrieval (a
    payload that does not parse is a different matter: its values were owed in full).
    """
    if v["sql_invented"] or v["guessed_value"] or (v["unsourced_id"] and answer_owed_whole):
        # A table or column the given schema does not have, or a value its own comment calls a guess ("//
        # typical for the area"), or, in a payload owed whole, an id the source does not hold: the model made up
        # a fact.
        return "hallucination"
    if v["has_context"] and v["has_reference"] and v["ref_in_context"] < 0.5 and v["ref_token_recall"] < 0.5:
        return "retrieval_miss" if answer_owed_whole else None
    if not v["has_reference"]:
        # Without a gold answer an abstention may be the asked-for answer ("say NOT ENOUGH CONTEXT").
        return None
    if v["cutoff"] >= 0.5:
        return "outdated_knowledge"
    if v["abstention"] >= 0.8 and v["out_len"] < 0.7 and not _context_holds_reference(v):
        return "missing_knowledge"
    if v["fact_conflict_hard"] and (v["fmt_fail"] or v["fmt_wrapped"] or v["schema_fail"] or v["instr_any_fail"]
                                    or v["ref_fact_recall"] < 0.5):
        # The output states its own values where the reference states others (a policy ID, an amount, a
        # year, a flag). A payload in the wrong form, or an answer that broke a length or layout rule, should
        # still carry the reference's values, so one other number or code in place of a missed one suffices
        # (a rule's extra words add values, they do not replace the reference's); otherwise most must differ.
        return _info_subtype(v)
    if not v["ref_long"] and v["ref_token_recall"] < 0.5 and v["ref_sim"] < 0.5:
        return _info_subtype(v)
    return None


def decide(s: Signals) -> Verdict:
    """Apply the cascade to one record's signals."""
    v = s.values
    certain = _certain_behavior(s)
    failed_validator = certain.confidence if certain is not None and certain.rule == "validator" else 0.0
    if failed_validator and v["fmt_fail"] and (v["has_reference"] or not v["instr_count"]) and _abstained(v):
        # "-- I don't have the schema, so I can't write this query" in place of the payload, where a gold
        # answer exists: the broken format is the symptom; the model lacked what it needed to answer. (Without
        # a reference the abstention may be the asked-for answer, "respond NOT ENOUGH CONTEXT".)
        return _abstained_payload(v)
    if certain is not None and v["claims_unsupported"] and v["harm_request"] < 0.5:
        # "MySQL doesn't support window functions, so here is a workaround:" prose before the query breaks the
        # format, but the fault to fix is the belief that the product lacks the feature (it was asked for by name,
        # or the gold answer uses it): stale or missing knowledge of the product. So with a stated rule broken
        # for it: "PostgreSQL doesn't support MERGE, so this needs two statements" where one was asked for.
        return Verdict("information", ("outdated_knowledge",), 0.7, "the output says the product lacks a feature "
                       "and works around it instead of giving what was asked", "claimed_unsupported")
    if certain is not None and v["refusal"] >= 0.5 and not v["abstention"] and v["harm_request"] < 0.5:
        # A refusal is not JSON, and it cites no section and keeps no length: the fault to fix is the refusal of
        # a safe request, not the format or the rule. (One that declines because "the context has no
        # information" still owed the payload: a format fault.)
        return Verdict("behavior", ("over_refusal",), certain.confidence, "the model refused instead of giving "
                       "the answer", "refusal")
    if certain is not None:
        # A query or a test asked for and never written: the output did another job, and comparing its values
        # with the gold answer's says nothing about what the model knows.
        # (So does a check of the content that passed beside the broken form, "issue_recall: 4/4 gold issues
        # present" next to a list where a table was asked for: whatever the comparison with the gold says.)
        # (And so does a failed safety check: a gold answer that declines or redirects holds no facts for a
        # harmful payload to get wrong, "readonly_guard: destructive statement" beside the DELETE it flags.)
        skip = v["task_not_done"] or (
            (v["content_check_passed"] or "unsafe" in s.check_kinds)
            and not s.check_kinds.keys() & {"fact", "retrieval"})
        info = None if skip else information_evidence(v, answer_owed_whole=certain.rule != "instructions")
        failed = s.check_kinds.keys() & {"fact", "retrieval"}
        if v["task_not_done"] and failed == {"fact"} and _TEST_RUN.match(s.check_kinds["fact"]):
            # (Nor do the tests of code that was not written: "unit_tests: 4 failed: POST, PUT, DELETE returned
            # 404 (route not found)" beside handlers left as "// TODO" names no made-up route.)
            failed = set()
        if info is None and failed:
            # The pipeline's own correctness or retrieval check failed beside the broken form ("'$130,000' not
            # found" next to a table without its delimiter row): the facts are at fault too.
            info = "retrieval_miss" if "retrieval" in s.check_kinds else _info_subtype(v)
        if info is None and _unsupported_claims(s.check_kinds):
            info = "hallucination"
        if info is not None:
            return Verdict("both", (certain.subtypes[0], info), min(0.9, certain.confidence),
                           certain.reason + ", and the facts are wrong or missing", "both_" + certain.rule)
        return certain
    return _decide(s)


# A check that runs the code's tests ("unit_tests failed: ...", "pytest failed: ...").
_TEST_RUN = re.compile(r"\w*(?:tests?|pytest|jest|vitest|rspec|junit|spec)\b[\w-]* failed:", re.I)


def _same_task(v: dict[str, float]) -> bool:
    """The output reads like the reference, keeps its vocabulary, is about the request's length, and the prompt
    stated no rule a checker could not read (an unread rule, a register, a rewrite: the usual faults of such an
    answer)."""
    return (v["ref_sim"] >= SAME_TASK_SIM and v["ref_token_recall"] >= SAME_TASK_RECALL
            and v["len_ratio"] < SAME_TASK_LENGTH
            and not (v["stated_constraints"] or v["transform_task"] or v["instr_unchecked"] or v["instr_style"]))


def _answers_otherwise(v: dict[str, float]) -> bool:
    """A question answered on the reference's topic, at about its length, with values that contradict it."""
    return (bool(v["fact_conflict"] and v["n_questions"]) and v["ref_sim"] >= OTHERWISE_SIM
            and v["rel_gap"] < OTHERWISE_GAP and v["len_ratio"] < OTHERWISE_LENGTH and not v["open_task"])


def _context_holds_reference(v: dict[str, float]) -> bool:
    """The given passages hold the gold answer's words and its every value: a model that says it lacks the answer
    set them aside."""
    return v["ref_in_context"] >= ABSTAINED_HELD_WORDS and v["ref_facts_in_context"] >= ABSTAINED_HELD_FACTS


def _abstained(v: dict[str, float]) -> bool:
    return v["abstention"] >= 0.8 and v["refusal"] < 0.5 and v["out_len"] < 0.7 and v["harm_request"] < 0.5


def _asks_much(v: dict[str, float]) -> bool:
    """An explanation, or a question of several parts: an answer owes more than one fact."""
    return bool(v["explanatory"]) or v["n_questions"] >= 0.5


def _certain_behavior(s: Signals) -> Verdict | None:
    """The rules whose behavior finding stands whatever the facts: validators and stated constraints."""
    v = s.values
    if s.certain is not None:
        label, sub = s.certain
        return Verdict(label, (sub,), 0.97, "a deterministic validator failed", "validator")
    if v["instr_any_fail"]:
        return Verdict("behavior", ("instruction_violation",), 0.75 + 0.2 * v["instr_fail_share"],
                       "a stated constraint is violated", "instructions")
    return None


# How a faithfulness grader words its finding: claims without support, or claims against the passages.
_UNSUPPORTED_CLAIMS = re.compile(r"not (?:mentioned|supported|found|present|stated|in the|contained|backed)|"
                                 # "'$5,000 annual cap' not in HR-214" (not "not in line with").
                                 r"\bnot in (?!line\b)[\w§]|"
                                 r"unsupported|no (?:source|evidence|support|mention)|invent|fabricat|absent from|"
                                 r"does(?: not|n't) appear|not grounded|ungrounded|cannot be (?:found|verified)|"
                                 r"unverifiable|\b(?:is|are) false\b|"
                                 # An NLI grader's "claim 'Corrected by owner on 2025-05-06' not entailed by any log";
                                 # "no §3.2 or 5% cap exists in the provided agreement text".
                                 r"\bnot entailed\b|\bno (?:[^.;]|\.(?=\d)){1,40}? exists?\b", re.I)
# How a faithfulness grader says the output set aside what the context holds.
_SETS_ASIDE = re.compile(r"contradict|conflicts? with|ignor|instead of|but the (?:context|document|source|passage|policy)|"
                         r"\bretrieved but not used|\bnot used\b|"
                         # "Does not reference the FailedScheduling events in context".
                         r"\b(?:does(?: not|n't)|fails? to|never) (?:reference|use|mention|cite|address|consider|"
                         r"acknowledge)\b|"
                         r"(?:context|document|source|passage|policy|log|file|record|§\s?\d[\d.]*)s? "
                         r"(?:shows?|specif\w+|says|states?|gives?|lists?|marks?)\b", re.I)
_CONTRADICTS = re.compile(r"contradict|conflict|instead of|ignor|but the (?:context|document|source|passage|policy)|"
                          r"whereas|opposite|differs? from|inconsistent|misstat", re.I)


def _claims_both_ways(kinds: dict[str, str]) -> bool:
    """A failed faithfulness check whose reason lists one claim no passage supports and another that contradicts
    one ("Voice-therapy fund unsupported; 90-day single-occupancy rule contradicts §5"): an invented fact beside
    the context set aside."""
    if "context" not in kinds:
        return False
    clauses = kinds["context"].split(";")
    return len(clauses) > 1 and any(_CONTRADICTS.search(c) for c in clauses) and \
        any(_UNSUPPORTED_CLAIMS.search(c) and not _CONTRADICTS.search(c) for c in clauses)


def _unsupported_claims(kinds: dict[str, str]) -> bool:
    """A failed faithfulness check whose reason finds claims no passage supports (a fee, a deadline, a policy),
    not claims that contradict or set aside what the passages say: an invented fact."""
    return "context" in kinds and bool(_UNSUPPORTED_CLAIMS.search(kinds["context"])) \
        and not _CONTRADICTS.search(kinds["context"])


def _decide(s: Signals) -> Verdict:
    v = s.values
    kinds = s.check_kinds
    if v["sql_invented"] and not kinds.keys() - {"fact", "retrieval"}:
        return Verdict("information", ("hallucination",), 0.85, "the query uses a table or column the given schema "
                       "does not have", "invented_schema")
    if v["sql_unlisted_value"] and not kinds.keys() - {"fact", "context"}:
        # `region = 'east'` where the schema's note lists 'WEST','CENTRAL','EAST': the query sets aside what it
        # was told about the data (a filter that matches no row), a fault of reading the context.
        return Verdict("behavior", ("context_ignored",), 0.75, "the query filters on a value the schema's notes do "
                       "not list for that column", "unlisted_value")
    if kinds.keys() & {"fact", "retrieval"} and not kinds.keys() - {"fact", "retrieval", "context", "relevance"}:
        # A correctness or retrieval check failed, and the graders of faithfulness or relevance with it: an answer
        # built on a fact it lacked is unsupported by its context and strays from the question as a consequence.
        # (On the hand-written sets a failed faithfulness check beside a failed correctness one was information
        # in 3 cases of 5; alone it is mostly context ignored.)
        if "retrieval" in kinds:
            return Verdict("information", ("retrieval_miss",), 0.8, "the retrieval check failed", "check_retrieval")
        if "context" in kinds and _SETS_ASIDE.search(kinds["context"]):
            # Unless the faithfulness grader says where the context held the answer ("uses a 20% rule of thumb;
            # context specifies 35%", "context shows 0 issue digicert.com"): the wrong value is the context set
            # aside, and the correctness check fails because of it.
            return Verdict("behavior", ("context_ignored",), 0.7, "the correctness check failed, and the "
                           "faithfulness check says the context held what the output set aside", "check_context")
        return Verdict("information", (_info_subtype(v),), 0.75, "the correctness check failed; the graders of "
                       "faithfulness or relevance failed with it", "check_fact")
    if kinds.keys() == {"context"} and _unsupported_claims(kinds):
        # The faithfulness grader's reason says the answer states what no passage supports (a fee, a deadline,
        # a phone number), not that it contradicts or sets aside what the passages say: an invented fact.
        return Verdict("information", ("hallucination",), 0.65, "the faithfulness check found claims the context "
                       "does not support, not claims that contradict it", "check_unsupported")
    if kinds.keys() == {"detail"} and v["has_reference"] and _abstained(v):
        # "I don't have specific information on how leave bank hours interact with FMLA" and a completeness
        # grader that finds the rule missing: the answer lacks it because the model did.
        return Verdict("information", ("retrieval_miss" if v["has_context"] else "missing_knowledge",), 0.7,
                       "the model said it lacks the information the completeness check found missing",
                       "abstained_detail")
    if kinds.keys() <= {"format", "schema"} and kinds and v["has_reference"] and _abstained(v):
        # The pipeline's own parser failed on what the validators above saw no payload to check: "I don't have
        # the date of that holiday, so I've parameterized it" before a query with `:holiday_date`. As there, the
        # broken form is the symptom of a fact the model lacked.
        return _abstained_payload(v)
    for kind, sub in (("format", "format_violation"), ("schema", "schema_violation"),
                      ("instruction", "instruction_violation"), ("unsafe", "unsafe"),
                      ("refusal", "over_refusal"), ("relevance", "off_task"), ("context", "context_ignored"),
                      ("detail", "insufficient_detail"), ("style", "style")):
        if kind in kinds and not (kind == "context" and _unsupported_claims(kinds) and len(kinds) > 1):
            # (A faithfulness check that finds unsupported claims beside another failed check is the fact half
            # of the finding, not the behavior half: "readability: grade 24" with "unsupported claims: 'within
            # five business days'" is a style fault and an invented fact.)
            # The facts are shown wrong beside it by a failed correctness or retrieval check, by a column the
            # schema lacks or a value the output calls a guess, or by a faithfulness check that finds claims no
            # passage supports (or, on its own, one such claim beside one that contradicts a passage).
            # (Not a correctness check failing beside a refusal check: a refused answer states no facts to be
            # wrong, "answer_correctness: no breakdown provided".)
            if ("fact" in kinds and kind != "refusal") or "retrieval" in kinds or v["sql_invented"] or \
                    v["guessed_value"] or (kind != "context" and _unsupported_claims(kinds)) or \
                    _claims_both_ways(kinds):
                info = "retrieval_miss" if "retrieval" in kinds else _info_subtype(v)
                return Verdict("both", (sub, info), 0.8, "failed behavior and fact checks", "check_both")
            return Verdict("behavior", (sub,), 0.85, f"the pipeline's {kind} check failed", "check_behavior")
    if v["refusal"] >= 0.5 and v["abstention"] < 0.8 and v["cutoff"] == 0:
        return Verdict("behavior", ("over_refusal",), 0.7 + 0.25 * v["refusal"], "the model refused", "refusal")
    if v["has_context"] and _abstained(v) and not v["transform_task"]:
        if _context_holds_reference(v):
            return _abstained_despite_context(v)
        # Given retrieved passages, "the sections I have don't cover parental leave": retrieval missed it.
        return Verdict("information", ("retrieval_miss",), 0.75, "the model says the given context lacks the "
                       "answer", "context_abstention")
    if v["has_context"] and not v["has_reference"] and v["unsupported_sentences"] > 0 and not v["payload_output"]:
        if v["invented_citation"]:
            return _invented_citation()
        # Given a source and no gold answer, saying "the passage has no information" while adding claims
        # the passage lacks is a failure to use the context, not a knowledge gap.
        return Verdict("behavior", ("context_ignored",), 0.6 + 0.3 * v["unsupported_sentences"],
                       "the output departs from the given context", "context_departs")
    if v["cutoff"] >= 0.5 and not v["transform_task"]:
        # (Dates in a summary or rewrite come from the material given, not from stale knowledge.)
        return Verdict("information", ("outdated_knowledge",), 0.85, "knowledge-cutoff language", "cutoff")
    if v["abstention"] >= 0.8 and v["out_len"] < 0.7:
        if _context_holds_reference(v):
            return _abstained_despite_context(v)
        return Verdict("information", ("missing_knowledge",), 0.85, "the model abstained", "abstention")
    if v["claims_unsupported"] and v["refusal"] < 0.5 and v["harm_comply"] < 0.5 and not v["transform_task"]:
        # "The built-in container doesn't support keyed registrations, so here is a factory workaround": the
        # answer rests on a belief about the product; the case failed, so the belief is stale or wrong.
        return Verdict("information", ("outdated_knowledge",), 0.65, "the output says the product lacks a feature "
                       "and works around it", "claimed_unsupported")
    if v["deflection"] and v["has_reference"] and v["ref_fact_recall"] < 0.5 and v["refusal"] < 0.5 \
            and not v["transform_task"]:
        if v["has_context"] and _context_holds_reference(v):
            # "Check with your HR representative" beside a passage that states the answer: it was set aside.
            return _abstained_despite_context(v)
        # "It depends on the unit; the best source is the manual", and none of the gold answer's values: the
        # model did not know them. (Without a gold answer, a hedge may be fair advice; elimination decides.)
        return Verdict("information", ("retrieval_miss" if v["has_context"] else "missing_knowledge",), 0.7,
                       "the output hedges and points elsewhere instead of stating the value asked for", "deflection")
    if v["harm_comply"] >= 0.5:
        return Verdict("behavior", ("unsafe",), 0.55 + 0.3 * v["harm_comply"], "complied with a harmful request",
                       "harm")
    if v["off_register"] >= 0.5 and v["harm_comply"] < 0.5:
        # Slang, emoji runs or talking down to the user: the answer's register is the fault.
        if v["fact_conflict_hard"] and v["ref_fact_recall"] < 0.5:
            return Verdict("both", ("style", _info_subtype(v)), 0.7, "the output's register does not fit the task, "
                           "and its values contradict the reference's", "off_register")
        return Verdict("behavior", ("style",), 0.6 + 0.3 * v["off_register"], "the output's register does not fit "
                       "the task (slang, emoji, condescension)", "off_register")
    if v["thin_steps"] or v["elided_items"] or v["parts_unanswered"]:
        # A walk-through or a full list was asked for; a line or two, or "...and 4 more", cannot be it. Nor can
        # an answer to one of a request's three numbered parts.
        return Verdict("behavior", ("insufficient_detail",), 0.75, "a step-by-step or complete answer was asked "
                       "for; the output is a line or two, elides items, or answers few of the parts asked",
                       "thin_walkthrough")
    if "retrieval" in kinds:
        return Verdict("information", ("retrieval_miss",), 0.85, "the retrieval check failed", "check_retrieval")
    if "fact" in kinds:
        return Verdict("information", (_info_subtype(v),), 0.8, "the correctness check failed", "check_fact")
    if v["not_a_message"] and v["has_context"]:
        return _not_a_message()
    if v["has_context"]:
        if v["unsourced_id"] and v["payload_output"]:
            # A VIN filled in where the declarations page masks it: whatever else the record copied right, that
            # value was made up, not taken from the document set aside.
            return _unsourced_value()
        if v["has_reference"]:
            # A short reference (a name, a date) must be in one passage nearly word for word; a
            # sentence-long one is paraphrased, so most of its values (numbers, dates, names, codes) suffice.
            if v["ref_in_context"] >= 0.8 or (v["ref_long"] and v["ref_facts_in_context"] >= 0.7):
                if _value_slip(v):
                    # The document was used (form and most values match): the odd value is a slip of fact.
                    return _slip()
                if v["ref_fact_recall"] >= KEPT_RECALL and (v["ref_sim"] >= KEPT_SIM or v["unsourced_id"]):
                    # Every value the gold answer takes from the document is there, in an answer that says the
                    # same: what failed is a claim added to it (a membership the policy never asks for, a
                    # section number the excerpt does not show), an invented fact, not a document set aside.
                    return Verdict("information", ("hallucination",), 0.6, "the output keeps the reference's "
                                   "values from the context and adds claims of its own", "context_embellished")
                return Verdict("behavior", ("context_ignored",), 0.7, "the context held the answer; output differs",
                               "context_held")
            if v["general_knowledge"] and max(v["ref_in_context"], v["ref_facts_in_context"]) >= 0.4:
                # The reference is worked out from the context (a computed refund, a rule applied), so its words
                # are not there verbatim; the answer instead speaks from general knowledge ("policies usually
                # cap...") on a subject the context covers: the document was set aside.
                return Verdict("behavior", ("context_ignored",), 0.65, "the output answers from general knowledge "
                               "where the context covers the question", "context_general")
            if v["follow_context"]:
                # "Following our Terraform conventions (attached)": the context is the rulebook, and the gold
                # answer is what applying it yields (a query, a config), so its words are not in the context
                # verbatim. The output differs from it: the rules given were not applied.
                return Verdict("behavior", ("context_ignored",), 0.65, "the prompt said to follow the given "
                               "document; the output does not do what it prescribes", "context_prescribed")
            if v["thin_answer"]:
                return _thin_answer()
            if v["ref_in_context"] >= UNUSED_REF_IN_CONTEXT and v["out_support"] < UNUSED_OUT_SUPPORT:
                # Most of the gold answer's words stand in one passage, and under half of the output's words come
                # from the context at all: the answer was there, and the model answered from elsewhere (a DNS
                # theory beside a log that says the port is taken; "a clean title" beside "BRAND: SALVAGE").
                return Verdict("behavior", ("context_ignored",), 0.6, "the context holds most of the reference; "
                               "the output draws little on the context", "context_unused")
            if v["ref_gap_in_context"] >= GAP_HELD:
                # The gold answer is worked from the passages (a query over a schema and a data note), so its words
                # are not in them verbatim; but what the output lacks of it is ("Always filter status =
                # 'in_cellar'"): the model had the passage and did not apply it.
                return Verdict("behavior", ("context_ignored",), 0.65, "the context holds what the output lacks "
                               "of the reference", "context_gap_held")
            if v["ref_gap_in_directive"] >= DIRECTIVE_GAP:
                # What the output lacks of the gold answer stands in a rule the context gives ("Compute final
                # scores by summing end_scores.points", "report dates using placed_at AT TIME ZONE ..."): the
                # passage was there and its rule not applied.
                return Verdict("behavior", ("context_ignored",), 0.65, "the output does not apply a rule the context "
                               "states, and lacks what the reference takes from it", "context_rule_unapplied")
            return Verdict("information", ("retrieval_miss",), 0.8, "the context lacks the reference's content",
                           "context_lacks")
        if (v["unsupported_sentences"] == 0 and v["out_support"] >= 0.8 and not v["transform_task"]
                and not _asks_much(v)):
            # Every sentence of the answer rests on the retrieved passages, and the case still failed: what
            # was retrieved was the wrong or a stale document (a neighbouring product, last year's FAQ).
            return Verdict("information", ("outdated_knowledge" if v["stale_years"] else "retrieval_miss",), 0.6,
                           "the output follows the retrieved context closely; the passages were the wrong ones",
                           "context_followed")
        if v["unsupported_sentences"] == 0 and not v["transform_task"]:
            # Each sentence rests on a passage, yet some words come from elsewhere: the answer stretches what
            # was retrieved (the SEV2 paging rule quoted for a SEV1) because the passage it needed was missing.
            return Verdict("information", ("retrieval_miss",), 0.55, "every sentence of the output rests on the "
                           "retrieved passages; the passage it needed was likely not among them", "context_partial")
        if v["payload_output"]:
            # A JSON record or a query that passed its validators: its keys and keywords are not the document's
            # words, so word overlap cannot show it set the document aside. With the form right and the case
            # failed, a value in it is wrong (an invented PO number, a column the schema lacks).
            return Verdict("information", ("hallucination",), 0.55, "a well-formed payload built from the given "
                           "context; a value in it is the likely fault", "payload_values")
        if v["unsupported_sentences"] > 0 or v["out_support"] < 0.9:
            if v["invented_citation"]:
                return _invented_citation()
            return Verdict("behavior", ("context_ignored",), 0.6 + 0.3 * v["unsupported_sentences"],
                           "the output departs from the given context", "context_departs")
    if v["has_reference"]:
        compact = v["out_len"] < COMPACT_ANSWER
        same_topic = v["ref_sim"] >= FACT_TOPIC_SIM or (v["fact_conflict_hard"] and v["ref_fact_recall"] >= 0.2)
        if v["fact_conflict"] and same_topic and compact and not v["open_task"]:
            # Same topic, different values, in a compact answer: its facts are wrong, not its task. (A long
            # free-form answer differs from a reference in many values for reasons other than facts.)
            return Verdict("information", (_info_subtype(v),), 0.75, "the output states other values than the "
                           "reference on the same question", "fact_conflict")
        if _value_slip(v):
            return _slip()
        if v["same_question"] and v["n_questions"] and not v["explanatory"]:
            # A question for facts ("Does Northvane reimburse gym memberships?"), answered in terms of every
            # word of it the gold answer uses: the output took up the question the reference answers, so
            # where the two part ways is the facts (an invented stipend), not the task.
            return Verdict("information", (_info_subtype(v),), 0.6, "the output answers the question the reference "
                           "answers, with other facts", "same_question")
        if v["ref_long"] and -0.1 < v["rel_gap"] and ((v["rel_gap"] < SAME_TASK_GAP and _same_task(v))
                                                       or _answers_otherwise(v)):
            # The output is about as relevant to the request as the gold answer, says it in the gold answer's
            # words and at its length, and no stated rule was in play: it did the asked-for job (the Ingress,
            # the PIP answer, the query) with other content. Or it answers the question asked, on the
            # reference's topic and at its length, with values that contradict it ("returns are always free"
            # where the gold answer quotes a $6.95 fee). Either way the two part ways on the facts.
            return Verdict("information", (_info_subtype(v),), 0.55, "the output does the job the reference does, "
                           "in its terms, with other content", "reference_same_task")
        if (v["ref_long"] and v["rel_gap"] > -0.1 and v["n_questions"] > 0 and not v["open_task"]
                and not v["transform_task"] and v["ref_sim"] >= ANSWERED_OTHERWISE_SIM
                and v["len_ratio"] < ANSWERED_OTHERWISE_LENGTH and v["ref_fact_recall"] < 1.0):
            # A question (not an open task), and an answer, not an essay, that says much what the gold answer says
            # but leaves out some of its facts: it answered the question, with other facts ("Pinia persists state
            # out of the box" where the reference says a plugin is needed). The reference fitting the question
            # better is the facts, not the task. (One that keeps every fact the reference states did something
            # else with them: LLMBar's answers to a neighbouring instruction.)
            return Verdict("information", (_info_subtype(v),), 0.55, "the output answers the question in the "
                           "reference's terms, with other content", "question_answered_otherwise")
        if v["ref_long"] and v["rel_gap"] > -0.1:
            return Verdict("behavior", ("off_task",), 0.55 + min(0.35, max(0.0, v["rel_gap"])),
                           "the reference answer fits the input better than the output does", "reference_fits_better")
        if v["thin_answer"]:
            return _thin_answer()
        if not v["ref_long"] and v["ref_token_recall"] < 0.5:
            if v["open_task"]:
                # For an open-ended generation task the reference is one answer of many: a mismatch is weak,
                # under the review threshold (its own rule, so its track record is kept apart from the strong
                # case's).
                return Verdict("information", (_info_subtype(v),), 0.45,
                               "the output does not hold the reference answer, one of many for this open task",
                               "reference_open")
            return Verdict("information", (_info_subtype(v),), 0.8, "the output does not hold the reference answer",
                           "reference_missing")
    if (v["stated_constraints"] or v["instr_unchecked"]) and not v["has_reference"]:
        # Nothing shows the facts wrong, and the prompt set explicit output constraints (ones a validator
        # could not read, or that it found kept): the grader most likely failed one of them.
        # A rule about tone or register ("empathetic", "blameless", "plain English") is a style fault.
        sub = "style" if v["instr_style"] else "instruction_violation"
        return Verdict("behavior", (sub,), 0.6, "the prompt states output constraints and no "
                       "fact was shown wrong", "stated_constraints")
    if v["not_a_message"]:
        return _not_a_message()
    if v["rel_io"] < 0.2:
        # One low similarity is the only evidence here (and a terse correct-looking answer scores low too).
        return Verdict("behavior", ("off_task",), 0.5, "the output is unrelated to the input", "unrelated")
    if v["transform_task"] and not v["has_reference"]:
        if v["unsourced_id"] and v["payload_output"]:
            # A record extracted from the letter, with an EIN the letter never prints: not the document set aside,
            # a value made up to fill the field.
            return _unsourced_value()
        return Verdict("behavior", ("context_ignored",), 0.6, "a summary/rewrite/translation task failed: the "
                       "output is unfaithful to the material it was given", "transform_task")
    if _asks_much(v) and v["specificity"] < 0.12 and not v["list_structure"] and not v["has_reference"]:
        # An explanation, or a question of several parts, answered in generic prose (few names, numbers or
        # steps): the answer falls short of what was asked.
        return Verdict("behavior", ("insufficient_detail",), 0.55 + 0.2 * v["n_questions"],
                       "a why/how or many-part question answered without specifics", "explanation_generic")
    return Verdict("information", (_info_subtype(v),), elimination_confidence(v),
                   "well-formed, on-task answer: the facts are the likely fault", "fallback_information")


def _value_slip(v: dict[str, float]) -> bool:
    """The output is the reference's answer in the reference's form, with some of its values changed.

    A JSON record with one date swapped, a table with one deductible wrong, a NPI with two digits transposed:
    the task, the form and most values are right, so the values that differ are wrong facts.
    """
    return bool(v["fact_conflict"]) and v["ref_sim"] >= SLIP_SIM and v["ref_fact_recall"] >= SLIP_RECALL


def _slip() -> Verdict:
    return Verdict("information", ("hallucination",), 0.7, "the output matches the reference in form and in most "
                   "values, and states other values for the rest", "value_slip")


def _unsourced_value() -> Verdict:
    return Verdict("information", ("hallucination",), 0.6, "an extracted record states an identifier the source "
                   "does not hold", "unsourced_value")


def _invented_citation() -> Verdict:
    # The output departs from the document and, where it does, cites a section the document does not have
    # ("under §7.4 you get two more unpaid days" beside a handbook excerpt of §7.3 alone): the claim rests on a
    # made-up part of the source, an invented fact, not the document's own words set aside.
    return Verdict("information", ("hallucination",), 0.7, "the output cites a section the given document does "
                   "not have", "invented_citation")


def _abstained_despite_context(v: dict[str, float]) -> Verdict:
    # "I don't have the airline's reimbursement figures" beside the §14.2 that gives them, "I'm not able to walk you
    # through that over chat" beside the knowledge-base article that does: the passages were set aside, or a safe
    # request refused; retrieval did its part.
    sub = "over_refusal" if v["refusal"] >= 0.5 else "context_ignored"
    return Verdict("behavior", (sub,), 0.7, "the model declined or said it lacks the answer, and the given context "
                   "holds it", "abstained_despite_context")


def _thin_answer() -> Verdict:
    # Nothing else decided, and the gold answer runs to a paragraph the output does not come near: what is
    # missing is most of the answer (a one-line "Recommend Kessler" for an itemised bid comparison), so the
    # fault is the detail given, not a wrong fact.
    return Verdict("behavior", ("insufficient_detail",), 0.65, "the output gives well under half of what the "
                   "reference answer says", "thin_answer")


def elimination_confidence(v: dict[str, float]) -> float:
    """How believable "information, because no behavior problem was found" is for one answer.

    The verdict rests on the absence of evidence, so its confidence rests on how much room the case leaves
    for a behavior fault the validators cannot see: an answer of concrete, checkable claims (names, numbers)
    to a plain question is most likely wrong on facts; a generic answer to a why/how question, a long free-form
    reference (the answer was judged on quality, not one fact), or stated instructions that all passed (the
    grader may have held a constraint no validator reads) leave that room open; values that contradict the
    reference's close it. The low end falls under the review threshold, so the cases the engine cannot back
    with evidence go to a person.
    """
    concrete = min(v["specificity"], 0.3) / 0.3
    doubt = v["explanatory"] + v["ref_long"] + float(v["instr_count"] > 0)
    # A reference whose values the output contradicts is direct evidence, whatever else leaves room.
    return round(min(0.7, max(0.3, 0.53 + 0.1 * concrete - 0.1 * doubt + 0.2 * v["fact_conflict"])), 4)


def _not_a_message() -> Verdict:
    # "Draft the email to the dispatcher", answered with an essay on the topic: no greeting, no subject, no
    # sentence to the reader. The task was not done, whatever its facts.
    return Verdict("behavior", ("off_task",), 0.65, "a message was asked for; the output is not one", "not_a_message")


def _abstained_payload(v: dict[str, float]) -> Verdict:
    sub = "retrieval_miss" if v["has_context"] else "missing_knowledge"
    return Verdict("information", (sub,), 0.75, "the model said it lacks the information instead of giving the "
                   "payload", "abstained_payload")
