"""Verifiable instructions: each recognised constraint on an output that keeps it and one that breaks it."""

from __future__ import annotations

import json

import pytest

from classifiers.instructions import (check_instructions, check_prompt_requests, check_reading_level, check_register,
                                     check_reply_language)

CASES = [
    ("In your entire response, refrain from the use of any commas.", "No commas here at all.", "One, two."),
    ("Answer with at least 5 words.", "This answer has six whole words.", "Too short."),
    ("Answer with less than 4 words.", "Yes indeed.", "This answer is far too long."),
    ("Your entire response should be in English, and in all lowercase letters.", "all lower case.", "Not Lower."),
    ("Your entire response should be in English, and in all capital letters.", "ALL CAPS HERE.", "Not caps."),
    ("Include the keywords 'river' and 'stone'.", "A river over stone.", "A river only."),
    ("Do not include keywords 'cat' in the response.", "A dog barked.", "The cat slept."),
    ("Highlight at least 2 sections in your answer with markdown, i.e. *highlighted section*.",
     "*one* and *two*", "*one* only"),
    ("Your response must have 2 sections. Mark the beginning of each section with SECTION X.",
     "SECTION 1 a SECTION 2 b", "SECTION 1 only"),
    ("Your answer must contain a title, wrapped in double angular brackets, such as <<poem of joy>>.",
     "<<Title>>\nbody", "Title\nbody"),
    ("At the end of your response, please explicitly add a postscript starting with P.S.",
     "Body.\nP.S. bye", "Body only."),
    ("Finish your response with this exact phrase Is there anything else I can help with?. No other words should follow this phrase.",
     "Done. Is there anything else I can help with?", "Done. Bye."),
    ("Wrap your entire response with double quotation marks.", '"quoted"', "not quoted"),
    ("Your answer must contain exactly 3 bullet points.", "* a\n* b\n* c", "* a\n* b"),
    ("In your response, the letter q should appear at least 2 times.", "quick quiz", "no such letter"),
    ("Do not include the letter \"c\" anywhere in your response.", "No sign of it here.", "cat"),
    # The unit in the singular: "exactly one word", "at most 1 sentence".
    ("Respond with exactly one word, 'Yes' or 'No', with no punctuation or explanation.", "No",
     "Yes, as long as a risk mitigation plan is in place."),
    ("Answer in at most 1 sentence.", "It renews monthly.", "It renews monthly. Cancel any time."),
    ("No comments in the code.", "```groovy\npipeline {\n  options { timestamps() }\n}\n```",
     "```groovy\npipeline {\n  options { timestamps() } // log times\n}\n```"),
    ("Do not include comments.", "SELECT id FROM t;", "-- ids\nSELECT id FROM t;"),
]


@pytest.mark.parametrize(("instruction", "good", "bad"), CASES)
def test_constraint_kept_and_broken(instruction: str, good: str, bad: str) -> None:
    kept = check_instructions((instruction,), good)
    broken = check_instructions((instruction,), bad)
    assert kept and all(r.passed for r in kept), kept
    assert broken and any(not r.passed for r in broken), broken


def test_constraints_read_from_the_prompt_when_no_instructions() -> None:
    prompt = "Write a haiku about rain. Do not use any commas. Answer with at most 10 words."
    assert all(r.passed for r in check_instructions((), "Rain falls soft tonight", prompt))
    failed = [r for r in check_instructions((), "Rain, falls, soft, tonight, on the old roof of my small house", prompt) if not r.passed]
    assert {r.constraint for r in failed} == {"no commas", "words <= 10"}


def test_repeat_request_first() -> None:
    prompt = "Write a limerick about a cat. First repeat the request word for word without change, then give your answer."
    ins = ("First repeat the request word for word without change, then give your answer.",)
    assert all(r.passed for r in check_instructions(ins, "Write a limerick about a cat. There once was a cat", prompt))
    assert not any(r.passed for r in check_instructions(ins, "There once was a cat", prompt))


def test_unrecognised_instruction_says_nothing() -> None:
    assert check_instructions(("Be nice to the reader.",), "Hello") == []


def test_table_one_line_and_exact_closing_sentence() -> None:
    table, = check_instructions(("Return a markdown table with columns Item | Qty.",), "- bolts: 4\n- nuts: 8")
    assert not table.passed
    assert check_instructions(("Return a markdown table with columns Item | Qty.",), "| Item | Qty |\n|---|---|\n| bolt | 4 |")[0].passed
    one, = check_instructions(("Answer in one line.",), "Sure!\n\nUse --atomic.")
    assert not one.passed
    end, = check_instructions(('End with the exact sentence: "This is not legal advice."',), "You will win in court.")
    assert not end.passed
    # A table named in a question is not an instruction to draw one.
    assert check_instructions((), "x", "Which element comes first in the Periodic Table?") == []
    assert check_instructions((), "x", "Which nodes hold the key 'acct-9' in table billing.invoices?") == []
    # Without an article, "in table" asks for one only as "in table form" or at a clause's end.
    for asks in ("List the fees in table form.", "Show the fees in markdown table."):
        table, = check_instructions((asks,), "- a: 1\n- b: 2")
        assert not table.passed, asks


def test_upper_bounds_sentence_shapes_and_abbreviations() -> None:
    two, = check_instructions(("Answer in no more than two sentences.",), "One. Two. Three.")
    assert two.constraint == "sentences <= 2" and not two.passed
    one, = check_instructions(("Answer in one sentence.",), "The fee is $72 (Smith et al., 2023, p. 14).")
    assert one.passed
    exact, = check_instructions(("Exactly 2 sentences.",), "Only one here.")
    assert exact.constraint == "sentences == 2" and not exact.passed
    checklist, = check_instructions((), "You need an ID and the fee.", "Make a checklist of what to bring.")
    assert not checklist.passed


def test_a_translation_is_in_the_target_language_and_keeps_its_placeholders() -> None:
    zh, = check_instructions((), "追踪你的睡眠。", 'Translate into Japanese for the store listing: "Track your sleep."')
    assert not zh.passed
    ja, = check_instructions((), "睡眠を記録しましょう。", 'Translate into Japanese for the store listing: "Track your sleep."')
    assert ja.passed
    kept, = check_instructions((), "{cantidad} artículos", 'Translate to Spanish: "{count} items in your cart"')
    assert not kept.passed and "{count}" in kept.detail
    english, = check_instructions((), "Here is a punchier version of the copy for you.", 'Translate into German: "Meet Aero."')
    assert not english.passed


def test_an_english_reply_to_a_user_who_wrote_in_another_language_breaks_an_unstated_rule() -> None:
    english = "The replacement SIM card costs $10 and it is added to your next bill."
    for prompt in ("Combien coûte le remplacement d'une carte SIM ?", "¿Cuánto cuesta la tarjeta SIM nueva para mi cuenta?",
                   "新しいSIMカードはいくらですか？"):
        result = check_reply_language(prompt, english)
        assert result is not None and not result.passed, prompt
    # English prompts, English instructions over foreign material, and asks for English say nothing.
    assert check_reply_language("How much is a new SIM card?", english) is None
    assert check_reply_language("Summarize this: le prix de la carte est plus élevé pour les clients", english) is None
    assert check_reply_language("¿Cuánto cuesta la tarjeta SIM? Contesta en inglés.", english) is None
    assert check_reply_language("¿Cuánto cuesta la tarjeta SIM nueva para mi cuenta?", "Cuesta 10 dólares.") is None


def test_bullet_counts_and_bounds_on_each_item() -> None:
    listing = "- Level 5 finish anywhere the architect's schedule could be read as asking for it\n- Lead-lined board\n- Firestopping"
    at_most, = check_instructions(("At most 2 bullets",), listing)
    assert at_most.constraint == "bullet points <= 2" and not at_most.passed
    # A plain "bullets" counts a numbered list too; "markdown bullet points" counts only markdown bullets.
    assert check_instructions(("Exactly 3 bullets",), "1. a\n2. b\n3. c")[0].passed
    assert not check_instructions(("Your answer must contain exactly 3 bullet points. Use the markdown bullet points "
                                   "such as:\n* This is point 1.",), "1. a\n2. b\n3. c")[0].passed
    each, = check_instructions(("Each bullet 12 words or fewer",), listing)
    assert each.constraint == "each bullet <= 12 words" and not each.passed and "14" in each.detail
    # A bound on each item is not a bound on the whole answer.
    both = check_instructions(("Use 3 bullet points, each under 20 words",), listing)
    assert {r.constraint for r in both} == {"each bullet < 20 words", "bullet points == 3"}
    assert all(r.passed for r in both)


def test_no_introduction_single_line_and_a_named_language() -> None:
    intro, = check_instructions(("No introduction",), "Here are the exclusions we recommend:\n- crane\n- wiring")
    assert not intro.passed
    assert check_instructions(("No introduction",), "- crane\n- wiring")[0].passed
    # A YAML key that ends in a colon is content, not a lead-in.
    assert check_instructions(("No preamble.",), "servers:\n  - web-1")[0].passed
    line = check_instructions(("Output a single comma-separated line", "No other text"), "Milk, eggs, fish")
    assert len(line) == 2 and all(r.passed for r in line)
    assert not check_instructions(("Output a single comma-separated line",), "The allergens are:\n1. Milk\n2. Eggs")[0].passed
    assert check_instructions((), "x", "List the items, one per line.") == []
    spanish, = check_instructions(("Write it in Spanish",), "Due to flooding, all Saturday games are cancelled.")
    assert spanish.constraint == "language spanish" and not spanish.passed
    assert check_instructions(("Respond in French only",), "Votre commande est prête et nous vous remercions.")[0].passed


