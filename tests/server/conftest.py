"""A real in-process gRPC server on port 0 over a real SQLite file, per test."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from server.config import Settings
from server.testing import InProcess, start_in_process


@pytest.fixture
def running(engine, tmp_path: Path, request) -> Iterator[InProcess]:  # type: ignore[no-untyped-def]
    """Settings overrides come from indirect parametrization: a dict, or a callable taking tmp_path."""
    overrides = getattr(request, "param", None) or {}
    if callable(overrides):
        overrides = overrides(tmp_path)
    run = start_in_process(engine, Settings(port=0, host="127.0.0.1", db_path=tmp_path / "formfact.db", **overrides))
    yield run
    run.stop()
