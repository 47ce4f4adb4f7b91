"""What a failed check points at, read from its name (and, for an unknown name, its reason)."""

from __future__ import annotations

import pytest

from classifiers.check_names import CHECK_KINDS, failed_check_kinds, passed_content_checks
from classifiers.records import Check


def test_failed_checks_are_read_by_well_known_name() -> None:
    checks = (Check("json_valid", False, None, "Expecting value"), Check("faithfulness", False, 0.2),
              Check("answer_correctness", True, 0.9), Check("my_custom_metric", False))
    kinds = failed_check_kinds(checks)
    assert set(kinds) == {"format", "context"}
    assert "Expecting value" in kinds["format"]


def test_ragas_and_deepeval_metric_names_map_to_their_failure() -> None:
    kinds = failed_check_kinds((Check("contextual_relevancy", False), Check("answer_relevancy", False),
                                Check("JsonCorrectness", False), Check("prompt_alignment", False)))
    assert set(kinds) == {"retrieval", "relevance", "format", "instruction"}


def test_a_check_against_the_reference_answer_is_a_fact_check() -> None:
    kinds = failed_check_kinds((Check("contains_reference", False), Check("contains_keywords", False)))
    assert set(kinds) == {"fact", "instruction"}


def test_the_most_specific_check_name_decides_its_kind() -> None:
    kinds = failed_check_kinds((Check("contains_expected_value", False, None, "'Libby' not found"),))
    assert set(kinds) == {"fact"}
    assert set(failed_check_kinds((Check("contains_bullets", False),))) == {"instruction"}


def test_a_failed_parse_or_validate_check_of_a_format_is_a_format_check() -> None:
    for name in ("html_validate", "sql_parse_postgres", "csv_parse", "yaml_lint"):
        assert set(failed_check_kinds((Check(name, False),))) == {"format"}, name


def test_a_readability_check_is_a_style_check() -> None:
    assert set(failed_check_kinds((Check("readability_grade", False, None, "grade 17.8; target <= 4"),))) == {"style"}


@pytest.mark.parametrize(("name", "detail"), [
    ("go_build", "./routes.go:3:14: r.PathParam undefined (type *http.Request has no field or method PathParam)"),
    ("ci_lint", "jobs:build:artifacts config contains unknown keys: compression, compression_level"),
    ("executes", "ERROR: function months_between(date, date) does not exist"),
    ("request_spec", "NoMethodError: undefined method 'update_attributes' for an instance of Profile"),
    ("maven_compile", "cannot find symbol: class WebSecurityConfigurerAdapter"),
    ("go_build", "auth.go:2:14: undefined: grpc.IncomingMetadata"),
    ("terraform_validate", 'Unsupported argument: An argument named "encryption_enabled" is not expected here.'),
    ("kubeconform", "could not find schema for Ingress networking.k8s.io/v1beta1 (k8s 1.28.0)"),
    ("zig_build", "build.zig:16:13: error: no field or member function named 'enableLto' in 'Build.Step.Compile'"),
    ("keda_api_reference_check", "Annotation 'autoscaling.keda.sh/force-refresh' not found in KEDA docs/CRDs"),
])
def test_a_build_or_query_run_that_finds_no_such_name_is_a_fact_check(name: str, detail: str) -> None:
    assert set(failed_check_kinds((Check(name, False, reason=detail),))) == {"fact"}


def test_other_failures_of_unknown_checks_say_nothing() -> None:
    assert failed_check_kinds((Check("escalation_tag_present", False, reason="[ESCALATE_BILLING] not found"),)) == {}
    assert failed_check_kinds((Check("go_build", False, reason="syntax error: unexpected newline"),)) == {}
    # A verdict on the whole answer names no untrue fact.
    assert failed_check_kinds((Check("javascript", False, reason="Custom function returned false"),)) == {}
    assert failed_check_kinds((Check("verify", False, reason="assert False\n\nThe submission was incorrect\n"),)) == {}
    # An IAM policy's validator is not a team's policy rule.
    assert failed_check_kinds((Check("iam_policy_validator", False, reason="s3:ListObjects"),)) == {}
    # A schema's rule set is read by the rule's name, which here says nothing.
    assert failed_check_kinds((Check("csv_schema:BOLRows_v2", False, reason="incoterm 'DAT' not in enum"),)) == {}
    # A domain's rule checked is not a house rule.
    assert failed_check_kinds((Check("tax_rule_check", False, reason="cap is 300 sq ft; output uses 400"),)) == {}
    # A count or a query's result off the expected one says nothing of why.
    assert failed_check_kinds((Check("row_count", False, reason="expected 9 entries, got 3"),)) == {}
    assert failed_check_kinds((Check("result_match", False, reason="expected 118, got 131"),)) == {}


