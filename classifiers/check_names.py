"""What a pipeline's failed checks point at, read from their names (and, for unknown names, their reasons).

Eval tools name their checks in ways that say what they test: `json_valid` is a format check, `faithfulness`
a context check, `answer_correctness` a fact check, `context_recall` a retrieval check. A failed check whose
name is well known is evidence of that kind of failure; one whose name says nothing can still say it through
its reason ("function median(numeric) does not exist": a name the model made up).
"""

from __future__ import annotations

import re

from classifiers.records import Check

# Well-known check names mapped to the failure they point at (behavior or information).
_CHECK_KINDS = {
    "format": ("json_valid", "valid_json", "is_json", "json", "yaml_valid", "xml_valid", "parseable",
               "format", "sql_valid", "csv_valid", "html_valid", "json_correctness", "is_valid_json",
               # The payload's shape: a table, a header, a column count, one block and nothing around it.
               "markdown_table", "table_present", "csv_header", "csv_column_count", "wellformed", "well_formed",
               "sql_only", "json_only", "yaml_only", "code_only", "single_code_block", "code_block_only",
               # Guardrails Hub's parsers of code and specs (ValidSQL, BugFreePython, ValidOpenApiSpec).
               "valid_sql", "valid_python", "valid_yaml", "valid_xml", "valid_html", "valid_csv", "bug_free_python",
               "bug_free_sql", "valid_open_api_spec", "valid_openapi_spec"),
    "schema": ("schema", "json_schema", "schema_valid", "schema_match", "pydantic", "types", "jsonschema",
               "jsonschema_validate", "schema_validation", "validate_schema", "schema_compliance",
               # A field outside its allowed values ("'lavender top' not in {serum, plasma, ...}").
               "allowed_values", "enum", "enum_values", "allowed_value",
               # Guardrails Hub's checks of one value (ValidChoices, ValidRange, ValidURL).
               "valid_choices", "valid_range", "valid_url", "valid_number"),
    "instruction": ("instruction_following", "instructions", "instruction", "length", "max_length", "word_count",
                    "ifeval", "constraints", "contains", "regex", "not_contains", "prompt_alignment",
                    # Counts and bans a prompt states.
                    "bullet_count", "bullet_limit", "sentence_count", "step_count", "no_preamble", "no_markdown",
                    "emoji_check",
                    "language_detect", "task_adherence", "instruction_adherence",
                    # A stated limit checked ("version_constraint_check: proposes a block that needs 1.7; pinned
                    # 1.5.7").
                    "constraint", "constraint_check",
                    # Lengths, counts, words and languages a prompt sets; what a deliverable may use or must carry.
                    "word_limit", "min_words", "max_words", "char_count", "char_limit", "emoji", "emoji_count",
                    "jargon", "language_match", "language_id", "placeholder", "placeholders", "has_limit",
                    "statement_type", "allowlist", "dependency_diff", "disclaimer",
                    # A project's conventions and a task's stated requirements ("convention_check: creates its own
                    # datasource instead of using (:db req)", "requirement_check: no middleware function defined").
                    "convention", "conventions", "convention_check", "requirement", "requirements",
                    "requirement_check", "requirements_check",
                    # Dependencies and frameworks a project allows ("dependency_check: new dependencies: bcryptjs").
                    "dependency_check", "dependencies_check", "new_dependencies", "framework_check",
                    # A hand-off the rules require ("handoff_when_unsupported: no handoff to the farm office").
                    "handoff", "handoff_check", "handoff_when_unsupported", "escalation_check",
                    # Names a support assistant may not give ("competitor_mention: Names 'StageRight Rentals'").
                    "competitor_mention", "competitor_check", "competitors",
                    # The exact fallback line a prompt prescribes ("exact_fallback: expected 'Not addressed ...'").
                    "fallback", "exact_fallback", "fallback_string", "fallback_used",
                    # Text a prompt says to copy as written ("verbatim_defects: 0/2 defect items found as substrings").
                    "verbatim", "verbatim_copy", "verbatim_quote",
                    # Guardrails Hub's rules on the text's shape and words (EndsWith, TwoWords, OneLine, LowerCase,
                    # ReadingTime, BanList, CorrectLanguage, QuotesPrice, ExcludeSqlPredicates).
                    "ends_with", "two_words", "one_line", "lower_case", "upper_case", "reading_time", "ban_list",
                    "correct_language", "quotes_price", "exclude_sql_predicates",
                    # Databricks Agent Evaluation's judge of the team's guidelines.
                    "guideline_adherence", "global_guideline_adherence", "guidelines",
                    # A topic the team's guardrail denies (Amazon Bedrock Guardrails' "denied_topic:legal advice").
                    "denied_topic"),
    "unsafe": ("toxicity", "toxic", "safety", "harmful", "moderation", "pii", "bias", "content_policy",
               "usage_policy", "content_safety", "violence", "sexual", "self_harm", "hate_unfairness", "hate",
               # Security scanners of code and config: a password stored in plain text, a query built from user input.
               "security", "secret", "secrets", "secret_scan", "gosec", "bandit", "semgrep", "codeql", "brakeman",
               "snyk", "sast", "tfsec", "checkov", "trivy",
               # Guards a team puts on what an answer may reveal or run ("privacy_policy_guard", "phi_leak",
               # "destructive_command_guard").
               "guard", "guardrail", "guardrails", "leak", "phi", "phi_leak", "pii_leak", "data_leak",
               # A scan for commands that destroy data ("destructive_command_scan: rm -rf on pg_wal").
               "destructive", "destructive_command", "destructive_commands", "dangerous_command",
               # Guardrails Hub's screens of unsafe text (NSFWText, ProfanityFree, MentionsDrugs, WebSanitization,
               # LlamaGuard7B, ShieldGemma2B). (Not its screens of the prompt, DetectJailbreak and UnusualPrompt: a
               # prompt flagged says nothing of how the answer failed, which may be a refusal as well as a
               # compliance.)
               "nsfw_text", "nsfw", "profanity_free", "is_profanity_free", "profanity", "mentions_drugs",
               "web_sanitization", "llama_guard", "llama_guard7_b", "shield_gemma", "shield_gemma2_b",
               # IBM Granite Guardian's risks of the answer (its jailbreak risk screens the prompt), and ShieldGemma's
               # policies.
               "harm", "unethical_behavior", "sexual_content", "dangerous_content", "harassment",
               "sexually_explicit_information", "sexually_explicit"),
    "refusal": ("refusal", "over_refusal", "helpfulness", "answered"),
    "relevance": ("relevance", "answer_relevance", "relevancy", "on_topic", "off_topic",
                  # Athina's "Does Response Answer Query".
                  "draq", "does_response_answer_query",
                  # Guardrails Hub's RestrictToTopic, QARelevanceLLMEval and ResponsivenessCheck.
                  "restrict_to_topic", "qa_relevance_llm_eval", "responsiveness_check",
                  # Databricks Agent Evaluation's relevance judge.
                  "relevance_to_query"),
    "context": ("faithfulness", "groundedness", "grounded", "context_adherence", "hallucination_context",
                "context_faithfulness", "context_utilization", "context_utilisation", "context_usage",
                # Athina's "Is Response Faithful To Context".
                "irftc",
                # The figures the user gave, used or not ("uses_provided_values: none of 14,000 / 3,100 used").
                "uses_provided_values", "uses_context", "uses_given_values", "uses_provided_data",
                # The project's own code, used or not ("uses_existing_api: TicketRepository.updateStatus not used").
                "uses_existing_api", "uses_existing_code", "context_use",
                # Guardrails Hub's checks that the text is supported by the documents it was given.
                "provenance_llm", "provenance_embeddings", "provenance_v0", "provenance_v1", "bespoke_mini_check",
                # Fiddler's trust model of the answer's faithfulness to its context ("fdl_faithful_score").
                "faithful_score"),
    "fact": ("answer_correctness", "correctness", "factuality", "factual", "accuracy", "exact_match",
             "f1", "em", "hallucination", "fact_check", "contains_reference", "contains_answer", "reference_match",
             "matches_reference", "answer_match", "expected_answer", "contains_expected",
             # Google ADK's evaluation: the final response against the reference, and its hallucination judge.
             "response_match_score", "final_response_match_v2", "hallucinations_v1",
             # A cited statute or a dependency that does not exist: "citation_check", "npm_resolve".
             "citation", "citations", "resolve", "exists", "lookup",
             # A value an extraction gives that the source document does not hold ("span_grounding:end_date",
             # "tin_present_in_source"): an invented value, not a departure from the context's wording.
             "span_grounding", "present_in_source", "in_source", "source_span",
             # "field_grounding", "entity_grounding", "grounding_check": values looked up in the source one by
             # one; none found is a value made up (a judge of the whole answer's faithfulness is "groundedness").
             "grounding",
             # Values checked against the gold record or the document's own total ("field_match_vs_gold",
             # "sum_matches_total"): a field or line with another value.
             "vs_gold", "gold_match", "matches_gold", "field_match", "sum_matches_total", "matches_total",
             "total_matches", "totals_match",
             # Athina's JsonEval: a JSON path's value against the expected one.
             "json_eval",
             # A value, a figure or a decision against the expected one ("numeric_match: 1430 vs 675").
             "numeric_match", "value_match", "values_match", "fact_match", "decision_match", "value_check",
             "arithmetic", "facts", "numeric_facts",
             # Values the answer made up ("fabricated_results: reports row values although no query was executed").
             "fabricated", "fabrication", "fabricated_values", "fabricated_results",
             # Guardrails Hub: claims looked up in Wikipedia; a link that does not resolve (a made-up URL).
             "wiki_provenance", "endpoint_is_reachable",
             # Amazon Bedrock's automated reasoning: the answer's claims contradict the policy's rules.
             "automated_reasoning"),
    "retrieval": ("context_recall", "context_precision", "retrieval", "recall", "hit_rate", "mrr",
                  "contextual_recall", "contextual_precision", "contextual_relevancy", "context_relevance",
                  "context_relevancy", "context_sufficiency", "context_entity_recall",
                  # Athina's "Context Contains Enough Information".
                  "ccei", "context_contains_enough_information",
                  # Which pages of a document reached the model ("page_coverage: pages passed to model: [1] of 2").
                  "page_coverage", "document_coverage", "chunk_coverage", "passage_coverage"),
    "detail": ("completeness", "coverage", "detail", "answer_completeness",
               # Parts of the deliverable counted ("files_present: 1 of 5 expected files").
               "files_present", "sections_present", "tests_present", "required_sections", "required_files",
               # The working or the reasons asked for ("steps_present: no intermediate steps shown").
               "steps_present", "explanation", "explanation_present", "rationale", "rationale_present",
               # The points an answer had to carry ("required_elements: missing: form_number, deadline").
               "required_elements",
               # How many of the gold answer's points the answer makes ("issue_recall: 2/8 gold issues mentioned"):
               # a recall of the answer's content, not of retrieval.
               "issue_recall", "issues_recall", "detail_recall", "point_recall", "finding_recall", "gap_recall",
               "line_item_recall",
               # Or of what an extraction had to list ("charge_recall: 2/4 charges extracted").
               "item_recall", "items_recall", "charge_recall", "charges_recall", "deficiency_recall",
               "deficiencies_recall", "event_recall", "events_recall", "entry_recall", "entries_recall",
               # How many of the source's entries an extraction lists ("entry_count: expected 8 entries, got 2").
               "entry_count", "entries_count", "item_count", "items_count"),
    "style": ("style", "tone", "conciseness", "verbosity", "brevity", "role_adherence", "readability",
              "reading_level", "readability_grade", "flesch_kincaid",
              # Guardrails Hub's PolitenessCheck.
              "politeness_check", "politeness"),
}
_WHOLE_NAMES: dict[str, str | None] = {
    "exact": "fact",
    # Graders of the whole answer against the gold one fail on every failed case, whatever went wrong (a refusal,
    # an answer from outside the context, a knowledge gap): they say nothing of the cause. (Inspect's
    # model_graded_qa and model_graded_fact; Azure's response_completeness and intent_resolution.)
    "model_graded_qa": None, "model_graded_fact": None, "response_completeness": None, "intent_resolution": None,
    # So does a diff against the expected JSON (Braintrust's JSONDiff): a missing key, a wrong value, a malformed
    # payload all fail it.
    "json_diff": None,
    # Databricks Agent Evaluation's overall assessment fails wherever one of its judges did.
    "overall_assessment": None,
    # Guardrails Hub's SensitiveTopic screens for topics the team bans; a rule about them ("no_emoji_sensitive_topic")
    # is another check.
    "sensitive_topic": "unsafe", "sensitive_topics": "unsafe",
    # A statement that writes where only reads are allowed ("sql_readonly: statement type DELETE"); a query run
    # on a read-only replica ("execute_readonly") is another check.
    "readonly": "unsafe", "read_only": "unsafe", "sql_readonly": "unsafe",
    # Code owed and none given ("code_present: no MATLAB code found in output"); not a field's presence
    # ("taxonomy_code_present: nucc_taxonomy_code is null").
    "code_present": "format", "has_code": "format", "code_block_count": "format",
}
"""Names read only whole (Inspect's `exact` scorer), never as part of another ("csv_header_exact")."""
CHECK_KINDS = tuple(_CHECK_KINDS)
"""The kinds a failed check can point at; each is a signal (`check_<kind>`)."""


