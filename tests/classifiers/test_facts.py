"""Fact-level agreement between an output and a reference: the values they state, not their wording."""

from __future__ import annotations

import pytest

from classifiers.facts import _reshaped, compare, fact_tokens, held_facts, invented_citations, unsourced_ids


def test_fact_tokens_normalise_numbers_dates_and_number_words() -> None:
    toks = fact_tokens("Refunds take ninety (90) days; the fee is $1,200.00, due 04/03/2025 under RET-07 with --atomic.")
    assert {"90", "1200", "2025-04-03", "ret-07", "--atomic"} <= toks
    # Sentence openers and common words are not facts; a capitalised name inside a sentence is.
    assert "refunds" not in fact_tokens("Refunds take a while.")
    assert "barclays" in fact_tokens("The account is held at Barclays in London.")


def test_a_date_without_its_year_is_held_by_the_same_day_written_in_full() -> None:
    ref = fact_tokens("The supplier expects the mainspring around 18 June; approved estimate $340.")
    ticket = fact_tokens("Status: awaiting part (supplier ETA 2025-06-18) | Approved estimate: $340")
    assert held_facts(ref, ticket) == ref
    assert held_facts(ref, fact_tokens("Supplier ETA 2025-06-19; estimate $340.")) == {"340"}
    # An answer that writes the reference's day with its year states the reference's value.
    fa = compare("Estimated completion: 2025-06-27.", "Your clock should be ready around 27 June.")
    assert fa.ref_recall == 1.0 and not fa.conflict
    assert compare("Estimated completion: 2025-06-28.", "Your clock should be ready around 27 June.").conflict


def test_a_different_value_on_the_same_question_is_a_conflict() -> None:
    fa = compare("Either party may end the contract with 30 days' notice under Section 9.",
                 "Either party may terminate on 90 days' written notice (Section 9.2).")
    assert fa.conflict and fa.ref_recall < 0.5
    assert "30" in fa.detail


def test_a_paraphrase_with_the_same_values_is_no_conflict() -> None:
    fa = compare("You can carry five unused days into January; the rest lapse on 31 December.",
                 "Up to 5 days carry over; anything above 5 is forfeited on December 31.")
    assert not fa.conflict and fa.ref_recall == 1.0


def test_json_payloads_are_compared_field_by_field() -> None:
    ref = '{"invoice": "INV-7", "total": 950.03, "currency": "USD", "due": "2025-03-01"}'
    same = compare('{"invoice": "INV-7", "total": "$950.03", "currency": "usd", "due": "03/01/2025"}', ref)
    assert not same.conflict and same.ref_recall == 1.0
    wrong = compare('{"invoice": "INV-7", "total": 905.03, "currency": "USD", "due": "2025-03-01"}', ref)
    assert wrong.conflict and "/total" in wrong.detail


def test_values_the_model_was_shown_are_not_its_own_inventions() -> None:
    fa = compare("The order ships from Rotterdam on 12 May.", "It ships on 14 May.",
                 given="Warehouse: Rotterdam. Order placed 2 May.")
    assert fa.conflict
    assert "rotterdam" not in fa.detail


def test_dates_written_with_month_names_are_the_same_fact_as_iso_dates() -> None:
    assert {"2024-07-01", "12-31"} <= fact_tokens("It takes effect on July 1, 2024 and lapses on 31 December.")
    assert not compare('{"effective_date": "2024-07-01"}', '{"effective_date": "2024-07-01"}').conflict
    fa = compare("It became effective on 1 July 2024.", '{"effective_date": "2024-06-12"}')
    assert fa.conflict and fa.ref_recall == 0.0


def test_category_labels_and_type_changes_are_not_fact_conflicts_but_invented_values_are() -> None:
    ref = '{"department": "public_works", "priority": 2, "po_number": null, "ticker": "META"}'
    labels = compare('{"department": "Streets", "priority": "high", "po_number": null, "ticker": "META"}', ref)
    assert not labels.conflict
    invented = compare('{"department": "public_works", "priority": 2, "po_number": "PO-7", "ticker": "FB"}', ref)
    assert invented.conflict and invented.hard


