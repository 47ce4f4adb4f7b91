"""Named SQL queries, read from the `.sql` files shipped in `server/store/sql/`.

Each file holds sections that start with a `-- name: <query_name>` line (procrastinate's layout). The
portable queries live in `queries.sql`; an engine file (`sqlite.sql`, `postgres.sql`) adds its schema and
overrides the few queries whose SQL differs (for example the PostgreSQL lease takes `FOR UPDATE SKIP
LOCKED`). Queries use `:name` placeholders; `for_pyformat` rewrites them for psycopg.
"""

from __future__ import annotations

import re
from importlib import resources

_NAME = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)
# `:name` but not the `::type` cast of PostgreSQL.
_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def parse_queries(text: str) -> dict[str, str]:
    """Split a `.sql` file into {name: sql}; the text before the first name is ignored (a header)."""
    parts = _NAME.split(text)
    out: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        if name in out:
            raise ValueError(f"query {name!r} is defined twice")
        out[name] = body.strip()
    return out


def load_queries(engine: str) -> dict[str, str]:
    """The portable queries overlaid with the engine's own (`sqlite` or `postgres`)."""
    folder = resources.files("server.store").joinpath("sql")
    queries = parse_queries(folder.joinpath("queries.sql").read_text(encoding="utf-8"))
    queries.update(parse_queries(folder.joinpath(f"{engine}.sql").read_text(encoding="utf-8")))
    return queries


def for_pyformat(sql: str) -> str:
    """Rewrite `:name` placeholders as `%(name)s` (psycopg), escaping literal percent signs first."""
    return _PLACEHOLDER.sub(r"%(\1)s", sql.replace("%", "%%"))


def split_statements(script: str) -> list[str]:
    """The statements of a schema section: full-line `--` comments dropped, split on `;` (our DDL has no
    semicolons inside literals)."""
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]