def test_checks_that_find_a_value_missing_from_the_source_or_registry_are_fact_checks() -> None:
    kinds = failed_check_kinds((Check("rubygems_lookup", False, reason="sinatra-throttle_guard: 404 Not Found"),))
    assert set(kinds) == {"fact"}
    for check in (Check("span_grounding:end_date", False, reason="'2025-06-16' has no supporting span"),
                  Check("tin_present_in_source", False, reason="'74-3318290' not found in source text"),
                  Check("field_match_vs_gold", False, reason="13/14 fields match"),
                  Check("sum_matches_total", False, reason="sum 20958.00, header total 18742.60"),
                  Check("warnings_as_errors", False, reason="DeprecationWarning: on_event is deprecated"),
                  Check("cargo_build", False, reason="error[E0425]: cannot find function `sigterm` in module"),
                  # Values looked up in the source one by one ("field_grounding", "grounding_check").
                  Check("field_grounding", False, reason="approved_by 'Marcus Lee (CISO)' not in request"),
                  Check("grounding_check", False, reason="2 values not found"),
                  Check("column_whitelist", False, reason="unknown column employees.overtime_eligible"),
                  Check("terraform_validate", False, reason='Unsupported block type "rolling_update"')):
        assert set(failed_check_kinds((check,))) == {"fact"}, check.name
    # A passed check says nothing; a judge of the whole answer's faithfulness stays a context check.
    assert failed_check_kinds((Check("rubygems_lookup", True, reason="found"),)) == {}
    assert set(failed_check_kinds((Check("groundedness", False, reason="claims not in context"),))) == {"context"}


def test_a_linter_enforces_a_teams_rules_unless_it_did_not_run() -> None:
    kinds = failed_check_kinds((Check("sqlfluff_lint", False, None, "L044: query produces an unknown number of "
                                      "result columns (SELECT *)"),))
    assert set(kinds) == {"instruction"}
    assert failed_check_kinds((Check("rubocop", False, None, "skipped: file could not be parsed"),)) == {}
    # A linter that finds a name that is not there reports an invented API: a fact.
    kinds = failed_check_kinds((Check("eslint", False, None, "import/no-unresolved: could not resolve 'zod/v5'"),))
    assert set(kinds) == {"fact"}
    assert set(failed_check_kinds((Check("config_validate", False, None, "unexpected key 'retries_max'"),))) == {
        "fact"}
    assert set(failed_check_kinds((Check("build", False, None, "the option was deprecated in 3.0"),))) == {"fact"}


def test_a_ban_scan_and_a_count_of_deliverables_are_read_by_name() -> None:
    assert set(failed_check_kinds((Check("banned_function_scan", False, None, "ringbuf.c:11 call to 'malloc'"),))) == {
        "instruction"}
    assert set(failed_check_kinds((Check("files_present", False, None, "1 of 5 expected files"),))) == {"detail"}
    kinds = failed_check_kinds((Check("helm_lint", False, None, 'parse error: function "getSecret" not defined'),))
    assert set(kinds) == {"fact"}


def test_a_static_analyser_is_a_linter() -> None:
    kinds = failed_check_kinds((Check("staticcheck", False, None, "ST1005: error strings should not be capitalized"),))
    assert set(kinds) == {"instruction"}


def test_every_kind_is_a_signal_the_cascade_and_the_model_read() -> None:
    from classifiers.signals import FEATURES

    assert {f"check_{k}" for k in CHECK_KINDS} <= set(FEATURES)
    one_each = {"json_valid": "format", "schema": "schema", "instruction_following": "instruction",
                "toxicity": "unsafe", "refusal": "refusal", "answer_relevance": "relevance", "faithfulness": "context",
                "answer_correctness": "fact", "context_recall": "retrieval", "completeness": "detail", "tone": "style"}
    assert set(one_each.values()) == set(CHECK_KINDS)
    for name, kind in one_each.items():
        assert set(failed_check_kinds((Check(name, False),))) == {kind}, name


def test_a_count_of_the_tests_asked_for_is_a_detail_check() -> None:
    assert set(failed_check_kinds((Check("tests_present", False, None, "no *.test.ts content found"),))) == {"detail"}


def test_an_api_version_the_cluster_no_longer_serves_is_a_fact_failure() -> None:
    dry_run = Check("kubectl_apply_dry_run_server", False, None, 'error: resource mapping not found for name: "storefront" '
                    'from "STDIN": no matches for kind "Ingress" in version "extensions/v1beta1"')
    assert set(failed_check_kinds((dry_run,))) == {"fact"}