def test_a_conflict_over_names_alone_is_not_hard() -> None:
    soft = compare("Open Account, then Subscription, and pick Annual under Plans.",
                   "Open Settings, then Billing, and pick Annual under Plans.")
    assert soft.conflict and not soft.hard
    hard = compare("Open Settings and pick plan v2.", "Open Settings and pick plan v4.")
    assert hard.conflict and hard.hard


def test_deep_or_odd_payloads_never_raise() -> None:
    deep = "[" * 900 + "1" + "]" * 900
    assert compare(deep, deep.replace("1", "2")).ref_recall <= 1.0
    assert "12-05" not in fact_tokens("Round to 5 decimals.")


def test_values_the_question_states_are_not_part_of_the_answer() -> None:
    question = "Name two countries that use the Euro as their currency."
    ref = "Germany and Greece are two countries that use the Euro as their currency."
    out = "Countries that use it include Estonia, Finland, France, Germany and Greece (20 in all, as of 2023)."
    # "two" and "Euro" restate the question: the answer is Greece, which the output names.
    assert compare(out, ref, given=question, asked=question).ref_recall == 1.0
    assert compare(out, ref, given=question).ref_recall < 1.0
    # A reference made only of values the question states keeps them: otherwise nothing would be compared.
    assert compare("The fee is $30.", "$35", asked="Is the fee $30 or $35?").ref_recall == 0.0


def test_times_temperatures_and_csv_rows_are_read_as_their_values() -> None:
    assert {"2:00", "15:59", "9:00"} <= fact_tokens("From 2am; quote at 3:59 PM; open 9:00 a.m.")
    assert fact_tokens("15:59 ET") & fact_tokens("3:59 PM ET") == {"15:59", "et"}
    # An ISO date-time, a US date with a 12-hour time and a 24-hour "hrs" time state the same two values.
    iso = fact_tokens("PICKUP: 2025-07-14T06:00, Longview")
    assert iso == fact_tokens("PICKUP: 07/14/2025 6:00 AM, Longview") == {"2025-07-14", "6:00", "longview"}
    assert {"2025-07-14", "13:30"} <= fact_tokens("DELIVERY 07/14/2025 1330 hrs", every_word=True)
    assert "20:00" not in fact_tokens("2000 hours of service")
    # A temperature is its number, with or without the degree sign: "-2C" in a text, "-2°C" in another.
    assert fact_tokens("Low of -2°C, sprinklers before 0°C") == fact_tokens("Low of -2C, sprinklers before 0C")
    # A comma groups thousands only before three digits; in a CSV row it separates values.
    assert {"80", "6", "2180.5"} <= fact_tokens("E1043,Dana Whitfield,80,6,2180.50")
    assert "1234567" in fact_tokens("a total of $1,234,567.00")


def test_json_fields_free_text_and_template_slots() -> None:
    # An empty string where the reference has null states no value either: a convention broken, not a fact.
    assert not compare('{"mortgagee": "", "deductible": 1500}', '{"mortgagee": null, "deductible": 1500}').hard
    assert compare('{"mortgagee": "First Ridge Bank", "deductible": 1500}',
                   '{"mortgagee": null, "deductible": 1500}').hard
    # A value given as text with its unit is the same value; another number is a conflict.
    assert not compare('{"dup_pct": "14.8%"}', '{"dup_pct": 14.8}').hard
    assert compare('{"mcl_mg_per_l": "0.05 mg/L"}', '{"mcl_mg_per_l": 0.01}').hard
    # A field the reference lacks is a conflict, but alone not a hard one (it may be a renamed field).
    extra = compare('{"id": "A-1", "risk_level": "HIGH"}', '{"id": "A-1", "risk": "high"}')
    assert extra.conflict and not extra.hard
    # Free text in a field is judged by the values it keeps, not its wording.
    assert not compare('{"why": "Unused for 214 days, holds AdministratorAccess and two active keys, one three years old."}',
                       '{"why": "Inactive 214 days with AdministratorAccess and two active keys (oldest 3 years)."}').hard
    assert fact_tokens("Hi {patron_name}, {{count}} items") == fact_tokens("Hi {nombre}, {{cantidad}} items")


