"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when FORMFACT_TEST_POSTGRES_URL is set.

Each PostgreSQL test gets its own schema (selected through the URL's `options=-csearch_path=...`), so tests
are isolated without creating a database each time.
"""

from __future__ import annotations

import os
import uuid
from typing import Callable, Iterator
from urllib.parse import quote

import pytest

from classifiers.records import Diagnosis, Evidence, FailureRecord, route_for
from server.store import QueueItemDraft, Store, open_store

POSTGRES_URL = os.environ.get("FORMFACT_TEST_POSTGRES_URL", "")


class FakeClock:
    """A clock the test moves by hand: lease expiry and retry delays without sleeping."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections see a fresh, empty schema of the test PostgreSQL; skips without one."""
    if not POSTGRES_URL:
        pytest.skip("FORMFACT_TEST_POSTGRES_URL unset")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL, reason="FORMFACT_TEST_POSTGRES_URL unset")),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty store location for the engine under test."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def make_store(store_url: str, clock: FakeClock) -> Iterator[Callable[..., Store]]:
    """Opens stores on the test's location (twice = close and reopen); closes them all at the end."""
    opened: list[Store] = []

    def make(max_attempts: int = 5) -> Store:
        store = open_store(store_url, max_attempts=max_attempts, clock=clock)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: Callable[..., Store]) -> Store:
    return make_store()


def _record(case_id: str, output: str = "The capital of Australia is Sydney.", model: str = "m1") -> FailureRecord:
    return FailureRecord(id=case_id, input="What is the capital of Australia?", output=output,
                         reference="Canberra", model=model)


def _diagnosis(case_id: str, label: str = "information", subtypes: tuple[str, ...] = ("missing_knowledge",),
                   route: str | None = None) -> Diagnosis:
    return Diagnosis(id=case_id, label=label, subtypes=subtypes, confidence=0.8, route=route or route_for(label),
                     evidence=(Evidence("reference_agreement", "output disagrees with reference", 0.9),),
                     action="add a passage", classifier_version="test-1")


def _enqueue(store: Store, case_id: str, queue: str = "rag", deferred: bool = False, output: str | None = None,
            **diag: object) -> str:
    """Save a diagnosis with one item on `queue`; returns the item id."""
    record = _record(case_id, output) if output is not None else _record(case_id)
    stored = store.save_diagnosis(record, _diagnosis(case_id, **diag),  # type: ignore[arg-type]
                                  [QueueItemDraft(queue, {"case": case_id}, deferred)])
    return stored.item_ids[0]


# Helpers as fixtures: test modules cannot import conftest.
@pytest.fixture
def make_record() -> Callable[..., FailureRecord]:
    return _record


@pytest.fixture
def make_diagnosis() -> Callable[..., Diagnosis]:
    return _diagnosis


@pytest.fixture
def enqueue() -> Callable[..., str]:
    return _enqueue