def test_a_character_limit_is_read_from_stated_instructions_only() -> None:
    long = "How Oyster Merchants, Watermen and Packing-House Fortunes Shaped the Chesapeake From Reconstruction On"
    chars, = check_instructions(("Maximum 60 characters.",), long)
    assert chars.constraint == "characters <= 60" and not chars.passed
    assert check_instructions(("Max 160 characters (single SMS segment).",), "Frost tonight: start sprinklers.")[0].passed
    # In a prompt, "at most 64 characters" is as often about a password or a field as about the reply.
    assert check_instructions((), long, "Usernames may have at most 64 characters. Why was mine rejected?") == []


def test_a_checklist_named_in_the_prompt_is_not_asked_for() -> None:
    prompt = 'For the bid package checklist, return the AIA document number as JSON: {"document": ...}.'
    assert check_instructions((), '{"document": "A312-2010"}', prompt) == []


def test_placeholders_kept_and_a_reply_that_must_be_the_value_only() -> None:
    prompt = 'Translate into Spanish. Keep the placeholders exactly as written. Hi {patron_name}, "{item_title}" is due.'
    rule = ("Do not translate or alter anything inside curly braces",)
    kept, = check_instructions(rule, 'Hola {patron_name}, "{item_title}" vence hoy.', prompt)
    assert kept.constraint == "placeholders kept" and kept.passed
    broken, = check_instructions(rule, 'Hola {nombre}, "{item_title}" vence hoy.', prompt)
    assert not broken.passed and "{patron_name}" in broken.detail
    ticket = "Classify this ticket into one category: instrument, reagent, software. Reply with the category only."
    assert check_instructions((), "software", ticket)[0].passed
    assert not check_instructions((), "This looks like a configuration issue. Try clearing the cache.", ticket)[0].passed


def test_a_label_only_rule_holds_the_output_to_one_value() -> None:
    reply = "Hi Marco, thanks for reaching out! I've triggered a retry on the outstanding invoice."
    for rule in ("Output exactly one label from the list", "Label only", "Output the label only.",
                 "Reply with the category only"):
        (res,) = check_instructions((rule,), reply, "")
        assert res.constraint == "only the value" and not res.passed, rule
        (res,) = check_instructions((rule,), "payment_failure", "")
        assert res.passed, rule
    assert check_instructions(("Only use labels from the approved list",), reply, "") == []


def test_placeholders_named_in_the_rule_must_be_kept() -> None:
    rule = "Keep {{guest_first_name}} and {{rsvp_deadline}} exactly as written"
    prompt = 'Rewrite warmer. Template: "Hi {{guest_first_name}}, please respond by {{rsvp_deadline}}."'
    (res,) = check_instructions((rule,), "Hi there! Could you let us know by June 1?", prompt)
    assert res.constraint == "placeholders kept" and not res.passed
    (res,) = check_instructions((rule,), "Hi {{guest_first_name}}! Let us know by {{rsvp_deadline}}?", prompt)
    assert res.passed


def test_replying_in_the_customers_language_is_held_to_the_customers_message() -> None:
    rule = "Always reply in the customer's language."
    spanish = "System: Always reply in the customer's language.\nCustomer: ¿Cuál es mi deducible si se rompe una tubería?"
    (res,) = check_instructions((rule,), "Your deductible is $1,500 for a sudden pipe burst.", spanish)
    assert res.constraint == "language of the user" and not res.passed
    (res,) = check_instructions((rule,), "Su deducible es de $1,500 para una rotura repentina de tubería.", spanish)
    assert res.passed
    english = "System: Always reply in the customer's language.\nCustomer: What is my deductible if a pipe bursts?"
    assert check_instructions((rule,), "Your deductible is $1,500.", english) == []


def test_classifying_as_exactly_one_of_a_list_asks_for_the_label_alone() -> None:
    prompt = "Classify the intent of the email below as exactly one of: TENDER, CLAIM, OTHER.\n\nEmail: 'Pallets arrived broken.'"
    (res,) = check_instructions((), "Hi Pete, sorry about the damage; we'll open a claim with the carrier today.", prompt)
    assert res.constraint == "only the value" and not res.passed
    assert check_instructions((), "CLAIM", prompt)[0].passed
    explained = check_instructions(("Classify it as exactly one of A, B or C and explain why",),
                                   "A, because the sender reports broken goods on arrival and asks how to file.", "")
    assert [r.constraint for r in explained] == ["explanation given"] and explained[0].passed


LEGALESE = ("Pursuant to the aforementioned indemnification provisions, the licensee shall indemnify, defend, and hold "
            "harmless the licensor from any and all liabilities, obligations, and expenditures arising "
            "notwithstanding contractual limitations.")
PLAIN = ("If someone sues us because of something you did, you pay for it. That includes lawyer fees. This is true "
         "even if other parts of the contract limit what you owe.")


def test_a_reading_level_asked_for_is_measured_on_the_output() -> None:
    for rule in ("Rewrite this clause in plain English.", "Keep it at an 8th-grade reading level.",
                 "Explain it like I'm five."):
        res = check_reading_level((rule,), LEGALESE, "")
        assert res is not None and not res.passed, rule
        assert check_reading_level((rule,), PLAIN, "").passed, rule
    # Read from the prompt when no instructions are stated; silent when no level is asked for.
    assert not check_reading_level((), LEGALESE, "Summarise the clause. Use plain language for a placard.").passed
    assert check_reading_level(("Under 150 words",), LEGALESE, "") is None


def test_a_stated_rule_to_explain_is_not_kept_by_a_bare_verdict() -> None:
    rule = "Give the decision and explain each triggered signal and its point contribution"
    (res,) = check_instructions((rule,), "Decline. High risk.", "")
    assert res.constraint == "explanation given" and not res.passed
    (res,) = check_instructions((rule,), "Decline: the disposable email (+25) and reshipper address (+30) alone pass "
                                         "the 80-point decline line.", "")
    assert res.passed
    # In the prompt, "explain" is the question itself: not read as a rule.
    assert check_instructions((), "Rayleigh scattering.", "Explain why the sky is blue.") == []
    assert not check_reading_level(("Avoid medical jargon",), LEGALESE, "").passed


def test_shorthand_where_acronyms_or_jargon_are_to_be_avoided_fails_the_reading_level() -> None:
    # Short words, so a low grade by sentence and word length; the shorthand is what breaks the rule.
    shorthand = ("Give one tab PO q8h PRN for the trip. If GI upset shows, stop and call the DVM. We will check HR "
                 "and BP at the next visit.")
    res = check_reading_level(("Four sentences", "Avoid jargon and acronyms"), shorthand, "")
    assert res is not None and not res.passed and "acronyms" in res.detail
    assert check_reading_level(("Avoid jargon and acronyms",), PLAIN, "").passed


def test_a_units_rule_is_held_to_every_quantity() -> None:
    (res,) = check_instructions(("Metric units only",), "About 0.8-1 gallon a day, water at 68-72 °F.", "")
    assert res.constraint == "metric units" and not res.passed and "gallon" in res.detail
    assert check_instructions(("Metric units only",), "About 3-4 L a day, water at 20-22 °C.", "")[0].passed
    (res,) = check_instructions(("Give temperatures in Fahrenheit",), "Keep it at 21 °C.", "")
    assert res.constraint == "US units" and not res.passed


def test_every_named_section_or_column_must_appear() -> None:
    prompt = ("Draft the postmortem for INC-88 from the notes, with sections: Summary, Impact, Timeline (UTC), "
              "Root cause, Action items.\n\nNotes: 10:02 deploy; 10:09 errors; 10:30 rollback.")
    (res,) = check_instructions((), "Summary: a bad deploy caused errors for half an hour and was rolled back.",
                                prompt)
    assert res.constraint == "5 named parts" and not res.passed and "Impact" in res.detail
    full = "\n".join(f"## {s}\n..." for s in ("Summary", "Impact", "Timeline", "Root cause", "Action items"))
    assert check_instructions((), full, prompt)[0].passed
    # JSON keys count as the fields named, whatever their separators.
    (res,) = check_instructions(("Return JSON with fields invoice number, due date and total",),
                                '{"invoice_number": "A-1", "due_date": "2025-05-01", "total": 10}', "")
    assert res.passed


def test_an_explanation_for_a_child_is_held_to_a_childs_reading_level() -> None:
    prompt = "Can you explain how vaccines work to my 8-year-old? He asked after his checkup."
    dense = ("Vaccination induces adaptive immunological memory through antigen presentation, stimulating clonal "
             "expansion of antigen-specific lymphocytes and subsequent immunoglobulin production.")
    res = check_reading_level((), dense, prompt)
    assert res is not None and res.constraint == "reading level (grade 3)" and not res.passed
    simple = ("A vaccine shows your body a picture of a germ. Your body learns what the germ looks like. If the "
              "real germ comes, your body knows it and fights it fast.")
    res = check_reading_level((), simple, prompt)
    assert res is not None and res.passed


def test_asked_for_commands_the_answer_gives_command_lines() -> None:
    prose = "Enable the metrics add-on in your cluster config, wait for it to be ready, then port-forward to the UI."
    (res,) = check_instructions(("Give me the exact commands",), prose, "")
    assert res.constraint == "command lines given" and not res.passed
    for answer in ("minikube addons enable metrics-server\nkubectl -n kube-system rollout status deploy/metrics-server",
                   "Run `kubectl top pods -A` once the add-on is up.",
                   "```\naws ec2 describe-instances \\\n  --region us-west-2\n```"):
        assert check_instructions(("Give me the exact commands",), answer, "")[0].passed