def test_a_unit_written_on_a_number_is_read_with_it() -> None:
    assert fact_tokens("avg cycle 47.5s, 5GB quota, 30d retention") >= {"47.5", "5", "30"}
    assert "5s" not in fact_tokens("avg cycle 47.5s")
    # A code that starts with letters stays a code.
    assert "a320" in fact_tokens("Aircraft A320 and route v2")
    # So is a unit joined by a hyphen: "a 30-minute break" states 30, as "thirty minutes" does.
    assert fact_tokens("a 30-minute meal break and a 2.5-hour shift") >= {"30", "2.5"}
    assert fact_tokens("Take a 30-minute break.") & fact_tokens("Thirty minutes, every time.") == {"30"}
    assert "sku-7" in fact_tokens("order SKU-7")


def test_a_date_written_out_in_a_json_field_is_the_same_date() -> None:
    agreement = compare('{"loss_date": "March 3rd, 2025", "claim": "CB-1"}', '{"loss_date": "2025-03-03", "claim": "CB-1"}')
    assert not agreement.conflict
    assert compare('{"loss_date": "March 4th, 2025"}', '{"loss_date": "2025-03-03"}').hard


@pytest.mark.parametrize(("ref", "out"), [
    ('{"d": "2025-10-22"}', '{"d": "22/10/2025"}'),          # day first
    ('{"t": "20:15"}', '{"t": "8:15 PM"}'),
    ('{"risk": 0.87}', '{"risk": 87}'),                        # a share written as a percentage
    ('{"rate": 0.2}', '{"rate": "20%"}'),
    ('{"hts": "8516.31.0000"}', '{"hts": "851631"}'),          # a code without its separators
    ('{"fund": "MOBILE_PANTRY"}', '{"fund": "Mobile Pantry"}'),
    ('{"category": "Meals"}', '{"category": "Meals & Entertainment"}'),
    ('{"flag": "HH"}', '{"flag": "CRITICAL HIGH"}'),            # an enum code spelled out
    ('{"class": "C1"}', '{"class": "Class 1"}'),
    ('{"amount": -54.2}', '{"amount": "-£54.20"}'),             # a number as a currency string
    ('{"amount": 2000.0}', '{"amount": "+$2,000.00"}'),
])
def test_one_value_in_another_form_is_not_another_fact(ref: str, out: str) -> None:
    assert not compare(out, ref).hard


@pytest.mark.parametrize(("ref", "out"), [
    ('{"ticker": "META"}', '{"ticker": "FB"}'),                # two codes
    ('{"d": "2025-02-03"}', '{"d": "2025-03-02"}'),            # the same numbers, another date
    ('{"min": 120000}', '{"min": 12000}'),
    ('{"seal": null}', '{"seal": "SL-448210"}'),               # a value where the document has none
    ('{"code": "I10"}', '{"code": "I11.9"}'),                  # a code against another code, not a name
    ('{"ppe_section": 8}', '{"ppe_section": "Section 7"}'),     # a text's only number is its value
])
def test_another_value_is_another_fact(ref: str, out: str) -> None:
    assert compare(out, ref).hard


def test_a_payload_that_does_not_parse_is_still_compared_field_by_field() -> None:
    ref = '{"store_id": "BK-114", "allows_substitutions": true, "max_price_increase_pct": 10}'
    python_dict = "```json\n{'store_id': 'BK-114', 'allows_substitutions': None, 'max_price_increase_pct': None}  # n/a\n```"
    assert compare(python_dict, ref).hard
    chatty = 'Here you go:\n{\n  "store_id": "BK-114",  // from the feed\n  "allows_substitutions": true,\n  "max_price_increase_pct": 10,\n}'
    agreement = compare(chatty, ref)
    assert not agreement.conflict and agreement.ref_recall == 1.0
    assert compare("{store_id: 'BK-114', allows_substitutions: true, max_price_increase_pct: 15}", ref).hard


