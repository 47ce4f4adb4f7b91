"""Verifiable instructions: read constraints stated in plain words and check the output against each.

The constraints come from the record's `instructions` (one per item) or, when a pipeline sends none, from the
prompt itself, since people write "answer in under 50 words, no commas" straight into the input. Each rule
recognises a phrasing by meaning-bearing words (word limits, casing, required or forbidden words, bullet and
section counts, ...), never by a benchmark's instruction ids, so it carries to prompts written anywhere.

The rules are grouped by what they read: `prose` (the shape and wording of a reply), `content` (values it must
carry), `code`, `sql` and `languages`; `checks` holds the registry that runs them, `fields` finds the part of an
answer a labelled instruction is about ("Excerpt: at most 40 words"), `common` holds what they share.
"""

from classifiers.instructions.checks import check_instructions, check_prompt_requests
from classifiers.instructions.common import TASK_UNDONE_CONSTRAINTS, InstructionResult
from classifiers.instructions.languages import check_reply_language
from classifiers.instructions.prose import check_reading_level, check_register

__all__ = ["InstructionResult", "TASK_UNDONE_CONSTRAINTS", "check_instructions", "check_prompt_requests",
           "check_reading_level", "check_register", "check_reply_language"]
