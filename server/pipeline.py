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

    def diagnose(self, records: Sequence[FailureRecord]) -> list[Diagnosis]:
        """Diagnose without storing (pure: the same records give the same diagnoses)."""
        diagnoses = self.engine.diagnose(records)
        for refine in self.refiners:
            diagnoses = [refine(r, d) for r, d in zip(records, diagnoses)]
        return diagnoses

    def accept(self, records: Sequence[FailureRecord]) -> list[StoredDiagnosis]:
        """Diagnose, route and store a batch; every returned case is durable and queued exactly once."""
        diagnoses = self.diagnose(records)
        return self.store.save_diagnoses([(r, d, router.route(r, d)) for r, d in zip(records, diagnoses)])