def test_the_opposite_verdict_on_a_yes_no_question_is_a_fact_conflict() -> None:
    res = compare("No. The Common Rule requires the basic elements of consent but no summary at the start.",
                  "Yes. Under the 2018 Revised Common Rule the consent must begin with a concise key-information summary.")
    assert res.conflict and res.hard and "answers 'No'" in res.detail
    assert not compare("Yes, you can: the limit is 3 weeks.", "Yes. The limit is 3 weeks.").conflict
    # "No problem" is not a verdict.
    assert not compare("No problem: the limit is 3 weeks.", "Yes. The limit is 3 weeks.").conflict


def test_identifiers_the_source_document_does_not_hold() -> None:
    source = ("Convert these W-9 extractions to CSV.\n1) Hollis Architects LLP - EIN 61-2093384 - OR\n"
              "2) Okonkwo Freight Services - EIN [illegible in scan] - TX\nLoan amount $12,000,000, unlimited guaranty.")
    out = ("Hollis Architects LLP,EIN,61-2093384,OR\nOkonkwo Freight Services,EIN,74-3318290,TX\n"
           "cap: 3000000\nticket: PGE-INC-448170\nloan: 12000000")
    assert unsourced_ids(out, source) == ["3000000", "74-3318290", "PGE-INC-448170"]
    # Dates, versions, decades, computed amounts and short ranges are what a model reformats or works out.
    assert unsourced_ids("2025-06-16, v4.21.2, 1960s, 1088150.93, 15-20, 2015-2017", source) == []
    # Without a source document there is nothing to hold the output to.
    assert unsourced_ids("EIN 74-3318290", "Make up a sample W-9.") == []
    # A number of the source in other units is worked out ("retention 30 days" in milliseconds); a limit written
    # out from nothing is not ("2000000" where the source has only a 2).
    topic = "Strimzi KafkaTopic for audit.log: 6 partitions, 2 replicas, retention 30 days. " * 3
    assert unsourced_ids("retention.ms: 2592000000\nmax.bytes: 2000000", topic) == ["2000000"]


def test_sections_the_source_document_does_not_state() -> None:
    source = ("Tenant handbook. 4.1 Rent is due on the 1st. 4.2 A late fee of $40 applies after the 5th. "
              "§ 6 Pets: one cat or dog under 25 lb, with a $300 deposit.")
    out = "Under Section 4.2 a $40 fee applies; §6 allows one pet, and Clause 4.7 waives the fee for autopay."
    assert invented_citations(out, source) == ["4.7"]
    # A section number inside a longer one ("14.2") is not the section ("4.2") stated.
    assert invented_citations("See Article 14.2.", source) == ["14.2"]
    # Numbers that are not cited as a part of the document are left to the other fact checks.
    assert invented_citations("Pay $55 by the 10th, or call 555-0100.", source) == []


def test_a_field_the_schema_fault_moved_or_renamed_is_still_compared() -> None:
    ref = '{"plan_year": 2025, "hsa_limit_self": 4300, "hsa_limit_family": 8550, "catch_up_55": 1000}'
    moved = '{"plan_year": "2025", "hsa_limits": {"self": 3850, "family": 7750}, "catch_up_55": 1000}'
    agreement = compare(moved, ref)
    assert agreement.hard and "2 of 4 shared fields" in agreement.detail, agreement.detail
    kept = '{"plan_year": 2025, "hsaLimits": {"self": 4300, "family": 8550}, "catch_up_55": 1000}'
    assert not compare(kept, ref).conflict and compare(kept, ref).ref_recall == 1.0
    # Two fields with the same words on one side pair with neither.
    assert _reshaped({"/a/limit": 1, "/limits/a": 2}, {"/a_limit": 3}) == {}
    # A field flattened out of its group keeps its name: it pairs by that, its value in another form the same.
    ref = '{"sample_id": "GX-2291", "metrics": {"q30_pct": 91.2, "run_date": "2025-10-22"}}'
    flat = '{"sample_id": "GX-2291", "q30_pct": 91.2, "run_date": "22/10/2025"}'
    assert compare(flat, ref).ref_recall == 1.0 and not compare(flat, ref).conflict
    # A list position is no name.
    assert _reshaped({"/languages/0": "Java"}, {"/components/0": "React"}) == {}