def test_code_asked_for_in_full_has_no_stubbed_bodies() -> None:
    prompt = "Implement a thread-safe LRU cache in Go with Get and Put, evicting the least recently used entry."
    stub = "```go\nfunc (c *LRU) Get(k string) (string, bool) {\n\t// ...look up and move to front\n\treturn \"\", false\n}\n```"
    found = {r.constraint: r.passed for r in check_instructions((), stub, prompt)}
    assert found == {"complete code": False, "code in go": True}
    full = "```go\nfunc (c *LRU) Get(k string) (string, bool) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\treturn c.get(k)\n}\n```"
    assert all(r.passed for r in check_instructions((), full, prompt))


def test_complete_code_asked_in_the_prompt_is_read_beside_stated_instructions() -> None:
    prompt = "Write the complete POST /api/rooms/:id/book handler: parse the JSON body and insert the booking."
    stub = "```ocaml\nlet book_room request =\n  (* TODO: parse body *)\n  Dream.json {|{}|}\n```"
    assert check_instructions(("Return a single OCaml code block.",), stub, prompt) == []
    found, = check_prompt_requests(prompt, stub)
    assert found.constraint == "complete code" and not found.passed
    full = "```ocaml\nlet book_room request =\n  let%lwt body = Dream.body request in\n  Dream.json body\n```"
    assert all(r.passed for r in check_prompt_requests(prompt, full))


def test_a_one_line_part_of_the_answer_does_not_limit_the_whole_reply() -> None:
    rule = "Include a one-line disclaimer that this is general information, not tax advice."
    answer = "The simplified method allows $5 per square foot.\n\n_This is general information, not tax advice._"
    assert check_instructions((rule,), answer, "") == []
    one, = check_instructions(("Answer in one line.",), answer, "")
    assert not one.passed


def test_code_the_prompt_says_not_to_modify_is_not_defined_again() -> None:
    prompt = ("Write unit tests for this function. Do not modify the function.\n\n"
              "def parse_amount(s: str) -> int:\n    return int(float(s.replace(',', '')) * 100)")
    rewrite = "def parse_amount(s: str) -> int:\n    s = s.strip().lstrip('$')\n    return round(float(s) * 100)"
    # The rewrite breaks both rules: it redefines the function, and it is no test.
    assert {(r.constraint, r.passed) for r in check_instructions((), rewrite, prompt)} == {
        ("given code left unchanged", False), ("a test given", False)}
    tests = "def test_parse_amount():\n    assert parse_amount('1,204.00') == 120400"
    assert all(r.passed for r in check_instructions((), tests, prompt))


def test_a_banned_construct_and_a_required_last_clause_are_read_from_the_sql() -> None:
    rules = ("Never use SELECT *; list columns explicitly", "Always end the query with LIMIT 100")
    bad = check_instructions(rules, "SELECT *\nFROM shipments\nWHERE status = 'lost';", "")
    assert [(r.constraint, r.passed) for r in bad] == [("no SELECT *", False), ("ends with LIMIT 100", False)]
    good = check_instructions(rules, "SELECT shipment_id, status\nFROM shipments\nWHERE status = 'lost'\nLIMIT 100;", "")
    assert all(r.passed for r in good) and len(good) == 2
    # Only code constructs are read literally: "no PII" is not a word to look for.
    assert check_instructions(("No PII in the output",), "Name: Bob Ray", "") == []


def test_sql_statement_bans_subqueries_and_a_closing_limit_are_read_from_the_query() -> None:
    prompt = "System: Read-only assistant. Never produce INSERT, UPDATE, DELETE or DDL.\n\nUser: remove the duplicates."
    found = check_instructions((), "DELETE FROM gl_lines\nWHERE line_no > 6;", prompt)
    # "Read-only assistant." is a rule of its own sentence; both are broken by the DELETE.
    assert [(r.constraint, r.passed) for r in found] == [("read-only SQL", False), ("no INSERT/UPDATE/DELETE", False)]
    assert all(r.passed for r in check_instructions((), "SELECT line_no FROM gl_lines WHERE line_no > 6;", prompt))
    rules = ("Use CTEs only, no subqueries", "End with LIMIT 100")
    nested = check_instructions(rules, "SELECT a FROM t WHERE id IN (SELECT id FROM u)\nGROUP BY a;", "")
    assert [(r.constraint, r.passed) for r in nested] == [("no subqueries", False), ("ends with LIMIT 100", False)]
    cte = check_instructions(rules, "WITH u AS (SELECT id FROM u)\nSELECT a FROM t JOIN u USING (id)\nLIMIT 100;", "")
    assert len(cte) == 2 and all(r.passed for r in cte)


def test_code_in_the_language_asked_for() -> None:
    java = ("public record ShipmentEvent(String trackingId, Instant occurredAt) {}\n\n"
            "public static Map<String, ShipmentEvent> latest(List<ShipmentEvent> events) {\n  return Map.of();\n}")
    kotlin = ("data class ShipmentEvent(val trackingId: String, val occurredAt: Instant)\n\n"
              "fun latest(events: List<ShipmentEvent>) = events.groupBy { it.trackingId }")
    (res,) = check_instructions(("Write it in Kotlin",), java, "")
    assert res.constraint == "code in kotlin" and not res.passed and "java" in res.detail
    assert check_instructions(("Write it in Kotlin",), kotlin, "")[0].passed
    # No code to read: nothing is said either way.
    assert check_instructions(("Answer in Python",), "Group by the key and keep the latest row.", "") == []
    # The language named in the request itself: "write a PowerShell script", answered in Bash.
    bash = '#!/usr/bin/env bash\nset -euo pipefail\nfor d in /d/Builds/*; do\n  zip -rq "$d.zip" "$d"\ndone'
    powershell = "Get-ChildItem -Path D:\\Builds -Directory | ForEach-Object { Compress-Archive -Path $_.FullName }"
    asked = "Our agents only have PowerShell. Write a PowerShell script that zips every build folder."
    assert [(r.constraint, r.passed) for r in check_instructions((), bash, asked)
            if r.constraint.startswith("code in")] == [("code in powershell", False)]
    assert all(r.passed for r in check_instructions((), powershell, asked) if r.constraint.startswith("code in"))


def test_python_naming_docstring_and_type_hint_rules_are_read_from_the_functions() -> None:
    rules = ("snake_case names", "Type hints", "A docstring")
    camel = "def DedupeOrders(inputDF):\n    windowSpec = 1\n    return inputDF"
    assert [r.passed for r in check_instructions(rules, camel, "")] == [False, False, False]
    clean = 'def dedupe_orders(df: DataFrame) -> DataFrame:\n    """Keep the latest row per order."""\n    return df'
    assert [r.passed for r in check_instructions(rules, clean, "")] == [True, True, True]


def test_a_standard_library_only_rule_is_read_from_the_imports() -> None:
    (res,) = check_instructions(("Standard library only",), "import pandas as pd\ndf = pd.read_csv('sales.csv')", "")
    assert res.constraint == "standard library only" and not res.passed and "pandas" in res.detail
    assert check_instructions(("Standard library only",), "import csv\nfrom collections import defaultdict", "")[0].passed
    node = "import http from 'node:http';\nconst fs = require('fs');"
    assert check_instructions(("Only Node.js built-in modules",), node, "")[0].passed
    (res,) = check_instructions(("No npm packages",), "import express from 'express';", "")
    assert not res.passed and "express" in res.detail


def test_only_the_amount_or_total_is_a_bare_value() -> None:
    (res,) = check_instructions(("Return only the grand total as a plain number",), "The grand total is $22.05.", "")
    assert res.constraint == "only the value" and not res.passed
    assert check_instructions(("Answer with only the dollar amount",), "$183.60", "")[0].passed
    # A value with company ("only the total and a note") is not a bare-value rule.
    assert all(r.constraint != "only the value"
               for r in check_instructions(("Return only the total and a one-line note",), "22.05 - paid in cash", ""))


def test_std_only_rust_is_read_from_its_use_lines_and_plain_english_is_english() -> None:
    regex = 'use regex::Regex;\n\nfn is_valid_sku(s: &str) -> bool {\n    Regex::new("^[A-Z]{3}$").unwrap().is_match(s)\n}'
    (res,) = check_instructions(("Standard library only; no external crates",), regex, "")
    assert not res.passed and res.detail == "imports regex"
    assert check_instructions(("std only",), "use std::collections::HashMap;\nfn f() {}", "")[0].passed
    english = ("For Form I-9, bring either one document from List A (such as a U.S. passport), or one document "
               "from List B (such as a driver's license) plus one from List C. Documents must be unexpired originals.")
    spanish = "Para el formulario I-9, traiga un documento de la Lista A o uno de la Lista B junto con uno de la Lista C."
    assert not check_instructions(("Reply in Spanish",), english, "")[0].passed
    assert check_instructions(("Reply in Spanish",), spanish, "")[0].passed


def test_a_banned_name_only_code_has_is_looked_for_in_the_code() -> None:
    rules = ("Use Django migration operations only", "No RunSQL or raw SQL")
    raw = "operations = [\n    migrations.RunSQL(sql=\"ALTER TABLE t ADD CONSTRAINT c CHECK (a >= b);\")\n]"
    assert [(r.constraint, r.passed) for r in check_instructions(rules, raw, "")] == [("no RunSQL", False)]
    ops = "operations = [\n    migrations.AddConstraint(model_name='enrollment', constraint=check)\n]"
    assert all(r.passed for r in check_instructions(rules, ops, ""))
    # "no eval()" is broken by a call with arguments.
    assert not check_instructions(("Do not use eval()",), "total = eval(expr)", "")[0].passed
    assert check_instructions(("Do not use eval()",), "total = ast.literal_eval(expr)", "")[0].passed