_FORMAT_CHECK = re.compile(r"(?:json|yaml|yml|xml|html|sql|csv|markdown|diff|patch|graphql|openapi)_"
                           r"(?:valid\w*|pars\w*|lint\w*|syntax|"
                           r"check|well_formed|appl\w*)|"
                           # Code that does not parse ("python_ast_parse: invalid syntax (line 1)"); a linter's rules
                           # are another matter.
                           r"(?:python|py)_(?:ast_)?(?:pars\w*|syntax\w*|compil\w*)")


_LINTER = re.compile(r"lint|credo|rubocop|detekt|shellcheck|sqlfluff|flake8|ruff|clippy|checkstyle|scalastyle|"
                     r"style_?check|staticcheck|gofmt|script_?analy[sz]er|"
                     r"rustfmt|prettier|black|isort|ktlint|swiftformat|banned|forbidden|disallowed|denylist|blocklist")
_NOT_RUN = re.compile(r"\bskipped\b|\bnot run\b|did not (?:parse|load)|could(?: not|n't) be parsed|failed to load", re.I)


# What a compiler, linter or database says when code names something that is not there: an invented or removed
# API, flag, column or function ("r.PathParam undefined", "unknown keys: compression", "function median(numeric)
# does not exist", "cannot find symbol").
_UNKNOWN_NAME = re.compile(r"\bundefined (?:method|function|variable|name|index|constant|property)\b|"
                           r"\bundefined\b(?= \(type)|\bundefined: \w|"
                           r"has no (?:exported )?(?:field|attribute|method|member|property)|"
                           r"\bis undefined or private\b|"
                           r"\bunknown (?:keys?|fields?|options?|functions?|methods?|attributes?|properties|directives?|"
                           r"flags?|modules?|resources?|arguments?|property|columns?|tables?|(?:sub)?commands?)\b|"
                           # GraphQL Ruby (Shopify, GitHub): "Field 'inventoryCount' doesn't exist on type 'Product'".
                           r"\bdoes(?: not|n't) exist\b|"
                           # "Unknown consumer config: max.rebalance.retries", "Unknown label keys for v2/v3".
                           r"\bunknown (?:\w+ )?(?:configs?|configuration|settings?|parameters?|keys?|fields?|"
                           r"options?|annotations?|labels?|(?:runtime )?propert(?:y|ies))\b|"
                           # A GraphQL query asking for a field the API does not have: 'Cannot query field
                           # "inventoryCount" on type "ProductVariant"'.
                           r"\bcannot query field\b|"
                           # JavaScript calling what is not there: "reply.getResponseTime is not a function".
                           r"\bis not a function\b|"
                           r"cannot find (?:symbol|function|value|type|struct|trait|macro|module|crate|method)\b|"
                           # rustc's E0599: "no method named `encrypted` found for struct `StoreBuilder<R>`".
                           r"\bno (?:method|function|field|associated item|variant) named\b|"
                           # Zig: "no field or member function named 'enableLto' in 'Build.Step.Compile'".
                           r"\bno field or member function named\b|"
                           # GHC: "Variable not in scope: requireJsonBodyStrict", "Not in scope: type constructor".
                           r"\bnot in scope\b|"
                           # gfortran on a function it does not know: "Function 'cumsum' at (1) has no IMPLICIT type".
                           r"\bfunction '\w+' at \(\d+\) has no implicit type\b|"
                           # F#'s FS0039: "The type 'IServiceCollection' does not define the field, constructor or
                           # member 'AddGiraffeNewtonsoft'".
                           r"\bdoes not define the (?:field|type|value|namespace|member|constructor)\b|"
                           # CMake: 'Unknown CMake command "target_enable_lto"'.
                           r"\bunknown \w+ (?:commands?|functions?|macros?)\b|"
                           # rustc's E0433 on a path that is not there: "could not find `Server` in `axum`".
                           r"\bcould not find `\w+` in\b|"
                           # Go's YAML decoding into a config type (amtool, promtool): "field mute_weekends not found
                           # in type config.plain".
                           r"\bfield \w+ not found in type\b|"
                           r"no such (?:function|method|module|option|attribute|flag)\b|"
                           r"unresolved (?:reference|import|var|symbol|namespace)|"
                           r"\bundefined in [\w./-]+|"
                           # Julia: "UndefVarError: `readtable` not defined".
                           r"\bUndefVarError\b|"
                           # An import of a file or module the package does not ship ("HH404: File
                           # @openzeppelin/contracts/utils/Counters.sol, imported from ..., not found").
                           r"\bfile [@\w./-]+, imported from [@\w./-]+, not found\b|"
                           # Handlebars: 'Missing helper: "eq"'.
                           r"\bmissing helper\b|"
                           # "Sidekiq::Extensions not defined in sidekiq 7.3".
                           r"\b[\w:.]+ not defined in\b|"
                           r"is not defined\b|isn't defined\b|\bfunction [\"'`]?\w+[\"'`]? not defined\b|no member named|"
                           r"unrecognized (?:(?:configuration )?(?:arguments?|options?|keys?|fields?|parameters?|properties|settings?))|"
                           r"unexpected key\b|\bhas invalid keys?\b|\bunsupported (?:argument|block type|attribute)\b|"
                           r"\bis not expected here\b|"
                           # A validator with no schema for a beta API version: one the cluster no longer serves.
                           r"could not find schema for \w+ [\w.]+/v\d+(?:alpha|beta)\d|"
                           r"invalid option\b|could(?: not|n't) resolve\b|call to an undefined|"
                           r"\bdoes not contain a definition for\b|\bdoes not provide an export named\b|"
                           r"\bis not a (?:recogni[sz]ed|valid|known) (?:option|flag|argument|parameter|command|key|field|"
                           r"property|setting|attribute|keyword|directive|module)\b|"
                           # "'getreplicas' is not a nodetool command in Cassandra 4.1".
                           r"\bis not an? \w+ (?:sub)?command\b|"
                           r"\bundefined (?:\w+ )?[`'\"]?\w+[`'\"]? for\b|"
                           # "extra row 22:00 furnace 1965 not in source".
                           r"\bnot in (?:the )?source\b|"
                           # "extra: fault E104 @ 05:12:44Z (no matching source line)".
                           r"\bno matching source (?:line|row|entry|record|span)\b|"
                           r"\b404\b.{0,12}\bnot found\b|\bnot found in (?:the )?(?:source|document|registry|index|catalog|"
                           r"information_schema)\b|"
                           # "Annotation 'autoscaling.keda.sh/force-refresh' not found in KEDA docs/CRDs".
                           r"\bnot found in (?:the )?(?:\w+ )?(?:docs|documentation|CRDs?|API reference)\b|"
                           r"\bno supporting (?:span|passage|evidence)\b|\bDeprecationWarning\b|"
                           r"\b(?:is|was|are|were|has been) deprecated\b|\bdeprecated (?:since|in|as of) v?\d|"
                           # An API version the cluster no longer serves ("no matches for kind \"Ingress\" in version
                           # \"extensions/v1beta1\""), a feature removed from the product.
                           r"\bno matches for kind\b|"
                           r"\bno longer (?:supported|available)\b|\bremoved in\b", re.I)


