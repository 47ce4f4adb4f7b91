"""Rules on SQL answers: where the query is in an output, one statement, standing filters, row caps, a query
given, a closing semicolon, the dialect, banned statements, a closing clause.
"""

from __future__ import annotations

import json
import re

from classifiers.instructions.common import InstructionResult, _artifact_given


def _rule_one_statement(instr: str, output: str) -> InstructionResult | None:
    """'Return exactly one SQL statement': the output holds one statement, not alternatives."""
    if not re.search(r"\b(?:exactly|only) one (?:sql )?(?:statement|query)\b|\ba single (?:sql )?(?:statement|query)\b",
                     instr, re.I):
        return None
    code = re.sub(r"--[^\n]*|/\*.*?\*/|'[^']*'", " ", output, flags=re.S)
    statements = [part for part in code.split(";") if re.search(r"\b(?:select|insert|update|delete|create|alter|"
                                                                r"drop|merge)\b", part, re.I)]
    return InstructionResult("one SQL statement", len(statements) <= 1, f"{len(statements)} statements")


_SQL_KEYS = ("sql", "query", "statement", "sql_query")


def _query_text(output: str) -> str:
    """Where the query is in an output: the string under "sql" in a JSON answer ({"sql": "...", "notes": ...}),
    the fenced code blocks of a prose answer, else the output (a prose answer's `inline code` unquoted: its
    backticks are Markdown, not MySQL identifiers)."""
    text = output.strip()
    if text[:1] == "{":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError:
            payload = None
        if isinstance(payload, dict):
            found = next((payload[k] for k in _SQL_KEYS if isinstance(payload.get(k), str)), None)
            if found is not None:
                return found
    blocks = re.findall(r"```[\w+-]*\n(.*?)```", output, re.S)
    if blocks:
        return "\n".join(blocks)
    if not re.match(r"\s*(?:select|with|insert|update|delete|merge|create|alter|drop)\b", output, re.I):
        return re.sub(r"`([^`\n]+)`", r"\1", output)
    return output


def _sql_code(output: str) -> str | None:
    """The output's SQL without comments and string literals, or None when it holds no query."""
    code = re.sub(r"--[^\n]*|/\*.*?\*/", " ", _query_text(output), flags=re.S)
    if not re.search(r"\bselect\b[\s\S]+\bfrom\b|\b(?:update|delete from|insert into|merge into)\b", code, re.I):
        return None
    return re.sub(r"'[^'\n]*'", " ", code)


def holds_query(output: str) -> bool:
    """Whether the output holds a SQL query or data change (SELECT ... FROM, INSERT, UPDATE, DELETE, MERGE), fenced,
    bare or among prose. A statement of another kind (DDL, a COPY, a GRANT) is `formats.holds_statement`'s."""
    return _sql_code(output) is not None


def _names(code: str, identifier: str) -> bool:
    """Whether a query names a column (or alias) as a whole identifier, in any case."""
    return re.search(r"(?<![\w$])" + re.escape(identifier) + r"(?![\w$])", code, re.I) is not None


# "Always exclude test accounts (customers.is_test = true)", "must exclude per-diem staff (fte = 0)": a standing
# filter spelled out as predicates; each predicate's column must appear in the query.
_FILTER_RULE = re.compile(r"\b(?:exclude|excluding|filter(?:ed)? out|leave out|skip|include only|only include|"
                          r"restrict(?:ed)? to|limit(?:ed)? to)\b[^.;]{0,80}?\(", re.I)
_PREDICATE = re.compile(r"(?:[A-Za-z_]\w*\.)?([A-Za-z_]\w*)\s*(?:=|<>|!=|<=|>=|<|>|\bis\b|\bin\b|\blike\b)", re.I)


def _rule_required_filter(instr: str, output: str) -> InstructionResult | None:
    """'Exclude voided orders (status = 'voided') and comped items (is_comped = true)': the query reads every
    column those predicates name (a query that never mentions `is_test` cannot have excluded test accounts)."""
    m = _FILTER_RULE.search(instr)
    if not m:
        return None
    parens = re.findall(r"\(([^()]{3,80})\)", instr[m.end() - 1:])
    columns = [c for p in parens if (pm := _PREDICATE.match(p.strip())) for c in [pm.group(1)]]
    code = _sql_code(output)
    if not columns or code is None:
        return None
    missing = [c for c in columns if not _names(code, c)]
    return InstructionResult(f"filters on {', '.join(columns)}", not missing,
                             f"never reads {missing[0]}" if missing else "reads every filter column")


