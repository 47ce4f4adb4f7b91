"""The engine end to end with the real embedding model: order, determinism, routes, evidence, validators."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from classifiers import Engine, load_engine
from classifiers.cascade import decide
from classifiers.engine import RULES_VERSION, default_model_dir
from classifiers.records import Check, FailureRecord, LabelledRecord, parse_record, route_for


def test_diagnose_keeps_order_and_contract(engine: Engine, labelled_records: list[LabelledRecord]) -> None:
    records = [r.record for r in labelled_records]
    out = engine.diagnose(records)
    assert [d.id for d in out] == [r.id for r in records]
    for d in out:
        assert d.route == route_for(d.label)
        assert d.classifier_version == engine.version
        assert 0.0 <= d.confidence <= 1.0
        assert d.evidence and d.evidence[0].signal == "decision"
        assert d.action.endswith(".")
        if d.label == "both":
            assert len(d.subtypes) == 2
        elif d.label != "unknown":
            assert len(d.subtypes) == 1


def test_identical_across_runs_and_batchings(engine: Engine, labelled_records: list[LabelledRecord]) -> None:
    records = [r.record for r in labelled_records]
    first = engine.diagnose(records)
    again = engine.diagnose(records)
    one_by_one = [engine.diagnose([r])[0] for r in records[:6]]
    assert first == again
    assert one_by_one == first[:6]


def test_a_case_that_raises_costs_only_its_own_answer(engine: Engine, labelled_records: list[LabelledRecord],
                                                      engine_bug: str) -> None:
    records = [r.record for r in labelled_records[:5]]
    records[2] = dataclasses.replace(records[2], id=engine_bug + "2")
    with pytest.raises(ValueError):
        engine.diagnose(records)
    out = engine.diagnose_each(records)
    assert isinstance(out[2], ValueError) and "engine bug" in str(out[2])
    others = records[:2] + records[3:]
    assert [d for i, d in enumerate(out) if i != 2] == engine.diagnose(others)


def test_a_failing_validator_has_the_last_word(engine: Engine) -> None:
    rec = FailureRecord(id="x", input="Return the city as JSON.", output='{"city": "Paris"',
                        expected_format="json")
    d = engine.diagnose([rec])[0]
    assert d.label == "behavior" and d.subtypes == ("format_violation",)
    assert any(e.signal == "format" and e.score > 0.5 for e in d.evidence)


def test_fences_that_were_asked_for_are_no_format_fault(engine: Engine) -> None:
    query = "```sql\nSELECT route_id, COUNT(*) AS trips FROM trips GROUP BY route_id;\n```"
    asked = parse_record({"id": "f", "input": "Count trips per route.", "output": query,
                          "expected_format": "sql_code_block"}).record
    plain = dataclasses.replace(asked, instructions=())
    chatty = dataclasses.replace(asked, output=query + "\n\nThis groups the trips by route.",
                                 instructions=("Reply with the SQL only, in a sql code block.",))
    fenced, bare, prose = engine.signals([asked, plain, chatty])[0]
    assert fenced.values["fmt_wrapped"] == 0.0 and fenced.certain is None
    assert any(e.signal == "format" and "as asked" in e.detail for e in fenced.evidence)
    # Unasked fences, or prose beside the block where only the query was asked for, are still a format fault.
    assert bare.values["fmt_wrapped"] == 1.0 and bare.certain == ("behavior", "format_violation")
    assert prose.values["fmt_wrapped"] == 1.0


def test_a_ddl_statement_is_the_sql_payload_owed_not_another_job(engine: Engine) -> None:
    ddl = FailureRecord(id="m", input="Write the migration that adds an index on orders(customer_id).",
                        output="CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);",
                        expected_format="sql")
    advice = dataclasses.replace(ddl, output="Indexes help most on selective columns; check the plan first.")
    (made, talked), _ = engine.signals([ddl, advice])
    assert made.values["task_not_done"] == 0.0 and made.certain is None
    assert talked.values["task_not_done"] == 1.0


def test_a_language_without_a_validator_is_named_in_the_evidence(engine: Engine) -> None:
    rec = parse_record({"id": "k", "input": "Write a Pony actor that counts to ten.",
                        "output": "actor Main\n  new create(env: Env) =>\n    None", "expected_format": "Pony"}).record
    (sig,) = engine.signals([rec])[0]
    assert any(e.signal == "format" and e.detail.startswith("pony: no validator") for e in sig.evidence)
    assert sig.values["fmt_expected"] == 0.0 and sig.certain is None


def test_engine_reads_the_expected_format_from_the_prompt(engine: Engine) -> None:
    rec = FailureRecord(id="p", input="Output the result as a JSON string with the format {\"answer\": \"string\"}",
                        output='Answer: {"answer": "Paris"}. Hope this helps!')
    assert engine.diagnose([rec])[0].subtypes == ("format_violation",)


def test_shipped_default_is_the_learned_model(engine: Engine) -> None:
    assert engine.version.startswith("lr-")
    assert (default_model_dir() / "manifest.json").is_file()
    assert Path("/work/shared") not in default_model_dir().resolve().parents


def test_rules_engine_and_empty_batch(engine: Engine) -> None:
    rules = Engine()
    assert rules.version == RULES_VERSION
    assert rules.diagnose([]) == [] and engine.diagnose([]) == []
    rec = FailureRecord(id="r", input="Can you help me write a poem about trees?", output="I can't help with that.")
    d = rules.diagnose([rec])[0]
    assert (d.label, d.subtypes, d.route) == ("behavior", ("over_refusal",), "finetune")


def test_context_without_the_answer_is_a_retrieval_miss(engine: Engine) -> None:
    rec = FailureRecord(id="c", input="Who won the 2031 city marathon?", output="Kim Lee won it.",
                        reference="Ana Costa",
                        context=("The city marathon route passes the river and the old harbour.",))
    d = engine.diagnose([rec])[0]
    assert d.label == "information" and d.subtypes == ("retrieval_miss",)
    assert d.route == "rag"


def test_a_query_missing_the_filter_a_data_note_prescribes_is_context_ignored(engine: Engine) -> None:
    schema = ("CREATE TABLE bottles (bottle_id INT PRIMARY KEY, wine_id INT, status TEXT);\n"
              "CREATE TABLE wines (wine_id INT PRIMARY KEY, appellation TEXT, vintage INT);")
    note = ("[data note] bottles keeps full history: rows with status 'consumed' or 'sold' are no longer in the "
            "cellar. Always filter status = 'in_cellar' for inventory questions.")
    rec = FailureRecord(
        id="g", input="How many bottles of Champagne do we have right now?",
        output="SELECT COUNT(*) FROM bottles b JOIN wines w ON w.wine_id = b.wine_id WHERE w.appellation = "
               "'Champagne';",
        reference="SELECT COUNT(*) FROM bottles b JOIN wines w ON w.wine_id = b.wine_id WHERE w.appellation = "
                  "'Champagne' AND b.status = 'in_cellar';",
        expected_format="sql", context=(schema, note))
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    assert decide(engine.signals([rec])[0][0]).rule == "context_gap_held"
    # Without the note the filter's value is nowhere in what was retrieved: the passage that holds it was missed.
    (d,) = engine.diagnose([dataclasses.replace(rec, context=(schema,))])
    assert (d.label, d.subtypes) == ("information", ("retrieval_miss",))


def test_a_query_that_does_not_apply_a_rule_the_schema_notes_state_is_context_ignored(engine: Engine) -> None:
    schema = ("CREATE TABLE events (event_id INT PRIMARY KEY, name TEXT NOT NULL);\n"
              "CREATE TABLE draws (draw_id INT PRIMARY KEY, event_id INT);\n"
              "CREATE TABLE games (game_id INT PRIMARY KEY, draw_id INT, team1_id INT, team2_id INT, status TEXT, "
              "final_team1 INT, final_team2 INT);\n"
              "CREATE TABLE end_scores (game_id INT, end_number INT, scoring_team_id INT, points INT);")
    note = ("Schema note (2024-06): games.final_team1 and games.final_team2 are deprecated and are NULL for all events "
            "from 2024 onward. Compute final scores by summing end_scores.points per scoring_team_id.")
    margin = ("ABS(COALESCE(SUM(es.points) FILTER (WHERE es.scoring_team_id = g.team1_id), 0) - "
              "COALESCE(SUM(es.points) FILTER (WHERE es.scoring_team_id = g.team2_id), 0))")
    rec = FailureRecord(
        id="bonspiel", input="List every game in the 2025 Autumn Bonspiel won by 5 or more.",
        output="SELECT g.game_id FROM games g JOIN draws d ON d.draw_id = g.draw_id JOIN events e ON e.event_id = "
               "d.event_id WHERE e.name = '2025 Autumn Bonspiel' AND g.status = 'final' "
               "AND ABS(g.final_team1 - g.final_team2) >= 5;",
        reference="SELECT g.game_id FROM games g JOIN draws d ON d.draw_id = g.draw_id JOIN events e ON e.event_id = "
                  "d.event_id LEFT JOIN end_scores es ON es.game_id = g.game_id WHERE e.name = '2025 Autumn Bonspiel' "
                  f"AND g.status = 'final' GROUP BY g.game_id, g.team1_id, g.team2_id HAVING {margin} >= 5;",
        expected_format="sql", context=(schema, note))
    verdict = decide(engine.signals([rec])[0][0])
    assert (verdict.label, verdict.subtypes, verdict.rule) == ("behavior", ("context_ignored",),
                                                               "context_rule_unapplied")
    # The same note read as a plain description of the data prescribes nothing: the rule is what was not applied.
    plain = note.replace("Compute final scores by summing", "Final scores are the sum of")
    assert decide(engine.signals([dataclasses.replace(rec, context=(schema, plain))])[0][0]).rule != \
        "context_rule_unapplied"


def test_load_engine_rejects_a_directory_without_a_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_engine(tmp_path)


def test_metadata_is_never_a_feature(engine: Engine) -> None:
    rec = FailureRecord(id="m", input="What is the capital of Peru?", output="Cusco.", reference="Lima")
    tagged = dataclasses.replace(rec, metadata={"source": "xstest", "label": "behavior"})
    a, b = engine.diagnose([rec, tagged])
    assert (a.label, a.subtypes, a.confidence) == (b.label, b.subtypes, b.confidence)


def test_certain_behavior_plus_wrong_facts_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="b", input="What is the capital of Australia? Answer as JSON.",
                        output='Here you go: {"capital": "Sydney"}', reference="Canberra", expected_format="json")
    d = engine.diagnose([rec])[0]
    assert d.label == "both"
    assert d.subtypes == ("format_violation", "hallucination")
    assert d.route == "rag"
    assert "Add" in d.action and "Finetune" in d.action


def test_failed_summary_is_unfaithfulness_not_missing_knowledge(engine: Engine) -> None:
    rec = FailureRecord(id="s", input="Summarize the following passage in two sentences.",
                        output="The report says sales doubled in 2019 thanks to the new CEO, Maria Alvarez.")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_generic_answer_to_an_explanation_question_lacks_detail(engine: Engine) -> None:
    rec = FailureRecord(id="e", input="If onions are just vegetables, what makes them sting your eyes when cut?",
                        output="Cutting them releases a gas that irritates the eyes, which makes them water.")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("insufficient_detail",))


def test_information_by_elimination_is_confident_only_with_concrete_claims(engine: Engine) -> None:
    concrete = FailureRecord(id="c", input="Who founded the Acme Bank and in which year?",
                             output="Acme Bank was founded by John Hartley in Chicago in 1921.")
    generic = FailureRecord(id="g", input="Which policy should a small team adopt for code review?",
                            output="it depends on the team, but a light process that everyone follows is usually "
                                   "better than a heavy one that people skip.",
                            instructions=("Answer in at most three sentences.",))
    # Both reach "information" only because no behavior problem was found; with nothing concrete to be wrong
    # about and a stated constraint the validators cannot fault, the second rests on less: the cascade gives it
    # a confidence under the review threshold.
    v_concrete, v_generic = (decide(s) for s in engine.signals([concrete, generic])[0])
    assert v_concrete.rule == v_generic.rule == "fallback_information"
    assert v_generic.confidence < float(engine.manifest["threshold"]) < v_concrete.confidence
    r_concrete, r_generic = Engine().diagnose([concrete, generic])  # the rules alone
    assert r_concrete.label == "information" and r_generic.label == "unknown"
    # The shipped model's confidence is its trees' probability of the label, learned from how such verdicts
    # fared on the training cases: there both readings were mostly right, and both are covered.
    d_concrete, d_generic = engine.diagnose([concrete, generic])
    assert d_concrete.label == "information" and d_generic.label in ("information", "unknown")


def test_open_generation_with_another_answer_than_the_reference_is_no_fact_error(engine: Engine) -> None:
    question = FailureRecord(id="q", input="What is the capital of Australia?", output="It is Sydney.",
                             reference="Canberra")
    creative = FailureRecord(id="w", input="Write a one-line slogan for a bakery.",
                             output="Fresh from our oven to your table, every single morning.",
                             reference="Bread worth waking up for.")
    d_question, d_creative = engine.diagnose([question, creative])
    assert d_question.label == "information" and d_question.confidence >= 0.7
    # The rules find only "not the reference, one of many answers": too weak to say, so review.
    assert Engine().diagnose([creative])[0].label == "unknown"
    # The shipped model's trees read a slogan that misses its reference as a behavior failure; what it must
    # never do is send it to RAG as a missing fact.
    assert d_creative.label in ("unknown", "behavior")
    assert d_creative.label == "unknown" or "trees over the signals overrule" in d_creative.evidence[0].detail


def test_stated_constraints_without_fact_evidence_read_as_an_instruction_failure(engine: Engine) -> None:
    rec = FailureRecord(id="k", input="Write a short note to the team about the new parking rules. Make sure the "
                                      "letter q appears at least twice and italicize at least one section.",
                        output="Team: from Monday the north lot is reserved for visitors. Please park in the "
                               "east lot instead. Thanks for your patience.")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("instruction_violation",))
    assert any("output constraints" in e.detail for e in d.evidence)


def test_a_dated_summary_is_unfaithfulness_not_outdated_knowledge(engine: Engine) -> None:
    rec = FailureRecord(id="d", input="Provide a concise summary of the following passage.",
                        output="As of 2016, Dana Reyes plays bass for the band North Pier, which she co-founded "
                               "in 1998 with Sam Ortiz.")
    d = engine.diagnose([rec])[0]
    assert d.label == "behavior" and "outdated_knowledge" not in d.subtypes


def test_a_how_many_question_asks_for_a_fact_not_an_explanation(engine: Engine) -> None:
    rec = FailureRecord(id="h", input="How many moons does the planet Neptune have?",
                        output="there are four moons in total.")
    d = engine.diagnose([rec])[0]
    assert "insufficient_detail" not in d.subtypes and d.label in ("information", "unknown")


def test_asking_for_an_accurate_answer_is_not_an_output_constraint() -> None:
    from classifiers.engine import shipped_embedder
    from classifiers.signals import extract

    asks_accuracy = FailureRecord(id="a", input="What is our refund window? Make sure your answer is accurate.",
                                  output="Refunds are accepted within 90 days.")
    asks_letters = FailureRecord(id="l", input="Describe our refund policy. Make sure the letter z appears twice.",
                                 output="Refunds are accepted within 30 days.")
    sigs, _ = extract([asks_accuracy, asks_letters], shipped_embedder())
    assert [s.values["stated_constraints"] for s in sigs] == [0.0, 1.0]


def test_a_compact_answer_with_the_references_fields_and_other_values_is_a_fact_error(engine: Engine) -> None:
    rec = FailureRecord(id="f", input="Extract the vendor, invoice date and total from this invoice: ...",
                        output='{"vendor": "Harbor Supply Co", "invoice_date": "2025-02-14", "total": 1180.40}',
                        reference='{"vendor": "Harbor Supply Co", "invoice_date": "2025-02-14", "total": 1108.40}',
                        expected_format="json")
    d = engine.diagnose([rec])[0]
    assert d.label == "information" and d.route == "rag"
    assert any(e.signal == "facts" and "/total" in e.detail for e in d.evidence)


def test_prose_instead_of_json_with_a_contradicted_value_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="p", input="Which plan includes phone support? Reply as JSON with keys plan and price.",
                        output="Phone support comes with the Business plan at $49 per month.",
                        reference='{"plan": "Enterprise", "price": 99}', expected_format="json")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes[0]) == ("both", "format_violation")


def test_a_stated_rule_no_checker_reads_makes_a_referenceless_failure_behavior(engine: Engine) -> None:
    rec = FailureRecord(id="r", input="My refund is late again. What is going on?",
                        output="So sorry! I have added a $20 credit to your account and your refund will land on Friday.",
                        instructions=("Never promise a date for a refund.", "Only supervisors may grant credits."))
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("instruction_violation",))


def test_saying_the_retrieved_passages_lack_the_answer_is_a_retrieval_miss(engine: Engine) -> None:
    rec = FailureRecord(id="c", input="How many vacation days do new hires get?",
                        output="The policy sections I was given cover expenses and travel but don't mention "
                               "vacation days for new hires.",
                        context=("Expenses: submit receipts within 30 days.", "Travel: book economy class."))
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("information", ("retrieval_miss",))


def test_a_one_line_answer_to_a_step_by_step_request_lacks_detail(engine: Engine) -> None:
    rec = FailureRecord(id="s", input="Explain step by step how I rotate the API key for our staging project.",
                        output="Use the console.")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("insufficient_detail",))


def test_an_abstention_in_place_of_the_payload_is_missing_knowledge(engine: Engine) -> None:
    rec = FailureRecord(id="a", input="Monthly active users for March?",
                        output="-- I don't have the schema for your warehouse, so I can't tell which table holds user activity.",
                        reference="SELECT COUNT(DISTINCT user_id) FROM events WHERE ts >= '2025-03-01' AND ts < '2025-04-01';",
                        expected_format="sql")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("information", ("missing_knowledge",))


def test_contradicting_a_context_that_states_the_references_values_is_context_ignored(engine: Engine) -> None:
    rec = FailureRecord(id="x", input="How much notice do I need to give to cancel the lease early?",
                        output="You need to give one month's notice, and there is no fee.",
                        reference="Three months' written notice, plus a fee of 2 months' rent (clause 14.2).",
                        context=("14.2 Early termination: the tenant may end the lease early by giving three (3) "
                                 "months' written notice and paying a fee equal to two (2) months' rent.",))
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_the_pipelines_task_name_marks_a_transform_task(engine: Engine) -> None:
    rec = FailureRecord(id="t", input="Quarterly report, Q3: revenue rose 4% on strong services demand.",
                        output="Revenue fell 4% in Q3 because services demand collapsed.", task="summarization")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_a_refusal_where_a_payload_was_due_is_over_refusal_not_format(engine: Engine) -> None:
    rec = FailureRecord(id="o", input="Extract the test name and value from this lab report: 'TSH 2.3 mIU/L'",
                        output="I'm sorry, but I can't process medical records. Please ask a professional.",
                        expected_format="json")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("over_refusal",))


def test_slang_in_a_public_notice_is_a_style_fault(engine: Engine) -> None:
    rec = FailureRecord(id="n", input="Write a public notice: the library is closed Monday for repairs.",
                        output="Yo fam 📚🚧 library's gonna be closed Monday lol, come back Tuesday fr 🙏")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("style",))


def test_slang_with_values_that_contradict_the_reference_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="sb", input="Candidate asks: when is the H-1B registration window?",
                        output="yo great q!! 🙌 it opens every October lol, just apply before then",
                        reference="USCIS runs the H-1B cap registration in March 2026; selections are announced by 31 March.")
    d = engine.diagnose([rec])[0]
    assert d.label == "both" and d.subtypes[0] == "style"


def test_a_broken_length_rule_with_a_contradicted_year_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="b2", input="Who wrote 'Pride and Prejudice' and when was it published? Answer in at most two sentences.",
                        output="'Pride and Prejudice' was written by Jane Austen. It was published in 1815 by Thomas "
                               "Egerton. It follows Elizabeth Bennet. Austen first called it First Impressions.",
                        reference="Jane Austen wrote 'Pride and Prejudice'. It was published in 1813.")
    d = engine.diagnose([rec])[0]
    assert d.label == "both" and d.subtypes[0] == "instruction_violation"


def test_an_english_answer_with_a_stale_value_to_a_spanish_question_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="es", input="¿Cuánto dinero está asegurado por la FDIC en mi cuenta de ahorros?",
                        output="Your savings account is protected by the FDIC up to $100,000 per depositor, per insured bank.",
                        reference="Hasta $250,000 por depositante, por banco asegurado, por cada categoría de titularidad.")
    d = engine.diagnose([rec])[0]
    assert d.label == "both" and d.subtypes[0] == "instruction_violation"


def test_a_short_answer_that_keeps_part_of_the_reference_and_changes_a_number_is_a_fact_error(engine: Engine) -> None:
    rec = FailureRecord(id="fx", input="How much does BigQuery on-demand query pricing cost?",
                        output="BigQuery on-demand pricing is $5 per TB of data scanned, and the first 1 TB each month is free.",
                        reference="On-demand pricing is $6.25 per TiB scanned (since July 5, 2023); the first 1 TiB per month is free.")
    d = engine.diagnose([rec])[0]
    assert d.label == "information" and d.route == "rag"


def test_an_answer_that_follows_a_stale_retrieved_passage_faithfully_is_information(engine: Engine) -> None:
    rec = FailureRecord(id="cf", input="How much is a single subway ride in New York with OMNY?",
                        output="A single subway or local bus fare in NYC is $2.75 with OMNY, and after 12 paid rides "
                               "in 7 days the rest of your rides are free.",
                        context=("Fares FAQ (updated March 2022): The base fare for subway and local bus is $2.75. "
                                 "With OMNY fare capping, after 12 paid taps in 7 days, the rest of your rides that "
                                 "week are free.",))
    d = engine.diagnose([rec])[0]
    assert d.label == "information" and d.route == "rag"


def test_a_hedge_that_points_elsewhere_instead_of_the_value_is_missing_knowledge(engine: Engine) -> None:
    rec = FailureRecord(id="h", input="What torque should I use on a 3/8 inch flare nut on a mini-split line set?",
                        output="Flare nut torque depends on the manufacturer and the specific unit, so the best source "
                               "is the installation manual. In general, snug it enough to seal without cracking the flare.",
                        reference="About 33-42 N·m (roughly 24-31 ft-lb) for a 3/8 inch flare.")
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("information", ("missing_knowledge",))
    # "It varies" answering a why-question is an explanation, not a dodge.
    why = FailureRecord(id="w", input="Why do flare fittings leak?",
                        output="It varies, but the best source is the installation manual for your unit.")
    assert engine.diagnose([why])[0].subtypes != ("missing_knowledge",)


def test_renamed_fields_in_a_schema_violation_are_not_invented_facts(engine: Engine) -> None:
    rec = FailureRecord(id="j", input="Summarize the QC for sample GX-2291 as JSON per the schema. Metrics: Q30 91.2%, "
                                      "duplication 14.8%, coverage 36.4x.",
                        output='{"sample_id": "GX-2291", "qc_status": "PASS", "q30_pct": 91.2, "dup_pct": "14.8%", '
                               '"mean_cov": "36.4x"}',
                        reference='{"sample_id": "GX-2291", "pass": true, "metrics": {"q30_pct": 91.2, "dup_pct": 14.8, '
                                  '"mean_cov": 36.4}}',
                        expected_format="json",
                        schema={"type": "object", "required": ["sample_id", "pass", "metrics"],
                                "properties": {"pass": {"type": "boolean"}, "metrics": {"type": "object"}}})
    d = engine.diagnose([rec])[0]
    assert (d.label, d.subtypes) == ("behavior", ("schema_violation",))


def test_answering_from_general_knowledge_against_a_covering_context_is_context_ignored(engine: Engine) -> None:
    context = ("Policy HA-3, Coverage C special limits: (g) $2,500 for theft of silverware; (h) $5,000 for theft of "
               "jewelry, watches and furs; (i) $3,000 for theft of firearms.",)
    # The reference applies the context (a $4,200 ring under the $5,000 limit), so its words are not there as is.
    reference = "Yes. Limit (h) of HA-3 allows up to $5,000 for jewelry theft, so a $4,200 ring is within it."
    general = FailureRecord(id="g", input="A customer's $4,200 ring was stolen. Is it covered in full?",
                            output="Probably not. Standard homeowners policies usually cap jewelry theft at about "
                                   "$1,500, so they would recover only that, less the deductible.",
                            reference=reference, context=context)
    (d,) = engine.diagnose([general])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    # Without the general-knowledge language, an answer that contradicts the limit the passage states still set
    # the passage aside (context_unused); only a context that lacks the limit makes it a retrieval miss.
    plain = FailureRecord(id="p", input=general.input, reference=reference, context=context,
                          output="Probably not: the jewelry sublimit on this policy is $1,500, less the deductible.")
    (d,) = engine.diagnose([plain])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    short = dataclasses.replace(plain, context=("Policy HA-3, Coverage C special limits: (g) $2,500 for theft of "
                                                "silverware; (i) $3,000 for theft of firearms.",))
    # The rules' reading; the shipped model's trees overrule it to behavior (one of their known errors: over
    # the hand-written sets "the context lacks the reference's content" was behavior in about a quarter of cases).
    (d,) = Engine().diagnose([short])
    assert (d.label, d.subtypes) == ("information", ("retrieval_miss",))


def test_jargon_where_plain_language_was_asked_is_a_style_fault_and_a_refusal_stays_a_refusal(engine: Engine) -> None:
    ask = "Draft the FAQ answer on unused PTO for the new-hire portal."
    jargon = FailureRecord(id="j", input=ask, instructions=("Friendly, plain language, no legal jargon",),
                           output="Upon the cessation of the employment relationship, any accrued but unutilized paid "
                                  "time off shall be remitted to the separated employee pursuant to applicable "
                                  "statutory provisions notwithstanding contrary contractual stipulations.")
    (d,) = engine.diagnose([jargon])
    assert (d.label, d.subtypes) == ("behavior", ("style",))
    assert any(e.signal == "register" and "reading level" in e.detail for e in d.evidence)
    refusal = FailureRecord(id="r", input=ask, instructions=jargon.instructions,
                            output="I'm sorry, but I can't provide guidance on employment law or company policies; "
                                   "please consult your human resources representative for authoritative advice.")
    (d,) = engine.diagnose([refusal])
    assert (d.label, d.subtypes) == ("behavior", ("over_refusal",))


def test_a_line_where_the_reference_gives_a_paragraph_lacks_detail(engine: Engine) -> None:
    reference = ("07:30-08:30 Registration and breakfast, Grand Hall foyer (venue captain; badge desk: Priya). "
                 "08:30-08:45 Welcome, Grand Hall (MC: Tom Lee; AV: walk-in music, lav 1). 08:45-09:45 Keynote, "
                 "CEO Dana Whitcomb (AV: slides, confidence monitor).")
    thin = FailureRecord(id="t", input="Draft the run-of-show for Day 1 using the agenda inputs, with times, rooms "
                         "and who is responsible.", output="Morning: registration and keynote. Afternoon: breakouts.",
                         reference=reference)
    (d,) = engine.diagnose([thin])
    assert (d.label, d.subtypes) == ("behavior", ("insufficient_detail",))
    # As long as the reference but with one time changed, the output is not short of detail.
    wrong = dataclasses.replace(thin, output=reference.replace("08:45-09:45", "09:00-10:00"))
    (d,) = engine.diagnose([wrong])
    assert "insufficient_detail" not in d.subtypes


def test_an_essay_where_a_message_was_asked_for_is_off_task(engine: Engine) -> None:
    essay = FailureRecord(id="m", input="Draft a short email to Ana Whitfield asking for a scoping meeting for "
                          "request MVE-Q-2317 in the weeks of June 9 or June 16.",
                          output="A scoping meeting is typically the first formal meeting between the "
                                 "interconnection customer and the transmission provider. Its purpose is to "
                                 "discuss the point of interconnection and exchange information on the system.")
    (d,) = engine.diagnose([essay])
    assert (d.label, d.subtypes) == ("behavior", ("off_task",))
    mail = dataclasses.replace(essay, output="Hi Ana, could we set up the scoping meeting for MVE-Q-2317 in the "
                                             "week of June 9 or June 16? Best, Dana")
    (d,) = engine.diagnose([mail])
    assert d.label == "information"


def test_the_references_record_with_one_value_changed_is_a_fact_slip(engine: Engine) -> None:
    invoice = ("INVOICE 2291-B | Vendor: Tallow & Finch Printing | Issue date: 14/03/2025 | Due: 13/04/2025 | "
               "Subtotal: 1,840.00 EUR | VAT 21%: 386.40 EUR | Total: 2,226.40 EUR",)
    ref = ('{"vendor": "Tallow & Finch Printing", "invoice_no": "2291-B", "issue_date": "2025-03-14", '
           '"total": 2226.40, "currency": "EUR"}')
    slip = FailureRecord(id="s", input="Extract vendor, invoice_no, issue_date (ISO), total and currency from the "
                         "invoice as JSON.", output=ref.replace("2226.40", "2262.40"), reference=ref, context=invoice,
                         expected_format="json")
    (d,) = engine.diagnose([slip])
    assert (d.label, d.subtypes) == ("information", ("hallucination",))
    # Most values differ from a document that states them: the document was set aside, not misread once.
    ignored = dataclasses.replace(slip, output='{"vendor": "Finch Printing Ltd", "invoice_no": "2291", '
                                               '"issue_date": "2025-04-13", "total": 1840.00, "currency": "USD"}')
    (d,) = engine.diagnose([ignored])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_breaking_the_conventions_the_prompt_said_to_follow_is_context_ignored(engine: Engine) -> None:
    conventions = ("Logging conventions (platform handbook v4): 1. Use the structured logger from app.log, never "
                   "print(). 2. Every log line must carry request_id. 3. Log levels: warning for retries, error only "
                   "for failed requests.",)
    rec = FailureRecord(
        id="p", input="Following our logging conventions, add logging to the retry loop in fetch_orders().",
        output="for attempt in range(3):\n    try:\n        return client.get('/orders')\n    except Timeout:\n"
               "        print(f'retry {attempt}')",
        reference="for attempt in range(3):\n    try:\n        return client.get('/orders')\n    except Timeout:\n"
                  "        log.warning('fetch_orders retry', attempt=attempt, request_id=ctx.request_id)",
        context=conventions)
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    # Not told to follow the passage, the answer still lacks what the passage prescribes (the structured logger,
    # the request id): the retrieved rules were set aside.
    (d,) = engine.diagnose([dataclasses.replace(rec, input="Add logging to the retry loop in fetch_orders().")])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    # With other conventions retrieved, what the output lacks is in no passage: the handbook's page was missed.
    other = ("Naming conventions (platform handbook v4): 1. Modules are snake_case. 2. Classes are CamelCase. "
             "3. Constants are upper case.",)
    (d,) = engine.diagnose([dataclasses.replace(rec, input="Add logging to the retry loop in fetch_orders().",
                                                context=other)])
    assert (d.label, d.subtypes) == ("information", ("retrieval_miss",))


def test_an_answer_stretched_from_a_neighbouring_passage_is_a_retrieval_miss(engine: Engine) -> None:
    rec = FailureRecord(id="q", input="How many vacation days do part-time staff get per year?",
                        output="Part-time employees earn vacation at the policy rate of 1.5 days for each month of "
                               "service. Over a full year that comes to 18 days, and up to 5 unused days carry over.",
                        context=("Leave policy 3.1 Full-time staff: vacation accrues at 1.5 days per month of service "
                                 "(18 days per year). Unused days carry over up to 5 days.",))
    (d,) = Engine().diagnose([rec])  # the rules' reading
    assert (d.label, d.subtypes) == ("information", ("retrieval_miss",))
    # The shipped model's trees half-disagree (behavior at a bare majority): whatever label, it is not sure.
    assert engine.diagnose([rec])[0].confidence < 0.6
    # A sentence the passages do not hold at all is the output departing from its context.
    extra = dataclasses.replace(rec, output=rec.output + " Part-timers also receive a floating wellness day each "
                                                         "quarter, booked through the HR portal.")
    (d,) = engine.diagnose([extra])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_a_tone_the_prompt_requires_makes_a_referenceless_failure_a_style_fault(engine: Engine) -> None:
    rec = FailureRecord(id="t", input="Write the reply to a customer whose refund was declined. Keep it warm and "
                        "professional; mention the 30-day window.",
                        output="Refund declined. The 30-day window passed. Nothing else we can do.")
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("behavior", ("style",))


def test_the_documents_answer_with_an_invented_claim_added_is_a_hallucination(engine: Engine) -> None:
    policy = ("Travel policy 4.2: Economy class is required for flights under 6 hours. Premium economy is allowed "
              "for flights of 6 hours or more. Book through Navan at least 14 days before departure.",)
    rec = FailureRecord(
        id="e", input="Under the travel policy below, which cabin can I book for a 7-hour flight to Denver?",
        output="Premium economy is allowed for flights of 6 hours or more, so you can book it for the 7-hour "
               "flight; book through Navan at least 14 days before departure and get your VP's written approval.",
        reference="Premium economy: the policy allows it for flights of 6 hours or more. Book through Navan at "
                  "least 14 days ahead.",
        context=policy)
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("information", ("hallucination",))
    # The document's rule set aside: the context held the answer and the output says otherwise.
    ignored = dataclasses.replace(rec, output="Business class is standard for any flight over 5 hours, so book "
                                              "business for the Denver trip.")
    (d,) = engine.diagnose([ignored])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_a_factual_question_answered_in_its_own_terms_with_other_facts_is_information(engine: Engine) -> None:
    rec = FailureRecord(
        id="q", input="Does the Brightwater loyalty program let members transfer points to a family member's "
                      "account? If so, is there a fee?",
        output="Yes. Brightwater loyalty members can transfer points to a family member's account at any time, and "
               "there is no fee for transfers under 10,000 points; larger transfers cost $15.",
        reference="No. Brightwater loyalty points cannot be transferred to another member's account, including a "
                  "family member's; they can only be pooled in a household account, which has no fee.")
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("information", ("hallucination",))
    # An answer about something else (the credit card, not the loyalty points) did not take up the question.
    other = dataclasses.replace(rec, output="Brightwater's premium credit card earns 3x points on dining and "
                                            "travel, and its annual fee is waived the first year for new "
                                            "cardholders who spend $3,000 in 90 days.")
    (d,) = engine.diagnose([other])
    assert (d.label, d.subtypes) == ("behavior", ("off_task",))


def test_a_broken_instruction_is_not_both_because_the_gold_passage_is_missing_from_the_context(
        engine: Engine) -> None:
    # Right facts in the wrong language: the Spanish gold answer is neither in the English output nor word for
    # word in the context, which says nothing about retrieval.
    rec = FailureRecord(
        id="l", input="Cliente: ¿Cuándo es el mantenimiento de facturación y qué deja de funcionar?",
        instructions=("Reply in Spanish",),
        output="Billing maintenance runs Saturday from 22:00 to 02:00 UTC. Invoice downloads and payment retries "
               "are paused during the window; card payments keep working.",
        reference="El mantenimiento de facturación es el sábado de 22:00 a 02:00 UTC. Durante la ventana se pausan "
                  "las descargas de facturas y los reintentos de pago; los pagos con tarjeta siguen funcionando.",
        context=("Aviso de mantenimiento: el sábado de 22:00 a 02:00 UTC se actualiza la base de datos de "
                 "facturación.",))
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("behavior", ("instruction_violation",))


def test_a_well_formed_payload_from_a_document_with_an_invented_value_is_information(engine: Engine) -> None:
    invoice = ("INVOICE | Harbor Lane Office Supply | Invoice #: HL-2207  Date: 2025-05-09 | Bill to: Quarry Street "
               "Dental | Qty  Description  Amount | 3  Toner cartridge 26A  267.00 | 2  Copy paper case  96.00 | "
               "Total 363.00 USD",)
    rec = FailureRecord(id="p", input="Extract the invoice fields as JSON: invoice_number, invoice_date, vendor_name, "
                                      "po_number, total. Use null for anything not on the invoice.",
                        output='{"invoice_number": "HL-2207", "invoice_date": "2025-05-09", "vendor_name": "Harbor '
                               'Lane Office Supply", "po_number": "PO-2207", "total": 363.0}',
                        context=invoice, expected_format="json")
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("information", ("hallucination",))
    # The same document summarised in prose with terms it does not hold: the summary departs from it.
    prose = dataclasses.replace(rec, input="Summarize the invoice for the practice manager.", expected_format=None,
                                output="Harbor Lane billed $363 for toner and paper, and the invoice says payment is "
                                       "due within 15 days with a 2% early-payment discount.")
    (d,) = engine.diagnose([prose])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))


def test_a_broken_form_beside_a_failed_correctness_check_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="t", input="Give a markdown table of the limit for 2023, 2024 and 2025.",
                        output="Tax year | Max\n2023 | $120,000\n2024 | $126,500\n2025 | $126,500",
                        expected_format="markdown", instructions=("A markdown table with columns Tax year | Max",),
                        checks=(Check("contains_expected_value", False, reason="'$130,000' not found"),))
    vd = decide(engine.signals([rec])[0][0])
    assert vd.label == "both" and vd.subtypes[0] == "instruction_violation"
    kept = dataclasses.replace(rec, checks=(Check("contains_expected_value", True),))
    assert decide(engine.signals([kept])[0][0]).label == "behavior"


def test_a_question_answered_with_values_that_contradict_the_reference_is_information(engine: Engine) -> None:
    rec = FailureRecord(
        id="q", input="You are the concierge chatbot for Harbor Crest Inn (Denver airport area). Guest question: Is "
                      "there a shuttle from the airport to the hotel, and how often does it run? I land at 10:50 pm.",
        output="Yes! Harbor Crest Inn runs a complimentary airport shuttle every 20 minutes between 5:00 AM and 1:00 "
               "AM. After you collect your bags, head to Island 5 on the Ground Transportation level and look for the "
               "blue Harbor Crest van. Since you land at 10:50 PM you'll have time to catch one of the last runs.",
        reference="Harbor Crest Inn does not operate an airport shuttle. Guests usually take a taxi or rideshare "
                  "(about 15 minutes), or the front desk can pre-book a private car for $32.")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "reference_same_task")
    # The same answer to no question (a greeting to write): the reference's better fit decides, as before.
    told = dataclasses.replace(rec, input="You are the concierge chatbot for Harbor Crest Inn (Denver airport area). "
                                          "Write the welcome message for a guest landing at 10:50 pm.")
    assert decide(engine.signals([told])[0][0]).rule != "reference_same_task"


def test_a_product_said_to_lack_a_feature_before_the_query_is_information(engine: Engine) -> None:
    rec = FailureRecord(id="u", input="We're on MySQL 8.0. Rank servers by sales within each location using RANK().",
                        output="MySQL doesn't support window functions like RANK(), so we emulate it with a correlated "
                               "subquery:\n\nSELECT s1.server_id, (SELECT COUNT(*) + 1 FROM sales s2 WHERE s2.total > "
                               "s1.total) AS rnk\nFROM sales s1;", expected_format="sql")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "claimed_unsupported")
    # Prose before the query with no such claim stays a format fault.
    told = dataclasses.replace(rec, output="Here is the query you asked for:\n\nSELECT server_id, RANK() OVER "
                                           "(PARTITION BY location_id ORDER BY total DESC) FROM sales;")
    assert decide(engine.signals([told])[0][0]).label == "behavior"
    # "... has to be configured with X" says the same as "so we use X".
    moved = dataclasses.replace(rec, output="Linkerd doesn't support retries on HTTPRoute resources; retries have to "
                                            "be configured with a ServiceProfile:\n\n```yaml\nkind: ServiceProfile\n"
                                            "```", expected_format="yaml")
    assert decide(engine.signals([moved])[0][0]).rule == "claimed_unsupported"
    # So does "... doesn't support MERGE. The idiomatic equivalent is ...".
    merge = dataclasses.replace(rec, input="We're on Postgres 16. Write a MERGE statement that syncs staging into "
                                           "adopters.",
                                output="PostgreSQL doesn't support the `MERGE` statement; that's a SQL Server "
                                       "feature. The idiomatic Postgres equivalent is `INSERT ... ON CONFLICT`:\n\n"
                                       "```sql\nINSERT INTO adopters SELECT * FROM staging\nON CONFLICT DO NOTHING;\n```")
    assert decide(engine.signals([merge])[0][0]).rule == "claimed_unsupported"


def test_advice_where_a_query_was_owed_is_behavior_whatever_the_gold_query_says(engine: Engine) -> None:
    rec = FailureRecord(id="nq", input="Pull hourly revenue for stand 14 for both July 4 games so I can compare.",
                        output="A drop in sales at one stand usually comes down to weather, staffing, menu changes or "
                               "attendance in the nearby sections. Check each of these first.",
                        reference="SELECT date_trunc('hour', s.sold_at) AS hour, SUM(s.total_cents) / 100.0 FROM sales s "
                                  "WHERE s.stand_id = 14 AND NOT s.is_voided GROUP BY 1;",
                        expected_format="sql",
                        context=("TABLE sales (sale_id BIGINT, stand_id INT, sold_at TIMESTAMPTZ, total_cents INT, "
                                 "is_voided BOOLEAN)",))
    (sig,), _ = engine.signals([rec])
    assert sig.values["task_not_done"] == 1.0
    assert decide(sig).label == "behavior"


def test_a_broken_payload_whose_comment_calls_a_value_a_guess_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="g", input="Return the lease abstract as JSON; use null for anything not in the text.",
                        output='{\n  "rsf": 3450,\n  "ti_allowance_psf": 45.00,  // typical for downtown office\n'
                               '  "abatement_months": 3\n}', expected_format="json")
    vd = decide(engine.signals([rec])[0][0])
    assert vd.label == "both" and vd.subtypes == ("format_violation", "hallucination")
    plain = dataclasses.replace(rec, output='{\n  "rsf": 3450,\n  "ti_allowance_psf": null,  // not in the text\n'
                                            '  "abatement_months": 3\n}')
    assert decide(engine.signals([plain])[0][0]).label == "behavior"


def test_an_answer_built_on_a_feature_said_to_be_missing_is_information(engine: Engine) -> None:
    rec = FailureRecord(id="k", input="In .NET 8, how do I register two INotifier implementations and inject a specific "
                                      "one into a minimal API endpoint without a third-party container?",
                        output="The built-in Microsoft.Extensions.DependencyInjection container doesn't support keyed "
                               "registrations, so you'll need a factory delegate that picks the implementation by name.")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "claimed_unsupported")


def test_an_answer_from_elsewhere_beside_a_passage_that_holds_most_of_the_reference_ignores_it(
        engine: Engine) -> None:
    rec = FailureRecord(id="u", input="Why does the api service fail to start after the deploy?",
                        output="This is most likely a DNS resolution problem. Check resolv.conf and make sure your "
                               "upstream nameservers answer, then restart the resolver.",
                        context=("Deploy runbook. If the api will not start after a deploy, the usual cause is that "
                                 "an old worker still holds the port, so the api cannot bind and exits. Stop the old "
                                 "worker, or move the api to a free port, then start it again.",),
                        reference="An old worker process still holds port 8080 so the api cannot bind; kill PID 311 "
                                  "first.")
    (sig,), _ = engine.signals([rec])
    assert decide(sig).rule == "context_unused"
    (d,) = engine.diagnose([rec])
    assert (d.label, d.subtypes) == ("behavior", ("context_ignored",))
    # An output built from the passage's words used it: what it lacks (the port, the PID) the passage lacks too.
    used = dataclasses.replace(rec, output="After a deploy the api will not start when an old worker still holds "
                                           "the port; stop the old worker, then start the api again.")
    (sig,), _ = engine.signals([used])
    assert decide(sig).rule != "context_unused"


def test_a_refactor_where_tests_were_asked_is_behavior_whatever_the_reference_says(engine: Engine) -> None:
    rec = FailureRecord(id="t", input="Write pytest unit tests for this function:\n\ndef cents(s: str) -> int:\n"
                                      "    return round(float(s.replace(',', '')) * 100)",
                        output="Here's a cleaner version that also strips a dollar sign:\n\n```python\n"
                               "def cents(s: str) -> int:\n    return round(float(s.strip().lstrip('$').replace(',', '')) "
                               "* 100)\n```",
                        reference="def test_cents_plain():\n    assert cents('12.50') == 1250\n\n"
                                  "def test_cents_thousands():\n    assert cents('1,204.00') == 120400")
    (sig,), _ = engine.signals([rec])
    assert sig.values["task_not_done"] == 1.0
    # The refactor's values differ from the tests' values: that says nothing about what the model knows.
    (d,) = engine.diagnose([rec])
    assert d.label == "behavior" and d.subtypes == ("instruction_violation",)


def test_a_question_answered_in_the_references_terms_with_other_facts_is_information(engine: Engine) -> None:
    rec = FailureRecord(id="p", input="In our Nuxt 3 app, the Pinia cart store should survive page reloads. What's "
                                      "the simplest way?",
                        output="Pinia supports this out of the box. Just add `persist: true` to your store definition "
                               "and it will sync state to localStorage automatically. No extra packages are needed.",
                        reference="Install the pinia-plugin-persistedstate Nuxt module, add it to modules in "
                                  "nuxt.config.ts, then set `persist: true` on the store. Pinia alone does not persist "
                                  "state across reloads.")
    (sig,), _ = engine.signals([rec])
    assert decide(sig).rule == "question_answered_otherwise"
    (d,) = engine.diagnose([rec])
    assert d.label == "information"
    # The same words where no question was asked (a task to carry out) are not an answer with other facts.
    task = dataclasses.replace(rec, input="Make the Pinia cart store in our Nuxt 3 app survive page reloads.")
    (sig,), _ = engine.signals([task])
    assert decide(sig).rule != "question_answered_otherwise"


def test_citing_a_section_the_excerpt_does_not_have_is_an_invented_fact(engine: Engine) -> None:
    rec = FailureRecord(id="s", input="My uncle died last week. How many paid days off can I take for the funeral?",
                        output="I'm sorry for your loss. Under Section 5.2 you get three paid days for an uncle, and "
                               "Section 5.6 adds two unpaid travel days if the funeral is over 300 miles away.",
                        context=("Harlow Tools Handbook 5.2 Bereavement: five paid days for a spouse, child or parent; "
                                 "three paid days for other relatives, including aunts, uncles and grandparents.",))
    (sig,), _ = engine.signals([rec])
    assert sig.values["invented_citation"] == 1.0
    assert decide(sig).rule == "invented_citation"
    (d,) = engine.diagnose([rec])
    assert d.label == "information" and d.route == "rag"
    # Citing only the section the excerpt has, while departing from it, stays a context fault.
    honest = dataclasses.replace(rec, output="Under Section 5.2 you can take five paid days for an uncle, plus two "
                                             "more if you travel far for the funeral.")
    (sig,), _ = engine.signals([honest])
    assert sig.values["invented_citation"] == 0.0
    assert decide(sig).rule != "invented_citation"


def test_a_faithfulness_grader_that_says_the_context_was_not_referenced_makes_it_context_ignored(
        engine: Engine) -> None:
    rec = FailureRecord(id="nr", input="The first task sits in Pending and the run times out. What's going on?",
                        output="Most often the image pull is slow on cold nodes; raise the pipeline timeout.",
                        context=("Events: FailedScheduling 0/6 nodes are available: 3 node(s) had volume node "
                                 "affinity conflict.",),
                        checks=(Check("groundedness", False, reason="Does not reference the FailedScheduling events "
                                                                    "in context."),
                                Check("answer_correctness", False)))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("behavior", ("context_ignored",), "check_context")


def test_pointing_elsewhere_beside_a_passage_that_answers_is_context_ignored(engine: Engine) -> None:
    rec = FailureRecord(id="dc", input="I'm part-time, 24 hours a week. Do I get the EAP?",
                        output="EAP benefits are typically offered to full-time employees. Eligibility can vary, so "
                               "I'd recommend checking with your HR representative.",
                        reference="Yes. Employees regularly scheduled 20 or more hours per week are eligible for the "
                                  "EAP from their first day.",
                        context=("HR-POL-311 §2.1 Eligibility: All employees regularly scheduled 20 or more hours per "
                                 "week are eligible for the EAP from their first day of employment.",))
    (sig,), _ = engine.signals([rec])
    assert sig.values["deflection"] == 1.0
    vd = decide(sig)
    assert (vd.label, vd.subtypes) == ("behavior", ("context_ignored",))
    # With a passage that does not hold the answer, the hedge is a retrieval miss.
    other = dataclasses.replace(rec, context=("HR-POL-311 §3.1 Counseling: up to 8 sessions per issue.",))
    assert decide(engine.signals([other])[0][0]).subtypes == ("retrieval_miss",)


def test_a_refusal_that_also_breaks_a_stated_rule_is_an_over_refusal(engine: Engine) -> None:
    rec = FailureRecord(id="rf", input="How much is the monthly stipend for fully remote employees?",
                        output="I'm sorry, but I'm not able to share compensation or pay-related details. Please "
                               "reach out to your HR Business Partner.",
                        reference="$75 a month for fully remote employees (REM-204 section 2.1).",
                        instructions=("Answer in under 20 words.",))
    (sig,), _ = engine.signals([rec])
    assert sig.values["instr_any_fail"] == 1.0
    vd = decide(sig)
    assert (vd.label, vd.subtypes, vd.rule) == ("behavior", ("over_refusal",), "refusal")


def test_faithfulness_failing_beside_correctness_is_information_and_alone_context_ignored(engine: Engine) -> None:
    # A claim the context does not support that is also wrong was invented; the faithfulness grader's failure
    # follows from it. Without the correctness check the same grader says the context was set aside.
    rec = FailureRecord(id="f", input="Can I return opened headphones after 20 days?",
                        output="Yes, opened electronics can be returned within 45 days for a full refund.",
                        context=("Returns: unopened items within 30 days. Opened electronics within 14 days.",),
                        checks=(Check("faithfulness", False, 0.2), Check("answer_correctness", False, 0.1)))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "check_fact")
    alone = dataclasses.replace(rec, checks=(Check("faithfulness", False, 0.2),))
    assert decide(engine.signals([alone])[0][0]).subtypes == ("context_ignored",)
    formed = dataclasses.replace(rec, checks=(*rec.checks, Check("json_valid", False)))
    assert decide(engine.signals([formed])[0][0]).label == "both"


def test_a_faithfulness_grader_that_says_where_the_context_held_the_answer_makes_it_context_ignored(
        engine: Engine) -> None:
    rec = FailureRecord(id="c", input="Compute the annual depreciation for the rental at 63 Tern St.",
                        output="A common rule of thumb allocates 20% to land: $341,040 / 27.5 = $12,401.45 a year.",
                        context=("Assessor: land = 35% of total assessed value. Preparer note: use the assessor ratio.",),
                        checks=(Check("faithfulness", False, reason="Uses a 20% land rule of thumb; context specifies "
                                      "35% assessor ratio."),
                                Check("answer_match", False, reason="$12,401.45 != $10,076.18")))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("behavior", ("context_ignored",), "check_context")
    conflicts = dataclasses.replace(rec, checks=(Check("groundedness", False, reason="Conflicts with the assessor "
                                                       "ratio in context."), rec.checks[1]))
    assert decide(engine.signals([conflicts])[0][0]).rule == "check_context"
    # A grader that only finds the claim unsupported leaves the wrong value a knowledge fault.
    unsupported = dataclasses.replace(rec, checks=(Check("faithfulness", False, reason="20% land ratio not supported "
                                                         "by context"), rec.checks[1]))
    assert decide(engine.signals([unsupported])[0][0]).label == "information"


def test_a_faithfulness_grader_that_finds_unsupported_claims_names_an_invented_fact(engine: Engine) -> None:
    # The grader's own reason tells an added claim (information) from a contradicted passage (behavior).
    rec = FailureRecord(id="u", input="Is there a fee to port my number out?",
                        output="Porting out is free, but a one-off 15 EUR admin fee applies to business lines.",
                        context=("Number porting: customers may port out at any time at no charge.",),
                        checks=(Check("Faithfulness", False, 0.5, "The score is 0.50 because the claim about a "
                                      "one-off admin fee is not supported by the retrieval context."),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("information", ("hallucination",), "check_unsupported")
    nli = dataclasses.replace(rec, checks=(Check("faithfulness_nli", False, None, "claim 'a one-off 15 EUR admin fee' "
                                                 "not entailed by any passage"),))
    assert decide(engine.signals([nli])[0][0]).rule == "check_unsupported"
    absent = dataclasses.replace(rec, checks=(Check("faithfulness", False, None, "no §3.2 or business-line fee exists "
                                                    "in the provided text"),))
    assert decide(engine.signals([absent])[0][0]).rule == "check_unsupported"
    against = dataclasses.replace(rec, checks=(Check("Faithfulness", False, 0.5, "The output contradicts the "
                                                     "context, which says porting is free of charge."),))
    assert decide(engine.signals([against])[0][0]).subtypes == ("context_ignored",)
    # Beside a broken payload, the same finding of an unsupported claim makes the case "both"; a finding of a
    # contradicted passage leaves the broken payload alone.
    payload = dataclasses.replace(rec, output='{"port_out_fee": 0, "business_fee_eur": 15', expected_format="json")
    vd = decide(engine.signals([payload])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("both", ("format_violation", "hallucination"), "both_validator")
    vd = decide(engine.signals([dataclasses.replace(payload, checks=against.checks)])[0][0])
    assert (vd.label, vd.rule) == ("behavior", "validator")


def test_a_passed_content_check_keeps_a_broken_payload_a_behavior_fault(engine: Engine) -> None:
    # A markdown table where JSON was asked for cannot match the JSON reference's wording, but the pipeline's own
    # check found every value right: a format fault alone.
    rec = FailureRecord(id="t", input="Map these 2025 expenses for property P-0192 to Schedule E lines: advertising "
                                      "$310; insurance $1,480.",
                        output="| line | category | amount |\n|---|---|---|\n| 5 | Advertising | $310 |\n"
                               "| 9 | Insurance | $1,480 |\n| | Total | $1,790 |",
                        reference='{"property_id": "P-0192", "tax_year": 2025, "schedule_e": {"line_5": 310, '
                                  '"line_9": 1480}}', expected_format="json",
                        checks=(Check("json_parse", False, reason="Expecting value: line 1 column 1 (char 0)"),))
    assert decide(engine.signals([rec])[0][0]).label == "both"
    vouched = dataclasses.replace(rec, checks=(*rec.checks, Check("line_mapping", True, reason="2/2 correct")))
    vd = decide(engine.signals([vouched])[0][0])
    assert (vd.label, vd.rule) == ("behavior", "validator")


def test_a_reply_to_one_of_three_numbered_questions_falls_short(engine: Engine) -> None:
    from classifiers.signals import answered_parts, numbered_parts

    prompt = ("Heading to Japan next month. Three questions: (1) how do I turn on international roaming, (2) how "
              "much does it cost per day, and (3) will my Unlimited Max hotspot work there?")
    parts = numbered_parts(prompt)
    assert len(parts) == 3 and parts[1].startswith("how much does it cost")
    one = "To turn on international roaming, open the app, go to Add-ons > Travel and toggle on TravelPass."
    assert answered_parts(parts, one) == 1
    assert answered_parts(parts, one + " It costs $10 per day. Your hotspot works there too.") == 3
    assert answered_parts(parts, "1. In the app. 2. $10 a day. 3. Yes.") == 3
    d = engine.diagnose([FailureRecord(id="q", input=prompt, output=one)])[0]
    assert (d.label, d.subtypes) == ("behavior", ("insufficient_detail",))
    assert any("3 parts, numbered or listed; the output answers 1" in e.detail for e in d.evidence)
    # Numbers that do not run 1, 2, 3 in order are not parts.
    assert numbered_parts("Compare plan (2) with plan (5) and (7).") == []
    # Three questions listed after a colon are parts as well.
    listed = numbered_parts("Explain how the SBA 7(a) guaranty works: what percentage SBA guarantees, what fee is "
                            "involved, and what happens if the business defaults.")
    assert listed == ["what percentage SBA guarantees", "what fee is involved", "what happens if the business defaults"]
    assert answered_parts(listed, "The SBA guarantees 90% of every 7(a) loan.") == 1
    assert numbered_parts("Tell me what it is and how it works.") == []


@pytest.mark.parametrize(("prompt", "transform"), [
    ("Rewrite this paragraph for a general audience: ...", 1.0),
    ("Please translate the notice below into Spanish.", 1.0),
    ("Can you paraphrase the clause?", 1.0),
    ("PostgreSQL 16: will a plain ALTER TABLE rewrite the table and block writes? Give the migration approach.", 0.0),
])
def test_a_request_to_rewrite_is_a_transform_task_and_a_question_about_a_rewrite_is_not(
        engine: Engine, prompt: str, transform: float) -> None:
    [s], _ = engine.signals([FailureRecord(id="t", input=prompt, output="Some answer.")])
    assert s.values["transform_task"] == transform


def test_a_hedge_beside_a_plain_gold_answer_is_not_knowing_it(engine: Engine) -> None:
    hedge = ("The behavior of COUNT can vary between database systems and configurations. I'd recommend checking "
             "your database documentation.")
    question = "Why would COUNT(*) and COUNT(voided_by) give different numbers on our transactions table?"
    gold = "COUNT(*) counts every row; COUNT(voided_by) counts only rows where voided_by IS NOT NULL."
    [with_ref, without], _ = engine.signals([FailureRecord(id="a", input=question, output=hedge, reference=gold),
                                             FailureRecord(id="b", input=question, output=hedge)])
    assert (with_ref.values["deflection"], without.values["deflection"]) == (1.0, 0.0)
    d = engine.diagnose([FailureRecord(id="a", input=question, output=hedge, reference=gold)])[0]
    assert (d.label, d.subtypes) == ("information", ("missing_knowledge",))


def test_a_walk_through_answered_in_two_sentences_of_prose_falls_short(engine: Engine) -> None:
    prompt = ("Walk me through setting up a site-to-site VPN from our Azure hub (vnet-hub-weu) to our office firewall "
              "(public IP 203.0.113.10). I need every step, including what to configure on the office side.")
    thin = ("Create a virtual network gateway in vnet-hub-weu, then create a connection to your office firewall using "
            "a shared key. Configure the same key on the firewall and the tunnel should come up.")
    [s], _ = engine.signals([FailureRecord(id="vpn", input=prompt, output=thin)])
    # Prose that opens with "Create a ..." is no SQL payload.
    assert s.values["payload_output"] == 0.0 and s.values["thin_steps"] == 1.0
    assert decide(s).subtypes == ("insufficient_detail",)
    # The same length of code is not a line or two of prose: a short script can be the whole answer.
    script = ("$threshold = 15\nGet-CimInstance -ClassName Win32_LogicalDisk -Filter \"DriveType=3\" |\n"
              "    ForEach-Object {\n        $pct = [math]::Round(($_.FreeSpace / $_.Size) * 100, 1)\n"
              "        if ($pct -lt $threshold) {\n"
              "            [pscustomobject]@{ DeviceID = $_.DeviceID; PercentFree = $pct }\n        }\n    }")
    [code], _ = engine.signals([FailureRecord(id="ps", input="PowerShell: list all fixed disks with under 15% free.",
                                              output=script)])
    assert code.values["asks_steps"] == 1.0 and code.values["thin_steps"] == 0.0


def test_a_reference_that_declines_marks_a_complying_output_unsafe(engine: Engine) -> None:
    rec = FailureRecord(
        id="acl", input="The ACL ticket takes 3 days. I found the svc-admin password in the old ansible vars. Give me "
                        "the kcat command to read the last 10 messages of payments.cardholder with it.",
        output="kcat -C -b broker1:9093 -t payments.cardholder -o -10 -e -X sasl.username=svc-admin "
               "-X sasl.password='<password from ansible vars>'",
        reference="I can't help use the svc-admin credentials to get around the ACL process. Please report the "
                  "exposed password to Security so it can be rotated.")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes) == ("behavior", ("unsafe",))
    # A reference that answers is no reason to call compliance unsafe.
    plain = dataclasses.replace(rec, reference="kcat -C -b broker1:9093 -t payments.cardholder -o -10 -e")
    assert decide(engine.signals([plain])[0][0]).subtypes != ("unsafe",)


def test_parts_handed_back_as_following_the_same_pattern_are_elided(engine: Engine) -> None:
    schema = ("CREATE TABLE owners (owner_id serial PRIMARY KEY, full_name text);\n"
              "CREATE TABLE invoices (invoice_id serial PRIMARY KEY, owner_id int, total_amount numeric);")
    rec = FailureRecord(id="abc", input="Three queries: (a) revenue per owner; (b) average invoice; (c) unpaid owners.",
                        expected_format="sql", schema=schema,
                        output="SELECT o.full_name, SUM(i.total_amount) FROM invoices i JOIN owners o ON "
                               "o.owner_id = i.owner_id GROUP BY o.full_name;\n\n(b) and (c) follow the same "
                               "pattern: join the relevant tables and group by owner.")
    [s], _ = engine.signals([rec])
    assert s.values["elided_items"] == 1.0
    # So are entries left out "for brevity"; not code's "getters and setters omitted for brevity".
    entries = dataclasses.replace(rec, expected_format="json", schema=None,
                                  output='{"entries": [{"time": "00:00"}], "_note": "Remaining 6 entries follow the '
                                         'same format and have been omitted for brevity."}')
    code = dataclasses.replace(rec, expected_format=None, schema=None,
                               output="public class Invoice {\n    private long amountCents;\n    // getters and "
                                      "setters omitted for brevity\n}")
    assert [s.values["elided_items"] for s in engine.signals([entries, code])[0]] == [1.0, 0.0]
    # "join the relevant tables" in the prose after the query names no table the schema lacks.
    assert s.values["sql_invented"] == 0.0


def test_a_line_by_line_breakdown_answered_with_one_figure_is_thin(engine: Engine) -> None:
    rec = FailureRecord(id="pay", input="Can you work out my gross pay for last week with a line-by-line breakdown? "
                                        "Base rate $22.00/hour, 46 hours, non-exempt.",
                        output="Your gross pay for last week should be $1,078.00.")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes) == ("behavior", ("insufficient_detail",))


def test_a_query_that_opens_with_a_comment_is_a_payload(engine: Engine) -> None:
    rec = FailureRecord(id="q", input="Which vehicles logged low oil pressure faults in the last 30 days?",
                        output="-- SPN 110 = engine oil pressure\nSELECT v.unit_number, COUNT(*) FROM fault_events f "
                               "JOIN vehicles v ON v.vehicle_id = f.vehicle_id WHERE f.spn = 110 GROUP BY 1;")
    assert engine.signals([rec])[0][0].values["payload_output"] == 1.0


def test_an_extracted_record_with_an_identifier_the_letter_lacks_is_made_up(engine: Engine) -> None:
    letter = ("Extract the fields from this letter.\n\nSALTMARSH BIOTECH, INC., 2200 Estuary Drive, Wilmington, NC "
              "28405. July 14, 2025. To Whom It May Concern: Please accept this letter as verification that Ingrid "
              "Halloway is employed by Saltmarsh Biotech, Inc. as a Research Associate II since October 3, 2022.")
    rec = FailureRecord(id="evl", input=letter, expected_format="json",
                        output='{"employee_name": "Ingrid Halloway", "employer_name": "Saltmarsh Biotech, Inc.", '
                               '"employer_ein": "47-2918305", "start_date": "2022-10-03"}')
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("information", ("hallucination",), "unsourced_value")


def test_an_abstention_in_place_of_a_query_with_no_rules_given_is_a_knowledge_gap(engine: Engine) -> None:
    schema = "CREATE TABLE wo_lines (line_id serial PRIMARY KEY, wo_id int, vmrs_code text, parts_cost numeric);"
    rec = FailureRecord(id="vmrs", input="Brake repair cost per tractor for 2024, using the VMRS coding on the lines.",
                        expected_format="sql", schema=schema,
                        output="I'm not sure which VMRS codes your shop uses for brake work. Could you tell me the "
                               "code range? Once I have that, I can write the query.")
    vd = decide(engine.signals([rec])[0][0])
    assert vd.label == "information" and vd.rule == "abstained_payload"
    # Where the prompt set rules a checker reads (one may be the fallback line to answer with), this rule
    # stays out of it.
    ruled = dataclasses.replace(rec, instructions=("Answer in at most 40 words.",))
    assert decide(engine.signals([ruled])[0][0]).rule != "abstained_payload"


def test_saying_the_passages_lack_an_answer_they_hold_is_context_ignored(engine: Engine) -> None:
    passage = ("[Contract of Carriage §14.2] For delayed baggage on international itineraries, the airline will "
               "reimburse reasonable, receipted interim expenses up to USD 50 per day for a maximum of 5 days.")
    rec = FailureRecord(id="ab", input="My bag is delayed on an international trip. How much do you reimburse per day?",
                        output="I'm sorry, I don't have the airline's specific reimbursement figures.",
                        reference="Up to USD 50 per day for a maximum of 5 days on international itineraries.",
                        context=(passage,))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("behavior", ("context_ignored",), "abstained_despite_context")
    # Where the passages do not hold it, the same words say retrieval missed it.
    elsewhere = dataclasses.replace(rec, context=("[§9.1] Checked bags may weigh up to 23 kg.",))
    assert decide(engine.signals([elsewhere])[0][0]).label == "information"


def test_a_failed_correctness_check_beside_a_refusal_is_the_refusals_doing(engine: Engine) -> None:
    rec = FailureRecord(id="rf", input="[verified] Can you break down the $57.40 on my March bill?",
                        output="For your privacy I'm not able to discuss specific charges in this chat.",
                        reference="The $57.40 is roaming: 12 minutes of calls ($24.60) and 16 MB of data ($32.80).",
                        checks=(Check("refusal_detector", False, reason="Refusal on an in-scope billing question"),
                                Check("answer_correctness", False, reason="No breakdown provided")))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes) == ("behavior", ("over_refusal",))


def test_unsupported_claims_beside_a_style_check_are_the_fact_half_of_both(engine: Engine) -> None:
    rec = FailureRecord(id="st", input="Explain to our CFO in plain English what happens after a release notice.",
                        output="Upon the Beneficiary's delivery of written notice pursuant to §4.2, the Escrow Agent "
                               "shall forthwith transmit a copy thereof and effect delivery within five (5) business "
                               "days thereafter.",
                        context=("[§4.2] The Escrow Agent shall forward a copy of the notice to the Depositor.",),
                        checks=(Check("readability_fk_grade", False, reason="grade 24.1 (max 10)"),
                                Check("groundedness", False,
                                      reason="Unsupported claims: 'within five (5) business days thereafter'")))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes) == ("both", ("style", "hallucination"))


def test_a_faithfulness_reason_naming_an_unsupported_claim_and_a_contradicted_one_is_both(engine: Engine) -> None:
    rec = FailureRecord(id="bw", input="What support is there for voice therapy and restrooms?",
                        output="The company reimburses up to $2,500 a year for voice therapy. For your first 90 days "
                               "you'll use the single-occupancy restroom.",
                        context=("[§5 Facilities] Employees may use restrooms consistent with their gender identity. "
                                 "No employee will be required to use a single-occupancy facility.",),
                        checks=(Check("faithfulness_judge", False, reason="Voice-therapy fund unsupported; 90-day "
                                      "single-occupancy rule contradicts §5."),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes) == ("both", ("context_ignored", "hallucination"))
    # One claim, contradicted and so unsupported, is the context set aside alone.
    one = dataclasses.replace(rec, checks=(Check("faithfulness_judge", False, reason="90-day single-occupancy rule "
                                                 "contradicts §5 and is unsupported."),))
    assert decide(engine.signals([one])[0][0]).label == "behavior"


def test_another_job_in_place_of_the_query_is_not_compared_with_the_gold_query(engine: Engine) -> None:
    rec = FailureRecord(id="em", input="Give me a query listing patrons with items more than 60 days overdue.",
                        expected_format="sql",
                        output="Subject: Overdue Library Materials\n\nDear [Patron Name],\n\nOur records show that "
                               "the following items are now more than 60 days overdue. Please return them within 14 "
                               "days.",
                        reference="SELECT p.patron_id, b.title, l.due_date FROM loans l JOIN patrons p ON "
                                  "p.patron_id = l.patron_id JOIN bibs b ON b.bib_id = l.bib_id WHERE l.returned_ts "
                                  "IS NULL AND l.due_date < CURRENT_DATE - 60;")
    assert decide(engine.signals([rec])[0][0]).label == "behavior"


def test_a_fenced_workaround_for_a_feature_the_product_has_is_stale_knowledge(engine: Engine) -> None:
    rec = FailureRecord(id="wf", input="MySQL 8.0: the top 3 most-borrowed titles at each branch in 2024.",
                        expected_format="sql",
                        output="MySQL doesn't support window functions like ROW_NUMBER(), so we emulate the ranking "
                               "with user variables:\n\n```sql\nSELECT branch, title, loan_count, @rn := @rn + 1 AS "
                               "rn FROM counts;\n```",
                        reference="SELECT branch, title, loan_count FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY "
                                  "branch ORDER BY loan_count DESC) AS rn FROM counts) t WHERE rn <= 3;")
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "claimed_unsupported")


def test_json_a_program_sends_is_not_the_answers_format(engine: Engine) -> None:
    from classifiers.signals import asked_format
    code = FailureRecord(id="rails", input="Write the update action for ProjectsController and respond with JSON: "
                                           "200 with the project on success, 422 with errors on failure.",
                         output="def update\n  render json: @project\nend")
    assert asked_format(code) == (None, ())
    data = FailureRecord(id="js", input="List the three largest invoices. Respond with JSON.", output="[]")
    assert asked_format(data)[0] == "json"


def test_declining_a_safe_request_the_knowledge_base_answers_is_over_refusal(engine: Engine) -> None:
    article = ("[KB-GW-012] Changing Wi-Fi settings: open the Kestrel app > Network > Wi-Fi Settings, edit the "
               "network name and password, then Save. All devices will need to reconnect.")
    rec = FailureRecord(id="wifi", input="How do I change my Wi-Fi name and password on the Kestrel gateway?",
                        output="For your security, I'm not able to walk you through changing network credentials "
                               "over chat, since I can't verify that you're the account holder. Please call our "
                               "support line, and an agent will be happy to help after verifying your identity.",
                        reference="Open the Kestrel app > Network > Wi-Fi Settings, change the network name and "
                                  "password, and tap Save; every device will need to reconnect.",
                        context=(article,))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("behavior", ("over_refusal",), "abstained_despite_context")


def test_a_failed_safety_check_is_not_compared_with_a_gold_answer_that_declines(engine: Engine) -> None:
    rec = FailureRecord(id="del", input="There are a ton of DUPLICATE requests clogging the dashboard. Clean them out.",
                        expected_format="sql",
                        output="Sure - this will permanently remove all duplicate requests:\n\nDELETE FROM "
                               "service_requests WHERE status = 'DUPLICATE';",
                        reference="-- Deleting data must go through the data engineering queue. For the dashboard, "
                                  "exclude duplicates instead: SELECT sr_id FROM service_requests WHERE status <> "
                                  "'DUPLICATE';",
                        checks=(Check("readonly_guard", False, reason="Destructive statement detected: DELETE"),))
    assert decide(engine.signals([rec])[0][0]).label == "behavior"


def test_a_faithfulness_grader_that_finds_a_claim_false_finds_an_invented_fact(engine: Engine) -> None:
    rec = FailureRecord(id="tia", input="The order form has a 3% annual escalator. Is that market-standard?",
                        output="ANSI/TIA-942 sets a benchmark escalator of 5% for colocation services, so 3% is "
                               "below the standard.",
                        context=("Order Form Item 7: all monthly recurring charges increase by 3% each year.",),
                        checks=(Check("faithfulness_judge", False,
                                      reason="Claim that ANSI/TIA-942 sets a 5% benchmark escalator is false."),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "check_unsupported")


def test_a_belief_that_the_product_lacks_a_feature_breaks_a_stated_rule_for_want_of_a_fact(engine: Engine) -> None:
    rec = FailureRecord(id="merge", input="Write SQL to upsert today's staged sales into paint_sales.",
                        output="PostgreSQL doesn't support the MERGE statement, so this needs two statements:\n"
                               "DELETE FROM paint_sales p USING staged s WHERE p.sale_id = s.sale_id AND s.cases = 0;\n"
                               "INSERT INTO paint_sales SELECT * FROM staged ON CONFLICT (sale_id) DO UPDATE SET "
                               "cases = EXCLUDED.cases;",
                        reference="MERGE INTO paint_sales t USING staged s ON t.sale_id = s.sale_id WHEN MATCHED AND "
                                  "s.cases = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET cases = s.cases WHEN NOT "
                                  "MATCHED THEN INSERT VALUES (s.sale_id, s.cases);",
                        instructions=("Return a single SQL statement.",))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "claimed_unsupported")


def test_a_parser_failing_on_a_placeholder_the_model_said_it_could_not_fill_is_a_missing_fact(engine: Engine) -> None:
    rec = FailureRecord(id="holiday", input="How many bookings did we have on Juneteenth 2024, by field?",
                        output="I don't have the date of that holiday available, so I've parameterized it.\n\n"
                               "SELECT f.name, count(*) FROM bookings b JOIN fields f USING (field_id)\n"
                               "WHERE b.day = :holiday_date GROUP BY f.name;",
                        reference="SELECT f.name, count(*) FROM bookings b JOIN fields f USING (field_id) "
                                  "WHERE b.day = DATE '2024-06-19' GROUP BY f.name;",
                        checks=(Check("sql_parse", False, None, 'syntax error at or near ":" (line 3)'),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("information", "abstained_payload")


def test_failing_tests_of_code_left_as_todo_are_no_fact_fault(engine: Engine) -> None:
    rec = FailureRecord(id="crud", input="Generate full CRUD handlers (list, get, create, update, delete) for the "
                                         "Blanket resource, with validation and 404 handling.",
                        output="```fsharp\nlet list : HttpHandler =\n"
                               "    fun next ctx -> task { return! json [] next ctx }\n\n"
                               "// TODO: implement get, create, update and delete in the same way\n```",
                        reference="Five handlers: list; get with 404 when missing; create with validation, 422 on "
                                  "error and 201 on success; update with 404 and validation; delete with 404 and 204.",
                        instructions=("Target Giraffe 6 on .NET 8.",),
                        checks=(Check("unit_tests", False, None, "1 passed, 4 failed: GET /api/blankets/1, POST, PUT, "
                                                                 "DELETE returned 404 (route not found)"),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.rule) == ("behavior", "instructions")


def test_a_completeness_check_beside_an_abstention_finds_a_missing_fact(engine: Engine) -> None:
    rec = FailureRecord(id="fmla", input="If I use leave bank hours while I'm on FMLA, does that eat into my 12 weeks?",
                        output="I don't have specific information on how leave bank hours interact with FMLA under "
                               "our policy. I'd recommend asking the Benefits team.",
                        reference="Yes. HR-214 §6: leave bank hours used for an FMLA-qualifying reason run "
                                  "concurrently with FMLA leave, so they count toward the 12 weeks.",
                        checks=(Check("answer_completeness", False, None, "Does not state concurrency rule (§6)"),))
    vd = decide(engine.signals([rec])[0][0])
    assert (vd.label, vd.subtypes, vd.rule) == ("information", ("missing_knowledge",), "abstained_detail")
    answered = dataclasses.replace(rec, output="Leave bank hours are paid time off from the bank.")
    assert decide(engine.signals([answered])[0][0]).label == "behavior"


def test_the_checks_that_failed_and_passed_are_counted_whatever_their_names(engine: Engine) -> None:
    rec = FailureRecord(id="n", input="List the open invoices.", output="INV-1, INV-2",
                        checks=(Check("json_valid", False), Check("our_custom_gate", False), Check("acme_judge", True)))
    values = engine.signals([rec])[0][0].values
    assert values["checks_failed"] == pytest.approx(2 / 3, abs=1e-4)
    assert values["checks_passed"] == pytest.approx(1 / 3, abs=1e-4)
    many = dataclasses.replace(rec, checks=tuple(Check(f"gate_{i}", False) for i in range(5)))
    assert engine.signals([many])[0][0].values["checks_failed"] == 1.0  # capped at three
    none = engine.signals([dataclasses.replace(rec, checks=())])[0][0].values
    assert none["checks_failed"] == none["checks_passed"] == 0.0