def test_a_ban_stated_after_the_names_it_lists_is_looked_for_in_the_code() -> None:
    rule = ("Use the Django ORM inside migrations.RunPython only; raw SQL (migrations.RunSQL, cursor.execute) is not "
            "allowed.",)
    raw = "operations = [\n    migrations.RunSQL(\"UPDATE crm_customer SET is_active = false\"),\n]"
    (res,) = check_instructions(rule, raw, "")
    assert res.constraint == "no migrations.RunSQL/cursor.execute" and not res.passed
    assert res.detail == "uses migrations.RunSQL"
    # The parenthesis lists what is banned: the RunPython the same sentence asks for is no breach.
    assert check_instructions(rule, "operations = [migrations.RunPython(forwards, backwards)]", "")[0].passed
    assert not check_instructions(("`eval` must not be used.",), "total = eval(expr)", "")[0].passed
    assert check_instructions(("Calls to os.system are forbidden.",), "subprocess.run(['ls'])", "")[0].passed
    # A ban on no name only code has ("comma joins", "retaliation") is not this rule's.
    assert check_instructions(("Comma joins are not allowed.",), "SELECT a FROM b, c", "") == []
    assert check_instructions(("Retaliation is prohibited.",), "We will look into it.", "") == []


def test_the_module_system_and_the_packages_allowed_are_read_from_the_imports() -> None:
    rules = ("Use CommonJS require", "No packages other than express")
    esm = "import 'dotenv/config';\nimport express from 'express';\nconst app = express();"
    assert [(r.constraint, r.passed) for r in check_instructions(rules, esm, "")] == [
        ("CommonJS modules", False), ("no packages other than express", False)]
    cjs = "const express = require('express');\nconst path = require('path');\nmodule.exports = express();"
    assert [r.passed for r in check_instructions(rules, cjs, "")] == [True, True]
    (res,) = check_instructions(("Use ES modules",), cjs, "")
    assert res.constraint == "ES modules" and not res.passed


def test_read_only_sql_and_a_command_only_reply() -> None:
    rules = ("Read-only assistant: generate SELECT statements only",)
    (res,) = check_instructions(rules, "-- keep the oldest\nDELETE FROM customers c\nUSING customers d;", "")
    assert res.constraint == "read-only SQL" and not res.passed and "DELETE" in res.detail
    assert check_instructions(rules, "SELECT lower(email), COUNT(*) FROM customers GROUP BY 1;", "")[0].passed
    prose = "To see failed services you can use systemctl:\n\n```\nsystemctl --failed\n```\n\nThe second form is handy."
    assert any(r.constraint == "one line" and not r.passed
               for r in check_instructions(("Respond with the command only",), prose, ""))
    assert all(r.passed for r in check_instructions(("Respond with the command only",),
                                                    "systemctl list-units --type=service --state=failed", ""))


def test_complete_runnable_code_has_no_todo_bodies() -> None:
    stub = "app.get('/tasks', (req, res) => { /* ... */ });\n// TODO: PUT/DELETE\n\nmodule.exports = app;"
    (res,) = check_instructions(("Complete, runnable code",), stub, "")
    assert res.constraint == "complete code" and not res.passed


def test_stated_values_citations_and_explanations_are_read_from_the_output() -> None:
    (res,) = check_instructions(("Include the pay range $92,000-$118,000 per year.",),
                                "**Senior Payroll Specialist**\nCompetitive pay and great benefits.", "")
    assert res.constraint == "stated values included" and not res.passed and "92000" in res.detail
    assert check_instructions(("Include the pay range $92,000-$118,000 per year.",),
                              "Pay: $92,000 to $118,000 per year.", "")[0].passed
    (res,) = check_instructions(("For every field, cite the section number it came from, e.g. (§1.2).",),
                                "**Term:** 87 months\n**Base Rent:** $31.50/RSF", "")
    assert res.constraint == "sections cited" and not res.passed
    assert check_instructions(("Cite the section for each point.",), "Consent is required (Section 9.1).", "")[0].passed
    # A bare query explains none of its clauses; its comments can.
    rule = ("Explain each clause of the query for a junior analyst.",)
    bare = "SELECT s.class_type, AVG(b.attended::int) AS rate FROM class_bookings b JOIN class_sessions s USING (id) GROUP BY 1;"
    assert not check_instructions(rule, bare, "")[0].passed
    commented = ("-- FROM/JOIN: each booking with the session it belongs to, so we know its class type\n"
                 "-- GROUP BY: one row per class type, averaging whether each booking was attended\n" + bare)
    assert check_instructions(rule, commented, "")[0].passed


def test_an_acronym_the_rule_bans_and_a_placeholder_comment() -> None:
    rules = ("Do not use UDFs; use only built-in Spark SQL functions.",)
    udf = "val extractDomain = udf((email: String) => email.split(\"@\")(1))\nusers.withColumn(\"d\", extractDomain(col(\"email\")))"
    assert [(r.constraint, r.passed) for r in check_instructions(rules, udf, "")] == [("no UDF", False)]
    assert check_instructions(rules, "users.withColumn(\"d\", lower(substring_index(col(\"email\"), \"@\", -1)))",
                              "")[0].passed
    stub = "public function rules(): array\n{\n    return [\n        'name' => 'required',\n        // add password rules here\n    ];\n}"
    (res,) = check_instructions(("Complete, runnable code",), stub, "")
    assert res.constraint == "complete code" and not res.passed
    (res,) = check_instructions(("Provide Azure CLI commands only; no portal steps.",),
                                "1. In the Azure portal, open the storage account.\n2. Select Access control (IAM).", "")
    assert res.constraint == "command lines given" and not res.passed


def test_a_csv_header_asked_for_and_go_modules_outside_the_standard_library() -> None:
    prompt = "Turn these notes into CSV with header date,category,amount,currency (no other text)."
    semicolons = "date;category;amount;currency\n2025-03-03;Taxi;48,20;USD"
    assert any(r.constraint == "CSV header date,category,amount,currency" and not r.passed
               for r in check_instructions((), semicolons, prompt))
    assert all(r.passed for r in check_instructions((), "date,category,amount,currency\n2025-03-03,Taxi,48.20,USD",
                                                    prompt))
    gin = 'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/gin-gonic/gin"\n)\n\nfunc main() { gin.Default() }'
    (res,) = check_instructions(("Standard library only; no third-party modules.",), gin, "")
    assert not res.passed and "github.com/gin-gonic/gin" in res.detail
    stdlib = 'package main\n\nimport (\n\t"encoding/json"\n\t"net/http"\n)\n\nfunc main() { http.ListenAndServe(":8080", nil) }'
    assert check_instructions(("Standard library only; no third-party modules.",), stdlib, "")[0].passed


def test_date_layouts_whole_dollars_and_a_single_statement() -> None:
    rule = ("Write dates as DD-MMM-YYYY (e.g., 05-APR-2024), as the embassy worksheet requires.",)
    (res,) = check_instructions(rule, "Date of birth: 1982-01-30\nDate of expiry: 2032-09-12", "")
    assert res.constraint == "dates as DD-MMM-YYYY" and not res.passed
    assert check_instructions(rule, "Date of birth: 30-JAN-1982\nDate of expiry: 12-SEP-2032", "")[0].passed
    (res,) = check_instructions(("Round every amount to whole dollars.",), "- Social Security: $4,960.00", "")
    assert res.constraint == "whole dollars" and not res.passed
    assert check_instructions(("Round every amount to whole dollars.",), "- Social Security: $4,960", "")[0].passed
    two = "-- Option 1\nSELECT vet_id FROM appointments;\n\n-- Option 2\nSELECT vet_id, COUNT(*) FROM appointments GROUP BY 1;"
    (res,) = check_instructions(("Return exactly one SQL statement.",), two, "")
    assert res.constraint == "one SQL statement" and not res.passed
    assert check_instructions(("Return exactly one SQL statement.",), "WITH a AS (SELECT 1)\nSELECT * FROM a;",
                              "")[0].passed
    (res,) = check_instructions(("Cite the statute or regulation section for every rule you state.",),
                                "- Employees earn 1 hour for every 30 hours worked.", "")
    assert res.constraint == "sections cited" and not res.passed


def test_a_row_cap_and_a_target_sql_dialect() -> None:
    query = "SELECT w.code, i.sku FROM inventory i JOIN warehouses w ON w.warehouse_id = i.warehouse_id ORDER BY 1;"
    (res,) = check_instructions(("Every query must include LIMIT 500 or lower.",), query, "")
    assert res.constraint == "row cap <= 500" and not res.passed
    assert check_instructions(("Every query must include LIMIT 500 or lower.",), query.replace(";", " LIMIT 100;"),
                              "")[0].passed
    (res,) = check_instructions(("Every query must include LIMIT 500 or lower.",), query.replace(";", " LIMIT 900;"),
                                "")
    assert not res.passed and res.detail == "caps at 900"
    tsql = ("Target database: Microsoft SQL Server 2019. Use T-SQL syntax only.",)
    (res,) = check_instructions(tsql, "SELECT name FROM swaps WHERE approved_at::date >= '2025-01-01' LIMIT 10;", "")
    assert res.constraint == "T-SQL syntax" and not res.passed
    assert check_instructions(tsql, "SELECT TOP 10 name FROM swaps WHERE approved_at >= '2025-01-01';", "")[0].passed
    # Syntax inside a string literal or a comment is no use of it, and a migration names no single target.
    assert check_instructions(tsql, "SELECT TOP 5 note FROM t WHERE note = 'LIMIT 3' -- not LIMIT 3", "")[0].passed
    assert check_instructions(("Port this query from MySQL to PostgreSQL.",), "SELECT TOP 5 a FROM t", "") == []