_ROW_CAP = re.compile(r"\b(?:include|add|use|with|must have|always (?:add|use|include)|every query must (?:have|"
                      r"include))\b[^.;]{0,30}?\bLIMIT\b(?:\s+(?:of\s+)?(\d+))?|\b(?:at most|no more than|up to|"
                      r"cap(?:ped)? at) (\d+) rows\b|\blimit (?:the )?(?:(?:results?|output|rows) )?to (\d+)(?: rows| results)?\b",
                      re.I)
_ROW_CLAUSE = re.compile(r"\bLIMIT\s+(\d+)|\bTOP\s*\(?\s*(\d+)|\bFETCH\s+(?:FIRST|NEXT)\s+(\d+)", re.I)


_ROW_LEVEL = re.compile(r"\b(?:non-?aggregat\w*|un-?aggregated|row-level|detail-level|raw rows?)\b", re.I)
_AGGREGATES = re.compile(r"\bgroup\s+by\b|\b(?:count|sum|avg|min|max)\s*\(", re.I)


def _aggregate_exempt(instr: str, code: str) -> bool:
    """'Row-level (non-aggregated) queries must end with LIMIT 1000': a query that aggregates is exempt."""
    return bool(_ROW_LEVEL.search(instr)) and bool(_AGGREGATES.search(code))


def _rule_row_cap(instr: str, output: str) -> InstructionResult | None:
    """'Every query must include LIMIT 500 or lower': the query caps its rows (LIMIT, TOP or FETCH FIRST) at no
    more than the stated number."""
    m = _ROW_CAP.search(instr) if not _ENDS_WITH_CLAUSE.search(instr) else None  # "end with LIMIT 100": its own rule
    code = _sql_code(output) if m else None
    if m is None or code is None or _aggregate_exempt(instr, code):
        return None
    cap = next((int(g) for g in m.groups() if g), None)
    clauses = [int(next(g for g in c.groups() if g)) for c in _ROW_CLAUSE.finditer(code)]
    ok = bool(clauses) and (cap is None or max(clauses) <= cap)
    return InstructionResult(f"row cap{f' <= {cap}' if cap else ''}", ok,
                             f"caps at {max(clauses)}" if clauses else "no LIMIT, TOP or FETCH FIRST")


_ASKS_QUERY = re.compile(r"^\W*(?:please\s+)?(?:write|give|generate|create|draft|return|produce)(?: me| us)? (?:a|an|the|one)"
                         r" (?:(?:sql|postgres(?:ql)?|mysql|sqlite|t-sql|single|read-only) )*(?:query|select statement)\b",
                         re.I)


def _rule_query_given(instr: str, output: str) -> InstructionResult | None:
    """'Write a query: ...': the output holds a query, not advice on the topic of the question."""
    asked = _ASKS_QUERY.search(instr) is not None
    return _artifact_given("query", asked, asked and _sql_code(output) is not None, output)


def _rule_semicolon(instr: str, output: str) -> InstructionResult | None:
    """'One statement terminated by a semicolon': the statement's last character is `;`."""
    if not re.search(r"\b(?:terminated|ended|end|ending|finish\w*)\s+(?:it\s+|each\s+statement\s+|the\s+statement\s+)?"
                     r"(?:by|with)\s+(?:a\s+)?(?:semicolon|`;`|';')", instr, re.I):
        return None
    tail = re.sub(r"```\s*$", "", output.strip()).strip()
    return InstructionResult("ends with a semicolon", tail.endswith(";"), f"ends with {tail[-12:]!r}")


# Syntax one SQL dialect has and a named other lacks: Postgres casts and LIMIT in T-SQL, TOP in PostgreSQL...
_DIALECTS = {
    "T-SQL": (r"\bT-?SQL\b|\bSQL Server\b|\bMSSQL\b|\bAzure SQL\b",
              r"\bLIMIT\s+\d|::\s*[a-z]\w*|\bILIKE\b|\bNOW\(\)|\bINTERVAL\b|\bDATE_TRUNC\s*\(|`\w+`"),
    "MySQL": (r"\bMySQL\b|\bMariaDB\b", r"::\s*[a-z]\w*|\bILIKE\b|\bDATE_TRUNC\s*\(|\bTOP\s*\(?\d|\bGETDATE\s*\("),
    "SQLite": (r"\bSQLite\b", r"::\s*[a-z]\w*|\bILIKE\b|\bDATE_TRUNC\s*\(|\bTOP\s*\(?\d|\bNOW\(\)|\bGETDATE\s*\("),
    "Oracle": (r"\bOracle\b", r"\bLIMIT\s+\d|::\s*[a-z]\w*|\bILIKE\b|\bTOP\s*\(?\d|`\w+`|\bGETDATE\s*\("),
    "PostgreSQL": (r"\bPostgres(?:QL)?\b", r"\bTOP\s*\(?\d|`\w+`|\bGETDATE\s*\(|\bDATEADD\s*\(|\bIFNULL\s*\(|"
                                          r"\bISNULL\s*\("),
}


