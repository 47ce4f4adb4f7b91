"""The path of a batch of failure records inside the service: engine -> refiners -> router -> store.

Both the gRPC servicers and the in-process CLI go through `Pipeline`, so a case gets the same diagnosis
and the same queue items whichever way it arrived.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from classifiers.records import Diagnosis, FailureRecord
from server import router
from server.store.base import Store, StoredDiagnosis

if TYPE_CHECKING:
    from classifiers import Engine

Refiner = Callable[[FailureRecord, Diagnosis], Diagnosis]


@dataclass
class Pipeline:
    store: Store
    engine: Engine
    refiners: list[Refiner] = field(default_factory=list)

    def diagnose(self, records: Sequence[FailureRecord]) -> list[Diagnosis | Exception]:
        """Diagnose without storing (pure: the same records give the same diagnoses).

        A case the engine raises on comes back as its exception, in its place; the rest are diagnosed.
        """
        out = self.engine.diagnose_each(records)
        for refine in self.refiners:
            out = [d if isinstance(d, Exception) else refine(r, d) for r, d in zip(records, out)]
        return out

    def accept(self, records: Sequence[FailureRecord]) -> list[StoredDiagnosis | Exception]:
        """Diagnose, route and store a batch; every returned diagnosis is durable and queued exactly once.

        A case that could not be diagnosed is not stored: its exception comes back in its place, for the
        caller to report, and the cases beside it are stored as usual.
        """
        outcomes = self.diagnose(records)
        stored = iter(self.store.save_diagnoses(
            [(r, d, router.route(r, d)) for r, d in zip(records, outcomes) if not isinstance(d, Exception)]))
        return [d if isinstance(d, Exception) else next(stored) for d in outcomes]