# A citation check's reason: a citation left out ("0 of 3 risks include a section reference", "no runbook ID
# cited") breaks a rule to cite; one that names what is not there ("Section 5.4 does not exist in source", "No
# section '9.4' found in handbook index") is a made-up fact.
_UNCITED = re.compile(r"\b(?:no|missing|lacks?|without|none of|0 of \d+|0/\d+|0|zero)\b[^.;]{0,40}\b(?:citations?|"
                      r"references?|"
                      r"sections?|sources?|ids?|cited?|cites|clause numbers?)\b|"
                      r"\b(?:0|zero) (?:citations?|references?|sources?)\b|"
                      r"\bnot cited\b", re.I)
# A check named for the presence, shape or ban of citations ("has_citation", "citations_present", "citation_regex",
# "no_citations"), not for whether the cited thing exists.
_CITATION_RULE = re.compile(r"^(?:has|no|ends_with|cites)_|_(?:present|regex|format|count)$")
# (Not a verdict on the whole answer: "The submission was incorrect", "Custom function returned false".)
_FALSE_CLAIM = re.compile(r"\b(?:false since|(?:is|are|was|were) (?:false|untrue)|outdated|superseded|reversed|"
                          r"overruled|vacated|repealed|no longer (?:true|valid|current|the case))\b|"
                          r"\b(?:incorrect(?:ly)?|inaccurate) (?=[a-z])|; false\b", re.I)
