"""Plain words for the signals the learned model reads, for explanations a person reads.

An overruled or reviewed case names the signals that moved the trees most. Their names (`check_fact`,
`casc_information_conf`) are the manifest's; `describe` puts each in words with its value:

    >>> describe("check_fact", 1.0)
    'a correctness check failed: yes'
    >>> describe("ref_token_recall", 0.25)
    "share of the reference's words the output holds: 0.25"

A flag (a signal that is 0 or 1) reads as yes / no, a capped count as the count, any other signal as its
value. Every name in `model.feature_names` has an entry; a test keeps it so.
"""

from __future__ import annotations

from classifiers.cascade import RULES
from classifiers.records import BEHAVIOR_SUBTYPES, INFORMATION_SUBTYPES
from classifiers.signals import (CHECK_COUNT_CAP, DIRECTIVE_GAP_SCALE, INSTRUCTION_COUNT_CAP, QUESTION_CAP,
                                 UNCHECKED_RULE_CAP)

_CHECKS = {
    "format": "a format check", "schema": "a schema check", "instruction": "an instruction check",
    "unsafe": "a safety check", "refusal": "a refusal check", "relevance": "a relevance check",
    "context": "a faithfulness check", "fact": "a correctness check", "retrieval": "a retrieval check",
    "detail": "a completeness check", "style": "a tone or style check",
}

_RULES = {
    "validator": "a validator found the payload broken",
    "both_validator": "a validator found the payload broken, and its facts are wrong or missing",
    "both_instructions": "an instruction is broken, and the facts are wrong or missing",
    "abstained_payload": "the model said it lacks the information instead of giving the payload",
    "claimed_unsupported": "the output says the product lacks a feature and works around it",
    "invented_schema": "the query uses a table or column the schema does not have",
    "unlisted_value": "the query filters on a value the schema's notes do not list",
    "check_both": "a behavior check and a fact check both failed",
    "check_behavior": "a behavior check failed",
    "instructions": "a stated constraint is broken",
    "refusal": "the model refused",
    "context_abstention": "the model says the passages lack the answer",
    "abstained_despite_context": "the model declined though the passages hold the answer",
    "cutoff": "knowledge-cutoff language",
    "abstention": "the model abstained",
    "deflection": "the output hedges and points elsewhere",
    "harm": "the output complies with a harmful request",
    "off_register": "the output's register does not fit the task",
    "thin_walkthrough": "a walk-through was asked for and the output is a line or two",
    "check_retrieval": "the retrieval check failed",
    "check_fact": "the correctness check failed",
    "context_held": "the passages held the answer and the output differs",
    "context_general": "the output answers from general knowledge where the passages cover the question",
    "context_unused": "the passages hold the reference and the output draws little on them",
    "context_lacks": "the passages lack the reference's content",
    "context_departs": "the output departs from the passages",
    "fact_conflict": "the output states other values than the reference",
    "context_followed": "the output follows passages that were the wrong ones",
    "context_partial": "the output rests on passages that likely missed the one it needed",
    "value_slip": "the output is the reference's answer with some values changed",
    "context_embellished": "the output adds claims of its own to the passages' answer",
    "context_prescribed": "the output does not do what the given document prescribes",
    "payload_values": "a well-formed payload built from the passages, a value in it likely wrong",
    "same_question": "the output answers the reference's question with other facts",
    "reference_same_task": "the output does the reference's job with other content",
    "question_answered_otherwise": "the output answers the question with other content",
    "reference_fits_better": "the reference fits the input better than the output",
    "reference_missing": "the output does not hold the reference answer",
    "reference_open": "the output does not hold one of many right answers to an open task",
    "thin_answer": "the output gives well under half of the reference",
    "not_a_message": "a message was asked for and the output is not one",
    "unrelated": "the output is unrelated to the input",
    "unsourced_value": "an extracted record states an identifier its source does not hold",
    "transform_task": "a summary, rewrite or translation is unfaithful to its material",
    "explanation_generic": "a why or how question answered without specifics",
    "stated_constraints": "the prompt states constraints and no fact is shown wrong",
    "invented_citation": "the output cites a section the document does not have",
    "check_unsupported": "the faithfulness check found claims the passages do not support",
    "fallback_information": "a well-formed, on-task answer, so the facts are the likely fault",
    "check_context": "the correctness check failed and the faithfulness check says the passages held the answer",
    "context_gap_held": "the passages hold what the output lacks of the reference",
    "abstained_detail": "the model said it lacks what the completeness check found missing",
    "context_rule_unapplied": "the output does not apply a rule the passages state",
}