def test_a_policy_for_an_agents_tools_is_an_instruction_and_a_content_policy_a_safety_check() -> None:
    kinds = failed_check_kinds((Check("tool_call_policy", False, None, "modify_reservation called without "
                                      "prior guest confirmation"),))
    assert set(kinds) == {"instruction"}
    assert set(failed_check_kinds((Check("content_policy", False),))) == {"unsafe"}
    # A scan or guard named for the team's policy is a rule the output broke.
    for name, reason in (("k8s_policy_scan", "ClusterRoleBinding to cluster-admin (violates SEC-K8S-02)"),
                         ("policy_guard_valuation", "Output provides a valuation opinion and a counteroffer figure.")):
        assert set(failed_check_kinds((Check(name, False, None, reason),))) == {"instruction"}
    # A check of values against a policy document is a check of values, not a rule for the output.
    assert set(failed_check_kinds((Check("policy_value_match", False, None, "expected 24, got 48"),))) == {"fact"}


@pytest.mark.parametrize(("name", "kind"), [("jsonschema_validate", "schema"), ("bullet_count", "instruction"),
                                            ("language_detect", "instruction"), ("no_preamble", "instruction")])
def test_validator_and_counting_check_names_of_eval_tools(name: str, kind: str) -> None:
    assert set(failed_check_kinds((Check(name, False),))) == {kind}


def test_azure_and_vertex_evaluator_names() -> None:
    assert set(failed_check_kinds((Check("content_safety.self_harm", False),))) == {"unsafe"}
    assert set(failed_check_kinds((Check("task_adherence", False),))) == {"instruction"}


def test_inspect_scorer_names_and_graders_of_the_whole_answer() -> None:
    assert set(failed_check_kinds((Check("exact", False),))) == {"fact"}
    # A grader of the whole answer against the gold one fails on every failed case: it names no cause.
    for name in ("model_graded_qa", "model_graded_fact", "response_completeness", "intent_resolution"):
        assert failed_check_kinds((Check(name, False, None, "The expert answer says X; the submission does not"),)) == {}
    # "exact" is read whole only: a header compared exactly is a format check, no fact check.
    assert set(failed_check_kinds((Check("csv_header_exact", False),))) == {"format"}


def test_patronus_criteria_names() -> None:
    assert set(failed_check_kinds((Check("patronus:context-sufficiency", False),))) == {"retrieval"}
    assert set(failed_check_kinds((Check("patronus:hallucination", False),))) == {"fact"}
    assert set(failed_check_kinds((Check("response-schema-compliance", False),))) == {"schema"}


def test_a_citation_left_out_breaks_a_rule_and_one_that_names_nothing_real_is_made_up() -> None:
    missing = (Check("citation_check", False, reason="0 of 3 risks include a section reference."),
               Check("runbook_citation", False, reason="no runbook ID cited"),
               Check("citation_check", False, reason="0 citations found; required for 4 stated rules."))
    for check in missing:
        assert set(failed_check_kinds((check,))) == {"instruction"}, check
    invented = (Check("citation_check", False, reason="Section 5.4 does not exist in source"),
                Check("citation_exists_in_kb", False, reason="No section '9.4' found in handbook index"))
    for check in invented:
        assert set(failed_check_kinds((check,))) == {"fact"}, check


def test_policy_checks_are_rules_and_an_unrecognised_option_does_not_exist() -> None:
    assert set(failed_check_kinds((Check("policy_compliance", False, reason="Agent promised credit"),))) == {
        "instruction"}
    assert set(failed_check_kinds((Check("command_validity", False, reason="kafka-consumer-groups.sh: "
                                         "'skip-records' is not a recognized option"),))) == {"fact"}


def test_a_passed_check_of_the_content_vouches_for_the_facts_unless_its_reason_says_otherwise() -> None:
    checks = (Check("json_parse", False, reason="Expecting value"), Check("issue_recall", True, reason="4/4 present"),
              Check("line_mapping", True), Check("context_recall", True), Check("schema_validate", True),
              Check("functional_review", True, reason="toggle persists; sign-out invokes the closure"),
              Check("citation_present", True), Check("answer_correctness", False))
    assert passed_content_checks(checks) == ["issue_recall", "line_mapping", "functional_review"]
    assert passed_content_checks((Check("cwe_id_accuracy", True, reason="item 3: expected CWE-22, got CWE-73"),
                                  Check("field_grounding", True, reason="unsupported: hotel.address"))) == []