_OTHER_DIALECT = re.compile(r"\bsyntax error\b.{0,20}\bnear [\"'`]?(?:QUALIFY|PIVOT|UNPIVOT|ILIKE)\b|"
                            r"\bnear [\"'`]?(?:QUALIFY|PIVOT|UNPIVOT|ILIKE)[\"'`]?: syntax error", re.I)
_VALUE_MISMATCH = re.compile(r"\bexpected:? [$€£]?\d[\d,.]*\b[^;\n]{0,60}?[;,]? got:? [$€£]?\d", re.I)
_PATTERN_MISS = re.compile(r"\bdoes(?: not|n't) match (?:pattern )?['\"`/]?\^", re.I)
_CONTEXT_UNUSED = re.compile(r"\b(?:does(?: not|n't)|fails? to|never) (?:use|reference|cite|consider)\b"
                             r"(?:[^.;]|\.(?=\d)){0,60}"
                             r"\b(?:context|provided|given|retrieved|passages?|log|config)\b|"
                             r"\bcontradicts (?:the )?(?:provided|given|retrieved)\b|"
                             r"\b(?:taken|copied|read) from (?:the )?superseded (?:version|revision|draft|page \d)|"
                             r"\bamendment\b[^.;]{0,40}\bignored\b", re.I)