def test_a_querys_sort_order_column_names_and_rounding_are_read_from_the_query() -> None:
    rules = ("Round averages to 2 decimal places.", "Alias output columns as region and avg_apr.",
             "Order by avg_apr descending.", "Limit to 50 rows")
    query = "SELECT b.region, AVG(l.apr) AS average_apr FROM loans l JOIN branches b USING (branch_id) GROUP BY b.region;"
    found = check_instructions(rules, query, "")
    assert [(r.constraint, r.passed) for r in found] == [
        ("rounded in the query", False), ("columns named region, avg_apr", False), ("ORDER BY avg_apr DESC", False),
        ("row cap <= 50", False)]
    kept = ("SELECT b.region, ROUND(AVG(l.apr), 2) AS avg_apr FROM loans l JOIN branches b USING (branch_id)\n"
            "GROUP BY b.region ORDER BY avg_apr DESC;")
    assert [r.passed for r in check_instructions(rules[:3], kept, "")] == [True, True, True]
    assert not check_instructions(rules[2:3], kept.replace(" DESC", ""), "")[0].passed
    # A window's own ORDER BY does not sort the result; a row cap stated as "Limit to 50 rows" is one.
    windowed = "SELECT id, RANK() OVER (ORDER BY last_name) AS r FROM students"
    assert not check_instructions(("Order by last_name ascending",), windowed, "")[0].passed
    (cap,) = check_instructions(("Limit to 50 rows",), windowed, "")
    assert cap.constraint == "row cap <= 50" and not cap.passed
    # A sentence of SQL quoted in a prompt, and an order named in words, are no rule on the answer's query.
    assert check_instructions(("ORDER BY sc.school_name;",), windowed, "") == []
    assert check_instructions(("Order results by member count, descending",), windowed, "") == []


def test_a_query_asked_for_and_a_label_from_a_list() -> None:
    prompt = "Write a query: for each user, total training volume per week over the last 8 weeks."
    (res,) = check_instructions((), "Tracking weekly volume is a great way to manage progressive overload!", prompt)
    assert res.constraint == "a query given" and not res.passed
    assert check_instructions((), "SELECT user_id, SUM(reps * weight_kg) FROM sets GROUP BY 1", prompt)[0].passed
    # A reply that says why it wrote none is an abstention or a refusal, read elsewhere.
    assert check_instructions((), "I can't write this query: the schema has no sets table.", prompt) == []
    prompt = "Classify the message. Return one of: POSITIVE, NEUTRAL, NEGATIVE and a category from: LATE, OTHER."
    (res,) = check_instructions((), "Hi there! Thanks for letting us know about the late delivery.", prompt)
    assert res.constraint.startswith("one of POSITIVE") and not res.passed
    assert check_instructions((), "NEGATIVE, LATE", prompt)[0].passed


def test_a_prompt_that_describes_its_config_bans_nothing() -> None:
    prompt = "Our config has no ssl_protocols line. Do we need to add one?"
    assert check_instructions((), "Yes. Add `ssl_protocols TLSv1.2 TLSv1.3;` and reload.", prompt) == []
    (res,) = check_instructions(("No ssl_protocols directive.",), "ssl_protocols TLSv1.2;", "")
    assert not res.passed
    # "Add ... to my axum 0.8 server" is the task; only a stated rule asks for values to be included.
    assert check_instructions((), "async fn shutdown() {}", "Add graceful shutdown to my axum 0.8 server.") == []


def test_a_yes_or_no_opening_and_a_semicolon_terminator() -> None:
    rule = ("Start your answer with 'Yes' or 'No'.",)
    (res,) = check_instructions(rule, "It depends on the plan: the Pro tier covers it.", "")
    assert res.constraint == "starts with yes or no" and not res.passed
    assert check_instructions(rule, "**Yes** - the Pro tier covers it.", "")[0].passed
    # "Nobody" does not open with "No".
    assert not check_instructions(rule, "Nobody on the Pro tier pays for it.", "")[0].passed
    rule = ("Return one SQL statement terminated by a semicolon.",)
    (res,) = check_instructions(rule, "```sql\nSELECT id FROM t\n```", "")
    assert res.constraint == "ends with a semicolon" and not res.passed
    assert check_instructions(rule, "```sql\nSELECT id FROM t;\n```", "")[0].passed


def test_a_prompt_that_asks_for_an_artifact_and_its_explanation() -> None:
    prompt = "Write a query for monthly churn by plan and briefly explain the logic."

    def explained(output: str) -> bool:
        (res,) = [r for r in check_instructions((), output, prompt) if r.constraint == "explanation given"]
        return res.passed

    assert not explained("SELECT plan, COUNT(*) FROM subs WHERE cancelled_at IS NOT NULL GROUP BY plan;")
    # An unfenced query followed by a paragraph of prose is explained; a second SQL paragraph is no prose.
    assert explained("SELECT plan, COUNT(*) FROM subs GROUP BY plan;\n\nThis counts each plan's cancelled "
                     "subscriptions, grouping by plan so every plan gets its own monthly churn figure.")
    assert not explained("SELECT plan, COUNT(*)\n\nFROM subs WHERE cancelled_at IS NOT NULL AND plan <> 'free' "
                         "GROUP BY plan;")
    # A bare "explain" is the question itself.
    assert check_instructions((), "Churn is the share of customers who leave.", "Explain churn.") == []


def test_a_standing_filter_spelled_as_predicates_must_be_read_by_the_query() -> None:
    rule = ("Always exclude test accounts (customers.is_test = true).",)
    query = "SELECT c.country, COUNT(*) FROM returns r JOIN customers c ON c.id = r.customer_id GROUP BY 1;"
    (res,) = check_instructions(rule, query, "")
    assert res.constraint == "filters on is_test" and not res.passed
    assert check_instructions(rule, query.replace("GROUP", "WHERE NOT c.is_test GROUP"), "")[0].passed
    # Every predicate counts; a value in a string literal is not the column read.
    rule = ("Exclude voided orders (status = 'voided') and comped items (is_comped = true).",)
    (res,) = check_instructions(rule, "SELECT SUM(total) FROM orders WHERE status <> 'voided' AND note <> 'is_comped'",
                                "")
    assert not res.passed and res.detail == "never reads is_comped"
    # A rule with no predicate in brackets names no column; no query, nothing to hold to it.
    assert check_instructions(("Exclude internal accounts.",), query, "") == []
    assert check_instructions(rule, "Voided orders are left out of the totals.", "") == []


def test_functions_named_in_a_ban_must_not_be_called() -> None:
    rule = ("No dynamic memory allocation (no malloc/free); storage is allocated by the caller.",)
    code = "```c\nringbuf_t *rb = malloc(sizeof *rb);\n```"
    (res,) = check_instructions(rule, code, "")
    assert res.constraint == "no malloc/free calls" and not res.passed and res.detail == "calls malloc"
    assert check_instructions(rule, "```c\nvoid rb_init(ringbuf_t *rb, uint8_t *buf);\n```", "") == []
    assert check_instructions(("Never call printf or puts.",), "```c\nint x = 1;\n```", "")[0].passed
    # Plain words in a ban ("no prose or markdown") name no function, and prose is not code.
    assert check_instructions(("No prose or markdown.",), "SELECT id FROM t;", "") == []
    assert check_instructions(("No emojis or slang.",), "Thanks, we fixed it!", "") == []


def test_a_project_that_lists_the_dependencies_it_has_bans_new_ones() -> None:
    rule = ("Do not add any new npm dependencies; we only have vue, nuxt and pinia.",)
    code = "<script setup>\nimport debounce from 'lodash-es/debounce'\nimport { ref } from 'vue'\n</script>"
    (res,) = check_instructions(rule, code, "")
    assert res.constraint == "no packages other than nuxt, pinia, vue" and not res.passed
    assert res.detail == "imports lodash-es/debounce"  # a JavaScript import is no Python module named 'debounce'
    ok = "<script setup>\nimport { ref } from 'vue'\nimport { useFetch } from '#app'\nimport x from '~/utils/x'\n</script>"
    assert check_instructions(rule, ok, "")[0].passed


def test_a_test_asked_for_must_be_written() -> None:
    prompt = "Write a JUnit 5 + MockK unit test for this service. Cover the discount over 100.00."
    refactor = "Before testing, let's clean it up:\n```kotlin\nclass PricingService(private val repo: PromoRepository)\n```"
    (res,) = check_instructions((), refactor, prompt)
    assert res.constraint == "a test given" and not res.passed
    test = "```kotlin\n@Test\nfun `applies discount over 100`() {\n  assertEquals(BigDecimal(\"90.00\"), price)\n}\n```"
    assert check_instructions((), test, prompt)[0].passed
    assert check_instructions((), "def test_normalize():\n    assert normalize('07700') == '+447700'",
                              "Write pytest tests for normalize_phone.")[0].passed
    # A test plan is a document, not a test.
    assert check_instructions((), "1. Smoke test the login page.", "Write a test plan for the release.") == []


def test_a_contact_the_rules_say_to_refer_to_must_be_given() -> None:
    rule = ("Do not give individual determinations; direct the employee to HR Compliance (hrcompliance@ternbridge.com).",)
    (res,) = check_instructions(rule, "You are very likely misclassified and owed back pay.", "")
    assert res.constraint == "refers to hrcompliance@ternbridge.com" and not res.passed
    assert check_instructions(rule, "Please contact HRCompliance@ternbridge.com for a review.", "")[0].passed
    # An error message the user pastes ("Refer to https://...") asks nothing of the answer.
    prompt = "CI error: `--mount requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn more`. Fix?"
    assert check_instructions((), "Set DOCKER_BUILDKIT=1 before the build.", prompt) == []


