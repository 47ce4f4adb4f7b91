"""Opening stores: engine choice from a path or URL, SQLite settings, the schema version, named queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from server.errors import FormfactError, Unavailable
from server.store import SQLiteStore, open_store
from server.store.queries import for_pyformat, load_queries, parse_queries


@pytest.mark.parametrize("form", ["path", "str", "url"])
def test_open_store_picks_sqlite_for_paths(tmp_path: Path, form: str) -> None:
    target = tmp_path / "nested" / "f.db"
    forms: dict[str, str | Path] = {"path": target, "str": str(target), "url": f"sqlite:///{target}"}
    arg = forms[form]
    store = open_store(arg)
    try:
        assert isinstance(store, SQLiteStore) and store.path == target and target.exists()
    finally:
        store.close()


@pytest.mark.parametrize("url", ["mysql://h/db", "sqlite://", "sqlite:///"])
def test_open_store_refuses_unknown_urls(url: str) -> None:
    with pytest.raises(ValueError):
        open_store(url)


def test_open_store_picks_postgres_for_its_urls(postgres_url: str) -> None:
    from server.store.postgres import PostgresStore

    store = open_store(postgres_url)
    try:
        assert isinstance(store, PostgresStore) and postgres_url not in repr(store)  # no password in logs
        assert [s.queue for s in store.stats()] == ["rag", "finetune", "review"]
    finally:
        store.close()


def test_an_unreachable_postgres_is_unavailable() -> None:
    with pytest.raises(Unavailable):
        open_store("postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_sqlite_is_wal_with_full_sync_and_versioned(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    try:
        conn = store._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert [tuple(r) for r in conn.execute("SELECT version FROM store_schema_version")] == [(1,)]
    finally:
        store.close()
    SQLiteStore(tmp_path / "s.db").close()  # reopening adds no second version row
    with sqlite3.connect(tmp_path / "s.db") as raw:
        assert raw.execute("SELECT COUNT(*) FROM store_schema_version").fetchone()[0] == 1


def test_a_database_from_a_newer_server_is_refused(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as raw:
        raw.execute("INSERT INTO store_schema_version (version, applied_at) VALUES (99, 0)")
    with pytest.raises(FormfactError, match="newer"):
        SQLiteStore(tmp_path / "s.db")


def test_a_closed_store_is_unavailable(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.close()
    with pytest.raises(Unavailable):
        store.stats()


def test_memory_database_is_refused() -> None:
    with pytest.raises(ValueError):
        SQLiteStore(":memory:")


def test_named_queries_parse_and_engines_define_the_same_names() -> None:
    assert parse_queries("-- header\n-- name: a\nSELECT 1;\n-- name: b\nSELECT 2") == {"a": "SELECT 1;",
                                                                                     "b": "SELECT 2"}
    with pytest.raises(ValueError):
        parse_queries("-- name: a\nSELECT 1\n-- name: a\nSELECT 2")
    sqlite, portable = load_queries("sqlite"), parse_queries(
        (Path(__file__).parents[2] / "server/store/sql/queries.sql").read_text())
    assert "schema" in sqlite and set(portable) <= set(sqlite)


def test_pyformat_rewrites_placeholders_only() -> None:
    sql = "SELECT x::text, '5%' FROM t WHERE a = :a AND b = :b_2"
    assert for_pyformat(sql) == "SELECT x::text, '5%%' FROM t WHERE a = %(a)s AND b = %(b_2)s"