_NOT_RETRIEVED = re.compile(r"\bnot (?:in (?:the )?)?retrieved\b|\bnot in (?:the )?retrieved set\b|"
                            r"\bnot found in any retrieved\b|\bmissing from (?:the )?retrieved\b|"
                            r"\(not in retrieved set\)", re.I)
# A count of parts against the whole ("1/5", "2 of 4"), as recalls write it.
_N_OF_M = r"\b\d+ ?(?:/|of) ?\d+ "
# A recall that counts the gold answer's points the answer makes: "1/5 gold obligations found".
_POINTS_FOUND = re.compile(_N_OF_M + r"(?:gold |expected |required )?[a-z]+ (?:found|mentioned|present|listed|covered|"
                           r"named|identified)\b", re.I)
# An extraction that lists too few of what the source has: "damage: 1/3 items extracted (missing gunwale crack)".
_ITEMS_EXTRACTED = re.compile(_N_OF_M + r"(?:items?|entries|rows|records|lines?|events?) extracted\b", re.I)
_NOT_LISTED = re.compile(r"\bnot in (?:the )?(?:canonical|allowed|permitted|approved) (?:list|values|set)\b", re.I)
_MISSING_PARTS = re.compile(r"^\s*(?:missing|omits|omitted|lacks)(?: (?:expected |required )?(?:columns?|fields?|"
                            r"sections?|items?))?\s*:|"
                            # "missing header line; missing PCT column; missing ALL row (regional totals correct)".
                            r"^\s*missing\b[^;]{1,40};\s*missing\b|"
                            # A rubric's count of what the answer covers: "1 of 4 required steps; no env vars".
                            r"\b\d+ (?:of|/) ?\d+ (?:required|expected) (?:steps|items|parts|points|sections|"
                            r"elements)\b",
                            re.I)