def test_code_for_our_go_service_is_go() -> None:
    prompt = "Our Go service has a data race on a shared counter. Show me the fix using sync/atomic."
    (res,) = check_instructions((), "```rust\nuse std::sync::atomic::AtomicU64;\nfn metrics() -> u64 { 0 }\n```", prompt)
    assert res.constraint == "code in go" and not res.passed


def test_an_instruction_that_applies_on_a_condition_is_not_checked() -> None:
    # Whether the excerpts cover the question is not for a checker to see; an answer given is not a violation.
    answer = "You get 3 paid days of bereavement leave for a grandparent."
    conditional = ("Answer only from the excerpts; if they do not cover the question, say so and point the "
                   "employee to peopleops@northgate.example.")
    assert not [r for r in check_instructions((conditional,), answer) if r.constraint.startswith("refers to")]
    assert not check_instructions(("If you cannot answer, refer them to help@northgate.example.",), answer)
    trailing = "Point them to help@northgate.example if they ask about payroll."
    assert not check_instructions((trailing,), answer)
    (always,) = check_instructions(("Always point the employee to peopleops@northgate.example.",), answer)
    assert not always.passed


def test_a_row_cap_for_row_level_queries_exempts_an_aggregate() -> None:
    rule = "Row-level (non-aggregated) queries must end with LIMIT 1000."
    grouped = "SELECT tier, COUNT(*) FROM members GROUP BY tier ORDER BY tier;"
    assert check_instructions((rule,), grouped) == []
    (rows,) = check_instructions((rule,), "SELECT id, tier FROM members ORDER BY id;")
    assert not rows.passed


def test_sql_rules_read_the_query_inside_a_json_answer() -> None:
    rule = "Non-aggregate queries must end with LIMIT 1000."
    payload = '{\n  "sql": "SELECT id, title FROM loans WHERE due_at < now() LIMIT 1000;",\n  "read_only": true\n}'
    (res,) = check_instructions((rule,), payload)
    assert res.passed
    (res,) = check_instructions((rule,), payload.replace(" LIMIT 1000", ""))
    assert not res.passed


def test_markdown_inline_code_in_a_prose_answer_is_not_a_mysql_identifier() -> None:
    rule = "Use PostgreSQL syntax."
    prose = "Point PgBouncer at the new primary: edit the `orders` entry, then run `SELECT pg_reload_conf() FROM x;`."
    assert all(r.passed for r in check_instructions((rule,), prose))
    (res,) = check_instructions((rule,), "Here it is:\n```sql\nSELECT `id` FROM `orders`;\n```")
    assert not res.passed and "`id`" in res.detail


def test_an_example_of_the_citation_form_is_not_a_value_to_include() -> None:
    rule = "Cite the playbook section (e.g., PB-4.2) for every position you state."
    assert not [r for r in check_instructions((rule,), "Twelve months is the cap [PB-7.1].")
                if r.constraint == "stated values included"]
    (res,) = check_instructions(("Include the pay range $92,000-$118,000.",), "The range is $92,000-$100,000.")
    assert not res.passed


def test_a_condition_on_the_output_itself_is_still_checked() -> None:
    (res,) = check_instructions(("When writing SQL, use PostgreSQL syntax.",), "SELECT TOP 5 id FROM orders;")
    assert not res.passed and "TOP" in res.detail


def test_rules_for_how_values_are_written_or_a_pattern_of_placeholders_are_not_rules_for_the_answer() -> None:
    payload = '{"insured": "Marisol Quintero, Fresno", "liability_limit": 50000}'
    money = "Limits, deductibles and other money amounts as integers in whole USD (no $ sign, no commas)."
    assert check_instructions((money,), payload) == []
    (whole,) = check_instructions(("Do not use any commas in your response.",), payload)
    assert not whole.passed
    assert check_instructions(("Return a single expense line as JSON.",), '{\n  "amount": 106.72\n}') == []
    pattern = "Keep placeholders such as {{...}} and {...} exactly as they are."
    assert check_instructions((pattern,), "Ja, die Police ist enthalten.", "Is the policy included?") == []
    (kept,) = check_instructions((pattern,), "Hallo,", "Hello {{first_name}},")
    assert not kept.passed and "{{first_name}}" in kept.detail


LEASE_TABLE = """| Clause | Section | Excerpt |
|---|---|---|
| Term | §1 | "The term of this Lease begins on February 1, 2025 and ends on January 31, 2026" |
| Rent | §3 | "The monthly rent is $3,900.00, payable in advance on the first day of each month" |
| Late Charge | §4 | "If rent is not received within five days after it is due, Tenant shall pay a late charge of $50.00" |
"""


def test_a_labelled_length_bound_reads_that_column_of_a_table() -> None:
    instr = ("Excerpt: a verbatim quotation from the lease in double quotes, at most 40 words.",)
    assert len(LEASE_TABLE.split()) > 40  # the whole answer is longer than the bound; each excerpt is not
    [res] = check_instructions(instr, LEASE_TABLE)
    assert (res.constraint, res.passed) == ("Excerpt: words <= 40", True)
    long_row = "| Assignment | §12 | \"" + " ".join(["word"] * 45) + "\" |\n"
    [res] = check_instructions(instr, LEASE_TABLE + long_row)
    assert not res.passed and res.detail.startswith("1 of 4 values: 45 words")


def test_a_labelled_length_bound_reads_that_key_of_a_json_answer_even_a_broken_one() -> None:
    instr = ("coverage_summary: plain-English summary for the file; at most 12 words.",)
    answer = {"policy": "NSC-1", "coverage_summary": "Umbrella cover of five million dollars over the brewery.",
              "notes": " ".join(["filler"] * 30)}
    [res] = check_instructions(instr, json.dumps(answer, indent=2))
    assert (res.constraint, res.passed) == ("coverage_summary: words <= 12", True)
    broken = '```json\n{"summary": "No signal at home since yesterday; calls drop.", "priority": "high",}\n```'
    [res] = check_instructions(("summary: max 5 words",), broken)
    assert (res.constraint, res.passed, res.detail) == ("summary: words <= 5", False, "1 of 1 values: 8 words")


def test_a_label_the_answer_has_no_field_for_bounds_the_whole_answer() -> None:
    instr = ("SMS channel: plain text only and at most 40 characters.",)
    [res] = check_instructions(instr, "Your card ships in 5-7 business days; track it in the app.")
    assert (res.constraint, res.passed) == ("characters <= 40", False)
    # A label that introduces a rule is not a field, whatever the answer holds.
    [res] = check_instructions(("Length: at most 3 words.",), "Length: short\nThe rest of it runs on and on.")
    assert (res.constraint, res.passed) == ("words <= 3", False)


def test_only_length_bounds_are_read_against_a_field() -> None:
    # "Dialect" names the instruction's topic; the answer's "dialect" key is not where the query is.
    answer = json.dumps({"dialect": "postgres", "sql": "SELECT TOP 5 name FROM staff"})
    [res] = check_instructions(("Dialect: PostgreSQL only.",), answer)
    assert (res.constraint, res.passed) == ("PostgreSQL syntax", False)


def test_a_labelled_bound_reads_label_lines() -> None:
    answer = "**Subject:** Your refund for order 4471 is on its way\n\nHi Dana,\n" + "More text here. " * 20
    [res] = check_instructions(("Subject: at most 10 words.",), answer)
    assert (res.constraint, res.passed) == ("Subject: words <= 10", True)


FENCED_WITH_PROSE = "Here's the implementation:\n\n```python\ndef slug(t: str) -> str:\n    return t.lower()\n```\n"
BARE_CODE = "import re\n\n\ndef slug(t: str) -> str:\n    \"\"\"Lower-case the title.\"\"\"\n    return re.sub(r'\\W+', '-', t.lower())\n"


@pytest.mark.parametrize("instr", ["No markdown code fences.", "Return the file without code fences.",
                                   "Do not use backticks.", "Never use code blocks."])
def test_a_ban_on_fences_in_other_words(instr: str) -> None:
    [res] = check_instructions((instr,), FENCED_WITH_PROSE)
    assert (res.constraint, res.passed) == ("no code fences", False)
    [res] = check_instructions((instr,), BARE_CODE)
    assert (res.constraint, res.passed) == ("no code fences", True)


def test_code_alone_where_only_code_was_asked_for() -> None:
    instr = ("Output only the Python source code, no explanation.",)
    assert [(r.constraint, r.passed) for r in check_instructions(instr, BARE_CODE)] == [("code only", True)]
    [res] = check_instructions(instr, FENCED_WITH_PROSE)
    assert (res.constraint, res.passed, res.detail) == ("code only", False, "says \"Here's the implementation:\"")
    explained = BARE_CODE + "\nThis normalises the title and joins its words with hyphens.\n"
    [res] = check_instructions(instr, explained)
    assert not res.passed and "This normalises the title" in res.detail
    # Comments and docstrings are code; a sentence-like line of code is not prose.
    commented = "// DedupSorted removes consecutive duplicate IDs from a sorted slice.\nfunc DedupSorted() {}\n"
    assert check_instructions(("Code only, no explanation",), commented)[0].passed
    # "No explanation" on an answer that holds no code is the bare-value rules' to read.
    assert check_instructions(("Answer yes or no, no explanation.",), "Yes, because the lease allows it.") == []
    # A command asked for alone is code too.
    command = "aws ecs update-service --cluster prod --service api"
    assert check_instructions(("Output only the CLI command, no explanation.",), command)[0].passed
    found = check_instructions(("Output only the CLI command, no explanation.",),
                               "To enable it you'll want to update the service like this:\n\n" + command)
    assert [(r.constraint, r.passed) for r in found] == [("command lines given", True), ("code only", False)]


