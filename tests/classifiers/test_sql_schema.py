"""Tables and columns a query uses that the schema in its prompt does not have."""

from __future__ import annotations

from classifiers.sql_schema import invented_names, schema_tables, sql_in, unlisted_values

SCHEMA = """Tables (PostgreSQL 15):
calls(call_id bigint PK, queue_id int, agent_id int NULL, started_at timestamptz, status text  -- 'open' | 'closed', talk_seconds int, wrap_seconds int)
agents(agent_id int PK, full_name text, team_id int)
CREATE TABLE qc.defects (defect_id BIGINT PRIMARY KEY, inspection_id BIGINT, qty INT, amount NUMERIC(10,2));
"""


def test_schemas_are_read_in_either_notation_with_comments_and_typed_columns() -> None:
    tables = schema_tables(SCHEMA)
    # A comment inside the list ("-- 'open' | 'closed'") does not end it: the columns after it are read.
    assert tables["calls"] == {"call_id", "queue_id", "agent_id", "started_at", "status", "talk_seconds",
                               "wrap_seconds"}
    assert tables["qc.defects"] == tables["defects"] == {"defect_id", "inspection_id", "qty", "amount"}
    # Prose in brackets is no table; a type's brackets (NUMERIC(10,2)) are not one either.
    assert schema_tables('A comment ("this product is a scam, the CEO lies") and NUMERIC(10,2).') == {}


def test_a_query_is_held_to_the_schema_through_its_aliases() -> None:
    good = ("SELECT a.full_name, SUM(c.talk_seconds + c.wrap_seconds) AS busy FROM calls c "
            "JOIN agents a ON a.agent_id = c.agent_id GROUP BY a.full_name")
    assert invented_names(good, SCHEMA) == []
    bad = "SELECT a.agent_name, AVG(c.handle_time) FROM calls c JOIN agents a ON a.agent_id = c.agent_id"
    assert invented_names(bad, SCHEMA) == ["a.agent_name", "c.handle_time"]
    assert invented_names("SELECT * FROM call_reschedules r JOIN calls c ON c.call_id = r.call_id", SCHEMA) == [
        "call_reschedules"]
    # EXTRACT(... FROM column) reads a column, and a CTE is a table the query defines itself.
    assert invented_names("WITH busy AS (SELECT agent_id FROM calls) SELECT EXTRACT(HOUR FROM c.started_at) "
                          "FROM calls c JOIN busy b ON b.agent_id = c.agent_id", SCHEMA) == []


def test_the_query_is_found_in_prose_fences_and_json() -> None:
    chatty = "Sure! Here it is:\n\n```sql\nSELECT d.line_id FROM qc.defects d\n```\n\nLet me know."
    assert invented_names(chatty, SCHEMA) == ["d.line_id"]
    assert invented_names('{"sql": "SELECT d.plant FROM qc.defects d", "notes": "x"}', SCHEMA) == ["d.plant"]
    # Prose after the query is not read as SQL ("... from your team").
    assert sql_in("SELECT 1\n\nThis counts calls from your team.") == "SELECT 1\n"
    # No schema given, or no query: nothing to hold it to.
    assert invented_names("SELECT x.y FROM t x", "Count the rows.") == []
    assert invented_names("Occupancy measures busy time.", SCHEMA) == []


def test_a_filter_on_a_value_the_schema_notes_do_not_list() -> None:
    schema = ("CREATE TABLE warehouses (\n  warehouse_id INT PRIMARY KEY,\n  code TEXT NOT NULL,  -- e.g. 'RNO1'\n"
              "  region TEXT  -- 'WEST','CENTRAL','EAST'\n);\n"
              "shifts(shift_id, unit_id, status -- 'scheduled','worked','cancelled')")
    assert unlisted_values("SELECT * FROM warehouses w WHERE w.region = 'east'", schema) == ["region = 'east'"]
    assert unlisted_values("SELECT * FROM shifts WHERE status IN ('worked', 'completed')", schema) == [
        "status = 'completed'"]
    assert unlisted_values("SELECT * FROM warehouses WHERE region = 'EAST' AND code = 'PHX2'", schema) == []
    # A value in a comment of the query, or a schema note with no listed values, holds the query to nothing.
    assert unlisted_values("SELECT * FROM shifts -- status = 'done'\nWHERE status = 'worked'", schema) == []
    assert unlisted_values("SELECT * FROM t WHERE region = 'east'", "t(id, region TEXT)") == []
    # A column's comment after its comma lists them as well.
    cuts = "TABLE cuts (cut_id INT PRIMARY KEY, species TEXT NOT NULL, -- 'beef','pork','lamb'\n  primal TEXT)"
    assert unlisted_values("SELECT * FROM cuts c WHERE c.species = 'Beef'", cuts) == ["species = 'Beef'"]
    # "is one of" and "is 'M' or 'F'" list them too; case is part of the value.
    dictionary = "Data dictionary: dogs.status is one of 'available', 'pending', 'adopted'. dogs.sex is 'M' or 'F'."
    assert unlisted_values("SELECT COUNT(*) FROM dogs WHERE status = 'Available' AND sex = 'Female'",
                           dictionary) == ["sex = 'Female'", "status = 'Available'"]
    assert unlisted_values("SELECT COUNT(*) FROM dogs WHERE status = 'available' AND sex = 'F'", dictionary) == []
    # A data note in prose lists values as well.
    note = "tickets(id, status, opened_at). status takes exactly these values: 'Open', 'Assigned', 'Closed'."
    assert unlisted_values("SELECT id FROM tickets WHERE status = 'resolved'", note) == ["status = 'resolved'"]
    assert unlisted_values("SELECT id FROM tickets WHERE status = 'Closed'", note) == []


def test_a_code_table_in_a_schema_comment_lists_the_values() -> None:
    schema = ("TABLE appt(id INT PK, provider_id INT, status CHAR(2))\n"
              "-- appt.status codes: 'SC' scheduled, 'CP' completed, 'NS' no-show")
    assert unlisted_values("SELECT COUNT(*) FROM appt a WHERE a.status = 'no_show'", schema) == ["status = 'no_show'"]
    assert unlisted_values("SELECT COUNT(*) FROM appt a WHERE a.status = 'NS'", schema) == []
    # "-- one of ..." before the list, as in `status VARCHAR(20) -- one of 'Scheduled','Cancelled'`.
    flights = "flights(flight_id INT,\n  status VARCHAR(20) -- one of 'Scheduled','Delayed','Cancelled'\n)"
    assert unlisted_values("SELECT * FROM flights WHERE status = 'Canceled'", flights) == ["status = 'Canceled'"]


def test_a_data_note_may_name_its_column_with_the_table() -> None:
    schema = ("appointments(appointment_id BIGINT PK, clinic_id INT, status TEXT)\n"
              "-- appointments.status values: 'BOOKED', 'ARRIVED', 'COMPLETED', 'CANCELLED', 'DNA'")
    query = "SELECT clinic_id, COUNT(*) FROM appointments a WHERE a.status = 'no_show' GROUP BY clinic_id"
    assert unlisted_values(query, schema) == ["status = 'no_show'"]
    assert unlisted_values(query.replace("no_show", "DNA"), schema) == []