_RULE_REASON = re.compile(r"\binstructions? (?:say|said|require|ask|forbid)|\bnot allowed\b|\brequired for\b", re.I)
_MADE_UP = re.compile(r"\bnot found\b|\bno \w+ ['\"][^'\"]+['\"] found\b|\b(?:does|do)(?:n't| not) (?:exist|support)|"
                      r"\bno such\b|unsupported|\b(?:invalid|unknown|invented|fabricated|nonexistent)\b", re.I)


def failed_check_kinds(checks: tuple[Check, ...]) -> dict[str, str]:
    """The kinds of the failed checks whose name is well known, each with the check's name and reason."""
    found: dict[str, str] = {}
    for c in checks:
        if c.passed:
            continue
        name = _normalised(c.name)
        # An exact name wins over a partial one ("contextual_relevancy" is retrieval, not "relevancy"), and
        # among partial ones the longest ("contains_expected_value" is a fact check, not a "contains" rule).
        # A name read only whole is read before any.
        if name in _WHOLE_NAMES:
            kind = _WHOLE_NAMES[name]
        else:
            kind = _kind_of(name, c.reason)
            if kind is None and "." in c.name:
                # A check per field ("field_accuracy.previous_balance: expected -45.20, got 45.20"): the check's
                # name is the part before the field's; or a provider's check ("default.regexMatch" in Portkey's
                # guardrails), the part after the provider's name.
                kind = _kind_of(_normalised(c.name.split(".")[0]), c.reason) or _kind_of(
                    _normalised(c.name.rsplit(".", 1)[1]), c.reason)
            if kind is None and ":" in c.name:
                # One rule of a set ("policy_rule:no_price_quotes"): the rule's own name says what it checks (the
                # set's may be a schema's, "csv_schema:BOLRows_v2", which any wrong value breaks).
                kind = _kind_of(_normalised(c.name.split(":", 1)[1]), c.reason)
        if kind is not None:
            found.setdefault(kind, f"{c.name} failed" + (f": {c.reason[:120]}" if c.reason else ""))
    return found


