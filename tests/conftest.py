"""Shared fixtures: offline model loading, one real engine per test session."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def engine():
    """The shipped default engine (real embedding model), loaded once."""
    from classifiers import load_engine

    return load_engine()


@pytest.fixture
def engine_bug(monkeypatch):  # type: ignore[no-untyped-def]
    """Make signal extraction raise for any case whose id starts with the returned prefix.

    Stands in for a bug the engine has on some input (as a schema `$ref` to a URL once had), so the paths
    that must survive one failing case can be tested without keeping a real bug around.
    """
    from classifiers import signals

    real = signals._cheap

    def cheap(rec):  # type: ignore[no-untyped-def]
        if rec.id.startswith("bug-"):
            raise ValueError(f"engine bug on {rec.id}")
        return real(rec)

    monkeypatch.setattr(signals, "_cheap", cheap)
    return "bug-"
