"""Does a SQL answer name tables and columns that the schema it was given does not have?

A text-to-SQL prompt usually carries its schema: `calls(call_id bigint PK, queue_id int, ...)` or
`CREATE TABLE qc.lots (lot_id bigint PRIMARY KEY, ...)`. A query that selects `a.agent_name` where `agents`
has `full_name`, or joins a `sessions` table the schema never lists, states a fact about the database that is
false: the model invented it (an information failure), whatever the form of the query.

Only what can be checked without a SQL grammar is checked: a qualified column (`alias.column`) whose alias
resolves, through FROM/JOIN, to a table of the schema; and a table after FROM/JOIN that the schema lacks,
when the schema names at least two tables (one table shown may be an excerpt).
"""

from __future__ import annotations

import json
import re

_IDENT = r"[A-Za-z_][\w$]*"
# `name(` or `CREATE TABLE name (`, with an optional schema prefix; the column list is read with its nesting.
_TABLE_HEAD = re.compile(r"(?:\bcreate\s+(?:temporary\s+|temp\s+)?table\s+(?:if\s+not\s+exists\s+)?)?"
                         r"(?<![\w.$])((?:" + _IDENT + r"\.)?" + _IDENT + r")\s*\(", re.I)
_NOT_COLUMNS = frozenset("primary foreign constraint unique check key index references on using".split())
_TYPE_WORDS = frozenset(
    "int integer bigint smallint tinyint serial bigserial numeric decimal real float double money text varchar char "
    "character string bool boolean date time timestamp timestamptz datetime interval uuid json jsonb bytea blob "
    "clob enum array number varchar2 nvarchar pk fk not null default primary references unique smallserial citext "
    "inet cidr xml geometry geography precision int2 int4 int8 float4 float8 tinytext mediumtext longtext "
    "datetime2 nchar bit varbinary binary image struct map variant object".split())
_SQL_WORDS = frozenset(
    "select from where and or not in is null as on join left right inner outer full cross group by order having "
    "limit offset union all distinct case when then else end count sum avg min max coalesce cast extract "
    "interval date_trunc now exists between like ilike over partition window values insert update delete set "
    "into with desc asc nulls first last filter lateral using natural true false".split())
_PROSE_WORDS = frozenset("the a an this that these those each every any some other both them it its your our their "
                         "relevant same".split())
_FROM = re.compile(r"\b(?:from|join)\s+((?:" + _IDENT + r"\.)?" + _IDENT + r")(?:\s+(?:as\s+)?(" + _IDENT + r"))?",
                   re.I)
_QUALIFIED = re.compile(r"(?<![\w.$'\"])(" + _IDENT + r")\.(" + _IDENT + r")\b(?!\s*\()")
_CTE = re.compile(r"(?:\bwith(?:\s+recursive)?|,)\s*(" + _IDENT + r")\s+as\s*\(", re.I)
_STRINGS = re.compile(r"'(?:[^']|'')*'")
_SQL_WORD = re.compile(r"\bselect\b|\bwith\s+(?:recursive\s+)?\w+\s+as\s*\(", re.I)
_IN_CALL = re.compile(r"\b(?:extract|substring|trim|position|overlay)\s*\([^()]*$", re.I)
_COMMENT_RESIDUE = re.compile(r"^(?:\s|'[^']*'|--|\||e\.g\.)+")
_FENCED_SQL = re.compile(r"```(?:sql|postgres\w*|mysql|tsql|sqlite)?[ \t]*\n(.*?)```", re.S | re.I)
_SQL_LINE = re.compile(r"(?im)^[ \t]*(?:select\b|with\s+(?:recursive\s+)?\w+\s+as\s*\()")
_SQL_CONTINUES = re.compile(r"^\s*(?:\(|\)|select|with|from|where|join|left|right|inner|group|order|having|limit|"
                            r"union|and|or|on|as|case|when|end|--)", re.I)