# A check of the answer's content against the gold one or the source ("issue_recall: 4/4 gold issues present",
# "line_mapping: 8/8 correct", "config_values", "field_accuracy"): passed, it vouches for the facts.
_CONTENT_CHECK = re.compile(r"recall|accura|correct|match|mapping|values?$|values?_|grounding|fact|functional|calc|"
                            r"^coverage|_coverage_judge$")
_NOT_CONTENT = re.compile(r"^(?:context|contextual|retrieval|schema_context)_|format|schema|json|yaml|xml|sql_|parse|"
                          r"style|tone|length|count|citation")


# A pass whose own reason names a value that is off ("expected CWE-22, got CWE-73", "unsupported: hotel.address")
# passed a threshold, not every fact.
_FLAWED_PASS = re.compile(r"\bexpected\b.{0,40}\bgot\b|unsupported|\bnot (?:on|in|found|supported)\b|mismatch|"
                          r"incorrect|\bwrong\b|differ", re.I)


# Or whose own reason says so, whatever its name ("amount_check: Total 654.50 matches reference").
_VOUCHING_REASON = re.compile(r"\bmatch(?:es|ed)? (?:the )?(?:reference|gold|expected)\b", re.I)


def passed_content_checks(checks: tuple[Check, ...]) -> list[str]:
    """The names of the passed checks that compared the answer's content with the gold answer or the source."""
    out = []
    for c in checks:
        name = _normalised(c.name)
        reason = c.reason or ""
        if c.passed and not _FLAWED_PASS.search(reason) and (
                (_CONTENT_CHECK.search(name) and not _NOT_CONTENT.search(name)) or _VOUCHING_REASON.search(reason)):
            out.append(c.name)
    return out


def _normalised(raw: str) -> str:
    # CamelCase (DeepEval's JsonCorrectnessMetric) reads like snake_case, and so does an acronym inside it
    # (Guardrails' NSFWText, QARelevanceLLMEval: "nsfw_text", "qa_relevance_llm_eval").
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", raw)
    name = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    # What kind of thing it is is no part of what it checks (DeepEval's JsonCorrectnessMetric, W&B Weave's
    # ContextEntityRecallScorer).
    name = re.sub(r"_(?:metric|scorer)$", "", name)
    # A cut-off in the name ("passage_recall@3", "ndcg_at_10") is no part of what it measures.
    name = re.sub(r"(recall|precision|ndcg|mrr|hit_rate|hits)_(?:at_)?\d+$", r"\1", name)
    # OpenAI Evals names a grader "JSON parses-0f6ea5fe-ad40-46e9-af82-d01501e0d109": the id is no part of it.
    return re.sub(r"_[0-9a-f]{8}(?:_[0-9a-f]{4}){3}_[0-9a-f]{12}$", "", name)


