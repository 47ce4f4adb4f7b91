"""The rule registry and `check_instructions`: which rules read the stated instructions, which the prompt's
sentences, and in what order.
"""

from __future__ import annotations

from typing import Callable

from classifiers.instructions.code import (
    _rule_banned_calls, _rule_banned_code, _rule_banned_flags, _rule_banned_library, _rule_code_language,
    _rule_code_only, _rule_code_unchanged, _rule_commands, _rule_complete_code, _rule_disallowed_code,
    _rule_dockerfile_stages, _rule_module_system, _rule_no_comments, _rule_only_packages, _rule_python_conventions,
    _rule_reversible_migration, _rule_stdlib_only, _rule_test_given, _rule_valid_python, _rule_vectorised,
)
from classifiers.instructions.common import (
    InstructionResult, _UNSEEN_CONDITION, _length_rule, _prompt_sentences, _sentences, _words,
)
from classifiers.instructions.content import (
    _rule_artifact_explained, _rule_citations, _rule_contact_given, _rule_csv_header, _rule_date_layout,
    _rule_excluded_fields, _rule_explained, _rule_include_values, _rule_no_advice, _rule_no_amounts,
    _rule_no_commitment, _rule_one_of, _rule_starts_with, _rule_units, _rule_whole_dollars,
)
from classifiers.instructions.fields import field_label, field_values
from classifiers.instructions.languages import _rule_language, _rule_their_language, _rule_translation
from classifiers.instructions.prose import (
    _paragraphs, _rule_bullets, _rule_capital_words, _rule_case, _rule_end_phrase, _rule_exact_columns, _rule_highlights,
    _rule_keep_placeholders, _rule_keywords, _rule_letter_freq, _rule_list, _rule_named_parts, _rule_no_comma,
    _rule_no_fence, _rule_no_intro, _rule_one_line, _rule_only_json, _rule_only_value, _rule_per_item,
    _rule_placeholders, _rule_postscript, _rule_quotes, _rule_repeat, _rule_sections,
    _rule_separator, _rule_table, _rule_table_only, _rule_title, _rule_word_freq,
)
from classifiers.instructions.sql import (
    _rule_banned_statements, _rule_column_aliases, _rule_ends_with_clause, _rule_one_statement, _rule_order_by,
    _rule_query_given, _rule_required_filter, _rule_rounded, _rule_row_cap, _rule_semicolon, _rule_sql_dialect,
)


Rule = Callable[[str, str], "InstructionResult | None"]
"""A rule reads one instruction and the output: a result where it recognises the instruction, else None."""

_WORDS = _length_rule("words", lambda t: len(_words(t)))
_SENTENCES = _length_rule("sentences", lambda t: len(_sentences(t)))
_PARAGRAPHS = _length_rule("paragraphs", _paragraphs)
_CHARACTERS = _length_rule("characters", lambda t: len(t.strip()), r"char(?:acter)?s\b")
_LENGTH_RULES = frozenset((_WORDS, _SENTENCES, _PARAGRAPHS, _CHARACTERS))
"""The rules a labelled instruction applies to its field's values ("Excerpt: at most 40 words"); the others
read the whole answer (a label may name the instruction's topic, "Dialect: PostgreSQL", not a field)."""

_RULES: tuple[Rule, ...] = (
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
    _rule_exact_columns,
    _rule_table_only,
    _rule_list,
    _rule_named_parts,
    _rule_commands,
    _rule_code_only,
    _rule_valid_python,
    _rule_dockerfile_stages,
    _rule_reversible_migration,
    _rule_complete_code,
    _rule_banned_code,
    _rule_banned_flags,
    _rule_no_comments,
    _rule_disallowed_code,
    _rule_banned_library,
    _rule_vectorised,
    _rule_banned_statements,
    _rule_stdlib_only,
    _rule_banned_calls,
    _rule_only_packages,
    _rule_module_system,
    _rule_citations,
    _rule_excluded_fields,
    _rule_csv_header,
    _rule_date_layout,
    _rule_whole_dollars,
    _rule_no_amounts,
    _rule_no_commitment,
    _rule_one_statement,
    _rule_row_cap,
    _rule_order_by,
    _rule_column_aliases,
    _rule_rounded,
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
    _WORDS,
    _SENTENCES,
    _PARAGRAPHS,
    _rule_bullets,
    _rule_keywords,
)


# Read only in a record's stated instructions: a prompt's "at most 64 characters" is as often about a password
# or a field as about the reply, and its "explain" is the question (a short wrong answer to it is a fact fault).
_STATED_RULES: tuple[Rule, ...] = (
    _CHARACTERS,
    _rule_explained,
    # A prompt's "Add graceful shutdown to my axum 0.8 server" is the task, not a value to include.
    _rule_include_values,
    # A prompt quoting an error's "Refer to https://..." asks nothing of the answer.
    _rule_contact_given,
    # A user's "don't suggest restarting it, I can't" is context for the answer, not a rule a system set.
    _rule_no_advice,
)


# Read only in a prompt's sentences: a stated rule of the same kind is read by `_STATED_RULES`.
_PROMPT_RULES: tuple[Rule, ...] = (_rule_artifact_explained,)


# Read in the prompt even beside stated instructions: "Write the complete POST handler" is the user's own request,
# which a system prompt's rules ("Return a single OCaml code block") do not repeat.
_REQUEST_RULES: tuple[Rule, ...] = (_rule_complete_code,)


def check_prompt_requests(prompt: str, output: str) -> list[InstructionResult]:
    """The requests of a prompt that come with stated instructions (which `check_instructions` reads instead)."""
    if len(prompt) > 4000:
        return []
    return [res for rule in _REQUEST_RULES if (res := rule(prompt, output)) is not None]


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
        rules = _RULES[:-1] + (_STATED_RULES if instructions else _PROMPT_RULES)
        label = field_label(text)
        values = field_values(label, output) if label else None
        scoped = _LENGTH_RULES if values else frozenset()
        found = [res for rule in rules if rule not in scoped and (res := rule(text, output)) is not None]
        if label and values:
            found += _on_field(label, values, [[res for rule in rules if rule in scoped
                                                and (res := rule(text, value)) is not None] for value in values])
        # A prompt sentence often states several constraints ("no commas and at least 3 sections"); the
        # loose keyword rule only speaks when no specific rule recognised the sentence.
        if not found and (res := _RULES[-1](text, output)) is not None:
            found.append(res)
        results.extend(found)
    # Two phrasings of one rule ("Output only the script", "no explanations") are one constraint, counted once.
    return list(dict.fromkeys(results))


def _on_field(label: str, values: list[str], per_value: list[list[InstructionResult]]) -> list[InstructionResult]:
    """One result per constraint over all of a field's values: kept only if every value keeps it."""
    merged: dict[str, list[InstructionResult]] = {}
    for found in per_value:
        for res in found:
            merged.setdefault(res.constraint, []).append(res)
    out = []
    for constraint, results in merged.items():
        failed = [r for r in results if not r.passed]
        detail = (f"{len(failed)} of {len(values)} values: {failed[0].detail}" if failed
                  else f"all {len(values)} values: {results[0].detail}")
        out.append(InstructionResult(f"{label}: {constraint}", not failed, detail))
    return out
