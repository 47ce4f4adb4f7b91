"""Each format validator on good and bad payloads, and schema checks on extracted payloads."""

from __future__ import annotations

import pytest

from classifiers.formats import fences_asked, schema_from_instructions, validate, validate_json

GOOD = {
    "json": '{"answer": "Paris", "score": 3}',
    "yaml": "answer: Paris\nscore: 3\n",
    "xml": "<answer><city>Paris</city></answer>",
    "html": "<ul><li>Paris</li><li>Rome</li></ul>",
    "sql": "SELECT name FROM city WHERE country = 'FR' AND (pop > 10);",
    "csv": "city,country\nParis,FR\nRome,IT\n",
    "markdown": "# Cities\n\n- Paris\n- Rome\n",
}
BAD = {
    "json": '{"answer": "Paris",',
    "yaml": "answer: [Paris\nscore: 3",
    "xml": "<answer><city>Paris</answer>",
    "html": "Paris and Rome are cities.",
    "sql": "Here is the city you asked for: Paris",
    "csv": "city,country\nParis,FR,extra\nRome\n",
    "markdown": "# Cities\n\n```python\nprint('Paris')\n",
}


@pytest.mark.parametrize("fmt", sorted(GOOD))
def test_good_payload_passes(fmt: str) -> None:
    res = validate(fmt, GOOD[fmt])
    assert res.ok, res.detail
    assert not res.wrapped


@pytest.mark.parametrize("fmt", sorted(BAD))
def test_bad_payload_fails(fmt: str) -> None:
    res = validate(fmt, BAD[fmt])
    assert not res.ok
    assert res.detail


@pytest.mark.parametrize("text", ['```json\n{"answer": "Paris"}\n```', 'Sure! Here it is: {"answer": "Paris"} Hope it helps.'])
def test_wrapped_json_is_a_violation_but_schema_checked(text: str) -> None:
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}}, "required": ["answer"]}
    res = validate("json", text, schema)
    assert not res.ok and res.wrapped
    assert res.schema_ok is False
    assert "answer" in res.schema_detail


def test_schema_violation_on_clean_json() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    assert validate("json", '{"n": 3}', schema).schema_ok is True
    res = validate("json", '{"n": "three"}', schema)
    assert res.ok and res.schema_ok is False


def test_invalid_schema_is_reported_not_raised() -> None:
    res = validate("json", '{"n": 3}', {"type": "no-such-type"})
    assert res.ok and res.schema_ok is True and "invalid" in res.schema_detail


@pytest.mark.parametrize("dialect", [7, True, {"draft": 7}, ["https://json-schema.org/draft/2020-12/schema"]])
def test_a_schema_whose_dialect_is_no_uri_is_reported_not_raised(dialect: object) -> None:
    # jsonschema looks "$schema" up as a URI and raised a TypeError on anything else, failing the case
    res = validate_json('{"n": 3}', {"$schema": dialect, "type": "object"})
    assert res.ok and res.schema_ok is True and "$schema must be a URI string" in res.schema_detail


def test_yaml_scalar_is_not_a_document() -> None:
    assert not validate("yaml", "just a sentence of prose").ok


def test_schema_from_example_in_instructions() -> None:
    schema = schema_from_instructions(('Output only a JSON string matching [{"Answer": "string", "Confidence": "int (0-5)"}, ...]',))
    assert schema is not None
    assert validate("json", '[{"Answer": "x", "Confidence": 3}]', schema).schema_ok is True
    assert validate("json", '[{"Answer": "x", "Confidence": 3.5}]', schema).schema_ok is False


@pytest.mark.parametrize("sql", [
    "SELECT country, COUNT(*) FROM users GROUP country;",
    "SELECT region, SUM(x) FROM sales WHERE year = 2024 GROUP BY region ORDER BY",
])
def test_sql_grammar_faults_fail(sql: str) -> None:
    assert not validate("sql", sql).ok


def test_sql_keywords_inside_literals_and_window_clauses_pass() -> None:
    assert validate("sql", "SELECT a FROM t WHERE note = 'order and' AND b BETWEEN '2024-01-01' AND '2024-12-31';").ok
    assert validate("sql", "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t;").ok