FLAGS: dict[str, str] = {
    "fmt_expected": "a format was asked for that a validator reads",
    "fmt_fail": "the output fails that format's validator",
    "fmt_wrapped": "the payload parses only once the prose or fence around it is cut",
    "schema_fail": "the payload breaks the schema",
    "instr_any_fail": "the output breaks a checkable instruction",
    "has_reference": "a reference answer is given",
    "ref_long": "the reference is longer than eight words",
    "fact_conflict": "the output states other values than the reference",
    "fact_conflict_hard": "those values are numbers or codes, or most of the reference's are gone",
    "has_context": "retrieved passages are given",
    "explanatory": "the question asks why or how",
    "list_structure": "the output is a list",
    "transform_task": "the task reworks given material (summary, rewrite, translation, extraction)",
    "open_task": "the task is open-ended (many answers are right)",
    "stated_constraints": "the prompt states constraints on the output",
    "instr_style": "the prompt asks for a tone or register",
    "asks_steps": "the prompt asks for a walk-through or a whole work product",
    "thin_steps": "a walk-through was asked for and the output is a line or two",
    "elided_items": "the output stands in for items it leaves out ('... and 4 more')",
    "parts_unanswered": "the output answers half or fewer of the parts asked",
    "thin_answer": "the output gives well under half of a long reference",
    "not_a_message": "a message was asked for and the output is not one",
    "follow_context": "the prompt says to follow a given document",
    "same_question": "the output answers the reference's question in its words",
    "payload_output": "the output is a payload (JSON, SQL) rather than prose",
    "sql_invented": "the query uses a table or column the schema does not have",
    "claims_unsupported": "the output says the product lacks a feature and works around it",
    "guessed_value": "a comment in the output marks a value as a guess",
    "unsourced_id": "an extracted record states an identifier its source does not hold",
    "sql_unlisted_value": "the query filters on a value the schema's notes do not list",
    "task_not_done": "the asked artifact is missing (no query, code left as a stub)",
    "invented_citation": "the output cites a section the document does not have",
    "content_check_passed": "a passed check vouches for the content",
    **{f"check_{kind}": f"{words} failed" for kind, words in _CHECKS.items()},
    "casc_both": "the rules call it both",
    **{f"rule_{rule}": f"the rules decided by '{_RULES[rule]}'" for rule in RULES},
    **{f"casc_{sub}": f"the rules name {sub.replace('_', ' ')}" for sub in BEHAVIOR_SUBTYPES + INFORMATION_SUBTYPES},
}
"""Signals that are 0 or 1: what a 1 means."""

VALUES: dict[str, str] = {
    "instr_count": "checkable instructions",
    "instr_fail_share": "share of the checkable instructions broken",
    "refusal": "refusal language in the output",
    "abstention": "'I do not know' language in the output",
    "cutoff": "knowledge-cutoff language in the output",
    "time_sensitive": "the question asks about something that changes over time",
    "stale_years": "the output's latest year is past, on a time-sensitive question",
    "harm_request": "the prompt asks for something harmful",
    "harm_comply": "the output complies with a harmful request",
    "off_register": "the output's register is off (slang, emoji, condescension, jargon)",
    "deflection": "the output hedges and points elsewhere instead of answering",
    "general_knowledge": "the output says it answers from general knowledge",
    "ref_sim": "similarity of the output to the reference",
    "ref_token_recall": "share of the reference's words the output holds",
    "ref_fact_recall": "share of the reference's values the output holds",
    "rel_io": "relevance of the output to the input",
    "rel_ir": "relevance of the reference to the input",
    "rel_gap": "how much better the reference fits the input than the output",
    "out_support": "share of the output's words the passages hold",
    "unsupported_sentences": "share of the output's sentences no passage supports",
    "ref_in_context": "share of the reference's words the best passage holds",
    "ref_in_top_bm25": "share of the reference's words in the passage BM25 ranks first",
    "ref_facts_in_context": "share of the reference's values the passages hold",
    "out_len": "output length (log words)",
    "in_len": "input length (log words)",
    "len_ratio": "output length against input length (log ratio)",
    "n_questions": "questions asked",
    "specificity": "share of the output's words that are numbers or names",
    "instr_unchecked": "rules of conduct or tone no checker reads",
    "harm_learned": "the learned harm head's probability that the prompt is harmful",
    "ref_gap_in_context": "share of what the output lacks of the reference that the passages hold",
    "ref_gap_in_directive": "words the output lacks that stand in a rule the passages state",
    "checks_failed": "the pipeline's checks that failed",
    "checks_passed": "the pipeline's checks that passed",
    "casc_behavior_conf": "the rules' confidence in a behavior fault",
    "casc_information_conf": "the rules' confidence in an information fault",
}
"""Signals with a range of values: what the value measures."""

COUNTS: dict[str, int] = {"instr_count": INSTRUCTION_COUNT_CAP, "n_questions": QUESTION_CAP,
                          "instr_unchecked": UNCHECKED_RULE_CAP, "ref_gap_in_directive": DIRECTIVE_GAP_SCALE,
                          "checks_failed": CHECK_COUNT_CAP, "checks_passed": CHECK_COUNT_CAP}
"""Signals that are a count over its cap (`signals.py` scales them to 0..1): the cap."""


def describe(name: str, value: float) -> str:
    """`name` and `value` in words: "<what a 1 means>: yes/no" for a flag, "<what it counts>: <count>" for a
    capped count, "<what it measures>: <value>" otherwise. A name without an entry is given as it is."""
    if name in FLAGS:
        return f"{FLAGS[name]}: {'yes' if value >= 0.5 else 'no'}"
    if name in COUNTS:
        cap = COUNTS[name]
        count = round(value * cap)
        return f"{VALUES[name]}: {count}{' or more' if count >= cap else ''}"
    if name in VALUES:
        return f"{VALUES[name]}: {value:.3g}"
    return f"{name} = {value:.3g}"