def _rule_sql_dialect(instr: str, output: str) -> InstructionResult | None:
    """'Target database: SQL Server 2019, T-SQL only': the query uses no syntax that dialect lacks (a Postgres
    `::date` cast or LIMIT). A sentence naming two dialects (a migration) sets no target."""
    named = [d for d, (name, _) in _DIALECTS.items() if re.search(name, instr, re.I)]
    code = _sql_code(output) if len(named) == 1 else None
    if code is None:
        return None
    foreign = re.search(_DIALECTS[named[0]][1], code, re.I)
    return InstructionResult(f"{named[0]} syntax", foreign is None,
                             f"uses {foreign.group(0).strip()!r}" if foreign else "no foreign syntax")


_SQL_STATEMENTS = r"(?:INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|MERGE|GRANT|CREATE)"
_BANNED_STATEMENTS = re.compile(r"\b(?i:never|do not|don't|must not|no)\s+(?i:produce|write|generate|emit|run|use|output|"
                                r"issue)?\s*(" + _SQL_STATEMENTS + r"(?:\s*(?:,|or|and|/)\s*(?:" + _SQL_STATEMENTS +
                                r"|DDL|DML))*)")
_NO_SUBQUERIES = re.compile(r"\bno (?:sub-?queries|nested (?:selects|queries))\b|\bwithout (?:sub-?queries|nested "
                            r"selects)\b", re.I)


_READ_ONLY = re.compile(r"\bselect (?:statements|queries) only\b|\bonly (?:select|read-only) (?:statements|queries)\b|"
                        r"\b(?:statements|queries|sql) that (?:modify|change|alter|write|delete) (?:any )?(?:data|rows|"
                        r"the database)\b|\bread-only (?:sql|queries|assistant|access)\b", re.I)


def _rule_banned_statements(instr: str, output: str) -> InstructionResult | None:
    """'Never produce INSERT, UPDATE, DELETE or DDL', 'SELECT statements only', 'no subqueries': the SQL given has
    none of them."""
    m = _BANNED_STATEMENTS.search(instr)
    if m or _READ_ONLY.search(instr) or _NO_SUBQUERIES.search(instr):
        output = _query_text(output)
    if not m and _READ_ONLY.search(instr):
        writes = re.search(r"^\s*(" + _SQL_STATEMENTS + r")\b", output, re.I | re.M)
        return InstructionResult("read-only SQL", writes is None, f"uses {writes.group(1).upper()}" if writes else
                                 "SELECT only")
    if m:
        banned = re.findall(_SQL_STATEMENTS, m.group(1))
        found = [b for b in banned if re.search(r"^\s*" + b + r"\b", output, re.I | re.M)]
        return InstructionResult(f"no {'/'.join(banned)}", not found, f"uses {found[0]}" if found else "none used")
    if _NO_SUBQUERIES.search(instr):
        nested = re.search(r"(?<!as )(?<!as)\(\s*SELECT\b", output, re.I)  # (a CTE's "AS (SELECT" is not one)
        return InstructionResult("no subqueries", nested is None, "has a subquery" if nested else "none")
    return None


_ENDS_WITH_CLAUSE = re.compile(r"\bend (?:the|each|every|your) (?:query|queries|statement|sql|command|script)s? with\s+"
                               r"[`'\"]?([A-Za-z][\w ]{1,30}?\d*)[`'\"]?(?:[.;,]|$)|\b(?i:end) with\s+[`'\"]?((?:LIMIT|"
                               r"ORDER BY|FETCH FIRST)\b[\w ]{0,30}?)[`'\"]?(?:[.;,]|$)")