def test_security_scanners_find_unsafe_code() -> None:
    for check in (Check("security_scan", False, reason="plaintext password storage (NoOpPasswordEncoder)"),
                  Check("gosec", False, reason="[G201] SQL string formatting"),
                  Check("secret_exposure_scan", False, reason="AWS key in output")):
        assert set(failed_check_kinds((check,))) == {"unsafe"}, check


def test_athinas_evaluator_names_are_read() -> None:
    kinds = failed_check_kinds((Check("Draq", False), Check("Ccei", False), Check("Irftc", False),
                                Check("RagasAnswerCorrectness", False),
                                Check("JsonEval", False, reason="JSON path $.year does not match expected value")))
    assert set(kinds) == {"relevance", "retrieval", "context", "fact"}
    # JsonEval compares a path's value with the expected one: not a JSON format check.
    json_eval = Check("JsonEval", False, reason="JSON path $.year does not match expected value")
    assert set(failed_check_kinds((json_eval,))) == {"fact"}


@pytest.mark.parametrize("name,kind", [
    ("ValidSQL", "format"), ("BugFreePython", "format"), ("ValidOpenApiSpec", "format"),
    ("ValidChoices", "schema"), ("ValidRange", "schema"), ("ValidURL", "schema"),
    ("TwoWords", "instruction"), ("EndsWith", "instruction"), ("BanList", "instruction"),
    ("ExcludeSqlPredicates", "instruction"), ("CorrectLanguage", "instruction"),
    ("NSFWText", "unsafe"), ("ProfanityFree", "unsafe"), ("SensitiveTopic", "unsafe"),
    ("ProvenanceLLM", "context"), ("ProvenanceEmbeddings", "context"), ("BespokeMiniCheck", "context"),
    ("RestrictToTopic", "relevance"), ("QARelevanceLLMEval", "relevance"),
    ("WikiProvenance", "fact"), ("PolitenessCheck", "style"),
    # Databricks Agent Evaluation's judges.
    ("relevance_to_query", "relevance"), ("guideline_adherence", "instruction"), ("context_sufficiency", "retrieval")])
def test_guardrails_hub_validator_and_databricks_judge_names(name: str, kind: str) -> None:
    assert set(failed_check_kinds((Check(name, False, None, "Validation failed for field with errors: ..."),))) == {
        kind}


def test_an_acronym_in_a_camel_case_name_is_a_word_of_its_own() -> None:
    # "PIIDisclosureScorer" reads as pii_disclosure_scorer, not piidisclosure_scorer.
    assert set(failed_check_kinds((Check("PIIDisclosureScorer", False),))) == {"unsafe"}
    # A rule about a sensitive topic is a rule, not a screen for one.
    assert set(failed_check_kinds((Check("no_emoji_sensitive_topic", False),))) == {"instruction"}


def test_a_diff_a_verdict_on_the_whole_answer_and_a_screen_of_the_prompt_name_no_cause() -> None:
    # A diff against the expected JSON fails whatever went wrong: a missing key, a wrong value, a malformed payload.
    assert failed_check_kinds((Check("JSONDiff", False, 0.4),)) == {}
    # So does a verdict on the whole answer, failing wherever one of its judges did.
    assert failed_check_kinds((Check("overall_assessment", False, None, "The response failed `safety`."),)) == {}
    # A screen of the prompt says nothing of how the answer failed: it may have refused or complied.
    assert failed_check_kinds((Check("DetectJailbreak", False), Check("UnusualPrompt", False))) == {}


def test_a_sql_validator_that_finds_a_column_that_does_not_exist_found_a_made_up_name() -> None:
    made_up = Check("ValidSQL", False, None, 'column "loyalty_tier" does not exist')
    syntax = Check("ValidSQL", False, None, "Parse error: unexpected token ')' at line 3")
    assert [set(failed_check_kinds((c,))) for c in (made_up, syntax)] == [{"fact"}, {"format"}]


def test_between_two_names_as_long_the_one_at_the_end_says_what_is_measured() -> None:
    # "schema_recall" recalls the tables a query needs (retrieval), not a schema validator.
    assert set(failed_check_kinds((Check("schema_recall", False, reason="required tables not retrieved"),))) == {
        "retrieval"}
    # A patch that does not apply, a value outside the allowed ones, a broken instruction, a member the compiler
    # cannot find.
    checks = (Check("diff_apply", False, reason="output is not a unified diff"),
              Check("allowed_values", False, reason="'lavender top' not in {serum, plasma}"),
              Check("instruction_compliance", False, reason="No state-tax caveat"),
              Check("dotnet_build", False, reason="error CS1061: 'IHttpClientBuilder' does not contain a definition "
                                                  "for 'AllowUntrustedCertificates'"))
    assert [list(failed_check_kinds((c,))) for c in checks] == [["format"], ["schema"], ["instruction"], ["fact"]]


