"""The diagnosis engine: label failed eval cases information / behavior / both / unknown, with evidence.

Public face: `load_engine()` -> `Engine.diagnose(records) -> list[Diagnosis]`.
"""

from __future__ import annotations

from classifiers.engine import Engine, load_engine

__all__ = ["Engine", "load_engine"]