def _kind_of(name: str, reason: str) -> str | None:
    """The kind a failed check's (normalised) name or, failing that, its reason points at."""
    kind = next((k for k, names in _CHECK_KINDS.items() if name in names), None)
    if kind is None and _FORMAT_CHECK.fullmatch(name):
        kind = "format"  # html_validate, yaml_lint, json_parses, sql_syntax
    if kind is None:
        # The longest name wins; between two as long, the one at the end, which names what is measured
        # ("schema_recall" is a recall, "answer_relevance" a relevance).
        partial = [(len(n), name.endswith("_" + n), k) for k, names in _CHECK_KINDS.items() for n in names
                   if name.startswith(n + "_") or name.endswith("_" + n)]
        kind = max(partial)[2] if partial else None
    if kind is None and (name.startswith("no_") or name.endswith("_absent")):
        # A ban the team checks ("no_credit_commitment", "no_preamble"): a stated rule.
        kind = "instruction"
    if kind is None and not _UNKNOWN_NAME.search(reason) and re.search(
            r"polic(?:y|ies)(?:_(?:compliance|adherence|check|violation|rules?|rules?_check|terms|scan))?$|"
            r"^polic(?:y|ies)_(?:guard|check)_", name):
        # Rules for an agent's tools or data ("tool_call_policy", "phi_access_policy", "policy_compliance",
        # "k8s_policy_scan", "policy_guard_valuation"), unless
        # the rule found something that does not exist ("deps_policy: gofiber/jwt/v2 is deprecated").
        kind = "instruction"
    if kind is None and "citation" in name and (_MADE_UP.search(reason) or re.search(r"\bno match\b", reason, re.I)):
        # A verifier of cited law or documents that cannot find one ("legal_citation_verifier: No match for
        # 'Aerial Application Neighbor Notification Act of 2016' in U.S. Code"): the citation was made up.
        kind = "fact"
    if kind == "fact" and "cit" in name and not _MADE_UP.search(reason) and (
            _UNCITED.search(reason) or _CITATION_RULE.search(name) or _RULE_REASON.search(reason)):
        # "citation_check: 0 of 3 risks include a section reference", "has_citation" failed, "no_citations: 3
        # found; instructions say none": the rule on citing was broken; no citation was made up.
        kind = "instruction"
    if _OTHER_DIALECT.search(reason):
        # A query that fails to parse at a construct another engine has (Snowflake's QUALIFY, PIVOT on
        # PostgreSQL, ILIKE on SQLite) is well formed for that engine: the model thought this one had it.
        kind = "fact"
    if kind in (None, "format") and _UNKNOWN_NAME.search(reason):
        # A build, lint or query run that found a name that does not exist; a validator of SQL or code that ran it
        # too ("ValidSQL: column loyalty_tier does not exist"): what no parser reports, only a lookup of the name.
        kind = "fact"
    if (kind is None or kind == "detail") and _FALSE_CLAIM.search(reason):
        # A judge of the answer or its explanation that says what in it is untrue ("States MySQL lacks window
        # functions; false since 8.0", "relies on reversed Tax Court decision"): a fact, not missing detail.
        kind = "fact"
    if kind is None and _VALUE_MISMATCH.search(reason) and not re.search(r"result|test|count|rows?|lines?|items?",
                                                                          name):
        # A value against the expected one ("starting_bid_rule: expected 500 (40% of 1250); got 375"); not a count
        # of rows or a query's result, which any kind of fault changes.
        kind = "fact"
    if kind == "instruction" and "verbatim" in name and re.search(r"\bdoes(?: not|n't) appear\b", reason, re.I):
        # A quote the source does not hold ("quote_verbatim: Quoted phrase 'at no additional cost' does not appear
        # in §14.3") was made up, not copied loosely.
        kind = "fact"
    if kind is None and "deprecat" in name:
        kind = "fact"  # a check for deprecated APIs ("deprecated_api_lint: @capacitor/storage replaced by ...")
    if kind is not None and kind != "retrieval" and _NOT_RETRIEVED.search(reason):
        # A coverage check that says the clause it wanted was never retrieved ("Gold clause §4.6 not in retrieved
        # set"): the retriever's miss, not the answer's.
        kind = "retrieval"
    if kind == "fact" and "ground" in name and re.search(r"\bcontradicts?\b", reason, re.I):
        kind = "context"  # "policy_grounding: Contradicts ACC-204 §7.1": the given policy was set aside
    if kind == "fact" and _CONTEXT_UNUSED.search(reason):
        # A grounding or field check that says the answer did not use what it was given ("answer does not use
        # §3.1 ($15,000) from context", "quote_date taken from superseded version"): the context was set aside.
        kind = "context"
    if kind == "fact" and ("recall" in name and _POINTS_FOUND.search(reason) or _ITEMS_EXTRACTED.search(reason)):
        # A recall of the gold answer's points ("recall_vs_gold: 1/5 gold obligations found"): what the answer
        # left out, as issue_recall counts it; not a value it got wrong.
        kind = "detail"
    if kind is None and _NOT_LISTED.search(reason):
        kind = "schema"  # a value outside the allowed ones ("manufacturer 'Steinway (Hamburg)' not in canonical list")
    if kind is None and _MISSING_PARTS.search(reason):
        kind = "detail"  # a rubric that lists what the answer left out ("Missing: server-side validation, ...")
    if kind is None and (re.search(r"(?:^|_)rules?$|^rules?_check$|(?:^|_)iso_?8601$|^utc_timestamps?$|^shebang", name)
                         or _PATTERN_MISS.search(reason)):
        # A rule of the team's own ("prediction_rule: contains outcome prediction", "rule_check: shebang recipe
        # used"; not a domain's "tax_rule_check"), a field held to a pattern ("date_iso8601: 'next Monday' does
        # not match ^\d{4}-\d{2}-\d{2}$").
        kind = "instruction"
    if kind is None and _LINTER.search(name) and not _NOT_RUN.search(reason):
        kind = "instruction"  # a team's rules a linter enforces: SELECT *, no-explicit-any, @moduledoc
        if re.search(r"\buse of deprecated\b", reason, re.I):
            # Unless it flags a deprecated API ("clippy: use of deprecated struct `Camera2dBundle`"): code written
            # for an older release, stale knowledge rather than a house rule.
            kind = "fact"
    return kind