def test_raw_code_with_no_markdown_formatting_has_no_fence() -> None:
    [res] = [r for r in check_instructions(("Return only raw Python code, with no markdown formatting.",),
                                           "```python\ndef f():\n    return 1\n```") if r.constraint == "no code fences"]
    assert not res.passed


@pytest.mark.parametrize("prompt", [
    "Write (1) a function slugify(title) that lowercases; (2) a docstring for it; (3) pytest tests covering accents.",
    "Write a TypeScript helper retry(fn, attempts) with exponential backoff, plus Vitest tests that use fake timers.",
])
def test_tests_asked_for_as_one_part_of_a_request(prompt: str) -> None:
    def tests_given(output: str) -> list[bool]:
        return [r.passed for r in check_instructions((), output, prompt) if r.constraint == "a test given"]

    code = "def slugify(title):\n    return title.lower()\n"
    assert tests_given(code) == [False]
    assert tests_given(code + "\ndef test_slugify():\n    assert slugify('A') == 'a'\n") == [True]


SINGLE_STAGE = 'FROM golang:1.23\nWORKDIR /src\nRUN go build -o /bin/ledgerd ./cmd/ledgerd\nCMD ["ledgerd"]\n'
MULTI_STAGE = ("FROM golang:1.23 AS build\nRUN CGO_ENABLED=0 go build -o /ledgerd ./cmd/ledgerd\n"
               "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /ledgerd /ledgerd\n")


@pytest.mark.parametrize(("instr", "constraint"), [
    ("Use a multi-stage build.", "multi-stage build"),
    ("The final stage must be gcr.io/distroless/static-debian12:nonroot.",
     "final stage gcr.io/distroless/static-debian12:nonroot"),
])
def test_dockerfile_stages(instr: str, constraint: str) -> None:
    assert [(r.constraint, r.passed) for r in check_instructions((instr,), SINGLE_STAGE)] == [(constraint, False)]
    assert [(r.constraint, r.passed) for r in check_instructions((instr,), MULTI_STAGE)] == [(constraint, True)]


ALEMBIC = ('from alembic import op\nimport sqlalchemy as sa\n\n\ndef upgrade():\n    op.drop_column("customers", "fax")\n'
           "\n\ndef downgrade():\n    pass\n")


@pytest.mark.parametrize("instr", ["Every migration must be fully reversible: downgrade() must restore the schema.",
                                   "Provide a reverse function."])
def test_a_reversible_migration_has_a_way_back_that_does_something(instr: str) -> None:
    [res] = check_instructions((instr,), ALEMBIC)
    assert (res.constraint, res.passed) == ("reversible migration", False)
    restored = ALEMBIC.replace("    pass\n", '    op.add_column("customers", sa.Column("fax", sa.String(32)))\n')
    assert check_instructions((instr,), restored)[0].passed
    django = 'operations = [migrations.RunSQL("UPDATE crm_customer SET is_active = false", ' \
             'reverse_sql=migrations.RunSQL.noop)]\n'
    assert not check_instructions((instr,), django)[0].passed


def test_a_reading_level_reads_the_field_it_names_and_never_a_payload_or_code() -> None:
    record = ('{"sig": "TAKE 1 TABLET BY MOUTH QHS PRN SLEEP", "sig_plain": "Take 1 tablet at bedtime if you need '
              'help sleeping.", "prescriber": "M. Adeyemi-Clarke, PA-C", "rx_number": "5521870", "daw": null, '
              '"generic_name": "trazodone", "dosage_form": "tablet", "fill_date": "2025-02-03", "refills": 2}')
    rule = ("sig_plain: rewrite the directions in plain English for the patient portal.",)
    assert check_reading_level(rule, record, "") is None  # one plain sentence: too short to grade, and no fault
    jargon = record.replace("Take 1 tablet at bedtime if you need help sleeping.",
                            "Administer one tablet orally at bedtime pro re nata for insomnia-associated symptomatology "
                            "contingent upon subjective nocturnal requirement.")
    res = check_reading_level(rule, jargon, "")
    assert res is not None and not res.passed
    # Without a field, a JSON record has no prose to grade, and a query's clauses are no sentences.
    assert check_reading_level(("Explain in plain English.",), record, "") is None
    sql = ("SELECT p.property_name, date_trunc('month', rn.stay_date) AS month,\n"
           "       SUM(rn.rooms_sold)::numeric / NULLIF(SUM(rn.rooms_available), 0) AS occupancy\n"
           "FROM fact_room_nights rn JOIN dim_property p USING (property_id)\nGROUP BY 1, 2 ORDER BY 1, 2;\n")
    words = "This shows how full each hotel was in each month, as a share of the rooms it could sell. "
    assert check_reading_level(("Use plain English.",), sql + words * 2, "").passed


def test_a_count_with_a_word_between_it_and_the_unit_is_read() -> None:
    (res,) = check_instructions(("Answer in exactly 3 short bullets.",), "Yes, you can.\n\nIt depends.\n\nAsk HR.", "")
    assert res.constraint == "bullet points == 3" and not res.passed
    assert check_instructions(("At most 2 brief paragraphs.",), "One.\n\nTwo.\n\nThree.", "")[0].constraint == \
        "paragraphs <= 2"


def test_a_command_may_name_its_program_by_path() -> None:
    out = "bin/kafka-topics.sh --create --bootstrap-server b1:9092 --topic payments.events --partitions 12"
    assert check_instructions(("Give me the command.",), out, "")[0].passed
    assert not check_instructions(("Give me the command.",), "Use the topics tool with twelve partitions.", "")[0].passed


def test_two_phrasings_of_one_rule_are_one_result() -> None:
    rules = ("Output only the script; it is piped straight into bash.", "No markdown and no explanations.")
    out = "Sure, here's a script for the lab:\n\n```bash\naz network public-ip create -g rg-lab -n pip-lab\n```"
    results = check_instructions(rules, out, "")
    assert [r.constraint for r in results].count("code only") == 1


def test_an_explanation_asked_for_in_the_next_sentence_must_be_given() -> None:
    prompt = ("Write a query for 2024 booking pace at property 204: room nights on the books 30 days before arrival. "
              "Then explain your assumptions about cancellations and how to read the result.")
    query = "SELECT date_trunc('month', checkin_date) AS m, SUM(nights) FROM fact_bookings GROUP BY 1;"
    assert not next(r for r in check_instructions((), query, prompt) if r.constraint == "explanation given").passed
    # A question that goes on "Also, walk me through the steps" asks for no artifact to explain.
    assert all(r.constraint != "explanation given" for r in check_instructions(
        (), "Yes, tier 3.", "Is Dupixent covered on my plan? Also, walk me through the steps to get a prior auth."))


def test_a_test_named_by_its_annotation_in_a_list_of_parts_is_asked_for() -> None:
    prompt = ("Create the full vertical slice for /api/v1/rooms in Spring Boot 3: JPA entity, repository, service, REST "
              "controller with GET and POST, request validation, and a @WebMvcTest for the controller.")
    controller = "```java\n@RestController\npublic class RoomController {\n}\n```"
    assert not next(r for r in check_instructions((), controller, prompt) if r.constraint == "a test given").passed


def test_a_library_the_build_lacks_must_not_be_imported() -> None:
    rule = ("Do not use Lombok; our build does not include it.",)
    (res,) = check_instructions(rule, "import lombok.RequiredArgsConstructor;\n\n@Service\nclass CustomerService {}", "")
    assert res.constraint == "no Lombok" and not res.passed
    assert check_instructions(rule, "import java.util.Optional;\n\nclass CustomerService {}", "")[0].passed
    # A word that names no library ("new", "gems") or a ban beside no import says nothing of imports.
    assert check_instructions(("Do not add new crate dependencies.",), "use std::fs;\nfn main() {}", "") == []
    assert check_instructions(("Do not use lateinit for dependencies.",), "import foo.Bar\nclass A", "") == []


def test_legal_boilerplate_breaks_a_warm_casual_voice() -> None:
    persona = ("You are Pip, the cheerful support assistant. Warm, casual, short sentences. Never sound like a legal "
               "document.",)
    notice = ("Pursuant to Section 9.4 of the Terms of Service, any breach of said packaging constitutes grounds for "
              "reimbursement, together with a courier suspension of not less than fourteen (14) days.")
    res = check_register(persona, notice, "")
    assert res is not None and not res.passed and res.constraint == "a plain, warm register"
    # A kept voice is reported by no rule (the persona's "warm" is no checklist item), and nothing is read where
    # no plain voice was asked for.
    assert check_register(persona, "Oh no, sorry about that! Tap Get Help and we'll refund the fries.", "") is None
    assert check_register(("Cite the clause.",), notice, "") is None
    # The same check is no instruction result: a register fault is a style fault.
    assert check_instructions(persona, notice, "") == []
    obligor = ("Upon 270 days of nonpayment the loan enters default, whereupon the obligor may be subject to wage "
               "garnishment.")
    assert not check_register(("Persona: Sunny, a friendly guide for first-time borrowers.",), obligor, "").passed