def _column_list(text: str, start: int) -> str | None:
    """The text inside the parentheses opening at `start`, or None when they never close."""
    depth = 0
    for i in range(start, min(len(text), start + 6000)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    return None


def _split_top(body: str) -> list[str]:
    """The comma-separated items of a column list, commas inside brackets (`NUMERIC(10,2)`) kept."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def schema_tables(text: str) -> dict[str, frozenset[str]]:
    """Tables a prompt defines, each with its columns (names lower-cased; a table under its bare and its
    schema-qualified name). A parenthesised list counts as a table when at least two of its items, and at
    least half, read as columns: a name alone or followed by a type or constraint (`id`, `created_at
    timestamptz`), not prose."""
    tables: dict[str, frozenset[str]] = {}
    for m in _TABLE_HEAD.finditer(text):
        name = m.group(1).lower()
        if name.split(".")[-1] in _SQL_WORDS or name in _TYPE_WORDS:
            continue
        body = _column_list(text, m.end() - 1)
        if body is None or "\n\n" in body:
            continue
        cols, items = set(), [p for p in _split_top(body) if p.strip()]
        for item in items:
            # (A comment's values split off as items of their own: `status TEXT -- 'open','closed'`.)
            first = re.match(r"[\"`]?(" + _IDENT + r")[\"`]?", _COMMENT_RESIDUE.sub("", item))
            if first is None or first.group(1).lower() in _NOT_COLUMNS:
                continue
            rest = item[item.index(first.group(1)) + len(first.group(1)):].strip(" \t\"`")
            # A column is a name, alone or followed by a type or a constraint; prose ("3 items, each ...") is not.
            words = rest.split()
            if not words or (re.match(r"[A-Za-z(\-]", rest) and len(words) <= 12 and (
                    len(words) <= 2 or words[0].isupper() or re.split(r"\W", words[0].lower())[0] in _TYPE_WORDS)):
                cols.add(first.group(1).lower())
        if len(cols) >= 2 and len(cols) >= len(items) / 2:
            full = frozenset(cols)
            tables[name] = full
            tables.setdefault(name.split(".")[-1], full)
    return tables


def unknown_references(sql: str, tables: dict[str, frozenset[str]]) -> list[str]:
    """Names in `sql` that `tables` shows do not exist: `alias.column` and FROM/JOIN tables."""
    if not tables:
        return []
    body = _STRINGS.sub("''", re.sub(r"--[^\n]*", " ", sql))
    ctes = {m.group(1).lower() for m in _CTE.finditer(body)}
    aliases: dict[str, str] = {}
    missing: list[str] = []
    n_tables = len({cols for cols in tables.values()})
    unknown = []
    for m in _FROM.finditer(body):
        table = m.group(1).lower()
        alias = (m.group(2) or "").lower()
        in_call = _IN_CALL.search(body[max(0, m.start() - 40):m.start()])  # `EXTRACT(HOUR FROM t.col)`: a column
        if table in ctes or table.split(".")[-1] in _SQL_WORDS or table in _PROSE_WORDS or in_call:
            continue  # ("... and (c) follow the same pattern: join the relevant tables": prose after the query)
        if table not in tables and table.split(".")[-1] not in tables:
            unknown.append(table)
            continue
        key = table if table in tables else table.split(".")[-1]
        aliases[key] = key
        aliases[table] = key
        if alias and alias not in _SQL_WORDS:
            aliases[alias] = key
    if n_tables >= 2:
        missing += [t for t in unknown if t.split(".")[0] not in aliases]
    for m in _QUALIFIED.finditer(body):
        alias, column = m.group(1).lower(), m.group(2).lower()
        if alias not in aliases or column == "*":
            continue
        if column not in tables[aliases[alias]]:
            missing.append(f"{alias}.{column}")
    return sorted(set(missing))


def sql_in(output: str) -> str | None:
    """The query an answer gives: a fenced SQL block, or the lines from the first SELECT/WITH until prose
    resumes after a blank line. None when the answer holds no query."""
    fenced = _FENCED_SQL.search(output)
    if fenced and _SQL_LINE.search(fenced.group(1)):
        return fenced.group(1)
    m = _SQL_LINE.search(output)
    if m is None:
        return None
    lines = output[m.start():].split("\n")
    kept = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        if not prev.strip() and line.strip() and not _SQL_CONTINUES.match(line):
            break
        kept.append(line)
    return "\n".join(kept)


_JSON_SQL = re.compile(r'"((?:[^"\\]|\\.)*)"')


def invented_names(output: str, given: str) -> list[str]:
    """Tables and columns the query in `output` uses that the schema in `given` (prompt and context) lacks;
    [] when there is no query or no schema to hold it to. A query inside a JSON string is read too."""
    if not _SQL_WORD.search(output):
        return []
    query = sql_in(output)
    if query is None and output.lstrip()[:1] in "{[":
        for m in _JSON_SQL.finditer(output):
            try:
                value = json.loads(f'"{m.group(1)}"')
            except json.JSONDecodeError:
                continue
            if _SQL_LINE.match(value):
                query = value
                break
    if query is None:
        return []
    tables = schema_tables(given)
    return unknown_references(query, tables) if tables else []


# `region TEXT -- 'WEST','CENTRAL','EAST'`: a column whose comment lists the values it holds (an example,
# "e.g. 'RNO1'", lists none).
# (A column's comment may follow its comma: "species TEXT NOT NULL, -- 'beef','pork'".)
_LISTED = re.compile(r"(?<![\w.$])(" + _IDENT + r")\b[^\n,()]*?(?:\([\d, ]*\)[^\n,]*?)?,?\s*(?:--|/\*)"
                     r"(?![^\n]*\be\.g\.)\s*"
                     r"(?:(?:one of|values?|either)\s*:?\s*)?((?:'[^'\n]*'\s*(?:,|/|\||or)?\s*){2,})")
# A data note in prose: "status takes exactly these values: 'Open', 'Assigned', 'Closed'", "-- status in
# ('waiting','ready','filled')", "-- appointments.status values: 'BOOKED', 'DNA'".
_LISTED_NOTE = re.compile(r"(?<![\w$])(?:" + _IDENT + r"\.)?(" + _IDENT + r")\s+(?:takes|has|holds|uses|is\b|in\b|values?\b)"
                          r"[^'\n:]{0,30}?"
                          r"[:(]?\s*((?:'[^'\n]*'\s*(?:,|/|\||or|and)?\s*){2,})|"
                          # A code table: "-- appt.status codes: 'SC' scheduled, 'CP' completed, 'NS' no-show".
                          r"(?<![\w$])(?:" + _IDENT + r"\.)?(" + _IDENT + r")\s+codes?\s*[:=]\s*((?:'[^'\n]*'[^'\n]{0,40}){2,})", re.I)
_COMPARED = re.compile(r"(?<![\w$])(?:" + _IDENT + r"\.)?(" + _IDENT + r")\s*(?:=|<>|!=)\s*'([^'\n]*)'|"
                       r"(?<![\w$])(?:" + _IDENT + r"\.)?(" + _IDENT + r")\s+(?:not\s+)?in\s*\(((?:\s*'[^'\n]*'\s*,?)+)\)",
                       re.I)


def unlisted_values(output: str, given: str) -> list[str]:
    """Values the query compares a column with that the schema's comment for that column does not list: a
    filter on `region = 'east'` where the schema notes `region -- 'WEST','CENTRAL','EAST'`, or on
    `status = 'completed'` where it lists 'scheduled','worked','cancelled'. The model set aside what the
    schema it was given says about the data."""
    # The query first: most outputs compare no column with a literal, and the schema's notes are long to scan.
    query = sql_in(output) if "'" in output else None
    compared = list(_COMPARED.finditer(re.sub(r"--[^\n]*", " ", query))) if query is not None else []
    if not compared:
        return []
    listed: dict[str, set[str]] = {}
    for m in [*_LISTED.finditer(given), *_LISTED_NOTE.finditer(given)]:
        column, values = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        listed.setdefault(column.lower(), set()).update(re.findall(r"'([^'\n]*)'", values))
    found = []
    for m in compared:
        column = (m.group(1) or m.group(3)).lower()
        values = [m.group(2)] if m.group(1) else re.findall(r"'([^'\n]*)'", m.group(4))
        allowed = listed.get(column)
        if allowed:
            found += [f"{column} = '{v}'" for v in values if v not in allowed]
    return sorted(set(found))