def _rule_ends_with_clause(instr: str, output: str) -> InstructionResult | None:
    """'Always end the query with LIMIT 100': the statement's last clause, trailing semicolons aside."""
    m = _ENDS_WITH_CLAUSE.search(instr) if "end" in instr.lower() else None
    if not m:
        return None
    clause = (m.group(1) or m.group(2)).strip()
    query = _query_text(output)
    if _aggregate_exempt(instr, query):
        return None
    want = re.sub(r"\s+", " ", clause).lower()
    tail = re.sub(r"\s+", " ", query.strip().rstrip("`").strip().rstrip(";").strip()).lower()
    return InstructionResult(f"ends with {clause}", tail.endswith(want), f"ends with {tail[-30:]!r}")


# "Order by avg_apr descending", "Sort results by `created_at`." (a sentence of SQL, "ORDER BY x;", is a query
# quoted in a prompt, and "order by member count" names no column).
_ORDER_RULE = re.compile(r"^\W*(?i:always\s+)?(?:[Oo]rder|[Ss]ort)(?:ed)?\s+(?i:the\s+)?(?i:(?:results?|rows|output)\s+)?"
                         r"(?i:by)\s+[`\"]?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[`\"]?"
                         r"(?:,?\s+(?i:(asc|ascending|desc|descending)\b)(?:\s+order)?)?\s*(?:[.;,)]|$)")
_INNER_ORDER = re.compile(r"\b(?:over|within\s+group)\s*\([^()]*\)", re.I)
_ORDER_CLAUSE = re.compile(r"\border\s+by\s+(.*?)(?=\blimit\b|\bfetch\b|\boffset\b|\)|;|$)", re.I | re.S)


def _rule_order_by(instr: str, output: str) -> InstructionResult | None:
    """'Order by avg_apr descending': the query has an ORDER BY on that column, in that direction (a window's
    or an aggregate's own ORDER BY does not sort the result)."""
    m = _ORDER_RULE.search(instr)
    code = _sql_code(output) if m else None
    if m is None or code is None:
        return None
    column = m.group(1).split(".")[-1]
    descending = (m.group(2) or "").lower().startswith("desc")
    on_column = re.compile(r"(?<![\w$])" + re.escape(column) + r"(?![\w$])[`\"]?(\s+desc\b)?", re.I)
    constraint = f"ORDER BY {column}{' DESC' if descending else ''}"
    sorts = [s for clause in _ORDER_CLAUSE.findall(_INNER_ORDER.sub(" ", code)) if (s := on_column.search(clause))]
    if not sorts:
        return InstructionResult(constraint, False, "no ORDER BY on that column")
    kept = any(bool(s.group(1)) == descending for s in sorts) if m.group(2) else True
    return InstructionResult(constraint, kept, "sorted as asked" if kept else "sorted the other way")


_ALIAS_RULE = re.compile(r"\b(?:alias|name|call|label)\s+(?:the\s+)?(?:output\s+|result\s+)?columns?\s+(?:as\s+)?"
                         r"([`\"]?[A-Za-z_]\w*[`\"]?(?:(?:\s*,\s*|\s*,?\s+and\s+)[`\"]?[A-Za-z_]\w*[`\"]?)*)", re.I)


def _rule_column_aliases(instr: str, output: str) -> InstructionResult | None:
    """'Alias output columns as region and avg_apr': every name given is a column name in the query."""
    m = _ALIAS_RULE.search(instr)
    code = _sql_code(output) if m else None
    if m is None or code is None:
        return None
    names = [n for n in re.findall(r"[A-Za-z_]\w*", m.group(1)) if n.lower() != "and"]
    missing = [n for n in names if not _names(code, n)]
    return InstructionResult(f"columns named {', '.join(names)}", not missing,
                             f"no column {missing[0]}" if missing else "every name used")


_ROUND_RULE = re.compile(r"\bround(?:ed)?\b[^.;]{0,40}?\bto\s+(?:\d+|one|two|three|four)\s+decimal", re.I)
_ROUNDING = re.compile(r"\bround\s*\(|\b(?:numeric|decimal)\s*\(\s*\d+\s*,\s*\d+\s*\)|\bto_char\s*\(|\bformat\s*\(|"
                       r"\btrunc(?:ate)?\s*\(", re.I)


def _rule_rounded(instr: str, output: str) -> InstructionResult | None:
    """'Round averages to 2 decimal places', in a query: the query rounds (ROUND, a NUMERIC(p, s) cast, a format)."""
    code = _sql_code(output) if _ROUND_RULE.search(instr) else None
    if code is None:
        return None
    found = _ROUNDING.search(code)
    return InstructionResult("rounded in the query", found is not None, "rounds" if found else "no ROUND or cast")