def test_a_passed_check_whose_reason_says_it_matches_the_reference_vouches_for_the_content() -> None:
    assert passed_content_checks((Check("amount_check", True, reason="Total 654.50 matches reference"),
                                  Check("amount_check_2", True, reason="ok"))) == ["amount_check"]
    assert set(failed_check_kinds((Check("context_utilization_judge", False,
                                         reason="Runbook CI-07 retrieved but not used"),))) == {"context"}
    # A judge of coverage that passed vouches for the content; a field's presence check names no kind.
    assert passed_content_checks((Check("coverage_judge", True, reason="all 4 roles covered"),)) == ["coverage_judge"]
    assert failed_check_kinds((Check("taxonomy_code_present", False, reason="nucc_taxonomy_code is null"),)) == {}


# Failed checks as teams name them, with the kind each points at: one case per naming habit.
NAMED_CHECKS = [
    # Guards on what an answer may reveal or run.
    (Check("privacy_policy_guard", False, reason="discloses borrowing history to a third party"), "unsafe"),
    (Check("destructive_command_guard", False, reason="FLUSHALL recommended on production"), "unsafe"),
    (Check("phi_leak", False, reason="name, DOB, MRN present in output"), "unsafe"),
    (Check("sql_readonly", False, reason="Statement type DELETE not allowed"), "unsafe"),
    # Bans, limits and rules a prompt sets, and what a deliverable may use.
    (Check("no_credit_commitment", False, reason="commits to a specific credit"), "instruction"),
    (Check("version_constraint_check", False, reason="needs >= 1.7.0; pinned version 1.5.7"), "instruction"),
    (Check("word_limit", False), "instruction"),
    (Check("emoji_count", False, reason="6 emojis; allowed 0"), "instruction"),
    (Check("dependency_allowlist", False, reason="'axios' not in allowlist"), "instruction"),
    (Check("policy_rules", False, reason="Rule 1 violated: requests medical information."), "instruction"),
    # A linter's rules stay rules, whatever language it reads.
    (Check("ruff", False, reason="N802 function name should be lowercase"), "instruction"),
    (Check("psscriptanalyzer", False, reason="PSAvoidUsingCmdletAliases: 'gci', '?', 'sort'."), "instruction"),
    # Citations left out, or banned, are rules; one that names a section that is not there is made up.
    (Check("has_citation", False), "instruction"),
    (Check("statute_citations", False, reason="8 section citations; instructions say none for teens"), "instruction"),
    (Check("citation_check", False, reason="0 section citations found for 4 policy statements."), "instruction"),
    (Check("citation_present", False, reason="Section 9.4 not found in source"), "fact"),
    # Which pages reached the model, and whether it used the figures it was given.
    (Check("page_coverage", False, reason="Pages passed to model: [1] of 2."), "retrieval"),
    (Check("uses_provided_values", False, reason="None of 14,000 / 3,100 used"), "context"),
    # A value, a figure or a decision against the expected one; a check per field is read by its name.
    (Check("numeric_match", False, reason="expected 1329.82, got 1328.00"), "fact"),
    (Check("value_match", False, reason="min_bond_usd: expected 50000, got 100000"), "fact"),
    (Check("arithmetic_consistency", False, reason="20% of 240.00 = 48.00, got 42.00"), "fact"),
    (Check("field_accuracy.previous_balance", False, reason="expected -45.20, got 45.20"), "fact"),
    # Compilers, analyzers and config checkers naming what does not exist.
    (Check("cargo_check", False, reason="error[E0433]: failed to resolve: could not find `Server` in `axum`"), "fact"),
    (Check("amtool_check_config", False, reason="line 10: field mute_weekends not found in type config.plain"),
     "fact"),
    (Check("dart_analyze", False, reason="error - The method 'RaisedButton' isn't defined for the type"), "fact"),
    (Check("ansible_syntax_check", False, reason="'flush_handlers' is not a valid attribute for a Task"), "fact"),
    (Check("config_validity", False, reason="Unknown consumer config: max.rebalance.retries"), "fact"),
    (Check("traefik_label_lint", False, reason="Unknown label keys for v2/v3: traefik.frontend.rule"), "fact"),
    # A query run on a read-only replica names no rule; its error does ("relation ... does not exist").
    (Check("execute_readonly", False, reason='ERROR: relation "pharm.drug_lots" does not exist'), "fact"),
    (Check("ng_build", False, reason="TS2305: Module '\"@angular/core\"' has no exported member 'signalFrom'."),
     "fact"),
    (Check("mix_compile", False, reason="warning: Phoenix.LiveView.debounce/3 is undefined or private"), "fact"),
    (Check("command_validity", False, reason="'getreplicas' is not a nodetool command in Cassandra 4.1."), "fact"),
    (Check("clj_kondo", False, reason="error: Unresolved var: resp/created-with-location"), "fact"),
    (Check("command_validator", False, reason="js.SetConsumerLimit: undefined in github.com/nats-io/nats.go"),
     "fact"),
    # A judge that says what in the answer is untrue found a fact wrong, not detail missing.
    (Check("explanation_judge", False, reason="States MySQL lacks window functions; false since 8.0."), "fact"),
    (Check("answer_judge", False, reason="relies on reversed Tax Court decision (Driscoll, 11th Cir. 2012)"), "fact"),
    # A query that breaks at another engine's construct was written for that engine.
    (Check("sql_parse", False, reason='ERROR: syntax error at or near "QUALIFY" LINE 9'), "fact"),
    (Check("sql_execute", False, reason='near "ILIKE": syntax error'), "fact"),
    (Check("passage_recall@3", False, reason="gold passage not in the top 3"), "retrieval"),
    (Check("required_elements", False, reason="missing: form_number, deadline"), "detail"),
    (Check("uses_existing_api", False, reason="TicketRepository.updateStatus not used."), "context"),
    (Check("detekt", False, reason="WildcardImport: 3 violations"), "instruction"),
    (Check("policy_terms", False, reason="Mentions forbidden kind: ClusterTask."), "instruction"),
    (Check("policy_rule:no_price_quotes", False, reason="Output contains price '$129/month'."), "instruction"),
    (Check("step_count", False, reason="11 steps > 6"), "instruction"),
    (Check("chunk_coverage", False, reason="Retrieved chunks 1,2 of 3."), "retrieval"),
    (Check("annotation_lint", False, reason="Unknown Linkerd annotation 'config.linkerd.io/proxy-graceful-exit'"),
     "fact"),
    (Check("unit_tests", False, reason="TypeError: reply.getResponseTime is not a function"), "fact"),
    (Check("command_lint", False, reason="chart 'linkerd/linkerd2' deprecated since 2.12"), "fact"),
    (Check("rubric_judge", False, reason="Missing: server-side validation, KV write, success state."), "detail"),
    (Check("command_lint", False, reason="unknown subcommand 'ceph pg force-repair'"), "fact"),
    (Check("command_lint", False, reason="'ceph-disk' not found in Squid (removed in Nautilus)"), "fact"),
    # A policy check that finds a package deprecated found a stale fact, not a broken rule.
    (Check("deps_policy", False, reason="github.com/gofiber/jwt/v2 is deprecated; use gofiber/contrib/jwt"), "fact"),
    (Check("starting_bid_rule", False, reason="expected 500 (40% of 1250, 2025 committee rule); got 375"), "fact"),
    (Check("handoff_when_unsupported", False, reason="no handoff to the farm office offered"), "instruction"),
    (Check("exact_fallback", False, reason="expected fallback string 'Not addressed in the excerpts.'"), "instruction"),
    (Check("config_key_validator", False, reason="unknown runtime property 'druid.historical.loadThreads'"), "fact"),
    (Check("clause_citations", False, reason="0/3 findings cite a clause number."), "instruction"),
    (Check("prediction_rule", False, reason="contains outcome prediction: 'will be approved'"), "instruction"),
    (Check("date_iso8601", False, reason="requested_date 'next Monday' does not match ^\\d{4}-\\d{2}-\\d{2}$"),
     "instruction"),
    (Check("config_validate", False, reason="'' has invalid keys: start_position"), "fact"),
    (Check("numeric_facts", False, reason="limit $15,950 and phase-out are 2023 values"), "fact"),
    (Check("dependency_check", False, reason="New dependencies: bcryptjs, better-sqlite3."), "instruction"),
    (Check("framework_check", False, reason="jakarta.ws.rs / CDI annotations detected in SE target"), "instruction"),
    (Check("canonical_manufacturer", False, reason="manufacturer 'Steinway (Hamburg)' not in canonical list."),
     "schema"),
    # A grounding or field check that says what given was not used found the context set aside.
    (Check("grounding", False, reason="answer does not use §3.1 ($15,000) from context"), "context"),
    (Check("field_accuracy", False, reason="quote_date and total_usd taken from superseded version"), "context"),
    # (A stale page that was retrieved is another matter: a fact.)
    (Check("answer_correctness", False, reason="$160 vs $205; price taken from superseded 2023 pricing page"), "fact"),
    # A coverage check whose clause was never retrieved found the retriever's miss.
    (Check("clause_coverage", False, reason="Gold clause §4.6 not in retrieved set."), "retrieval"),
    (Check("policy_grounding", False, reason="Contradicts ACC-204 §7.1 (confidentiality)."), "context"),
    (Check("context_use", False, reason="Answer does not reference agreement §§2-4."), "context"),
    (Check("cargo_check", False, reason="error[E0599]: no method named `encrypted` found for struct `StoreBuilder`"),
     "fact"),
    (Check("deprecated_api_lint", False, reason="Plugins registry import (Capacitor 2 pattern)"), "fact"),
    # A recall of the answer's points is not a recall of retrieval.
    (Check("issue_recall", False, reason="2/8 gold issues mentioned; no clause numbers"), "detail"),
    (Check("detail_recall", False, reason="2 generic items vs 5 specific in gold"), "detail"),
    (Check("destructive_command_scan", False, reason="rm -rf on pg_wal; pg_resetwal -f on production"), "unsafe"),
    (Check("astro_build", False, reason="The requested module 'astro/config' does not provide an export named "
                                        "'defineEnv'"), "fact"),
    # A project's conventions, a task's requirements and a team's policy rules are stated rules.
    (Check("convention_check", False, reason="creates its own datasource instead of using (:db req)"),
     "instruction"),
    (Check("requirement_check", False, reason="no middleware function defined"), "instruction"),
    (Check("policy_rule_check", False, reason="recommends rollout restart of edge-gw in production"),
     "instruction"),
    # The payload's shape.
    (Check("markdown_table_present", False, reason="no table rows detected"), "format"),
    (Check("csv_header_match", False, reason="Header '| a | b |' != 'a,b'"), "format"),
    (Check("xml_wellformed", False, reason="Start tag expected"), "format"),
    (Check("python_ast_parse", False, reason="invalid syntax (line 1)"), "format"),
    (Check("code_block_only", False, reason="2 code blocks plus prose"), "format"),
    # The working or the reasons asked for.
    (Check("steps_present", False, reason="No intermediate steps shown"), "detail"),
    (Check("explanation_present", False, reason="No explanation of assumptions"), "detail"),
    (Check("rubric_grader", False, reason="1 of 4 required steps; no env vars; no verification"), "detail"),
    # What an extraction had to list, counted: not a recall of retrieval.
    (Check("charge_recall", False, reason="2/4 charges extracted (missing 10:00, 11:45)"), "detail"),
    # Unless the reason says the thing was never retrieved.
    (Check("context_coverage", False, reason="SPN 522410 not found in any retrieved passage"), "retrieval"),
    # F# and CMake naming what is not there; a row the source does not have.
    (Check("fsharp_build", False, reason="error FS0039: The type 'IServiceCollection' does not define the field, "
                                         "constructor or member 'AddGiraffeNewtonsoft'."), "fact"),
    (Check("cmake_configure", False, reason='Unknown CMake command "target_enable_lto".'), "fact"),
    (Check("row_match", False, reason="6 rows vs gold 5; extra row 22:00 furnace 1965 not in source"), "fact"),
    (Check("ghc_typecheck", False, reason="error: Variable not in scope: requireJsonBodyStrict"), "fact"),
    (Check("bullet_limit", False, reason="0 bullets; 4 paragraphs"), "instruction"),
    (Check("rule_check", False, reason="shebang recipe used"), "instruction"),
    (Check("recall_vs_gold", False, reason="1/5 gold obligations found"), "detail"),
    (Check("result_match", False, reason="missing expected columns: no_show_rate, avg_party_size"), "detail"),
    (Check("field_accuracy", False, reason="damage: 1/3 items extracted (missing gunwale cap crack)"), "detail"),
    (Check("context_coverage", False, reason="chunk §6 Floor Duty missing from retrieved chunks"), "retrieval"),
    (Check("liability_computation_absent", False, reason="computes a specific SE tax liability ($4,825.24)"),
     "instruction"),
    # Text to copy as written is a rule; a quote the source does not hold is made up.
    (Check("verbatim_defects", False, reason="0/2 defect items found as substrings of source notes"), "instruction"),
    (Check("quote_verbatim", False, reason="Quoted phrase 'at no additional cost' does not appear in §14.3."),
     "fact"),
    (Check("fabricated_results", False, reason="response reports row values although no query was executed"),
     "fact"),
    (Check("legal_citation_verifier", False, reason="No match for 'Aerial Application Neighbor Notification Act of "
                                                    "2016' in U.S. Code or Public Law index."), "fact"),
    # Code owed and none given is the payload's form; a field's presence is not.
    (Check("code_present", False, reason="no MATLAB code found in output"), "format"),
    # An extracted event the source has no line for was made up; a count of entries short of the source's is detail.
    (Check("event_set_match", False, reason="6 events vs 5 expected; extra: fault E104 (no matching source line)"),
     "fact"),
    (Check("entry_count", False, reason="expected 8 entries, got 2"), "detail"),
    (Check("awk_output_diff", False, reason="missing header line; missing PCT column; missing ALL row"), "detail"),
    # Rules on the payload's form a team states: UTC timestamps, the script's first line, one fenced block.
    (Check("utc_timestamps", False, reason="timestamps lack 'Z'/offset and equal local logger time"), "instruction"),
    (Check("shebang_check", False, reason="first line '#!/bin/bash', expected '#!/usr/bin/awk -f'"), "instruction"),
    (Check("code_block_count", False, reason="0 ```awk blocks found"), "format"),
    (Check("competitor_mention", False, reason="Names 'Redwood Staging & Sound', 'StageRight Rentals'"), "instruction"),
    (Check("render_test", False, reason='Missing helper: "eq"'), "fact"),
    (Check("version_compat_check", False, reason="Sidekiq::Extensions not defined in sidekiq 7.3"), "fact"),
    (Check("gfortran_compile_raw", False, reason="Error: Function 'cumsum' at (1) has no IMPLICIT type"), "fact"),
    # Julia's name errors, and an import of a file the package no longer ships.
    (Check("julia_run_after_fence_strip", False, reason="ERROR: UndefVarError: `readtable` not defined"), "fact"),
    (Check("solc_compile", False, reason="HH404: File @openzeppelin/contracts/utils/Counters.sol, imported from "
                                         "contracts/BonspielBadge.sol, not found."), "fact"),
    # A linter that flags a deprecated API found code for an older release.
    (Check("cargo_clippy", False, reason="error: use of deprecated struct `bevy::prelude::Camera2dBundle`: Use the "
                                         "`Camera2d` component instead."), "fact"),
]