def test_sql_comments_are_sql() -> None:
    commented = ("-- Harbor's late-cancellation window isn't given, so this assumes 48 hours.\n"
                 "SELECT patient_id, COUNT(*) FROM appointments /* late ones */ WHERE status = 'cancelled' "
                 "GROUP BY patient_id;")
    assert validate("sql", commented).ok
    assert not validate("sql", "-- I don't have the schema, so I can't write this query.").ok


def test_a_markdown_table_is_not_csv() -> None:
    res = validate("csv", "| name | start |\n|---|---|\n| Ana | 2025-06-02 |")
    assert not res.ok and "markdown table" in res.detail


def test_prose_that_yaml_reads_as_a_mapping_is_not_yaml() -> None:
    res = validate("yaml", "Sure! You will want a workflow that runs on every push and has two steps: checkout, then test.")
    assert not res.ok


def test_plain_prose_is_markdown_a_structure_asked_for_is_an_instruction() -> None:
    assert validate("markdown", "Paris is the capital of France and Rome is the capital of Italy.").ok


def test_a_json_array_is_not_csv() -> None:
    res = validate("csv", '[{"id": "F-01", "severity": "high"}, {"id": "F-04", "severity": "medium"}]')
    assert not res.ok and "JSON" in res.detail


def test_an_element_left_open_is_malformed_html_but_an_implicitly_closed_one_is_not() -> None:
    res = validate("html", '<div class="hold-banner"><h2>Registration Holds<ul><li>Bursar balance</li></ul></div>')
    assert not res.ok and "<h2> is never closed" in res.detail
    assert validate("html", "<div><h2>Holds</h2><ul><li>one<li>two</ul><p>Call us<p>Thanks</div>").ok


@pytest.mark.parametrize("schema", [
    {"$ref": "https://raw.githubusercontent.com/compose-spec/compose-spec/master/schema/compose-spec.json"},
    {"type": "object", "properties": {"id": {"type": "string", "pattern": "(?<=a+)b"}}},
])
def test_a_schema_that_cannot_be_applied_offline_is_reported_not_raised(schema: dict) -> None:
    # A $ref to a URL is never fetched (the service runs offline); a pattern Python cannot compile is skipped.
    res = validate_json('{"id": "x1", "services": {}}', schema)
    assert res.ok and res.schema_ok and "not checked" in res.schema_detail


def test_a_stream_of_yaml_documents_is_yaml() -> None:
    manifests = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n---\napiVersion: apps/v1\nkind: Deployment\n"
    assert validate("yaml", manifests).ok
    # Prose stays prose, one document or several.
    assert not validate("yaml", "Sure, here is the config.\n---\nIt should work.").ok


@pytest.mark.parametrize(("text", "asked"), [
    ("Answer format: sql_code_block", True),
    ("Use a single sql code block; no prose", True),
    ("Devuelve solo la consulta dentro de un bloque ```sql, sin texto adicional.", True),
    ("Return raw JSON, no code fences", False),
    ("Output raw YAML only. Do not wrap it in markdown code fences.", False),
    ("A single raw JSON object (no markdown fences)", False),
    ("Return only the SQL.", False),
])
def test_fences_asked_tells_a_request_for_a_code_block_from_a_ban(text: str, asked: bool) -> None:
    assert fences_asked([text]) is asked


def test_a_payload_in_the_fences_asked_for_validates() -> None:
    fenced = "```sql\nSELECT 1;\n```"
    assert validate("sql", fenced, asked=("Answer format: sql_code_block",)).ok
    assert validate("sql", fenced + "\nIt selects one.", asked=("Put the query in a ```sql block.",)).ok
    # Unasked fences, or prose beside the block where only the query was asked for, stay a wrapped payload.
    assert validate("sql", fenced).wrapped
    assert validate("sql", fenced + "\nIt selects one.", asked=("Only the query, in a sql code block.",)).wrapped


@pytest.mark.parametrize(("text", "ok"), [
    ("COPY INTO raw.orders FROM @stage/orders/ FILE_FORMAT = (TYPE = CSV);", True),
    ("GRANT SELECT, INSERT ON orders TO analyst;", True),
    ("BEGIN; UPDATE t SET a = 1; COMMIT;", True),
    ("SET search_path TO app;", True),
    ("Copy the file to the server first.", False),
    ("Use INSERT ... ON CONFLICT instead.", False),
    ("Values are stored in cents.", False),
])
def test_sql_statements_beyond_queries_are_sql_and_english_openings_are_not(text: str, ok: bool) -> None:
    assert validate("sql", text).ok is ok