def test_vectorised_only_is_broken_by_a_row_loop() -> None:
    rule = ("The frame has ~40 million rows: vectorised operations only, no Python-level loops over rows.",)
    loop = ("```python\nfees = []\nfor _, row in df.iterrows():\n    fees.append(row['balance'] * 0.02)\n"
            "df['late_fee'] = fees\n```")
    (res,) = check_instructions(rule, loop, "")
    assert res.constraint == "vectorised, no row loops" and not res.passed
    vectorised = "```python\ndf['late_fee'] = np.select([d <= 30, d <= 60], [0, b * 0.02], b * 0.05)\n```"
    assert check_instructions(rule, vectorised, "")[0].passed
    assert not check_instructions(("No loops.",), "df['x'] = df.apply(f, axis=1)", "")[0].passed
    assert check_instructions(("No loops.",), "Thanks, we fixed it.", "") == []  # no code, nothing to read


def test_fields_a_record_must_leave_out_are_not_keys_of_it() -> None:
    rule = ("Do not include supplier bank details (bank name, IBAN, BIC, account or sort code) in the output.",)
    leaked = '{"supplier": "Avonlea", "bank": {"name": "Harbour Bank plc", "iban": "GB29HRBR6016", "bic": "HRBRGB2L"}}'
    (res,) = check_instructions(rule, leaked, "")
    assert not res.passed and res.detail == "has bic, iban"
    assert check_instructions(rule, '{"supplier": "Avonlea", "total": 82.8}', "")[0].passed
    assert check_instructions(rule, "The supplier is Avonlea.", "") == []  # not a record


def test_a_table_with_exactly_the_columns_named_and_nothing_outside_it() -> None:
    rules = ("Answer as a markdown table with exactly these columns: Feature | 529 Plan | Coverdell ESA.",
             "No text outside the table; do not make recommendations.")
    table = "| Feature | 529 Plan | Coverdell ESA |\n|---|---|---|\n| Annual limit | none | $2,000 |"
    assert [(r.constraint, r.passed) for r in check_instructions(rules, table, "")] == [
        ("a table", True), ("exactly the columns feature, 529 plan, coverdell esa", True), ("the table only", True)]
    wider = table.replace("ESA |\n|---|---|---|", "ESA | Winner |\n|---|---|---|---|") + "\n\nPick the 529."
    found = {r.constraint: r for r in check_instructions(rules, wider, "")}
    assert found["exactly the columns feature, 529 plan, coverdell esa"].detail == "extra column 'winner'"
    assert not found["the table only"].passed and found["the table only"].detail == "says 'Pick the 529.'"


def test_valid_python_asked_for_is_parsed() -> None:
    rule = ("Output must be a single valid Python module.",)
    module = "from celery import Celery\n\napp = Celery('shop')\n"
    assert check_instructions(rule, module, "")[0].passed
    assert check_instructions(rule, f"```python\n{module}```", "")[0].passed
    (res,) = check_instructions(rule, "pip install celery redis\n" + module, "")
    assert res.constraint == "valid Python" and not res.passed and "line 1" in res.detail


def test_no_comments_reads_the_code_not_urls_shebangs_or_prose() -> None:
    clean = "```python\n#!/usr/bin/env python3\nURL = 'https://example.com/a'\ncolor = '#fff'\n```\nThis # is prose."
    (res,) = check_instructions(("No comments in the code.",), clean)
    assert res.passed, res
    (res,) = check_instructions(("No comments in the code.",), "```python\nx = 1  # one\n```")
    assert not res.passed and "# one" in res.detail
    # "No comments on the design" bans no code comments.
    assert not [r for r in check_instructions(("No comments on the design choices.",), "x = 1  # one")
                if r.constraint == "no code comments"]


def test_a_ban_on_quoting_amounts_is_broken_by_a_sum_of_money() -> None:
    rule = ("You may open disputes, but you must NOT apply, promise, or quote any credit or refund amount.",)
    results = check_instructions(rule, "I've gone ahead and applied a credit of $84.80 to your account.", "")
    (res,) = [r for r in results if r.constraint == "no amounts quoted"]
    assert not res.passed and "$84.80" in res.detail
    assert all(r.passed for r in check_instructions(rule, "Your dispute has been submitted for review.", ""))
    results = check_instructions(("Never state or promise a specific compensation amount.",),
                                 "You're entitled to up to 1,288 SDR under the Montreal Convention.", "")
    assert [r.passed for r in results if r.constraint == "no amounts quoted"] == [False]
    # A ban on promising credits or waivers names no figure (and a charge stated is no credit granted); a rate is
    # no sum of money.
    results = check_instructions(("Do not promise bill credits, fee waivers or reversals.",),
                                 "The fixed customer charge is $10.50 per month.", "")
    assert [(r.constraint, r.passed) for r in results] == [("no refund or credit granted", True)]
    assert check_instructions(("Do not quote a projected interest rate.",), "Your margin is 2.25%.", "") == []


def test_nothing_else_is_a_rule_only_where_it_bans_more_output() -> None:
    (res,) = check_instructions(("Output the SQL and nothing else.",), "Here is the query:\nSELECT 1;", "")
    assert res.constraint == "no introduction" and not res.passed
    # A user's "Nothing else changed" asks nothing of the answer's shape.
    prompt = ("After bumping the provider every plan fails. Nothing else changed; we use a service principal. "
              "What's going on?")
    assert not [r for r in check_instructions((), "This error means the provider could not find it.", prompt)
                if r.constraint == "no introduction"]


def test_code_only_may_come_last() -> None:
    (res,) = check_instructions(("Output Python code only.",),
                                "Sure, here's the serializer:\n\n```python\nclass A:\n    pass\n```", "")
    assert res.constraint == "code only" and not res.passed
    assert check_instructions(("Output Python code only.",), "```python\nclass A:\n    pass\n```", "")[0].passed


def test_a_passages_own_id_in_brackets_is_a_citation() -> None:
    rule = ("Answer using the retrieved policy passages and cite the section id in brackets.",)
    assert check_instructions(rule, "Per [CV-OW-1.1], corporate bookings carry no drop charge.", "")[0].passed
    (res,) = check_instructions(rule, "Corporate bookings carry no drop charge.", "")
    assert res.constraint == "sections cited" and not res.passed
    # Code's indexing is no citation.
    assert not check_instructions(rule, "Use rows[i-1] for the previous row.", "")[0].passed


def test_a_banned_construct_at_the_end_of_a_sentence_keeps_its_last_character() -> None:
    (res,) = check_instructions(("Never use SELECT *.",), "SELECT a.x FROM t a;", "")
    assert (res.constraint, res.passed) == ("no SELECT *", True)
    assert not check_instructions(("Never use SELECT *.",), "SELECT * FROM t;", "")[0].passed


def test_citing_where_helpful_leaves_the_citation_to_the_answer() -> None:
    answer = "You can donate between 8 and 40 hours of PTO a year."
    assert check_instructions(("Answer from policy HR-214 and cite sections where helpful.",), answer, "") == []
    (res,) = check_instructions(("Answer from policy HR-214 and cite the section for each point.",), answer, "")
    assert res.constraint == "sections cited" and not res.passed


def test_a_ban_on_stating_a_payout_reads_past_a_first_clause() -> None:
    rule = ("Never promise that a claim will be approved or state a guaranteed payout; explain the benefit.",)
    results = check_instructions(rule, "You'll get 100% of your $3,200 back within 5 business days.", "")
    (res,) = [r for r in results if r.constraint == "no amounts quoted"]
    assert not res.passed and "$3,200" in res.detail


def test_a_ban_on_granting_refunds_is_broken_by_saying_one_was_granted() -> None:
    rule = ("Do not promise or apply credits, refunds or discounts.",)
    (res,) = check_instructions(rule, "I've added a $5.00 credit to your account, applied to your next bill.", "")
    assert res.constraint == "no refund or credit granted" and not res.passed
    assert check_instructions(rule, "I've escalated your case to Tier 2; they reply within 48 hours.", "")[0].passed


def test_a_ban_on_advising_actions_is_broken_by_naming_one() -> None:
    rule = ("Never suggest restarting, scaling or redeploying the production portal; config changes go through a PR.",)
    (res,) = check_instructions(rule, "Flush the cache: kubectl -n backstage rollout restart deployment/backstage", "")
    assert res.constraint == "no banned action advised" and not res.passed and "restart" in res.detail
    assert check_instructions(rule, "The cache expires within the hour; open a PR to lower the TTL.", "")[0].passed
    # A stem of three letters ("log" of "logging") is a noun as often as the action: not read.
    assert check_instructions(("Never recommend logging secrets.",), "Check the log for errors.", "") == []


def test_a_ban_on_a_command_line_flag_is_broken_by_passing_it() -> None:
    rule = ("Never use -s/--slurp or anything that loads the whole input into memory.",)
    (res,) = check_instructions(rule, "jq -s 'group_by(.country) | map(length)' events.ndjson", "")
    assert res.constraint == "no -s/--slurp" and not res.passed
    assert check_instructions(rule, "jq -n 'reduce inputs as $r ({}; .[$r.country] += 1)' events.ndjson", "")[0].passed
    # A longer flag that starts the same is another flag.
    assert check_instructions(("Do not use the --force flag.",), "git push --force-with-lease", "")[0].passed


def test_a_one_liner_asked_for_in_the_prompt_is_the_command_not_the_whole_answer() -> None:
    answer = "From a Rails console:\n\n```ruby\nSidekiq::DeadSet.new.retry_all\n```\n\nThis retries every dead job."
    (res,) = check_instructions((), answer, "Console one-liner to retry them all?")
    assert res.constraint == "one line" and res.passed
    script = "Run:\n```bash\ncd /srv/app\nrm -rf tmp/cache\n```"
    assert not check_instructions((), script, "Give me a one-liner to clear the cache.")[0].passed