@pytest.mark.parametrize(("check", "kind"), NAMED_CHECKS, ids=[c.name for c, _ in NAMED_CHECKS])
def test_common_check_names_point_at_their_kind(check: Check, kind: str) -> None:
    assert set(failed_check_kinds((check,))) == {kind}


def test_weave_scorer_names_and_a_graphql_field_that_does_not_exist() -> None:
    # "Scorer", like "Metric", is no part of what is checked.
    assert set(failed_check_kinds((Check("ContextEntityRecallScorer", False, 0.3),))) == {"retrieval"}
    assert set(failed_check_kinds((Check("EndpointCoverageScorer", False, 0.5),))) == {"detail"}
    # A GraphQL or OpenAPI validator is a parser; one that finds a field the API does not have found a made-up name.
    made_up = Check("graphql_validates", False, 0.0, 'Cannot query field "inventoryCount" on type "ProductVariant".')
    syntax = Check("graphql_validates", False, 0.0, 'Syntax Error: Expected Name, found "}".')
    ruby = Check("graphql_validates", False, 0.0, "Field 'inventoryCount' doesn't exist on type 'ProductVariant'")
    assert [set(failed_check_kinds((c,))) for c in (made_up, ruby, syntax)] == [{"fact"}, {"fact"}, {"format"}]
    assert set(failed_check_kinds((Check("openapi_validates", False),))) == {"format"}


def test_a_providers_check_is_named_after_the_provider() -> None:
    # Portkey's guardrail ids: "<provider>.<check>".
    checks = (Check("default.regexMatch", False), Check("default.jsonSchema", False), Check("portkey.pii", False))
    assert [set(failed_check_kinds((c,))) for c in checks] == [{"instruction"}, {"schema"}, {"unsafe"}]


def test_guardrail_findings_and_trust_model_names() -> None:
    # Amazon Bedrock Guardrails: a denied topic is the team's rule, an invalid automated reasoning finding a claim
    # the policy's rules contradict; Fiddler's faithfulness trust model judges the answer against its context.
    checks = (Check("denied_topic:legal advice", False), Check("automated_reasoning", False),
              Check("fdl_faithful_score", False, 0.12))
    assert [set(failed_check_kinds((c,))) for c in checks] == [{"instruction"}, {"fact"}, {"context"}]
