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
